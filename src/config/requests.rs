//! `[requests]`: the register, its key, the printers and the holiday calendars, validated.

use super::raw::RawRequests;
use std::path::{Path, PathBuf};

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

pub(super) fn validate_requests(
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
