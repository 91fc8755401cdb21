//! The body of an open document: its blocks ([`crate::catalog::body`]) drawn in a touch scroll
//! area with 上一页/下一页 and 「第 n / m 页」, 缩小/放大; headings of 编/章/节 set apart, tables as
//! grids whose cells wrap to the width there is, images from the index generation scaled to
//! the width. A body with headings gets a 「目录」 that lists them and jumps to the one tapped;
//! a body with articles gets 「跳到第几条」 with the on-screen number pad. State lives in
//! [`BodyView`] (part of the open document); drawing never reads a file.

use super::candidates::Candidates;
use super::document::OpenDoc;
use super::keyboard::{Applied, FieldKind, Keyboard};
use super::theme::Theme;
use super::widgets;
use crate::catalog::body::{self, Block, Level, Table};
use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat, Vec2};

/// Zoom steps of the body text, as factors of the body size.
pub const ZOOM: [f32; 5] = [1.0, 1.25, 1.5, 1.75, 2.0];

/// Longest article number typed on the pad (the 民法典 has 1,260 articles).
const MAX_DIGITS: usize = 4;

/// What the body's area shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Nav {
    #[default]
    Text,
    /// The 目录: the headings, each a button.
    Contents,
    /// 「跳到第几条」: the number pad.
    Jump,
}

/// Where the body stands and what is being chosen.
#[derive(Debug, Clone, Default)]
pub struct BodyView {
    pub nav: Nav,
    /// The digits typed on the pad.
    pub digits: String,
    /// The article asked for that the body does not have.
    pub not_found: Option<u32>,
    /// Scroll position, visible height and content height of the last frame.
    offset: f32,
    viewport: f32,
    content: f32,
    /// A scroll position to go to this frame.
    jump_to: Option<f32>,
    /// A block to bring to the top once its place is known.
    target: Option<usize>,
    /// Where each block started in the last frame, from the top of the content.
    anchors: Vec<f32>,
}

impl BodyView {
    /// How many pages of the visible height the content makes, and the one shown (from 1).
    fn pages(&self) -> (usize, usize) {
        if self.content <= self.viewport + 1.0 || self.viewport <= 0.0 {
            return (1, 1);
        }
        let step = self.step();
        let count = ((self.content - self.viewport) / step).ceil() as usize + 1;
        let at = ((self.offset / step).round() as usize + 1).min(count);
        (at, count)
    }

    /// A page: nine tenths of the visible height, so the last line of one page is seen again.
    fn step(&self) -> f32 {
        self.viewport * 0.9
    }

    fn max_offset(&self) -> f32 {
        (self.content - self.viewport).max(0.0)
    }

    /// The first block at or above the top of the view.
    fn top_block(&self) -> Option<usize> {
        self.anchors.iter().rposition(|&y| y <= self.offset + 1.0)
    }

    /// Opens 「跳到第几条」 with nothing typed.
    pub fn open_jump(&mut self) {
        self.nav = Nav::Jump;
        self.digits.clear();
        self.not_found = None;
    }

    /// Brings block `i` to the top of the view.
    pub fn show_block(&mut self, i: usize) {
        self.target = Some(i);
        self.nav = Nav::Text;
    }
}

fn text_format(size: f32, theme: &Theme, colour: Color32) -> TextFormat {
    TextFormat {
        font_id: FontId::proportional(size),
        color: colour,
        line_height: Some(size * theme.sizes().line_spacing),
        ..Default::default()
    }
}

/// The body area of the document screen: controls, then the text, the 目录 or the pad.
pub fn show(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, visit_no: u64) {
    let Some(text) = doc.body.clone() else {
        widgets::muted(ui, theme, "正在读取全文……");
        return;
    };
    let blocks = body::blocks(&text);
    match doc.view.nav {
        Nav::Contents => contents(ui, theme, doc, &blocks, visit_no),
        Nav::Jump => jump_pad(ui, theme, doc, &blocks, visit_no),
        Nav::Text => {
            controls(ui, theme, doc, &blocks);
            text_view(ui, theme, doc, &blocks, visit_no);
        }
    }
}

