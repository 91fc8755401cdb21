//! Query → ranked hits with highlighted snippets.
//!
//! Any input is accepted: the query is segmented into words and turned into term and phrase
//! queries directly, so there is no syntax to get wrong (`"((`, SQL, emoji, 500 random
//! characters all just search). BM25 with the title weighted over the body; an exact 发文字号 or
//! 索引号 match first; superseded versions rank below versions in force.

use super::correct::Corrector;
use super::coverage::Coverage;
use super::error::SearchError;
use super::facets::{FacetCounts, FacetValues, Filter};
use super::index::{config_snapshot, GenerationInfo, OpenIndex};
use super::lexicon::Lexicon;
use super::locality::{Home, Locality};
use super::pinyin::PinyinIndex;
use super::plan::{build_query, phrase_count, Memo};
use super::schema::{kind_code, kind_label, Fields};
pub use super::snippet::Highlighted;
use super::snippet::{
    best_window, occurrences, snippet_window, FirstWord, Term as SnippetTerm, SNIPPET_CHARS,
    WINDOW_BEFORE, WINDOW_CHARS,
};
use super::synonyms::Synonyms;
use super::understand::{understand, Context, Understanding};
use crate::catalog::{Kind, Record, Validity};
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

/// Score factor for records no longer in force (they stay findable, below the current one).
const SUPERSEDED_FACTOR: f32 = 0.5;
/// Length of a highlighted snippet in bytes (about 36 Han characters; what tantivy's snippet
/// generator made of `SNIPPET_CHARS`, which it counted in bytes).
const SNIPPET_BYTES: usize = SNIPPET_CHARS;
/// Bytes of a body read around its first query word (and at its start): the snippet window in
/// characters of up to four bytes each.
const EXCERPT_REACH: super::bodies::Reach = super::bodies::Reach {
    before: 4 * WINDOW_BEFORE,
    after: 4 * WINDOW_CHARS,
};
/// Score factor for service items when the query asks how to get something done.
const HOWTO_FACTOR: f32 = 1.6;
/// Candidates scored before the relevance cut-off and the final ranking.
pub(super) const POOL: usize = 100;

/// One search hit, ready for display.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The source id of the record.
    pub id: String,
    pub source: String,
    pub kind: Kind,
    pub title: String,
    pub score: f32,
    pub snippet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    pub validity: Validity,
    #[serde(skip)]
    pub title_marked: Highlighted,
    #[serde(skip)]
    pub snippet_marked: Highlighted,
    /// Everything stored about the record (body empty; fetch it with [`SearchIndex::body`]).
    #[serde(skip)]
    pub record: Option<Record>,
    /// The record does not pass the minimum-relevance cut-off but holds much of the query
    /// ([`SearchIndex::search_partial`]); `"partial": true` in JSON, absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The hit is the 政府信息公开目录 entry of a 依申请公开 record (title, issuer, 索引号; no
    /// text): 「本信息依申请公开」, offered with the request form. `"on_request": true` in JSON,
    /// absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub on_request: bool,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest publication date first.
    Newest,
}

/// A search as the screen asks for it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub filters: Vec<Filter>,
    pub sort: Sort,
}

/// What a search returns.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Counts per facet value over every hit kept (up to the candidate pool), before `limit`.
    pub facets: FacetCounts,
    /// Hits kept before `limit` (at most the candidate pool).
    pub total: usize,
    /// The words the query was understood as, for display.
    pub words: Vec<String>,
    /// The Hanzi a pinyin query was read as.
    pub converted: Option<String>,
    /// 「您是不是要找」: the query with a wrong character corrected.
    pub suggestion: Option<String>,
    /// Candidates found before the relevance cut-off (for "nothing relevant" messages).
    pub candidates: usize,
    /// The candidate pool was full: more records match than were ranked, so `total` is a
    /// lower bound.
    pub more: bool,
    /// Nothing passed the cut-off: these hits match the query only in part
    /// ([`SearchIndex::search_partial`]).
    pub partial: bool,
}

