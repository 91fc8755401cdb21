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
//!
//! This module owns a run from start to end and its record (`last-run.json`); the safety gate
//! is in [`gate`], the withdrawals (takedown list, applying them, rollback) in [`withdrawals`].
//! It must not write index files itself: that is `crate::search::index`.

mod gate;
pub mod images;
mod withdrawals;

pub use gate::{gate, Refusal};
pub use withdrawals::{read_takedown, rollback, Takedown, Withdrawals};

use crate::catalog::Record;
use crate::config::Settings;
use crate::ingest::{import_source, IngestError, SourceReport};
use crate::search::index::{
    self, plan_refresh, write_full, write_refresh, GenerationInfo, GenerationInput, IndexError,
    SourceCount,
};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};
use withdrawals::{clear_public_again, withdraw_first};

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

/// How far a run has come, for the kiosk's first start (「正在准备资料」 with a bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `done` of `total` sources read.
    Reading { done: usize, total: usize },
    /// `done` of `total` records written into the index.
    Indexing { done: usize, total: usize },
    /// Every record is written; the index is being committed and its vocabulary derived.
    Finishing,
}

/// A full build (the kiosk's first start) that tells `progress` how far it has come.
pub fn build_index_with_progress(
    settings: &Settings,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildReport, BuildError> {
    run_with_progress(settings, Mode::Full, false, Some(progress))
}

/// Imports every source and writes a new generation. A source that cannot be read at all, or a
/// result the safety gate refuses, fails the run and leaves the current generation serving.
pub fn run(settings: &Settings, mode: Mode, force: bool) -> Result<BuildReport, BuildError> {
    run_with_progress(settings, mode, force, None)
}

/// [`run`], telling `progress` (when given) how far it has come.
pub fn run_with_progress(
    settings: &Settings,
    mode: Mode,
    force: bool,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<BuildReport, BuildError> {
    let mut withdrawals = Withdrawals::default();
    let result = run_inner(settings, mode, force, &mut withdrawals, progress);
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
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<BuildReport, BuildError> {
    let lock = index::lock(&settings.index_dir)?;
    let started = Instant::now();
    let (mut records, sources, failed) = import_every_source(settings, progress);
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let names: Vec<&str> = settings.sources.iter().map(|s| s.name.as_str()).collect();

    // Withdrawals first, whatever the gate says about the rest.
    let (mut log, takedown) = withdraw_first(&lock, settings, &sources, &mut records, w)?;

    if let Some(e) = takedown {
        return Err(BuildError::Takedown(e));
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    if records.is_empty() {
        return Err(BuildError::Empty);
    }
    // Before the plan: an image's stored name is part of its record's content.
    let images = images::resolve(&settings.sources, &mut records);
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
    clear_public_again(&mut log, &records, w)?;
    let areas = crate::search::areas::Areas::load(config_dir).map_err(BuildError::Areas)?;
    let indexing = |done: usize, total: usize| {
        if let Some(p) = progress {
            p(if done < total {
                Progress::Indexing { done, total }
            } else {
                Progress::Finishing
            });
        }
    };
    let input = GenerationInput {
        records: &records,
        areas: &areas,
        config_dir: Some(config_dir),
        sources: counts(&sources, &records),
        keep: settings.keep_generations,
        images,
        progress: progress
            .is_some()
            .then_some(&indexing as &(dyn Fn(usize, usize) + Sync)),
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

/// Imports every source, even after one fails: the withdrawals of the others still count.
/// Returns the records, the reports of the sources read, and the first failure.
fn import_every_source(
    settings: &Settings,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> (Vec<Record>, Vec<SourceReport>, Option<IngestError>) {
    let mut records = Vec::new();
    let mut sources = Vec::new();
    let mut failed = None;
    let total = settings.sources.len();
    for (done, source) in settings.sources.iter().enumerate() {
        if let Some(p) = progress {
            p(Progress::Reading { done, total });
        }
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
    (records, sources, failed)
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
