//! Fonts: the bundled CJK face first, then configured fallbacks, then egui's own fonts.
//! Read once at start-up, before the first frame.

use std::path::Path;

/// One font file to load; `face` picks a face inside a `.ttc` collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSpec {
    pub path: std::path::PathBuf,
    pub face: u32,
}

impl FontSpec {
    /// Reads `path` or `path#N` (face N of a collection).
    pub fn parse(spec: &Path) -> FontSpec {
        let s = spec.to_string_lossy();
        if let Some((path, face)) = s.rsplit_once('#') {
            if let Ok(face) = face.parse() {
                return FontSpec {
                    path: path.into(),
                    face,
                };
            }
        }
        FontSpec {
            path: spec.to_path_buf(),
            face: 0,
        }
    }
}

/// Font definitions for a configuration: the configured font, then its fallbacks. Returns the
/// definitions and how many CJK fonts were loaded.
pub fn for_settings(settings: &crate::config::Settings) -> (egui::FontDefinitions, usize) {
    let specs: Vec<FontSpec> = settings
        .font
        .iter()
        .chain(settings.fallback_fonts.iter())
        .map(|p| FontSpec::parse(p))
        .collect();
    font_definitions(&specs)
}

/// Builds font definitions with every readable font of `specs`, in order, ahead of egui's
/// defaults. Returns the definitions and how many CJK fonts were loaded.
pub fn font_definitions(specs: &[FontSpec]) -> (egui::FontDefinitions, usize) {
    let mut defs = egui::FontDefinitions::default();
    let mut loaded = 0;
    for (i, spec) in specs.iter().enumerate() {
        match std::fs::read(&spec.path) {
            Ok(bytes) => {
                let name = format!("cjk-{i}");
                let mut data = egui::FontData::from_owned(bytes);
                data.index = spec.face;
                defs.font_data
                    .insert(name.clone(), std::sync::Arc::new(data));
                for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
                    let list = defs.families.entry(family).or_default();
                    list.insert(loaded.min(list.len()), name.clone());
                }
                loaded += 1;
            }
            Err(e) => tracing::warn!(path = %spec.path.display(), error = %e, "font not loaded"),
        }
    }
    (defs, loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_index_after_hash_is_read() {
        assert_eq!(
            FontSpec::parse(Path::new("/f/a.ttc#2")),
            FontSpec {
                path: "/f/a.ttc".into(),
                face: 2
            }
        );
        assert_eq!(
            FontSpec::parse(Path::new("a.otf")),
            FontSpec {
                path: "a.otf".into(),
                face: 0
            }
        );
    }

    #[test]
    fn the_bundled_font_loads_first() {
        let spec = FontSpec::parse(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-kiosk-subset.otf"),
        );
        let (defs, loaded) =
            font_definitions(&[spec, FontSpec::parse(Path::new("/nonexistent.ttf"))]);
        assert_eq!(loaded, 1);
        assert_eq!(defs.families[&egui::FontFamily::Proportional][0], "cjk-0");
    }
}
