//! Searching as the kiosk does: the query, then the whole nothing-found policy. The screen's
//! worker and `kiosk search` both call [`answer`], so a visitor and a member of staff typing
//! the same words see the same records and the same offers.

use crate::search::alternatives::OFFERED;
use crate::search::eval::{evaluate_with, EvalError, EvalReport, Judged};
use crate::search::query::{SearchRequest, SearchResults};
use crate::search::{SearchError, SearchIndex};
use serde::Serialize;

/// The line above hits that match the query only in part, on the screen and in `kiosk search`.
pub const PARTIAL_HEADING: &str = "没有完全符合的结果，以下内容可能相关：";

/// What the kiosk offers for one query: its results, and what it says when they are empty.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// The hits shown: those of the query, or of its correction when `corrected` is set.
    pub results: SearchResults,
    /// The query found nothing and these are the hits of its correction (「您是不是要找」,
    /// searched at once).
    pub corrected: Option<String>,
    /// Nothing was found, not even by the correction: shorter queries made of the query's own
    /// words that do find records (「您可以试试」).
    pub alternatives: Vec<String>,
}

/// The offers of an answer, as `kiosk search --json` prints them after the hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offers<'a> {
    pub corrected: Option<&'a str>,
    pub alternatives: &'a [String],
}

impl Answer {
    /// The offers, when there are any.
    pub fn offers(&self) -> Option<Offers<'_>> {
        (self.corrected.is_some() || !self.alternatives.is_empty()).then(|| Offers {
            corrected: self.corrected.as_deref(),
            alternatives: &self.alternatives,
        })
    }
}

/// Searches; when nothing is found and the query has a correction, the correction's hits are
/// returned at once, marked as such; when even that finds nothing, the records that match the
/// query in part (「没有完全符合的结果，以下内容可能相关」, `results.partial`); when there are
/// none either, the shorter queries of its own words that do find records come with the empty
/// list. Only the first search can fail: a failing later search is logged and leaves the plain
/// empty answer.
pub fn answer(index: &SearchIndex, request: &SearchRequest) -> Result<Answer, SearchError> {
    let first = index.search_with(request)?;
    if !first.hits.is_empty() {
        return Ok(Answer {
            results: first,
            ..Answer::default()
        });
    }
    if let Some(fix) = first.suggestion.clone() {
        let retry = SearchRequest {
            query: fix.clone(),
            ..request.clone()
        };
        match index.search_with(&retry) {
            Ok(r) if !r.hits.is_empty() => {
                return Ok(Answer {
                    results: r,
                    corrected: Some(fix),
                    alternatives: Vec::new(),
                })
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "searching the correction of a query failed"),
        }
    }
    match index.search_partial(request) {
        Ok(r) if !r.hits.is_empty() => {
            return Ok(Answer {
                results: r,
                ..Answer::default()
            })
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "searching partial matches of a query failed"),
    }
    let alternatives = index.alternatives(request, OFFERED).unwrap_or_else(|e| {
        tracing::error!(error = %e, "searching shorter forms of a query failed");
        Vec::new()
    });
    Ok(Answer {
        results: first,
        corrected: None,
        alternatives,
    })
}

/// Ranking quality of what a visitor sees: every judged query through [`answer`] (its
/// correction's hits, or its partial hits, when the query alone finds nothing).
pub fn evaluate(
    index: &SearchIndex,
    queries: &[Judged],
    k: usize,
) -> Result<EvalReport, EvalError> {
    evaluate_with(queries, k, |q, k| {
        let request = SearchRequest {
            query: q.to_string(),
            limit: k,
            ..SearchRequest::default()
        };
        Ok(answer(index, &request)?
            .results
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect())
    })
}
