//! Pinyin input → Hanzi candidates, from the index's own vocabulary.
//!
//! Latin input (`yanglaojin`, `yang lao jin`, `ylj`, `社bao`, `lv` for ü) is segmented into
//! vocabulary words by dynamic programming over the letters, each word matched by its full
//! pinyin or its initials, scored by how present the word is in the index. Pinyin is never
//! indexed: the query is converted and the conversion searched, so homophones do not match each
//! other (景点 does not find 经典). One API serves the search and the on-screen keyboard.

use super::lexicon::{first_reading, Lexicon, Readings};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Every plain syllable of the language (`ü` as `v`, and as `u` after l and n), from the
/// readings of the CJK Unified Ideographs block.
fn syllables() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::new();
        for c in '\u{4e00}'..='\u{9fa5}' {
            for r in super::lexicon::readings(c) {
                if r.contains('v') {
                    set.insert(r.replace('v', "u"));
                }
                set.insert(r);
            }
        }
        set
    })
}

/// When `text` reads as whole syllables, the positions where a syllable may begin or end
/// (over every way of reading it); `None` when it does not (initials such as `ylj`).
/// A word may then only start and end on those positions and only by full pinyin: `renshe`
/// is 人 + 社, never 人 + s(三) + he(和).
fn syllable_bounds(text: &str) -> Option<Vec<bool>> {
    const LONGEST: usize = 6;
    let set = syllables();
    let len = text.len();
    let mut reach = vec![false; len + 1];
    reach[0] = true;
    for end in 1..=len {
        reach[end] = (end.saturating_sub(LONGEST)..end)
            .any(|start| reach[start] && text.get(start..end).is_some_and(|s| set.contains(s)));
    }
    if !reach[len] {
        return None;
    }
    // Keep only positions that also reach the end.
    let mut back = vec![false; len + 1];
    back[len] = true;
    for start in (0..len).rev() {
        back[start] = (start + 1..=(start + LONGEST).min(len))
            .any(|end| back[end] && text.get(start..end).is_some_and(|s| set.contains(s)));
    }
    Some((0..=len).map(|i| reach[i] && back[i]).collect())
}

/// Cost of each word in a conversion on top of its log-probability.
const WORD_COST: f32 = 1.0;
/// Extra cost of a word matched by its initials only.
const INITIALS_COST: f32 = 2.5;
/// Extra cost of a word matched by its initials that no title holds: initials are typed for
/// the names of things (dyz 导游证, xxf 献血法, sybx 失业保险), not for words of running text
/// (第一周, 省辖市, 商业保险). Chosen on the development side (0, 1, 2, 3, 5): at 2 and above
/// 27 initials of title words (`eval/dev-initials-extra.tsv`) 0.7630 → 0.7816, the dev
/// split's initials 0.9354 → 0.9364; docs/performance.md.
const UNTITLED_INITIALS_COST: f32 = 2.0;
/// Extra cost of a one-character word matched by a single initial (very ambiguous).
const SINGLE_INITIAL_COST: f32 = 4.0;
/// Extra cost of a character that is no word of its own in the vocabulary.
const CHARACTER_COST: f32 = 3.0;
/// From how many characters on a word keeps only [`LONG_WORD_READINGS`] readings.
const LONG_WORD: usize = 4;
const LONG_WORD_READINGS: usize = 2;
/// Longest word key, in letters.
const MAX_KEY: usize = 30;
/// Conversions kept per position in the search.
const BEAM: usize = 8;
/// Distinct words of one key looked at per position of a conversion: the beam, with a margin
/// for rounding between the precomputed ranking of entries and the summed scores.
const KEY_WORDS: usize = 2 * BEAM;

