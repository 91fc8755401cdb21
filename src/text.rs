//! Character-level normalisation shared by the catalog, the importers and search analysis.
//!
//! A leaf: depends on nothing in the crate, so `catalog` can use it without importing `search`.
//! Must not know about records, the index or segmentation.

/// Normalises one character: full-width ASCII forms to half-width, the ideographic space to a
/// space, Latin letters to lower case. Always one character in, one out, so offsets survive.
pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// [`fold_char`] over a string.
pub fn fold_width(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Whether a character is an invisible mark that may stand between the characters of a word:
/// zero-width space, (non-)joiner, word joiner, byte-order mark, soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

/// Text with traditional characters made simplified, full width made half width, and spaces of
/// every kind and invisible marks dropped; punctuation stays. `公 開\u{200b}屬性：` → `公开属性:`.
pub fn squeeze(text: &str) -> String {
    fast2s::convert(&fold_width(text))
        .chars()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .collect()
}

/// Text reduced to what a marking is made of, for comparing markings however they were typed:
/// traditional characters to simplified, full width to half width, and every character that is
/// not a letter, digit or Han character dropped (spaces of every kind, zero-width marks such as
/// U+200B..U+200D, U+2060 and U+FEFF, punctuation and brackets). `此 件【不予公開】` → `此件不予公开`.
///
/// Offsets do not survive; use it for matching only, never for display.
pub fn compact(text: &str) -> String {
    squeeze(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_width_turns_full_width_forms_into_half_width_and_keeps_length() {
        assert_eq!(fold_width("ＡＢＣ１２３　（）"), "abc123 ()");
        assert_eq!(fold_width("国发〔2019〕5号"), "国发〔2019〕5号");
    }

    #[test]
    fn squeeze_keeps_punctuation_but_drops_spaces_and_invisible_marks() {
        assert_eq!(
            squeeze("公 開\u{200b}屬性：\u{3000}不予公开"),
            "公开属性:不予公开"
        );
    }

    #[test]
    fn compact_drops_spaces_zero_width_marks_punctuation_and_folds_traditional() {
        let cases = [
            ("此件不予公开", "此件不予公开"),
            ("（此件不予公開）", "此件不予公开"),
            ("此 件 不 予 公 开", "此件不予公开"),
            (
                "此件\u{200b}不予\u{200c}公\u{200d}开\u{feff}\u{2060}",
                "此件不予公开",
            ),
            ("此件\u{3000}依申請\u{a0}公开", "此件依申请公开"),
            ("【主动公开】", "主动公开"),
            ("ＡＢ１", "ab1"),
        ];
        for (input, want) in cases {
            assert_eq!(compact(input), want, "{input:?}");
        }
    }
}
