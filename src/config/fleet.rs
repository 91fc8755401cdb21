//! `[fleet]`: the district's central register on PostgreSQL, validated. Off unless
//! `central_url` is set, so a single kiosk works alone as before; `staff = true` makes the
//! machine a staff workstation that works on the central register.

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
    pub(super) staff: bool,
    pub(super) key_dir: Option<PathBuf>,
}

impl Default for RawFleet {
    fn default() -> Self {
        RawFleet {
            central_url: None,
            password_file: None,
            heartbeat_seconds: 60,
            silent_after_minutes: 10,
            staff: false,
            key_dir: None,
        }
    }
}

/// A staff workstation at the centre (`fleet.staff = true`): `kiosk requests …` and the staff
/// screen work on the central register with the staff role of `central_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAtCentre {
    /// The key files of the district's kiosks (personal data at the centre stays sealed with
    /// the key of the kiosk that filed it).
    pub key_dir: PathBuf,
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
    /// `Some`: this machine is a staff workstation at the centre, not a kiosk.
    pub staff: Option<StaffAtCentre>,
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
    let staff = match (f.staff, &f.key_dir, &central) {
        (false, None, _) => None,
        (false, Some(_), _) => {
            return Err((
                "key `fleet.key_dir` is set but `fleet.staff` is not true".into(),
                "only a staff workstation at the centre (`fleet.staff = true`) holds the district's key files; a kiosk needs its own key only (`requests.key_file`): remove `key_dir`",
            ))
        }
        (true, _, None) => {
            return Err((
                "`fleet.staff = true` needs `fleet.central_url`".into(),
                "set central_url to the centre with a staff role (user=staff_NAME, made by `kiosk fleet add-staff NAME`)",
            ))
        }
        (true, None, Some(_)) => {
            return Err((
                "`fleet.staff = true` needs `fleet.key_dir`".into(),
                "set key_dir to a folder (mode 0700) holding a copy of every kiosk's register key file: personal data at the centre is sealed with the key of the kiosk that filed it",
            ))
        }
        (true, Some(dir), Some(_)) => Some(StaffAtCentre {
            key_dir: resolve(dir),
        }),
    };
    Ok(FleetSettings {
        central,
        heartbeat: Duration::from_secs(f.heartbeat_seconds),
        silent_after: Duration::from_secs(f.silent_after_minutes * 60),
        staff,
    })
}