/// What a word costs as a step of a conversion.
fn entry_cost(word: &str, titled: bool, e: &Entry) -> f32 {
    let mut cost = WORD_COST;
    if e.initials {
        cost += INITIALS_COST;
        if !titled {
            cost += UNTITLED_INITIALS_COST;
        }
        if word.chars().count() == 1 {
            cost += SINGLE_INITIAL_COST;
        }
    }
    cost
}

/// The score an entry adds to a conversion.
fn entry_score(
    words: &[(String, f32, Vec<Vec<String>>)],
    titled: &[bool],
    floor: f32,
    e: &Entry,
) -> f32 {
    let (word, weight, _) = &words[e.word as usize];
    let titled = titled[e.word as usize];
    entry_weight(*weight, titled, floor, e) - entry_cost(word, titled, e)
}

/// The log-probability a word brings to a conversion. Matched by its initials, a word no title
/// holds brings none of its body frequency: initials are typed for the names of things, and
/// 第一章 (2,063 law bodies, no title) otherwise outweighs 导游证 (one title) for `dyz` by its
/// body count alone, even at [`UNTITLED_INITIALS_COST`]. On the development side it changed
/// only that conversion among the 41 initials queries (nDCG unchanged: 导游证 was the second
/// conversion and searched already), so the screen's 「按拼音理解为」 now names what was meant.
fn entry_weight(weight: f32, titled: bool, floor: f32, e: &Entry) -> f32 {
    if e.initials && !titled {
        floor
    } else {
        weight
    }
}

/// One conversion of the whole input.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    pub text: String,
    pub score: f32,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    word: u32,
    /// Index into the word's readings (for constraint checks).
    reading: u16,
    initials: bool,
    /// Position of the entry in the order the words were added (ties rank in this order).
    pos: u32,
}

/// The vocabulary indexed by pinyin keys.
#[derive(Debug, Default)]
pub struct PinyinIndex {
    keys: HashMap<String, Vec<Entry>>,
    /// Full-pinyin keys sorted, for words still being typed (`sheb` → 社保).
    sorted_full: Vec<(String, u32)>,
    words: Vec<(String, f32, Vec<Vec<String>>)>,
    /// Per word of `words`: whether a title holds it.
    titled: Vec<bool>,
    /// ln(1 / total weight): the log-probability of a word of weight 0.
    floor: f32,
}

/// A run of input in letters, with the Han characters typed in it as fixed constraints.
#[derive(Debug, Clone, Default, PartialEq)]
struct Letters {
    text: String,
    /// (start, end, character): letters `start..end` must be produced by exactly this character.
    fixed: Vec<(usize, usize, char)>,
}

impl Letters {
    /// Letters of an input: ASCII letters as typed (`u` after `l`/`n` may mean ü), Han
    /// characters as their first reading, spaces and apostrophes dropped. `None` when the input
    /// has anything else, or no Latin letter at all.
    fn parse(input: &str) -> Option<Letters> {
        let mut l = Letters::default();
        let mut latin = false;
        for c in input.chars() {
            match c {
                'a'..='z' | 'A'..='Z' => {
                    latin = true;
                    l.text.push(c.to_ascii_lowercase());
                }
                ' ' | '\'' | '\u{3000}' => {}
                c => {
                    let r = first_reading(c)?;
                    let start = l.text.len();
                    l.text.push_str(&r);
                    l.fixed.push((start, l.text.len(), c));
                }
            }
        }
        (latin && !l.text.is_empty()).then_some(l)
    }

    /// Whether a word spanning letters `from..to` read as `syllables` respects the fixed
    /// characters (none cut in two, each produced by the same character).
    fn allows(
        &self,
        from: usize,
        to: usize,
        word: &str,
        syllables: &[String],
        initials: bool,
    ) -> bool {
        for &(s, e, c) in &self.fixed {
            if e <= from || s >= to {
                continue;
            }
            if s < from || e > to || initials {
                return false;
            }
            // Which character of the word produces letters s..e?
            let mut at = from;
            let mut ok = false;
            for (ch, syl) in word.chars().zip(syllables) {
                if at == s {
                    ok = at + syl.len() == e && ch == c;
                    break;
                }
                at += syl.len();
            }
            if !ok {
                return false;
            }
        }
        true
    }
}

