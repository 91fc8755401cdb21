//! The document screen (metadata table, the body in large paged text with 「放大/缩小」, the QR
//! code of the public URL, 「打印」, 「申请公开」; beside the body on a landscape screen, under
//! it in portrait) and the service-item screen (conditions,
//! materials checklist, time limits, fees, place, hours, phones, 「打印材料清单」, QR).
//! Printing runs on a thread the app starts; the screen keeps answering.

use super::action::Action;
use super::icons;
use super::layout::Shape;
use super::theme::Theme;
use super::widgets;
use crate::catalog::Record;
use crate::search::Hit;
use egui::{RichText, Vec2};
use std::sync::mpsc::{Receiver, TryRecvError};

/// Zoom steps of the body text, as factors of the body size.
const ZOOM: [f32; 5] = [1.0, 1.25, 1.5, 1.75, 2.0];

/// A print job on its way.
pub enum PrintState {
    Idle,
    Printing(Receiver<Result<(), String>>),
    Done(Result<(), String>),
}

/// The record on screen.
pub struct OpenDoc {
    pub hit: Hit,
    /// `None` while the worker reads it.
    pub body: Option<String>,
    pub zoom: usize,
    pub page: usize,
    /// 「更多文件信息」 tapped on a short screen.
    pub all_metadata: bool,
    /// Metadata rows folded away on a short screen (offered beside the page buttons).
    hidden_metadata: usize,
    /// Pages of the body laid out for (width, font size): recomputed only when those change.
    pages: Option<((u32, u32), Vec<String>)>,
    qr: Option<egui::TextureHandle>,
    pub print: PrintState,
}

impl OpenDoc {
    pub fn new(hit: Hit) -> OpenDoc {
        OpenDoc {
            hit,
            body: None,
            zoom: 0,
            page: 0,
            all_metadata: false,
            hidden_metadata: 0,
            pages: None,
            qr: None,
            print: PrintState::Idle,
        }
    }

    pub fn set_body(&mut self, body: Option<String>) {
        self.body = Some(body.unwrap_or_default());
        self.pages = None;
        self.page = 0;
    }

    pub fn printing(&self) -> bool {
        matches!(self.print, PrintState::Printing(_))
    }

    pub fn record(&self) -> Option<&Record> {
        self.hit.record.as_ref()
    }

    fn poll_print(&mut self) {
        if let PrintState::Printing(rx) = &self.print {
            match rx.try_recv() {
                Ok(r) => self.print = PrintState::Done(r),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.print = PrintState::Done(Err("打印未能完成，请咨询工作人员。".into()))
                }
            }
        }
    }

    /// The body split into pages of whole lines for this width and size.
    fn pages(&mut self, ui: &egui::Ui, theme: &Theme, width: f32, rows: usize) -> &[String] {
        let size = theme.sizes().body * ZOOM[self.zoom];
        let key = (width as u32, (size * 10.0) as u32 * 1000 + rows as u32);
        if self.pages.as_ref().map(|p| p.0) != Some(key) {
            let text = self.body.clone().unwrap_or_default();
            let mut job = widgets::body_job(theme, &text, theme.palette().text);
            job.sections[0].format.font_id.size = size;
            job.sections[0].format.line_height = Some(size * theme.sizes().line_spacing);
            job.wrap.max_width = width;
            let galley = ui.painter().layout_job(job);
            let mut pages = Vec::new();
            let mut page = String::new();
            for (i, row) in galley.rows.iter().enumerate() {
                if i > 0 && i % rows.max(1) == 0 {
                    pages.push(std::mem::take(&mut page).trim_end().to_string());
                }
                page.push_str(&row.row.text());
                if row.ends_with_newline {
                    page.push('\n');
                }
            }
            if !page.trim().is_empty() || pages.is_empty() {
                pages.push(page.trim_end().to_string());
            }
            self.page = self.page.min(pages.len() - 1);
            self.pages = Some((key, pages));
        }
        self.pages
            .as_ref()
            .map(|p| p.1.as_slice())
            .unwrap_or_default()
    }

    fn qr(&mut self, ctx: &egui::Context) -> Option<&egui::TextureHandle> {
        if self.qr.is_none() {
            let url = public_url(self.record()?)?;
            let image = super::qr::image(url)?;
            self.qr = Some(ctx.load_texture("qr", image, egui::TextureOptions::NEAREST));
        }
        self.qr.as_ref()
    }
}

fn public_url(r: &Record) -> Option<&str> {
    r.service
        .as_ref()
        .and_then(|s| s.online_url.as_deref())
        .or(r.url.as_deref())
        .filter(|u| u.starts_with("http"))
}

fn print_feedback(ui: &mut egui::Ui, theme: &Theme, state: &PrintState) {
    match state {
        PrintState::Idle => {}
        PrintState::Printing(_) => {
            widgets::body(ui, theme, "正在打印，请稍候……");
        }
        PrintState::Done(Ok(())) => {
            widgets::body(ui, theme, "已发送到打印机，请在打印机出纸口取件。");
        }
        PrintState::Done(Err(msg)) => {
            widgets::warning(ui, theme, msg);
        }
    }
}

