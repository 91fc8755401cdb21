//! Property tests (proptest) of query understanding (issue 21 item 4) on the real index of the
//! shipped demo data: arbitrary Unicode, pinyin (full syllables, initials, apostrophes, case),
//! 发文字号 in every bracket and width, misspelt titles (the correction), synonyms and their
//! mixtures. Every query goes through `understand`, the screen's search request, the
//! command line's search, the keyboard's candidates and the suggestions: none may panic and
//! every search must answer. Each search is timed and the figures printed (no time is
//! asserted: the figures of the long run, `PROPTEST_CASES=100000`, are in docs/testing.md).

mod common;

use kiosk::search::query::{SearchIndex, SearchRequest, Sort};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SYLLABLES: [&str; 40] = [
    "zheng", "fu", "xin", "xi", "gong", "kai", "di", "bao", "yi", "liao", "jiu", "zhu", "yang",
    "lao", "ren", "zhang", "shuang", "lv", "nv", "lve", "er", "a", "o", "e", "ang", "ng", "qing",
    "he", "xian", "she", "hui", "zhi", "chu", "shi", "ri", "zi", "ci", "si", "juan", "xu",
];
const WORDS: [&str; 16] = [
    "最低生活保障",
    "廉租住房",
    "医疗救助",
    "老年人",
    "营业执照",
    "养老保险",
    "社保",
    "低保",
    "公积金",
    "残疾人",
    "高龄津贴",
    "户口",
    "青禾县",
    "通知",
    "办法",
    "申请",
];
const ISSUERS: [&str; 6] = ["国发", "国办发", "青政办", "青政办发", "青发改", "粤府"];
const BRACKETS: [(&str, &str); 8] = [
    ("〔", "〕"),
    ("[", "]"),
    ("［", "］"),
    ("(", ")"),
    ("（", "）"),
    ("【", "】"),
    ("〖", "〗"),
    ("", ""),
];

/// Letters a visitor types on the keyboard: syllables, joined or apart, any case.
fn pinyin() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                prop::sample::select(&SYLLABLES[..]),
                prop::sample::select(&["", "'", " ", ""][..]),
            ),
            1..8,
        ),
        any::<bool>(),
        "[bpmfdtnlgkhjqxzcsryw]{0,6}",
    )
        .prop_map(|(parts, upper, initials)| {
            let mut s: String = parts.into_iter().flat_map(|(a, b)| [a, b]).collect();
            s.push_str(&initials);
            if upper {
                s = s.to_uppercase();
            }
            s
        })
}

/// A 发文字号 as typed: any bracket, half- or full-width digits, spaces.
fn doc_number() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&ISSUERS[..]),
        prop::sample::select(&BRACKETS[..]),
        0u32..3000,
        0u32..100_000,
        any::<bool>(),
        prop::sample::select(&["", " ", "第", "号", "號"][..]),
    )
        .prop_map(|(issuer, (open, close), year, n, wide, tail)| {
            let s = format!("{issuer}{open}{year}{close}{tail}{n}号");
            if wide {
                s.chars()
                    .map(|c| match c {
                        '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                        c => c,
                    })
                    .collect()
            } else {
                s
            }
        })
}

/// A known word with one character changed, dropped, doubled or replaced (the correction).
fn misspelt() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&WORDS[..]),
        any::<prop::sample::Index>(),
        0u8..4,
        "[\u{4e00}-\u{9fa5}]",
    )
        .prop_map(|(word, at, how, other)| {
            let mut chars: Vec<char> = word.chars().collect();
            let i = at.index(chars.len());
            let c = other.chars().next().unwrap();
            match how {
                0 => chars[i] = c,
                1 => {
                    chars.remove(i);
                }
                2 => chars.insert(i, chars[i]),
                _ => chars.insert(i, c),
            }
            chars.into_iter().collect()
        })
}

/// Every kind of query, and mixtures of them.
fn query() -> impl Strategy<Value = String> {
    let one = prop_oneof![
        any::<String>(),
        "[\u{4e00}-\u{9fa5}a-zA-Z0-9 ，。、（）〔〕\u{3000}\u{200b}\t\n\\-\"'*:?~^!+]{0,40}",
        pinyin(),
        doc_number(),
        misspelt(),
        prop::sample::select(&WORDS[..]).prop_map(String::from),
        (prop::sample::select(&WORDS[..]), 1usize..200).prop_map(|(w, n)| w.repeat(n)),
    ];
    prop::collection::vec(one, 1..4).prop_map(|parts| parts.join(" "))
}

/// The demo index, built once for every test of this file.
fn index() -> &'static SearchIndex {
    static INDEX: std::sync::OnceLock<(tempfile::TempDir, SearchIndex)> =
        std::sync::OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("index");
            let config = common::demo_config(&dir);
            let settings = kiosk::config::Settings::load(&config).unwrap();
            kiosk::pipeline::run(&settings, kiosk::pipeline::Mode::Full, false).unwrap();
            let idx = kiosk::search::open_search(&dir).unwrap();
            (tmp, idx)
        })
        .1
}

/// Prints median, p99, the slowest and the count over 50 ms of `times`.
fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let over = times
        .iter()
        .filter(|t| **t > Duration::from_millis(50))
        .count();
    eprintln!(
        "{what}: {} searches, median {:?}, p99 {:?}, slowest {:?}, {over} over 50 ms",
        times.len(),
        at(0.5),
        at(0.99),
        times.last().unwrap()
    );
}

#[test]
fn no_query_panics_or_fails_and_every_search_is_timed() {
    let idx = index();
    let times = Mutex::new(Vec::new());
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        query(),
        1usize..40,
        prop::sample::select(&[Sort::Relevance, Sort::Newest][..]),
    );
    runner
        .run(&strategy, |(q, limit, sort)| {
            let understood = format!("{:?}", idx.understand(&q));
            prop_assert!(!understood.is_empty());
            let req = SearchRequest {
                query: q.clone(),
                limit,
                sort,
                ..SearchRequest::default()
            };
            let started = Instant::now();
            let results = idx.search_with(&req);
            times.lock().unwrap().push(started.elapsed());
            let results = results.map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
            prop_assert!(results.hits.len() <= limit);
            idx.search(&q, limit)
                .map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
            let _ = idx.pinyin_candidates(&q, 20);
            let _ = idx.suggest(&q, 8);
            Ok(())
        })
        .unwrap();
    report(
        "query fuzz (demo index, debug or release as built)",
        &mut times.lock().unwrap(),
    );
}
