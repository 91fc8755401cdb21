//! The shape of the screen this frame, and the breakpoints every screen arranges itself by:
//! portrait (立式一体机, most hall terminals), wide landscape (1920×1080) and short landscape
//! (1366×768, 1280×1024 panels). The same widgets are rearranged, never dropped: side columns
//! become rows in portrait, and a short screen puts the keyboard beside the results.

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
