use super::*;

fn ime() -> &'static InputMethod {
    InputMethod::shared().unwrap()
}

fn texts(typed: &str, mode: Mode, n: usize) -> Vec<String> {
    ime()
        .candidates(typed, mode, 0, n, None)
        .candidates
        .into_iter()
        .map(|c| c.text)
        .collect()
}

#[test]
fn zhangsan_in_name_mode_offers_zhang_san_first() {
    let first = texts("zhangsan", Mode::Names, 9);
    assert_eq!(first[0], "张三", "{first:?}");
}

#[test]
fn wangxiuying_in_name_mode_offers_wang_xiu_ying_in_the_first_three() {
    let first = texts("wangxiuying", Mode::Names, 3);
    assert!(first.contains(&"王秀英".to_string()), "{first:?}");
}

#[test]
fn xiu_offers_xiu_the_elegant_on_the_first_page_in_both_modes() {
    let names = texts("xiu", Mode::Names, 9);
    assert!(names.contains(&"秀".to_string()), "{names:?}");
    let general = texts("xiu", Mode::General, 9);
    for c in ["修", "休", "秀"] {
        assert!(general.contains(&c.to_string()), "{c} missing: {general:?}");
    }
}

#[test]
fn choosing_the_surname_keeps_the_remaining_syllables() {
    let typed = "wangxiuying";
    let all = ime().all(typed, Mode::Names, None);
    let wang = all[..9]
        .iter()
        .find(|c| c.text == "王")
        .expect("王 alone on the first page");
    assert_eq!(wang.rest(typed), "xiuying");
    let next = texts(wang.rest(typed), Mode::Names, 9);
    assert!(next.contains(&"秀英".to_string()), "{next:?}");
}

#[test]
fn pages_are_disjoint_and_cover_the_total() {
    let first = ime().candidates("shi", Mode::General, 0, 9, None);
    let second = ime().candidates("shi", Mode::General, 1, 9, None);
    assert!(first.total > 18, "{}", first.total);
    assert_eq!(first.candidates.len(), 9);
    assert!(!first.has_previous() && first.has_next() && second.has_previous());
    for c in &second.candidates {
        assert!(
            !first.candidates.iter().any(|f| f.text == c.text),
            "{} twice",
            c.text
        );
    }
    let all = ime().all("shi", Mode::General, None);
    assert_eq!(all.len(), first.total);
    assert_eq!(all[9..18], second.candidates[..]);
}

#[test]
fn a_long_pinyin_string_converts_as_a_whole_sentence() {
    let first = texts("woyaoshenqingdibao", Mode::General, 5);
    assert_eq!(first[0], "我要申请低保", "{first:?}");
}

#[test]
fn ambiguous_splits_and_apostrophes_are_both_read() {
    let xian = texts("xian", Mode::General, 20);
    assert_eq!(xian[0], "先", "{xian:?}");
    assert!(xian.contains(&"西安".to_string()), "{xian:?}");
    assert_eq!(texts("xi'an", Mode::General, 3)[0], "西安");
}

#[test]
fn initials_and_ordinary_words_give_the_common_term_first() {
    assert_eq!(texts("yanglaojin", Mode::General, 3)[0], "养老金");
    assert_eq!(texts("ldht", Mode::General, 3)[0], "劳动合同");
    assert_eq!(texts("zfxxgk", Mode::General, 3)[0], "政府信息公开");
}

#[test]
fn polyphonic_words_are_found_by_their_right_reading() {
    assert_eq!(texts("yinhang", Mode::General, 3)[0], "银行");
    assert_eq!(texts("chongqing", Mode::General, 3)[0], "重庆");
}

