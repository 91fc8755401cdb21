//! Pictogram icons drawn as vector shapes (no icon font, no image files, so no licence to carry
//! and sharp at every size): each is a few strokes on a unit square scaled to its rectangle.
//! Icons only ever accompany words; nothing on screen is told by an icon alone.

use egui::{Color32, Painter, Pos2, Rect, Shape, Stroke, Vec2};

/// The pictograms of the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Home,
    Back,
    Search,
    /// 政府信息公开: a document with lines.
    Document,
    /// 办事指南: a clipboard with a tick.
    Guide,
    /// 法律法规: a balance.
    Law,
    /// 政策解读: a speech bubble.
    Explain,
    /// 依申请公开: a form and a pen.
    Apply,
    /// 村（居）务公开: two houses.
    Village,
    /// 长辈模式: a large and a small 'A'-like glyph (text size).
    LargeText,
    /// 高对比度: a half-filled circle.
    Contrast,
    /// 读屏: a loudspeaker.
    Speaker,
    Printer,
    PageUp,
    PageDown,
}

/// Paints `icon` into `rect` in `colour`.
pub fn paint(painter: &Painter, rect: Rect, icon: Icon, colour: Color32) {
    let side = rect.width().min(rect.height());
    let square = Rect::from_center_size(rect.center(), Vec2::splat(side));
    let at = |x: f32, y: f32| -> Pos2 { square.min + Vec2::new(x, y) * side };
    let stroke = Stroke::new((side * 0.08).max(2.0), colour);
    let line = |pts: &[(f32, f32)]| {
        let points: Vec<Pos2> = pts.iter().map(|&(x, y)| at(x, y)).collect();
        painter.add(Shape::line(points, stroke));
    };
    let frame = |x0: f32, y0: f32, x1: f32, y1: f32| {
        painter.rect_stroke(
            Rect::from_min_max(at(x0, y0), at(x1, y1)),
            side * 0.04,
            stroke,
            egui::StrokeKind::Middle,
        );
    };
    match icon {
        Icon::Home => {
            line(&[(0.1, 0.5), (0.5, 0.12), (0.9, 0.5)]);
            line(&[(0.22, 0.42), (0.22, 0.88), (0.78, 0.88), (0.78, 0.42)]);
            line(&[(0.42, 0.88), (0.42, 0.64), (0.58, 0.64), (0.58, 0.88)]);
        }
        Icon::Back => {
            line(&[(0.85, 0.5), (0.15, 0.5)]);
            line(&[(0.42, 0.22), (0.15, 0.5), (0.42, 0.78)]);
        }
        Icon::Search => {
            painter.circle_stroke(at(0.42, 0.42), side * 0.26, stroke);
            line(&[(0.61, 0.61), (0.88, 0.88)]);
        }
        Icon::Document => {
            line(&[
                (0.22, 0.08),
                (0.62, 0.08),
                (0.8, 0.26),
                (0.8, 0.92),
                (0.22, 0.92),
                (0.22, 0.08),
            ]);
            for y in [0.4, 0.56, 0.72] {
                line(&[(0.34, y), (0.68, y)]);
            }
        }
        Icon::Guide => {
            frame(0.2, 0.14, 0.8, 0.92);
            frame(0.38, 0.06, 0.62, 0.2);
            line(&[(0.32, 0.55), (0.46, 0.7), (0.7, 0.4)]);
        }
        Icon::Law => {
            line(&[(0.5, 0.1), (0.5, 0.88)]);
            line(&[(0.3, 0.88), (0.7, 0.88)]);
            line(&[(0.12, 0.24), (0.88, 0.24)]);
            line(&[(0.12, 0.24), (0.04, 0.52), (0.32, 0.52), (0.2, 0.24)]);
            line(&[(0.8, 0.24), (0.68, 0.52), (0.96, 0.52), (0.88, 0.24)]);
        }
        Icon::Explain => {
            line(&[
                (0.1, 0.16),
                (0.9, 0.16),
                (0.9, 0.66),
                (0.46, 0.66),
                (0.26, 0.88),
                (0.28, 0.66),
                (0.1, 0.66),
                (0.1, 0.16),
            ]);
            line(&[(0.26, 0.34), (0.74, 0.34)]);
            line(&[(0.26, 0.5), (0.6, 0.5)]);
        }
        Icon::Apply => {
            frame(0.12, 0.1, 0.64, 0.9);
            for y in [0.3, 0.46, 0.62] {
                line(&[(0.22, y), (0.52, y)]);
            }
            line(&[(0.58, 0.84), (0.9, 0.36)]);
            line(&[(0.56, 0.92), (0.58, 0.84)]);
        }
        Icon::Village => {
            line(&[(0.04, 0.56), (0.28, 0.32), (0.52, 0.56)]);
            line(&[(0.1, 0.5), (0.1, 0.86), (0.46, 0.86), (0.46, 0.5)]);
            line(&[(0.48, 0.46), (0.72, 0.2), (0.96, 0.46)]);
            line(&[(0.9, 0.4), (0.9, 0.86), (0.52, 0.86)]);
        }
        Icon::LargeText => {
            line(&[(0.06, 0.88), (0.3, 0.14), (0.54, 0.88)]);
            line(&[(0.15, 0.6), (0.45, 0.6)]);
            line(&[(0.6, 0.88), (0.76, 0.46), (0.92, 0.88)]);
        }
        Icon::Contrast => {
            let c = at(0.5, 0.5);
            let r = side * 0.38;
            painter.circle_stroke(c, r, stroke);
            let half: Vec<Pos2> = (0..=16)
                .map(|i| {
                    let a = std::f32::consts::PI * (0.5 + i as f32 / 16.0);
                    c + Vec2::new(a.cos(), a.sin()) * r
                })
                .collect();
            painter.add(Shape::convex_polygon(half, colour, Stroke::NONE));
        }
        Icon::Speaker => {
            line(&[
                (0.08, 0.38),
                (0.28, 0.38),
                (0.5, 0.16),
                (0.5, 0.84),
                (0.28, 0.62),
                (0.08, 0.62),
                (0.08, 0.38),
            ]);
            line(&[(0.66, 0.34), (0.72, 0.5), (0.66, 0.66)]);
            line(&[(0.8, 0.22), (0.9, 0.5), (0.8, 0.78)]);
        }
        Icon::Printer => {
            frame(0.1, 0.36, 0.9, 0.72);
            line(&[(0.28, 0.36), (0.28, 0.1), (0.72, 0.1), (0.72, 0.36)]);
            frame(0.28, 0.6, 0.72, 0.92);
        }
        Icon::PageUp => line(&[(0.18, 0.66), (0.5, 0.3), (0.82, 0.66)]),
        Icon::PageDown => line(&[(0.18, 0.34), (0.5, 0.7), (0.82, 0.34)]),
    }
}

