//! 公开属性: the one rule that decides whether a record may reach the public index, for every
//! importer. Fails closed. Knows nothing about files or formats: it reads the texts it is given.

use super::Kind;
use serde::{Deserialize, Serialize};

/// 公开属性: only [`Disclosure::Proactive`] records may ever reach the public index.
///
/// Importers never pick one themselves: [`decide_disclosure`] reads it from what a record carries,
/// and fails closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Disclosure {
    #[serde(rename = "主动公开")]
    Proactive,
    #[serde(rename = "依申请公开")]
    OnRequest,
    #[serde(rename = "不予公开")]
    Withheld,
    /// Government information carrying no 公开属性 at all (no field, no 附注) from a source with no
    /// `default_disclosure`: not public, like the two above. The default, so that a record nobody
    /// decided about is never public.
    #[default]
    #[serde(rename = "未标明公开属性")]
    Unmarked,
}

/// Labels of the metadata field that holds the 公开属性 (after [`crate::text::compact`]).
pub const DISCLOSURE_LABELS: [&str; 4] = ["公开属性", "公开方式", "公开类型", "公开形式"];

/// The 附注 wordings of a body (after [`crate::text::compact`]), negative ones first.
const BODY_NOTES: [(&str, Disclosure); 6] = [
    ("此件不予公开", Disclosure::Withheld),
    ("此件不公开", Disclosure::Withheld),
    ("此件免予公开", Disclosure::Withheld),
    ("此件依申请公开", Disclosure::OnRequest),
    ("此件公开发布", Disclosure::Proactive),
    ("此件主动公开", Disclosure::Proactive),
];

impl Disclosure {
    pub const LABELS: [(&'static str, Disclosure); 3] = [
        ("主动公开", Disclosure::Proactive),
        ("依申请公开", Disclosure::OnRequest),
        ("不予公开", Disclosure::Withheld),
    ];

    pub fn label(self) -> &'static str {
        match self {
            Disclosure::Proactive => "主动公开",
            Disclosure::OnRequest => "依申请公开",
            Disclosure::Withheld => "不予公开",
            Disclosure::Unmarked => "未标明公开属性",
        }
    }

    /// One of the three labels exactly as written (configuration): `主动公开`, `依申请公开`,
    /// `不予公开`.
    pub fn from_label(text: &str) -> Option<Disclosure> {
        Disclosure::LABELS
            .into_iter()
            .find(|(l, _)| *l == text.trim())
            .map(|(_, d)| d)
    }

    /// Reads a 公开属性 field however it was typed (width, spaces, zero-width marks, traditional
    /// characters, brackets). `None` for an empty field; any value that is not plainly 主动公开
    /// (e.g. `内部`) is read as [`Disclosure::Withheld`]: fail closed.
    pub fn from_field(value: &str) -> Option<Disclosure> {
        let v = crate::text::compact(value);
        if v.is_empty() {
            None
        } else if v.contains("不予公开") || v.contains("不公开") || v.contains("免予公开")
        {
            Some(Disclosure::Withheld)
        } else if v.contains("依申请") {
            Some(Disclosure::OnRequest)
        } else if v == "主动公开" {
            Some(Disclosure::Proactive)
        } else {
            tracing::warn!(value = %value, "unrecognised 公开属性 value: read as 不予公开");
            Some(Disclosure::Withheld)
        }
    }

    /// Reads the 附注 a document carries in its text (“（此件公开发布）”, “（此件不予公开）”…),
    /// however spelt. A negative note anywhere wins over a positive one; `None` without a note.
    pub fn from_marking(text: &str) -> Option<Disclosure> {
        // A window after each 此 (the same character in both scripts) is enough for the longest
        // note with separators between its characters, and keeps whole laws cheap to scan.
        const WINDOW: usize = 64;
        let mut found: Option<Disclosure> = None;
        for (i, _) in text.match_indices('此') {
            let window: String = text[i..].chars().take(WINDOW).collect();
            let window = crate::text::compact(&window);
            if let Some((_, d)) = BODY_NOTES.iter().find(|(n, _)| window.starts_with(n)) {
                found = Some(found.map_or(*d, |f| f.stricter(*d)));
            }
        }
        found
    }

    /// Whether this attribute lets a record into the public index.
    pub fn is_public(self) -> bool {
        self == Disclosure::Proactive
    }

