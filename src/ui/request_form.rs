//! The on-screen disclosure-request form (政府信息公开申请) and the status lookup by receipt
//! number and 查询码. Plain state plus `show(ui, &mut state) -> Option<Action>`: validation is
//! pure and runs here; filing, printing and lookups are actions the caller hands to a worker.
//!
//! Every input has an accessible label (`labelled_by`), so screen readers and kittest find it.

use super::theme::{Sizes, Theme};
use crate::requests::model::hints_for;
use crate::requests::validate::FieldError;
use crate::requests::{ApplicantType, IdKind, ObtainBy, ProvideAs, RawForm, Request};
use chrono::NaiveDate;
use egui::{Color32, RichText};

const ERROR: Color32 = Color32::from_rgb(0xa0, 0x10, 0x10);
const HINT: Color32 = Color32::from_rgb(0x6a, 0x4a, 0x00);

/// What the form asks of its caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// File this validated request (then print its receipt).
    Submit(Box<Request>),
    /// Look up a request's status.
    Lookup {
        receipt_no: String,
        query_code: String,
    },
    /// Leave the form (and wipe it).
    Close,
    /// Open the n-th published record that already answers the description.
    OpenPublished(usize),
}

/// What the screen shows once a request is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    pub receipt_no: String,
    pub query_code: String,
    pub received_on: NaiveDate,
    pub due: NaiveDate,
    /// A printer problem, told politely; the request is filed all the same.
    pub print_note: Option<String>,
}

/// Where the form stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Stage {
    #[default]
    Editing,
    Submitting,
    Filed(Filed),
    /// Filing failed: a polite message with a next step.
    Failed(String),
}

/// Everything the form shows; visitor-specific, so dropped on an idle reset.
#[derive(Debug, Clone)]
pub struct RequestFormState {
    pub form: RawForm,
    pub errors: Vec<FieldError>,
    pub stage: Stage,
    pub lookup_receipt_no: String,
    pub lookup_query_code: String,
    /// The answer to the last lookup, as a sentence for the screen.
    pub lookup_answer: Option<String>,
    /// Scroll the lookup's answer into view on the next frame (set when it arrives: on a short
    /// screen it lands under the fold).
    pub show_answer: bool,
    /// Today, for birth-date checks (set by the caller, so the form does no clock IO).
    pub today: NaiveDate,
    /// The text field last touched: where the on-screen keyboard types.
    pub active: Option<&'static str>,
    /// The page of the form on screen.
    pub step: Step,
    /// The status lookup is shown instead of the form.
    pub lookup_open: bool,
    /// Opened from the staff area (behind the PIN): only then is 「工作人员代为填写」 offered.
    pub staff: bool,
    /// Scroll the first error into view on the next frame (set by 下一步 and 提交申请).
    pub show_first_error: bool,
    /// The QR code of the receipt (受理编号 and 查询码), made once when the request is filed.
    pub receipt_qr: ReceiptQr,
}

/// The receipt's QR code texture (egui's handle has no `Debug`).
#[derive(Clone, Default)]
pub struct ReceiptQr(Option<egui::TextureHandle>);

impl std::fmt::Debug for ReceiptQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ReceiptQr(made)"
        } else {
            "ReceiptQr(none)"
        })
    }
}

/// The pages of the form, one group each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Step {
    #[default]
    Applicant,
    Wanted,
    Delivery,
    Review,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Applicant, Step::Wanted, Step::Delivery, Step::Review];

    /// The page's number, 1 to 4.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Applicant => "1 申请人",
            Step::Wanted => "2 所需信息",
            Step::Delivery => "3 获取方式",
            Step::Review => "4 核对并提交",
        }
    }

    /// The page that holds a field (keyed as in [`FieldError::field`]).
    pub fn of_field(field: &str) -> Step {
        match field {
            "description" | "title" | "doc_number" | "index_number" => Step::Wanted,
            "provide_as" | "obtain_by" => Step::Delivery,
            _ => Step::Applicant,
        }
    }

    /// The text field the keyboard types into when the page opens.
    pub fn first_field(self) -> Option<&'static str> {
        match self {
            Step::Applicant => Some("name"),
            Step::Wanted => Some("description"),
            Step::Delivery | Step::Review => None,
        }
    }

    fn next(self) -> Step {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Step::ALL[(i + 1).min(Step::ALL.len() - 1)]
    }

    fn previous(self) -> Step {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Step::ALL[i.saturating_sub(1)]
    }
}

