//! The central register under a district's load: 50 simulated kiosks (each its own SQLite
//! register and `fleet-sender` thread, as in the kiosk) deliver to one PostgreSQL server
//! started for the run (the tests' helper). Prints the requests per second the centre accepts
//! when every kiosk comes back online with a full outbox, and the time from a kiosk's commit to
//! the centre's acknowledged commit (p50 / p99) under a steady stream; asserts that the centre
//! holds every request once with its content hash.
//!
//! `cargo bench --bench fleet` (needs Debian's `postgresql` package).

#[path = "../tests/common/pg.rs"]
mod pg;

use kiosk::config::Settings;
use kiosk::desk::requests::RequestDesk;
use kiosk::fleet::sender::{Sender, Wake};
use rand::Rng;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KIOSKS: usize = 50;
/// Requests each kiosk holds when it comes back online (throughput phase).
const BACKLOG: usize = 40;
/// Requests each kiosk files while online (latency phase), one every 200–600 ms.
const STREAM: usize = 10;

type Times = Arc<Mutex<HashMap<String, Instant>>>;

fn main() {
    let Some(server) = pg::PgServer::start() else {
        println!(
            "fleet bench: PostgreSQL server binaries not found; install Debian's `postgresql` \
             package (apt-get install postgresql) and run again"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=KIOSKS).map(|i| format!("QB{i:02}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let pws = pg::set_up_fleet(&server, tmp.path(), &id_refs);
    let configs: Vec<Settings> = ids
        .iter()
        .zip(&pws)
        .map(|(id, pw)| {
            let role = kiosk::fleet::schema::kiosk_role(id);
            let path = pg::fleet_config(&tmp.path().join(id), id, &server, &role, pw);
            Settings::load(&path).unwrap()
        })
        .collect();
    let form = kiosk::staff_requests::read_form(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/request-citizen.json"),
        chrono::Local::now().date_naive(),
    )
    .unwrap();

    // Phase 1: every kiosk files its backlog offline, then all come online at once.
    std::thread::scope(|s| {
        for settings in &configs {
            let form = &form;
            s.spawn(move || {
                let mut desk = RequestDesk::open(settings).unwrap();
                for _ in 0..BACKLOG {
                    desk.file(form, false, chrono::Local::now().naive_local())
                        .unwrap();
                }
            });
        }
    });
    let started = Instant::now();
    std::thread::scope(|s| {
        for settings in &configs {
            s.spawn(move || {
                let mut sender = Sender::new(settings).unwrap();
                sender.run(&AtomicBool::new(false), &Wake::default(), true, &mut |_| {});
                assert_eq!(sender.totals.inserted, BACKLOG as u64);
            });
        }
    });
    let elapsed = started.elapsed();
    let backlog = KIOSKS * BACKLOG;
    println!(
        "fleet: {KIOSKS} kiosks back online with {BACKLOG} requests each: {backlog} accepted in \
         {:.2} s = {:.0} requests/s",
        elapsed.as_secs_f64(),
        backlog as f64 / elapsed.as_secs_f64()
    );

    // Phase 2: a steady stream with every sender running; commit → central commit.
    let filed: Times = Arc::default();
    let acked: Times = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        let mut senders = Vec::new();
        for settings in &configs {
            let wake = Arc::new(Wake::default());
            let (stop, acked) = (stop.clone(), acked.clone());
            let w = wake.clone();
            senders.push(s.spawn(move || {
                let mut sender = Sender::new(settings).unwrap();
                sender.run(&stop, &w, false, &mut |b| {
                    let now = Instant::now();
                    let mut a = acked.lock().unwrap();
                    for r in &b.acknowledged {
                        a.insert(r.clone(), now);
                    }
                });
            }));
            let (form, filed) = (&form, filed.clone());
            s.spawn(move || {
                let mut desk = RequestDesk::open(settings).unwrap();
                let mut rng = rand::rng();
                for _ in 0..STREAM {
                    std::thread::sleep(Duration::from_millis(rng.random_range(200..600)));
                    let f = desk
                        .file(form, false, chrono::Local::now().naive_local())
                        .unwrap();
                    filed
                        .lock()
                        .unwrap()
                        .insert(f.receipt.receipt_no, Instant::now());
                    wake.wake();
                }
            });
        }
        let want = KIOSKS * STREAM;
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.lock().unwrap().len() < want && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::Relaxed);
        for s in senders {
            s.join().unwrap();
        }
    });
    let filed = filed.lock().unwrap();
    let acked = acked.lock().unwrap();
    assert_eq!(
        acked.len(),
        KIOSKS * STREAM,
        "every streamed request acknowledged"
    );
    let mut ms: Vec<f64> = filed
        .iter()
        .map(|(r, t)| acked[r].saturating_duration_since(*t).as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!(
        "fleet: kiosk commit → central commit over {} streamed requests: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        pct(0.50),
        pct(0.99),
        ms[ms.len() - 1]
    );

    // The centre holds every request once, unchanged.
    let mut central = kiosk::fleet::Central::with_client(server.owner()).unwrap();
    let payloads = central.payloads().unwrap();
    assert_eq!(payloads.len(), KIOSKS * (BACKLOG + STREAM));
    assert!(payloads.iter().all(|(p, h)| &p.hash() == h));
    println!(
        "fleet: centre holds {} requests, every content hash matches",
        payloads.len()
    );
}
