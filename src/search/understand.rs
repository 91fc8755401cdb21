//! How a raw query is understood: normalised (traditional → simplified, full-width → half),
//! pinyin converted to Hanzi, plain words rewritten to official terms, a wrong character
//! corrected; the result is a set of weighted variants, their words and character bigrams, and
//! any 发文字号/索引号 key. Pure: the index is only asked for frequencies (of character pairs,
//! phrases and words).

use super::analysis::{bigrams, dictionary_word, normalize, segment, Mode, Word};
use super::correct::Corrector;
use super::lexicon::Lexicon;
use super::pinyin::PinyinIndex;
use super::synonyms::Synonyms;
use crate::catalog::{index_number_key, DocNumberKey};
use std::collections::HashMap;

/// Words so common in questions that they carry no topic.
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "和",
    "与",
    "及",
    "或",
    "是",
    "在",
    "有",
    "吗",
    "呢",
    "吧",
    "啊",
    "么",
    "什么",
    "哪些",
    "哪个",
    "哪里",
    "怎么",
    "怎样",
    "如何",
    "为何",
    "多少",
    "几",
    "请问",
    "我",
    "我们",
    "你",
    "对于",
    "关于",
    "对",
    "有何",
    "是否",
    "能否",
    "可以",
    "需要",
    "要",
    "被",
    "把",
    "将",
    "就",
    "都",
    "也",
    "等",
    "其",
    "之",
    "为",
    "以",
    "于",
    "上",
    "中",
    "下",
    "去",
    "到",
    "想",
    "个",
    "吗",
    "啥",
    "咋",
    "呀",
    "怎么办",
    // 什么样, 怎么样: the segmenter may keep them whole or cut off 样, which alone names nothing.
    "什么样",
    "怎么样",
    "样",
    "多久",
    "多长",
    "多大",
    "多远",
    "几时",
];
/// Words that say the citizen wants to get something done: service items rank higher.
const HOWTO_MARKERS: &[&str] = &[
    "怎么办",
    "如何办",
    "办理",
    "怎么申请",
    "如何申请",
    "手续",
    "材料",
    "补办",
    "换领",
    "在哪办",
    "去哪",
    "哪里办",
    "流程",
    "需要带",
    "要带",
    "怎么领",
];
/// Longest query considered, in characters (a pasted essay must not cost more).
const MAX_QUERY_CHARS: usize = 200;
/// Weight of a second-best pinyin conversion.
const SECOND_CONVERSION: f32 = 0.6;
/// Weight of a rewrite by the derived plain-words table (the staff's table counts fully).
const DERIVED_WEIGHT: f32 = 0.8;
/// Weight of the typed Latin letters themselves once converted (they may be a real term).
const LATIN_AS_TYPED: f32 = 0.3;

/// One way of reading the query, with how much it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub text: String,
    pub weight: f32,
    /// Content words of this variant (stop words removed).
    pub words: Vec<Word>,
}

/// The understood query.
#[derive(Debug, Clone, Default)]
pub struct Understanding {
    /// The normalised query as typed.
    pub text: String,
    /// Readings of the query; the first is the main one (phrases are built from it).
    pub variants: Vec<Variant>,
    /// Every distinct word with the highest weight of any variant containing it.
    pub words: Vec<(String, f32)>,
    /// Character bigrams with weights, from every variant.
    pub grams: Vec<(String, f32)>,
    pub doc_key: Option<String>,
    pub index_key: Option<String>,
    /// The Hanzi the pinyin input was read as.
    pub converted: Option<String>,
    /// 「您是不是要找」: the query with a wrong character corrected.
    pub suggestion: Option<String>,
    /// The query asks how to get something done.
    pub howto: bool,
}

