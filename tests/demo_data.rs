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

/// Issue 21 item 8, through the real binary: the 依申请公开 demo record (qh-gi-0042) is found by
/// its title and its 索引号, as its catalogue entry, marked in `kiosk search` and in `--json`;
/// the words only its body holds find nothing of it; the 不予公开 record (qh-gi-0043) is found by
/// nothing at all.
#[test]
fn an_on_request_record_is_found_by_its_title_marked_and_never_by_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let out = common::run_kiosk(&config, &["index", "build"]);
    let report = common::text(&out.stdout);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(
        report.contains(
            "not public: 1 依申请公开 (text kept out; 1 listed by title, issuer and 索引号), 1 不予公开, 0 without 公开属性"
        ),
        "{report}"
    );
    let json = |q: &str| -> Vec<serde_json::Value> {
        let out = common::run_kiosk(&config, &["search", "--json", "--limit", "50", q]);
        assert!(out.status.success(), "{}", common::text(&out.stderr));
        common::text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v.get("offers").is_none())
            .collect()
    };
    let of = |hits: &[serde_json::Value], id: &str| -> Vec<serde_json::Value> {
        hits.iter()
            .filter(|h| h["id"].as_str().unwrap().starts_with(id))
            .cloned()
            .collect()
    };
    for q in [
        "青禾县住房和城乡建设局2023年度内部审计工作底稿汇编",
        "11330199MB1A00092N/2024-00010",
    ] {
        let hits = of(&json(q), "qh-gi-0042");
        assert_eq!(hits.len(), 1, "{q}: {hits:?}");
        assert_eq!(hits[0]["id"], "qh-gi-0042#on-request");
        assert_eq!(hits[0]["on_request"], true);
        assert_eq!(hits[0]["issuer"], "青禾县住房和城乡建设局");
    }
    // Public hits carry no mark.
    let public = json("最低生活保障");
    assert!(!public.is_empty() && public.iter().all(|h| h.get("on_request").is_none()));
    // Words that stand only in the body.
    for q in [
        "保障性住房维修资金使用情况内部核查记录",
        "县城建档案馆",
        "县市政设施管理所",
    ] {
        assert!(of(&json(q), "qh-gi-0042").is_empty(), "{q} found the body");
    }
    for q in [
        "青禾县人力资源和社会保障局2024年度内部干部选拔任用考察人选名单",
        "11330199MB1A00068W/2024-00042",
        "拟交流轮岗人选",
    ] {
        assert!(
            of(&json(q), "qh-gi-0043").is_empty(),
            "不予公开 found by {q}"
        );
    }
    let out = common::run_kiosk(&config, &["search", "内部审计工作底稿汇编"]);
    let text = common::text(&out.stdout)
        .replace("\x1b[1m", "")
        .replace("\x1b[0m", "");
    let line = text
        .lines()
        .find(|l| l.contains("内部审计工作底稿汇编"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with("【本信息依申请公开】"), "{text}");
    assert!(text.contains("11330199MB1A00092N/2024-00010"), "{text}");
}
