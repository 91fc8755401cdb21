//! The statistics file: one connection, schema steps tracked by `PRAGMA user_version`
//! (append-only), counters per hour, and the summaries `kiosk stats` and the staff area read.

use super::{Outcome, StatsError};
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Schema steps, applied in order; never edit one that shipped, append a new one.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE searches (
    hour    TEXT NOT NULL,
    query   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (hour, query, kind, outcome)
) WITHOUT ROWID;
CREATE TABLE documents (
    hour    TEXT NOT NULL,
    record  TEXT NOT NULL,
    title   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    opened  INTEGER NOT NULL DEFAULT 0,
    printed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, record)
) WITHOUT ROWID;
"#];

/// An hour of local time, the finest time the statistics keep: `2026-12-03 09`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hour(String);

impl Hour {
    pub fn of(t: NaiveDateTime) -> Hour {
        Hour(format!("{} {:02}", t.date().format("%Y-%m-%d"), t.hour()))
    }

    pub fn now() -> Hour {
        Hour::of(chrono::Local::now().naive_local())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How often one subject was searched, and how often it was not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectCount {
    pub query: String,
    pub searches: u64,
    /// Searches that found nothing at all.
    pub nothing: u64,
    /// Searches that found records matching only in part.
    pub partial: u64,
}

impl SubjectCount {
    /// Searches with nothing that fully answers them.
    pub fn unanswered(&self) -> u64 {
        self.nothing + self.partial
    }
}

/// How often one document was opened and printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCount {
    pub record: String,
    pub title: String,
    pub kind: String,
    pub opened: u64,
    pub printed: u64,
}

/// One counter row as kept: hour, what (查询, 查阅, 打印), text, kind, outcome, count.
pub type DetailRow = (String, &'static str, String, String, String, u64);

/// The statistics database.
pub struct StatsStore {
    conn: Connection,
    path: String,
}

impl StatsStore {
    /// Opens (creating it and its folder if needed) and brings the schema up to date.
    pub fn open(path: &Path) -> Result<StatsStore, StatsError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StatsError::Folder {
                path: path.display().to_string(),
                source,
            })?;
        }
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(|source| StatsError::Db {
            path: name.clone(),
            source,
        })?;
        StatsStore::with(conn, name)
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<StatsStore, StatsError> {
        let conn = Connection::open_in_memory().map_err(|source| StatsError::Db {
            path: ":memory:".into(),
            source,
        })?;
        StatsStore::with(conn, ":memory:".into())
    }

