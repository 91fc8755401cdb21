//! Importer for foreign JSON Lines exports with a field mapping from the configuration (the
//! Guangdong service-guide export, the policy notices). Each mapped field may hold a string, a
//! number or an array of strings in the foreign data.
//!
//! The 公开属性 comes from the mapped `disclosure` field (or, unmapped, from a field named
//! 公开属性 / 公开方式 / disclosure) and from a 附注 in any text of the record, decided by
//! [`decide_disclosure`].

use super::{non_empty, IngestError, RawImport};
use crate::catalog::{
    decide_disclosure, parse_cn_date, Kind, Material, Record, ServiceInfo, Validity,
    DISCLOSURE_LABELS,
};
use crate::config::{FieldMapping, SourceSettings};
use serde_json::{Map, Value};

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
    let Some(mapping) = source.mapping.as_ref() else {
        // Settings validation guarantees a mapping for this format.
        out.skip(file, "no field mapping configured");
        return Ok(out);
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        let object = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                out.skip(at, "line is JSON but not an object");
                continue;
            }
            Err(e) => {
                out.skip(at, format!("not valid JSON: {e}"));
                continue;
            }
        };
        match to_record(source, mapping, &object) {
            Ok(r) => out.records.push(r),
            Err(reason) => out.skip(at, reason),
        }
    }
    Ok(out)
}

/// One foreign record through the mapping (also each row of a `csv` source, as an object of
/// strings).
pub(super) fn to_record(
    source: &SourceSettings,
    m: &FieldMapping,
    o: &Map<String, Value>,
) -> Result<Record, String> {
    let id = text_of(o, Some(&m.id)).ok_or_else(|| format!("no id in field `{}`", m.id))?;
    let body = m
        .body
        .iter()
        .filter_map(|f| text_of(o, Some(f)))
        .collect::<Vec<_>>()
        .join("\n");
    let title = match text_of(o, m.title.as_ref()) {
        Some(t) => t,
        None => match m.body.first().and_then(|f| text_of(o, Some(f))) {
            Some(text) => title_from_text(&text),
            None => return Err("no title and no text to derive one from".into()),
        },
    };
    if body.is_empty() && title.is_empty() {
        return Err("record has neither title nor body".into());
    }
    let mut r = Record::new(&source.name, id, source.kind, title, body);
    r.disclosure = decide_disclosure(
        disclosure_field(m, o).as_deref(),
        &all_text(o),
        source.default_disclosure,
        source.kind,
    );
    r.issuer = text_of(o, m.issuer.as_ref());
    r.category = text_of(o, m.category.as_ref());
    r.doc_number = text_of(o, m.doc_number.as_ref());
    r.url = text_of(o, m.url.as_ref()).filter(|u| u.starts_with("http"));
    r.published_date = text_of(o, m.published_date.as_ref()).and_then(|d| parse_cn_date(&d));
    r.written_date = text_of(o, m.written_date.as_ref()).and_then(|d| parse_cn_date(&d));
    r.index_number = text_of(o, m.index_number.as_ref());
    r.keywords = keywords_of(o, m.keywords.as_ref());
    if let Some(v) = text_of(o, m.validity.as_ref()).and_then(|v| Validity::parse(&v)) {
        r.validity = v;
    }
    if r.published_date.is_none() && source.kind == Kind::GovernmentInfo {
        r.published_date = crate::catalog::find_cn_date(&r.body);
    }
    if source.kind == Kind::ServiceGuide {
        r.service = Some(service_info(m, o));
    }
    Ok(r)
}

/// The record's 公开属性: the mapped field, and every field named like one (公开属性, 公开方式,
/// disclosure …) so that an unmapped attribute still counts. Differing values are joined, so a
/// negative or unknown one keeps the record out.
fn disclosure_field(m: &FieldMapping, o: &Map<String, Value>) -> Option<String> {
    let named = o.iter().filter(|(k, _)| {
        let k = crate::text::compact(k);
        k == "disclosure" || DISCLOSURE_LABELS.contains(&k.as_str())
    });
    let mut values: Vec<String> = Vec::new();
    let mapped = m.disclosure.as_ref().and_then(|f| o.get_key_value(f));
    for (key, value) in mapped.into_iter().chain(named) {
        let text = match value {
            Value::String(_) | Value::Number(_) | Value::Array(_) | Value::Null => {
                text_of(o, Some(key))
            }
            // `true`, `{…}`: present but not an attribute; read as unknown, so withheld.
            other => Some(other.to_string()),
        };
        if let Some(v) = text {
            let key = crate::text::compact(&v);
            if !values.iter().any(|x| crate::text::compact(x) == key) {
                values.push(v);
            }
        }
    }
    (!values.is_empty()).then(|| values.join("、"))
}

/// Every string of the record, however deep, one per line: where a 附注 may stand.
fn all_text(o: &Map<String, Value>) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(o) => o.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    o.values().for_each(|v| walk(v, &mut out));
    out
}

