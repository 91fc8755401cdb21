//! The folder layout of an index: the `generations/` folder, the `CURRENT` pointer and its
//! switch, the write lock, durable writes by temporary name and rename, and the listing and
//! removal of generations (old ones, and incomplete ones of writers that died). Must not read or
//! write the contents of a generation beyond its manifest.

use super::manifest::read_manifest;
use super::{io, GenerationInfo, IndexError, GENERATIONS, LOCK, MANIFEST, POINTER, TMP_PREFIX};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) fn generation_dir(index_dir: &Path, name: &str) -> PathBuf {
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

/// A fresh, empty generation folder; leftovers of writers that died are removed first (the
/// caller holds the lock, so no other writer is at work).
pub(super) fn new_generation_dir(index_dir: &Path) -> Result<(String, PathBuf), IndexError> {
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

/// Writes a file under a temporary name, flushes it and renames it into place: never writes
/// through an existing file (which could be a hard link shared with another generation).
pub(super) fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
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
pub(super) fn sync_dir(dir: &Path) {
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
pub(super) fn prune(index_dir: &Path, keep: usize) {
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
