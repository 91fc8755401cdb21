//! The query plan: an understood query turned into tantivy clauses (exact keys, BM25 terms,
//! proximity phrases) and the best records by their summed score, exactly for small queries and
//! from rare-term candidates for large ones. Knows nothing of snippets, facets or hits.

use super::error::SearchError;
use super::facets::{filter_clauses, Filter};
use super::schema::Fields;
use super::understand::Understanding;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, SeekDangerResult, Term, TERMINATED};

/// Title weight for short queries (a few words: likely a title or a name).
const TITLE_BOOST: f32 = 3.0;
/// Title weight for long questions: their words come from the body of what answers them.
const TITLE_BOOST_QUESTION: f32 = 0.5;
/// From how many words on a query counts as a long question.
const QUESTION_WORDS: usize = 5;
const BODY_BOOST: f32 = 1.0;
const EXTRA_BOOST: f32 = 0.7;
const TITLE_PHRASE_BOOST: f32 = 4.0;
const BODY_PHRASE_BOOST: f32 = 1.0;
/// A body phrase of two words that each stand in more than one record in `COMMON_SHARE` (7 月,
/// 1 日) is left out: checking its positions costs more than the order of such words tells,
/// and the character bigrams still reward them side by side.
const COMMON_SHARE: u64 = 4;
const DOC_KEY_BOOST: f32 = 50.0;
/// A query that is a whole title.
const TITLE_KEY_BOOST: f32 = 20.0;
/// Answers remembered for one query (document frequencies of texts).
#[derive(Default)]
pub(super) struct Memo(std::cell::RefCell<HashMap<String, u64>>);

impl Memo {
    pub(super) fn get(&self, key: &str, compute: impl FnOnce() -> u64) -> u64 {
        if let Some(&n) = self.0.borrow().get(key) {
            return n;
        }
        let n = compute();
        self.0.borrow_mut().insert(key.to_string(), n);
        n
    }
}

/// Weight of each character bigram of the query (phrase overlap whatever the segmentation).
const GRAM_BOOST: f32 = 1.0;

/// How many records hold `text` as a phrase in their title or body, up to
/// [`PHRASE_COUNT_CAP`] (0 on any failure).
pub(super) fn phrase_count(searcher: &tantivy::Searcher, f: &Fields, text: &str) -> u64 {
    let words = super::analysis::segment(text, super::analysis::Mode::Query);
    let query: Box<dyn Query> = match words.as_slice() {
        [] => return 0,
        [w] => Box::new(BooleanQuery::new(
            [f.title, f.body]
                .iter()
                .map(|&field| {
                    let t: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(field, &w.text),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, t)
                })
                .collect(),
        )),
        _ => {
            let first = words[0].char_start;
            Box::new(BooleanQuery::new(
                [f.title, f.body]
                    .iter()
                    .map(|&field| {
                        let terms = words
                            .iter()
                            .map(|w| (w.char_start - first, Term::from_field_text(field, &w.text)))
                            .collect();
                        let q: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset(terms));
                        (Occur::Should, q)
                    })
                    .collect(),
            ))
        }
    };
    count_upto(searcher, query.as_ref(), PHRASE_COUNT_CAP).unwrap_or(0)
}

/// Phrase counts rank corrections and pinyin readings against each other; past this many
/// records the difference no longer matters, and counting every holder of a common phrase in
/// a million records would cost more than the rest of the search.
const PHRASE_COUNT_CAP: u64 = 1000;

