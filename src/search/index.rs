//! Index generations on disk. Every build or refresh writes a complete generation beside the
//! current one, then switches the `CURRENT` pointer by an atomic rename; a crash at any moment
//! leaves a complete generation current. Also the one function that opens an index and
//! registers the analysers, so every caller gets the same analysis.
//!
//! Layout of `index_dir`:
//! ```text
//! CURRENT                      name of the current generation (replaced by rename)
//! .lock                        held (flock) by the one build or refresh writing
//! withdrawals.tsv              the withdrawal log (see [`WithdrawalLog`]), appended and flushed
//! generations/<name>/          a tantivy index, its body files (bodies-N.bin, see
//!                              super::bodies), records.tsv (key, content hash), lexicon.tsv,
//!                              config/ (snapshot), generation.json (written last)
//! ```
//! A generation without `generation.json` is incomplete (its writer died) and is never opened.
//! Every file of a generation is written once, into that generation, before `CURRENT` moves: a
//! refresh hard-links only the base's immutable files (tantivy segments, body files; tantivy
//! replaces `meta.json` by rename) and writes every other file new, by temporary name and rename.
//! `generation.json` lists every file with its size and SHA-256: opening checks the sizes,
//! `kiosk index status` the hashes too.
//!
//! No generation holding a withdrawn key (see [`WithdrawalLog`]) is ever opened or made current:
//! rollback makes a cleaned copy of its target instead.

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
const LEXICON: &str = super::lexicon::FILE;
/// The withdrawal log of an index folder.
pub const WITHDRAWALS: &str = "withdrawals.tsv";
/// Prefix of the temporary files written and renamed into place.
const TMP_PREFIX: &str = ".tmp-";
/// Folder inside a generation with the snapshot of the staff-edited data files.
const CONFIG_SNAPSHOT: &str = "config";
/// Staff-edited data files that change with the data and so refresh with it: a generation
/// carries its own copy, and the kiosk reads them from the generation it has open.
/// (`takedown.txt` is not read by the kiosk: its copy records which takedowns a generation saw.)
pub const REFRESHED_CONFIG: [&str; 5] = [
    super::synonyms::FILE,
    super::areas::AREAS_FILE,
    super::locality::FILE,
    "holidays",
    TAKEDOWN_FILE,
];
/// The staff-edited takedown list in the configuration folder (read by the pipeline).
pub const TAKEDOWN_FILE: &str = "takedown.txt";

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
    #[error("index generation {generation} is damaged: {file}: {problem}. Roll back (`kiosk index rollback`) or rebuild (`kiosk index build --force`)")]
    Damaged {
        generation: String,
        file: String,
        problem: String,
    },
    #[error("index generation {generation} holds {count} withdrawn record(s) (see {WITHDRAWALS}) and is not served; run `kiosk index refresh`")]
    HoldsWithdrawn { generation: String, count: usize },
    #[error("withdrawal log {path} is unreadable: {error}; no generation is served until it is repaired")]
    WithdrawalLog {
        path: PathBuf,
        error: std::io::Error,
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

/// What changed from the previous generation (refresh only).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// One file of a generation as its manifest lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Path inside the generation folder, `/`-separated.
    pub name: String,
    pub bytes: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
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
    /// Set on a cleaned copy made by rollback: the generation it copies (minus withdrawn
    /// records). Rollback orders generations by this name, so a second rollback goes further back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Every file of the generation but this manifest (empty in manifests of older versions,
    /// which cannot be verified).
    #[serde(default)]
    pub files: Vec<FileEntry>,
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

/// Opens the current generation of `index_dir`. Refused, with an error log line, when a file of
/// it is missing or has another size than its manifest says, or when it holds a withdrawn key.
pub fn open_current(index_dir: &Path) -> Result<OpenIndex, IndexError> {
    let name = current_generation(index_dir)?
        .ok_or_else(|| IndexError::Missing(index_dir.to_path_buf()))?;
    let dir = generation_dir(index_dir, &name);
    let checked = read_manifest(&dir).and_then(|info| {
        // A damaged body file costs the hits it holds their snippets and document view (see
        // super::bodies), not the whole kiosk: logged, not refused. Any other file refuses.
        check_files(&dir, &info, false, |n| !is_body_file(n))?;
        if let Err(e) = check_files(&dir, &info, false, is_body_file) {
            tracing::error!(generation = %name, error = %e, "a body file of the current index generation is damaged; the records in it are listed without text");
        }
        let log = WithdrawalLog::read(index_dir)?;
        let held = log.held_by(&dir)?;
        if held.is_empty() {
            Ok(())
        } else {
            Err(IndexError::HoldsWithdrawn {
                generation: name.clone(),
                count: held.len(),
            })
        }
    });
    if let Err(e) = checked {
        tracing::error!(generation = %name, error = %e, "refusing to open the current index generation");
        return Err(e);
    }
    open_generation(&dir)
}

/// Checks the files of a generation against its manifest: present with the listed size, and
/// with `hashes` also the listed SHA-256. A manifest of an older version lists no files and
/// passes.
pub fn verify_generation(
    dir: &Path,
    info: &GenerationInfo,
    hashes: bool,
) -> Result<(), IndexError> {
    check_files(dir, info, hashes, |_| true)
}

fn is_body_file(name: &str) -> bool {
    name.starts_with("bodies-") && name.ends_with(".bin")
}

fn check_files(
    dir: &Path,
    info: &GenerationInfo,
    hashes: bool,
    which: impl Fn(&str) -> bool,
) -> Result<(), IndexError> {
    let damaged = |file: &str, problem: String| IndexError::Damaged {
        generation: info.name.clone(),
        file: file.to_string(),
        problem,
    };
    for f in info.files.iter().filter(|f| which(&f.name)) {
        let path = dir.join(&f.name);
        let bytes = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) => return Err(damaged(&f.name, format!("cannot be read ({e})"))),
        };
        if bytes != f.bytes {
            return Err(damaged(
                &f.name,
                format!("{bytes} bytes, the manifest says {}", f.bytes),
            ));
        }
        if hashes {
            let digest = sha256_file(&path)
                .map_err(|e| damaged(&f.name, format!("cannot be read ({e})")))?;
            if digest != f.sha256 {
                return Err(damaged(
                    &f.name,
                    "content differs from the manifest (SHA-256)".into(),
                ));
            }
        }
    }
    Ok(())
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut f, &mut hasher)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Every file of a generation folder (recursively) but the manifest, lock and temporary files.
fn list_files(dir: &Path) -> Result<Vec<FileEntry>, IndexError> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<FileEntry>) -> Result<(), IndexError> {
        for e in std::fs::read_dir(dir).map_err(io(dir))? {
            let e = e.map_err(io(dir))?;
            let path = e.path();
            let n = e.file_name().to_string_lossy().into_owned();
            if dir == root && n == MANIFEST
                || n.starts_with(".tantivy-")
                || n.starts_with(TMP_PREFIX)
            {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out)?;
                continue;
            }
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            let bytes = std::fs::metadata(&path).map_err(io(&path))?.len();
            let sha256 = sha256_file(&path).map_err(io(&path))?;
            out.push(FileEntry {
                name,
                bytes,
                sha256,
            });
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
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

/// The folder of the generation `name` of `index_dir`.
pub fn generation_path(index_dir: &Path, name: &str) -> PathBuf {
    generation_dir(index_dir, name)
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
    /// Every key of the base, and the keys that would disappear.
    base_keys: Vec<String>,
    removed_keys: Vec<String>,
}

/// Per source: records of the current generation, and how many of them would disappear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRemoval {
    pub source: String,
    pub base: usize,
    pub removed: usize,
}

