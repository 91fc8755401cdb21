//! The kiosk screens (egui/eframe). The only module that knows egui exists: it draws and routes,
//! while the worker thread owns the index.

pub mod action;
pub mod app;
pub mod candidates;
pub mod doc_body;
pub mod document;
pub mod fonts;
pub mod icons;
pub mod idle;
pub mod image_loader;
pub mod job;
pub mod keyboard;
pub mod layout;
pub mod on_request;
pub mod out_of_service;
pub mod print_worker;
pub mod qr;
pub mod request_form;
pub mod request_worker;
pub mod screens;
pub mod staff;
pub mod staff_desk;
pub mod staff_stats;
pub mod state;
pub mod theme;
pub mod watchdog;
pub mod widgets;
pub mod worker;

use crate::config::Settings;
pub use app::KioskApp;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("no graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set. The kiosk window needs a display (run it under cage or X); staff commands such as `kiosk index build` and `kiosk search` work without one")]
    NoDisplay,
    #[error("cannot start the search worker thread: {0}")]
    Worker(#[from] std::io::Error),
    #[error("the window could not be opened: {0}")]
    Window(String),
}

/// Opens the full-screen kiosk window and runs until it is closed.
pub fn run(settings: Settings) -> Result<(), UiError> {
    let started = std::time::Instant::now();
    // A folder that cannot be written: the window opens all the same, saying the kiosk is out
    // of service, so no visitor fills in a request that could not be kept.
    let out_of_service = match settings.check_writable(crate::config::PathUse::Kiosk) {
        Ok(()) => false,
        Err(e) => {
            tracing::error!("the kiosk is out of service until this is fixed: {e}");
            true
        }
    };
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    if !has_display {
        return Err(UiError::NoDisplay);
    }
    let (font_defs, loaded) = fonts::for_settings(&settings);
    if loaded == 0 {
        tracing::error!("no CJK font could be loaded: Chinese text will not render");
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("政务公开查询")
            .with_app_id("kiosk")
            .with_fullscreen(true)
            .with_decorations(false),
        persist_window: false,
        ..Default::default()
    };
    if let Some(hash) = &settings.screen.staff_pin_hash {
        if staff_pin_is_the_demo_one(hash) {
            if crate::staff_pin::runs_on_demo_data(&settings.sources) {
                tracing::warn!("the staff PIN is still the demo PIN of the shipped configuration: set your own with `kiosk staff-pin`");
            } else {
                tracing::error!("the staff PIN is still the demo PIN and the data is not the demo: the staff area will not open until a PIN is set with `kiosk staff-pin`");
            }
        }
    } else {
        tracing::warn!("no staff_pin_hash configured: the staff area cannot be opened");
    }
    start_fleet_sender(&settings);
    eframe::run_native(
        "kiosk",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(font_defs);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let ctx = cc.egui_ctx.clone();
            let worker = worker::spawn(settings.clone(), move || ctx.request_repaint())?;
            let ctx = cc.egui_ctx.clone();
            let requests = request_worker::spawn(settings.clone(), move || ctx.request_repaint())?;
            let mut app = KioskApp::new(settings, worker, requests);
            app.out_of_service = out_of_service;
            Ok(Box::new(KioskEframe {
                app,
                fitted: false,
                started,
                first_frame: false,
                ready_logged: false,
                watchdog: watchdog::Watchdog::from_env(),
            }))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))
}

/// A kiosk of a district delivers its outbox to the centre in its own thread, as long as the
/// process runs (filing never waits for it). A staff workstation sends nothing.
fn start_fleet_sender(settings: &Settings) {
    if settings.fleet.staff.is_some() {
        tracing::info!("a staff workstation at the centre: no outbox to deliver, no heartbeat");
    } else if settings.fleet.central.is_some() {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let wake = std::sync::Arc::new(crate::fleet::sender::Wake::default());
        if let Err(e) = crate::fleet::sender::spawn(settings, stop, wake) {
            tracing::error!(error = %e, "the fleet sender did not start: requests stay in the outbox");
        }
    }
}

pub use crate::staff_pin::DEMO_PIN;

fn staff_pin_is_the_demo_one(hash: &str) -> bool {
    crate::staff_pin::verify_pin(hash, DEMO_PIN)
}

struct KioskEframe {
    app: KioskApp,
    /// Whether the window has been made to cover the monitor.
    fitted: bool,
    /// Process start, for the start-up figures in the log.
    started: std::time::Instant,
    first_frame: bool,
    ready_logged: bool,
    /// Pings systemd from this loop, so a hung UI thread is restarted.
    watchdog: watchdog::Watchdog,
}

impl eframe::App for KioskEframe {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.fitted {
            self.fit_to_monitor(ui.ctx());
        }
        self.app.show(ui);
        self.watchdog.frame(ui.ctx(), std::time::Instant::now());
        if !self.first_frame {
            self.first_frame = true;
            tracing::info!(
                ms = self.started.elapsed().as_millis() as u64,
                "first frame drawn"
            );
        }
        if !self.ready_logged && matches!(self.app.index_state(), app::IndexState::Ready(_)) {
            self.ready_logged = true;
            tracing::info!(
                ms = self.started.elapsed().as_millis() as u64,
                "first interactive frame: the index is open and searches are answered"
            );
        }
    }
}

impl KioskEframe {
    /// Without a window manager (a bare X server, as in some kiosk set-ups) the full-screen
    /// request is not honoured; cover the monitor explicitly once its size is known.
    fn fit_to_monitor(&mut self, ctx: &egui::Context) {
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        let Some(monitor) = monitor else { return };
        self.fitted = true;
        if inner.is_some_and(|r| r.width() >= monitor.x && r.height() >= monitor.y) {
            return;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
        ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor));
    }
}
