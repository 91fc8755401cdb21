//! Ranking quality on a judged query file: MRR@k, Recall@k and nDCG@k, overall and per query type.
//!
//! The file is tab-separated with a header naming its columns: `query_id`, `query`, and
//! `relevant_ids` (several ids separated by `|`) or `relevant_id`; an optional `type` column groups
//! the figures. A query with no relevant ids is a nothing-relevant query: it scores 1 when the
//! search returns no hit and 0 otherwise.

use super::error::SearchError;
use super::query::SearchIndex;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("query file: {0}")]
    Format(String),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// One judged query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub id: String,
    pub query: String,
    pub relevant: Vec<String>,
    pub kind: String,
}

/// Parses the query file text.
pub fn parse_queries(text: &str) -> Result<Vec<Judged>, EvalError> {
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| EvalError::Format("the file is empty".into()))?
        .split('\t')
        .map(str::trim)
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(h));
    let (qid, q, rel) =
        match (
            col(&["query_id"]),
            col(&["query"]),
            col(&["relevant_ids", "relevant_id"]),
        ) {
            (Some(a), Some(b), Some(c)) => (a, b, c),
            _ => return Err(EvalError::Format(
                "the header must name `query_id`, `query` and `relevant_ids` (or `relevant_id`)"
                    .into(),
            )),
        };
    let ty = col(&["type"]);
    lines
        .enumerate()
        .map(|(n, line)| {
            let cells: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
            if cells.len() <= qid.max(q) {
                return Err(EvalError::Format(format!(
                    "line {}: too few columns",
                    n + 2
                )));
            }
            Ok(Judged {
                id: get(qid).to_string(),
                query: get(q).to_string(),
                relevant: get(rel)
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                kind: ty
                    .map(get)
                    .filter(|s| !s.is_empty())
                    .unwrap_or("all")
                    .to_string(),
            })
        })
        .collect()
}

/// Scores of one query.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub mrr: f64,
    pub recall: f64,
    pub ndcg: f64,
}

/// Binary-relevance scores of a ranked id list against the relevant set.
pub fn score(ranked: &[String], relevant: &[String], k: usize) -> Scores {
    let top = &ranked[..ranked.len().min(k)];
    if relevant.is_empty() {
        let s = if top.is_empty() { 1.0 } else { 0.0 };
        return Scores {
            mrr: s,
            recall: s,
            ndcg: s,
        };
    }
    let rel: HashSet<&str> = relevant.iter().map(String::as_str).collect();
    let mrr = top
        .iter()
        .position(|id| rel.contains(id.as_str()))
        .map(|p| 1.0 / (p as f64 + 1.0))
        .unwrap_or(0.0);
    let found = top.iter().filter(|id| rel.contains(id.as_str())).count();
    let recall = found as f64 / rel.len() as f64;
    let dcg: f64 = top
        .iter()
        .enumerate()
        .filter(|(_, id)| rel.contains(id.as_str()))
        .map(|(i, _)| 1.0 / (i as f64 + 2.0).log2())
        .sum();
    let ideal: f64 = (0..rel.len().min(k))
        .map(|i| 1.0 / (i as f64 + 2.0).log2())
        .sum();
    Scores {
        mrr,
        recall,
        ndcg: dcg / ideal,
    }
}

/// Mean scores of a group of queries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub queries: usize,
    pub mean: Scores,
}

/// The evaluation of a query file.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub k: usize,
    pub overall: Summary,
    pub by_type: BTreeMap<String, Summary>,
    /// Query ids whose relevant record is not in the top k (for reading failures).
    pub misses: Vec<String>,
    /// Every query with its scores and the ids it returned, in file order.
    pub per_query: Vec<QueryOutcome>,
}

/// The two ways an honest zero can be wrong, counted over a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZeroErrors {
    /// Queries with relevant records that returned no hit at all.
    pub false_zeros: usize,
    /// Queries with relevant records.
    pub answerable: usize,
    /// Nothing-relevant queries that returned hits.
    pub false_hits: usize,
    /// Nothing-relevant queries.
    pub nothing: usize,
}

impl EvalReport {
    /// False zeros and false hits of the report.
    pub fn zero_errors(&self, queries: &[Judged]) -> ZeroErrors {
        let mut e = ZeroErrors::default();
        for (q, o) in queries.iter().zip(&self.per_query) {
            if q.relevant.is_empty() {
                e.nothing += 1;
                e.false_hits += usize::from(!o.returned.is_empty());
            } else {
                e.answerable += 1;
                e.false_zeros += usize::from(o.returned.is_empty());
            }
        }
        e
    }
}

