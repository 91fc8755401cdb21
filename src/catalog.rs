//! The domain records the kiosk shows: government documents, service-guide items and laws.
//!
//! Owns the plain data types and the parsing of the few identifiers that arrive as free text
//! (发文字号, 索引号, dates). Knows nothing about files, the index or the screen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What sort of record this is; the three sections of the disclosure zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 政府信息: notices, 规范性文件, 政策解读, portal disclosure pages.
    GovernmentInfo,
    /// 办事指南 (办事一本通) items.
    ServiceGuide,
    /// 法律法规: laws, regulations, rules, judicial interpretations.
    Law,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::GovernmentInfo, Kind::ServiceGuide, Kind::Law];

    /// The label shown to citizens.
    pub fn label(self) -> &'static str {
        match self {
            Kind::GovernmentInfo => "政府信息",
            Kind::ServiceGuide => "办事指南",
            Kind::Law => "法律法规",
        }
    }

    /// The machine name used in configuration and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::GovernmentInfo => "government_info",
            Kind::ServiceGuide => "service_guide",
            Kind::Law => "law",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// 效力状态 of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Validity {
    #[default]
    #[serde(rename = "有效")]
    Effective,
    /// Replaced by a newer version or expired.
    #[serde(rename = "失效")]
    Expired,
    #[serde(rename = "废止")]
    Repealed,
    #[serde(rename = "已修改")]
    Amended,
}

impl Validity {
    pub fn label(self) -> &'static str {
        match self {
            Validity::Effective => "有效",
            Validity::Expired => "失效",
            Validity::Repealed => "废止",
            Validity::Amended => "已修改",
        }
    }

    pub fn parse(s: &str) -> Option<Validity> {
        match s.trim() {
            "有效" | "现行有效" => Some(Validity::Effective),
            "失效" | "已失效" => Some(Validity::Expired),
            "废止" | "已废止" => Some(Validity::Repealed),
            "已修改" | "修改" => Some(Validity::Amended),
            _ => None,
        }
    }

    /// Whether the document is still in force as published.
    pub fn is_current(self) -> bool {
        self == Validity::Effective
    }
}

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

/// One item of a service guide's 申请材料 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Material {
    /// `名称（原件，2份，备注）`: the name with its form, copies and note, as screen and paper
    /// list it.
    pub fn line(&self) -> String {
        let extra: Vec<String> = [
            self.form.clone(),
            self.copies.map(|c| format!("{c}份")),
            self.note.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if extra.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, extra.join("，"))
        }
    }
}

/// The 办事一本通 fields of a service-guide item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_objects: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<Material>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub process: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_time_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promised_time_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fees: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consult_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
}

impl ServiceInfo {
    /// The searchable text of the guide fields, one per line.
    pub fn searchable_text(&self) -> String {
        let lead = [&self.item_type, &self.basis, &self.conditions];
        let tail = [&self.location, &self.fees, &self.legal_time_limit];
        let parts: Vec<&str> = lead
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(self.materials.iter().map(|m| m.name.as_str()))
            .chain(self.process.iter().map(String::as_str))
            .chain(tail.into_iter().flatten().map(String::as_str))
            .collect();
        parts.join("\n")
    }
}

/// One record as the kiosk knows it, whatever format it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Name of the configured source this record came from.
    pub source: String,
    /// The record's own key, or its file path relative to the source root.
    pub source_id: String,
    pub kind: Kind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_date: Option<NaiveDate>,
    #[serde(default)]
    pub validity: Validity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_note: Option<String>,
    /// Titles this text was known by: a law repealed into it or replaced by it under a new
    /// name (婚姻法 for the 民法典's 婚姻家庭编). A query that is one of them finds the record
    /// as its own title does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_titles: Vec<String>,
    #[serde(default)]
    pub disclosure: Disclosure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Promulgation lines of a law, or other lines shown above the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preamble: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceInfo>,
    /// 正文, paragraphs separated by `\n`.
    pub body: String,
}

impl Record {
    /// A minimal record; importers fill in what their format has.
    pub fn new(source: &str, source_id: String, kind: Kind, title: String, body: String) -> Record {
        Record {
            source: source.to_string(),
            source_id,
            kind,
            title,
            doc_type: None,
            doc_number: None,
            index_number: None,
            issuer: None,
            category: None,
            keywords: Vec::new(),
            written_date: None,
            published_date: None,
            validity: Validity::Effective,
            validity_note: None,
            former_titles: Vec::new(),
            // Fail closed: the importer decides with `decide_disclosure`.
            disclosure: Disclosure::Unmarked,
            url: None,
            preamble: Vec::new(),
            service: None,
            body,
        }
    }

    /// The date shown in lists and used for sorting: published, else written.
    pub fn date(&self) -> Option<NaiveDate> {
        self.published_date.or(self.written_date)
    }

    /// Only records published proactively belong in the public index.
    pub fn is_public(&self) -> bool {
        self.disclosure.is_public()
    }
}

