//! Browsing without typing: the records of a category or area, newest first, with facet
//! counts over all of them; one record by its id (a superseded record's successor); the
//! images a generation holds.

use super::error::SearchError;
use super::facets::{filter_clauses, Filter};
use super::query::{body_locations, Hit, SearchIndex, SearchResults};
use super::snippet::FirstWord;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

impl SearchIndex {
    /// Every record that passes `filters` (all records when there are none), newest first, with
    /// facet counts over all of them, so the screen can offer the next filter with its count.
    pub fn browse(&self, filters: &[Filter], limit: usize) -> Result<SearchResults, SearchError> {
        let f = &self.open.fields;
        let searcher = self.reader.searcher();
        let query: Box<dyn Query> = if filters.is_empty() {
            Box::new(tantivy::query::AllQuery)
        } else {
            Box::new(BooleanQuery::new(filter_clauses(f, filters)))
        };
        let docs = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
        let mut dated = Vec::with_capacity(docs.len());
        for addr in docs {
            let date = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .i64("date")?
                .first(addr.doc_id)
                .unwrap_or(0);
            dated.push((date, addr));
        }
        // Newest first; equal dates in index order, so the list is stable between frames.
        dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let kept: Vec<tantivy::DocAddress> = dated.iter().map(|d| d.1).collect();
        let facets = super::facets::count(&searcher, &self.facet_values, &kept)?;
        let mut hits = Vec::with_capacity(limit.min(kept.len()));
        let no_words = FirstWord::new(&[]);
        let shown = &kept[..limit.min(kept.len())];
        for (addr, at) in shown.iter().zip(body_locations(&searcher, shown)?) {
            hits.push(self.hit(&searcher, *addr, at, 0.0, &no_words, &[])?);
        }
        Ok(SearchResults {
            hits,
            facets,
            total: kept.len(),
            candidates: kept.len(),
            ..SearchResults::default()
        })
    }

    /// The record `source_id` of `source` as a hit (no snippet words), `None` when the
    /// generation does not hold it (never imported, not public, or withdrawn).
    pub fn record(&self, source: &str, source_id: &str) -> Result<Option<Hit>, SearchError> {
        let f = &self.open.fields;
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(f.key, &super::schema::record_key(source, source_id));
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.first() else {
            return Ok(None);
        };
        let at = body_locations(&searcher, &[*addr])?;
        let hit = self.hit(&searcher, *addr, at[0], 0.0, &FirstWord::new(&[]), &[])?;
        Ok(Some(hit))
    }

    /// Where the generation keeps the image file `stored` (a name the build gave, see
    /// [`crate::catalog::ImageRef::stored`]); `None` for a name that is not one of its own.
    pub fn image_path(&self, stored: &str) -> Option<std::path::PathBuf> {
        super::index::image_file(&self.open.path, stored)
    }
}
