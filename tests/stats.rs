//! Issue 21 item 6: search-demand statistics. The real search worker over the demo index
//! answers a sequence of a visitor's searches, openings and a printing, and the request form's
//! search; the statistics file then holds exactly the searches that stood, by subject, kind and
//! hour, nothing finer than the hour and nothing of the form; `kiosk stats` prints and exports
//! them.

mod common;

use calamine::{open_workbook, Reader, Xlsx};
use kiosk::config::Settings;
use kiosk::search::facets::{Dim, Filter};
use kiosk::search::query::SearchRequest;
use kiosk::stats::{stats_path, Outcome, StatsStore};
use kiosk::ui::worker::{Command, Event};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the applicant types into the form's description: must never reach the statistics.
const FORM_TEXT: &str = "我想要本人名下的住房公积金缴存明细";

/// The demo configuration with its index, register and statistics in `dir`, index built.
fn settings_in(dir: &Path) -> (PathBuf, Settings) {
    let (config, _, _) = common::editable_demo(dir);
    common::copy_config_data(dir);
    let settings = Settings::load(&config).unwrap();
    assert!(stats_path(&settings).starts_with(dir));
    kiosk::pipeline::run(&settings, kiosk::pipeline::Mode::Full, false).unwrap();
    (config, settings)
}

fn search(query: &str, kind: Option<&str>) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 20,
        filters: kind
            .map(|k| Filter {
                dim: Dim::Kind,
                value: k.into(),
            })
            .into_iter()
            .collect(),
        ..SearchRequest::default()
    }
}

/// Sends each command and waits for its answer (none for a printing), as the screen does one
/// tap at a time; then stops the worker and waits until it has ended (its statistics written).
fn visit(settings: &Settings, commands: Vec<Command>) {
    let w = kiosk::ui::worker::spawn(settings.clone(), || {}).unwrap();
    let next = |what: &str| {
        w.events
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no {what}: {e}"))
    };
    assert!(matches!(next("ready"), Event::Ready(_)));
    for cmd in commands {
        let answered = !matches!(cmd, Command::Printed { .. });
        w.commands.send(cmd).unwrap();
        if answered {
            next("answer");
        }
    }
    // Both threads end when their senders go (the input method's too, or the events channel
    // never closes).
    let kiosk::ui::worker::WorkerHandle {
        commands,
        ime,
        events,
    } = w;
    drop((commands, ime));
    while events.recv().is_ok() {}
}

#[test]
fn the_searches_that_stood_are_counted_by_subject_kind_and_hour_and_nothing_else_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, settings) = settings_in(tmp.path());
    let opened = kiosk::search::open_search(&settings.index_dir)
        .unwrap()
        .search("养老", 5)
        .unwrap()
        .hits
        .remove(0);
    let s = |seq, q: &str, kind| Command::Search {
        seq,
        request: search(q, kind),
    };
    let open = |seq| Command::Open {
        seq,
        source: opened.source.clone(),
        source_id: opened.id.clone(),
        successor: None,
    };
    visit(
        &settings,
        vec![
            // Typed: 养 → 养老, which stood (a record was opened from it) and was printed.
            s(1, "养", None),
            s(2, "养老", None),
            open(3),
            Command::Printed {
                source: opened.source.clone(),
                source_id: opened.id.clone(),
            },
            // Within a kind.
            s(4, "低保", Some("办事指南")),
            open(5),
            // An ID number is never kept, and the search before it was typed over.
            s(6, "ΩΨ　　量子", None),
            s(7, "11010519491231002X", None),
            // The request form's search: never counted.
            Command::FormMatches {
                seq: 8,
                request: search(FORM_TEXT, None),
            },
            // A formula-looking query.
            s(9, "=养老", None),
            open(10),
            // The last search stood: the kiosk stopped with it on screen.
            s(11, "ΩΨ　　量子", None),
        ],
    );
    let store = StatsStore::open(&stats_path(&settings)).unwrap();
    let count = |q, k, o| store.search_count(q, k, o).unwrap();
    assert_eq!(count("养老", "全部", Outcome::Found), 1);
    assert_eq!(count("低保", "办事指南", Outcome::Found), 1);
    assert_eq!(count("=养老", "全部", Outcome::Found), 1);
    assert_eq!(
        count("ΩΨ 量子", "全部", Outcome::Nothing),
        1,
        "stored normalised (one half-width space): {:?}",
        store.detail(None).unwrap()
    );
    let subjects: Vec<(String, u64)> = store
        .subjects(None)
        .unwrap()
        .into_iter()
        .map(|s| (s.query, s.searches))
        .collect();
    assert_eq!(
        subjects.len(),
        4,
        "养 and the typed-over ones are not counted: {subjects:?}"
    );
    let unanswered = store.unanswered(None).unwrap();
    assert_eq!(unanswered.len(), 1, "{unanswered:?}");
    assert_eq!(unanswered[0].query, "ΩΨ 量子");
    let docs = store.documents(None).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].opened, docs[0].printed), (3, 1));
    assert_eq!(docs[0].title, opened.title);

    // Nothing finer than the hour, nothing of the form or of the ID number, no other table.
    assert_eq!(store.tables().unwrap(), ["documents", "searches"]);
    let hour = regex::Regex::new(r"^\d{4}-\d{2}-\d{2} \d{2}$").unwrap();
    let cells = store.every_cell().unwrap();
    let columns: std::collections::BTreeSet<String> =
        cells.iter().map(|(t, c, _)| format!("{t}.{c}")).collect();
    assert_eq!(
        columns.into_iter().collect::<Vec<_>>(),
        [
            "documents.hour",
            "documents.kind",
            "documents.opened",
            "documents.printed",
            "documents.record",
            "documents.title",
            "searches.count",
            "searches.hour",
            "searches.kind",
            "searches.outcome",
            "searches.query"
        ]
    );
    for (t, c, v) in &cells {
        if c == "hour" {
            assert!(hour.is_match(v), "{t}.{c} = {v}");
        }
        assert!(
            !v.contains("公积金") && !v.contains("19491231"),
            "{t}.{c} = {v}"
        );
    }
    let bytes = std::fs::read(stats_path(&settings)).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("公积金"));

    cli_prints_and_exports(&config);
}

