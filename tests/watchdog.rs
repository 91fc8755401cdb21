//! The systemd watchdog (issue 21 item 2), with the real kiosk window on a virtual X server and
//! a stand-in for systemd's notify socket (a Unix datagram socket of the test, passed as
//! `NOTIFY_SOCKET` with `WATCHDOG_USEC`, as systemd passes them). The kiosk says READY=1, pings
//! WATCHDOG=1 while idle more often than the watchdog time, and once the debug-build hook
//! freezes its UI thread the pings stop while the process still runs: the hang systemd's
//! `WatchdogSec=` kills and `Restart=always` restarts.

mod common;

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The watchdog time the test hands the kiosk.
const WATCHDOG: Duration = Duration::from_secs(3);
/// Pings before the hook freezes the UI thread.
const PINGS_BEFORE_FREEZE: usize = 4;

/// A child process killed when the test ends, however it ends.
struct Owned(Child);

impl Drop for Owned {
    /// SIGTERM first, so Xvfb removes its lock file; SIGKILL if it is still there after 2 s.
    fn drop(&mut self) {
        // SAFETY: kill(2) on the pid of our own child, which has not been waited for yet.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on the first free display number from 140; returns it and its display.
fn xvfb() -> (Owned, String) {
    for n in 140..200 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let child = Command::new("Xvfb")
            .args([
                &format!(":{n}"),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is needed (apt-get install xvfb; scripts/check.sh installs it)");
        let mut x = Owned(child);
        let socket = format!("/tmp/.X11-unix/X{n}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if x.0.try_wait().unwrap().is_some() {
                break; // taken meanwhile: try the next number
            }
            if Path::new(&socket).exists() {
                return (x, format!(":{n}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("no free X display from :140 to :199");
}

/// The next datagram, or None when `until` passes first.
fn next_message(sock: &UnixDatagram, until: Instant) -> Option<(Instant, String)> {
    let mut buf = [0u8; 512];
    loop {
        let left = until.checked_duration_since(Instant::now())?;
        sock.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match sock.recv(&mut buf) {
            Ok(n) => {
                return Some((
                    Instant::now(),
                    String::from_utf8_lossy(&buf[..n]).into_owned(),
                ))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn the_kiosk_pings_the_watchdog_while_idle_and_stops_when_its_ui_thread_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let out = common::run_kiosk(&config, &["index", "build"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let (_x, display) = xvfb();
    let socket = tmp.path().join("notify.sock");
    let sock = UnixDatagram::bind(&socket).unwrap();
    let log = tmp.path().join("kiosk.log");
    let child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(&config)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_RUNTIME_DIR", tmp.path())
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("RUST_LOG", "kiosk=info")
        .env("NOTIFY_SOCKET", &socket)
        .env("WATCHDOG_USEC", WATCHDOG.as_micros().to_string())
        .env(
            kiosk::ui::watchdog::FREEZE_HOOK,
            PINGS_BEFORE_FREEZE.to_string(),
        )
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut kiosk = Owned(child);
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();

    // READY=1 at the first frame (a debug build under software GL may take a while).
    let start = Instant::now() + Duration::from_secs(120);
    let mut pings = Vec::new();
    let mut ready = false;
    while pings.len() < PINGS_BEFORE_FREEZE {
        let Some((at, msg)) = next_message(&sock, start) else {
            panic!(
                "{} pings, ready {ready}, before the deadline; log:\n{}",
                pings.len(),
                read_log()
            );
        };
        ready |= msg.lines().any(|l| l == "READY=1");
        if msg.lines().any(|l| l == "WATCHDOG=1") {
            pings.push(at);
        }
    }
    assert!(ready, "no READY=1; log:\n{}", read_log());
    // Nobody touches the screen: the pings still come, each within the watchdog time (an
    // idle egui would otherwise draw nothing until the clock's next minute).
    for pair in pings.windows(2).skip(1) {
        let gap = pair[1] - pair[0];
        assert!(
            gap < WATCHDOG,
            "an idle gap of {gap:?}; log:\n{}",
            read_log()
        );
    }

    // The hook has frozen the UI thread: two watchdog times without a single ping, while the
    // process is still there (hung, not crashed) — systemd would kill and restart it now.
    let silence = Instant::now() + WATCHDOG * 2;
    while let Some((_, msg)) = next_message(&sock, silence) {
        assert!(
            !msg.lines().any(|l| l == "WATCHDOG=1"),
            "a ping after the UI thread froze: {msg:?}; log:\n{}",
            read_log()
        );
    }
    assert!(
        kiosk.0.try_wait().unwrap().is_none(),
        "the kiosk exited instead of hanging; log:\n{}",
        read_log()
    );
    let text = read_log();
    assert!(text.contains("systemd watchdog on"), "{text}");
    assert!(text.contains("freezing the UI thread"), "{text}");
}