impl RequestFormState {
    pub fn new(today: NaiveDate) -> RequestFormState {
        RequestFormState {
            form: RawForm::default(),
            errors: Vec::new(),
            stage: Stage::Editing,
            lookup_receipt_no: String::new(),
            lookup_query_code: String::new(),
            lookup_answer: None,
            show_answer: false,
            today,
            active: Step::Applicant.first_field(),
            step: Step::Applicant,
            lookup_open: false,
            staff: false,
            show_first_error: false,
            receipt_qr: ReceiptQr::default(),
        }
    }

    /// 确定 on the keyboard: the next text field of the page, or 下一步 after the last one.
    pub fn advance(&mut self) {
        let citizen = self.form.applicant_type == ApplicantType::Citizen;
        let order: &[&str] = match (self.lookup_open, self.step) {
            (true, _) => &["lookup_receipt_no", "lookup_query_code"],
            (false, Step::Applicant) if citizen => {
                &["name", "id_number", "phone", "address", "postcode", "email"]
            }
            (false, Step::Applicant) => &[
                "name",
                "credit_code",
                "legal_representative",
                "contact_person",
                "phone",
                "address",
                "postcode",
                "email",
            ],
            (false, Step::Wanted) => &["description", "title", "doc_number", "index_number"],
            (false, _) => &[],
        };
        let at = self.active.and_then(|a| order.iter().position(|k| *k == a));
        match at.map(|i| i + 1) {
            Some(i) if i < order.len() => self.active = Some(order[i]),
            _ if !self.lookup_open => self.next_step(),
            _ => {}
        }
    }

    /// Whether the page on screen has a field to type into (else the keyboard is put away).
    pub fn wants_keyboard(&self) -> bool {
        matches!(self.stage, Stage::Editing | Stage::Failed(_))
            && (self.lookup_open || self.step.first_field().is_some())
    }

    /// Moves to a page; the keyboard types into its first field.
    pub fn go_to(&mut self, step: Step) {
        self.step = step;
        self.active = step.first_field();
    }

    /// 下一步: the page's fields are checked first; with a mistake the page stays, names it
    /// and scrolls to it.
    pub fn next_step(&mut self) {
        let step = self.step;
        self.errors = match self.form.validate(self.today) {
            Ok(_) => Vec::new(),
            Err(found) => found
                .into_iter()
                .filter(|e| Step::of_field(e.field) == step)
                .collect(),
        };
        if self.errors.is_empty() {
            self.go_to(step.next());
        } else {
            self.show_first_error = true;
        }
    }

    /// 提交申请: a valid form is handed to the caller; otherwise the page of the first mistake
    /// opens with it named.
    fn submit(&mut self) -> Option<Action> {
        match self.form.validate(self.today) {
            Ok(request) => {
                self.errors.clear();
                self.stage = Stage::Submitting;
                Some(Action::Submit(Box::new(request)))
            }
            Err(found) => {
                let first = found
                    .first()
                    .map_or(Step::Applicant, |e| Step::of_field(e.field));
                self.errors = found;
                self.step = first;
                self.show_first_error = true;
                None
            }
        }
    }

    /// The text of the field last touched (keyed as in [`FieldError::field`]).
    pub fn active_text(&mut self) -> Option<&mut String> {
        let f = &mut self.form;
        Some(match self.active? {
            "name" => &mut f.name,
            "id_number" => &mut f.id_number,
            "credit_code" => &mut f.credit_code,
            "legal_representative" => &mut f.legal_representative,
            "contact_person" => &mut f.contact_person,
            "phone" => &mut f.phone,
            "address" => &mut f.address,
            "postcode" => &mut f.postcode,
            "email" => &mut f.email,
            "description" => &mut f.description,
            "title" => &mut f.title,
            "doc_number" => &mut f.doc_number,
            "index_number" => &mut f.index_number,
            "lookup_receipt_no" => &mut self.lookup_receipt_no,
            "lookup_query_code" => &mut self.lookup_query_code,
            _ => return None,
        })
    }
}