/// The QR code with its caption, or a sentence saying there is no public address.
fn qr_block(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, side: f32) {
    let ctx = ui.ctx().clone();
    match doc.qr(&ctx) {
        Some(tex) => {
            ui.vertical(|ui| {
                ui.add(egui::Image::new(tex).fit_to_exact_size(Vec2::splat(side)));
                widgets::title(ui, theme, "扫码手机查看");
            });
        }
        None => {
            widgets::muted(ui, theme, "本件暂无网上公开地址，可打印后带走。");
        }
    }
}

/// The QR code, the print button and its feedback, then `more`: a column beside the document
/// on a landscape screen, a row under it in portrait. Returns whether print was tapped.
fn actions(
    ui: &mut egui::Ui,
    id_salt: (&str, u64),
    theme: &Theme,
    doc: &mut OpenDoc,
    print_label: &str,
    more: impl FnOnce(&mut egui::Ui),
) -> bool {
    doc.poll_print();
    let shape = Shape::of(ui);
    let mut print = false;
    let contents = |ui: &mut egui::Ui, qr_side: f32| {
        qr_block(ui, theme, doc, qr_side);
        ui.vertical(|ui| {
            print = icons::button(
                ui,
                theme,
                icons::Icon::Printer,
                print_label,
                true,
                Vec2::new(theme.sizes().target * 3.0, theme.sizes().target),
            )
            .clicked();
            print_feedback(ui, theme, &doc.print);
            more(ui);
        });
    };
    if shape.side_columns() {
        let width = if theme.elderly { 340.0 } else { 300.0 };
        let qr = if shape.short() { 180.0 } else { 240.0 };
        egui::Panel::right(id_salt)
            .exact_size(width)
            .show(ui, |ui| {
                ui.add_space(12.0);
                ui.vertical(|ui| contents(ui, qr));
            });
    } else {
        egui::Panel::bottom(id_salt)
            .frame(
                egui::Frame::new()
                    .fill(theme.palette().background)
                    .inner_margin(10.0),
            )
            .show(ui, |ui| {
                ui.separator();
                ui.horizontal_top(|ui| contents(ui, 200.0));
            });
    }
    print
}

/// The record's metadata: four columns (name, value, name, value) on a wide screen, two on a
/// narrow one; on a short screen only the first rows, the rest behind 「更多文件信息」.
fn metadata(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc, visit_no: u64) {
    let Some(r) = &doc.hit.record else {
        return;
    };
    let s = theme.sizes();
    let shape = Shape::of(ui);
    let rows = crate::print::document::metadata_rows(r);
    // Two pairs a row wherever a pair gets 500 px or more.
    let pairs = if ui.available_width() >= 1000.0 { 2 } else { 1 };
    let folded = shape.short() && !doc.all_metadata;
    let shown = if folded {
        (2 * pairs).min(rows.len())
    } else {
        rows.len()
    };
    let value_width = (ui.available_width() / pairs as f32 - s.body * 5.0 - 32.0).max(120.0);
    egui::Grid::new(("meta", visit_no))
        .num_columns(2 * pairs)
        .spacing(Vec2::new(16.0, 6.0))
        .show(ui, |ui| {
            for (i, (k, v)) in rows.iter().take(shown).enumerate() {
                ui.label(RichText::new(*k).size(s.body).strong());
                let mut job = widgets::body_job(theme, v, theme.palette().text);
                job.wrap.max_width = value_width;
                ui.label(job);
                if i % pairs == pairs - 1 {
                    ui.end_row();
                }
            }
        });
    // The rest of the metadata is offered in the page controls' row ([`paged_body`]).
    doc.hidden_metadata = rows.len() - shown;
}

/// The title of the record: the heading size, or the title size on a short screen.
fn record_title(ui: &mut egui::Ui, theme: &Theme, title: &str) {
    if theme.compact {
        ui.label(
            RichText::new(title)
                .size(theme.sizes().title)
                .strong()
                .color(theme.palette().accent),
        );
    } else {
        widgets::heading(ui, theme, title);
    }
}

/// The document screen. `visit_no` keys egui's state to the visit.
pub fn document(
    ui: &mut egui::Ui,
    theme: &Theme,
    doc: &mut OpenDoc,
    visit_no: u64,
    out: &mut Vec<Action>,
) {
    if doc.hit.on_request {
        return super::on_request::entry(ui, theme, doc, visit_no, out);
    }
    let mut request = false;
    let government_info = doc.hit.kind == crate::catalog::Kind::GovernmentInfo;
    let print = actions(ui, ("doc-side", visit_no), theme, doc, "打印", |ui| {
        if government_info {
            widgets::muted(ui, theme, "需要与本件相关、尚未公开的政府信息：");
            request = widgets::button(ui, theme, "申请公开").clicked();
        }
    });
    egui::CentralPanel::default().show(ui, |ui| {
        record_title(ui, theme, &doc.hit.title);
        metadata(ui, theme, doc, visit_no);
        ui.separator();
        paged_body(ui, theme, doc);
    });
    if print {
        out.push(Action::PrintOpenRecord);
    } else if request {
        out.push(Action::RequestForm(Some(doc.hit.clone())));
    }
}

