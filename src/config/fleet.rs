//! `[fleet]`: the district's central register on PostgreSQL, validated. Off unless
//! `central_url` is set, so a single kiosk works alone as before; `staff = true` makes the
//! machine a staff workstation that works on the central register. How the connection is
//! protected (TLS with the district CA of `ca_file`, or none) is decided here, once.

pub use super::conninfo::SslMode;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `[fleet]` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawFleet {
    pub(super) central_url: Option<String>,
    pub(super) password_file: Option<PathBuf>,
    pub(super) ca_file: Option<PathBuf>,
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
            ca_file: None,
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
    /// libpq connection string without a password and without `sslmode` (host, port, dbname,
    /// user), as the `postgres` crate reads it.
    pub url: String,
    /// A file holding only the database role's password (mode 0600).
    pub password_file: Option<PathBuf>,
    /// How the connection is protected.
    pub tls: CentralTls,
}

/// TLS to the centre, from `sslmode` in the connection string and `fleet.ca_file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralTls {
    /// No TLS: `sslmode=disable` written (`explicit`), or neither `sslmode` nor `ca_file` (as
    /// before TLS was offered; a centre that is not on this machine is warned about in the log).
    Off { explicit: bool },
    /// TLS or no connection at all: the server must offer TLS and its certificate must be
    /// signed by the CA in `ca_file`; with `check_host` (verify-full, the default with a
    /// `ca_file`) it must also be made out for the host name connected to.
    Required {
        ca_file: PathBuf,
        check_host: bool,
        /// The mode in force, for messages (`verify-full`, `verify-ca` or `require`).
        mode: SslMode,
    },
}

impl CentralSettings {
    /// Reads a connection string and the CA file into settings. Used for `[fleet]` and for the
    /// administrator's `--admin-url`/`--ca-file`; the error names the key and the fix.
    pub fn parse(
        url: &str,
        password_file: Option<PathBuf>,
        ca_file: Option<PathBuf>,
    ) -> Result<CentralSettings, (String, &'static str)> {
        const FORM: &str = "write key=value pairs such as \"host=10.1.0.5 port=5432 dbname=kiosk_fleet user=kiosk_qh01\"";
        let split = super::conninfo::split(url).map_err(|e| {
            (
                format!("key `fleet.central_url` is not a PostgreSQL connection string: {e}"),
                FORM,
            )
        })?;
        if split.sslrootcert {
            return Err((
                "key `fleet.central_url` names sslrootcert".into(),
                "put the path of the district CA certificate (PEM) in `fleet.ca_file` instead",
            ));
        }
        let parsed = split.rest.parse::<postgres::Config>().map_err(|e| {
            (
                format!("key `fleet.central_url` is not a PostgreSQL connection string: {e}"),
                FORM,
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
        Ok(CentralSettings {
            url: split.rest,
            password_file,
            tls: tls(split.sslmode, ca_file)?,
        })
    }
}

/// The protection `sslmode` and `ca_file` ask for together; contradictions are refused.
fn tls(
    sslmode: Option<SslMode>,
    ca_file: Option<PathBuf>,
) -> Result<CentralTls, (String, &'static str)> {
    use SslMode::*;
    Ok(match (sslmode, ca_file) {
        (None, None) => CentralTls::Off { explicit: false },
        (Some(Disable), None) => CentralTls::Off { explicit: true },
        (Some(Disable), Some(_)) => {
            return Err((
                "`fleet.ca_file` is set but `fleet.central_url` says sslmode=disable".into(),
                "remove sslmode=disable to check the centre's certificate against the CA (verify-full), or remove ca_file in a lab without TLS",
            ))
        }
        (Some(mode @ (Allow | Prefer)), _) => {
            return Err((
                format!(
                    "`fleet.central_url` says sslmode={}: it would fall back to a connection in clear whenever TLS is declined (by the server or by someone in between)",
                    mode.as_str()
                ),
                "write sslmode=verify-full and set `fleet.ca_file` to the district CA certificate, or sslmode=disable in a lab",
            ))
        }
        (Some(mode @ (Require | VerifyCa | VerifyFull)), None) => {
            return Err((
                format!(
                    "`fleet.central_url` says sslmode={} but `fleet.ca_file` is not set",
                    mode.as_str()
                ),
                "set ca_file to the district CA certificate (PEM) that signed the centre's certificate (docs/fleet.md); without it the centre cannot be told from an impostor",
            ))
        }
        (None, Some(ca_file)) => CentralTls::Required {
            ca_file,
            check_host: true,
            mode: VerifyFull,
        },
        (Some(mode @ (Require | VerifyCa | VerifyFull)), Some(ca_file)) => CentralTls::Required {
            ca_file,
            check_host: mode == VerifyFull,
            mode,
        },
    })
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
        Some(url) => Some(CentralSettings::parse(
            url,
            f.password_file.as_deref().map(resolve),
            f.ca_file.as_deref().map(resolve),
        )?),
    };
    if central.is_none() && f.ca_file.is_some() {
        return Err((
            "key `fleet.ca_file` is set but `fleet.central_url` is not".into(),
            "set central_url too, or remove ca_file",
        ));
    }
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
