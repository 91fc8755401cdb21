//! Configuration: `kiosk-config/*.toml` → validated [`Settings`].
//!
//! Strict by design: an unknown key, a duplicate source name or a missing mapping is a start-up
//! error that names the file, the key and the fix. Paths in the file are relative to the file.
//! Owns no IO beyond reading the one file; knows nothing about the index or the UI.

use crate::catalog::{Disclosure, Kind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The documented example configuration, embedded so a test can parse it and it never rots.
pub const EXAMPLE_CONFIG: &str = include_str!("../kiosk-config/kiosk.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}\nFix: {fix}")]
    Invalid {
        path: PathBuf,
        message: String,
        fix: String,
    },
}

/// Raw file shape, exactly as written (the "low" config).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    kiosk: RawKiosk,
    #[serde(default)]
    refresh: RefreshSettings,
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    requests: RawRequests,
}

/// `[requests]`: disclosure requests (optional; every key has a default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRequests {
    register: PathBuf,
    key_file: PathBuf,
    kiosk_id: String,
    agency: String,
    agency_phone: Option<String>,
    retention_days: u32,
    cups_queue: String,
    escpos: Option<String>,
    holidays: PathBuf,
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

/// Where ESC/POS receipts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscposTarget {
    /// A raw device file, e.g. `/dev/usb/lp0`.
    Device(PathBuf),
    /// A network printer's raw port, `host:port` (usually 9100).
    Tcp(String),
}

/// Validated `[requests]` settings.
#[derive(Debug, Clone)]
pub struct RequestSettings {
    pub register: PathBuf,
    pub key_file: PathBuf,
    pub kiosk_id: String,
    pub agency: String,
    pub agency_phone: Option<String>,
    pub retention_days: u32,
    pub cups_queue: String,
    pub escpos: Option<EscposTarget>,
    pub holidays: PathBuf,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    hall_name: String,
    index_dir: PathBuf,
    #[serde(default = "default_keep_generations")]
    keep_generations: usize,
    #[serde(default)]
    font: Option<PathBuf>,
    #[serde(default)]
    fallback_fonts: Vec<PathBuf>,
    #[serde(default = "default_idle_seconds")]
    idle_seconds: u64,
    #[serde(default = "default_idle_warning_seconds")]
    idle_warning_seconds: u64,
    #[serde(default)]
    elderly_mode: bool,
    #[serde(default)]
    high_contrast: bool,
    #[serde(default)]
    staff_pin_hash: Option<String>,
    #[serde(default = "default_staff_lockout_minutes")]
    staff_lockout_minutes: u64,
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

fn default_staff_lockout_minutes() -> u64 {
    5
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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    kind: String,
    format: String,
    path: PathBuf,
    #[serde(default)]
    url_template: Option<String>,
    #[serde(default)]
    mapping: Option<FieldMapping>,
    #[serde(default)]
    default_disclosure: Option<String>,
}

/// Which field of a foreign JSON record feeds which field of a [`crate::catalog::Record`].
/// Every value is a field name of the foreign record.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    pub id: String,
    /// The title field; when absent the title is derived from the first body field.
    #[serde(default)]
    pub title: Option<String>,
    /// Fields joined (one paragraph each) into the body.
    #[serde(default)]
    pub body: Vec<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub doc_number: Option<String>,
    #[serde(default)]
    pub published_date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// The 公开属性 field (主动公开 / 依申请公开 / 不予公开). Without it, government information is
    /// not public unless the source sets `default_disclosure`.
    #[serde(default)]
    pub disclosure: Option<String>,
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub item_type: Option<String>,
    #[serde(default)]
    pub service_objects: Option<String>,
    #[serde(default)]
    pub conditions: Option<String>,
    #[serde(default)]
    pub materials: Option<String>,
    #[serde(default)]
    pub legal_time_limit: Option<String>,
    #[serde(default)]
    pub promised_time_limit: Option<String>,
    #[serde(default)]
    pub fees: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub consult_phone: Option<String>,
    #[serde(default)]
    pub complaint_phone: Option<String>,
}

/// The input formats the kiosk can import; one importer file each under `ingest/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// gov.cn-style 信息公开 detail pages, one HTML file per record.
    PortalHtml,
    /// Markdown law texts with `db.sqlite3` metadata.
    LawMarkdown,
    /// Foreign JSON Lines with a field mapping.
    MappedJsonl,
    /// The kiosk's own JSON Lines schema (docs/kiosk-jsonl.md).
    KioskJsonl,
}

