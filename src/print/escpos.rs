//! Blocks → ESC/POS bytes for an 80 mm thermal receipt printer (48 columns, Chinese in GB18030
//! after `FS &`). Pure: no device IO.
//!
//! Written out rather than taken from a crate: the handful of commands used here (initialise,
//! Chinese mode, alignment, character size, feed and cut) are fixed bytes of the ESC/POS
//! reference, and the text must go through GB18030 which general ESC/POS crates leave to us.

use super::layout::Block;

const INIT: &[u8] = &[0x1B, 0x40];
const CHINESE_ON: &[u8] = &[0x1C, 0x26];
const ALIGN_LEFT: &[u8] = &[0x1B, 0x61, 0];
const ALIGN_CENTER: &[u8] = &[0x1B, 0x61, 1];
const SIZE_NORMAL: &[u8] = &[0x1D, 0x21, 0x00];
const SIZE_DOUBLE: &[u8] = &[0x1D, 0x21, 0x11];
const FEED_AND_CUT: &[u8] = &[0x1D, 0x56, 0x42, 0x03];

/// Columns of an 80 mm printer in font A: an ASCII character takes one, a Chinese one two.
pub const COLUMNS: usize = 48;

fn columns(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        2
    }
}

/// Splits text into lines of at most `width` columns.
pub fn wrap_columns(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + columns(c) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push(c);
        used += columns(c);
    }
    lines.push(line);
    lines
}

fn text(out: &mut Vec<u8>, s: &str) {
    let (bytes, _, _) = encoding_rs::GB18030.encode(s);
    out.extend_from_slice(&bytes);
    out.push(b'\n');
}

/// Renders the blocks for a thermal printer.
pub fn render(blocks: &[Block]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(INIT);
    out.extend_from_slice(CHINESE_ON);
    for b in blocks {
        match b {
            Block::Title(t) => {
                out.extend_from_slice(ALIGN_CENTER);
                out.extend_from_slice(SIZE_DOUBLE);
                for l in wrap_columns(t, COLUMNS / 2) {
                    text(&mut out, &l);
                }
                out.extend_from_slice(SIZE_NORMAL);
                out.extend_from_slice(ALIGN_LEFT);
            }
            Block::Subtitle(t) => {
                out.extend_from_slice(ALIGN_CENTER);
                text(&mut out, t);
                out.extend_from_slice(ALIGN_LEFT);
            }
            Block::Section(t) => text(&mut out, &format!("【{t}】")),
            Block::Field(l, v) => {
                for line in wrap_columns(&format!("{l}：{v}"), COLUMNS) {
                    text(&mut out, &line);
                }
            }
            Block::Paragraph(t) => {
                for line in wrap_columns(t, COLUMNS) {
                    text(&mut out, &line);
                }
            }
            Block::Rule => text(&mut out, &"-".repeat(COLUMNS)),
            Block::Gap => out.push(b'\n'),
            Block::PageBreak => out.extend_from_slice(FEED_AND_CUT),
        }
    }
    out.extend_from_slice(FEED_AND_CUT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_enter_chinese_mode_and_carry_gb18030_text() {
        let blocks = vec![
            Block::Title("受理回执".into()),
            Block::Field("受理编号".into(), "QH01-20261125-0007".into()),
        ];
        let bytes = render(&blocks);
        assert!(bytes.starts_with(&[0x1B, 0x40, 0x1C, 0x26]));
        assert!(bytes.ends_with(FEED_AND_CUT));
        // 受 is CA DC in GB18030 (as in GB2312).
        assert!(bytes.windows(2).any(|w| w == [0xCA, 0xDC]));
        let (decoded, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad);
        assert!(decoded.contains("受理编号：QH01-20261125-0007"));
    }

    #[test]
    fn lines_never_exceed_the_paper_width() {
        let long =
            "依照《中华人民共和国政府信息公开条例》第三十三条，能够当场答复的应当当场答复ABCDEFG";
        for line in wrap_columns(long, COLUMNS) {
            assert!(
                line.chars().map(columns).sum::<usize>() <= COLUMNS,
                "{line}"
            );
        }
        assert_eq!(wrap_columns(long, COLUMNS).concat(), long);
    }
}
