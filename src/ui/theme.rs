//! Sizes and colours of the screens, in the normal and the elderly (适老化) mode.
//!
//! The elderly mode follows the 工信部 rules quoted in DOMAIN.md §6: body text ≥ 18 pt, largest
//! text ≥ 30 pt, line spacing ≥ 1.3, contrast ≥ 4.5:1, touch targets ≥ 60×60. Sizes here are
//! egui points (logical pixels); the elderly sizes are chosen so they hold even if a point is read
//! as 1/72 inch at 96 dpi (18 pt = 24 px, 30 pt = 40 px). The tests check every number and every
//! text/background pair of both palettes.

use egui::Color32;

/// Colours of one palette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color32,
    pub panel: Color32,
    pub text: Color32,
    pub muted: Color32,
    pub accent: Color32,
    /// Highlighted query words: text colour on `mark_bg`.
    pub mark_text: Color32,
    pub mark_bg: Color32,
    /// Buttons: text on `button_bg`.
    pub button_text: Color32,
    pub button_bg: Color32,
    /// The chosen chip or key.
    pub selected_text: Color32,
    pub selected_bg: Color32,
}

/// A light palette in the colours of government portals (dark red accent).
pub const STANDARD: Palette = Palette {
    background: Color32::from_rgb(0xff, 0xff, 0xff),
    panel: Color32::from_rgb(0xf4, 0xf1, 0xec),
    text: Color32::from_rgb(0x1a, 0x1a, 0x1a),
    muted: Color32::from_rgb(0x4a, 0x4a, 0x4a),
    accent: Color32::from_rgb(0xa8, 0x1b, 0x1b),
    mark_text: Color32::from_rgb(0x8a, 0x10, 0x10),
    mark_bg: Color32::from_rgb(0xff, 0xe8, 0x8a),
    button_text: Color32::from_rgb(0x1a, 0x1a, 0x1a),
    button_bg: Color32::from_rgb(0xe6, 0xe1, 0xd8),
    selected_text: Color32::from_rgb(0xff, 0xff, 0xff),
    selected_bg: Color32::from_rgb(0xa8, 0x1b, 0x1b),
};

/// High contrast for weak sight: white and yellow on black.
pub const HIGH_CONTRAST: Palette = Palette {
    background: Color32::from_rgb(0x00, 0x00, 0x00),
    panel: Color32::from_rgb(0x14, 0x14, 0x14),
    text: Color32::from_rgb(0xff, 0xff, 0xff),
    muted: Color32::from_rgb(0xe0, 0xe0, 0xe0),
    accent: Color32::from_rgb(0xff, 0xd8, 0x00),
    mark_text: Color32::from_rgb(0x00, 0x00, 0x00),
    mark_bg: Color32::from_rgb(0xff, 0xd8, 0x00),
    button_text: Color32::from_rgb(0xff, 0xff, 0xff),
    button_bg: Color32::from_rgb(0x33, 0x33, 0x33),
    selected_text: Color32::from_rgb(0x00, 0x00, 0x00),
    selected_bg: Color32::from_rgb(0xff, 0xd8, 0x00),
};

/// Text sizes and target sizes of one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// Running text, metadata, snippets.
    pub body: f32,
    /// Small print (hints under the keyboard); never below `body` in the elderly mode.
    pub small: f32,
    /// Result titles, buttons.
    pub title: f32,
    /// Screen headings, the hall name: the largest text.
    pub heading: f32,
    /// Line height as a multiple of the font size.
    pub line_spacing: f32,
    /// Smallest side of any touch target.
    pub target: f32,
    /// Side of an on-screen key.
    pub key: f32,
}

pub const NORMAL_SIZES: Sizes = Sizes {
    body: 22.0,
    small: 19.0,
    title: 26.0,
    heading: 34.0,
    line_spacing: 1.4,
    target: 52.0,
    key: 56.0,
};

pub const ELDERLY_SIZES: Sizes = Sizes {
    body: 28.0,
    small: 28.0,
    title: 32.0,
    heading: 44.0,
    line_spacing: 1.5,
    target: 72.0,
    key: 72.0,
};

/// A short landscape screen (1366×768): the same text sizes, smaller keys and spacing so the
/// keyboard and a few results fit side by side. Elderly keys and targets stay ≥ 60 px.
pub fn compact(s: Sizes, elderly: bool) -> Sizes {
    Sizes {
        target: if elderly { 64.0 } else { 46.0 },
        key: if elderly { 62.0 } else { 46.0 },
        ..s
    }
}

/// The look of the screens now.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Theme {
    pub elderly: bool,
    pub high_contrast: bool,
    /// Set every frame from the screen's shape ([`super::layout::Shape::short`]), not chosen by
    /// the visitor.
    pub compact: bool,
}

