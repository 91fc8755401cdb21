//! Staff operations on registered requests in the SQLite register: status changes and the
//! purge of personal data after the retention period, by the rules of [`super::rules`] (the
//! same ones the central register applies).
//!
//! Every change is one transaction with its audit line. Extends [`Register`]; no IO of its own.

use super::deadlines::Due;
use super::register::migrations::warnings_text;
use super::register::{insert_audit, pauses, AuditLine, Register, RegisterError, StatusChange};
use super::rules::{self, DueAfter, Standing};
use super::status::Status;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

impl Register {
    /// Moves a request to another status, by the rules of [`rules::status_step`].
    pub fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<(), RegisterError> {
        let (conn, calendar, keys) = self.parts();
        let tx = conn.transaction()?;
        let (id, standing) = read_standing(&tx, receipt_no)?;
        let step = rules::status_step(&standing, change, now, calendar)?;
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        if let Some(p) = step.add_pause {
            tx.execute(
                "INSERT INTO pauses (request_id, from_on, until_on) VALUES (?1, ?2, ?3)",
                params![id, date(p.from), date(p.until)],
            )?;
        }
        if step.clear_pauses {
            tx.execute("DELETE FROM pauses WHERE request_id = ?1", [id])?;
        }
        store_status(&tx, id, &step)?;
        let line = AuditLine {
            at: now,
            actor: &change.actor,
            field: "status",
            from: Some(step.from.code()),
            to: step.to.code(),
            note: &step.note,
        };
        insert_audit(&tx, keys, id, receipt_no, line)?;
        tx.commit()?;
        tracing::info!(
            receipt_no,
            from = step.from.code(),
            to = step.to.code(),
            "request status changed"
        );
        Ok(())
    }

    /// Computes the deadline of a running request again from its clock and today's holiday
    /// files, stores it and logs the change: the only way a stored deadline moves besides a
    /// status change. Returns the old and the new deadline (`None` while the clock stands).
    pub fn recompute_due(
        &mut self,
        receipt_no: &str,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(Option<NaiveDate>, Option<Due>), RegisterError> {
        let (conn, calendar, keys) = self.parts();
        let tx = conn.transaction()?;
        type Row = (i64, String, bool, Option<String>);
        let (id, clock_start, extended, due_on): Row = tx
            .query_row(
                "SELECT id, clock_start, extended, due_on FROM requests WHERE receipt_no = ?1",
                [receipt_no],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))?;
        let parse = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| RegisterError::Corrupt {
                receipt_no: receipt_no.to_string(),
                what: format!("date {s}: {e}"),
            })
        };
        let Some(old) = due_on.as_deref().map(parse).transpose()? else {
            return Ok((None, None));
        };
        let due = rules::recomputed(calendar, parse(&clock_start)?, extended, &pauses(&tx, id)?);
        if due.date != old {
            let new = due.date.format("%Y-%m-%d").to_string();
            tx.execute(
                "UPDATE requests SET due_on = ?1, due_warnings = ?2 WHERE id = ?3",
                params![new, warnings_text(&due.warnings), id],
            )?;
            insert_audit(
                &tx,
                keys,
                id,
                receipt_no,
                AuditLine {
                    at: now,
                    actor,
                    field: "due",
                    from: Some(&old.format("%Y-%m-%d").to_string()),
                    to: &new,
                    note: rules::RECOMPUTE_NOTE,
                },
            )?;
        } else {
            tx.execute(
                "UPDATE requests SET due_warnings = ?1 WHERE id = ?2",
                params![warnings_text(&due.warnings), id],
            )?;
        }
        tx.commit()?;
        tracing::info!(receipt_no, from = %old, to = %due.date, "deadline recomputed");
        Ok((Some(old), Some(due)))
    }

    /// Removes the personal data (sealed form, applicant hash, audit notes) of requests closed more than
    /// `retention_days` before `today`. The row stays for the yearly statistics. Returns the
    /// receipt numbers purged.
    pub fn purge(
        &mut self,
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        let cutoff = rules::purge_cutoff(today, retention_days)
            .format("%Y-%m-%d")
            .to_string();
        self.purge_where(
            "status = 'closed' AND closed_on < ?1",
            &[cutoff],
            today,
            retention_days,
            now,
            actor,
        )
    }

    /// Removes the personal data of this register's requests among `receipts`: those the
    /// central register has closed more than the retention period ago (a kiosk of a district
    /// never closes a request itself: staff do at the centre). Returns the ones purged.
    pub fn purge_closed_at_centre(
        &mut self,
        receipts: &[String],
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        let list = serde_json::to_string(receipts).unwrap_or_else(|_| "[]".into());
        self.purge_where(
            "receipt_no IN (SELECT value FROM json_each(?1))",
            &[list],
            today,
            retention_days,
            now,
            actor,
        )
    }

    /// The purge of the requests `filter` (SQL over `requests`, with `args`) selects among
    /// those that still hold personal data.
    fn purge_where(
        &mut self,
        filter: &str,
        args: &[String],
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        let (conn, _, keys) = self.parts();
        let tx = conn.transaction()?;
        let victims: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT id, receipt_no FROM requests WHERE {filter} AND personal IS NOT NULL
                 ORDER BY id"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let today_s = today.format("%Y-%m-%d").to_string();
        for (id, receipt_no) in &victims {
            tx.execute(
                "UPDATE requests SET personal = NULL, applicant_hash = NULL, purged_on = ?1
                 WHERE id = ?2",
                params![today_s, id],
            )?;
            // Staff notes may name the applicant: they go with the rest (the only update the
            // audit log allows).
            tx.execute(
                "UPDATE audit SET note = '', note_sealed = NULL
                 WHERE request_id = ?1 AND (note_sealed IS NOT NULL OR note <> '')",
                [id],
            )?;
            // A delivered outbox row's copy of the sealed data goes too (one still waiting
            // keeps it: the centre has not got the request yet).
            tx.execute(
                "UPDATE outbox SET payload = NULL WHERE seq = ?1 AND acked_at IS NOT NULL",
                [id],
            )?;
            let note = rules::purge_note(retention_days);
            insert_audit(
                &tx,
                keys,
                *id,
                receipt_no,
                AuditLine {
                    at: now,
                    actor,
                    field: "personal_data",
                    from: Some("kept"),
                    to: "purged",
                    note: &note,
                },
            )?;
        }
        tx.commit()?;
        // Reclaim the freed pages so the removed ciphertext does not linger in the file.
        self.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")?;
        tracing::info!(count = victims.len(), "personal data purged");
        Ok(victims.into_iter().map(|(_, r)| r).collect())
    }
}