/// What understanding needs from the open generation.
pub struct Context<'a> {
    pub pinyin: &'a PinyinIndex,
    pub synonyms: &'a Synonyms,
    /// The generation's derived plain words (`plain`), the staff's overrides applied.
    pub derived: &'a Synonyms,
    pub corrector: &'a Corrector,
    /// The generation's vocabulary (the corrector's words).
    pub lexicon: &'a Lexicon,
    /// Documents containing a character pair.
    pub pair_df: &'a dyn Fn(&str) -> u64,
    /// Documents containing a text as a phrase.
    pub phrase_df: &'a dyn Fn(&str) -> u64,
    /// Documents whose title, body or searched extra fields (主题词, a service item's
    /// conditions) hold a word as the index segmented them.
    pub word_df: &'a dyn Fn(&str) -> u64,
}

fn content_words(text: &str, indexed: &dyn Fn(&str) -> bool) -> Vec<Word> {
    let mut seen = std::collections::HashSet::new();
    without_a_not_a(segment(text, Mode::Query))
        .into_iter()
        .flat_map(|w| unglued(w, indexed))
        .filter_map(without_question_part)
        .filter(|w| !STOP_WORDS.contains(&w.text.as_str()))
        .filter(|w| seen.insert(w.text.clone()))
        .take(32)
        .collect()
}

/// A query word that is no word of the language (not a CC-CEDICT headword) and that no record
/// holds is characters the segmenter glued together (养狗要, 哪办, 没人养, 怎么销): as one
/// unknown word it would weigh most and match nothing, so it is cut into the longest words
/// the dictionary or the index knows (养狗 + 要, 没人 + 养), single characters otherwise. A
/// real word no record holds (网红, 剧本杀) stays whole: that is the subject being absent.
/// `indexed` says whether the index's vocabulary holds a text.
fn unglued(w: Word, indexed: &dyn Fn(&str) -> bool) -> Vec<Word> {
    let chars: Vec<char> = w.text.chars().collect();
    let han = chars.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c));
    if chars.len() < 2 || !han || dictionary_word(&w.text) || indexed(&w.text) {
        return vec![w];
    }
    let known = |s: &str| dictionary_word(s) || indexed(s);
    let mut out = Vec::new();
    let (mut at, mut byte) = (0, w.byte_start);
    while at < chars.len() {
        let longest = (at + 2..=chars.len().min(at + chars.len() - 1))
            .rev()
            .find(|&end| known(&chars[at..end].iter().collect::<String>()))
            .unwrap_or(at + 1);
        let text: String = chars[at..longest].iter().collect();
        out.push(Word {
            char_start: w.char_start + at,
            char_end: w.char_start + longest,
            byte_start: byte,
            byte_end: byte + text.len(),
            text,
        });
        byte = out.last().map_or(byte, |p| p.byte_end);
        at = longest;
    }
    out
}

/// Whether a text is a yes-no question of the A-not-A form (会不会, 能不能, 算不算, 有没有,
/// 可不可以, 要不要交): a verb, 不 or 没, and the verb again, so nothing the answer is about.
fn is_a_not_a(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len().saturating_sub(1)).any(|k| {
        let (before, after) = (&chars[..k], &chars[k + 1..]);
        matches!(chars[k], '不' | '没')
            && after.len() >= before.len()
            && after[..before.len()] == *before
            && after.len() <= before.len() + 1
    })
}

