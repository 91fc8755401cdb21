//! Nightly refresh: incremental generations, the safety gate, rollback, hot reload in a running
//! kiosk, and refreshes killed at random moments while searches go on.

mod common;

use kiosk::config::Settings;
use kiosk::pipeline::{run, BuildError, Mode};
use kiosk::search::index::current_generation;
use kiosk::search::open_search;
use std::time::{Duration, Instant};

const NEW_TITLE: &str = "青禾县关于开展老旧小区加装电梯试点工作的通知";

fn new_record() -> serde_json::Value {
    serde_json::json!({
        "id": "qh-gi-9001", "kind": "government_info", "title": NEW_TITLE, "disclosure": "主动公开",
        "doc_number": "青政办发〔2026〕41号", "issuer": "青禾县人民政府办公室",
        "published_date": "2026-11-20", "body": "为改善老旧小区居民出行条件，决定开展加装电梯试点。"
    })
}

/// The folder of the current generation.
fn current_generation_dir(settings: &Settings) -> std::path::PathBuf {
    settings
        .index_dir
        .join("generations")
        .join(current_generation(&settings.index_dir).unwrap().unwrap())
}

/// The editable demo data in `dir`, with a full index built from it.
fn built_demo(dir: &std::path::Path) -> Settings {
    let (config, _, _) = common::editable_demo(dir);
    let settings = Settings::load(&config).unwrap();
    run(&settings, Mode::Full, false).unwrap();
    settings
}

fn append_line(path: &std::path::Path, v: &serde_json::Value) {
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(&serde_json::to_string(v).unwrap());
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_refresh_touches_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    let first = run(&settings, Mode::Full, false).unwrap();
    let removed_id = "qh-gi-0030";
    common::edit_jsonl(&gi, |_, v| {
        if v["id"] == "qh-gi-0020" {
            v["title"] = serde_json::json!("青禾县2026年重大建设项目批准和实施信息（勘误更新）");
        }
        v["id"] != removed_id
    });
    append_line(&gi, &new_record());
    let second = run(&settings, Mode::Incremental, false).unwrap();
    let c = second
        .generation
        .changes
        .expect("an incremental generation");
    assert_eq!((c.added, c.changed, c.removed), (1, 1, 1));
    assert_eq!(c.unchanged, first.generation.records - 2);
    assert_eq!(second.generation.records, first.generation.records);

    let index = open_search(&settings.index_dir).unwrap();
    assert_eq!(index.num_docs() as usize, second.generation.records);
    assert_eq!(index.search(NEW_TITLE, 1).unwrap().hits[0].id, "qh-gi-9001");
    let changed = index.search("勘误更新", 1).unwrap().hits;
    assert_eq!(changed[0].id, "qh-gi-0020");
    assert!(changed[0].title.ends_with("（勘误更新）"));
    let all = index.search("青禾县", 500).unwrap().hits;
    assert!(all.iter().all(|h| h.id != removed_id));

    // Bodies: the base generation's body file came with the hard links, the added and changed
    // records' bodies went to a second one; both read back whole, and snippets come from them.
    let generation = current_generation_dir(&settings);
    assert!(generation.join("bodies-0.bin").is_file() && generation.join("bodies-1.bin").is_file());
    let added = &index.search(NEW_TITLE, 1).unwrap().hits[0];
    assert_eq!(
        index.body(&added.source, &added.id).unwrap().as_deref(),
        new_record()["body"].as_str()
    );
    assert!(added.snippet.contains("加装电梯试点"), "{}", added.snippet);
    let records = std::fs::read_to_string(&gi).unwrap();
    let unchanged: serde_json::Value = records
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["id"] == "qh-gi-0001")
        .unwrap();
    assert_eq!(
        index.body(&added.source, "qh-gi-0001").unwrap().as_deref(),
        unchanged["body"].as_str()
    );
}

