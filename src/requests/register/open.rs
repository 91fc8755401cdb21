//! Opening the register: the key file and the register file decided together under a lock,
//! a new file created atomically, WAL and the key's fingerprint checked.

use super::super::crypto::{random_bytes, Keys};
use super::super::deadlines::Calendar;
use super::migrations::{migrate, FINGERPRINT_KEY};
use super::{Register, RegisterError};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

impl Register {
    /// Opens the register at `path` with the key file at `key_file`: what the kiosk and the
    /// `kiosk requests` commands use. A new key is made only together with a new register
    /// (neither file exists); a register that holds requests or a key fingerprint is never
    /// given a new key, and a missing register is not recreated while its key exists.
    pub fn open_files(
        path: &Path,
        key_file: &Path,
        calendar: Calendar,
        kiosk_id: &str,
    ) -> Result<Register, RegisterError> {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // A missing folder shows up as a clear error below.
            let _ = std::fs::create_dir_all(dir);
        }
        // One process at a time decides whether the files are new (the kiosk's request worker
        // and the staff area may open the register together on first start).
        let lock_path = path.with_file_name(format!(
            "{}.lock",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        let lock_err = |source| RegisterError::Lock {
            path: lock_path.clone(),
            source,
        };
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(lock_err)?;
        lock.lock().map_err(lock_err)?;
        let state = inspect(path)?;
        // A first start writes the new key under this name, creates the register with it, and
        // only then moves the key into place: a crash in between leaves a state the next start
        // completes, never a key without its register or a register without its key.
        let pending = key_file.with_file_name(format!(
            "{}.pending",
            key_file.file_name().unwrap_or_default().to_string_lossy()
        ));
        let keys = match (Keys::load(key_file)?, state) {
            (Some(keys), FileState::Missing) => {
                return Err(RegisterError::Missing {
                    path: path.to_path_buf(),
                    key_file: key_file.to_path_buf(),
                    fingerprint: keys.fingerprint().to_string(),
                })
            }
            (Some(keys), FileState::Sqlite) => keys,
            (None, FileState::Missing) => {
                // A pending key whose register never appeared belongs to nothing.
                remove_if_exists(&pending)?;
                let register = Register::open(path, Keys::create(&pending)?, calendar, kiosk_id)?;
                promote_key(&pending, key_file)?;
                drop(lock);
                return Ok(register);
            }
            (None, FileState::Sqlite) => {
                let (fingerprint, rows) = peek(path)?;
                match (Keys::load(&pending)?, &fingerprint) {
                    (Some(keys), Some(f)) if keys.fingerprint() == f => {
                        promote_key(&pending, key_file)?;
                        keys
                    }
                    _ if fingerprint.is_some() || rows > 0 => {
                        return Err(RegisterError::KeyMissing {
                            key_file: key_file.to_path_buf(),
                            register: path.to_path_buf(),
                            holds: format!("holds {rows} request(s)"),
                            expected: fingerprint.unwrap_or_else(|| "(not recorded)".into()),
                        });
                    }
                    _ => {
                        tracing::warn!(register = %path.display(), "the register holds no request and no key fingerprint: creating its key file");
                        Keys::create(key_file)?
                    }
                }
            }
        };
        let register = Register::open(path, keys, calendar, kiosk_id)?;
        drop(lock);
        Ok(register)
    }

    /// Opens the register file with `keys`, creating it when it does not exist (atomically:
    /// the file appears complete, with its schema and the key's fingerprint, or not at all).
    /// An empty, zeroed or foreign file is refused, never replaced; so is a key whose
    /// fingerprint differs from the one recorded in the register.
    pub fn open(
        path: &Path,
        keys: Keys,
        calendar: Calendar,
        kiosk_id: &str,
    ) -> Result<Register, RegisterError> {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // A missing folder shows up as a clear SQLite "unable to open" error below.
            let _ = std::fs::create_dir_all(dir);
        }
        if inspect(path)? == FileState::Missing {
            create_file(path, &keys, &calendar)?;
        }
        let conn = Connection::open(path)?;
        Register::with_connection(conn, keys, calendar, kiosk_id, true)
    }

    /// An in-memory register, for tests.
    pub fn open_in_memory(
        keys: Keys,
        calendar: Calendar,
        kiosk_id: &str,
    ) -> Result<Register, RegisterError> {
        Register::with_connection(
            Connection::open_in_memory()?,
            keys,
            calendar,
            kiosk_id,
            false,
        )
    }

    fn with_connection(
        mut conn: Connection,
        keys: Keys,
        calendar: Calendar,
        kiosk_id: &str,
        file: bool,
    ) -> Result<Register, RegisterError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Switching to WAL takes a lock SQLite's busy handler does not wait for: when another
        // connection is setting up the same new file, try again for a while.
        let mut tries = 0;
        let mode: String = loop {
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 200 =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => break other?,
            }
        };
        require_wal(&mode, file)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Freed pages (a purge, a sealed note) are overwritten, not left readable in the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn, &keys, &calendar)?;
        verify_fingerprint(&conn, &keys)?;
        Ok(Register {
            conn,
            keys,
            calendar,
            kiosk_id: kiosk_id.to_string(),
        })
    }
}