/// The body, one page at a time, with page and size buttons.
fn paged_body(ui: &mut egui::Ui, theme: &Theme, doc: &mut OpenDoc) {
    let s = theme.sizes();
    if doc.body.is_none() {
        widgets::muted(ui, theme, "正在读取全文……");
        return;
    }
    let controls_h = s.target + 24.0;
    let size = s.body * ZOOM[doc.zoom];
    let row_h = size * s.line_spacing;
    let rows = (((ui.available_height() - controls_h) / row_h).floor() as usize).max(3);
    let width = ui.available_width();
    let count = doc.pages(ui, theme, width, rows).len();
    let page = doc.page.min(count.saturating_sub(1));
    ui.horizontal_wrapped(|ui| {
        if widgets::button(ui, theme, "上一页").clicked() && page > 0 {
            doc.page = page - 1;
        }
        ui.label(RichText::new(format!("第 {} / {} 页", page + 1, count)).size(s.body));
        if widgets::button(ui, theme, "下一页").clicked() && page + 1 < count {
            doc.page = page + 1;
        }
        ui.add_space(24.0);
        if widgets::button(ui, theme, "缩小").clicked() && doc.zoom > 0 {
            doc.zoom -= 1;
        }
        if widgets::button(ui, theme, "放大").clicked() && doc.zoom + 1 < ZOOM.len() {
            doc.zoom += 1;
        }
        if doc.hidden_metadata > 0 {
            let more = format!("更多文件信息（{}项）", doc.hidden_metadata);
            if widgets::button(ui, theme, &more).clicked() {
                doc.all_metadata = true;
            }
        }
    });
    let text = doc
        .pages
        .as_ref()
        .and_then(|p| p.1.get(doc.page))
        .cloned()
        .unwrap_or_default();
    let mut job = widgets::body_job(theme, &text, theme.palette().text);
    job.sections[0].format.font_id.size = size;
    job.sections[0].format.line_height = Some(row_h);
    job.wrap.max_width = width;
    ui.label(job);
}

/// The service-item screen.
pub fn service(
    ui: &mut egui::Ui,
    theme: &Theme,
    doc: &mut OpenDoc,
    visit_no: u64,
    out: &mut Vec<Action>,
) {
    let print = actions(
        ui,
        ("svc-side", visit_no),
        theme,
        doc,
        "打印材料清单",
        |_| {},
    );
    egui::CentralPanel::default().show(ui, |ui| {
        record_title(ui, theme, &doc.hit.title);
        widgets::paged_scroll(ui, theme, ("service", visit_no), |ui| {
            service_fields(ui, theme, doc)
        });
    });
    if print {
        out.push(Action::PrintOpenRecord);
    }
}

fn service_fields(ui: &mut egui::Ui, theme: &Theme, doc: &OpenDoc) {
    let Some(s) = doc.record().and_then(|r| r.service.as_ref()) else {
        widgets::muted(ui, theme, "本事项的办事指南内容暂缺，请咨询办理窗口。");
        return;
    };
    let section = |ui: &mut egui::Ui, name: &str, value: &Option<String>| {
        if let Some(v) = value.as_ref().filter(|v| !v.trim().is_empty()) {
            widgets::title(ui, theme, name);
            widgets::body(ui, theme, v);
            ui.add_space(8.0);
        }
    };
    section(ui, "办理条件", &s.conditions);
    widgets::title(ui, theme, "申请材料");
    if s.materials.is_empty() {
        widgets::body(ui, theme, "未列明，请咨询办理窗口。");
    }
    for (i, m) in s.materials.iter().enumerate() {
        let line = format!("{}. {}", i + 1, m.line());
        widgets::body(ui, theme, &line);
    }
    ui.add_space(8.0);
    if !s.process.is_empty() {
        widgets::title(ui, theme, "办理流程");
        for (i, step) in s.process.iter().enumerate() {
            widgets::body(ui, theme, &format!("{}. {step}", i + 1));
        }
        ui.add_space(8.0);
    }
    section(ui, "法定办结时限", &s.legal_time_limit);
    section(ui, "承诺办结时限", &s.promised_time_limit);
    section(ui, "收费标准", &s.fees);
    section(ui, "办理地点", &s.location);
    section(ui, "办理时间", &s.hours);
    section(ui, "咨询电话", &s.consult_phone);
    section(ui, "监督投诉电话", &s.complaint_phone);
    section(ui, "设定依据", &s.basis);
    if let Some(body) = doc.body.as_ref().filter(|b| !b.trim().is_empty()) {
        if s.conditions.is_none() && s.materials.is_empty() {
            widgets::body(ui, theme, body);
        }
    }
}
