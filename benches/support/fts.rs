//! The baseline: SQLite FTS5 with the trigram tokenizer over the same records (title and body),
//! asked the same raw queries for the top 10 by bm25 with a snippet, timed the same way.
//!
//! How a query becomes FTS5 input: the query is split at every character that is not a letter,
//! digit or Han character; every run of 3 or more characters contributes its overlapping
//! trigrams as quoted strings, all joined with OR (any shared trigram makes a candidate, bm25
//! ranks, title weighted 3 as in our index). Runs shorter than 3 characters cannot be looked up
//! in a trigram index: when the query has a longer run they are dropped; when it has none (e.g.
//! `低保`, `考编`) the query is answered by `LIKE '%run%'` on title or body, which SQLite runs as
//! a full scan, in table order (no bm25 is available without a MATCH).

use kiosk::catalog::Record;
use rusqlite::Connection;
use std::path::Path;

/// How one query was put to FTS5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// An FTS5 MATCH expression (OR of trigrams); `dropped` short runs were left out.
    Match { expr: String, dropped: usize },
    /// No run of 3 characters: full-scan LIKE on every run (AND).
    Like(Vec<String>),
    /// Nothing searchable (only punctuation).
    Empty,
}

/// The FTS5 input for a raw query.
pub fn plan(raw: &str) -> Plan {
    let runs: Vec<Vec<char>> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().collect())
        .collect();
    let mut trigrams: Vec<String> = Vec::new();
    let mut dropped = 0;
    for run in &runs {
        if run.len() < 3 {
            dropped += 1;
            continue;
        }
        for w in run.windows(3) {
            let t: String = w.iter().collect();
            if !trigrams.contains(&t) {
                trigrams.push(t);
            }
        }
    }
    if !trigrams.is_empty() {
        let expr = trigrams
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" OR ");
        Plan::Match { expr, dropped }
    } else if !runs.is_empty() {
        Plan::Like(runs.into_iter().map(|r| r.into_iter().collect()).collect())
    } else {
        Plan::Empty
    }
}

/// An FTS5 trigram database of records.
pub struct Fts {
    conn: Connection,
}

impl Fts {
    /// Creates the database file and inserts the public records (title and body) in one
    /// transaction.
    pub fn build(path: &Path, records: &[Record]) -> Fts {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
             CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='trigram');",
        )
        .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut ins = tx
                .prepare("INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3)")
                .unwrap();
            for r in records.iter().filter(|r| r.is_public()) {
                ins.execute((&r.source_id, &r.title, &r.body)).unwrap();
            }
        }
        tx.commit().unwrap();
        conn.execute_batch("INSERT INTO docs(docs) VALUES('optimize');")
            .unwrap();
        Fts { conn }
    }

    /// An existing database holding exactly `records` rows (kept by `KIOSK_BENCH_KEEP`), or
    /// `None` when there is none or it is incomplete.
    pub fn open_complete(path: &Path, records: usize) -> Option<Fts> {
        if !path.exists() {
            return None;
        }
        let fts = Fts {
            conn: Connection::open(path).ok()?,
        };
        let n: i64 = fts
            .conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get(0))
            .ok()?;
        (n as usize == records).then_some(fts)
    }

    pub fn count(&self) -> usize {
        self.conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
            .unwrap() as usize
    }

    /// The top 10 (id, title, snippet) for a plan.
    pub fn search(&self, plan: &Plan) -> Vec<(String, String, String)> {
        let row = |r: &rusqlite::Row| -> rusqlite::Result<(String, String, String)> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        };
        match plan {
            Plan::Empty => Vec::new(),
            Plan::Match { expr, .. } => {
                let mut st = self
                    .conn
                    .prepare_cached(
                        "SELECT id, title, snippet(docs, 2, '[', ']', '…', 40) FROM docs \
                         WHERE docs MATCH ?1 ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10",
                    )
                    .unwrap();
                let rows = st.query_map([expr], row).unwrap();
                rows.map(Result::unwrap).collect()
            }
            Plan::Like(runs) => {
                let cond = (1..=runs.len())
                    .map(|i| format!("(title LIKE ?{i} OR body LIKE ?{i})"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let sql = format!(
                    "SELECT id, title, substr(body, 1, 110) FROM docs WHERE {cond} LIMIT 10"
                );
                let mut st = self.conn.prepare_cached(&sql).unwrap();
                let params: Vec<String> = runs.iter().map(|r| format!("%{r}%")).collect();
                let rows = st
                    .query_map(rusqlite::params_from_iter(params.iter()), row)
                    .unwrap();
                rows.map(Result::unwrap).collect()
            }
        }
    }
}
