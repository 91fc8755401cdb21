//! The kiosk on a kittest harness of a given size: the demo configuration in a temporary folder,
//! the real search and request workers behind it, and the taps a person makes.

#![allow(dead_code)] // Each test binary uses its own part of the harness.
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use kiosk::config::Settings;
use kiosk::pipeline::{run, Mode};
use kiosk::ui::app::KioskApp;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;

/// The three screens of the halls: landscape, portrait (立式一体机) and a small panel.
pub const SIZES: [(f32, f32); 3] = [(1920.0, 1080.0), (1080.0, 1920.0), (1366.0, 768.0)];

pub struct Kiosk {
    pub _tmp: tempfile::TempDir,
    pub h: Harness<'static, KioskApp>,
}

/// The demo configuration with its index, register, key and state in a temporary folder.
pub fn settings_in(dir: &Path) -> Settings {
    let (config, _, _) = common::editable_demo(dir);
    // Synonyms, areas and holidays as shipped.
    common::copy_config_data(dir);
    let s = Settings::load(&config).unwrap();
    assert!(s.requests.register.starts_with(dir) && s.state_dir.starts_with(dir));
    s
}

pub fn kiosk_with(tmp: tempfile::TempDir, settings: Settings) -> Kiosk {
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    kiosk_with_requests(tmp, settings, requests)
}

/// The kiosk with a given request worker (a test may stand in for it).
pub fn kiosk_with_requests(
    tmp: tempfile::TempDir,
    settings: Settings,
    requests: kiosk::ui::request_worker::RequestWorker,
) -> Kiosk {
    kiosk_sized(tmp, settings, requests, SIZES[0])
}

/// The kiosk on a harness of `size` (width, height).
pub fn kiosk_sized(
    tmp: tempfile::TempDir,
    settings: Settings,
    requests: kiosk::ui::request_worker::RequestWorker,
    size: (f32, f32),
) -> Kiosk {
    if kiosk::search::index::current_generation(&settings.index_dir)
        .unwrap()
        .is_none()
    {
        run(&settings, Mode::Full, false).unwrap();
    }
    let mut k = kiosk_starting(tmp, settings, requests, size);
    k.wait("the index to open", |a| {
        matches!(a.index_state(), kiosk::ui::app::IndexState::Ready(_)) && !a.catalogue.is_empty()
    });
    k
}

/// The kiosk on a harness of `size` as it starts: the search worker opens the index (or builds
/// it, when there is none) while the first frames are drawn.
pub fn kiosk_starting(
    tmp: tempfile::TempDir,
    settings: Settings,
    requests: kiosk::ui::request_worker::RequestWorker,
    size: (f32, f32),
) -> Kiosk {
    let worker = kiosk::ui::worker::spawn(settings.clone(), || {}).unwrap();
    let app = KioskApp::new(settings, worker, requests);
    let font = common::repo().join("assets/fonts/NotoSansSC-kiosk-subset.otf");
    let (defs, loaded) =
        kiosk::ui::fonts::font_definitions(&[kiosk::ui::fonts::FontSpec::parse(&font)]);
    assert_eq!(loaded, 1);
    // A theme switch takes a few frames to settle (egui restyles and repaints).
    let h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_max_steps(16)
        .with_context_setup(move |ctx| ctx.set_fonts(defs))
        .build_ui_state(|ui, app: &mut KioskApp| app.show(ui), app);
    Kiosk { _tmp: tmp, h }
}

/// Files one valid request (张三, a resident ID, a phone number) straight into the register of
/// `settings`, as the kiosk would have; its receipt.
pub fn file_a_request(settings: &Settings) -> kiosk::requests::Receipt {
    let form = kiosk::requests::RawForm {
        name: "张三".into(),
        id_kind: Some(kiosk::requests::IdKind::ResidentId),
        id_number: "11010519491231002X".into(),
        phone: "13812345678".into(),
        description: "2025年城区道路改造项目立项批复".into(),
        ..Default::default()
    };
    kiosk::staff_requests::open_register(settings)
        .unwrap()
        .submit(
            &form.validate(chrono::Local::now().date_naive()).unwrap(),
            chrono::Local::now().naive_local(),
        )
        .unwrap()
}

/// The kiosk at one of the halls' screens (`SIZES`), in the normal or the elderly mode.
pub fn kiosk_at(size: (f32, f32), elderly: bool) -> Kiosk {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    let mut k = kiosk_sized(tmp, settings, requests, size);
    k.h.state_mut().visit.theme.elderly = elderly;
    k.h.run();
    k
}

