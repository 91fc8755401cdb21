//! The plan of an incremental refresh: records compared with the current generation by key and
//! content hash, and the removals counted per source for the safety gate. Must not write
//! anything.

use super::layout::{current_generation, generation_dir};
use super::manifest::Changes;
use super::{io, IndexError, HASHES};
use crate::catalog::Record;
use crate::search::schema::record_key;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// The content hash of a record: any change to any field changes it.
pub fn content_hash(r: &Record) -> String {
    let json = serde_json::to_vec(r).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The plan of an incremental refresh against the current generation.
#[derive(Debug, Default)]
pub struct RefreshPlan {
    pub base: String,
    pub base_records: usize,
    pub changes: Changes,
    /// Keys to delete from the base (changed and removed records).
    pub(super) delete: Vec<String>,
    /// Indexes into the records to add (new and changed records).
    pub(super) add: Vec<usize>,
    /// Every key of the base, and the keys that would disappear.
    base_keys: Vec<String>,
    removed_keys: Vec<String>,
}

/// Per source: records of the current generation, and how many of them would disappear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRemoval {
    pub source: String,
    pub base: usize,
    pub removed: usize,
}

impl RefreshPlan {
    /// The keys of the base that the new generation would not have.
    pub fn removed_keys(&self) -> &[String] {
        &self.removed_keys
    }

    /// Removals counted per source (`names`: the sources known; a key is attributed to the
    /// longest name it starts with followed by `/`), sorted by source name.
    pub fn removal_by_source(&self, names: &[&str]) -> Vec<SourceRemoval> {
        let mut by: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for k in &self.base_keys {
            by.entry(source_of(k, names)).or_default().0 += 1;
        }
        for k in &self.removed_keys {
            by.entry(source_of(k, names)).or_default().1 += 1;
        }
        by.into_iter()
            .map(|(source, (base, removed))| SourceRemoval {
                source: source.to_string(),
                base,
                removed,
            })
            .collect()
    }
}

/// The source a record key belongs to: the longest of `names` it starts with followed by `/`,
/// else what comes before its first `/` (see [`record_key`]).
pub fn source_of<'a>(key: &'a str, names: &[&'a str]) -> &'a str {
    names
        .iter()
        .filter(|n| key.len() > n.len() && key.starts_with(**n) && key.as_bytes()[n.len()] == b'/')
        .max_by_key(|n| n.len())
        .copied()
        .unwrap_or_else(|| key.split('/').next().unwrap_or(key))
}

/// Compares records with the current generation by key and content hash. `None` when there is
/// no current generation to refresh from.
pub fn plan_refresh(
    index_dir: &Path,
    records: &[Record],
) -> Result<Option<RefreshPlan>, IndexError> {
    let Some(base) = current_generation(index_dir)? else {
        return Ok(None);
    };
    let base_dir = generation_dir(index_dir, &base);
    if !crate::search::bodies::present(&base_dir) {
        tracing::warn!(generation = %base, "the current generation was written by an older version (no body files); writing a full one");
        return Ok(None);
    }
    let old = match read_hashes(&base_dir) {
        Ok(old) => old,
        Err(e) => {
            // A generation written before content hashes were kept: rebuild in full.
            tracing::warn!(generation = %base, error = %e, "no content hashes in the current generation; writing a full one");
            return Ok(None);
        }
    };
    let mut plan = RefreshPlan {
        base,
        base_records: old.len(),
        base_keys: old.keys().cloned().collect(),
        ..RefreshPlan::default()
    };
    let mut seen = std::collections::HashSet::with_capacity(records.len());
    for (i, r) in records.iter().enumerate().filter(|(_, r)| r.is_indexable()) {
        let key = record_key(&r.source, &r.source_id);
        match old.get(&key) {
            Some(h) if *h == content_hash(r) => plan.changes.unchanged += 1,
            Some(_) => {
                plan.changes.changed += 1;
                plan.delete.push(key.clone());
                plan.add.push(i);
            }
            None => {
                plan.changes.added += 1;
                plan.add.push(i);
            }
        }
        seen.insert(key);
    }
    for key in old.keys().filter(|k| !seen.contains(*k)) {
        plan.changes.removed += 1;
        plan.delete.push(key.clone());
        plan.removed_keys.push(key.clone());
    }
    plan.removed_keys.sort();
    Ok(Some(plan))
}

fn read_hashes(dir: &Path) -> Result<HashMap<String, String>, IndexError> {
    let path = dir.join(HASHES);
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, h)| (k.to_string(), h.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_belongs_to_the_longest_source_name_it_starts_with() {
        let names = ["gov", "gov/notices", "laws"];
        assert_eq!(source_of("gov/notices/n-1", &names), "gov/notices");
        assert_eq!(source_of("gov/x-1", &names), "gov");
        assert_eq!(source_of("gone/x-1", &names), "gone");
    }
}
