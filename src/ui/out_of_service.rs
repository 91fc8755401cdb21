//! The one screen of a kiosk that cannot keep what visitors hand in (a folder it must write is
//! not writable): a polite notice instead of a form whose request would be lost. The technical
//! reason is in the log, written once at start-up by [`super::run`].

use super::theme::Theme;
use super::widgets;

/// What the visitor reads.
pub const NOTICE: &str = "本终端暂停服务";
pub const NEXT_STEP: &str = "本终端的数据保存位置无法写入，暂时不能查询和受理申请。\
请到服务窗口办理，或联系现场工作人员。";

/// Draws the notice over the whole window.
pub fn screen(ui: &mut egui::Ui, theme: &Theme, hall_name: &str) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(theme.sizes().heading * 3.0);
            widgets::title(ui, theme, hall_name);
            widgets::heading(ui, theme, NOTICE);
            widgets::body(ui, theme, NEXT_STEP);
        });
    });
}