pub fn kiosk() -> Kiosk {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    kiosk_with(tmp, settings)
}

/// The newest search has answered, with hits.
pub fn results_shown(a: &KioskApp) -> bool {
    !a.list_pending()
        && a.visit
            .list
            .results
            .as_ref()
            .is_some_and(|r| !r.hits.is_empty())
}

impl Kiosk {
    /// Steps frames until the workers' answers make `done` true.
    pub fn wait(&mut self, what: &str, done: impl Fn(&KioskApp) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(self.h.state()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            self.h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
        self.h.run();
    }

    pub fn tap(&mut self, label: &str) {
        self.h.get_by_label(label).scroll_to_me();
        self.h.run();
        self.h.get_by_label(label).click();
        self.h.run();
    }

    pub fn tap_nth(&mut self, label: &str, n: usize) {
        let missing = format!("no {label} number {n}");
        self.h
            .get_all_by_label(label)
            .nth(n)
            .expect(&missing)
            .scroll_to_me();
        self.h.run();
        self.h
            .get_all_by_label(label)
            .nth(n)
            .expect(&missing)
            .click();
        self.h.run();
    }

    pub fn tap_first(&mut self, label: &str) {
        self.tap_nth(label, 0);
    }

    pub fn app(&self) -> &KioskApp {
        self.h.state()
    }

    /// Searches for `query` (typed as the keyboard would have it), taps 「查看详情」 of the hit
    /// with source id `id` and waits for its body (and its images).
    pub fn open_found(&mut self, query: &str, id: &str) {
        self.h.state_mut().start_search();
        self.h.state_mut().set_query(query);
        self.h.state_mut().visit.keyboard_open = false;
        self.wait(&format!("results for {query}"), results_shown);
        let hits = &self.app().visit.list.results.as_ref().unwrap().hits;
        let at = hits
            .iter()
            .position(|h| h.id == id)
            .unwrap_or_else(|| panic!("{id} not among the hits for {query}"));
        self.tap_nth("查看详情", at);
        self.wait_document(id);
    }

    /// Waits until the document on screen is `id` with its body read and its images shown.
    pub fn wait_document(&mut self, id: &str) {
        self.wait(&format!("the body of {id}"), |a| {
            a.visit
                .doc
                .as_ref()
                .is_some_and(|d| d.hit.id == id && d.body.is_some() && !d.images_pending())
        });
        for _ in 0..3 {
            self.h.run();
        }
    }

    /// The id of the document on screen.
    pub fn document_id(&self) -> Option<String> {
        self.app().visit.doc.as_ref().map(|d| d.hit.id.clone())
    }

    /// The rectangle of the one widget whose label holds `text`.
    pub fn rect_of(&self, text: &str) -> egui::Rect {
        self.h.get_by_label_contains(text).rect()
    }

    /// The part of the widget whose label holds `text` that is visible: inside the clip of its
    /// panel and scroll area (a widget scrolled away keeps its place in the accessibility tree,
    /// outside the part of the screen that shows it).
    pub fn visible_part(&self, text: &str) -> egui::Rect {
        let node = self.h.get_by_label_contains(text);
        let id = node.accesskit_node().locate().0 .0;
        self.widget_rects()
            .get(&id)
            .map_or(egui::Rect::NOTHING, |&(rect, _)| rect)
    }

    /// egui's widget rectangles of the last frame drawn, with their layers, by the widget id's
    /// value (an accesskit node's id).
    pub fn widget_rects(&self) -> std::collections::HashMap<u64, (egui::Rect, egui::LayerId)> {
        self.h.ctx.viewport(|v| {
            let pass = if v.this_pass.widgets.layer_ids().len() > 0 {
                &v.this_pass
            } else {
                &v.prev_pass
            };
            let mut rects = std::collections::HashMap::new();
            for (layer, ws) in pass.widgets.layers() {
                for w in ws {
                    rects
                        .entry(w.id.value())
                        .or_insert((w.interact_rect, *layer));
                }
            }
            rects
        })
    }

    /// Whether at least the first line of the widget whose label holds `text` is in sight.
    pub fn in_sight(&self, text: &str) -> bool {
        let whole = self.rect_of(text);
        let shown = self.visible_part(text);
        shown.is_positive()
            && (shown.top() - whole.top()).abs() < 1.0
            && shown.height() >= whole.height().min(20.0)
    }
}
