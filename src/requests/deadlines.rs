//! Working-day arithmetic for answer deadlines (条例 Art. 30, 32, 33).
//!
//! Owns the holiday calendar (`kiosk-config/holidays/YYYY.toml`: holidays and 调休 make-up
//! working days per year, each file citing its State Council notice) and the one engine that
//! computes due dates with extension, correction restart and paused intervals. Pure: no clock,
//! no storage.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Working days to answer (Art. 33 para. 2).
pub const ANSWER_DAYS: u32 = 20;
/// Working days one extension adds, once (Art. 33 para. 2).
pub const EXTENSION_DAYS: u32 = 20;

/// A holiday file that cannot be read or is invalid (the same type as a configuration error).
pub type CalendarError = crate::file_error::FileError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    source: String,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    workday: Vec<RawWorkday>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: String,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkday {
    name: String,
    date: String,
}

/// Holidays and make-up working days of the years that have a calendar file.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeMap<NaiveDate, String>,
    sources: BTreeMap<i32, String>,
}

/// A due date, with warnings for staff when part of the count fell outside the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    /// Chinese notes for staff (never shown to the applicant as a certainty).
    pub warnings: Vec<String>,
}

/// An interval in which the clock stands still (third-party consultation, Art. 32): working days
/// `from <= d < until` are not counted; `until` is the day the clock runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// What the clock of one request is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// The receipt date, or the day the correction (补正) arrived: counting starts the day after.
    pub start: NaiveDate,
    pub extended: bool,
    pub pauses: Vec<Pause>,
}

