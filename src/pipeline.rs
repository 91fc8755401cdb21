//! The build pipeline: every configured source imported, then one new index generation built
//! and switched to. Used by `kiosk index build` and by the kiosk on first start.

use crate::config::Settings;
use crate::ingest::{import_source, IngestError, SourceReport};
use crate::search::index::{build_generation, GenerationInfo, IndexError};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("no source yielded any record; the current index is left as it is")]
    Empty,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub sources: Vec<SourceReport>,
    pub generation: GenerationInfo,
    pub import_time: Duration,
    pub index_time: Duration,
}

/// Imports every source and builds a new generation. A source that cannot be read at all fails
/// the build (and leaves the current generation serving): half the data must never replace all.
pub fn build_index(settings: &Settings) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let mut records = Vec::new();
    let mut sources = Vec::new();
    for source in &settings.sources {
        let imported = import_source(source)?;
        records.extend(imported.records);
        sources.push(imported.report);
    }
    if records.is_empty() {
        return Err(BuildError::Empty);
    }
    let import_time = started.elapsed();
    let started = Instant::now();
    let generation = build_generation(
        &settings.index_dir,
        &records,
        &sources,
        settings.keep_generations,
    )?;
    tracing::info!(generation = %generation.name, records = generation.records, "index generation built and switched to");
    Ok(BuildReport {
        sources,
        generation,
        import_time,
        index_time: started.elapsed(),
    })
}
