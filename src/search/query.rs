//! Query → ranked hits with highlighted snippets.
//!
//! Any input is accepted: the query is segmented into words and turned into term and phrase
//! queries directly, so there is no syntax to get wrong (`"((`, SQL, emoji, 500 random
//! characters all just search). BM25 with the title weighted over the body; an exact 发文字号 or
//! 索引号 match first; superseded versions rank below versions in force.

use super::analysis::{fold_width, segment, Mode, Word};
use super::index::{GenerationInfo, OpenIndex};
use super::schema::{kind_label, Fields};
use crate::catalog::{index_number_key, DocNumberKey, Kind, Record, Validity};
use serde::Serialize;
use std::ops::Range;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

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
const DOC_KEY_BOOST: f32 = 50.0;
/// Score factor for records no longer in force (they stay findable, below the current one).
const SUPERSEDED_FACTOR: f32 = 0.5;
const SNIPPET_CHARS: usize = 110;
/// Words so common in questions that they carry no topic.
const STOP_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "是", "在", "有", "吗", "呢", "吧", "啊", "么", "什么",
    "哪些", "哪个", "哪里", "怎么", "怎样", "如何", "为何", "多少", "几", "请问", "我", "我们",
    "你", "对于", "关于", "对", "有何", "是否", "能否", "可以", "需要", "要", "被", "把", "将",
    "就", "都", "也", "等", "其", "之", "为", "以", "于", "上", "中", "下",
];

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A highlighted piece of text: the text and the byte ranges to emphasise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Highlighted {
    pub text: String,
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
}

impl Highlighted {
    fn from_snippet(s: &Snippet) -> Highlighted {
        Highlighted {
            text: s.fragment().to_string(),
            highlights: s.highlighted().to_vec(),
        }
    }

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
}

/// What a search returns.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// The words the query was understood as, for display.
    pub words: Vec<String>,
}

/// A generation opened for searching. Cheap to share between threads behind an `Arc`.
pub struct SearchIndex {
    open: OpenIndex,
    reader: IndexReader,
}

impl SearchIndex {
    pub fn new(open: OpenIndex) -> Result<SearchIndex, SearchError> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex { open, reader })
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

    /// Searches; never fails on odd input. An empty or meaningless query returns no hits.
    pub fn search(&self, raw: &str, limit: usize) -> Result<SearchResults, SearchError> {
        let f = &self.open.fields;
        let plan = QueryPlan::new(raw);
        let Some(query) = plan.to_query(f) else {
            return Ok(SearchResults::default());
        };
        let searcher = self.reader.searcher();
        let pool = (limit * 3).max(limit + 30);
        let top = searcher.search(&query, &TopDocs::with_limit(pool).order_by_score())?;
        // Records no longer in force stay findable but rank below current ones.
        let mut ranked = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let current = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("current")?
                .first(addr.doc_id)
                .unwrap_or(1);
            let score = if current == 1 {
                score
            } else {
                score * SUPERSEDED_FACTOR
            };
            ranked.push((score, addr));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(limit);

        // Snippets only for the hits returned, and only over a window of the body around the
        // first query word: re-segmenting a whole code of law per hit would dominate the time.
        let mut body_gen = SnippetGenerator::create(&searcher, &query, f.body)?;
        body_gen.set_max_num_chars(SNIPPET_CHARS);
        let mut title_gen = SnippetGenerator::create(&searcher, &query, f.title)?;
        title_gen.set_max_num_chars(400);
        let words: Vec<&str> = plan.words.iter().map(|w| w.text.as_str()).collect();
        let mut hits = Vec::with_capacity(ranked.len());
        for (score, addr) in ranked {
            let doc: TantivyDocument = searcher.doc(addr)?;
            hits.push(self.hit(&doc, score, &words, &body_gen, &title_gen));
        }
        Ok(SearchResults {
            hits,
            words: plan.words.into_iter().map(|w| w.text).collect(),
        })
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        score: f32,
        words: &[&str],
        body_gen: &SnippetGenerator,
        title_gen: &SnippetGenerator,
    ) -> Hit {
        let f = &self.open.fields;
        let record = f.record_meta(doc);
        let validity = record.as_ref().map(|r| r.validity).unwrap_or_default();
        let title = f.text(doc, f.title).to_string();
        let mut title_marked = Highlighted::from_snippet(&title_gen.snippet(&title));
        if title_marked.text != title {
            title_marked = Highlighted {
                text: title.clone(),
                highlights: Vec::new(),
            };
        }
        let body = f.text(doc, f.body);
        let mut snippet_marked =
            Highlighted::from_snippet(&body_gen.snippet(snippet_window(body, words)));
        if snippet_marked.text.is_empty() {
            snippet_marked = Highlighted {
                text: body.chars().take(SNIPPET_CHARS).collect(),
                highlights: Vec::new(),
            };
        }
        let kind = Kind::from_str_opt(f.text(doc, f.kind)).unwrap_or(Kind::GovernmentInfo);
        debug_assert!(!kind_label(kind.as_str()).is_empty());
        Hit {
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
        }
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
                let doc: TantivyDocument = searcher.doc(*addr)?;
                Ok(Some(f.text(&doc, f.body).to_string()))
            }
            None => Ok(None),
        }
    }
}

