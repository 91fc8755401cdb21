//! The systemd watchdog of the kiosk window: `READY=1` once the first frame is drawn, then
//! `WATCHDOG=1` from the frame loop itself, so the pings stop when the UI thread hangs and
//! systemd (`WatchdogSec=` in `deploy/systemd/kiosk.service`) restarts the kiosk. An idle egui
//! draws no frames, so while the watchdog is on the loop asks for one frame every third of
//! the watchdog time: idle CPU stays near nothing and the pings go on while the UI thread
//! lives. Without `NOTIFY_SOCKET` (not under systemd) nothing is sent.

use std::time::{Duration, Instant};

/// The watchdog's state on the UI thread.
#[derive(Debug)]
pub struct Watchdog {
    /// `WATCHDOG_USEC`, if systemd asked this process for pings.
    interval: Option<Duration>,
    last_ping: Option<Instant>,
    ready_sent: bool,
    failed_logged: bool,
    pings: u64,
    /// Debug builds only: stop the UI thread after this many pings (the watchdog test).
    freeze_after: Option<u64>,
}

/// The environment variable of the debug-build hook that freezes the UI thread after N pings.
pub const FREEZE_HOOK: &str = "KIOSK_DEBUG_FREEZE_AFTER_PINGS";

impl Watchdog {
    /// Reads `WATCHDOG_USEC` and `WATCHDOG_PID` as systemd sets them.
    pub fn from_env() -> Watchdog {
        let interval = interval_from(
            std::env::var("WATCHDOG_USEC").ok().as_deref(),
            std::env::var("WATCHDOG_PID").ok().as_deref(),
            std::process::id(),
            std::os::unix::process::parent_id(),
        );
        if let Some(i) = interval {
            tracing::info!(
                ms = i.as_millis() as u64,
                "systemd watchdog on: pinging from the frame loop"
            );
        }
        let freeze_after = if cfg!(debug_assertions) {
            std::env::var(FREEZE_HOOK).ok().and_then(|v| v.parse().ok())
        } else {
            None
        };
        Watchdog {
            interval,
            last_ping: None,
            ready_sent: false,
            failed_logged: false,
            pings: 0,
            freeze_after,
        }
    }

    /// The time between pings: a sixth of the watchdog time, so a ping is due at every frame
    /// the loop asks for (a third) with room for a late one.
    fn ping_every(interval: Duration) -> Duration {
        interval / 6
    }

    /// Called at every frame on the UI thread: sends what is due and asks for the next frame.
    pub fn frame(&mut self, ctx: &egui::Context, now: Instant) {
        if !self.ready_sent {
            self.ready_sent = true;
            self.send(&[sd_notify::NotifyState::Ready]);
        }
        let Some(interval) = self.interval else {
            return;
        };
        let due = self
            .last_ping
            .is_none_or(|t| now.duration_since(t) >= Self::ping_every(interval));
        if due {
            self.last_ping = Some(now);
            self.send(&[sd_notify::NotifyState::Watchdog]);
            self.pings += 1;
            if self.freeze_after.is_some_and(|n| self.pings >= n) {
                freeze();
            }
        }
        ctx.request_repaint_after(interval / 3);
    }

    fn send(&mut self, state: &[sd_notify::NotifyState]) {
        if let Err(e) = sd_notify::notify(state) {
            if !self.failed_logged {
                self.failed_logged = true;
                tracing::error!(error = %e, "cannot notify systemd (NOTIFY_SOCKET)");
            }
        }
    }
}

/// The watchdog time if it is meant for this process: `WATCHDOG_PID` absent, this process, or
/// its parent (the kiosk runs as the child of `cage`, the service's main process, which
/// forwards nothing itself; `NotifyAccess=all` lets the child's pings count).
fn interval_from(usec: Option<&str>, pid: Option<&str>, own: u32, parent: u32) -> Option<Duration> {
    let usec: u64 = usec?.trim().parse().ok().filter(|u| *u > 0)?;
    let for_us = match pid {
        None => true,
        Some(p) => p
            .trim()
            .parse::<u32>()
            .is_ok_and(|p| p == own || p == parent),
    };
    for_us.then(|| Duration::from_micros(usec))
}

/// The debug-build test hook: the UI thread stops for good, as a hung screen would.
fn freeze() -> ! {
    tracing::warn!("{FREEZE_HOOK}: freezing the UI thread (debug build test hook)");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_time_counts_for_this_process_or_for_cage_its_parent() {
        let three = Some(Duration::from_secs(3));
        assert_eq!(interval_from(Some("3000000"), None, 10, 1), three);
        assert_eq!(interval_from(Some("3000000"), Some("10"), 10, 1), three);
        assert_eq!(interval_from(Some("3000000"), Some("1"), 10, 1), three);
        assert_eq!(interval_from(Some("3000000"), Some("77"), 10, 1), None);
        assert_eq!(interval_from(Some("0"), None, 10, 1), None);
        assert_eq!(interval_from(Some("soon"), None, 10, 1), None);
        assert_eq!(interval_from(None, Some("10"), 10, 1), None);
    }
}