/// Reads where a request stands, under the transaction's lock.
fn read_standing(tx: &Connection, receipt_no: &str) -> Result<(i64, Standing), RegisterError> {
    type Row = (i64, String, String, bool, Option<String>, String);
    let (id, status, clock_start, extended, paused_since, received_on): Row = tx
        .query_row(
            "SELECT id, status, clock_start, extended, paused_since, received_on
             FROM requests WHERE receipt_no = ?1",
            [receipt_no],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))?;
    let corrupt = |what: String| RegisterError::Corrupt {
        receipt_no: receipt_no.to_string(),
        what,
    };
    let date = |what: &str, s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(format!("{what} {s}: {e}")))
    };
    Ok((
        id,
        Standing {
            status: Status::from_code(&status)
                .ok_or_else(|| corrupt(format!("status {status}")))?,
            received_on: date("date of receipt", &received_on)?,
            clock_start: date("clock start", &clock_start)?,
            extended,
            paused_since: paused_since
                .as_deref()
                .map(|s| date("pause start", s))
                .transpose()?,
            pauses: pauses(tx, id)?,
        },
    ))
}

/// Writes the new status, clock and deadline of a status change (a running clock stores its
/// deadline, a stopped one clears it, an answer or a closing keeps the last one).
fn store_status(tx: &Connection, id: i64, step: &rules::Step) -> Result<(), RegisterError> {
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (running, stopped, due): (bool, bool, Option<&Due>) = match &step.due {
        DueAfter::Running(d) => (true, false, Some(d)),
        DueAfter::Stopped => (false, true, None),
        DueAfter::Kept => (false, false, None),
    };
    tx.execute(
        "UPDATE requests SET status = ?1, outcome = COALESCE(?2, outcome), clock_start = ?3,
            extended = ?4, paused_since = ?5,
            due_on = CASE WHEN ?6 THEN ?7 WHEN ?8 THEN NULL ELSE due_on END,
            due_warnings = CASE WHEN ?6 THEN ?11 WHEN ?8 THEN NULL ELSE due_warnings END,
            closed_on = COALESCE(?9, closed_on)
         WHERE id = ?10",
        params![
            step.to.code(),
            step.outcome.map(|o| o.code()),
            date(step.clock_start),
            step.extended,
            step.paused_since.map(date),
            running,
            due.map(|d| date(d.date)),
            stopped,
            step.closed_on.map(date),
            id,
            due.map(|d| warnings_text(&d.warnings))
        ],
    )?;
    Ok(())
}
