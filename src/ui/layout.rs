//! The shape of the screen this frame, and the breakpoints every screen arranges itself by:
//! portrait (立式一体机, most hall terminals), wide landscape (1920×1080) and short landscape
//! (1366×768, 1280×1024 panels). The same widgets are rearranged, never dropped: side columns
//! become rows in portrait, and a short screen puts the keyboard beside the results.

use super::theme::Theme;

/// Where the screen stands this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub width: f32,
    pub height: f32,
}

/// Below this height a landscape screen is "short": the keyboard goes beside the list and the
/// document's metadata folds to two columns.
const SHORT_HEIGHT: f32 = 900.0;

/// Below this width even a landscape screen keeps one column.
const NARROW_WIDTH: f32 = 1100.0;

impl Shape {
    pub fn of(ui: &egui::Ui) -> Shape {
        let r = ui.ctx().content_rect();
        Shape {
            width: r.width(),
            height: r.height(),
        }
    }

    /// Taller than wide: side columns become rows.
    pub fn portrait(&self) -> bool {
        self.height > self.width
    }

    /// Landscape and short (1366×768): little height to spare.
    pub fn short(&self) -> bool {
        !self.portrait() && self.height < SHORT_HEIGHT
    }

    /// Room for a column beside the main content.
    pub fn side_columns(&self) -> bool {
        !self.portrait() && self.width >= NARROW_WIDTH
    }

    /// Columns of the home tiles.
    pub fn tile_columns(&self) -> usize {
        if self.portrait() {
            2
        } else {
            3
        }
    }
}

/// A short landscape screen, or a landscape one in the elderly mode's large keys, has no
/// height for the keyboard under the results: it goes beside them.
pub fn side_keyboard(shape: &Shape, theme: &Theme) -> bool {
    shape.side_columns() && (shape.short() || theme.elderly)
}

/// The width of the keyboard's widest row (10 digits and 退格), for the side panel on a short
/// screen.
fn key_row_width(theme: &Theme) -> f32 {
    let key = theme.sizes().key;
    let gap = if theme.compact { 6.0 } else { 12.0 };
    12.0 * key + 12.0 * gap + key / 3.0 + 40.0
}

/// The keyboard panel's inner margin.
const MARGIN: f32 = 10.0;

/// The on-screen keyboard's panel: under the content, or beside it where
/// [`side_keyboard`] says so.
pub fn keyboard_panel(
    ui: &mut egui::Ui,
    theme: &Theme,
    id: (&'static str, u64),
    add: impl FnOnce(&mut egui::Ui),
) {
    let shape = Shape::of(ui);
    let frame = egui::Frame::new()
        .fill(theme.palette().panel)
        .inner_margin(MARGIN);
    if side_keyboard(&shape, theme) {
        // As wide as the keyboard was last frame (its layout depends on the field: pinyin
        // keys, the name keys, the number pad), at most two thirds of the screen.
        let memory = ui.make_persistent_id(("keyboard-width", id.0));
        let natural = ui
            .data(|d| d.get_temp::<f32>(memory))
            .unwrap_or_else(|| key_row_width(theme));
        egui::Panel::right(id)
            .frame(frame)
            .resizable(false)
            // Exactly the frame's margins beside the content: any more and a candidate bar
            // that wraps at the panel's width would widen the panel a little every frame,
            // moving every key under a visitor's finger.
            .exact_size((shape.width * 0.66).min(natural + 2.0 * MARGIN))
            .show(ui, |ui| {
                // In a child never wider than the panel: a side panel widened by its content
                // would slide off the screen's edge.
                let room = ui.available_rect_before_wrap();
                let mut child = ui.new_child(egui::UiBuilder::new().max_rect(room));
                child.shrink_clip_rect(room);
                add(&mut child);
                // The keys' own width where a keyboard was drawn (the candidate bar above
                // them must not widen the panel and so move the keys).
                let keys = super::keyboard::draw::keys_size_id();
                let width = ui
                    .data_mut(|d| d.remove_temp::<egui::Vec2>(keys))
                    .map_or_else(|| child.min_rect().width(), |size| size.x);
                ui.data_mut(|d| d.insert_temp(memory, width));
                let used = child.min_rect().intersect(room);
                ui.allocate_rect(used.with_min_x(room.min.x), egui::Sense::hover());
            });
    } else {
        // As high as the keyboard drew itself last frame: its keys sit at the panel's bottom
        // edge and the candidate bar grows upwards, so the panel follows the bar exactly (a
        // panel sized by its content would never shrink: the keys are placed from the bottom).
        let memory = ui.make_persistent_id(("keyboard-height", id.0));
        let last = ui.data(|d| d.get_temp::<f32>(memory));
        let mut panel = egui::Panel::bottom(id).frame(frame).resizable(false);
        if let Some(height) = last {
            panel = panel.exact_size(height + 2.0 * MARGIN);
        }
        panel.show(ui, |ui| {
            add(ui);
            let keys = super::keyboard::draw::keys_size_id();
            if let Some(size) = ui.data_mut(|d| d.remove_temp::<egui::Vec2>(keys)) {
                ui.data_mut(|d| d.insert_temp(memory, size.y));
            } else {
                ui.data_mut(|d| d.remove_temp::<f32>(memory));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::Shape;

    #[test]
    fn the_three_hall_screens_fall_on_the_right_side_of_each_breakpoint() {
        let wide = Shape {
            width: 1920.0,
            height: 1080.0,
        };
        let tall = Shape {
            width: 1080.0,
            height: 1920.0,
        };
        let short = Shape {
            width: 1366.0,
            height: 768.0,
        };
        assert!(!wide.portrait() && !wide.short() && wide.side_columns());
        assert!(tall.portrait() && !tall.short() && !tall.side_columns());
        assert!(!short.portrait() && short.short() && short.side_columns());
        assert_eq!(tall.tile_columns(), 2);
        assert_eq!(wide.tile_columns(), 3);
    }
}
