//! The fixed bar at the bottom of every screen: 返回, 首页, the display switches and 读屏, in the same
//! place on every screen and within reach of a hand at a standing terminal.

use crate::ui::action::Action;
use crate::ui::icons::{self, Icon};
use crate::ui::state::{Screen, View};
use egui::Vec2;

/// One button of the bar: icon, words, whether it shows as pressed, what it asks for.
type Item = (Icon, &'static str, bool, Action);

fn items(app: &View) -> Vec<Item> {
    let theme = app.visit.theme;
    let mut items = Vec::new();
    if app.visit.screen != Screen::Home {
        items.push((Icon::Back, "返回", false, Action::Back));
        items.push((Icon::Home, "首页", false, Action::GoHome));
    }
    items.push((
        Icon::LargeText,
        "长辈模式",
        theme.elderly,
        Action::ToggleElderly,
    ));
    items.push((
        Icon::Contrast,
        "高对比度",
        theme.high_contrast,
        Action::ToggleContrast,
    ));
    items.push((
        Icon::Speaker,
        "读屏",
        app.visit.read_aloud,
        Action::ToggleReadAloud,
    ));
    items
}

/// Draws the bar; call it before the screen's own panels so it stays at the very bottom.
pub fn bottom_bar(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::Panel::bottom("bottom-bar")
        .frame(egui::Frame::new().fill(p.panel).inner_margin(10.0))
        .show(ui, |ui| {
            let items = items(app);
            let gap = ui.spacing().item_spacing.x;
            let n = items.len() as f32;
            let width = ((ui.available_width() - gap * (n - 1.0)) / n).min(s.target * 5.0);
            ui.horizontal(|ui| {
                for (icon, text, selected, action) in items {
                    let min = Vec2::new(width, s.target);
                    if icons::button(ui, &theme, icon, text, selected, min).clicked() {
                        out.push(action);
                    }
                }
            });
        });
}
