//! Which images of a run go into the generation. A record's image is kept when its file lies
//! inside the record's source folder (never an address, an absolute path or one leaving the
//! folder through `..`), is at most [`MAX_IMAGE_BYTES`], is a PNG, JPEG or GIF image whose
//! header reads, and the record is public. Such a file gets its content hash as name
//! ([`ImageRef::stored`]) and is handed to the index writer; any other image stays a caption
//! (the kiosk never fetches anything from the network). Must not write index files.

use crate::catalog::Record;
use crate::config::SourceSettings;
use crate::search::index::{ImageFile, MAX_IMAGE_BYTES};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The folder a source's image references are relative to: the folder itself, or the folder
/// of a single data file.
fn source_folder(source: &SourceSettings) -> PathBuf {
    if source.path.is_dir() {
        source.path.clone()
    } else {
        source
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

/// The file `src` names inside `folder`, if it is a plain relative path that stays inside it.
fn local_file(folder: &Path, src: &str) -> Option<PathBuf> {
    if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
        return None;
    }
    let src = src.split(['?', '#']).next().unwrap_or(src);
    let rel = Path::new(src);
    let plain = rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    (plain && !src.is_empty()).then(|| folder.join(rel))
}

/// The stored name of an image file (hash and the extension of its real format), or why not.
fn stored_name(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("not present ({e})"))?;
    if !meta.is_file() || meta.len() > MAX_IMAGE_BYTES {
        return Err(format!("not a file of at most {MAX_IMAGE_BYTES} bytes"));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let ext = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Png) => "png",
        Ok(image::ImageFormat::Jpeg) => "jpg",
        Ok(image::ImageFormat::Gif) => "gif",
        _ => return Err("not a PNG, JPEG or GIF image".into()),
    };
    // The header must read: a truncated or mislabelled file is not shipped.
    image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_dimensions()
        .map_err(|e| format!("unreadable image: {e}"))?;
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Ok(format!("{hex}.{ext}"))
}

/// Gives every image of a public record that is present in its source folder its stored name,
/// and returns the files to copy into the generation (each once). Images of records that are
/// not public keep no stored name and are never copied.
pub fn resolve(sources: &[SourceSettings], records: &mut [Record]) -> Vec<ImageFile> {
    let folders: HashMap<&str, PathBuf> = sources
        .iter()
        .map(|s| (s.name.as_str(), source_folder(s)))
        .collect();
    let mut files: Vec<ImageFile> = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut seen: HashMap<PathBuf, Option<String>> = HashMap::new();
    for r in records.iter_mut() {
        let public = r.is_public();
        let folder = folders.get(r.source.as_str());
        for image in &mut r.images {
            image.stored = None;
            let (true, Some(folder)) = (public, folder) else {
                continue;
            };
            let Some(path) = local_file(folder, &image.src) else {
                continue;
            };
            image.stored = seen
                .entry(path.clone())
                .or_insert_with(|| match stored_name(&path) {
                    Ok(name) => {
                        if names.insert(name.clone()) {
                            files.push(ImageFile {
                                name: name.clone(),
                                from: path.clone(),
                            });
                        }
                        Some(name)
                    }
                    Err(why) => {
                        tracing::info!(source = %r.source, id = %r.source_id, src = %image.src, %why, "image of a record not shipped");
                        None
                    }
                })
                .clone();
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Disclosure, ImageRef, Kind};
    use crate::config::Format;

    fn png(dir: &Path, name: &str, shade: u8) {
        let img = image::GrayImage::from_pixel(3, 2, image::Luma([shade]));
        img.save(dir.join(name)).unwrap();
    }

    #[test]
    fn only_present_readable_files_inside_the_folder_of_public_records_are_shipped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        std::fs::create_dir_all(dir.join("images")).unwrap();
        png(&dir.join("images"), "a.png", 10);
        png(&dir.join("images"), "same.png", 10);
        std::fs::write(dir.join("images/fake.png"), b"not an image").unwrap();
        png(tmp.path(), "outside.png", 20);
        let source = SourceSettings {
            name: "s".into(),
            kind: Kind::GovernmentInfo,
            format: Format::KioskJsonl,
            path: dir.join("data.jsonl"),
            url_template: None,
            mapping: None,
            default_disclosure: None,
        };
        let image = |src: &str| ImageRef {
            src: src.into(),
            caption: String::new(),
            stored: Some("left over".into()),
        };
        let mut public = Record::new(
            "s",
            "1".into(),
            Kind::GovernmentInfo,
            "t".into(),
            "b".into(),
        );
        public.disclosure = Disclosure::Proactive;
        public.images = [
            "images/a.png",
            "./images/same.png",
            "images/fake.png",
            "../outside.png",
            "/etc/passwd",
            "http://www.gov.cn/a.png",
            "images/missing.png",
        ]
        .map(image)
        .to_vec();
        let mut withheld = public.clone();
        withheld.source_id = "2".into();
        withheld.disclosure = Disclosure::Withheld;
        let mut records = vec![public, withheld];
        let files = resolve(&[source], &mut records);
        let stored: Vec<Option<&str>> = records[0]
            .images
            .iter()
            .map(|i| i.stored.as_deref())
            .collect();
        let name = stored[0].expect("the present image is shipped");
        assert!(name.ends_with(".png") && crate::search::index::is_image_name(name));
        // The same picture under two names is one file.
        assert_eq!(stored[1], Some(name));
        assert_eq!(stored[2..], [None; 5]);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].from, dir.join("images/a.png"));
        assert!(records[1].images.iter().all(|i| i.stored.is_none()));
    }
}
