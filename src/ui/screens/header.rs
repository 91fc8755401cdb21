//! The bar on every screen and the idle warning over it.

use crate::ui::action::Action;
use crate::ui::state::{IndexState, View};
use crate::ui::widgets;
use egui::{RichText, Vec2};
use std::time::Duration;

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// The bar on top of every screen: hall name (five taps open the staff PIN pad), date and
/// time, and the date of the newest published record (数据更新至). The switches and the way
/// back live in the bottom bar ([`super::bottom_bar`]), where a hand reaches them.
pub fn header(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::Panel::top("header")
        .frame(egui::Frame::new().fill(p.panel).inner_margin(12.0))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                // On a short screen the hall name is set in the title size, so the bar keeps
                // to one line and leaves the height to the content.
                let size = if theme.compact { s.title } else { s.heading };
                let hall = egui::Label::new(
                    RichText::new(app.hall_name)
                        .size(size)
                        .strong()
                        .color(p.accent),
                )
                .truncate()
                .sense(egui::Sense::click());
                let today = chrono::Local::now();
                let weekday =
                    WEEKDAYS[chrono::Datelike::weekday(&today).num_days_from_monday() as usize];
                let clock = format!(
                    "{} 星期{weekday} {}",
                    today.format("%m月%d日"),
                    today.format("%H:%M")
                );
                let data = match app.index {
                    IndexState::Ready(info) => info
                        .data_date
                        .map(|d| format!("数据更新至 {}", d.format("%Y-%m-%d"))),
                    _ => None,
                };
                // Drawn right to left on one line, left to right under the name in portrait.
                let dates = |ui: &mut egui::Ui, reversed: bool| {
                    let clock = RichText::new(&clock).size(s.body).color(p.text);
                    let data = data
                        .as_ref()
                        .map(|d| RichText::new(d).size(s.body).color(p.muted));
                    if !reversed {
                        ui.label(clock.clone());
                    }
                    if let Some(d) = data {
                        ui.label(d);
                    }
                    if reversed {
                        ui.label(clock);
                    }
                };
                if crate::ui::layout::Shape::of(ui).portrait() {
                    // Portrait: the hall name on its own line, the dates under it.
                    ui.vertical(|ui| {
                        if ui.add(hall).clicked() {
                            out.push(Action::HallTapped);
                        }
                        ui.horizontal(|ui| dates(ui, false));
                    });
                    return;
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    dates(ui, true);
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                        if ui.add(hall).clicked() {
                            out.push(Action::HallTapped);
                        }
                    });
                });
            });
        });
}

/// The idle warning: a countdown and one large 「继续使用」. Returns whether it was tapped.
pub fn idle_warning(app: &View, ctx: &egui::Context, remaining: Duration, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    let screen = ctx.content_rect();
    egui::Area::new(egui::Id::unique("idle-warning"))
        .order(egui::Order::Foreground)
        .fixed_pos(screen.min)
        .show(ctx, |ui| {
            ui.painter()
                .rect_filled(screen, 0.0, egui::Color32::from_black_alpha(170));
            ui.scope_builder(egui::UiBuilder::new().max_rect(screen), |ui| {
                ui.vertical_centered(|ui| {
                    ui.add_space(screen.height() * 0.25);
                    egui::Frame::new()
                        .fill(p.background)
                        .stroke(egui::Stroke::new(4.0, p.accent))
                        .inner_margin(40.0)
                        .show(ui, |ui| {
                            ui.set_max_width(screen.width() * 0.7);
                            ui.label(
                                RichText::new("您已较长时间未操作")
                                    .size(s.heading)
                                    .strong()
                                    .color(p.text),
                            );
                            let secs = remaining.as_secs_f32().ceil() as u64;
                            widgets::body(
                                ui,
                                &theme,
                                &format!(
                                    "{secs}秒后将返回首页，并清除您本次查询和填写的全部内容。"
                                ),
                            );
                            let b = egui::Button::new(
                                RichText::new("继续使用")
                                    .size(s.heading)
                                    .color(p.selected_text),
                            )
                            .fill(p.selected_bg)
                            .min_size(Vec2::new(s.target * 5.0, s.target * 1.5));
                            if ui.add(b).clicked() {
                                out.push(Action::KeepVisit);
                            }
                        });
                });
            });
        });
}
