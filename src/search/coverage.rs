//! The minimum-relevance cut-off and the proximity factor of the ranking.
//!
//! A record is relevant to a query when it carries enough of what was asked, and carries it
//! together: the query's words (weighted by inverse document frequency, so a word the index
//! has never seen weighs most) in the title, or close to each other in the body. A law that
//! mentions 股票 in one chapter and 推荐 in another is not about 股票推荐; 女职工生育享受98天产假
//! answers 产假有多少天 in one sentence.

use super::schema::Fields;
use super::understand::Understanding;
use super::SearchError;
use std::collections::HashMap;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term, TERMINATED};

/// Width of the body passage the words must meet in, in characters (two or three sentences).
const PASSAGE_CHARS: u32 = 120;
/// Ranking factor of a candidate with no passage at all: `FLOOR + (1 - FLOOR) * coverage`,
/// squared, multiplies the score (a candidate holding every word together keeps its score).
const FLOOR: f32 = 0.3;

/// Per variant: its words as indices into the distinct words, their idf, and the share
/// required.
struct VariantWords {
    words: Vec<usize>,
    required: f32,
}

/// The cut-off of one query.
pub struct Coverage {
    /// Distinct words of every variant, with their idf.
    words: Vec<(String, f32)>,
    variants: Vec<VariantWords>,
    exact_key: bool,
}

/// How a candidate fared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// It carries enough of a variant in its title and one body passage.
    pub passes: bool,
    /// The score factor from the best variant's coverage, in (0, 1].
    pub factor: f32,
}

impl Coverage {
    pub fn new(searcher: &tantivy::Searcher, f: &Fields, u: &Understanding) -> Coverage {
        let n = searcher.num_docs().max(1) as f32;
        let df = |w: &str| -> u64 {
            [f.title, f.body, f.extra]
                .iter()
                .map(|&field| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, w))
                        .unwrap_or(0)
                })
                .max()
                .unwrap_or(0)
        };
        let mut words: Vec<(String, f32)> = Vec::new();
        let mut variants = Vec::new();
        for v in u.variants.iter().filter(|v| !v.words.is_empty()) {
            let mut ids = Vec::with_capacity(v.words.len());
            for w in &v.words {
                let id = match words.iter().position(|(t, _)| *t == w.text) {
                    Some(id) => id,
                    None => {
                        let idf = (1.0 + n / (1.0 + df(&w.text) as f32)).ln();
                        words.push((w.text.clone(), idf));
                        words.len() - 1
                    }
                };
                ids.push(id);
            }
            let required = match ids.len() {
                0..=2 => 0.6,
                3..=4 => 0.5,
                // A long question: its words need not all be in the answer, but those that
                // are must stand together.
                _ => 0.25,
            };
            variants.push(VariantWords {
                words: ids,
                required,
            });
        }
        Coverage {
            words,
            variants,
            exact_key: u.doc_key.is_some() || u.index_key.is_some(),
        }
    }

    /// The verdict on each candidate, in the order given.
    pub fn judge(
        &self,
        searcher: &tantivy::Searcher,
        f: &Fields,
        docs: &[DocAddress],
    ) -> Result<Vec<Verdict>, SearchError> {
        if self.exact_key || self.variants.is_empty() {
            return Ok(vec![
                Verdict {
                    passes: true,
                    factor: 1.0,
                };
                docs.len()
            ]);
        }
        let mut by_segment: HashMap<u32, Vec<(u32, usize)>> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            by_segment
                .entry(d.segment_ord)
                .or_default()
                .push((d.doc_id, i));
        }
        for list in by_segment.values_mut() {
            list.sort_unstable();
        }
        // Per candidate: which words its title (or searched extra fields) holds, and where each
        // word stands in its body.
        let nw = self.words.len();
        let mut in_title = vec![false; docs.len() * nw];
        let mut body: Vec<Vec<(u32, usize)>> = vec![Vec::new(); docs.len()];
        let mut positions = Vec::new();
        for (&seg, ids) in &by_segment {
            let reader = searcher.segment_reader(seg);
            for (w, (text, _)) in self.words.iter().enumerate() {
                for field in [f.title, f.extra] {
                    let term = Term::from_field_text(field, text);
                    let postings = reader
                        .inverted_index(field)?
                        .read_postings(&term, IndexRecordOption::Basic)?;
                    on_each_holder(postings, ids, |_, i| in_title[i * nw + w] = true);
                }
                let term = Term::from_field_text(f.body, text);
                let postings = reader
                    .inverted_index(f.body)?
                    .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?;
                on_each_holder(postings, ids, |postings, i| {
                    positions.clear();
                    postings.positions(&mut positions);
                    body[i].extend(positions.iter().map(|&p| (p, w)));
                });
            }
        }
        let mut counts = vec![0u32; nw];
        Ok((0..docs.len())
            .map(|i| {
                let title = &in_title[i * nw..(i + 1) * nw];
                let held = &mut body[i];
                held.sort_unstable();
                let mut passes = false;
                let mut best = 0.0f32;
                for v in &self.variants {
                    let coverage = self.passage_coverage(v, title, held, &mut counts);
                    passes |= coverage >= v.required;
                    best = best.max(coverage);
                }
                let factor = FLOOR + (1.0 - FLOOR) * best;
                Verdict {
                    passes,
                    factor: factor * factor,
                }
            })
            .collect())
    }

    /// The share of a variant's information in the title plus the best body passage.
    fn passage_coverage(
        &self,
        v: &VariantWords,
        title: &[bool],
        held: &[(u32, usize)],
        counts: &mut [u32],
    ) -> f32 {
        let idf = |w: usize| self.words[w].1;
        let total: f32 = v.words.iter().map(|&w| idf(w)).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let in_variant = |w: usize| v.words.contains(&w);
        let from_title: f32 = v.words.iter().filter(|&&w| title[w]).map(|&w| idf(w)).sum();
        // Slide a window of PASSAGE_CHARS over the body positions of the variant's words that
        // the title does not already hold.
        let entries: Vec<(u32, usize)> = held
            .iter()
            .copied()
            .filter(|&(_, w)| in_variant(w) && !title[w])
            .collect();
        for c in counts.iter_mut() {
            *c = 0;
        }
        let (mut left, mut current, mut best) = (0usize, 0.0f32, 0.0f32);
        for right in 0..entries.len() {
            let (pos, w) = entries[right];
            if counts[w] == 0 {
                current += idf(w);
            }
            counts[w] += 1;
            while pos - entries[left].0 > PASSAGE_CHARS {
                let lw = entries[left].1;
                counts[lw] -= 1;
                if counts[lw] == 0 {
                    current -= idf(lw);
                }
                left += 1;
            }
            best = best.max(current);
        }
        (from_title + best) / total
    }
}

