//! Index generations on disk. Every build or refresh writes a complete generation beside the
//! current one, then switches the `CURRENT` pointer by an atomic rename; a crash at any moment
//! leaves a complete generation current. Also the one function that opens an index and
//! registers the analysers, so every caller gets the same analysis.
//!
//! Layout of `index_dir`:
//! ```text
//! CURRENT                      name of the current generation (replaced by rename)
//! .lock                        held (flock) by the one build or refresh writing
//! generations/<name>/          a tantivy index, its body files (bodies-N.bin, see
//!                              super::bodies), records.tsv (key, content hash), generation.json
//! ```
//! A generation without `generation.json` is incomplete (its writer died) and is never opened.

use super::analysis::{BigramTokenizer, ChineseTokenizer, Mode, BIGRAM_TOKENIZER, ZH_TOKENIZER};
use super::schema::{build_schema, record_key, Fields};
use crate::catalog::Record;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use tantivy::Term;

const POINTER: &str = "CURRENT";
const GENERATIONS: &str = "generations";
const MANIFEST: &str = "generation.json";
const HASHES: &str = "records.tsv";
const LOCK: &str = ".lock";
/// Folder inside a generation with the snapshot of the staff-edited data files.
const CONFIG_SNAPSHOT: &str = "config";
/// Staff-edited data files that change with the data and so refresh with it: a generation
/// carries its own copy, and the kiosk reads them from the generation it has open.
pub const REFRESHED_CONFIG: [&str; 4] = [
    super::synonyms::FILE,
    super::areas::AREAS_FILE,
    super::locality::FILE,
    "holidays",
];

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
    #[error("another build or refresh is writing {0} right now; try again when it has finished")]
    Busy(PathBuf),
    #[error("there is no earlier complete generation to roll back to in {0}")]
    NothingToRollBackTo(PathBuf),
    #[error("index generation {0} was written by an older version of the kiosk (no body files); run `kiosk index build --force`")]
    Outdated(PathBuf),
    #[error("{0}")]
    Bodies(#[from] super::bodies::BodyError),
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

/// What changed from the previous generation (refresh only).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// What `generation.json` says about one generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GenerationInfo {
    pub name: String,
    pub built_at: chrono::DateTime<chrono::Local>,
    /// Newest publication date among the records.
    pub data_date: Option<chrono::NaiveDate>,
    pub records: usize,
    pub sources: Vec<SourceCount>,
    /// Present when the generation was made by an incremental refresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
}

/// Registers the analysers on an index. Every open or create goes through here.
fn register_analysers(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(ZH_TOKENIZER, ChineseTokenizer::new(Mode::Index));
    index
        .tokenizers()
        .register(BIGRAM_TOKENIZER, BigramTokenizer);
}

/// An open generation: the tantivy index, its fields, its bodies and its manifest.
pub struct OpenIndex {
    pub index: tantivy::Index,
    pub fields: Fields,
    pub bodies: super::bodies::Bodies,
    pub info: GenerationInfo,
    pub path: PathBuf,
}

/// Opens the current generation of `index_dir`.
pub fn open_current(index_dir: &Path) -> Result<OpenIndex, IndexError> {
    let name = current_generation(index_dir)?
        .ok_or_else(|| IndexError::Missing(index_dir.to_path_buf()))?;
    open_generation(&generation_dir(index_dir, &name))
}

/// Opens one generation folder.
pub fn open_generation(path: &Path) -> Result<OpenIndex, IndexError> {
    let info = read_manifest(path)?;
    if !super::bodies::present(path) {
        return Err(IndexError::Outdated(path.to_path_buf()));
    }
    let index = tantivy::Index::open_in_dir(path)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let bodies = super::bodies::Bodies::open(path)?;
    Ok(OpenIndex {
        index,
        fields,
        bodies,
        info,
        path: path.to_path_buf(),
    })
}

