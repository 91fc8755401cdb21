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

/// A button as wide as the space there is, its words at the left and wrapped within it (a long title in a
/// 目录 or the 「现行版本：《…》」 of a superseded record), at least the theme's target high.
pub fn wide_button(ui: &mut egui::Ui, theme: &Theme, text: &str) -> Response {
    let s = theme.sizes();
    let p = theme.palette();
    let width = ui.available_width();
    let words = RichText::new(text).size(s.title).color(p.button_text);
    // The words at the left, the rest of the width after them.
    ui.add(
        egui::Button::new((words, egui::Atom::grow()))
            .fill(p.button_bg)
            .wrap()
            .min_size(Vec2::new(width, s.target)),
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

/// 「正在准备资料」 with a bar of how far the build has come: sources read, then records
/// written into the index (the count is the build's own), then the last step in words.
pub fn preparing(ui: &mut egui::Ui, theme: &Theme, progress: Option<crate::pipeline::Progress>) {
    use crate::pipeline::Progress;
    let s = theme.sizes();
    let p = theme.palette();
    body(ui, theme, "正在准备资料，请稍候……");
    let (fraction, words) = match progress {
        None => return,
        Some(Progress::Reading { done, total }) => (
            done as f32 / total.max(1) as f32,
            format!("正在读取数据源（{done} / {total}）"),
        ),
        Some(Progress::Indexing { done, total }) => (
            done as f32 / total.max(1) as f32,
            format!("已整理 {done} / {total} 条"),
        ),
        Some(Progress::Finishing) => (1.0, "全部条目已整理，正在建立检索目录……".to_string()),
    };
    // The words above the bar in the text colour (on the bar they would be unreadable where it
    // is not yet filled); the bar itself carries them for screen readers, with its percentage.
    let width = ui.available_width().min(900.0);
    let galley = ui
        .painter()
        .layout(words.clone(), FontId::proportional(s.body), p.text, width);
    let (_, rect) = ui.allocate_space(galley.size());
    ui.painter().galley(rect.min, galley, p.text);
    let bar = ui.add(
        egui::ProgressBar::new(fraction)
            .desired_height(s.target * 0.5)
            .desired_width(width)
            .fill(p.selected_bg),
    );
    bar.widget_info(|| {
        let mut info = egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &words);
        info.value = Some((f64::from(fraction) * 100.0).floor());
        info
    });
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

/// What a paged scroll area remembers between frames: where it stood and how much it showed.
#[derive(Debug, Clone, Copy, Default)]
struct PagedScroll {
    offset: f32,
    viewport: f32,
    content: f32,
    /// A 上一屏/下一屏 tap to apply this frame.
    jump: Option<f32>,
}

/// A vertical scroll area for touch: a finger drag scrolls (labels are not selectable, so a
/// drag never selects text), and when the content is longer than the screen, large 上一屏 and
/// 下一屏 buttons with 「第 n / m 屏」 move it a screen at a time.
pub fn paged_scroll<R>(
    ui: &mut egui::Ui,
    theme: &Theme,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    let id = ui.make_persistent_id(id_salt);
    let mut state: PagedScroll = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    if state.content > state.viewport + 1.0 && state.viewport > 0.0 {
        let step = state.viewport * 0.9;
        let max = state.content - state.viewport;
        let screens = (max / step).ceil() as usize + 1;
        let at = ((state.offset / step).round() as usize + 1).min(screens);
        ui.horizontal_wrapped(|ui| {
            let up = super::icons::button(
                ui,
                theme,
                super::icons::Icon::PageUp,
                "上一屏",
                false,
                Vec2::ZERO,
            );
            if up.clicked() {
                state.jump = Some((state.offset - step).max(0.0));
            }
            ui.label(RichText::new(format!("第 {at} / {screens} 屏")).size(theme.sizes().body));
            let down = super::icons::button(
                ui,
                theme,
                super::icons::Icon::PageDown,
                "下一屏",
                false,
                Vec2::ZERO,
            );
            if down.clicked() {
                state.jump = Some((state.offset + step).min(max));
            }
        });
    }
    let mut area = egui::ScrollArea::vertical()
        .id_salt(id)
        .auto_shrink([false, false]);
    if let Some(y) = state.jump.take() {
        area = area.vertical_scroll_offset(y);
    }
    let output = area.show(ui, |ui| {
        // The content ends where the visible part does (egui leaves the scroll bar's margin
        // inside the content width), so nothing is cut at the right.
        let visible = ui.clip_rect().max.x - ui.max_rect().min.x;
        ui.set_max_width(ui.available_width().min(visible));
        add(ui)
    });
    state.offset = output.state.clamped_offset().y;
    state.viewport = output.inner_rect.height();
    state.content = output.content_size.y;
    ui.data_mut(|d| d.insert_temp(id, state));
    output.inner
}
