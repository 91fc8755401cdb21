//! The central register as staff work on it: a [`RequestStore`] over PostgreSQL with a staff
//! role, so `kiosk requests …` and the staff screen do at the centre what they do on a kiosk's
//! own register, by the same rules ([`crate::requests::rules`]): every change in one central
//! transaction with its audit line, a damaged row named and never hiding the others.
//!
//! Personal data stays sealed at the centre with the key of the kiosk that filed it, exactly
//! as the kiosk delivered it; the workstation opens it with the district's key files
//! ([`KeyRing`], found by each row's key fingerprint). Filing and printing stay at the kiosks:
//! this store files nothing and keeps no print queue. Knows nothing about screens.

use super::{connect, pg_text, FleetError};
use crate::config::CentralSettings;
use crate::requests::crypto::{KeyError, KeyRing, Keys};
use crate::requests::deadlines::{Due, Pause};
use crate::requests::register::migrations::warnings_text;
use crate::requests::register::{
    lookup_with, open_note, open_personal, seal_note, AuditEntry, Listing, OutboxState, Receipt,
    RegisterError, StatusChange, Stored,
};
use crate::requests::rules::{self, DueAfter, Standing};
use crate::requests::{ApplicantType, Calendar, Hint, Outcome, Request, RequestStore, Status};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use postgres::{Client, GenericClient, Row};
use std::cell::RefCell;
use std::collections::HashMap;

/// The columns a [`Stored`] is made of, in the order [`decode`] reads them.
const SELECT_STORED: &str = "SELECT receipt_no, received_on, submitted_at, applicant_type,
    staff_assisted, hints, applicant_hash, personal, key_fingerprint, status, outcome, extended,
    due_on, due_warnings, closed_on, purged_on FROM fleet.requests";

/// A PostgreSQL error as the register's error: `unreachable` when there is no connection.
fn pg(e: postgres::Error) -> RegisterError {
    let message = pg_text(&e);
    RegisterError::Central {
        unreachable: FleetError::Pg(e).is_unreachable(),
        message,
    }
}

fn fleet_error(e: FleetError) -> RegisterError {
    match e {
        FleetError::Pg(e) => pg(e),
        FleetError::Register(e) => e,
        other => RegisterError::Central {
            unreachable: other.is_unreachable(),
            message: other.to_string(),
        },
    }
}

/// How many requests at the centre carry one of these applicant hashes in the month of a day.
type MonthCounts<'a> = &'a dyn Fn(&[Vec<u8>], NaiveDate) -> Result<u32, RegisterError>;

/// The central register with a staff role.
pub struct CentralStore {
    central: CentralSettings,
    application: String,
    /// `None` after the connection was lost: made again by the next call.
    client: RefCell<Option<Client>>,
    keys: KeyRing,
    calendar: Calendar,
}

