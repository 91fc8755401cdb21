//! The withdrawals of a run or rollback, on the pipeline side: the takedown list
//! (`takedown.txt`), the not-public records the sources report, recording them in the withdrawal
//! log and taking them out of the serving generation, their end when a record is public again,
//! and rollback. Must not judge the rest of a run (that is the gate) nor write index files
//! itself (that is `crate::search::index`).

use super::BuildError;
use crate::catalog::{Record, ON_REQUEST_ENTRY};
use crate::config::Settings;
use crate::ingest::SourceReport;
use crate::search::index::{
    self, write_withdrawal, GenerationInfo, WithdrawalEvent, WithdrawalLog, TAKEDOWN_FILE,
};
use crate::search::schema::record_key;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The withdrawals of a run or rollback: what was seen, recorded and taken out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Withdrawals {
    /// Records this run saw as 依申请公开 or 不予公开.
    pub not_public: usize,
    /// Entries of the takedown list.
    pub takedown: usize,
    /// Keys newly recorded as withdrawn in the withdrawal log.
    pub logged: Vec<String>,
    /// Keys the serving generation held that were taken out.
    pub removed: Vec<String>,
    /// The generation written with only the withdrawals, if one was needed.
    pub generation: Option<String>,
    /// Keys withdrawn earlier that this run saw public again: the withdrawal ended.
    pub cleared: Vec<String>,
    /// Lines of the takedown list not understood, and withdrawals that could not be applied.
    pub problems: Vec<String>,
}

impl Withdrawals {
    /// The lines `kiosk index build|refresh|rollback` prints (empty when nothing happened).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.not_public + self.takedown + self.removed.len() + self.cleared.len() > 0 {
            out.push_str(&format!(
                "Withdrawals: {} seen not public, {} in the takedown list, {} newly recorded, {} taken out of the serving data{}, {} public again.\n",
                self.not_public,
                self.takedown,
                self.logged.len(),
                self.removed.len(),
                self.generation
                    .as_ref()
                    .map(|g| format!(" (generation {g})"))
                    .unwrap_or_default(),
                self.cleared.len()
            ));
        }
        for k in &self.removed {
            out.push_str(&format!("  withdrawn: {k}\n"));
        }
        for k in &self.cleared {
            out.push_str(&format!("  public again: {k}\n"));
        }
        for p in &self.problems {
            out.push_str(&format!("  WARNING: {p}\n"));
        }
        out
    }
}

/// The withdrawals of a run, before the safety gate judges the rest: every record the sources
/// saw as not public and every entry of the takedown list is recorded in the withdrawal log
/// (flushed), left out of `records`, and taken out of the serving generation. Returns the log
/// and, when the takedown list cannot be read, why (the run is refused after this).
pub(super) fn withdraw_first(
    lock: &index::WriteLock,
    settings: &Settings,
    sources: &[SourceReport],
    records: &mut Vec<Record>,
    w: &mut Withdrawals,
) -> Result<(WithdrawalLog, Option<String>), BuildError> {
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let names: Vec<&str> = settings.sources.iter().map(|s| s.name.as_str()).collect();
    let mut events = not_public_events(sources, records);
    w.not_public = sources.iter().map(|s| s.not_public_ids.len()).sum();
    let takedown = read_takedown(config_dir, &names);
    if let Ok(t) = &takedown {
        w.takedown = t.keys.len();
        w.problems.extend(t.problems.iter().cloned());
        // A record taken down loses its catalogue entry too.
        for k in &t.keys {
            events.push((k.clone(), WithdrawalEvent::Takedown));
            if !k.ends_with(ON_REQUEST_ENTRY) {
                events.push((format!("{k}{ON_REQUEST_ENTRY}"), WithdrawalEvent::Takedown));
            }
        }
    }
    let withdrawing: BTreeSet<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    records.retain(|r| !withdrawing.contains(record_key(&r.source, &r.source_id).as_str()));
    let mut log = WithdrawalLog::read(&settings.index_dir)?;
    w.logged = log.append(&events)?;
    apply_withdrawals(lock, settings, &log, w);
    Ok((log, takedown.err()))
}

/// The withdrawal of every record a source saw as not public (its full text), and of the
/// catalogue entry ([`Record::on_request_entry`]) of each one this run does not offer one for:
/// a record now 不予公开 (or without 公开属性) that was 依申请公开 before loses its entry at once.
fn not_public_events(
    sources: &[SourceReport],
    records: &[Record],
) -> Vec<(String, WithdrawalEvent)> {
    let offered: BTreeSet<String> = records
        .iter()
        .filter(|r| r.is_on_request_entry())
        .map(|r| record_key(&r.source, &r.source_id))
        .collect();
    let mut events = Vec::new();
    for s in sources {
        for id in &s.not_public_ids {
            let key = record_key(&s.source, id);
            let entry = format!("{key}{ON_REQUEST_ENTRY}");
            if !offered.contains(&entry) {
                events.push((entry, WithdrawalEvent::NotPublic));
            }
            events.push((key, WithdrawalEvent::NotPublic));
        }
    }
    events
}

/// Ends the withdrawal of every key withdrawn earlier that a run passing the gate sees public
/// again (and not taken down): logged as `cleared`, so the record may come back.
pub(super) fn clear_public_again(
    log: &mut WithdrawalLog,
    records: &[Record],
    w: &mut Withdrawals,
) -> Result<(), BuildError> {
    let clears: Vec<(String, WithdrawalEvent)> = records
        .iter()
        .map(|r| record_key(&r.source, &r.source_id))
        .filter(|k| log.is_withdrawn(k))
        .map(|k| (k, WithdrawalEvent::Cleared))
        .collect();
    w.cleared = log.append(&clears)?;
    Ok(())
}

