//! The areas of the standard catalogue (26 试点领域, staff-edited `areas.toml`) and the words
//! that put a record into each. A leaf: reads a file, knows nothing of the index.

use serde::Deserialize;
use std::path::Path;

/// File name of the area table, in the configuration folder and each generation's snapshot.
pub const AREAS_FILE: &str = "areas.toml";

/// The areas of the standard catalogue and the words that put a record into each.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Areas {
    #[serde(default)]
    area: Vec<Area>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Area {
    name: String,
    words: Vec<String>,
}

impl Areas {
    /// Reads `areas.toml` from a folder; a missing file means no areas. A malformed file is an
    /// error naming the file.
    pub fn load(dir: &Path) -> Result<Areas, String> {
        let path = dir.join(AREAS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Areas::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The areas whose words occur in any of the texts.
    pub fn of(&self, texts: &[&str]) -> Vec<&str> {
        self.area
            .iter()
            .filter(|a| {
                a.words
                    .iter()
                    .any(|w| texts.iter().any(|t| t.contains(w.as_str())))
            })
            .map(|a| a.name.as_str())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.area.len()
    }

    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_area_table_has_the_26_areas_plus_the_two_home_columns_and_classifies() {
        let areas: Areas = toml::from_str(include_str!("../../kiosk-config/areas.toml")).unwrap();
        assert_eq!(areas.len(), 28);
        // The home tiles' columns: by 文种 and by the words of village affairs.
        assert_eq!(
            areas.of(&["关于提高养犬管理水平的说明", "政策解读"]),
            ["政策解读"]
        );
        assert_eq!(
            areas.of(&["大河村2026年第三季度村务公开"]),
            ["村（居）务公开"]
        );
        assert_eq!(
            areas.of(&["关于调整城乡居民最低生活保障标准的通知"]),
            ["社会救助"]
        );
        assert!(areas
            .of(&["国务院关于在市场监管领域全面推行部门联合监管的意见"])
            .is_empty());
    }
}
