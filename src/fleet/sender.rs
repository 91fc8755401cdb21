//! The sender: a named thread (`fleet-sender`) that delivers the kiosk's outbox to the central
//! register in batches and sends the heartbeat. A row leaves the outbox (is marked delivered)
//! only after the central transaction that holds it has committed; a refused row is kept,
//! logged once and shown to staff. Offline, it waits and tries again; filing never waits for it.

use super::central::{Central, Delivered};
use super::heartbeat;
use super::FleetError;
use crate::config::Settings;
use crate::requests::Outbox;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Rows per central transaction.
pub const BATCH: usize = 100;
/// How long the sender sleeps when the outbox is empty, unless woken.
const IDLE_POLL: Duration = Duration::from_millis(1000);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Wakes the sender early (after a request was filed).
#[derive(Debug, Default)]
pub struct Wake {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Wake {
    pub fn wake(&self) {
        if let Ok(mut f) = self.flag.lock() {
            *f = true;
            self.cv.notify_all();
        }
    }

    /// Waits until woken or `timeout` has passed.
    fn wait(&self, timeout: Duration) {
        let Ok(guard) = self.flag.lock() else {
            std::thread::sleep(timeout);
            return;
        };
        if let Ok((mut f, _)) = self.cv.wait_timeout_while(guard, timeout, |woken| !*woken) {
            *f = false;
        }
    }
}

/// What one batch came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub inserted: u64,
    pub duplicates: u64,
    /// Receipt numbers acknowledged (inserted or duplicates), once the centre committed.
    pub acknowledged: Vec<String>,
    /// Receipt numbers refused, with the reason.
    pub refused: Vec<(String, String)>,
}

/// Counts since the sender started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderTotals {
    pub inserted: u64,
    pub duplicates: u64,
    pub refused: u64,
    /// Attempts that failed (centre unreachable, connection lost): retried.
    pub failures: u64,
}

/// What one step did.
#[derive(Debug)]
pub enum Step {
    Delivered(Batch),
    /// Nothing waiting.
    Idle,
    /// The centre or the register could not be reached; tried again after a pause.
    Failed(FleetError),
}

/// The delivery loop's state: the outbox, the connection (when there is one), the clock of
/// the heartbeat.
pub struct Sender {
    settings: Settings,
    outbox: Option<Outbox>,
    central: Option<Central>,
    last_heartbeat: Option<Instant>,
    pub totals: SenderTotals,
    batch: usize,
}

impl Sender {
    /// A sender for the kiosk of `settings`; connects lazily.
    pub fn new(settings: &Settings) -> Result<Sender, FleetError> {
        if settings.fleet.central.is_none() {
            return Err(FleetError::NotConfigured);
        }
        Ok(Sender {
            settings: settings.clone(),
            outbox: None,
            central: None,
            last_heartbeat: None,
            totals: SenderTotals::default(),
            batch: BATCH,
        })
    }

    /// Rows per central transaction (the default is [`BATCH`]).
    pub fn with_batch(mut self, batch: usize) -> Sender {
        self.batch = batch.max(1);
        self
    }

    /// One attempt: connect if needed, send the heartbeat when due, deliver one batch.
    pub fn step(&mut self) -> Step {
        match self.try_step() {
            Ok(step) => step,
            Err(e) => {
                // A broken connection is not reused; the register is opened again too.
                self.central = None;
                if matches!(e, FleetError::Register(_)) {
                    self.outbox = None;
                }
                self.totals.failures += 1;
                Step::Failed(e)
            }
        }
    }

