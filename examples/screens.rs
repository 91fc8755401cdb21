//! Renders every kiosk screen in a real window (eframe, glow) and saves each as PNG, in the
//! normal and the elderly mode: `scripts/screenshots.sh` runs it under Xvfb.
//!
//! Usage: `cargo run --example screens -- OUT_DIR [CONFIG] [WIDTHxHEIGHT]` (default 1920x1080);
//! files are named `NN-screen-WIDTHxHEIGHT-mode.png`. The screens are reached through
//! the same calls the buttons make, with the real search and request workers behind them;
//! each shot is taken once the workers have answered and a few frames have settled.

use kiosk::config::Settings;
use kiosk::search::facets::{Dim, Filter};
use kiosk::ui::app::{KioskApp, Screen};
use kiosk::ui::idle::IdleTimer;
use kiosk::ui::keyboard::Key;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Act = fn(&mut KioskApp);
type Ready = fn(&KioskApp) -> bool;

struct Step {
    name: &'static str,
    act: Act,
    ready: Ready,
    /// Done once `ready` holds (a place in the document, the 目录), before the frames settle.
    then: Option<Act>,
}

fn settled(a: &KioskApp) -> bool {
    !a.list_pending() && !a.candidates_pending()
}

fn with_results(a: &KioskApp) -> bool {
    settled(a) && a.visit.list.results.is_some()
}

fn type_pinyin(a: &mut KioskApp, letters: &str) {
    for c in letters.chars() {
        a.key(Key::Letter(c));
    }
}

fn open_first(a: &mut KioskApp, service: bool) {
    let hit = a.visit.list.results.as_ref().and_then(|r| {
        r.hits
            .iter()
            .find(|h| {
                h.record.as_ref().is_some_and(|r| {
                    (r.service.is_some() == service) && (service || r.url.is_some())
                })
            })
            .cloned()
    });
    if let Some(hit) = hit {
        a.open(hit);
    }
}

/// Opens record `id` of the demo's notices, as 「查看详情」 on its hit would.
fn open_record(a: &mut KioskApp, id: &str) {
    a.go_home();
    let index = kiosk::search::open_search(&a.settings.index_dir).expect("the demo index");
    let hit = index
        .record("demo-disclosure", id)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{id} is not in the demo index"));
    a.open(hit);
}

/// The document's body is read and its images shown.
fn document_ready(a: &KioskApp) -> bool {
    a.visit
        .doc
        .as_ref()
        .is_some_and(|d| d.body.is_some() && !d.images_pending())
}

/// Brings the first block of the open document that `wanted` picks to the top.
fn show_block(a: &mut KioskApp, wanted: fn(&kiosk::catalog::body::Block) -> bool) {
    if let Some(doc) = a.visit.doc.as_mut() {
        let body = doc.body.clone().unwrap_or_default();
        let blocks = kiosk::catalog::body::blocks(&body);
        if let Some(i) = blocks.iter().position(wanted) {
            doc.view.show_block(i);
        }
    }
}

/// The demo's chaptered 办法 (7 章, 28 条, a table of standards and a flow chart).
const CHAPTERED: &str = "qh-gi-0010";

