//! `[bundle]`: signed index bundles for a fleet of kiosks (the build host's secret key and how
//! long a bundle is valid; a kiosk's public key and where it pulls from), validated.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `[bundle]` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawBundle {
    pub(super) public_key: Option<PathBuf>,
    pub(super) source: Option<String>,
    pub(super) secret_key: Option<PathBuf>,
    pub(super) valid_days: u32,
}

impl Default for RawBundle {
    fn default() -> Self {
        RawBundle {
            public_key: None,
            source: None,
            secret_key: None,
            valid_days: 3,
        }
    }
}

/// Validated `[bundle]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSettings {
    /// (kiosk) The public key that every pulled bundle must verify with.
    pub public_key: Option<PathBuf>,
    /// (kiosk) Where `kiosk index pull` reads without `--from`: a folder, or an `http://` URL.
    pub source: Option<String>,
    /// (build host) The secret key `kiosk index publish` signs with.
    pub secret_key: Option<PathBuf>,
    /// (build host) Days a published bundle stays valid.
    pub valid_days: u32,
}

pub(super) fn validate_bundle(
    b: &RawBundle,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<BundleSettings, (String, &'static str)> {
    if !(1..=366).contains(&b.valid_days) {
        return Err((
            format!("key `bundle.valid_days = {}` is outside 1 to 366", b.valid_days),
            "give a published bundle a few days of validity (default 3): longer than the gap between two nightly builds, short enough that a replayed old bundle is refused",
        ));
    }
    let source = b.source.as_ref().map(|s| {
        if s.to_ascii_lowercase().starts_with("http") {
            s.clone()
        } else {
            resolve(Path::new(s)).display().to_string()
        }
    });
    Ok(BundleSettings {
        public_key: b.public_key.as_deref().map(resolve),
        source,
        secret_key: b.secret_key.as_deref().map(resolve),
        valid_days: b.valid_days,
    })
}
