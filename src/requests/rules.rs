//! The rules of staff decisions, apart from any store: which status change is lawful, what it
//! does to the clock (条例 Art. 30, 32, 33), the deadline it leaves, the audit note it writes,
//! and the cut-off of the purge (个人信息保护法 Art. 19, 47). The SQLite register
//! (`requests::workflow`) and the central register (`fleet::store`) both apply these, so the
//! two can never disagree. Pure: no SQL, no clock of its own.

use super::deadlines::{Calendar, Clock, Due, Pause};
use super::register::{RegisterError, StatusChange};
use super::status::{Outcome, Status};
use chrono::{Days, NaiveDate, NaiveDateTime};

/// Where a request stands before a staff decision, as read from a store.
#[derive(Debug, Clone)]
pub struct Standing {
    pub status: Status,
    pub received_on: NaiveDate,
    /// The day the clock counts from: the day of receipt, or of the corrected request.
    pub clock_start: NaiveDate,
    pub extended: bool,
    /// Since when a consultation stops the clock.
    pub paused_since: Option<NaiveDate>,
    /// Intervals the clock stood still so far.
    pub pauses: Vec<Pause>,
}

/// What happens to the stored deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueAfter {
    /// The clock runs: this deadline (with its warnings) is stored.
    Running(Due),
    /// The clock stands still (补正, consultation): no deadline is stored.
    Stopped,
    /// Answered or closed: the last deadline is kept.
    Kept,
}

/// A lawful status change, worked out: everything a store writes.
#[derive(Debug, Clone)]
pub struct Step {
    pub from: Status,
    pub to: Status,
    /// `None` keeps the stored outcome.
    pub outcome: Option<Outcome>,
    pub clock_start: NaiveDate,
    pub extended: bool,
    /// Set when a consultation starts, cleared otherwise.
    pub paused_since: Option<NaiveDate>,
    /// A consultation ended: this interval is added to the pauses.
    pub add_pause: Option<Pause>,
    /// A correction arrived: earlier pauses are dropped (the clock starts again).
    pub clear_pauses: bool,
    pub due: DueAfter,
    /// Set when the request is closed; `None` keeps the stored day.
    pub closed_on: Option<NaiveDate>,
    /// The audit line's note: the outcome code, then the staff note.
    pub note: String,
}

/// Works out a status change. Rules: only the steps of [`Status::may_become`]; an outcome with
/// 已答复 and only then; one extension; entering 补正中 or 征求第三方意见中 stops the clock; a
/// correction arriving (补正中 → 已受理) restarts it from that day; the end of a consultation
/// adds a paused interval. The date of the change (`change.on`) lies between the day of
/// receipt and today (`now`), both included.
pub fn status_step(
    standing: &Standing,
    change: &StatusChange,
    now: NaiveDateTime,
    calendar: &Calendar,
) -> Result<Step, RegisterError> {
    check(standing, change, now)?;
    let from = standing.status;
    let to = change.to;
    let on = change.on;
    let add_pause = match (from, standing.paused_since) {
        (Status::Consulting, Some(since)) => Some(Pause {
            from: since,
            until: on,
        }),
        _ => None,
    };
    // Art. 30: the time limit counts from the day the corrected request arrives.
    let restarted = from == Status::Correcting && to == Status::Received;
    let clock_start = if restarted { on } else { standing.clock_start };
    let extended = standing.extended || to == Status::Extended;
    let due = match to {
        Status::Received | Status::Extended => {
            let mut pauses = if restarted {
                Vec::new()
            } else {
                standing.pauses.clone()
            };
            pauses.extend(add_pause);
            DueAfter::Running(calendar.due(&Clock {
                start: clock_start,
                extended,
                pauses,
            }))
        }
        Status::Correcting | Status::Consulting => DueAfter::Stopped,
        Status::Answered | Status::Closed => DueAfter::Kept,
    };
    let note = match change.outcome {
        Some(o) => format!("{} {}", o.code(), change.note).trim().to_string(),
        None => change.note.clone(),
    };
    Ok(Step {
        from,
        to,
        outcome: change.outcome,
        clock_start,
        extended,
        paused_since: (to == Status::Consulting).then_some(on),
        add_pause,
        clear_pauses: restarted,
        due,
        closed_on: (to == Status::Closed).then_some(on),
        note,
    })
}

/// The date, the step, the outcome, one extension.
fn check(s: &Standing, change: &StatusChange, now: NaiveDateTime) -> Result<(), RegisterError> {
    if change.on < s.received_on {
        return Err(RegisterError::StatusDate {
            on: change.on,
            problem: format!("before the request was received ({})", s.received_on),
        });
    }
    if change.on > now.date() {
        return Err(RegisterError::StatusDate {
            on: change.on,
            problem: format!("in the future (today is {})", now.date()),
        });
    }
    let (from, to) = (s.status, change.to);
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
        (_, Some(_)) => return Err(RegisterError::Rule("only an answer takes an outcome code")),
    }
    if to == Status::Extended && s.extended {
        return Err(RegisterError::Rule(
            "the deadline can be extended only once (Art. 33)",
        ));
    }
    Ok(())
}

