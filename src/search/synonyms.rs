//! Plain words citizens use → the official terms documents use (`社保 = 社会保险`), from the
//! staff-edited `synonyms.txt`, and from the table each generation derives (`plain`), which the
//! staff's overrides: `词 != 术语` in `synonyms.txt` drops a derived pair. Applied at query time;
//! a generation carries its own copy of both, so the tables refresh together with the data.

use std::collections::HashMap;
use std::path::Path;

/// File name of the table, in the configuration folder and in each generation's snapshot.
pub const FILE: &str = "synonyms.txt";

/// A line of the file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub reason: &'static str,
}

/// The plain → official table.
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    map: HashMap<String, Vec<String>>,
    longest: usize,
    /// `plain != official` lines: pairs of the derived table to drop.
    vetoes: Vec<(String, String)>,
}

impl Synonyms {
    /// Parses the file format: `plain = official` per line (`plain != official` drops a pair
    /// of the derived table), `#` comments, blank lines ignored. Bad lines are returned, the
    /// rest kept.
    pub fn parse(text: &str) -> (Synonyms, Vec<BadLine>) {
        let mut s = Synonyms::default();
        let mut bad = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some((plain, official)) = line.split_once("!=") {
                let (plain, official) = (plain.trim(), official.trim());
                if !plain.is_empty() && !official.is_empty() {
                    s.vetoes.push((plain.to_string(), official.to_string()));
                    continue;
                }
            }
            let Some((plain, official)) = line.split_once(['=', '＝']) else {
                bad.push(BadLine {
                    line: n + 1,
                    reason: "no `=` between plain word and official term",
                });
                continue;
            };
            let (plain, official) = (plain.trim(), official.trim());
            if plain.is_empty() || official.is_empty() || plain == official {
                bad.push(BadLine {
                    line: n + 1,
                    reason: "empty side, or both sides equal",
                });
                continue;
            }
            let entry = s.map.entry(plain.to_string()).or_default();
            if !entry.iter().any(|o| o == official) {
                entry.push(official.to_string());
            }
            s.longest = s.longest.max(plain.chars().count());
        }
        (s, bad)
    }

    /// Loads the table from a folder; a missing file is an empty table.
    pub fn load(dir: &Path) -> Synonyms {
        Synonyms::load_file(&dir.join(FILE))
    }

    /// The derived table `self` without what the staff table `staff` overrides: its vetoed
    /// pairs, and every plain word the staff map themselves.
    pub fn overridden_by(mut self, staff: &Synonyms) -> Synonyms {
        self.map.retain(|plain, officials| {
            officials.retain(|o| !staff.vetoes.iter().any(|(p, v)| p == plain && v == o));
            !officials.is_empty() && !staff.map.contains_key(plain)
        });
        self
    }

    /// Loads a table file; a missing file is an empty table.
    pub fn load_file(path: &Path) -> Synonyms {
        let path = path.to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let (s, bad) = Synonyms::parse(&text);
                for b in bad {
                    tracing::warn!(file = %path.display(), line = b.line, reason = b.reason, "synonym line ignored");
                }
                s
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Synonyms::default(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read synonyms");
                Synonyms::default()
            }
        }
    }

    pub fn len(&self) -> usize {
        self.map.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The query rewritten with each plain word found in it (longest match first, left to
    /// right) replaced by an official term: one rewrite per official term of the first
    /// ambiguous word, all words replaced. Empty when no plain word occurs.
    pub fn rewrites(&self, query: &str) -> Vec<String> {
        if self.map.is_empty() {
            return Vec::new();
        }
        let chars: Vec<char> = query.chars().collect();
        let mut variants: Vec<String> = vec![String::new()];
        let mut matched = false;
        let mut i = 0;
        while i < chars.len() {
            let mut hit = None;
            for len in (1..=self.longest.min(chars.len() - i)).rev() {
                let piece: String = chars[i..i + len].iter().collect();
                if let Some(officials) = self.map.get(&piece) {
                    hit = Some((len, officials));
                    break;
                }
            }
            match hit {
                Some((len, officials)) => {
                    matched = true;
                    let mut next = Vec::new();
                    for v in &variants {
                        for o in officials.iter().take(3) {
                            next.push(format!("{v}{o}"));
                        }
                    }
                    next.truncate(4);
                    variants = next;
                    i += len;
                }
                None => {
                    for v in &mut variants {
                        v.push(chars[i]);
                    }
                    i += 1;
                }
            }
        }
        if matched {
            variants
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# 注释\n社保 = 社会保险\n医保 = 基本医疗保险\n医保 = 医疗保障\n\n退休金 = 养老金 # 行尾注释\n坏行\n户口 = 户口\n驾照 != 驾驶执照\n";

    #[test]
    fn parses_pairs_comments_and_reports_bad_lines() {
        let (s, bad) = Synonyms::parse(TABLE);
        assert_eq!(s.len(), 4);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [7, 8]);
    }

    #[test]
    fn rewrites_plain_words_into_official_terms() {
        let (s, _) = Synonyms::parse(TABLE);
        assert_eq!(s.rewrites("社保怎么交"), ["社会保险怎么交"]);
        assert_eq!(s.rewrites("退休金和社保"), ["养老金和社会保险"]);
        assert_eq!(s.rewrites("医保报销"), ["基本医疗保险报销", "医疗保障报销"]);
        assert!(s.rewrites("护士条例").is_empty());
    }

    #[test]
    fn the_staff_table_overrides_the_derived_one() {
        let (staff, bad) = Synonyms::parse(TABLE);
        assert!(bad.len() == 2, "{bad:?}");
        let (derived, _) =
            Synonyms::parse("驾照 = 驾驶证\n驾照 = 驾驶执照\n社保 = 社会保障\n考编 = 编制\n");
        let d = derived.overridden_by(&staff);
        assert_eq!(d.rewrites("驾照"), ["驾驶证"]);
        assert!(d.rewrites("社保").is_empty());
        assert_eq!(d.rewrites("考编"), ["编制"]);
    }

    #[test]
    fn the_shipped_table_has_at_least_300_pairs_and_no_bad_lines() {
        let (s, bad) = Synonyms::parse(include_str!("../../kiosk-config/synonyms.txt"));
        assert!(bad.is_empty(), "{bad:?}");
        assert!(s.len() >= 300, "{}", s.len());
        assert_eq!(s.rewrites("低保"), ["最低生活保障"]);
    }
}
