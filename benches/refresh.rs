//! Benchmark: full build of the shared corpus, and an incremental refresh after 1 % of the
//! records changed. Prints figures and asserts what it measured (record counts, change counts).
//!
//! Run: `cargo bench --bench refresh` (release). Needs ../shared or $KIOSK_SHARED. The sources
//! are copied to a temporary folder (never into the repository) so 1 % of them can be changed.

mod support;

use kiosk::config::Settings;
use kiosk::pipeline::{run, Mode};
use std::path::Path;
use std::time::Instant;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn main() {
    let shared = support::shared();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_tree(&shared.join("corpus"), &corpus);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("kiosk-config/shared-corpus.toml"))
        .unwrap()
        .replace("../../shared/corpus", &corpus.display().to_string())
        .replace(
            "../index/shared-corpus",
            &tmp.path().join("index").display().to_string(),
        )
        .replace("../assets", &repo.join("assets").display().to_string());
    let config = tmp.path().join("bench.toml");
    std::fs::write(&config, text).unwrap();
    let settings = Settings::load(&config).unwrap();

    let started = Instant::now();
    let full = run(&settings, Mode::Full, false).unwrap();
    let full_secs = started.elapsed().as_secs_f64();
    let records = full.generation.records;
    assert_eq!(records, 2262 + 60 + full.sources[2].imported + 599);
    let text_mb: f64 = {
        let index = kiosk::search::open_search(&settings.index_dir).unwrap();
        assert_eq!(index.num_docs() as usize, records);
        let (recs, _) = kiosk::pipeline::import_all(&settings).unwrap();
        recs.iter()
            .map(|r| r.body.len() + r.title.len())
            .sum::<usize>() as f64
            / 1e6
    };
    println!("full build: {records} records in {full_secs:.2} s (import {:.2} s, index {:.2} s): {:.0} records/s, {:.1} MB text/s",
        full.import_time.as_secs_f64(), full.index_time.as_secs_f64(), records as f64 / full_secs, text_mb / full_secs);

    // Change 1 % of the records: every 35th service-guide line gets a new sentence.
    let sg = corpus.join("service-guide/guangdong_service_items.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&sg)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let target = records / 100;
    let mut changed = 0;
    let out: Vec<String> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if changed < target && i % 35 == 0 {
                changed += 1;
                l.replacen(
                    "\"accept_standard\":\"",
                    "\"accept_standard\":\"（本事项已更新）",
                    1,
                )
            } else {
                l
            }
        })
        .collect();
    std::fs::write(&sg, out.join("\n") + "\n").unwrap();

    let started = Instant::now();
    let refreshed = run(&settings, Mode::Incremental, false).unwrap();
    let refresh_secs = started.elapsed().as_secs_f64();
    let c = refreshed.generation.changes.unwrap();
    assert_eq!(
        (c.changed, c.added, c.removed),
        (changed, 0, 0),
        "exactly the edited records changed"
    );
    println!("refresh after {changed} of {records} records changed ({:.1} %): {refresh_secs:.2} s (import {:.2} s, index {:.2} s)",
        100.0 * changed as f64 / records as f64, refreshed.import_time.as_secs_f64(), refreshed.index_time.as_secs_f64());
    let size: u64 = walk_size(
        &tmp.path()
            .join("index/generations")
            .join(&refreshed.generation.name),
    );
    println!(
        "index size on disk (one generation): {:.1} MB",
        size as f64 / 1e6
    );
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}
