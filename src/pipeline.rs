//! The build pipeline: every configured source imported, checked against the safety gate, then
//! one new index generation written (in full, or incrementally from the current one) and
//! switched to. Used by `kiosk index build|refresh` and by the kiosk on first start. The outcome
//! of every run is kept in `<index_dir>/last-run.json` for the staff area.
//!
//! Withdrawals come first and are never held back: every record a run sees as 依申请公开 or
//! 不予公开, and every record in the takedown list (`takedown.txt` beside the configuration), is
//! recorded in the withdrawal log (`<index_dir>/withdrawals.tsv`, see
//! [`crate::search::index::WithdrawalLog`]) and taken out of the serving generation (a new
//! generation, the current one minus those records) before the safety gate judges the rest of
//! the run. A refused, failed or empty run still applies them. A withdrawal ends when a run that
//! passes the gate sees the record public again and not in the takedown list; only then can
//! the record come back.

use crate::catalog::Record;
use crate::config::{RefreshSettings, Settings};
use crate::ingest::{import_source, IngestError, SourceReport};
use crate::search::index::{
    self, plan_refresh, write_full, write_refresh, write_withdrawal, GenerationInfo,
    GenerationInput, IndexError, SourceCount, SourceRemoval, WithdrawalEvent, WithdrawalLog,
    TAKEDOWN_FILE,
};
use crate::search::schema::record_key;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

const LAST_RUN: &str = "last-run.json";

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("no source yielded any record; the current index is left as it is")]
    Empty,
    #[error("the area table is unreadable: {0}")]
    Areas(String),
    #[error("{}", refused_text(reasons, withdrawals))]
    Refused {
        reasons: Vec<Refusal>,
        /// What was applied anyway.
        withdrawals: Box<Withdrawals>,
    },
    #[error("the takedown list cannot be read ({0}); the not-public records were withdrawn, the rest of the run is refused")]
    Takedown(String),
}

fn refused_text(reasons: &[Refusal], w: &Withdrawals) -> String {
    let reasons = reasons
        .iter()
        .map(|r| r.english.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    match &w.generation {
        None => format!(
            "refused, the current index is left as it is: {reasons}. Pass --force to override."
        ),
        Some(g) => format!(
            "refused: {reasons}. Pass --force to override. Only the withdrawals were applied: {} withdrawn record(s) taken out of the current data (generation {g}).",
            w.removed.len()
        ),
    }
}

/// The withdrawals of a run or rollback: what was seen, recorded and taken out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Withdrawals {
    /// Records this run saw as 依申请公开 or 不予公开.
    pub not_public: usize,
    /// Entries of the takedown list.
    pub takedown: usize,
    /// Keys newly recorded as withdrawn in the withdrawal log.
    pub logged: Vec<String>,
    /// Keys the serving generation held that were taken out.
    pub removed: Vec<String>,
    /// The generation written with only the withdrawals, if one was needed.
    pub generation: Option<String>,
    /// Keys withdrawn earlier that this run saw public again: the withdrawal ended.
    pub cleared: Vec<String>,
    /// Lines of the takedown list not understood, and withdrawals that could not be applied.
    pub problems: Vec<String>,
}

impl Withdrawals {
    /// The lines `kiosk index build|refresh|rollback` prints (empty when nothing happened).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.not_public + self.takedown + self.removed.len() + self.cleared.len() > 0 {
            out.push_str(&format!(
                "Withdrawals: {} seen not public, {} in the takedown list, {} newly recorded, {} taken out of the serving data{}, {} public again.\n",
                self.not_public,
                self.takedown,
                self.logged.len(),
                self.removed.len(),
                self.generation
                    .as_ref()
                    .map(|g| format!(" (generation {g})"))
                    .unwrap_or_default(),
                self.cleared.len()
            ));
        }
        for k in &self.removed {
            out.push_str(&format!("  withdrawn: {k}\n"));
        }
        for k in &self.cleared {
            out.push_str(&format!("  public again: {k}\n"));
        }
        for p in &self.problems {
            out.push_str(&format!("  WARNING: {p}\n"));
        }
        out
    }
}

/// One reason of the safety gate, in English for logs and in Chinese for the staff area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub english: String,
    pub chinese: String,
}

