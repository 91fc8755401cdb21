//! The kiosk's state and its routing between screens. Everything a visitor leaves behind lives
//! in [`Visit`] and is dropped whole by the idle reset; the index, the workers and the staff gate
//! outlive visits. Drawing is in `screens`, `document` and `staff`; slow work goes to workers.

use super::action::Action;
use super::document::{OpenDoc, PrintState};
use super::idle::{IdlePhase, IdleTimer};
use super::request_form::{self, RequestFormState};
use super::request_worker::{self, RequestWorker};
use super::staff::{StaffArea, StaffPinPad};
use super::theme::Theme;
use super::worker::{Command, Event, WorkerHandle, RESULT_LIMIT};
use crate::config::Settings;
use crate::search::facets::{Dim, FacetCounts, Filter};
use crate::search::query::{SearchRequest, Sort};
use crate::search::Hit;
use crate::staff_pin::StaffGate;
use std::time::{Duration, Instant};

mod navigation;
mod read_aloud;
mod request_screen;

pub use super::state::{IndexState, ListState, Screen, View, Visit};

/// The newest request of a kind; only its answer is shown.
#[derive(Debug, Clone, Copy, Default)]
struct Track {
    sent: u64,
    answered: bool,
}

impl Track {
    fn accept(&mut self, seq: u64) -> bool {
        let fresh = seq == self.sent && !self.answered;
        if fresh {
            self.answered = true;
        }
        fresh
    }

    fn pending(&self) -> bool {
        self.sent != 0 && !self.answered
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Tracks {
    list: Track,
    candidates: Track,
    suggest: Track,
    open: Track,
    form: Track,
}

/// Taps on the hall name within this time open the staff PIN pad.
const STAFF_TAPS: usize = 5;
const STAFF_TAP_WINDOW: Duration = Duration::from_secs(4);

pub struct KioskApp {
    pub settings: Settings,
    worker: WorkerHandle,
    requests: RequestWorker,
    pub index: IndexState,
    /// How far the first start's build has come (while `index` is loading).
    pub progress: Option<crate::pipeline::Progress>,
    /// Counts of the whole catalogue per kind and area, for browsing without typing.
    pub catalogue: FacetCounts,
    pub visit: Visit,
    /// Grows with every visit (each idle reset and each return home): egui state (scroll
    /// positions, cursors) is keyed by it, and request-worker replies carry it.
    pub visit_no: u64,
    seq: u64,
    tracks: Tracks,
    pub idle: IdleTimer,
    pub gate: StaffGate,
    applied_theme: Option<Theme>,
    /// Set by the staff area's 「关闭终端程序」.
    pub close_requested: bool,
    /// The speech engine of the 读屏 switch.
    pub speech: crate::speech::Speech,
    /// Whether the window has been seen full screen (so leaving it is undone).
    was_fullscreen: bool,
    /// A folder the kiosk writes cannot be written (found at start-up): the screen says the
    /// kiosk is out of service instead of taking requests it could not keep.
    pub out_of_service: bool,
}

impl KioskApp {
    pub fn new(settings: Settings, worker: WorkerHandle, requests: RequestWorker) -> KioskApp {
        let visit = Visit {
            theme: default_theme(&settings),
            ..Visit::default()
        };
        let speech = crate::speech::Speech::spawn(settings.screen.read_aloud_command.clone())
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot start the speech thread; 读屏 stays silent");
                crate::speech::Speech::silent()
            });
        KioskApp {
            speech,
            idle: IdleTimer::new(
                settings.screen.idle,
                settings.screen.idle_warning,
                Instant::now(),
            ),
            gate: StaffGate::kept_in(settings.screen.staff_lockout, &settings.state_dir),
            settings,
            worker,
            requests,
            index: IndexState::Loading,
            progress: None,
            catalogue: FacetCounts::new(),
            visit,
            visit_no: 1,
            seq: 0,
            tracks: Tracks::default(),
            applied_theme: None,
            close_requested: false,
            was_fullscreen: false,
            out_of_service: false,
        }
    }

    pub fn index_state(&self) -> &IndexState {
        &self.index
    }

    /// Whether an answer from the search worker is still awaited for the list.
    pub fn list_pending(&self) -> bool {
        self.tracks.list.pending()
    }