impl RefreshPlan {
    /// The keys of the base that the new generation would not have.
    pub fn removed_keys(&self) -> &[String] {
        &self.removed_keys
    }

    /// Removals counted per source (`names`: the sources known; a key is attributed to the
    /// longest name it starts with followed by `/`), sorted by source name.
    pub fn removal_by_source(&self, names: &[&str]) -> Vec<SourceRemoval> {
        let mut by: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for k in &self.base_keys {
            by.entry(source_of(k, names)).or_default().0 += 1;
        }
        for k in &self.removed_keys {
            by.entry(source_of(k, names)).or_default().1 += 1;
        }
        by.into_iter()
            .map(|(source, (base, removed))| SourceRemoval {
                source: source.to_string(),
                base,
                removed,
            })
            .collect()
    }
}

/// The source a record key belongs to: the longest of `names` it starts with followed by `/`,
/// else what comes before its first `/` (see [`record_key`]).
pub fn source_of<'a>(key: &'a str, names: &[&'a str]) -> &'a str {
    names
        .iter()
        .filter(|n| key.len() > n.len() && key.starts_with(**n) && key.as_bytes()[n.len()] == b'/')
        .max_by_key(|n| n.len())
        .copied()
        .unwrap_or_else(|| key.split('/').next().unwrap_or(key))
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
        base_keys: old.keys().cloned().collect(),
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
        plan.removed_keys.push(key.clone());
    }
    plan.removed_keys.sort();
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
    finish(index_dir, &dir, name, Contents::of_records(input, None))
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
    link_immutable(&base_dir, &dir)?;
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
    finish(
        index_dir,
        &dir,
        name,
        Contents::of_records(input, Some(plan.changes)),
    )
}

