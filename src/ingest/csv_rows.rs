//! Importer for CSV exports of an ordinary CMS (`format = "csv"`): a header row, then one record
//! per row, read through the same `[sources.mapping]` as `mapped-jsonl` (the mapping names
//! columns). The file may be UTF-8 (with or without a byte-order mark) or GB18030 (GBK, GB2312):
//! a file that is not valid UTF-8 is read as GB18030.
//!
//! Each row becomes an object of strings and goes through [`super::mapped_jsonl::to_record`], so
//! the 公开属性 is decided exactly as for JSON Lines (mapped column, a column named 公开属性 /
//! 公开方式, a 附注 in any cell). Must not touch the index.

use super::{mapped_jsonl, IngestError, RawImport};
use crate::config::SourceSettings;
use serde_json::{Map, Value};
use std::borrow::Cow;

pub(super) fn import(source: &SourceSettings) -> Result<RawImport, IngestError> {
    let bytes = std::fs::read(&source.path).map_err(|error| IngestError::Io {
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
    let Some(mapping) = source.mapping.as_ref() else {
        // Settings validation guarantees a mapping for this format.
        out.skip(file, "no field mapping configured");
        return Ok(out);
    };
    let (text, encoding) = decode(&bytes);
    tracing::debug!(source = %source.name, encoding, "csv source decoded");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            out.skip(file, format!("no readable header row: {e}"));
            return Ok(out);
        }
    };
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                out.skip(
                    format!("{file}:{line}"),
                    format!("not a readable CSV row: {e}"),
                );
                continue;
            }
        };
        let at = format!("{file}:{}", row.position().map(|p| p.line()).unwrap_or(0));
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match row_object(&headers, &row)
            .and_then(|object| mapped_jsonl::to_record(source, mapping, &object))
        {
            Ok(r) => out.records.push(r),
            Err(reason) => out.skip(at, reason),
        }
    }
    Ok(out)
}

/// A row as the object of strings the mapping reads, keyed by the header row; a missing cell
/// at the end is an absent field, a cell beyond the header row an error.
fn row_object(headers: &[String], row: &csv::StringRecord) -> Result<Map<String, Value>, String> {
    if row.len() > headers.len() {
        return Err(format!(
            "row has {} cells, the header row {} columns",
            row.len(),
            headers.len()
        ));
    }
    Ok(headers
        .iter()
        .zip(row.iter())
        .map(|(h, c)| (h.clone(), Value::String(c.to_string())))
        .collect())
}

/// The text of the file and the name of its encoding: UTF-8 (a byte-order mark dropped) when
/// the bytes are valid UTF-8, GB18030 otherwise.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text, "GB18030")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Disclosure, Kind, Validity};
    use crate::config::{FieldMapping, Format};

    /// The export of an ordinary CMS: Chinese column names, a quoted cell with a comma and a
    /// line break, every kind of 公开属性.
    const EXPORT: &str = "编号,标题,正文,发布机构,文号,索引号,成文日期,发布日期,效力状态,主题词,公开属性\n\
        A1,青禾县关于调整城乡居民最低生活保障标准的通知,\"各乡镇：\n经县政府同意，现将标准调整如下。\",青禾县民政局,青民〔2024〕3号,QH0001/2024-00011,2024年3月1日,2024-03-05,有效,低保、社会救助,主动公开\n\
        A2,青禾县殡葬改革实施方案,正文（此件不予公开）,青禾县民政局,,,,2024-04-01,有效,,主动公开\n\
        A3,青禾县二〇二三年农村道路养护台账,台账明细,青禾县交通运输局,,QH0002/2023-00042,2023年12月1日,,已废止,道路 养护,依申请公开\n\
        ,没有编号的一行,正文,,,,,,,,主动公开\n\
        A5,多一格的一行,正文,,,,,,,,主动公开,多余\n";

    fn source(path: &std::path::Path) -> SourceSettings {
        SourceSettings {
            name: "cms".into(),
            kind: Kind::GovernmentInfo,
            format: Format::Csv,
            path: path.to_path_buf(),
            url_template: None,
            mapping: Some(FieldMapping {
                id: "编号".into(),
                title: Some("标题".into()),
                body: vec!["正文".into()],
                issuer: Some("发布机构".into()),
                doc_number: Some("文号".into()),
                index_number: Some("索引号".into()),
                written_date: Some("成文日期".into()),
                published_date: Some("发布日期".into()),
                validity: Some("效力状态".into()),
                keywords: Some("主题词".into()),
                disclosure: Some("公开属性".into()),
                ..FieldMapping::default()
            }),
            default_disclosure: None,
        }
    }

    fn read(bytes: &[u8]) -> RawImport {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, bytes).unwrap();
        import(&source(&path)).unwrap()
    }

    fn check(out: &RawImport) {
        let ids: Vec<&str> = out.records.iter().map(|r| r.source_id.as_str()).collect();
        assert_eq!(ids, ["A1", "A2", "A3"]);
        let a1 = &out.records[0];
        assert_eq!(a1.title, "青禾县关于调整城乡居民最低生活保障标准的通知");
        assert_eq!(a1.body, "各乡镇： 经县政府同意，现将标准调整如下。");
        assert_eq!(a1.issuer.as_deref(), Some("青禾县民政局"));
        assert_eq!(a1.doc_number.as_deref(), Some("青民〔2024〕3号"));
        assert_eq!(a1.index_number.as_deref(), Some("QH0001/2024-00011"));
        assert_eq!(a1.written_date, chrono::NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(
            a1.published_date,
            chrono::NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(a1.keywords, ["低保", "社会救助"]);
        assert_eq!(a1.disclosure, Disclosure::Proactive);
        assert_eq!(
            out.records[1].disclosure,
            Disclosure::Withheld,
            "附注 in a cell"
        );
        let a3 = &out.records[2];
        assert_eq!(
            (a3.disclosure, a3.validity),
            (Disclosure::OnRequest, Validity::Repealed)
        );
        assert_eq!(a3.keywords, ["道路", "养护"]);
        let skipped: Vec<(&str, &str)> = out
            .skipped
            .iter()
            .map(|s| (s.location.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("export.csv:6", "no id in field `编号`"),
                (
                    "export.csv:7",
                    "row has 12 cells, the header row 11 columns"
                ),
            ]
        );
    }

    #[test]
    fn a_utf8_export_is_read_through_the_mapping() {
        check(&read(EXPORT.as_bytes()));
    }

    #[test]
    fn a_utf8_export_with_a_byte_order_mark_is_read_the_same() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(EXPORT.as_bytes());
        check(&read(&bytes));
    }

    #[test]
    fn a_gb18030_export_is_read_the_same() {
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(EXPORT);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the fixture is not UTF-8"
        );
        check(&read(&bytes));
    }
}