fn generation_dir(index_dir: &Path, name: &str) -> PathBuf {
    index_dir.join(GENERATIONS).join(name)
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

/// The manifest of a generation folder.
pub fn read_manifest(path: &Path) -> Result<GenerationInfo, IndexError> {
    let file = path.join(MANIFEST);
    let text = std::fs::read_to_string(&file).map_err(io(&file))?;
    serde_json::from_str(&text).map_err(|error| IndexError::Manifest { path: file, error })
}

/// The content hash of a record: any change to any field changes it.
pub fn content_hash(r: &Record) -> String {
    let json = serde_json::to_vec(r).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Holds the index folder's write lock; released on drop, or by the kernel if the process dies.
pub struct WriteLock {
    _file: std::fs::File,
}

/// Takes the write lock of an index folder, failing at once if a build or refresh holds it.
pub fn lock(index_dir: &Path) -> Result<WriteLock, IndexError> {
    std::fs::create_dir_all(index_dir.join(GENERATIONS)).map_err(io(index_dir))?;
    let path = index_dir.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(WriteLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(IndexError::Busy(index_dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

/// Input of a generation write.
pub struct GenerationInput<'a> {
    pub records: &'a [Record],
    /// Areas of the standard catalogue, for the area facet.
    pub areas: &'a super::areas::Areas,
    /// The configuration folder whose [`REFRESHED_CONFIG`] files are snapshotted.
    pub config_dir: Option<&'a Path>,
    pub sources: Vec<SourceCount>,
    pub keep: usize,
}

/// The plan of an incremental refresh against the current generation.
#[derive(Debug, Default)]
pub struct RefreshPlan {
    pub base: String,
    pub base_records: usize,
    pub changes: Changes,
    /// Keys to delete from the base (changed and removed records).
    delete: Vec<String>,
    /// Indexes into the records to add (new and changed records).
    add: Vec<usize>,
}

/// Compares records with the current generation by key and content hash. `None` when there is
/// no current generation to refresh from.
pub fn plan_refresh(
    index_dir: &Path,
    records: &[Record],
) -> Result<Option<RefreshPlan>, IndexError> {
    let Some(base) = current_generation(index_dir)? else {
        return Ok(None);
    };
    let base_dir = generation_dir(index_dir, &base);
    if !super::bodies::present(&base_dir) {
        tracing::warn!(generation = %base, "the current generation was written by an older version (no body files); writing a full one");
        return Ok(None);
    }
    let old = match read_hashes(&base_dir) {
        Ok(old) => old,
        Err(e) => {
            // A generation written before content hashes were kept: rebuild in full.
            tracing::warn!(generation = %base, error = %e, "no content hashes in the current generation; writing a full one");
            return Ok(None);
        }
    };
    let mut plan = RefreshPlan {
        base,
        base_records: old.len(),
        ..RefreshPlan::default()
    };
    let mut seen = std::collections::HashSet::with_capacity(records.len());
    for (i, r) in records.iter().enumerate().filter(|(_, r)| r.is_public()) {
        let key = record_key(&r.source, &r.source_id);
        match old.get(&key) {
            Some(h) if *h == content_hash(r) => plan.changes.unchanged += 1,
            Some(_) => {
                plan.changes.changed += 1;
                plan.delete.push(key.clone());
                plan.add.push(i);
            }
            None => {
                plan.changes.added += 1;
                plan.add.push(i);
            }
        }
        seen.insert(key);
    }
    for key in old.keys().filter(|k| !seen.contains(*k)) {
        plan.changes.removed += 1;
        plan.delete.push(key.clone());
    }
    Ok(Some(plan))
}

fn read_hashes(dir: &Path) -> Result<HashMap<String, String>, IndexError> {
    let path = dir.join(HASHES);
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, h)| (k.to_string(), h.to_string()))
        .collect())
}

/// Builds a complete new generation from all records and makes it current.
pub fn write_full(
    _lock: &WriteLock,
    index_dir: &Path,
    input: GenerationInput,
) -> Result<GenerationInfo, IndexError> {
    let (name, dir) = new_generation_dir(index_dir)?;
    let (schema, fields) = build_schema();
    let index = tantivy::Index::create_in_dir(&dir, schema)?;
    register_analysers(&index);
    let mut writer = writer(&index)?;
    let mut bodies = super::bodies::BodyWriter::create(&dir)?;
    for r in input.records.iter().filter(|r| r.is_public()) {
        let at = bodies.add(&r.body)?;
        writer.add_document(fields.to_document(r, input.areas, at))?;
    }
    bodies.finish()?;
    writer.commit()?;
    // One segment: every query looks each term up once instead of once per segment (a refresh
    // adds a small segment beside it and keeps the hard-linked one).
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    finish(index_dir, &dir, name, input, None)
}

/// Writes a new generation from the base generation of `plan` plus the planned changes:
/// the base's immutable segment files are hard-linked, not copied, so an unchanged corpus costs
/// almost nothing.
pub fn write_refresh(
    _lock: &WriteLock,
    index_dir: &Path,
    plan: &RefreshPlan,
    input: GenerationInput,
) -> Result<GenerationInfo, IndexError> {
    let base_dir = generation_dir(index_dir, &plan.base);
    let (name, dir) = new_generation_dir(index_dir)?;
    for entry in std::fs::read_dir(&base_dir).map_err(io(&base_dir))? {
        let entry = entry.map_err(io(&base_dir))?;
        let file_name = entry.file_name();
        let n = file_name.to_string_lossy();
        if n == MANIFEST || n == HASHES || n == CONFIG_SNAPSHOT || n.starts_with(".tantivy") {
            continue;
        }
        let target = dir.join(&file_name);
        std::fs::hard_link(entry.path(), &target)
            .or_else(|_| std::fs::copy(entry.path(), &target).map(|_| ()))
            .map_err(io(&target))?;
    }
    let index = tantivy::Index::open_in_dir(&dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer = writer(&index)?;
    for key in &plan.delete {
        writer.delete_term(Term::from_field_text(fields.key, key));
    }
    // The base's body files came with the hard links; the added records go to the next one.
    let mut bodies = super::bodies::BodyWriter::create(&dir)?;
    for &i in &plan.add {
        let at = bodies.add(&input.records[i].body)?;
        writer.add_document(fields.to_document(&input.records[i], input.areas, at))?;
    }
    bodies.finish()?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    finish(index_dir, &dir, name, input, Some(plan.changes))
}

fn writer(index: &tantivy::Index) -> Result<tantivy::IndexWriter, IndexError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4);
    Ok(index.writer_with_num_threads(threads, 100_000_000 * threads)?)
}

/// A fresh, empty generation folder; leftovers of writers that died are removed first (the
/// caller holds the lock, so no other writer is at work).
fn new_generation_dir(index_dir: &Path) -> Result<(String, PathBuf), IndexError> {
    remove_incomplete(index_dir);
    let name = format!(
        "{}-{}",
        chrono::Local::now().format("%Y%m%dT%H%M%S%.3f"),
        std::process::id()
    );
    let dir = generation_dir(index_dir, &name);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    Ok((name, dir))
}

/// Writes the hashes and the manifest (the mark of a complete generation), then switches.
fn finish(
    index_dir: &Path,
    dir: &Path,
    name: String,
    input: GenerationInput,
    changes: Option<Changes>,
) -> Result<GenerationInfo, IndexError> {
    let public: Vec<&Record> = input.records.iter().filter(|r| r.is_public()).collect();
    let mut hashes = String::with_capacity(public.len() * 80);
    for r in &public {
        hashes.push_str(&record_key(&r.source, &r.source_id));
        hashes.push('\t');
        hashes.push_str(&content_hash(r));
        hashes.push('\n');
    }
    write_durably(&dir.join(HASHES), hashes.as_bytes())?;
    let index = tantivy::Index::open_in_dir(dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut lexicon = super::lexicon::Lexicon::from_index(&index, fields.title, fields.body)?;
    lexicon.add_title_phrases(public.iter().map(|r| r.title.as_str()));
    lexicon.write(dir).map_err(io(dir))?;
    if let Some(config_dir) = input.config_dir {
        snapshot_config(config_dir, &dir.join(CONFIG_SNAPSHOT))?;
    }
    let info = GenerationInfo {
        name: name.clone(),
        built_at: chrono::Local::now(),
        data_date: public.iter().filter_map(|r| r.date()).max(),
        records: public.len(),
        sources: input.sources,
        changes,
    };
    let manifest = serde_json::to_string_pretty(&info).unwrap_or_default();
    write_durably(&dir.join(MANIFEST), manifest.as_bytes())?;
    sync_dir(dir);
    switch_to(index_dir, &name)?;
    prune(index_dir, input.keep);
    Ok(info)
}

/// Copies the [`REFRESHED_CONFIG`] files and folders that exist in `config_dir`.
fn snapshot_config(config_dir: &Path, target: &Path) -> Result<(), IndexError> {
    std::fs::create_dir_all(target).map_err(io(target))?;
    for name in REFRESHED_CONFIG {
        let from = config_dir.join(name);
        if from.is_file() {
            std::fs::copy(&from, target.join(name)).map_err(io(&from))?;
        } else if from.is_dir() {
            let to = target.join(name);
            std::fs::create_dir_all(&to).map_err(io(&to))?;
            for e in std::fs::read_dir(&from).map_err(io(&from))? {
                let e = e.map_err(io(&from))?;
                if e.path().is_file() {
                    std::fs::copy(e.path(), to.join(e.file_name())).map_err(io(&e.path()))?;
                }
            }
        }
    }
    Ok(())
}

/// The snapshot of staff-edited data files that came with an open generation.
pub fn config_snapshot(open: &OpenIndex) -> PathBuf {
    open.path.join(CONFIG_SNAPSHOT)
}

/// Writes a file and flushes it to disk before returning.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Flushes a folder's entries; failure only weakens durability after a power cut, so it is
/// logged, not returned.
fn sync_dir(dir: &Path) {
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot flush folder entries");
    }
}

/// Points `CURRENT` at a generation: write a temporary pointer, flush it, rename it over.
pub fn switch_to(index_dir: &Path, name: &str) -> Result<(), IndexError> {
    let tmp = index_dir.join(format!("{POINTER}.tmp-{}", std::process::id()));
    write_durably(&tmp, name.as_bytes())?;
    let pointer = index_dir.join(POINTER);
    std::fs::rename(&tmp, &pointer).map_err(io(&pointer))?;
    sync_dir(index_dir);
    Ok(())
}

/// Complete generations (with a manifest), oldest first.
pub fn list_generations(index_dir: &Path) -> Vec<GenerationInfo> {
    let mut gens: Vec<GenerationInfo> = std::fs::read_dir(index_dir.join(GENERATIONS))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| read_manifest(&e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    gens.sort_by(|a, b| a.name.cmp(&b.name));
    gens
}

/// Makes the newest complete generation older than the current one current.
pub fn rollback(_lock: &WriteLock, index_dir: &Path) -> Result<GenerationInfo, IndexError> {
    let current = current_generation(index_dir)?;
    let previous = list_generations(index_dir)
        .into_iter()
        .rev()
        .find(|g| current.as_ref().is_some_and(|c| g.name < *c))
        .ok_or_else(|| IndexError::NothingToRollBackTo(index_dir.to_path_buf()))?;
    switch_to(index_dir, &previous.name)?;
    Ok(previous)
}

fn remove_incomplete(index_dir: &Path) {
    let Ok(rd) = std::fs::read_dir(index_dir.join(GENERATIONS)) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        if !e.path().join(MANIFEST).is_file() {
            tracing::info!(path = %e.path().display(), "removing incomplete generation left by an interrupted writer");
            if let Err(err) = std::fs::remove_dir_all(e.path()) {
                tracing::warn!(path = %e.path().display(), error = %err, "cannot remove incomplete generation");
            }
        }
    }
}

/// Removes all but the newest `keep` complete generations, never the current one. A running
/// kiosk that still reads a removed generation keeps its open files (Unix semantics) until it
/// moves to the new one.
fn prune(index_dir: &Path, keep: usize) {
    let current = current_generation(index_dir).ok().flatten();
    let gens = list_generations(index_dir);
    let excess = gens.len().saturating_sub(keep.max(1));
    for g in gens.into_iter().take(excess) {
        if Some(&g.name) == current.as_ref() {
            continue;
        }
        let path = generation_dir(index_dir, &g.name);
        if let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove old index generation");
        }
    }
}