/// Calls `found` with the postings standing on each of `ids` (sorted doc ids of one segment,
/// each with the caller's index) that the postings hold.
fn on_each_holder<P: Postings>(
    postings: Option<P>,
    ids: &[(u32, usize)],
    mut found: impl FnMut(&mut P, usize),
) {
    let Some(mut postings) = postings else {
        return;
    };
    for &(id, i) in ids {
        if postings.doc() > id {
            continue;
        }
        if postings.seek(id) == id {
            found(&mut postings, i);
        }
        if postings.doc() == TERMINATED {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(words: &[(&str, f32)], required: f32) -> Coverage {
        Coverage {
            words: words.iter().map(|(w, i)| (w.to_string(), *i)).collect(),
            variants: vec![VariantWords {
                words: (0..words.len()).collect(),
                required,
            }],
            exact_key: false,
        }
    }

    #[test]
    fn words_far_apart_in_the_body_cover_less_than_words_together() {
        let c = coverage(&[("股票", 2.0), ("推荐", 2.0)], 0.6);
        let mut counts = vec![0; 2];
        let v = &c.variants[0];
        let apart = [(10, 0), (5000, 1)];
        let together = [(10, 0), (30, 1)];
        assert_eq!(
            c.passage_coverage(v, &[false, false], &apart, &mut counts),
            0.5
        );
        assert_eq!(
            c.passage_coverage(v, &[false, false], &together, &mut counts),
            1.0
        );
        // A word of the title counts wherever the other one stands.
        assert_eq!(
            c.passage_coverage(v, &[true, false], &apart, &mut counts),
            1.0
        );
    }

    #[test]
    fn rarer_words_weigh_more() {
        let c = coverage(&[("产假", 3.0), ("天", 1.0)], 0.6);
        let mut counts = vec![0; 2];
        let v = &c.variants[0];
        assert_eq!(
            c.passage_coverage(v, &[false, false], &[(7, 0)], &mut counts),
            0.75
        );
        assert_eq!(
            c.passage_coverage(v, &[false, false], &[(7, 1)], &mut counts),
            0.25
        );
    }
}