impl std::fmt::Debug for CentralStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CentralStore")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl CentralStore {
    /// Connects as the configured (staff) role. `keys`: the district's key files; `calendar`:
    /// the holiday files the deadlines are computed with.
    pub fn open(
        central: &CentralSettings,
        keys: KeyRing,
        calendar: Calendar,
        application: &str,
    ) -> Result<CentralStore, RegisterError> {
        let client = connect(central, application).map_err(fleet_error)?;
        Ok(CentralStore {
            central: central.clone(),
            application: application.to_string(),
            client: RefCell::new(Some(client)),
            keys,
            calendar,
        })
    }

    /// Runs `f` on the connection, connecting again first when it was lost; a lost
    /// connection is dropped so the next call starts afresh.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, RegisterError>,
    ) -> Result<T, RegisterError> {
        let mut slot = self.client.borrow_mut();
        if slot.as_ref().is_none_or(Client::is_closed) {
            *slot = None;
            *slot = Some(connect(&self.central, &self.application).map_err(fleet_error)?);
        }
        let Some(client) = slot.as_mut() else {
            unreachable!("connected above")
        };
        let result = f(client);
        if let Err(RegisterError::Central {
            unreachable: true, ..
        }) = &result
        {
            *slot = None;
        }
        result
    }

    /// The key a request is sealed with.
    fn key(&self, fingerprint: &str) -> Result<&Keys, RegisterError> {
        Ok(self.keys.get(fingerprint)?)
    }

    /// Decodes one row; `counts` gives the applicant's requests in a month, by applicant hash.
    fn decode(&self, r: &Row, counts: MonthCounts<'_>) -> Result<Stored, RegisterError> {
        let receipt_no: String = r.try_get(0).map_err(pg)?;
        let corrupt = |what: String| RegisterError::Corrupt {
            receipt_no: receipt_no.clone(),
            what,
        };
        let col = |e: postgres::Error| corrupt(pg_text(&e));
        let received_on: NaiveDate = r.try_get(1).map_err(col)?;
        let status: String = r.try_get(9).map_err(col)?;
        let outcome: Option<String> = r.try_get(10).map_err(col)?;
        let applicant_type: String = r.try_get(3).map_err(col)?;
        let personal: Option<Vec<u8>> = r.try_get(7).map_err(col)?;
        let fingerprint: String = r.try_get(8).map_err(col)?;
        let opened = match &personal {
            Some(sealed) => Some(open_personal(self.key(&fingerprint)?, &receipt_no, sealed)?),
            None => None,
        };
        let due = match r.try_get::<_, Option<NaiveDate>>(12).map_err(col)? {
            Some(date) => Some(Due {
                date,
                warnings: match r.try_get::<_, Option<String>>(13).map_err(col)? {
                    Some(w) => serde_json::from_str(&w)
                        .map_err(|e| corrupt(format!("deadline warnings: {e}")))?,
                    None => Vec::new(),
                },
            }),
            None => None,
        };
        let month_count = match &opened {
            Some((request, _)) => Some(counts(
                &self.hashes(&request.applicant.identity_key()),
                received_on,
            )?),
            None => None,
        };
        let hints: String = r.try_get(5).map_err(col)?;
        Ok(Stored {
            received_on,
            submitted_at: r.try_get(2).map_err(col)?,
            applicant_type: ApplicantType::from_code(&applicant_type)
                .ok_or_else(|| corrupt(format!("applicant type {applicant_type}")))?,
            staff_assisted: r.try_get(4).map_err(col)?,
            hints: parse_hints(&hints),
            status: Status::from_code(&status)
                .ok_or_else(|| corrupt(format!("status {status}")))?,
            outcome: match outcome {
                Some(c) => {
                    Some(Outcome::from_code(&c).ok_or_else(|| corrupt(format!("outcome {c}")))?)
                }
                None => None,
            },
            extended: r.try_get(11).map_err(col)?,
            due,
            // Receipts are printed at the kiosk that filed the request (its heartbeat reports
            // how many wait there).
            print_pending: false,
            closed_on: r.try_get(14).map_err(col)?,
            purged_on: r.try_get(15).map_err(col)?,
            query_code: opened.as_ref().map(|(_, code)| code.clone()),
            request: opened.map(|(request, _)| request),
            month_count,
            receipt_no,
        })
    }

    /// The keyed hashes of one identity under every kiosk key of the district: together they
    /// find the applicant's requests at every kiosk.
    fn hashes(&self, identity_key: &str) -> Vec<Vec<u8>> {
        self.keys
            .iter()
            .map(|k| k.applicant_hash(identity_key))
            .collect()
    }

    /// Where a request stands, locked for the change, and the key it is sealed with.
    fn standing(
        tx: &mut postgres::Transaction<'_>,
        receipt_no: &str,
    ) -> Result<(Standing, String, Option<NaiveDate>), RegisterError> {
        let r = tx
            .query_opt(
                "SELECT status, received_on, COALESCE(clock_start, received_on), extended,
                        paused_since, key_fingerprint, due_on
                 FROM fleet.requests WHERE receipt_no = $1 FOR UPDATE",
                &[&receipt_no],
            )
            .map_err(pg)?
            .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))?;
        let status: String = r.get(0);
        let pauses = tx
            .query(
                "SELECT from_on, until_on FROM fleet.pauses WHERE receipt_no = $1",
                &[&receipt_no],
            )
            .map_err(pg)?
            .iter()
            .map(|p| Pause {
                from: p.get(0),
                until: p.get(1),
            })
            .collect();
        let standing = Standing {
            status: Status::from_code(&status).ok_or_else(|| RegisterError::Corrupt {
                receipt_no: receipt_no.to_string(),
                what: format!("status {status}"),
            })?,
            received_on: r.get(1),
            clock_start: r.get(2),
            extended: r.get(3),
            paused_since: r.get(4),
            pauses,
        };
        Ok((standing, r.get(5), r.get(6)))
    }
}

