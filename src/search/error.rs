//! The one error type of searching an open index. A leaf, so every search module can name it.

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index read: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Bodies(#[from] super::bodies::BodyError),
}
