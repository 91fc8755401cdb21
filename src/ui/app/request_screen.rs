//! The request form's screen: the form, its keyboard, the published records that already answer
//! it, and the keys typed into the field last touched (or the first field, before any is). Each
//! field says what it takes ([`field_kind`]): names get the name model, numbers and codes the
//! number pad. With 读屏 on, a field is read aloud when it is chosen.

use super::*;
use crate::requests::{ApplicantType, IdKind};
use crate::ui::keyboard::{Applied, FieldKind, Key, Keyboard};

/// The field that takes the keys before the visitor chooses one.
pub(crate) const FIRST_FIELD: &str = "name";

/// What the form's field `active` takes (keys as in [`request_form::RequestFormState::active_text`]).
pub(crate) fn field_kind(form: Option<&RequestFormState>) -> FieldKind {
    let Some(form) = form else {
        return FieldKind::Text;
    };
    let f = &form.form;
    match form.active {
        Some("name") if f.applicant_type == ApplicantType::Citizen => FieldKind::PersonName,
        Some("contact_person" | "legal_representative") => FieldKind::PersonName,
        Some("id_number") => match f.id_kind.unwrap_or(IdKind::ResidentId) {
            IdKind::ResidentId | IdKind::ResidencePermit => FieldKind::IdNumber,
            _ => FieldKind::Code,
        },
        Some("credit_code" | "lookup_receipt_no" | "lookup_query_code") => FieldKind::Code,
        Some("phone") => FieldKind::Phone,
        Some("postcode") => FieldKind::Digits,
        Some("email") => FieldKind::Latin,
        _ => FieldKind::Text,
    }
}

/// The name of a field as it is read aloud.
fn spoken_label(form: &RequestFormState, key: &str) -> &'static str {
    let citizen = form.form.applicant_type == ApplicantType::Citizen;
    match key {
        "name" if citizen => "姓名",
        "name" => "名称",
        "id_number" => "证件号码",
        "credit_code" => "统一社会信用代码",
        "legal_representative" => "法定代表人",
        "contact_person" => "联系人",
        "phone" => "联系电话",
        "address" => "联系地址",
        "postcode" => "邮政编码",
        "email" => "电子邮箱",
        "description" => "所需信息的内容描述",
        "title" => "信息名称",
        "doc_number" => "文号",
        "index_number" => "索引号",
        "lookup_receipt_no" => "受理编号",
        "lookup_query_code" => "查询码",
        _ => "",
    }
}

impl KioskApp {
    pub(super) fn request_screen(&mut self, ui: &mut egui::Ui) {
        let theme = self.visit.theme;
        let mut open_hit = None;
        let mut key = None;
        let Some((description_before, active_before)) = self
            .visit
            .form
            .as_ref()
            .map(|f| (f.form.description.clone(), f.active))
        else {
            self.visit.screen = Screen::Home;
            return;
        };
        let action = {
            let Some(form) = self.visit.form.as_mut() else {
                return;
            };
            let keyboard = &self.visit.keyboard;
            let candidates = &self.visit.candidates;
            if form.wants_keyboard() {
                crate::ui::layout::keyboard_panel(
                    ui,
                    &theme,
                    ("form-keyboard", self.visit_no),
                    |ui| {
                        key = keyboard.show(ui, &theme, candidates, "确定");
                    },
                );
            }
            let matches = &self.visit.form_matches;
            let titles: Vec<String> = matches.iter().map(|h| h.title.clone()).collect();
            egui::CentralPanel::default()
                .show(ui, |ui| request_form::show(ui, form, &theme, &titles))
                .inner
        };
        self.field_changed(active_before);
        if let Some(k) = key {
            self.form_key(k);
        }
        // Typed on the form or on the keyboard: look again for published records.
        let description = self.visit.form.as_ref().map(|f| &f.form.description);
        if let Some(d) = description.filter(|d| **d != description_before).cloned() {
            self.form_description_changed(d);
        }
        if let Some(request_form::Action::OpenPublished(i)) = action {
            open_hit = self.visit.form_matches.get(i).cloned();
        }
        if let Some(hit) = open_hit {
            self.open(hit);
            return;
        }
        let sent = match action {
            Some(request_form::Action::OpenPublished(_)) => Ok(()),
            Some(request_form::Action::Close) => {
                self.go_home();
                Ok(())
            }
            Some(action) => self.requests.commands.send((self.visit_no, action)),
            None => Ok(()),
        };
        if sent.is_err() {
            tracing::error!("the request worker has stopped");
        }
    }

