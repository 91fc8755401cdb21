//! Tests of the relevance cut-off.

use super::*;

/// Body positions as the cut-off holds them (sorted).
fn held(entries: &[(u32, usize)]) -> Vec<u64> {
    let mut h: Vec<u64> = entries.iter().map(|&(p, t)| pack(p, t)).collect();
    h.sort_unstable();
    h
}

/// A one-variant cut-off over whole words (one unit each), term i = word i.
fn coverage(words: &[(&str, f32)], required: f32) -> Coverage {
    let n = words.len();
    Coverage {
        terms: words.iter().map(|(w, _)| w.to_string()).collect(),
        words: words
            .iter()
            .enumerate()
            .map(|(i, (w, idf))| QueryWord {
                idf: *idf,
                everyday: everyday_weight(w, 0, 1.0),
                subject: false,
                chars: w.chars().count() as u32,
                units: vec![(i, w.chars().count() as u32)],
            })
            .collect(),
        variants: vec![VariantWords {
            short: n <= SHORT_QUERY_WORDS,
            words: (0..n).collect(),
            required,
            unit_of: (0..n)
                .map(|i| vec![(i, words[i].0.chars().count() as u32)])
                .collect(),
        }],
        exact_key: false,
    }
}

#[test]
fn words_far_apart_in_the_body_cover_less_than_words_together() {
    let c = coverage(&[("股票", 2.0), ("推荐", 2.0)], 0.6);
    let mut s = Scratch::default();
    let v = &c.variants[0];
    let apart = [(10, 0), (5000, 1)];
    let together = [(10, 0), (30, 1)];
    assert_eq!(
        c.passage_coverage(v, &[false, false], &held(&apart), &mut s),
        0.5
    );
    assert_eq!(
        c.passage_coverage(v, &[false, false], &held(&together), &mut s),
        1.0
    );
    // A word of the title counts wherever the other one stands.
    assert_eq!(
        c.passage_coverage(v, &[true, false], &held(&apart), &mut s),
        1.0
    );
}

#[test]
fn the_words_of_a_short_query_must_meet_in_a_clause_those_of_a_long_one_in_a_passage() {
    // 股票 at 10, 推荐 at 90: three sentences apart is together for a long question, not for
    // the two words of 股票推荐.
    let mut s = Scratch::default();
    let body = held(&[(10, 0), (90, 1)]);
    let short = coverage(&[("股票", 2.0), ("推荐", 2.0)], 0.6);
    assert_eq!(
        short.passage_coverage(&short.variants[0], &[false; 2], &body, &mut s),
        0.5
    );
    let near = held(&[(10, 0), (10 + SHORT_PASSAGE_CHARS, 1)]);
    assert_eq!(
        short.passage_coverage(&short.variants[0], &[false; 2], &near, &mut s),
        1.0
    );
    let words = [
        ("股票", 2.0),
        ("推荐", 2.0),
        ("哪", 0.0),
        ("个", 0.0),
        ("好", 0.0),
    ];
    let long = coverage(&words, 0.25);
    assert!(!long.variants[0].short);
    let body = held(&[(10, 0), (90, 1)]);
    assert_eq!(
        long.passage_coverage(&long.variants[0], &[false; 5], &body, &mut s),
        1.0
    );
}

