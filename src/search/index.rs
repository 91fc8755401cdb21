//! Index generations on disk: build a complete generation beside the current one, then switch
//! the `CURRENT` pointer by an atomic rename. Also the one function that opens an index and
//! registers the analysers, so every caller gets the same analysis.
//!
//! Layout of `index_dir`:
//! ```text
//! CURRENT                      name of the current generation (replaced by rename)
//! generations/<name>/          a complete tantivy index plus generation.json
//! ```

use super::analysis::{ChineseTokenizer, Mode, ZH_TOKENIZER};
use super::schema::{build_schema, Fields};
use crate::catalog::Record;
use crate::ingest::SourceReport;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const POINTER: &str = "CURRENT";
const GENERATIONS: &str = "generations";
const MANIFEST: &str = "generation.json";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index has been built in {0} yet (run `kiosk index build`)")]
    Missing(PathBuf),
    #[error("index file {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("generation manifest {path} is unreadable: {error}")]
    Manifest {
        path: PathBuf,
        error: serde_json::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |error| IndexError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Per-source counts kept with a generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceCount {
    pub source: String,
    pub records: usize,
    pub skipped: usize,
    pub not_public: usize,
}

/// What `generation.json` says about one generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GenerationInfo {
    pub name: String,
    pub built_at: chrono::DateTime<chrono::Local>,
    /// Newest publication date among the records: the "数据更新至" date.
    pub data_date: Option<chrono::NaiveDate>,
    pub records: usize,
    pub sources: Vec<SourceCount>,
}

/// Registers the analysers on an index. Every open or create goes through here.
fn register_analysers(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(ZH_TOKENIZER, ChineseTokenizer::new(Mode::Index));
}

/// An open generation: the tantivy index, its fields and its manifest.
pub struct OpenIndex {
    pub index: tantivy::Index,
    pub fields: Fields,
    pub info: GenerationInfo,
    pub path: PathBuf,
}

/// Opens the current generation of `index_dir`.
pub fn open_current(index_dir: &Path) -> Result<OpenIndex, IndexError> {
    let name = current_generation(index_dir)?
        .ok_or_else(|| IndexError::Missing(index_dir.to_path_buf()))?;
    open_generation(&index_dir.join(GENERATIONS).join(name))
}

/// Opens one generation folder.
pub fn open_generation(path: &Path) -> Result<OpenIndex, IndexError> {
    let index = tantivy::Index::open_in_dir(path)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let info = read_manifest(path)?;
    Ok(OpenIndex {
        index,
        fields,
        info,
        path: path.to_path_buf(),
    })
}

/// The name in `CURRENT`, if an index was ever built.
pub fn current_generation(index_dir: &Path) -> Result<Option<String>, IndexError> {
    let pointer = index_dir.join(POINTER);
    match std::fs::read_to_string(&pointer) {
        Ok(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&pointer)(e)),
    }
}

fn read_manifest(path: &Path) -> Result<GenerationInfo, IndexError> {
    let file = path.join(MANIFEST);
    let text = std::fs::read_to_string(&file).map_err(io(&file))?;
    serde_json::from_str(&text).map_err(|error| IndexError::Manifest { path: file, error })
}

/// Builds a new generation from records and makes it current. The current generation keeps
/// serving until the pointer is renamed; a crash before that leaves it untouched.
pub fn build_generation(
    index_dir: &Path,
    records: &[Record],
    reports: &[SourceReport],
    keep: usize,
) -> Result<GenerationInfo, IndexError> {
    let gens = index_dir.join(GENERATIONS);
    std::fs::create_dir_all(&gens).map_err(io(&gens))?;
    let name = format!(
        "{}-{}",
        chrono::Local::now().format("%Y%m%dT%H%M%S%.3f"),
        std::process::id()
    );
    let dir = gens.join(&name);
    std::fs::create_dir(&dir).map_err(io(&dir))?;

    let (schema, fields) = build_schema();
    let index = tantivy::Index::create_in_dir(&dir, schema)?;
    register_analysers(&index);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4);
    let mut writer: tantivy::IndexWriter =
        index.writer_with_num_threads(threads, 100_000_000 * threads)?;
    let mut written = 0;
    for r in records.iter().filter(|r| r.is_public()) {
        writer.add_document(fields.to_document(r))?;
        written += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;

    let info = GenerationInfo {
        name: name.clone(),
        built_at: chrono::Local::now(),
        data_date: records.iter().filter_map(Record::date).max(),
        records: written,
        sources: reports
            .iter()
            .map(|r| SourceCount {
                source: r.source.clone(),
                records: r.imported,
                skipped: r.skipped.len(),
                not_public: r.on_request + r.withheld,
            })
            .collect(),
    };
    write_durably(
        &dir.join(MANIFEST),
        serde_json::to_string_pretty(&info)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    switch_to(index_dir, &name)?;
    prune(index_dir, keep);
    Ok(info)
}

/// Writes a file and flushes it to disk before returning.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Points `CURRENT` at a generation: write a temporary pointer, flush it, rename it over.
pub fn switch_to(index_dir: &Path, name: &str) -> Result<(), IndexError> {
    let tmp = index_dir.join(format!("{POINTER}.tmp-{}", std::process::id()));
    write_durably(&tmp, name.as_bytes())?;
    let pointer = index_dir.join(POINTER);
    std::fs::rename(&tmp, &pointer).map_err(io(&pointer))?;
    if let Ok(d) = std::fs::File::open(index_dir) {
        // Persist the rename itself; failure only weakens durability, not correctness.
        let _ = d.sync_all();
    }
    Ok(())
}

/// All generation names, oldest first.
pub fn list_generations(index_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index_dir.join(GENERATIONS))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Removes all but the newest `keep` generations, never the current one. A running kiosk that
/// still reads a removed generation keeps its open files (Unix semantics) until it reloads.
fn prune(index_dir: &Path, keep: usize) {
    let current = current_generation(index_dir).ok().flatten();
    let names = list_generations(index_dir);
    let excess = names.len().saturating_sub(keep.max(1));
    for name in names.into_iter().take(excess) {
        if Some(&name) == current.as_ref() {
            continue;
        }
        let path = index_dir.join(GENERATIONS).join(&name);
        if let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove old index generation");
        }
    }
}