    /// Another field was chosen (or its kind changed, e.g. another 证件类型): pinyin pending for
    /// the field left is committed there, the keyboard becomes the new field's, and with 读屏 on
    /// the field is read aloud.
    fn field_changed(&mut self, before: Option<&'static str>) {
        let Some(form) = self.visit.form.as_mut() else {
            return;
        };
        let kind = field_kind(Some(&*form));
        if form.active == before && self.visit.keyboard.kind == kind {
            return;
        }
        let now = form.active;
        if !self.visit.keyboard.pinyin.is_empty() {
            form.active = before;
            let candidates = std::mem::take(&mut self.visit.candidates);
            if let Some(field) = form.active_text() {
                self.visit.keyboard.apply(field, Key::Enter, &candidates);
            }
            form.active = now;
        }
        self.visit.keyboard = Keyboard::for_field(kind);
        self.request_candidates();
        if now == before {
            return;
        }
        let Some(form) = self.visit.form.as_mut() else {
            return;
        };
        let label = now.map(|k| spoken_label(form, k)).unwrap_or("");
        let text = match form.active_text().filter(|v| !v.is_empty()) {
            Some(v) => format!("{label}，已填写：{v}"),
            None => format!("{label}，请输入"),
        };
        self.read_aloud(&text);
    }

    /// A key of the on-screen keyboard on the form: it types into the field last touched, or
    /// into the first field when none has been touched yet.
    pub fn form_key(&mut self, key: Key) {
        let candidates = std::mem::take(&mut self.visit.candidates);
        let Some(form) = self.visit.form.as_mut() else {
            return;
        };
        form.active.get_or_insert(FIRST_FIELD);
        let Some(field) = form.active_text() else {
            return;
        };
        let applied = self.visit.keyboard.apply(field, key, &candidates);
        if applied == Applied::Submitted {
            form.advance();
        }
        self.visit.candidates = candidates;
        match applied {
            Applied::Nothing => {}
            Applied::Edited | Applied::Submitted | Applied::Paged => self.request_candidates(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_fields_take_names_and_number_fields_the_pad() {
        let mut form = RequestFormState::new(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        let kind = |form: &RequestFormState, key: &'static str| {
            let mut f = form.clone();
            f.active = Some(key);
            field_kind(Some(&f))
        };
        assert_eq!(kind(&form, "name"), FieldKind::PersonName);
        assert_eq!(kind(&form, "id_number"), FieldKind::IdNumber);
        assert_eq!(kind(&form, "phone"), FieldKind::Phone);
        assert_eq!(kind(&form, "lookup_receipt_no"), FieldKind::Code);
        assert_eq!(kind(&form, "lookup_query_code"), FieldKind::Code);
        assert_eq!(kind(&form, "email"), FieldKind::Latin);
        assert_eq!(kind(&form, "description"), FieldKind::Text);
        form.form.id_kind = Some(IdKind::Passport);
        assert_eq!(kind(&form, "id_number"), FieldKind::Code);
        form.form.applicant_type = ApplicantType::Organization;
        assert_eq!(
            kind(&form, "name"),
            FieldKind::Text,
            "an organisation's name"
        );
        assert_eq!(kind(&form, "contact_person"), FieldKind::PersonName);
        assert_eq!(field_kind(None), FieldKind::Text);
    }
}