/// How many live records match `query`, counting no further than `cap`.
fn count_upto(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    cap: u64,
) -> Result<u64, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut n = 0u64;
    for reader in searcher.segment_readers() {
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                n += 1;
                if n >= cap {
                    return Ok(n);
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(n)
}

/// The clauses of an understood query, summed into one score, kept in three groups that are
/// evaluated differently (see [`QueryParts::top`]).
pub(super) struct QueryParts {
    /// Exact 发文字号/索引号/title keys: few records hold one; not scored by frequency.
    keys: Vec<Box<dyn Query>>,
    /// Query words in title, body and extra fields and character bigrams: BM25 term queries
    /// with frequencies, kept as terms so a large query can pick its rarest.
    terms: Vec<(Term, f32)>,
    /// Proximity: phrases of the query's words in title and body.
    phrases: Vec<Box<dyn Query>>,
}

/// Up to how many postings (summed document frequencies of the term clauses) a query is
/// scored exactly, as one disjunction of all its clauses. The shared corpus never goes past it;
/// a long question over a million records does, many times over.
pub(super) const EXACT_POSTINGS: u64 = 400_000;
/// How many postings the rare terms that seed a large query may read.
const SEED_POSTINGS: u64 = 100_000;
/// Candidates the rare terms put forward per place in the pool.
const SEED_FACTOR: usize = 2;

/// A term clause: the term with its boost, scored by BM25 with frequencies.
fn term_clause(term: &Term, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
        boost,
    ))
}

impl QueryParts {
    /// The best `pool` records by the sum of every clause (filtered by `filters`).
    ///
    /// A query whose terms hold few postings is one disjunction of all its clauses: exact, and
    /// fastest when there is little to read. A query whose terms hold many (a question of
    /// common words over a million records reads millions of postings, which no pruning skips
    /// when dozens of words each could lift a record into the pool) is answered from
    /// candidates instead: the records holding a key, and the best records by the rarest terms
    /// (as many as [`SEED_POSTINGS`] allows); each candidate then gets its exact score from
    /// every clause, read for that record alone. A record that holds none of the rare terms
    /// and no key is not a candidate: among a million records it would need most of the
    /// common words of the question to rank, and the passage cut-off then asks for them
    /// together anyway.
    pub(super) fn top(
        &self,
        searcher: &tantivy::Searcher,
        f: &Fields,
        filters: &[Filter],
        pool: usize,
        exact_postings: u64,
    ) -> Result<Vec<(f32, tantivy::DocAddress)>, SearchError> {
        let restricted = |query: Box<dyn Query>| -> Box<dyn Query> {
            if filters.is_empty() {
                return query;
            }
            let mut all = filter_clauses(f, filters);
            all.push((Occur::Must, query));
            Box::new(BooleanQuery::new(all))
        };
        let mut by_df: Vec<(u64, &(Term, f32))> = self
            .terms
            .iter()
            .map(|c| (searcher.doc_freq(&c.0).unwrap_or(0), c))
            .collect();
        let postings: u64 = by_df.iter().map(|c| c.0).sum();
        if postings <= exact_postings {
            let any = self
                .clauses()
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect();
            let query = restricted(Box::new(BooleanQuery::new(any)));
            let top = searcher.search(&query, &TopDocs::with_limit(pool).order_by_score())?;
            return Ok(top);
        }
        by_df.sort_by_key(|c| c.0);
        let mut read = 0u64;
        let rare: Vec<(Term, f32)> = by_df
            .iter()
            .take_while(|c| {
                read = read.saturating_add(c.0);
                read <= SEED_POSTINGS
            })
            .map(|c| c.1.clone())
            .collect();
        let want = SEED_FACTOR * pool;
        let mut candidates: Vec<tantivy::DocAddress> = Vec::new();
        if !self.keys.is_empty() {
            let keys = BooleanQuery::new(
                self.keys
                    .iter()
                    .map(|q| (Occur::Should, q.box_clone()))
                    .collect(),
            );
            let keyed = searcher.search(
                &restricted(Box::new(keys)),
                &TopDocs::with_limit(want).order_by_score(),
            )?;
            candidates.extend(keyed.into_iter().map(|c| c.1));
        }
        if !rare.is_empty() {
            let seed = restricted(Box::new(BooleanQuery::new(
                rare.iter()
                    .map(|(t, b)| (Occur::Should, term_clause(t, *b)))
                    .collect(),
            )));
            candidates.extend(top_unpruned(searcher, seed.as_ref(), want)?);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let scores = clause_scores(searcher, &self.clauses(), &candidates)?;
        let mut top: Vec<(f32, tantivy::DocAddress)> = scores.into_iter().zip(candidates).collect();
        // As TopDocs orders: score, then the earlier record first.
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        top.truncate(pool);
        Ok(top)
    }

    /// Every clause of the query: keys, terms, phrases.
    fn clauses(&self) -> Vec<Box<dyn Query>> {
        self.keys
            .iter()
            .map(|q| q.box_clone())
            .chain(self.terms.iter().map(|(t, b)| term_clause(t, *b)))
            .chain(self.phrases.iter().map(|q| q.box_clone()))
            .collect()
    }
}

/// The best `k` records of `query`, scoring every match: for a disjunction of few postings a
/// plain union is faster than block-max WAND, whose cost grows with the number of clauses.
fn top_unpruned(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    k: usize,
) -> Result<Vec<tantivy::DocAddress>, SearchError> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut all: Vec<(f32, tantivy::DocAddress)> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        weight.for_each(reader, &mut |doc, score| {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                all.push((score, tantivy::DocAddress::new(ord as u32, doc)));
            }
        })?;
    }
    let best_first = |a: &(f32, tantivy::DocAddress), b: &(f32, tantivy::DocAddress)| {
        b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
    };
    if all.len() > k {
        all.select_nth_unstable_by(k, best_first);
        all.truncate(k);
    }
    Ok(all.into_iter().map(|c| c.1).collect())
}

