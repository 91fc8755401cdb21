//! The nothing-found policy lives in one place (issue 17): `kiosk search --json` and the
//! screen's search worker give the same ids and the same offers for the same query.

mod common;

use common::{demo_config, run_kiosk, text};
use kiosk::search::query::SearchRequest;
use kiosk::ui::worker::{spawn, Command, Event};
use std::time::Duration;

/// Ids and offers (correction, alternatives) as the command line prints them.
fn from_cli(config: &std::path::Path, query: &str) -> (Vec<String>, Option<String>, Vec<String>) {
    let out = run_kiosk(config, &["search", "--json", query]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut ids = Vec::new();
    let (mut corrected, mut alternatives) = (None, Vec::new());
    for line in text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(offers) = v.get("offers") {
            corrected = offers["corrected"].as_str().map(String::from);
            alternatives = offers["alternatives"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
        } else {
            ids.push(v["id"].as_str().unwrap().to_string());
        }
    }
    (ids, corrected, alternatives)
}

#[test]
fn the_command_line_and_the_screen_worker_answer_a_query_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let config = demo_config(&tmp.path().join("index"));
    let out = run_kiosk(&config, &["index", "build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let settings = kiosk::config::Settings::load(&config).unwrap();
    let worker = spawn(settings, || {}).unwrap();
    match worker.events.recv_timeout(Duration::from_secs(60)).unwrap() {
        Event::Ready(_) => {}
        other => panic!("worker did not open the index: {other:?}"),
    }
    let queries = [
        "低保",
        "最低生活包障",
        "廉租住房申情",
        "医疗救住申请",
        "滑雪场季卡优惠",
        // Since the 依申请公开 catalogue entry (住房和城乡建设局…) is indexed, 住房 finds 18 of 72
        // records, a quarter: too broad to offer for 廉租住房申情, which now gets no offer.
        "养老保险转移申情",
        // Offers shorter queries on the demo data (滑雪场季卡优惠 does only on the shared corpus;
        // the wrong characters above are now corrected in the first search).
        "老年人游泳馆优惠",
    ];
    let (mut with_hits, mut with_offers) = (0, 0);
    for (seq, q) in queries.iter().enumerate() {
        let request = SearchRequest {
            query: q.to_string(),
            limit: 10,
            ..SearchRequest::default()
        };
        let seq = seq as u64 + 1;
        worker
            .commands
            .send(Command::Search { seq, request })
            .unwrap();
        let screen = loop {
            match worker.events.recv_timeout(Duration::from_secs(60)).unwrap() {
                Event::Results {
                    seq: s,
                    results,
                    corrected,
                    alternatives,
                } if s == seq => {
                    let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
                    break (ids, corrected, alternatives);
                }
                Event::SearchFailed { .. } => panic!("search failed for {q}"),
                _ => continue,
            }
        };
        let cli = from_cli(&config, q);
        assert_eq!(cli, screen, "query {q}");
        with_hits += usize::from(!screen.0.is_empty());
        with_offers += usize::from(screen.1.is_some() || !screen.2.is_empty());
    }
    // Both kinds of answer were compared, not only empty ones.
    assert!(
        with_hits >= 2 && with_offers >= 2,
        "{with_hits} {with_offers}"
    );
}
