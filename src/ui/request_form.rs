//! The on-screen disclosure-request form (政府信息公开申请) and the status lookup by receipt
//! number and 查询码. Plain state plus `show(ui, &mut state) -> Option<Action>`: validation is
//! pure and runs here; filing, printing and lookups are actions the caller hands to a worker.
//!
//! Every input has an accessible label (`labelled_by`), so screen readers and kittest find it.

use crate::requests::model::hints_for;
use crate::requests::validate::FieldError;
use crate::requests::{ApplicantType, IdKind, ObtainBy, ProvideAs, RawForm, Request};
use chrono::NaiveDate;
use egui::{Color32, RichText};

const ERROR: Color32 = Color32::from_rgb(0xa0, 0x10, 0x10);
const HINT: Color32 = Color32::from_rgb(0x6a, 0x4a, 0x00);
const BODY: f32 = 20.0;

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
        }
    }
}

fn text_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    key: &str,
    errors: &[FieldError],
) {
    ui.horizontal(|ui| {
        let l = ui.label(RichText::new(label).size(BODY));
        ui.add(egui::TextEdit::singleline(value).desired_width(420.0))
            .labelled_by(l.id);
    });
    if let Some(e) = errors.iter().find(|e| e.field == key) {
        ui.label(
            RichText::new(format!("！{}", e.message))
                .size(BODY)
                .color(ERROR),
        );
    }
}

fn choice<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    options: &[(T, &str)],
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(label).size(BODY));
        for (v, text) in options {
            ui.radio_value(value, *v, RichText::new(*text).size(BODY));
        }
    });
}

fn applicant(ui: &mut egui::Ui, f: &mut RawForm, errors: &[FieldError]) {
    choice(
        ui,
        "申请人类型",
        &mut f.applicant_type,
        &[
            (ApplicantType::Citizen, "公民"),
            (ApplicantType::Organization, "法人或其他组织"),
        ],
    );
    match f.applicant_type {
        ApplicantType::Citizen => {
            text_field(ui, "姓名", &mut f.name, "name", errors);
            let mut kind = f.id_kind.unwrap_or(IdKind::ResidentId);
            let options: Vec<(IdKind, &str)> =
                IdKind::ALL.iter().map(|k| (*k, k.label())).collect();
            choice(ui, "证件类型", &mut kind, &options);
            f.id_kind = Some(kind);
            text_field(ui, "证件号码", &mut f.id_number, "id_number", errors);
        }
        ApplicantType::Organization => {
            text_field(ui, "名称", &mut f.name, "name", errors);
            text_field(
                ui,
                "统一社会信用代码",
                &mut f.credit_code,
                "credit_code",
                errors,
            );
            text_field(
                ui,
                "法定代表人",
                &mut f.legal_representative,
                "legal_representative",
                errors,
            );
            text_field(
                ui,
                "联系人",
                &mut f.contact_person,
                "contact_person",
                errors,
            );
        }
    }
    text_field(ui, "联系电话", &mut f.phone, "phone", errors);
    text_field(ui, "联系地址", &mut f.address, "address", errors);
    text_field(ui, "邮政编码", &mut f.postcode, "postcode", errors);
    text_field(ui, "电子邮箱", &mut f.email, "email", errors);
}

fn wanted(ui: &mut egui::Ui, f: &mut RawForm, errors: &[FieldError]) {
    text_field(
        ui,
        "所需信息的内容描述",
        &mut f.description,
        "description",
        errors,
    );
    for hint in hints_for(&f.description) {
        ui.label(RichText::new(hint.message()).size(BODY).color(HINT));
    }
    text_field(ui, "信息名称（选填）", &mut f.title, "title", errors);
    text_field(ui, "文号（选填）", &mut f.doc_number, "doc_number", errors);
    text_field(
        ui,
        "索引号（选填）",
        &mut f.index_number,
        "index_number",
        errors,
    );
    let provide: Vec<(ProvideAs, &str)> = ProvideAs::ALL.iter().map(|p| (*p, p.label())).collect();
    choice(ui, "提供方式", &mut f.provide_as, &provide);
    let obtain: Vec<(ObtainBy, &str)> = ObtainBy::ALL.iter().map(|o| (*o, o.label())).collect();
    choice(ui, "获取方式", &mut f.obtain_by, &obtain);
    ui.checkbox(
        &mut f.staff_assisted,
        RichText::new("工作人员代为填写（口头申请）").size(BODY),
    );
}

