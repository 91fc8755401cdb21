//! The home screen: the search line, the tiles, and the areas of the catalogue.

use crate::catalog::Kind;
use crate::search::facets::{Dim, Filter};
use crate::ui::action::Action;
use crate::ui::icons::{self, Icon};
use crate::ui::layout::Shape;
use crate::ui::state::{IndexState, View};
use crate::ui::theme::Theme;
use crate::ui::widgets;
use egui::Vec2;

/// A home tile: what it opens.
enum Tile {
    /// Every record of a kind.
    Kind(Kind),
    /// Records of an area (of `areas.toml`) within a kind.
    Area(&'static str, Kind),
    Request,
}

const TILES: [(Icon, &str, &str, Tile); 6] = [
    (
        Icon::Document,
        "政府信息公开",
        "通知公告、规范性文件、工作动态",
        Tile::Kind(Kind::GovernmentInfo),
    ),
    (
        Icon::Guide,
        "办事指南（办事一本通）",
        "办理条件、所需材料、办理时限",
        Tile::Kind(Kind::ServiceGuide),
    ),
    (
        Icon::Law,
        "法律法规",
        "法律、行政法规、地方性法规",
        Tile::Kind(Kind::Law),
    ),
    (
        Icon::Explain,
        "政策解读",
        "政策文件的解读与问答",
        Tile::Area("政策解读", Kind::GovernmentInfo),
    ),
    (
        Icon::Apply,
        "依申请公开",
        "填写政府信息公开申请，查询办理进度",
        Tile::Request,
    ),
    (
        Icon::Village,
        "村（居）务公开",
        "村务、居务、财务公开信息",
        Tile::Area("村（居）务公开", Kind::GovernmentInfo),
    ),
];

/// How many records a tile leads to (`None`: not a list, the request form).
fn tile_count(app: &View, tile: &Tile) -> Option<usize> {
    let count = |dim: Dim, value: &str| {
        app.catalogue
            .get(&dim)
            .and_then(|v| v.iter().find(|(name, _)| name == value))
            .map_or(0, |(_, n)| *n)
    };
    match tile {
        Tile::Kind(k) => Some(count(Dim::Kind, k.label())),
        Tile::Area(area, _) => Some(count(Dim::Area, area)),
        Tile::Request => None,
    }
}

pub fn home(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let shape = Shape::of(ui);
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::paged_scroll(ui, &theme, ("home", app.visit_no), |ui| {
            if let IndexState::Failed(msg) = app.index {
                widgets::warning(ui, &theme, msg);
            }
            if let IndexState::Loading = app.index {
                widgets::preparing(ui, &theme, app.progress);
            }
            // The search line: one tap opens the keyboard.
            let search = icons::button(
                ui,
                &theme,
                Icon::Search,
                "点此输入查询内容（可用拼音、首字母或文号）",
                false,
                Vec2::new(ui.available_width(), s.target * 1.4),
            );
            if search.clicked() {
                out.push(Action::StartSearch);
            }
            ui.add_space(s.body);
            let columns = shape.tile_columns();
            let rows = TILES.len().div_ceil(columns) as f32;
            let gap = 16.0;
            let tile_w = (ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32;
            // The tiles take the height the screen has (the areas below keep a third of it).
            let room = (ui.available_height() * 0.68 - gap * (rows - 1.0)) / rows;
            let tile_h = room.clamp(s.heading * 3.4, s.heading * 6.0);
            egui::Grid::new("tiles")
                .spacing(Vec2::splat(gap))
                .show(ui, |ui| {
                    for (i, (icon, name, hint, tile)) in TILES.iter().enumerate() {
                        // While the first index is built nothing is counted yet: 「暂无信息」
                        // would tell a visitor the column is empty.
                        let count = tile_count(app, tile);
                        let count_line = match (count, &app.index) {
                            (None, _) => "在线填写".to_string(),
                            (Some(_), IndexState::Loading) => "正在准备".to_string(),
                            (Some(0), _) => "暂无信息".to_string(),
                            (Some(n), _) => format!("共 {n} 条"),
                        };
                        let size = Vec2::new(tile_w, tile_h);
                        let face = (*icon, *name, *hint);
                        if home_tile(ui, &theme, face, &count_line, size).clicked() {
                            out.push(open_tile(i, count));
                        }
                        if (i + 1) % columns == 0 {
                            ui.end_row();
                        }
                    }
                });
            if let Some(name) = &app.visit.empty_tile {
                ui.add_space(8.0);
                widgets::warning(
                    ui,
                    &theme,
                    &format!(
                        "「{name}」栏目暂无已公开的信息。您可以输入关键词查询，或到服务窗口咨询。"
                    ),
                );
            }
            ui.add_space(s.body);
            browse_areas(app, ui, &theme, out);
        });
    });
}