/// The words without the runs of one to three words that spell an A-not-A question (however
/// the segmenter cut 会不会: whole, or 会 + 不会).
fn without_a_not_a(words: Vec<Word>) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let run = (1..=3.min(words.len() - i)).rev().find(|&n| {
            let piece = &words[i..i + n];
            piece.windows(2).all(|p| p[0].char_end == p[1].char_start)
                && is_a_not_a(&piece.iter().map(|w| w.text.as_str()).collect::<String>())
        });
        match run {
            Some(n) => i += n,
            None => {
                out.push(words[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// A query word with a question word or particle stuck to it trimmed to its content: the
/// dictionary's 多少岁 is asked as 岁, and a pair the segmenter guessed from two unknown
/// characters (冷静期是 → 冷静 + 期是) keeps only the character that is not a particle.
fn without_question_part(mut w: Word) -> Option<Word> {
    let chars: Vec<char> = w.text.chars().collect();
    let n = chars.len();
    let piece = |a: usize, b: usize| -> String { chars[a..b].iter().collect() };
    let stop = |t: &str| STOP_WORDS.contains(&t);
    let cut = |w: &mut Word, from: usize, to: usize| {
        let text = piece(from, to);
        w.byte_start += chars[..from].iter().map(|c| c.len_utf8()).sum::<usize>();
        w.byte_end = w.byte_start + text.len();
        w.char_end = w.char_start + to;
        w.char_start += from;
        w.text = text;
    };
    if n >= 3 {
        if let Some(k) = (2..n).find(|&k| stop(&piece(0, k))) {
            cut(&mut w, k, n);
        } else if let Some(k) = (1..n - 1).rev().find(|&k| stop(&piece(k, n)) && k <= n - 2) {
            cut(&mut w, 0, k);
        }
    } else if n == 2 && chars[0] == '几' {
        // 几天, 几岁, 几年: the question is how many; the unit is what the answer counts.
        cut(&mut w, 1, 2);
    } else if n == 2 && !super::analysis::jieba().has_word(&w.text) {
        match (stop(&piece(0, 1)), stop(&piece(1, 2))) {
            (true, false) => cut(&mut w, 1, 2),
            (false, true) => cut(&mut w, 0, 1),
            (true, true) => return None,
            (false, false) => {}
        }
    }
    Some(w)
}

fn variant(text: String, weight: f32, ctx: &Context) -> Variant {
    let words = content_words(&text, &|t| {
        ctx.lexicon.get(t).is_some() || (ctx.word_df)(t) > 0
    });
    Variant {
        text,
        weight,
        words,
    }
}

/// How many records at most hold `text` as a phrase: the fewest holding one of its character
/// pairs (the phrase count itself for a single character).
fn pair_bound(text: &str, ctx: &Context) -> u64 {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 2 {
        return (ctx.phrase_df)(text);
    }
    chars
        .windows(2)
        .map(|p| (ctx.pair_df)(&p.iter().collect::<String>()))
        .min()
        .unwrap_or(0)
}

/// The text with every count written in Arabic digits (1 to 999, right before a Han character
/// that is no 年, so years and document numbers stay) spelt in Chinese numerals as laws write
/// them; `None` when there is none.
fn spell_counts(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii_digit() {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = chars[start..i].iter().collect();
        let next = chars.get(i).copied();
        let after_number = start > 0
            && matches!(
                chars[start - 1],
                '〔' | '〕' | '[' | ']' | '(' | ')' | '（' | '）' | '第'
            );
        let n: u32 = digits.parse().unwrap_or(0);
        let counts = next.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) && c != '年');
        if (1..=999).contains(&n) && counts && !after_number && !digits.starts_with('0') {
            out.push_str(&chinese_numeral(n));
            changed = true;
        } else {
            out.push_str(&digits);
        }
    }
    changed.then_some(out)
}

/// 1 to 999 in Chinese numerals as a law writes a count: 十六, 八十, 一百零五, 三百二十.
fn chinese_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut s = String::new();
    if h > 0 {
        s.push(DIGITS[h as usize]);
        s.push('百');
    }
    if t > 0 {
        if h > 0 || t > 1 {
            s.push(DIGITS[t as usize]);
        }
        s.push('十');
    } else if h > 0 && u > 0 {
        s.push('零');
    }
    if u > 0 {
        s.push(DIGITS[u as usize]);
    }
    s
}

/// Replaces the maximal runs of Han characters of `text` by their corrections, if any.
fn correct_runs(text: &str, ctx: &Context) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut changed = false;
    let flush = |run: &mut String, out: &mut String, changed: &mut bool| {
        if run.chars().count() >= 2 {
            if let Some(c) = ctx.corrector.correct(ctx.lexicon, run, ctx.phrase_df) {
                out.push_str(&c);
                *changed = true;
                run.clear();
                return;
            }
        }
        out.push_str(run);
        run.clear();
    };
    for c in text.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out, &mut changed);
            out.push(c);
        }
    }
    flush(&mut run, &mut out, &mut changed);
    changed.then_some(out)
}