/// `kiosk stats`: the text summary, CSV rows by hour (formula cells escaped), an XLSX workbook.
fn cli_prints_and_exports(config: &Path) {
    let out = common::run_kiosk(config, &["stats"]);
    let text = common::text(&out.stdout);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(text.contains("共 4 次查询，4 个查询主题"), "{text}");
    let unanswered = text.split("未能满足的查询").nth(1).unwrap();
    assert!(
        unanswered.contains(" 1. ΩΨ 量子  1 次（无结果 1，仅部分相关 0；共查询 1 次）"),
        "{text}"
    );
    assert!(text.contains("查阅 3 次，打印 1 次"), "{text}");

    let future = common::run_kiosk(config, &["stats", "--since", "2999-01-01"]);
    assert!(common::text(&future.stdout).contains("共 0 次查询"));

    let dir = config.parent().unwrap();
    let csv = dir.join("stats.csv");
    let args = ["stats", "--format", "csv", "--out", csv.to_str().unwrap()];
    let out = common::run_kiosk(config, &args);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        kiosk::stats::DETAIL_HEADERS
    );
    let mut totals = std::collections::BTreeMap::new();
    let mut contents = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        assert!(row[0].ends_with('时'), "{body}");
        *totals.entry(row[1].to_string()).or_insert(0) += row[5].parse::<u64>().unwrap();
        contents.push(row[2].to_string());
    }
    assert_eq!(
        totals.into_iter().collect::<Vec<_>>(),
        [
            ("打印".to_string(), 1),
            ("查询".to_string(), 4),
            ("查阅".to_string(), 3)
        ]
    );
    assert!(
        contents.iter().any(|c| c == "'=养老"),
        "formula escaped: {body}"
    );
    assert!(!contents.iter().any(|c| c == "=养老"), "{body}");

    let xlsx = dir.join("stats.xlsx");
    let args = ["stats", "--format", "xlsx", "--out", xlsx.to_str().unwrap()];
    let out = common::run_kiosk(config, &args);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["查询主题", "未满足的查询", "查阅与打印", "按小时明细"]
    );
    let unanswered = book.worksheet_range("未满足的查询").unwrap();
    let cell = |c: u32| unanswered.get_value((1, c)).map(|v| v.to_string()).unwrap();
    assert_eq!(
        (cell(0), cell(2), cell(4)),
        ("ΩΨ 量子".into(), "1".into(), "1".into())
    );
    let subjects = book.worksheet_range("查询主题").unwrap();
    assert!(
        subjects.rows().any(|r| r[0] == "'=养老"),
        "formula escaped in XLSX"
    );

    let bad = common::run_kiosk(config, &["stats", "--format", "csv"]);
    assert!(!bad.status.success());
    assert!(common::text(&bad.stderr).contains("--out"));
}