/// A button with an icon to the left of its words; `selected` draws it pressed (filled), as
/// does a finger on it. Drawn by hand, so it lays out as one widget (it wraps in a wrapped row)
/// and the icon takes room on the left only. The label alone is its accessible name.
pub fn button(
    ui: &mut egui::Ui,
    theme: &super::theme::Theme,
    icon: Icon,
    text: &str,
    selected: bool,
    min: Vec2,
) -> egui::Response {
    let s = theme.sizes();
    let p = theme.palette();
    let pad = ui.spacing().button_padding.x;
    let icon_side = s.title * 1.1;
    let fonts = ui.painter().clone();
    let galley = |size: f32, colour: Color32| {
        fonts.layout_no_wrap(text.to_string(), egui::FontId::proportional(size), colour)
    };
    let chrome = 2.0 * pad + icon_side + 10.0;
    // Where the words in the title size would not fit the width asked for (five buttons on a
    // portrait bar), they are set in the body size.
    let size = if min.x > 0.0 && galley(s.title, p.text).size().x + chrome > min.x {
        s.body
    } else {
        s.title
    };
    let width = min.x.max(galley(size, p.text).size().x + chrome);
    let height = min.y.max(s.target);
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), egui::Sense::click());
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::Button, ui.is_enabled(), selected, text)
    });
    let pressed = response.is_pointer_button_down_on();
    let (fg, bg) = if selected || pressed {
        (p.selected_text, p.selected_bg)
    } else {
        (p.button_text, p.button_bg)
    };
    let painter = &fonts;
    painter.rect_filled(rect, 6.0, bg);
    if response.hovered() && !pressed {
        painter.rect_stroke(
            rect,
            6.0,
            egui::Stroke::new(2.0, p.accent),
            egui::StrokeKind::Inside,
        );
    }
    let words = galley(size, fg);
    let inner = Rect::from_min_max(
        Pos2::new(rect.min.x + pad + icon_side + 10.0, rect.min.y),
        Pos2::new(rect.max.x - pad, rect.max.y),
    );
    let text_x = inner.center().x - words.size().x / 2.0;
    let icon_x = (text_x - icon_side - 10.0).max(rect.min.x + pad);
    let icon_rect = Rect::from_min_size(
        Pos2::new(icon_x, rect.center().y - icon_side / 2.0),
        Vec2::splat(icon_side),
    );
    paint(painter, icon_rect, icon, fg);
    painter.galley(
        Pos2::new(
            text_x.max(inner.min.x),
            rect.center().y - words.size().y / 2.0,
        ),
        words,
        fg,
    );
    response
}
