//! How alike two Han characters are, by sound (同音字: pinyin, tones ignored, with the usual
//! confusions of initials and finals) and by shape (形近字: the four-corner and Cangjie codes of
//! the Unihan database, `assets/unihan/shapes.tsv`, Unicode licence). Pure: knows nothing of
//! the index or of queries.

use super::lexicon::readings;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The shape codes, extracted from Debian's unicode-data by `scripts/make-shape-table.py`.
const SHAPES_TSV: &str = include_str!("../../assets/unihan/shapes.tsv");

/// Similarity of the same reading (tones ignored).
const SAME_SOUND: f32 = 1.0;
/// Similarity of readings that differ only in a commonly confused initial or final
/// (zh/z, n/l, in/ing…).
const NEAR_SOUND: f32 = 0.6;
/// Four-corner codes equal (士 and 土 are both 4010).
const SAME_CORNERS: f32 = 0.9;
/// Four-corner codes equal in three of their four corners.
const NEAR_CORNERS: f32 = 0.5;
/// Cangjie codes one edit apart (婚 VHPA, 昏 HPA).
const NEAR_CANGJIE: f32 = 0.8;
/// Cangjie codes two edits apart, both of at least four keys (侧, 测 share 则).
const FAR_CANGJIE: f32 = 0.5;

/// Initials and finals people confuse (southern and northern speech, and typing).
const NEAR_INITIALS: &[(&str, &str)] = &[
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("n", "l"),
    ("h", "f"),
    ("r", "l"),
];
const NEAR_FINALS: &[(&str, &str)] = &[
    ("ang", "an"),
    ("eng", "en"),
    ("ing", "in"),
    ("iang", "ian"),
    ("uang", "uan"),
];

/// Shape codes of one character.
#[derive(Debug, Default)]
struct Codes {
    corners: Vec<[u8; 4]>,
    cangjie: Box<str>,
}

fn table() -> &'static HashMap<char, Codes> {
    static TABLE: OnceLock<HashMap<char, Codes>> = OnceLock::new();
    TABLE.get_or_init(|| parse(SHAPES_TSV))
}

fn parse(text: &str) -> HashMap<char, Codes> {
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut cells = line.split('\t');
        let Some(c) = cells.next().and_then(|s| s.chars().next()) else {
            continue;
        };
        let corners = cells
            .next()
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|code| <[u8; 4]>::try_from(code.as_bytes()).ok())
            .collect();
        let cangjie = cells.next().unwrap_or("").into();
        out.insert(c, Codes { corners, cangjie });
    }
    out
}

/// Edit distance of two short ASCII codes.
fn edits(a: &[u8], b: &[u8]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (up + 1).min(row[j] + 1).min(diag + usize::from(x != y));
            diag = up;
        }
    }
    row[b.len()]
}

/// How alike two characters look, in [0, 1]: 0 when the table knows neither or they share
/// nothing.
pub fn shape(a: char, b: char) -> f32 {
    let t = table();
    let (Some(x), Some(y)) = (t.get(&a), t.get(&b)) else {
        return 0.0;
    };
    let mut best = 0.0f32;
    for p in &x.corners {
        for q in &y.corners {
            let same = p.iter().zip(q).filter(|(u, v)| u == v).count();
            best = best.max(match same {
                4 => SAME_CORNERS,
                3 => NEAR_CORNERS,
                _ => 0.0,
            });
        }
    }
    let (cx, cy) = (x.cangjie.as_bytes(), y.cangjie.as_bytes());
    if !cx.is_empty() && !cy.is_empty() {
        let longest = cx.len().max(cy.len());
        best = best.max(match edits(cx, cy) {
            0 => SAME_CORNERS,
            1 if longest >= 2 => NEAR_CANGJIE,
            2 if longest >= 4 => FAR_CANGJIE,
            _ => 0.0,
        });
    }
    best
}

/// The initial of a plain syllable (`zh`, `b`, or empty) and the rest.
fn split_syllable(s: &str) -> (&str, &str) {
    let n = if s.starts_with("zh") || s.starts_with("ch") || s.starts_with("sh") {
        2
    } else if s.starts_with(['a', 'e', 'o']) || !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // No initial: a vowel, or a reading such as 欸 ê that starts outside ASCII (slicing one
        // byte into it panicked the search worker; found by tests/fuzz_queries.rs at 100,000 cases).
        0
    } else {
        1
    };
    s.split_at(n)
}

