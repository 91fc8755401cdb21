//! Typed Latin letters → a lattice of syllable tokens. Owns syllable splitting (ambiguous
//! splits such as `xian` = xian / xi an, apostrophes `xi'an`, initials `zfxxgk`, a final
//! unfinished syllable `zhangs`) and the map back to byte offsets of the typed text.

use super::dict::{Syllables, Table};

/// At most this many letters are decoded (a longer input keeps its tail for later).
pub(crate) const MAX_LETTERS: usize = 48;
/// Cost, in nats, of a syllable given by its initial only (`z` in `zfxxgk`).
const INITIAL_COST: f32 = 1.5;
/// Cost of a full syllable read as the start of a longer one at the end (`sa` → san): high,
/// so that `xian` lists every 先 县 现 … before 想 向.
const PARTIAL_COST: f32 = 5.0;
/// Cost of the unfinished last syllable (`s` in `zhangs`, `xio` → xiong).
const UNFINISHED_COST: f32 = 0.5;

/// How a token matches a syllable.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Match {
    /// Exactly this syllable.
    Full(u16),
    /// Any syllable starting with the token's letters.
    Prefix,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) end: usize,
    pub(crate) how: Match,
    pub(crate) cost: f32,
}

/// The typed text as tokens between letter positions `0..=len`.
pub(crate) struct Lattice {
    letters: Vec<u8>,
    /// Byte offset in the typed text just after letter position `i` (and any separators that
    /// follow it): what a candidate ending at `i` consumes.
    raw_end: Vec<usize>,
    pub(crate) tokens: Vec<Vec<Token>>,
}

/// Letters that start no syllable as an initial.
pub(crate) fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'v')
}

/// Whether the tokens lead from letter position 0 to `n`.
fn reads_whole(tokens: &[Vec<Token>], n: usize) -> bool {
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if reach[i] {
            for t in &tokens[i] {
                reach[t.end] = true;
            }
        }
    }
    reach[n]
}

/// Adds an initial token (`z`, and `zh` `ch` `sh` not split by `crosses`) at every consonant.
fn add_initials(tokens: &mut [Vec<Token>], letters: &[u8], crosses: impl Fn(usize, usize) -> bool) {
    let n = letters.len();
    for (i, at) in tokens.iter_mut().enumerate().take(n) {
        let b = letters[i];
        if is_vowel(b) {
            continue;
        }
        let mut add = |end: usize| {
            if !at
                .iter()
                .any(|t| t.end == end && matches!(t.how, Match::Prefix))
            {
                at.push(Token {
                    end,
                    how: Match::Prefix,
                    cost: INITIAL_COST,
                });
            }
        };
        add(i + 1);
        if matches!(b, b'z' | b'c' | b's')
            && i + 2 <= n
            && letters[i + 1] == b'h'
            && !crosses(i, i + 2)
        {
            add(i + 2);
        }
    }
}

impl Lattice {
    pub(crate) fn new(typed: &str, syllables: &Syllables) -> Lattice {
        let mut letters = Vec::new();
        let mut raw_end = vec![0];
        // boundary[i]: a separator was typed before letter i.
        let mut boundary = vec![false];
        for (at, c) in typed.char_indices() {
            if letters.len() >= MAX_LETTERS {
                break;
            }
            if c.is_ascii_alphabetic() {
                letters.push(c.to_ascii_lowercase() as u8);
                raw_end.push(at + 1);
                boundary.push(false);
            } else {
                // Apostrophes, spaces and anything else separate syllables.
                let last = raw_end.len() - 1;
                raw_end[last] = at + c.len_utf8();
                boundary[last] = true;
            }
        }
        let n = letters.len();
        let text = |a: usize, b: usize| std::str::from_utf8(&letters[a..b]).unwrap_or("");
        let crosses = |a: usize, b: usize| (a + 1..b).any(|j| boundary[j]);

        let full = |i: usize| -> Vec<Token> {
            let mut out = Vec::new();
            for end in i + 1..=(i + 6).min(n) {
                if crosses(i, end) {
                    break;
                }
                let s = text(i, end);
                if let Some(id) = syllables.id(s) {
                    // Syllables without a vowel (m, n, ng, hm) only as initials or prefixes.
                    if s.bytes().any(is_vowel) {
                        out.push(Token {
                            end,
                            how: Match::Full(id),
                            cost: 0.0,
                        });
                    }
                }
            }
            if !crosses(i, n) && syllables.has_longer(text(i, n)) {
                let cost = if syllables.id(text(i, n)).is_some() {
                    PARTIAL_COST
                } else {
                    UNFINISHED_COST
                };
                out.push(Token {
                    end: n,
                    how: Match::Prefix,
                    cost,
                });
            }
            out
        };
        let mut tokens: Vec<Vec<Token>> = (0..n).map(full).collect();
        tokens.push(Vec::new());

        // Initials only when the text does not read as whole syllables: `renshe` is 人社,
        // never 人 + s + he.
        if !reads_whole(&tokens, n) {
            add_initials(&mut tokens, &letters, crosses);
        }
        Lattice {
            letters,
            raw_end,
            tokens,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.letters.len()
    }

    /// Bytes of the typed text consumed by a candidate ending at letter position `end`.
    pub(crate) fn consumed(&self, end: usize) -> usize {
        self.raw_end[end]
    }

    fn token_matches(&self, start: usize, t: &Token, syl: u16, syllables: &Syllables) -> bool {
        match t.how {
            Match::Full(id) => id == syl,
            Match::Prefix => syllables
                .name(syl)
                .as_bytes()
                .starts_with(&self.letters[start..t.end]),
        }
    }

    /// Every entry of `table` that the tokens from `start` spell, as (end, entry, cost of the
    /// tokens); at most `per_end` entries for each end, the best first.
    pub(crate) fn words_from(
        &self,
        table: &Table,
        syllables: &Syllables,
        start: usize,
        per_end: usize,
    ) -> Vec<(usize, u32, f32)> {
        let mut out = Vec::new();
        let mut path: Vec<(usize, Token)> = Vec::new();
        self.walk(table, syllables, start, 0, &mut path, per_end, &mut out);
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        table: &Table,
        syllables: &Syllables,
        pos: usize,
        key: u64,
        path: &mut Vec<(usize, Token)>,
        per_end: usize,
        out: &mut Vec<(usize, u32, f32)>,
    ) {
        if path.len() >= super::dict::MAX_SYLLABLES || pos >= self.len() {
            return;
        }
        for t in &self.tokens[pos] {
            let k = super::dict::push_key(key, self.letters[pos]);
            if !table.has_prefix(k) {
                continue;
            }
            path.push((pos, *t));
            let cost: f32 = path.iter().map(|(_, t)| t.cost).sum();
            let mut found = 0;
            for &e in table.bucket(k) {
                let syls = table.syllables(e);
                if syls
                    .iter()
                    .zip(path.iter())
                    .all(|(&s, (p, tok))| self.token_matches(*p, tok, s, syllables))
                {
                    out.push((t.end, e, cost));
                    found += 1;
                    if found >= per_end {
                        break;
                    }
                }
            }
            self.walk(table, syllables, t.end, k, path, per_end, out);
            path.pop();
        }
    }
}
