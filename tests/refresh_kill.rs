//! A refresh killed with SIGKILL at random moments, 50 times, while searches run in a loop:
//! every search answers from a complete generation, pinyin search (which needs the generation's
//! vocabulary, lexicon.tsv) keeps working after every kill, and the next refresh succeeds.

mod common;

use kiosk::config::Settings;
use kiosk::search::open_search;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const KILLS: usize = 50;
/// Initials of 基本养老金: converted through the vocabulary only.
const PINYIN: &str = "jbylj";

/// Whether a pinyin query finds something in the current generation.
fn pinyin_works(dir: &std::path::Path) -> bool {
    let index = open_search(dir).expect("the current generation always opens");
    !index
        .search(PINYIN, 10)
        .expect("search answers")
        .hits
        .is_empty()
}

/// A small deterministic generator (xorshift), seeded from the clock and printed for replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn refresh(config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    c.arg("--config")
        .arg(config)
        .args(["index", "refresh", "--force"]);
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

#[test]
fn refreshes_killed_at_random_moments_never_expose_a_half_written_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gi, _) = common::editable_demo(tmp.path());
    let settings = Settings::load(&config).unwrap();
    kiosk::pipeline::build_index(&settings).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let searches = Arc::new(AtomicUsize::new(0));
    let searcher = {
        let (stop, searches, dir) = (stop.clone(), searches.clone(), settings.index_dir.clone());
        std::thread::Builder::new()
            .name("searcher".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let index = open_search(&dir).expect("the current generation always opens");
                    assert_eq!(
                        index.num_docs() as usize,
                        index.info().records,
                        "complete generation"
                    );
                    let hits = index
                        .search("最低生活保障", 10)
                        .expect("search answers")
                        .hits;
                    assert!(!hits.is_empty(), "the data is always there");
                    assert!(pinyin_works(&dir), "pinyin search always works");
                    searches.fetch_add(1, Ordering::Relaxed);
                }
            })
            .unwrap()
    };

    // How long one refresh with changes takes here, to spread the kills over its whole run.
    let mut toggle = 0u64;
    let change_data = |toggle: &mut u64| {
        *toggle += 1;
        let t = *toggle;
        common::edit_jsonl(&gi, |i, v| {
            if i % 5 == 0 {
                v["body"] =
                    serde_json::json!(format!("{}（第{t}次更新）", v["body"].as_str().unwrap()));
            }
            true
        });
    };
    // The fastest of three runs: the first one pays for cold caches, and kills spread over a
    // longer time than a warm refresh takes land after it has finished.
    let mut full_run = u64::MAX;
    for _ in 0..3 {
        change_data(&mut toggle);
        let started = Instant::now();
        assert!(refresh(&config).status().unwrap().success());
        full_run = full_run.min(started.elapsed().as_millis() as u64);
    }

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("kill test: seed {seed}, one refresh takes {full_run} ms");
    let mut rng = Rng(seed);
    let mut killed_running = 0;
    assert!(
        pinyin_works(&settings.index_dir),
        "pinyin search works at first"
    );
    for kill in 0..KILLS {
        change_data(&mut toggle);
        let mut child = refresh(&config).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(full_run * 4 / 5 + 1)));
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        assert!(
            pinyin_works(&settings.index_dir),
            "pinyin search works on the current generation after kill {kill} (seed {seed})"
        );
    }
    change_data(&mut toggle);
    let status = refresh(&config).status().unwrap();
    stop.store(true, Ordering::Relaxed);
    searcher.join().expect("no search ever failed");
    assert!(status.success(), "the refresh after the kills succeeds");
    let n = searches.load(Ordering::Relaxed);
    eprintln!("kill test: {KILLS} kills ({killed_running} while running), {n} searches, all from complete generations");
    assert!(
        killed_running >= KILLS / 2,
        "most kills must land while the refresh runs"
    );
    assert!(n > KILLS, "searches ran throughout");
    let index = open_search(&settings.index_dir).unwrap();
    let hits = index
        .search(&format!("第{toggle}次更新"), 100)
        .unwrap()
        .hits;
    assert!(!hits.is_empty(), "the final refresh's data is current");
}
