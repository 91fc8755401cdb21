//! The register of disclosure requests: one store type owning one SQLite connection.
//!
//! Durable by construction: WAL with `synchronous=FULL`, every change in one transaction, a
//! request acknowledged (receipt number returned) only after its transaction commits. Personal
//! data is sealed with [`Keys`]; an append-only audit log (enforced by triggers) records every
//! change. Migrations are appended to [`MIGRATIONS`] and tracked by `PRAGMA user_version`.
//! Knows nothing about printers or screens.
//!
//! Split by concern: [`errors`], opening the files (`open`), filing (`submit`), decoding rows
//! (`rows`), the audit log (`audit`); the staff workflow lives in `requests::workflow`.

mod audit;
mod errors;
mod open;
pub mod outbox;
mod rows;
mod submit;

pub(super) use audit::{insert_audit, pauses, AuditLine};
pub(crate) use audit::{open_note, seal_note};
pub use errors::RegisterError;
pub use outbox::{Outbox, OutboxRow, OutboxState, Payload, Refusal};

use super::crypto::{random_bytes, KeyError, Keys};
use super::deadlines::{Calendar, Due};
use super::model::{ApplicantType, Hint, Request};
use super::status::{Outcome, Status};
use chrono::{NaiveDate, NaiveDateTime};
use rows::{month_count, RawRow, SELECT_STORED};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub mod migrations;
pub use migrations::MIGRATIONS;

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

/// Opens the sealed personal data of a request: the form and its 查询码.
pub(crate) fn open_personal(
    keys: &Keys,
    receipt_no: &str,
    sealed: &[u8],
) -> Result<(Request, String), RegisterError> {
    let plain = keys.open(receipt_no, sealed)?;
    let p: Personal = serde_json::from_slice(&plain).map_err(|e| RegisterError::Corrupt {
        receipt_no: receipt_no.to_string(),
        what: e.to_string(),
    })?;
    Ok((p.request, p.query_code))
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
    /// `None` when either is wrong (the two cases are not told apart). Both are compared as
    /// [`typed_code`] reads them: `qh01－20261202－0001` finds `QH01-20261202-0001`.
    pub fn lookup(
        &self,
        receipt_no: &str,
        query_code: &str,
    ) -> Result<Option<Stored>, RegisterError> {
        lookup_with(|no| self.get(no), receipt_no, query_code)
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

    /// How the outbox to the central register stands (waiting, delivered, refused).
    pub fn outbox_state(&self) -> Result<OutboxState, RegisterError> {
        outbox::state(&self.conn)
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
}

/// A 受理编号 or 查询码 as a visitor typed it, in the form the register writes it: full-width
/// forms made half-width, letters upper case, every kind of dash made `-`, spaces and
/// invisible marks dropped (both are written in capitals, digits and `-` only).
/// A status lookup in any store: the request of the 受理编号 as typed (any case or width), when
/// its 查询码 matches (compared in constant time); `None` when either is wrong.
pub(crate) fn lookup_with(
    get: impl FnOnce(&str) -> Result<Stored, RegisterError>,
    receipt_no: &str,
    query_code: &str,
) -> Result<Option<Stored>, RegisterError> {
    let stored = match get(&typed_code(receipt_no)) {
        Ok(s) => s,
        Err(RegisterError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let typed = typed_code(query_code);
    let matches = stored
        .query_code
        .as_deref()
        .is_some_and(|c| constant_time_eq(c.as_bytes(), typed.as_bytes()));
    Ok(matches.then_some(stored))
}

pub fn typed_code(typed: &str) -> String {
    crate::text::fold_width(typed)
        .chars()
        .filter(|c| !c.is_whitespace() && !crate::text::is_invisible(*c))
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30fc}' | '\u{ff70}' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
