//! What can go wrong with the register, and which of it suspends filing.

use super::super::crypto::KeyError;
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("register database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("register data of {receipt_no} is damaged: {what}")]
    Corrupt { receipt_no: String, what: String },
    #[error("no request with receipt number {0}")]
    NotFound(String),
    #[error("a request cannot go from {from} to {to}")]
    Transition {
        from: &'static str,
        to: &'static str,
    },
    #[error("{0}")]
    Rule(&'static str),
    #[error("the register was written by a newer kiosk (schema {found}, this one knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error(
        "the register key file {key_file} is missing, but the register {register} {holds}: \
         restore the key file with fingerprint {expected} from the backup (a new key would \
         leave every request unreadable); until then the kiosk takes no requests"
    )]
    KeyMissing {
        key_file: PathBuf,
        register: PathBuf,
        holds: String,
        expected: String,
    },
    #[error(
        "the register key file does not belong to this register: the register was sealed with \
         the key of fingerprint {expected}, the key file holds fingerprint {found}; restore \
         the right key file from the backup; until then the kiosk takes no requests"
    )]
    KeyMismatch { expected: String, found: String },
    #[error(
        "the register {path} is {what}; it is never replaced by a new one (receipt numbers \
         would start again): restore it from the backup; until then the kiosk takes no requests"
    )]
    Damaged { path: PathBuf, what: &'static str },
    #[error(
        "the register {path} is missing but its key file {key_file} (fingerprint \
         {fingerprint}) exists: the register was moved or lost; restore it from the backup \
         (to start a new register on purpose, move the key file away first)"
    )]
    Missing {
        path: PathBuf,
        key_file: PathBuf,
        fingerprint: String,
    },
    #[error(
        "the register cannot use WAL journaling (SQLite left journal_mode={mode}); it is not \
         used without it (check the file system of the register folder)"
    )]
    NoWal { mode: String },
    #[error("the status date {on} is {problem}")]
    StatusDate { on: NaiveDate, problem: String },
    #[error("register file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The central register (PostgreSQL) failed or refused; `unreachable` when the server
    /// could not be reached at all (no connection, connection lost, timed out).
    #[error("central register: {message}")]
    Central { message: String, unreachable: bool },
}

impl RegisterError {
    /// True when the register must not take requests until staff act (a missing, wrong or
    /// damaged file): the kiosk screen then says 暂停受理 instead of "try again later".
    pub fn suspends_filing(&self) -> bool {
        matches!(
            self,
            RegisterError::KeyMissing { .. }
                | RegisterError::KeyMismatch { .. }
                | RegisterError::Damaged { .. }
                | RegisterError::Missing { .. }
                | RegisterError::NoWal { .. }
                | RegisterError::TooNew { .. }
                | RegisterError::Key(KeyError::Length { .. })
        )
    }
}
