//! The minimum-relevance cut-off and the proximity factor of the ranking.
//!
//! A record is relevant to a query when it carries enough of what was asked, and carries it
//! together: the query's words (weighted by inverse document frequency, so a word the index
//! has never seen weighs most) in the title, or close to each other in the body. A law that
//! mentions 股票 in one chapter and 推荐 in another is not about 股票推荐; 女职工生育享受98天产假
//! answers 产假有多少天 in one sentence.
//!
//! A short query also names its subject: a rare word of three or more characters (滑雪场) must
//! stand in the record, however much of the rest (季卡, 优惠) a record holds.
//!
//! A record rejected here is still a partial match ([`Verdict::partial`]) when its title holds
//! most of the characters typed; the kiosk shows those only when nothing passes.

use super::error::SearchError;
use super::postings::{by_segment, on_each_holder};
use super::schema::Fields;
use super::understand::Understanding;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

/// Width of the body passage the words must meet in, in characters (two or three sentences).
const PASSAGE_CHARS: u32 = 120;
/// The same for a short query (up to `SHORT_QUERY_WORDS` words), whose few words name one
/// thing: they must meet in a clause or two, not anywhere in three sentences (a law on 股票
/// that speaks of 推荐 later on is not about 股票推荐). Chosen on the development side
/// (120, 60, 40, 30, 25, 20, 15, 10): at 30 the 30 nothing-relevant queries of `dev-queries.tsv`
/// and `dev-nothing-extra.tsv` with a hit fall from 5 to 3, `dev-plain-extra.tsv` 0.3164 →
/// 0.3006 (one more with nothing), dev 0.9134 → 0.9136; below 30 more plain-words queries
/// find nothing; docs/performance.md.
const SHORT_PASSAGE_CHARS: u32 = 30;
/// Ranking factor of a candidate with no passage at all: `FLOOR + (1 - FLOOR) * coverage`,
/// squared, multiplies the score (a candidate holding every word together keeps its score).
const FLOOR: f32 = 0.3;
/// A word of a short query names the query's subject when it has at least `SUBJECT_CHARS`
/// characters and fewer than one record in `SUBJECT_RARITY` holds it (滑雪场, 哄抬物价, 集散地;
/// not two-character words such as 孩子, which laws put otherwise: 子女, 未成年人). At one
/// record in 500 and one in 20 both evaluation sets score as at one in 100.
const SUBJECT_CHARS: u32 = 3;
const SUBJECT_RARITY: u64 = 100;
/// A record passes a short query of two or more words only when its title holds the query's
/// main word, or its body names it at least this many times or holds the query's words as
/// typed (see `Coverage::about_main_word`).
/// Chosen on the development side (0, 2, 3): at 2 the 35 nothing-relevant queries of
/// `dev-nothing-extra.tsv` and a second such set with a hit fall from 8 to 5, dev 0.9137 →
/// 0.9126, notices MRR@10 0.8770 → 0.8759; at 3 from 8 to 4, notices 0.8745.
const MAIN_WORD_MENTIONS: usize = 2;
/// Characters allowed between two words of a short query standing as typed in a body (的, 了).
const PHRASE_GAP: u32 = 2;
/// Queries of up to this many words are short (the bounds of `required` below).
const SHORT_QUERY_WORDS: usize = 4;
/// A short query of at least this many words passes only on a passage (with the title) that
/// holds two of its words, or on a title that names one: one word in a body, however rare,
/// is not what was asked (游艇 named in a tax regulation does not answer 游艇租赁价格).
const MIN_WORDS_OF: usize = 3;

/// A word of the query: how much it tells (idf), its length, and the terms that hold it in a
/// record: the word itself and, for a compound, the dictionary words inside it (the index
/// holds 医疗费用 as 医疗, 费用 and 医疗费用; a record with 医疗 and 费用 holds most of 医疗费).
struct QueryWord {
    idf: f32,
    /// The share of `idf` the word counts for in a long query: below 1 for the visitor's
    /// everyday word (see `EVERYDAY_RATIO`).
    everyday: f32,
    /// It names the subject of a short query: a record without it (or the words inside it)
    /// does not pass, whatever else it holds. Never a place: a national notice answers a
    /// question about any province, and locality ranks the place's own records first.
    subject: bool,
    chars: u32,
    /// Indices into `Coverage::terms`, with how many of the word's characters each covers.
    units: Vec<(usize, u32)>,
}