/// Appends an audit line at the centre (inside the caller's transaction). `sealed`: a staff
/// note sealed with the request's key; `note`: the program's own words.
fn insert_audit(
    tx: &mut postgres::Transaction<'_>,
    receipt_no: &str,
    line: (NaiveDateTime, &str, &str, Option<&str>, &str),
    note: &str,
    sealed: Option<Vec<u8>>,
) -> Result<(), RegisterError> {
    let (at, actor, field, from, to) = line;
    tx.execute(
        "INSERT INTO fleet.audit (receipt_no, at, actor, field, from_value, to_value, note,
            note_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&receipt_no, &at, &actor, &field, &from, &to, &note, &sealed],
    )
    .map_err(pg)?;
    Ok(())
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

/// The first day of `day`'s month and of the month after.
fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    (first, next)
}

/// How many requests at the centre carry one of `hashes` in the month of `day`.
fn count_in_month(
    client: &mut impl GenericClient,
    hashes: &[Vec<u8>],
    day: NaiveDate,
) -> Result<u32, RegisterError> {
    let (first, next) = month_of(day);
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM fleet.requests WHERE applicant_hash = ANY($1)
             AND received_on >= $2 AND received_on < $3",
            &[&hashes, &first, &next],
        )
        .map_err(pg)?
        .get(0);
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Whether a decoding failure names a damaged row (listed apart) rather than a failure of
/// the whole listing.
fn damaged(e: &RegisterError) -> bool {
    matches!(e, RegisterError::Corrupt { .. } | RegisterError::Key(_))
}

impl RequestStore for CentralStore {
    fn submit(&mut self, _: &Request, _: NaiveDateTime) -> Result<Receipt, RegisterError> {
        Err(RegisterError::Rule(
            "the central register takes requests only from the kiosks' outboxes: file the \
             request at a kiosk (its staff area, or `kiosk requests submit` there)",
        ))
    }

    fn get(&self, receipt_no: &str) -> Result<Stored, RegisterError> {
        self.with(|c| {
            let row = c
                .query_opt(
                    &format!("{SELECT_STORED} WHERE receipt_no = $1"),
                    &[&receipt_no],
                )
                .map_err(pg)?
                .ok_or_else(|| RegisterError::NotFound(receipt_no.to_string()))?;
            let counts = RefCell::new(&mut *c);
            self.decode(&row, &|hashes, day| {
                count_in_month(&mut **counts.borrow_mut(), hashes, day)
            })
        })
    }

