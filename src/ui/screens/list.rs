//! The result list (typed search or browsing) with the on-screen keyboard and facet chips.

use crate::search::facets::{Dim, Filter};
use crate::search::query::{SearchResults, Sort};
use crate::search::Hit;
use crate::ui::action::Action;
use crate::ui::layout::{keyboard_panel, side_keyboard, Shape};
use crate::ui::state::{IndexState, View};
use crate::ui::theme::Theme;
use crate::ui::widgets;
use egui::{RichText, Vec2};

/// The result list, with the keyboard when searching.
pub fn list(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let searching = app.visit.list.browse.is_none();
    let shape = Shape::of(ui);
    if searching && app.visit.keyboard_open {
        let mut key = None;
        keyboard_panel(ui, &theme, ("keyboard", app.visit_no), |ui| {
            key = app
                .visit
                .keyboard
                .show(ui, &theme, &app.visit.candidates, "搜索");
        });
        if let Some(k) = key {
            out.push(Action::Key(k));
        }
    }
    // Landscape: the filters in a column on the left, the results beside them. Portrait: the
    // filters above the results, folded away while the keyboard is open.
    let landscape =
        shape.side_columns() && !(side_keyboard(&shape, &theme) && app.visit.keyboard_open);
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
                    .show(ui, |ui| facet_chips(app, ui, out));
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if searching {
            query_line(app, ui, out);
        } else if let Some(heading) = app.visit.list.browse.clone() {
            widgets::heading(ui, &theme, &heading);
        }
        if !landscape && !app.visit.keyboard_open {
            facet_chips(app, ui, out);
        }
        result_body(app, ui, out);
    });
}

/// The query as typed, the pending pinyin underlined, and the keyboard's switch.
fn query_line(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    let s = theme.sizes();
    let p = theme.palette();
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("查询内容").size(s.title).color(p.text));
        // Right to left: the switch keeps its size at the right edge, the query box takes
        // what is left, so the line never runs past its panel.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let toggle = if app.visit.keyboard_open {
                "收起键盘"
            } else {
                "打开键盘"
            };
            if widgets::button(ui, &theme, toggle).clicked() {
                out.push(Action::ToggleKeyboard);
            }
            let frame = egui::Frame::new()
                .fill(p.background)
                .stroke(egui::Stroke::new(3.0, p.accent))
                .inner_margin(10.0);
            frame.show(ui, |ui| {
                ui.set_min_size(Vec2::new(ui.available_width(), s.target - 20.0));
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    query_text(app, ui, label.id);
                });
            });
        });
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
            out.push(Action::SetQuery(q));
        }
    }
}

/// The query as typed, then the pending pinyin underlined, or what to do when both are empty.
fn query_text(app: &View, ui: &mut egui::Ui, label: egui::Id) {
    let s = app.visit.theme.sizes();
    let p = app.visit.theme.palette();
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
    job.wrap.max_width = ui.available_width();
    if job.text.is_empty() {
        ui.label(RichText::new("请用键盘输入").size(s.title).color(p.muted))
            .labelled_by(label);
    } else {
        ui.label(job).labelled_by(label);
    }
}

/// Kind, area, validity and year chips with their counts, and the order.
fn facet_chips(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
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
        out.push(Action::ToggleFilter(dim, value));
    }
    if let Some(s) = sort {
        out.push(Action::SetSort(s));
    }
}

/// The hits, or an honest sentence when there are none.
fn result_body(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    match app.index {
        IndexState::Loading => {
            widgets::preparing(ui, &theme, app.progress);
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
    offers(app, ui, results, &query, out);
    if results.hits.is_empty() {
        nothing_found(app, ui, out);
    } else {
        hit_list(app, ui, results, out);
    }
}

/// What the kiosk says above the hits: the correction searched, 「您是不是要找」, the pinyin
/// reading, partial matches.
fn offers(
    app: &View,
    ui: &mut egui::Ui,
    results: &SearchResults,
    query: &str,
    out: &mut Vec<Action>,
) {
    let theme = app.visit.theme;
    if let Some(fixed) = &app.visit.list.corrected {
        widgets::body(
            ui,
            &theme,
            &format!("没有找到与“{query}”相关的内容，以下是“{fixed}”的结果。"),
        );
    } else if let Some(sug) = &results.suggestion {
        ui.horizontal_wrapped(|ui| {
            widgets::body(ui, &theme, "您是不是要找：");
            if widgets::chip(ui, &theme, sug, false).clicked() {
                out.push(Action::SetQuery(sug.clone()));
            }
        });
    }
    if let Some(c) = &results.converted {
        widgets::muted(ui, &theme, &format!("已按拼音理解为：{c}"));
    }
    if results.partial {
        widgets::body(ui, &theme, crate::desk::search::PARTIAL_HEADING);
    }
}

/// The honest zero: what to do next, shorter queries that find records, the request form.
fn nothing_found(app: &View, ui: &mut egui::Ui, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
    widgets::body(
        ui,
        &theme,
        "没有找到相关内容。请换一个词再试，或到服务窗口咨询；如需获取未公开的政府信息，可以提出政府信息公开申请。",
    );
    if !app.visit.list.alternatives.is_empty() {
        ui.horizontal_wrapped(|ui| {
            widgets::body(ui, &theme, "您可以试试：");
            for alt in &app.visit.list.alternatives {
                if widgets::chip(ui, &theme, alt, false).clicked() {
                    out.push(Action::SetQuery(alt.clone()));
                }
            }
        });
    }
    if widgets::button(ui, &theme, "填写政府信息公开申请").clicked() {
        out.push(Action::RequestForm(None));
    }
}

/// The count and the scrolled hits.
fn hit_list(app: &View, ui: &mut egui::Ui, results: &SearchResults, out: &mut Vec<Action>) {
    let theme = app.visit.theme;
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
    let id = ("results", app.visit_no, app.visit.list.browse.is_some());
    widgets::paged_scroll(ui, &theme, id, |ui| {
        for hit in &results.hits {
            if hit_row(ui, &theme, hit) {
                out.push(Action::Open(hit.clone()));
            }
        }
    });
}

/// One hit: highlighted title, 文号, issuer, date, validity in words, snippet. A tap anywhere
/// on the card opens it.
fn hit_row(ui: &mut egui::Ui, theme: &Theme, hit: &Hit) -> bool {
    let s = theme.sizes();
    let p = theme.palette();
    let mut clicked = false;
    let card = egui::Frame::new()
        .fill(p.panel)
        .inner_margin(14.0)
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let mut title = widgets::highlighted(theme, &hit.title_marked, s.title, p.text);
            // Wrapped to the card: a long title never widens the list past its panel.
            title.wrap.max_width = ui.available_width() - 2.0 * ui.spacing().button_padding.x;
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
    let id = ui.scope_id().with(("card", &hit.source, &hit.id));
    clicked |= ui
        .interact(card.response.rect, id, egui::Sense::click())
        .clicked();
    ui.add_space(8.0);
    clicked
}
