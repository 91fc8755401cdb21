//! The register of disclosure requests: one store type owning one SQLite connection.
//!
//! Durable by construction: WAL with `synchronous=FULL`, every change in one transaction, a
//! request acknowledged (receipt number returned) only after its transaction commits. Personal
//! data is sealed with [`Keys`]; an append-only audit log (enforced by triggers) records every
//! change. Migrations are appended to [`MIGRATIONS`] and tracked by `PRAGMA user_version`.
//! Knows nothing about printers or screens.

use super::crypto::{random_bytes, KeyError, Keys};
use super::deadlines::{Calendar, Clock, Due, Pause};
use super::migrations::{migrate, warnings_text, FINGERPRINT_KEY};
use super::model::{hints_for, ApplicantType, Hint, Request};
use super::status::{Outcome, Status};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use super::migrations::MIGRATIONS;

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("register database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("register data of {receipt_no} is damaged: {what}")]
    Corrupt { receipt_no: String, what: String },
    #[error("no request with receipt number {0}")]
    NotFound(String),
    #[error("a request cannot go from {from} to {to}")]
    Transition {
        from: &'static str,
        to: &'static str,
    },
    #[error("{0}")]
    Rule(&'static str),
    #[error("the register was written by a newer kiosk (schema {found}, this one knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error(
        "the register key file {key_file} is missing, but the register {register} {holds}: \
         restore the key file with fingerprint {expected} from the backup (a new key would \
         leave every request unreadable); until then the kiosk takes no requests"
    )]
    KeyMissing {
        key_file: PathBuf,
        register: PathBuf,
        holds: String,
        expected: String,
    },
    #[error(
        "the register key file does not belong to this register: the register was sealed with \
         the key of fingerprint {expected}, the key file holds fingerprint {found}; restore \
         the right key file from the backup; until then the kiosk takes no requests"
    )]
    KeyMismatch { expected: String, found: String },
    #[error(
        "the register {path} is {what}; it is never replaced by a new one (receipt numbers \
         would start again): restore it from the backup; until then the kiosk takes no requests"
    )]
    Damaged { path: PathBuf, what: &'static str },
    #[error(
        "the register {path} is missing but its key file {key_file} (fingerprint \
         {fingerprint}) exists: the register was moved or lost; restore it from the backup \
         (to start a new register on purpose, move the key file away first)"
    )]
    Missing {
        path: PathBuf,
        key_file: PathBuf,
        fingerprint: String,
    },
    #[error(
        "the register cannot use WAL journaling (SQLite left journal_mode={mode}); it is not \
         used without it (check the file system of the register folder)"
    )]
    NoWal { mode: String },
    #[error("the status date {on} is {problem}")]
    StatusDate { on: NaiveDate, problem: String },
    #[error("register file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RegisterError {
    /// True when the register must not take requests until staff act (a missing, wrong or
    /// damaged file): the kiosk screen then says 暂停受理 instead of "try again later".
    pub fn suspends_filing(&self) -> bool {
        matches!(
            self,
            RegisterError::KeyMissing { .. }
                | RegisterError::KeyMismatch { .. }
                | RegisterError::Damaged { .. }
                | RegisterError::Missing { .. }
                | RegisterError::NoWal { .. }
                | RegisterError::TooNew { .. }
                | RegisterError::Key(KeyError::Length { .. })
        )
    }
}

/// The readable requests of a list, and the receipt numbers of rows that could not be read
/// (damaged data, a field that does not decrypt): one bad row never hides the others.
#[derive(Debug, Default)]
pub struct Listing {
    pub rows: Vec<Stored>,
    pub damaged: Vec<String>,
}

/// The connection settings the register relies on, as SQLite reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragmas {
    pub journal_mode: String,
    /// 2 = FULL.
    pub synchronous: i64,
    pub foreign_keys: bool,
    pub secure_delete: bool,
}

/// What the applicant gets back once the request is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub receipt_no: String,
    /// 查询码: with the receipt number, lets the applicant check the status at the kiosk.
    pub query_code: String,
    pub received_on: NaiveDate,
    pub due: Due,
    /// This applicant's requests received in the same calendar month, this one included.
    pub month_count: u32,
    pub hints: Vec<Hint>,
}

