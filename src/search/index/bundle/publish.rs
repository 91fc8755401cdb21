//! `kiosk index publish`: the current generation of the build host written as a signed bundle
//! folder. The files go first (each by temporary name, flushed, renamed), the signed manifest
//! last, so a kiosk reading the folder mid-publish sees the old manifest or the new one whole.
//! Must not change the index folder beyond the published version in its state file.

use super::super::layout::{current_generation, generation_dir, lock, sync_dir, write_durably};
use super::super::manifest::{
    read_manifest, sha256_file, verify_generation, FileEntry, GenerationInfo,
};
use super::super::{io, IndexError, WithdrawalLog, MANIFEST};
use super::state::BundleState;
use super::{keys, BundleError, BundleManifest, Engine, FILES, FORMAT, SIGNED_MANIFEST};
use std::path::{Path, PathBuf};

/// What to publish where.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub index_dir: PathBuf,
    /// The bundle folder (created if missing; a bundle already there is replaced).
    pub out: PathBuf,
    pub secret_key: PathBuf,
    /// How long kiosks accept the bundle.
    pub valid_for: chrono::Duration,
}

/// What a publish wrote.
#[derive(Debug, Clone)]
pub struct Published {
    pub manifest: BundleManifest,
    /// Files copied into the bundle folder (the others were there already).
    pub copied: usize,
    pub copied_bytes: u64,
    /// Files of earlier versions no longer listed, removed.
    pub removed: usize,
}

/// Publishes the current generation of `o.index_dir` into `o.out`.
pub fn publish(o: &PublishOptions) -> Result<Published, BundleError> {
    let key = keys::read_secret_key(&o.secret_key)?;
    let _lock = lock(&o.index_dir)?;
    let name = current_generation(&o.index_dir)?
        .ok_or_else(|| IndexError::Missing(o.index_dir.clone()))?;
    let dir = generation_dir(&o.index_dir, &name);
    let info = read_manifest(&dir)?;
    verify_generation(&dir, &info, true)?;
    let log = WithdrawalLog::read(&o.index_dir)?;
    let held = log.held_by(&dir)?;
    if !held.is_empty() {
        return Err(IndexError::HoldsWithdrawn {
            generation: name,
            count: held.len(),
        }
        .into());
    }
    let mut state = BundleState::read(&o.index_dir)?;
    let version = state.published.unwrap_or(0).max(published_version(&o.out)) + 1;
    let manifest = manifest_of(&dir, &info, &log, version, o.valid_for)?;
    let blobs = o.out.join(FILES);
    std::fs::create_dir_all(&blobs).map_err(io(&blobs))?;
    let (mut copied, mut copied_bytes) = (0, 0);
    for f in &manifest.files {
        if copy_blob(&dir.join(&f.name), &blobs, f)? {
            copied += 1;
            copied_bytes += f.bytes;
        }
    }
    sync_dir(&blobs);
    let payload = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    write_durably(&o.out.join(SIGNED_MANIFEST), &keys::sign(&key, &payload))?;
    sync_dir(&o.out);
    let removed = remove_unlisted(&blobs, &manifest.files);
    state.published = Some(version);
    state.write(&o.index_dir)?;
    Ok(Published {
        manifest,
        copied,
        copied_bytes,
        removed,
    })
}

/// The manifest of the generation in `dir` as version `version`.
fn manifest_of(
    dir: &Path,
    info: &GenerationInfo,
    log: &WithdrawalLog,
    version: u64,
    valid_for: chrono::Duration,
) -> Result<BundleManifest, BundleError> {
    let manifest_path = dir.join(MANIFEST);
    let mut files = info.files.clone();
    files.push(FileEntry {
        name: MANIFEST.into(),
        bytes: std::fs::metadata(&manifest_path)
            .map_err(io(&manifest_path))?
            .len(),
        sha256: sha256_file(&manifest_path).map_err(io(&manifest_path))?,
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let now = chrono::Local::now();
    Ok(BundleManifest {
        format: FORMAT,
        version,
        generation: info.name.clone(),
        built_at: info.built_at,
        published_at: now,
        expires_at: now + valid_for,
        data_date: info.data_date,
        records: info.records,
        engine: Engine::here(),
        files,
        withdrawn: log
            .withdrawn_events()
            .into_iter()
            .map(|(k, e)| (k, e.as_str().to_string()))
            .collect(),
    })
}

/// The version of a bundle already in `out` (its signature is not checked: it only keeps the
/// version going up when the state file of the build host was lost), 0 when none.
fn published_version(out: &Path) -> u64 {
    let Ok(bytes) = std::fs::read(out.join(SIGNED_MANIFEST)) else {
        return 0;
    };
    let payload = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(&bytes[..], |at| &bytes[at + 1..]);
    serde_json::from_slice::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["version"].as_u64())
        .unwrap_or(0)
}

/// Copies one file of the generation to `blobs/<sha256>` unless an identical one is there.
/// Returns whether it copied.
fn copy_blob(from: &Path, blobs: &Path, f: &FileEntry) -> Result<bool, BundleError> {
    let target = blobs.join(&f.sha256);
    let present = std::fs::metadata(&target).is_ok_and(|m| m.len() == f.bytes)
        && sha256_file(&target).is_ok_and(|h| h == f.sha256);
    if present {
        return Ok(false);
    }
    let tmp = blobs.join(format!(".tmp-{}-{}", f.sha256, std::process::id()));
    std::fs::copy(from, &tmp)
        .and_then(|_| std::fs::File::open(&tmp)?.sync_all())
        .map_err(io(&tmp))?;
    std::fs::rename(&tmp, &target).map_err(io(&target))?;
    Ok(true)
}

/// Removes the files of `blobs` the manifest does not list (earlier versions' files, leftovers
/// of an interrupted publish). A kiosk still fetching the previous version then finds a file
/// missing and refuses it; its next pull reads the new manifest.
fn remove_unlisted(blobs: &Path, files: &[FileEntry]) -> usize {
    let listed: std::collections::HashSet<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    let Ok(rd) = std::fs::read_dir(blobs) else {
        return 0;
    };
    let mut removed = 0;
    for e in rd.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if !listed.contains(name.as_str()) && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}
