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