#[test]
fn the_index_vocabulary_ranks_a_word_up_without_removing_others() {
    // 公示 (public notice) is a word of the index; the dictionary alone ranks 公式 higher.
    let plain = texts("gongshi", Mode::General, 400);
    assert_ne!(plain[0], "公示", "{plain:?}");
    assert!(plain.contains(&"公示".to_string()), "{plain:?}");
    let boost = |w: &str| if w == "公示" { 300 } else { 0 };
    let boosted: Vec<String> = ime()
        .all("gongshi", Mode::General, Some(&boost))
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert_eq!(boosted[0], "公示", "{boosted:?}");
    for w in &plain {
        assert!(boosted.contains(w), "{w} removed by the boost");
    }
}

#[test]
fn an_unfinished_last_syllable_still_offers_the_word() {
    let first = texts("zhangs", Mode::Names, 9);
    assert!(first.contains(&"张三".to_string()), "{first:?}");
}

#[test]
fn empty_or_letterless_input_has_no_candidates() {
    assert!(ime().all("", Mode::General, None).is_empty());
    assert!(ime().all("'' 1", Mode::Names, None).is_empty());
    assert_eq!(ime().candidates("", Mode::General, 3, 9, None).total, 0);
}

#[test]
fn traditional_characters_are_never_offered_but_simplified_ones_beyond_gb2312_are() {
    let all: Vec<String> = ime()
        .all("yang", Mode::General, None)
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert!(!all.contains(&"鍚".to_string()), "{all:?}");
    assert!(all.contains(&"杨".to_string()));
    let san = texts("zhangsan", Mode::Names, 400);
    assert!(!san.iter().any(|t| t.contains('繖')), "{san:?}");
    assert!(super::decode::simplified("张乾") && super::decode::simplified("王喆"));
    assert!(!super::decode::simplified("傑"));
}

#[test]
fn common_single_characters_of_the_index_do_not_outrank_a_word_of_initials() {
    // Every record holds 一, 了 and 就; the vocabulary must not make `ylj` a sentence of them.
    let common = |w: &str| match w {
        "一" | "了" | "就" | "有" => 1000,
        "养老金" => 40,
        _ => 0,
    };
    let first = ime().candidates("ylj", Mode::General, 0, 9, Some(&common));
    assert_eq!(first.candidates[0].text, "养老金", "{:?}", first.candidates);
}

#[test]
fn a_rare_character_with_a_bogus_frequency_comes_after_the_common_ones() {
    // jieba lists 笉 (outside GB2312) with the frequency of a common character.
    let qin = texts("qin", Mode::General, 9);
    assert!(!qin.contains(&"笉".to_string()), "{qin:?}");
    assert!(qin.contains(&"琴".to_string()), "{qin:?}");
    assert!(
        ime()
            .all("qin", Mode::General, None)
            .iter()
            .any(|c| c.text == "笉"),
        "still offered"
    );
}

/// A vocabulary that reads typed `dyz` as one word and ranks nothing.
struct Reads(&'static str, &'static str);

impl Vocabulary for Reads {
    fn doc_freq(&self, _: &str) -> u32 {
        0
    }
    fn readings(&self, typed: &str) -> Vec<String> {
        if typed == self.0 {
            vec![self.1.to_string()]
        } else {
            Vec::new()
        }
    }
}

#[test]
fn the_index_s_reading_leads_the_list_once_and_replaces_the_whole_input() {
    let plain = texts("dyz", Mode::General, 400);
    let v = Reads("dyz", "导游证");
    let led = ime().all("dyz", Mode::General, Some(&v));
    assert_eq!(led[0].text, "导游证");
    assert_eq!(led[0].consumed, 3);
    assert_eq!(led.iter().filter(|c| c.text == "导游证").count(), 1);
    // Every other candidate stays, in the dictionary's order.
    let rest: Vec<&str> = led[1..].iter().map(|c| c.text.as_str()).collect();
    let expected: Vec<&str> = plain
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "导游证")
        .collect();
    assert_eq!(rest, expected[..rest.len()]);
    // A name field is not read as the index's words.
    let names = ime().all("dyz", Mode::Names, Some(&v));
    assert_ne!(names[0].text, "导游证");
}
