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
    #[error("refused, the current index is left as it is: {}. Pass --force to override.", .0.join("; "))]
    Refused(Vec<String>),
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
    let areas = crate::search::facets::Areas::load(config_dir).map_err(BuildError::Areas)?;
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
            not_public: r.on_request + r.withheld,
        })
        .collect()
}

/// The reasons to refuse a new generation; empty when it may go ahead. `removal` is (records
/// that would disappear, records in the current generation).
pub fn gate(
    limits: &RefreshSettings,
    sources: &[SourceReport],
    removal: Option<(usize, usize)>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some((removed, base)) = removal {
        if base > 0 && removed as f64 / base as f64 > limits.max_removed_share {
            reasons.push(format!(
                "{removed} of the {base} current records would disappear ({:.1} %, limit {:.1} %)",
                100.0 * removed as f64 / base as f64,
                100.0 * limits.max_removed_share
            ));
        }
    }
    for s in sources {
        let total = s.imported + s.skipped.len() + s.on_request + s.withheld;
        if total > 0 && s.skipped.len() as f64 / total as f64 > limits.max_bad_share {
            reasons.push(format!(
                "source `{}` has {} bad records of {total} ({:.1} %, limit {:.1} %)",
                s.source,
                s.skipped.len(),
                100.0 * s.skipped.len() as f64 / total as f64,
                100.0 * limits.max_bad_share
            ));
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
        assert!(r[0].contains("50 of the 100"), "{r:?}");
        let r = gate(&limits, &[report(90, 10)], None);
        assert!(r[0].contains("10 bad records of 100"), "{r:?}");
        assert!(gate(&limits, &[report(99, 1)], None).is_empty());
    }
}