impl PinyinIndex {
    /// Indexes every vocabulary word under its full pinyin and its initials.
    pub fn build(lexicon: &Lexicon) -> PinyinIndex {
        let mut idx = PinyinIndex::default();
        // Words score by log-probability: a phrase read as several frequent single characters
        // must not beat the one word it is.
        let total: f32 = lexicon
            .words
            .iter()
            .map(|w| w.weight().exp())
            .sum::<f32>()
            .max(1.0);
        let dictionary = Readings::new();
        for w in &lexicon.words {
            let mut readings = dictionary.of(&w.text);
            // Long words and title phrases keep their two most common readings: every
            // combination of their polyphonic characters would cost memory for readings nobody
            // types (the vocabulary holds some 30,000 title phrases).
            if w.text.chars().count() >= LONG_WORD {
                readings.truncate(LONG_WORD_READINGS);
            }
            if readings.is_empty() {
                continue;
            }
            let id = idx.words.len() as u32;
            for (r, syllables) in readings.iter().enumerate() {
                let full: String = syllables.concat();
                let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
                if full.len() <= MAX_KEY {
                    idx.sorted_full.push((full.clone(), id));
                    idx.keys.entry(full.clone()).or_default().push(Entry {
                        word: id,
                        reading: r as u16,
                        initials: false,
                        pos: 0,
                    });
                    if full.contains('v') {
                        // People type `u` for ü after l and n (lu 律, nu 女).
                        idx.keys
                            .entry(full.replace('v', "u"))
                            .or_default()
                            .push(Entry {
                                word: id,
                                reading: r as u16,
                                initials: false,
                                pos: 0,
                            });
                    }
                }
                if initials != full {
                    idx.keys.entry(initials).or_default().push(Entry {
                        word: id,
                        reading: r as u16,
                        initials: true,
                        pos: 0,
                    });
                }
            }
            idx.words
                .push((w.text.clone(), w.weight() - total.ln(), readings));
            idx.titled.push(w.title_df > 0);
        }
        idx.floor = -total.ln();
        idx.add_characters(lexicon, total);
        idx.sorted_full.sort();
        // Each key's entries best first (ties in the order they were added), so a conversion
        // only looks at the first few words of a key that allow the input.
        for entries in idx.keys.values_mut() {
            for (pos, e) in entries.iter_mut().enumerate() {
                e.pos = pos as u32;
            }
            let (words, titled, floor) = (&idx.words, &idx.titled, idx.floor);
            entries.sort_by(|a, b| {
                let (sa, sb) = (
                    entry_score(words, titled, floor, a),
                    entry_score(words, titled, floor, b),
                );
                sb.total_cmp(&sa).then(a.pos.cmp(&b.pos))
            });
        }
        idx
    }

    /// Characters that are no word of their own (社 of 社会) become candidates too, so any
    /// syllable typed in full can be turned into a character, as in every pinyin IME; they
    /// cost [`CHARACTER_COST`] more than a word, so whole words win when there is one.
    fn add_characters(&mut self, lexicon: &Lexicon, total: f32) {
        let known: HashSet<&str> = lexicon.words.iter().map(|w| w.text.as_str()).collect();
        let mut mass: HashMap<char, f32> = HashMap::new();
        for w in &lexicon.words {
            for c in w.text.chars() {
                if !known.contains(c.encode_utf8(&mut [0; 4]) as &str) {
                    *mass.entry(c).or_default() += w.weight().exp();
                }
            }
        }
        let mut chars: Vec<(char, f32)> = mass.into_iter().collect();
        chars.sort_by_key(|c| c.0);
        for (c, m) in chars {
            // The common reading only: rare ones (活 read guō) would put odd characters first.
            let Some(reading) = first_reading(c) else {
                continue;
            };
            let readings = vec![vec![reading]];
            let id = self.words.len() as u32;
            for (r, syllables) in readings.iter().enumerate() {
                let full = syllables[0].clone();
                let mut keys = vec![full.clone()];
                if full.contains('v') {
                    keys.push(full.replace('v', "u"));
                }
                for key in keys {
                    self.keys.entry(key).or_default().push(Entry {
                        word: id,
                        reading: r as u16,
                        initials: false,
                        pos: 0,
                    });
                }
            }
            self.words.push((
                c.to_string(),
                m.ln() - total.ln() - CHARACTER_COST,
                readings,
            ));
            self.titled.push(true);
        }
    }

