//! The register's schema steps, applied in order and tracked by `PRAGMA user_version`.
//!
//! Append-only: never edit a step that shipped, append a new one. A step is SQL, or Rust code
//! when it has to seal data with the key or compute deadlines with the calendar. Each step runs
//! in its own transaction. Knows the tables, nothing of the form or the screens.

use super::{pauses, seal_note, RegisterError};
use crate::requests::crypto::Keys;
use crate::requests::deadlines::{Calendar, Clock};
use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction, TransactionBehavior};

/// One schema step.
pub enum Step {
    Sql(&'static str),
    Code(fn(&Transaction<'_>, &Keys, &Calendar) -> Result<(), RegisterError>),
}

/// Schema steps, applied in order; never edit one that shipped, append a new one.
pub const MIGRATIONS: &[Step] = &[
    Step::Sql(
        r#"
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
"#,
    ),
    Step::Code(record_key_fingerprint),
    Step::Code(seal_audit_notes),
    Step::Code(store_due_dates),
    Step::Code(add_outbox),
];

/// Where the register keeps facts about itself.
pub const FINGERPRINT_KEY: &str = "key_fingerprint";

/// Step 2: a `meta` table with the fingerprint of the key the register is sealed with. A
/// register from before this step must prove the key first: at least one sealed row opens.
fn record_key_fingerprint(
    tx: &Transaction<'_>,
    keys: &Keys,
    _: &Calendar,
) -> Result<(), RegisterError> {
    tx.execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")?;
    let mut stmt =
        tx.prepare("SELECT receipt_no, personal FROM requests WHERE personal IS NOT NULL")?;
    let mut sealed = 0;
    let mut opened = false;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        sealed += 1;
        let (receipt_no, data): (String, Vec<u8>) = (row.get(0)?, row.get(1)?);
        if keys.open(&receipt_no, &data).is_ok() {
            opened = true;
            break;
        }
    }
    if sealed > 0 && !opened {
        return Err(RegisterError::KeyMismatch {
            expected: "(not recorded: the register predates key fingerprints; use the key \
                       file backed up with it)"
                .into(),
            found: keys.fingerprint().to_string(),
        });
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        params![FINGERPRINT_KEY, keys.fingerprint()],
    )?;
    Ok(())
}

/// The update trigger that lets a purge clear a sealed note and nothing else.
const AUDIT_UPDATE_TRIGGER: &str = r#"
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
WHEN NOT (NEW.note_sealed IS NULL AND NEW.note = '' AND NEW.id IS OLD.id
    AND NEW.request_id IS OLD.request_id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
    AND NEW.field IS OLD.field AND NEW.from_value IS OLD.from_value
    AND NEW.to_value IS OLD.to_value)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (a purge may only clear notes)'); END;
"#;

/// Step 3: audit notes are sealed like the other personal fields (a note may name the
/// applicant or quote the request); existing plaintext notes are sealed in place.
fn seal_audit_notes(tx: &Transaction<'_>, keys: &Keys, _: &Calendar) -> Result<(), RegisterError> {
    tx.execute_batch(
        "ALTER TABLE audit ADD COLUMN note_sealed BLOB;
         DROP TRIGGER audit_is_append_only_update;",
    )?;
    let notes: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT a.id, r.receipt_no, a.note FROM audit a JOIN requests r ON r.id = a.request_id
             WHERE a.note <> ''",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, receipt_no, note) in notes {
        tx.execute(
            "UPDATE audit SET note = '', note_sealed = ?1 WHERE id = ?2",
            params![seal_note(keys, &receipt_no, &note)?, id],
        )?;
    }
    tx.execute_batch(AUDIT_UPDATE_TRIGGER)?;
    Ok(())
}

/// Step 4: the deadline is stored with its warnings when it is computed and read back as
/// stored; existing rows get theirs computed once, with today's holiday files.
fn store_due_dates(
    tx: &Transaction<'_>,
    _: &Keys,
    calendar: &Calendar,
) -> Result<(), RegisterError> {
    tx.execute_batch("ALTER TABLE requests ADD COLUMN due_warnings TEXT;")?;
    let running: Vec<(i64, String, String, bool)> = {
        let mut stmt = tx.prepare(
            "SELECT id, receipt_no, clock_start, extended FROM requests WHERE due_on IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, receipt_no, start, extended) in running {
        let start =
            NaiveDate::parse_from_str(&start, "%Y-%m-%d").map_err(|e| RegisterError::Corrupt {
                receipt_no,
                what: format!("clock start {start}: {e}"),
            })?;
        let due = calendar.due(&Clock {
            start,
            extended,
            pauses: pauses(tx, id)?,
        });
        tx.execute(
            "UPDATE requests SET due_on = ?1, due_warnings = ?2 WHERE id = ?3",
            params![
                due.date.format("%Y-%m-%d").to_string(),
                warnings_text(&due.warnings),
                id
            ],
        )?;
    }
    Ok(())
}

/// Step 5: the outbox of the central register; every request already filed is queued (a
/// kiosk that joins a fleet delivers its whole register). See `outbox`.
fn add_outbox(tx: &Transaction<'_>, keys: &Keys, _: &Calendar) -> Result<(), RegisterError> {
    tx.execute_batch(super::outbox::OUTBOX_TABLE)?;
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM requests ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let now = chrono::Local::now().naive_local();
    for id in ids {
        super::outbox::queue(tx, id, keys.fingerprint(), now)?;
    }
    Ok(())
}

/// Deadline warnings as stored (a JSON array of strings).
pub(crate) fn warnings_text(warnings: &[String]) -> String {
    serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into())
}

/// Brings the schema up to date. `keys` and `calendar` are for the steps written in Rust.
pub(super) fn migrate(
    conn: &mut Connection,
    keys: &Keys,
    calendar: &Calendar,
) -> Result<(), RegisterError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(RegisterError::TooNew { found, known });
    }
    let mut ran_code = false;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another connection (the kiosk's request worker and the staff area open the register
        // at the same time on first start) may have applied this step while we waited for the
        // write lock: read the version again under the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Code(run) => {
                run(&tx, keys, calendar)?;
                ran_code = true;
            }
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    if ran_code {
        // Rewritten rows (plaintext notes) must not linger in the log file.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    Ok(())
}