/// A generation opened for searching. Cheap to share between threads behind an `Arc`.
pub struct SearchIndex {
    pub(super) open: OpenIndex,
    pub(super) reader: IndexReader,
    lexicon: std::sync::Arc<Lexicon>,
    pinyin: std::sync::Arc<PinyinIndex>,
    corrector: Corrector,
    synonyms: Synonyms,
    /// The generation's derived plain words, without what the staff's table overrides.
    derived: Synonyms,
    home: Home,
    /// Up to how many postings a query is one exact disjunction (see `plan::QueryParts::top`).
    exact_postings: u64,
    /// Share of the query's characters a partial match's title must hold.
    partial_share: f32,
    pub(super) facet_values: FacetValues,
}

impl SearchIndex {
    pub fn new(open: OpenIndex) -> Result<SearchIndex, SearchError> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let lexicon = Lexicon::read(&open.path);
        let pinyin = std::sync::Arc::new(PinyinIndex::build(&lexicon));
        let corrector = Corrector::build(&lexicon);
        let synonyms = Synonyms::load(&config_snapshot(&open));
        let derived =
            Synonyms::load_file(&open.path.join(super::plain::FILE)).overridden_by(&synonyms);
        let home = Home::load(&config_snapshot(&open));
        let facet_values = FacetValues::read(&reader.searcher())?;
        Ok(SearchIndex {
            open,
            reader,
            lexicon: std::sync::Arc::new(lexicon),
            pinyin,
            corrector,
            synonyms,
            derived,
            home,
            exact_postings: super::plan::EXACT_POSTINGS,
            partial_share: super::coverage::PARTIAL_TITLE_CHARS,
            facet_values,
        })
    }

    /// Sets up to how many postings (summed document frequencies of its terms) a query is
    /// scored as one exact disjunction; above it, from candidates. The default suits any
    /// index; tests and benchmarks set 0 to take the candidate path on a small index.
    pub fn set_exact_postings(&mut self, postings: u64) {
        self.exact_postings = postings;
    }

    /// Sets the share of the query's characters a partial match's title must hold (the
    /// calibrated default is [`PARTIAL_TITLE_CHARS`](super::PARTIAL_TITLE_CHARS); `kiosk eval
    /// --calibrate` tries others).
    pub fn set_partial_share(&mut self, share: f32) {
        self.partial_share = share;
    }

    /// The vocabulary of the generation.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The vocabulary, to be held by another thread (the keyboard's input method ranks by it).
    pub fn shared_lexicon(&self) -> std::sync::Arc<Lexicon> {
        std::sync::Arc::clone(&self.lexicon)
    }

    /// The pinyin reading of the vocabulary, for the keyboard's candidate bar.
    pub fn shared_pinyin(&self) -> std::sync::Arc<PinyinIndex> {
        std::sync::Arc::clone(&self.pinyin)
    }

    /// Suggestions as the citizen types: for pinyin, Hanzi candidates; for one or more
    /// characters, the most present words of the index (titles count most) that start with them.
    pub fn suggest(&self, prefix: &str, n: usize) -> Vec<String> {
        let text = super::analysis::normalize(prefix.trim());
        if text.is_empty() {
            return Vec::new();
        }
        if PinyinIndex::is_pinyin_input(&text) {
            return self.pinyin.candidates(&text, n);
        }
        self.lexicon
            .with_prefix(&text, n)
            .into_iter()
            .map(|w| w.text.clone())
            .collect()
    }

    /// Hanzi candidates for pinyin typed on the on-screen keyboard.
    pub fn pinyin_candidates(&self, input: &str, n: usize) -> Vec<String> {
        self.pinyin.candidates(input, n)
    }

    /// How the query is understood (variants, words, suggestion), without searching.
    pub fn understand(&self, raw: &str) -> Understanding {
        let searcher = self.reader.searcher();
        let grams = self.open.fields.grams;
        // Conversions and corrections ask for the same texts more than once, and a
        // correction's candidates share most of their character pairs (only the pairs around
        // the changed character differ): each is looked up once per query.
        let pairs = Memo::default();
        let pair_df = |p: &str| {
            pairs.get(p, || {
                searcher
                    .doc_freq(&Term::from_field_text(grams, p))
                    .unwrap_or(0)
            })
        };
        let phrases = Memo::default();
        let phrase_df = |text: &str| {
            phrases.get(text, || {
                // A phrase no record holds usually has a character pair no record holds, which
                // one term lookup tells (most pinyin conversions and corrections tried are such).
                let chars: Vec<char> = text.chars().collect();
                let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
                let impossible = chars
                    .windows(2)
                    .any(|p| han(p[0]) && han(p[1]) && pair_df(&p.iter().collect::<String>()) == 0);
                if impossible {
                    0
                } else {
                    phrase_count(&searcher, &self.open.fields, text)
                }
            })
        };
        let word_df = |w: &str| self.open.fields.word_df(&searcher, w);
        let ctx = Context {
            pinyin: &self.pinyin,
            synonyms: &self.synonyms,
            derived: &self.derived,
            corrector: &self.corrector,
            lexicon: &self.lexicon,
            pair_df: &pair_df,
            phrase_df: &phrase_df,
            word_df: &word_df,
        };
        understand(raw, &ctx)
    }

    pub fn info(&self) -> &GenerationInfo {
        &self.open.info
    }

    pub fn fields(&self) -> &Fields {
        &self.open.fields
    }

    /// Number of records in the generation.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searches; never fails on odd input. An empty or meaningless query, or one with nothing
    /// relevant, returns no hits.
    pub fn search(&self, raw: &str, limit: usize) -> Result<SearchResults, SearchError> {
        self.search_with(&SearchRequest {
            query: raw.to_string(),
            limit,
            ..SearchRequest::default()
        })
    }

    /// Searches with facet filters and an order.
    pub fn search_with(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_pass(req, false)
    }

    /// The looser pass, for a query that found nothing: only the records the minimum-relevance
    /// cut-off rejected whose title still holds most of what was typed ([`Verdict::partial`](super::coverage::Verdict::partial)),
    /// every hit marked partial (「没有完全符合的结果，以下内容可能相关」).
    pub fn search_partial(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_pass(req, true)
    }

    fn search_pass(
        &self,
        req: &SearchRequest,
        partial: bool,
    ) -> Result<SearchResults, SearchError> {
        let f = &self.open.fields;
        let limit = req.limit;
        let u = self.understand(&req.query);
        let searcher = self.reader.searcher();
        let Some(parts) = build_query(&u, f, &searcher) else {
            return Ok(SearchResults::default());
        };
        let top = parts.top(
            &searcher,
            f,
            &req.filters,
            POOL.max(limit),
            self.exact_postings,
        )?;
        let candidates = top.len();
        let coverage = Coverage::new(&searcher, f, &u);
        let mut ranked = validity_scores(&searcher, top, u.howto)?;
        // Honest zero: a candidate must carry enough of what was asked, together; the more
        // it carries together, the higher it ranks.
        let addrs: Vec<tantivy::DocAddress> = ranked.iter().map(|r| r.1).collect();
        let verdicts = coverage.judge(&searcher, f, &addrs)?;
        // Records of the place asked about (or the kiosk's own) before other places'.
        let places = Locality::new(&u.text, &self.home).factors(&searcher, f, &addrs)?;
        for (r, p) in ranked.iter_mut().zip(places) {
            r.0 *= p;
        }
        let ranked: Vec<(f32, tantivy::DocAddress)> = ranked
            .into_iter()
            .zip(verdicts)
            .filter(|(_, v)| {
                if partial {
                    !v.passes && v.partial(self.partial_share)
                } else {
                    v.passes
                }
            })
            .map(|((score, addr), v)| (score * v.factor, addr))
            .collect();
        let mut ranked = ranked;
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        order_ties(&searcher, f, &mut ranked, limit)?;
        let total = ranked.len();
        let kept: Vec<tantivy::DocAddress> = ranked.iter().map(|r| r.1).collect();
        let facets = super::facets::count(&searcher, &self.facet_values, &kept)?;
        if req.sort == Sort::Newest {
            ranked = newest_first(&searcher, ranked)?;
        }
        ranked.truncate(limit);

        let hits = self.hits(&searcher, &u, ranked, partial)?;
        Ok(SearchResults {
            hits,
            facets,
            total,
            words: u.words.iter().map(|(w, _)| w.clone()).collect(),
            converted: u.converted,
            suggestion: u.suggestion,
            candidates,
            more: candidates >= POOL.max(limit),
            partial,
        })
    }

    /// The hits of `ranked`, in order, each with its highlighted title and snippet.
    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        u: &Understanding,
        ranked: Vec<(f32, tantivy::DocAddress)>,
        partial: bool,
    ) -> Result<Vec<Hit>, SearchError> {
        let f = &self.open.fields;
        // Snippets only for the hits returned, and only over a window of the body around the
        // first query word: scanning a whole code of law per hit would dominate the time.
        let terms = snippet_terms(searcher, f, u);
        let words: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
        let first_word = FirstWord::new(&words);
        let mut hits = Vec::with_capacity(ranked.len());
        let addrs: Vec<tantivy::DocAddress> = ranked.iter().map(|r| r.1).collect();
        let body_at = body_locations(searcher, &addrs)?;
        for ((score, addr), at) in ranked.into_iter().zip(body_at) {
            let mut hit = self.hit(searcher, addr, at, score, &first_word, &terms)?;
            hit.partial = partial;
            hits.push(hit);
        }
        Ok(hits)
    }

    /// A hit of the record at `addr`, whose body is at `body_at`.
    pub(super) fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: tantivy::DocAddress,
        body_at: u64,
        score: f32,
        first_word: &FirstWord,
        terms: &[SnippetTerm],
    ) -> Result<Hit, SearchError> {
        let f = &self.open.fields;
        let stored: TantivyDocument = searcher.doc(addr)?;
        let doc = &stored;
        let record = f.record_meta(doc);
        let validity = record.as_ref().map(|r| r.validity).unwrap_or_default();
        let title = f.text(doc, f.title).to_string();
        let title_marked = Highlighted {
            highlights: occurrences(&title, terms)
                .into_iter()
                .map(|(r, _)| r)
                .collect(),
            text: title.clone(),
        };
        // Only the part of the body around the first query word is read (see `bodies`). A body
        // that cannot be read costs the hit its snippet, not the whole search.
        let excerpt = self
            .open
            .bodies
            .excerpt(
                body_at,
                |bytes| first_word.find(bytes),
                first_word.longest(),
                EXCERPT_REACH,
            )
            .unwrap_or_else(|e| {
                tracing::error!(id = f.text(doc, f.id), error = %e, "cannot read a record's body; showing the hit without a snippet");
                super::bodies::Excerpt::default()
            });
        let window = snippet_window(&excerpt.text, excerpt.first);
        let snippet_marked = match best_window(window, terms, SNIPPET_BYTES) {
            Some((range, highlights)) => Highlighted {
                text: window[range].to_string(),
                highlights,
            },
            None => Highlighted {
                text: excerpt.head().chars().take(SNIPPET_CHARS).collect(),
                highlights: Vec::new(),
            },
        };
        let kind = Kind::from_str_opt(f.text(doc, f.kind)).unwrap_or(Kind::GovernmentInfo);
        debug_assert!(!kind_label(kind.as_str()).is_empty());
        let on_request = record.as_ref().is_some_and(Record::is_on_request_entry);
        let snippet_marked = if on_request {
            Highlighted {
                text: format!(
                    "{}，可提出政府信息公开申请。",
                    crate::catalog::ON_REQUEST_NOTE
                ),
                highlights: Vec::new(),
            }
        } else {
            snippet_marked
        };
        Ok(Hit {
            id: f.text(doc, f.id).to_string(),
            source: f.text(doc, f.source).to_string(),
            kind,
            title,
            score,
            snippet: snippet_marked.text.clone(),
            doc_number: record.as_ref().and_then(|r| r.doc_number.clone()),
            issuer: record.as_ref().and_then(|r| r.issuer.clone()),
            date: record.as_ref().and_then(Record::date),
            validity,
            title_marked,
            snippet_marked,
            record,
            partial: false,
            on_request,
        })
    }

    /// The full stored body of a record, by its index key.
    pub fn body(&self, source: &str, source_id: &str) -> Result<Option<String>, SearchError> {
        let f = &self.open.fields;
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(f.key, &super::schema::record_key(source, source_id));
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => {
                let at = body_locations(&searcher, &[*addr])?;
                Ok(Some(self.open.bodies.full(at[0])?))
            }
            None => Ok(None),
        }
    }
}

