//! `kiosk index pull`: a bundle checked (signature, version, expiry, engine), its generation
//! assembled from the files the kiosk already holds (by hash) and the ones it fetches (each
//! checked by size and SHA-256 as it arrives), completed, and switched to with the `CURRENT`
//! swap. Until `generation.json` is renamed into place last, the folder is an incomplete
//! generation that nothing lists or opens, and any failure removes it. Must not change an
//! existing generation.

use super::super::generation::immutable;
use super::super::layout::{
    generation_dir, list_generations, lock, prune, switch_to, sync_dir, WriteLock,
};
use super::super::manifest::{sha256_file, FileEntry};
use super::super::{io, IndexError, WithdrawalEvent, WithdrawalLog, MANIFEST, TMP_PREFIX};
use super::state::{Accepted, BundleState, PullOutcome};
use super::{
    check_entries, keys, malformed, BundleError, BundleManifest, Engine, Source, FILES, FORMAT,
    MAX_MANIFEST_BYTES, SIGNED_MANIFEST,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What a kiosk pulls from where.
#[derive(Debug, Clone)]
pub struct PullOptions {
    pub index_dir: PathBuf,
    pub public_key: PathBuf,
    pub source: Source,
    pub keep: usize,
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub manifest: BundleManifest,
    pub fetched: usize,
    pub fetched_bytes: u64,
    /// Files taken from generations the kiosk already held (identical by SHA-256).
    pub reused: usize,
    pub reused_bytes: u64,
    /// The bundle is the one the kiosk accepted last and still serves: nothing was done.
    pub up_to_date: bool,
}

/// Pulls the bundle of `o.source`. Accepted or refused, the outcome is logged and kept in the
/// index folder's bundle state; a refusal leaves the current generation serving.
pub fn pull(o: &PullOptions) -> Result<Pulled, BundleError> {
    let lock = lock(&o.index_dir)?;
    let mut state = BundleState::read(&o.index_dir)?;
    let mut offered = None;
    let result = pull_locked(&lock, o, state.accepted.as_ref(), &mut offered);
    let at = chrono::Local::now();
    let source = o.source.name();
    match &result {
        Ok(p) if p.up_to_date => {
            tracing::info!(version = p.manifest.version, source = %source, "the index bundle is the one in service already");
        }
        Ok(p) => {
            let m = &p.manifest;
            tracing::info!(version = m.version, generation = %m.generation, fetched = p.fetched, reused = p.reused, source = %source, "index bundle accepted and made current");
            state.accepted = Some(Accepted {
                version: m.version,
                generation: m.generation.clone(),
                data_date: m.data_date,
                expires_at: m.expires_at,
                at,
                source: source.clone(),
            });
        }
        Err(e) => {
            tracing::error!(source = %source, version = ?offered, reason = %e, "index bundle refused; the current generation stays in service");
        }
    }
    state.last_pull = Some(PullOutcome {
        at,
        source,
        ok: result.is_ok(),
        version: offered,
        message: match &result {
            Ok(p) if p.up_to_date => format!(
                "version {} is current already; nothing to do",
                p.manifest.version
            ),
            Ok(p) => format!(
                "version {} (generation {}) is current: {} file(s) fetched, {} reused",
                p.manifest.version, p.manifest.generation, p.fetched, p.reused
            ),
            Err(e) => e.to_string(),
        },
        chinese: match &result {
            Ok(p) => format!("已启用资料库更新包第{}版。", p.manifest.version),
            Err(e) => e.chinese(),
        },
    });
    if let Err(e) = state.write(&o.index_dir) {
        tracing::error!(error = %e, "cannot record the outcome of the bundle pull");
    }
    result
}

fn pull_locked(
    _lock: &WriteLock,
    o: &PullOptions,
    accepted: Option<&Accepted>,
    offered: &mut Option<u64>,
) -> Result<Pulled, BundleError> {
    let key = keys::read_public_key(&o.public_key)?;
    let signed = read_all(&o.source, SIGNED_MANIFEST, MAX_MANIFEST_BYTES)?;
    let payload = keys::verify(&key, &signed)?;
    let m: BundleManifest =
        serde_json::from_slice(payload).map_err(|e| malformed(e.to_string()))?;
    *offered = Some(m.version);
    let serving = super::super::current_generation(&o.index_dir)?;
    let up_to_date = accepted.is_some_and(|a| {
        a.version == m.version
            && a.generation == m.generation
            && serving.as_ref() == Some(&a.generation)
    });
    let mut pulled = Pulled {
        manifest: m,
        fetched: 0,
        fetched_bytes: 0,
        reused: 0,
        reused_bytes: 0,
        up_to_date,
    };
    if up_to_date {
        // The nightly timer ran before the build host published: not a refusal.
        return Ok(pulled);
    }
    let floor = accepted.map_or(0, |a| a.version);
    check_manifest(&pulled.manifest, floor, chrono::Local::now())?;
    let dir = generation_dir(&o.index_dir, &pulled.manifest.generation);
    if dir.join(MANIFEST).is_file() {
        // The same generation republished under a higher version: the kiosk holds it whole.
        check_present(&dir, &pulled.manifest)?;
        follow_withdrawals(&o.index_dir, &dir, &pulled.manifest)?;
    } else {
        let done = assemble(o, &dir, &mut pulled).and_then(|tmp_manifest| {
            follow_withdrawals(&o.index_dir, &dir, &pulled.manifest)?;
            std::fs::rename(&tmp_manifest, dir.join(MANIFEST)).map_err(io(&dir))?;
            sync_dir(&dir);
            Ok(())
        });
        if let Err(e) = done {
            remove_partial(&dir);
            return Err(e);
        }
    }
    switch_to(&o.index_dir, &pulled.manifest.generation)?;
    prune(&o.index_dir, o.keep);
    Ok(pulled)
}

/// Everything about a verified manifest that can be judged before fetching a file.
fn check_manifest(
    m: &BundleManifest,
    floor: u64,
    now: chrono::DateTime<chrono::Local>,
) -> Result<(), BundleError> {
    if m.format != FORMAT {
        return Err(BundleError::Incompatible {
            what: "bundle format",
            bundle: m.format.to_string(),
            here: FORMAT.to_string(),
        });
    }
    if m.version <= floor {
        return Err(BundleError::NotNewer {
            offered: m.version,
            current: floor,
        });
    }
    if m.expires_at <= now {
        return Err(BundleError::Expired(m.expires_at.to_rfc3339()));
    }
    let here = Engine::here();
    for (what, bundle, here) in [
        ("tantivy", &m.engine.tantivy, &here.tantivy),
        ("jieba-rs", &m.engine.jieba, &here.jieba),
        ("index schema", &m.engine.schema, &here.schema),
    ] {
        if bundle != here {
            return Err(BundleError::Incompatible {
                what,
                bundle: bundle.clone(),
                here: here.clone(),
            });
        }
    }
    let g = &m.generation;
    if g.is_empty() || g.starts_with('.') || g.contains(['/', '\\', '\0']) {
        return Err(malformed(format!("generation name {g:?}")));
    }
    check_entries(&m.files)?;
    if !m.files.iter().any(|f| f.name == MANIFEST) {
        return Err(malformed(format!("{MANIFEST} is not listed")));
    }
    Ok(())
}

/// Reads a whole (small) file of the bundle.
fn read_all(source: &Source, rel: &str, limit: u64) -> Result<Vec<u8>, BundleError> {
    let mut bytes = Vec::new();
    source
        .open(rel, limit + 1)?
        .read_to_end(&mut bytes)
        .map_err(|e| fetch_error(source, rel, e))?;
    if bytes.len() as u64 > limit {
        return Err(malformed(format!("{rel} is larger than {limit} bytes")));
    }
    Ok(bytes)
}

fn fetch_error(source: &Source, rel: &str, e: std::io::Error) -> BundleError {
    BundleError::Fetch {
        what: rel.to_string(),
        source_name: source.name(),
        problem: e.to_string(),
    }
}

/// Writes every file of the bundle into `dir`, `generation.json` under a temporary name (whose
/// path is returned): a file the kiosk holds with the same SHA-256 is linked or copied, any
/// other fetched; each is checked as it is written.
fn assemble(o: &PullOptions, dir: &Path, p: &mut Pulled) -> Result<PathBuf, BundleError> {
    if dir.exists() {
        // An incomplete folder of an interrupted pull or build (the lock is ours).
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let held = local_files(&o.index_dir);
    let tmp_manifest = dir.join(format!("{TMP_PREFIX}{MANIFEST}"));
    for f in &p.manifest.files {
        let target = if f.name == MANIFEST {
            tmp_manifest.clone()
        } else {
            dir.join(&f.name)
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let reused = held
            .get(&f.sha256)
            .is_some_and(|local| reuse(local, &target, f));
        if reused {
            p.reused += 1;
            p.reused_bytes += f.bytes;
        } else {
            fetch(&o.source, f, &target)?;
            p.fetched += 1;
            p.fetched_bytes += f.bytes;
        }
    }
    sync_dir(dir);
    let text = std::fs::read_to_string(&tmp_manifest).map_err(io(&tmp_manifest))?;
    let info: super::super::GenerationInfo =
        serde_json::from_str(&text).map_err(|e| malformed(format!("{MANIFEST}: {e}")))?;
    if info.name != p.manifest.generation {
        return Err(malformed(format!(
            "{MANIFEST} names generation {}, the bundle {}",
            info.name, p.manifest.generation
        )));
    }
    Ok(tmp_manifest)
}

/// The files of the kiosk's complete generations by SHA-256 (as their manifests list them).
fn local_files(index_dir: &Path) -> HashMap<String, PathBuf> {
    let mut held = HashMap::new();
    for g in list_generations(index_dir) {
        let dir = generation_dir(index_dir, &g.name);
        for f in g.files {
            held.entry(f.sha256).or_insert_with(|| dir.join(&f.name));
        }
    }
    held
}

/// Takes a file the kiosk holds, after checking its size and SHA-256 again (a damaged local
/// copy is fetched anew instead): hard-linked when it is never written again, else copied.
fn reuse(local: &Path, target: &Path, f: &FileEntry) -> bool {
    let intact = std::fs::metadata(local).is_ok_and(|m| m.len() == f.bytes)
        && sha256_file(local).is_ok_and(|h| h == f.sha256);
    if !intact {
        tracing::warn!(file = %local.display(), "a local file differs from its manifest; fetching it from the bundle instead");
        return false;
    }
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let linked = immutable(&name) && std::fs::hard_link(local, target).is_ok();
    linked || std::fs::copy(local, target).is_ok()
}

/// Fetches one file of the bundle to `target`, checking its size and SHA-256 before it is
/// renamed into place.
fn fetch(source: &Source, f: &FileEntry, target: &Path) -> Result<(), BundleError> {
    let rel = format!("{FILES}/{}", f.sha256);
    let mut reader = source.open(&rel, f.bytes + 1)?;
    let tmp = target.with_file_name(format!("{TMP_PREFIX}fetch-{}", f.sha256));
    let mut out = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| fetch_error(source, &rel, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io(&tmp))?;
        total += n as u64;
    }
    out.sync_all().map_err(io(&tmp))?;
    let digest = super::keys::hex(&hasher.finalize());
    let mismatch = |problem: String| BundleError::FileMismatch {
        name: f.name.clone(),
        problem,
    };
    if total != f.bytes {
        let _ = std::fs::remove_file(&tmp);
        return Err(mismatch(format!(
            "{}{total} bytes, the manifest says {}",
            if total < f.bytes { "truncated: " } else { "" },
            f.bytes
        )));
    }
    if digest != f.sha256 {
        let _ = std::fs::remove_file(&tmp);
        return Err(mismatch("content differs (SHA-256)".into()));
    }
    std::fs::rename(&tmp, target).map_err(io(target))?;
    Ok(())
}

/// A generation the kiosk holds whole already: every file as the bundle lists it.
fn check_present(dir: &Path, m: &BundleManifest) -> Result<(), BundleError> {
    for f in &m.files {
        let path = dir.join(&f.name);
        let same = std::fs::metadata(&path).is_ok_and(|md| md.len() == f.bytes)
            && sha256_file(&path).is_ok_and(|h| h == f.sha256);
        if !same {
            return Err(IndexError::Damaged {
                generation: m.generation.clone(),
                file: f.name.clone(),
                problem: "the kiosk's copy differs from the bundle".into(),
            }
            .into());
        }
    }
    Ok(())
}

/// The kiosk's withdrawal log follows the build host's (the manifest's list), then the new
/// generation is checked against it: one that holds a withdrawn key is refused.
fn follow_withdrawals(index_dir: &Path, dir: &Path, m: &BundleManifest) -> Result<(), BundleError> {
    let mut log = WithdrawalLog::read(index_dir)?;
    let host: std::collections::HashSet<&str> =
        m.withdrawn.iter().map(|(k, _)| k.as_str()).collect();
    let mut events: Vec<(String, WithdrawalEvent)> = m
        .withdrawn
        .iter()
        .filter_map(|(k, e)| WithdrawalEvent::parse(e).map(|e| (k.clone(), e)))
        .filter(|(_, e)| *e != WithdrawalEvent::Cleared)
        .collect();
    for k in log.withdrawn() {
        if !host.contains(k.as_str()) {
            events.push((k, WithdrawalEvent::Cleared));
        }
    }
    log.append(&events)?;
    let held = log.held_by(dir)?;
    if held.is_empty() {
        Ok(())
    } else {
        Err(BundleError::HoldsWithdrawn(held.len()))
    }
}

fn remove_partial(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        tracing::warn!(path = %dir.display(), error = %e, "cannot remove the refused bundle's partial generation");
    }
}
