//! The must-show durability test: the real binary files requests in a loop and is SIGKILLed at
//! random moments, again and again. Every receipt number it acknowledged on stdout must be in
//! the register, decrypt, and equal what was sent; the database must pass integrity_check.

mod common;

use kiosk::config::Settings;
use kiosk::staff_requests::{open_register, read_form};
use rand::Rng;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 200;

#[test]
fn every_acknowledged_receipt_survives_sigkill_at_random_moments() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    let mut rng = rand::rng();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut kills = 0;
    let started = Instant::now();
    while kills < KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .arg("--config")
            .arg(&config)
            .args(["requests", "submit", "--json"])
            .arg(&form)
            .args(["--repeat", "100000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.random_range(2_000..60_000)));
        // Child::kill sends SIGKILL on Unix: no destructor, no flush, no SQLite shutdown.
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "the child should have been killed");
        kills += 1;
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        // Only complete lines were acknowledged; a torn last line was not.
        let complete = match out.rfind('\n') {
            Some(i) => &out[..=i],
            None => "",
        };
        acknowledged.extend(complete.lines().map(str::to_string));
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{kills} SIGKILLs, {} receipts acknowledged, {:.1} s",
        acknowledged.len(),
        elapsed.as_secs_f64()
    );
    assert!(
        acknowledged.len() >= KILLS,
        "too few receipts acknowledged ({}) for the test to mean anything",
        acknowledged.len()
    );
    let unique: BTreeSet<&String> = acknowledged.iter().collect();
    assert_eq!(
        unique.len(),
        acknowledged.len(),
        "a receipt number was given twice"
    );

    let settings = Settings::load(&config).unwrap();
    let register = open_register(&settings).unwrap();
    assert_eq!(register.integrity_check().unwrap(), "ok");
    let today = chrono::Local::now().date_naive();
    let sent = read_form(&form, today).unwrap();
    for receipt_no in &acknowledged {
        let stored = register
            .get(receipt_no)
            .unwrap_or_else(|e| panic!("acknowledged {receipt_no} is missing: {e}"));
        assert_eq!(stored.request.as_ref(), Some(&sent), "{receipt_no}");
        assert_eq!(stored.query_code.as_ref().map(String::len), Some(10));
    }
    let stored_count = register.list(None).unwrap().rows.len();
    assert!(stored_count >= acknowledged.len());
}
