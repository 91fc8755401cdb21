//! The append-only audit log: lines written with every change, notes sealed, read back.

use super::super::crypto::Keys;
use super::super::deadlines::Pause;
use super::{AuditEntry, Register, RegisterError};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};

impl Register {
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
}

/// Opens an audit note sealed by [`seal_note`].
pub(crate) fn open_note(
    keys: &Keys,
    receipt_no: &str,
    sealed: &[u8],
) -> Result<String, super::super::crypto::KeyError> {
    let bytes = keys.open(&note_context(receipt_no), sealed)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn note_context(receipt_no: &str) -> String {
    format!("{receipt_no} audit note")
}

/// Seals an audit note, bound to its request; `None` for an empty note.
pub(crate) fn seal_note(
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
pub(in crate::requests) struct AuditLine<'a> {
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub field: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: &'a str,
}

/// Appends an audit line; the note is sealed with the request's receipt number.
pub(in crate::requests) fn insert_audit(
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

pub(in crate::requests) fn pauses(
    conn: &Connection,
    request_id: i64,
) -> Result<Vec<Pause>, RegisterError> {
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