/// A request as stored. `request` and `query_code` are `None` once personal data was purged.
#[derive(Debug, Clone)]
pub struct Stored {
    pub receipt_no: String,
    pub received_on: NaiveDate,
    pub submitted_at: NaiveDateTime,
    pub applicant_type: ApplicantType,
    pub staff_assisted: bool,
    pub hints: Vec<Hint>,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub extended: bool,
    /// The current deadline; `None` while the clock stands still (补正, consultation).
    pub due: Option<Due>,
    pub print_pending: bool,
    pub closed_on: Option<NaiveDate>,
    pub purged_on: Option<NaiveDate>,
    pub request: Option<Request>,
    pub query_code: Option<String>,
    pub month_count: Option<u32>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub field: String,
    pub from: Option<String>,
    pub to: String,
    pub note: String,
}

/// A staff decision to move a request on.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub to: Status,
    /// Required with [`Status::Answered`], refused otherwise.
    pub outcome: Option<Outcome>,
    /// The day it happened (the day the correction arrived, the consultation started, …).
    pub on: NaiveDate,
    pub actor: String,
    pub note: String,
}

/// The sealed part of a row.
#[derive(Serialize, Deserialize)]
struct Personal {
    request: Request,
    query_code: String,
}

const QUERY_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Length of a 查询码: 10 characters of 5 bits = 50 bits from the OS random source.
pub const QUERY_CODE_LEN: usize = 10;

fn new_query_code() -> Result<String, KeyError> {
    let mut bytes = [0u8; QUERY_CODE_LEN];
    random_bytes(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(QUERY_ALPHABET[usize::from(b & 31)]))
        .collect())
}