/// What every field helper needs besides its value.
struct Ctx<'a> {
    s: Sizes,
    errors: &'a [FieldError],
    active: &'a mut Option<&'static str>,
    /// Scroll the first field with an error into view (once).
    scroll_to_error: &'a mut bool,
    /// Where the keyboard is, for the hint under the field it types into.
    keyboard_hint: &'static str,
}

/// A label that states its field's length limit: 「联系地址（不超过200字）」, or for an optional
/// field 「信息名称（选填，不超过200字）」.
fn with_limit(label: &str, key: &str) -> String {
    let Some(max) = crate::requests::validate::limit_of(key) else {
        return label.to_string();
    };
    match label.strip_suffix("（选填）") {
        Some(base) => format!("{base}（选填，不超过{max}字）"),
        None => format!("{label}（不超过{max}字）"),
    }
}

/// A labelled text field, full width, with its error under it. The field the keyboard types
/// into is framed in the accent colour and says so.
fn text_field(ui: &mut egui::Ui, c: &mut Ctx, label: &str, value: &mut String, key: &'static str) {
    let size = c.s.body;
    let marked = *c.active == Some(key);
    let l = ui.label(RichText::new(label).size(size));
    // A stable id: the hint under the active field comes and goes, which would shift auto ids
    // and drop the focus.
    let edit = egui::TextEdit::singleline(value)
        .id_salt(("form-field", key))
        .font(egui::FontId::proportional(size))
        .desired_width(ui.available_width().min(900.0))
        .min_size(egui::vec2(0.0, c.s.target));
    let r = ui
        .scope(|ui| {
            if marked {
                let stroke = egui::Stroke::new(3.0, ERROR);
                ui.visuals_mut().widgets.inactive.bg_stroke = stroke;
                ui.visuals_mut().widgets.hovered.bg_stroke = stroke;
            }
            ui.add(edit).labelled_by(l.id)
        })
        .inner;
    if r.clicked() || r.gained_focus() || r.has_focus() {
        *c.active = Some(key);
    }
    if marked {
        ui.label(RichText::new(c.keyboard_hint).size(c.s.small).color(HINT));
    }
    if let Some(e) = c.errors.iter().find(|e| e.field == key) {
        let shown = ui.label(
            RichText::new(format!("！{}", e.message))
                .size(size)
                .color(ERROR),
        );
        if std::mem::take(c.scroll_to_error) {
            r.union(shown).scroll_to_me(Some(egui::Align::Center));
        }
    }
    ui.add_space(4.0);
}

/// A choice as a row of large buttons (≥ the target size in every mode): the chosen one is
/// filled and marked 「√」, not by colour alone.
fn choice<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    theme: &Theme,
    label: &str,
    value: &mut T,
    options: &[(T, &str)],
) {
    let s = theme.sizes();
    let p = theme.palette();
    ui.label(RichText::new(label).size(s.body));
    ui.horizontal_wrapped(|ui| {
        for (v, text) in options {
            let on = *value == *v;
            let (fg, bg, shown) = if on {
                (p.selected_text, p.selected_bg, format!("√ {text}"))
            } else {
                (p.button_text, p.button_bg, text.to_string())
            };
            let b = egui::Button::new(RichText::new(shown).size(s.title).color(fg))
                .fill(bg)
                .selected(on)
                .min_size(egui::vec2(s.target * 2.0, s.target));
            if ui.add(b).clicked() {
                *value = *v;
            }
        }
    });
    ui.add_space(4.0);
}

