//! The counts of the yearly report (政府信息公开工作年度报告, table 三 of 国办公开办函〔2021〕30号):
//! requests received in a year by applicant type (自然人 / 法人或其他组织), what became of them
//! by outcome code, and those still open. Counted from a register's listing, so the same
//! counts come from a kiosk's register or from the central one. Pure: no SQL, no IO.
//!
//! A request counts in the year of its receipt date (the register keeps the day of receipt,
//! not a separate day of the answer): its outcome is counted in that year's table even when
//! the answer came in January of the next year.

use super::model::ApplicantType;
use super::register::Stored;
use super::status::{Outcome, Status};
use chrono::Datelike;

/// Counts per applicant type: 自然人 (citizens), 法人或其他组织.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByApplicant {
    pub citizens: u32,
    pub organizations: u32,
}

impl ByApplicant {
    pub fn total(&self) -> u32 {
        self.citizens + self.organizations
    }

    fn add(&mut self, t: ApplicantType) {
        match t {
            ApplicantType::Citizen => self.citizens += 1,
            ApplicantType::Organization => self.organizations += 1,
        }
    }
}

/// The counts of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCounts {
    pub year: i32,
    /// 本年新收政府信息公开申请数量.
    pub received: ByApplicant,
    /// 本年度办理结果, one entry per row of the table, in the order of [`Outcome::TABLE`].
    pub outcomes: Vec<(Outcome, ByApplicant)>,
    /// Received this year and not answered yet (结转下年度继续办理, when counted after the year).
    pub open: ByApplicant,
}

/// Counts the requests of `rows` received in `year`.
pub fn year_counts(rows: &[Stored], year: i32) -> YearCounts {
    let mut counts = YearCounts {
        year,
        received: ByApplicant::default(),
        outcomes: Outcome::TABLE
            .iter()
            .map(|(o, _, _)| (*o, ByApplicant::default()))
            .collect(),
        open: ByApplicant::default(),
    };
    for s in rows.iter().filter(|s| s.received_on.year() == year) {
        counts.received.add(s.applicant_type);
        let answered = matches!(s.status, Status::Answered | Status::Closed);
        match s.outcome.filter(|_| answered) {
            Some(o) => {
                if let Some((_, c)) = counts.outcomes.iter_mut().find(|(x, _)| *x == o) {
                    c.add(s.applicant_type);
                }
            }
            None => counts.open.add(s.applicant_type),
        }
    }
    counts
}

/// The column headings of the report as a table.
pub const HEADERS: [&str; 5] = ["行", "项目", "自然人", "法人或其他组织", "总计"];

/// The report as rows of text cells: received, one row per outcome code, still open.
pub fn rows(c: &YearCounts) -> Vec<Vec<String>> {
    let line = |code: &str, label: &str, n: &ByApplicant| {
        vec![
            code.to_string(),
            label.to_string(),
            n.citizens.to_string(),
            n.organizations.to_string(),
            n.total().to_string(),
        ]
    };
    let mut out = vec![line("一", "本年新收政府信息公开申请数量", &c.received)];
    for (o, n) in &c.outcomes {
        out.push(line(&format!("三 {}", o.code()), o.label(), n));
    }
    out.push(line("四", "尚未答复（结转下年度继续办理）", &c.open));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn stored(day: &str, t: ApplicantType, status: Status, outcome: Option<Outcome>) -> Stored {
        let received_on: NaiveDate = day.parse().unwrap();
        Stored {
            receipt_no: format!("QH01-{}-0001", day.replace('-', "")),
            received_on,
            submitted_at: received_on.and_hms_opt(9, 0, 0).unwrap(),
            applicant_type: t,
            staff_assisted: false,
            hints: vec![],
            status,
            outcome,
            extended: false,
            due: None,
            print_pending: false,
            closed_on: None,
            purged_on: None,
            request: None,
            query_code: None,
            month_count: None,
        }
    }

    #[test]
    fn requests_are_counted_by_year_of_receipt_applicant_type_and_outcome() {
        use ApplicantType::*;
        let filed = [
            stored(
                "2026-01-05",
                Citizen,
                Status::Answered,
                Some(Outcome::Disclosed),
            ),
            stored(
                "2026-02-05",
                Organization,
                Status::Closed,
                Some(Outcome::Disclosed),
            ),
            stored(
                "2026-03-05",
                Citizen,
                Status::Closed,
                Some(Outcome::UnavailableNotHeld),
            ),
            stored("2026-04-05", Citizen, Status::Received, None),
            stored("2026-05-05", Organization, Status::Correcting, None),
            stored(
                "2025-12-30",
                Citizen,
                Status::Answered,
                Some(Outcome::Disclosed),
            ),
        ];
        let c = year_counts(&filed, 2026);
        assert_eq!(
            c.received,
            ByApplicant {
                citizens: 3,
                organizations: 2
            }
        );
        assert_eq!(
            c.open,
            ByApplicant {
                citizens: 1,
                organizations: 1
            }
        );
        let of = |o: Outcome| c.outcomes.iter().find(|(x, _)| *x == o).unwrap().1;
        assert_eq!(
            of(Outcome::Disclosed),
            ByApplicant {
                citizens: 1,
                organizations: 1
            }
        );
        assert_eq!(of(Outcome::UnavailableNotHeld).total(), 1);
        assert_eq!(c.outcomes.iter().map(|(_, n)| n.total()).sum::<u32>(), 3);
        let table = rows(&c);
        assert_eq!(table.len(), 1 + Outcome::TABLE.len() + 1);
        assert_eq!(
            table[0],
            ["一", "本年新收政府信息公开申请数量", "3", "2", "5"]
        );
        assert_eq!(table[1][0], "三 1");
        assert_eq!(table[1][4], "2");
    }
}
