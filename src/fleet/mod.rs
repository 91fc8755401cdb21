//! A district of kiosks: the central register on PostgreSQL ([`schema`], [`central`]), the
//! sender thread that delivers each kiosk's outbox there ([`sender`]), and the heartbeat that
//! reports each kiosk's state ([`heartbeat`]), and the central register as staff work on it
//! ([`store`]). Every connection goes through [`central::connect`], with TLS to the district
//! CA where configured ([`tls`]).
//!
//! Crate: the synchronous `postgres` client. The kiosk's workers are plain named threads with
//! no async runtime; the sync client keeps it that way (it drives its own small runtime
//! inside). The kiosk's SQLite register stays the first place a request is written: the centre
//! is a copy it delivers to, never a dependency of filing. Knows nothing about screens.

pub mod central;
pub mod heartbeat;
pub mod schema;
pub mod sender;
pub mod status;
pub mod store;
mod tls;

pub use central::{connect, Central, Delivered, KioskStatus};
pub use sender::{Sender, SenderTotals};
pub use store::CentralStore;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("central register: {}", pg_text(.0))]
    Pg(#[from] postgres::Error),
    #[error(transparent)]
    Register(#[from] crate::requests::RegisterError),
    #[error("cannot read the central register's password file {path}: {source}")]
    Credentials {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot use the district CA file {path} (`fleet.ca_file`): {reason}")]
    CaFile { path: PathBuf, reason: String },
    /// The TLS check refused the centre (or the centre offered no TLS): nothing was sent.
    #[error("central register at {host}: connection refused by this kiosk: {reason}")]
    Tls { host: String, reason: String },
    #[error("no central register is configured: set `fleet.central_url` (docs/fleet.md)")]
    NotConfigured,
    #[error("{0}")]
    Invalid(String),
    #[error(
        "the central register was set up by a newer kiosk version (schema {found}, this one \
         knows {known})"
    )]
    TooNew { found: i32, known: i32 },
}

impl FleetError {
    /// True when no connection to the centre could be made or it was lost (the network, the
    /// server down, or a TLS check that refused it), as opposed to the centre refusing an
    /// operation.
    pub fn is_unreachable(&self) -> bool {
        match self {
            FleetError::Pg(e) => {
                let io = std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
                e.as_db_error().is_none() && (e.is_closed() || io)
            }
            FleetError::Tls { .. } => true,
            _ => false,
        }
    }
}

/// A PostgreSQL error with the server's message (the client's own text is only "db error").
pub fn pg_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let source = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("{e}{source}")
        }
    }
}