impl Format {
    const NAMES: [(&'static str, Format); 4] = [
        ("portal-html", Format::PortalHtml),
        ("law-markdown", Format::LawMarkdown),
        ("mapped-jsonl", Format::MappedJsonl),
        ("kiosk-jsonl", Format::KioskJsonl),
    ];

    fn parse(s: &str) -> Option<Format> {
        Format::NAMES.iter().find(|(n, _)| *n == s).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Format::NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// One configured data source, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSettings {
    pub name: String,
    pub kind: Kind,
    pub format: Format,
    /// Absolute or config-relative path resolved against the config file's folder.
    pub path: PathBuf,
    pub url_template: Option<String>,
    pub mapping: Option<FieldMapping>,
    /// The 公开属性 of records that carry none (`default_disclosure`); `None`: government
    /// information without one is not public.
    pub default_disclosure: Option<Disclosure>,
}

/// The validated configuration (the "high" config).
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub hall_name: String,
    pub index_dir: PathBuf,
    pub keep_generations: usize,
    pub font: Option<PathBuf>,
    pub fallback_fonts: Vec<PathBuf>,
    pub screen: ScreenSettings,
    pub refresh: RefreshSettings,
    pub sources: Vec<SourceSettings>,
    pub requests: RequestSettings,
}

impl Settings {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
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
        let mut names: BTreeMap<&str, ()> = BTreeMap::new();
        let mut sources = Vec::new();
        for (i, s) in raw.sources.iter().enumerate() {
            let at = format!("sources[{i}] (`{}`)", s.name);
            if s.name.trim().is_empty() || names.insert(&s.name, ()).is_some() {
                return Err(invalid(
                    format!("{at}: source name is empty or used twice"),
                    "give every [[sources]] entry its own non-empty `name`",
                ));
            }
            let kind = Kind::from_str_opt(&s.kind).ok_or_else(|| {
                invalid(
                    format!("{at}: unknown `kind = \"{}\"`", s.kind),
                    "use one of \"government_info\", \"service_guide\", \"law\"",
                )
            })?;
            let format = Format::parse(&s.format).ok_or_else(|| {
                invalid(
                    format!("{at}: unknown `format = \"{}\"`", s.format),
                    "use one of \"portal-html\", \"law-markdown\", \"mapped-jsonl\", \"kiosk-jsonl\"",
                )
            })?;
            match (format, &s.mapping) {
                (Format::MappedJsonl, None) => {
                    return Err(invalid(
                        format!("{at}: `format = \"mapped-jsonl\"` needs a `[sources.mapping]` table"),
                        "add `[sources.mapping]` with at least `id = \"FIELD\"` and a title or body field",
                    ))
                }
                (Format::MappedJsonl, Some(m)) if m.title.is_none() && m.body.is_empty() => {
                    return Err(invalid(
                        format!("{at}: the mapping has neither `title` nor `body`"),
                        "map at least one of `title` or `body` to a field of the records",
                    ))
                }
                (Format::MappedJsonl, Some(_)) | (_, None) => {}
                (_, Some(_)) => {
                    return Err(invalid(
                        format!("{at}: `mapping` is only used with `format = \"mapped-jsonl\"`"),
                        "remove the `[sources.mapping]` table of this source",
                    ))
                }
            }
            let default_disclosure = match s.default_disclosure.as_deref() {
                None => None,
                Some(v) => Some(Disclosure::from_label(v).ok_or_else(|| {
                    invalid(
                        format!("{at}: `default_disclosure = \"{v}\"` is not a 公开属性"),
                        "write \"主动公开\" (only for a feed that carries nothing but published records), \"依申请公开\" or \"不予公开\", or remove the key",
                    )
                })?),
            };
            sources.push(SourceSettings {
                name: s.name.clone(),
                kind,
                format,
                path: resolve(&s.path),
                url_template: s.url_template.clone(),
                mapping: s.mapping.clone(),
                default_disclosure,
            });
        }
        let requests =
            validate_requests(&raw.requests, &resolve).map_err(|(m, f)| invalid(m, f))?;
        let k = &raw.kiosk;
        if k.idle_warning_seconds < 20 || k.idle_seconds < 10 {
            return Err(invalid(
                format!(
                    "`kiosk.idle_seconds = {}` / `kiosk.idle_warning_seconds = {}` are too short",
                    k.idle_seconds, k.idle_warning_seconds
                ),
                "give the visitor at least 10 s before the warning and a countdown of at least 20 s (defaults 90 and 30)",
            ));
        }
        if let Some(h) = &k.staff_pin_hash {
            if !crate::staff_pin::hash_is_valid(h) {
                return Err(invalid(
                    "`kiosk.staff_pin_hash` is not an Argon2 hash".into(),
                    "write the line that `kiosk staff-pin` prints (it reads the PIN from standard input); never write the PIN itself",
                ));
            }
        }
        if k.staff_lockout_minutes == 0 {
            return Err(invalid(
                "`kiosk.staff_lockout_minutes` is 0".into(),
                "lock the PIN for at least 1 minute after five wrong tries (default 5)",
            ));
        }
        let screen = ScreenSettings {
            idle: std::time::Duration::from_secs(k.idle_seconds),
            idle_warning: std::time::Duration::from_secs(k.idle_warning_seconds),
            elderly_mode: k.elderly_mode,
            high_contrast: k.high_contrast,
            staff_pin_hash: k.staff_pin_hash.clone(),
            staff_lockout: std::time::Duration::from_secs(k.staff_lockout_minutes * 60),
        };
        Ok(Settings {
            config_path: path.to_path_buf(),
            hall_name: raw.kiosk.hall_name,
            index_dir: resolve(&raw.kiosk.index_dir),
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
        })
    }
}

