//! The first kiosk screen: hall name, data date, a search line and the result list with
//! highlighted titles. State lives here; all slow work goes to the worker.

use super::worker::{Command, Event, WorkerHandle};
use crate::search::query::Highlighted;
use crate::search::{GenerationInfo, Hit};
use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat};

const TEXT: Color32 = Color32::from_rgb(0x1a, 0x1a, 0x1a);
const MUTED: Color32 = Color32::from_rgb(0x4a, 0x4a, 0x4a);
const ACCENT: Color32 = Color32::from_rgb(0xb0, 0x1c, 0x1c);
const MARK_BG: Color32 = Color32::from_rgb(0xff, 0xe8, 0x8a);

/// Where the index stands, as the screen tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    Loading,
    Ready(GenerationInfo),
    Failed(String),
}

/// Everything the screen shows. Visitor-specific: `query` and `hits`.
pub struct KioskApp {
    hall_name: String,
    worker: WorkerHandle,
    index: IndexState,
    query: String,
    sent_seq: u64,
    shown_seq: u64,
    hits: Vec<Hit>,
    search_failed: bool,
}

impl KioskApp {
    pub fn new(hall_name: String, worker: WorkerHandle) -> KioskApp {
        KioskApp {
            hall_name,
            worker,
            index: IndexState::Loading,
            query: String::new(),
            sent_seq: 0,
            shown_seq: 0,
            hits: Vec::new(),
            search_failed: false,
        }
    }

    pub fn index_state(&self) -> &IndexState {
        &self.index
    }

    /// Applies what the worker reported since the last frame.
    fn drain_events(&mut self) {
        while let Ok(ev) = self.worker.events.try_recv() {
            match ev {
                Event::Ready(info) => {
                    self.index = IndexState::Ready(info);
                    if !self.query.trim().is_empty() {
                        self.send_search();
                    }
                }
                Event::Reloaded(info) => self.index = IndexState::Ready(info),
                Event::Failed(msg) => self.index = IndexState::Failed(msg),
                // A stale answer (an older request) never overwrites a newer one.
                Event::Results { seq, hits } if seq >= self.shown_seq && seq <= self.sent_seq => {
                    self.shown_seq = seq;
                    self.hits = hits;
                    self.search_failed = false;
                }
                Event::SearchFailed { seq } if seq >= self.shown_seq => {
                    self.shown_seq = seq;
                    self.search_failed = true;
                }
                Event::Results { .. } | Event::SearchFailed { .. } => {}
            }
        }
    }

