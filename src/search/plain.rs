//! Plain words → official terms, derived for each generation from what it indexes and from a
//! dictionary: CC-CEDICT's abbreviations (社保 → 社会保险) and words of one sense (驾照, 驾驶证:
//! "driver's license"; `assets/cedict/thesaurus.tsv`, CC BY-SA 4.0), and the short forms the
//! laws define (`警务辅助人员（以下简称辅警）`). Of the words of one sense, the one the documents
//! use most is the official term and the ones they hardly use are plain words for it; each entry
//! is filed under the topic of the service items whose names hold the official term (their
//! 主题分类: 交通出行, 社会保障…).
//!
//! Written into the generation as `plain-words.txt`, in the staff table's format (`plain =
//! official`, `# 主题` headings), and read back as a second synonym table that the staff's
//! `synonyms.txt` overrides (`词 != 术语` there drops a derived pair). Knows nothing of queries.

use super::lexicon::{LexWord, Lexicon};
use crate::catalog::{Kind, Record};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

/// The derived table in a generation folder.
pub const FILE: &str = "plain-words.txt";
/// The dictionary extract (see `scripts/make-thesaurus.py`).
const THESAURUS: &str = include_str!("../../assets/cedict/thesaurus.tsv");
/// The official word of a sense must stand in at least this many records (weighted presence,
/// titles counting four times).
const MIN_OFFICIAL: u32 = 5;
/// The official word of a sense must name things: stand in at least this many titles
/// (驾驶证 does; 一定 and 评论, words of any text, do not). One title is enough: 借款 (借钱
/// "borrow money") names one regulation. Chosen on the development side, 2 → 1: the 39 extra
/// plain-words queries 0.3073 → 0.3217, the 34 extra nothing-relevant ones and the dev split
/// unchanged (docs/performance.md).
const MIN_OFFICIAL_TITLES: u32 = 1;
/// A word of the same sense is a plain word for the official one when the documents use it at
/// most one time in this many.
const PLAIN_SHARE: u32 = 8;
/// A word of one sense is taken as a plain word only when at most this many records use it:
/// one the documents do use (技巧 beside 技能) already finds them, and rewriting it lets a
/// query about something else (接单技巧) pass on the other word.
const MAX_PLAIN_PRESENCE: u32 = 2;
/// Topic of official terms no service item names.
const NO_TOPIC: &str = "其他";
/// Words ahead of a defined term in a law's sentence (本条例所称警务辅助人员, 领取排水许可证).
/// (Not 和 or 经: they stand inside terms, 共和国, 经办机构.)
const LEADS: &[&str] = &["所称", "的", "包括", "结合", "规范", "领取", "或者"];
/// Longest official term taken from a law's definition.
const MAX_DEFINED: usize = 12;

/// One derived pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub plain: String,
    pub official: String,
    pub topic: String,
    /// Where it came from, for the comment in the file.
    pub source: String,
}

/// What the records of a generation contribute: service-item names with their topic, and the
/// short forms laws define.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// (name, topic) of every service item with a topic other than 其他.
    pub topics: Vec<(String, String)>,
    /// (short form, full term) from 以下简称 clauses.
    pub short_forms: Vec<(String, String)>,
}

fn han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

impl Sources {
    pub fn of_records<'a>(records: impl Iterator<Item = &'a Record>) -> Sources {
        let mut s = Sources::default();
        let mut seen = HashSet::new();
        for r in records {
            if r.kind == Kind::ServiceGuide {
                for topic in r.category.iter().flat_map(|c| topics_of(c)) {
                    if topic != NO_TOPIC {
                        s.topics.push((r.title.clone(), topic));
                    }
                }
            }
            if r.kind == Kind::Law {
                for pair in short_forms(&r.body) {
                    if seen.insert(pair.clone()) {
                        s.short_forms.push(pair);
                    }
                }
            }
        }
        s
    }
}

/// The topics of a category field as the import writes it (`交通出行、人才`, `社会保障（社会保险、
/// 社会救助）`): split at 、 and other marks outside brackets.
fn topics_of(category: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut topic) = (0, String::new());
    for c in category.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 && !han(c) && c != '）' && c != ')' {
            if !topic.is_empty() {
                out.push(std::mem::take(&mut topic));
            }
        } else {
            topic.push(c);
        }
    }
    if !topic.is_empty() {
        out.push(topic);
    }
    out
}