/// Whether a file of a generation is never written again once written, and so may be shared
/// with a later generation by a hard link: tantivy's segment files (`<32 hex>.<ext>`, deletes
/// `<32 hex>.<opstamp>.del`), its `meta.json` and `.managed.json` (which tantivy only ever
/// replaces by rename), and body files. Everything else (records.tsv, lexicon.tsv, the
/// snapshot, the manifest) is written new into each generation.
fn immutable(name: &str) -> bool {
    let segment = name.len() > 33
        && name.as_bytes()[32] == b'.'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit());
    segment || name == "meta.json" || name == ".managed.json" || is_body_file(name)
}

/// Hard-links (or copies, where links are impossible) the immutable files of `base` into `dir`.
fn link_immutable(base: &Path, dir: &Path) -> Result<(), IndexError> {
    for entry in std::fs::read_dir(base).map_err(io(base))? {
        let entry = entry.map_err(io(base))?;
        let file_name = entry.file_name();
        if !immutable(&file_name.to_string_lossy()) {
            continue;
        }
        let target = dir.join(&file_name);
        std::fs::hard_link(entry.path(), &target)
            .or_else(|_| std::fs::copy(entry.path(), &target).map(|_| ()))
            .map_err(io(&target))?;
    }
    Ok(())
}

/// Writes a generation that is `base` minus the records of `keys` and makes it current: the
/// withdrawals of a run the safety gate refuses, or the cleaned copy rollback makes. The
/// segments are merged so the withdrawn records' words leave the vocabulary too. Returns `None`
/// (and writes nothing) when `base` holds none of the keys; else the new generation and the keys
/// removed.
pub fn write_withdrawal(
    _lock: &WriteLock,
    index_dir: &Path,
    base: &str,
    keys: &std::collections::BTreeSet<String>,
    copy_of: Option<String>,
    keep: usize,
) -> Result<Option<(GenerationInfo, Vec<String>)>, IndexError> {
    let base_dir = generation_dir(index_dir, base);
    let info = read_manifest(&base_dir)?;
    verify_generation(&base_dir, &info, false)?;
    let hashes_path = base_dir.join(HASHES);
    let text = std::fs::read_to_string(&hashes_path).map_err(io(&hashes_path))?;
    let mut kept = String::with_capacity(text.len());
    let mut removed = Vec::new();
    for line in text.lines() {
        let key = line.split_once('\t').map_or(line, |(k, _)| k);
        if keys.contains(key) {
            removed.push(key.to_string());
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    if removed.is_empty() {
        return Ok(None);
    }
    let (name, dir) = new_generation_dir(index_dir)?;
    link_immutable(&base_dir, &dir)?;
    let index = tantivy::Index::open_in_dir(&dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer = writer(&index)?;
    for key in &removed {
        writer.delete_term(Term::from_field_text(fields.key, key));
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if !segments.is_empty() {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    let titles = stored_titles(&index, &fields)?;
    let names: Vec<&str> = info.sources.iter().map(|s| s.source.as_str()).collect();
    let mut sources = info.sources.clone();
    for key in &removed {
        let s = source_of(key, &names);
        if let Some(c) = sources.iter_mut().find(|c| c.source == s) {
            c.records = c.records.saturating_sub(1);
            c.not_public += 1;
        }
    }
    let records = info.records.saturating_sub(removed.len());
    let snapshot = base_dir.join(CONFIG_SNAPSHOT);
    let contents = Contents {
        hashes: kept,
        titles: titles.iter().map(String::as_str).collect(),
        data_date: info.data_date,
        records,
        sources,
        changes: Some(Changes {
            removed: removed.len(),
            unchanged: records,
            ..Changes::default()
        }),
        copy_of,
        config_dir: snapshot.is_dir().then_some(snapshot.as_path()),
        keep,
    };
    let written = finish(index_dir, &dir, name, contents)?;
    Ok(Some((written, removed)))
}

/// The titles of the live documents of an index.
fn stored_titles(index: &tantivy::Index, fields: &Fields) -> Result<Vec<String>, IndexError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut titles = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: tantivy::TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc_id))?;
            titles.push(fields.text(&doc, fields.title).to_string());
        }
    }
    Ok(titles)
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

/// What [`finish`] writes besides the tantivy index and the body files.
struct Contents<'a> {
    /// The text of records.tsv.
    hashes: String,
    /// Titles of the records, for the vocabulary's title phrases.
    titles: Vec<&'a str>,
    data_date: Option<chrono::NaiveDate>,
    records: usize,
    sources: Vec<SourceCount>,
    changes: Option<Changes>,
    copy_of: Option<String>,
    config_dir: Option<&'a Path>,
    keep: usize,
}

