//! The document screen (metadata table, the record that replaces a superseded one as a button
//! that opens it, the body with its 目录, tables and images (drawn by `doc_body`), the QR code
//! of the public URL, 「打印」, 「申请公开」; beside the body on a landscape screen, under it in
//! portrait) and the service-item screen (conditions, materials checklist, time limits, fees,
//! place, hours, phones, 「打印材料清单」, QR). Printing and the reading of images run on
//! threads the app starts; the screen keeps answering.

use super::action::Action;
pub use super::doc_body::ZOOM;
use super::doc_body::{self, BodyView, DocImage};
use super::icons;
use super::image_loader::Loaded;
use super::layout::Shape;
use super::theme::Theme;
use super::widgets;
use crate::catalog::Record;
use crate::search::Hit;
use egui::{RichText, Vec2};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, TryRecvError};

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
    /// The step of [`ZOOM`] the body is set in.
    pub zoom: usize,
    /// 「更多文件信息」 tapped on a short screen.
    pub all_metadata: bool,
    /// Metadata rows folded away on a short screen (offered beside the page buttons).
    pub(super) hidden_metadata: usize,
    /// The record that replaces this one, as the index holds it (looked up with the body).
    pub successor: Option<Hit>,
    /// Where the body stands: page, 目录, 跳到第几条.
    pub view: BodyView,
    /// The body's images by stored name, as the image thread reads them.
    pub(super) images: HashMap<String, DocImage>,
    loader: Option<Receiver<Loaded>>,
    qr: Option<egui::TextureHandle>,
    pub print: PrintState,
}

impl OpenDoc {
    pub fn new(hit: Hit) -> OpenDoc {
        OpenDoc {
            hit,
            body: None,
            zoom: 0,
            all_metadata: false,
            hidden_metadata: 0,
            successor: None,
            view: BodyView::default(),
            images: HashMap::new(),
            loader: None,
            qr: None,
            print: PrintState::Idle,
        }
    }

    pub fn set_body(&mut self, body: Option<String>, successor: Option<Hit>) {
        self.body = Some(body.unwrap_or_default());
        self.successor = successor;
        self.view = BodyView::default();
    }

    pub fn printing(&self) -> bool {
        matches!(self.print, PrintState::Printing(_))
    }

    pub fn record(&self) -> Option<&Record> {
        self.hit.record.as_ref()
    }

    /// The stored names of the images the record has files for, each once.
    pub fn stored_images(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .record()
            .map(|r| r.images.iter().filter_map(|i| i.stored.clone()).collect())
            .unwrap_or_default();
        names.dedup();
        names
    }

    /// The image thread reading `names`, whose answers [`OpenDoc::poll_images`] takes.
    pub fn loading_images(&mut self, names: &[String], loader: Receiver<Loaded>) {
        for n in names {
            self.images.insert(n.clone(), DocImage::Loading);
        }
        self.loader = Some(loader);
    }

    /// Whether an image is still being read.
    pub fn images_pending(&self) -> bool {
        self.images.values().any(|i| matches!(i, DocImage::Loading))
    }

    /// Turns the images read since the last frame into textures.
    fn poll_images(&mut self, ctx: &egui::Context) {
        let Some(rx) = &self.loader else {
            return;
        };
        loop {
            match rx.try_recv() {
                Ok((name, Some(picture))) => {
                    let tex = ctx.load_texture(&name, picture, egui::TextureOptions::LINEAR);
                    self.images.insert(name, DocImage::Shown(tex));
                }
                Ok((name, None)) => {
                    self.images.insert(name, DocImage::Failed);
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => break,
            }
        }
        self.loader = None;
        for state in self.images.values_mut() {
            if matches!(state, DocImage::Loading) {
                *state = DocImage::Failed;
            }
        }
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
/// narrow one; on a short screen only the first row, the rest behind 「更多文件信息」.
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
    // One row on a short screen: the page controls of a long text (目录, 跳到第几条) may take
    // two rows there, and the body needs the height.
    let shown = if folded {
        pairs.min(rows.len())
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
    // The rest of the metadata is offered in the page controls' row (`doc_body::controls`).
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
    doc.poll_images(ui.ctx());
    let mut successor = None;
    egui::CentralPanel::default().show(ui, |ui| {
        record_title(ui, theme, &doc.hit.title);
        // Choosing in the 目录 or on the number pad needs the room the metadata takes.
        if doc.view.nav == doc_body::Nav::Text {
            metadata(ui, theme, doc, visit_no);
            successor = replaced_by(ui, theme, doc);
        }
        ui.separator();
        doc_body::show(ui, theme, doc, visit_no);
    });
    if let Some(hit) = successor {
        out.push(Action::OpenSuccessor(hit));
    } else if print {
        out.push(Action::PrintOpenRecord);
    } else if request {
        out.push(Action::RequestForm(Some(doc.hit.clone())));
    }
}

/// For a record another replaces: what it is now and the replacing record's title as a button
/// (returns it when tapped); a sentence instead when the kiosk does not hold that record.
fn replaced_by(ui: &mut egui::Ui, theme: &Theme, doc: &OpenDoc) -> Option<Hit> {
    let r = doc.record()?;
    r.superseded_by.as_ref()?;
    let now = match r.validity {
        crate::catalog::Validity::Expired => "本件已失效",
        crate::catalog::Validity::Repealed => "本件已废止",
        crate::catalog::Validity::Amended => "本件已修改",
        crate::catalog::Validity::Effective => "本件已有新版本",
    };
    match &doc.successor {
        Some(next) => {
            widgets::warning(ui, theme, &format!("{now}，请以现行版本为准："));
            // A newer version of a law has the same title: its date tells them apart.
            let label = match next.date.filter(|_| next.title == doc.hit.title) {
                Some(d) => format!(
                    "现行版本：《{}》（{}）",
                    next.title,
                    d.format("%Y年%m月%d日")
                ),
                None => format!("现行版本：《{}》", next.title),
            };
            widgets::wide_button(ui, theme, &label)
                .clicked()
                .then(|| next.clone())
        }
        None if doc.body.is_some() => {
            widgets::warning(
                ui,
                theme,
                &format!("{now}。替代它的现行版本未收录在本机资料中，请咨询工作人员。"),
            );
            None
        }
        None => None,
    }
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
