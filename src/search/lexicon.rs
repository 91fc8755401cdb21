//! The index's own vocabulary with frequencies and pinyin: the word list behind pinyin input,
//! "did you mean" and suggestions as you type.
//!
//! Built when a generation is written (every word of the title and body fields with its
//! document frequency) and stored in the generation as `lexicon.tsv`; loaded when the
//! generation is opened. Knows nothing about queries.

use pinyin::{ToPinyin, ToPinyinMulti};
use std::collections::HashMap;
use std::path::Path;
use tantivy::schema::Field;

/// The vocabulary file of a generation.
pub const FILE: &str = "lexicon.tsv";
/// Function words no title phrase starts or ends with.
const EDGE_WORDS: &[&str] = &[
    "与", "和", "及", "及其", "或", "或者", "的", "之", "等", "对", "对于", "关于", "并", "在",
    "为", "于", "由", "以", "向", "从", "将", "把", "被", "给",
];
/// Longest word (in characters) kept in the vocabulary.
const MAX_WORD_CHARS: usize = 8;
/// Most reading combinations kept for a word with several polyphonic characters.
const MAX_READINGS: usize = 8;

/// One vocabulary word.
#[derive(Debug, Clone, PartialEq)]
pub struct LexWord {
    pub text: String,
    /// Documents whose body contains the word.
    pub body_df: u32,
    /// Documents whose title contains the word.
    pub title_df: u32,
}

impl LexWord {
    /// How likely and how present the word is: a log frequency with titles counting more.
    pub fn weight(&self) -> f32 {
        (1.0 + self.body_df as f32 + 4.0 * self.title_df as f32).ln()
    }
}

/// The vocabulary of a generation.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub words: Vec<LexWord>,
    by_text: HashMap<String, u32>,
}

/// Plain pinyin of one character in the kiosk's key form (`ü` written `v`), every reading.
pub fn readings(c: char) -> Vec<String> {
    match c.to_pinyin_multi() {
        Some(multi) => (0..multi.count())
            .map(|i| multi.get(i).plain().replace('ü', "v"))
            .collect(),
        None => Vec::new(),
    }
}

/// The first (most common) plain reading of a character, `ü` written `v`.
pub fn first_reading(c: char) -> Option<String> {
    c.to_pinyin().map(|p| p.plain().replace('ü', "v"))
}

/// CC-CEDICT as a table of readings, for reading a whole vocabulary (some 5 MB while it
/// lives; a look-up per piece over the embedded list cost 0.55 s over the shared corpus'
/// 151,000 words and phrases).
pub struct Readings(HashMap<&'static str, &'static str>);

impl Readings {
    pub fn new() -> Readings {
        Readings(super::analysis::dictionary_entries().collect())
    }

    /// Every syllable sequence `word` can be read as (at most [`MAX_READINGS`]), as the
    /// dictionary reads it: the word is cut into CC-CEDICT headwords, longest first from the
    /// left, each read as the dictionary reads it (澳门 ao men, 说明 shuo ming, 银行 yin hang:
    /// never yu men or yue ming, the rare readings of 澳 and 说), and only a character no
    /// headword covers takes every reading of its own (common first).
    pub fn of(&self, word: &str) -> Vec<Vec<String>> {
        word_readings(word, |piece| self.0.get(piece).copied())
    }
}

impl Default for Readings {
    fn default() -> Self {
        Readings::new()
    }
}

fn word_readings(
    word: &str,
    dictionary: impl Fn(&str) -> Option<&'static str>,
) -> Vec<Vec<String>> {
    const LONGEST_HEADWORD: usize = 8;
    let own: Vec<Vec<String>> = word.chars().map(readings).collect();
    if own.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    // Characters of one reading each read the same in any word: no dictionary look-up (most
    // of the vocabulary).
    if own.iter().all(|r| r.len() == 1) {
        return vec![own.into_iter().map(|mut r| r.remove(0)).collect()];
    }
    let offsets: Vec<usize> = word
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(word.len()))
        .collect();
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    let mut i = 0;
    while i < own.len() {
        let longest = LONGEST_HEADWORD.min(own.len() - i);
        let found = (2..=longest).rev().find_map(|n| {
            let piece = &word[offsets[i]..offsets[i + n]];
            dictionary(piece).filter(|r| !r.is_empty()).map(|r| (n, r))
        });
        let options: Vec<Vec<String>> = match found {
            Some((n, r)) => {
                i += n;
                r.split('|')
                    .map(|one| one.split(' ').map(str::to_string).collect())
                    .collect()
            }
            None => {
                i += 1;
                own[i - 1].iter().map(|r| vec![r.clone()]).collect()
            }
        };
        let mut next = Vec::new();
        for prefix in &out {
            for o in &options {
                if next.len() >= MAX_READINGS {
                    break;
                }
                let mut p = prefix.clone();
                p.extend(o.iter().cloned());
                next.push(p);
            }
        }
        out = next;
    }
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

