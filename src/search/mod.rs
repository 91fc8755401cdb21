//! Search: schema, Chinese analysis, index generations, and query → ranked hits.
//!
//! Owns everything tantivy. Takes catalog records in and hands hits out; knows nothing about
//! source formats or the screen.

pub mod alternatives;
pub mod analysis;
pub mod areas;
pub mod bodies;
mod browse;
pub mod correct;
mod coverage;
pub use coverage::PARTIAL_TITLE_CHARS;
mod error;
pub mod eval;
pub mod facets;
pub mod index;
pub mod lexicon;
pub mod locality;
pub mod pinyin;
mod places;
pub mod plain;
mod plan;
mod postings;
pub mod query;
pub mod schema;
pub mod segmentation_eval;
pub mod shapes;
pub mod snippet;
pub mod synonyms;
pub mod understand;

pub use error::SearchError;
pub use index::{open_current, GenerationInfo, IndexError};
pub use query::{Hit, SearchIndex, SearchRequest, SearchResults, Sort};

/// Opens the current generation of an index folder for searching.
pub fn open_search(index_dir: &std::path::Path) -> Result<SearchIndex, OpenError> {
    let open = open_current(index_dir)?;
    Ok(SearchIndex::new(open)?)
}

/// Why an index could not be opened for searching.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Search(#[from] SearchError),
}
