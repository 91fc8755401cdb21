//! The register of disclosure requests: one store type owning one SQLite connection.
//!
//! Durable by construction: WAL with `synchronous=FULL`, every change in one transaction, a
//! request acknowledged (receipt number returned) only after its transaction commits. Personal
//! data is sealed with [`Keys`]; an append-only audit log (enforced by triggers) records every
//! change. Migrations are appended to [`MIGRATIONS`] and tracked by `PRAGMA user_version`.
//! Knows nothing about printers or screens.

use super::crypto::{random_bytes, KeyError, Keys};
use super::deadlines::{Calendar, Clock, Due, Pause};
use super::model::{hints_for, ApplicantType, Hint, Request};
use super::status::{Outcome, Status};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Schema steps, applied in order; never edit one that shipped, append a new one.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    receipt_no     TEXT NOT NULL UNIQUE,
    received_on    TEXT NOT NULL,
    serial         INTEGER NOT NULL,
    submitted_at   TEXT NOT NULL,
    applicant_type TEXT NOT NULL,
    staff_assisted INTEGER NOT NULL,
    hints          TEXT NOT NULL,
    applicant_hash BLOB,
    personal       BLOB,
    status         TEXT NOT NULL,
    outcome        TEXT,
    clock_start    TEXT NOT NULL,
    extended       INTEGER NOT NULL DEFAULT 0,
    paused_since   TEXT,
    due_on         TEXT,
    print_pending  INTEGER NOT NULL DEFAULT 1,
    closed_on      TEXT,
    purged_on      TEXT,
    UNIQUE (received_on, serial)
);
CREATE INDEX requests_by_applicant ON requests (applicant_hash, received_on);
CREATE TABLE pauses (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    from_on    TEXT NOT NULL,
    until_on   TEXT NOT NULL
);
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    field      TEXT NOT NULL,
    from_value TEXT,
    to_value   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#];

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

impl Register {
    /// Opens (creating if needed) the register file and brings its schema up to date.
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
        let conn = Connection::open(path)?;
        Register::with_connection(conn, keys, calendar, kiosk_id)
    }

    /// An in-memory register, for tests.
    pub fn open_in_memory(
        keys: Keys,
        calendar: Calendar,
        kiosk_id: &str,
    ) -> Result<Register, RegisterError> {
        Register::with_connection(Connection::open_in_memory()?, keys, calendar, kiosk_id)
    }

    fn with_connection(
        mut conn: Connection,
        keys: Keys,
        calendar: Calendar,
        kiosk_id: &str,
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
        if mode != "wal" && mode != "memory" {
            tracing::warn!(mode, "the register could not switch to WAL journaling");
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Register {
            conn,
            keys,
            calendar,
            kiosk_id: kiosk_id.to_string(),
        })
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
                print_pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?2, ?11, 1)",
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
            id,
            now,
            actor,
            "status",
            None,
            Status::Received.code(),
            "",
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

    /// Every request, newest first; with `status`, only those in that status.
    pub fn list(&self, status: Option<Status>) -> Result<Vec<Stored>, RegisterError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT_STORED} WHERE (?1 IS NULL OR status = ?1) ORDER BY received_on DESC, serial DESC"
        ))?;
        let raws = stmt
            .query_map([status.map(Status::code)], RawRow::read)?
            .collect::<Result<Vec<_>, _>>()?;
        raws.into_iter().map(|r| self.decode(r)).collect()
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
                id,
                now,
                actor,
                "print",
                Some(label(was)),
                label(pending),
                "",
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
            "SELECT a.at, a.actor, a.field, a.from_value, a.to_value, a.note FROM audit a
             JOIN requests r ON r.id = a.request_id WHERE r.receipt_no = ?1 ORDER BY a.id",
        )?;
        let rows = stmt.query_map([receipt_no], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                field: r.get(2)?,
                from: r.get(3)?,
                to: r.get(4)?,
                note: r.get(5)?,
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
    pub(super) fn parts(&mut self) -> (&mut Connection, &Calendar) {
        (&mut self.conn, &self.calendar)
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
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
        let due = match &raw.due_on {
            Some(_) => Some(self.calendar.due(&Clock {
                start: date(&raw.clock_start)?,
                extended: raw.extended,
                pauses: pauses(&self.conn, raw.id)?,
            })),
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
    due_on, print_pending, closed_on, purged_on FROM requests";

struct RawRow {
    id: i64,
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
    clock_start: String,
    extended: bool,
    due_on: Option<String>,
    print_pending: bool,
    closed_on: Option<String>,
    purged_on: Option<String>,
}

impl RawRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            id: r.get(0)?,
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
            clock_start: r.get(11)?,
            extended: r.get(12)?,
            due_on: r.get(13)?,
            print_pending: r.get(14)?,
            closed_on: r.get(15)?,
            purged_on: r.get(16)?,
        })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), RegisterError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(RegisterError::TooNew { found, known });
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another connection (the kiosk's request worker and the staff area open the register
        // at the same time on first start) may have applied this step while we waited for the
        // write lock: read the version again under the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn insert_audit(
    conn: &Connection,
    request_id: i64,
    at: NaiveDateTime,
    actor: &str,
    field: &str,
    from: Option<&str>,
    to: &str,
    note: &str,
) -> Result<(), RegisterError> {
    conn.execute(
        "INSERT INTO audit (request_id, at, actor, field, from_value, to_value, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            request_id,
            at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            actor,
            field,
            from,
            to,
            note
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
