//! The must-show test of the central register (issue 20): three kiosks file 1,000 requests in
//! all with the real `kiosk` binary while their senders (`kiosk fleet send`, separate
//! processes) are SIGKILLed at random and the PostgreSQL server is crashed and started again.
//! Afterwards the centre holds every acknowledged request exactly once (count and content
//! hash), no outbox row was lost, and rows whose acknowledgement was lost come back as
//! duplicates, acknowledged and not inserted.

mod common;

use common::pg::{fleet_config, set_up_fleet, PgServer};
use kiosk::config::Settings;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KIOSKS: [&str; 3] = ["QH01", "QH02", "QH03"];
const TOTAL: u32 = 1000;
const CHUNKS: u32 = 4;

fn kiosk(config: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    c.arg("--config").arg(config).args(args);
    c
}

fn spawn_sender(config: &Path) -> Child {
    kiosk(config, &["fleet", "send"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// SIGKILLs a sender and adds up the duplicates its complete lines reported.
fn kill(mut child: Child) -> u64 {
    child.kill().unwrap();
    child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    duplicates_in(&out)
}

fn duplicates_in(out: &str) -> u64 {
    out.lines()
        .filter(|l| l.starts_with("batch "))
        .filter_map(|l| {
            l.split("duplicates=")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

/// Files `n` requests in `CHUNKS` runs of the real binary; the receipt numbers it printed.
fn file(config: PathBuf, n: u32) -> std::thread::JoinHandle<Vec<String>> {
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    std::thread::spawn(move || {
        let mut receipts = Vec::new();
        for c in 0..CHUNKS {
            let count = n / CHUNKS + u32::from(c < n % CHUNKS);
            let out = kiosk(&config, &["requests", "submit", "--json"])
                .arg(&form)
                .args(["--repeat", &count.to_string()])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", common::text(&out.stderr));
            receipts.extend(common::text(&out.stdout).lines().map(str::to_string));
        }
        receipts
    })
}

/// Every local outbox row: receipt number → payload hash, and whether all are acknowledged.
fn local_outbox(config: &Path) -> (BTreeMap<String, String>, i64, i64) {
    let settings = Settings::load(config).unwrap();
    let conn = rusqlite::Connection::open(&settings.requests.register).unwrap();
    let requests: i64 = conn
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    let unacked: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT r.receipt_no, o.payload_hash FROM requests r JOIN outbox o ON o.seq = r.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<BTreeMap<String, String>, _>>()
        .unwrap();
    (rows, requests, unacked)
}

fn digest(rows: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    for (k, v) in rows {
        h.update(format!("{k}:{v}\n"));
    }
    format!("{:x}", h.finalize())
}

fn drain(config: &Path) -> String {
    let out = kiosk(config, &["fleet", "send", "--until-empty"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    common::text(&out.stdout)
}

#[test]
fn every_acknowledged_request_reaches_the_centre_once_through_kills_and_server_crashes() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &KIOSKS);
    let configs: Vec<PathBuf> = KIOSKS
        .iter()
        .zip(&pw)
        .map(|(id, pw)| {
            let role = kiosk::fleet::schema::kiosk_role(id);
            fleet_config(&tmp.path().join(id), id, &server, &role, pw)
        })
        .collect();
    let started = Instant::now();
    let filers: Vec<_> = configs
        .iter()
        .enumerate()
        .map(|(i, c)| file(c.clone(), TOTAL / 3 + u32::from(i == 0)))
        .collect();

    let mut rng = rand::rng();
    let mut senders: Vec<Option<Child>> = configs.iter().map(|_| None).collect();
    let (mut kills, mut crashes, mut duplicates) = (0u32, 0u32, 0u64);
    let mut server_down_since: Option<Instant> = None;
    let mut next_crash = Duration::from_millis(rng.random_range(800..2000));
    let mut done_at: Option<Instant> = None;
    // Chaos while the kiosks file, and a little after, until the server crashed twice.
    while done_at.is_none_or(|t| t.elapsed() < Duration::from_millis(1500))
        || crashes < 2
        || server_down_since.is_some()
    {
        if done_at.is_none() && filers.iter().all(|f| f.is_finished()) {
            done_at = Some(Instant::now());
        }
        for (i, s) in senders.iter_mut().enumerate() {
            if s.is_none() {
                *s = Some(spawn_sender(&configs[i]));
            }
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(50..400)));
        let victim = rng.random_range(0..senders.len());
        if let Some(child) = senders[victim].take() {
            duplicates += kill(child);
            kills += 1;
        }
        match server_down_since {
            Some(t) if t.elapsed() > Duration::from_millis(700) => {
                server.start_again();
                server_down_since = None;
                next_crash =
                    started.elapsed() + Duration::from_millis(rng.random_range(1500..3000));
            }
            None if crashes < 3 && started.elapsed() > next_crash => {
                server.crash();
                crashes += 1;
                server_down_since = Some(Instant::now());
            }
            _ => {}
        }
    }
    for s in senders.iter_mut() {
        if let Some(child) = s.take() {
            duplicates += kill(child);
            kills += 1;
        }
    }
    if server_down_since.is_some() {
        server.start_again();
    }
    let filed: Vec<Vec<String>> = filers.into_iter().map(|f| f.join().unwrap()).collect();
    for c in &configs {
        duplicates += duplicates_in(&drain(c));
    }
    eprintln!(
        "{} requests filed, {kills} sender SIGKILLs, {crashes} server crashes, {duplicates} \
         duplicate deliveries acknowledged, {:.1} s",
        filed.iter().map(Vec::len).sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        kills >= 10,
        "too few kills ({kills}) for the test to mean anything"
    );
    assert!(
        crashes >= 2,
        "the server was crashed only {crashes} time(s)"
    );

    // Every filed request has its outbox row, acknowledged; the centre holds each exactly once.
    let mut local_all = BTreeMap::new();
    for (c, receipts) in configs.iter().zip(&filed) {
        let (rows, requests, unacked) = local_outbox(c);
        assert_eq!(requests as usize, receipts.len(), "{}", c.display());
        assert_eq!(rows.len(), receipts.len(), "an outbox row is missing");
        assert_eq!(unacked, 0, "an outbox row was not delivered");
        let filed_set: BTreeSet<&String> = receipts.iter().collect();
        assert!(rows.keys().all(|r| filed_set.contains(r)));
        local_all.extend(rows);
    }
    assert_eq!(local_all.len(), TOTAL as usize);
    let mut central = kiosk::fleet::Central::with_client(server.owner()).unwrap();
    let payloads = central.payloads().unwrap();
    assert_eq!(payloads.len(), TOTAL as usize, "count at the centre");
    let central_rows: BTreeMap<String, String> = payloads
        .iter()
        .map(|(p, stored)| {
            assert_eq!(
                &p.hash(),
                stored,
                "{}: content changed on the way",
                p.receipt_no
            );
            (p.receipt_no.clone(), stored.clone())
        })
        .collect();
    assert_eq!(central_rows.len(), TOTAL as usize, "a receipt number twice");
    assert_eq!(
        digest(&central_rows),
        digest(&local_all),
        "content hash of the register"
    );

    // Lost acknowledgements (a sender killed between the two commits), made certain here:
    // those rows go again and are acknowledged as duplicates, not inserted.
    let settings = Settings::load(&configs[0]).unwrap();
    rusqlite::Connection::open(&settings.requests.register)
        .unwrap()
        .execute("UPDATE outbox SET acked_at = NULL WHERE seq % 10 = 0", [])
        .unwrap();
    let out = drain(&configs[0]);
    assert!(
        out.contains("done inserted=0 duplicates=33 refused=0"),
        "{out}"
    );
    assert_eq!(central.payloads().unwrap().len(), TOTAL as usize);
}
