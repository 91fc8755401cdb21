//! Configuration: `kiosk-config/*.toml` → validated [`Settings`].
//!
//! Strict by design: an unknown key, a duplicate source name or a missing mapping is a start-up
//! error that names the file, the key and the fix. Paths in the file are relative to the file.
//! Owns no IO beyond reading the one file; knows nothing about the index or the UI.

mod bundle;
mod conninfo;
mod fleet;
mod paths;
mod raw;
mod requests;
mod sources;
#[cfg(test)]
mod tests;
mod writable;

pub use bundle::BundleSettings;
pub use fleet::{CentralSettings, CentralTls, FleetSettings, SslMode, StaffAtCentre};
pub use paths::PathUse;
pub use requests::{EscposTarget, RequestSettings};
pub use sources::{FieldMapping, Format, SourceSettings};

use raw::RawConfig;
use requests::validate_requests;
use serde::Deserialize;
use sources::validate_sources;
use std::path::{Path, PathBuf};

/// The documented example configuration, embedded so a test can parse it and it never rots.
pub const EXAMPLE_CONFIG: &str = include_str!("../../kiosk-config/kiosk.toml");

/// A configuration file that cannot be read or is invalid (the same type as a holiday
/// calendar's error).
pub type ConfigError = crate::file_error::FileError;

/// The safety gate and freshness watch of `kiosk index build|refresh` (`[refresh]`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefreshSettings {
    /// Refuse a build or refresh that would remove more than this share of the current records.
    pub max_removed_share: f64,
    /// Refuse a build or refresh when a source has more than this share of bad records.
    pub max_bad_share: f64,
    /// Warn staff when the current generation was built longer ago than this many days.
    pub stale_after_days: u32,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            max_removed_share: 0.2,
            max_bad_share: 0.05,
            stale_after_days: 7,
        }
    }
}

/// How the screen behaves (the `[kiosk]` keys about visitors and staff).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenSettings {
    /// Quiet time before the idle warning.
    pub idle: std::time::Duration,
    /// The countdown of the idle warning (at least 20 s).
    pub idle_warning: std::time::Duration,
    /// Start every visit in the elderly mode (large type, large targets).
    pub elderly_mode: bool,
    /// Start every visit in the high-contrast palette.
    pub high_contrast: bool,
    /// Argon2 PHC hash of the staff PIN; without it the staff area cannot be opened.
    pub staff_pin_hash: Option<String>,
    /// How long the PIN stays locked after five wrong tries.
    pub staff_lockout: std::time::Duration,
    /// The speech engine of the 读屏 switch: program and arguments; the text goes to its
    /// standard input.
    pub read_aloud_command: Vec<String>,
}

/// The validated configuration (the "high" config).
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub hall_name: String,
    pub index_dir: PathBuf,
    /// What the kiosk keeps between runs besides the index and the register (the staff PIN's
    /// lock after wrong tries).
    pub state_dir: PathBuf,
    pub keep_generations: usize,
    pub font: Option<PathBuf>,
    pub fallback_fonts: Vec<PathBuf>,
    pub screen: ScreenSettings,
    pub refresh: RefreshSettings,
    pub sources: Vec<SourceSettings>,
    pub requests: RequestSettings,
    pub fleet: FleetSettings,
    pub bundle: BundleSettings,
}

impl Settings {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            what: "configuration file",
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text, path)
    }

    /// Validates configuration text as if read from `path` (relative paths resolve against it).
    pub fn parse(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let invalid = |message: String, fix: &str| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
            fix: fix.to_string(),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            invalid(
                e.to_string().trim_end().to_string(),
                "correct or remove the key named above; every valid key is documented in kiosk-config/kiosk.toml",
            )
        })?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };

        let shares = [
            ("refresh.max_removed_share", raw.refresh.max_removed_share),
            ("refresh.max_bad_share", raw.refresh.max_bad_share),
        ];
        for (key, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err(invalid(
                    format!("key `{key}` is {v}, outside 0.0 to 1.0"),
                    "write a share between 0.0 and 1.0, e.g. 0.2 for 20 %",
                ));
            }
        }
        if raw.kiosk.keep_generations == 0 {
            return Err(invalid(
                "key `kiosk.keep_generations` is 0".into(),
                "keep at least 1 index generation (the default is 3)",
            ));
        }
        let sources = validate_sources(&raw.sources, &resolve).map_err(|(m, f)| invalid(m, f))?;
        let requests =
            validate_requests(&raw.requests, &resolve).map_err(|(m, f)| invalid(m, f))?;
        let fleet = fleet::validate_fleet(&raw.fleet, &resolve).map_err(|(m, f)| invalid(m, f))?;
        let screen = validate_screen(&raw.kiosk).map_err(|(m, f)| invalid(m, f))?;
        let bundle =
            bundle::validate_bundle(&raw.bundle, &resolve).map_err(|(m, f)| invalid(m, f))?;
        Ok(Settings {
            config_path: path.to_path_buf(),
            hall_name: raw.kiosk.hall_name,
            index_dir: resolve(&raw.kiosk.index_dir),
            state_dir: resolve(&raw.kiosk.state_dir),
            keep_generations: raw.kiosk.keep_generations,
            font: raw.kiosk.font.as_deref().map(resolve),
            fallback_fonts: raw
                .kiosk
                .fallback_fonts
                .iter()
                .map(|p| resolve(p))
                .collect(),
            screen,
            refresh: raw.refresh,
            sources,
            requests,
            fleet,
            bundle,
        })
    }
}

/// The `[kiosk]` keys about visitors and staff; the message and fix of the first problem.
fn validate_screen(k: &raw::RawKiosk) -> Result<ScreenSettings, (String, &'static str)> {
    if k.idle_warning_seconds < 20 || k.idle_seconds < 10 {
        return Err((
            format!(
                "`kiosk.idle_seconds = {}` / `kiosk.idle_warning_seconds = {}` are too short",
                k.idle_seconds, k.idle_warning_seconds
            ),
            "give the visitor at least 10 s before the warning and a countdown of at least 20 s (defaults 90 and 30)",
        ));
    }
    if let Some(h) = &k.staff_pin_hash {
        if !crate::staff_pin::hash_is_valid(h) {
            return Err((
                "`kiosk.staff_pin_hash` is not an Argon2 hash".into(),
                "write the line that `kiosk staff-pin` prints (it reads the PIN from standard input); never write the PIN itself",
            ));
        }
    }
    if k.staff_lockout_minutes == 0 {
        return Err((
            "`kiosk.staff_lockout_minutes` is 0".into(),
            "lock the PIN for at least 1 minute after five wrong tries (default 5)",
        ));
    }
    if k.read_aloud_command
        .first()
        .is_none_or(|p| p.trim().is_empty())
    {
        return Err((
            "`kiosk.read_aloud_command` names no program".into(),
            "leave the key out for espeak-ng's Mandarin voice, or give the program and its arguments, e.g. [\"espeak-ng\", \"-v\", \"cmn-latn-pinyin\", \"--stdin\"]",
        ));
    }
    Ok(ScreenSettings {
        idle: std::time::Duration::from_secs(k.idle_seconds),
        idle_warning: std::time::Duration::from_secs(k.idle_warning_seconds),
        elderly_mode: k.elderly_mode,
        high_contrast: k.high_contrast,
        staff_pin_hash: k.staff_pin_hash.clone(),
        staff_lockout: std::time::Duration::from_secs(k.staff_lockout_minutes * 60),
        read_aloud_command: k.read_aloud_command.clone(),
    })
}
