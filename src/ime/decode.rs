//! Ranking: whole-input conversion by a k-best Viterbi over the token lattice, word and
//! character candidates for each prefix of the input, and the name model. Owns the scores;
//! knows nothing of pages or the screen.

use super::dict::Dict;
use super::input::Lattice;
use super::{Candidate, Mode, Vocabulary};
use std::collections::{HashMap, HashSet};

/// Conversions kept per lattice position.
const K_BEST: usize = 6;
/// Words kept per (start, end) in the conversion.
const EDGES_PER_SPAN: usize = 12;
/// Candidates listed at most (every page together).
pub(crate) const MAX_CANDIDATES: usize = 400;
/// Weight of ln(1 + document frequency) of a word in the index vocabulary, and the most one
/// word gains: single characters gain nothing (every record holds 一, 了, 就, so boosting them
/// turned `ylj` into 一了就 instead of 养老金).
const BOOST_WEIGHT: f32 = 1.0;
const BOOST_CAP: f32 = 4.0;
/// Cost of each character outside GB2312 (the 6,763 characters of everyday simplified text):
/// still offered, for rare given names, but after the common ones. jieba gives a few rare
/// characters absurd frequencies (笉 `zg` 2798, third for `qin` before 琴).
const RARE_COST: f32 = 6.0;
/// Surnames and given-name characters tried per position in a name.
const NAME_BRANCH: usize = 10;
/// ln P(one-character given name), ln P(two characters).
const GIVEN_ONE: f32 = -0.9;
const GIVEN_TWO: f32 = -0.5;
/// Weight of ln(1 + frequency) of an attested name start (张三 from 张三丰).
const ATTESTED_WEIGHT: f32 = 1.0;
/// Names listed at most per length of input they consume (composed names run to hundreds).
const NAMES_PER_GROUP: usize = 30;
/// Cost of a name without a surname (the surname was committed already).
const GIVEN_ONLY_COST: f32 = 2.0;
/// In name mode, whole names listed before the surnames alone, and how many surnames alone
/// follow them: the surname alone (王 of `wangxiuying`, for a given name to choose character by
/// character) must be on the first page, not after hundreds of whole names.
const NAMES_BEFORE_SURNAMES: usize = 5;
const SURNAMES_EARLY: usize = 2;

#[derive(Clone)]
struct Scored {
    text: String,
    end: usize,
    score: f32,
}

/// What the index vocabulary adds to a word's score, less the cost of its rare characters.
fn boost(vocab: Option<&dyn Vocabulary>, word: &str) -> f32 {
    rarity(word)
        + match vocab {
            Some(v) if word.chars().nth(1).is_some() => {
                (BOOST_WEIGHT * (1.0 + v.doc_freq(word) as f32).ln()).min(BOOST_CAP)
            }
            Some(_) => 0.0,
            None => 0.0,
        }
}

/// One step of a conversion: the word and where the path came from.
#[derive(Clone)]
struct Step {
    score: f32,
    prev: usize,
    prev_k: usize,
    text: u32,
}

/// The best conversions of the whole input into words, best first.
fn conversions(dict: &Dict, lat: &Lattice, vocab: Option<&dyn Vocabulary>) -> Vec<Scored> {
    let n = lat.len();
    let mut best: Vec<Vec<Step>> = vec![Vec::new(); n + 1];
    best[0].push(Step {
        score: 0.0,
        prev: 0,
        prev_k: 0,
        text: u32::MAX,
    });
    for pos in 0..n {
        if best[pos].is_empty() {
            continue;
        }
        let mut edges: HashMap<(usize, u32), f32> = HashMap::new();
        for (end, e, cost) in lat.words_from(&dict.words, &dict.syllables, pos, EDGES_PER_SPAN) {
            let s = dict.words.entries[e as usize].logp - cost + boost(vocab, dict.words.text(e));
            let slot = edges
                .entry((end, dict.words.text_id(e)))
                .or_insert(f32::MIN);
            *slot = slot.max(s);
        }
        let from = best[pos].clone();
        for ((end, text), s) in edges {
            for (k, step) in from.iter().enumerate() {
                let cand = Step {
                    score: step.score + s,
                    prev: pos,
                    prev_k: k,
                    text,
                };
                let at = &mut best[end];
                if at.len() < K_BEST || at.last().is_some_and(|l| l.score < cand.score) {
                    let i = at.partition_point(|x| x.score >= cand.score);
                    at.insert(i, cand);
                    at.truncate(K_BEST);
                }
            }
        }
    }
    let mut out = Vec::new();
    for k in 0..best[n].len() {
        let mut parts = Vec::new();
        let (mut pos, mut kk) = (n, k);
        while pos > 0 {
            let step = &best[pos][kk];
            parts.push(dict.words.text_of_id(step.text));
            (pos, kk) = (step.prev, step.prev_k);
        }
        parts.reverse();
        out.push(Scored {
            text: parts.concat(),
            end: n,
            score: best[n][k].score,
        });
    }
    out
}