fn applicant(ui: &mut egui::Ui, c: &mut Ctx, theme: &Theme, f: &mut RawForm) {
    choice(
        ui,
        theme,
        "申请人类型",
        &mut f.applicant_type,
        &[
            (ApplicantType::Citizen, "公民"),
            (ApplicantType::Organization, "法人或其他组织"),
        ],
    );
    match f.applicant_type {
        ApplicantType::Citizen => {
            text_field(ui, c, "姓名", &mut f.name, "name");
            let mut kind = f.id_kind.unwrap_or(IdKind::ResidentId);
            let options: Vec<(IdKind, &str)> =
                IdKind::ALL.iter().map(|k| (*k, k.label())).collect();
            choice(ui, theme, "证件类型", &mut kind, &options);
            f.id_kind = Some(kind);
            text_field(ui, c, "证件号码", &mut f.id_number, "id_number");
        }
        ApplicantType::Organization => {
            text_field(ui, c, "名称", &mut f.name, "name");
            text_field(ui, c, "统一社会信用代码", &mut f.credit_code, "credit_code");
            text_field(
                ui,
                c,
                "法定代表人",
                &mut f.legal_representative,
                "legal_representative",
            );
            text_field(ui, c, "联系人", &mut f.contact_person, "contact_person");
        }
    }
    text_field(ui, c, "联系电话", &mut f.phone, "phone");
    text_field(
        ui,
        c,
        &with_limit("联系地址", "address"),
        &mut f.address,
        "address",
    );
    text_field(ui, c, "邮政编码", &mut f.postcode, "postcode");
    text_field(ui, c, "电子邮箱", &mut f.email, "email");
}

/// The published records that already answer the description, under it (Art. 36(一)); returns
/// the one tapped.
fn published(ui: &mut egui::Ui, theme: &Theme, matches: &[String]) -> Option<usize> {
    if matches.is_empty() {
        return None;
    }
    let mut chosen = None;
    egui::Frame::new()
        .stroke(egui::Stroke::new(2.0, HINT))
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.label(
                RichText::new("已主动公开，可直接查看/打印（您仍可继续提交申请）：")
                    .size(theme.sizes().body)
                    .color(HINT),
            );
            for (i, title) in matches.iter().enumerate() {
                if super::widgets::button(ui, theme, title).clicked() {
                    chosen = Some(i);
                }
            }
        });
    chosen
}

fn wanted(ui: &mut egui::Ui, c: &mut Ctx, f: &mut RawForm) {
    text_field(
        ui,
        c,
        &with_limit("所需信息的内容描述", "description"),
        &mut f.description,
        "description",
    );
    for hint in hints_for(&f.description) {
        ui.label(RichText::new(hint.message()).size(c.s.body).color(HINT));
    }
    text_field(
        ui,
        c,
        &with_limit("信息名称（选填）", "title"),
        &mut f.title,
        "title",
    );
    text_field(ui, c, "文号（选填）", &mut f.doc_number, "doc_number");
    text_field(ui, c, "索引号（选填）", &mut f.index_number, "index_number");
}

fn delivery(ui: &mut egui::Ui, theme: &Theme, staff: bool, f: &mut RawForm) {
    let provide: Vec<(ProvideAs, &str)> = ProvideAs::ALL.iter().map(|p| (*p, p.label())).collect();
    choice(ui, theme, "提供方式", &mut f.provide_as, &provide);
    let obtain: Vec<(ObtainBy, &str)> = ObtainBy::ALL.iter().map(|o| (*o, o.label())).collect();
    choice(ui, theme, "获取方式", &mut f.obtain_by, &obtain);
    if staff {
        let assisted = [(true, "是"), (false, "否")];
        choice(
            ui,
            theme,
            "工作人员代为填写（口头申请）",
            &mut f.staff_assisted,
            &assisted,
        );
    }
}

