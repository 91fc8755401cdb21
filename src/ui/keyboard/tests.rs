//! The keyboard's editing rules, without a screen.

use super::*;

fn none() -> Candidates {
    Candidates::default()
}

/// A page for `pinyin`: each word with the bytes of the pinyin it replaces.
fn page(pinyin: &str, words: &[(&str, usize)]) -> Candidates {
    Candidates {
        pinyin: pinyin.into(),
        texts: words.iter().map(|(w, _)| w.to_string()).collect(),
        consumed: words.iter().map(|(_, c)| *c).collect(),
        ..Candidates::default()
    }
}

fn typed(kb: &mut Keyboard, text: &mut String, keys: &str) {
    for c in keys.chars() {
        kb.apply(text, Key::Letter(c), &none());
    }
}

#[test]
fn letters_build_pinyin_and_a_candidate_replaces_it() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    typed(&mut kb, &mut text, "shebao");
    assert_eq!(kb.pinyin, "shebao");
    assert_eq!(text, "");
    assert_eq!(kb.preview(&text), "shebao");
    let bar = page("shebao", &[("社保", 6)]);
    kb.apply(&mut text, Key::Candidate(0), &bar);
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("社保", ""));
    typed(&mut kb, &mut text, "ka");
    assert_eq!(kb.preview(&text), "社保ka");
}

#[test]
fn picking_the_surname_keeps_the_given_name_syllables_pending() {
    let mut kb = Keyboard::for_field(FieldKind::PersonName);
    let mut text = String::new();
    typed(&mut kb, &mut text, "wangxiuying");
    let bar = page("wangxiuying", &[("王秀英", 11), ("王", 4)]);
    kb.apply(&mut text, Key::Candidate(1), &bar);
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("王", "xiuying"));
    let bar = page("xiuying", &[("秀英", 7)]);
    kb.apply(&mut text, Key::Candidate(0), &bar);
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("王秀英", ""));
}

#[test]
fn a_candidate_shown_for_fewer_letters_replaces_only_those() {
    // 张三 arrived for `zhangsa`; `n` was typed before it was tapped.
    let mut kb = Keyboard::default();
    let mut text = String::new();
    typed(&mut kb, &mut text, "zhangsan");
    kb.apply(
        &mut text,
        Key::Candidate(0),
        &page("zhangsa", &[("张三", 7)]),
    );
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("张三", "n"));
}

#[test]
fn digit_keys_pick_numbered_candidates_while_pinyin_is_pending() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    typed(&mut kb, &mut text, "xiu");
    let bar = page("xiu", &[("修", 3), ("休", 3), ("秀", 3)]);
    assert_eq!(
        kb.apply(&mut text, Key::Text("3".into()), &bar),
        Applied::Edited
    );
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("秀", ""));
    // Nothing pending: a digit is a digit.
    kb.apply(&mut text, Key::Text("3".into()), &bar);
    assert_eq!(text, "秀3");
    // A number beyond the page does nothing.
    typed(&mut kb, &mut text, "xiu");
    assert_eq!(
        kb.apply(&mut text, Key::Text("9".into()), &bar),
        Applied::Nothing
    );
    assert_eq!(kb.pinyin, "xiu");
}

#[test]
fn paging_asks_for_the_next_page_only_when_there_is_one_and_typing_returns_to_the_first() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    assert_eq!(
        kb.apply(&mut text, Key::NextPage, &none()),
        Applied::Nothing
    );
    typed(&mut kb, &mut text, "shi");
    let mut bar = page("shi", &[("是", 3)]);
    assert_eq!(kb.apply(&mut text, Key::NextPage, &bar), Applied::Nothing);
    bar.has_next = true;
    assert_eq!(kb.apply(&mut text, Key::NextPage, &bar), Applied::Paged);
    assert_eq!(kb.page, 1);
    bar.page = 1;
    assert_eq!(kb.apply(&mut text, Key::NextPage, &bar), Applied::Paged);
    assert_eq!(kb.page, 2);
    assert_eq!(kb.apply(&mut text, Key::PreviousPage, &bar), Applied::Paged);
    assert_eq!(kb.page, 1);
    assert!(text.is_empty(), "paging types nothing");
    typed(&mut kb, &mut text, "j");
    assert_eq!((kb.page, kb.pinyin.as_str()), (0, "shij"));
}