/// Words from the start of the input, for each end (the whole input or a prefix of it).
fn prefix_words(dict: &Dict, lat: &Lattice, vocab: Option<&dyn Vocabulary>) -> Vec<Scored> {
    lat.words_from(&dict.words, &dict.syllables, 0, MAX_CANDIDATES)
        .into_iter()
        .map(|(end, e, cost)| Scored {
            text: dict.words.text(e).to_string(),
            end,
            score: dict.words.entries[e as usize].logp - cost + boost(vocab, dict.words.text(e)),
        })
        .collect()
}

/// Names from the start of the input: surname + one or two given characters (or a known
/// two-character given name), a surname alone, or a given name alone.
fn names(dict: &Dict, lat: &Lattice) -> Vec<Scored> {
    let given = |start: usize| -> Vec<(usize, String, f32)> {
        let mut out = Vec::new();
        let firsts = lat.words_from(&dict.given_chars, &dict.syllables, start, NAME_BRANCH);
        for &(e1, c1, cost1) in &firsts {
            let t1 = dict.given_chars.text(c1);
            let s1 = dict.given_chars.entries[c1 as usize].logp - cost1 + rarity(t1);
            out.push((e1, t1.to_string(), GIVEN_ONE + s1));
            for (e2, c2, cost2) in
                lat.words_from(&dict.given_chars, &dict.syllables, e1, NAME_BRANCH)
            {
                let t2 = dict.given_chars.text(c2);
                let s2 = dict.given_chars.entries[c2 as usize].logp - cost2 + rarity(t2);
                let t = format!("{t1}{t2}");
                out.push((e2, t, GIVEN_TWO + s1 + s2));
            }
        }
        for (end, w, cost) in lat.words_from(&dict.given_names, &dict.syllables, start, NAME_BRANCH)
        {
            let s = dict.given_names.entries[w as usize].logp - cost;
            out.push((end, dict.given_names.text(w).to_string(), GIVEN_TWO + s));
        }
        out
    };
    let mut out = Vec::new();
    let mut given_at: HashMap<usize, Vec<(usize, String, f32)>> = HashMap::new();
    for (e1, s, cost) in lat.words_from(&dict.surnames, &dict.syllables, 0, NAME_BRANCH) {
        let surname = dict.surnames.text(s);
        let ss = dict.surnames.entries[s as usize].logp - cost + rarity(surname);
        out.push(Scored {
            text: surname.to_string(),
            end: e1,
            score: ss,
        });
        for (end, g, gs) in given_at.entry(e1).or_insert_with(|| given(e1)).iter() {
            let first: String = surname.chars().chain(g.chars().take(1)).collect();
            let attested = dict.attested.get(first.as_str()).copied().unwrap_or(0.0);
            out.push(Scored {
                text: format!("{surname}{g}"),
                end: *end,
                score: ss + gs + ATTESTED_WEIGHT * attested,
            });
        }
    }
    // Attested name starts, whatever the given character's own rank.
    for (end, a, cost) in lat.words_from(&dict.attested_names, &dict.syllables, 0, NAME_BRANCH) {
        let text = dict.attested_names.text(a);
        let chars: Vec<char> = text.chars().collect();
        let split = chars.len() - 1;
        let surname: String = chars[..split].iter().collect();
        let given: String = chars[split..].iter().collect();
        if let (Some(ss), Some(gs)) = (
            dict.surnames.logp_of(&surname),
            dict.given_chars.logp_of(&given),
        ) {
            let attested = dict.attested_names.entries[a as usize].logp;
            out.push(Scored {
                text: text.to_string(),
                end,
                score: ss + GIVEN_ONE + gs - cost + ATTESTED_WEIGHT * attested,
            });
        }
    }
    for (end, g, gs) in given(0) {
        out.push(Scored {
            text: g,
            end,
            score: gs - GIVEN_ONLY_COST,
        });
    }
    out
}

