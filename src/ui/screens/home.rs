//! The home screen: the search line, the tiles, and the areas of the catalogue.

use crate::catalog::Kind;
use crate::search::facets::{Dim, Filter};
use crate::ui::action::Action;
use crate::ui::state::{IndexState, View};
use crate::ui::theme::Theme;
use crate::ui::widgets;
use egui::{RichText, Vec2};

/// A home tile: what it opens.
enum Tile {
    Kind(Kind),
    Preset(&'static str, Kind),
    Request,
}

const TILES: [(&str, &str, Tile); 6] = [
    (
        "政府信息公开",
        "通知公告、规范性文件、工作动态",
        Tile::Kind(Kind::GovernmentInfo),
    ),
    (
        "办事指南（办事一本通）",
        "办理条件、所需材料、办理时限",
        Tile::Kind(Kind::ServiceGuide),
    ),
    (
        "法律法规",
        "法律、行政法规、地方性法规",
        Tile::Kind(Kind::Law),
    ),
    (
        "政策解读",
        "政策文件的解读与问答",
        Tile::Preset("政策解读", Kind::GovernmentInfo),
    ),
    (
        "依申请公开",
        "填写政府信息公开申请，查询办理进度",
        Tile::Request,
    ),
    (
        "村（居）务公开",
        "村务、居务、财务公开信息",
        Tile::Preset("村务公开 居务公开", Kind::GovernmentInfo),
    ),
];

pub fn home(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("home", app.visit_no))
            .show(ui, |ui| {
                if let IndexState::Failed(msg) = app.index {
                    widgets::warning(ui, &theme, msg);
                }
                // The search line: one tap opens the keyboard.
                let search = egui::Button::new(
                    RichText::new("点此输入查询内容（可用拼音、首字母或文号）")
                        .size(s.title)
                        .color(p.muted),
                )
                .fill(p.background)
                .stroke(egui::Stroke::new(3.0, p.accent))
                .min_size(Vec2::new(ui.available_width(), s.target * 1.4));
                if ui.add(search).clicked() {
                    out.push(Action::StartSearch);
                }
                ui.add_space(s.body);
                let columns = if ui.available_width() > 1400.0 { 3 } else { 2 };
                let gap = 16.0;
                let tile_w = (ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32;
                let tile_h = s.heading * 3.6;
                let mut chosen = None;
                egui::Grid::new("tiles")
                    .spacing(Vec2::splat(gap))
                    .show(ui, |ui| {
                        for (i, (name, hint, _)) in TILES.iter().enumerate() {
                            let text = format!("{name}\n{hint}");
                            let mut job = egui::text::LayoutJob::default();
                            job.append(
                                name,
                                0.0,
                                egui::TextFormat {
                                    font_id: egui::FontId::proportional(s.heading),
                                    color: p.selected_text,
                                    ..Default::default()
                                },
                            );
                            job.append(
                                &format!("\n{hint}"),
                                0.0,
                                egui::TextFormat {
                                    font_id: egui::FontId::proportional(s.body),
                                    color: p.selected_text,
                                    line_height: Some(s.body * s.line_spacing),
                                    ..Default::default()
                                },
                            );
                            debug_assert_eq!(job.text, text);
                            let tile = egui::Button::new(job)
                                .fill(p.selected_bg)
                                .min_size(Vec2::new(tile_w, tile_h));
                            if ui.add(tile).clicked() {
                                chosen = Some(i);
                            }
                            if (i + 1) % columns == 0 {
                                ui.end_row();
                            }
                        }
                    });
                if let Some(i) = chosen {
                    out.push(open_tile(i));
                }
                ui.add_space(s.body);
                browse_areas(app, ui, &theme, out);
            });
    });
}

fn open_tile(i: usize) -> Action {
    let (name, _, tile) = &TILES[i];
    let kind_filter = |k: &Kind| {
        vec![Filter {
            dim: Dim::Kind,
            value: k.label().to_string(),
        }]
    };
    match tile {
        Tile::Kind(k) => Action::Browse {
            heading: name.to_string(),
            filters: kind_filter(k),
        },
        Tile::Preset(q, k) => Action::Preset {
            query: q.to_string(),
            filters: kind_filter(k),
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