/// The deadline of a running clock computed again with the current holiday files.
pub fn recomputed(calendar: &Calendar, start: NaiveDate, extended: bool, pauses: &[Pause]) -> Due {
    calendar.due(&Clock {
        start,
        extended,
        pauses: pauses.to_vec(),
    })
}

/// The audit note of a recomputed deadline.
pub const RECOMPUTE_NOTE: &str = "recomputed with the current holiday files";

/// Requests closed before this day have their personal data purged.
pub fn purge_cutoff(today: NaiveDate, retention_days: u32) -> NaiveDate {
    today
        .checked_sub_days(Days::new(u64::from(retention_days)))
        .unwrap_or(NaiveDate::MIN)
}

/// The audit note of a purge.
pub fn purge_note(retention_days: u32) -> String {
    format!("retention {retention_days} days")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn standing(status: Status) -> Standing {
        Standing {
            status,
            received_on: d("2026-03-02"),
            clock_start: d("2026-03-02"),
            extended: false,
            paused_since: None,
            pauses: vec![],
        }
    }

    fn change(to: Status, on: &str, outcome: Option<Outcome>) -> StatusChange {
        StatusChange {
            to,
            outcome,
            on: d(on),
            actor: "王".into(),
            note: "备注".into(),
        }
    }

    #[test]
    fn a_change_is_refused_for_a_bad_date_step_outcome_or_second_extension() {
        let cal = Calendar::default();
        let now = d("2026-03-20").and_hms_opt(10, 0, 0).unwrap();
        let mut extended = standing(Status::Extended);
        extended.extended = true;
        let cases = [
            (
                standing(Status::Received),
                change(Status::Correcting, "2026-03-01", None),
                "before",
            ),
            (
                standing(Status::Received),
                change(Status::Correcting, "2026-03-21", None),
                "future",
            ),
            (
                standing(Status::Received),
                change(Status::Closed, "2026-03-10", None),
                "cannot go",
            ),
            (
                standing(Status::Received),
                change(Status::Answered, "2026-03-10", None),
                "needs an outcome",
            ),
            (
                standing(Status::Received),
                change(Status::Correcting, "2026-03-10", Some(Outcome::Disclosed)),
                "only an answer",
            ),
            (
                Standing {
                    status: Status::Consulting,
                    extended: true,
                    ..standing(Status::Consulting)
                },
                change(Status::Extended, "2026-03-10", None),
                "only once",
            ),
        ];
        for (s, c, want) in cases {
            let err = status_step(&s, &c, now, &cal).unwrap_err().to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
        assert!(status_step(
            &extended,
            &change(Status::Consulting, "2026-03-10", None),
            now,
            &cal
        )
        .is_ok());
    }

    #[test]
    fn a_consultation_pauses_the_clock_and_a_correction_restarts_it() {
        let cal = Calendar::default();
        let now = d("2026-04-30").and_hms_opt(10, 0, 0).unwrap();
        let consult = status_step(
            &standing(Status::Received),
            &change(Status::Consulting, "2026-03-09", None),
            now,
            &cal,
        )
        .unwrap();
        assert_eq!(consult.due, DueAfter::Stopped);
        assert_eq!(consult.paused_since, Some(d("2026-03-09")));
        let mut s = standing(Status::Consulting);
        s.paused_since = consult.paused_since;
        let back =
            status_step(&s, &change(Status::Received, "2026-03-16", None), now, &cal).unwrap();
        let pause = Pause {
            from: d("2026-03-09"),
            until: d("2026-03-16"),
        };
        assert_eq!(back.add_pause, Some(pause));
        // 20 working days from 2026-03-02 with one paused week (Monday to Friday, no calendar).
        let DueAfter::Running(due) = back.due else {
            panic!("the clock runs again")
        };
        assert_eq!(due.date, d("2026-04-06"));

        let mut s = standing(Status::Correcting);
        s.pauses = vec![pause];
        let fixed =
            status_step(&s, &change(Status::Received, "2026-03-20", None), now, &cal).unwrap();
        assert!(fixed.clear_pauses);
        assert_eq!(fixed.clock_start, d("2026-03-20"));
        let DueAfter::Running(due) = fixed.due else {
            panic!("the clock runs again")
        };
        assert_eq!(due.date, d("2026-04-17"));

        let answered = status_step(
            &standing(Status::Received),
            &change(
                Status::Answered,
                "2026-03-20",
                Some(Outcome::PartlyDisclosed),
            ),
            now,
            &cal,
        )
        .unwrap();
        assert_eq!(answered.due, DueAfter::Kept);
        assert_eq!(answered.note, "2 备注");
        assert_eq!(answered.closed_on, None);
    }

    #[test]
    fn the_purge_cut_off_counts_back_the_retention_days() {
        assert_eq!(purge_cutoff(d("2026-07-01"), 180), d("2026-01-02"));
        assert_eq!(purge_cutoff(d("2026-07-01"), 0), d("2026-07-01"));
        assert_eq!(purge_note(30), "retention 30 days");
    }
}