/// Whether a character is one of GB2312's (EUC-CN rows 16–87 for Hanzi, 1–9 for symbols).
fn in_gb2312(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    !unmappable
        && matches!(*bytes, [b0, b1] if (0xa1..=0xf7).contains(&b0) && (0xa1..=0xfe).contains(&b1))
}

/// The cost of a word's characters outside GB2312 (negative: it is added to a score).
fn rarity(word: &str) -> f32 {
    -RARE_COST
        * word
            .chars()
            .filter(|c| !c.is_ascii() && !in_gb2312(*c))
            .count() as f32
}

/// Whether a candidate is written in Simplified Chinese: every character is in GB2312 (the
/// simplified set, which keeps 乾 and 瞭) or is not a traditional form (喆, 堃 beyond GB2312).
/// jieba's dictionary also holds traditional words (繖, 鍚); a Simplified kiosk never offers them.
pub(crate) fn simplified(text: &str) -> bool {
    let mut buf = [0u8; 4];
    text.chars().all(|c| {
        c.is_ascii() || in_gb2312(c) || {
            let one: &str = c.encode_utf8(&mut buf);
            fast2s::convert(one) == one
        }
    })
}

/// Sorts by score, best first, drops repeated texts and keeps at most `cap`.
fn ranked(mut list: Vec<Scored>, cap: usize) -> Vec<Scored> {
    list.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut seen = HashSet::new();
    list.retain(|s| seen.insert(s.text.clone()));
    list.truncate(cap);
    list
}

/// Every candidate for `typed`, best first: whole-input candidates (names first in name
/// mode, the vocabulary's own readings first otherwise), then candidates that consume a
/// shorter start of the input, longest first.
pub(crate) fn candidates(
    dict: &Dict,
    typed: &str,
    mode: Mode,
    vocab: Option<&dyn Vocabulary>,
) -> Vec<Candidate> {
    let lat = Lattice::new(typed, &dict.syllables);
    let n = lat.len();
    if n == 0 {
        return Vec::new();
    }
    let words = prefix_words(dict, &lat, vocab);
    let (whole_words, part_words): (Vec<Scored>, Vec<Scored>) =
        words.into_iter().partition(|s| s.end == n);
    let mut general_whole = conversions(dict, &lat, vocab);
    general_whole.extend(whole_words);
    let (mut name_whole, mut name_part) = (Vec::new(), Vec::new());
    if mode == Mode::Names {
        (name_whole, name_part) = names(dict, &lat).into_iter().partition(|s| s.end == n);
    }
    let mut name_whole = ranked(name_whole, NAMES_PER_GROUP);
    let later_names = name_whole.split_off(NAMES_BEFORE_SURNAMES.min(name_whole.len()));
    let surnames: Vec<Scored> = name_part
        .iter()
        .filter(|s| dict.surnames.logp_of(&s.text).is_some())
        .cloned()
        .collect();
    let general_whole = ranked(general_whole, MAX_CANDIDATES);
    let readings: Vec<Scored> = match vocab {
        Some(v) if mode == Mode::General => {
            let score = general_whole.first().map_or(0.0, |s| s.score);
            v.readings(typed)
                .into_iter()
                .map(|text| Scored {
                    text,
                    end: n,
                    score,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let mut groups: Vec<Vec<Scored>> = vec![
        name_whole,
        ranked(surnames, SURNAMES_EARLY),
        later_names,
        readings,
        general_whole,
    ];
    let mut by_end: Vec<(usize, Vec<Scored>, Vec<Scored>)> =
        (1..n).rev().map(|e| (e, Vec::new(), Vec::new())).collect();
    for s in name_part {
        by_end[n - 1 - s.end].1.push(s);
    }
    for s in part_words {
        by_end[n - 1 - s.end].2.push(s);
    }
    for (_, names, words) in by_end {
        groups.push(ranked(names, NAMES_PER_GROUP));
        groups.push(ranked(words, MAX_CANDIDATES));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for s in groups.into_iter().flatten() {
        if out.len() >= MAX_CANDIDATES {
            break;
        }
        if simplified(&s.text) && seen.insert(s.text.clone()) {
            out.push(Candidate {
                text: s.text,
                consumed: lat.consumed(s.end),
                score: s.score,
            });
        }
    }
    out
}
