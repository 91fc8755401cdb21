//! The staff PIN's count of wrong tries and its lock, kept in the state folder
//! (`kiosk.state_dir`) so that a restart of the kiosk (a crash, the watchdog, a power cut)
//! neither lifts a lock nor forgets the tries before it. Holds no PIN and no digit of one. The
//! file is written on its own thread (the UI thread never touches a file), atomically
//! (temporary file, fsync, rename).

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file in the state folder.
pub const LOCK_FILE: &str = "staff-pin-lock.json";

/// What is kept: wrong tries in a row, and the end of a lock as seconds since 1970 (wall
/// clock: monotonic time does not survive a restart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kept {
    pub failures: u32,
    pub locked_until: Option<u64>,
}

impl Kept {
    /// The time left of the lock at the wall-clock time `now`, never more than `lockout` (a
    /// clock set back must not lock the staff out for longer than a lock lasts).
    pub fn remaining(&self, now: SystemTime, lockout: Duration) -> Option<Duration> {
        let until = UNIX_EPOCH + Duration::from_secs(self.locked_until?);
        until
            .duration_since(now)
            .ok()
            .filter(|d| !d.is_zero())
            .map(|d| d.min(lockout))
    }

    /// A lock of `remaining` from the wall-clock time `now`, rounded up to the second.
    pub fn lock_end(now: SystemTime, remaining: Duration) -> u64 {
        let end = now + remaining;
        let secs = end.duration_since(UNIX_EPOCH).unwrap_or_default();
        secs.as_secs() + u64::from(secs.subsec_nanos() > 0)
    }
}

/// Reads what was kept in `state_dir`. A missing file is a fresh start; a damaged one is
/// logged and read as a fresh start too.
pub fn load(state_dir: &Path) -> Kept {
    let path = state_dir.join(LOCK_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::error!(path = %path.display(), error = %e, "the staff PIN lock file is damaged; starting with no wrong tries");
            Kept::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Kept::default(),
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot read the staff PIN lock file; starting with no wrong tries");
            Kept::default()
        }
    }
}

/// Writes `kept` into `state_dir` atomically.
pub fn save(state_dir: &Path, kept: &Kept) -> std::io::Result<()> {
    std::fs::create_dir_all(state_dir)?;
    let tmp = state_dir.join(format!(".{LOCK_FILE}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&serde_json::to_vec(kept).map_err(std::io::Error::other)?)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, state_dir.join(LOCK_FILE))?;
    // The rename itself survives a power cut once the folder is synced.
    std::fs::File::open(state_dir)?.sync_all()
}

/// The writer thread: every state handed to it is written in order. Dropping the store
/// writes what is still queued and waits for the thread.
pub struct LockStore {
    tx: Option<Sender<Kept>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LockStore {
    pub fn spawn(state_dir: PathBuf) -> std::io::Result<LockStore> {
        let (tx, rx) = channel::<Kept>();
        let thread = std::thread::Builder::new()
            .name("pin-lock".into())
            .spawn(move || {
                for kept in rx {
                    if let Err(e) = save(&state_dir, &kept) {
                        tracing::error!(dir = %state_dir.display(), error = %e, "cannot keep the staff PIN lock in the state folder; it holds only until the kiosk restarts");
                    }
                }
            })?;
        Ok(LockStore {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Hands a state to the writer.
    pub fn keep(&self, kept: Kept) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(kept);
        }
    }
}

impl Drop for LockStore {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for LockStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LockStore")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_lock_ends_when_it_said_and_never_lasts_longer_than_a_lock() {
        let lockout = Duration::from_secs(300);
        let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let kept = Kept {
            failures: 0,
            locked_until: Some(Kept::lock_end(t0, lockout)),
        };
        assert_eq!(kept.remaining(t0, lockout), Some(lockout));
        assert_eq!(
            kept.remaining(t0 + Duration::from_secs(100), lockout),
            Some(Duration::from_secs(200))
        );
        assert_eq!(kept.remaining(t0 + lockout, lockout), None);
        // The clock was set back a day: still at most one lock long.
        let back = t0 - Duration::from_secs(86_400);
        assert_eq!(kept.remaining(back, lockout), Some(lockout));
        assert_eq!(Kept::default().remaining(t0, lockout), None);
    }

    #[test]
    fn a_saved_state_is_read_back_and_a_damaged_file_is_a_fresh_start() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        assert_eq!(load(&dir), Kept::default());
        let kept = Kept {
            failures: 3,
            locked_until: Some(1_800_000_000),
        };
        {
            let store = LockStore::spawn(dir.clone()).unwrap();
            store.keep(Kept::default());
            store.keep(kept);
        }
        assert_eq!(
            load(&dir),
            kept,
            "the last state handed over is the one kept"
        );
        std::fs::write(dir.join(LOCK_FILE), "{not json").unwrap();
        assert_eq!(load(&dir), Kept::default());
    }
}
