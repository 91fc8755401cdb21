//! The header, the home screen with its tiles, the result list (typed search or browsing) with
//! the on-screen keyboard and facet chips, and the idle warning.

use super::app::{IndexState, KioskApp, Screen};
use super::theme::Theme;
use super::widgets;
use crate::catalog::Kind;
use crate::search::facets::{Dim, Filter};
use crate::search::query::Sort;
use crate::search::Hit;
use egui::{RichText, Vec2};
use std::time::{Duration, Instant};

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// The bar on every screen: hall name (five taps open the staff PIN pad), date and time, the
/// data date, the display switches and the way home.
pub fn header(app: &mut KioskApp, ui: &mut egui::Ui, now: Instant) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::Panel::top("header")
        .frame(egui::Frame::new().fill(p.panel).inner_margin(12.0))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let hall = egui::Label::new(
                    RichText::new(&app.settings.hall_name)
                        .size(s.heading)
                        .strong()
                        .color(p.accent),
                )
                .sense(egui::Sense::click());
                if ui.add(hall).clicked() {
                    app.hall_tapped(now);
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
                if let IndexState::Ready(info) = &app.index {
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
                    app.go_home();
                }
                let elderly = if theme.elderly {
                    "长辈模式：已开启"
                } else {
                    "长辈模式：未开启"
                };
                if widgets::chip(ui, &theme, elderly, theme.elderly).clicked() {
                    app.visit.theme.elderly = !theme.elderly;
                }
                let contrast = if theme.high_contrast {
                    "高对比度：已开启"
                } else {
                    "高对比度：未开启"
                };
                if widgets::chip(ui, &theme, contrast, theme.high_contrast).clicked() {
                    app.visit.theme.high_contrast = !theme.high_contrast;
                }
            });
        });
}

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

pub fn home(app: &mut KioskApp, ui: &mut egui::Ui) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("home", app.visit_no))
            .show(ui, |ui| {
                if let IndexState::Failed(msg) = &app.index {
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
                    app.start_search();
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
                    open_tile(app, i);
                }
                ui.add_space(s.body);
                browse_areas(app, ui, &theme);
            });
    });
}

fn open_tile(app: &mut KioskApp, i: usize) {
    let (name, _, tile) = &TILES[i];
    let kind_filter = |k: &Kind| {
        vec![Filter {
            dim: Dim::Kind,
            value: k.label().to_string(),
        }]
    };
    match tile {
        Tile::Kind(k) => app.browse(name, kind_filter(k)),
        Tile::Preset(q, k) => app.preset(q, kind_filter(k)),
        Tile::Request => app.open_request_form(None),
    }
}

/// 「按领域浏览」: the areas of the catalogue with their record counts.
fn browse_areas(app: &mut KioskApp, ui: &mut egui::Ui, theme: &Theme) {
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
        app.browse(
            &area,
            vec![Filter {
                dim: Dim::Area,
                value: area.clone(),
            }],
        );
    }
}

/// The result list, with the keyboard when searching.
pub fn list(app: &mut KioskApp, ui: &mut egui::Ui) {
    let theme = app.visit.theme;
    let p = theme.palette();
    let searching = app.visit.list.browse.is_none();
    if searching && app.visit.keyboard_open {
        let mut key = None;
        egui::Panel::bottom(("keyboard", app.visit_no))
            .frame(egui::Frame::new().fill(p.panel).inner_margin(10.0))
            .show(ui, |ui| {
                key = app
                    .visit
                    .keyboard
                    .show(ui, &theme, &app.visit.candidates, "搜索");
            });
        if let Some(k) = key {
            app.key(k);
        }
    }
    // Landscape: the filters in a column on the left, the results beside them. Portrait: the
    // filters above the results, folded away while the keyboard is open.
    let landscape = ui.available_width() > ui.available_height() * 1.2;
    let has_results = app
        .visit
        .list
        .results
        .as_ref()
        .is_some_and(|r| !r.hits.is_empty());
    if landscape && has_results {
        let width = if theme.elderly { 470.0 } else { 400.0 };
        egui::Panel::left(("facets", app.visit_no))
            .exact_size(width)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt(("facet-scroll", app.visit_no))
                    .show(ui, |ui| facet_chips(app, ui));
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if searching {
            query_line(app, ui);
        } else if let Some(heading) = app.visit.list.browse.clone() {
            widgets::heading(ui, &theme, &heading);
        }
        if !landscape && !app.visit.keyboard_open {
            facet_chips(app, ui);
        }
        result_body(app, ui);
    });
}

