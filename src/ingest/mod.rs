//! Importers: one file per source format, each turning data on disk into catalog records.
//!
//! Owns reading source files and the import report (what came in, what was skipped and why,
//! what was withheld from the public index). Must not touch the index: it hands back records.

mod kiosk_jsonl;
mod law_markdown;
mod mapped_jsonl;
mod portal_html;

use crate::catalog::{Disclosure, Record};
use crate::config::{Format, SourceSettings};
use std::collections::HashSet;
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
    /// Records marked 依申请公开: kept out of the public index.
    pub on_request: usize,
    /// Records marked 不予公开: kept out of the public index.
    pub withheld: usize,
    /// Files that are not records by design (e.g. `_index.md`), counted, not reported one by one.
    pub ignored_files: usize,
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

/// Imports one configured source. Records not published proactively are removed here and
/// counted; records with an empty title or a duplicate source id are skipped with a reason.
pub fn import_source(source: &SourceSettings) -> Result<SourceImport, IngestError> {
    let raw = match source.format {
        Format::PortalHtml => portal_html::import(source)?,
        Format::LawMarkdown => law_markdown::import(source)?,
        Format::MappedJsonl => mapped_jsonl::import(source)?,
        Format::KioskJsonl => kiosk_jsonl::import(source)?,
    };
    let mut report = SourceReport {
        source: source.name.clone(),
        format: source.format.name(),
        skipped: raw.skipped,
        ignored_files: raw.ignored_files,
        ..SourceReport::default()
    };
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(raw.records.len());
    for record in raw.records {
        if record.title.trim().is_empty() {
            report.skipped.push(Skip {
                location: record.source_id.clone(),
                reason: "no title".into(),
            });
            continue;
        }
        if !seen.insert(record.source_id.clone()) {
            report.skipped.push(Skip {
                location: record.source_id.clone(),
                reason: "duplicate source id".into(),
            });
            continue;
        }
        match record.disclosure {
            Disclosure::Proactive => records.push(record),
            Disclosure::OnRequest => report.on_request += 1,
            Disclosure::Withheld => report.withheld += 1,
        }
    }
    report.imported = records.len();
    tracing::info!(
        source = %source.name,
        imported = report.imported,
        skipped = report.skipped.len(),
        not_public = report.on_request + report.withheld,
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
