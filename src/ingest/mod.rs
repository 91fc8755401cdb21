//! Importers: one file per source format, each turning data on disk into catalog records.
//!
//! Owns reading source files and the import report (what came in, what was skipped and why,
//! what was withheld from the public index). Must not touch the index: it hands back records.

mod csv_rows;
mod kiosk_jsonl;
mod law_markdown;
mod mapped_jsonl;
mod portal_html;

use crate::catalog::{Disclosure, Record};
use crate::config::{Format, SourceSettings};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub use law_markdown::law_validity_from_versions;

/// A whole source could not be read (missing folder, unreadable file).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("source `{source_name}`: cannot read {path}: {error}")]
    Io {
        source_name: String,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("source `{source_name}`: cannot read law database {path}: {error}")]
    LawDb {
        source_name: String,
        path: PathBuf,
        error: rusqlite::Error,
    },
}

/// One record that was not imported, with where it was and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// File, and line or record where the format has them: `notices.jsonl:17`, `a/b.md`.
    pub location: String,
    pub reason: String,
}

/// What one source yielded.
#[derive(Debug, Clone, Default)]
pub struct SourceReport {
    pub source: String,
    pub format: &'static str,
    pub imported: usize,
    pub skipped: Vec<Skip>,
    /// Records marked 依申请公开: their text is kept out of the public index.
    pub on_request: usize,
    /// Of those, the ones offered by their 政府信息公开目录 entry (title, issuer, 索引号, no text;
    /// [`crate::catalog::Record::on_request_entry`]): all with a title. Counted in `imported`.
    pub on_request_entries: usize,
    /// Records marked 不予公开, or with a 公开属性 that is not plainly 主动公开: kept out of the
    /// public index.
    pub withheld: usize,
    /// Government information with no 公开属性 at all (no field, no 附注, no `default_disclosure`
    /// for the source): kept out of the public index.
    pub unmarked: usize,
    /// Files that are not records by design (e.g. `_index.md`), counted, not reported one by one.
    pub ignored_files: usize,
    /// Source ids of every record this run saw as not public (依申请公开, 不予公开 or none), sorted and
    /// without repeats: withdrawals the pipeline applies whatever the safety gate says.
    pub not_public_ids: Vec<String>,
}

impl SourceReport {
    /// Records kept out of the public index, of every kind.
    pub fn not_public(&self) -> usize {
        self.on_request + self.withheld + self.unmarked
    }
}

/// Records of one source plus its report.
#[derive(Debug, Default)]
pub struct SourceImport {
    pub records: Vec<Record>,
    pub report: SourceReport,
}

/// What an importer hands back before the common checks: records and per-record skips.
#[derive(Debug, Default)]
pub(crate) struct RawImport {
    pub records: Vec<Record>,
    pub skipped: Vec<Skip>,
    pub ignored_files: usize,
}

impl RawImport {
    pub(crate) fn skip(&mut self, location: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skip {
            location: location.into(),
            reason: reason.into(),
        });
    }
}

/// Imports one configured source. Every importer decides each record's 公开属性 with
/// [`crate::catalog::decide_disclosure`]; records not published proactively are removed here and
/// counted by kind (a 依申请公开 record is replaced by its catalogue entry, without its text); records with an empty title or a duplicate source id are skipped with a reason.
pub fn import_source(source: &SourceSettings) -> Result<SourceImport, IngestError> {
    let raw = match source.format {
        Format::PortalHtml => portal_html::import(source)?,
        Format::LawMarkdown => law_markdown::import(source)?,
        Format::MappedJsonl => mapped_jsonl::import(source)?,
        Format::KioskJsonl => kiosk_jsonl::import(source)?,
        Format::Csv => csv_rows::import(source)?,
    };
    let mut report = SourceReport {
        source: source.name.clone(),
        format: source.format.name(),
        skipped: raw.skipped,
        ignored_files: raw.ignored_files,
        ..SourceReport::default()
    };
    // Any line of an id that is not public withdraws the id, whichever line comes first: a later
    // line that withdraws a record must not lose to an earlier public copy.
    let mut strictest: HashMap<String, Disclosure> = HashMap::new();
    for r in &raw.records {
        let d = strictest.entry(r.source_id.clone()).or_insert(r.disclosure);
        *d = d.stricter(r.disclosure);
    }
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(raw.records.len());
    for mut record in raw.records {
        if !seen.insert(record.source_id.clone()) {
            report.skipped.push(Skip {
                location: record.source_id.clone(),
                reason: "duplicate source id".into(),
            });
            continue;
        }
        if let Some(&d) = strictest.get(&record.source_id) {
            record.disclosure = d;
        }
        match record.disclosure {
            Disclosure::Proactive if record.title.trim().is_empty() => {
                report.skipped.push(Skip {
                    location: record.source_id.clone(),
                    reason: "no title".into(),
                });
            }
            Disclosure::Proactive => records.push(record),
            Disclosure::OnRequest => {
                // The text stays out; the 公开目录 entry (title, issuer, 索引号) is public.
                report.on_request += 1;
                if let Some(entry) = record.on_request_entry() {
                    report.on_request_entries += 1;
                    records.push(entry);
                }
                report.not_public_ids.push(record.source_id);
            }
            Disclosure::Withheld => {
                report.withheld += 1;
                report.not_public_ids.push(record.source_id);
            }
            Disclosure::Unmarked => {
                report.unmarked += 1;
                report.not_public_ids.push(record.source_id);
            }
        }
    }
    report.not_public_ids.sort();
    report.imported = records.len();
    tracing::info!(
        source = %source.name,
        imported = report.imported,
        skipped = report.skipped.len(),
        on_request = report.on_request,
        on_request_entries = report.on_request_entries,
        withheld = report.withheld,
        unmarked = report.unmarked,
        "source imported"
    );
    Ok(SourceImport { records, report })
}

