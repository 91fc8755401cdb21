//! 「您是不是要找」: a wrong character in a query found by edit distance against what the index
//! knows. Every vocabulary word and title phrase of the generation is filed under each of its
//! one-character wildcards (护士条例 under ?士条例, 护?条例, 护士?例, 护士条?: a SymSpell-style
//! index restricted to substitutions, since a wrong character keeps the length). A run of the
//! query that the index does not hold as a phrase is looked up the same way, piece by piece; a
//! neighbour counts by how alike the two characters are (sound and shape, see `shapes`) and how
//! present the neighbour is, and the best few corrections are checked as whole phrases.

use super::lexicon::Lexicon;
use super::shapes::similarity;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Longest run of characters checked for a wrong character (longer text is a sentence, not a
/// name or a title).
const MAX_RUN: usize = 10;
/// Longest vocabulary word filed (as the vocabulary keeps them).
const MAX_WORD: usize = 8;
/// Characters around a substitution checked as a phrase when the whole run is none.
const WINDOW: usize = 4;
/// How many of the best substitutions are checked as whole phrases.
const PHRASE_CHECKS: usize = 8;
/// Least similarity (sound or shape) of a typed character and its replacement.
const MIN_SIMILARITY: f32 = 0.5;
/// A piece of the query that is itself a word is replaced only by a neighbour this much more
/// present (in log frequency: e^3 ≈ 20 times), so that 保户 may become 保护 but 合同 stays.
const FAR_MORE_PRESENT: f32 = 3.0;

/// The wildcard index of one generation's vocabulary.
#[derive(Debug, Default)]
pub struct Corrector {
    /// (hash of a word with one character masked, index of the word in the vocabulary),
    /// sorted; a hash collision is sorted out by comparing the words.
    entries: Vec<(u32, u32)>,
}

/// The key of `chars` with the character at `masked` left out.
fn key(chars: &[char], masked: usize) -> u32 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    chars.len().hash(&mut h);
    masked.hash(&mut h);
    for (i, c) in chars.iter().enumerate() {
        if i != masked {
            c.hash(&mut h);
        }
    }
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

/// One replacement considered: the character at `pos` becomes `ch`, for the vocabulary word
/// standing at `span`.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    pos: usize,
    ch: char,
    score: f32,
    span: (usize, usize),
}

impl Corrector {
    /// Files every word of two to [`MAX_WORD`] characters of the vocabulary.
    pub fn build(lexicon: &Lexicon) -> Corrector {
        let mut entries = Vec::new();
        let mut chars = Vec::with_capacity(MAX_WORD);
        for (i, w) in lexicon.words.iter().enumerate() {
            chars.clear();
            chars.extend(w.text.chars());
            if chars.len() < 2 || chars.len() > MAX_WORD {
                continue;
            }
            for p in 0..chars.len() {
                entries.push((key(&chars, p), i as u32));
            }
        }
        entries.sort_unstable();
        entries.shrink_to_fit();
        Corrector { entries }
    }

