//! The idle reset of a shared public terminal: after `idle` without a touch, a warning with a
//! countdown of `warning` and one large 「继续使用」 button; when the countdown ends, the visitor's
//! traces are wiped. Pure: the caller passes the time, so tests need no clock.

use std::time::{Duration, Instant};

/// Where the visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdlePhase {
    /// Someone is using the kiosk (or nothing is left to wipe).
    Active,
    /// The warning is up; the visit ends after this much time without a touch.
    Warning { remaining: Duration },
    /// The countdown ran out: wipe now.
    Expired,
}

#[derive(Debug, Clone)]
pub struct IdleTimer {
    idle: Duration,
    warning: Duration,
    last_input: Instant,
}

impl IdleTimer {
    /// `idle`: quiet time before the warning; `warning`: the countdown after it.
    pub fn new(idle: Duration, warning: Duration, now: Instant) -> IdleTimer {
        IdleTimer {
            idle,
            warning,
            last_input: now,
        }
    }

    /// A touch, a key or a drag: the visitor is still there.
    pub fn touch(&mut self, now: Instant) {
        self.last_input = now;
    }

    pub fn phase(&self, now: Instant) -> IdlePhase {
        let quiet = now.saturating_duration_since(self.last_input);
        if quiet < self.idle {
            IdlePhase::Active
        } else if quiet < self.idle + self.warning {
            IdlePhase::Warning {
                remaining: self.idle + self.warning - quiet,
            }
        } else {
            IdlePhase::Expired
        }
    }

    /// When the screen must next be redrawn for the timer's sake (the warning appearing, the
    /// countdown ticking each second, the wipe).
    pub fn next_wake(&self, now: Instant) -> Duration {
        match self.phase(now) {
            IdlePhase::Active => (self.last_input + self.idle).saturating_duration_since(now),
            IdlePhase::Warning { remaining } => {
                let sub = remaining.subsec_nanos();
                if sub == 0 {
                    Duration::from_secs(1)
                } else {
                    Duration::from_nanos(u64::from(sub))
                }
            }
            IdlePhase::Expired => Duration::ZERO,
        }
    }

    pub fn warning(&self) -> Duration {
        self.warning
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_after_the_idle_time_then_expires_after_the_countdown() {
        let t0 = Instant::now();
        let mut t = IdleTimer::new(Duration::from_secs(90), Duration::from_secs(30), t0);
        assert_eq!(t.phase(t0 + Duration::from_secs(89)), IdlePhase::Active);
        assert_eq!(
            t.phase(t0 + Duration::from_secs(90)),
            IdlePhase::Warning {
                remaining: Duration::from_secs(30)
            }
        );
        assert_eq!(
            t.phase(t0 + Duration::from_millis(110_500)),
            IdlePhase::Warning {
                remaining: Duration::from_millis(9_500)
            }
        );
        assert_eq!(t.phase(t0 + Duration::from_secs(120)), IdlePhase::Expired);
        // A touch during the warning starts the visit's clock again.
        t.touch(t0 + Duration::from_secs(100));
        assert_eq!(t.phase(t0 + Duration::from_secs(120)), IdlePhase::Active);
    }

    #[test]
    fn wakes_exactly_when_something_changes_and_not_before() {
        let t0 = Instant::now();
        let t = IdleTimer::new(Duration::from_secs(90), Duration::from_secs(30), t0);
        assert_eq!(
            t.next_wake(t0 + Duration::from_secs(10)),
            Duration::from_secs(80)
        );
        assert_eq!(
            t.next_wake(t0 + Duration::from_millis(95_250)),
            Duration::from_millis(750)
        );
        assert_eq!(t.next_wake(t0 + Duration::from_secs(200)), Duration::ZERO);
    }
}
