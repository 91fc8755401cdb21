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
    /// Today, for birth-date checks (set by the caller, so the form does no clock IO).
    pub today: NaiveDate,
    /// The text field last touched: where the on-screen keyboard types.
    pub active: Option<&'static str>,
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
            today,
            active: None,
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

fn text_field(ui: &mut egui::Ui, c: &mut Ctx, label: &str, value: &mut String, key: &'static str) {
    let size = c.s.body;
    ui.horizontal(|ui| {
        let l = ui.label(RichText::new(label).size(size));
        let marked = *c.active == Some(key);
        let edit = egui::TextEdit::singleline(value)
            .font(egui::FontId::proportional(size))
            .desired_width(ui.available_width().min(640.0))
            .min_size(egui::vec2(0.0, c.s.target));
        let r = ui.add(edit).labelled_by(l.id);
        if r.clicked() || r.gained_focus() || r.has_focus() {
            *c.active = Some(key);
        }
        if marked {
            ui.label(RichText::new("← 键盘输入处").size(size));
        }
    });
    if let Some(e) = c.errors.iter().find(|e| e.field == key) {
        ui.label(
            RichText::new(format!("！{}", e.message))
                .size(size)
                .color(ERROR),
        );
    }
}

fn choice<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    size: f32,
    label: &str,
    value: &mut T,
    options: &[(T, &str)],
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(label).size(size));
        for (v, text) in options {
            ui.radio_value(value, *v, RichText::new(*text).size(size));
        }
    });
}

