//! The kiosk screens (egui/eframe). The only module that knows egui exists: it draws and routes,
//! while the worker thread owns the index.

pub mod app;
pub mod fonts;
pub mod request_form;
pub mod request_worker;
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
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    if !has_display {
        return Err(UiError::NoDisplay);
    }
    let mut specs: Vec<fonts::FontSpec> = settings
        .font
        .iter()
        .map(|p| fonts::FontSpec::parse(p))
        .collect();
    specs.extend(
        settings
            .fallback_fonts
            .iter()
            .map(|p| fonts::FontSpec::parse(p)),
    );
    let (font_defs, loaded) = fonts::font_definitions(&specs);
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
    let hall = settings.hall_name.clone();
    let request_settings = settings.clone();
    eframe::run_native(
        "kiosk",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(font_defs);
            cc.egui_ctx.set_visuals(egui::Visuals::light());
            let ctx = cc.egui_ctx.clone();
            let worker = worker::spawn(settings, move || ctx.request_repaint())?;
            let ctx = cc.egui_ctx.clone();
            let requests = request_worker::spawn(request_settings, move || ctx.request_repaint())?;
            Ok(Box::new(KioskEframe {
                app: KioskApp::new(hall, worker),
                fitted: false,
                requests,
                request_form: None,
            }))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))
}

struct KioskEframe {
    app: KioskApp,
    /// Whether the window has been made to cover the monitor.
    fitted: bool,
    requests: request_worker::RequestWorker,
    /// The request form while it is open (wiped when closed).
    request_form: Option<request_form::RequestFormState>,
}

impl eframe::App for KioskEframe {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.fitted {
            self.fit_to_monitor(ui.ctx());
        }
        while let Ok(reply) = self.requests.replies.try_recv() {
            if let Some(form) = &mut self.request_form {
                request_worker::apply(form, reply);
            }
        }
        if let Some(form) = &mut self.request_form {
            match request_form::show(ui, form) {
                Some(request_form::Action::Close) => self.request_form = None,
                Some(action) => self.send_request(action),
                None => {}
            }
            return;
        }
        let open =
            egui::Button::new(egui::RichText::new("政府信息公开申请 · 查询办理进度").size(24.0))
                .min_size(egui::vec2(320.0, 60.0));
        if ui.add(open).clicked() {
            self.request_form = Some(request_form::RequestFormState::new(
                chrono::Local::now().date_naive(),
            ));
        }
        self.app.show(ui);
    }
}

impl KioskEframe {
    fn send_request(&self, action: request_form::Action) {
        if self.requests.commands.send(action).is_err() {
            tracing::error!("the request worker has stopped");
        }
    }

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
