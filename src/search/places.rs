//! The places a text names (广州市 → 广州, 海陵区), read with jieba's place-name tags: used when
//! a record is indexed (its title and issuer) and when a query is understood. A leaf: text in,
//! names out; the locality ranking uses them.

use super::analysis::{jieba, normalize};

/// The indexed token every record that names a place carries, besides the places themselves.
pub const ANY_PLACE: &str = "*";
/// Places read from one text, at most.
const MAX_PLACES: usize = 4;

/// Province-level names without their suffix: a place-tagged word counts as a place when it
/// is one of these or ends in an administrative suffix.
const PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
];
/// Administrative suffixes dropped from a place name (广州市 → 广州), longest first.
const DROPPED_SUFFIXES: &[&str] = &["特别行政区", "自治区", "省", "市"];
/// Suffixes that make a place-tagged word an administrative place (kept as part of the name).
const KEPT_SUFFIXES: &[&str] = &["自治州", "地区", "区", "县", "州", "盟", "旗"];

/// The places a text names, normalised (广州市 → 广州, 海陵区 stays), in order, without
/// repeats. The country itself is no place here.
pub fn places(text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut out: Vec<String> = Vec::new();
    for t in jieba().tag(&text, true) {
        let place = if t.tag.starts_with("ns") {
            place_name(t.word)
        } else {
            // An organisation named after its province or city (陕西省政府, 北京市人民政府).
            place_prefix(t.word)
        };
        let Some(place) = place else {
            continue;
        };
        if !out.contains(&place) {
            out.push(place);
            if out.len() == MAX_PLACES {
                break;
            }
        }
    }
    out
}

/// The place an organisation's name starts with (陕西省政府 → 陕西, 广州市公安局 → 广州): the
/// part up to the first 省 or 市, when the tagger calls that part a place.
fn place_prefix(word: &str) -> Option<String> {
    let (k, c) = word
        .char_indices()
        .skip(2)
        .find(|(_, c)| matches!(c, '省' | '市'))?;
    let head = &word[..k + c.len_utf8()];
    if head.len() == word.len() {
        return None;
    }
    match jieba().tag(head, false).as_slice() {
        [t] if t.tag.starts_with("ns") => place_name(t.word),
        _ => None,
    }
}

/// The normalised name of a place-tagged word, when it is an administrative place.
pub(super) fn place_name(word: &str) -> Option<String> {
    for suffix in DROPPED_SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return Some(stem.to_string());
            }
        }
    }
    if PROVINCES.contains(&word) {
        return Some(word.to_string());
    }
    let n = word.chars().count();
    (n >= 3 && KEPT_SUFFIXES.iter().any(|s| word.ends_with(s))).then(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_read_from_titles_and_questions() {
        assert_eq!(places("济南市既有多层住宅增设电梯规定"), ["济南"]);
        assert_eq!(places("陕西省政府在援企稳岗方面有哪些举措？"), ["陕西"]);
        assert_eq!(places("泰州市海陵区审批服务热线是多少"), ["泰州", "海陵区"]);
        assert_eq!(places("江西：六大举措保障疫情防控期间就业稳定"), ["江西"]);
        assert_eq!(places("广州市公安局"), ["广州"]);
        // The country, and words the tagger calls places that are no administrative place.
        assert!(places("中华人民共和国民法典").is_empty());
        assert!(places("城市绿化条例").is_empty());
        assert!(places("怎么申请法律援助").is_empty());
    }
}