/// A word at least this many times more common in general Chinese (per million words of
/// jieba's dictionary) than in the index (per thousand records) is the visitor's everyday word:
/// 孩子 (290 per million in general, 2 records in 1,000 here), 房子, 看病, 牌子. Records say
/// it otherwise (子女, 房屋, 就医), so in a long query such a word counts at `EVERYDAY_SHARE`
/// of its weight towards what a record must hold. Official words are about as common in both
/// (单位 0.6, 收养 0.4, 年满 0.3). Both chosen on the development split without the staff's
/// synonym table (ratio 3, 5, 10, 20, 50; share 0, 0.3, 0.6); docs/performance.md.
const EVERYDAY_RATIO: f32 = 5.0;
const EVERYDAY_SHARE: f32 = 0.3;
/// The sum of the frequencies in jieba's default dictionary (`dict.txt` of jieba-rs 0.11),
/// the denominator of a word's general frequency.
const JIEBA_TOTAL_FREQ: f32 = 60_101_967.0;

/// The share of its weight a word of a long query counts for: `EVERYDAY_SHARE` for the
/// visitor's everyday word, 1 otherwise. `word_df` of the `n` records hold it.
fn everyday_weight(word: &str, word_df: u64, n: f32) -> f32 {
    let general = super::analysis::jieba().suggest_freq(word) as f32;
    let per_million = general / JIEBA_TOTAL_FREQ * 1e6;
    let per_thousand = (word_df as f32 + 1.0) / n * 1e3;
    if per_million >= EVERYDAY_RATIO * per_thousand {
        EVERYDAY_SHARE
    } else {
        1.0
    }
}

/// Per variant: its words as indices into the distinct words, the share required, and for each
/// term the variant's words it is a unit of (by position in `words`).
struct VariantWords {
    words: Vec<usize>,
    required: f32,
    /// The variant is short enough for its subject words to be required.
    short: bool,
    unit_of: Vec<Vec<(usize, u32)>>,
}

/// The cut-off of one query.
pub struct Coverage {
    /// Distinct terms looked up in the candidates.
    terms: Vec<String>,
    /// Distinct words of every variant.
    words: Vec<QueryWord>,
    variants: Vec<VariantWords>,
    exact_key: bool,
}

/// A record the cut-off rejected is a partial match when its title holds at least this share
/// of the characters of a reading of the query (its content words) and it holds the subject
/// word of a short query, if there is one. Calibrated on the dev split: at 0.6 no
/// nothing-relevant query finds a partial hit (the most any reaches is 0.5, 学校招生 of
/// 宠物美容学校招生, for 火星移民政策 it is 0.33) while 小孩打预防针 (0.67) and 机动车注删登记
/// (0.71) find their records; below 0.5 nothing-relevant queries start to return records.
pub const PARTIAL_TITLE_CHARS: f32 = 0.6;

/// How a candidate fared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// It carries enough of a variant in its title and one body passage.
    pub passes: bool,
    /// The score factor from the best variant's coverage, in (0, 1].
    pub factor: f32,
    /// The best variant's coverage: the idf-weighted share of its words held in the title
    /// plus one body passage, in [0, 1].
    pub coverage: f32,
    /// It holds the subject words of a short variant (or no variant has any).
    pub subject: bool,
    /// The largest share of a variant's characters (of its content words) that the title
    /// field holds (not the extra fields: a service item's conditions and materials are long),
    /// in [0, 1].
    pub title: f32,
}

impl Verdict {
    /// A record the cut-off rejected that is still worth showing as a partial match, when its
    /// title must hold at least `share` of the query's characters (see [`PARTIAL_TITLE_CHARS`]).
    pub fn partial(&self, share: f32) -> bool {
        self.subject && self.title >= share
    }
}

