//! Tests of pinyin conversion against a small vocabulary.

use super::*;
use crate::search::lexicon::LexWord;

fn index() -> PinyinIndex {
    let words = [
        ("养老", 40, 5),
        ("养老金", 30, 8),
        ("养老保险", 60, 20),
        ("护士", 20, 3),
        ("条例", 900, 400),
        ("社保", 15, 2),
        ("社会", 800, 100),
        ("保险", 300, 80),
        ("经典", 3, 0),
        ("景点", 4, 0),
        ("律师", 50, 5),
        ("绿色", 30, 4),
        ("公司", 500, 60),
        ("公司法", 20, 10),
        ("法", 900, 300),
        ("研究", 200, 2),
        ("劳动", 300, 40),
        ("失业保险", 10, 3),
        ("商业保险", 43, 0),
        ("第一章", 2063, 0),
        ("导游证", 10, 1),
    ];
    let mut lex: Vec<LexWord> = words
        .iter()
        .map(|(t, b, ti)| LexWord {
            text: t.to_string(),
            body_df: *b,
            title_df: *ti,
        })
        .collect();
    lex.sort_by(|a, b| a.text.cmp(&b.text));
    PinyinIndex::build(&Lexicon::new(lex))
}

fn first(idx: &PinyinIndex, input: &str) -> String {
    idx.convert(input, 1)
        .first()
        .map(|c| c.text.clone())
        .unwrap_or_default()
}

#[test]
fn full_pinyin_with_or_without_spaces_converts() {
    let idx = index();
    assert_eq!(first(&idx, "yanglaojin"), "养老金");
    assert_eq!(first(&idx, "yang lao jin"), "养老金");
    assert_eq!(first(&idx, "hushitiaoli"), "护士条例");
    assert_eq!(first(&idx, "yanglaobaoxian"), "养老保险");
}

#[test]
fn initials_convert_to_present_words() {
    let idx = index();
    assert_eq!(first(&idx, "ylj"), "养老金");
    assert_eq!(first(&idx, "hstl"), "护士条例");
    assert_eq!(first(&idx, "gsf"), "公司法");
}

#[test]
fn initials_are_read_as_a_word_of_titles_before_a_commoner_word_of_bodies_only() {
    let idx = index();
    // 商业保险 stands in more records, but in no title: initials name things.
    assert_eq!(first(&idx, "sybx"), "失业保险");
    // Typed in full, the reading is unambiguous either way.
    assert_eq!(first(&idx, "shangyebaoxian"), "商业保险");
    // However many bodies hold it: 第一章 heads most laws' text, 导游证 names one service.
    assert_eq!(first(&idx, "dyz"), "导游证");
    assert_eq!(first(&idx, "diyizhang"), "第一章");
}

#[test]
fn mixed_hanzi_and_pinyin_keeps_the_typed_character() {
    let idx = index();
    assert_eq!(first(&idx, "社bao"), "社保");
    assert_eq!(first(&idx, "养laojin"), "养老金");
}

#[test]
fn v_and_u_both_stand_for_u_umlaut() {
    let idx = index();
    assert_eq!(first(&idx, "lvse"), "绿色");
    assert_eq!(first(&idx, "lushi"), "律师");
}

#[test]
fn homophones_are_told_apart_by_presence_not_matched_to_each_other() {
    let idx = index();
    // jingdian is both 经典 and 景点: both offered, the more present first.
    let c: Vec<String> = idx
        .convert("jingdian", 3)
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert_eq!(c[0], "景点");
    assert!(c.contains(&"经典".to_string()));
}

#[test]
fn unreadable_letters_and_non_pinyin_input_give_nothing() {
    let idx = index();
    assert!(idx.convert("xqzx", 3).is_empty());
    assert!(idx.convert("护士条例", 3).is_empty());
    assert!(!PinyinIndex::is_pinyin_input("2019"));
    assert!(PinyinIndex::is_pinyin_input("ylj"));
}

#[test]
fn keyboard_candidates_start_with_whole_conversions_then_prefix_words() {
    let idx = index();
    let c = idx.candidates("yanglao", 5);
    assert_eq!(c[0], "养老");
    assert!(c.len() >= 2, "{c:?}");
    assert_eq!(idx.candidates("sheb", 3)[0], "社保");
}
