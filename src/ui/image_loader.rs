//! The images of an open document: read from the index generation's `images/` folder and
//! decoded (with the `image` crate) on a thread of their own, started by the app when a body
//! arrives, so neither the screen nor the search worker waits for a large picture. Each image is
//! scaled down to at most [`MAX_SIDE`] pixels on its longer side before it becomes a texture.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};

/// Longest side of an image as the screen receives it (wider than any hall screen's column).
pub const MAX_SIDE: u32 = 1600;

/// Largest picture decoded at all (width × height), against a damaged or hostile file.
const MAX_PIXELS: u64 = 40_000_000;

/// One image read: its stored name and the picture, or `None` when it could not be read.
pub type Loaded = (String, Option<egui::ColorImage>);

/// Reads and decodes `files` (stored name, path) one after the other; the receiver gets each as
/// it is done, and `wake` is called after each.
pub fn spawn(
    files: Vec<(String, PathBuf)>,
    wake: impl Fn() + Send + 'static,
) -> std::io::Result<Receiver<Loaded>> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("image-loader".into())
        .spawn(move || {
            for (name, path) in files {
                let image = decode(&path)
                    .map_err(|e| tracing::warn!(image = %path.display(), error = %e, "an image of a document cannot be shown"))
                    .ok();
                if tx.send((name, image)).is_err() {
                    return;
                }
                wake();
            }
        })?;
    Ok(rx)
}

/// The picture in `path`, scaled to fit [`MAX_SIDE`].
pub fn decode(path: &std::path::Path) -> Result<egui::ColorImage, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())
    };
    let (w, h) = reader()?.into_dimensions().map_err(|e| e.to_string())?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} pixels is too large"));
    }
    let mut decoder = reader()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    decoder.limits(limits);
    let picture = decoder.decode().map_err(|e| e.to_string())?;
    let picture = if w.max(h) > MAX_SIDE {
        picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        picture
    };
    let rgba = picture.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        size,
        rgba.as_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_picture_is_scaled_to_fit_and_a_broken_file_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let big = tmp.path().join("big.png");
        image::RgbImage::from_pixel(3200, 800, image::Rgb([200, 10, 10]))
            .save(&big)
            .unwrap();
        let shown = decode(&big).unwrap();
        assert_eq!(shown.size, [1600, 400]);
        assert_eq!(shown.pixels[0], egui::Color32::from_rgb(200, 10, 10));
        let broken = tmp.path().join("broken.png");
        std::fs::write(&broken, b"\x89PNG not really").unwrap();
        assert!(decode(&broken).is_err());
        assert!(decode(&tmp.path().join("missing.png")).is_err());
    }
}