    /// Whether Hanzi candidates for the typed pinyin are still awaited.
    pub fn candidates_pending(&self) -> bool {
        self.tracks.candidates.pending()
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn send(&self, cmd: Command) {
        if !self.worker.send(cmd) {
            tracing::error!("the search worker has stopped");
        }
    }

    /// Applies what the workers reported since the last frame.
    fn drain_events(&mut self, ctx: &egui::Context) {
        while let Ok(ev) = self.worker.events.try_recv() {
            match ev {
                Event::Progress(p) => self.progress = Some(p),
                Event::Ready(info) => {
                    self.progress = None;
                    self.index = IndexState::Ready(info);
                    self.refresh_catalogue();
                    if self.visit.screen == Screen::List {
                        self.run_list();
                    }
                }
                Event::Reloaded(info) => {
                    // What is on screen stays; the next search uses the new generation.
                    self.index = IndexState::Ready(info);
                    self.refresh_catalogue();
                }
                Event::Failed(msg) => self.index = IndexState::Failed(msg),
                Event::Results {
                    seq,
                    results,
                    corrected,
                    alternatives,
                } => {
                    if seq == 0 {
                        self.catalogue = results.facets;
                    } else if self.tracks.list.accept(seq) {
                        self.visit.list.results = Some(*results);
                        self.visit.list.corrected = corrected;
                        self.visit.list.alternatives = alternatives;
                        self.visit.list.failed = false;
                    } else if self.tracks.form.accept(seq) {
                        // Only what is published answers the form: a 依申请公开 entry does not.
                        self.visit.form_matches = results
                            .hits
                            .into_iter()
                            .filter(|h| !h.on_request)
                            .take(3)
                            .collect();
                    }
                }
                Event::SearchFailed { seq } => {
                    if self.tracks.list.accept(seq) {
                        self.visit.list.failed = true;
                    }
                    self.tracks.form.accept(seq);
                }
                Event::Candidates { seq, list } => {
                    if self.tracks.candidates.accept(seq) {
                        self.visit.candidates = list;
                    }
                }
                Event::Suggestions { seq, list } => {
                    if self.tracks.suggest.accept(seq) {
                        self.visit.suggestions = list;
                    }
                }
                Event::Body {
                    seq,
                    body,
                    successor,
                } => {
                    if self.tracks.open.accept(seq) {
                        if let Some(doc) = &mut self.visit.doc {
                            doc.set_body(body, successor.map(|h| *h));
                        }
                        self.load_images(ctx);
                        self.read_open_record();
                    }
                }
                Event::Status(status) => {
                    if let Some(staff) = &mut self.visit.staff {
                        staff.index = Some(*status);
                    }
                }
            }
        }
        while let Ok((visit, reply)) = self.requests.replies.try_recv() {
            // A reply to a visit that has since been wiped (or left) is the last visitor's:
            // it never reaches the form on screen.
            if visit != self.visit_no {
                tracing::info!("a request reply of an ended visit was dropped");
                continue;
            }
            if let Some(form) = &mut self.visit.form {
                request_worker::apply(form, reply);
            }
        }
    }

    /// Starts reading the open document's images from the generation it came from, on a thread
    /// of their own.
    fn load_images(&mut self, ctx: &egui::Context) {
        let IndexState::Ready(info) = &self.index else {
            return;
        };
        let dir = crate::search::index::generation_path(&self.settings.index_dir, &info.name);
        let Some(doc) = self.visit.doc.as_mut() else {
            return;
        };
        let names = doc.stored_images();
        let files: Vec<_> = names
            .iter()
            .filter_map(|n| Some((n.clone(), crate::search::index::image_file(&dir, n)?)))
            .collect();
        if files.is_empty() {
            return;
        }
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        match super::image_loader::spawn(files, wake) {
            Ok(rx) => doc.loading_images(&names, rx),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the image thread; the document shows its images' captions")
            }
        }
    }