/// The summed score of `clauses` for each of `docs` (0 where none matches): each clause's
/// scorer seeks the candidates of a segment in ascending order, so only their postings blocks
/// are read.
fn clause_scores(
    searcher: &tantivy::Searcher,
    clauses: &[Box<dyn Query>],
    docs: &[tantivy::DocAddress],
) -> Result<Vec<f32>, SearchError> {
    let mut scores = vec![0.0f32; docs.len()];
    if clauses.is_empty() || docs.is_empty() {
        return Ok(scores);
    }
    let grouped = super::postings::by_segment(docs);
    for clause in clauses {
        let weight = clause.weight(EnableScoring::enabled_from_searcher(searcher))?;
        for (&seg, ids) in &grouped {
            let mut scorer = weight.scorer(searcher.segment_reader(seg), 1.0)?;
            // `seek_danger` answers whether the candidate matches without moving on to the
            // next match (a phrase scorer's `seek` would check every record between two
            // candidates that holds both words). The candidates ascend strictly.
            let mut next = scorer.doc();
            for &(id, i) in ids {
                if id < next {
                    continue;
                }
                match scorer.seek_danger(id) {
                    SeekDangerResult::Found => {
                        scores[i] += scorer.score();
                        next = id + 1;
                    }
                    SeekDangerResult::SeekLowerBound(bound) => next = bound,
                }
            }
        }
    }
    Ok(scores)
}

/// The clauses of an understood query; `None` when there is nothing to search for.
pub(super) fn build_query(
    u: &Understanding,
    f: &Fields,
    searcher: &tantivy::Searcher,
) -> Option<QueryParts> {
    let keys = key_clauses(u, f);
    let terms = term_clauses(u, f);
    let phrases = proximity_clauses(u, f, searcher);
    (!keys.is_empty() || !terms.is_empty()).then_some(QueryParts {
        keys,
        terms,
        phrases,
    })
}

fn boosted(q: Box<dyn Query>, b: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, b))
}

