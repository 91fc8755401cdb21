//! Staff operations on registered requests: status changes (with the clock rules of Art. 30,
//! 32, 33) and the purge of personal data after the retention period (个人信息保护法 Art. 19, 47).
//!
//! Every change is one transaction with its audit line. Extends [`Register`]; no IO of its own.

use super::deadlines::{Clock, Due};
use super::register::migrations::warnings_text;
use super::register::{insert_audit, pauses, AuditLine, Register, RegisterError, StatusChange};
use super::status::Status;
use chrono::{Days, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

impl Register {
    /// Moves a request to another status. Rules: only the steps of [`Status::may_become`];
    /// an outcome with 已答复 and only then; one extension; entering 补正中 or
    /// 征求第三方意见中 stops the clock; a correction arriving (补正中 → 已受理) restarts it from
    /// that day; the end of a consultation adds a paused interval. The date of the change
    /// (`change.on`) lies between the day of receipt and today (`now`), both included.
    pub fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<(), RegisterError> {
        let (conn, calendar, keys) = self.parts();
        let tx = conn.transaction()?;
        let row = Current::read(&tx, receipt_no)?;
        let from = row.check(receipt_no, change, now)?;
        let to = change.to;
        let on = change.on.format("%Y-%m-%d").to_string();
        let mut clock_start = row.clock_start.clone();
        if from == Status::Consulting {
            if let Some(since) = &row.paused_since {
                tx.execute(
                    "INSERT INTO pauses (request_id, from_on, until_on) VALUES (?1, ?2, ?3)",
                    params![row.id, since, on],
                )?;
            }
        }
        if from == Status::Correcting && to == Status::Received {
            // Art. 30: the time limit counts from the day the corrected request arrives.
            clock_start = on.clone();
            tx.execute("DELETE FROM pauses WHERE request_id = ?1", [row.id])?;
        }
        let extended = row.extended || to == Status::Extended;
        let running = matches!(to, Status::Received | Status::Extended);
        let due: Option<Due> = if running {
            let start = NaiveDate::parse_from_str(&clock_start, "%Y-%m-%d").map_err(|e| {
                RegisterError::Corrupt {
                    receipt_no: receipt_no.to_string(),
                    what: e.to_string(),
                }
            })?;
            Some(calendar.due(&Clock {
                start,
                extended,
                pauses: pauses(&tx, row.id)?,
            }))
        } else {
            None
        };
        store_status(&tx, row.id, change, &clock_start, extended, due.as_ref())?;
        let note = match change.outcome {
            Some(o) => format!("{} {}", o.code(), change.note).trim().to_string(),
            None => change.note.clone(),
        };
        let line = AuditLine {
            at: now,
            actor: &change.actor,
            field: "status",
            from: Some(from.code()),
            to: to.code(),
            note: &note,
        };
        insert_audit(&tx, keys, row.id, receipt_no, line)?;
        tx.commit()?;
        tracing::info!(
            receipt_no,
            from = from.code(),
            to = to.code(),
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
        let due = calendar.due(&Clock {
            start: parse(&clock_start)?,
            extended,
            pauses: pauses(&tx, id)?,
        });
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
                    note: "recomputed with the current holiday files",
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
        let cutoff = today
            .checked_sub_days(Days::new(u64::from(retention_days)))
            .unwrap_or(NaiveDate::MIN)
            .format("%Y-%m-%d")
            .to_string();
        let (conn, _, keys) = self.parts();
        let tx = conn.transaction()?;
        let victims: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, receipt_no FROM requests WHERE status = 'closed' AND closed_on < ?1
                 AND personal IS NOT NULL ORDER BY id",
            )?;
            let rows = stmt.query_map([&cutoff], |r| Ok((r.get(0)?, r.get(1)?)))?;
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
            let note = format!("retention {retention_days} days");
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

/// The columns of a request a status change starts from.
struct Current {
    id: i64,
    status: String,
    clock_start: String,
    extended: bool,
    paused_since: Option<String>,
    received_on: String,
}

impl Current {
    fn read(tx: &Connection, receipt_no: &str) -> Result<Current, RegisterError> {
        tx.query_row(
            "SELECT id, status, clock_start, extended, paused_since, received_on
             FROM requests WHERE receipt_no = ?1",
            [receipt_no],
            |r| {
                Ok(Current {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    clock_start: r.get(2)?,
                    extended: r.get(3)?,
                    paused_since: r.get(4)?,
                    received_on: r.get(5)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))
    }

    /// The rules of [`Register::set_status`]: the date, the step, the outcome, one extension.
    /// Returns the status the request is in now.
    fn check(
        &self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<Status, RegisterError> {
        let received_on =
            NaiveDate::parse_from_str(&self.received_on, "%Y-%m-%d").map_err(|e| {
                RegisterError::Corrupt {
                    receipt_no: receipt_no.to_string(),
                    what: format!("date of receipt {}: {e}", self.received_on),
                }
            })?;
        if change.on < received_on {
            return Err(RegisterError::StatusDate {
                on: change.on,
                problem: format!("before the request was received ({received_on})"),
            });
        }
        if change.on > now.date() {
            return Err(RegisterError::StatusDate {
                on: change.on,
                problem: format!("in the future (today is {})", now.date()),
            });
        }
        let from = Status::from_code(&self.status).ok_or_else(|| RegisterError::Corrupt {
            receipt_no: receipt_no.to_string(),
            what: format!("status {}", self.status),
        })?;
        let to = change.to;
        if !from.may_become(to) {
            return Err(RegisterError::Transition {
                from: from.label(),
                to: to.label(),
            });
        }
        match (to, change.outcome) {
            (Status::Answered, None) => {
                return Err(RegisterError::Rule("an answer needs an outcome code"))
            }
            (Status::Answered, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(RegisterError::Rule("only an answer takes an outcome code"))
            }
        }
        if to == Status::Extended && self.extended {
            return Err(RegisterError::Rule(
                "the deadline can be extended only once (Art. 33)",
            ));
        }
        Ok(from)
    }
}

/// Writes the new status, clock and deadline of a status change (a running clock stores its
/// deadline, a stopped one clears it, an answer or a closing keeps the last one).
fn store_status(
    tx: &Connection,
    id: i64,
    change: &StatusChange,
    clock_start: &str,
    extended: bool,
    due: Option<&Due>,
) -> Result<(), RegisterError> {
    let to = change.to;
    let on = change.on.format("%Y-%m-%d").to_string();
    let paused_since = (to == Status::Consulting).then(|| on.clone());
    let running = matches!(to, Status::Received | Status::Extended);
    let stopped = matches!(to, Status::Correcting | Status::Consulting);
    let due_on = due.map(|d| d.date.format("%Y-%m-%d").to_string());
    let due_warnings = due.map(|d| warnings_text(&d.warnings));
    tx.execute(
        "UPDATE requests SET status = ?1, outcome = COALESCE(?2, outcome), clock_start = ?3,
            extended = ?4, paused_since = ?5,
            due_on = CASE WHEN ?6 THEN ?7 WHEN ?8 THEN NULL ELSE due_on END,
            due_warnings = CASE WHEN ?6 THEN ?11 WHEN ?8 THEN NULL ELSE due_warnings END,
            closed_on = CASE WHEN ?1 = 'closed' THEN ?9 ELSE closed_on END
         WHERE id = ?10",
        params![
            to.code(),
            change.outcome.map(|o| o.code()),
            clock_start,
            extended,
            paused_since,
            running,
            due_on,
            stopped,
            on,
            id,
            due_warnings
        ],
    )?;
    Ok(())
}