#[test]
fn an_export_missing_half_its_records_is_refused_and_the_data_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    run(&settings, Mode::Full, false).unwrap();
    let before = current_generation(&settings.index_dir).unwrap();
    let mut sg_count = 0;
    common::edit_jsonl(&settings.sources[1].path, |i, _| {
        sg_count += 1;
        i % 2 == 0
    });
    let err = run(&settings, Mode::Incremental, false).unwrap_err();
    assert!(matches!(err, BuildError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("would disappear"), "{err}");
    assert_eq!(current_generation(&settings.index_dir).unwrap(), before);
    let status = kiosk::status::IndexStatus::read(&settings);
    assert!(
        status.warnings.iter().any(|w| w.chinese.contains("未成功")),
        "{:?}",
        status.warnings
    );
    // The kiosk still answers from the previous data.
    let index = open_search(&settings.index_dir).unwrap();
    assert!(index.num_docs() as usize > sg_count);
    // Staff who mean it can force it through.
    let forced = run(&settings, Mode::Incremental, true).unwrap();
    assert_eq!(forced.generation.changes.unwrap().removed, sg_count / 2);
    drop(gi);
}

#[test]
fn an_export_with_garbage_lines_is_refused_and_the_data_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    run(&settings, Mode::Full, false).unwrap();
    let before = current_generation(&settings.index_dir).unwrap();
    let mut text = std::fs::read_to_string(&gi).unwrap();
    for i in 0..10 {
        text.push_str(&format!(
            "{{\"id\": \"broken-{i}\", \"title\": \u{fffd}\u{fffd}\n"
        ));
    }
    std::fs::write(&gi, text).unwrap();
    let err = run(&settings, Mode::Incremental, false).unwrap_err();
    assert!(err.to_string().contains("bad records"), "{err}");
    assert_eq!(current_generation(&settings.index_dir).unwrap(), before);
}

#[test]
fn rollback_returns_to_the_previous_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    let first = run(&settings, Mode::Full, false).unwrap();
    append_line(&gi, &new_record());
    run(&settings, Mode::Incremental, false).unwrap();
    let (back, _) = kiosk::pipeline::rollback(&settings).unwrap();
    assert_eq!(back.name, first.generation.name);
    let index = open_search(&settings.index_dir).unwrap();
    assert!(index
        .search(NEW_TITLE, 5)
        .unwrap()
        .hits
        .iter()
        .all(|h| h.id != "qh-gi-9001"));
}

#[test]
fn a_running_kiosk_picks_up_a_new_generation_without_restart() {
    use kiosk::ui::worker::{spawn, Command, Event};
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    run(&settings, Mode::Full, false).unwrap();
    let worker = spawn(settings.clone(), || {}).unwrap();
    let wait = |pred: &dyn Fn(&Event) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ev = worker
                .events
                .recv_timeout(left)
                .expect("the worker answers in time");
            if pred(&ev) {
                return ev;
            }
        }
    };
    let first = match wait(&|e| matches!(e, Event::Ready(_))) {
        Event::Ready(info) => info,
        _ => unreachable!(),
    };
    let search = |seq: u64| {
        worker
            .commands
            .send(Command::Search {
                seq,
                request: kiosk::search::query::SearchRequest {
                    query: NEW_TITLE.into(),
                    limit: 10,
                    ..Default::default()
                },
            })
            .unwrap();
        match wait(&|e| matches!(e, Event::Results { seq: s, .. } if *s == seq)) {
            Event::Results { results, .. } => results.hits,
            _ => unreachable!(),
        }
    };
    assert!(search(1).iter().all(|h| h.id != "qh-gi-9001"));

    append_line(&gi, &new_record());
    run(&settings, Mode::Incremental, false).unwrap();
    let reloaded = match wait(&|e| matches!(e, Event::Reloaded(_))) {
        Event::Reloaded(info) => info,
        _ => unreachable!(),
    };
    assert_ne!(reloaded.name, first.name);
    assert_eq!(search(2)[0].id, "qh-gi-9001");
}