/// Pushes the best two conversions of the pinyin `text` and the letters as typed onto
/// `variants`; returns the best conversion.
fn push_conversions(variants: &mut Vec<Variant>, text: &str, ctx: &Context) -> Option<String> {
    // Conversions whose characters also meet in the index are more likely what was meant:
    // the rarest character pair bounds how many records can hold the whole (a phrase count
    // would read the positions of every common word of 领导不 or 法律或者).
    let mut conversions = ctx.pinyin.convert(text, 8);
    for c in &mut conversions {
        c.score += (1.0 + pair_bound(&c.text, ctx) as f32).ln();
    }
    conversions.sort_by(|a, b| b.score.total_cmp(&a.score));
    conversions.truncate(2);
    for (i, c) in conversions.iter().enumerate() {
        variants.push(variant(
            c.text.clone(),
            if i == 0 { 1.0 } else { SECOND_CONVERSION },
            ctx,
        ));
    }
    let converted = conversions.first().map(|c| c.text.clone());
    variants.push(variant(
        text.to_string(),
        if conversions.is_empty() {
            1.0
        } else {
            LATIN_AS_TYPED
        },
        ctx,
    ));
    converted
}

/// The synonym rewrites of `variants` not already among them, each at its source's weight.
fn synonym_rewrites(variants: &[Variant], ctx: &Context) -> Vec<Variant> {
    let mut rewritten = Vec::new();
    for v in variants {
        let staff = ctx.synonyms.rewrites(&v.text).into_iter().map(|r| (r, 1.0));
        let derived = ctx.derived.rewrites(&v.text).into_iter();
        for (r, w) in staff.chain(derived.map(|r| (r, DERIVED_WEIGHT))) {
            if !variants
                .iter()
                .chain(rewritten.iter())
                .any(|x: &Variant| x.text == r)
            {
                rewritten.push(variant(r, v.weight * w, ctx));
            }
        }
    }
    rewritten
}

