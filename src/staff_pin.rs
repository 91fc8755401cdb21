//! The staff PIN: stored only as an Argon2id hash (PHC string) in the configuration, checked
//! off the UI thread, and locked for a while after five wrong tries in a row. The demo PIN of
//! the shipped configuration opens the staff area only while the kiosk runs on the shipped
//! demo data: the staff area shows full ID numbers of real applicants.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::staff_lock::{self, Kept, LockStore};

use crate::config::{Format, SourceSettings};

/// The PIN of the shipped demo configuration, documented in the README.
pub const DEMO_PIN: &str = "246810";

/// The command that hashes a new PIN (see `src/main.rs`).
pub const SET_PIN_COMMAND: &str = "kiosk staff-pin";

/// What the PIN pad says when the demo PIN is used on real data.
pub const DEMO_PIN_REFUSED: &str = "本终端的工作人员密码仍是演示密码，只能用于演示数据，不能打开工作人员区。\
请在本机终端运行 kiosk staff-pin 命令，输入新密码（6至12位数字），把它输出的 staff_pin_hash 一行写入配置文件，然后重新启动本程序。";

/// The shipped demo data (`assets/demo/`), byte for byte.
const DEMO_FILES: [&[u8]; 2] = [
    include_bytes!("../assets/demo/disclosure.jsonl"),
    include_bytes!("../assets/demo/service-guide.jsonl"),
];

/// Whether the kiosk runs on the shipped demo data and nothing else: at least one source, and
/// every source a `kiosk-jsonl` file identical to one of the files of `assets/demo/`. A copy of
/// the demo configuration pointed at real exports, or the shared-corpus configuration, is not
/// the demo; neither is a demo file that was edited.
pub fn runs_on_demo_data(sources: &[SourceSettings]) -> bool {
    !sources.is_empty()
        && sources.iter().all(|s| {
            s.format == Format::KioskJsonl
                && std::fs::metadata(&s.path).is_ok_and(|m| {
                    m.is_file() && DEMO_FILES.iter().any(|d| d.len() as u64 == m.len())
                })
                && std::fs::read(&s.path).is_ok_and(|bytes| DEMO_FILES.contains(&&bytes[..]))
        })
}

/// What a PIN typed on the pad amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    Correct,
    Wrong,
    /// The configured PIN is still the demo PIN and the data is not the demo: the staff area
    /// stays shut until a PIN of the hall's own is set.
    DemoPinOnRealData,
}

/// Checks a PIN typed on the pad against the configured hash, refusing the demo PIN outside
/// the demo data. Slow on purpose (Argon2) and reads the source files: call it off the UI
/// thread.
pub fn check_staff_pin(hash: &str, pin: &str, sources: &[SourceSettings]) -> PinCheck {
    if !verify_pin(hash, pin) {
        return PinCheck::Wrong;
    }
    // The typed PIN verified, so the configured hash is the demo one exactly when the PIN is.
    if pin == DEMO_PIN && !runs_on_demo_data(sources) {
        tracing::warn!(
            "the demo staff PIN was entered but the kiosk does not run on the demo data: staff area refused; set a PIN with `{SET_PIN_COMMAND}`"
        );
        return PinCheck::DemoPinOnRealData;
    }
    PinCheck::Correct
}

/// Wrong tries in a row before the lock.
pub const MAX_FAILURES: u32 = 5;

/// Shortest and longest PIN accepted by `kiosk staff-pin`.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 6..=12;

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("the PIN must be {min} to {max} digits", min = PIN_DIGITS.start(), max = PIN_DIGITS.end())]
    Shape,
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
    #[error("no random bytes for the salt: {0}")]
    Random(String),
}

/// Hashes a PIN for `staff_pin_hash` in the configuration (Argon2id, random salt).
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    if !PIN_DIGITS.contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinError::Shape);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| PinError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PinError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// Whether `hash` is a PHC string the kiosk can verify against.
pub fn hash_is_valid(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

/// Checks a PIN against its stored hash. Slow on purpose (Argon2): call it off the UI thread.
pub fn verify_pin(hash: &str, pin: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "staff_pin_hash cannot be parsed");
            false
        }
    }
}

/// What one try at the PIN led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Open,
    Wrong { tries_left: u32 },
    Locked { remaining: Duration },
}

/// Counts wrong tries and holds the lock; [`StaffGate::kept_in`] keeps both in the state
/// folder, so a restart lifts neither.
#[derive(Debug)]
pub struct StaffGate {
    lockout: Duration,
    failures: u32,
    locked_until: Option<Instant>,
    store: Option<LockStore>,
}

impl StaffGate {
    /// A gate that forgets on restart (tests, and a state folder that cannot be written).
    pub fn new(lockout: Duration) -> StaffGate {
        StaffGate {
            lockout,
            failures: 0,
            locked_until: None,
            store: None,
        }
    }

