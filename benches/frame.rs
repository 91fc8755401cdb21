//! Benchmark: CPU time of one kiosk frame with 50 results on screen (layout and tessellation,
//! the work the UI thread does each frame; the GPU upload is not included), on the shared
//! corpus. Prints median, p95 and max; asserts that 50 hits were on screen.
//!
//! Run: `cargo bench --bench frame` (release). Needs ../shared or $KIOSK_SHARED; builds the
//! shared-corpus index into a temporary folder.

use kiosk::config::Settings;
use kiosk::ui::app::KioskApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn shared() -> PathBuf {
    let dir = std::env::var_os("KIOSK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        dir.join("corpus/README.md").is_file(),
        "shared corpus not found at {}",
        dir.display()
    );
    dir.canonicalize().unwrap()
}

/// Nanoseconds of CPU this thread has used (CLOCK_THREAD_CPUTIME_ID).
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass, which lives on this stack frame.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn main() {
    let shared = shared();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for name in kiosk::search::index::REFRESHED_CONFIG {
        let from = repo.join("kiosk-config").join(name);
        if from.is_file() {
            std::fs::copy(&from, tmp.path().join(name)).unwrap();
        }
    }
    let text = std::fs::read_to_string(repo.join("kiosk-config/shared-corpus.toml"))
        .unwrap()
        .replace("../../shared", &shared.display().to_string())
        .replace(
            "../index/shared-corpus",
            &tmp.path().join("index").display().to_string(),
        )
        .replace("../assets", &repo.join("assets").display().to_string())
        + &format!(
            "\n[requests]\nregister = {:?}\nkey_file = {:?}\n",
            tmp.path().join("r.sqlite").display().to_string(),
            tmp.path().join("r.key").display().to_string()
        );
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(&config, text).unwrap();
    let settings = Settings::load(&config).unwrap();
    let built = Instant::now();
    kiosk::pipeline::build_index(&settings).unwrap();
    println!(
        "shared-corpus index built in {:.1} s",
        built.elapsed().as_secs_f64()
    );

    let worker = kiosk::ui::worker::spawn(settings.clone(), || {}).unwrap();
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    let mut app = KioskApp::new(settings.clone(), worker, requests);
    let ctx = egui::Context::default();
    let specs: Vec<_> = settings
        .font
        .iter()
        .map(|p| kiosk::ui::fonts::FontSpec::parse(p))
        .collect();
    ctx.set_fonts(kiosk::ui::fonts::font_definitions(&specs).0);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        ..Default::default()
    };
    let frame = |app: &mut KioskApp| {
        let out = ctx.run_ui(input(), |ui| app.show(ui));
        ctx.tessellate(out.shapes, out.pixels_per_point).len()
    };
    // Wait for the index, then search something with many hits and close the keyboard.
    let deadline = Instant::now() + Duration::from_secs(120);
    while app.catalogue.is_empty() {
        assert!(Instant::now() < deadline, "the index did not open");
        frame(&mut app);
        std::thread::sleep(Duration::from_millis(20));
    }
    app.start_search();
    app.set_query("通知");
    app.visit.keyboard_open = false;
    while app.list_pending() {
        assert!(Instant::now() < deadline, "no results");
        frame(&mut app);
        std::thread::sleep(Duration::from_millis(5));
    }
    let hits = app
        .visit
        .list
        .results
        .as_ref()
        .map(|r| r.hits.len())
        .unwrap_or(0);
    assert_eq!(hits, 50, "50 results on screen");
    for theme in [(false, "normal"), (true, "elderly")] {
        app.visit.theme.elderly = theme.0;
        for _ in 0..10 {
            frame(&mut app);
        }
        let mut cpu = Vec::new();
        let mut wall = Vec::new();
        let mut meshes = 0;
        for _ in 0..300 {
            let (c0, w0) = (thread_cpu_ns(), Instant::now());
            meshes = frame(&mut app);
            cpu.push(thread_cpu_ns() - c0);
            wall.push(w0.elapsed().as_nanos() as u64);
        }
        assert!(meshes > 0, "the frame drew something");
        cpu.sort_unstable();
        wall.sort_unstable();
        let ms = |v: &[u64], q: f64| v[((v.len() - 1) as f64 * q) as usize] as f64 / 1e6;
        println!(
            "frame with {hits} results ({} mode, 1920x1080): CPU median {:.2} ms, p95 {:.2} ms, max {:.2} ms; wall median {:.2} ms",
            theme.1,
            ms(&cpu, 0.5),
            ms(&cpu, 0.95),
            ms(&cpu, 1.0),
            ms(&wall, 0.5)
        );
    }
}
