//! The outbox: what each request owes the central register. A request's outbox row is written
//! in the same SQLite transaction as the request and its print job (the 待打印 flag), and is
//! marked delivered only after the centre has committed it; rows are never deleted.
//!
//! Knows the SQLite tables only: the sender that talks to PostgreSQL lives in `crate::fleet`.

use super::RegisterError;
use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The schema version from which the register has its outbox (see `MIGRATIONS`).
pub const OUTBOX_SCHEMA: i64 = 5;

/// What the centre receives of one request: the facts fixed when it was filed, the personal
/// data still sealed with the kiosk's key (ciphertext only). Its SHA-256 is the payload hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub receipt_no: String,
    pub kiosk_id: String,
    /// The request's number in this kiosk's register: 1, 2, 3 … (gaps show up centrally).
    pub seq: i64,
    pub received_on: String,
    /// The kiosk's own receipt time (local), the legal receipt date's source.
    pub submitted_at: String,
    pub applicant_type: String,
    pub staff_assisted: bool,
    pub hints: String,
    /// Hex of the keyed hash of the applicant's identity number.
    pub applicant_hash: Option<String>,
    /// Hex of the sealed personal data (XChaCha20-Poly1305 under the kiosk key).
    pub personal: Option<String>,
    pub key_fingerprint: String,
    pub due_on: Option<String>,
}

impl Payload {
    /// The canonical bytes: serde_json writes the fields in declaration order.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("plain strings serialise"))
    }

    /// SHA-256 of [`Payload::to_json`], in hex.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.to_json().as_bytes()))
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Bytes of lower-case or upper-case hex; `None` when it is not hex.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// One row waiting for delivery.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub seq: i64,
    pub payload: Payload,
    pub payload_hash: String,
}

/// A delivery the centre refused: it holds this receipt number with other content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub receipt_no: String,
    pub payload_hash: String,
    /// The centre's hash, when it could be read.
    pub central_hash: Option<String>,
    pub at: String,
}

/// How the outbox stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxState {
    /// Rows not yet acknowledged by the centre (refused ones not counted).
    pub waiting: u64,
    pub acknowledged: u64,
    pub refused: Vec<Refusal>,
    /// Receipts flagged 待打印.
    pub print_pending: u64,
}

/// The SQL of schema step 5: the outbox table, never emptied.
pub(super) const OUTBOX_TABLE: &str = r#"
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY REFERENCES requests (id),
    receipt_no   TEXT NOT NULL UNIQUE REFERENCES requests (receipt_no),
    payload      TEXT,
    payload_hash TEXT NOT NULL,
    queued_at    TEXT NOT NULL,
    acked_at     TEXT,
    refused_at   TEXT,
    central_hash TEXT
);
CREATE INDEX outbox_waiting ON outbox (seq) WHERE acked_at IS NULL AND refused_at IS NULL;
CREATE TRIGGER outbox_rows_are_kept BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;
"#;

/// The kiosk id of a receipt number (`QH01-20261202-0001` → `QH01`).
fn kiosk_of(receipt_no: &str) -> &str {
    receipt_no.split('-').next().unwrap_or(receipt_no)
}

/// Writes the outbox row of request `id`, inside the caller's transaction.
pub(super) fn queue(
    tx: &Connection,
    id: i64,
    key_fingerprint: &str,
    now: NaiveDateTime,
) -> Result<(), RegisterError> {
    let payload = tx.query_row(
        "SELECT receipt_no, received_on, submitted_at, applicant_type, staff_assisted, hints,
            applicant_hash, personal, due_on FROM requests WHERE id = ?1",
        [id],
        |r| {
            let receipt_no: String = r.get(0)?;
            Ok(Payload {
                kiosk_id: kiosk_of(&receipt_no).to_string(),
                receipt_no,
                seq: id,
                received_on: r.get(1)?,
                submitted_at: r.get(2)?,
                applicant_type: r.get(3)?,
                staff_assisted: r.get(4)?,
                hints: r.get(5)?,
                applicant_hash: r.get::<_, Option<Vec<u8>>>(6)?.map(|b| hex(&b)),
                personal: r.get::<_, Option<Vec<u8>>>(7)?.map(|b| hex(&b)),
                key_fingerprint: key_fingerprint.to_string(),
                due_on: r.get(8)?,
            })
        },
    )?;
    tx.execute(
        "INSERT INTO outbox (seq, receipt_no, payload, payload_hash, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            payload.receipt_no,
            payload.to_json(),
            payload.hash(),
            now.format("%Y-%m-%dT%H:%M:%S").to_string()
        ],
    )?;
    Ok(())
}