    /// The vocabulary words that equal `chars` except at `masked` (possibly `chars` itself).
    fn neighbours<'a>(
        &'a self,
        lexicon: &'a Lexicon,
        chars: &'a [char],
        masked: usize,
    ) -> impl Iterator<Item = (char, &'a super::lexicon::LexWord)> + 'a {
        let k = key(chars, masked);
        let start = self.entries.partition_point(|e| e.0 < k);
        self.entries[start..]
            .iter()
            .take_while(move |e| e.0 == k)
            .filter_map(move |&(_, i)| {
                let w = &lexicon.words[i as usize];
                let mut found = None;
                let mut n = 0;
                for (j, c) in w.text.chars().enumerate() {
                    if j >= chars.len() {
                        return None;
                    }
                    if j == masked {
                        found = Some(c);
                    } else if c != chars[j] {
                        return None;
                    }
                    n += 1;
                }
                (n == chars.len()).then_some((found?, w))
            })
    }

    /// Every one-character replacement that turns a piece of `chars` into a vocabulary word,
    /// best first: by how alike the two characters are, how present the word is and how long.
    fn candidates(&self, lexicon: &Lexicon, chars: &[char]) -> Vec<Candidate> {
        let n = chars.len();
        let mut alike: HashMap<(char, char), f32> = HashMap::new();
        let mut best: HashMap<(usize, char), Candidate> = HashMap::new();
        for a in 0..n {
            for b in a + 2..=n.min(a + MAX_WORD) {
                let piece = &chars[a..b];
                let text: String = piece.iter().collect();
                let own = lexicon.get(&text).map(|w| w.weight());
                for m in 0..piece.len() {
                    for (c, w) in self.neighbours(lexicon, piece, m) {
                        if c == piece[m] || own.is_some_and(|o| w.weight() < o + FAR_MORE_PRESENT) {
                            continue;
                        }
                        let sim = *alike
                            .entry((piece[m], c))
                            .or_insert_with(|| similarity(piece[m], c));
                        if sim < MIN_SIMILARITY {
                            continue;
                        }
                        let score = sim * w.weight() * (b - a - 1) as f32;
                        let e = best.entry((a + m, c)).or_insert(Candidate {
                            pos: a + m,
                            ch: c,
                            score,
                            span: (a, b),
                        });
                        if score > e.score {
                            e.score = score;
                            e.span = (a, b);
                        }
                    }
                }
            }
        }
        let mut ranked: Vec<Candidate> = best.into_values().collect();
        ranked.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.pos.cmp(&y.pos))
                .then(x.ch.cmp(&y.ch))
        });
        ranked.truncate(PHRASE_CHECKS);
        ranked
    }

    /// The corrected text of a run of Han characters, if one character of it is wrong. A run
    /// the index holds as a phrase is left alone; otherwise the best replacements (see
    /// [`Self::candidates`]) are checked as whole phrases, and the one found in the most
    /// records (weighted by its score) is offered. `phrase_df` gives how many records hold a
    /// text as a phrase.
    pub fn correct(
        &self,
        lexicon: &Lexicon,
        run: &str,
        phrase_df: &dyn Fn(&str) -> u64,
    ) -> Option<String> {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() < 2 || chars.len() > MAX_RUN || phrase_df(run) > 0 {
            return None;
        }
        let ranked = self.candidates(lexicon, &chars);
        let fixed = |c: &Candidate| {
            let mut out = chars.clone();
            out[c.pos] = c.ch;
            out
        };
        let rank = |c: &Candidate, df: u64| c.score + (1.0 + df as f32).ln();
        let whole = ranked
            .iter()
            .filter_map(|c| {
                let text: String = fixed(c).iter().collect();
                let df = phrase_df(&text);
                (df > 0).then(|| (rank(c, df), text))
            })
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, text)| text);
        if whole.is_some() || chars.len() <= WINDOW {
            return whole;
        }
        // A longer run (残即人证补办) may be a name plus more words that never stand together in
        // a record: then the characters around the change must make a phrase the index holds
        // (残疾人证) where the typed ones (残即人证) make none.
        ranked
            .iter()
            .filter_map(|c| {
                let (a, b) = c.span;
                let start = a.min(c.pos.saturating_sub(WINDOW / 2));
                let start = start.min(chars.len() - WINDOW);
                let end = b.max(start + WINDOW);
                let typed: String = chars[start..end].iter().collect();
                if phrase_df(&typed) > 0 {
                    return None;
                }
                let df = phrase_df(&fixed(c)[start..end].iter().collect::<String>());
                (df > 0).then(|| (rank(c, df), fixed(c).iter().collect::<String>()))
            })
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, text)| text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::lexicon::LexWord;

    fn lexicon() -> Lexicon {
        let words = [
            ("护士", 300),
            ("条例", 900),
            ("护士条例", 50),
            ("合同", 700),
            ("劳动", 800),
            ("劳动合同法", 80),
            ("残疾人证", 40),
            ("保护", 2000),
            ("保户", 3),
            ("士兵", 100),
            ("土地", 400),
        ];
        let mut lex: Vec<LexWord> = words
            .iter()
            .map(|(t, df)| LexWord {
                text: t.to_string(),
                body_df: *df,
                title_df: 1,
            })
            .collect();
        lex.sort_by(|a, b| a.text.cmp(&b.text));
        Lexicon::new(lex)
    }

    fn phrase(text: &str) -> u64 {
        match text {
            "护士条例" => 50,
            "劳动合同法" => 80,
            "残疾人证" => 40,
            "消费者权益保护法" => 20,
            _ => 0,
        }
    }

    fn correct(run: &str) -> Option<String> {
        let lex = lexicon();
        Corrector::build(&lex).correct(&lex, run, &phrase)
    }

    #[test]
    fn a_homophone_is_corrected() {
        assert_eq!(correct("户士条例").as_deref(), Some("护士条例"));
        assert_eq!(correct("劳动和同法").as_deref(), Some("劳动合同法"));
    }

    #[test]
    fn a_similar_shape_is_corrected() {
        assert_eq!(correct("护土条例").as_deref(), Some("护士条例"));
    }

    #[test]
    fn a_rare_word_next_to_a_far_more_present_one_is_corrected() {
        // 保户 is a word, but 保护 stands in far more records.
        let lex = {
            let mut l = lexicon().words;
            l.push(LexWord {
                text: "消费者".into(),
                body_df: 300,
                title_df: 5,
            });
            l.sort_by(|a, b| a.text.cmp(&b.text));
            Lexicon::new(l)
        };
        assert_eq!(
            Corrector::build(&lex)
                .correct(&lex, "消费者权益保户法", &phrase)
                .as_deref(),
            Some("消费者权益保护法")
        );
    }

    #[test]
    fn a_wrong_character_in_a_longer_run_is_checked_against_the_phrase_around_it() {
        // No record holds 残疾人证补办 as a phrase, but the word around the change is one.
        assert_eq!(correct("残即人证补办").as_deref(), Some("残疾人证补办"));
    }

    #[test]
    fn text_the_index_knows_or_nothing_near_is_left_alone() {
        assert_eq!(correct("护士条例"), None);
        assert_eq!(correct("火星移民"), None);
        // 护鸟 differs from 护士 in one character, but 鸟 neither sounds nor looks like 士.
        assert_eq!(correct("护鸟条例"), None);
    }
}