    /// The gate as it was left in `state_dir`: the wrong tries counted and a lock still running.
    pub fn kept_in(lockout: Duration, state_dir: &Path) -> StaffGate {
        let kept = staff_lock::load(state_dir);
        let now = Instant::now();
        let remaining = kept.remaining(SystemTime::now(), lockout);
        if let Some(r) = remaining {
            tracing::warn!(
                minutes = r.as_secs().div_ceil(60),
                "the staff PIN is still locked after wrong tries before the restart"
            );
        }
        let store = LockStore::spawn(state_dir.to_path_buf())
            .map_err(|e| tracing::error!(error = %e, "cannot start the staff PIN lock writer"))
            .ok();
        StaffGate {
            lockout,
            failures: kept.failures.min(MAX_FAILURES - 1),
            locked_until: remaining.map(|r| now + r),
            store,
        }
    }

    /// Hands the count and the lock to the state folder.
    fn keep(&self, now: Instant) {
        if let Some(store) = &self.store {
            store.keep(Kept {
                failures: self.failures,
                locked_until: self
                    .locked(now)
                    .map(|r| Kept::lock_end(SystemTime::now(), r)),
            });
        }
    }

    /// The time left of a lock, if one holds at `now`.
    pub fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// Records the result of a verification made at `now`.
    pub fn record(&mut self, correct: bool, now: Instant) -> PinOutcome {
        if let Some(remaining) = self.locked(now) {
            return PinOutcome::Locked { remaining };
        }
        if correct {
            let had_failures = self.failures > 0 || self.locked_until.is_some();
            self.failures = 0;
            self.locked_until = None;
            if had_failures {
                self.keep(now);
            }
            tracing::info!("staff area opened");
            return PinOutcome::Open;
        }
        self.failures += 1;
        // The count only: the typed digits are never logged.
        tracing::warn!(failures = self.failures, "wrong staff PIN");
        if self.failures >= MAX_FAILURES {
            self.failures = 0;
            self.locked_until = Some(now + self.lockout);
            self.keep(now);
            tracing::warn!(
                minutes = self.lockout.as_secs() / 60,
                "staff PIN locked after {MAX_FAILURES} wrong tries"
            );
            return PinOutcome::Locked {
                remaining: self.lockout,
            };
        }
        self.keep(now);
        PinOutcome::Wrong {
            tries_left: MAX_FAILURES - self.failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use std::path::Path;

    /// A shipped configuration, parsed as if read from `kiosk-config/`.
    fn shipped(text: &str, name: &str) -> Settings {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        Settings::parse(text, &dir.join(name)).unwrap()
    }

    #[test]
    fn the_shipped_demo_configuration_runs_on_demo_data_and_the_shared_corpus_does_not() {
        let demo = shipped(crate::config::EXAMPLE_CONFIG, "kiosk.toml");
        assert!(runs_on_demo_data(&demo.sources));
        let shared = shipped(
            include_str!("../kiosk-config/shared-corpus.toml"),
            "shared-corpus.toml",
        );
        assert!(!runs_on_demo_data(&shared.sources));
        assert!(!runs_on_demo_data(&[]), "no data is not the demo either");

        // A copy of the demo file is still the demo; once edited, or with one real source
        // added, it is not.
        let tmp = tempfile::tempdir().unwrap();
        let mut sources = demo.sources.clone();
        let copy = tmp.path().join("disclosure.jsonl");
        std::fs::copy(&sources[0].path, &copy).unwrap();
        sources[0].path = copy.clone();
        assert!(runs_on_demo_data(&sources));
        let mut text = std::fs::read_to_string(&copy).unwrap();
        text.push_str(&text.lines().next().unwrap().replace("青禾县", "某某县"));
        std::fs::write(&copy, text).unwrap();
        assert!(!runs_on_demo_data(&sources));
        let mut with_real = demo.sources.clone();
        with_real.push(shared.sources[0].clone());
        assert!(!runs_on_demo_data(&with_real));
    }

    #[test]
    fn the_demo_pin_opens_only_on_the_demo_data_and_a_pin_of_ones_own_opens_anywhere() {
        let demo = shipped(crate::config::EXAMPLE_CONFIG, "kiosk.toml");
        let shared = shipped(
            include_str!("../kiosk-config/shared-corpus.toml"),
            "shared-corpus.toml",
        );
        // Both shipped configurations carry the demo PIN's hash.
        for s in [&demo, &shared] {
            let hash = s.screen.staff_pin_hash.as_deref().unwrap();
            assert!(verify_pin(hash, DEMO_PIN));
        }
        let demo_hash = demo.screen.staff_pin_hash.as_deref().unwrap();
        assert_eq!(
            check_staff_pin(demo_hash, DEMO_PIN, &demo.sources),
            PinCheck::Correct
        );
        assert_eq!(
            check_staff_pin(demo_hash, DEMO_PIN, &shared.sources),
            PinCheck::DemoPinOnRealData
        );
        assert_eq!(
            check_staff_pin(demo_hash, "135790", &shared.sources),
            PinCheck::Wrong
        );
        let own = hash_pin("731946").unwrap();
        assert_eq!(
            check_staff_pin(&own, "731946", &shared.sources),
            PinCheck::Correct
        );
        assert_eq!(
            check_staff_pin(&own, DEMO_PIN, &shared.sources),
            PinCheck::Wrong
        );
        assert!(DEMO_PIN_REFUSED.contains(SET_PIN_COMMAND));
    }

    #[test]
    fn a_hashed_pin_verifies_and_a_wrong_one_does_not() {
        let hash = hash_pin("246810").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(hash_is_valid(&hash));
        assert!(verify_pin(&hash, "246810"));
        assert!(!verify_pin(&hash, "246811"));
        // Two hashes of one PIN differ (random salt).
        assert_ne!(hash, hash_pin("246810").unwrap());
    }

    #[test]
    fn pins_of_the_wrong_shape_are_refused_and_garbage_hashes_never_open() {
        assert!(matches!(hash_pin("1234"), Err(PinError::Shape)));
        assert!(matches!(hash_pin("12345a"), Err(PinError::Shape)));
        assert!(!hash_is_valid("246810"));
        assert!(!verify_pin("not a hash", "246810"));
    }

    /// Issue 21 item 5: the lock after five wrong tries was held in memory only, so a restart
    /// of the kiosk lifted it (and forgot the tries before it).
    #[test]
    fn the_lock_and_the_wrong_tries_survive_a_restart() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let lockout = Duration::from_secs(300);
        let mut g = StaffGate::kept_in(lockout, &state);
        for _ in 0..3 {
            g.record(false, Instant::now());
        }
        drop(g); // the kiosk stops
        let mut g = StaffGate::kept_in(lockout, &state);
        assert_eq!(
            g.record(false, Instant::now()),
            PinOutcome::Wrong { tries_left: 1 },
            "the three tries before the restart still count"
        );
        assert!(matches!(
            g.record(false, Instant::now()),
            PinOutcome::Locked { .. }
        ));
        drop(g);
        let mut g = StaffGate::kept_in(lockout, &state);
        let left = g
            .locked(Instant::now())
            .expect("still locked after the restart");
        assert!(
            left > Duration::from_secs(290) && left <= lockout,
            "{left:?}"
        );
        assert!(matches!(
            g.record(true, Instant::now()),
            PinOutcome::Locked { .. }
        ));
        // The file holds a count and a time, nothing of a PIN.
        let kept = std::fs::read_to_string(state.join(crate::staff_lock::LOCK_FILE)).unwrap();
        assert!(
            kept.contains("\"failures\":0") && kept.contains("locked_until"),
            "{kept}"
        );
        // Once the lock has run out (its end moved into the past), the right PIN opens and
        // the next start finds no lock.
        drop(g);
        crate::staff_lock::save(
            &state,
            &Kept {
                failures: 0,
                locked_until: Some(1),
            },
        )
        .unwrap();
        let mut g = StaffGate::kept_in(lockout, &state);
        assert_eq!(g.record(true, Instant::now()), PinOutcome::Open);
        drop(g);
        assert!(StaffGate::kept_in(lockout, &state)
            .locked(Instant::now())
            .is_none());
    }

    /// Issue 21 item 5: wrong tries and the lock are logged by count, never with the digits.
    #[test]
    fn wrong_pins_and_the_lock_are_logged_without_the_digits() {
        #[derive(Clone, Default)]
        struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Log {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .without_time()
            .finish();
        let tmp = tempfile::tempdir().unwrap();
        let hash = hash_pin("731946").unwrap();
        tracing::subscriber::with_default(subscriber, || {
            let mut g = StaffGate::kept_in(Duration::from_secs(300), tmp.path());
            for pin in ["135790", "864213", "999999", "000000", "123456", "731946"] {
                let correct = check_staff_pin(&hash, pin, &[]) == PinCheck::Correct;
                g.record(correct, Instant::now());
            }
        });
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("wrong staff PIN") && text.contains("locked after"),
            "{text}"
        );
        for pin in ["135790", "864213", "999999", "000000", "123456", "731946"] {
            assert!(!text.contains(pin), "{pin} in the log:\n{text}");
        }
    }

    #[test]
    fn five_wrong_tries_lock_the_gate_even_against_the_right_pin() {
        let t0 = Instant::now();
        let mut g = StaffGate::new(Duration::from_secs(300));
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(g.record(false, t0), PinOutcome::Wrong { tries_left: left });
        }
        assert_eq!(
            g.record(false, t0),
            PinOutcome::Locked {
                remaining: Duration::from_secs(300)
            }
        );
        let later = t0 + Duration::from_secs(100);
        assert_eq!(
            g.record(true, later),
            PinOutcome::Locked {
                remaining: Duration::from_secs(200)
            }
        );
        assert_eq!(
            g.record(true, t0 + Duration::from_secs(301)),
            PinOutcome::Open
        );
    }
}