fn service_info(m: &FieldMapping, o: &Map<String, Value>) -> ServiceInfo {
    let materials = m
        .materials
        .as_ref()
        .and_then(|f| o.get(f))
        .map(list_of)
        .unwrap_or_default()
        .into_iter()
        .map(|name| Material {
            name,
            ..Material::default()
        })
        .collect();
    ServiceInfo {
        item_code: text_of(o, m.item_code.as_ref()),
        item_type: text_of(o, m.item_type.as_ref()),
        service_objects: m
            .service_objects
            .as_ref()
            .and_then(|f| o.get(f))
            .map(list_of)
            .unwrap_or_default(),
        conditions: text_of(o, m.conditions.as_ref()),
        materials,
        legal_time_limit: text_of(o, m.legal_time_limit.as_ref()).map(|t| time_limit(&t)),
        promised_time_limit: text_of(o, m.promised_time_limit.as_ref()).map(|t| time_limit(&t)),
        fees: text_of(o, m.fees.as_ref()),
        location: text_of(o, m.location.as_ref()).map(|l| strip_label(&l, "办理地点")),
        consult_phone: text_of(o, m.consult_phone.as_ref()),
        complaint_phone: text_of(o, m.complaint_phone.as_ref()),
        ..ServiceInfo::default()
    }
}

/// The text of a mapped field: strings as they are, numbers printed, arrays joined with `、`.
fn text_of(o: &Map<String, Value>, field: Option<&String>) -> Option<String> {
    let v = o.get(field?)?;
    match v {
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) => {
            let items = list_of(v);
            (!items.is_empty()).then(|| items.join("、"))
        }
        _ => None,
    }
}

