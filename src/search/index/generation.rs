//! Writing a generation: in full, or as a refresh of the current one that hard-links the base's
//! immutable files; then [`finish`] writes every other file once, into the new generation (hashes,
//! vocabulary, config snapshot, the manifest last) and switches `CURRENT`. Must not decide what
//! goes in (that is the refresh plan and the pipeline) nor read the withdrawal log.

use super::images::{write_images, ImageFile};
use super::layout::{
    generation_dir, new_generation_dir, prune, switch_to, sync_dir, write_durably, WriteLock,
};
use super::manifest::{is_body_file, list_files, Changes, GenerationInfo, SourceCount};
use super::refresh::{content_hash, RefreshPlan};
use super::{
    io, register_analysers, IndexError, OpenIndex, CONFIG_SNAPSHOT, HASHES, LEXICON, MANIFEST,
    REFRESHED_CONFIG,
};
use crate::catalog::Record;
use crate::search::schema::{build_schema, record_key, Fields};
use std::path::{Path, PathBuf};
use tantivy::Term;

/// Input of a generation write.
pub struct GenerationInput<'a> {
    pub records: &'a [Record],
    /// Areas of the standard catalogue, for the area facet.
    pub areas: &'a crate::search::areas::Areas,
    /// The configuration folder whose [`REFRESHED_CONFIG`] files are snapshotted.
    pub config_dir: Option<&'a Path>,
    pub sources: Vec<SourceCount>,
    pub keep: usize,
    /// The image files of the public records, copied into the generation's `images/`.
    pub images: Vec<ImageFile>,
    /// Told (records written, records to write) as a full build goes, for a progress bar.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// Builds a complete new generation from all records and makes it current.
pub fn write_full(
    _lock: &WriteLock,
    index_dir: &Path,
    input: GenerationInput,
) -> Result<GenerationInfo, IndexError> {
    let (name, dir) = new_generation_dir(index_dir)?;
    let (schema, fields) = build_schema();
    let index = tantivy::Index::create_in_dir(&dir, schema)?;
    register_analysers(&index);
    let mut writer = writer(&index)?;
    let mut bodies = crate::search::bodies::BodyWriter::create(&dir)?;
    let total = input.records.iter().filter(|r| r.is_indexable()).count();
    let tell = |done: usize| {
        if let Some(progress) = input.progress {
            progress(done, total);
        }
    };
    tell(0);
    for (i, r) in input
        .records
        .iter()
        .filter(|r| r.is_indexable())
        .enumerate()
    {
        let at = bodies.add(&r.body)?;
        writer.add_document(fields.to_document(r, input.areas, at))?;
        tell(i + 1);
    }
    bodies.finish()?;
    write_images(&dir, &input.images)?;
    writer.commit()?;
    // One segment: every query looks each term up once instead of once per segment (a refresh
    // adds a small segment beside it and keeps the hard-linked one).
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    finish(index_dir, &dir, name, Contents::of_records(input, None))
}

/// Writes a new generation from the base generation of `plan` plus the planned changes:
/// the base's immutable segment files are hard-linked, not copied, so an unchanged corpus costs
/// almost nothing.
pub fn write_refresh(
    _lock: &WriteLock,
    index_dir: &Path,
    plan: &RefreshPlan,
    input: GenerationInput,
) -> Result<GenerationInfo, IndexError> {
    let base_dir = generation_dir(index_dir, &plan.base);
    let (name, dir) = new_generation_dir(index_dir)?;
    link_immutable(&base_dir, &dir)?;
    let index = tantivy::Index::open_in_dir(&dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer = writer(&index)?;
    for key in &plan.delete {
        writer.delete_term(Term::from_field_text(fields.key, key));
    }
    // The base's body files came with the hard links; the added records go to the next one.
    let mut bodies = crate::search::bodies::BodyWriter::create(&dir)?;
    for &i in &plan.add {
        let at = bodies.add(&input.records[i].body)?;
        writer.add_document(fields.to_document(&input.records[i], input.areas, at))?;
    }
    bodies.finish()?;
    // Every image of the run's public records, kept or added (a copy is cheap, and the base's
    // may belong to records this run dropped).
    write_images(&dir, &input.images)?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    finish(
        index_dir,
        &dir,
        name,
        Contents::of_records(input, Some(plan.changes)),
    )
}

/// Whether a file of a generation is never written again once written, and so may be shared
/// with a later generation by a hard link: tantivy's segment files (`<32 hex>.<ext>`, deletes
/// `<32 hex>.<opstamp>.del`), its `meta.json` and `.managed.json` (which tantivy only ever
/// replaces by rename), and body files. Everything else (records.tsv, lexicon.tsv, the
/// snapshot, the manifest) is written new into each generation.
pub(super) fn immutable(name: &str) -> bool {
    let segment = name.len() > 33
        && name.as_bytes()[32] == b'.'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit());
    segment || name == "meta.json" || name == ".managed.json" || is_body_file(name)
}

/// Hard-links (or copies, where links are impossible) the immutable files of `base` into `dir`.
pub(super) fn link_immutable(base: &Path, dir: &Path) -> Result<(), IndexError> {
    for entry in std::fs::read_dir(base).map_err(io(base))? {
        let entry = entry.map_err(io(base))?;
        let file_name = entry.file_name();
        if !immutable(&file_name.to_string_lossy()) {
            continue;
        }
        let target = dir.join(&file_name);
        std::fs::hard_link(entry.path(), &target)
            .or_else(|_| std::fs::copy(entry.path(), &target).map(|_| ()))
            .map_err(io(&target))?;
    }
    Ok(())
}

