//! The domain records the kiosk shows: government documents, service-guide items and laws.
//!
//! Owns the plain data types and the parsing of the few identifiers that arrive as free text
//! (发文字号, 索引号, dates). Knows nothing about files, the index or the screen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod body;
mod disclosure;
mod on_request;

pub use disclosure::{decide_disclosure, Disclosure, DISCLOSURE_LABELS};
pub use on_request::{ON_REQUEST_ENTRY, ON_REQUEST_NOTE};

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
    /// The source id (in the same source) of the record that replaces this one: a newer
    /// version of a law or notice, or the law that repealed it. The screen offers it by its
    /// title, looked up in the index, so an id that is not (or no longer) public shows nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
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
    /// The images of the body, in the order of its image marks ([`body::image_mark`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageRef>,
    /// 正文, paragraphs separated by `\n`; tables and image marks as [`body`] describes.
    pub body: String,
}

/// An image of a record's body. The importer names the file as the source refers to it; the
/// build copies the files that are present into the index generation and names the copy in
/// `stored`, so a kiosk (or one that pulled the generation as a bundle) shows only what it
/// holds itself, offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    /// Where the source refers to the file: relative to the source's folder (`/`-separated),
    /// or an address (`http://…`), which is never fetched.
    pub src: String,
    /// The caption or alternative text (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caption: String,
    /// The file's name in the generation's `images/` folder, set by the build when the file
    /// was present in the source folder and is a readable image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<String>,
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
            superseded_by: None,
            former_titles: Vec::new(),
            // Fail closed: the importer decides with `decide_disclosure`.
            disclosure: Disclosure::Unmarked,
            url: None,
            preamble: Vec::new(),
            service: None,
            images: Vec::new(),
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

    /// The spellings the importers' tests share (kept with the disclosure rule).
    pub(crate) use super::disclosure::tests::{FIELD_SPELLINGS, NOTE_SPELLINGS};
}
