//! What to offer when a query finds nothing: shorter queries made of its own words that do
//! find records (滑雪场季卡优惠 → 季卡优惠, 滑雪场). Owns only the choice of those queries; the
//! searching is `SearchIndex::search_with`, so every offer passes the same cut-off.

use super::error::SearchError;
use super::query::{SearchIndex, SearchRequest, POOL};

/// How many shorter queries the screen and `kiosk search` offer.
pub const OFFERED: usize = 4;

/// A shorter form that fills the whole candidate pool with records that pass (政策, 优惠), or
/// that a quarter of the records of a small index answer (办理), is too broad to help someone
/// who asked for something particular.
const TOO_BROAD: usize = POOL;
const TOO_BROAD_SHARE: u64 = 4;

/// Queries of more words than this are not cut down: a long question that finds nothing has
/// too many shorter forms to try, and its words alone say little.
const MOST_WORDS: usize = 6;

/// The shorter forms of a query of `words`, fullest first, each with how many words it keeps:
/// words of one character are dropped first (卡, 天: alone they find everything and mean
/// nothing); then each remaining word is left out in turn; then each stands alone. Words that
/// stood side by side in the query are written together, others with a space between them.
/// Without repeats, and never the query itself.
pub fn shorter_forms(words: &[&str]) -> Vec<(usize, String)> {
    if words.len() < 2 || words.len() > MOST_WORDS {
        return Vec::new();
    }
    let strong: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().count() >= 2)
        .collect();
    let mut picks: Vec<Vec<usize>> = Vec::new();
    if strong.len() < words.len() {
        picks.push(strong.clone());
    }
    if strong.len() > 2 {
        for skip in 0..strong.len() {
            picks.push(
                strong
                    .iter()
                    .copied()
                    .filter(|&i| i != strong[skip])
                    .collect(),
            );
        }
    }
    picks.extend(strong.iter().map(|&i| vec![i]));
    let whole = join(words, &(0..words.len()).collect::<Vec<_>>());
    let mut forms: Vec<(usize, String)> = Vec::new();
    for pick in picks.into_iter().filter(|p| !p.is_empty()) {
        let form = join(words, &pick);
        if form != whole && !forms.iter().any(|(_, f)| *f == form) {
            forms.push((pick.len(), form));
        }
    }
    forms
}

/// The words at `picked` (ascending indices into `words`): written together where they stood
/// side by side in the query, as Chinese is, and with a space where a word was left out
/// between them or where two Latin or digit runs would otherwise run into one.
fn join(words: &[&str], picked: &[usize]) -> String {
    let mut out = String::new();
    let mut last: Option<usize> = None;
    for &i in picked {
        let w = words[i];
        let apart = last.is_some_and(|l| l + 1 != i);
        let glued = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && w.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if apart || glued {
            out.push(' ');
        }
        out.push_str(w);
        last = Some(i);
    }
    out
}

impl SearchIndex {
    /// For a query that found nothing: up to `n` shorter queries made of its own words that do
    /// find records under the same filters (but not too many, [`TOO_BROAD`]), the fullest
    /// first, then those finding more.
    pub fn alternatives(&self, req: &SearchRequest, n: usize) -> Result<Vec<String>, SearchError> {
        let u = self.understand(&req.query);
        let Some(main) = u.variants.first() else {
            return Ok(Vec::new());
        };
        let words: Vec<&str> = main.words.iter().map(|w| w.text.as_str()).collect();
        let records = self.num_docs();
        let mut found = Vec::new();
        for (kept, form) in shorter_forms(&words) {
            let r = self.search_with(&SearchRequest {
                query: form.clone(),
                limit: 1,
                ..req.clone()
            })?;
            let broad = r.total >= TOO_BROAD || r.total as u64 * TOO_BROAD_SHARE >= records;
            if !r.hits.is_empty() && !broad {
                let verbatim = u.text.contains(form.as_str());
                found.push((kept, verbatim, form.chars().count(), r.total, form));
            }
        }
        // Fullest first: more of the query's words; then a piece of the query as typed (季卡优惠)
        // before words brought together (滑雪场 优惠); then more characters, then more records
        // found; a stable sort keeps the order of the words otherwise.
        found.sort_by_key(|f| std::cmp::Reverse((f.0, f.1, f.2, f.3)));
        Ok(found.into_iter().take(n).map(|f| f.4).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(forms: Vec<(usize, String)>) -> Vec<String> {
        forms.into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn each_word_is_left_out_in_turn_then_each_stands_alone() {
        let forms = shorter_forms(&["滑雪场", "季卡", "优惠"]);
        let kept: Vec<usize> = forms.iter().map(|f| f.0).collect();
        assert_eq!(kept, [2, 2, 2, 1, 1, 1]);
        assert_eq!(
            texts(forms),
            [
                "季卡优惠",
                "滑雪场 优惠",
                "滑雪场季卡",
                "滑雪场",
                "季卡",
                "优惠"
            ]
        );
        // Two words: each alone.
        assert_eq!(
            texts(shorter_forms(&["小孩", "打预防针"])),
            ["小孩", "打预防针"]
        );
        assert!(shorter_forms(&["护士条例"]).is_empty());
        let seven = ["社保", "医保", "公积金", "户籍", "低保", "养老", "就业"];
        assert!(shorter_forms(&seven).is_empty());
    }

    #[test]
    fn one_character_words_go_first_and_are_never_offered_alone() {
        assert_eq!(
            texts(shorter_forms(&["老年人", "乘车", "卡"])),
            ["老年人乘车", "老年人", "乘车"]
        );
        assert_eq!(texts(shorter_forms(&["产假", "天"])), ["产假"]);
    }

    #[test]
    fn latin_and_digit_runs_keep_a_space_between_them() {
        let forms = texts(shorter_forms(&["iPhone", "15", "维修"]));
        assert_eq!(forms[0], "15维修");
        assert_eq!(forms[2], "iPhone 15");
    }
}