impl Calendar {
    /// Reads every `YYYY.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Calendar, CalendarError> {
        let read_err = |source| CalendarError::Read {
            what: "holiday calendar",
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let mut cal = Calendar::default();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| CalendarError::Read {
                what: "holiday calendar",
                path: path.clone(),
                source,
            })?;
            cal.add_year(&text, &path)?;
        }
        Ok(cal)
    }

    /// Adds one year's file, checking that every date is real, lies in that year, that make-up
    /// working days fall on weekends and that the year is not given twice.
    pub fn add_year(&mut self, text: &str, path: &Path) -> Result<(), CalendarError> {
        let invalid = |message: String, fix: &str| CalendarError::Invalid {
            path: path.to_path_buf(),
            message,
            fix: fix.to_string(),
        };
        let raw: RawYear = toml::from_str(text).map_err(|e| {
            invalid(
                e.to_string().trim_end().to_string(),
                "keep to the keys documented at the top of kiosk-config/holidays/2025.toml",
            )
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != raw.year.to_string() {
            return Err(invalid(
                format!("`year = {}` does not match the file name", raw.year),
                "name the file after its year, e.g. 2027.toml",
            ));
        }
        if self.sources.contains_key(&raw.year) {
            return Err(invalid(
                format!("year {} is given twice", raw.year),
                "keep one file per year",
            ));
        }
        let date = |key: &str, s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|d| d.year() == raw.year)
                .ok_or_else(|| {
                    invalid(
                        format!("`{key} = \"{s}\"` is not a date of {}", raw.year),
                        "write dates as \"YYYY-MM-DD\" within the file's year",
                    )
                })
        };
        for h in &raw.holiday {
            let (from, to) = (date("from", &h.from)?, date("to", &h.to)?);
            if to < from {
                return Err(invalid(
                    format!("holiday `{}` ends before it starts", h.name),
                    "swap `from` and `to`",
                ));
            }
            for d in from.iter_days().take_while(|d| *d <= to) {
                self.holidays.insert(d, h.name.clone());
            }
        }
        for w in &raw.workday {
            let d = date("date", &w.date)?;
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(invalid(
                    format!(
                        "make-up working day {d} (`{}`) is not a Saturday or Sunday",
                        w.name
                    ),
                    "list only weekend days that are worked (调休上班) under [[workday]]",
                ));
            }
            self.workdays.insert(d, w.name.clone());
        }
        self.sources.insert(raw.year, raw.source);
        Ok(())
    }

    /// Whether the calendar has a file for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.sources.contains_key(&year)
    }

    /// The notice a year's dates come from.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.sources.get(&year).map(String::as_str)
    }

    /// A working day: a make-up working day, or a Monday to Friday that is not a holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains_key(&d) {
            return true;
        }
        !self.holidays.contains_key(&d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day after `start`, skipping paused days. Days in years without a
    /// calendar file count Monday to Friday, and the result carries a warning for staff.
    pub fn add_working_days(&self, start: NaiveDate, n: u32, pauses: &[Pause]) -> Due {
        let mut uncovered = BTreeSet::new();
        let mut counted = 0;
        let mut d = start;
        while counted < n {
            let Some(next) = d.checked_add_days(Days::new(1)) else {
                break;
            };
            d = next;
            if !self.covers(d.year()) {
                uncovered.insert(d.year());
            }
            let paused = pauses.iter().any(|p| p.from <= d && d < p.until);
            if !paused && self.is_working_day(d) {
                counted += 1;
            }
        }
        let warnings = uncovered
            .into_iter()
            .map(|y| {
                format!(
                    "未配置{y}年节假日安排，{y}年的日期按周一至周五计算，请工作人员核对答复期限。"
                )
            })
            .collect();
        Due { date: d, warnings }
    }

    /// The answer deadline of a running clock: 20 working days, or 40 once extended, counted
    /// from the day after `clock.start`, paused intervals excluded.
    pub fn due(&self, clock: &Clock) -> Due {
        let n = ANSWER_DAYS + if clock.extended { EXTENSION_DAYS } else { 0 };
        self.add_working_days(clock.start, n, &clock.pauses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn shipped() -> Calendar {
        Calendar::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/holidays"))
            .unwrap()
    }

    #[test]
    fn the_shipped_calendars_load_and_cite_their_notices() {
        let cal = shipped();
        assert!(cal.covers(2025) && cal.covers(2026) && !cal.covers(2027));
        assert!(cal.source(2025).unwrap().contains("国办发明电〔2024〕12号"));
        assert!(cal.source(2026).unwrap().contains("2026年部分节假日安排"));
    }

    #[test]
    fn holidays_weekends_and_make_up_days_are_classified() {
        let cal = shipped();
        let cases = [
            ("2025-01-01", false), // 元旦
            ("2025-01-26", true),  // Sunday worked for 春节
            ("2025-01-27", true),  // Monday before 春节
            ("2025-02-04", false), // last day of 春节
            ("2025-02-08", true),  // Saturday worked
            ("2025-02-09", false), // plain Sunday
            ("2025-10-08", false), // 国庆中秋, a Wednesday
            ("2025-10-11", true),  // Saturday worked
            ("2026-01-04", true),  // Sunday worked for 元旦
            ("2026-02-14", true),  // Saturday worked for 春节
            ("2026-02-23", false), // Monday inside 春节
            ("2026-02-28", true),  // Saturday worked for 春节
            ("2026-10-07", false),
            ("2026-10-10", true),
            ("2026-11-25", true), // a plain Wednesday
        ];
        for (day, working) in cases {
            assert_eq!(cal.is_working_day(d(day)), working, "{day}");
        }
    }

    #[test]
    fn twenty_working_days_across_the_2026_spring_festival_count_make_up_saturdays() {
        let cal = shipped();
        // Received Monday 2 February 2026. Counted: Feb 3-6 (4), 9-13 (5), Sat 14 (1: 调休),
        // 24-27 (4), Sat 28 (1: 调休), Mar 2-6 (5) = 20 on Friday 6 March.
        let due = cal.due(&Clock {
            start: d("2026-02-02"),
            extended: false,
            pauses: vec![],
        });
        assert_eq!(due.date, d("2026-03-06"));
        assert!(due.warnings.is_empty());
    }

    #[test]
    fn twenty_working_days_across_the_2025_national_day_holiday() {
        let cal = shipped();
        // Received Thursday 25 September 2025: 26 (1), Sun 28 (2, 调休), 29-30 (4),
        // Oct 1-8 off, 9-10 (6), Sat 11 (7, 调休), 13-17 (12), 20-24 (17), 27-29 (20).
        let due = cal.due(&Clock {
            start: d("2025-09-25"),
            extended: false,
            pauses: vec![],
        });
        assert_eq!(due.date, d("2025-10-29"));
    }

    #[test]
    fn an_extension_adds_twenty_working_days_once() {
        let cal = shipped();
        let plain = cal.due(&Clock {
            start: d("2026-11-02"),
            extended: false,
            pauses: vec![],
        });
        let extended = cal.due(&Clock {
            start: d("2026-11-02"),
            extended: true,
            pauses: vec![],
        });
        assert_eq!(plain.date, d("2026-11-30"));
        assert_eq!(extended.date, d("2026-12-28"));
    }

    #[test]
    fn a_paused_consultation_is_not_counted() {
        let cal = shipped();
        // Paused from Monday 9 November to Monday 23 November 2026 (10 working days).
        let due = cal.due(&Clock {
            start: d("2026-11-02"),
            extended: false,
            pauses: vec![Pause {
                from: d("2026-11-09"),
                until: d("2026-11-23"),
            }],
        });
        assert_eq!(due.date, d("2026-12-14"));
    }

    #[test]
    fn years_without_a_calendar_count_weekdays_and_warn_staff() {
        let cal = shipped();
        let due = cal.due(&Clock {
            start: d("2026-12-21"),
            extended: false,
            pauses: vec![],
        });
        // Dec 22-25 (4), 28-31 (8), then 2027 on Monday to Friday: Jan 1 counts (9) … Jan 18 (20).
        assert_eq!(due.date, d("2027-01-18"));
        assert_eq!(due.warnings.len(), 1);
        assert!(due.warnings[0].contains("2027年"), "{:?}", due.warnings);
    }

    #[test]
    fn a_weekday_listed_as_make_up_day_is_rejected_naming_the_file() {
        let mut cal = Calendar::default();
        let text = "year = 2027\nsource = 'x'\n[[workday]]\nname = 'bad'\ndate = '2027-01-04'\n";
        let err = cal
            .add_year(text, Path::new("holidays/2027.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("2027.toml") && err.contains("Fix:"), "{err}");
        let err = cal
            .add_year(
                "year = 2027\nsource = 'x'\n",
                Path::new("holidays/2028.toml"),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("file name"), "{err}");
    }
}