    /// The read-only borrow of the state a screen draws from.
    pub fn view(&self) -> View<'_> {
        View {
            visit: &self.visit,
            index: &self.index,
            progress: self.progress,
            catalogue: &self.catalogue,
            visit_no: self.visit_no,
            hall_name: &self.settings.hall_name,
        }
    }

    /// Carries out what a screen asked for: the one place the state changes on a tap.
    pub fn apply(&mut self, action: Action, ctx: &egui::Context, now: Instant) {
        match action {
            Action::StartSearch => self.start_search(),
            Action::Browse { heading, filters } => self.browse(&heading, filters),
            Action::EmptyTile(name) => self.visit.empty_tile = Some(name),
            Action::Key(k) => self.key(k),
            Action::SetQuery(q) => self.set_query(&q),
            Action::ToggleKeyboard => self.visit.keyboard_open = !self.visit.keyboard_open,
            Action::ToggleFilter(dim, value) => self.toggle_filter(dim, &value),
            Action::SetSort(sort) => self.set_sort(sort),
            Action::Open(hit) => self.open(hit),
            Action::OpenSuccessor(hit) => self.open_successor(hit),
            Action::CloseDocument => self.close_document(),
            Action::PrintOpenRecord => self.print_open_record(ctx),
            Action::RequestForm(hit) => self.open_request_form(hit.as_ref()),
            Action::StaffRequestForm => {
                self.open_request_form(None);
                if let Some(form) = self.visit.form.as_mut() {
                    form.staff = true;
                    form.form.staff_assisted = true;
                }
            }
            Action::GoHome => self.go_home(),
            Action::Back => self.back(),
            Action::ToggleElderly => self.visit.theme.elderly = !self.visit.theme.elderly,
            Action::ToggleReadAloud => self.toggle_read_aloud(),
            Action::ReadAloud(text) => self.read_aloud(&text),
            Action::ToggleContrast => {
                self.visit.theme.high_contrast = !self.visit.theme.high_contrast
            }
            Action::HallTapped => self.hall_tapped(now),
            Action::KeepVisit => self.idle.touch(now),
            Action::OpenStaffArea => self.open_staff_area(),
            Action::RefreshIndexStatus => self.send(Command::Status),
            Action::CloseKiosk => self.close_requested = true,
        }
    }

    /// Prints the open document, or the open service item's materials checklist, on a print
    /// thread; the document screen shows its progress.
    fn print_open_record(&mut self, ctx: &egui::Context) {
        let hall = self.settings.hall_name.clone();
        let Some(doc) = self.visit.doc.as_ref() else {
            return;
        };
        let job = doc.record().and_then(|r| match &r.service {
            Some(_) => crate::print::document::service_checklist(r, &hall),
            None => doc
                .body
                .as_ref()
                .map(|body| crate::print::document::document(r, body, &hall)),
        });
        let Some((blocks, title)) = job.zip(doc.record().map(|r| r.title.clone())) else {
            return;
        };
        self.send(Command::Printed {
            source: doc.hit.source.clone(),
            source_id: doc.hit.id.clone(),
        });
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        let state = match super::print_worker::spawn(self.settings.clone(), wake, blocks, title) {
            Ok(rx) => PrintState::Printing(rx),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the print thread");
                PrintState::Done(Err(super::print_worker::PRINT_FAILED.into()))
            }
        };
        if let Some(doc) = self.visit.doc.as_mut() {
            doc.print = state;
        }
    }

    /// Whether this frame carries input from a person (a touch, a key, a drag, a scroll).
    fn person_was_here(ctx: &egui::Context) -> bool {
        ctx.input(|i| {
            i.pointer.any_down()
                || i.events.iter().any(|e| {
                    matches!(
                        e,
                        egui::Event::PointerButton { .. }
                            | egui::Event::Touch { .. }
                            | egui::Event::Key { .. }
                            | egui::Event::Text(_)
                            | egui::Event::MouseWheel { .. }
                    )
                })
        })
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let now = Instant::now();
        self.drain_events(&ctx);
        if Self::person_was_here(&ctx) {
            self.idle.touch(now);
        }
        let phase = if self.has_traces() {
            self.idle.phase(now)
        } else {
            self.idle.touch(now);
            IdlePhase::Active
        };
        if phase == IdlePhase::Expired {
            self.wipe(&ctx);
            self.idle.touch(now);
        }
        self.visit.theme.compact = super::layout::Shape::of(ui).short();
        if self.applied_theme != Some(self.visit.theme) {
            self.visit.theme.apply(&ctx);
            self.applied_theme = Some(self.visit.theme);
        }
        if self.out_of_service {
            super::out_of_service::screen(ui, &self.visit.theme, &self.settings.hall_name);
            self.hold_the_window(&ctx);
            return;
        }
        let mut out = Vec::new();
        super::screens::header(&self.view(), ui, &mut out);
        super::screens::bottom_bar(&self.view(), ui, &mut out);
        let (theme, visit_no) = (self.visit.theme, self.visit_no);
        match self.visit.screen {
            Screen::Home => super::screens::home(&self.view(), ui, &mut out),
            Screen::List => super::screens::list(&self.view(), ui, &mut out),
            Screen::Document | Screen::Service => match self.visit.doc.as_mut() {
                Some(doc) if self.visit.screen == Screen::Document => {
                    super::document::document(ui, &theme, doc, visit_no, &mut out)
                }
                Some(doc) => super::document::service(ui, &theme, doc, visit_no, &mut out),
                None => out.push(Action::CloseDocument),
            },
            Screen::Request => self.request_screen(ui),
            Screen::StaffPin => match self.visit.pin.as_mut() {
                Some(pad) => {
                    let gate = &mut self.gate;
                    super::staff::pin_screen(ui, &theme, pad, gate, &self.settings, now, &mut out)
                }
                None => out.push(Action::GoHome),
            },
            Screen::Staff => match self.visit.staff.as_mut() {
                Some(area) => {
                    super::staff::staff_screen(ui, &theme, area, &self.settings, visit_no, &mut out)
                }
                None => out.push(Action::GoHome),
            },
        }
        if let IdlePhase::Warning { remaining } = phase {
            super::screens::idle_warning(&self.view(), &ctx, remaining, &mut out);
        }
        for action in out {
            self.apply(action, &ctx, now);
        }
        self.hold_the_window(&ctx);
        self.schedule_repaint(&ctx, now);
    }

    /// Lockdown: no key, key combination or window event ends or leaves the kiosk; only the
    /// staff area's 「关闭终端程序」 (behind the PIN) closes it. egui's own Ctrl+Q quit and
    /// keyboard zoom are switched off, a close request (Alt+F4, the window manager) is
    /// cancelled, a minimised window is restored and a window taken out of full screen (F11
    /// in a window manager) is put back.
    fn hold_the_window(&mut self, ctx: &egui::Context) {
        if self.close_requested {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        ctx.options_mut(|o| {
            o.quit_shortcuts.clear();
            o.zoom_with_keyboard = false;
        });
        let (close, minimized, fullscreen) = ctx.input(|i| {
            let v = i.viewport();
            (v.close_requested(), v.minimized, v.fullscreen)
        });
        if close {
            tracing::warn!("a request to close the kiosk window was refused (only the staff area may close it)");
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if minimized == Some(true) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
        }
        // Only a window that was full screen and left it: without a window manager some
        // set-ups never report full screen (the window is fitted to the monitor instead).
        // Asked once per leaving, so a window manager that refuses is not asked every frame.
        match fullscreen {
            Some(false) if self.was_fullscreen => {
                tracing::warn!("the kiosk window left full screen; put back");
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
                self.was_fullscreen = false;
            }
            Some(true) => self.was_fullscreen = true,
            _ => {}
        }
    }

    /// Asks for the next frame only when something will change: the idle countdown, the clock's
    /// minute, a worker's answer (workers wake the UI themselves). Nothing moves: no frames.
    fn schedule_repaint(&self, ctx: &egui::Context, now: Instant) {
        let clock = {
            let secs = u64::from(60 - chrono::Timelike::second(&chrono::Local::now()).min(59));
            Duration::from_secs(secs)
        };
        let mut wake = clock;
        if self.has_traces() {
            wake = wake.min(self.idle.next_wake(now));
        }
        if self.visit.pin.as_ref().is_some_and(|p| p.checking())
            || self.visit.doc.as_ref().is_some_and(|d| d.printing())
            || self.visit.staff.as_ref().is_some_and(|s| s.busy())
        {
            wake = wake.min(Duration::from_millis(100));
        }
        ctx.request_repaint_after(wake);
    }
}

/// The look every visit starts with, from the configuration.
fn default_theme(settings: &Settings) -> Theme {
    Theme {
        compact: false,
        elderly: settings.screen.elderly_mode,
        high_contrast: settings.screen.high_contrast,
    }
}

#[cfg(test)]
mod tests {
    use super::Track;

    #[test]
    fn only_the_answer_to_the_newest_request_is_shown_and_only_once() {
        let mut t = Track {
            sent: 7,
            answered: false,
        };
        assert!(t.pending());
        // An answer to a request typed over (seq 5) arrives late: dropped.
        assert!(!t.accept(5));
        assert!(t.pending());
        assert!(t.accept(7));
        assert!(!t.pending());
        // The same answer again, or an older one, never replaces it.
        assert!(!t.accept(7));
        assert!(!t.accept(6));
    }
}