/// Takes every withdrawn key out of the serving generation: a new generation, the current one
/// minus those records, made current. A failure is noted, not returned: the run's own
/// generation leaves them out anyway, and no generation holding one is ever opened.
fn apply_withdrawals(
    lock: &index::WriteLock,
    settings: &Settings,
    log: &WithdrawalLog,
    w: &mut Withdrawals,
) {
    let dir = &settings.index_dir;
    let current = match index::current_generation(dir) {
        Ok(Some(c)) => c,
        Ok(None) => return,
        Err(e) => {
            w.problems
                .push(format!("cannot read the current generation: {e}"));
            return;
        }
    };
    match write_withdrawal(
        lock,
        dir,
        &current,
        &log.withdrawn(),
        None,
        settings.keep_generations,
    ) {
        Ok(Some((g, removed))) => {
            w.generation = Some(g.name);
            w.removed = removed;
        }
        Ok(None) => {}
        Err(e) => w.problems.push(format!(
            "cannot take the withdrawn records out of generation {current}: {e} (it is not served while it holds them)"
        )),
    }
}

/// The takedown list: record keys, and what in it was not understood.
#[derive(Debug, Default, PartialEq)]
pub struct Takedown {
    pub keys: BTreeSet<String>,
    pub problems: Vec<String>,
}

/// Reads `takedown.txt` of the configuration folder (no file: nothing taken down). Each line
/// names one record as `source-name<TAB or spaces>source-id` or as its record key
/// `source-name/source-id`; `#` starts a comment. An unreadable file is an error.
pub fn read_takedown(config_dir: &Path, sources: &[&str]) -> Result<Takedown, String> {
    let path = config_dir.join(TAKEDOWN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Takedown::default()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(parse_takedown(&text, sources))
}

fn parse_takedown(text: &str, sources: &[&str]) -> Takedown {
    let mut t = Takedown::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        let line = match line.find('#') {
            Some(i) if i == 0 || line[..i].ends_with(char::is_whitespace) => &line[..i],
            _ => line,
        }
        .trim();
        if line.is_empty() {
            continue;
        }
        let split = line
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a, b.trim()));
        let known_key = sources.iter().any(|s| {
            line.len() > s.len() && line.starts_with(s) && line.as_bytes()[s.len()] == b'/'
        });
        let (key, source) = match split {
            Some((source, id)) if sources.contains(&source) => (record_key(source, id), None),
            _ if known_key => (line.to_string(), None),
            Some((source, id)) => (record_key(source, id), Some(source)),
            None if line.contains('/') => (
                line.to_string(),
                Some(line.split('/').next().unwrap_or(line)),
            ),
            None => {
                t.problems.push(format!(
                    "{TAKEDOWN_FILE} line {}: `{line}` is not understood (write `source-name<TAB>source-id` or `source-name/source-id`)",
                    n + 1
                ));
                continue;
            }
        };
        if let Some(source) = source {
            t.problems.push(format!(
                "{TAKEDOWN_FILE} line {}: no source is named `{source}` (taken down all the same)",
                n + 1
            ));
        }
        t.keys.insert(key);
    }
    t
}

/// Rolls back as `kiosk index rollback` does: the takedown list is read and recorded first,
/// and a target that holds withdrawn records is replaced by a cleaned copy of it.
pub fn rollback(settings: &Settings) -> Result<(GenerationInfo, Withdrawals), BuildError> {
    let lock = index::lock(&settings.index_dir)?;
    let config_dir = settings.config_path.parent().unwrap_or(Path::new("."));
    let names: Vec<&str> = settings.sources.iter().map(|s| s.name.as_str()).collect();
    let takedown = read_takedown(config_dir, &names).map_err(BuildError::Takedown)?;
    let mut w = Withdrawals {
        takedown: takedown.keys.len(),
        problems: takedown.problems,
        ..Withdrawals::default()
    };
    let mut log = WithdrawalLog::read(&settings.index_dir)?;
    let events: Vec<_> = takedown
        .keys
        .into_iter()
        .map(|k| (k, WithdrawalEvent::Takedown))
        .collect();
    w.logged = log.append(&events)?;
    let (g, removed) = index::rollback(
        &lock,
        &settings.index_dir,
        &log.withdrawn(),
        settings.keep_generations,
    )?;
    if !removed.is_empty() {
        w.generation = Some(g.name.clone());
    }
    w.removed = removed;
    Ok((g, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_takedown_list_reads_source_and_id_or_a_record_key_and_names_what_it_cannot_read() {
        let text = "# 撤下清单\n\
                    notices\tqh-gi-0001\n\
                    notices   qh-gi-0002   # 误发\n\
                    notices/qh-gi-0003\n\
                    \n\
                    other x-1\n\
                    justoneword\n";
        let t = parse_takedown(text, &["notices", "laws"]);
        let keys: Vec<&str> = t.keys.iter().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "notices/qh-gi-0001",
                "notices/qh-gi-0002",
                "notices/qh-gi-0003",
                "other/x-1"
            ]
        );
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
        assert!(t.problems[0].contains("line 6") && t.problems[0].contains("`other`"));
        assert!(t.problems[1].contains("line 7") && t.problems[1].contains("not understood"));
    }

    #[test]
    fn the_shipped_takedown_list_takes_nothing_down_and_is_understood() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let text = std::fs::read_to_string(dir.join(TAKEDOWN_FILE)).unwrap();
        assert!(
            text.contains("source-name"),
            "the file documents its format"
        );
        let t = read_takedown(&dir, &["demo-disclosure"]).unwrap();
        assert_eq!(t, Takedown::default());
    }
}
