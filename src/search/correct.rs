//! 「您是不是要找」: a wrong character in a query (同音字 or 形近字) found by what the index
//! knows. A query whose character pairs never occur in the index is checked one character at a
//! time against homophones (same pinyin, from the vocabulary) and similar shapes (a table of
//! classic confusables); the substitution whose pairs all occur, most often, is offered.

use super::lexicon::{readings, Lexicon};
use std::collections::HashMap;

/// Groups of characters commonly confused by shape. Written by hand: no maintained crate
/// carries a 形近字 table.
const SHAPE_GROUPS: &[&str] = &[
    "士土王干工",
    "全金",
    "栽裁载截",
    "验险检捡俭剑",
    "列例烈",
    "侧测则厕",
    "未末",
    "己已巳",
    "日曰",
    "人入八",
    "拔拨",
    "候侯",
    "即既",
    "辩辨辫瓣",
    "账帐",
    "圆园",
    "厉历",
    "免兔",
    "析折拆",
    "戊戌戍",
    "鸟乌",
    "准淮",
    "清请情晴睛",
    "苍抢枪",
    "冶治",
    "贷货",
    "侍待持",
    "暑署",
    "籍藉",
    "峰锋蜂",
    "腊蜡",
    "幕暮墓慕募",
    "密蜜",
    "练炼",
    "券卷",
    "证症",
    "婚昏",
    "护户",
    "澳奥",
    "销消",
    "刺剌",
    "赢嬴",
    "怀坏",
    "祟崇",
    "汩汨",
    "壁璧",
    "惰堕",
    "骄娇",
    "绩积",
    "缴檄",
    "衷哀",
    "茶荼",
    "大太犬",
    "天夭",
    "今令",
    "失矢",
    "子孑",
    "儿几",
    "办为",
    "处外",
    "贝见",
    "仓仑",
    "粟栗",
];

/// Longest run of characters checked for a wrong character (longer text is a sentence, not a
/// name or a title).
const MAX_RUN: usize = 10;
/// Characters around a substitution checked as a phrase when the whole run is none.
const WINDOW: usize = 4;
/// How many of the best substitutions are checked as whole phrases.
const PHRASE_CHECKS: usize = 8;

/// Candidate characters by pinyin and by shape, built from the vocabulary.
#[derive(Debug, Default)]
pub struct Confusables {
    by_syllable: HashMap<String, Vec<char>>,
    by_shape: HashMap<char, Vec<char>>,
}

impl Confusables {
    pub fn build(lexicon: &Lexicon) -> Confusables {
        let mut freq: HashMap<char, u32> = HashMap::new();
        for w in &lexicon.words {
            for c in w.text.chars() {
                *freq.entry(c).or_default() += w.body_df + w.title_df;
            }
        }
        let mut by_syllable: HashMap<String, Vec<(u32, char)>> = HashMap::new();
        for (&c, &f) in &freq {
            for r in readings(c) {
                by_syllable.entry(r).or_default().push((f, c));
            }
        }
        let by_syllable = by_syllable
            .into_iter()
            .map(|(k, mut v)| {
                // Most frequent first; equal frequencies by character, so the candidates (and
                // the 40 kept) do not depend on the hash map's order, which differs per process.
                v.sort_by_key(|e| (std::cmp::Reverse(e.0), e.1));
                (k, v.into_iter().map(|(_, c)| c).take(40).collect())
            })
            .collect();
        let mut by_shape: HashMap<char, Vec<char>> = HashMap::new();
        for group in SHAPE_GROUPS {
            for a in group.chars() {
                by_shape
                    .entry(a)
                    .or_default()
                    .extend(group.chars().filter(|&b| b != a));
            }
        }
        Confusables {
            by_syllable,
            by_shape,
        }
    }

