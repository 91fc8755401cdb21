//! `[[sources]]`: the data sources, their formats and field mappings, validated.

use crate::catalog::{Disclosure, Kind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) format: String,
    pub(super) path: PathBuf,
    #[serde(default)]
    pub(super) url_template: Option<String>,
    #[serde(default)]
    pub(super) mapping: Option<FieldMapping>,
    #[serde(default)]
    pub(super) default_disclosure: Option<String>,
}

/// Which field of a foreign record (a JSON object of `mapped-jsonl`, a column of `csv`) feeds
/// which field of a [`crate::catalog::Record`]. Every value is a field (column) name of the
/// foreign record.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    pub id: String,
    /// The title field; when absent the title is derived from the first body field.
    #[serde(default)]
    pub title: Option<String>,
    /// Fields joined (one paragraph each) into the body.
    #[serde(default)]
    pub body: Vec<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub doc_number: Option<String>,
    #[serde(default)]
    pub published_date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// The 公开属性 field (主动公开 / 依申请公开 / 不予公开). Without it, government information is
    /// not public unless the source sets `default_disclosure`.
    #[serde(default)]
    pub disclosure: Option<String>,
    /// The 效力状态 field (有效, 失效, 废止, 已修改); unmapped or unreadable: 有效.
    #[serde(default)]
    pub validity: Option<String>,
    /// The 索引号 field.
    #[serde(default)]
    pub index_number: Option<String>,
    /// The 成文日期 field.
    #[serde(default)]
    pub written_date: Option<String>,
    /// The 主题词 field: an array, or one text with the words separated by spaces, `、`, `，`,
    /// `,`, `;` or `；`.
    #[serde(default)]
    pub keywords: Option<String>,
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub item_type: Option<String>,
    #[serde(default)]
    pub service_objects: Option<String>,
    #[serde(default)]
    pub conditions: Option<String>,
    #[serde(default)]
    pub materials: Option<String>,
    #[serde(default)]
    pub legal_time_limit: Option<String>,
    #[serde(default)]
    pub promised_time_limit: Option<String>,
    #[serde(default)]
    pub fees: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub consult_phone: Option<String>,
    #[serde(default)]
    pub complaint_phone: Option<String>,
}

/// The input formats the kiosk can import; one importer file each under `ingest/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// gov.cn-style 信息公开 detail pages, one HTML file per record.
    PortalHtml,
    /// Markdown law texts with `db.sqlite3` metadata.
    LawMarkdown,
    /// Foreign JSON Lines with a field mapping.
    MappedJsonl,
    /// The kiosk's own JSON Lines schema (docs/kiosk-jsonl.md).
    KioskJsonl,
    /// A CMS export as CSV (UTF-8 or GB18030, header row) with the field mapping of
    /// `mapped-jsonl`.
    Csv,
}

impl Format {
    const NAMES: [(&'static str, Format); 5] = [
        ("portal-html", Format::PortalHtml),
        ("law-markdown", Format::LawMarkdown),
        ("mapped-jsonl", Format::MappedJsonl),
        ("kiosk-jsonl", Format::KioskJsonl),
        ("csv", Format::Csv),
    ];

    /// Whether records of this format are read through a `[sources.mapping]` table.
    pub fn is_mapped(self) -> bool {
        matches!(self, Format::MappedJsonl | Format::Csv)
    }

    pub(super) fn parse(s: &str) -> Option<Format> {
        Format::NAMES.iter().find(|(n, _)| *n == s).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Format::NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// One configured data source, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSettings {
    pub name: String,
    pub kind: Kind,
    pub format: Format,
    /// Absolute or config-relative path resolved against the config file's folder.
    pub path: PathBuf,
    pub url_template: Option<String>,
    pub mapping: Option<FieldMapping>,
    /// The 公开属性 of records that carry none (`default_disclosure`); `None`: government
    /// information without one is not public.
    pub default_disclosure: Option<Disclosure>,
}

/// Validates every `[[sources]]` entry; the message and fix of the first problem.
pub(super) fn validate_sources(
    raw: &[RawSource],
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<Vec<SourceSettings>, (String, &'static str)> {
    let mut names: BTreeMap<&str, ()> = BTreeMap::new();
    let mut sources = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let at = format!("sources[{i}] (`{}`)", s.name);
        if s.name.trim().is_empty() || names.insert(&s.name, ()).is_some() {
            return Err((
                format!("{at}: source name is empty or used twice"),
                "give every [[sources]] entry its own non-empty `name`",
            ));
        }
        let kind = Kind::from_str_opt(&s.kind).ok_or_else(|| {
            (
                format!("{at}: unknown `kind = \"{}\"`", s.kind),
                "use one of \"government_info\", \"service_guide\", \"law\"",
            )
        })?;
        let format = Format::parse(&s.format).ok_or_else(|| {
            (
                format!("{at}: unknown `format = \"{}\"`", s.format),
                "use one of \"portal-html\", \"law-markdown\", \"mapped-jsonl\", \"kiosk-jsonl\", \"csv\"",
            )
        })?;
        match (format.is_mapped(), &s.mapping) {
            (true, None) => return Err((
                format!(
                    "{at}: `format = \"{}\"` needs a `[sources.mapping]` table",
                    format.name()
                ),
                "add `[sources.mapping]` with at least `id = \"FIELD\"` and a title or body field",
            )),
            (true, Some(m)) if m.title.is_none() && m.body.is_empty() => {
                return Err((
                    format!("{at}: the mapping has neither `title` nor `body`"),
                    "map at least one of `title` or `body` to a field of the records",
                ))
            }
            (true, Some(_)) | (false, None) => {}
            (false, Some(_)) => {
                return Err((
                    format!(
                        "{at}: `mapping` is only used with `format = \"mapped-jsonl\"` or `\"csv\"`"
                    ),
                    "remove the `[sources.mapping]` table of this source",
                ))
            }
        }
        let default_disclosure = match s.default_disclosure.as_deref() {
                None => None,
                Some(v) => Some(Disclosure::from_label(v).ok_or_else(|| {
                    (
                        format!("{at}: `default_disclosure = \"{v}\"` is not a 公开属性"),
                        "write \"主动公开\" (only for a feed that carries nothing but published records), \"依申请公开\" or \"不予公开\", or remove the key",
                    )
                })?),
            };
        sources.push(SourceSettings {
            name: s.name.clone(),
            kind,
            format,
            path: resolve(&s.path),
            url_template: s.url_template.clone(),
            mapping: s.mapping.clone(),
            default_disclosure,
        });
    }
    Ok(sources)
}