impl BuildError {
    /// What the staff area says about a failed run.
    pub fn chinese(&self) -> String {
        match self {
            BuildError::Refused {
                reasons,
                withdrawals,
            } => format!(
                "已拒绝本次更新：{}。如确需更新，请执行带 --force 参数的命令。{}",
                reasons
                    .iter()
                    .map(|r| r.chinese.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                if withdrawals.removed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "不再公开的{}条记录已从现有数据中撤下。",
                        withdrawals.removed.len()
                    )
                }
            ),
            BuildError::Takedown(_) => {
                "撤下清单 takedown.txt 无法读取，已拒绝本次更新（不再公开的记录已撤下），请检查该文件。"
                    .into()
            }
            BuildError::Empty => "所有数据源均未读到记录，已拒绝本次更新。".into(),
            BuildError::Areas(_) => "领域配置文件 areas.toml 无法读取，请检查后重试。".into(),
            BuildError::Ingest(_) | BuildError::Index(_) => {
                "读取数据源或写入索引时出错，详见系统日志（journalctl -u kiosk-refresh）。".into()
            }
        }
    }
}

/// Full rebuild or incremental refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Incremental,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub sources: Vec<SourceReport>,
    pub generation: GenerationInfo,
    pub import_time: Duration,
    pub index_time: Duration,
    pub withdrawals: Withdrawals,
}

/// The last run's outcome, as the staff area shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LastRun {
    pub at: chrono::DateTime<chrono::Local>,
    pub mode: String,
    pub ok: bool,
    pub message: String,
    /// The outcome in Chinese, for the staff area (absent in files of older versions).
    #[serde(default)]
    pub chinese: String,
    /// The withdrawals of the run, applied whatever its outcome.
    #[serde(default)]
    pub withdrawals: Withdrawals,
}

/// Reads the last run's outcome, if any run was recorded.
pub fn last_run(index_dir: &Path) -> Option<LastRun> {
    let text = std::fs::read_to_string(index_dir.join(LAST_RUN)).ok()?;
    serde_json::from_str(&text).ok()
}

fn record_last_run(
    index_dir: &Path,
    mode: Mode,
    result: &Result<BuildReport, BuildError>,
    withdrawals: Withdrawals,
) {
    let taken_out = withdrawals.removed.len();
    let run = LastRun {
        at: chrono::Local::now(),
        mode: match mode {
            Mode::Full => "build".into(),
            Mode::Incremental => "refresh".into(),
        },
        ok: result.is_ok(),
        message: match result {
            Ok(r) => format!(
                "generation {} with {} records{}",
                r.generation.name,
                r.generation.records,
                if taken_out > 0 {
                    format!("; {taken_out} withdrawn record(s) taken out")
                } else {
                    String::new()
                }
            ),
            Err(e) if taken_out == 0 || matches!(e, BuildError::Refused { .. }) => e.to_string(),
            Err(e) => format!("{e}; {taken_out} withdrawn record(s) were taken out all the same"),
        },
        chinese: match result {
            Ok(r) => format!(
                "已生成并启用新版本，共{}条{}",
                r.generation.records,
                if taken_out > 0 {
                    format!("；撤下不再公开的记录{taken_out}条")
                } else {
                    String::new()
                }
            ),
            Err(e @ BuildError::Refused { .. }) => e.chinese(),
            Err(e) if taken_out > 0 => {
                format!("{}不再公开的{taken_out}条记录已撤下。", e.chinese())
            }
            Err(e) => e.chinese(),
        },
        withdrawals,
    };
    let path = index_dir.join(LAST_RUN);
    let written = std::fs::create_dir_all(index_dir).and_then(|()| {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&run).unwrap_or_default(),
        )
    });
    if let Err(e) = written {
        tracing::warn!(path = %path.display(), error = %e, "cannot record the outcome of the run");
    }
}

/// Full rebuild, as on first start; the safety gate applies.
pub fn build_index(settings: &Settings) -> Result<BuildReport, BuildError> {
    run(settings, Mode::Full, false)
}

/// Imports every source and writes a new generation. A source that cannot be read at all, or a
/// result the safety gate refuses, fails the run and leaves the current generation serving.
pub fn run(settings: &Settings, mode: Mode, force: bool) -> Result<BuildReport, BuildError> {
    let mut withdrawals = Withdrawals::default();
    let result = run_inner(settings, mode, force, &mut withdrawals);
    if let Ok(r) = &result {
        tracing::info!(generation = %r.generation.name, records = r.generation.records, "index generation written and switched to");
    }
    if !withdrawals.removed.is_empty() {
        tracing::warn!(taken_out = withdrawals.removed.len(), generation = ?withdrawals.generation, ok = result.is_ok(), "withdrawn records taken out of the serving index");
    }
    for p in &withdrawals.problems {
        tracing::warn!(problem = %p, "withdrawals");
    }
    record_last_run(&settings.index_dir, mode, &result, withdrawals);
    result
}