    fn send_search(&mut self) {
        self.sent_seq += 1;
        if self.query.trim().is_empty() {
            self.hits.clear();
            self.shown_seq = self.sent_seq;
            return;
        }
        let cmd = Command::Search {
            seq: self.sent_seq,
            query: self.query.clone(),
        };
        if self.worker.commands.send(cmd).is_err() {
            tracing::error!("search worker has stopped");
            self.search_failed = true;
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.drain_events();
        egui::Panel::top("header").show(ui, |ui| self.header(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            self.search_line(ui);
            ui.add_space(12.0);
            self.body(ui);
        });
    }

    fn header(&self, ui: &mut egui::Ui) {
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(&self.hall_name)
                    .size(30.0)
                    .strong()
                    .color(ACCENT),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let date = match &self.index {
                    IndexState::Ready(info) => {
                        format!("数据更新至 {}", info.built_at.format("%Y-%m-%d"))
                    }
                    _ => String::new(),
                };
                ui.label(RichText::new(date).size(20.0).color(MUTED));
            });
        });
        ui.add_space(8.0);
    }

    fn search_line(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("查询").size(26.0).color(TEXT));
            let edit = egui::TextEdit::singleline(&mut self.query)
                .font(FontId::proportional(28.0))
                .hint_text(RichText::new("请输入标题、关键词或文号，例如：最低生活保障").size(24.0))
                .desired_width(ui.available_width() - 140.0)
                .min_size(egui::vec2(0.0, 60.0));
            let response = ui.add(edit).labelled_by(label.id);
            // The search line is where every visit starts: keep the cursor there while the
            // visitor has not moved it elsewhere.
            if ui.ctx().memory(|m| m.focused().is_none()) {
                response.request_focus();
            }
            if response.changed() {
                self.send_search();
            }
            let clear = egui::Button::new(RichText::new("清空").size(24.0))
                .min_size(egui::vec2(100.0, 60.0));
            if ui.add(clear).clicked() {
                self.query.clear();
                self.send_search();
            }
        });
    }

    fn body(&mut self, ui: &mut egui::Ui) {
        match &self.index {
            IndexState::Loading => {
                ui.label(
                    RichText::new("正在准备资料库，请稍候……")
                        .size(24.0)
                        .color(MUTED),
                );
                return;
            }
            IndexState::Failed(msg) => {
                ui.label(RichText::new(msg).size(24.0).color(ACCENT));
                return;
            }
            IndexState::Ready(_) => {}
        }
        if self.search_failed {
            ui.label(
                RichText::new("查询暂时未能完成，请稍后再试或咨询工作人员。")
                    .size(22.0)
                    .color(ACCENT),
            );
        }
        if self.query.trim().is_empty() {
            ui.label(
                RichText::new("可查询政府信息公开、办事指南和法律法规。")
                    .size(22.0)
                    .color(MUTED),
            );
            return;
        }
        if self.hits.is_empty() && self.shown_seq == self.sent_seq && !self.search_failed {
            ui.label(
                RichText::new("没有找到相关内容。请换一个词再试，或到服务窗口咨询。")
                    .size(22.0)
                    .color(TEXT),
            );
            return;
        }
        ui.label(
            RichText::new(format!("共找到 {} 条结果", self.hits.len()))
                .size(20.0)
                .color(MUTED),
        );
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for hit in &self.hits {
                    hit_row(ui, hit);
                }
            });
    }
}

fn hit_row(ui: &mut egui::Ui, hit: &Hit) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(highlighted_job(&hit.title_marked, 26.0, TEXT, true));
            let mut meta = vec![hit.kind.label().to_string()];
            meta.extend(hit.doc_number.clone());
            meta.extend(hit.issuer.clone());
            meta.extend(hit.date.map(|d| d.format("%Y-%m-%d").to_string()));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(meta.join("  ·  ")).size(20.0).color(MUTED));
                // The badge carries its word, never colour alone.
                let badge = format!("【{}】", hit.validity.label());
                let colour = if hit.validity.is_current() {
                    MUTED
                } else {
                    ACCENT
                };
                ui.label(RichText::new(badge).size(20.0).strong().color(colour));
            });
            // One flowing line of context: newlines become spaces (same byte length, highlights hold).
            let flowing = Highlighted {
                text: hit.snippet_marked.text.replace('\n', " "),
                highlights: hit.snippet_marked.highlights.clone(),
            };
            ui.label(highlighted_job(&flowing, 20.0, MUTED, false));
        });
    ui.add_space(6.0);
}

/// A label layout with highlighted ranges on a pale yellow background, bold in the title.
fn highlighted_job(h: &Highlighted, size: f32, colour: Color32, strong: bool) -> LayoutJob {
    let mut job = LayoutJob::default();
    let plain = TextFormat {
        font_id: FontId::proportional(size),
        color: colour,
        line_height: Some(size * 1.4),
        ..Default::default()
    };
    let marked = TextFormat {
        background: MARK_BG,
        color: if strong { ACCENT } else { TEXT },
        ..plain.clone()
    };
    let mut at = 0;
    for r in &h.highlights {
        if r.start < at
            || r.end > h.text.len()
            || !h.text.is_char_boundary(r.start)
            || !h.text.is_char_boundary(r.end)
        {
            continue;
        }
        job.append(&h.text[at..r.start], 0.0, plain.clone());
        job.append(&h.text[r.clone()], 0.0, marked.clone());
        at = r.end;
    }
    job.append(&h.text[at..], 0.0, plain);
    job.wrap.max_width = f32::INFINITY;
    job
}
