//! Word-segmentation quality against SIGHAN 2005 bakeoff gold files: precision, recall and F1 of
//! word spans, as the bakeoff's scorer counts them.
//!
//! The text segmented is each gold line with its separators removed (the bakeoff's test input);
//! the segmenter is the query path's ([`super::analysis::segment_spans`]: normalisation, then
//! jieba's plain mode with HMM), every token kept, punctuation included, as gold counts it.
//! Reads the files it is given; knows nothing about the index.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SegEvalError {
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("no SIGHAN gold file (`*_gold.utf8`) in {0}")]
    NoGold(PathBuf),
}

/// Word counts of a scored corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// The unsegmented text of a gold line and its word spans (character offsets). Words are
/// separated by any whitespace (two spaces in PKU and MSR, one in CityU, U+3000 in AS).
pub fn gold_line(line: &str) -> (String, Vec<Range<usize>>) {
    let mut text = String::with_capacity(line.len());
    let mut spans = Vec::new();
    let mut at = 0;
    for word in line
        .trim_start_matches('\u{feff}')
        .split(char::is_whitespace)
    {
        if word.is_empty() {
            continue;
        }
        let n = word.chars().count();
        text.push_str(word);
        spans.push(at..at + n);
        at += n;
    }
    (text, spans)
}

/// Scores a segmenter (text → character spans) on the text of a gold file.
pub fn score_gold(gold: &str, segment: impl Fn(&str) -> Vec<Range<usize>>) -> Counts {
    let mut c = Counts::default();
    for line in gold.lines() {
        let (text, want) = gold_line(line);
        if text.is_empty() {
            continue;
        }
        let got = segment(&text);
        let want_set: HashSet<&Range<usize>> = want.iter().collect();
        c.gold += want.len();
        c.predicted += got.len();
        c.correct += got.iter().filter(|s| want_set.contains(s)).count();
    }
    c
}

/// Every gold file of a SIGHAN folder (`gold/*_gold.utf8`, or the folder itself), scored with
/// the kiosk's segmenter; named by corpus (`as`, `cityu`, `msr`, `pku`), in name order.
pub fn score_folder(dir: &Path) -> Result<Vec<(String, Counts)>, SegEvalError> {
    let gold_dir = if dir.join("gold").is_dir() {
        dir.join("gold")
    } else {
        dir.to_path_buf()
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|error| SegEvalError::Read {
            path: p.to_path_buf(),
            error,
        })
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&gold_dir)
        .map_err(|error| SegEvalError::Read {
            path: gold_dir.clone(),
            error,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("_gold.utf8"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(SegEvalError::NoGold(gold_dir));
    }
    files
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('_').next())
                .unwrap_or("?")
                .to_string();
            Ok((name, score_gold(&read(p)?, super::analysis::segment_spans)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_lines_split_on_any_whitespace_and_keep_character_spans() {
        let (text, spans) = gold_line("共同  创造　美好 的");
        assert_eq!(text, "共同创造美好的");
        assert_eq!(spans, [0..2, 2..4, 4..6, 6..7]);
    }

    #[test]
    fn counts_words_whose_span_matches_exactly() {
        // Gold: 共同 | 创造 | 美好; predicted: 共同 | 创 | 造美好.
        let c = score_gold("共同  创造  美好\n\n", |_| vec![0..2, 2..3, 3..6]);
        assert_eq!(
            c,
            Counts {
                gold: 3,
                predicted: 3,
                correct: 1
            }
        );
        assert!((c.f1() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_kiosk_segmenter_keeps_punctuation_as_words() {
        let c = score_gold("护士  条例  ，", super::super::analysis::segment_spans);
        assert_eq!(c.gold, 3);
        assert_eq!(c.correct, 3, "{c:?}");
    }
}
