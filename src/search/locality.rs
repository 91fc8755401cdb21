//! Where a record applies, and where the kiosk stands.
//!
//! A county kiosk in Guangdong should show Guangdong's and the nation's rules before another
//! province's local regulation on the same subject, unless the citizen names that place; and a
//! question about 陕西省 should not be answered first by a notice of 北京市. The places a
//! record names (in its title or issuer) are found once, when it is indexed, with jieba's
//! place-name tags; the kiosk's own places come from `places.toml` in the configuration.

use super::error::SearchError;
use super::places::{place_name, places, ANY_PLACE};
use super::schema::Fields;
use serde::Deserialize;
use std::path::Path;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

/// File name of the kiosk's own places, in the configuration folder and each generation's
/// snapshot.
pub const FILE: &str = "places.toml";
/// Score factor of a record that names only other places than the one the query names.
const OTHER_PLACE_FACTOR: f32 = 0.7;
/// Score factor of a record that names only places other than the kiosk's, when the query
/// names none.
const AWAY_FACTOR: f32 = 0.5;
/// The kiosk's own places (`home = ["广东", "广州"]`).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Home {
    #[serde(default)]
    pub home: Vec<String>,
}

impl Home {
    /// Loads `places.toml` from a folder; a missing or unreadable file means no home places
    /// (every record ranks as if local), logged when unreadable.
    pub fn load(dir: &Path) -> Home {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Home::default(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read places");
                return Home::default();
            }
        };
        match toml::from_str::<Home>(&text) {
            Ok(mut h) => {
                h.home = h
                    .home
                    .iter()
                    .filter_map(|p| place_name(p.trim()).or_else(|| Some(p.trim().to_string())))
                    .filter(|p| !p.is_empty())
                    .collect();
                h
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "places file ignored");
                Home::default()
            }
        }
    }
}

/// The locality preference of one query.
pub struct Locality {
    /// The places that make a record local: those the query names, else the kiosk's own.
    wanted: Vec<String>,
    /// Factor for a record that names places but none of `wanted`.
    factor: f32,
}

impl Locality {
    pub fn new(query: &str, home: &Home) -> Locality {
        let named = places(query);
        if named.is_empty() {
            Locality {
                wanted: home.home.clone(),
                factor: AWAY_FACTOR,
            }
        } else {
            Locality {
                wanted: named,
                factor: OTHER_PLACE_FACTOR,
            }
        }
    }

    /// The score factor of each candidate, in the order given: 1 for a record that names no
    /// place or a wanted one.
    pub fn factors(
        &self,
        searcher: &tantivy::Searcher,
        f: &Fields,
        docs: &[DocAddress],
    ) -> Result<Vec<f32>, SearchError> {
        let mut out = vec![1.0; docs.len()];
        if self.wanted.is_empty() {
            return Ok(out);
        }
        let mut names_place = vec![false; docs.len()];
        let mut local = vec![false; docs.len()];
        for (seg, ids) in super::postings::by_segment(docs) {
            let index = searcher.segment_reader(seg).inverted_index(f.places)?;
            let postings = |text: &str| {
                index.read_postings(
                    &Term::from_field_text(f.places, text),
                    IndexRecordOption::Basic,
                )
            };
            super::postings::on_each_holder(postings(ANY_PLACE)?, &ids, |_, i| {
                names_place[i] = true
            });
            for place in &self.wanted {
                super::postings::on_each_holder(postings(place)?, &ids, |_, i| local[i] = true);
            }
        }
        for i in 0..docs.len() {
            if names_place[i] && !local[i] {
                out[i] = self.factor;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_file_is_read_and_normalised() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "home = [\"广东省\", \"广州市\"]\n").unwrap();
        assert_eq!(Home::load(dir.path()).home, ["广东", "广州"]);
        assert!(Home::load(&dir.path().join("missing")).home.is_empty());
        let l = Locality::new("济南市电梯", &Home::load(dir.path()));
        assert_eq!(l.wanted, ["济南"]);
        assert_eq!(l.factor, OTHER_PLACE_FACTOR);
        let l = Locality::new("加装电梯", &Home::load(dir.path()));
        assert_eq!(l.wanted, ["广东", "广州"]);
    }
}