#[test]
fn a_record_is_about_the_main_word_of_a_short_query_only_when_it_names_it_more_than_once() {
    // 美甲 (rarer) 培训: a law that lists 美甲 once beside 培训 is not about 美甲培训.
    let c = coverage(&[("美甲", 8.0), ("培训", 3.0)], 0.6);
    let v = &c.variants[0];
    let once = held(&[(100, 0), (105, 1)]);
    let twice = held(&[(100, 0), (105, 1), (900, 0)]);
    assert!(!c.about_main_word(v, &[false, false], &once));
    assert!(c.about_main_word(v, &[false, false], &twice));
    // Once is enough where the body says what was typed (美甲培训, or 美甲的培训).
    assert!(c.about_main_word(v, &[false, false], &held(&[(100, 0), (102, 1)])));
    assert!(c.about_main_word(v, &[false, false], &held(&[(100, 0), (103, 1)])));
    assert!(!c.about_main_word(v, &[false, false], &held(&[(100, 0), (105, 1)])));
    assert!(!c.about_main_word(v, &[false, false], &held(&[(102, 1), (104, 0)])));
    // The title naming it is enough; the other word's mentions do not count.
    assert!(c.about_main_word(v, &[true, false], &held(&[(105, 1)])));
    assert!(!c.about_main_word(v, &[false, false], &held(&[(100, 0), (105, 1), (300, 1)])));
    // A long query describes a situation: no word has to recur.
    let words = [
        ("美甲", 8.0),
        ("培训", 3.0),
        ("哪", 0.1),
        ("里", 0.1),
        ("好", 0.1),
    ];
    let long = coverage(&words, 0.25);
    assert!(long.about_main_word(&long.variants[0], &[false; 5], &held(&[(100, 0)])));
}

#[test]
fn rarer_words_weigh_more() {
    let c = coverage(&[("产假", 3.0), ("天", 1.0)], 0.6);
    let mut s = Scratch::default();
    let v = &c.variants[0];
    assert_eq!(
        c.passage_coverage(v, &[false, false], &held(&[(7, 0)]), &mut s),
        0.75
    );
    assert_eq!(
        c.passage_coverage(v, &[false, false], &held(&[(7, 1)]), &mut s),
        0.25
    );
}

#[test]
fn a_short_query_needs_its_subject_word_a_long_one_does_not() {
    // 滑雪场 (rare, three characters) 季卡 优惠: a record with 季卡 and 优惠 but no 滑雪场.
    let mut c = coverage(&[("滑雪场", 8.0), ("季卡", 8.0), ("优惠", 3.0)], 0.5);
    c.words[0].subject = true;
    let without_subject = |t: usize| t != 0;
    assert!(!c.holds_subject(&c.variants[0], without_subject));
    assert!(c.holds_subject(&c.variants[0], |_| true));
    // The word inside it (滑雪, term 3) stands for it, as in the passage share.
    c.terms.push("滑雪".into());
    c.words[0].units.push((3, 2));
    assert!(c.holds_subject(&c.variants[0], |t| t != 0));
    // A long question is paraphrased by what answers it: no word is required.
    let mut long = coverage(
        &[
            ("滑雪场", 8.0),
            ("季卡", 8.0),
            ("优惠", 3.0),
            ("价格", 2.0),
            ("多少", 1.0),
        ],
        0.25,
    );
    long.words[0].subject = true;
    assert!(long.holds_subject(&long.variants[0], without_subject));
}

#[test]
fn a_compound_is_held_in_part_by_the_words_inside_it() {
    // 医疗费 (3 characters) and 报销; the record holds 医疗 (2 of 3 characters) near 报销.
    let mut c = coverage(&[("医疗费", 3.0), ("报销", 3.0)], 0.6);
    c.terms.push("医疗".into());
    c.words[0].units.push((2, 2));
    c.variants[0].unit_of.push(vec![(0, 2)]);
    let mut s = Scratch::default();
    let v = &c.variants[0];
    let got = c.passage_coverage(
        v,
        &[false, false, false],
        &held(&[(10, 2), (20, 1)]),
        &mut s,
    );
    assert!((got - (2.0 + 3.0) / 6.0).abs() < 1e-6, "{got}");
    // The whole compound together with its parts counts once.
    let got = c.passage_coverage(
        v,
        &[false, false, false],
        &held(&[(10, 0), (10, 2), (20, 1)]),
        &mut s,
    );
    assert_eq!(got, 1.0);
    assert_eq!(sub_words("医疗费用"), ["医疗", "费用"]);
}

#[test]
fn the_title_share_counts_the_characters_of_the_words_it_holds() {
    // 机动车 注删 登记: a title with 机动车 and 登记 holds five of the seven characters,
    // whatever their idf.
    let c = coverage(&[("机动车", 2.0), ("注删", 9.0), ("登记", 1.0)], 0.5);
    let v = &c.variants[0];
    let got = c.title_coverage(v, &[true, false, true]);
    assert!((got - 5.0 / 7.0).abs() < 1e-6, "{got}");
    assert_eq!(c.title_coverage(v, &[false, false, false]), 0.0);
    assert_eq!(c.title_coverage(v, &[true, true, true]), 1.0);
}

