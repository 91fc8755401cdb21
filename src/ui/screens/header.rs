//! The bar on every screen and the idle warning over it.

use crate::ui::action::Action;
use crate::ui::state::{IndexState, Screen, View};
use crate::ui::widgets;
use egui::{RichText, Vec2};
use std::time::Duration;

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// The bar on every screen: hall name (five taps open the staff PIN pad), date and time, the
/// data date, the display switches and the way home.
pub fn header(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::Panel::top("header")
        .frame(egui::Frame::new().fill(p.panel).inner_margin(12.0))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let hall = egui::Label::new(
                    RichText::new(app.hall_name)
                        .size(s.heading)
                        .strong()
                        .color(p.accent),
                )
                .sense(egui::Sense::click());
                if ui.add(hall).clicked() {
                    out.push(Action::HallTapped);
                }
                let today = chrono::Local::now();
                let weekday =
                    WEEKDAYS[chrono::Datelike::weekday(&today).num_days_from_monday() as usize];
                ui.label(
                    RichText::new(format!(
                        "{} 星期{weekday} {}",
                        today.format("%Y年%m月%d日"),
                        today.format("%H:%M")
                    ))
                    .size(s.body)
                    .color(p.text),
                );
                if let IndexState::Ready(info) = app.index {
                    ui.label(
                        RichText::new(format!("数据更新至 {}", info.built_at.format("%Y-%m-%d")))
                            .size(s.body)
                            .color(p.muted),
                    );
                }
            });
            ui.horizontal_wrapped(|ui| {
                if app.visit.screen != Screen::Home
                    && widgets::button(ui, &theme, "返回首页").clicked()
                {
                    out.push(Action::GoHome);
                }
                let elderly = if theme.elderly {
                    "长辈模式：已开启"
                } else {
                    "长辈模式：未开启"
                };
                if widgets::chip(ui, &theme, elderly, theme.elderly).clicked() {
                    out.push(Action::ToggleElderly);
                }
                let contrast = if theme.high_contrast {
                    "高对比度：已开启"
                } else {
                    "高对比度：未开启"
                };
                if widgets::chip(ui, &theme, contrast, theme.high_contrast).clicked() {
                    out.push(Action::ToggleContrast);
                }
                let read = if app.visit.read_aloud {
                    "读屏：已开启"
                } else {
                    "读屏：未开启"
                };
                if widgets::chip(ui, &theme, read, app.visit.read_aloud).clicked() {
                    out.push(Action::ToggleReadAloud);
                }
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
