//! The configuration file's shape exactly as written (the "low" config), before validation.

use super::sources::RawSource;
use super::RefreshSettings;
use serde::Deserialize;
use std::path::PathBuf;

/// Raw file shape, exactly as written (the "low" config).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) kiosk: RawKiosk,
    #[serde(default)]
    pub(super) refresh: RefreshSettings,
    #[serde(default)]
    pub(super) sources: Vec<RawSource>,
    #[serde(default)]
    pub(super) requests: RawRequests,
    #[serde(default)]
    pub(super) fleet: super::fleet::RawFleet,
    #[serde(default)]
    pub(super) bundle: super::bundle::RawBundle,
}

/// `[requests]`: disclosure requests (optional; every key has a default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawRequests {
    pub(super) register: PathBuf,
    pub(super) key_file: PathBuf,
    pub(super) kiosk_id: String,
    pub(super) agency: String,
    pub(super) agency_phone: Option<String>,
    pub(super) retention_days: u32,
    pub(super) cups_queue: String,
    pub(super) escpos: Option<String>,
    pub(super) holidays: PathBuf,
}

impl Default for RawRequests {
    fn default() -> Self {
        RawRequests {
            register: PathBuf::from("/var/lib/kiosk/requests.sqlite"),
            key_file: PathBuf::from("/var/lib/kiosk/register.key"),
            kiosk_id: "QH01".into(),
            agency: "青禾县人民政府办公室".into(),
            agency_phone: None,
            retention_days: 180,
            cups_queue: "kiosk".into(),
            escpos: None,
            holidays: PathBuf::from("holidays"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKiosk {
    pub(super) hall_name: String,
    pub(super) index_dir: PathBuf,
    #[serde(default = "default_keep_generations")]
    pub(super) keep_generations: usize,
    #[serde(default)]
    pub(super) font: Option<PathBuf>,
    #[serde(default)]
    pub(super) fallback_fonts: Vec<PathBuf>,
    #[serde(default = "default_idle_seconds")]
    pub(super) idle_seconds: u64,
    #[serde(default = "default_idle_warning_seconds")]
    pub(super) idle_warning_seconds: u64,
    #[serde(default)]
    pub(super) elderly_mode: bool,
    #[serde(default)]
    pub(super) high_contrast: bool,
    #[serde(default)]
    pub(super) staff_pin_hash: Option<String>,
    #[serde(default = "default_staff_lockout_minutes")]
    pub(super) staff_lockout_minutes: u64,
    #[serde(default = "default_read_aloud_command")]
    pub(super) read_aloud_command: Vec<String>,
    #[serde(default = "default_state_dir")]
    pub(super) state_dir: PathBuf,
}

fn default_state_dir() -> PathBuf {
    PathBuf::from("/var/lib/kiosk/state")
}

fn default_keep_generations() -> usize {
    3
}

fn default_idle_seconds() -> u64 {
    90
}

fn default_idle_warning_seconds() -> u64 {
    30
}

/// espeak-ng's Mandarin voice reading standard input (see `crate::speech`).
pub(super) fn default_read_aloud_command() -> Vec<String> {
    ["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "150", "--stdin"]
        .map(String::from)
        .to_vec()
}

fn default_staff_lockout_minutes() -> u64 {
    5
}