#[test]
fn a_word_far_more_common_in_general_chinese_than_in_the_records_is_an_everyday_word() {
    // Document frequencies as in the shared corpus (6,392 records).
    let n = 6392.0;
    assert_eq!(everyday_weight("孩子", 14, n), EVERYDAY_SHARE);
    assert_eq!(everyday_weight("看病", 6, n), EVERYDAY_SHARE);
    assert_eq!(everyday_weight("单位", 3378, n), 1.0);
    assert_eq!(everyday_weight("收养", 42, n), 1.0);
    // A word the dictionary lacks is the records' own or a name, never everyday.
    assert_eq!(everyday_weight("醉驾", 3, n), 1.0);
    // jieba's dictionary is the one the constant was counted on (孩子 17,465 + 1).
    assert_eq!(
        crate::search::analysis::jieba().suggest_freq("孩子"),
        17_466
    );
}

/// `words` with their everyday share set by hand (1 = official word).
fn with_everyday(mut c: Coverage, shares: &[f32]) -> Coverage {
    for (w, &s) in c.words.iter_mut().zip(shares) {
        w.everyday = s;
    }
    c
}

#[test]
fn an_everyday_word_counts_less_in_a_long_query_and_fully_in_a_short_one() {
    let mut s = Scratch::default();
    // 收养 孩子 要 年满 岁: the record holds all but 孩子 (it says 子女).
    let words = [
        ("收养", 2.0),
        ("孩子", 3.0),
        ("要", 0.5),
        ("年满", 2.0),
        ("岁", 1.0),
    ];
    let long = with_everyday(coverage(&words, 0.5), &[1.0, EVERYDAY_SHARE, 1.0, 1.0, 1.0]);
    let title = [false; 5];
    let body = held(&[(10, 0), (14, 2), (20, 3), (24, 4)]);
    let got = long.passage_coverage(&long.variants[0], &title, &body, &mut s);
    assert!((got - 5.5 / 6.4).abs() < 1e-4, "long query coverage {got}");
    // The same words as a short query (火星 移民 政策): the everyday word weighs in full.
    let short_words = [("火星", 3.0), ("移民", 2.0), ("政策", 1.0)];
    let short = with_everyday(coverage(&short_words, 0.5), &[EVERYDAY_SHARE, 1.0, 1.0]);
    let body = held(&[(10, 1), (14, 2)]);
    let got = short.passage_coverage(&short.variants[0], &[false; 3], &body, &mut s);
    assert!((got - 0.5).abs() < 1e-4, "short query coverage {got}");
}

#[test]
fn one_rare_word_of_a_three_word_query_in_a_body_is_not_enough_unless_a_title_names_it() {
    // 游艇 in a tax regulation's list of rates: more than half of 游艇租赁价格's weight, but
    // neither 租赁 nor 价格 beside it.
    let c = coverage(&[("游艇", 6.5), ("租赁", 3.2), ("价格", 2.5)], 0.5);
    let v = &c.variants[0];
    let mut s = Scratch::default();
    let alone = held(&[(40, 0), (400, 0)]);
    let (share, two) = c.passage_shares(v, &[false; 3], &alone, &mut s);
    assert!(share >= 0.5, "{share}");
    assert_eq!(two, 0.0);
    assert!(!c.title_names_a_word(v, &[false; 3]));
    // With 租赁 in the same clause, the passage holds two of the words.
    let beside = held(&[(40, 0), (46, 1)]);
    let (share, two) = c.passage_shares(v, &[false; 3], &beside, &mut s);
    assert_eq!(share, two);
    assert!(two >= 0.5);
    // A record whose title names 游艇 is about it (普通话等级考试成绩查询 for 普通话水平测试).
    assert!(c.title_names_a_word(v, &[true, false, false]));
    let (share, two) = c.passage_shares(v, &[true, false, false], &[], &mut s);
    assert!(share >= 0.5 && two == 0.0);
}
