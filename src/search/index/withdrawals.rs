//! Withdrawals on the index side: the withdrawal log (`withdrawals.tsv`), the cleaned copy of a
//! generation without withdrawn records, and rollback (which never makes a generation holding a
//! withdrawn key current). Must not read the takedown list or the sources (that is
//! `crate::pipeline`).

use super::generation::{finish, link_immutable, stored_titles, writer, Contents};
use super::layout::{
    current_generation, generation_dir, list_generations, new_generation_dir, switch_to, sync_dir,
};
use super::manifest::{read_manifest, verify_generation, Changes, GenerationInfo};
use super::refresh::source_of;
use super::{io, register_analysers, IndexError, WriteLock, CONFIG_SNAPSHOT, HASHES, WITHDRAWALS};
use crate::search::schema::Fields;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use tantivy::Term;

/// Writes a generation that is `base` minus the records of `keys` and makes it current: the
/// withdrawals of a run the safety gate refuses, or the cleaned copy rollback makes. The
/// segments are merged so the withdrawn records' words leave the vocabulary too. Returns `None`
/// (and writes nothing) when `base` holds none of the keys; else the new generation and the keys
/// removed.
pub fn write_withdrawal(
    _lock: &WriteLock,
    index_dir: &Path,
    base: &str,
    keys: &std::collections::BTreeSet<String>,
    copy_of: Option<String>,
    keep: usize,
) -> Result<Option<(GenerationInfo, Vec<String>)>, IndexError> {
    let base_dir = generation_dir(index_dir, base);
    let info = read_manifest(&base_dir)?;
    verify_generation(&base_dir, &info, false)?;
    let hashes_path = base_dir.join(HASHES);
    let text = std::fs::read_to_string(&hashes_path).map_err(io(&hashes_path))?;
    let mut kept = String::with_capacity(text.len());
    let mut removed = Vec::new();
    for line in text.lines() {
        let key = line.split_once('\t').map_or(line, |(k, _)| k);
        if keys.contains(key) {
            removed.push(key.to_string());
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    if removed.is_empty() {
        return Ok(None);
    }
    let (name, dir) = new_generation_dir(index_dir)?;
    link_immutable(&base_dir, &dir)?;
    let index = tantivy::Index::open_in_dir(&dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer = writer(&index)?;
    for key in &removed {
        writer.delete_term(Term::from_field_text(fields.key, key));
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if !segments.is_empty() {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    super::images::link_live_images(&base_dir, &dir, &index, &fields)?;
    let titles = stored_titles(&index, &fields)?;
    let names: Vec<&str> = info.sources.iter().map(|s| s.source.as_str()).collect();
    let mut sources = info.sources.clone();
    for key in &removed {
        let s = source_of(key, &names);
        if let Some(c) = sources.iter_mut().find(|c| c.source == s) {
            c.records = c.records.saturating_sub(1);
            c.not_public += 1;
        }
    }
    let records = info.records.saturating_sub(removed.len());
    let snapshot = base_dir.join(CONFIG_SNAPSHOT);
    let contents = Contents {
        hashes: kept,
        titles: titles.iter().map(String::as_str).collect(),
        // The records themselves are not read again: the derived plain words lose their
        // topics and the laws' short forms until the next build.
        plain: Default::default(),
        data_date: info.data_date,
        records,
        sources,
        changes: Some(Changes {
            removed: removed.len(),
            unchanged: records,
            ..Changes::default()
        }),
        copy_of,
        config_dir: snapshot.is_dir().then_some(snapshot.as_path()),
        keep,
    };
    let written = finish(index_dir, &dir, name, contents)?;
    Ok(Some((written, removed)))
}

/// Where a generation stands in the order rollback follows: a cleaned copy stands where the
/// generation it copies stands.
fn position(g: &GenerationInfo) -> &str {
    g.copy_of.as_deref().unwrap_or(&g.name)
}

/// Makes the newest complete generation older than the current one current. A target that
/// holds any of the `withdrawn` keys is not switched to: a cleaned copy of it without them is
/// written and made current instead. Returns the generation now current and the keys removed.
pub fn rollback(
    lock: &WriteLock,
    index_dir: &Path,
    withdrawn: &std::collections::BTreeSet<String>,
    keep: usize,
) -> Result<(GenerationInfo, Vec<String>), IndexError> {
    let current = current_generation(index_dir)?;
    let gens = list_generations(index_dir);
    let here = current.as_ref().map(|c| {
        gens.iter()
            .find(|g| g.name == *c)
            .map_or(c.clone(), |g| position(g).to_string())
    });
    let previous = gens
        .iter()
        .filter(|g| here.as_ref().is_some_and(|h| position(g) < h.as_str()))
        .max_by(|a, b| (position(a), &a.name).cmp(&(position(b), &b.name)))
        .cloned()
        .ok_or_else(|| IndexError::NothingToRollBackTo(index_dir.to_path_buf()))?;
    let dir = generation_dir(index_dir, &previous.name);
    verify_generation(&dir, &previous, false)?;
    let copy_of = Some(position(&previous).to_string());
    match write_withdrawal(lock, index_dir, &previous.name, withdrawn, copy_of, keep)? {
        Some((cleaned, removed)) => {
            tracing::warn!(generation = %previous.name, copy = %cleaned.name, removed = removed.len(), "rollback target held withdrawn records: a cleaned copy is current instead");
            Ok((cleaned, removed))
        }
        None => {
            switch_to(index_dir, &previous.name)?;
            Ok((previous, Vec::new()))
        }
    }
}

/// What happened to a record key, as the withdrawal log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithdrawalEvent {
    /// A run saw the record as 依申请公开 or 不予公开.
    NotPublic,
    /// The record is in the takedown list of the configuration folder.
    Takedown,
    /// A run that passed the safety gate saw the record public and not taken down: the earlier
    /// withdrawal no longer holds.
    Cleared,
}

impl WithdrawalEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalEvent::NotPublic => "not-public",
            WithdrawalEvent::Takedown => "takedown",
            WithdrawalEvent::Cleared => "cleared",
        }
    }

    pub(super) fn parse(s: &str) -> Option<WithdrawalEvent> {
        match s {
            "not-public" => Some(WithdrawalEvent::NotPublic),
            "takedown" => Some(WithdrawalEvent::Takedown),
            "cleared" => Some(WithdrawalEvent::Cleared),
            _ => None,
        }
    }
}

/// The withdrawal log of an index folder, `withdrawals.tsv`: one line per event, `key<TAB>time
/// <TAB>event`, appended and flushed to disk before any generation is written from it. A key is
/// withdrawn while its last event is a withdrawal (`not-public`, `takedown`); a `cleared` line
/// ends that. No generation holding a withdrawn key is opened or made current. A torn last line
/// (a writer killed mid-append) is ignored: that run had applied nothing yet.
#[derive(Debug)]
pub struct WithdrawalLog {
    path: PathBuf,
    last: std::collections::BTreeMap<String, WithdrawalEvent>,
}

impl WithdrawalLog {
    /// Reads the log of `index_dir` (none yet: an empty log).
    pub fn read(index_dir: &Path) -> Result<WithdrawalLog, IndexError> {
        let path = index_dir.join(WITHDRAWALS);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(IndexError::WithdrawalLog { path, error }),
        };
        let mut last = std::collections::BTreeMap::new();
        for line in text.lines() {
            let mut parts = line.rsplitn(3, '\t');
            let (Some(event), Some(_at), Some(key)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let Some(event) = WithdrawalEvent::parse(event) {
                last.insert(key.to_string(), event);
            }
        }
        Ok(WithdrawalLog { path, last })
    }

    /// Whether `key` is withdrawn now.
    pub fn is_withdrawn(&self, key: &str) -> bool {
        self.last
            .get(key)
            .is_some_and(|e| *e != WithdrawalEvent::Cleared)
    }

    /// Every key withdrawn now.
    pub fn withdrawn(&self) -> std::collections::BTreeSet<String> {
        self.last
            .iter()
            .filter(|(_, e)| **e != WithdrawalEvent::Cleared)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Every key withdrawn now, with its last event (what a published bundle carries).
    pub fn withdrawn_events(&self) -> Vec<(String, WithdrawalEvent)> {
        self.last
            .iter()
            .filter(|(_, e)| **e != WithdrawalEvent::Cleared)
            .map(|(k, e)| (k.clone(), *e))
            .collect()
    }

    /// The withdrawn keys a generation folder holds (by its records.tsv).
    pub fn held_by(&self, generation: &Path) -> Result<Vec<String>, IndexError> {
        if !self.last.values().any(|e| *e != WithdrawalEvent::Cleared) {
            return Ok(Vec::new());
        }
        let path = generation.join(HASHES);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        Ok(text
            .lines()
            .map(|l| l.split_once('\t').map_or(l, |(k, _)| k))
            .filter(|k| self.is_withdrawn(k))
            .map(str::to_string)
            .collect())
    }

    /// Appends events, flushed to disk before returning; an event that would not change the
    /// key's state (withdrawn again, cleared while not withdrawn) is left out. Returns the keys
    /// whose state changed.
    pub fn append(
        &mut self,
        events: &[(String, WithdrawalEvent)],
    ) -> Result<Vec<String>, IndexError> {
        let at = chrono::Local::now().to_rfc3339();
        let mut text = String::new();
        let mut changed = Vec::new();
        for (key, event) in events {
            let clears = *event == WithdrawalEvent::Cleared;
            if clears != self.is_withdrawn(key) {
                continue;
            }
            text.push_str(&format!("{key}\t{at}\t{}\n", event.as_str()));
            self.last.insert(key.clone(), *event);
            changed.push(key.clone());
        }
        if text.is_empty() {
            return Ok(changed);
        }
        let path = &self.path;
        let fail = |error| IndexError::WithdrawalLog {
            path: path.clone(),
            error,
        };
        let existed = path.is_file();
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(fail)?;
        // A torn last line of a killed writer must not swallow the first new one.
        let len = f.metadata().map_err(fail)?.len();
        if len > 0 {
            use std::io::{Read, Seek};
            let mut last = [0u8];
            f.seek(std::io::SeekFrom::Start(len - 1)).map_err(fail)?;
            f.read_exact(&mut last).map_err(fail)?;
            if last[0] != b'\n' {
                text.insert(0, '\n');
            }
        }
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        if !existed {
            if let Some(dir) = path.parent() {
                sync_dir(dir);
            }
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::WITHDRAWALS;

    #[test]
    fn a_key_stays_withdrawn_until_cleared_and_repeats_are_not_logged_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = WithdrawalLog::read(dir.path()).unwrap();
        let k = |s: &str| s.to_string();
        let changed = log
            .append(&[
                (k("gi/a"), WithdrawalEvent::NotPublic),
                (k("gi/b"), WithdrawalEvent::Takedown),
                (k("gi/c"), WithdrawalEvent::Cleared),
            ])
            .unwrap();
        assert_eq!(
            changed,
            ["gi/a", "gi/b"],
            "clearing what is not withdrawn logs nothing"
        );
        let again = log
            .append(&[(k("gi/a"), WithdrawalEvent::Takedown)])
            .unwrap();
        assert!(again.is_empty());
        log.append(&[(k("gi/a"), WithdrawalEvent::Cleared)])
            .unwrap();
        let read = WithdrawalLog::read(dir.path()).unwrap();
        assert!(!read.is_withdrawn("gi/a") && read.is_withdrawn("gi/b"));
        let text = std::fs::read_to_string(dir.path().join(WITHDRAWALS)).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    /// A writer killed mid-append leaves a torn last line: it is ignored, and the next append
    /// starts on a line of its own.
    #[test]
    fn a_torn_last_line_of_the_withdrawal_log_swallows_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(WITHDRAWALS);
        std::fs::write(
            &path,
            "gi/a\t2026-01-01T00:00:00+08:00\tnot-public\ngi/b\t2026-01-",
        )
        .unwrap();
        let mut log = WithdrawalLog::read(dir.path()).unwrap();
        assert_eq!(log.withdrawn().into_iter().collect::<Vec<_>>(), ["gi/a"]);
        log.append(&[("gi/c".into(), WithdrawalEvent::Takedown)])
            .unwrap();
        let read = WithdrawalLog::read(dir.path()).unwrap();
        assert!(read.is_withdrawn("gi/c"));
    }
}