/// The query as typed, the pending pinyin underlined, and the keyboard's switch.
fn query_line(app: &mut KioskApp, ui: &mut egui::Ui) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("查询内容").size(s.title).color(p.text));
        let frame = egui::Frame::new()
            .fill(p.background)
            .stroke(egui::Stroke::new(3.0, p.accent))
            .inner_margin(10.0);
        frame.show(ui, |ui| {
            ui.set_min_size(Vec2::new(
                (ui.available_width() - s.target * 5.0).max(200.0),
                s.target - 20.0,
            ));
            let mut job = egui::text::LayoutJob::default();
            let format = egui::TextFormat {
                font_id: egui::FontId::proportional(s.title),
                color: p.text,
                ..Default::default()
            };
            job.append(&app.visit.query, 0.0, format.clone());
            job.append(
                &app.visit.keyboard.pinyin,
                0.0,
                egui::TextFormat {
                    underline: egui::Stroke::new(2.0, p.accent),
                    color: p.accent,
                    ..format
                },
            );
            if job.text.is_empty() {
                ui.label(
                    RichText::new("请用下方键盘输入")
                        .size(s.title)
                        .color(p.muted),
                )
                .labelled_by(label.id);
            } else {
                ui.label(job).labelled_by(label.id);
            }
        });
        let toggle = if app.visit.keyboard_open {
            "收起键盘"
        } else {
            "打开键盘"
        };
        if widgets::button(ui, &theme, toggle).clicked() {
            app.visit.keyboard_open = !app.visit.keyboard_open;
        }
    });
    if !app.visit.suggestions.is_empty() {
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            widgets::muted(ui, &theme, "您可能要找：");
            for sug in &app.visit.suggestions {
                if widgets::chip(ui, &theme, sug, false).clicked() {
                    chosen = Some(sug.clone());
                }
            }
        });
        if let Some(q) = chosen {
            app.set_query(&q);
        }
    }
}

/// Kind, area, validity and year chips with their counts, and the order.
fn facet_chips(app: &mut KioskApp, ui: &mut egui::Ui) {
    let theme = app.visit.theme;
    let Some(results) = &app.visit.list.results else {
        return;
    };
    let filters = app.visit.list.filters.clone();
    let mut toggled = None;
    let mut sort = None;
    for dim in [Dim::Kind, Dim::Area, Dim::Validity, Dim::Year] {
        let mut values: Vec<(String, usize)> =
            results.facets.get(&dim).cloned().unwrap_or_default();
        let chosen: Vec<&Filter> = filters.iter().filter(|f| f.dim == dim).collect();
        // A chosen value stays visible (to drop it) even when the counts no longer list it.
        for f in &chosen {
            if !values.iter().any(|(v, _)| v == &f.value) {
                values.insert(0, (f.value.clone(), 0));
            }
        }
        if values.len() < 2 && chosen.is_empty() {
            continue;
        }
        let limit = if dim == Dim::Area || dim == Dim::Year {
            8
        } else {
            6
        };
        widgets::muted(ui, &theme, &format!("{}：", dim.label()));
        ui.horizontal_wrapped(|ui| {
            for (value, count) in values.iter().take(limit) {
                let selected = chosen.iter().any(|f| &f.value == value);
                if widgets::chip(ui, &theme, &format!("{value}（{count}）"), selected).clicked() {
                    toggled = Some((dim, value.clone()));
                }
            }
        });
    }
    if app.visit.list.browse.is_none() {
        widgets::muted(ui, &theme, "排序：");
        ui.horizontal_wrapped(|ui| {
            let current = app.visit.list.sort;
            if widgets::chip(ui, &theme, "按相关程度", current == Sort::Relevance).clicked() {
                sort = Some(Sort::Relevance);
            }
            if widgets::chip(ui, &theme, "按发布日期", current == Sort::Newest).clicked() {
                sort = Some(Sort::Newest);
            }
        });
    }
    if let Some((dim, value)) = toggled {
        app.toggle_filter(dim, &value);
    }
    if let Some(s) = sort {
        app.set_sort(s);
    }
}

