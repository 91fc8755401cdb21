//! What a kiosk reports to the centre about itself: its index generation and data date, its
//! printer, its receipts waiting to be printed and its outbox. Read from the kiosk's files;
//! sent by the sender thread.

use crate::config::{EscposTarget, Settings};
use crate::requests::OutboxState;
use chrono::{NaiveDate, NaiveDateTime};

/// One heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kiosk_id: String,
    pub kiosk_time: NaiveDateTime,
    pub generation: Option<String>,
    pub data_date: Option<NaiveDate>,
    /// `ready`, or what is wrong (in English, for staff).
    pub printer: String,
    pub queued_receipts: u64,
    pub outbox_waiting: u64,
    pub outbox_refused: u64,
    pub version: String,
}

/// The printer's state as one line: `ready` or the problem.
pub fn printer_state(settings: &Settings) -> String {
    match &settings.requests.escpos {
        Some(EscposTarget::Device(path)) if path.exists() => "ready (ESC/POS device)".into(),
        Some(EscposTarget::Device(path)) => format!("ESC/POS device {} missing", path.display()),
        Some(EscposTarget::Tcp(addr)) => format!("ESC/POS at {addr} (not probed)"),
        None => match crate::print::backend::cups_ready(&settings.requests.cups_queue) {
            Ok(()) => "ready".into(),
            Err(e) => e.to_string().chars().take(200).collect(),
        },
    }
}

/// The report of this kiosk now, given its outbox.
pub fn collect(settings: &Settings, outbox: &OutboxState, now: NaiveDateTime) -> Report {
    let dir = &settings.index_dir;
    let generation = crate::search::index::current_generation(dir).ok().flatten();
    let data_date = generation.as_ref().and_then(|g| {
        let path = crate::search::index::generation_path(dir, g);
        crate::search::index::read_manifest(&path)
            .ok()
            .and_then(|m| m.data_date)
    });
    Report {
        kiosk_id: settings.requests.kiosk_id.clone(),
        kiosk_time: now,
        generation,
        data_date,
        printer: printer_state(settings),
        queued_receipts: outbox.print_pending,
        outbox_waiting: outbox.waiting,
        outbox_refused: outbox.refused.len() as u64,
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}