/// What lies where the register file should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileState {
    Missing,
    Sqlite,
}

fn remove_if_exists(path: &Path) -> Result<(), RegisterError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(RegisterError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Moves a pending key file into place once its register exists (durably).
fn promote_key(pending: &Path, key_file: &Path) -> Result<(), RegisterError> {
    let io = |source| RegisterError::Io {
        path: key_file.to_path_buf(),
        source,
    };
    std::fs::rename(pending, key_file).map_err(io)?;
    if let Some(dir) = key_file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
    }
    Ok(())
}

/// Looks at the register file before SQLite does (SQLite would silently treat an empty file
/// as a new database): an empty, zeroed or foreign file is an error.
fn inspect(path: &Path) -> Result<FileState, RegisterError> {
    use std::io::Read;
    let damaged = |what| {
        tracing::error!(register = %path.display(), what, "the register file is damaged");
        RegisterError::Damaged {
            path: path.to_path_buf(),
            what,
        }
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(source) => {
            return Err(RegisterError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut head = Vec::with_capacity(4096);
    file.by_ref()
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|source| RegisterError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if head.is_empty() {
        Err(damaged("empty (0 bytes)"))
    } else if head.starts_with(b"SQLite format 3\0") {
        Ok(FileState::Sqlite)
    } else if head.iter().all(|&b| b == 0) {
        Err(damaged(
            "zeroed (it begins with zero bytes, not a SQLite header)",
        ))
    } else {
        Err(damaged("not a SQLite database"))
    }
}

/// The recorded key fingerprint and the number of requests of a register file, read without
/// a key and without changing the file.
fn peek(path: &Path) -> Result<(Option<String>, i64), RegisterError> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let has_table = |name: &str| -> Result<bool, RegisterError> {
        Ok(conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )? > 0)
    };
    let fingerprint = if has_table("meta")? {
        conn.query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [FINGERPRINT_KEY],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    let rows = if has_table("requests")? {
        conn.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))?
    } else {
        0
    };
    Ok((fingerprint, rows))
}

/// Creates a new register file: schema and fingerprint are written to a temporary file, made
/// durable, then linked into place. Another process linking first wins; its file is used.
fn create_file(path: &Path, keys: &Keys, calendar: &Calendar) -> Result<(), RegisterError> {
    let mut salt = [0u8; 8];
    random_bytes(&mut salt)?;
    let tmp = path.with_file_name(format!(
        ".{}.new-{}-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        u64::from_le_bytes(salt)
    ));
    let io = |source| RegisterError::Io {
        path: path.to_path_buf(),
        source,
    };
    let result = (|| {
        let mut conn = Connection::open(&tmp)?;
        // Nobody else sees this file until it is complete and synced below: no journal and
        // no fsync per step (a first start must be quick, even when it is interrupted).
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        migrate(&mut conn, keys, calendar)?;
        conn.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => {
                tracing::info!(register = %path.display(), fingerprint = keys.fingerprint(), "created a new request register");
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(io(e)),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_file(tmp.with_file_name(format!(
        "{}-journal",
        tmp.file_name().unwrap_or_default().to_string_lossy()
    )));
    result?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
    }
    Ok(())
}

/// A file register runs only in WAL mode (durable commits without a rollback journal race).
fn require_wal(mode: &str, file: bool) -> Result<(), RegisterError> {
    if file && !mode.eq_ignore_ascii_case("wal") {
        return Err(RegisterError::NoWal { mode: mode.into() });
    }
    Ok(())
}

/// The key must be the one the register recorded.
fn verify_fingerprint(conn: &Connection, keys: &Keys) -> Result<(), RegisterError> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [FINGERPRINT_KEY],
            |r| r.get(0),
        )
        .optional()?;
    match stored {
        Some(expected) if expected == keys.fingerprint() => Ok(()),
        Some(expected) => Err(RegisterError::KeyMismatch {
            expected,
            found: keys.fingerprint().to_string(),
        }),
        None => Err(RegisterError::KeyMismatch {
            expected: "(missing from the register's meta table)".into(),
            found: keys.fingerprint().to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_register_runs_only_in_wal_mode_and_an_in_memory_one_in_any() {
        assert!(require_wal("wal", true).is_ok());
        assert!(require_wal("WAL", true).is_ok());
        for mode in ["delete", "truncate", "persist", "memory", "off"] {
            let err = require_wal(mode, true).unwrap_err();
            assert!(err.suspends_filing(), "{mode}");
            assert!(err.to_string().contains(mode), "{err}");
        }
        assert!(require_wal("memory", false).is_ok());
    }
}