/// Parses the date forms found in government data: `2019年01月27日`, `2019-1-27`, `2019.01.27`,
/// `2019/1/27`. Returns `None` for anything that is not a real calendar date.
pub fn parse_cn_date(text: &str) -> Option<NaiveDate> {
    let digits: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    match digits.as_slice() {
        [y, m, d] if (1900..=2100).contains(y) => NaiveDate::from_ymd_opt(*y as i32, *m, *d),
        _ => None,
    }
}

/// Finds the first `YYYY年M月D日` date inside free text.
pub fn find_cn_date(text: &str) -> Option<NaiveDate> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").expect("static regex")
    });
    re.captures_iter(text).find_map(|c| {
        let y = c[1].parse().ok()?;
        let m = c[2].parse().ok()?;
        let d = c[3].parse().ok()?;
        NaiveDate::from_ymd_opt(y, m, d)
    })
}

/// A 发文字号 reduced to a canonical key, so that `国发〔2019〕5号`, `国发2019 5号`, `国发[2019]5号`
/// and `国发(2019)5号` compare equal (`国发2019-5`). Numbers without a year (`国令第706号`) become
/// `国令-706`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocNumberKey(String);

impl DocNumberKey {
    /// Reads a 发文字号 out of text typed by a person or found in data. `None` when the text does
    /// not have the shape of one.
    pub fn parse(text: &str) -> Option<DocNumberKey> {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(
                r"^([\p{Han}]{1,12}?)\s*(?:[〔\[\(（【［{]\s*)?(\d{4})?\s*(?:[〕\]\)）】］}]\s*)?(?:年\s*)?第?\s*(\d{1,5})\s*号?$",
            )
            .expect("static regex")
        });
        let cleaned: String = crate::text::fold_width(text)
            .chars()
            .filter(|c| !c.is_whitespace() || *c == ' ')
            .collect();
        let cleaned = cleaned.trim();
        let caps = re.captures(cleaned)?;
        let prefix = caps.get(1)?.as_str();
        let year = caps.get(2).map(|m| m.as_str());
        let serial: u32 = caps.get(3)?.as_str().parse().ok()?;
        // A bare word followed by a number ("条例 5") is not a 文号: require a year or a 号/第 marker.
        let has_marker = cleaned.ends_with('号') || cleaned.contains('第');
        if year.is_none() && !has_marker {
            return None;
        }
        let prefix = prefix.trim_end_matches('第');
        Some(DocNumberKey(match year {
            Some(y) => format!("{prefix}{y}-{serial}"),
            None => format!("{prefix}-{serial}"),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocNumberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A 索引号 reduced to its letters and digits (`000014349/2019-00007` → `000014349201900007`).
pub fn index_number_key(text: &str) -> Option<String> {
    let key: String = crate::text::fold_width(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // An index number carries an agency code and a serial: short strings are something else.
    (key.len() >= 10 && key.chars().any(|c| c.is_ascii_digit())).then_some(key)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn doc_numbers_typed_in_different_ways_share_one_key() {
        let forms = [
            "国发〔2019〕5号",
            "国发2019 5号",
            "国发[2019]5号",
            "国发(2019)5号",
            "国发（2019）5号",
            "国发〔2019〕5",
            " 国发 2019 5 号 ",
            "国发［２０１９］５号",
        ];
        for f in forms {
            assert_eq!(
                DocNumberKey::parse(f).map(|k| k.0),
                Some("国发2019-5".to_string()),
                "{f}"
            );
        }
        assert_eq!(
            DocNumberKey::parse("国令第706号").unwrap().as_str(),
            "国令-706"
        );
        assert_eq!(
            DocNumberKey::parse("国办发明电〔2018〕15号")
                .unwrap()
                .as_str(),
            "国办发明电2018-15"
        );
        assert_ne!(
            DocNumberKey::parse("国发〔2019〕4号"),
            DocNumberKey::parse("国发〔2019〕5号")
        );
    }

    #[test]
    fn ordinary_queries_are_not_doc_numbers() {
        for q in ["护士条例", "养老保险", "", "2019", "((", "条例 5"] {
            assert_eq!(DocNumberKey::parse(q), None, "{q}");
        }
    }

    #[test]
    fn index_numbers_ignore_separators() {
        assert_eq!(
            index_number_key("000014349/2019-00007").as_deref(),
            Some("000014349201900007")
        );
        assert_eq!(
            index_number_key("000014349 2019 00007").as_deref(),
            Some("000014349201900007")
        );
        assert_eq!(index_number_key("2019"), None);
    }

    #[test]
    fn parses_chinese_and_iso_dates_and_rejects_impossible_ones() {
        assert_eq!(
            parse_cn_date("2019年01月27日"),
            NaiveDate::from_ymd_opt(2019, 1, 27)
        );
        assert_eq!(
            parse_cn_date("2019-1-27"),
            NaiveDate::from_ymd_opt(2019, 1, 27)
        );
        assert_eq!(parse_cn_date("2019年02月30日"), None);
        assert_eq!(parse_cn_date("无"), None);
        assert_eq!(
            find_cn_date("2008年1月31日 中华人民共和国国务院令第517号公布"),
            NaiveDate::from_ymd_opt(2008, 1, 31)
        );
    }

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