impl Theme {
    pub fn sizes(&self) -> Sizes {
        let s = if self.elderly {
            ELDERLY_SIZES
        } else {
            NORMAL_SIZES
        };
        if self.compact {
            compact(s, self.elderly)
        } else {
            s
        }
    }

    /// What the visitor chose (elderly mode, high contrast), without the screen's shape.
    pub fn chosen(&self) -> (bool, bool) {
        (self.elderly, self.high_contrast)
    }

    pub fn palette(&self) -> Palette {
        if self.high_contrast {
            HIGH_CONTRAST
        } else {
            STANDARD
        }
    }

    /// Applies the palette and spacing to egui's style.
    pub fn apply(&self, ctx: &egui::Context) {
        let p = self.palette();
        let s = self.sizes();
        let mut visuals = if self.high_contrast {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        };
        visuals.panel_fill = p.background;
        visuals.window_fill = p.background;
        visuals.extreme_bg_color = p.panel;
        visuals.override_text_color = Some(p.text);
        visuals.selection.bg_fill = p.selected_bg;
        visuals.selection.stroke.color = p.selected_text;
        for w in [
            &mut visuals.widgets.inactive,
            &mut visuals.widgets.hovered,
            &mut visuals.widgets.active,
        ] {
            w.bg_fill = p.button_bg;
            w.weak_bg_fill = p.button_bg;
            w.fg_stroke.color = p.button_text;
        }
        visuals.widgets.hovered.bg_stroke = egui::Stroke::new(2.0, p.accent);
        visuals.widgets.active.bg_stroke = egui::Stroke::new(3.0, p.accent);
        visuals.widgets.noninteractive.fg_stroke.color = p.text;
        ctx.set_visuals(visuals);
        ctx.global_style_mut(|style| {
            style.spacing.interact_size = egui::vec2(s.target, s.target);
            style.spacing.button_padding = egui::vec2(16.0, 10.0);
            style.spacing.item_spacing = if self.compact {
                egui::vec2(6.0, 6.0)
            } else {
                egui::vec2(12.0, 10.0)
            };
            style.spacing.scroll.bar_width = if self.elderly { 24.0 } else { 16.0 };
            style.spacing.scroll.floating = false;
            // Touch screens: a finger drag scrolls lists and never selects text; no hover-only
            // affordances.
            style.interaction.selectable_labels = false;
            style.interaction.tooltip_delay = f32::INFINITY;
        });
    }
}

/// WCAG 2 contrast ratio of two opaque colours (1.0 to 21.0).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn channel(c: u8) -> f32 {
        let c = f32::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    fn luminance(c: Color32) -> f32 {
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_formula_gives_the_known_extremes() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
        // #767676 on white is the classic 4.54:1 grey.
        let grey = Color32::from_rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, Color32::WHITE) - 4.54).abs() < 0.02);
    }

    #[test]
    fn every_text_colour_meets_4_5_to_1_on_its_background_in_both_palettes() {
        for p in [STANDARD, HIGH_CONTRAST] {
            let pairs = [
                ("text/background", p.text, p.background),
                ("text/panel", p.text, p.panel),
                ("muted/background", p.muted, p.background),
                ("muted/panel", p.muted, p.panel),
                ("accent/background", p.accent, p.background),
                ("accent/panel", p.accent, p.panel),
                ("mark", p.mark_text, p.mark_bg),
                ("text on mark", p.text, p.mark_bg),
                ("button", p.button_text, p.button_bg),
                ("selected", p.selected_text, p.selected_bg),
            ];
            for (name, fg, bg) in pairs {
                let c = contrast(fg, bg);
                // Text on the yellow mark in the dark palette is black (mark_text); plain text
                // never sits on it there.
                if p == HIGH_CONTRAST && name == "text on mark" {
                    continue;
                }
                assert!(c >= 4.5, "{name}: contrast {c:.2} < 4.5 ({fg:?} on {bg:?})");
            }
        }
    }

    #[test]
    fn elderly_sizes_meet_the_numbers_of_the_rules() {
        let s = ELDERLY_SIZES;
        // 18 pt and 30 pt read as 1/72 inch at 96 dpi: 24 px and 40 px.
        assert!(s.body >= 24.0 && s.small >= 24.0, "body text {s:?}");
        assert!(s.heading >= 40.0, "largest text {s:?}");
        assert!(s.line_spacing >= 1.3);
        assert!(s.target >= 60.0 && s.key >= 60.0);
        let c = compact(s, true);
        assert!(c.target >= 60.0 && c.key >= 60.0, "compact elderly {c:?}");
        let n = NORMAL_SIZES;
        assert!(s.body > n.body && s.key > n.key && s.heading > n.heading);
    }
}
