//! `[fleet]`: the district's central register on PostgreSQL, validated. Off unless
//! `central_url` is set, so a single kiosk works alone as before.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `[fleet]` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawFleet {
    pub(super) central_url: Option<String>,
    pub(super) password_file: Option<PathBuf>,
    pub(super) heartbeat_seconds: u64,
    pub(super) silent_after_minutes: u64,
}

impl Default for RawFleet {
    fn default() -> Self {
        RawFleet {
            central_url: None,
            password_file: None,
            heartbeat_seconds: 60,
            silent_after_minutes: 10,
        }
    }
}

/// Where the central register is and who this kiosk (or staff workstation) is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralSettings {
    /// libpq key=value connection string without a password (host, port, dbname, user).
    pub url: String,
    /// A file holding only the database role's password (mode 0600).
    pub password_file: Option<PathBuf>,
}

/// Validated `[fleet]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSettings {
    /// `None`: no central register, the kiosk works alone.
    pub central: Option<CentralSettings>,
    /// How often a kiosk reports to the centre.
    pub heartbeat: Duration,
    /// A kiosk not heard of for this long is flagged silent by `kiosk fleet status`.
    pub silent_after: Duration,
}

pub(super) fn validate_fleet(
    f: &RawFleet,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<FleetSettings, (String, &'static str)> {
    let central = match f.central_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(url) => {
            let parsed = url.parse::<postgres::Config>().map_err(|e| {
                (
                    format!("key `fleet.central_url` is not a PostgreSQL connection string: {e}"),
                    "write key=value pairs such as \"host=10.1.0.5 port=5432 dbname=kiosk_fleet user=kiosk_qh01\"",
                )
            })?;
            if parsed.get_password().is_some() {
                return Err((
                    "key `fleet.central_url` contains a password".into(),
                    "remove password=… from the URL and put the password alone in the file named by `fleet.password_file` (mode 0600)",
                ));
            }
            if parsed.get_user().is_none() {
                return Err((
                    "key `fleet.central_url` names no user".into(),
                    "add user=… (the kiosk's role, e.g. kiosk_qh01, or a staff role)",
                ));
            }
            Some(CentralSettings {
                url: url.to_string(),
                password_file: f.password_file.as_deref().map(resolve),
            })
        }
    };
    if f.heartbeat_seconds == 0 || f.silent_after_minutes == 0 {
        return Err((
            "`fleet.heartbeat_seconds` or `fleet.silent_after_minutes` is 0".into(),
            "report at least every few minutes (default 60 s) and flag a kiosk silent after a few missed reports (default 10 minutes)",
        ));
    }
    if f.silent_after_minutes * 60 < f.heartbeat_seconds * 2 {
        return Err((
            format!(
                "`fleet.silent_after_minutes = {}` is shorter than two heartbeats of {} s",
                f.silent_after_minutes, f.heartbeat_seconds
            ),
            "flag a kiosk silent only after it missed at least two reports",
        ));
    }
    Ok(FleetSettings {
        central,
        heartbeat: Duration::from_secs(f.heartbeat_seconds),
        silent_after: Duration::from_secs(f.silent_after_minutes * 60),
    })
}