/// The dictionary words of at least two characters inside a word of three or more, with
/// their character offsets (the word itself excluded).
fn sub_words(word: &str) -> Vec<String> {
    if word.chars().count() < 3 {
        return Vec::new();
    }
    super::analysis::jieba()
        .cut_for_search(word, false)
        .into_iter()
        .map(|t| t.word)
        .filter(|w| *w != word && w.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

/// The share of a variant's words a passage must cover, by how many words it has.
fn required_coverage(words: usize) -> f32 {
    match words {
        0..=2 => 0.6,
        3..=4 => 0.5,
        // A long question: its words need not all be in the answer, but those that
        // are must stand together.
        _ => 0.25,
    }
}

/// Fills each variant's `unit_of`: for every term, the variant's words it is a unit of.
fn link_units(variants: &mut [VariantWords], words: &[QueryWord], terms: usize) {
    for v in variants {
        v.unit_of = vec![Vec::new(); terms];
        for (k, &w) in v.words.iter().enumerate() {
            for &(t, c) in &words[w].units {
                v.unit_of[t].push((k, c));
            }
        }
    }
}

/// Which query terms each candidate holds (`nt` flags per candidate) and, for terms its title
/// does not hold, their packed body positions.
struct Holdings {
    /// In the title or the searched extra fields.
    in_title: Vec<bool>,
    /// In the title field alone.
    title_only: Vec<bool>,
    /// In the body.
    in_body: Vec<bool>,
    /// Packed (position, term) of body terms the title does not hold, per candidate.
    body: Vec<Vec<u64>>,
}

impl Coverage {
    pub fn new(searcher: &tantivy::Searcher, f: &Fields, u: &Understanding) -> Coverage {
        let n = searcher.num_docs().max(1) as f32;
        let df = |w: &str| f.word_df(searcher, w);
        let mut terms: Vec<String> = Vec::new();
        let mut term_id = |t: &str| -> usize {
            match terms.iter().position(|x| x == t) {
                Some(id) => id,
                None => {
                    terms.push(t.to_string());
                    terms.len() - 1
                }
            }
        };
        let mut texts: Vec<String> = Vec::new();
        let mut words: Vec<QueryWord> = Vec::new();
        let mut variants = Vec::new();
        for v in u.variants.iter().filter(|v| !v.words.is_empty()) {
            let mut ids = Vec::with_capacity(v.words.len());
            for w in &v.words {
                let id = match texts.iter().position(|t| *t == w.text) {
                    Some(id) => id,
                    None => {
                        let chars = w.text.chars().count() as u32;
                        let word_df = df(&w.text);
                        let mut units = vec![(term_id(&w.text), chars)];
                        for s in sub_words(&w.text) {
                            units.push((term_id(&s), s.chars().count() as u32));
                        }
                        texts.push(w.text.clone());
                        let subject = chars >= SUBJECT_CHARS
                            && ((word_df * SUBJECT_RARITY) as f32) < n
                            && super::places::places(&w.text).is_empty();
                        words.push(QueryWord {
                            idf: (1.0 + n / (1.0 + word_df as f32)).ln(),
                            everyday: everyday_weight(&w.text, word_df, n),
                            subject,
                            chars,
                            units,
                        });
                        words.len() - 1
                    }
                };
                ids.push(id);
            }
            let required = required_coverage(ids.len());
            variants.push(VariantWords {
                short: ids.len() <= SHORT_QUERY_WORDS,
                words: ids,
                required,
                unit_of: Vec::new(),
            });
        }
        link_units(&mut variants, &words, terms.len());
        Coverage {
            terms,
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
                    coverage: 1.0,
                    subject: true,
                    title: 1.0,
                };
                docs.len()
            ]);
        }
        let nt = self.terms.len();
        let Holdings {
            in_title,
            title_only,
            in_body,
            mut body,
        } = self.holdings(searcher, f, docs)?;
        let mut scratch = Scratch::default();
        Ok((0..docs.len())
            .map(|i| {
                let title = &in_title[i * nt..(i + 1) * nt];
                let anywhere = |t: usize| title[t] || in_body[i * nt + t];
                let held = &mut body[i];
                held.sort_unstable();
                let mut passes = false;
                let mut subject = false;
                let mut best = 0.0f32;
                let in_title = self
                    .variants
                    .iter()
                    .map(|v| self.title_coverage(v, &title_only[i * nt..(i + 1) * nt]))
                    .fold(0.0f32, f32::max);
                for v in &self.variants {
                    let (coverage, two) = self.passage_shares(v, title, held, &mut scratch);
                    let holds = self.holds_subject(v, anywhere);
                    // A short query of three or more words is not answered by a passage
                    // holding one of them, however rare (游艇 in a tax regulation for
                    // 游艇租赁价格), unless the title names it (普通话等级考试成绩查询).
                    let enough = coverage >= v.required
                        && (!v.short
                            || v.words.len() < MIN_WORDS_OF
                            || two >= v.required
                            || self.title_names_a_word(v, title));
                    passes |= enough && holds && self.about_main_word(v, title, held);
                    subject |= holds;
                    best = best.max(coverage);
                    if best >= 1.0 {
                        // Nothing covers more; every variant's requirement is below it.
                        break;
                    }
                }
                let factor = FLOOR + (1.0 - FLOOR) * best;
                Verdict {
                    passes,
                    factor: factor * factor,
                    coverage: best,
                    subject,
                    title: in_title,
                }
            })
            .collect())
    }

    /// Which terms each candidate's title, extra fields and body hold, read segment by segment.
    fn holdings(
        &self,
        searcher: &tantivy::Searcher,
        f: &Fields,
        docs: &[DocAddress],
    ) -> Result<Holdings, SearchError> {
        let by_segment = by_segment(docs);
        // Per candidate: which terms its title (or searched extra fields) holds, and where each
        // term stands in its body.
        let nt = self.terms.len();
        let mut in_title = vec![false; docs.len() * nt];
        // The title field alone (the partial matches' measure; see `Verdict::title`).
        let mut title_only = vec![false; docs.len() * nt];
        let mut in_body = vec![false; docs.len() * nt];
        let mut body: Vec<Vec<u64>> = vec![Vec::new(); docs.len()];
        let mut positions = Vec::new();
        for (&seg, ids) in &by_segment {
            let reader = searcher.segment_reader(seg);
            for (t, text) in self.terms.iter().enumerate() {
                for field in [f.title, f.extra] {
                    let term = Term::from_field_text(field, text);
                    let postings = reader
                        .inverted_index(field)?
                        .read_postings(&term, IndexRecordOption::Basic)?;
                    on_each_holder(postings, ids, |_, i| {
                        in_title[i * nt + t] = true;
                        title_only[i * nt + t] |= field == f.title;
                    });
                }
            }
            // A term the title holds counts wherever it stands in the body: its positions are
            // not read (in a long law whose title is the query, they are most of the work).
            for (t, text) in self.terms.iter().enumerate() {
                let term = Term::from_field_text(f.body, text);
                let postings = reader
                    .inverted_index(f.body)?
                    .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?;
                on_each_holder(postings, ids, |postings, i| {
                    in_body[i * nt + t] = true;
                    if in_title[i * nt + t] {
                        return;
                    }
                    positions.clear();
                    postings.positions(&mut positions);
                    body[i].extend(positions.iter().map(|&p| pack(p, t)));
                });
            }
        }
        Ok(Holdings {
            in_title,
            title_only,
            in_body,
            body,
        })
    }

    /// Whether a record is about the main word of a short variant of two or more words (its
    /// rarest word that is not the visitor's everyday word): the title holds it, or the body
    /// names it at least `MAIN_WORD_MENTIONS` times or holds the variant's words as typed. A
    /// law that names 美甲 once in a list is not about 美甲培训. `held` is the record's body
    /// terms the title does not hold, sorted.
    fn about_main_word(&self, v: &VariantWords, title: &[bool], held: &[u64]) -> bool {
        if !v.short || v.words.len() < 2 {
            return true;
        }
        let weight = |w: usize| self.words[w].idf * self.words[w].everyday;
        let main = v
            .words
            .iter()
            .copied()
            .max_by(|&a, &b| weight(a).total_cmp(&weight(b)));
        let units = main.map_or(&[][..], |w| &self.words[w].units[..]);
        units.iter().any(|&(t, _)| title[t])
            || held
                .iter()
                .filter(|&&e| units.iter().any(|&(t, _)| t == unpack(e).1))
                .count()
                >= MAIN_WORD_MENTIONS
            || self.as_typed(v, held)
    }

    /// Whether the body holds the variant's words one after the other as typed (第3次更新
    /// once in a notice is about it), with at most `PHRASE_GAP` characters between two of them
    /// for the particles the query's reading dropped. `held` is sorted by position.
    fn as_typed(&self, v: &VariantWords, held: &[u64]) -> bool {
        // The word itself is a word's first unit (see `Coverage::new`).
        let term = |k: usize| self.words[v.words[k]].units[0].0;
        let chars = |k: usize| self.words[v.words[k]].chars;
        let at = |term: usize, from: u32, to: u32| -> Option<u32> {
            let start = held.partition_point(|&e| e < pack(from, 0));
            held[start..]
                .iter()
                .map(|&e| unpack(e))
                .take_while(|&(p, _)| p <= to)
                .find(|&(_, t)| t == term)
                .map(|(p, _)| p)
        };
        held.iter()
            .map(|&e| unpack(e))
            .filter(|&(_, t)| t == term(0))
            .any(|(p, _)| {
                let mut end = p + chars(0);
                (1..v.words.len()).all(|k| match at(term(k), end, end + PHRASE_GAP) {
                    Some(q) => {
                        end = q + chars(k);
                        true
                    }
                    None => false,
                })
            })
    }

    /// Whether the title (or the searched extra fields) holds one of a variant's words, or a
    /// word inside it.
    fn title_names_a_word(&self, v: &VariantWords, title: &[bool]) -> bool {
        v.words
            .iter()
            .any(|&w| self.words[w].units.iter().any(|&(t, _)| title[t]))
    }

    /// Whether a record holding the terms `anywhere` tells holds every subject word of a
    /// short variant (the word itself or a word inside it).
    fn holds_subject(&self, v: &VariantWords, anywhere: impl Fn(usize) -> bool) -> bool {
        !v.short
            || v.words.iter().all(|&w| {
                let word = &self.words[w];
                !word.subject || word.units.iter().any(|&(t, _)| anywhere(t))
            })
    }

    /// The share of a variant's characters (of its content words) that the title holds.
    fn title_coverage(&self, v: &VariantWords, title: &[bool]) -> f32 {
        let mut chars = vec![0u32; v.words.len()];
        for (t, units) in v.unit_of.iter().enumerate() {
            if title[t] {
                for &(k, c) in units {
                    chars[k] += c;
                }
            }
        }
        let (held, total) =
            v.words
                .iter()
                .zip(&chars)
                .fold((0u32, 0u32), |(held, total), (&w, &c)| {
                    let n = self.words[w].chars;
                    (held + c.min(n), total + n)
                });
        if total == 0 {
            return 0.0;
        }
        held as f32 / total as f32
    }

    /// The share of a variant's information in the title plus the best body passage.
    #[cfg(test)]
    fn passage_coverage(
        &self,
        v: &VariantWords,
        title: &[bool],
        held: &[u64],
        scratch: &mut Scratch,
    ) -> f32 {
        self.passage_shares(v, title, held, scratch).0
    }

    /// The share of a variant's information in the title plus the best body passage, and the
    /// best share of a passage (with the title) that holds at least two of the variant's words,
    /// each to half its characters or more.
    fn passage_shares(
        &self,
        v: &VariantWords,
        title: &[bool],
        held: &[u64],
        scratch: &mut Scratch,
    ) -> (f32, f32) {
        let word = |k: usize| &self.words[v.words[k]];
        // A short query names its subject in whatever words it uses (火星移民政策 is about
        // 火星); a long one describes a situation in the visitor's words.
        let weight = |k: usize| -> f32 {
            let w = word(k);
            if v.short {
                w.idf
            } else {
                w.idf * w.everyday
            }
        };
        let total: f32 = (0..v.words.len()).map(weight).sum();
        if total <= 0.0 {
            return (0.0, 0.0);
        }
        // Characters of each word held: by the title, then by the terms inside the window.
        let share = |k: usize, chars: u32| -> f32 {
            weight(k) * (chars.min(word(k).chars) as f32 / word(k).chars as f32)
        };
        let Scratch {
            counts,
            chars,
            entries,
        } = scratch;
        chars.clear();
        chars.resize(v.words.len(), 0);
        for (t, units) in v.unit_of.iter().enumerate() {
            if title[t] {
                for &(k, c) in units {
                    chars[k] += c;
                }
            }
        }
        let from_title: f32 = (0..v.words.len()).map(|k| share(k, chars[k])).sum();
        let holds = |k: usize, c: u32| 2 * c.min(word(k).chars) >= word(k).chars;
        let mut words_held = (0..v.words.len()).filter(|&k| holds(k, chars[k])).count();
        if from_title >= total {
            return (1.0, if words_held >= 2 { 1.0 } else { 0.0 });
        }
        // Slide a window of PASSAGE_CHARS (SHORT_PASSAGE_CHARS for a short variant) over the
        // body positions of the variant's terms that the title does not already hold.
        let width = if v.short {
            SHORT_PASSAGE_CHARS
        } else {
            PASSAGE_CHARS
        };
        entries.clear();
        entries.extend(
            held.iter()
                .map(|&e| unpack(e))
                .filter(|&(_, t)| !v.unit_of[t].is_empty() && !title[t]),
        );
        counts.clear();
        counts.resize(v.unit_of.len(), 0);
        let (mut left, mut current, mut best) = (0usize, from_title, from_title);
        let mut best_two = if words_held >= 2 { from_title } else { 0.0 };
        let add = |t: usize, sign: i64, current: &mut f32, chars: &mut [u32], n: &mut usize| {
            for &(k, c) in &v.unit_of[t] {
                let before = share(k, chars[k]);
                let was = holds(k, chars[k]);
                chars[k] = (chars[k] as i64 + sign * c as i64) as u32;
                *current += share(k, chars[k]) - before;
                match (was, holds(k, chars[k])) {
                    (false, true) => *n += 1,
                    (true, false) => *n -= 1,
                    _ => {}
                }
            }
        };
        for right in 0..entries.len() {
            let (pos, t) = entries[right];
            if counts[t] == 0 {
                add(t, 1, &mut current, chars, &mut words_held);
            }
            counts[t] += 1;
            while pos - entries[left].0 > width {
                let lt = entries[left].1;
                counts[lt] -= 1;
                if counts[lt] == 0 {
                    add(lt, -1, &mut current, chars, &mut words_held);
                }
                left += 1;
            }
            best = best.max(current);
            if words_held >= 2 {
                best_two = best_two.max(current);
            }
        }
        (best / total, best_two / total)
    }
}

/// Buffers reused across candidates.
#[derive(Default)]
struct Scratch {
    /// Per term: occurrences inside the window.
    counts: Vec<u32>,
    /// Per word of the variant: characters held.
    chars: Vec<u32>,
    /// The body positions of the variant's terms the title does not hold.
    entries: Vec<(u32, usize)>,
}

/// A body position and the term standing there, in one integer that sorts by position (a
/// candidate's positions are gathered term by term, then sorted).
fn pack(position: u32, term: usize) -> u64 {
    (u64::from(position) << 32) | term as u64
}

fn unpack(e: u64) -> (u32, usize) {
    ((e >> 32) as u32, (e & 0xffff_ffff) as usize)
}

#[cfg(test)]
#[path = "coverage_tests.rs"]
mod tests;