/// The (short form, term) pairs a text defines with （以下简称…）.
pub fn short_forms(body: &str) -> Vec<(String, String)> {
    const MARK: &str = "（以下简称";
    let mut out = Vec::new();
    for (at, _) in body.match_indices(MARK) {
        let rest = &body[at + MARK.len()..];
        let short: String = rest
            .chars()
            .skip_while(|&c| c == '“' || c == '"')
            .take_while(|&c| han(c))
            .collect();
        let before: Vec<char> = body[..at].chars().rev().take_while(|&c| han(c)).collect();
        let mut full: String = before.into_iter().rev().collect();
        for lead in LEADS {
            if let Some(i) = full.rfind(lead) {
                full = full[i + lead.len()..].to_string();
            }
        }
        let (n, m) = (short.chars().count(), full.chars().count());
        let inside = short.chars().all(|c| full.contains(c));
        if n >= 2 && m > n && m <= MAX_DEFINED && inside && !short.starts_with(['本', '该']) {
            out.push((short, full));
        }
    }
    out
}

/// The dictionary: abbreviations and senses.
struct Thesaurus {
    abbreviations: Vec<(&'static str, &'static str)>,
    senses: Vec<(&'static str, Vec<&'static str>)>,
}

fn thesaurus() -> &'static Thesaurus {
    static T: OnceLock<Thesaurus> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Thesaurus {
            abbreviations: Vec::new(),
            senses: Vec::new(),
        };
        for line in THESAURUS.lines().filter(|l| !l.starts_with('#')) {
            let mut cells = line.split('\t');
            match (cells.next(), cells.next(), cells.next()) {
                (Some("abbr"), Some(short), Some(full)) => t.abbreviations.push((short, full)),
                (Some("sense"), Some(gloss), Some(words)) => {
                    t.senses.push((gloss, words.split(' ').collect()))
                }
                _ => {}
            }
        }
        t
    })
}

/// How much the documents use a word: body records plus title records four times.
fn presence(w: Option<&LexWord>) -> u32 {
    w.map_or(0, |w| w.body_df + 4 * w.title_df)
}

/// Derives the pairs of a generation from its vocabulary and records.
pub fn derive(lexicon: &Lexicon, sources: &Sources) -> Vec<Entry> {
    let t = thesaurus();
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    let known = |w: &str| presence(lexicon.get(w)) >= MIN_OFFICIAL;
    for &(short, full) in &t.abbreviations {
        if known(full) && presence(lexicon.get(short)) * PLAIN_SHARE < presence(lexicon.get(full)) {
            pairs.push((short.into(), full.into(), "CC-CEDICT 缩略语".into()));
        }
    }
    for (short, full) in &sources.short_forms {
        if known(full) && presence(lexicon.get(short)) * PLAIN_SHARE < presence(lexicon.get(full)) {
            pairs.push((short.clone(), full.clone(), "法规“以下简称”".into()));
        }
    }
    for (gloss, words) in &t.senses {
        let Some(&official) = words.iter().max_by_key(|w| (presence(lexicon.get(w)), **w)) else {
            continue;
        };
        let top = presence(lexicon.get(official));
        let titles = lexicon.get(official).map_or(0, |w| w.title_df);
        if top < MIN_OFFICIAL || titles < MIN_OFFICIAL_TITLES {
            continue;
        }
        for &w in words {
            // Words of one sense that share no character are too often only loosely alike
            // (火种 and 火星 are both "spark"); 驾照 and 驾驶证 share 驾.
            let shares = w.chars().any(|c| official.contains(c));
            let used = presence(lexicon.get(w));
            if w != official && shares && used <= MAX_PLAIN_PRESENCE && used * PLAIN_SHARE < top {
                pairs.push((w.into(), official.into(), format!("CC-CEDICT：{gloss}")));
            }
        }
    }
    let mut seen = HashSet::new();
    pairs.retain(|(p, o, _)| p != o && seen.insert((p.clone(), o.clone())));
    let topics = topic_index(&sources.topics);
    pairs
        .into_iter()
        .map(|(plain, official, source)| Entry {
            topic: topic_of(&official, &topics),
            plain,
            official,
            source,
        })
        .collect()
}

/// Per service-item name, its topics.
fn topic_index(topics: &[(String, String)]) -> Vec<(&str, &str)> {
    topics
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect()
}