fn kind(k: kiosk::catalog::Kind) -> Vec<Filter> {
    vec![Filter {
        dim: Dim::Kind,
        value: k.label().to_string(),
    }]
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "home",
            act: |a| a.go_home(),
            ready: |a| !a.catalogue.is_empty(),
            then: None,
        },
        Step {
            name: "search-pinyin-keyboard",
            act: |a| {
                a.go_home();
                a.start_search();
                type_pinyin(a, "yanglao");
            },
            ready: |a| with_results(a) && !a.visit.candidates.is_empty(),
            then: None,
        },
        Step {
            name: "search-results",
            act: |a| {
                a.go_home();
                a.start_search();
                a.set_query("养老保险");
                a.visit.keyboard_open = false;
            },
            ready: with_results,
            then: None,
        },
        Step {
            name: "search-did-you-mean",
            act: |a| {
                a.set_query("最低生活保樟");
                a.visit.keyboard_open = false;
            },
            ready: with_results,
            then: None,
        },
        Step {
            name: "search-nothing-found",
            act: |a| {
                a.set_query("老年人游泳馆优惠");
                a.visit.keyboard_open = false;
            },
            ready: with_results,
            then: None,
        },
        Step {
            name: "browse-service-guide",
            act: |a| {
                a.go_home();
                a.browse(
                    "办事指南（办事一本通）",
                    kind(kiosk::catalog::Kind::ServiceGuide),
                );
            },
            ready: with_results,
            then: None,
        },
        Step {
            name: "service-item",
            act: |a| open_first(a, true),
            ready: |a| a.visit.doc.as_ref().is_some_and(|d| d.body.is_some()),
            then: None,
        },
        Step {
            name: "browse-government-information",
            act: |a| {
                a.go_home();
                a.browse("政府信息公开", kind(kiosk::catalog::Kind::GovernmentInfo));
            },
            ready: with_results,
            then: None,
        },
        Step {
            name: "document",
            act: |a| open_first(a, false),
            ready: |a| a.visit.doc.as_ref().is_some_and(|d| d.body.is_some()),
            then: None,
        },
        Step {
            name: "request-form",
            act: |a| {
                a.go_home();
                a.open_request_form(None);
            },
            ready: |a| a.visit.screen == Screen::Request,
            then: None,
        },
        Step {
            name: "idle-warning",
            act: |a| {
                a.go_home();
                a.start_search();
                type_pinyin(a, "hukou");
                let (idle, warn) = (a.settings.screen.idle, a.settings.screen.idle_warning);
                a.idle = IdleTimer::new(idle, warn, Instant::now() - idle - Duration::from_secs(3));
            },
            ready: settled,
            then: None,
        },
        Step {
            name: "staff-pin",
            act: |a| {
                a.go_home();
                let now = Instant::now();
                for _ in 0..5 {
                    a.hall_tapped(now);
                }
            },
            ready: |a| a.visit.screen == Screen::StaffPin,
            then: None,
        },
        Step {
            name: "staff-area",
            act: |a| a.open_staff_area(),
            ready: |a| a.visit.staff.as_ref().is_some_and(|s| s.index.is_some()),
            then: None,
        },
        Step {
            name: "document-superseded",
            act: |a| open_record(a, "qh-gi-0015"),
            ready: |a| {
                document_ready(a) && a.visit.doc.as_ref().is_some_and(|d| d.successor.is_some())
            },
            then: None,
        },
        Step {
            name: "document-table",
            act: |a| open_record(a, "qh-gi-0016"),
            ready: document_ready,
            then: Some(|a| {
                show_block(
                    a,
                    |b| matches!(b, kiosk::catalog::body::Block::Paragraph { text, .. } if text.starts_with("二、发放标准")),
                )
            }),
        },
        Step {
            name: "document-contents",
            act: |a| open_record(a, CHAPTERED),
            ready: document_ready,
            then: Some(|a| {
                if let Some(d) = a.visit.doc.as_mut() {
                    d.view.nav = kiosk::ui::doc_body::Nav::Contents;
                }
            }),
        },
        Step {
            name: "document-article-pad",
            act: |a| open_record(a, CHAPTERED),
            ready: document_ready,
            then: Some(|a| {
                if let Some(d) = a.visit.doc.as_mut() {
                    d.view.open_jump();
                    d.view.digits = "25".into();
                }
            }),
        },
        Step {
            name: "document-chapter-table",
            act: |a| open_record(a, CHAPTERED),
            ready: document_ready,
            then: Some(|a| {
                show_block(
                    a,
                    |b| matches!(b, kiosk::catalog::body::Block::Heading { text, .. } if text.starts_with("第二节")),
                )
            }),
        },
        Step {
            name: "document-image",
            act: |a| open_record(a, CHAPTERED),
            ready: document_ready,
            then: Some(|a| {
                show_block(
                    a,
                    |b| matches!(b, kiosk::catalog::body::Block::Heading { text, .. } if text.starts_with("第四章")),
                )
            }),
        },
    ]
}

struct Shooter {
    app: KioskApp,
    steps: Vec<Step>,
    /// (step, elderly, high contrast)
    plan: Vec<(usize, bool, bool)>,
    at: usize,
    acted: bool,
    /// The step's `then` was done.
    then_done: bool,
    settle: u32,
    pending: Option<Arc<Mutex<Option<Arc<egui::ColorImage>>>>>,
    out: PathBuf,
    size: String,
}