/// One tile: pictogram, name, hint and how many records it holds (or that it holds none).
/// Drawn by hand so the whole card is one button; it shows as pressed while touched.
fn home_tile(
    ui: &mut egui::Ui,
    theme: &Theme,
    (icon, name, hint): (Icon, &str, &str),
    count_line: &str,
    size: Vec2,
) -> egui::Response {
    let s = theme.sizes();
    let p = theme.palette();
    let icon_side = (size.y * 0.42).min(s.heading * 2.2);
    let text_w = (size.x - icon_side - 56.0).max(40.0);
    let fonts = ui.painter().clone();
    let galley = |fg: egui::Color32, sub: egui::Color32, accent: egui::Color32| {
        let mut job = egui::text::LayoutJob::default();
        let format = |size: f32, color: egui::Color32| egui::TextFormat {
            font_id: egui::FontId::proportional(size),
            color,
            line_height: Some(size * s.line_spacing),
            ..Default::default()
        };
        job.append(name, 0.0, format(s.heading, fg));
        job.append(&format!("\n{hint}"), 0.0, format(s.body, sub));
        job.append(&format!("\n{count_line}"), 0.0, format(s.body, accent));
        job.wrap.max_width = text_w;
        fonts.layout_job(job)
    };
    // A tile grows to its words where the column is narrow (portrait, elderly mode).
    let probe = galley(p.text, p.muted, p.accent);
    let size = Vec2::new(size.x, size.y.max(probe.size().y + 24.0));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    // Read out as it is seen: name, hint and count.
    let label = format!("{name}\n{hint}\n{count_line}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let pressed = response.is_pointer_button_down_on();
    let (bg, fg, sub) = if pressed {
        (p.selected_bg, p.selected_text, p.selected_text)
    } else {
        (p.background, p.text, p.muted)
    };
    let painter = ui.painter();
    painter.rect(
        rect,
        10.0,
        bg,
        egui::Stroke::new(3.0, p.accent),
        egui::StrokeKind::Inside,
    );
    let icon_rect = egui::Rect::from_min_size(
        rect.min + Vec2::new(20.0, (rect.height() - icon_side) / 2.0),
        Vec2::splat(icon_side),
    );
    icons::paint(
        painter,
        icon_rect,
        icon,
        if pressed { fg } else { p.accent },
    );
    let text_x = icon_rect.max.x + 20.0;
    let galley = if pressed { galley(fg, sub, fg) } else { probe };
    let top = rect.center().y - galley.size().y / 2.0;
    ui.painter()
        .galley(egui::pos2(text_x, top.max(rect.min.y + 4.0)), galley, fg);
    response
}

fn open_tile(i: usize, count: Option<usize>) -> Action {
    let (_, name, _, tile) = &TILES[i];
    if count == Some(0) {
        return Action::EmptyTile(name.to_string());
    }
    let filter = |dim: Dim, value: &str| Filter {
        dim,
        value: value.to_string(),
    };
    match tile {
        Tile::Kind(k) => Action::Browse {
            heading: name.to_string(),
            filters: vec![filter(Dim::Kind, k.label())],
        },
        Tile::Area(area, k) => Action::Browse {
            heading: name.to_string(),
            filters: vec![filter(Dim::Kind, k.label()), filter(Dim::Area, area)],
        },
        Tile::Request => Action::RequestForm(None),
    }
}

/// 「按领域浏览」: the areas of the catalogue with their record counts.
fn browse_areas(app: &View, ui: &mut egui::Ui, theme: &Theme, out: &mut Vec<Action>) {
    let areas = app.catalogue.get(&Dim::Area).cloned().unwrap_or_default();
    if areas.is_empty() {
        return;
    }
    widgets::title(ui, theme, "按领域浏览");
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        for (area, count) in &areas {
            if widgets::chip(ui, theme, &format!("{area}（{count}）"), false).clicked() {
                chosen = Some(area.clone());
            }
        }
    });
    if let Some(area) = chosen {
        out.push(Action::Browse {
            heading: area.clone(),
            filters: vec![Filter {
                dim: Dim::Area,
                value: area,
            }],
        });
    }
}
