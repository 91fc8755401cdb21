//! The staff PIN: stored only as an Argon2id hash (PHC string) in the configuration, checked
//! off the UI thread, and locked for a while after five wrong tries in a row.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::time::{Duration, Instant};

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

/// Counts wrong tries and holds the lock.
#[derive(Debug, Clone)]
pub struct StaffGate {
    lockout: Duration,
    failures: u32,
    locked_until: Option<Instant>,
}

impl StaffGate {
    pub fn new(lockout: Duration) -> StaffGate {
        StaffGate {
            lockout,
            failures: 0,
            locked_until: None,
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
            self.failures = 0;
            self.locked_until = None;
            tracing::info!("staff area opened");
            return PinOutcome::Open;
        }
        self.failures += 1;
        tracing::warn!(failures = self.failures, "wrong staff PIN");
        if self.failures >= MAX_FAILURES {
            self.failures = 0;
            self.locked_until = Some(now + self.lockout);
            tracing::warn!(
                minutes = self.lockout.as_secs() / 60,
                "staff PIN locked after {MAX_FAILURES} wrong tries"
            );
            return PinOutcome::Locked {
                remaining: self.lockout,
            };
        }
        PinOutcome::Wrong {
            tries_left: MAX_FAILURES - self.failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