impl<'a> Contents<'a> {
    fn of_records(input: GenerationInput<'a>, changes: Option<Changes>) -> Contents<'a> {
        let public: Vec<&Record> = input.records.iter().filter(|r| r.is_public()).collect();
        let mut hashes = String::with_capacity(public.len() * 80);
        for r in &public {
            hashes.push_str(&record_key(&r.source, &r.source_id));
            hashes.push('\t');
            hashes.push_str(&content_hash(r));
            hashes.push('\n');
        }
        Contents {
            hashes,
            titles: public.iter().map(|r| r.title.as_str()).collect(),
            data_date: public.iter().filter_map(|r| r.date()).max(),
            records: public.len(),
            sources: input.sources,
            changes,
            copy_of: None,
            config_dir: input.config_dir,
            keep: input.keep,
        }
    }
}

/// Writes the hashes, the vocabulary, the snapshot and last the manifest with the file list
/// (the mark of a complete generation), then switches.
fn finish(
    index_dir: &Path,
    dir: &Path,
    name: String,
    c: Contents,
) -> Result<GenerationInfo, IndexError> {
    write_durably(&dir.join(HASHES), c.hashes.as_bytes())?;
    let index = tantivy::Index::open_in_dir(dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut lexicon = super::lexicon::Lexicon::from_index(&index, fields.title, fields.body)?;
    lexicon.add_title_phrases(c.titles.iter().copied());
    lexicon.write(dir).map_err(io(&dir.join(LEXICON)))?;
    if let Some(config_dir) = c.config_dir {
        snapshot_config(config_dir, &dir.join(CONFIG_SNAPSHOT))?;
    }
    drop(index);
    sync_dir(dir);
    let info = GenerationInfo {
        name: name.clone(),
        built_at: chrono::Local::now(),
        data_date: c.data_date,
        records: c.records,
        sources: c.sources,
        changes: c.changes,
        copy_of: c.copy_of,
        files: list_files(dir)?,
    };
    let manifest = serde_json::to_string_pretty(&info).unwrap_or_default();
    write_durably(&dir.join(MANIFEST), manifest.as_bytes())?;
    sync_dir(dir);
    switch_to(index_dir, &name)?;
    prune(index_dir, c.keep);
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

/// Writes a file under a temporary name, flushes it and renames it into place: never writes
/// through an existing file (which could be a hard link shared with another generation).
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let tmp = tmp_name(path);
    let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn tmp_name(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{TMP_PREFIX}{name}-{}", std::process::id()))
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
    write_durably(&index_dir.join(POINTER), name.as_bytes())?;
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

/// Where a generation stands in the order rollback follows: a cleaned copy stands where the
/// generation it copies stands.
fn position(g: &GenerationInfo) -> &str {
    g.copy_of.as_deref().unwrap_or(&g.name)
}

/// Makes the newest complete generation older than the current one current. A target that
/// holds any of the `withdrawn` keys is not switched to: a cleaned copy of it without them is
/// written and made current instead. Returns the generation now current and the keys removed.
pub fn rollback(
    lock: &WriteLock,
    index_dir: &Path,
    withdrawn: &std::collections::BTreeSet<String>,
    keep: usize,
) -> Result<(GenerationInfo, Vec<String>), IndexError> {
    let current = current_generation(index_dir)?;
    let gens = list_generations(index_dir);
    let here = current.as_ref().map(|c| {
        gens.iter()
            .find(|g| g.name == *c)
            .map_or(c.clone(), |g| position(g).to_string())
    });
    let previous = gens
        .iter()
        .filter(|g| here.as_ref().is_some_and(|h| position(g) < h.as_str()))
        .max_by(|a, b| (position(a), &a.name).cmp(&(position(b), &b.name)))
        .cloned()
        .ok_or_else(|| IndexError::NothingToRollBackTo(index_dir.to_path_buf()))?;
    let dir = generation_dir(index_dir, &previous.name);
    verify_generation(&dir, &previous, false)?;
    let copy_of = Some(position(&previous).to_string());
    match write_withdrawal(lock, index_dir, &previous.name, withdrawn, copy_of, keep)? {
        Some((cleaned, removed)) => {
            tracing::warn!(generation = %previous.name, copy = %cleaned.name, removed = removed.len(), "rollback target held withdrawn records: a cleaned copy is current instead");
            Ok((cleaned, removed))
        }
        None => {
            switch_to(index_dir, &previous.name)?;
            Ok((previous, Vec::new()))
        }
    }
}

/// What happened to a record key, as the withdrawal log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithdrawalEvent {
    /// A run saw the record as 依申请公开 or 不予公开.
    NotPublic,
    /// The record is in the takedown list of the configuration folder.
    Takedown,
    /// A run that passed the safety gate saw the record public and not taken down: the earlier
    /// withdrawal no longer holds.
    Cleared,
}

impl WithdrawalEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalEvent::NotPublic => "not-public",
            WithdrawalEvent::Takedown => "takedown",
            WithdrawalEvent::Cleared => "cleared",
        }
    }

