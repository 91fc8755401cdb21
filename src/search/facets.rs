//! Facets: counts and filters by kind, area (see [`super::areas`]), issuer, year and validity. Counts are taken over exactly the hits a search keeps
//! (after the relevance cut-off), so a chip's count equals the hits it filters to.

use super::schema::Fields;
use std::collections::{BTreeMap, HashMap};
use tantivy::query::{Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

/// A facet dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Kind,
    Area,
    Issuer,
    Year,
    Validity,
}

impl Dim {
    pub const ALL: [Dim; 5] = [Dim::Kind, Dim::Area, Dim::Issuer, Dim::Year, Dim::Validity];

    /// The label of the dimension on screen.
    pub fn label(self) -> &'static str {
        match self {
            Dim::Kind => "类别",
            Dim::Area => "领域",
            Dim::Issuer => "发布机关",
            Dim::Year => "年份",
            Dim::Validity => "效力",
        }
    }

    fn field(self, f: &Fields) -> Field {
        match self {
            Dim::Kind => f.facet_kind,
            Dim::Area => f.facet_area,
            Dim::Issuer => f.facet_issuer,
            Dim::Year => f.facet_year,
            Dim::Validity => f.facet_validity,
        }
    }

    fn field_name(self) -> &'static str {
        match self {
            Dim::Kind => "facet_kind",
            Dim::Area => "facet_area",
            Dim::Issuer => "facet_issuer",
            Dim::Year => "facet_year",
            Dim::Validity => "facet_validity",
        }
    }
}

/// One chosen value of a dimension (`Dim::Kind`, "办事指南").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Filter {
    pub dim: Dim,
    pub value: String,
}

/// Counts per dimension, most frequent value first.
pub type FacetCounts = BTreeMap<Dim, Vec<(String, usize)>>;

/// The `Must` clauses that restrict a query to the filters.
pub fn filter_clauses(f: &Fields, filters: &[Filter]) -> Vec<(Occur, Box<dyn Query>)> {
    filters
        .iter()
        .map(|flt| {
            let term = Term::from_facet(flt.dim.field(f), &Facet::from_path([flt.value.as_str()]));
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Must, q)
        })
        .collect()
}

/// The facet values of a generation, by segment, dimension and ordinal, read once when the
/// generation is opened: resolving an ordinal through the dictionary costs about 11,000
/// instructions, and every search resolved a few dozen.
#[derive(Debug, Default)]
pub struct FacetValues {
    values: HashMap<(u32, Dim), Vec<String>>,
}

impl FacetValues {
    /// Reads every facet value of every segment, in ordinal order (the dictionary's order).
    pub fn read(searcher: &Searcher) -> tantivy::Result<FacetValues> {
        let mut values = HashMap::new();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            for dim in Dim::ALL {
                let facets = reader.facet_reader(dim.field_name())?;
                let mut names = Vec::with_capacity(facets.num_facets());
                let mut stream = facets.facet_dict().stream()?;
                while stream.advance() {
                    let facet = Facet::from_encoded(stream.key().to_vec()).map_err(|e| {
                        tantivy::TantivyError::InvalidArgument(format!("facet value: {e}"))
                    })?;
                    // Values are one-level paths (`/办事指南`); take the first step.
                    names.push(
                        facet
                            .to_path()
                            .first()
                            .map(|v| v.to_string())
                            .unwrap_or_default(),
                    );
                }
                values.insert((segment as u32, dim), names);
            }
        }
        Ok(FacetValues { values })
    }

    fn name(&self, segment: u32, dim: Dim, ord: u64) -> Option<&str> {
        self.values
            .get(&(segment, dim))
            .and_then(|names| names.get(ord as usize))
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }
}

/// Counts the facet values of the given documents: each document's ordinals are counted, then
/// each distinct ordinal is named from `names`.
pub fn count(
    searcher: &Searcher,
    names: &FacetValues,
    docs: &[DocAddress],
) -> tantivy::Result<FacetCounts> {
    let mut counts: BTreeMap<Dim, BTreeMap<String, usize>> = BTreeMap::new();
    let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for d in docs {
        by_segment.entry(d.segment_ord).or_default().push(d.doc_id);
    }
    for dim in Dim::ALL {
        let per_value = counts.entry(dim).or_default();
        for (&segment, ids) in &by_segment {
            let reader = searcher
                .segment_reader(segment)
                .facet_reader(dim.field_name())?;
            let mut per_ord: BTreeMap<u64, usize> = BTreeMap::new();
            for &id in ids {
                for ord in reader.facet_ords(id) {
                    *per_ord.entry(ord).or_default() += 1;
                }
            }
            for (ord, n) in per_ord {
                if let Some(value) = names.name(segment, dim, ord) {
                    *per_value.entry(value.to_string()).or_default() += n;
                }
            }
        }
    }
    Ok(counts
        .into_iter()
        .map(|(dim, values)| {
            let mut v: Vec<(String, usize)> = values.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (dim, v)
        })
        .collect())
}