fn filed(ui: &mut egui::Ui, f: &Filed) {
    ui.heading(RichText::new("您的申请已受理").size(30.0));
    for line in [
        format!("受理编号：{}", f.receipt_no),
        format!("查询码：{}", f.query_code),
        format!("受理日期：{}", f.received_on.format("%Y年%m月%d日")),
        format!("答复期限：{}前", f.due.format("%Y年%m月%d日")),
    ] {
        ui.label(RichText::new(line).size(24.0));
    }
    if let Some(note) = &f.print_note {
        ui.label(RichText::new(note).size(BODY).color(ERROR));
    }
    ui.label(RichText::new("请凭受理编号和查询码在本终端查询办理进度。").size(BODY));
}

fn lookup(ui: &mut egui::Ui, state: &mut RequestFormState) -> Option<Action> {
    ui.heading(RichText::new("查询办理进度").size(24.0));
    text_field(
        ui,
        "受理编号",
        &mut state.lookup_receipt_no,
        "lookup_receipt_no",
        &[],
    );
    text_field(
        ui,
        "查询码",
        &mut state.lookup_query_code,
        "lookup_query_code",
        &[],
    );
    if let Some(answer) = &state.lookup_answer {
        ui.label(RichText::new(answer).size(BODY));
    }
    ui.button(RichText::new("查询").size(BODY))
        .clicked()
        .then(|| Action::Lookup {
            receipt_no: state.lookup_receipt_no.trim().to_string(),
            query_code: state.lookup_query_code.trim().to_string(),
        })
}

/// Draws the form and the lookup; returns what the caller should do.
pub fn show(ui: &mut egui::Ui, state: &mut RequestFormState) -> Option<Action> {
    let mut action = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(RichText::new("政府信息公开申请").size(30.0));
        match &state.stage {
            Stage::Filed(f) => filed(ui, f),
            Stage::Submitting => {
                ui.label(RichText::new("正在提交，请稍候……").size(BODY));
            }
            Stage::Editing | Stage::Failed(_) => {
                if let Stage::Failed(msg) = &state.stage {
                    ui.label(RichText::new(msg).size(BODY).color(ERROR));
                }
                ui.label(RichText::new("一、申请人信息").size(24.0));
                applicant(ui, &mut state.form, &state.errors);
                ui.label(RichText::new("二、所需政府信息").size(24.0));
                wanted(ui, &mut state.form, &state.errors);
                if !state.errors.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "有{}处需要修改，请查看红色提示。",
                            state.errors.len()
                        ))
                        .size(BODY)
                        .color(ERROR),
                    );
                }
                if ui.button(RichText::new("提交申请").size(24.0)).clicked() {
                    match state.form.validate(state.today) {
                        Ok(request) => {
                            state.errors.clear();
                            state.stage = Stage::Submitting;
                            action = Some(Action::Submit(Box::new(request)));
                        }
                        Err(errors) => state.errors = errors,
                    }
                }
            }
        }
        ui.separator();
        if let Some(a) = lookup(ui, state) {
            action = Some(a);
        }
        if ui.button(RichText::new("返回首页").size(BODY)).clicked() {
            action = Some(Action::Close);
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
                    if let Some(a) = show(ui, state) {
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
            ("所需信息的内容描述", "2025年城区道路改造项目立项批复"),
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
}