/// What one query returned and how it scored.
#[derive(Debug, Clone, Default)]
pub struct QueryOutcome {
    pub id: String,
    pub kind: String,
    pub query: String,
    pub scores: Scores,
    pub returned: Vec<String>,
}

/// Runs every query through the ranking alone (`SearchIndex::search`, no nothing-found
/// policy) and averages the scores. What a visitor sees is scored by
/// `desk::search::evaluate`.
pub fn evaluate(
    index: &SearchIndex,
    queries: &[Judged],
    k: usize,
) -> Result<EvalReport, EvalError> {
    evaluate_with(queries, k, |q, k| {
        Ok(index.search(q, k)?.hits.into_iter().map(|h| h.id).collect())
    })
}

/// Runs every query through `search` (query, k → the ids shown, best first) and averages the
/// scores.
pub fn evaluate_with(
    queries: &[Judged],
    k: usize,
    mut search: impl FnMut(&str, usize) -> Result<Vec<String>, SearchError>,
) -> Result<EvalReport, EvalError> {
    let mut sums: BTreeMap<String, (usize, Scores)> = BTreeMap::new();
    let mut total = (0usize, Scores::default());
    let mut misses = Vec::new();
    let mut per_query = Vec::with_capacity(queries.len());
    for q in queries {
        let ranked = search(&q.query, k)?;
        let s = score(&ranked, &q.relevant, k);
        if s.recall < 1.0 {
            misses.push(q.id.clone());
        }
        per_query.push(QueryOutcome {
            id: q.id.clone(),
            kind: q.kind.clone(),
            query: q.query.clone(),
            scores: s,
            returned: ranked,
        });
        for acc in [sums.entry(q.kind.clone()).or_default(), &mut total] {
            acc.0 += 1;
            acc.1.mrr += s.mrr;
            acc.1.recall += s.recall;
            acc.1.ndcg += s.ndcg;
        }
    }
    let mean = |(n, s): (usize, Scores)| Summary {
        queries: n,
        mean: if n == 0 {
            Scores::default()
        } else {
            Scores {
                mrr: s.mrr / n as f64,
                recall: s.recall / n as f64,
                ndcg: s.ndcg / n as f64,
            }
        },
    };
    Ok(EvalReport {
        k,
        overall: mean(total),
        by_type: sums.into_iter().map(|(t, v)| (t, mean(v))).collect(),
        misses,
        per_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scores_a_ranking_with_binary_relevance() {
        let s = score(&ids(&["x", "a", "y"]), &ids(&["a"]), 10);
        assert_eq!(s.mrr, 0.5);
        assert_eq!(s.recall, 1.0);
        assert!((s.ndcg - 1.0 / 3f64.log2()).abs() < 1e-12);
        let s = score(&ids(&["a", "b"]), &ids(&["a", "b"]), 10);
        assert_eq!((s.mrr, s.recall, s.ndcg), (1.0, 1.0, 1.0));
        let s = score(&ids(&["x"; 12]), &ids(&["a"]), 10);
        assert_eq!((s.mrr, s.recall, s.ndcg), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_nothing_relevant_query_scores_only_when_nothing_is_returned() {
        assert_eq!(score(&[], &[], 10).ndcg, 1.0);
        assert_eq!(score(&ids(&["noise"]), &[], 10).ndcg, 0.0);
    }

    #[test]
    fn false_zeros_and_false_hits_are_counted_apart() {
        let queries =
            parse_queries("query_id\tquery\trelevant_ids\n1\ta\tx\n2\tb\ty\n3\tc\t\n4\td\t\n")
                .unwrap();
        let report = evaluate_with(&queries, 10, |q, _| {
            Ok(match q {
                "a" => vec!["x".to_string()],
                "d" => vec!["noise".to_string()],
                _ => Vec::new(),
            })
        })
        .unwrap();
        let e = report.zero_errors(&queries);
        assert_eq!(
            e,
            ZeroErrors {
                false_zeros: 1,
                answerable: 2,
                false_hits: 1,
                nothing: 2
            }
        );
    }

    #[test]
    fn reads_both_header_forms_and_the_type_column() {
        let q = parse_queries("query_id\tquery\trelevant_id\n1\t护士\ta.md\n").unwrap();
        assert_eq!(q[0].relevant, ["a.md"]);
        assert_eq!(q[0].kind, "all");
        let q =
            parse_queries("query_id\ttype\tquery\trelevant_ids\n1\t拼音\tylj\ta|b\n2\t无\txyz\t\n")
                .unwrap();
        assert_eq!(q[0].relevant, ["a", "b"]);
        assert_eq!(q[0].kind, "拼音");
        assert!(q[1].relevant.is_empty());
        assert!(parse_queries("a\tb\n").is_err());
    }
}