/// 核对并提交: what will be filed, page by page, each with 「修改」; the errors, if any.
fn review(ui: &mut egui::Ui, theme: &Theme, state: &mut RequestFormState) -> Option<Action> {
    let s = theme.sizes();
    let f = &state.form;
    let or_blank = |v: &str| {
        if v.trim().is_empty() {
            "（未填）".to_string()
        } else {
            v.to_string()
        }
    };
    let groups: [(Step, Vec<(&str, String)>); 3] = [
        (
            Step::Applicant,
            vec![
                ("姓名或名称", or_blank(&f.name)),
                ("证件号码", or_blank(&f.id_number)),
                ("联系电话", or_blank(&f.phone)),
                ("联系地址", or_blank(&f.address)),
            ],
        ),
        (
            Step::Wanted,
            vec![
                ("所需信息", or_blank(&f.description)),
                ("信息名称", or_blank(&f.title)),
                ("文号", or_blank(&f.doc_number)),
            ],
        ),
        (
            Step::Delivery,
            vec![
                ("提供方式", f.provide_as.label().to_string()),
                ("获取方式", f.obtain_by.label().to_string()),
            ],
        ),
    ];
    let mut go = None;
    for (step, rows) in groups {
        ui.horizontal(|ui| {
            ui.label(RichText::new(step.label()).size(s.title).strong());
            if ui
                .add(
                    egui::Button::new(
                        RichText::new(format!("修改{}", &step.label()[2..])).size(s.body),
                    )
                    .min_size(egui::vec2(s.target * 2.0, s.target)),
                )
                .clicked()
            {
                go = Some(step);
            }
        });
        for (k, v) in rows {
            let mut job =
                super::widgets::body_job(theme, &format!("{k}：{v}"), theme.palette().text);
            job.wrap.max_width = ui.available_width();
            ui.label(job);
        }
        ui.add_space(8.0);
    }
    if let Some(step) = go {
        state.go_to(step);
    }
    None
}

fn filed(ui: &mut egui::Ui, theme: &Theme, f: &Filed, qr: Option<&egui::TextureHandle>) -> bool {
    let s = theme.sizes();
    ui.label(RichText::new("您的申请已受理").size(s.heading).strong());
    ui.horizontal_wrapped(|ui| {
        ui.vertical(|ui| {
            for line in [
                format!("受理编号：{}", f.receipt_no),
                format!("查询码：{}", f.query_code),
                format!("受理日期：{}", f.received_on.format("%Y年%m月%d日")),
                format!("答复期限：{}前", f.due.format("%Y年%m月%d日")),
            ] {
                ui.label(RichText::new(line).size(s.heading * 0.9));
            }
        });
        if let Some(tex) = qr {
            ui.vertical(|ui| {
                ui.add(egui::Image::new(tex).fit_to_exact_size(egui::Vec2::splat(240.0)));
                ui.label(RichText::new("扫码保存受理编号和查询码").size(s.body));
            });
        }
    });
    if let Some(note) = &f.print_note {
        ui.label(RichText::new(note).size(s.body).color(ERROR));
    }
    ui.label(
        RichText::new("请妥善保管受理回执。凭受理编号和查询码，可在本终端「查询办理进度」。")
            .size(s.body),
    );
    let done = egui::Button::new(
        RichText::new("完成")
            .size(s.heading)
            .color(theme.palette().selected_text),
    )
    .fill(theme.palette().selected_bg)
    .min_size(egui::vec2(s.target * 4.0, s.target * 1.2));
    ui.add(done).clicked()
}

fn lookup(ui: &mut egui::Ui, c: &mut Ctx, state: &mut RequestFormState) -> Option<Action> {
    ui.label(RichText::new("查询办理进度").size(c.s.title).strong());
    ui.label(RichText::new("请输入受理回执上的受理编号和查询码（不区分大小写）。").size(c.s.body));
    text_field(
        ui,
        c,
        "受理编号",
        &mut state.lookup_receipt_no,
        "lookup_receipt_no",
    );
    text_field(
        ui,
        c,
        "查询码",
        &mut state.lookup_query_code,
        "lookup_query_code",
    );
    if let Some(answer) = &state.lookup_answer {
        let shown = ui.label(RichText::new(answer).size(c.s.title));
        if std::mem::take(&mut state.show_answer) {
            shown.scroll_to_me(Some(egui::Align::Center));
        }
    }
    ui.add(
        egui::Button::new(RichText::new("查询").size(c.s.title))
            .min_size(egui::vec2(c.s.target * 2.0, c.s.target)),
    )
    .clicked()
    .then(|| Action::Lookup {
        receipt_no: state.lookup_receipt_no.trim().to_string(),
        query_code: state.lookup_query_code.trim().to_string(),
    })
}