/// Records of exactly equal score among the first `limit` (a notice and its verbatim copy
/// score the same) in the order of their keys. Otherwise they keep their order in the index,
/// which follows how the build's threads happened to take the records, so the same query
/// could list the two the other way round after the next rebuild.
fn order_ties(
    searcher: &tantivy::Searcher,
    f: &Fields,
    ranked: &mut [(f32, tantivy::DocAddress)],
    limit: usize,
) -> Result<(), SearchError> {
    let mut start = 0;
    while start < ranked.len().min(limit) {
        let score = ranked[start].0;
        let end = start + ranked[start..].iter().take_while(|r| r.0 == score).count();
        if end - start > 1 {
            let mut keyed = Vec::with_capacity(end - start);
            for &r in &ranked[start..end] {
                let doc: TantivyDocument = searcher.doc(r.1)?;
                keyed.push((f.text(&doc, f.key).to_string(), r));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            for (slot, (_, r)) in ranked[start..end].iter_mut().zip(keyed) {
                *slot = r;
            }
        }
        start = end;
    }
    Ok(())
}

/// The candidates' scores with records no longer in force lowered and, for a how-to query,
/// service guides raised.
fn validity_scores(
    searcher: &tantivy::Searcher,
    top: Vec<(f32, tantivy::DocAddress)>,
    howto: bool,
) -> Result<Vec<(f32, tantivy::DocAddress)>, SearchError> {
    let mut ranked = Vec::with_capacity(top.len());
    // The two fast-field columns, opened once per segment (opening one looks it up by name).
    let mut columns = HashMap::new();
    for (score, addr) in top {
        let (current, kind) = match columns.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
                e.insert((fast.u64("current")?, fast.u64("kind_code")?))
            }
        };
        let current = current.first(addr.doc_id).unwrap_or(1);
        let kind = kind.first(addr.doc_id).unwrap_or(0);
        let mut score = score;
        // Records no longer in force stay findable but rank below current ones.
        if current != 1 {
            score *= SUPERSEDED_FACTOR;
        }
        if howto && kind == kind_code(Kind::ServiceGuide) {
            score *= HOWTO_FACTOR;
        }
        ranked.push((score, addr));
    }
    Ok(ranked)
}