    fn candidates(&self, c: char) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for r in readings(c) {
            if let Some(cs) = self.by_syllable.get(&r) {
                out.extend(cs.iter().filter(|&&x| x != c));
            }
        }
        if let Some(cs) = self.by_shape.get(&c) {
            out.extend(cs);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The corrected text of a run of Han characters. A run the index holds as a phrase is
    /// left alone; otherwise every one-character substitution whose character pairs all occur
    /// in the index is ranked by those pairs' frequencies, and the best few are checked as whole
    /// phrases: the one found in the most records is offered. `pair_df` gives how many records
    /// contain a character pair, `phrase_df` how many contain a text as a phrase.
    pub fn correct(
        &self,
        run: &str,
        pair_df: &dyn Fn(&str) -> u64,
        phrase_df: &dyn Fn(&str) -> u64,
    ) -> Option<String> {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() < 2 || chars.len() > MAX_RUN || phrase_df(run) > 0 {
            return None;
        }
        let score = |cs: &[char]| -> Option<f32> {
            let mut total = 0.0;
            for p in cs.windows(2) {
                let df = pair_df(&p.iter().collect::<String>());
                if df == 0 {
                    return None;
                }
                total += (1.0 + df as f32).ln();
            }
            Some(total)
        };
        let mut ranked: Vec<(f32, usize, Vec<char>)> = Vec::new();
        for i in 0..chars.len() {
            for c in self.candidates(chars[i]) {
                let mut cand = chars.clone();
                cand[i] = c;
                if let Some(s) = score(&cand) {
                    ranked.push((s, i, cand));
                }
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(PHRASE_CHECKS);
        let whole = ranked
            .iter()
            .map(|(_, _, cand)| {
                let text: String = cand.iter().collect();
                (phrase_df(&text), text)
            })
            .filter(|(df, _)| *df > 0)
            .max_by_key(|(df, _)| *df)
            .map(|(_, text)| text);
        if whole.is_some() || chars.len() <= WINDOW {
            return whole;
        }
        // A longer run (残即人证补办) may be a name plus more words that never stand together in
        // a record: then the characters around the change must make a phrase the index holds
        // (残疾人证) where the typed ones (残即人证) make none.
        ranked
            .iter()
            .filter_map(|(_, i, cand)| {
                let start = i.saturating_sub(WINDOW / 2).min(chars.len() - WINDOW);
                let window = start..start + WINDOW;
                let typed: String = chars[window.clone()].iter().collect();
                let fixed: String = cand[window].iter().collect();
                if phrase_df(&typed) > 0 {
                    return None;
                }
                let df = phrase_df(&fixed);
                (df > 0).then(|| (df, cand.iter().collect::<String>()))
            })
            .max_by_key(|(df, _)| *df)
            .map(|(_, text)| text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::lexicon::LexWord;

    fn conf() -> Confusables {
        let words = [
            "护士", "条例", "户口", "合同", "劳动", "是", "和", "土地", "时", "士兵",
        ];
        let mut lex: Vec<LexWord> = words
            .iter()
            .map(|t| LexWord {
                text: t.to_string(),
                body_df: 100,
                title_df: 1,
            })
            .collect();
        lex.sort_by(|a, b| a.text.cmp(&b.text));
        Confusables::build(&Lexicon::new(lex))
    }

    fn phrase(text: &str) -> u64 {
        match text {
            "护士条例" => 50,
            "劳动合同法" => 80,
            _ => 0,
        }
    }

    fn df(pair: &str) -> u64 {
        match pair {
            "护士" => 300,
            "士条" => 40,
            "条例" => 900,
            "劳动" => 800,
            "动合" => 200,
            "合同" => 700,
            "同法" => 30,
            "动和" => 2,
            "和同" => 1,
            "例修" => 5,
            "修订" => 60,
            _ => 0,
        }
    }

    #[test]
    fn a_homophone_is_corrected() {
        assert_eq!(
            conf().correct("户士条例", &df, &phrase).as_deref(),
            Some("护士条例")
        );
        assert_eq!(
            conf().correct("劳动和同法", &df, &phrase).as_deref(),
            Some("劳动合同法")
        );
    }

    #[test]
    fn a_similar_shape_is_corrected() {
        assert_eq!(
            conf().correct("护土条例", &df, &phrase).as_deref(),
            Some("护士条例")
        );
    }

    #[test]
    fn a_wrong_character_in_a_longer_run_is_checked_against_the_phrase_around_it() {
        // No record holds 护士条例修订 as a phrase, but the four characters around the change do.
        assert_eq!(
            conf().correct("户士条例修订", &df, &phrase).as_deref(),
            Some("护士条例修订")
        );
    }

    #[test]
    fn text_the_index_knows_is_left_alone() {
        assert_eq!(conf().correct("护士条例", &df, &phrase), None);
        assert_eq!(conf().correct("火星移民", &df, &phrase), None);
    }
}