/// The two tabs (填写申请 / 查询办理进度) and, on the form, the page indicator; every page can be
/// opened directly.
fn tabs(ui: &mut egui::Ui, theme: &Theme, state: &mut RequestFormState) {
    let s = theme.sizes();
    let p = theme.palette();
    let tab = |ui: &mut egui::Ui, text: &str, on: bool| {
        let (fg, bg) = if on {
            (p.selected_text, p.selected_bg)
        } else {
            (p.button_text, p.button_bg)
        };
        ui.add(
            egui::Button::new(RichText::new(text).size(s.title).color(fg))
                .fill(bg)
                .selected(on)
                .min_size(egui::vec2(s.target * 2.0, s.target)),
        )
        .clicked()
    };
    ui.horizontal_wrapped(|ui| {
        if tab(ui, "填写申请", !state.lookup_open) {
            state.lookup_open = false;
            state.active = state.step.first_field();
        }
        if tab(ui, "查询办理进度", state.lookup_open) {
            state.lookup_open = true;
            state.active = Some("lookup_receipt_no");
        }
    });
    if state.lookup_open || !matches!(state.stage, Stage::Editing | Stage::Failed(_)) {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for step in Step::ALL {
            let on = state.step == step;
            // On a short screen the pages not open show their number only, as square buttons,
            // so that the row fits one line beside the keyboard; their accessible name (what
            // 读屏 and the tests read) stays the whole label.
            let (text, min_width) = if on {
                (format!("● {}", step.label()), s.target * 1.5)
            } else if theme.compact {
                (step.number().to_string(), s.target)
            } else {
                (step.label().to_string(), s.target * 1.5)
            };
            let b = egui::Button::new(RichText::new(text).size(s.body))
                .selected(on)
                .frame(on || theme.compact)
                .min_size(egui::vec2(min_width, s.target));
            let r = ui.add(b);
            let label = step.label();
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
            if r.clicked() {
                state.go_to(step);
            }
        }
    });
}

/// 上一步 / 下一步 (or 提交申请 on the last page), and the first mistake named above them.
fn step_buttons(ui: &mut egui::Ui, theme: &Theme, state: &mut RequestFormState) -> Option<Action> {
    let s = theme.sizes();
    let p = theme.palette();
    if let Some(e) = state.errors.first() {
        let more = if state.errors.len() > 1 {
            format!("（共{}处需要修改）", state.errors.len())
        } else {
            String::new()
        };
        let mut job = super::widgets::body_job(
            theme,
            &format!("！请修改「{}」：{}{more}", e.label, e.message),
            ERROR,
        );
        job.wrap.max_width = ui.available_width();
        ui.label(job);
    }
    let mut action = None;
    ui.horizontal(|ui| {
        let plain = |text: &str| {
            egui::Button::new(RichText::new(text).size(s.title).color(p.button_text))
                .fill(p.button_bg)
                .min_size(egui::vec2(s.target * 2.5, s.target))
        };
        let main = |text: &str| {
            egui::Button::new(RichText::new(text).size(s.title).color(p.selected_text))
                .fill(p.selected_bg)
                .min_size(egui::vec2(s.target * 3.5, s.target))
        };
        if state.step != Step::Applicant && ui.add(plain("上一步")).clicked() {
            let back = state.step.previous();
            state.go_to(back);
        }
        if state.step == Step::Review {
            if ui.add(main("提交申请")).clicked() {
                action = state.submit();
            }
        } else if ui.add(main("下一步")).clicked() {
            state.next_step();
        }
    });
    action
}

