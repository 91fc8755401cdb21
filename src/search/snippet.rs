//! Snippets: the best short window of a text around the query's words, every occurrence of a
//! query word highlighted. Pure string work on the words the query was understood as; no
//! tokenizer runs per hit (segmenting each hit's text again used to cost a quarter of a search).
//! Must not know about the index.

use serde::Serialize;
use std::ops::Range;

/// Length of a plain snippet (a body with no query word), in characters.
pub const SNIPPET_CHARS: usize = 110;
/// Characters of the snippet window ([`snippet_window`]) before the first query word, and its
/// length.
pub const WINDOW_BEFORE: usize = 40;
pub const WINDOW_CHARS: usize = 3 * SNIPPET_CHARS;

/// A query word and how much finding it counts (rarer words count more).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    pub weight: f32,
}

/// Finds the earliest occurrence of any query word in one pass (a multi-pattern SIMD search), so
/// a hit with a long body (a whole code of law) costs one scan however many words were asked.
pub struct FirstWord {
    finder: Option<aho_corasick::AhoCorasick>,
    /// Byte length of the longest word.
    longest: usize,
}

impl FirstWord {
    pub fn new(words: &[&str]) -> FirstWord {
        let words: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
        FirstWord {
            longest: words.iter().map(|w| w.len()).max().unwrap_or(0),
            // A contiguous NFA: built in a fraction of a DFA's time, and a search scans only a
            // chunk or two of each hit's body (see `bodies`).
            finder: (!words.is_empty())
                .then(|| {
                    aho_corasick::AhoCorasick::builder()
                        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                        .build(&words)
                        .ok()
                })
                .flatten(),
        }
    }

    /// Byte offset of the earliest occurrence of any word (in text, or in UTF-8 bytes).
    pub fn find(&self, text: impl AsRef<[u8]>) -> Option<usize> {
        self.finder.as_ref()?.find(text.as_ref()).map(|m| m.start())
    }

    /// Byte length of the longest word.
    pub fn longest(&self) -> usize {
        self.longest
    }
}

/// Every occurrence of a term in `text`, in text order, without overlaps (at the same start the
/// longer term wins; a term starting inside an earlier occurrence is skipped).
pub fn occurrences(text: &str, terms: &[Term]) -> Vec<(Range<usize>, f32)> {
    let mut found: Vec<(Range<usize>, f32)> = Vec::new();
    for t in terms.iter().filter(|t| !t.text.is_empty()) {
        found.extend(
            text.match_indices(t.text.as_str())
                .map(|(at, m)| (at..at + m.len(), t.weight)),
        );
    }
    found.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out: Vec<(Range<usize>, f32)> = Vec::with_capacity(found.len());
    for f in found {
        if out.last().is_none_or(|last| f.0.start >= last.0.end) {
            out.push(f);
        }
    }
    out
}

/// The window of at most `max_bytes` bytes that starts at an occurrence and holds the highest
/// total weight of occurrences (the earliest on ties), and the highlights inside it relative to
/// its start. `None` when no term occurs.
pub fn best_window(
    text: &str,
    terms: &[Term],
    max_bytes: usize,
) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let occ = occurrences(text, terms);
    let mut best: Option<(f32, usize)> = None;
    for (i, (r, _)) in occ.iter().enumerate() {
        let limit = r.start + max_bytes;
        let score: f32 = occ[i..]
            .iter()
            .take_while(|(o, _)| o.end <= limit)
            .map(|(_, w)| w)
            .sum();
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    let (_, i) = best?;
    let start = occ[i].0.start;
    let mut end = (start + max_bytes).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = end.max(occ[i].0.end);
    let highlights = occ[i..]
        .iter()
        .take_while(|(o, _)| o.end <= end)
        .map(|(o, _)| o.start - start..o.end - start)
        .collect();
    Some((start..end, highlights))
}

/// The part of a body worth scanning for a snippet: from a little before the earliest query
/// word found (byte search) to a few hundred characters after it.
pub fn snippet_window(body: &str, first: Option<usize>) -> &str {
    let first = first.unwrap_or(0);
    let start = body[..first]
        .char_indices()
        .rev()
        .nth(WINDOW_BEFORE - 1)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let end = body[start..]
        .char_indices()
        .nth(WINDOW_CHARS)
        .map(|(i, _)| start + i)
        .unwrap_or(body.len());
    &body[start..end]
}

/// A highlighted piece of text: the text and the byte ranges to emphasise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Highlighted {
    pub text: String,
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
}

impl Highlighted {
    /// The text with every highlight wrapped in `open`/`close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            if r.start < at || r.end > self.text.len() {
                continue;
            }
            out.push_str(&self.text[at..r.start]);
            out.push_str(open);
            out.push_str(&self.text[r.clone()]);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(ws: &[(&str, f32)]) -> Vec<Term> {
        ws.iter()
            .map(|(t, w)| Term {
                text: t.to_string(),
                weight: *w,
            })
            .collect()
    }

    #[test]
    fn the_first_word_is_the_earliest_of_any_word() {
        let f = FirstWord::new(&["人民", "中华人民共和国", "共和"]);
        assert_eq!(f.find("我们中华人民共和国"), Some(6));
        assert_eq!(f.find("无关"), None);
        assert_eq!(FirstWord::new(&[]).find("人民"), None);
    }

    #[test]
    fn occurrences_prefer_the_longer_word_and_never_overlap() {
        let t = terms(&[("人民", 1.0), ("中华人民共和国", 1.0), ("共和", 1.0)]);
        let got: Vec<Range<usize>> = occurrences("中华人民共和国人民", &t)
            .into_iter()
            .map(|o| o.0)
            .collect();
        assert_eq!(got, [0..21, 21..27]);
    }

    #[test]
    fn the_window_with_the_most_weight_wins_and_starts_at_a_word() {
        let text = format!("护士{}条例执业护士", "甲".repeat(40));
        let t = terms(&[("护士", 1.0), ("执业", 1.0)]);
        let (range, highlights) = best_window(&text, &t, 30).unwrap();
        assert_eq!(&text[range.clone()], "执业护士");
        assert_eq!(highlights, [0..6, 6..12]);
        assert!(best_window("无关", &t, 30).is_none());
    }

    #[test]
    fn the_window_ends_on_a_character_boundary() {
        let t = terms(&[("护士", 1.0)]);
        let (range, _) = best_window("护士条例全文", &t, 10).unwrap();
        assert_eq!(range, 0..9);
    }

    #[test]
    fn the_snippet_window_starts_shortly_before_the_first_match() {
        let body = format!("{}护士执业{}", "甲".repeat(100), "乙".repeat(1000));
        let w = snippet_window(&body, FirstWord::new(&["执业", "不存在"]).find(&body));
        assert!(
            w.starts_with(&"甲".repeat(38)) && w.contains("护士执业"),
            "{w}"
        );
        assert_eq!(w.chars().count(), WINDOW_CHARS);
        assert_eq!(
            snippet_window("短文", FirstWord::new(&["无"]).find("短文")),
            "短文"
        );
    }

    #[test]
    fn marked_wraps_each_highlight() {
        let h = Highlighted {
            text: "护士条例全文".into(),
            highlights: vec![0..6, 6..12],
        };
        assert_eq!(h.marked("[", "]"), "[护士][条例]全文");
    }
}