fn run_inner(
    settings: &Settings,
    mode: Mode,
    force: bool,
    w: &mut Withdrawals,
) -> Result<BuildReport, BuildError> {
    let lock = index::lock(&settings.index_dir)?;
    let started = Instant::now();
    // Every source is read, even after one fails: the withdrawals of the others still count.
    let mut records = Vec::new();
    let mut sources = Vec::new();
    let mut failed = None;
    for source in &settings.sources {
        match import_source(source) {
            Ok(imported) => {
                records.extend(imported.records);
                sources.push(imported.report);
            }
            Err(e) => {
                tracing::error!(error = %e, "source cannot be read");
                failed.get_or_insert(e);
            }
        }
    }
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let names: Vec<&str> = settings.sources.iter().map(|s| s.name.as_str()).collect();

    // Withdrawals first, whatever the gate says about the rest.
    let mut events = Vec::new();
    for s in &sources {
        for id in &s.not_public_ids {
            events.push((record_key(&s.source, id), WithdrawalEvent::NotPublic));
        }
    }
    w.not_public = events.len();
    let takedown = read_takedown(config_dir, &names);
    if let Ok(t) = &takedown {
        w.takedown = t.keys.len();
        w.problems.extend(t.problems.iter().cloned());
        events.extend(
            t.keys
                .iter()
                .map(|k| (k.clone(), WithdrawalEvent::Takedown)),
        );
    }
    let withdrawing: BTreeSet<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    records.retain(|r| !withdrawing.contains(record_key(&r.source, &r.source_id).as_str()));
    let mut log = WithdrawalLog::read(&settings.index_dir)?;
    w.logged = log.append(&events)?;
    apply_withdrawals(&lock, settings, &log, w);

    if let Err(e) = takedown {
        return Err(BuildError::Takedown(e));
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    if records.is_empty() {
        return Err(BuildError::Empty);
    }
    let import_time = started.elapsed();
    let started = Instant::now();
    let plan = plan_refresh(&settings.index_dir, &records)?;
    if !force {
        let removals = plan
            .as_ref()
            .map(|p| p.removal_by_source(&names))
            .unwrap_or_default();
        let reasons = gate(&settings.refresh, &sources, &removals);
        if !reasons.is_empty() {
            return Err(BuildError::Refused {
                reasons,
                withdrawals: Box::new(w.clone()),
            });
        }
    }
    // The run goes through: records withdrawn earlier and public again may come back.
    let clears: Vec<(String, WithdrawalEvent)> = records
        .iter()
        .map(|r| record_key(&r.source, &r.source_id))
        .filter(|k| log.is_withdrawn(k))
        .map(|k| (k, WithdrawalEvent::Cleared))
        .collect();
    w.cleared = log.append(&clears)?;
    let areas = crate::search::areas::Areas::load(config_dir).map_err(BuildError::Areas)?;
    let input = GenerationInput {
        records: &records,
        areas: &areas,
        config_dir: Some(config_dir),
        sources: counts(&sources, &records),
        keep: settings.keep_generations,
    };
    let generation = match (mode, plan) {
        (Mode::Incremental, Some(plan)) => write_refresh(&lock, &settings.index_dir, &plan, input)?,
        _ => write_full(&lock, &settings.index_dir, input)?,
    };
    Ok(BuildReport {
        sources,
        generation,
        import_time,
        index_time: started.elapsed(),
        withdrawals: w.clone(),
    })
}

/// Takes every withdrawn key out of the serving generation: a new generation, the current one
/// minus those records, made current. A failure is noted, not returned: the run's own
/// generation leaves them out anyway, and no generation holding one is ever opened.
fn apply_withdrawals(
    lock: &index::WriteLock,
    settings: &Settings,
    log: &WithdrawalLog,
    w: &mut Withdrawals,
) {
    let dir = &settings.index_dir;
    let current = match index::current_generation(dir) {
        Ok(Some(c)) => c,
        Ok(None) => return,
        Err(e) => {
            w.problems
                .push(format!("cannot read the current generation: {e}"));
            return;
        }
    };
    match write_withdrawal(
        lock,
        dir,
        &current,
        &log.withdrawn(),
        None,
        settings.keep_generations,
    ) {
        Ok(Some((g, removed))) => {
            w.generation = Some(g.name);
            w.removed = removed;
        }
        Ok(None) => {}
        Err(e) => w.problems.push(format!(
            "cannot take the withdrawn records out of generation {current}: {e} (it is not served while it holds them)"
        )),
    }
}

/// The takedown list: record keys, and what in it was not understood.
#[derive(Debug, Default, PartialEq)]
pub struct Takedown {
    pub keys: BTreeSet<String>,
    pub problems: Vec<String>,
}

/// Reads `takedown.txt` of the configuration folder (no file: nothing taken down). Each line
/// names one record as `source-name<TAB or spaces>source-id` or as its record key
/// `source-name/source-id`; `#` starts a comment. An unreadable file is an error.
pub fn read_takedown(config_dir: &Path, sources: &[&str]) -> Result<Takedown, String> {
    let path = config_dir.join(TAKEDOWN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Takedown::default()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(parse_takedown(&text, sources))
}

fn parse_takedown(text: &str, sources: &[&str]) -> Takedown {
    let mut t = Takedown::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        let line = match line.find('#') {
            Some(i) if i == 0 || line[..i].ends_with(char::is_whitespace) => &line[..i],
            _ => line,
        }
        .trim();
        if line.is_empty() {
            continue;
        }
        let split = line
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a, b.trim()));
        let known_key = sources.iter().any(|s| {
            line.len() > s.len() && line.starts_with(s) && line.as_bytes()[s.len()] == b'/'
        });
        let (key, source) = match split {
            Some((source, id)) if sources.contains(&source) => (record_key(source, id), None),
            _ if known_key => (line.to_string(), None),
            Some((source, id)) => (record_key(source, id), Some(source)),
            None if line.contains('/') => (
                line.to_string(),
                Some(line.split('/').next().unwrap_or(line)),
            ),
            None => {
                t.problems.push(format!(
                    "{TAKEDOWN_FILE} line {}: `{line}` is not understood (write `source-name<TAB>source-id` or `source-name/source-id`)",
                    n + 1
                ));
                continue;
            }
        };
        if let Some(source) = source {
            t.problems.push(format!(
                "{TAKEDOWN_FILE} line {}: no source is named `{source}` (taken down all the same)",
                n + 1
            ));
        }
        t.keys.insert(key);
    }
    t
}