/// Collapses whitespace runs (ASCII and full-width) to single spaces and trims.
pub(crate) fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Turns the placeholder words data exports use for "nothing" into `None`.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let t = clean_text(text);
    match t.as_str() {
        "" | "无" | "暂无" | "null" | "None" | "/" | "-" => None,
        _ => Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kiosk_jsonl_source(lines: &[&str]) -> (tempfile::NamedTempFile, SourceSettings) {
        use std::io::Write;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        let source = SourceSettings {
            name: "t".into(),
            kind: crate::catalog::Kind::GovernmentInfo,
            format: Format::KioskJsonl,
            path: f.path().to_path_buf(),
            url_template: None,
            mapping: None,
            default_disclosure: None,
        };
        (f, source)
    }

    /// Issue 22 item 4: the first line of an id used to win before the disclosure check, so a
    /// later line withdrawing the record was ignored.
    #[test]
    fn a_later_line_that_withdraws_an_id_wins_over_an_earlier_public_one() {
        let (_f, source) = kiosk_jsonl_source(&[
            r#"{"id":"a","kind":"government_info","title":"关于甲的通知","disclosure":"主动公开","body":"正文"}"#,
            r#"{"id":"b","kind":"government_info","title":"关于乙的通知","disclosure":"主动公开","body":"正文"}"#,
            r#"{"id":"a","kind":"government_info","title":"关于甲的通知","disclosure":"不予公开","body":"正文"}"#,
            r#"{"id":"b","kind":"government_info","title":"关于乙的通知","disclosure":"主动公开","body":"正文"}"#,
            r#"{"id":"c","kind":"government_info","title":"","disclosure":"依申请公开","body":"正文"}"#,
        ]);
        let out = import_source(&source).unwrap();
        let ids: Vec<&str> = out.records.iter().map(|r| r.source_id.as_str()).collect();
        assert_eq!(ids, ["b"]);
        assert_eq!(out.report.withheld, 1);
        assert_eq!(out.report.on_request, 1);
        assert_eq!(out.report.not_public_ids, ["a", "c"]);
        assert_eq!(out.report.skipped.len(), 2, "{:?}", out.report.skipped);
    }

    /// Issue 22: a record with no 公开属性 is not public, is counted apart, and its id is a
    /// withdrawal like any other not-public id (also when another line of the id is public).
    #[test]
    fn records_without_a_disclosure_attribute_are_counted_and_withdrawn() {
        let (_f, source) = kiosk_jsonl_source(&[
            r#"{"id":"a","kind":"government_info","title":"关于甲的通知","disclosure":"主动公开","body":"正文"}"#,
            r#"{"id":"b","kind":"government_info","title":"关于乙的通知","body":"正文"}"#,
            r#"{"id":"c","kind":"government_info","title":"关于丙的通知","disclosure":"主动公开","body":"正文"}"#,
            r#"{"id":"c","kind":"government_info","title":"关于丙的通知","body":"正文"}"#,
            r#"{"id":"d","kind":"government_info","title":"关于丁的通知","disclosure":"内部","body":"正文"}"#,
        ]);
        let out = import_source(&source).unwrap();
        let ids: Vec<&str> = out.records.iter().map(|r| r.source_id.as_str()).collect();
        assert_eq!(ids, ["a"]);
        assert_eq!(
            (
                out.report.on_request,
                out.report.withheld,
                out.report.unmarked
            ),
            (0, 1, 2)
        );
        assert_eq!(out.report.not_public(), 3);
        assert_eq!(out.report.not_public_ids, ["b", "c", "d"]);
    }

    /// Issue 21 item 8: a 依申请公开 record comes out as its catalogue entry (no text), counted,
    /// while its own id is still a withdrawal; a 不予公开 one has no entry.
    #[test]
    fn an_on_request_record_becomes_its_catalogue_entry_and_its_id_stays_withdrawn() {
        let (_f, source) = kiosk_jsonl_source(&[
            r#"{"id":"a","kind":"government_info","title":"关于甲的通知","disclosure":"依申请公开","index_number":"000014349/2019-00007","issuer":"青禾县民政局","keywords":["甲"],"body":"正文甲乙丙"}"#,
            r#"{"id":"b","kind":"government_info","title":"关于乙的通知","disclosure":"不予公开","body":"正文"}"#,
        ]);
        let out = import_source(&source).unwrap();
        assert_eq!(out.records.len(), 1);
        let entry = &out.records[0];
        assert_eq!(entry.source_id, "a#on-request");
        assert!(entry.is_on_request_entry() && entry.body.is_empty() && entry.keywords.is_empty());
        assert_eq!(entry.index_number.as_deref(), Some("000014349/2019-00007"));
        assert_eq!(entry.issuer.as_deref(), Some("青禾县民政局"));
        let r = &out.report;
        assert_eq!(
            (r.imported, r.on_request, r.on_request_entries, r.withheld),
            (1, 1, 1, 1)
        );
        assert_eq!(r.not_public_ids, ["a", "b"]);
    }

    #[test]
    fn clean_text_collapses_ascii_and_full_width_spaces() {
        assert_eq!(clean_text("  标　　题：\n 国务院 "), "标 题： 国务院");
    }

    #[test]
    fn placeholder_words_mean_nothing() {
        assert_eq!(non_empty("无"), None);
        assert_eq!(non_empty("  "), None);
        assert_eq!(non_empty(" 不收费 ").as_deref(), Some("不收费"));
    }
}