/// 上一页 「第 n / m 页」 下一页, 缩小 放大, 目录, 跳到第几条, and the folded metadata.
fn controls(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, blocks: &[Block]) {
    let s = theme.sizes();
    let (at, count) = doc.view.pages();
    let has_outline = !body::outline(blocks).is_empty();
    let articles = body::last_article(blocks);
    ui.horizontal_wrapped(|ui| {
        let v = &mut doc.view;
        if widgets::button(ui, theme, "上一页").clicked() && at > 1 {
            v.jump_to = Some((v.offset - v.step()).max(0.0));
        }
        ui.label(RichText::new(format!("第 {at} / {count} 页")).size(s.body));
        if widgets::button(ui, theme, "下一页").clicked() && at < count {
            v.jump_to = Some((v.offset + v.step()).min(v.max_offset()));
        }
        ui.add_space(24.0);
        let zoom = doc.zoom;
        if widgets::button(ui, theme, "缩小").clicked() && doc.zoom > 0 {
            doc.zoom -= 1;
        }
        if widgets::button(ui, theme, "放大").clicked() && doc.zoom + 1 < ZOOM.len() {
            doc.zoom += 1;
        }
        if doc.zoom != zoom {
            // The same place stays in sight at the new size.
            doc.view.target = doc.view.top_block();
        }
        if has_outline && widgets::button(ui, theme, "目录").clicked() {
            doc.view.nav = Nav::Contents;
        }
        if articles > 1 && widgets::button(ui, theme, "跳到第几条").clicked() {
            doc.view.open_jump();
        }
        if doc.hidden_metadata > 0 {
            let more = format!("更多文件信息（{}项）", doc.hidden_metadata);
            if widgets::button(ui, theme, &more).clicked() {
                doc.all_metadata = true;
            }
        }
    });
}

/// The blocks in a scroll area that a finger drags and the page buttons move.
fn text_view(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, blocks: &[Block], visit_no: u64) {
    let size = theme.sizes().body * ZOOM[doc.zoom];
    let v = &mut doc.view;
    let mut area = egui::ScrollArea::vertical()
        .id_salt(("doc-body", visit_no, doc.hit.id.as_str()))
        .auto_shrink([false, false]);
    if let Some(y) = v.jump_to.take() {
        area = area.vertical_scroll_offset(y);
    }
    let images = &doc.images;
    let record = doc.hit.record.as_ref();
    let mut anchors = Vec::with_capacity(blocks.len());
    let output = area.show(ui, |ui| {
        // The content ends where the visible part does (egui leaves the scroll bar's margin
        // inside the content width), so nothing is cut at the right.
        let visible = ui.clip_rect().max.x - ui.max_rect().min.x;
        ui.set_max_width(ui.available_width().min(visible));
        let top = ui.max_rect().top();
        for b in blocks {
            anchors.push(ui.cursor().top() - top);
            match b {
                Block::Heading { level, text } => heading(ui, theme, *level, text, size),
                Block::Paragraph { text, article } => paragraph(ui, theme, text, *article, size),
                Block::Table(t) => table(ui, theme, t, size),
                Block::Image { index, caption } => {
                    let stored = record
                        .and_then(|r| r.images.get(*index))
                        .and_then(|i| i.stored.as_deref());
                    image(ui, theme, stored.and_then(|s| images.get(s)), caption);
                }
            }
        }
    });
    let v = &mut doc.view;
    v.offset = output.state.clamped_offset().y;
    v.viewport = output.inner_rect.height();
    v.content = output.content_size.y;
    // A block asked for goes to the top next frame, where this frame laid it out (after a
    // change of size, the old places are stale).
    if let Some(&y) = v.target.and_then(|i| anchors.get(i)) {
        v.jump_to = Some(y.min(v.max_offset()));
        v.target = None;
        ui.ctx().request_repaint();
    }
    v.anchors = anchors;
}

fn heading(ui: &mut egui::Ui, theme: &Theme, level: Level, text: &str, size: f32) {
    let (factor, colour) = match level {
        Level::Part | Level::Chapter => (1.15, theme.palette().accent),
        Level::Section => (1.05, theme.palette().text),
    };
    ui.add_space(size * 0.4);
    let mut job =
        LayoutJob::single_section(text.to_string(), text_format(size * factor, theme, colour));
    job.wrap.max_width = ui.available_width();
    // Centred by the layout, not by the galley: a centred galley reaches left of its rect and
    // would widen the body's content.
    ui.vertical_centered(|ui| ui.add(egui::Label::new(job).wrap()));
    ui.add_space(size * 0.2);
}