/// The hits, or an honest sentence when there are none.
fn result_body(app: &mut KioskApp, ui: &mut egui::Ui) {
    let theme = app.visit.theme;
    match &app.index {
        IndexState::Loading => {
            widgets::body(ui, &theme, "正在准备资料库，请稍候……");
            return;
        }
        IndexState::Failed(msg) => {
            widgets::warning(ui, &theme, msg);
            return;
        }
        IndexState::Ready(_) => {}
    }
    let list = &app.visit.list;
    if list.failed {
        widgets::warning(ui, &theme, "查询暂时未能完成，请稍后再试或咨询工作人员。");
    }
    let query = app.visit.keyboard.preview(&app.visit.query);
    if list.browse.is_none() && query.trim().is_empty() {
        widgets::muted(
            ui,
            &theme,
            "可查询政府信息公开、办事指南和法律法规。输入拼音时，可点选上方候选字词。",
        );
        return;
    }
    let Some(results) = &list.results else {
        widgets::muted(ui, &theme, "正在查询……");
        return;
    };
    let mut set_query = None;
    if let Some(fixed) = &list.corrected {
        widgets::body(
            ui,
            &theme,
            &format!("没有找到与“{query}”相关的内容，以下是“{fixed}”的结果。"),
        );
    } else if let Some(sug) = &results.suggestion {
        ui.horizontal_wrapped(|ui| {
            widgets::body(ui, &theme, "您是不是要找：");
            if widgets::chip(ui, &theme, sug, false).clicked() {
                set_query = Some(sug.clone());
            }
        });
    }
    if let Some(c) = &results.converted {
        widgets::muted(ui, &theme, &format!("已按拼音理解为：{c}"));
    }
    if results.partial {
        widgets::body(ui, &theme, crate::desk::search::PARTIAL_HEADING);
    }
    let mut open = None;
    let mut request = false;
    if results.hits.is_empty() {
        widgets::body(
            ui,
            &theme,
            "没有找到相关内容。请换一个词再试，或到服务窗口咨询；如需获取未公开的政府信息，可以提出政府信息公开申请。",
        );
        if !list.alternatives.is_empty() {
            ui.horizontal_wrapped(|ui| {
                widgets::body(ui, &theme, "您可以试试：");
                for alt in &list.alternatives {
                    if widgets::chip(ui, &theme, alt, false).clicked() {
                        set_query = Some(alt.clone());
                    }
                }
            });
        }
        request = widgets::button(ui, &theme, "填写政府信息公开申请").clicked();
    } else {
        let shown = results.hits.len();
        let total = results.total;
        let count = if results.more {
            format!("相关结果较多，按相关程度显示前 {shown} 条")
        } else if total > shown {
            format!("共找到 {total} 条结果，显示前 {shown} 条")
        } else {
            format!("共找到 {total} 条结果")
        };
        widgets::muted(ui, &theme, &count);
        egui::ScrollArea::vertical()
            .id_salt(("results", app.visit_no, list.browse.is_some()))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for hit in &results.hits {
                    if hit_row(ui, &theme, hit) {
                        open = Some(hit.clone());
                    }
                }
            });
    }
    if let Some(q) = set_query {
        app.set_query(&q);
    }
    if let Some(hit) = open {
        app.open(hit);
    }
    if request {
        app.open_request_form(None);
    }
}

/// One hit: highlighted title (tap to open), 文号, issuer, date, validity in words, snippet.
fn hit_row(ui: &mut egui::Ui, theme: &Theme, hit: &Hit) -> bool {
    let s = theme.sizes();
    let p = theme.palette();
    let mut clicked = false;
    egui::Frame::new()
        .fill(p.panel)
        .inner_margin(14.0)
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let title = widgets::highlighted(theme, &hit.title_marked, s.title, p.text);
            let b = egui::Button::new(title)
                .frame(false)
                .wrap()
                .min_size(Vec2::new(0.0, s.target));
            clicked |= ui.add(b).clicked();
            let mut meta = vec![hit.kind.label().to_string()];
            meta.extend(hit.doc_number.clone());
            meta.extend(hit.issuer.clone());
            meta.extend(hit.date.map(|d| d.format("%Y-%m-%d").to_string()));
            // The badge carries its word; colour is only a second cue.
            let colour = if hit.validity.is_current() {
                p.text
            } else {
                p.accent
            };
            let mut line =
                widgets::body_job(theme, &format!("【{}】", hit.validity.label()), colour);
            let mut rest = line.sections[0].format.clone();
            rest.color = p.muted;
            line.append(&format!(" {}", meta.join("  ·  ")), 0.0, rest);
            ui.label(line);
            let flowing = crate::search::query::Highlighted {
                text: hit.snippet_marked.text.replace('\n', " "),
                highlights: hit.snippet_marked.highlights.clone(),
            };
            ui.label(widgets::highlighted(theme, &flowing, s.body, p.muted));
            clicked |= widgets::button(ui, theme, "查看详情").clicked();
        });
    ui.add_space(8.0);
    clicked
}

/// The idle warning: a countdown and one large 「继续使用」. Returns whether it was tapped.
pub fn idle_warning(app: &KioskApp, ctx: &egui::Context, remaining: Duration) -> bool {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    let mut keep = false;
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
                            keep = ui.add(b).clicked();
                        });
                });
            });
        });
    keep
}
