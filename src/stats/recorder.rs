//! The statistics side of the search worker: what it saw (searches and their answers, records
//! opened and printed) turned into counts in the statistics file. A file that cannot be opened
//! or written is logged once and the kiosk goes on without statistics.

use super::{subject_of, Hour, Outcome, SearchSeen, StatsStore, Tally, ALL_KINDS};
use crate::desk::search::Answer;
use crate::search::facets::Dim;
use crate::search::query::SearchRequest;
use crate::search::schema::record_key;
use crate::search::Hit;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Titles remembered from recent results, so an opened record is counted under its title.
const TITLES_KEPT: usize = 2000;

/// Counts what the search worker saw.
pub struct Recorder {
    store: Option<StatsStore>,
    tally: Tally,
    /// Record key → (title, kind label) of records in recent results.
    titles: HashMap<String, (String, String)>,
    clock: fn() -> Hour,
}

impl Recorder {
    /// Opens the statistics file at `path`; a failure is logged and statistics are off.
    pub fn open(path: &Path) -> Recorder {
        let store = StatsStore::open(path)
            .map_err(|e| tracing::warn!(error = %e, "search statistics are off"))
            .ok();
        Recorder::with(store, Hour::now)
    }

    /// A recorder over `store` with its own clock (tests).
    pub fn with(store: Option<StatsStore>, clock: fn() -> Hour) -> Recorder {
        Recorder {
            store,
            tally: Tally::default(),
            titles: HashMap::new(),
            clock,
        }
    }

    /// A visitor's search and its answer (never one from the request form).
    pub fn searched(&mut self, request: &SearchRequest, answer: &Answer, now: Instant) {
        self.tick(now);
        self.saw(&answer.results.hits);
        let typed = answer
            .results
            .converted
            .as_deref()
            .unwrap_or(&request.query);
        let Some(query) = subject_of(typed) else {
            self.tally.typed_over();
            return;
        };
        let kind = request
            .filters
            .iter()
            .find(|f| f.dim == Dim::Kind)
            .map_or(ALL_KINDS.to_string(), |f| f.value.clone());
        let outcome = if answer.corrected.is_some() {
            Outcome::Corrected
        } else if answer.results.hits.is_empty() {
            Outcome::Nothing
        } else if answer.results.partial {
            Outcome::Partial
        } else {
            Outcome::Found
        };
        self.tally.search(
            SearchSeen {
                query,
                kind,
                outcome,
            },
            now,
        );
    }

    /// Hits shown (a browsed list, the form's matches): their titles, for counting openings.
    pub fn saw(&mut self, hits: &[Hit]) {
        if self.titles.len() > TITLES_KEPT {
            self.titles.clear();
        }
        for h in hits {
            self.titles.insert(
                record_key(&h.source, &h.id),
                (h.title.clone(), h.kind.label().to_string()),
            );
        }
    }

    /// A record opened: the search it was opened from counts at once, then the opening.
    pub fn opened(&mut self, source: &str, source_id: &str) {
        if let Some(s) = self.tally.take() {
            self.write_search(s);
        }
        self.write_document(source, source_id, false);
    }

    /// A record printed (a document, or a service item's checklist).
    pub fn printed(&mut self, source: &str, source_id: &str) {
        self.write_document(source, source_id, true);
    }

    /// Counts the waiting search once it has stood long enough.
    pub fn tick(&mut self, now: Instant) {
        if let Some(s) = self.tally.settled(now) {
            self.write_search(s);
        }
    }

    fn write_search(&mut self, s: SearchSeen) {
        let hour = (self.clock)();
        self.write(|store| store.add_search(&hour, &s.query, &s.kind, s.outcome));
    }

    fn write_document(&mut self, source: &str, source_id: &str, printed: bool) {
        let key = record_key(source, source_id);
        let (title, kind) = self
            .titles
            .get(&key)
            .cloned()
            .unwrap_or_else(|| (key.clone(), String::new()));
        let hour = (self.clock)();
        self.write(|store| store.add_document(&hour, &key, &title, &kind, printed));
    }

    /// One write; a failing file is logged once and statistics are off from then on.
    fn write(&mut self, f: impl FnOnce(&StatsStore) -> Result<(), super::StatsError>) {
        if let Some(store) = &self.store {
            if let Err(e) = f(store) {
                tracing::warn!(error = %e, "cannot write the search statistics; they are off until the kiosk restarts");
                self.store = None;
            }
        }
    }
}

impl Drop for Recorder {
    /// The search still waiting counts: the kiosk is stopping, the visitor saw it.
    fn drop(&mut self) {
        if let Some(s) = self.tally.take() {
            self.write_search(s);
        }
    }
}
