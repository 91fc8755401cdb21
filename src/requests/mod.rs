//! Disclosure requests (依申请公开, 条例 Art. 29–33): the form model and its validation, the
//! SQLite register with encrypted personal data and an append-only audit log, the workflow, and
//! the working-day deadlines.
//!
//! Knows nothing about egui or printers: the UI and the print module call into it.

pub mod crypto;
pub mod deadlines;
pub mod export;
mod hints;
pub mod model;
pub mod register;
pub mod report;
pub mod rules;
pub mod status;
pub mod store;
pub mod validate;
mod workflow;

pub use crypto::{KeyRing, Keys};
pub use deadlines::{Calendar, Due};
pub use model::{Applicant, ApplicantType, Hint, ObtainBy, ProvideAs, RawForm, Request};
pub use register::{
    AuditEntry, Listing, Outbox, OutboxRow, OutboxState, Payload, Pragmas, Receipt, Refusal,
    Register, RegisterError, StatusChange, Stored,
};
pub use status::{Outcome, Status};
pub use store::RequestStore;
pub use validate::{FieldError, IdKind, IdNumber};
