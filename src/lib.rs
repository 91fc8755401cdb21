//! The disclosure kiosk: self-service terminal software for the 政务公开专区 of a public service
//! hall.
//!
//! Architecture (dependencies point one way):
//! - [`config`]: `kiosk-config/*.toml` → validated [`config::Settings`].
//! - [`file_error`]: the one error of reading a settings file (configuration, holidays).
//! - [`text`]: character normalisation (width, traditional characters, markings) used by all.
//! - [`catalog`]: the domain records (government information, service-guide items, laws).
//! - [`ingest`]: one importer per source format → catalog records plus an import report.
//! - [`search`]: tantivy schema, Chinese analysis, index generations, query → ranked hits.
//! - [`desk`]: what the kiosk does (search with its nothing-found policy, requests filed,
//!   printed, looked up and moved on), called by the screen's workers and the command line alike.
//! - [`pipeline`]: import every source, apply the safety gate, write a new index generation.
//! - [`fleet`]: a district of kiosks: the central PostgreSQL register, the outbox sender and
//!   the heartbeat.
//! - [`status`]: generations, the last run and freshness warnings, for staff.
//! - [`requests`]: disclosure requests: form model, validation, SQLite register, deadlines.
//! - [`print`]: request forms and receipts rendered as PDF or ESC/POS; CUPS and raw back-ends.
//! - [`staff_requests`]: the text of `kiosk requests …`, rendering what the request desk returns.
//! - [`stats`]: search-demand statistics (subjects searched, not answered, documents opened and
//!   printed; by hour, nothing personal), written by the search worker, read by `kiosk stats`.
//! - [`staff_pin`]: the staff PIN (Argon2 hash, lockout after wrong tries).
//! - [`speech`]: reading aloud (读屏): espeak-ng's Mandarin voice as a child process.
//!   [`staff_lock`] keeps the tries and the lock in the state folder across restarts.
//! - [`ime`]: the pinyin input method of the on-screen keyboard (dictionary, name mode, paging).
//! - [`ui`]: the egui kiosk screens; the only module that knows egui exists.
//!
//! The binary (`src/main.rs`) parses the command line and dispatches; staff subcommands run
//! headless.

pub mod catalog;
pub mod config;
pub mod desk;
pub mod file_error;
pub mod fleet;
pub mod ime;
pub mod ingest;
pub mod pipeline;
pub mod print;
pub mod requests;
pub mod search;
pub mod speech;
pub mod staff_lock;
pub mod staff_pin;
pub mod staff_requests;
pub mod stats;
pub mod status;
pub mod text;
pub mod ui;

/// mimalloc instead of the system allocator, for every binary that links the library (the
/// kiosk, its benches and examples): a search allocates many short-lived vectors.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
