//! Filing a request: one transaction, acknowledged only once it has committed.

use super::super::crypto::Keys;
use super::super::deadlines::Clock;
use super::super::model::{hints_for, Request};
use super::super::status::Status;
use super::audit::{insert_audit, AuditLine};
use super::migrations::warnings_text;
use super::rows::{hints_text, month_count};
use super::{date_str, new_query_code, Personal, Receipt, Register, RegisterError};
use chrono::NaiveDateTime;
use rusqlite::{params, Connection, TransactionBehavior};

impl Register {
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
        audit_received(
            &tx,
            &self.keys,
            id,
            &receipt_no,
            now,
            request.staff_assisted,
        )?;
        // The delivery to the central register, in the same transaction as the request and
        // its print job (print_pending = 1 above).
        super::outbox::queue(&tx, id, self.keys.fingerprint(), now)?;
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
}

/// The first audit line of a request: received, by the kiosk or by staff filing for a visitor.
fn audit_received(
    tx: &Connection,
    keys: &Keys,
    id: i64,
    receipt_no: &str,
    now: NaiveDateTime,
    staff_assisted: bool,
) -> Result<(), RegisterError> {
    let actor = if staff_assisted { "staff" } else { "kiosk" };
    let line = AuditLine {
        at: now,
        actor,
        field: "status",
        from: None,
        to: Status::Received.code(),
        note: "",
    };
    insert_audit(tx, keys, id, receipt_no, line)
}