/// Exact keys: 发文字号 and 索引号, and the query as a whole title.
fn key_clauses(u: &Understanding, f: &Fields) -> Vec<Box<dyn Query>> {
    let mut keys: Vec<Box<dyn Query>> = Vec::new();
    for key in u.doc_key.iter().chain(u.index_key.iter()) {
        let t = TermQuery::new(
            Term::from_field_text(f.doc_key, key),
            IndexRecordOption::Basic,
        );
        keys.push(boosted(Box::new(t), DOC_KEY_BOOST));
    }
    // A query that is a whole title (as typed, converted from pinyin, corrected, or rewritten
    // by a synonym) finds that record first: the national 工伤保险条例 before 浙江省工伤保险条例.
    let mut title_keys: Vec<(String, f32)> = Vec::new();
    for v in &u.variants {
        let key = super::schema::title_key(&v.text);
        if key.chars().count() >= 2 && !title_keys.iter().any(|(k, _)| *k == key) {
            title_keys.push((key, v.weight));
        }
    }
    for (key, weight) in title_keys {
        let t = TermQuery::new(
            Term::from_field_text(f.title_key, &key),
            IndexRecordOption::Basic,
        );
        keys.push(boosted(Box::new(t), TITLE_KEY_BOOST * weight));
    }
    keys
}

/// The query's words in title, body and extra fields, and its character bigrams.
fn term_clauses(u: &Understanding, f: &Fields) -> Vec<(Term, f32)> {
    let mut terms: Vec<(Term, f32)> = Vec::new();
    let main_words = u.variants.first().map(|v| v.words.len()).unwrap_or(0);
    let title_boost = if main_words >= QUESTION_WORDS {
        TITLE_BOOST_QUESTION
    } else {
        TITLE_BOOST
    };
    for (w, weight) in &u.words {
        for (field, boost) in [
            (f.title, title_boost),
            (f.body, BODY_BOOST),
            (f.extra, EXTRA_BOOST),
        ] {
            terms.push((Term::from_field_text(field, w), boost * weight));
        }
    }
    for (g, weight) in &u.grams {
        terms.push((Term::from_field_text(f.grams, g), GRAM_BOOST * weight));
    }
    terms
}

/// Proximity: each variant's words in the variant's order, by character offset.
/// Only for full-weight readings: the phrases of a second pinyin reading (法律或者) read the
/// positions of common words for a reading that is rarely meant. Readings share most of
/// their word pairs (社保 and 社会保险 readings differ in one word): a phrase they share is
/// one clause with their boosts summed (a boost scales the score, so the sum is the same),
/// and the positions of its words are read once.
fn proximity_clauses(
    u: &Understanding,
    f: &Fields,
    searcher: &tantivy::Searcher,
) -> Vec<Box<dyn Query>> {
    let records = searcher.num_docs();
    let everywhere = |w: &str| {
        let df = searcher
            .doc_freq(&Term::from_field_text(f.body, w))
            .unwrap_or(0);
        df * COMMON_SHARE > records
    };
    let mut proximity: Vec<(Vec<(usize, Term)>, f32)> = Vec::new();
    let mut add = |at: Vec<(usize, Term)>, boost: f32| match proximity
        .iter_mut()
        .find(|(seen, _)| *seen == at)
    {
        Some((_, b)) => *b += boost,
        None => proximity.push((at, boost)),
    };
    for v in u.variants.iter().filter(|v| v.weight >= 1.0) {
        let words = &v.words;
        if words.len() < 2 {
            continue;
        }
        if words.windows(2).all(|p| p[0].char_end == p[1].char_start) {
            let first = words[0].char_start;
            let at = words
                .iter()
                .map(|w| {
                    (
                        w.char_start - first,
                        Term::from_field_text(f.title, &w.text),
                    )
                })
                .collect();
            add(at, TITLE_PHRASE_BOOST * v.weight);
        }
        for pair in words
            .windows(2)
            .filter(|p| p[0].char_end == p[1].char_start)
            .filter(|p| !(everywhere(&p[0].text) && everywhere(&p[1].text)))
        {
            let at = vec![
                (0, Term::from_field_text(f.body, &pair[0].text)),
                (
                    pair[1].char_start - pair[0].char_start,
                    Term::from_field_text(f.body, &pair[1].text),
                ),
            ];
            add(at, BODY_PHRASE_BOOST * v.weight);
        }
    }
    proximity
        .into_iter()
        .map(|(at, boost)| boosted(Box::new(PhraseQuery::new_with_offset(at)), boost))
        .collect()
}
