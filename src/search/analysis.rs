//! Chinese text analysis shared by indexing and querying: character normalisation and jieba word
//! segmentation behind a tantivy [`Tokenizer`].
//!
//! Index side uses jieba's search mode (a long word and its sub-words); the query side uses the
//! plain mode. Token positions are character offsets, so phrase queries over the overlapping
//! search-mode tokens still line up. Must not know about records or the schema.

use jieba_rs::Jieba;
use std::sync::OnceLock;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name under which [`ChineseTokenizer`] (index mode) is registered.
pub const ZH_TOKENIZER: &str = "zh";
/// The name under which [`BigramTokenizer`] is registered.
pub const BIGRAM_TOKENIZER: &str = "zh_bigram";

/// The one shared segmenter; `Jieba::new()` costs a few hundred milliseconds.
pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// CC-CEDICT's simplified headwords of two to eight characters, sorted, each with its
/// readings after a tab (see `scripts/make-thesaurus.py`; CC BY-SA 4.0).
const HEADWORDS: &str = include_str!("../../assets/cedict/headwords.txt");

/// Whether CC-CEDICT has `word` as a headword: a word of the language (网红, 剧本杀, 打鱼),
/// not characters the segmenter guessed belong together (养狗要, 哪办, 没人养).
pub fn dictionary_word(word: &str) -> bool {
    dictionary_readings(word).is_some()
}

/// Every (headword, readings) pair of the embedded list, in order; for a caller that looks up
/// many words at once and can afford a table of its own for the while.
pub fn dictionary_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    HEADWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
}

/// CC-CEDICT's readings of the headword `word`: toneless syllables separated by spaces, the
/// readings of several entries by `|` (`银行` → `yin hang`); `None` for no headword. A binary
/// search over the embedded sorted lines themselves, so the list costs no memory of its own.
pub fn dictionary_readings(word: &str) -> Option<&'static str> {
    let body = HEADWORDS
        .as_bytes()
        .split_inclusive(|&b| b == b'\n')
        .take_while(|l| l.starts_with(b"#"))
        .map(<[u8]>::len)
        .sum::<usize>();
    let lines = &HEADWORDS[body..];
    let bytes = lines.as_bytes();
    let (key, mut lo, mut hi) = (word.as_bytes(), 0, bytes.len());
    if key.is_empty() {
        return None;
    }
    // `lo` and `hi` are line starts; each step drops the line around the middle.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |i| lo + i + 1);
        let end = bytes[start..hi]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(hi, |i| start + i);
        let line = &bytes[start..end];
        let tab = line.iter().position(|&b| b == b'\t').unwrap_or(line.len());
        match key.cmp(&line[..tab]) {
            std::cmp::Ordering::Equal => {
                return Some(
                    lines
                        .get(start + (tab + 1).min(line.len())..end)
                        .unwrap_or(""),
                )
            }
            std::cmp::Ordering::Less => hi = start,
            std::cmp::Ordering::Greater => lo = end + 1,
        }
    }
    None
}

pub use crate::text::{fold_char, fold_width};

/// Traditional characters to simplified, then [`fold_char`]; one character out per character
/// in, so offsets into the original text stay valid.
pub fn normalize(text: &str) -> String {
    let simplified = fast2s::convert(text);
    let source = if simplified.chars().count() == text.chars().count() {
        simplified
    } else {
        text.to_string()
    };
    source.chars().map(fold_char).collect()
}

/// Whether a token carries meaning (has a letter, digit or Han character).
fn is_word(token: &str) -> bool {
    token.chars().any(|c| c.is_alphanumeric())
}

/// Segmentation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// jieba search mode: the word and its dictionary sub-words (for indexing).
    Index,
    /// jieba plain mode: the best single segmentation (for queries and evaluation).
    Query,
}

/// A word with its character and byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// Character offset of the first character (used as token position).
    pub char_start: usize,
    pub char_end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// Segments text into normalised words, dropping punctuation and spaces.
pub fn segment(text: &str, mode: Mode) -> Vec<Word> {
    let folded = normalize(text);
    // Byte offset in the original text of each character index (plus the end).
    let mut byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_at.push(text.len());
    let tokens = match mode {
        Mode::Index => jieba().cut_for_search(&folded, true),
        Mode::Query => jieba().cut(&folded, true),
    };
    let mut words: Vec<Word> = tokens
        .into_iter()
        .filter(|t| is_word(t.word))
        .map(|t| Word {
            text: t.word.to_string(),
            char_start: t.start,
            char_end: t.end,
            byte_start: byte_at[t.start.min(byte_at.len() - 1)],
            byte_end: byte_at[t.end.min(byte_at.len() - 1)],
        })
        .collect();
    // Search mode emits sub-words before the word that contains them; tantivy's positions and
    // snippet fragments need tokens in text order.
    words.sort_by_key(|w| (w.char_start, w.char_end));
    words
}