#[test]
fn staff_edited_data_files_refresh_together_with_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, _, _) = common::editable_demo(tmp.path());
    std::fs::write(tmp.path().join("synonyms.txt"), "低保 = 最低生活保障\n").unwrap();
    std::fs::create_dir_all(tmp.path().join("holidays")).unwrap();
    std::fs::write(tmp.path().join("holidays/2026.toml"), "year = 2026\n").unwrap();
    let settings = Settings::load(&config).unwrap();
    run(&settings, Mode::Full, false).unwrap();
    std::fs::write(
        tmp.path().join("synonyms.txt"),
        "低保 = 最低生活保障\n社保 = 社会保险\n",
    )
    .unwrap();
    run(&settings, Mode::Incremental, false).unwrap();
    let open = kiosk::search::index::open_current(&settings.index_dir).unwrap();
    let snap = kiosk::search::index::config_snapshot(&open);
    let synonyms = std::fs::read_to_string(snap.join("synonyms.txt")).unwrap();
    assert!(synonyms.contains("社保 = 社会保险"), "{synonyms}");
    assert!(snap.join("holidays/2026.toml").is_file());
}

/// A generation written before body files existed is not opened (the message says what to
/// run), and the nightly refresh over it writes a full generation instead of an incremental one.
#[test]
fn a_generation_without_body_files_is_replaced_by_a_full_one() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = built_demo(tmp.path());
    let generation = current_generation_dir(&settings);
    std::fs::remove_file(generation.join("bodies-0.bin")).unwrap();
    let refused = open_search(&settings.index_dir).err().expect("refused");
    assert!(
        refused.to_string().contains("kiosk index build --force"),
        "{refused}"
    );
    let refreshed = run(&settings, Mode::Incremental, false).unwrap();
    assert!(refreshed.generation.changes.is_none(), "a full generation");
    let index = open_search(&settings.index_dir).unwrap();
    let hit = &index.search("基础养老金", 1).unwrap().hits[0];
    assert!(!hit.snippet.is_empty());
}

/// A damaged body file costs the hits their snippets, not the search: the kiosk still finds and
/// lists the records (the document view gets no body for such a record, and the error is logged).
#[test]
fn a_damaged_body_file_costs_snippets_not_the_search() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = built_demo(tmp.path());
    let generation = current_generation_dir(&settings);
    let bodies = generation.join("bodies-0.bin");
    let len = std::fs::metadata(&bodies).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bodies)
        .unwrap()
        .set_len(len / 10)
        .unwrap();
    let index = open_search(&settings.index_dir).unwrap();
    let hits = index.search("基础养老金", 10).unwrap().hits;
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| !h.title.is_empty()));
    // Nine tenths of the file are gone: some hits lost their snippets, and their bodies are
    // reported unreadable rather than shown cut short.
    let unreadable: Vec<_> = hits
        .iter()
        .filter(|h| index.body(&h.source, &h.id).is_err())
        .collect();
    assert!(!unreadable.is_empty(), "{hits:?}");
    assert!(unreadable.iter().all(|h| h.snippet.is_empty()));
    // Staff are told which generation and which file.
    let status = kiosk::status::IndexStatus::read(&settings);
    assert!(
        status
            .warnings
            .iter()
            .any(|w| w.english.contains("CURRENT") && w.english.contains("bodies-0.bin")),
        "{:?}",
        status.warnings
    );
}

#[test]
fn records_of_equal_score_are_listed_in_one_order_whatever_order_they_were_indexed_in() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    let original = std::fs::read_to_string(&gi).unwrap();
    // The same notice published twice (a verbatim copy under another id): equal scores.
    let copy = |id: &str| {
        let mut v = new_record();
        v["id"] = serde_json::json!(id);
        v
    };
    let mut listed = Vec::new();
    for ids in [["qh-gi-9102", "qh-gi-9101"], ["qh-gi-9101", "qh-gi-9102"]] {
        std::fs::write(&gi, &original).unwrap();
        for id in ids {
            append_line(&gi, &copy(id));
        }
        run(&settings, Mode::Full, false).unwrap();
        let index = open_search(&settings.index_dir).unwrap();
        let results = index.search(NEW_TITLE, 10).unwrap();
        let ids: Vec<String> = results.hits.iter().take(2).map(|h| h.id.clone()).collect();
        assert_eq!(results.hits[0].score, results.hits[1].score, "{ids:?}");
        listed.push(ids);
    }
    assert_eq!(listed[0], ["qh-gi-9101", "qh-gi-9102"]);
    assert_eq!(listed[1], listed[0]);
}
