//! The staff area's side of the request desk: one desk shared by the area's jobs, and the
//! jobs that read the list and one request's detail. Failures reach the screen as polite
//! Chinese ([`DeskError::staff_message`]); the technical error is logged once.

use super::job::Job;
use crate::config::Settings;
use crate::desk::requests::{description_text, due_text, DeskError, RequestDesk};
use crate::requests::Status;
use std::sync::{Arc, Mutex};

/// One request as the staff list shows it.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub receipt_no: String,
    pub received_on: chrono::NaiveDate,
    pub status: Status,
    pub due: String,
    pub print_pending: bool,
    pub description: String,
}

/// The staff list: the readable requests, and the receipt numbers of rows that could not be
/// read (shown, so staff know something is wrong; the other rows are still listed).
#[derive(Debug, Clone, Default)]
pub struct RequestList {
    pub rows: Vec<RequestRow>,
    pub damaged: Vec<String>,
}

/// The staff area's request desk ([`RequestDesk::open_staff`]: the central register on a
/// staff workstation): opened by the first job that needs it and kept while the area is open
/// (opened again only after it failed; a lost central connection is made again by the store).
/// Jobs take turns on it.
#[derive(Clone)]
pub struct SharedDesk {
    settings: Settings,
    desk: Arc<Mutex<Option<RequestDesk>>>,
}

impl SharedDesk {
    pub fn new(settings: Settings) -> SharedDesk {
        SharedDesk {
            settings,
            desk: Arc::new(Mutex::new(None)),
        }
    }

    /// Runs `f` on the desk. A failure is logged once, in English, with `doing`; staff get
    /// [`DeskError::staff_message`], never the technical text.
    pub fn with<T>(
        &self,
        doing: &str,
        f: impl FnOnce(&mut RequestDesk) -> Result<T, DeskError>,
    ) -> Result<T, String> {
        let mut slot = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        let result = match slot.as_mut() {
            Some(desk) => f(desk),
            None => RequestDesk::open_staff(&self.settings).and_then(|desk| f(slot.insert(desk))),
        };
        result.map_err(|e| {
            tracing::error!(error = %e, doing, "staff area: a request action failed");
            if e.suspends_filing() {
                *slot = None;
            }
            e.staff_message().to_string()
        })
    }
}

pub(super) fn read_requests(desk: &SharedDesk) -> Job<Result<RequestList, String>> {
    let desk = desk.clone();
    Job::spawn("staff-requests", None, move || {
        let listing = desk.with("reading the request register", |d| d.list(None))?;
        let rows = listing
            .rows
            .into_iter()
            .map(|s| RequestRow {
                due: due_text(&s),
                description: description_text(&s, 30),
                receipt_no: s.receipt_no,
                received_on: s.received_on,
                status: s.status,
                print_pending: s.print_pending,
            })
            .collect();
        Ok(RequestList {
            rows,
            damaged: listing.damaged,
        })
    })
}

pub(super) fn read_detail(desk: &SharedDesk, receipt_no: &str) -> Job<Result<String, String>> {
    let desk = desk.clone();
    let receipt_no = receipt_no.to_string();
    Job::spawn("staff-request", None, move || {
        desk.with("reading a request", |d| {
            let mut out = Vec::new();
            crate::staff_requests::show(d, &receipt_no, true, &mut out)?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        })
    })
}
