//! The images a generation holds: `images/<name>` inside the generation folder, each named by
//! its content hash by the build (see `crate::pipeline::images`) and listed in the manifest
//! like every other file, so a bundle carries them to the kiosks of a fleet. A full build or a
//! refresh copies the files of the public records it was given; a cleaned copy (withdrawals,
//! rollback) links only those of the records it keeps, so a withdrawn record's images leave
//! with it. Must not decide which records are public: that is the pipeline's.

use super::{io, IndexError};
use crate::search::schema::Fields;
use std::path::{Path, PathBuf};

/// The folder of a generation with its images.
pub const IMAGES: &str = "images";

/// The largest image file a generation takes (a scanned page of a notice is well below it).
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

/// One image to go into a generation: its name there and the file it is copied from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    pub name: String,
    pub from: PathBuf,
}

/// Whether `name` has the shape the build gives image files (hex digits, a known extension):
/// anything else (a path, `..`) is never looked up.
pub fn is_image_name(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() >= 16
        && stem.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(ext, "png" | "jpg" | "gif")
}

/// The path of image `name` in the generation at `dir`, if `name` is an image name.
pub fn image_file(dir: &Path, name: &str) -> Option<PathBuf> {
    is_image_name(name).then(|| dir.join(IMAGES).join(name))
}

/// Copies `images` into the new generation at `dir` (each once), durably.
pub(super) fn write_images(dir: &Path, images: &[ImageFile]) -> Result<(), IndexError> {
    if images.is_empty() {
        return Ok(());
    }
    let folder = dir.join(IMAGES);
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    for image in images {
        let Some(target) = image_file(dir, &image.name) else {
            continue;
        };
        if target.exists() {
            continue;
        }
        let bytes = std::fs::read(&image.from).map_err(io(&image.from))?;
        super::layout::write_durably(&target, &bytes)?;
    }
    Ok(())
}

/// Links (or copies) from generation `base` into `dir` the images the live records of `index`
/// name: what a cleaned copy keeps.
pub(super) fn link_live_images(
    base: &Path,
    dir: &Path,
    index: &tantivy::Index,
    fields: &Fields,
) -> Result<(), IndexError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut names = std::collections::BTreeSet::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: tantivy::TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc_id))?;
            let Some(record) = fields.record_meta(&doc) else {
                continue;
            };
            names.extend(record.images.into_iter().filter_map(|i| i.stored));
        }
    }
    for name in names {
        let (Some(from), Some(to)) = (image_file(base, &name), image_file(dir, &name)) else {
            continue;
        };
        if !from.is_file() {
            continue;
        }
        if let Some(folder) = to.parent() {
            std::fs::create_dir_all(folder).map_err(io(folder))?;
        }
        std::fs::hard_link(&from, &to)
            .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
            .map_err(io(&to))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_the_build_gives_are_looked_up() {
        assert!(is_image_name("0123456789abcdef0123.png"));
        for bad in [
            "../secret.png",
            "a.png",
            "0123456789abcdef0123.exe",
            "0123456789abcdef/../x.png",
            "0123456789abcdef0123",
        ] {
            assert!(!is_image_name(bad), "{bad}");
            assert_eq!(image_file(Path::new("/g"), bad), None);
        }
    }
}
