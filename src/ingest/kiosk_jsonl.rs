//! Importer for the kiosk's own JSON Lines schema (docs/kiosk-jsonl.md): a portal or CMS export
//! with every field of a disclosure record, including the disclosure attribute. The attribute is
//! read however it is spelt and decided, with any 附注 of the title and body, by
//! [`decide_disclosure`].

use super::{IngestError, RawImport};
use crate::catalog::{
    decide_disclosure, Disclosure, ImageRef, Kind, Record, ServiceInfo, Validity,
};
use crate::config::SourceSettings;
use chrono::NaiveDate;
use serde::Deserialize;

/// One line of the file, exactly as the schema documents it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: String,
    kind: Kind,
    title: String,
    /// Kept as text: any spelling is read by [`Disclosure::from_field`], and a value it does not
    /// know withholds the record instead of failing the line.
    #[serde(default)]
    disclosure: Option<String>,
    #[serde(default)]
    doc_type: Option<String>,
    #[serde(default)]
    doc_number: Option<String>,
    #[serde(default)]
    index_number: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    written_date: Option<NaiveDate>,
    #[serde(default)]
    published_date: Option<NaiveDate>,
    #[serde(default)]
    validity: Option<Validity>,
    #[serde(default)]
    superseded_by: Option<String>,
    #[serde(default)]
    interprets: Option<String>,
    #[serde(default)]
    url: Option<String>,
    /// Images of the body, in the order of its 「［图片：…］」 lines.
    #[serde(default)]
    images: Vec<ImageLine>,
    body: String,
    #[serde(default)]
    service: Option<ServiceInfo>,
}

/// One image of a record: the file relative to the JSON Lines file's folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageLine {
    src: String,
    #[serde(default)]
    caption: String,
}

pub(super) fn import(source: &SourceSettings) -> Result<RawImport, IngestError> {
    let text = std::fs::read_to_string(&source.path).map_err(|error| IngestError::Io {
        source_name: source.name.clone(),
        path: source.path.clone(),
        error,
    })?;
    let file = source
        .path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = RawImport::default();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        match serde_json::from_str::<Line>(trimmed) {
            Ok(l) if l.kind != source.kind => out.skip(
                at,
                format!(
                    "record kind `{}` does not match the source kind `{}`",
                    l.kind.as_str(),
                    source.kind.as_str()
                ),
            ),
            Ok(l) => out
                .records
                .push(to_record(&source.name, source.default_disclosure, l)),
            Err(e) => out.skip(at, format!("not a valid record: {e}")),
        }
    }
    Ok(out)
}

fn to_record(source: &str, default: Option<Disclosure>, l: Line) -> Record {
    let mut r = Record::new(source, l.id, l.kind, l.title, l.body);
    r.disclosure = decide_disclosure(
        l.disclosure.as_deref(),
        &format!("{}\n{}", r.title, r.body),
        default,
        l.kind,
    );
    r.doc_type = l.doc_type;
    r.doc_number = l.doc_number;
    r.index_number = l.index_number;
    r.issuer = l.issuer;
    r.category = l.category;
    r.keywords = l.keywords;
    r.written_date = l.written_date;
    r.published_date = l.published_date;
    r.validity = l.validity.unwrap_or_default();
    r.validity_note = match (&l.superseded_by, l.interprets) {
        (Some(_), _) => Some(SUPERSEDED_NOTE.into()),
        (None, Some(policy)) => Some(format!("解读 {policy}")),
        (None, None) => None,
    };
    r.superseded_by = l.superseded_by;
    r.url = l.url;
    r.service = l.service;
    add_images(&mut r, l.images);
    r
}

/// The note of a record another replaces (which one the screen says by its title).
pub const SUPERSEDED_NOTE: &str = "已被新版本替代";