    /// The more restrictive of two: 不予公开 over 依申请公开 over no attribute over 主动公开.
    pub fn stricter(self, other: Disclosure) -> Disclosure {
        let rank = |d| match d {
            Disclosure::Proactive => 0,
            Disclosure::Unmarked => 1,
            Disclosure::OnRequest => 2,
            Disclosure::Withheld => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// The one rule every importer uses to decide a record's 公开属性. Fails closed:
/// - a negative marking anywhere (the field, or a 附注 such as 此件不予公开 in `text`) wins;
/// - else a field reading 主动公开, or a 附注 此件公开发布 / 此件主动公开, makes it public;
/// - else the source's `default_disclosure` applies;
/// - else government information is [`Disclosure::Unmarked`] (not public), while service-guide
///   items and laws, published by nature, are public.
///
/// `field` is the raw 公开属性 value when the record has one; `text` is every text of the record
/// where a 附注 may stand (at least the body).
pub fn decide_disclosure(
    field: Option<&str>,
    text: &str,
    default: Option<Disclosure>,
    kind: Kind,
) -> Disclosure {
    let field = field.and_then(Disclosure::from_field);
    let note = Disclosure::from_marking(text);
    let marked = match (field, note) {
        (Some(f), Some(n)) => Some(f.stricter(n)),
        (f, n) => f.or(n),
    };
    match marked {
        Some(d) => d,
        None => default.unwrap_or(match kind {
            Kind::GovernmentInfo => Disclosure::Unmarked,
            Kind::ServiceGuide | Kind::Law => Disclosure::Proactive,
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalog::Record;

    /// Every spelling of a 公开属性 field the audit of issue 22 tried, and more.
    pub(crate) const FIELD_SPELLINGS: [(&str, Disclosure); 24] = [
        ("主动公开", Disclosure::Proactive),
        (" 主动公开 ", Disclosure::Proactive),
        ("主 动 公 开", Disclosure::Proactive),
        ("主动\u{3000}公开", Disclosure::Proactive),
        ("【主动公开】", Disclosure::Proactive),
        ("（主动公开）", Disclosure::Proactive),
        ("主动公開", Disclosure::Proactive),
        ("主动\u{200b}公开", Disclosure::Proactive),
        ("依申请公开", Disclosure::OnRequest),
        ("依申請公開", Disclosure::OnRequest),
        ("依申请 公开", Disclosure::OnRequest),
        ("依\u{feff}申请\u{2060}公开", Disclosure::OnRequest),
        ("【依申请公开】", Disclosure::OnRequest),
        ("不予公开", Disclosure::Withheld),
        ("不予公開", Disclosure::Withheld),
        ("不 予 公 开", Disclosure::Withheld),
        ("不予\u{3000}公开", Disclosure::Withheld),
        ("不予\u{200c}公\u{200d}开", Disclosure::Withheld),
        ("（不予公开）", Disclosure::Withheld),
        ("【不予公开】", Disclosure::Withheld),
        ("ＮＯ", Disclosure::Withheld),
        ("内部", Disclosure::Withheld),
        ("非主动公开", Disclosure::Withheld),
        ("主动公开、不予公开", Disclosure::Withheld),
    ];

    /// Every spelling of a 附注 in a body.
    pub(crate) const NOTE_SPELLINGS: [(&str, Option<Disclosure>); 16] = [
        ("正文。\n（此件公开发布）", Some(Disclosure::Proactive)),
        ("正文。\n（此件主动公开）", Some(Disclosure::Proactive)),
        ("正文。\n（此件不予公开）", Some(Disclosure::Withheld)),
        ("正文。\n（此件不予公開）", Some(Disclosure::Withheld)),
        ("正文。\n此 件 不 予 公 开", Some(Disclosure::Withheld)),
        ("正文。\n此件\u{200b}不予公开", Some(Disclosure::Withheld)),
        (
            "正文。\n（此件\u{3000}不予\u{3000}公开）",
            Some(Disclosure::Withheld),
        ),
        ("正文。\n【此件不予公开】", Some(Disclosure::Withheld)),
        ("正文。\n（此件依申请公开）", Some(Disclosure::OnRequest)),
        ("正文。\n（此件依申请 公开）", Some(Disclosure::OnRequest)),
        ("正文。\n（此件依申請公開）", Some(Disclosure::OnRequest)),
        (
            "（此件公开发布）\n（此件不予公开）",
            Some(Disclosure::Withheld),
        ),
        (
            "（此件不予公开）\n（此件公开发布）",
            Some(Disclosure::Withheld),
        ),
        // Law texts speak of 不予公开 and 依申请公开 without being withheld themselves.
        (
            "行政机关对依申请公开的政府信息，不予公开的应当说明理由。此外，",
            None,
        ),
        ("正文", None),
        ("", None),
    ];

    #[test]
    fn every_spelling_of_a_disclosure_field_is_read_and_anything_else_is_withheld() {
        for (value, want) in FIELD_SPELLINGS {
            assert_eq!(Disclosure::from_field(value), Some(want), "{value:?}");
        }
        for empty in ["", "  ", "\u{200b}", "【】"] {
            assert_eq!(Disclosure::from_field(empty), None, "{empty:?}");
        }
    }

    #[test]
    fn every_spelling_of_a_note_in_the_body_is_read() {
        for (body, want) in NOTE_SPELLINGS {
            assert_eq!(Disclosure::from_marking(body), want, "{body:?}");
        }
    }

    #[test]
    fn the_decision_fails_closed_and_a_negative_marking_always_wins() {
        use Disclosure::*;
        use Kind::*;
        let published = Some(Proactive);
        /// (field, body, default, kind, decision)
        type Case<'a> = (
            Option<&'a str>,
            &'a str,
            Option<Disclosure>,
            Kind,
            Disclosure,
        );
        let cases: [Case; 18] = [
            (Some("主动公开"), "正文", None, GovernmentInfo, Proactive),
            (
                None,
                "正文（此件公开发布）",
                None,
                GovernmentInfo,
                Proactive,
            ),
            (None, "正文", None, GovernmentInfo, Unmarked),
            (Some(""), "正文", None, GovernmentInfo, Unmarked),
            (None, "正文", published, GovernmentInfo, Proactive),
            (None, "正文", Some(Withheld), GovernmentInfo, Withheld),
            (
                Some("主动公开"),
                "正文（此件不予公開）",
                None,
                GovernmentInfo,
                Withheld,
            ),
            (
                Some("主动公开"),
                "（此件依申请 公开）",
                None,
                GovernmentInfo,
                OnRequest,
            ),
            (
                Some("依申请公开"),
                "（此件公开发布）",
                None,
                GovernmentInfo,
                OnRequest,
            ),
            (
                Some("不予公开"),
                "正文",
                published,
                GovernmentInfo,
                Withheld,
            ),
            (
                None,
                "（此件不予公开）",
                published,
                GovernmentInfo,
                Withheld,
            ),
            (
                Some("内部"),
                "（此件公开发布）",
                published,
                GovernmentInfo,
                Withheld,
            ),
            (
                Some("依申请公开"),
                "正文",
                Some(Proactive),
                GovernmentInfo,
                OnRequest,
            ),
            (None, "第一条 ……", None, Law, Proactive),
            (None, "第一条 ……（此件不予公开）", None, Law, Withheld),
            (None, "受理条件", None, ServiceGuide, Proactive),
            (Some("不予公开"), "受理条件", None, ServiceGuide, Withheld),
            (Some("依申請公開"), "第一条", None, Law, OnRequest),
        ];
        for (field, body, default, kind, want) in cases {
            assert_eq!(
                decide_disclosure(field, body, default, kind),
                want,
                "{field:?} {body:?} {default:?} {kind:?}"
            );
        }
        for (value, want) in FIELD_SPELLINGS {
            assert_eq!(
                decide_disclosure(Some(value), "正文", published, GovernmentInfo),
                want,
                "{value:?}"
            );
        }
    }

    #[test]
    fn only_the_three_labels_are_configuration_values() {
        assert_eq!(
            Disclosure::from_label("主动公开"),
            Some(Disclosure::Proactive)
        );
        assert_eq!(
            Disclosure::from_label("不予公开"),
            Some(Disclosure::Withheld)
        );
        assert_eq!(Disclosure::from_label("公开"), None);
        assert_eq!(Disclosure::from_label("未标明公开属性"), None);
    }

    #[test]
    fn a_record_nobody_decided_about_is_not_public() {
        let r = Record::new("s", "a".into(), Kind::Law, "t".into(), "b".into());
        assert!(!r.is_public());
    }
}