/// Rolls back as `kiosk index rollback` does: the takedown list is read and recorded first,
/// and a target that holds withdrawn records is replaced by a cleaned copy of it.
pub fn rollback(settings: &Settings) -> Result<(GenerationInfo, Withdrawals), BuildError> {
    let lock = index::lock(&settings.index_dir)?;
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let names: Vec<&str> = settings.sources.iter().map(|s| s.name.as_str()).collect();
    let takedown = read_takedown(config_dir, &names).map_err(BuildError::Takedown)?;
    let mut w = Withdrawals {
        takedown: takedown.keys.len(),
        problems: takedown.problems,
        ..Withdrawals::default()
    };
    let mut log = WithdrawalLog::read(&settings.index_dir)?;
    let events: Vec<_> = takedown
        .keys
        .into_iter()
        .map(|k| (k, WithdrawalEvent::Takedown))
        .collect();
    w.logged = log.append(&events)?;
    let (g, removed) = index::rollback(
        &lock,
        &settings.index_dir,
        &log.withdrawn(),
        settings.keep_generations,
    )?;
    if !removed.is_empty() {
        w.generation = Some(g.name.clone());
    }
    w.removed = removed;
    Ok((g, w))
}

/// Per-source counts of the records going into the generation.
fn counts(sources: &[SourceReport], records: &[Record]) -> Vec<SourceCount> {
    sources
        .iter()
        .map(|r| SourceCount {
            source: r.source.clone(),
            records: records.iter().filter(|x| x.source == r.source).count(),
            skipped: r.skipped.len(),
            not_public: r.not_public(),
        })
        .collect()
}