/// The topic most service items naming `term` carry.
fn topic_of(term: &str, topics: &[(&str, &str)]) -> String {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (name, topic) in topics {
        if name.contains(term) {
            *count.entry(topic).or_default() += 1;
        }
    }
    count
        .into_iter()
        .max_by_key(|(t, n)| (*n, std::cmp::Reverse(*t)))
        .map_or(NO_TOPIC.to_string(), |(t, _)| t.to_string())
}

/// The table's text: entries by topic, each with its source as a comment.
pub fn render(entries: &[Entry]) -> String {
    let mut by_topic: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        by_topic.entry(e.topic.as_str()).or_default().push(e);
    }
    let mut out = String::from(
        "# 通俗说法 → 规范用语：建索引时由 CC-CEDICT 词典与本期收录的法规、办事指南生成，勿手改；\n\
         # 要改请写进 synonyms.txt（“词 = 术语”增加，“词 != 术语”去掉此处的一条）。\n",
    );
    for (topic, mut es) in by_topic {
        es.sort_by(|a, b| (&a.plain, &a.official).cmp(&(&b.plain, &b.official)));
        out.push_str(&format!("\n# 主题：{topic}\n"));
        for e in es {
            out.push_str(&format!("{} = {}  # {}\n", e.plain, e.official, e.source));
        }
    }
    out
}

/// Writes the table into a generation folder (under a temporary name, then renamed).
pub fn write(dir: &Path, entries: &[Entry]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = dir.join(format!(".tmp-{FILE}-{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(render(entries).as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_the_documents_use_is_the_official_one() {
        // (word, body records, title records); 技能 is a word of bodies, not of titles, so
        // 技巧 is not rewritten to it.
        let mut words: Vec<LexWord> = [
            ("驾驶证", 300, 20),
            ("驾照", 2, 0),
            ("社会保险", 900, 40),
            ("技能", 90, 0),
        ]
        .iter()
        .map(|&(t, body_df, title_df)| LexWord {
            text: t.into(),
            body_df,
            title_df,
        })
        .collect();
        words.sort_by(|a, b| a.text.cmp(&b.text));
        let lex = Lexicon::new(words);
        let sources = Sources {
            topics: vec![("机动车驾驶证核发".into(), "交通出行".into())],
            short_forms: Vec::new(),
        };
        let entries = derive(&lex, &sources);
        let find = |p: &str| entries.iter().find(|e| e.plain == p);
        let e = find("驾照").expect("驾照 derived");
        assert_eq!(
            (e.official.as_str(), e.topic.as_str()),
            ("驾驶证", "交通出行")
        );
        assert_eq!(find("社保").map(|e| e.official.as_str()), Some("社会保险"));
        assert_eq!(find("社保").map(|e| e.topic.as_str()), Some(NO_TOPIC));
        // The official word is never turned into the plain one.
        assert!(find("驾驶证").is_none());
        assert!(find("技巧").is_none());
    }

    #[test]
    fn a_category_field_holds_several_topics() {
        assert_eq!(
            topics_of("交通出行、社会保障（社会保险、社会救助）、人才"),
            ["交通出行", "社会保障（社会保险、社会救助）", "人才"]
        );
        assert_eq!(topics_of("['其他', '农民']"), ["其他", "农民"]);
    }

    #[test]
    fn laws_define_short_forms() {
        let body = "第二条 本条例所称警务辅助人员（以下简称辅警），是指…。本法（以下简称本法）。\
                    申请领取污水排入排水管网许可证（以下简称排水许可证）。";
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            short_forms(body),
            [
                pair("辅警", "警务辅助人员"),
                pair("排水许可证", "污水排入排水管网许可证")
            ]
        );
    }

    #[test]
    fn the_table_reads_back_as_synonyms_grouped_by_topic() {
        let entries = vec![Entry {
            plain: "驾照".into(),
            official: "驾驶证".into(),
            topic: "交通出行".into(),
            source: "CC-CEDICT：driver's license".into(),
        }];
        let text = render(&entries);
        assert!(text.contains("# 主题：交通出行\n驾照 = 驾驶证"), "{text}");
        let (s, bad) = super::super::synonyms::Synonyms::parse(&text);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(s.rewrites("考驾照"), ["考驾驶证"]);
    }

    #[test]
    fn the_dictionary_extract_is_read() {
        let t = thesaurus();
        assert!(t.abbreviations.len() > 500, "{}", t.abbreviations.len());
        assert!(t.senses.len() > 20_000, "{}", t.senses.len());
        assert!(t.abbreviations.contains(&("社保", "社会保险")));
    }
}