    fn parse(s: &str) -> Option<WithdrawalEvent> {
        match s {
            "not-public" => Some(WithdrawalEvent::NotPublic),
            "takedown" => Some(WithdrawalEvent::Takedown),
            "cleared" => Some(WithdrawalEvent::Cleared),
            _ => None,
        }
    }
}

/// The withdrawal log of an index folder, `withdrawals.tsv`: one line per event, `key<TAB>time
/// <TAB>event`, appended and flushed to disk before any generation is written from it. A key is
/// withdrawn while its last event is a withdrawal (`not-public`, `takedown`); a `cleared` line
/// ends that. No generation holding a withdrawn key is opened or made current. A torn last line
/// (a writer killed mid-append) is ignored: that run had applied nothing yet.
#[derive(Debug)]
pub struct WithdrawalLog {
    path: PathBuf,
    last: std::collections::BTreeMap<String, WithdrawalEvent>,
}

impl WithdrawalLog {
    /// Reads the log of `index_dir` (none yet: an empty log).
    pub fn read(index_dir: &Path) -> Result<WithdrawalLog, IndexError> {
        let path = index_dir.join(WITHDRAWALS);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(IndexError::WithdrawalLog { path, error }),
        };
        let mut last = std::collections::BTreeMap::new();
        for line in text.lines() {
            let mut parts = line.rsplitn(3, '\t');
            let (Some(event), Some(_at), Some(key)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let Some(event) = WithdrawalEvent::parse(event) {
                last.insert(key.to_string(), event);
            }
        }
        Ok(WithdrawalLog { path, last })
    }

    /// Whether `key` is withdrawn now.
    pub fn is_withdrawn(&self, key: &str) -> bool {
        self.last
            .get(key)
            .is_some_and(|e| *e != WithdrawalEvent::Cleared)
    }