    fn try_step(&mut self) -> Result<Step, FleetError> {
        if self.outbox.is_none() {
            self.outbox = Some(Outbox::open(&self.settings.requests.register)?);
        }
        if self.central.is_none() {
            let central = self
                .settings
                .fleet
                .central
                .as_ref()
                .ok_or(FleetError::NotConfigured)?;
            let app = format!("kiosk-{}", self.settings.requests.kiosk_id);
            self.central = Some(Central::open(central, &app)?);
            tracing::info!("connected to the central register");
        }
        let (Some(outbox), Some(central)) = (self.outbox.as_mut(), self.central.as_mut()) else {
            return Err(FleetError::NotConfigured);
        };
        let due = self
            .last_heartbeat
            .is_none_or(|t| t.elapsed() >= self.settings.fleet.heartbeat);
        if due {
            let now = chrono::Local::now().naive_local();
            central.heartbeat(&heartbeat::collect(&self.settings, &outbox.state()?, now))?;
            self.last_heartbeat = Some(Instant::now());
        }
        let rows = outbox.waiting(self.batch)?;
        if rows.is_empty() {
            return Ok(Step::Idle);
        }
        let answers = central.deliver(&rows)?;
        // The central transaction has committed: now, and only now, the rows leave the outbox.
        let now = chrono::Local::now().naive_local();
        let mut batch = Batch::default();
        let mut acked = Vec::with_capacity(rows.len());
        for (row, answer) in rows.iter().zip(answers) {
            match answer {
                Delivered::Inserted => {
                    batch.inserted += 1;
                    acked.push(row.seq);
                    batch.acknowledged.push(row.payload.receipt_no.clone());
                }
                Delivered::Duplicate => {
                    batch.duplicates += 1;
                    acked.push(row.seq);
                    batch.acknowledged.push(row.payload.receipt_no.clone());
                }
                Delivered::Refused {
                    central_hash,
                    reason,
                } => {
                    tracing::error!(receipt_no = %row.payload.receipt_no, %reason, "the central register refused a request: kept in the outbox for staff");
                    outbox.refuse(row.seq, central_hash.as_deref(), now)?;
                    batch.refused.push((row.payload.receipt_no.clone(), reason));
                }
            }
        }
        outbox.acknowledge(&acked, now)?;
        self.totals.inserted += batch.inserted;
        self.totals.duplicates += batch.duplicates;
        self.totals.refused += batch.refused.len() as u64;
        Ok(Step::Delivered(batch))
    }

    /// Sends a heartbeat on the next step even if one was sent recently.
    pub fn heartbeat_now(&mut self) {
        self.last_heartbeat = None;
    }

    /// Runs until `stop` is set (or, with `until_empty`, until nothing waits), calling
    /// `on_batch` after each delivered batch. Offline, it backs off up to 5 s and logs the
    /// outage once.
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        wake: &Wake,
        until_empty: bool,
        on_batch: &mut dyn FnMut(&Batch),
    ) {
        let mut backoff = Duration::from_millis(200);
        let mut offline = false;
        while !stop.load(Ordering::Relaxed) {
            match self.step() {
                Step::Delivered(batch) => {
                    offline = false;
                    backoff = Duration::from_millis(200);
                    on_batch(&batch);
                }
                Step::Idle if until_empty => {
                    self.heartbeat_now();
                    if matches!(self.step(), Step::Idle) {
                        return;
                    }
                }
                Step::Idle => {
                    offline = false;
                    wake.wait(IDLE_POLL);
                }
                Step::Failed(e) => {
                    if !offline {
                        tracing::warn!(error = %e, "the central register cannot be reached; the outbox keeps the requests and delivery is retried");
                        offline = true;
                    } else {
                        tracing::debug!(error = %e, "central register still unreachable");
                    }
                    wake.wait(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}

/// Starts the `fleet-sender` thread of a kiosk whose `[fleet]` names a centre.
pub fn spawn(
    settings: &Settings,
    stop: Arc<AtomicBool>,
    wake: Arc<Wake>,
) -> Result<std::thread::JoinHandle<SenderTotals>, FleetError> {
    let mut sender = Sender::new(settings)?;
    std::thread::Builder::new()
        .name("fleet-sender".into())
        .spawn(move || {
            sender.run(&stop, &wake, false, &mut |_| {});
            sender.totals
        })
        .map_err(|e| FleetError::Invalid(format!("cannot start the sender thread: {e}")))
}