fn applicant(ui: &mut egui::Ui, c: &mut Ctx, f: &mut RawForm) {
    choice(
        ui,
        c.s.body,
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
            choice(ui, c.s.body, "证件类型", &mut kind, &options);
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
    let provide: Vec<(ProvideAs, &str)> = ProvideAs::ALL.iter().map(|p| (*p, p.label())).collect();
    choice(ui, c.s.body, "提供方式", &mut f.provide_as, &provide);
    let obtain: Vec<(ObtainBy, &str)> = ObtainBy::ALL.iter().map(|o| (*o, o.label())).collect();
    choice(ui, c.s.body, "获取方式", &mut f.obtain_by, &obtain);
    ui.checkbox(
        &mut f.staff_assisted,
        RichText::new("工作人员代为填写（口头申请）").size(c.s.body),
    );
}

fn filed(ui: &mut egui::Ui, s: &Sizes, f: &Filed) {
    ui.label(RichText::new("您的申请已受理").size(s.heading).strong());
    for line in [
        format!("受理编号：{}", f.receipt_no),
        format!("查询码：{}", f.query_code),
        format!("受理日期：{}", f.received_on.format("%Y年%m月%d日")),
        format!("答复期限：{}前", f.due.format("%Y年%m月%d日")),
    ] {
        ui.label(RichText::new(line).size(s.title));
    }
    if let Some(note) = &f.print_note {
        ui.label(RichText::new(note).size(s.body).color(ERROR));
    }
    ui.label(RichText::new("请凭受理编号和查询码在本终端查询办理进度。").size(s.body));
}

fn lookup(ui: &mut egui::Ui, c: &mut Ctx, state: &mut RequestFormState) -> Option<Action> {
    ui.label(RichText::new("查询办理进度").size(c.s.title).strong());
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
        ui.label(RichText::new(answer).size(c.s.body));
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

/// Draws the form and the lookup; returns what the caller should do.
pub fn show(ui: &mut egui::Ui, state: &mut RequestFormState, theme: &Theme) -> Option<Action> {
    let s = theme.sizes();
    let mut action = None;
    let big = |text: &str| {
        egui::Button::new(RichText::new(text).size(s.title))
            .min_size(egui::vec2(s.target * 2.0, s.target))
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.label(RichText::new("政府信息公开申请").size(s.heading).strong());
        let mut active = state.active;
        let errors = std::mem::take(&mut state.errors);
        let mut c = Ctx {
            s,
            errors: &errors,
            active: &mut active,
        };
        match &state.stage {
            Stage::Filed(f) => filed(ui, &s, f),
            Stage::Submitting => {
                ui.label(RichText::new("正在提交，请稍候……").size(s.body));
            }
            Stage::Editing | Stage::Failed(_) => {
                if let Stage::Failed(msg) = &state.stage {
                    ui.label(RichText::new(msg).size(s.body).color(ERROR));
                }
                ui.label(RichText::new("一、申请人信息").size(s.title).strong());
                applicant(ui, &mut c, &mut state.form);
                ui.label(RichText::new("二、所需政府信息").size(s.title).strong());
                wanted(ui, &mut c, &mut state.form);
                if !errors.is_empty() {
                    ui.label(
                        RichText::new(format!("有{}处需要修改，请查看红色提示。", errors.len()))
                            .size(s.body)
                            .color(ERROR),
                    );
                }
                if ui.add(big("提交申请")).clicked() {
                    match state.form.validate(state.today) {
                        Ok(request) => {
                            state.stage = Stage::Submitting;
                            action = Some(Action::Submit(Box::new(request)));
                        }
                        Err(found) => state.errors = found,
                    }
                }
            }
        }
        ui.separator();
        if let Some(a) = lookup(ui, &mut c, state) {
            action = Some(a);
        }
        state.active = active;
        if state.errors.is_empty() && !matches!(action, Some(Action::Submit(_))) {
            state.errors = errors;
        }
    });
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
                    let theme = crate::ui::theme::Theme {
                        elderly: false,
                        high_contrast: false,
                    };
                    if let Some(a) = show(ui, state, &theme) {
                        *last = Some(a);
                    }
                },
                (state, None),
            )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_resident_fills_the_form_by_label_and_submits_a_valid_request() {
        let mut h = harness(RequestFormState::new(today()));
        for (label, value) in [
            ("姓名", "张三"),
            ("证件号码", "11010519491231002X"),
            ("联系电话", "13812345678"),
            (
                "所需信息的内容描述（不超过2000字）",
                "2025年城区道路改造项目立项批复",
            ),
        ] {
            h.get_by_label(label).focus();
            h.run();
            h.get_by_label(label).type_text(value);
            h.run();
        }
        h.get_by_label("提交申请").click();
        h.run();
        let (state, action) = h.state();
        assert_eq!(state.stage, Stage::Submitting);
        let Some(Action::Submit(req)) = action else {
            panic!("expected a submit action, got {action:?}")
        };
        assert_eq!(req.applicant.identity_full(), "11010519491231002X");
    }

    #[test]
    fn a_wrong_id_number_shows_the_reason_beside_the_field_and_files_nothing() {
        let mut h = harness(RequestFormState::new(today()));
        h.get_by_label("证件号码").focus();
        h.run();
        h.get_by_label("证件号码").type_text("110105194912310021");
        h.run();
        h.get_by_label("提交申请").click();
        h.run();
        h.run();
        assert!(h.state().1.is_none());
        h.get_by_label("！居民身份证号码校验位不符，请逐位核对。");
        h.get_by_label("！请填写姓名。");
    }

    #[test]
    fn the_form_states_the_length_limits_and_an_overlong_description_is_refused_naming_it() {
        let mut h = harness(RequestFormState::new(today()));
        h.get_by_label("联系地址（不超过200字）");
        h.get_by_label("信息名称（选填，不超过200字）");
        let description = "所需信息的内容描述（不超过2000字）";
        h.get_by_label(description).focus();
        h.run();
        h.get_by_label(description).type_text(&"请公开".repeat(700));
        h.run();
        h.get_by_label("提交申请").click();
        h.run();
        h.run();
        assert!(h.state().1.is_none(), "nothing is filed");
        h.get_by_label("！所需信息的内容描述不能超过2000字，您填写了2100字，请精简后再提交。");
    }
}