/// The record's images; one the body has no 「［图片：…］」 line for gets one at the end.
fn add_images(r: &mut Record, images: Vec<ImageLine>) {
    let marks = crate::catalog::body::blocks(&r.body)
        .iter()
        .filter(|b| matches!(b, crate::catalog::body::Block::Image { .. }))
        .count();
    for (i, image) in images.into_iter().enumerate() {
        if i >= marks {
            r.body.push('\n');
            r.body
                .push_str(&crate::catalog::body::image_mark(&image.caption));
        }
        r.images.push(ImageRef {
            src: image.src,
            caption: image.caption,
            stored: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Format;
    use std::io::Write;

    fn source(path: &std::path::Path, kind: Kind) -> SourceSettings {
        SourceSettings {
            name: "t".into(),
            kind,
            format: Format::KioskJsonl,
            path: path.to_path_buf(),
            url_template: None,
            mapping: None,
            default_disclosure: None,
        }
    }

    #[test]
    fn bad_lines_are_skipped_with_line_and_reason_and_the_rest_imported() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, r#"{{"id":"a","kind":"government_info","title":"关于做好养老保险工作的通知","disclosure":"主动公开","body":"正文","published_date":"2024-03-01"}}"#).unwrap();
        writeln!(f, "not json").unwrap();
        writeln!(f, r#"{{"id":"b","kind":"government_info","title":"t","body":"b","disclosure":"主动公开","colour":"red"}}"#).unwrap();
        writeln!(
            f,
            r#"{{"id":"c","kind":"government_info","title":"t","body":"b"}}"#
        )
        .unwrap();
        writeln!(f, r#"{{"id":"d","kind":"government_info","title":"内部","body":"b","disclosure":"不予公开"}}"#).unwrap();
        let out = import(&source(f.path(), Kind::GovernmentInfo)).unwrap();
        assert_eq!(out.records.len(), 3);
        assert_eq!(
            out.records[0].published_date,
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        // Government information without `disclosure` is read, and is not public.
        let disclosures: Vec<Disclosure> = out.records.iter().map(|r| r.disclosure).collect();
        assert_eq!(
            disclosures,
            [
                Disclosure::Proactive,
                Disclosure::Unmarked,
                Disclosure::Withheld
            ]
        );
        let lines: Vec<&str> = out
            .skipped
            .iter()
            .map(|s| s.location.rsplit(':').next().unwrap())
            .collect();
        assert_eq!(lines, ["2", "3"]);
        assert!(
            out.skipped[1].reason.contains("colour"),
            "{:?}",
            out.skipped[1]
        );
    }

    fn import_one(line: &serde_json::Value, kind: Kind, default: Option<Disclosure>) -> Disclosure {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "{line}").unwrap();
        let mut s = source(f.path(), kind);
        s.default_disclosure = default;
        let out = import(&s).unwrap();
        assert_eq!(out.records.len(), 1, "{line} {:?}", out.skipped);
        out.records[0].disclosure
    }

    /// Issue 22: only the three exact labels used to parse; any other spelling failed the line
    /// instead of being read, and a note in the body was never looked at.
    #[test]
    fn every_spelling_of_the_disclosure_key_and_of_a_note_decides() {
        use crate::catalog::tests::{FIELD_SPELLINGS, NOTE_SPELLINGS};
        let line = |disclosure: Option<&str>, body: &str, kind: Kind| {
            let mut v = serde_json::json!({
                "id": "a", "kind": kind.as_str(), "title": "关于甲乙丙的通知", "body": body,
            });
            if let Some(d) = disclosure {
                v["disclosure"] = d.into();
            }
            v
        };
        for (value, want) in FIELD_SPELLINGS {
            for default in [None, Some(Disclosure::Proactive)] {
                let l = line(Some(value), "正文", Kind::GovernmentInfo);
                assert_eq!(
                    import_one(&l, Kind::GovernmentInfo, default),
                    want,
                    "{value:?}"
                );
            }
            let l = line(Some(value), "第一条", Kind::Law);
            assert_eq!(import_one(&l, Kind::Law, None), want, "{value:?} law");
        }
        for (note, want) in NOTE_SPELLINGS {
            let body = format!("正文\n{note}");
            let l = line(None, &body, Kind::GovernmentInfo);
            assert_eq!(
                import_one(&l, Kind::GovernmentInfo, None),
                want.unwrap_or(Disclosure::Unmarked),
                "{note:?}"
            );
            let l = line(Some("主动公开"), &body, Kind::GovernmentInfo);
            let with_field = match want {
                Some(Disclosure::Proactive) | None => Disclosure::Proactive,
                Some(negative) => negative,
            };
            assert_eq!(
                import_one(&l, Kind::GovernmentInfo, None),
                with_field,
                "{note:?}"
            );
            let l = line(None, &body, Kind::ServiceGuide);
            assert_eq!(
                import_one(&l, Kind::ServiceGuide, None),
                want.unwrap_or(Disclosure::Proactive),
                "{note:?} service guide"
            );
        }
    }
}