    fn with(mut conn: Connection, path: String) -> Result<StatsStore, StatsError> {
        let db = |source| StatsError::Db {
            path: path.clone(),
            source,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db)?;
        let known = MIGRATIONS.len() as i64;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if found > known {
            return Err(StatsError::TooNew { path, found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(StatsStore { conn, path })
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> StatsError + '_ {
        move |source| StatsError::Db {
            path: self.path.clone(),
            source,
        }
    }

    /// Counts one search of `query` (already a subject, see [`super::subject_of`]).
    pub fn add_search(
        &self,
        hour: &Hour,
        query: &str,
        kind: &str,
        outcome: Outcome,
    ) -> Result<(), StatsError> {
        self.conn
            .execute(
                "INSERT INTO searches (hour, query, kind, outcome, count) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT (hour, query, kind, outcome) DO UPDATE SET count = count + 1",
                params![hour.as_str(), query, kind, outcome.as_str()],
            )
            .map_err(self.db())?;
        Ok(())
    }

    /// Counts one opening (or, with `printed`, one printing) of a record.
    pub fn add_document(
        &self,
        hour: &Hour,
        record: &str,
        title: &str,
        kind: &str,
        printed: bool,
    ) -> Result<(), StatsError> {
        let (o, p) = if printed { (0, 1) } else { (1, 0) };
        self.conn
            .execute(
                "INSERT INTO documents (hour, record, title, kind, opened, printed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (hour, record) DO UPDATE
                 SET opened = opened + ?5, printed = printed + ?6, title = ?3",
                params![hour.as_str(), record, title, kind, o, p],
            )
            .map_err(self.db())?;
        Ok(())
    }

    /// Every subject searched since `since` (all when `None`), most searched first.
    pub fn subjects(&self, since: Option<NaiveDate>) -> Result<Vec<SubjectCount>, StatsError> {
        self.subjects_by("searches", since)
    }

    /// The subjects with searches that found nothing fully answering them, most such first.
    pub fn unanswered(&self, since: Option<NaiveDate>) -> Result<Vec<SubjectCount>, StatsError> {
        let mut all = self.subjects_by("unanswered", since)?;
        all.retain(|s| s.unanswered() > 0);
        Ok(all)
    }

    fn subjects_by(
        &self,
        order: &str,
        since: Option<NaiveDate>,
    ) -> Result<Vec<SubjectCount>, StatsError> {
        let sql = format!(
            "SELECT query, SUM(count) AS searches,
                    SUM(CASE WHEN outcome = 'none' THEN count ELSE 0 END) AS n_none,
                    SUM(CASE WHEN outcome = 'partial' THEN count ELSE 0 END) AS n_partial
             FROM searches WHERE hour >= ?1 GROUP BY query
             ORDER BY {} DESC, searches DESC, query",
            if order == "unanswered" {
                "n_none + n_partial"
            } else {
                "searches"
            }
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.db())?;
        let rows = stmt
            .query_map([since_key(since)], |r| {
                Ok(SubjectCount {
                    query: r.get(0)?,
                    searches: r.get::<_, i64>(1)? as u64,
                    nothing: r.get::<_, i64>(2)? as u64,
                    partial: r.get::<_, i64>(3)? as u64,
                })
            })
            .map_err(self.db())?;
        rows.collect::<Result<_, _>>().map_err(self.db())
    }

    /// Every document opened or printed since `since`, most opened first.
    pub fn documents(&self, since: Option<NaiveDate>) -> Result<Vec<DocumentCount>, StatsError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT record, MAX(title), MAX(kind), SUM(opened), SUM(printed) FROM documents
                 WHERE hour >= ?1 GROUP BY record
                 ORDER BY SUM(opened) DESC, SUM(printed) DESC, record",
            )
            .map_err(self.db())?;
        let rows = stmt
            .query_map([since_key(since)], |r| {
                Ok(DocumentCount {
                    record: r.get(0)?,
                    title: r.get(1)?,
                    kind: r.get(2)?,
                    opened: r.get::<_, i64>(3)? as u64,
                    printed: r.get::<_, i64>(4)? as u64,
                })
            })
            .map_err(self.db())?;
        rows.collect::<Result<_, _>>().map_err(self.db())
    }

    /// Every counter row since `since`, by hour: searches, then openings and printings.
    pub fn detail(&self, since: Option<NaiveDate>) -> Result<Vec<DetailRow>, StatsError> {
        let since = since_key(since);
        let mut out: Vec<DetailRow> = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT hour, query, kind, outcome, count FROM searches WHERE hour >= ?1
                 ORDER BY hour, query, kind, outcome",
            )
            .map_err(self.db())?;
        let rows = stmt
            .query_map([&since], |r| {
                let outcome: String = r.get(3)?;
                Ok((
                    r.get::<_, String>(0)?,
                    "查询",
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    Outcome::parse(&outcome)
                        .map(|o| o.label().to_string())
                        .unwrap_or(outcome),
                    r.get::<_, i64>(4)? as u64,
                ))
            })
            .map_err(self.db())?;
        for row in rows {
            out.push(row.map_err(self.db())?);
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT hour, title, kind, opened, printed FROM documents WHERE hour >= ?1
                 ORDER BY hour, record",
            )
            .map_err(self.db())?;
        let rows = stmt
            .query_map([&since], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)? as u64,
                    r.get::<_, i64>(4)? as u64,
                ))
            })
            .map_err(self.db())?;
        for row in rows {
            let (hour, title, kind, opened, printed) = row.map_err(self.db())?;
            for (what, n) in [("查阅", opened), ("打印", printed)] {
                if n > 0 {
                    out.push((
                        hour.clone(),
                        what,
                        title.clone(),
                        kind.clone(),
                        String::new(),
                        n,
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Every stored text of the database, table by table and column by column: what a test
    /// reads to show nothing else is kept.
    pub fn every_cell(&self) -> Result<Vec<(String, String, String)>, StatsError> {
        let mut out = Vec::new();
        for table in ["searches", "documents"] {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM {table}"))
                .map_err(self.db())?;
            let names: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
            let mut rows = stmt.query([]).map_err(self.db())?;
            while let Some(row) = rows.next().map_err(self.db())? {
                for (i, name) in names.iter().enumerate() {
                    let v: rusqlite::types::Value = row.get(i).map_err(self.db())?;
                    let text = match v {
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        other => format!("{other:?}"),
                    };
                    out.push((table.to_string(), name.clone(), text));
                }
            }
        }
        Ok(out)
    }

    /// The tables of the database (a test shows there are no others).
    pub fn tables(&self) -> Result<Vec<String>, StatsError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .map_err(self.db())?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(self.db())?;
        rows.collect::<Result<_, _>>().map_err(self.db())
    }

    /// The count of one search row, for tests.
    pub fn search_count(
        &self,
        query: &str,
        kind: &str,
        outcome: Outcome,
    ) -> Result<u64, StatsError> {
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT SUM(count) FROM searches WHERE query = ?1 AND kind = ?2 AND outcome = ?3",
                params![query, kind, outcome.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.db())?
            .flatten();
        Ok(n.unwrap_or(0) as u64)
    }
}

/// The lower bound of `hour` for a day (`""` for all time).
fn since_key(since: Option<NaiveDate>) -> String {
    since
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> Hour {
        Hour::of(
            NaiveDate::from_ymd_opt(2026, 12, day)
                .unwrap()
                .and_hms_opt(hour, 59, 58)
                .unwrap(),
        )
    }

    #[test]
    fn counts_add_up_per_subject_and_since_a_day() {
        let s = StatsStore::in_memory().unwrap();
        for (day, q, kind, o) in [
            (1, "低保", "全部", Outcome::Found),
            (1, "低保", "全部", Outcome::Found),
            (2, "低保", "办事指南", Outcome::Found),
            (2, "殡葬补贴", "全部", Outcome::Nothing),
            (3, "殡葬补贴", "全部", Outcome::Nothing),
            (3, "殡葬补贴", "全部", Outcome::Partial),
            (3, "养老", "全部", Outcome::Corrected),
        ] {
            s.add_search(&at(day, 9), q, kind, o).unwrap();
        }
        let all = s.subjects(None).unwrap();
        let short: Vec<(&str, u64, u64)> = all
            .iter()
            .map(|c| (c.query.as_str(), c.searches, c.unanswered()))
            .collect();
        assert_eq!(short, [("低保", 3, 0), ("殡葬补贴", 3, 3), ("养老", 1, 0)]);
        let un = s.unanswered(None).unwrap();
        assert_eq!(un.len(), 1);
        assert_eq!((un[0].nothing, un[0].partial), (2, 1));
        let since = s.subjects(NaiveDate::from_ymd_opt(2026, 12, 3)).unwrap();
        let short: Vec<(&str, u64)> = since
            .iter()
            .map(|c| (c.query.as_str(), c.searches))
            .collect();
        assert_eq!(short, [("殡葬补贴", 2), ("养老", 1)]);
        assert_eq!(s.search_count("低保", "全部", Outcome::Found).unwrap(), 2);
    }

    #[test]
    fn documents_count_openings_and_printings_and_hours_keep_no_minutes() {
        let s = StatsStore::in_memory().unwrap();
        s.add_document(&at(1, 9), "gi/a", "甲", "政府信息", false)
            .unwrap();
        s.add_document(&at(1, 9), "gi/a", "甲", "政府信息", true)
            .unwrap();
        s.add_document(&at(1, 10), "gi/a", "甲", "政府信息", false)
            .unwrap();
        s.add_document(&at(1, 10), "gi/b", "乙", "政府信息", false)
            .unwrap();
        let docs = s.documents(None).unwrap();
        let short: Vec<(&str, u64, u64)> = docs
            .iter()
            .map(|d| (d.title.as_str(), d.opened, d.printed))
            .collect();
        assert_eq!(short, [("甲", 2, 1), ("乙", 1, 0)]);
        assert_eq!(at(1, 9).as_str(), "2026-12-01 09");
        let hours: Vec<String> = s
            .every_cell()
            .unwrap()
            .into_iter()
            .filter(|(_, c, _)| c == "hour")
            .map(|(_, _, v)| v)
            .collect();
        assert_eq!(hours, ["2026-12-01 09", "2026-12-01 10", "2026-12-01 10"]);
    }

    #[test]
    fn a_file_of_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        drop(StatsStore::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            StatsStore::open(&path),
            Err(StatsError::TooNew { found: 99, .. })
        ));
    }
}
