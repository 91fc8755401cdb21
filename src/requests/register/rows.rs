//! Reading rows back: the stored columns decoded and decrypted into [`Stored`].

use super::super::deadlines::Due;
use super::super::model::{ApplicantType, Hint};
use super::super::status::{Outcome, Status};
use super::{Personal, Register, RegisterError, Stored};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};

impl Register {
    pub(super) fn decode(&self, raw: RawRow) -> Result<Stored, RegisterError> {
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

pub(super) const SELECT_STORED: &str =
    "SELECT id, receipt_no, received_on, submitted_at, applicant_type,
    staff_assisted, hints, applicant_hash, personal, status, outcome, clock_start, extended,
    due_on, print_pending, closed_on, purged_on, due_warnings FROM requests";

pub(super) struct RawRow {
    pub(super) receipt_no: String,
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
    pub(super) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
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

pub(super) fn month_count(
    conn: &Connection,
    hash: &[u8],
    day: NaiveDate,
) -> Result<u32, RegisterError> {
    let month = format!("{:04}-{:02}-%", day.year(), day.month());
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM requests WHERE applicant_hash = ?1 AND received_on LIKE ?2",
        params![hash, month],
        |r| r.get(0),
    )?)
}

pub(super) fn hints_text(hints: &[Hint]) -> String {
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