/// `ranked` reordered newest first, ties by score.
fn newest_first(
    searcher: &tantivy::Searcher,
    ranked: Vec<(f32, tantivy::DocAddress)>,
) -> Result<Vec<(f32, tantivy::DocAddress)>, SearchError> {
    let mut dated = Vec::with_capacity(ranked.len());
    let mut dates = HashMap::new();
    for (score, addr) in ranked {
        let column = segment_column(&mut dates, searcher, addr, |f| f.i64("date"))?;
        let date = column.first(addr.doc_id).unwrap_or(0);
        dated.push((date, score, addr));
    }
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    Ok(dated.into_iter().map(|(_, s, a)| (s, a)).collect())
}

/// The fast-field column of `addr`'s segment, opened once per segment (opening one looks it up
/// by name).
fn segment_column<'a, T>(
    columns: &'a mut HashMap<u32, tantivy::columnar::Column<T>>,
    searcher: &tantivy::Searcher,
    addr: tantivy::DocAddress,
    open: impl FnOnce(
        &tantivy::fastfield::FastFieldReaders,
    ) -> tantivy::Result<tantivy::columnar::Column<T>>,
) -> Result<&'a tantivy::columnar::Column<T>, SearchError> {
    Ok(match columns.entry(addr.segment_ord) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(open(
            searcher.segment_reader(addr.segment_ord).fast_fields(),
        )?),
    })
}

/// Where the bodies of records are kept in the generation's body files (see `bodies`), in the
/// order given; each segment's column is opened once.
pub(super) fn body_locations(
    searcher: &tantivy::Searcher,
    docs: &[tantivy::DocAddress],
) -> Result<Vec<u64>, SearchError> {
    let mut columns = HashMap::new();
    let mut out = Vec::with_capacity(docs.len());
    for &addr in docs {
        let column = segment_column(&mut columns, searcher, addr, |f| f.u64("body_at"))?;
        out.push(column.first(addr.doc_id).unwrap_or(0));
    }
    Ok(out)
}

/// The words to highlight, each weighted as tantivy's snippet generator weighed them: rarer in
/// the bodies counts more.
fn snippet_terms(searcher: &tantivy::Searcher, f: &Fields, u: &Understanding) -> Vec<SnippetTerm> {
    u.words
        .iter()
        .map(|(w, _)| SnippetTerm {
            text: w.clone(),
            weight: 1.0
                / (1.0
                    + searcher
                        .doc_freq(&Term::from_field_text(f.body, w))
                        .unwrap_or(0) as f32),
        })
        .collect()
}
