//! Walking the postings of a few candidate records: the candidates grouped by segment, and a
//! postings list sought to each of them. A leaf shared by the coverage cut-off and the locality
//! factor.

use std::collections::HashMap;
use tantivy::postings::Postings;
use tantivy::{DocAddress, TERMINATED};

/// The candidates grouped by segment: each segment's doc ids in ascending order, each with its
/// index in `docs` (what [`on_each_holder`] walks).
pub(super) fn by_segment(docs: &[DocAddress]) -> HashMap<u32, Vec<(u32, usize)>> {
    let mut grouped: HashMap<u32, Vec<(u32, usize)>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        grouped
            .entry(d.segment_ord)
            .or_default()
            .push((d.doc_id, i));
    }
    for list in grouped.values_mut() {
        list.sort_unstable();
    }
    grouped
}

/// Calls `found` with the postings standing on each of `ids` (sorted doc ids of one segment,
/// each with the caller's index) that the postings hold.
pub(super) fn on_each_holder<P: Postings>(
    postings: Option<P>,
    ids: &[(u32, usize)],
    mut found: impl FnMut(&mut P, usize),
) {
    let Some(mut postings) = postings else {
        return;
    };
    for &(id, i) in ids {
        if postings.doc() > id {
            continue;
        }
        if postings.seek(id) == id {
            found(&mut postings, i);
        }
        if postings.doc() == TERMINATED {
            break;
        }
    }
}