impl eframe::App for Shooter {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.at >= self.plan.len() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let (step, elderly, contrast) = self.plan[self.at];
        if !self.acted {
            (self.steps[step].act)(&mut self.app);
            self.app.visit.theme.elderly = elderly;
            self.app.visit.theme.high_contrast = contrast;
            if self.steps[step].name != "idle-warning" {
                let (idle, warn) = (
                    self.app.settings.screen.idle,
                    self.app.settings.screen.idle_warning,
                );
                self.app.idle = IdleTimer::new(idle, warn, Instant::now());
            }
            self.acted = true;
            self.then_done = false;
            self.settle = 0;
        }
        self.app.show(ui);
        if let Some(slot) = self.pending.clone() {
            let taken = slot.lock().unwrap().take();
            if let Some(image) = taken {
                let mode = match (elderly, contrast) {
                    (_, true) => "high-contrast",
                    (true, false) => "elderly",
                    (false, false) => "normal",
                };
                let name = format!(
                    "{:02}-{}-{}-{mode}.png",
                    step + 1,
                    self.steps[step].name,
                    self.size
                );
                save(&image, &self.out.join(&name));
                println!("saved {name}");
                self.pending = None;
                self.at += 1;
                self.acted = false;
            }
        } else if (self.steps[step].ready)(&self.app) {
            if let (Some(then), false) = (self.steps[step].then, self.then_done) {
                then(&mut self.app);
                self.then_done = true;
                self.settle = 0;
            }
            self.settle += 1;
            if self.settle > 8 {
                let slot = Arc::new(Mutex::new(None));
                let writer = slot.clone();
                let wake = ctx.clone();
                ctx.request_screenshot(move |image| {
                    *writer.lock().unwrap() = Some(image);
                    wake.request_repaint();
                });
                self.pending = Some(slot);
            }
        }
        ctx.request_repaint_after(Duration::from_millis(30));
    }
}

fn save(image: &egui::ColorImage, path: &Path) {
    use image::ImageEncoder;
    let [w, h] = image.size;
    let mut rgb = Vec::with_capacity(w * h * 3);
    for p in &image.pixels {
        rgb.extend_from_slice(&p.to_srgba_unmultiplied()[..3]);
    }
    let file = std::fs::File::create(path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    image::codecs::png::PngEncoder::new_with_quality(
        std::io::BufWriter::new(file),
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(&rgb, w as u32, h as u32, image::ExtendedColorType::Rgb8)
    .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: screens OUT_DIR [CONFIG]"));
    let config = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kiosk-config/kiosk.toml"));
    let size = args.next().unwrap_or_else(|| "1920x1080".to_string());
    let (w, h) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<f32>().ok()?, h.parse::<f32>().ok()?)))
        .expect("size as WIDTHxHEIGHT");
    std::fs::create_dir_all(&out).unwrap();
    let settings = Settings::load(&config).unwrap_or_else(|e| panic!("{e}"));
    let (fonts, _) = kiosk::ui::fonts::for_settings(&settings);
    let steps = steps();
    let mut plan = Vec::new();
    for i in 0..steps.len() {
        plan.push((i, false, false));
        plan.push((i, true, false));
    }
    plan.push((0, true, true));
    plan.push((2, true, true));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([w, h])
            .with_position([0.0, 0.0])
            .with_decorations(false),
        ..Default::default()
    };
    eframe::run_native(
        "kiosk-screens",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(fonts);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let c = cc.egui_ctx.clone();
            let worker = kiosk::ui::worker::spawn(settings.clone(), move || c.request_repaint())?;
            let c = cc.egui_ctx.clone();
            let requests =
                kiosk::ui::request_worker::spawn(settings.clone(), move || c.request_repaint())?;
            Ok(Box::new(Shooter {
                app: KioskApp::new(settings, worker, requests),
                steps,
                plan,
                at: 0,
                acted: false,
                then_done: false,
                settle: 0,
                pending: None,
                out,
                size,
            }))
        }),
    )
    .unwrap();
}