impl Lexicon {
    pub fn new(words: Vec<LexWord>) -> Lexicon {
        let by_text = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.text.clone(), i as u32))
            .collect();
        Lexicon { words, by_text }
    }

    pub fn get(&self, text: &str) -> Option<&LexWord> {
        self.by_text.get(text).map(|&i| &self.words[i as usize])
    }

    /// Collects the Han words of the title and body fields of an index with their document
    /// frequencies.
    pub fn from_index(
        index: &tantivy::Index,
        title: Field,
        body: Field,
    ) -> tantivy::Result<Lexicon> {
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
        for segment in searcher.segment_readers() {
            for (field, is_title) in [(body, false), (title, true)] {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let n = text.chars().count();
                    if n == 0 || n > MAX_WORD_CHARS || !text.chars().all(is_han) {
                        continue;
                    }
                    let e = counts.entry(text.to_string()).or_default();
                    if is_title {
                        e.1 += stream.value().doc_freq;
                    } else {
                        e.0 += stream.value().doc_freq;
                    }
                }
            }
        }
        let mut words: Vec<LexWord> = counts
            .into_iter()
            .map(|(text, (body_df, title_df))| LexWord {
                text,
                body_df,
                title_df,
            })
            .collect();
        words.sort_by(|a, b| a.text.cmp(&b.text));
        Ok(Lexicon::new(words))
    }

    /// Adds the phrases of titles: every run of two or three consecutive words of a title (at
    /// most [`MAX_WORD_CHARS`] Han characters) that is no word of its own, counted by the titles
    /// holding it. Pinyin then converts `hstl` to 护士条例 and `lhdj` to 离婚登记 (what people
    /// look for are the things titles name, not the most frequent words with those initials),
    /// the corrector can check a wrong character against a phrase, and suggestions offer them.
    pub fn add_title_phrases<'a>(&mut self, titles: impl Iterator<Item = &'a str>) {
        let mut phrases: HashMap<String, u32> = HashMap::new();
        let mut in_title: Vec<String> = Vec::new();
        for title in titles {
            in_title.clear();
            let words = super::analysis::segment(title, super::analysis::Mode::Query);
            for n in 2..=3 {
                for run in words.windows(n) {
                    let contiguous = run.windows(2).all(|p| p[0].char_end == p[1].char_start);
                    if !contiguous || !run.iter().all(|w| w.text.chars().all(is_han)) {
                        continue;
                    }
                    // A name neither starts nor ends with a function word (养老保险与, 关于公布).
                    let ends = [&run[0].text, &run[n - 1].text];
                    if ends.iter().any(|w| EDGE_WORDS.contains(&w.as_str())) {
                        continue;
                    }
                    let text: String = run.iter().map(|w| w.text.as_str()).collect();
                    if text.chars().count() <= MAX_WORD_CHARS && !in_title.contains(&text) {
                        in_title.push(text);
                    }
                }
            }
            for t in in_title.drain(..) {
                *phrases.entry(t).or_default() += 1;
            }
        }
        let mut added = false;
        for (text, titles) in phrases {
            if self.by_text.contains_key(&text) {
                continue;
            }
            self.words.push(LexWord {
                text,
                body_df: 0,
                title_df: titles,
            });
            added = true;
        }
        if added {
            self.words.sort_by(|a, b| a.text.cmp(&b.text));
            *self = Lexicon::new(std::mem::take(&mut self.words));
        }
    }

    /// Writes `lexicon.tsv` into a generation folder: under a temporary name, flushed, then
    /// renamed into place, so an existing file (possibly a hard link shared with another
    /// generation) is never written through and a killed writer leaves no half file.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut text = String::with_capacity(self.words.len() * 16);
        for w in &self.words {
            text.push_str(&format!("{}\t{}\t{}\n", w.text, w.body_df, w.title_df));
        }
        let tmp = dir.join(format!(".tmp-{FILE}-{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(FILE))
    }

    /// Reads `lexicon.tsv` of a generation folder; an older generation without one gets an
    /// empty vocabulary (pinyin and suggestions then offer nothing).
    pub fn read(dir: &Path) -> Lexicon {
        let text = match std::fs::read_to_string(dir.join(FILE)) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "generation has no vocabulary");
                return Lexicon::default();
            }
        };
        let words = text
            .lines()
            .filter_map(|l| {
                let mut parts = l.split('\t');
                Some(LexWord {
                    text: parts.next()?.to_string(),
                    body_df: parts.next()?.parse().ok()?,
                    title_df: parts.next()?.parse().ok()?,
                })
            })
            .collect();
        Lexicon::new(words)
    }

    /// Words starting with `prefix`, most present first.
    pub fn with_prefix(&self, prefix: &str, n: usize) -> Vec<&LexWord> {
        let start = self.words.partition_point(|w| w.text.as_str() < prefix);
        let mut found: Vec<&LexWord> = self.words[start..]
            .iter()
            .take_while(|w| w.text.starts_with(prefix))
            .filter(|w| w.text != prefix)
            .collect();
        found.sort_by(|a, b| b.weight().total_cmp(&a.weight()));
        found.truncate(n);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_phrases_join_the_vocabulary_counted_by_titles() {
        let mut lex = Lexicon::new(vec![LexWord {
            text: "条例".into(),
            body_df: 9,
            title_df: 3,
        }]);
        lex.add_title_phrases(
            [
                "护士条例",
                "护士条例（2020年修订）",
                "残疾人证挂失补办",
                "机关养老保险与企业养老保险互转",
            ]
            .into_iter(),
        );
        // No phrase begins or ends with a function word.
        assert!(lex
            .words
            .iter()
            .all(|w| !w.text.ends_with('与') && !w.text.starts_with('与')));
        assert_eq!(lex.get("护士条例").map(|w| w.title_df), Some(2));
        assert!(lex.get("残疾人证").is_some() || lex.get("残疾人证挂失").is_some());
        // A word already known keeps its own counts.
        assert_eq!(lex.get("条例").map(|w| w.body_df), Some(9));
        assert!(lex.words.windows(2).all(|p| p[0].text < p[1].text));
    }

    #[test]
    fn readings_cover_polyphones_and_write_u_umlaut_as_v() {
        assert_eq!(readings('护'), ["hu"]);
        assert!(readings('行').contains(&"hang".to_string()));
        assert!(readings('行').contains(&"xing".to_string()));
        assert_eq!(readings('绿')[0], "lv");
        assert!(readings('a').is_empty());
    }

    #[test]
    fn word_readings_combine_character_readings() {
        let table = Readings::new();
        let r = table.of("银行");
        assert_eq!(r, [["yin", "hang"]], "{r:?}");
        // A dictionary word is read as the dictionary reads it, not by its characters' rare
        // readings (澳 yù); a phrase is cut into dictionary words (港澳 + 通行证).
        assert_eq!(table.of("澳门"), [["ao", "men"]]);
        assert_eq!(
            table.of("港澳通行证")[0],
            ["gang", "ao", "tong", "xing", "zheng"]
        );
        // A character no headword covers keeps every reading, the common one first.
        let r = table.of("行");
        assert!(r.len() >= 2 && r[0] == ["xing"], "{r:?}");
        assert!(table.of("ab").is_empty());
    }

    #[test]
    fn prefix_lookup_ranks_by_presence() {
        let lex = Lexicon::new(vec![
            LexWord {
                text: "养老".into(),
                body_df: 5,
                title_df: 0,
            },
            LexWord {
                text: "养老保险".into(),
                body_df: 50,
                title_df: 10,
            },
            LexWord {
                text: "养老金".into(),
                body_df: 20,
                title_df: 1,
            },
            LexWord {
                text: "养殖".into(),
                body_df: 100,
                title_df: 0,
            },
        ]);
        let got: Vec<&str> = lex
            .with_prefix("养老", 5)
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(got, ["养老保险", "养老金"]);
    }
}