/// Understands a raw query.
pub fn understand(raw: &str, ctx: &Context) -> Understanding {
    let bounded: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let text = normalize(bounded.trim());
    let mut u = Understanding {
        text: text.clone(),
        doc_key: DocNumberKey::parse(&text).map(|k| k.as_str().to_string()),
        index_key: (text.contains('/') || text.contains('-'))
            .then(|| index_number_key(&text))
            .flatten(),
        howto: HOWTO_MARKERS.iter().any(|m| text.contains(m)),
        ..Understanding::default()
    };
    if text.is_empty() {
        return u;
    }
    let mut variants: Vec<Variant> = Vec::new();
    if PinyinIndex::is_pinyin_input(&text) {
        u.converted = push_conversions(&mut variants, &text, ctx);
    } else {
        variants.push(variant(text.clone(), 1.0, ctx));
    }
    if u.doc_key.is_none() {
        if let Some(corrected) = correct_runs(&variants[0].text, ctx) {
            u.suggestion = Some(corrected.clone());
            variants.push(variant(corrected, 1.0, ctx));
        }
        // Laws write counts in Chinese numerals: 16岁 is 十六周岁 there, 30日 is 三十日.
        if let Some(spelled) = spell_counts(&variants[0].text) {
            variants.push(variant(spelled, 1.0, ctx));
        }
    }
    let rewritten = synonym_rewrites(&variants, ctx);
    variants.extend(rewritten);
    let mut words: HashMap<String, f32> = HashMap::new();
    let mut grams: HashMap<String, f32> = HashMap::new();
    for v in &variants {
        for w in &v.words {
            let e = words.entry(w.text.clone()).or_insert(0.0);
            *e = e.max(v.weight);
        }
        for (_, g) in bigrams(&v.text).into_iter().take(64) {
            let e = grams.entry(g).or_insert(0.0);
            *e = e.max(v.weight);
        }
    }
    let mut words: Vec<(String, f32)> = words.into_iter().collect();
    words.sort_by(|a, b| a.0.cmp(&b.0));
    let mut grams: Vec<(String, f32)> = grams.into_iter().collect();
    grams.sort_by(|a, b| a.0.cmp(&b.0));
    u.words = words;
    u.grams = grams;
    u.variants = variants;
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::lexicon::LexWord;

    fn with_ctx<R>(f: impl FnOnce(&Context) -> R) -> R {
        let mut lex: Vec<LexWord> = [
            "护士",
            "条例",
            "社会",
            "保险",
            "养老",
            "养老金",
            "展会",
            "办证",
        ]
        .iter()
        .map(|t| LexWord {
            text: t.to_string(),
            body_df: 50,
            title_df: 5,
        })
        .collect();
        lex.sort_by(|a, b| a.text.cmp(&b.text));
        let lexicon = Lexicon::new(lex);
        let pinyin = PinyinIndex::build(&lexicon);
        let corrector = Corrector::build(&lexicon);
        let (synonyms, _) = Synonyms::parse("社保 = 社会保险\n");
        let df = |p: &str| -> u64 {
            if ["护士", "士条", "条例"].contains(&p) {
                100
            } else {
                0
            }
        };
        let phrase = |p: &str| -> u64 {
            if p == "护士条例" {
                30
            } else {
                0
            }
        };
        f(&Context {
            pinyin: &pinyin,
            synonyms: &synonyms,
            derived: &Synonyms::default(),
            corrector: &corrector,
            lexicon: &lexicon,
            pair_df: &df,
            phrase_df: &phrase,
            word_df: &|w: &str| if w == "复绿" { 1 } else { 0 },
        })
    }

    /// The words of the main reading of `q`.
    fn main_words(q: &str, ctx: &Context) -> Vec<String> {
        understand(q, ctx).variants[0]
            .words
            .iter()
            .map(|w| w.text.clone())
            .collect()
    }

    #[test]
    fn characters_glued_into_no_word_are_cut_into_words_and_real_words_stay_whole() {
        with_ctx(|ctx| {
            // The segmenter reads 养狗要 and 没人养 as words; neither is one, and no record
            // holds them: cut into what the index (办证) or the dictionary (没人) knows.
            let u = understand("养狗要办证", ctx);
            let words: Vec<(&str, usize, usize)> = u.variants[0]
                .words
                .iter()
                .map(|w| (w.text.as_str(), w.char_start, w.char_end))
                .collect();
            assert_eq!(words, [("养", 0, 1), ("狗", 1, 2), ("办证", 3, 5)]);
            let words = main_words("孤寡老人没人养", ctx);
            assert!(
                !words.iter().any(|w| w == "没人养") && words.iter().any(|w| w == "养"),
                "{words:?}"
            );
            // A word of the language that no record holds is the subject being absent.
            for real in ["网红", "剧本杀", "元宇宙"] {
                let w = Word {
                    text: real.into(),
                    char_start: 0,
                    char_end: real.chars().count(),
                    byte_start: 0,
                    byte_end: real.len(),
                };
                assert_eq!(unglued(w.clone(), &|_| false), [w]);
            }
            // A word the index holds stays whole whatever the dictionary says: in the
            // vocabulary of titles and bodies, or only in a keywords field.
            assert_eq!(main_words("养老金", ctx), ["养老金"]);
            assert_eq!(main_words("矿山复绿", ctx), ["矿山", "复绿"]);
        });
    }

    #[test]
    fn question_words_are_dropped_and_content_words_kept() {
        with_ctx(|ctx| {
            let words = main_words("北京市对展会有什么支持政策？", ctx);
            let has = |w: &str| words.iter().any(|x| x == w);
            assert!(has("北京市") && has("展会"), "{words:?}");
            assert!(!has("什么") && !has("有"), "{words:?}");
            for q in [
                "上海市对困境儿童实施什么样的管理？",
                "返京从业人员需要怎么样？",
            ] {
                let words = main_words(q, ctx);
                assert!(
                    !words.iter().any(|w| w.contains('样')) && words.len() >= 2,
                    "{q}: {words:?}"
                );
            }
        })
    }

    #[test]
    fn a_not_a_questions_carry_no_topic() {
        for q in ["会不会", "能不能", "算不算", "有没有", "可不可以", "要不要"] {
            assert!(is_a_not_a(q), "{q}");
        }
        for w in ["不动产", "不会", "对不起", "差不多", "来不及", "了不起"] {
            assert!(!is_a_not_a(w), "{w}");
        }
        with_ctx(|ctx| {
            let words = main_words("上下班路上出车祸算不算工伤", ctx);
            assert!(words.iter().any(|w| w == "工伤"), "{words:?}");
            assert!(!words.iter().any(|w| w.contains('算')), "{words:?}");
            let words = main_words("失业了可不可以领失业金", ctx);
            assert!(!words.iter().any(|w| w.contains('可')), "{words:?}");
        })
    }

    #[test]
    fn pinyin_is_converted_and_searched_as_hanzi() {
        with_ctx(|ctx| {
            let u = understand("yanglaojin", ctx);
            assert_eq!(u.converted.as_deref(), Some("养老金"));
            assert_eq!(u.variants[0].text, "养老金");
        })
    }

    #[test]
    fn plain_words_add_the_official_reading() {
        with_ctx(|ctx| {
            let u = understand("社保", ctx);
            assert!(u.variants.iter().any(|v| v.text == "社会保险"));
            assert!(u.words.iter().any(|(w, _)| w == "社保"));
        })
    }

    #[test]
    fn traditional_input_is_read_as_simplified() {
        with_ctx(|ctx| assert_eq!(understand("護士條例", ctx).text, "护士条例"))
    }

    #[test]
    fn a_wrong_character_gives_a_suggestion() {
        with_ctx(|ctx| {
            let u = understand("户士条例", ctx);
            assert_eq!(u.suggestion.as_deref(), Some("护士条例"));
            assert_eq!(understand("护士条例", ctx).suggestion, None);
        })
    }

    #[test]
    fn how_many_is_asked_as_its_unit() {
        with_ctx(|ctx| {
            let words: Vec<String> = understand("春节放几天假", ctx).variants[0]
                .words
                .iter()
                .map(|w| w.text.clone())
                .collect();
            assert!(words.contains(&"天".to_string()), "{words:?}");
            assert!(!words.iter().any(|w| w.contains('几')), "{words:?}");
            let words: Vec<String> = understand("实习期多长时间", ctx).variants[0]
                .words
                .iter()
                .map(|w| w.text.clone())
                .collect();
            assert!(!words.contains(&"多长".to_string()), "{words:?}");
        })
    }

    #[test]
    fn counts_are_also_read_in_chinese_numerals() {
        assert_eq!(
            spell_counts("招用不满16岁的童工").as_deref(),
            Some("招用不满十六岁的童工")
        );
        assert_eq!(
            spell_counts("80岁以上老人").as_deref(),
            Some("八十岁以上老人")
        );
        assert_eq!(
            spell_counts("离婚冷静期30天").as_deref(),
            Some("离婚冷静期三十天")
        );
        assert_eq!(chinese_numeral(105), "一百零五");
        assert_eq!(chinese_numeral(320), "三百二十");
        assert_eq!(chinese_numeral(10), "十");
        // Years, document numbers and bare numbers stay as typed.
        assert_eq!(spell_counts("2019年春节放几天假"), None);
        assert_eq!(spell_counts("国发〔2019〕5号"), None);
        assert_eq!(spell_counts("第5号令"), None);
        assert_eq!(spell_counts("12345"), None);
    }

    #[test]
    fn doc_numbers_and_index_numbers_are_recognised() {
        with_ctx(|ctx| {
            assert_eq!(
                understand("国发2019 5号", ctx).doc_key.as_deref(),
                Some("国发2019-5")
            );
            assert_eq!(
                understand("000014349/2019-00007", ctx).index_key.as_deref(),
                Some("000014349201900007")
            );
            assert!(understand("怎么办理结婚登记", ctx).howto);
        })
    }
}