/// How the outbox of the register on `conn` stands.
pub(super) fn state(conn: &Connection) -> Result<OutboxState, RegisterError> {
    let (waiting, acknowledged): (i64, i64) = conn.query_row(
        "SELECT COALESCE(SUM(acked_at IS NULL AND refused_at IS NULL), 0),
                COALESCE(SUM(acked_at IS NOT NULL), 0) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let print_pending: i64 = conn.query_row(
        "SELECT COUNT(*) FROM requests WHERE print_pending = 1 AND personal IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT receipt_no, payload_hash, central_hash, refused_at FROM outbox
         WHERE refused_at IS NOT NULL AND acked_at IS NULL ORDER BY seq",
    )?;
    let refused = stmt
        .query_map([], |r| {
            Ok(Refusal {
                receipt_no: r.get(0)?,
                payload_hash: r.get(1)?,
                central_hash: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(OutboxState {
        waiting: waiting as u64,
        acknowledged: acknowledged as u64,
        refused,
        print_pending: print_pending as u64,
    })
}

/// The sender's own connection to the register file: reads waiting rows and marks them. Needs
/// no key (the payloads are sealed already) and never creates or migrates the register.
pub struct Outbox {
    conn: Connection,
}

impl Outbox {
    /// Opens the register file at `path`, which the kiosk has opened (and migrated) before.
    pub fn open(path: &Path) -> Result<Outbox, RegisterError> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < OUTBOX_SCHEMA {
            return Err(RegisterError::Rule(
                "the register has no outbox yet: open it once with this kiosk version \
                 (e.g. `kiosk requests list`) before starting the sender",
            ));
        }
        Ok(Outbox { conn })
    }

    /// Up to `limit` rows waiting for delivery, oldest first.
    pub fn waiting(&self, limit: usize) -> Result<Vec<OutboxRow>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, receipt_no, payload, payload_hash FROM outbox
             WHERE acked_at IS NULL AND refused_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let raws = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raws.into_iter()
            .map(|(seq, receipt_no, payload, payload_hash)| {
                let corrupt = |what: String| RegisterError::Corrupt {
                    receipt_no: receipt_no.clone(),
                    what,
                };
                let text = payload.ok_or_else(|| corrupt("outbox payload missing".into()))?;
                let payload: Payload = serde_json::from_str(&text)
                    .map_err(|e| corrupt(format!("outbox payload: {e}")))?;
                Ok(OutboxRow {
                    seq,
                    payload,
                    payload_hash,
                })
            })
            .collect()
    }

    /// Marks rows delivered: call only after the centre's transaction has committed.
    pub fn acknowledge(&mut self, seqs: &[i64], at: NaiveDateTime) -> Result<(), RegisterError> {
        let at = at.format("%Y-%m-%dT%H:%M:%S").to_string();
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "UPDATE outbox SET acked_at = ?1, refused_at = NULL WHERE seq = ?2
                 AND acked_at IS NULL",
            )?;
            for seq in seqs {
                stmt.execute(params![at, seq])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks a row refused by the centre (kept, raised to staff, not sent again).
    pub fn refuse(
        &mut self,
        seq: i64,
        central_hash: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<(), RegisterError> {
        self.conn.execute(
            "UPDATE outbox SET refused_at = ?1, central_hash = ?2 WHERE seq = ?3",
            params![
                at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                central_hash,
                seq
            ],
        )?;
        Ok(())
    }

    /// Sends a refused row again (after staff settled the conflict at the centre).
    pub fn retry(&mut self, receipt_no: &str) -> Result<bool, RegisterError> {
        let n = self.conn.execute(
            "UPDATE outbox SET refused_at = NULL, central_hash = NULL
             WHERE receipt_no = ?1 AND refused_at IS NOT NULL AND acked_at IS NULL",
            [receipt_no],
        )?;
        Ok(n > 0)
    }

    /// How the outbox stands.
    pub fn state(&self) -> Result<OutboxState, RegisterError> {
        state(&self.conn)
    }

    /// The payload hash of one receipt's outbox row, if it has one.
    pub fn hash_of(&self, receipt_no: &str) -> Result<Option<String>, RegisterError> {
        Ok(self
            .conn
            .query_row(
                "SELECT payload_hash FROM outbox WHERE receipt_no = ?1",
                [receipt_no],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex("0001ABff").unwrap(), bytes);
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn the_payload_hash_changes_with_any_field() {
        let p = Payload {
            receipt_no: "QH01-20261202-0001".into(),
            kiosk_id: "QH01".into(),
            seq: 1,
            received_on: "2026-12-02".into(),
            submitted_at: "2026-12-02T09:00:00".into(),
            applicant_type: "citizen".into(),
            staff_assisted: false,
            hints: String::new(),
            applicant_hash: Some("00".into()),
            personal: Some("ab".into()),
            key_fingerprint: "f".into(),
            due_on: Some("2026-12-30".into()),
        };
        let mut q = p.clone();
        assert_eq!(p.hash(), q.hash());
        q.personal = Some("ac".into());
        assert_ne!(p.hash(), q.hash());
        assert_eq!(p.hash().len(), 64);
    }
}