/// A paragraph; an article's 第N条 in the accent colour.
fn paragraph(ui: &mut egui::Ui, theme: &Theme, text: &str, article: Option<u32>, size: f32) {
    let p = theme.palette();
    let mut job = LayoutJob::default();
    let lead = article
        .and_then(|_| text.find('条').map(|i| i + '条'.len_utf8()))
        .unwrap_or(0);
    if lead > 0 {
        job.append(&text[..lead], 0.0, text_format(size, theme, p.accent));
    }
    job.append(&text[lead..], 0.0, text_format(size, theme, p.text));
    job.wrap.max_width = ui.available_width();
    ui.add(egui::Label::new(job).wrap());
}

/// A table as a grid: every cell its own label, wrapped to its column's width; the columns
/// share the width there is by how long their texts are, so the grid never runs past the edge.
/// Each row is laid out in one go (as high as its tallest cell), so rows never overlap even
/// in the frame where the widths change; every other row is shaded.
fn table(ui: &mut egui::Ui, theme: &Theme, t: &Table, size: f32) {
    let p = theme.palette();
    let columns = t.columns().max(1);
    let gap = 12.0;
    let margin = 8.0;
    let room = ui.available_width() - 2.0 * margin - gap * (columns - 1) as f32 - 2.0;
    // A row with only its first cell filled (a section heading spanning the table, as
    // 「一、知识产权保护方面（共5项）」) spans the whole width and does not widen the first column.
    let spanning = |r: &[String]| columns > 1 && r.iter().skip(1).all(String::is_empty);
    let longest: Vec<usize> = (0..columns)
        .map(|c| {
            t.rows
                .iter()
                .filter(|r| !spanning(r))
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Every column first gets room for up to three characters (序号, 全国 never break), the
    // rest of the width goes by the length of the columns' texts.
    let base: Vec<f32> = longest
        .iter()
        .map(|&n| n.min(3) as f32 * size * 1.05)
        .collect();
    let base_total: f32 = base.iter().sum();
    let scale = (room / base_total.max(1.0)).min(1.0);
    let rest = (room - base_total * scale).max(0.0);
    let weights: Vec<f32> = longest.iter().map(|&n| n.clamp(1, 14) as f32).collect();
    let total: f32 = weights.iter().sum();
    let widths: Vec<f32> = base
        .iter()
        .zip(&weights)
        .map(|(b, w)| (b * scale + rest * w / total).floor())
        .collect();
    let whole = room + gap * (columns - 1) as f32;
    let shade = p.panel;
    ui.add_space(size * 0.3);
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, p.muted))
        .inner_margin(margin)
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = Vec2::new(gap, 0.0);
            for (r, row) in t.rows.iter().enumerate() {
                let header = t.header && r == 0;
                let colour = if header { p.accent } else { p.text };
                let background = ui.painter().add(egui::Shape::Noop);
                let cell_ui = |ui: &mut egui::Ui, cell: &str, width: f32| {
                    ui.allocate_ui(Vec2::new(width, 0.0), |ui| {
                        ui.set_width(width);
                        if !cell.is_empty() {
                            let mut job = LayoutJob::single_section(
                                cell.to_string(),
                                text_format(size, theme, colour),
                            );
                            job.wrap.max_width = width;
                            ui.add(egui::Label::new(job).wrap());
                        }
                    });
                };
                let drawn = ui.horizontal_top(|ui| {
                    if spanning(row) && !header {
                        cell_ui(ui, &row[0], whole);
                    } else {
                        for (c, cell) in row.iter().enumerate() {
                            cell_ui(ui, cell, widths[c]);
                        }
                    }
                });
                if header || r % 2 == 1 {
                    let rect = drawn.response.rect.expand2(Vec2::new(margin * 0.5, 3.0));
                    ui.painter()
                        .set(background, egui::Shape::rect_filled(rect, 0.0, shade));
                }
                ui.add_space(6.0);
            }
        });
    ui.add_space(size * 0.3);
}

/// An image of the document, as it stands.
pub enum DocImage {
    Loading,
    Shown(egui::TextureHandle),
    /// The file could not be read.
    Failed,
}