fn near(pairs: &[(&str, &str)], a: &str, b: &str) -> bool {
    pairs
        .iter()
        .any(|&(x, y)| (a == x && b == y) || (a == y && b == x))
}

/// Whether two plain syllables differ only by one commonly confused initial or final.
fn near_syllables(a: &str, b: &str) -> bool {
    let ((ia, fa), (ib, fb)) = (split_syllable(a), split_syllable(b));
    (fa == fb && near(NEAR_INITIALS, ia, ib)) || (ia == ib && near(NEAR_FINALS, fa, fb))
}

/// How alike two characters sound, in [0, 1], over every reading of each.
pub fn sound(a: char, b: char) -> f32 {
    let (ra, rb) = (readings(a), readings(b));
    let mut best = 0.0f32;
    for x in &ra {
        for y in &rb {
            if x == y {
                return SAME_SOUND;
            }
            if near_syllables(x, y) {
                best = NEAR_SOUND;
            }
        }
    }
    best
}

/// How likely one character was typed for the other: the better of sound and shape.
pub fn similarity(a: char, b: char) -> f32 {
    if a == b {
        return 1.0;
    }
    let s = sound(a, b);
    if s >= SAME_SOUND {
        return s;
    }
    s.max(shape(a, b))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_reading_that_starts_outside_ascii_has_no_initial_and_compares_without_panicking() {
        assert_eq!(split_syllable("ê"), ("", "ê"));
        assert_eq!(split_syllable("zhang"), ("zh", "ang"));
        assert_eq!(split_syllable("an"), ("", "an"));
        // 欸 is read ê: comparing it with any character must not slice inside 'ê'.
        for other in ['诶', '阿', '额', '张'] {
            let s = sound('欸', other);
            assert!((0.0..=1.0).contains(&s), "{other}: {s}");
        }
    }

    use super::*;

    #[test]
    fn homophones_sound_alike_whatever_the_tone() {
        assert_eq!(sound('护', '户'), 1.0);
        assert_eq!(sound('合', '和'), 1.0);
        assert_eq!(sound('侧', '测'), 1.0);
        assert_eq!(sound('护', '条'), 0.0);
    }

    #[test]
    fn confused_initials_and_finals_sound_near() {
        assert_eq!(sound('是', '四'), NEAR_SOUND); // shi / si
        assert_eq!(sound('男', '蓝'), NEAR_SOUND); // nan / lan
        assert_eq!(sound('心', '星'), NEAR_SOUND); // xin / xing
        assert_eq!(sound('安', '肮'), NEAR_SOUND); // an / ang
    }

    #[test]
    fn similar_shapes_are_found_by_four_corner_and_cangjie_codes() {
        assert!(shape('士', '土') >= 0.9, "{}", shape('士', '土'));
        assert!(shape('婚', '昏') >= 0.5, "{}", shape('婚', '昏'));
        assert!(shape('栽', '裁') >= 0.5, "{}", shape('栽', '裁'));
        assert!(shape('全', '金') >= 0.5, "{}", shape('全', '金'));
        assert!(shape('未', '末') >= 0.5, "{}", shape('未', '末'));
        assert_eq!(shape('护', '鸟'), 0.0);
    }

    /// The hand-written 形近字 groups the corrector used before the Unihan codes: almost every
    /// pair of them is now alike by shape or by sound.
    #[test]
    fn the_former_hand_written_groups_are_covered() {
        const GROUPS: &[&str] = &[
            "士土王",
            "全金",
            "栽裁载截",
            "验险检捡俭",
            "列例烈",
            "侧测则厕",
            "未末",
            "己已巳",
            "日曰",
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
            "赢嬴",
            "怀坏",
            "壁璧",
            "惰堕",
            "骄娇",
            "绩积",
            "茶荼",
            "天夭",
            "今令",
            "子孑",
            "办为",
            "仓仑",
            "粟栗",
        ];
        let (mut pairs, mut alike) = (0, 0);
        for g in GROUPS {
            let cs: Vec<char> = g.chars().collect();
            for (i, &a) in cs.iter().enumerate() {
                for &b in &cs[i + 1..] {
                    pairs += 1;
                    if similarity(a, b) >= 0.5 {
                        alike += 1;
                    }
                }
            }
        }
        assert!(alike * 100 >= pairs * 95, "{alike} of {pairs}");
    }

    #[test]
    fn the_table_covers_the_common_characters() {
        assert!(table().len() > 20_000, "{}", table().len());
        assert_eq!(edits(b"VHPA", b"HPA"), 1);
    }
}