    /// Every key withdrawn now.
    pub fn withdrawn(&self) -> std::collections::BTreeSet<String> {
        self.last
            .iter()
            .filter(|(_, e)| **e != WithdrawalEvent::Cleared)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The withdrawn keys a generation folder holds (by its records.tsv).
    pub fn held_by(&self, generation: &Path) -> Result<Vec<String>, IndexError> {
        if !self.last.values().any(|e| *e != WithdrawalEvent::Cleared) {
            return Ok(Vec::new());
        }
        let path = generation.join(HASHES);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        Ok(text
            .lines()
            .map(|l| l.split_once('\t').map_or(l, |(k, _)| k))
            .filter(|k| self.is_withdrawn(k))
            .map(str::to_string)
            .collect())
    }

    /// Appends events, flushed to disk before returning; an event that would not change the
    /// key's state (withdrawn again, cleared while not withdrawn) is left out. Returns the keys
    /// whose state changed.
    pub fn append(
        &mut self,
        events: &[(String, WithdrawalEvent)],
    ) -> Result<Vec<String>, IndexError> {
        let at = chrono::Local::now().to_rfc3339();
        let mut text = String::new();
        let mut changed = Vec::new();
        for (key, event) in events {
            let clears = *event == WithdrawalEvent::Cleared;
            if clears != self.is_withdrawn(key) {
                continue;
            }
            text.push_str(&format!("{key}\t{at}\t{}\n", event.as_str()));
            self.last.insert(key.clone(), *event);
            changed.push(key.clone());
        }
        if text.is_empty() {
            return Ok(changed);
        }
        let path = &self.path;
        let fail = |error| IndexError::WithdrawalLog {
            path: path.clone(),
            error,
        };
        let existed = path.is_file();
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(fail)?;
        // A torn last line of a killed writer must not swallow the first new one.
        let len = f.metadata().map_err(fail)?.len();
        if len > 0 {
            use std::io::{Read, Seek};
            let mut last = [0u8];
            f.seek(std::io::SeekFrom::Start(len - 1)).map_err(fail)?;
            f.read_exact(&mut last).map_err(fail)?;
            if last[0] != b'\n' {
                text.insert(0, '\n');
            }
        }
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        if !existed {
            if let Some(dir) = path.parent() {
                sync_dir(dir);
            }
        }
        Ok(changed)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_stays_withdrawn_until_cleared_and_repeats_are_not_logged_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = WithdrawalLog::read(dir.path()).unwrap();
        let k = |s: &str| s.to_string();
        let changed = log
            .append(&[
                (k("gi/a"), WithdrawalEvent::NotPublic),
                (k("gi/b"), WithdrawalEvent::Takedown),
                (k("gi/c"), WithdrawalEvent::Cleared),
            ])
            .unwrap();
        assert_eq!(
            changed,
            ["gi/a", "gi/b"],
            "clearing what is not withdrawn logs nothing"
        );
        let again = log
            .append(&[(k("gi/a"), WithdrawalEvent::Takedown)])
            .unwrap();
        assert!(again.is_empty());
        log.append(&[(k("gi/a"), WithdrawalEvent::Cleared)])
            .unwrap();
        let read = WithdrawalLog::read(dir.path()).unwrap();
        assert!(!read.is_withdrawn("gi/a") && read.is_withdrawn("gi/b"));
        let text = std::fs::read_to_string(dir.path().join(WITHDRAWALS)).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    /// A writer killed mid-append leaves a torn last line: it is ignored, and the next append
    /// starts on a line of its own.
    #[test]
    fn a_torn_last_line_of_the_withdrawal_log_swallows_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(WITHDRAWALS);
        std::fs::write(
            &path,
            "gi/a\t2026-01-01T00:00:00+08:00\tnot-public\ngi/b\t2026-01-",
        )
        .unwrap();
        let mut log = WithdrawalLog::read(dir.path()).unwrap();
        assert_eq!(log.withdrawn().into_iter().collect::<Vec<_>>(), ["gi/a"]);
        log.append(&[("gi/c".into(), WithdrawalEvent::Takedown)])
            .unwrap();
        let read = WithdrawalLog::read(dir.path()).unwrap();
        assert!(read.is_withdrawn("gi/c"));
    }

    #[test]
    fn only_immutable_files_are_shared_by_hard_link() {
        for shared in [
            "ea1162647b6643389720d6fcb7913888.idx",
            "ea1162647b6643389720d6fcb7913888.12.del",
            "meta.json",
            ".managed.json",
            "bodies-3.bin",
        ] {
            assert!(immutable(shared), "{shared}");
        }
        for own in [
            LEXICON,
            HASHES,
            MANIFEST,
            CONFIG_SNAPSHOT,
            ".tantivy-meta.lock",
        ] {
            assert!(!immutable(own), "{own}");
        }
    }

    #[test]
    fn a_key_belongs_to_the_longest_source_name_it_starts_with() {
        let names = ["gov", "gov/notices", "laws"];
        assert_eq!(source_of("gov/notices/n-1", &names), "gov/notices");
        assert_eq!(source_of("gov/x-1", &names), "gov");
        assert_eq!(source_of("gone/x-1", &names), "gone");
    }
}