/// An image scaled to the width (never enlarged), its caption under it; where the kiosk holds
/// no file for it, a sentence saying so.
fn image(ui: &mut egui::Ui, theme: &Theme, state: Option<&DocImage>, caption: &str) {
    let named = if caption.is_empty() {
        "图片".to_string()
    } else {
        format!("图片：{caption}")
    };
    match state {
        Some(DocImage::Shown(tex)) => {
            let natural = tex.size_vec2();
            let room = Vec2::new(ui.available_width(), ui.ctx().content_rect().height() * 0.6);
            let scale = (room.x / natural.x).min(room.y / natural.y).min(1.0);
            ui.add_space(6.0);
            ui.add(egui::Image::new((tex.id(), natural * scale)).alt_text(named));
            if !caption.is_empty() {
                widgets::muted(ui, theme, caption);
            }
            ui.add_space(6.0);
        }
        Some(DocImage::Loading) => {
            widgets::muted(ui, theme, &format!("［{named}］正在读取图片……"));
        }
        Some(DocImage::Failed) | None => {
            let mut job = widgets::body_job(
                theme,
                &format!("［{named}］本机未存有该图片，可扫码在手机上查看原文。"),
                theme.palette().muted,
            );
            job.wrap.max_width = ui.available_width();
            ui.add(egui::Label::new(job).wrap());
        }
    }
}

/// The 目录: 「返回正文」, then every heading as a button (节 indented under its 章).
fn contents(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, blocks: &[Block], visit_no: u64) {
    let entries = body::outline(blocks);
    ui.horizontal_wrapped(|ui| {
        widgets::title(ui, theme, "目录");
        ui.add_space(24.0);
        if widgets::button(ui, theme, "返回正文").clicked() {
            doc.view.nav = Nav::Text;
        }
    });
    let top = entries.iter().map(|e| e.level).min();
    let chosen = widgets::paged_scroll(ui, theme, ("doc-contents", visit_no), |ui| {
        let mut chosen = None;
        for e in &entries {
            let indent = if Some(e.level) == top { 0.0 } else { 48.0 };
            ui.horizontal(|ui| {
                ui.add_space(indent);
                if widgets::wide_button(ui, theme, e.text).clicked() {
                    chosen = Some(e.block);
                }
            });
        }
        chosen
    });
    if let Some(block) = chosen {
        doc.view.show_block(block);
    }
}

/// 「跳到第 N 条」 with the number pad; 「跳转」 goes there or says the article is not there.
fn jump_pad(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, blocks: &[Block], visit_no: u64) {
    let s = theme.sizes();
    let p = theme.palette();
    let last = body::last_article(blocks);
    ui.horizontal_wrapped(|ui| {
        widgets::title(ui, theme, "跳到第");
        let shown = if doc.view.digits.is_empty() {
            "  ".to_string()
        } else {
            doc.view.digits.clone()
        };
        egui::Frame::new()
            .stroke(egui::Stroke::new(2.0, p.accent))
            .inner_margin(Vec2::new(16.0, 4.0))
            .show(ui, |ui| {
                let typed = ui.label(RichText::new(shown).size(s.heading).color(p.text));
                // Read (and found by tests) as what it is, not as a bare digit beside the keys.
                let named = format!("已输入的条号：{}", doc.view.digits);
                typed.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Label, true, named.clone())
                });
            });
        widgets::title(ui, theme, "条");
        ui.add_space(24.0);
        if widgets::button(ui, theme, "返回正文").clicked() {
            doc.view.nav = Nav::Text;
        }
    });
    match doc.view.not_found {
        Some(n) => widgets::warning(
            ui,
            theme,
            &format!("本件没有第{n}条（共{last}条），请重新输入。"),
        ),
        None => widgets::muted(
            ui,
            theme,
            &format!("本件共{last}条，请输入条号后点「跳转」。"),
        ),
    };
    // The number pad: digits only, whatever the keyboard of the last field was.
    let mut pad = Keyboard::for_field(FieldKind::Digits);
    let key = widgets::paged_scroll(ui, theme, ("doc-jump", visit_no), |ui| {
        pad.show(ui, theme, &Candidates::default(), "跳转")
    });
    let Some(key) = key else {
        return;
    };
    let v = &mut doc.view;
    let before = v.digits.clone();
    match pad.apply(&mut v.digits, key, &Candidates::default()) {
        Applied::Submitted => match v.digits.parse::<u32>().ok() {
            Some(n) => match body::find_article(blocks, n) {
                Some(block) => {
                    v.not_found = None;
                    v.show_block(block);
                }
                None => v.not_found = Some(n),
            },
            None => v.not_found = None,
        },
        Applied::Edited => {
            let digits_only = v.digits.chars().all(|c| c.is_ascii_digit());
            if v.digits.len() > MAX_DIGITS || !digits_only {
                v.digits = before;
            }
            v.not_found = None;
        }
        Applied::Paged | Applied::Nothing => {}
    }
}