    fn list(&self, status: Option<Status>) -> Result<Listing, RegisterError> {
        self.with(|c| {
            // Every row: the monthly counts cover all statuses, the filter comes after.
            let rows = c
                .query(
                    &format!(
                        "{SELECT_STORED} ORDER BY received_on DESC, submitted_at DESC, \
                         receipt_no DESC"
                    ),
                    &[],
                )
                .map_err(pg)?;
            let mut months: HashMap<(Vec<u8>, i32, u32), u32> = HashMap::new();
            for r in &rows {
                let hash: Option<Vec<u8>> = r.try_get(6).ok().flatten();
                let day: Option<NaiveDate> = r.try_get(1).ok();
                if let (Some(h), Some(d)) = (hash, day) {
                    *months.entry((h, d.year(), d.month())).or_default() += 1;
                }
            }
            let counts = |hashes: &[Vec<u8>], day: NaiveDate| -> Result<u32, RegisterError> {
                Ok(hashes
                    .iter()
                    .map(|h| {
                        months
                            .get(&(h.clone(), day.year(), day.month()))
                            .copied()
                            .unwrap_or(0)
                    })
                    .sum())
            };
            let mut listing = Listing::default();
            for r in &rows {
                match self.decode(r, &counts) {
                    Ok(s) if status.is_none_or(|st| st == s.status) => listing.rows.push(s),
                    Ok(_) => {}
                    Err(e) if damaged(&e) => {
                        let name = r
                            .try_get::<_, String>(0)
                            .unwrap_or_else(|_| "(unnamed row)".into());
                        tracing::warn!(receipt_no = %name, error = %e, "a central register row cannot be read; left out");
                        listing.damaged.push(name);
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(listing)
        })
    }

    fn lookup(&self, receipt_no: &str, query_code: &str) -> Result<Option<Stored>, RegisterError> {
        lookup_with(|no| self.get(no), receipt_no, query_code)
    }

    fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<(), RegisterError> {
        let step = self.with(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let (standing, fingerprint, _) = CentralStore::standing(&mut tx, receipt_no)?;
            // Staff act on a request they can read: the note is sealed with its kiosk's key.
            let keys = self.key(&fingerprint)?;
            let step = rules::status_step(&standing, change, now, &self.calendar)?;
            if let Some(p) = step.add_pause {
                tx.execute(
                    "INSERT INTO fleet.pauses (receipt_no, from_on, until_on) VALUES ($1, $2, $3)",
                    &[&receipt_no, &p.from, &p.until],
                )
                .map_err(pg)?;
            }
            if step.clear_pauses {
                tx.execute(
                    "DELETE FROM fleet.pauses WHERE receipt_no = $1",
                    &[&receipt_no],
                )
                .map_err(pg)?;
            }
            let (running, stopped, due) = match &step.due {
                DueAfter::Running(d) => (true, false, Some(d)),
                DueAfter::Stopped => (false, true, None),
                DueAfter::Kept => (false, false, None),
            };
            tx.execute(
                "UPDATE fleet.requests SET status = $2, outcome = COALESCE($3, outcome),
                    clock_start = $4, extended = $5, paused_since = $6,
                    due_on = CASE WHEN $7 THEN $8 WHEN $9 THEN NULL ELSE due_on END,
                    due_warnings = CASE WHEN $7 THEN $10 WHEN $9 THEN NULL ELSE due_warnings END,
                    closed_on = COALESCE($11, closed_on)
                 WHERE receipt_no = $1",
                &[
                    &receipt_no,
                    &step.to.code(),
                    &step.outcome.map(|o| o.code()),
                    &step.clock_start,
                    &step.extended,
                    &step.paused_since,
                    &running,
                    &due.map(|d| d.date),
                    &stopped,
                    &due.map(|d| warnings_text(&d.warnings)),
                    &step.closed_on,
                ],
            )
            .map_err(pg)?;
            let sealed = seal_note(keys, receipt_no, &step.note)?;
            let line = (
                now,
                change.actor.as_str(),
                "status",
                Some(step.from.code()),
                step.to.code(),
            );
            insert_audit(&mut tx, receipt_no, line, "", sealed)?;
            tx.commit().map_err(pg)?;
            Ok(step)
        })?;
        tracing::info!(
            receipt_no,
            from = step.from.code(),
            to = step.to.code(),
            "request status changed at the centre"
        );
        Ok(())
    }

    fn recompute_due(
        &mut self,
        receipt_no: &str,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(Option<NaiveDate>, Option<Due>), RegisterError> {
        let answer = self.with(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let (standing, _, due_on) = CentralStore::standing(&mut tx, receipt_no)?;
            let Some(old) = due_on else {
                return Ok((None, None));
            };
            let due = rules::recomputed(
                &self.calendar,
                standing.clock_start,
                standing.extended,
                &standing.pauses,
            );
            tx.execute(
                "UPDATE fleet.requests SET due_on = $2, due_warnings = $3 WHERE receipt_no = $1",
                &[&receipt_no, &due.date, &warnings_text(&due.warnings)],
            )
            .map_err(pg)?;
            if due.date != old {
                let (from, to) = (old.to_string(), due.date.to_string());
                let line = (now, actor, "due", Some(from.as_str()), to.as_str());
                insert_audit(&mut tx, receipt_no, line, rules::RECOMPUTE_NOTE, None)?;
            }
            tx.commit().map_err(pg)?;
            Ok((Some(old), Some(due)))
        })?;
        if let (Some(old), Some(new)) = &answer {
            tracing::info!(receipt_no, from = %old, to = %new.date, "deadline recomputed at the centre");
        }
        Ok(answer)
    }

    fn purge(
        &mut self,
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        let cutoff = rules::purge_cutoff(today, retention_days);
        let note = rules::purge_note(retention_days);
        let purged = self.with(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let victims: Vec<String> = tx
                .query(
                    "SELECT receipt_no FROM fleet.requests WHERE status = 'closed'
                     AND closed_on < $1 AND personal IS NOT NULL ORDER BY kiosk_id, seq
                     FOR UPDATE",
                    &[&cutoff],
                )
                .map_err(pg)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for receipt_no in &victims {
                tx.execute(
                    "UPDATE fleet.requests SET personal = NULL, applicant_hash = NULL,
                        purged_on = $2 WHERE receipt_no = $1",
                    &[receipt_no, &today],
                )
                .map_err(pg)?;
                // Staff notes may name the applicant: they go with the rest.
                tx.execute(
                    "UPDATE fleet.audit SET note = '', note_sealed = NULL
                     WHERE receipt_no = $1 AND (note_sealed IS NOT NULL OR note <> '')",
                    &[receipt_no],
                )
                .map_err(pg)?;
                let line = (now, actor, "personal_data", Some("kept"), "purged");
                insert_audit(&mut tx, receipt_no, line, &note, None)?;
            }
            tx.commit().map_err(pg)?;
            Ok(victims)
        })?;
        tracing::info!(count = purged.len(), "personal data purged at the centre");
        Ok(purged)
    }

    fn month_count_for(&self, identity_key: &str, day: NaiveDate) -> Result<u32, RegisterError> {
        let hashes = self.hashes(identity_key);
        self.with(|c| count_in_month(c, &hashes, day))
    }

    fn audit(&self, receipt_no: &str) -> Result<Vec<AuditEntry>, RegisterError> {
        let rows = self.with(|c| {
            c.query(
                "SELECT a.at, a.actor, a.field, a.from_value, a.to_value, a.note, a.note_sealed,
                        r.key_fingerprint
                 FROM fleet.audit a JOIN fleet.requests r USING (receipt_no)
                 WHERE a.receipt_no = $1 ORDER BY a.id",
                &[&receipt_no],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| {
                let sealed: Option<Vec<u8>> = r.get(6);
                let fingerprint: String = r.get(7);
                let note = match sealed {
                    None => r.get(5),
                    Some(sealed) => self
                        .keys
                        .get(&fingerprint)
                        .map_err(|e| e.to_string())
                        .and_then(|k| {
                            open_note(k, receipt_no, &sealed).map_err(|e: KeyError| e.to_string())
                        })
                        .unwrap_or_else(|e| {
                            tracing::warn!(receipt_no, error = %e, "an audit note at the centre cannot be read");
                            "（备注无法读取）".to_string()
                        }),
                };
                let at: NaiveDateTime = r.get(0);
                AuditEntry {
                    at: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    actor: r.get(1),
                    field: r.get(2),
                    from: r.get(3),
                    to: r.get(4),
                    note,
                }
            })
            .collect())
    }

    /// Receipts wait for their printer at the kiosk that filed them, not at the centre.
    fn print_pending(&self) -> Result<Vec<String>, RegisterError> {
        Ok(Vec::new())
    }

    fn set_print_pending(
        &mut self,
        _: &str,
        _: bool,
        _: NaiveDateTime,
        _: &str,
    ) -> Result<(), RegisterError> {
        Err(RegisterError::Rule(
            "receipts are printed at the kiosk that filed the request",
        ))
    }

    /// The centre seals nothing new: each request keeps the key of its kiosk.
    fn key_fingerprint(&self) -> &str {
        "-"
    }

    fn outbox_state(&self) -> Result<Option<OutboxState>, RegisterError> {
        Ok(None)
    }

    fn takes_filings(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_day_to_the_first_of_the_next() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            month_of(d("2026-12-15")),
            (d("2026-12-01"), d("2027-01-01"))
        );
        assert_eq!(
            month_of(d("2026-02-01")),
            (d("2026-02-01"), d("2026-03-01"))
        );
    }
}