#[test]
fn backspace_eats_pinyin_first_then_text_and_clear_empties_both() {
    let mut kb = Keyboard::default();
    let mut text = "低保".to_string();
    typed(&mut kb, &mut text, "sq");
    kb.apply(&mut text, Key::Backspace, &none());
    assert_eq!((text.as_str(), kb.pinyin.as_str()), ("低保", "s"));
    kb.apply(&mut text, Key::Backspace, &none());
    kb.apply(&mut text, Key::Backspace, &none());
    assert_eq!(text, "低");
    kb.apply(&mut text, Key::Clear, &none());
    assert!(text.is_empty() && kb.pinyin.is_empty());
    assert_eq!(
        kb.apply(&mut text, Key::Backspace, &none()),
        Applied::Nothing
    );
}

#[test]
fn a_doc_number_is_typed_with_candidates_digits_and_symbols() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    typed(&mut kb, &mut text, "guofa");
    // A symbol commits the best candidate first.
    kb.apply(
        &mut text,
        Key::Text("〔".into()),
        &page("guofa", &[("国发", 5)]),
    );
    for k in ["2", "0", "1", "9", "〕", "5", "号"] {
        kb.apply(&mut text, Key::Text(k.into()), &none());
    }
    assert_eq!(text, "国发〔2019〕5号");
}

#[test]
fn space_and_enter_commit_pending_pinyin_and_enter_submits() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    typed(&mut kb, &mut text, "hu");
    kb.apply(&mut text, Key::Space, &page("hu", &[("户", 2)]));
    assert_eq!(text, "户");
    typed(&mut kb, &mut text, "kouqianyi");
    // Enter takes the first candidate; letters it does not cover stay as typed.
    let bar = page("kouqianyi", &[("口", 3)]);
    assert_eq!(kb.apply(&mut text, Key::Enter, &bar), Applied::Submitted);
    assert_eq!(text, "户口qianyi");
    assert!(kb.pinyin.is_empty());
}

#[test]
fn latin_mode_types_letters_directly() {
    let mut kb = Keyboard::default();
    let mut text = String::new();
    kb.apply(&mut text, Key::ToggleMode, &none());
    typed(&mut kb, &mut text, "li");
    kb.apply(&mut text, Key::Text("@".into()), &none());
    assert_eq!(text, "li@");
    assert!(kb.pinyin.is_empty());
    assert!(Keyboard::for_field(FieldKind::Latin).latin);
}

#[test]
fn the_pads_type_digits_x_and_capital_letters_as_they_are() {
    let mut kb = Keyboard::for_field(FieldKind::IdNumber);
    let mut text = String::new();
    for k in "11010519491231002".chars() {
        kb.apply(&mut text, Key::Text(k.to_string()), &none());
    }
    kb.apply(&mut text, Key::Text("X".into()), &none());
    assert_eq!(text, "11010519491231002X");
    let mut kb = Keyboard::for_field(FieldKind::Code);
    let mut code = String::new();
    kb.apply(&mut code, Key::Letter('Q'), &none());
    kb.apply(&mut code, Key::Letter('H'), &none());
    kb.apply(&mut code, Key::Text("0".into()), &none());
    assert_eq!((code.as_str(), kb.pinyin.as_str()), ("QH0", ""));
    assert!(FieldKind::Phone.pad() && !FieldKind::PersonName.pad());
    assert_eq!(FieldKind::PersonName.mode(), Mode::Names);
}