/// The query path's segmentation of a text as character spans, every token kept (punctuation
/// included, whitespace dropped): what word-segmentation scoring compares with gold files.
pub fn segment_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let folded = normalize(text);
    jieba()
        .cut(&folded, true)
        .into_iter()
        .filter(|t| !t.word.trim().is_empty())
        .map(|t| t.start..t.end)
        .collect()
}

/// The tantivy tokenizer registered as [`ZH_TOKENIZER`].
#[derive(Clone, Debug)]
pub struct ChineseTokenizer {
    mode: Mode,
}

impl ChineseTokenizer {
    pub fn new(mode: Mode) -> ChineseTokenizer {
        ChineseTokenizer { mode }
    }
}

pub struct WordStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = segment(text, self.mode)
            .into_iter()
            .map(|w| Token {
                offset_from: w.byte_start,
                offset_to: w.byte_end,
                position: w.char_start,
                text: w.text,
                position_length: w.char_end - w.char_start,
            })
            .collect();
        WordStream { tokens, next: 0 }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Overlapping character bigrams of the letters, digits and Han characters of a text (runs of
/// other characters break the sequence). They catch phrases whatever the segmentation did.
pub fn bigrams(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = normalize(text).chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    for (i, pair) in chars.windows(2).enumerate() {
        if pair.iter().all(|c| c.is_alphanumeric()) {
            out.push((i, pair.iter().collect()));
        }
    }
    out
}

/// The tantivy tokenizer registered as [`BIGRAM_TOKENIZER`] (positions are character offsets;
/// byte offsets are not kept: this field is never highlighted).
#[derive(Clone, Debug, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = bigrams(text)
            .into_iter()
            .map(|(pos, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position: pos,
                text,
                position_length: 1,
            })
            .collect();
        WordStream { tokens, next: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn the_dictionary_tells_words_from_glued_characters() {
        for w in ["网红", "剧本杀", "打鱼", "离婚", "驾驶证"] {
            assert!(dictionary_word(w), "{w}");
        }
        for w in ["养狗要", "哪办", "没人养", "领钱", ""] {
            assert!(!dictionary_word(w), "{w}");
        }
        // Every line of the list is found by the search over the text, first and last too.
        let words: Vec<&str> = HEADWORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').next().unwrap_or(l))
            .collect();
        assert!(words.len() > 100_000 && words.windows(2).all(|p| p[0] < p[1]));
        assert!(words.iter().all(|w| dictionary_word(w)));
        assert_eq!(dictionary_readings("银行"), Some("yin hang"));
        assert_eq!(dictionary_readings("澳门"), Some("ao men"));
        assert!(!dictionary_word(
            "\u{4e00}\u{4e00}\u{4e00}\u{4e00}\u{4e00}\u{4e00}\u{4e00}\u{4e00}"
        ));
    }

    #[test]
    fn query_mode_segments_into_words_without_punctuation() {
        let w = segment("护士条例，怎么办？", Mode::Query);
        assert_eq!(texts(&w), ["护士", "条例", "怎么办"]);
        assert_eq!((w[1].char_start, w[1].char_end), (2, 4));
        assert_eq!((w[1].byte_start, w[1].byte_end), (6, 12));
    }

    #[test]
    fn index_mode_adds_sub_words_at_their_character_positions() {
        let w = segment("中华人民共和国", Mode::Index);
        let got: Vec<(&str, usize)> = w.iter().map(|w| (w.text.as_str(), w.char_start)).collect();
        assert_eq!(
            got,
            [
                ("中华", 0),
                ("中华人民共和国", 0),
                ("华人", 1),
                ("人民", 2),
                ("共和", 4),
                ("共和国", 4)
            ]
        );
    }

    #[test]
    fn full_width_letters_and_digits_are_folded_offsets_kept() {
        let w = segment("ＡＢＣ２０１９年", Mode::Query);
        assert_eq!(texts(&w), ["abc2019", "年"]);
        assert_eq!((w[0].byte_start, w[0].byte_end), (0, 21));
    }

    #[test]
    fn traditional_characters_are_simplified_in_place() {
        assert_eq!(normalize("護士條例"), "护士条例");
        let w = segment("養老保險", Mode::Query);
        assert_eq!(texts(&w), ["养老保险"]);
        assert_eq!((w[0].byte_start, w[0].byte_end), (0, 12));
    }

    #[test]
    fn bigrams_overlap_and_stop_at_punctuation() {
        let b: Vec<String> = bigrams("护士条例，ＡＢ")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(b, ["护士", "士条", "条例", "ab"]);
    }

    #[test]
    fn the_tantivy_stream_uses_character_positions() {
        let mut tok = ChineseTokenizer::new(Mode::Index);
        let mut stream = tok.token_stream("护士条例");
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        assert_eq!(
            seen,
            [
                ("护士".to_string(), 0, 0, 6),
                ("条例".to_string(), 2, 6, 12)
            ]
        );
    }
}
