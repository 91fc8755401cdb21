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
//!                              config/ (snapshot), images/ (the public records' images,
//!                              see [`images`]), generation.json (written last)
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
//!
//! This module owns the opening of a generation; the writing is in [`generation`], the file list
//! and its checks in [`manifest`], the folder layout and `CURRENT` in [`layout`], the refresh plan
//! in [`refresh`], withdrawals and rollback in [`withdrawals`], signed bundles for a fleet of kiosks
//! in [`bundle`]. It must not know where records
//! come from (that is `crate::ingest` and `crate::pipeline`).

pub mod bundle;
mod generation;
mod images;
mod layout;
mod manifest;
mod refresh;
mod withdrawals;

pub use generation::{config_snapshot, write_full, write_refresh, GenerationInput};
pub use images::{image_file, is_image_name, ImageFile, IMAGES, MAX_IMAGE_BYTES};
pub use layout::{
    current_generation, generation_path, list_generations, lock, switch_to, WriteLock,
};
pub use manifest::{
    read_manifest, verify_generation, Changes, FileEntry, GenerationInfo, SourceCount,
};
pub use refresh::{content_hash, plan_refresh, source_of, RefreshPlan, SourceRemoval};
pub use withdrawals::{rollback, write_withdrawal, WithdrawalEvent, WithdrawalLog};

use crate::search::analysis::{
    BigramTokenizer, ChineseTokenizer, Mode, BIGRAM_TOKENIZER, ZH_TOKENIZER,
};
use crate::search::schema::Fields;
use layout::generation_dir;
use manifest::{check_files, is_body_file};
use std::path::{Path, PathBuf};

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