/// The reasons to refuse a new generation; empty when it may go ahead. `removals` counts, per
/// source, the records of the current generation that would disappear (withdrawals are not
/// among them: they were applied before): each source is judged on its own records, so one
/// small source emptying out is caught however large the others are.
pub fn gate(
    limits: &RefreshSettings,
    sources: &[SourceReport],
    removals: &[SourceRemoval],
) -> Vec<Refusal> {
    let mut reasons = Vec::new();
    for r in removals {
        let (removed, base) = (r.removed, r.base);
        if base > 0 && removed as f64 / base as f64 > limits.max_removed_share {
            let (share, limit) = (
                100.0 * removed as f64 / base as f64,
                100.0 * limits.max_removed_share,
            );
            reasons.push(Refusal {
                english: format!(
                    "source `{}`: {removed} of its {base} current records would disappear ({share:.1} %, limit {limit:.1} %)",
                    r.source
                ),
                chinese: format!(
                    "数据源“{}”现有{base}条记录中将有{removed}条消失（{share:.1}%，上限{limit:.1}%），数据源可能不完整",
                    r.source
                ),
            });
        }
    }
    for s in sources {
        let total = s.imported + s.skipped.len() + s.not_public();
        if total > 0 && s.skipped.len() as f64 / total as f64 > limits.max_bad_share {
            let (bad, share, limit) = (
                s.skipped.len(),
                100.0 * s.skipped.len() as f64 / total as f64,
                100.0 * limits.max_bad_share,
            );
            reasons.push(Refusal {
                english: format!(
                    "source `{}` has {bad} bad records of {total} ({share:.1} %, limit {limit:.1} %)",
                    s.source
                ),
                chinese: format!(
                    "数据源“{}”的{total}条记录中有{bad}条无法读取（{share:.1}%，上限{limit:.1}%）",
                    s.source
                ),
            });
        }
    }
    reasons
}

/// Records of all sources, for callers that only import (benchmarks, tests).
pub fn import_all(settings: &Settings) -> Result<(Vec<Record>, Vec<SourceReport>), IngestError> {
    let mut records = Vec::new();
    let mut reports = Vec::new();
    for source in &settings.sources {
        let imported = import_source(source)?;
        records.extend(imported.records);
        reports.push(imported.report);
    }
    Ok((records, reports))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Skip;

    fn report(imported: usize, skipped: usize) -> SourceReport {
        SourceReport {
            source: "s".into(),
            imported,
            skipped: vec![
                Skip {
                    location: "x".into(),
                    reason: "bad".into()
                };
                skipped
            ],
            ..SourceReport::default()
        }
    }

    fn removal(source: &str, base: usize, removed: usize) -> SourceRemoval {
        SourceRemoval {
            source: source.into(),
            base,
            removed,
        }
    }

    #[test]
    fn the_gate_refuses_mass_removal_and_many_bad_records() {
        let limits = RefreshSettings::default();
        assert!(gate(&limits, &[report(100, 0)], &[removal("s", 100, 10)]).is_empty());
        let r = gate(&limits, &[report(100, 0)], &[removal("s", 100, 50)]);
        assert_eq!(r.len(), 1);
        assert!(r[0].english.contains("50 of its 100"), "{r:?}");
        assert!(
            r[0].chinese.contains("现有100条记录中将有50条消失"),
            "{r:?}"
        );
        let r = gate(&limits, &[report(90, 10)], &[]);
        assert!(r[0].english.contains("10 bad records of 100"), "{r:?}");
        assert!(r[0].chinese.contains("有10条无法读取"), "{r:?}");
        assert!(gate(&limits, &[report(99, 1)], &[]).is_empty());
    }

    /// Issue 22: the removal gate was global, so a small source emptying out (599 notices of
    /// thousands of records) went through.
    #[test]
    fn a_small_source_emptying_out_is_refused_though_the_global_share_is_under_the_limit() {
        let limits = RefreshSettings::default();
        let removals = [removal("laws", 2000, 0), removal("notices", 100, 100)];
        let r = gate(&limits, &[report(2000, 0)], &removals);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].english.contains("source `notices`"), "{r:?}");
        assert!(r[0].chinese.contains("数据源“notices”"), "{r:?}");
    }

    #[test]
    fn the_takedown_list_reads_source_and_id_or_a_record_key_and_names_what_it_cannot_read() {
        let text = "# 撤下清单\n\
                    notices\tqh-gi-0001\n\
                    notices   qh-gi-0002   # 误发\n\
                    notices/qh-gi-0003\n\
                    \n\
                    other x-1\n\
                    justoneword\n";
        let t = parse_takedown(text, &["notices", "laws"]);
        let keys: Vec<&str> = t.keys.iter().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "notices/qh-gi-0001",
                "notices/qh-gi-0002",
                "notices/qh-gi-0003",
                "other/x-1"
            ]
        );
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
        assert!(t.problems[0].contains("line 6") && t.problems[0].contains("`other`"));
        assert!(t.problems[1].contains("line 7") && t.problems[1].contains("not understood"));
    }

    #[test]
    fn the_shipped_takedown_list_takes_nothing_down_and_is_understood() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let text = std::fs::read_to_string(dir.join(TAKEDOWN_FILE)).unwrap();
        assert!(
            text.contains("source-name"),
            "the file documents its format"
        );
        let t = read_takedown(&dir, &["demo-disclosure"]).unwrap();
        assert_eq!(t, Takedown::default());
    }
}