    /// Whether the input is something to convert (has Latin letters, and only letters, spaces
    /// and Han characters).
    pub fn is_pinyin_input(input: &str) -> bool {
        Letters::parse(input).is_some()
    }

    /// The best conversions of the whole input, best first. Empty when the letters cannot be
    /// read as vocabulary words.
    pub fn convert(&self, input: &str, n: usize) -> Vec<Conversion> {
        let Some(letters) = Letters::parse(input) else {
            return Vec::new();
        };
        let text = letters.text.as_str();
        let len = text.len();
        let bounds = syllable_bounds(&letters.text);
        // best[i]: the best partial conversions of letters[..i] as (score, words). Candidates
        // are ranked as back-pointers (score, start, index in best[start], word) and only the
        // kept ones are materialised: an initials key can have thousands of entries.
        let mut best: Vec<Vec<(f32, Vec<u32>)>> = vec![Vec::new(); len + 1];
        best[0].push((0.0, Vec::new()));
        let mut found: Vec<(f32, usize, usize, u32, u32)> = Vec::new();
        let mut chosen: Vec<&Entry> = Vec::new();
        let mut distinct: Vec<u32> = Vec::new();
        for end in 1..=len {
            found.clear();
            for (start, partial) in best[..end]
                .iter()
                .enumerate()
                .skip(end.saturating_sub(MAX_KEY))
            {
                if partial.is_empty() {
                    continue;
                }
                // The letters are ASCII, so every slice is a valid key.
                let Some(entries) = text.get(start..end).and_then(|k| self.keys.get(k)) else {
                    continue;
                };
                if bounds.as_ref().is_some_and(|b| !b[start] || !b[end]) {
                    continue;
                }
                let syllables = bounds.is_some();
                self.choose_entries(
                    &letters,
                    syllables,
                    start..end,
                    entries,
                    &mut chosen,
                    &mut distinct,
                );
                for e in &chosen {
                    let step = entry_score(&self.words, &self.titled, self.floor, e);
                    for (i, (score, _)) in partial.iter().enumerate() {
                        found.push((score + step, start, i, e.word, e.pos));
                    }
                }
            }
            // Best first; ties in the order the candidates were once generated (start, the
            // entry's position in its key, the partial conversion).
            found.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(a.1.cmp(&b.1))
                    .then(a.4.cmp(&b.4))
                    .then(a.2.cmp(&b.2))
            });
            // Same word sequence: same last word and same prefix.
            found.dedup_by(|a, b| a.3 == b.3 && best[a.1][a.2].1 == best[b.1][b.2].1);
            found.truncate(BEAM);
            let kept: Vec<(f32, Vec<u32>)> = found
                .iter()
                .map(|&(score, start, i, word, _)| {
                    let mut w = Vec::with_capacity(best[start][i].1.len() + 1);
                    w.extend_from_slice(&best[start][i].1);
                    w.push(word);
                    (score, w)
                })
                .collect();
            best[end] = kept;
        }
        self.distinct_conversions(&best[len], n)
    }

    /// Into `chosen`, the entries of a key for `letters[span]` that allow the input
    /// (`distinct` holds their words), stopping past the first `KEY_WORDS` distinct words.
    fn choose_entries<'a>(
        &'a self,
        letters: &Letters,
        syllables: bool,
        span: std::ops::Range<usize>,
        entries: &'a [Entry],
        chosen: &mut Vec<&'a Entry>,
        distinct: &mut Vec<u32>,
    ) {
        // Entries are sorted best first: past the first KEY_WORDS distinct words that
        // allow the input, no entry can reach the beam from any partial conversion.
        chosen.clear();
        distinct.clear();
        for e in entries {
            if syllables && e.initials {
                continue;
            }
            let (word, _, readings) = &self.words[e.word as usize];
            if !letters.allows(
                span.start,
                span.end,
                word,
                &readings[e.reading as usize],
                e.initials,
            ) {
                continue;
            }
            if !distinct.contains(&e.word) {
                if distinct.len() == KEY_WORDS {
                    break;
                }
                distinct.push(e.word);
            }
            chosen.push(e);
        }
    }

    /// The first `n` distinct texts of the whole-input conversions `best`, with their scores.
    fn distinct_conversions(&self, best: &[(f32, Vec<u32>)], n: usize) -> Vec<Conversion> {
        let mut out: Vec<Conversion> = Vec::new();
        for (score, words) in best {
            let text: String = words
                .iter()
                .map(|&w| self.words[w as usize].0.as_str())
                .collect();
            if !out.iter().any(|c| c.text == text) {
                out.push(Conversion {
                    text,
                    score: *score,
                });
            }
        }
        out.truncate(n);
        out
    }

    /// Candidates for the on-screen keyboard's bar: whole-input conversions first, then single
    /// words whose key is the whole input or a prefix of it, most present first.
    pub fn candidates(&self, input: &str, n: usize) -> Vec<String> {
        let mut out: Vec<String> = self.convert(input, 3).into_iter().map(|c| c.text).collect();
        let Some(letters) = Letters::parse(input) else {
            return out;
        };
        // (score, letters matched, word, order the word was found in: ties keep it).
        let mut words: Vec<(f32, usize, &str, (u8, u32))> = Vec::new();
        let bounds = syllable_bounds(&letters.text);
        for end in (1..=letters.text.len().min(MAX_KEY)).rev() {
            if bounds.as_ref().is_some_and(|b| !b[end]) {
                continue;
            }
            if let Some(entries) = self.keys.get(&letters.text[..end]) {
                for e in entries {
                    if bounds.is_some() && e.initials {
                        continue;
                    }
                    let (word, weight, readings) = &self.words[e.word as usize];
                    if letters.allows(0, end, word, &readings[e.reading as usize], e.initials) {
                        let penalty = if e.initials { INITIALS_COST } else { 0.0 };
                        words.push((weight - penalty, end, word, (0, e.pos)));
                    }
                }
            }
        }
        if letters.fixed.is_empty() {
            // Words still being typed: their full pinyin starts with the whole input.
            let start = self
                .sorted_full
                .partition_point(|(k, _)| k.as_str() < letters.text.as_str());
            for (found, (key, id)) in self.sorted_full[start..]
                .iter()
                .take_while(|(k, _)| k.starts_with(&letters.text))
                .take(200)
                .enumerate()
            {
                let (word, weight, _) = &self.words[*id as usize];
                if key.len() > letters.text.len() {
                    words.push((*weight, letters.text.len(), word, (1, found as u32)));
                }
            }
        }
        // Longer matches first, then by presence.
        words.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.total_cmp(&a.0)).then(a.3.cmp(&b.3)));
        for (_, _, w, _) in words {
            if out.len() >= n {
                break;
            }
            if !out.iter().any(|o| o == w) {
                out.push(w.to_string());
            }
        }
        out.truncate(n);
        out
    }
}

#[cfg(test)]
#[path = "pinyin_tests.rs"]
mod tests;
