//! The manifest of a generation (`generation.json`): what it says about the generation, the
//! list of its files with sizes and SHA-256, and the checks of a generation against it. Must not
//! write a generation or move `CURRENT` (see super::generation and super::layout).

use super::{io, IndexError, MANIFEST, TMP_PREFIX};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

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

pub(super) fn is_body_file(name: &str) -> bool {
    name.starts_with("bodies-") && name.ends_with(".bin")
}

pub(super) fn check_files(
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

pub(super) fn sha256_file(path: &Path) -> std::io::Result<String> {
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
pub(super) fn list_files(dir: &Path) -> Result<Vec<FileEntry>, IndexError> {
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

/// The manifest of a generation folder.
pub fn read_manifest(path: &Path) -> Result<GenerationInfo, IndexError> {
    let file = path.join(MANIFEST);
    let text = std::fs::read_to_string(&file).map_err(io(&file))?;
    serde_json::from_str(&text).map_err(|error| IndexError::Manifest { path: file, error })
}