/// The titles of the live documents of an index.
pub(super) fn stored_titles(
    index: &tantivy::Index,
    fields: &Fields,
) -> Result<Vec<String>, IndexError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut titles = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: tantivy::TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc_id))?;
            titles.push(fields.text(&doc, fields.title).to_string());
        }
    }
    Ok(titles)
}

pub(super) fn writer(index: &tantivy::Index) -> Result<tantivy::IndexWriter, IndexError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4);
    Ok(index.writer_with_num_threads(threads, 100_000_000 * threads)?)
}

/// What [`finish`] writes besides the tantivy index and the body files.
pub(super) struct Contents<'a> {
    /// The text of records.tsv.
    pub(super) hashes: String,
    /// Titles of the records, for the vocabulary's title phrases.
    pub(super) titles: Vec<&'a str>,
    /// What the records give the derived plain-words table.
    pub(super) plain: crate::search::plain::Sources,
    pub(super) data_date: Option<chrono::NaiveDate>,
    pub(super) records: usize,
    pub(super) sources: Vec<SourceCount>,
    pub(super) changes: Option<Changes>,
    pub(super) copy_of: Option<String>,
    pub(super) config_dir: Option<&'a Path>,
    pub(super) keep: usize,
}

impl<'a> Contents<'a> {
    fn of_records(input: GenerationInput<'a>, changes: Option<Changes>) -> Contents<'a> {
        let public: Vec<&Record> = input.records.iter().filter(|r| r.is_indexable()).collect();
        let mut hashes = String::with_capacity(public.len() * 80);
        for r in &public {
            hashes.push_str(&record_key(&r.source, &r.source_id));
            hashes.push('\t');
            hashes.push_str(&content_hash(r));
            hashes.push('\n');
        }
        Contents {
            hashes,
            titles: public.iter().map(|r| r.title.as_str()).collect(),
            plain: crate::search::plain::Sources::of_records(public.iter().copied()),
            data_date: public.iter().filter_map(|r| r.date()).max(),
            records: public.len(),
            sources: input.sources,
            changes,
            copy_of: None,
            config_dir: input.config_dir,
            keep: input.keep,
        }
    }
}

/// Writes the hashes, the vocabulary, the snapshot and last the manifest with the file list
/// (the mark of a complete generation), then switches.
pub(super) fn finish(
    index_dir: &Path,
    dir: &Path,
    name: String,
    c: Contents,
) -> Result<GenerationInfo, IndexError> {
    write_durably(&dir.join(HASHES), c.hashes.as_bytes())?;
    let index = tantivy::Index::open_in_dir(dir)?;
    register_analysers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let mut lexicon =
        crate::search::lexicon::Lexicon::from_index(&index, fields.title, fields.body)?;
    lexicon.add_title_phrases(c.titles.iter().copied());
    lexicon.write(dir).map_err(io(&dir.join(LEXICON)))?;
    let plain = crate::search::plain::derive(&lexicon, &c.plain);
    crate::search::plain::write(dir, &plain).map_err(io(&dir.join(crate::search::plain::FILE)))?;
    if let Some(config_dir) = c.config_dir {
        snapshot_config(config_dir, &dir.join(CONFIG_SNAPSHOT))?;
    }
    drop(index);
    sync_dir(dir);
    let info = GenerationInfo {
        name: name.clone(),
        built_at: chrono::Local::now(),
        data_date: c.data_date,
        records: c.records,
        sources: c.sources,
        changes: c.changes,
        copy_of: c.copy_of,
        files: list_files(dir)?,
    };
    let manifest = serde_json::to_string_pretty(&info).unwrap_or_default();
    write_durably(&dir.join(MANIFEST), manifest.as_bytes())?;
    sync_dir(dir);
    switch_to(index_dir, &name)?;
    prune(index_dir, c.keep);
    Ok(info)
}

/// Copies the [`REFRESHED_CONFIG`] files and folders that exist in `config_dir`.
fn snapshot_config(config_dir: &Path, target: &Path) -> Result<(), IndexError> {
    std::fs::create_dir_all(target).map_err(io(target))?;
    for name in REFRESHED_CONFIG {
        let from = config_dir.join(name);
        if from.is_file() {
            std::fs::copy(&from, target.join(name)).map_err(io(&from))?;
        } else if from.is_dir() {
            let to = target.join(name);
            std::fs::create_dir_all(&to).map_err(io(&to))?;
            for e in std::fs::read_dir(&from).map_err(io(&from))? {
                let e = e.map_err(io(&from))?;
                if e.path().is_file() {
                    std::fs::copy(e.path(), to.join(e.file_name())).map_err(io(&e.path()))?;
                }
            }
        }
    }
    Ok(())
}

/// The snapshot of staff-edited data files that came with an open generation.
pub fn config_snapshot(open: &OpenIndex) -> PathBuf {
    open.path.join(CONFIG_SNAPSHOT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::{CONFIG_SNAPSHOT, HASHES, LEXICON, MANIFEST};

    #[test]
    fn only_immutable_files_are_shared_by_hard_link() {
        for shared in [
            "ea1162647b6643389720d6fcb7913888.idx",
            "ea1162647b6643389720d6fcb7913888.12.del",
            "meta.json",
            ".managed.json",
            "bodies-3.bin",
        ] {
            assert!(immutable(shared), "{shared}");
        }
        for own in [
            LEXICON,
            HASHES,
            MANIFEST,
            CONFIG_SNAPSHOT,
            ".tantivy-meta.lock",
        ] {
            assert!(!immutable(own), "{own}");
        }
    }
}