/// The part of a body worth segmenting for a snippet: from a little before the earliest query
/// word found (byte search) to a few hundred characters after it.
fn snippet_window<'a>(body: &'a str, words: &[&str]) -> &'a str {
    const BEFORE: usize = 40;
    const LENGTH: usize = 3 * SNIPPET_CHARS;
    let first = words.iter().filter_map(|w| body.find(w)).min().unwrap_or(0);
    let start = body[..first]
        .char_indices()
        .rev()
        .nth(BEFORE - 1)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let end = body[start..]
        .char_indices()
        .nth(LENGTH)
        .map(|(i, _)| start + i)
        .unwrap_or(body.len());
    &body[start..end]
}

/// Weight of each character bigram of the query (phrase overlap whatever the segmentation).
const GRAM_BOOST: f32 = 1.0;

/// How a raw query is understood: its words and any 文号/索引号 key.
struct QueryPlan {
    words: Vec<Word>,
    grams: Vec<String>,
    doc_key: Option<String>,
    index_key: Option<String>,
}

impl QueryPlan {
    fn new(raw: &str) -> QueryPlan {
        // Bound the work a pasted essay can cause.
        let raw: String = raw.chars().take(200).collect();
        let folded = fold_width(&raw);
        let mut words: Vec<Word> = segment(&folded, Mode::Query)
            .into_iter()
            .filter(|w| !STOP_WORDS.contains(&w.text.as_str()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(w.text.clone()));
        words.truncate(32);
        let mut grams: Vec<String> = super::analysis::bigrams(&folded)
            .into_iter()
            .map(|(_, g)| g)
            .collect();
        let mut seen_grams = std::collections::HashSet::new();
        grams.retain(|g| seen_grams.insert(g.clone()));
        grams.truncate(64);
        let looks_like_index_number = folded.contains('/') || folded.matches('-').count() >= 1;
        QueryPlan {
            words,
            grams,
            doc_key: DocNumberKey::parse(&folded).map(|k| k.as_str().to_string()),
            index_key: looks_like_index_number
                .then(|| index_number_key(&folded))
                .flatten(),
        }
    }

    fn to_query(&self, f: &Fields) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, b)))
        };
        for key in self.doc_key.iter().chain(self.index_key.iter()) {
            let t = TermQuery::new(
                Term::from_field_text(f.doc_key, key),
                IndexRecordOption::Basic,
            );
            clauses.push(boosted(Box::new(t), DOC_KEY_BOOST));
        }
        let title_boost = if self.words.len() >= QUESTION_WORDS {
            TITLE_BOOST_QUESTION
        } else {
            TITLE_BOOST
        };
        for w in &self.words {
            for (field, boost) in [
                (f.title, title_boost),
                (f.body, BODY_BOOST),
                (f.extra, EXTRA_BOOST),
            ] {
                let t = TermQuery::new(
                    Term::from_field_text(field, &w.text),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push(boosted(Box::new(t), boost));
            }
        }
        for g in &self.grams {
            let t = TermQuery::new(
                Term::from_field_text(f.grams, g),
                IndexRecordOption::WithFreqs,
            );
            clauses.push(boosted(Box::new(t), GRAM_BOOST));
        }
        // Proximity: the query's words in the query's order, by character offset.
        if self.words.len() >= 2 {
            let contiguous = self
                .words
                .windows(2)
                .all(|p| p[0].char_end == p[1].char_start);
            if contiguous {
                clauses.push(boosted(Box::new(self.phrase(f.title)), TITLE_PHRASE_BOOST));
            }
            for pair in self
                .words
                .windows(2)
                .filter(|p| p[0].char_end == p[1].char_start)
            {
                let terms = vec![
                    (0, Term::from_field_text(f.body, &pair[0].text)),
                    (
                        pair[1].char_start - pair[0].char_start,
                        Term::from_field_text(f.body, &pair[1].text),
                    ),
                ];
                clauses.push(boosted(
                    Box::new(PhraseQuery::new_with_offset(terms)),
                    BODY_PHRASE_BOOST,
                ));
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    fn phrase(&self, field: tantivy::schema::Field) -> PhraseQuery {
        let first = self.words[0].char_start;
        PhraseQuery::new_with_offset(
            self.words
                .iter()
                .map(|w| (w.char_start - first, Term::from_field_text(field, &w.text)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_are_dropped_and_content_words_kept() {
        let p = QueryPlan::new("北京市对展会有什么支持政策？");
        let words: Vec<&str> = p.words.iter().map(|w| w.text.as_str()).collect();
        assert!(
            words.contains(&"北京市") && words.contains(&"展会"),
            "{words:?}"
        );
        assert!(
            !words.contains(&"什么") && !words.contains(&"有"),
            "{words:?}"
        );
    }

    #[test]
    fn doc_numbers_and_index_numbers_are_recognised() {
        assert_eq!(
            QueryPlan::new("国发2019 5号").doc_key.as_deref(),
            Some("国发2019-5")
        );
        assert_eq!(
            QueryPlan::new("000014349/2019-00007").index_key.as_deref(),
            Some("000014349201900007")
        );
        assert_eq!(QueryPlan::new("养老保险").doc_key, None);
    }

    #[test]
    fn the_snippet_window_starts_shortly_before_the_first_match() {
        let body = format!("{}护士执业{}", "甲".repeat(100), "乙".repeat(1000));
        let w = snippet_window(&body, &["执业", "不存在"]);
        assert!(
            w.starts_with(&"甲".repeat(38)) && w.contains("护士执业"),
            "{w}"
        );
        assert_eq!(w.chars().count(), 3 * SNIPPET_CHARS);
        assert_eq!(snippet_window("短文", &["无"]), "短文");
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
