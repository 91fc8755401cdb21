//! The build pipeline: every configured source imported, checked against the safety gate, then
//! one new index generation written (in full, or incrementally from the current one) and
//! switched to. Used by `kiosk index build|refresh` and by the kiosk on first start. The outcome
//! of every run is kept in `<index_dir>/last-run.json` for the staff area.

use crate::catalog::Record;
use crate::config::{RefreshSettings, Settings};
use crate::ingest::{import_source, IngestError, SourceReport};
use crate::search::index::{
    self, plan_refresh, write_full, write_refresh, GenerationInfo, GenerationInput, IndexError,
    SourceCount,
};
use serde::{Deserialize, Serialize};
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
    #[error("refused, the current index is left as it is: {}. Pass --force to override.", .0.iter().map(|r| r.english.as_str()).collect::<Vec<_>>().join("; "))]
    Refused(Vec<Refusal>),
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
            BuildError::Refused(r) => format!(
                "已拒绝本次更新：{}。如确需更新，请执行带 --force 参数的命令。",
                r.iter()
                    .map(|r| r.chinese.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
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
}

/// Reads the last run's outcome, if any run was recorded.
pub fn last_run(index_dir: &Path) -> Option<LastRun> {
    let text = std::fs::read_to_string(index_dir.join(LAST_RUN)).ok()?;
    serde_json::from_str(&text).ok()
}

fn record_last_run(index_dir: &Path, mode: Mode, result: &Result<BuildReport, BuildError>) {
    let run = LastRun {
        at: chrono::Local::now(),
        mode: match mode {
            Mode::Full => "build".into(),
            Mode::Incremental => "refresh".into(),
        },
        ok: result.is_ok(),
        message: match result {
            Ok(r) => format!(
                "generation {} with {} records",
                r.generation.name, r.generation.records
            ),
            Err(e) => e.to_string(),
        },
        chinese: match result {
            Ok(r) => format!("已生成并启用新版本，共{}条", r.generation.records),
            Err(e) => e.chinese(),
        },
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
    let result = run_inner(settings, mode, force);
    if let Ok(r) = &result {
        tracing::info!(generation = %r.generation.name, records = r.generation.records, "index generation written and switched to");
    }
    record_last_run(&settings.index_dir, mode, &result);
    result
}

fn run_inner(settings: &Settings, mode: Mode, force: bool) -> Result<BuildReport, BuildError> {
    let lock = index::lock(&settings.index_dir)?;
    let started = Instant::now();
    let (records, sources) = import_all(settings)?;
    if records.is_empty() {
        return Err(BuildError::Empty);
    }
    let import_time = started.elapsed();
    let started = Instant::now();
    let plan = plan_refresh(&settings.index_dir, &records)?;
    if !force {
        let refusals = gate(
            &settings.refresh,
            &sources,
            plan.as_ref().map(|p| (p.changes.removed, p.base_records)),
        );
        if !refusals.is_empty() {
            return Err(BuildError::Refused(refusals));
        }
    }
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let areas = crate::search::areas::Areas::load(config_dir).map_err(BuildError::Areas)?;
    let input = GenerationInput {
        records: &records,
        areas: &areas,
        config_dir: Some(config_dir),
        sources: counts(&sources),
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
    })
}

fn counts(sources: &[SourceReport]) -> Vec<SourceCount> {
    sources
        .iter()
        .map(|r| SourceCount {
            source: r.source.clone(),
            records: r.imported,
            skipped: r.skipped.len(),
            not_public: r.not_public(),
        })
        .collect()
}

/// The reasons to refuse a new generation; empty when it may go ahead. `removal` is (records
/// that would disappear, records in the current generation).
pub fn gate(
    limits: &RefreshSettings,
    sources: &[SourceReport],
    removal: Option<(usize, usize)>,
) -> Vec<Refusal> {
    let mut reasons = Vec::new();
    if let Some((removed, base)) = removal {
        if base > 0 && removed as f64 / base as f64 > limits.max_removed_share {
            let (share, limit) = (
                100.0 * removed as f64 / base as f64,
                100.0 * limits.max_removed_share,
            );
            reasons.push(Refusal {
                english: format!(
                    "{removed} of the {base} current records would disappear ({share:.1} %, limit {limit:.1} %)"
                ),
                chinese: format!(
                    "现有{base}条记录中将有{removed}条消失（{share:.1}%，上限{limit:.1}%），数据源可能不完整"
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

    #[test]
    fn the_gate_refuses_mass_removal_and_many_bad_records() {
        let limits = RefreshSettings::default();
        assert!(gate(&limits, &[report(100, 0)], Some((10, 100))).is_empty());
        let r = gate(&limits, &[report(100, 0)], Some((50, 100)));
        assert_eq!(r.len(), 1);
        assert!(r[0].english.contains("50 of the 100"), "{r:?}");
        assert!(
            r[0].chinese.contains("现有100条记录中将有50条消失"),
            "{r:?}"
        );
        let r = gate(&limits, &[report(90, 10)], None);
        assert!(r[0].english.contains("10 bad records of 100"), "{r:?}");
        assert!(r[0].chinese.contains("有10条无法读取"), "{r:?}");
        assert!(gate(&limits, &[report(99, 1)], None).is_empty());
    }
}
