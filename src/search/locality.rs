//! Where a record applies, and where the kiosk stands.
//!
//! A county kiosk in Guangdong should show Guangdong's and the nation's rules before another
//! province's local regulation on the same subject, unless the citizen names that place; and a
//! question about 陕西省 should not be answered first by a notice of 北京市. The places a
//! record names (in its title or issuer) are found once, when it is indexed, with jieba's
//! place-name tags; the kiosk's own places come from `places.toml` in the configuration.

use super::analysis::{jieba, normalize};
use super::schema::Fields;
use super::SearchError;
use serde::Deserialize;
use std::path::Path;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

/// File name of the kiosk's own places, in the configuration folder and each generation's
/// snapshot.
pub const FILE: &str = "places.toml";
/// The indexed token every record that names a place carries, besides the places themselves.
pub const ANY_PLACE: &str = "*";
/// Score factor of a record that names only other places than the one the query names.
const OTHER_PLACE_FACTOR: f32 = 0.7;
/// Score factor of a record that names only places other than the kiosk's, when the query
/// names none.
const AWAY_FACTOR: f32 = 0.5;
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
fn place_name(word: &str) -> Option<String> {
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

/// The kiosk's own places (`home = ["广东", "广州"]`).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Home {
    #[serde(default)]
    pub home: Vec<String>,
}

impl Home {
    /// Loads `places.toml` from a folder; a missing or unreadable file means no home places
    /// (every record ranks as if local), logged when unreadable.
    pub fn load(dir: &Path) -> Home {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Home::default(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read places");
                return Home::default();
            }
        };
        match toml::from_str::<Home>(&text) {
            Ok(mut h) => {
                h.home = h
                    .home
                    .iter()
                    .filter_map(|p| place_name(p.trim()).or_else(|| Some(p.trim().to_string())))
                    .filter(|p| !p.is_empty())
                    .collect();
                h
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "places file ignored");
                Home::default()
            }
        }
    }
}

/// The locality preference of one query.
pub struct Locality {
    /// The places that make a record local: those the query names, else the kiosk's own.
    wanted: Vec<String>,
    /// Factor for a record that names places but none of `wanted`.
    factor: f32,
}

impl Locality {
    pub fn new(query: &str, home: &Home) -> Locality {
        let named = places(query);
        if named.is_empty() {
            Locality {
                wanted: home.home.clone(),
                factor: AWAY_FACTOR,
            }
        } else {
            Locality {
                wanted: named,
                factor: OTHER_PLACE_FACTOR,
            }
        }
    }

    /// The score factor of each candidate, in the order given: 1 for a record that names no
    /// place or a wanted one.
    pub fn factors(
        &self,
        searcher: &tantivy::Searcher,
        f: &Fields,
        docs: &[DocAddress],
    ) -> Result<Vec<f32>, SearchError> {
        let mut out = vec![1.0; docs.len()];
        if self.wanted.is_empty() {
            return Ok(out);
        }
        let mut names_place = vec![false; docs.len()];
        let mut local = vec![false; docs.len()];
        for (seg, ids) in super::coverage::by_segment(docs) {
            let index = searcher.segment_reader(seg).inverted_index(f.places)?;
            let postings = |text: &str| {
                index.read_postings(
                    &Term::from_field_text(f.places, text),
                    IndexRecordOption::Basic,
                )
            };
            super::coverage::on_each_holder(postings(ANY_PLACE)?, &ids, |_, i| {
                names_place[i] = true
            });
            for place in &self.wanted {
                super::coverage::on_each_holder(postings(place)?, &ids, |_, i| local[i] = true);
            }
        }
        for i in 0..docs.len() {
            if names_place[i] && !local[i] {
                out[i] = self.factor;
            }
        }
        Ok(out)
    }
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

    #[test]
    fn the_home_file_is_read_and_normalised() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "home = [\"广东省\", \"广州市\"]\n").unwrap();
        assert_eq!(Home::load(dir.path()).home, ["广东", "广州"]);
        assert!(Home::load(&dir.path().join("missing")).home.is_empty());
        let l = Locality::new("济南市电梯", &Home::load(dir.path()));
        assert_eq!(l.wanted, ["济南"]);
        assert_eq!(l.factor, OTHER_PLACE_FACTOR);
        let l = Locality::new("加装电梯", &Home::load(dir.path()));
        assert_eq!(l.wanted, ["广东", "广州"]);
    }
}
