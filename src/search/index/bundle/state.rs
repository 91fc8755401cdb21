//! What a kiosk keeps about bundles in `<index_dir>/bundle-state.json`: the last bundle it
//! accepted (its version is the floor against rollback) and the outcome of the last pull (a
//! refusal's reason, for `kiosk index status` and the staff area); on the build host, the last
//! version published. Must not touch generations.

use super::super::layout::write_durably;
use super::super::IndexError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The state file's name in the index folder.
pub const STATE_FILE: &str = "bundle-state.json";

/// The bundle a kiosk switched to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Accepted {
    pub version: u64,
    pub generation: String,
    pub data_date: Option<chrono::NaiveDate>,
    pub expires_at: chrono::DateTime<chrono::Local>,
    pub at: chrono::DateTime<chrono::Local>,
    pub source: String,
}

/// The outcome of one pull.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PullOutcome {
    pub at: chrono::DateTime<chrono::Local>,
    pub source: String,
    pub ok: bool,
    /// The version the bundle offered, when its manifest could be read.
    pub version: Option<u64>,
    /// What happened, in English (a refusal's reason).
    pub message: String,
    /// The same in Chinese, for the staff area.
    pub chinese: String,
}

/// `bundle-state.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BundleState {
    /// The last bundle accepted (kiosk).
    #[serde(default)]
    pub accepted: Option<Accepted>,
    /// The last pull, accepted or refused (kiosk).
    #[serde(default)]
    pub last_pull: Option<PullOutcome>,
    /// The last version published from this index folder (build host).
    #[serde(default)]
    pub published: Option<u64>,
}

impl BundleState {
    /// Reads the state of `index_dir`; none yet is the empty state. An unreadable file is an
    /// error: forgetting the accepted version would open the door to a rollback.
    pub fn read(index_dir: &Path) -> Result<BundleState, IndexError> {
        let path = index_dir.join(STATE_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|error| IndexError::Manifest { path, error })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BundleState::default()),
            Err(error) => Err(IndexError::Io { path, error }),
        }
    }

    /// Writes the state durably (temporary name, flush, rename).
    pub fn write(&self, index_dir: &Path) -> Result<(), IndexError> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        write_durably(&index_dir.join(STATE_FILE), text.as_bytes())
    }

    /// The version below which (and at which) bundles are refused.
    pub fn floor(&self) -> u64 {
        self.accepted.as_ref().map_or(0, |a| a.version)
    }
}
