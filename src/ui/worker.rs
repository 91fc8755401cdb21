//! The background worker that owns the index: builds it on first start if missing, opens it,
//! answers searches, browsing, suggestions and document bodies, reads the staff status, and
//! switches to a new generation when one appears. The keyboard's candidates are answered by the
//! input-method thread beside it (`super::candidates`), which gets the vocabulary of every
//! generation opened. The UI thread only sends commands and reads events; every answer carries
//! the sequence number of its request so a stale answer never overwrites a newer one.

use super::candidates::{CandidateRequest, Candidates, ImeMessage};
use crate::config::Settings;
use crate::pipeline::Progress;
use crate::search::facets::Filter;
use crate::search::query::{SearchRequest, SearchResults};
use crate::search::{open_search, GenerationInfo, SearchIndex};
use crate::stats::Recorder;
use crate::status::IndexStatus;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often an idle worker looks for a new index generation.
pub const RELOAD_CHECK: Duration = Duration::from_secs(2);

/// How many hits the result list shows.
pub const RESULT_LIMIT: usize = 50;

/// What the UI asks of the worker. `seq` grows with every request of a kind.
#[derive(Debug, Clone)]
pub enum Command {
    Search {
        seq: u64,
        request: SearchRequest,
    },
    /// The request form's search for published records that already answer it: answered like
    /// [`Command::Search`], never counted in the statistics.
    FormMatches {
        seq: u64,
        request: SearchRequest,
    },
    /// The records of a category or area, newest first (no query).
    Browse {
        seq: u64,
        filters: Vec<Filter>,
    },
    /// Hanzi candidates for pinyin typed on the keyboard (answered by the input-method thread).
    Candidates(CandidateRequest),
    /// Completions of what was typed (titles and frequent words).
    Suggest {
        seq: u64,
        prefix: String,
    },
    /// The full body of a record, and the record that replaces it when it names one.
    Open {
        seq: u64,
        source: String,
        source_id: String,
        /// The source id of the record's successor ([`crate::catalog::Record::superseded_by`]).
        successor: Option<String>,
    },
    /// The state of the index folder, for the staff area.
    Status,
    /// A record was printed (for the statistics).
    Printed {
        source: String,
        source_id: String,
    },
}

/// What the worker tells the UI.
#[derive(Debug)]
pub enum Event {
    /// The index is open (after building it if needed).
    Ready(GenerationInfo),
    /// A new generation was found and opened; what is on screen stays as it is.
    Reloaded(GenerationInfo),
    /// The index could not be built or opened; the message is for the screen.
    Failed(String),
    /// How far the first start's build has come.
    Progress(crate::pipeline::Progress),
    Results {
        seq: u64,
        results: Box<SearchResults>,
        /// The query had no hits and these are the hits of the suggested correction.
        corrected: Option<String>,
        /// Nothing was found: shorter queries of the query's own words that find records.
        alternatives: Vec<String>,
    },
    SearchFailed {
        seq: u64,
    },
    Candidates {
        seq: u64,
        list: Candidates,
    },
    Suggestions {
        seq: u64,
        list: Vec<String>,
    },
    Body {
        seq: u64,
        body: Option<String>,
        /// The record that replaces this one, when it names one and the index holds it.
        successor: Option<Box<crate::search::Hit>>,
    },
    Status(Box<IndexStatus>),
}

/// The UI side of the worker and of the input-method thread.
pub struct WorkerHandle {
    pub commands: Sender<Command>,
    pub ime: Sender<ImeMessage>,
    pub events: Receiver<Event>,
}

impl WorkerHandle {
    /// Sends a command to the thread that answers it; false when that thread has stopped.
    pub fn send(&self, cmd: Command) -> bool {
        match cmd {
            Command::Candidates(r) => self.ime.send(ImeMessage::Request(r)).is_ok(),
            cmd => self.commands.send(cmd).is_ok(),
        }
    }
}

/// Starts the worker thread and the input-method thread; `wake` is called after every event
/// (the UI's repaint request).
pub fn spawn(
    settings: Settings,
    wake: impl Fn() + Send + Sync + 'static,
) -> std::io::Result<WorkerHandle> {
    let (cmd_tx, cmd_rx) = channel::<Command>();
    let (ev_tx, ev_rx) = channel::<Event>();
    let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(wake);
    let ime = super::candidates::spawn(ev_tx.clone(), Arc::clone(&wake))?;
    let vocab = ime.clone();
    std::thread::Builder::new()
        .name("search-worker".into())
        .spawn(move || run(settings, cmd_rx, ev_tx, vocab, move || wake()))?;
    Ok(WorkerHandle {
        commands: cmd_tx,
        ime,
        events: ev_rx,
    })
}

