//! Printed matter of disclosure requests: what is printed ([`layout`], pure data → blocks of
//! text), how it becomes bytes ([`pdf`] for A4 and receipt pages, [`escpos`] for thermal
//! printers) and where the bytes go ([`backend`]: a CUPS queue through `lp`, or a raw ESC/POS
//! device or TCP port).
//!
//! Rendering is pure and tested without printers; back-ends report failures as [`PrintError`]
//! with a Chinese sentence the kiosk can tell the resident. Knows nothing about egui or SQL.

pub mod backend;
pub mod document;
pub mod escpos;
pub mod layout;
pub mod pdf;

pub use backend::{print_receipt, PrintError};
pub use layout::{CopyKind, Letterhead};