/// The 主题词 of a mapped field: the items of an array, or the words of one text separated by
/// spaces, `、`, `，`, `,`, `;` or `；`, without repeats.
fn keywords_of(o: &Map<String, Value>, field: Option<&String>) -> Vec<String> {
    let Some(v) = field.and_then(|f| o.get(f)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for item in list_of(v) {
        for word in item.split([' ', '\u{3000}', '、', '，', ',', ';', '；']) {
            if let Some(w) = non_empty(word) {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
    }
    out
}

/// The strings of an array field (or of a single string field), placeholders dropped.
fn list_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => non_empty(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Value::String(s) => non_empty(s).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// `20(工作日)` → `20个工作日`; other wording is kept.
fn time_limit(text: &str) -> String {
    match text
        .strip_suffix("(工作日)")
        .or_else(|| text.strip_suffix("（工作日）"))
    {
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) => format!("{n}个工作日"),
        _ => text.to_string(),
    }
}

fn strip_label(text: &str, label: &str) -> String {
    text.strip_prefix(label)
        .map(|rest| rest.trim_start_matches(['：', ':', ' ']))
        .unwrap_or(text)
        .to_string()
}

/// A notice's title: its opening words up to the first space (where the export flattened the
/// headline into the text), else its first sentence, cut at 40 characters.
pub(crate) fn title_from_text(text: &str) -> String {
    const MAX: usize = 40;
    let trimmed = text.trim();
    let mut end = 0;
    for (i, c) in trimmed.char_indices() {
        if c == ' ' || c == '\u{3000}' {
            if trimmed[..i].chars().count() >= 6 {
                end = i;
                break;
            }
        } else if matches!(c, '。' | '！' | '？' | '；') {
            end = i + c.len_utf8();
            break;
        }
    }
    let head = if end == 0 { trimmed } else { &trimmed[..end] };
    let head = head.trim_end_matches(['。', '；', ' ']);
    let mut title: String = head.chars().take(MAX).collect();
    if head.chars().count() > MAX {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Disclosure;

    #[test]
    fn notice_titles_come_from_the_flattened_headline() {
        assert_eq!(
            title_from_text(
                "工业和信息化部组织开展负压救护车重点生产企业督导检查 2020年2月4日，为做好"
            ),
            "工业和信息化部组织开展负压救护车重点生产企业督导检查"
        );
        assert_eq!(
            title_from_text("上海：筑牢“两张网” 确保“两手硬” 2月18日"),
            "上海：筑牢“两张网”"
        );
        assert_eq!(title_from_text("短句。后文"), "短句");
        assert!(title_from_text(&"长".repeat(100)).ends_with('…'));
    }

    #[test]
    fn time_limits_and_labels_are_tidied() {
        assert_eq!(time_limit("20(工作日)"), "20个工作日");
        assert_eq!(time_limit("即办"), "即办");
        assert_eq!(
            strip_label("办理地点：广州市越秀区", "办理地点"),
            "广州市越秀区"
        );
    }

    #[test]
    fn arrays_and_placeholders_are_read_as_citizens_expect() {
        let o: Map<String, Value> = serde_json::from_str(
            r#"{"a":["自然人","企业法人"],"b":"无","c":7,"d":null,"e":"  办事  "}"#,
        )
        .unwrap();
        assert_eq!(
            text_of(&o, Some(&"a".into())).as_deref(),
            Some("自然人、企业法人")
        );
        assert_eq!(text_of(&o, Some(&"b".into())), None);
        assert_eq!(text_of(&o, Some(&"c".into())).as_deref(), Some("7"));
        assert_eq!(text_of(&o, Some(&"d".into())), None);
        assert_eq!(text_of(&o, Some(&"e".into())).as_deref(), Some("办事"));
        assert_eq!(text_of(&o, Some(&"zz".into())), None);
    }

    /// Issue 21 item 7: the mapping keys for validity, 索引号, 成文日期 and 主题词.
    #[test]
    fn validity_index_number_written_date_and_keywords_are_mapped() {
        let mut source = notices(Some("gkfs"), None);
        let m = source.mapping.as_mut().unwrap();
        m.validity = Some("xl".into());
        m.index_number = Some("syh".into());
        m.written_date = Some("cwrq".into());
        m.keywords = Some("ztc".into());
        let o = |ztc: Value, xl: &str| {
            let Value::Object(o) = serde_json::json!({"id": "1", "标题": "甲乙丙的通知",
                "text": "正文", "gkfs": "主动公开", "xl": xl, "syh": "000014349/2019-00007",
                "cwrq": "2019年1月27日", "ztc": ztc})
            else {
                unreachable!()
            };
            o
        };
        let m = source.mapping.as_ref().unwrap();
        let r = to_record(
            &source,
            m,
            &o(serde_json::json!("社保 养老、救助，低保；社保"), "已废止"),
        )
        .unwrap();
        assert_eq!(r.keywords, ["社保", "养老", "救助", "低保"]);
        assert_eq!(r.validity, Validity::Repealed);
        assert_eq!(r.index_number.as_deref(), Some("000014349/2019-00007"));
        assert_eq!(r.written_date, chrono::NaiveDate::from_ymd_opt(2019, 1, 27));
        let r = to_record(
            &source,
            m,
            &o(serde_json::json!(["社保", "养老"]), "不知道"),
        )
        .unwrap();
        assert_eq!(r.keywords, ["社保", "养老"]);
        assert_eq!(
            r.validity,
            Validity::Effective,
            "an unknown 效力状态 reads as 有效"
        );
    }

    fn notices(mapped: Option<&str>, default: Option<Disclosure>) -> SourceSettings {
        SourceSettings {
            name: "notices".into(),
            kind: Kind::GovernmentInfo,
            format: crate::config::Format::MappedJsonl,
            path: "n.jsonl".into(),
            url_template: None,
            mapping: Some(FieldMapping {
                id: "id".into(),
                title: Some("标题".into()),
                body: vec!["text".into()],
                disclosure: mapped.map(String::from),
                ..FieldMapping::default()
            }),
            default_disclosure: default,
        }
    }

    fn decide(source: &SourceSettings, line: serde_json::Value) -> Disclosure {
        let Value::Object(o) = line else {
            panic!("not an object")
        };
        to_record(source, source.mapping.as_ref().unwrap(), &o)
            .unwrap()
            .disclosure
    }

    /// Issue 22 item 2: mapped-jsonl had no disclosure mapping; a line with "公开属性":"不予公开" and
    /// （此件不予公开） in its body was indexed.
    #[test]
    fn every_spelling_of_a_mapped_or_named_disclosure_field_decides() {
        use crate::catalog::tests::FIELD_SPELLINGS;
        let mapped = notices(Some("gkfs"), Some(Disclosure::Proactive));
        let unmapped = notices(None, Some(Disclosure::Proactive));
        for (value, want) in FIELD_SPELLINGS {
            let line = serde_json::json!({"id": "1", "标题": "甲乙丙的通知", "text": "正文", "gkfs": value});
            assert_eq!(decide(&mapped, line), want, "{value:?} mapped");
            for key in ["公开属性", "公开方式", "公開屬性", "disclosure"] {
                let line = serde_json::json!({"id": "1", "标题": "甲乙丙的通知", "text": "正文", key: value});
                assert_eq!(decide(&unmapped, line), want, "{value:?} under {key}");
            }
        }
        // The line of the audit.
        let line = serde_json::json!({"id": "1", "标题": "甲", "text": "正文（此件不予公开）", "公开属性": "不予公开"});
        assert_eq!(decide(&unmapped, line), Disclosure::Withheld);
        // A field that is there but holds no attribute is unknown, so withheld.
        let line = serde_json::json!({"id": "1", "标题": "甲", "text": "正文", "gkfs": true});
        assert_eq!(decide(&mapped, line), Disclosure::Withheld);
    }

    #[test]
    fn every_spelling_of_a_note_in_any_field_decides_and_no_marking_needs_the_default() {
        use crate::catalog::tests::NOTE_SPELLINGS;
        for (note, want) in NOTE_SPELLINGS {
            for field in ["text", "remark"] {
                let line = serde_json::json!({"id": "1", "标题": "甲乙丙的通知", "text": "正文", field: note});
                assert_eq!(
                    decide(&notices(Some("gkfs"), None), line.clone()),
                    want.unwrap_or(Disclosure::Unmarked),
                    "{note:?} in {field}"
                );
                assert_eq!(
                    decide(&notices(Some("gkfs"), Some(Disclosure::Proactive)), line),
                    want.unwrap_or(Disclosure::Proactive),
                    "{note:?} in {field}, default 主动公开"
                );
            }
        }
    }
}
