//! The seam of the register: what the kiosk and staff do with stored requests, as a trait, so
//! the central PostgreSQL register of a district (`crate::fleet::CentralStore`) stands beside
//! the SQLite [`Register`] without the desk, the screen or the command line changing.
//!
//! The contract every store keeps (the SQLite one documents how): a receipt is returned only
//! once the request is durable; personal data is sealed; every change writes its audit line in
//! the same transaction; a row that cannot be read is named in [`Listing::damaged`], never
//! hides the others; stored deadlines move only by a status change or [`recompute_due`].
//!
//! [`recompute_due`]: RequestStore::recompute_due

use super::deadlines::Due;
use super::model::Request;
use super::register::{
    AuditEntry, Listing, OutboxState, Receipt, Register, RegisterError, StatusChange, Stored,
};
use super::status::Status;
use chrono::{NaiveDate, NaiveDateTime};

/// A register of disclosure requests.
pub trait RequestStore: Send {
    /// Files a request received at `now`; returns once it is durable.
    fn submit(&mut self, request: &Request, now: NaiveDateTime) -> Result<Receipt, RegisterError>;
    /// One request, with its personal data (unless purged).
    fn get(&self, receipt_no: &str) -> Result<Stored, RegisterError>;
    /// Every request, newest first (only those in `status`, if given), and the damaged rows.
    fn list(&self, status: Option<Status>) -> Result<Listing, RegisterError>;
    /// The request of a 受理编号 and its 查询码; `None` when either is wrong.
    fn lookup(&self, receipt_no: &str, query_code: &str) -> Result<Option<Stored>, RegisterError>;
    /// Moves a request on, by the rules of [`Register::set_status`].
    fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<(), RegisterError>;
    /// Computes a running request's deadline again; the old and the new one.
    fn recompute_due(
        &mut self,
        receipt_no: &str,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(Option<NaiveDate>, Option<Due>), RegisterError>;
    /// Removes the personal data of requests closed more than `retention_days` before `today`;
    /// the receipt numbers purged.
    fn purge(
        &mut self,
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError>;
    /// Removes the personal data of this store's requests among `receipts`, which the central
    /// register closed more than `retention_days` before `today` (a kiosk of a district).
    fn purge_closed_at_centre(
        &mut self,
        receipts: &[String],
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        let _ = (receipts, today, retention_days, now, actor);
        Err(RegisterError::Rule(
            "only a kiosk's own register purges what the centre closed",
        ))
    }
    /// How many requests the holder of `identity_key` filed in the month of `day`.
    fn month_count_for(&self, identity_key: &str, day: NaiveDate) -> Result<u32, RegisterError>;
    /// The audit log of one request, oldest first.
    fn audit(&self, receipt_no: &str) -> Result<Vec<AuditEntry>, RegisterError>;
    /// Receipt numbers flagged 待打印, oldest first.
    fn print_pending(&self) -> Result<Vec<String>, RegisterError>;
    /// Sets or clears the 待打印 flag (with an audit line when it changes).
    fn set_print_pending(
        &mut self,
        receipt_no: &str,
        pending: bool,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(), RegisterError>;
    /// The fingerprint of the key the store seals personal data with.
    fn key_fingerprint(&self) -> &str;
    /// How this kiosk's outbox to the central register stands; `None` for a store that has
    /// no outbox (the central register itself).
    fn outbox_state(&self) -> Result<Option<OutboxState>, RegisterError>;
    /// Whether requests are filed into this store. The central register takes its requests
    /// from the kiosks' outboxes only: it files nothing and seals nothing new.
    fn takes_filings(&self) -> bool {
        true
    }
}

impl RequestStore for Register {
    fn submit(&mut self, request: &Request, now: NaiveDateTime) -> Result<Receipt, RegisterError> {
        Register::submit(self, request, now)
    }
    fn get(&self, receipt_no: &str) -> Result<Stored, RegisterError> {
        Register::get(self, receipt_no)
    }
    fn list(&self, status: Option<Status>) -> Result<Listing, RegisterError> {
        Register::list(self, status)
    }
    fn lookup(&self, receipt_no: &str, query_code: &str) -> Result<Option<Stored>, RegisterError> {
        Register::lookup(self, receipt_no, query_code)
    }
    fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<(), RegisterError> {
        Register::set_status(self, receipt_no, change, now)
    }
    fn recompute_due(
        &mut self,
        receipt_no: &str,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(Option<NaiveDate>, Option<Due>), RegisterError> {
        Register::recompute_due(self, receipt_no, now, actor)
    }
    fn purge(
        &mut self,
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        Register::purge(self, today, retention_days, now, actor)
    }
    fn purge_closed_at_centre(
        &mut self,
        receipts: &[String],
        today: NaiveDate,
        retention_days: u32,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<String>, RegisterError> {
        Register::purge_closed_at_centre(self, receipts, today, retention_days, now, actor)
    }
    fn month_count_for(&self, identity_key: &str, day: NaiveDate) -> Result<u32, RegisterError> {
        Register::month_count_for(self, identity_key, day)
    }
    fn audit(&self, receipt_no: &str) -> Result<Vec<AuditEntry>, RegisterError> {
        Register::audit(self, receipt_no)
    }
    fn print_pending(&self) -> Result<Vec<String>, RegisterError> {
        Register::print_pending(self)
    }
    fn set_print_pending(
        &mut self,
        receipt_no: &str,
        pending: bool,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<(), RegisterError> {
        Register::set_print_pending(self, receipt_no, pending, now, actor)
    }
    fn key_fingerprint(&self) -> &str {
        Register::key_fingerprint(self)
    }
    fn outbox_state(&self) -> Result<Option<OutboxState>, RegisterError> {
        Register::outbox_state(self).map(Some)
    }
}