/// Draws the form (one page at a time) or the lookup; returns what the caller should do.
/// `matches` are the titles of published records that answer the description so far.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut RequestFormState,
    theme: &Theme,
    matches: &[String],
) -> Option<Action> {
    let s = theme.sizes();
    if let Stage::Filed(f) = &state.stage {
        if state.receipt_qr.0.is_none() {
            let text = format!("受理编号：{}\n查询码：{}", f.receipt_no, f.query_code);
            state.receipt_qr.0 = super::qr::image(&text).map(|img| {
                ui.ctx()
                    .load_texture("receipt-qr", img, egui::TextureOptions::NEAREST)
            });
        }
    }
    let editing = matches!(state.stage, Stage::Editing | Stage::Failed(_));
    let mut action = None;
    // The step buttons stay in sight under the page, whatever its length (a panel: drawn
    // before the page's own content).
    if editing && !state.lookup_open {
        egui::Panel::bottom("form-steps")
            .frame(egui::Frame::new().inner_margin(6.0))
            .show(ui, |ui| action = step_buttons(ui, theme, state));
    }
    // A short screen (1366×768) has room for a few rows only: the tabs already name the form.
    if !theme.compact {
        ui.label(RichText::new("政府信息公开申请").size(s.heading).strong());
    }
    tabs(ui, theme, state);
    let keyboard_hint = if super::layout::side_keyboard(&super::layout::Shape::of(ui), theme) {
        "→ 请用右侧键盘在此输入"
    } else {
        "↑ 请用下方键盘在此输入"
    };
    let before = state.active;
    let mut active = state.active;
    let errors = std::mem::take(&mut state.errors);
    let mut scroll = std::mem::take(&mut state.show_first_error);
    egui::ScrollArea::vertical()
        .id_salt(("form", state.step as u8, state.lookup_open))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut c = Ctx {
                s,
                errors: &errors,
                active: &mut active,
                scroll_to_error: &mut scroll,
                keyboard_hint,
            };
            if state.lookup_open {
                if let Some(a) = lookup(ui, &mut c, state) {
                    action = Some(a);
                }
                return;
            }
            match &state.stage {
                Stage::Filed(f) => {
                    if filed(ui, theme, f, state.receipt_qr.0.as_ref()) {
                        action = Some(Action::Close);
                    }
                }
                Stage::Submitting => {
                    ui.label(RichText::new("正在提交，请稍候……").size(s.body));
                }
                Stage::Editing | Stage::Failed(_) => {
                    if let Stage::Failed(msg) = &state.stage {
                        ui.label(RichText::new(msg).size(s.body).color(ERROR));
                    }
                    let staff = state.staff;
                    match state.step {
                        Step::Applicant => applicant(ui, &mut c, theme, &mut state.form),
                        Step::Wanted => {
                            wanted(ui, &mut c, &mut state.form);
                            if let Some(i) = published(ui, theme, matches) {
                                action = Some(Action::OpenPublished(i));
                            }
                        }
                        Step::Delivery => delivery(ui, theme, staff, &mut state.form),
                        Step::Review => {
                            review(ui, theme, state);
                        }
                    }
                }
            }
        });
    if state.errors.is_empty() && !matches!(action, Some(Action::Submit(_))) {
        state.errors = errors;
    }
    // A page change (tabs, 上一步/下一步, 修改) chose the new page's first field; otherwise the
    // field touched this frame is where the keyboard types.
    if state.active == before {
        state.active = active;
    }
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::kittest::Queryable;
    use egui_kittest::Harness;

    fn harness(state: RequestFormState) -> Harness<'static, (RequestFormState, Option<Action>)> {
        let font = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/fonts/NotoSansSC-kiosk-subset.otf");
        let (defs, loaded) =
            crate::ui::fonts::font_definitions(&[crate::ui::fonts::FontSpec::parse(&font)]);
        assert_eq!(loaded, 1);
        Harness::builder()
            .with_size(egui::vec2(1080.0, 1920.0))
            .with_context_setup(move |ctx| ctx.set_fonts(defs))
            .build_ui_state(
                |ui, (state, last): &mut (RequestFormState, Option<Action>)| {
                    let theme = crate::ui::theme::Theme::default();
                    if let Some(a) = show(ui, state, &theme, &[]) {
                        *last = Some(a);
                    }
                },
                (state, None),
            )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn type_into(
        h: &mut Harness<'static, (RequestFormState, Option<Action>)>,
        label: &str,
        text: &str,
    ) {
        h.get_by_label(label).focus();
        h.run();
        h.get_by_label(label).type_text(text);
        h.run();
    }

    fn tap(h: &mut Harness<'static, (RequestFormState, Option<Action>)>, label: &str) {
        h.get_by_label(label).click();
        h.run();
        h.run();
    }

    #[test]
    fn a_resident_fills_the_form_page_by_page_and_submits_a_valid_request() {
        let mut h = harness(RequestFormState::new(today()));
        assert_eq!(
            h.state().0.active,
            Some("name"),
            "keys go to 姓名 before any tap"
        );
        type_into(&mut h, "姓名", "张三");
        type_into(&mut h, "证件号码", "11010519491231002X");
        type_into(&mut h, "联系电话", "13812345678");
        tap(&mut h, "下一步");
        assert_eq!(h.state().0.step, Step::Wanted, "{:?}", h.state().0.errors);
        type_into(
            &mut h,
            "所需信息的内容描述（不超过2000字）",
            "2025年城区道路改造项目立项批复",
        );
        tap(&mut h, "下一步");
        assert_eq!(h.state().0.step, Step::Delivery);
        // Choices are large buttons; 「工作人员代为填写」 is not offered to a visitor.
        tap(&mut h, "当场阅读、抄录");
        assert!(h.query_by_label_contains("工作人员代为填写").is_none());
        tap(&mut h, "下一步");
        assert_eq!(h.state().0.step, Step::Review);
        h.get_by_label_contains("所需信息：2025年城区道路改造项目立项批复");
        tap(&mut h, "提交申请");
        let (state, action) = h.state();
        assert_eq!(state.stage, Stage::Submitting);
        let Some(Action::Submit(req)) = action else {
            panic!("expected a submit action, got {action:?}")
        };
        assert_eq!(req.applicant.identity_full(), "11010519491231002X");
        assert_eq!(req.obtain_by, ObtainBy::ReadOnSite);
    }

    #[test]
    fn a_wrong_id_number_keeps_the_page_names_the_first_mistake_and_files_nothing() {
        let mut h = harness(RequestFormState::new(today()));
        type_into(&mut h, "证件号码", "110105194912310021");
        tap(&mut h, "下一步");
        assert!(h.state().1.is_none());
        assert_eq!(h.state().0.step, Step::Applicant);
        h.get_by_label("！居民身份证号码校验位不符，请逐位核对。");
        h.get_by_label("！请填写姓名。");
        h.get_by_label_contains("！请修改「姓名」：请填写姓名。");
    }

    #[test]
    fn a_submit_with_a_mistake_on_an_earlier_page_opens_that_page_with_the_mistake_named() {
        let mut h = harness(RequestFormState::new(today()));
        tap(&mut h, "4 核对并提交");
        tap(&mut h, "提交申请");
        assert!(h.state().1.is_none(), "nothing is filed");
        assert_eq!(h.state().0.step, Step::Applicant);
        h.get_by_label_contains("！请修改「姓名」");
    }

    #[test]
    fn the_form_states_the_length_limits_and_an_overlong_description_is_refused_naming_it() {
        let mut h = harness(RequestFormState::new(today()));
        h.get_by_label("联系地址（不超过200字）");
        tap(&mut h, "2 所需信息");
        h.get_by_label("信息名称（选填，不超过200字）");
        let description = "所需信息的内容描述（不超过2000字）";
        type_into(&mut h, description, &"请公开".repeat(700));
        tap(&mut h, "下一步");
        assert!(h.state().1.is_none(), "nothing is filed");
        h.get_by_label("！所需信息的内容描述不能超过2000字，您填写了2100字，请精简后再提交。");
    }
}