/// Hands the vocabulary of the generation now open to the input method.
fn share_vocabulary(index: &SearchIndex, ime: &Sender<ImeMessage>) {
    let records = index.num_docs();
    // The input method may have stopped (its dictionary failed): it then ranks nothing.
    let _ = ime.send(ImeMessage::Vocabulary(
        index.shared_lexicon(),
        records,
        index.shared_pinyin(),
    ));
}

/// Tells the screen how far a build has come: each stage, and within a stage each step of at
/// least a hundredth (a build of thousands of records sends about a hundred events).
struct ProgressSender<'a> {
    send: &'a (dyn Fn(Event) + Sync),
    last: std::sync::Mutex<Option<Progress>>,
}

impl ProgressSender<'_> {
    fn tell(&self, now: Progress) {
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let worth = match (*last, now) {
            (
                Some(Progress::Indexing { done: a, total }),
                Progress::Indexing { done: b, total: t },
            ) if total == t => (b - a.min(b)) * 100 >= total.max(1),
            (Some(before), _) => before != now,
            (None, _) => true,
        };
        if worth {
            *last = Some(now);
            (self.send)(Event::Progress(now));
        }
    }
}

fn open_or_build(
    settings: &Settings,
    send: &(dyn Fn(Event) + Sync),
) -> Result<SearchIndex, String> {
    let missing = matches!(
        crate::search::index::current_generation(&settings.index_dir),
        Ok(None)
    );
    if missing {
        tracing::info!(dir = %settings.index_dir.display(), "no index yet: building it on first start");
        let progress = ProgressSender {
            send,
            last: std::sync::Mutex::new(None),
        };
        let tell = |p: Progress| progress.tell(p);
        if let Err(e) = crate::pipeline::build_index_with_progress(settings, &tell) {
            tracing::error!(error = %e, "first-start index build failed");
            return Err("资料库尚未建立，请联系工作人员处理。".into());
        }
    }
    match open_search(&settings.index_dir) {
        Ok(index) => Ok(index),
        Err(e) => {
            // Typically an index written by an older version of the software: build a new
            // generation from the sources (the old one stays for rollback) and try again.
            tracing::error!(error = %e, "cannot open the current index generation; rebuilding it from the sources");
            crate::pipeline::build_index(settings)
                .map_err(|e| tracing::error!(error = %e, "rebuild failed"))
                .ok()
                .and_then(|_| open_search(&settings.index_dir).ok())
                .ok_or_else(|| "资料库暂时无法打开，请联系工作人员处理。".to_string())
        }
    }
}

/// The commands waiting, newest of each kind only: what was typed over needs no answer.
#[derive(Default)]
struct Pending {
    search: Option<Command>,
    suggest: Option<Command>,
    open: Option<Command>,
    status: bool,
    printed: Vec<Command>,
}

impl Pending {
    fn add(&mut self, cmd: Command) {
        match cmd {
            // Routed to the input-method thread by `WorkerHandle::send`.
            Command::Candidates(_) => {}
            Command::Search { .. } | Command::FormMatches { .. } | Command::Browse { .. } => {
                self.search = Some(cmd)
            }
            Command::Suggest { .. } => self.suggest = Some(cmd),
            Command::Open { .. } => self.open = Some(cmd),
            Command::Status => self.status = true,
            Command::Printed { .. } => self.printed.push(cmd),
        }
    }

    /// In the order a visitor feels them: an opened record first, then results.
    fn drain(&mut self) -> Vec<Command> {
        let mut out: Vec<Command> = [self.open.take(), self.search.take(), self.suggest.take()]
            .into_iter()
            .flatten()
            .collect();
        if std::mem::take(&mut self.status) {
            out.push(Command::Status);
        }
        out.append(&mut self.printed);
        out
    }
}

