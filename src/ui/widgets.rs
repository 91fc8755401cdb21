//! Small drawing helpers shared by the screens: buttons and chips at touch size, labels in the
//! theme's sizes, highlighted text.

use super::theme::Theme;
use crate::search::query::Highlighted;
use egui::text::LayoutJob;
use egui::{Color32, FontId, Response, RichText, TextFormat, Vec2};

/// A button at least the theme's target size, text in the title size.
pub fn button(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    let s = theme.sizes();
    let p = theme.palette();
    ui.add(
        egui::Button::new(RichText::new(text).size(s.title).color(p.button_text))
            .fill(p.button_bg)
            .min_size(Vec2::new(s.target * 1.5, s.target)),
    )
}

/// The main action of a screen: filled with the accent colour.
pub fn primary_button(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    let s = theme.sizes();
    let p = theme.palette();
    ui.add(
        egui::Button::new(RichText::new(text).size(s.title).color(p.selected_text))
            .fill(p.selected_bg)
            .min_size(Vec2::new(s.target * 2.0, s.target)),
    )
}

/// A filter chip: `label（count）`, marked 「已选」 in words when chosen (never colour alone).
pub fn chip(ui: &mut egui::Ui, theme: &Theme, label: &str, selected: bool) -> Response {
    let s = theme.sizes();
    let p = theme.palette();
    let (text, fg, bg) = if selected {
        (format!("已选：{label}"), p.selected_text, p.selected_bg)
    } else {
        (label.to_string(), p.button_text, p.button_bg)
    };
    ui.add(
        egui::Button::new(RichText::new(text).size(s.body).color(fg))
            .fill(bg)
            .min_size(Vec2::new(s.target, s.target)),
    )
}

pub fn heading(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    let p = theme.palette();
    ui.label(
        RichText::new(text)
            .size(theme.sizes().heading)
            .strong()
            .color(p.accent),
    )
}

pub fn title(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    ui.label(
        RichText::new(text)
            .size(theme.sizes().title)
            .strong()
            .color(theme.palette().text),
    )
}

pub fn body(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    ui.label(body_job(theme, text, theme.palette().text))
}

pub fn muted(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    ui.label(body_job(theme, text, theme.palette().muted))
}

/// A warning in words and colour: 「！」 first, so it reads as a warning without colour.
pub fn warning(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    ui.label(body_job(
        theme,
        &format!("！{text}"),
        theme.palette().accent,
    ))
}

/// Body text with the theme's line spacing, wrapped to the available width.
pub fn body_job(theme: &Theme, text: &str, colour: Color32) -> LayoutJob {
    let s = theme.sizes();
    let mut job = LayoutJob::single_section(
        text.to_string(),
        TextFormat {
            font_id: FontId::proportional(s.body),
            color: colour,
            line_height: Some(s.body * s.line_spacing),
            ..Default::default()
        },
    );
    job.wrap.max_width = f32::INFINITY;
    job
}

/// Text with highlighted ranges (query words) on the mark colour.
pub fn highlighted(theme: &Theme, h: &Highlighted, size: f32, colour: Color32) -> LayoutJob {
    let s = theme.sizes();
    let p = theme.palette();
    let mut job = LayoutJob::default();
    let plain = TextFormat {
        font_id: FontId::proportional(size),
        color: colour,
        line_height: Some(size * s.line_spacing),
        ..Default::default()
    };
    let marked = TextFormat {
        background: p.mark_bg,
        color: p.mark_text,
        ..plain.clone()
    };
    let mut at = 0;
    for r in &h.highlights {
        if r.start < at
            || r.end > h.text.len()
            || !h.text.is_char_boundary(r.start)
            || !h.text.is_char_boundary(r.end)
        {
            continue;
        }
        job.append(&h.text[at..r.start], 0.0, plain.clone());
        job.append(&h.text[r.clone()], 0.0, marked.clone());
        at = r.end;
    }
    job.append(&h.text[at..], 0.0, plain);
    job.wrap.max_width = f32::INFINITY;
    job
}
