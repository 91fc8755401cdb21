//! The screen of a 依申请公开 record's catalogue entry (政府信息公开目录): its title and catalogue
//! fields, 「本信息依申请公开」 in words, and 「申请公开此信息」, which opens the request form with
//! the record named as the information wanted. There is no text to show, print or scan.

use super::action::Action;
use super::document::OpenDoc;
use super::theme::Theme;
use super::widgets;
use crate::catalog::{Record, ON_REQUEST_NOTE};
use egui::{RichText, Vec2};

/// The label of the button that opens the prefilled form (kittest finds it by this).
pub const APPLY_BUTTON: &str = "申请公开此信息";

/// The entry's screen, in place of the document screen.
pub fn entry(
    ui: &mut egui::Ui,
    theme: &Theme,
    doc: &OpenDoc,
    visit_no: u64,
    out: &mut Vec<Action>,
) {
    let s = theme.sizes();
    let (mut back, mut apply) = (false, false);
    egui::Panel::right(("on-request-side", visit_no))
        .exact_size(if theme.elderly { 360.0 } else { 320.0 })
        .show(ui, |ui| {
            ui.add_space(12.0);
            back = widgets::button(ui, theme, "返回上一页").clicked();
            ui.add_space(12.0);
            apply = widgets::primary_button(ui, theme, APPLY_BUTTON).clicked();
        });
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::heading(ui, theme, &doc.hit.title);
        widgets::title(ui, theme, &format!("【{ON_REQUEST_NOTE}】"));
        if let Some(r) = &doc.hit.record {
            egui::Grid::new(("on-request-meta", visit_no))
                .num_columns(2)
                .spacing(Vec2::new(16.0, 6.0))
                .show(ui, |ui| {
                    for (k, v) in crate::print::document::metadata_rows(r) {
                        ui.label(RichText::new(k).size(s.body).strong());
                        ui.label(widgets::body_job(theme, &v, theme.palette().text));
                        ui.end_row();
                    }
                });
        }
        ui.separator();
        widgets::body(
            ui,
            theme,
            "本信息列于政府信息公开目录，全文不在本机公开。如需获取，可点击「申请公开此信息」填写政府信息公开申请，表中已填好本信息的名称和索引号。",
        );
    });
    if back {
        out.push(Action::CloseDocument);
    } else if apply {
        out.push(Action::RequestForm(Some(doc.hit.clone())));
    }
}

/// What the form's 「所需信息的内容描述」 says of a catalogue entry: the record by its title, 文号
/// and 索引号, 「《农村道路养护台账》（索引号：QH0002/2023-00042）全文」.
pub fn described(r: &Record) -> String {
    let numbers: Vec<String> = [("文号", &r.doc_number), ("索引号", &r.index_number)]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}：{v}")))
        .collect();
    if numbers.is_empty() {
        format!("《{}》全文", r.title)
    } else {
        format!("《{}》（{}）全文", r.title, numbers.join("，"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Kind;

    #[test]
    fn the_description_names_title_doc_number_and_index_number() {
        let mut r = Record::new(
            "gi",
            "A3#on-request".into(),
            Kind::GovernmentInfo,
            "农村道路养护台账".into(),
            String::new(),
        );
        r.index_number = Some("QH0002/2023-00042".into());
        assert_eq!(
            described(&r),
            "《农村道路养护台账》（索引号：QH0002/2023-00042）全文"
        );
    }
}