fn validate_requests(
    r: &RawRequests,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<RequestSettings, (String, &'static str)> {
    let id_ok = (2..=8).contains(&r.kiosk_id.len())
        && r.kiosk_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !id_ok {
        return Err((
            format!(
                "key `requests.kiosk_id = \"{}\"` is not 2 to 8 capital letters or digits",
                r.kiosk_id
            ),
            "give each kiosk a short code such as \"QH01\"; it starts every receipt number",
        ));
    }
    if r.agency.trim().is_empty() {
        return Err((
            "key `requests.agency` is empty".into(),
            "write the full name of the agency that receives the requests (受理机关)",
        ));
    }
    if r.retention_days == 0 {
        return Err((
            "key `requests.retention_days` is 0".into(),
            "keep personal data of closed requests at least 1 day (the default is 180)",
        ));
    }
    if r.cups_queue.trim().is_empty() || r.cups_queue.contains(char::is_whitespace) {
        return Err((
            format!(
                "key `requests.cups_queue = \"{}\"` is not a CUPS queue name",
                r.cups_queue
            ),
            "use the name `lpstat -p` shows, without spaces",
        ));
    }
    let escpos = match r.escpos.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) if s.starts_with('/') => Some(EscposTarget::Device(PathBuf::from(s))),
        Some(s) if s.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()) => {
            Some(EscposTarget::Tcp(s.to_string()))
        }
        Some(s) => {
            return Err((
                format!("key `requests.escpos = \"{s}\"` is neither a device path nor host:port"),
                "write a device such as \"/dev/usb/lp0\" or a network printer such as \"192.168.1.50:9100\", or remove the key",
            ))
        }
    };
    Ok(RequestSettings {
        register: resolve(&r.register),
        key_file: resolve(&r.key_file),
        kiosk_id: r.kiosk_id.clone(),
        agency: r.agency.trim().to_string(),
        agency_phone: r.agency_phone.clone().filter(|p| !p.trim().is_empty()),
        retention_days: r.retention_days,
        cups_queue: r.cups_queue.clone(),
        escpos,
        holidays: resolve(&r.holidays),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_config_parses() {
        let s = Settings::parse(EXAMPLE_CONFIG, Path::new("kiosk-config/kiosk.toml")).unwrap();
        assert!(!s.hall_name.is_empty());
        assert_eq!(s.sources.len(), 2);
        assert!(s.sources.iter().all(|src| src.format == Format::KioskJsonl));
        assert_eq!(s.index_dir, Path::new("kiosk-config/../index/demo"));
        assert_eq!(s.requests.kiosk_id, "QH01");
        assert_eq!(s.requests.holidays, Path::new("kiosk-config/holidays"));
        assert_eq!(s.requests.escpos, None);
        assert!(s.requests.key_file.is_absolute());
    }

    #[test]
    fn a_config_without_requests_table_gets_the_defaults() {
        let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n";
        let s = Settings::parse(text, Path::new("k.toml")).unwrap();
        assert_eq!(s.requests.retention_days, 180);
        assert_eq!(s.requests.cups_queue, "kiosk");
    }

    #[test]
    fn bad_requests_keys_are_named_with_a_fix() {
        let cases = [
            ("kiosk_id = 'qh 01'", "requests.kiosk_id"),
            ("retention_days = 0", "requests.retention_days"),
            ("escpos = 'printer'", "requests.escpos"),
            ("registr = 'x.sqlite'", "registr"),
        ];
        for (line, key) in cases {
            let text = format!("[kiosk]\nhall_name='x'\nindex_dir='i'\n[requests]\n{line}\n");
            let err = Settings::parse(&text, Path::new("k.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(key) && err.contains("Fix:") && err.contains("k.toml"),
                "{err}"
            );
        }
        let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[requests]\nescpos='10.0.0.5:9100'\n";
        let s = Settings::parse(text, Path::new("k.toml")).unwrap();
        assert_eq!(
            s.requests.escpos,
            Some(EscposTarget::Tcp("10.0.0.5:9100".into()))
        );
    }

    #[test]
    fn the_shared_corpus_config_parses() {
        let text = include_str!("../kiosk-config/shared-corpus.toml");
        let s = Settings::parse(text, Path::new("kiosk-config/shared-corpus.toml")).unwrap();
        let formats: Vec<Format> = s.sources.iter().map(|s| s.format).collect();
        assert_eq!(
            formats,
            [
                Format::MappedJsonl,
                Format::PortalHtml,
                Format::LawMarkdown,
                Format::MappedJsonl
            ]
        );
    }

    #[test]
    fn rejects_unknown_key_naming_file_key_and_fix() {
        let text = EXAMPLE_CONFIG.replace("hall_name", "hall_nmae");
        let err = Settings::parse(&text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("k.toml"), "{err}");
        assert!(err.contains("hall_nmae"), "{err}");
        assert!(err.contains("Fix:"), "{err}");
    }

    #[test]
    fn rejects_unknown_format_and_duplicate_names() {
        let bad_format = EXAMPLE_CONFIG.replacen("format = \"kiosk-jsonl\"", "format = \"csv\"", 1);
        let err = Settings::parse(&bad_format, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("csv") && err.contains("kiosk-jsonl"), "{err}");

        let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='law'\nformat='kiosk-jsonl'\npath='p'\n[[sources]]\nname='a'\nkind='law'\nformat='kiosk-jsonl'\npath='q'\n";
        let err = Settings::parse(text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("used twice"), "{err}");
    }

    #[test]
    fn refresh_shares_outside_zero_to_one_are_refused() {
        let text = EXAMPLE_CONFIG.replace("max_removed_share = 0.2", "max_removed_share = 20");
        let err = Settings::parse(&text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("refresh.max_removed_share"), "{err}");
        let s = Settings::parse(EXAMPLE_CONFIG, Path::new("k.toml")).unwrap();
        assert_eq!(s.refresh, RefreshSettings::default());
    }

    #[test]
    fn mapped_jsonl_requires_a_mapping() {
        let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='law'\nformat='mapped-jsonl'\npath='p'\n";
        let err = Settings::parse(text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("[sources.mapping]"), "{err}");
    }

    #[test]
    fn default_disclosure_takes_only_the_three_labels_and_names_the_key() {
        let source = |line: &str| {
            format!(
                "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='government_info'\nformat='portal-html'\npath='p'\n{line}\n"
            )
        };
        for (label, want) in Disclosure::LABELS {
            let text = source(&format!("default_disclosure = '{label}'"));
            let s = Settings::parse(&text, Path::new("k.toml")).unwrap();
            assert_eq!(s.sources[0].default_disclosure, Some(want), "{label}");
        }
        let s = Settings::parse(&source(""), Path::new("k.toml")).unwrap();
        assert_eq!(s.sources[0].default_disclosure, None);
        for bad in ["公开", "public", "主动公開", "未标明公开属性"] {
            let err = Settings::parse(
                &source(&format!("default_disclosure = '{bad}'")),
                Path::new("k.toml"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("default_disclosure")
                    && err.contains("Fix:")
                    && err.contains("k.toml"),
                "{err}"
            );
        }
    }

    #[test]
    fn the_shared_corpus_config_publishes_by_default_only_the_feeds_of_published_pages() {
        let text = include_str!("../kiosk-config/shared-corpus.toml");
        let s = Settings::parse(text, Path::new("kiosk-config/shared-corpus.toml")).unwrap();
        let defaults: Vec<(&str, Option<Disclosure>)> = s
            .sources
            .iter()
            .map(|s| (s.name.as_str(), s.default_disclosure))
            .collect();
        assert_eq!(
            defaults,
            [
                ("guangdong-service-guide", None),
                ("gov-cn-pages", Some(Disclosure::Proactive)),
                ("laws", None),
                ("policy-notices", Some(Disclosure::Proactive)),
            ]
        );
    }
}