fn date_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The register. One per kiosk; `kiosk_id` prefixes its receipt numbers.
pub struct Register {
    conn: Connection,
    keys: Keys,
    calendar: Calendar,
    kiosk_id: String,
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register")
            .field("kiosk_id", &self.kiosk_id)
            .field("key_fingerprint", &self.keys.fingerprint())
            .finish_non_exhaustive()
    }
}

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

    /// The connection settings in force (journal mode, synchronous, foreign keys).
    pub fn pragmas(&self) -> Result<Pragmas, RegisterError> {
        let get_i = |name: &str| -> Result<i64, RegisterError> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
        };
        Ok(Pragmas {
            journal_mode: self
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
            synchronous: get_i("synchronous")?,
            foreign_keys: get_i("foreign_keys")? == 1,
            secure_delete: get_i("secure_delete")? == 1,
        })
    }

    /// The fingerprint of the key this register is sealed with.
    pub fn key_fingerprint(&self) -> &str {
        self.keys.fingerprint()
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Files a request received at `now` (local time). Returns only after the transaction has
    /// committed: a receipt that was returned is on disk.
    pub fn submit(
        &mut self,
        request: &Request,
        now: NaiveDateTime,
    ) -> Result<Receipt, RegisterError> {
        let received_on = now.date();
        let day = date_str(received_on);
        let hints = hints_for(&request.info.description);
        let hint_codes = hints_text(&hints);
        let query_code = new_query_code()?;
        let hash = self.keys.applicant_hash(&request.applicant.identity_key());
        let due = self.calendar.due(&Clock {
            start: received_on,
            extended: false,
            pauses: vec![],
        });
        let personal = serde_json::to_vec(&Personal {
            request: request.clone(),
            query_code: query_code.clone(),
        })
        .map_err(|e| RegisterError::Corrupt {
            receipt_no: "-".into(),
            what: e.to_string(),
        })?;

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let serial: u32 = tx.query_row(
            "SELECT COALESCE(MAX(serial), 0) + 1 FROM requests WHERE received_on = ?1",
            [&day],
            |r| r.get(0),
        )?;
        let receipt_no = format!(
            "{}-{}-{serial:04}",
            self.kiosk_id,
            received_on.format("%Y%m%d")
        );
        let sealed = self.keys.seal(&receipt_no, &personal)?;
        tx.execute(
            "INSERT INTO requests (receipt_no, received_on, serial, submitted_at, applicant_type,
                staff_assisted, hints, applicant_hash, personal, status, clock_start, due_on,
                due_warnings, print_pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?2, ?11, ?12, 1)",
            params![
                receipt_no,
                day,
                serial,
                now.format("%Y-%m-%dT%H:%M:%S").to_string(),
                request.applicant.kind().code(),
                request.staff_assisted,
                hint_codes,
                hash,
                sealed,
                Status::Received.code(),
                date_str(due.date),
                warnings_text(&due.warnings),
            ],
        )?;
        let id = tx.last_insert_rowid();
        let actor = if request.staff_assisted {
            "staff"
        } else {
            "kiosk"
        };
        insert_audit(
            &tx,
            &self.keys,
            id,
            &receipt_no,
            AuditLine {
                at: now,
                actor,
                field: "status",
                from: None,
                to: Status::Received.code(),
                note: "",
            },
        )?;
        let month_count = month_count(&tx, &hash, received_on)?;
        tx.commit()?;
        tracing::info!(receipt_no = %receipt_no, due = %due.date, "request registered");
        Ok(Receipt {
            receipt_no,
            query_code,
            received_on,
            due,
            month_count,
            hints,
        })
    }

    /// A request by receipt number, with its personal data decrypted (if not purged).
    pub fn get(&self, receipt_no: &str) -> Result<Stored, RegisterError> {
        self.conn
            .query_row(
                &format!("{SELECT_STORED} WHERE receipt_no = ?1"),
                [receipt_no],
                RawRow::read,
            )
            .optional()?
            .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))
            .and_then(|raw| self.decode(raw))
    }

    /// Every request, newest first; with `status`, only those in that status. A row that
    /// cannot be read (damaged, does not decrypt) is left out and named in `damaged`.
    pub fn list(&self, status: Option<Status>) -> Result<Listing, RegisterError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT_STORED} WHERE (?1 IS NULL OR status = ?1) ORDER BY received_on DESC, serial DESC"
        ))?;
        let raws = stmt
            .query_map([status.map(Status::code)], |r| {
                Ok(RawRow::read(r).map_err(|e| {
                    let name = r
                        .get::<_, String>(1)
                        .or_else(|_| r.get::<_, i64>(0).map(|id| format!("(row id {id})")))
                        .unwrap_or_else(|_| "(unnamed row)".into());
                    (name, RegisterError::from(e))
                }))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut listing = Listing::default();
        for raw in raws {
            let decoded = raw.and_then(|r| {
                let name = r.receipt_no.clone();
                self.decode(r).map_err(|e| (name, e))
            });
            match decoded {
                Ok(s) => listing.rows.push(s),
                Err((receipt_no, e @ (RegisterError::Corrupt { .. } | RegisterError::Key(_))))
                | Err((
                    receipt_no,
                    e @ RegisterError::Sql(rusqlite::Error::FromSqlConversionFailure(..)),
                ))
                | Err((
                    receipt_no,
                    e @ RegisterError::Sql(rusqlite::Error::InvalidColumnType(..)),
                )) => {
                    tracing::warn!(receipt_no = %receipt_no, error = %e, "a register row cannot be read; left out");
                    listing.damaged.push(receipt_no);
                }
                Err((_, e)) => return Err(e),
            }
        }
        Ok(listing)
    }

    /// Receipt numbers of requests whose receipt has not been printed yet, oldest first.
    pub fn print_pending(&self) -> Result<Vec<String>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT receipt_no FROM requests WHERE print_pending = 1 AND personal IS NOT NULL
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// Sets or clears the 待打印 flag, with an audit line when it changes.
    pub fn set_print_pending(
        &mut self,
        receipt_no: &str,
        pending: bool,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(), RegisterError> {
        let tx = self.conn.transaction()?;
        let (id, was): (i64, bool) = tx
            .query_row(
                "SELECT id, print_pending FROM requests WHERE receipt_no = ?1",
                [receipt_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))?;
        if was != pending {
            tx.execute(
                "UPDATE requests SET print_pending = ?1 WHERE id = ?2",
                params![pending, id],
            )?;
            let label = |p: bool| if p { "pending" } else { "printed" };
            insert_audit(
                &tx,
                &self.keys,
                id,
                receipt_no,
                AuditLine {
                    at: now,
                    actor,
                    field: "print",
                    from: Some(label(was)),
                    to: label(pending),
                    note: "",
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The status a resident may see, given the receipt number and the matching 查询码;
    /// `None` when either is wrong (the two cases are not told apart).
    pub fn lookup(
        &self,
        receipt_no: &str,
        query_code: &str,
    ) -> Result<Option<Stored>, RegisterError> {
        let stored = match self.get(receipt_no.trim()) {
            Ok(s) => s,
            Err(RegisterError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let typed = query_code.trim().to_uppercase();
        let matches = stored
            .query_code
            .as_deref()
            .is_some_and(|c| constant_time_eq(c.as_bytes(), typed.as_bytes()));
        Ok(matches.then_some(stored))
    }

    /// How many requests the holder of `identity_key` filed in the calendar month of `day`.
    pub fn month_count_for(
        &self,
        identity_key: &str,
        day: NaiveDate,
    ) -> Result<u32, RegisterError> {
        let hash = self.keys.applicant_hash(identity_key);
        month_count(&self.conn, &hash, day)
    }

    /// The audit log of one request, oldest first.
    pub fn audit(&self, receipt_no: &str) -> Result<Vec<AuditEntry>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.at, a.actor, a.field, a.from_value, a.to_value, a.note, a.note_sealed
             FROM audit a JOIN requests r ON r.id = a.request_id WHERE r.receipt_no = ?1
             ORDER BY a.id",
        )?;
        let rows = stmt.query_map([receipt_no], |r| {
            let sealed: Option<Vec<u8>> = r.get(6)?;
            let plain: String = r.get(5)?;
            let note = match sealed {
                None => plain,
                Some(sealed) => match self.keys.open(&note_context(receipt_no), &sealed) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => {
                        tracing::warn!(receipt_no, "an audit note does not decrypt");
                        "（备注无法读取）".to_string()
                    }
                },
            };
            Ok(AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                field: r.get(2)?,
                from: r.get(3)?,
                to: r.get(4)?,
                note,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, RegisterError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The connection and the calendar at once (a transaction borrows the connection).
    pub(super) fn parts(&mut self) -> (&mut Connection, &Calendar, &Keys) {
        (&mut self.conn, &self.calendar, &self.keys)
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    fn decode(&self, raw: RawRow) -> Result<Stored, RegisterError> {
        let corrupt = |what: String| RegisterError::Corrupt {
            receipt_no: raw.receipt_no.clone(),
            what,
        };
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(format!("date {s}: {e}")))
        };
        let received_on = date(&raw.received_on)?;
        let status = Status::from_code(&raw.status).ok_or_else(|| corrupt(raw.status.clone()))?;
        let outcome = match &raw.outcome {
            Some(c) => Some(Outcome::from_code(c).ok_or_else(|| corrupt(c.clone()))?),
            None => None,
        };
        let personal: Option<Personal> = match &raw.personal {
            Some(sealed) => {
                let plain = self.keys.open(&raw.receipt_no, sealed)?;
                Some(serde_json::from_slice(&plain).map_err(|e| corrupt(e.to_string()))?)
            }
            None => None,
        };
        // The deadline as stored when it was computed: a later change of the holiday files
        // moves it only through `recompute_due`.
        let due = match &raw.due_on {
            Some(d) => Some(Due {
                date: date(d)?,
                warnings: match &raw.due_warnings {
                    Some(w) => serde_json::from_str(w)
                        .map_err(|e| corrupt(format!("deadline warnings: {e}")))?,
                    None => Vec::new(),
                },
            }),
            None => None,
        };
        let month_count = match &raw.applicant_hash {
            Some(h) => Some(month_count(&self.conn, h, received_on)?),
            None => None,
        };
        Ok(Stored {
            received_on,
            submitted_at: NaiveDateTime::parse_from_str(&raw.submitted_at, "%Y-%m-%dT%H:%M:%S")
                .map_err(|e| corrupt(e.to_string()))?,
            applicant_type: ApplicantType::from_code(&raw.applicant_type)
                .ok_or_else(|| corrupt(raw.applicant_type.clone()))?,
            staff_assisted: raw.staff_assisted,
            hints: parse_hints(&raw.hints),
            status,
            outcome,
            extended: raw.extended,
            due,
            print_pending: raw.print_pending,
            closed_on: raw.closed_on.as_deref().map(date).transpose()?,
            purged_on: raw.purged_on.as_deref().map(date).transpose()?,
            query_code: personal.as_ref().map(|p| p.query_code.clone()),
            request: personal.map(|p| p.request),
            month_count,
            receipt_no: raw.receipt_no,
        })
    }
}

const SELECT_STORED: &str = "SELECT id, receipt_no, received_on, submitted_at, applicant_type,
    staff_assisted, hints, applicant_hash, personal, status, outcome, clock_start, extended,
    due_on, print_pending, closed_on, purged_on, due_warnings FROM requests";

struct RawRow {
    receipt_no: String,
    received_on: String,
    submitted_at: String,
    applicant_type: String,
    staff_assisted: bool,
    hints: String,
    applicant_hash: Option<Vec<u8>>,
    personal: Option<Vec<u8>>,
    status: String,
    outcome: Option<String>,
    extended: bool,
    due_on: Option<String>,
    print_pending: bool,
    closed_on: Option<String>,
    purged_on: Option<String>,
    due_warnings: Option<String>,
}

impl RawRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            receipt_no: r.get(1)?,
            received_on: r.get(2)?,
            submitted_at: r.get(3)?,
            applicant_type: r.get(4)?,
            staff_assisted: r.get(5)?,
            hints: r.get(6)?,
            applicant_hash: r.get(7)?,
            personal: r.get(8)?,
            status: r.get(9)?,
            outcome: r.get(10)?,
            extended: r.get(12)?,
            due_on: r.get(13)?,
            print_pending: r.get(14)?,
            closed_on: r.get(15)?,
            purged_on: r.get(16)?,
            due_warnings: r.get(17)?,
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

fn note_context(receipt_no: &str) -> String {
    format!("{receipt_no} audit note")
}

/// Seals an audit note, bound to its request; `None` for an empty note.
pub(super) fn seal_note(
    keys: &Keys,
    receipt_no: &str,
    note: &str,
) -> Result<Option<Vec<u8>>, RegisterError> {
    if note.is_empty() {
        return Ok(None);
    }
    Ok(Some(keys.seal(&note_context(receipt_no), note.as_bytes())?))
}

/// Who made a change and why, for [`insert_audit`].
pub(super) struct AuditLine<'a> {
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub field: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: &'a str,
}

/// Appends an audit line; the note is sealed with the request's receipt number.
pub(super) fn insert_audit(
    conn: &Connection,
    keys: &Keys,
    request_id: i64,
    receipt_no: &str,
    line: AuditLine<'_>,
) -> Result<(), RegisterError> {
    conn.execute(
        "INSERT INTO audit (request_id, at, actor, field, from_value, to_value, note, note_sealed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
        params![
            request_id,
            line.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            line.actor,
            line.field,
            line.from,
            line.to,
            seal_note(keys, receipt_no, line.note)?
        ],
    )?;
    Ok(())
}

pub(super) fn pauses(conn: &Connection, request_id: i64) -> Result<Vec<Pause>, RegisterError> {
    let mut stmt = conn.prepare("SELECT from_on, until_on FROM pauses WHERE request_id = ?1")?;
    let rows = stmt.query_map([request_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (from, until) = row?;
        let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        if let (Some(from), Some(until)) = (parse(&from), parse(&until)) {
            out.push(Pause { from, until });
        }
    }
    Ok(out)
}

fn month_count(conn: &Connection, hash: &[u8], day: NaiveDate) -> Result<u32, RegisterError> {
    let month = format!("{:04}-{:02}-%", day.year(), day.month());
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM requests WHERE applicant_hash = ?1 AND received_on LIKE ?2",
        params![hash, month],
        |r| r.get(0),
    )?)
}

fn hints_text(hints: &[Hint]) -> String {
    hints
        .iter()
        .map(|h| match h {
            Hint::ComplaintOrPetition => "complaint",
            Hint::SpecialRegister => "special_register",
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_hints(s: &str) -> Vec<Hint> {
    s.split(',')
        .filter_map(|c| match c {
            "complaint" => Some(Hint::ComplaintOrPetition),
            "special_register" => Some(Hint::SpecialRegister),
            _ => None,
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
