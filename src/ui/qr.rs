//! QR codes of public URLs, 「扫码手机查看」: one pixel per module (scaled up on screen with
//! nearest-neighbour sampling, so the edges stay sharp) and the 4-module quiet zone the
//! standard asks for.

use egui::{Color32, ColorImage};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border around the code (ISO/IEC 18004 quiet zone).
const QUIET: usize = 4;

/// The QR code of `text` as an image, or `None` when the text is too long for a QR code.
pub fn image(text: &str) -> Option<ColorImage> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET;
    let mut pixels = vec![Color32::WHITE; side * side];
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == Color::Dark {
            let (y, x) = (i / width, i % width);
            pixels[(y + QUIET) * side + x + QUIET] = Color32::BLACK;
        }
    }
    Some(ColorImage::new([side, side], pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_a_square_code_with_a_white_quiet_zone_and_dark_finders() {
        let img =
            image("https://www.gov.cn/zhengce/content/2019-01/24/content_5360875.htm").unwrap();
        let [w, h] = img.size;
        assert_eq!(w, h);
        // Version 4 or 5 for a URL this long: 33 or 37 modules plus the quiet zone.
        assert!((33 + 2 * QUIET..=45 + 2 * QUIET).contains(&w), "side {w}");
        let at = |x: usize, y: usize| img.pixels[y * w + x];
        assert!((0..w).all(|x| at(x, 0) == Color32::WHITE && at(x, QUIET - 1) == Color32::WHITE));
        // The top-left finder pattern: a dark 7×7 ring starting after the quiet zone.
        assert_eq!(at(QUIET, QUIET), Color32::BLACK);
        assert_eq!(at(QUIET + 6, QUIET), Color32::BLACK);
        assert_eq!(at(QUIET + 1, QUIET + 1), Color32::WHITE);
        assert_eq!(at(QUIET + 3, QUIET + 3), Color32::BLACK);
    }

    #[test]
    fn text_too_long_for_any_qr_code_gives_none() {
        assert!(image(&"字".repeat(3000)).is_none());
    }
}
