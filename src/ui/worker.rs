//! The background worker that owns the index: builds it on first start if missing, opens it,
//! and answers searches. The UI thread only sends commands and reads events.

use crate::config::Settings;
use crate::search::{open_search, GenerationInfo, Hit, SearchIndex};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// How often an idle worker looks for a new index generation.
pub const RELOAD_CHECK: Duration = Duration::from_secs(2);

/// How many hits the result list shows.
pub const RESULT_LIMIT: usize = 50;

/// What the UI asks of the worker.
#[derive(Debug)]
pub enum Command {
    /// Search `query`; `seq` grows with every request so stale answers can be dropped.
    Search { seq: u64, query: String },
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
    Results {
        seq: u64,
        hits: Vec<Hit>,
    },
    SearchFailed {
        seq: u64,
    },
}

/// The UI side of the worker.
pub struct WorkerHandle {
    pub commands: Sender<Command>,
    pub events: Receiver<Event>,
}

/// Starts the worker thread; `wake` is called after every event (the UI's repaint request).
pub fn spawn(
    settings: Settings,
    wake: impl Fn() + Send + 'static,
) -> std::io::Result<WorkerHandle> {
    let (cmd_tx, cmd_rx) = channel::<Command>();
    let (ev_tx, ev_rx) = channel::<Event>();
    std::thread::Builder::new()
        .name("search-worker".into())
        .spawn(move || run(settings, cmd_rx, ev_tx, wake))?;
    Ok(WorkerHandle {
        commands: cmd_tx,
        events: ev_rx,
    })
}

fn open_or_build(settings: &Settings) -> Result<SearchIndex, String> {
    let missing = matches!(
        crate::search::index::current_generation(&settings.index_dir),
        Ok(None)
    );
    if missing {
        tracing::info!(dir = %settings.index_dir.display(), "no index yet: building it on first start");
        if let Err(e) = crate::pipeline::build_index(settings) {
            tracing::error!(error = %e, "first-start index build failed");
            return Err("资料库尚未建立，请联系工作人员处理。".into());
        }
    }
    open_search(&settings.index_dir).map_err(|e| {
        tracing::error!(error = %e, "cannot open index");
        "资料库暂时无法打开，请联系工作人员处理。".to_string()
    })
}

fn run(settings: Settings, commands: Receiver<Command>, events: Sender<Event>, wake: impl Fn()) {
    let send = |e: Event| {
        let ok = events.send(e).is_ok();
        wake();
        ok
    };
    let index = match open_or_build(&settings) {
        Ok(i) => i,
        Err(msg) => {
            send(Event::Failed(msg));
            return;
        }
    };
    if !send(Event::Ready(index.info().clone())) {
        return;
    }
    let mut index = index;
    loop {
        let cmd = match commands.recv_timeout(RELOAD_CHECK) {
            Ok(c) => Some(c),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if let Some(newer) = reload_if_changed(&settings, &index) {
            index = newer;
            if !send(Event::Reloaded(index.info().clone())) {
                return;
            }
        }
        let Some(mut cmd) = cmd else { continue };
        // Only the newest request matters: skip the ones typed over in the meantime.
        while let Ok(newer) = commands.try_recv() {
            cmd = newer;
        }
        let Command::Search { seq, query } = cmd;
        let event = match index.search(&query, RESULT_LIMIT) {
            Ok(r) => Event::Results { seq, hits: r.hits },
            Err(e) => {
                tracing::error!(error = %e, "search failed");
                Event::SearchFailed { seq }
            }
        };
        if !send(event) {
            return;
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