fn run(
    settings: Settings,
    commands: Receiver<Command>,
    events: Sender<Event>,
    ime: Sender<ImeMessage>,
    wake: impl Fn() + Sync,
) {
    let send = |e: Event| {
        let ok = events.send(e).is_ok();
        wake();
        ok
    };
    let tell = |e: Event| {
        send(e);
    };
    let mut index = match open_or_build(&settings, &tell) {
        Ok(i) => i,
        Err(msg) => {
            send(Event::Failed(msg));
            return;
        }
    };
    share_vocabulary(&index, &ime);
    if !send(Event::Ready(index.info().clone())) {
        return;
    }
    let mut stats = Recorder::open(&crate::stats::stats_path(&settings));
    let mut pending = Pending::default();
    loop {
        match commands.recv_timeout(RELOAD_CHECK) {
            Ok(c) => pending.add(c),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Some(newer) = reload_if_changed(&settings, &index) {
            index = newer;
            share_vocabulary(&index, &ime);
            if !send(Event::Reloaded(index.info().clone())) {
                return;
            }
        }
        while let Ok(newer) = commands.try_recv() {
            pending.add(newer);
        }
        stats.tick(Instant::now());
        for cmd in pending.drain() {
            let Some(event) = answer(&settings, &index, &mut stats, cmd) else {
                continue;
            };
            if !send(event) {
                return;
            }
        }
    }
}

/// The answer to one command (`None`: the command wants none), counted in the statistics.
fn answer(
    settings: &Settings,
    index: &SearchIndex,
    stats: &mut Recorder,
    cmd: Command,
) -> Option<Event> {
    Some(match cmd {
        Command::Search { seq, request } => search(index, seq, &request, stats, true),
        Command::FormMatches { seq, request } => search(index, seq, &request, stats, false),
        Command::Printed { source, source_id } => {
            stats.printed(&source, &source_id);
            return None;
        }
        Command::Browse { seq, filters } => match index.browse(&filters, RESULT_LIMIT) {
            Ok(results) => {
                stats.saw(&results.hits);
                Event::Results {
                    seq,
                    results: Box::new(results),
                    corrected: None,
                    alternatives: Vec::new(),
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "browse failed");
                Event::SearchFailed { seq }
            }
        },
        Command::Candidates(r) => Event::Candidates {
            seq: r.seq,
            list: Candidates {
                pinyin: r.pinyin,
                ..Candidates::default()
            },
        },
        Command::Suggest { seq, prefix } => Event::Suggestions {
            seq,
            list: index.suggest(&prefix, 6),
        },
        Command::Open {
            seq,
            source,
            source_id,
            successor,
        } => {
            stats.opened(&source, &source_id);
            let successor = successor.and_then(|id| {
                index
                    .record(&source, &id)
                    .unwrap_or_else(|e| {
                        tracing::error!(error = %e, source, id, "cannot look up a record's successor");
                        None
                    })
                    .map(Box::new)
            });
            Event::Body {
                seq,
                body: index.body(&source, &source_id).unwrap_or_else(|e| {
                    tracing::error!(error = %e, source, source_id, "cannot read a record's body");
                    None
                }),
                successor,
            }
        }
        Command::Status => Event::Status(Box::new(IndexStatus::read(settings))),
    })
}

/// Searches with the kiosk's nothing-found policy ([`crate::desk::search::answer`]). A
/// visitor's search is `counted`; of the request form's, only the titles of its hits are kept.
fn search(
    index: &SearchIndex,
    seq: u64,
    request: &SearchRequest,
    stats: &mut Recorder,
    counted: bool,
) -> Event {
    match crate::desk::search::answer(index, request) {
        Ok(a) => {
            if counted {
                stats.searched(request, &a, Instant::now());
            } else {
                stats.saw(&a.results.hits);
            }
            Event::Results {
                seq,
                results: Box::new(a.results),
                corrected: a.corrected,
                alternatives: a.alternatives,
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "search failed");
            Event::SearchFailed { seq }
        }
    }
}

/// Opens the current generation when `CURRENT` names another one than `index`. A generation
/// that cannot be opened is logged and the open one kept.
fn reload_if_changed(settings: &Settings, index: &SearchIndex) -> Option<SearchIndex> {
    let name = crate::search::index::current_generation(&settings.index_dir)
        .ok()
        .flatten()?;
    if name == index.info().name {
        return None;
    }
    match open_search(&settings.index_dir) {
        Ok(newer) => {
            tracing::info!(generation = %newer.info().name, "switched to a new index generation");
            Some(newer)
        }
        Err(e) => {
            tracing::error!(generation = %name, error = %e, "new index generation cannot be opened; keeping the current one");
            None
        }
    }
}
