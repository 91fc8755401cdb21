//! Search-demand statistics (条例 Art. 44, 建议主动公开): how often each subject was searched, by
//! kind and hour, which searches found nothing, and which documents were opened and printed, so
//! staff can see what to publish proactively.
//!
//! Owns the statistics file (`search-stats.sqlite`, beside the request register in the kiosk's
//! state folder) and what goes into it. Nothing personal is kept: a query is stored normalised,
//! cut to [`MAX_QUERY_CHARS`], and dropped when it holds what looks like an ID number, a phone
//! number or an e-mail address ([`subject_of`]); time only as the hour; nothing of the request
//! form ever comes here. The search worker writes (never the UI thread); `kiosk stats` and the
//! staff area read. Must not know egui.

mod export;
mod recorder;
mod store;
mod tally;

pub use export::{write_csv, write_xlsx, DETAIL_HEADERS};
pub use recorder::Recorder;
pub use store::{DetailRow, DocumentCount, Hour, StatsStore, SubjectCount};
pub use tally::{SearchSeen, Tally, SETTLE};

use std::path::{Path, PathBuf};

/// The longest query kept, in characters: a subject, not a text.
pub const MAX_QUERY_CHARS: usize = 40;

/// The file name of the statistics database.
pub const STATS_FILE: &str = "search-stats.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("statistics file {path}: {source}")]
    Db {
        path: String,
        source: rusqlite::Error,
    },
    #[error("statistics file {path} has schema version {found}, newer than this program knows ({known}); update the kiosk software")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("cannot create the folder of the statistics file {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Export(#[from] crate::requests::export::ExportError),
}

/// Where the statistics live: the state folder of the kiosk, i.e. the folder of the request
/// register (`requests.register`), e.g. `/var/lib/kiosk/search-stats.sqlite`.
pub fn stats_path(settings: &crate::config::Settings) -> PathBuf {
    settings
        .requests
        .register
        .parent()
        .unwrap_or(Path::new("."))
        .join(STATS_FILE)
}

/// What a search is filed under: the kind chosen (政府信息, 办事指南, 法律法规) or 全部.
pub const ALL_KINDS: &str = "全部";

/// How a search was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Hits for the query as typed.
    Found,
    /// Nothing as typed; the hits of its correction (「您是不是要找」) were shown.
    Corrected,
    /// Nothing fully matching; records matching it in part were shown.
    Partial,
    /// Nothing at all.
    Nothing,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Found,
        Outcome::Corrected,
        Outcome::Partial,
        Outcome::Nothing,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Found => "found",
            Outcome::Corrected => "corrected",
            Outcome::Partial => "partial",
            Outcome::Nothing => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The wording in exports.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Found => "有结果",
            Outcome::Corrected => "按纠错词有结果",
            Outcome::Partial => "仅部分相关",
            Outcome::Nothing => "无结果",
        }
    }

    /// Whether the visitor got nothing that fully answers the query: what staff should look at.
    pub fn unanswered(self) -> bool {
        matches!(self, Outcome::Partial | Outcome::Nothing)
    }
}

/// The subject a query is counted under: normalised (simplified, half-width, lower case), runs
/// of spaces made one, cut to [`MAX_QUERY_CHARS`]. `None` for a query under two characters, or
/// one that may hold personal data: eleven or more digits in a row (an ID number, a phone
/// number; spaces and hyphens between digits do not hide them) or an `@`.
pub fn subject_of(query: &str) -> Option<String> {
    let normal: String = crate::search::analysis::normalize(query)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = normal.split_whitespace().collect();
    let subject: String = words.join(" ").chars().take(MAX_QUERY_CHARS).collect();
    if subject.chars().count() < 2 || looks_personal(&normal) {
        return None;
    }
    Some(subject)
}

fn looks_personal(text: &str) -> bool {
    if text.contains('@') {
        return true;
    }
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 11 {
                return true;
            }
        } else if !(c.is_whitespace() || c == '-') {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_normalised_and_personal_looking_queries_dropped() {
        for (query, want) in [
            ("  最低生活保障  ", Some("最低生活保障")),
            ("社保   查询", Some("社保 查询")),
            ("ＡＢＣ養老", Some("abc养老")),
            ("国发〔2019〕5号", Some("国发〔2019〕5号")),
            ("000014349/2019-00007", Some("000014349/2019-00007")),
            (
                "11330199MB1A00092N/2024-00010",
                Some("11330199mb1a00092n/2024-00010"),
            ),
            ("养", None),
            ("", None),
            ("11010519491231002X", None),
            ("110105 19491231 002X", None),
            ("张三 13812345678", None),
            ("138-1234-5678", None),
            ("zhang@example.com", None),
        ] {
            assert_eq!(subject_of(query).as_deref(), want, "{query:?}");
        }
        assert_eq!(
            subject_of(&"长".repeat(100)).unwrap().chars().count(),
            MAX_QUERY_CHARS
        );
    }
}
