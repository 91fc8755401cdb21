//! The shipped demo data (fictional 青禾县) builds and answers, and what must stay out stays out.

mod common;

use kiosk::catalog::{Kind, Validity};
use kiosk::config::Settings;
use kiosk::pipeline::build_index;
use kiosk::search::open_search;

fn built() -> (
    tempfile::TempDir,
    kiosk::search::SearchIndex,
    kiosk::pipeline::BuildReport,
) {
    let tmp = tempfile::tempdir().unwrap();
    let index_dir = tmp.path().join("index");
    let settings = Settings::load(&common::demo_config(&index_dir)).unwrap();
    let report = build_index(&settings).unwrap();
    let index = open_search(&index_dir).unwrap();
    (tmp, index, report)
}

#[test]
fn demo_data_builds_with_every_record_accounted_for() {
    let (_tmp, index, report) = built();
    let gi = &report.sources[0];
    let sg = &report.sources[1];
    assert!(
        gi.skipped.is_empty() && sg.skipped.is_empty(),
        "{:?} {:?}",
        gi.skipped,
        sg.skipped
    );
    assert!(gi.imported >= 35, "{}", gi.imported);
    assert!(sg.imported >= 25, "{}", sg.imported);
    assert_eq!((gi.on_request, gi.withheld), (1, 1));
    assert_eq!(index.num_docs() as usize, gi.imported + sg.imported);
}

#[test]
fn records_not_published_proactively_never_reach_the_index() {
    let (_tmp, index, _) = built();
    let lines =
        std::fs::read_to_string(common::repo().join("assets/demo/disclosure.jsonl")).unwrap();
    let hidden: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["disclosure"] != "主动公开")
        .collect();
    assert_eq!(hidden.len(), 2);
    for v in hidden {
        let title = v["title"].as_str().unwrap();
        let id = v["id"].as_str().unwrap();
        for q in [title, "内部", v["doc_number"].as_str().unwrap_or(title)] {
            let hits = index.search(q, 100).unwrap().hits;
            assert!(hits.iter().all(|h| h.id != id), "{id} found by {q}");
        }
    }
}

#[test]
fn a_service_query_finds_service_items_with_their_fields() {
    let (_tmp, index, _) = built();
    let hits = index.search("最低生活保障申请", 10).unwrap().hits;
    let item = hits
        .iter()
        .find(|h| h.kind == Kind::ServiceGuide)
        .expect("a service item");
    let service = item
        .record
        .as_ref()
        .and_then(|r| r.service.as_ref())
        .expect("service fields");
    assert!(!service.materials.is_empty());
    assert!(service.location.is_some());
}

#[test]
fn superseded_versions_stay_findable_below_the_current_one() {
    let (_tmp, index, _) = built();
    let lines =
        std::fs::read_to_string(common::repo().join("assets/demo/disclosure.jsonl")).unwrap();
    let mut checked = 0;
    for v in lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
    {
        let (Some(newer), Some(title)) = (v["superseded_by"].as_str(), v["title"].as_str()) else {
            continue;
        };
        let hits = index.search(title, 20).unwrap().hits;
        let old = hits.iter().position(|h| h.id == v["id"].as_str().unwrap());
        let new = hits.iter().position(|h| h.id == newer);
        let old = old.unwrap_or_else(|| panic!("superseded {} not findable by its title", v["id"]));
        assert_ne!(hits[old].validity, Validity::Effective);
        if let Some(new) = new {
            assert!(
                new < old,
                "current {newer} ranks below superseded {}",
                v["id"]
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "the demo data should hold superseded versions"
    );
}
