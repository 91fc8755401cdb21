//! Blocks → PDF bytes (A4, the embedded CJK font subset by krilla). Pure: no file or printer IO.
//!
//! Line breaking is by character width (CJK one em, ASCII about half), which suits Chinese
//! text; long pages continue on a new page.

use super::layout::Block;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use krilla::Document;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the font file is not a usable OpenType font")]
    Font,
    #[error("PDF could not be written: {0}")]
    Write(String),
}

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;

/// Width of a character in ems, as the wrapping estimates it.
fn em_width(c: char) -> f32 {
    if c.is_ascii() {
        0.55
    } else {
        1.0
    }
}

fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(em_width).sum::<f32>() * size
}

/// Characters that must not begin a line.
const CLOSING: &str = "，。、；：？！）》」』】”’…,.;:?!)";

/// Splits `text` into lines no wider than `width` points at `size`.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars() {
            let cw = em_width(c) * size;
            // Closing punctuation never starts a line (line-breaking rule of Chinese text):
            // it may hang one character past the margin instead.
            if w + cw > width && !line.is_empty() && !CLOSING.contains(c) {
                lines.push(std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += cw;
        }
        lines.push(line);
    }
    lines
}

/// One positioned line of text.
struct Placed {
    page: usize,
    x: f32,
    y: f32,
    size: f32,
    text: String,
}

/// Moves `y` down by `dy`, onto the next page if the line would not fit on this one.
fn advance(y: &mut f32, page: &mut usize, dy: f32) {
    let (_, h) = A4;
    if *y + dy > h - MARGIN {
        *page += 1;
        *y = MARGIN;
    }
    *y += dy;
}

/// Places a labelled field: the label on its first line, the value wrapped beside it.
fn place_field(
    out: &mut Vec<Placed>,
    y: &mut f32,
    page: &mut usize,
    label: &str,
    value: &str,
    inner: f32,
) {
    let size = 11.0;
    let label = format!("{label}：");
    let indent = text_width(&label, size).max(6.0 * size);
    for (i, line) in wrap(value, size, inner - indent).into_iter().enumerate() {
        advance(y, page, size * 1.7);
        if i == 0 {
            out.push(Placed {
                page: *page,
                x: MARGIN,
                y: *y,
                size,
                text: label.clone(),
            });
        }
        out.push(Placed {
            page: *page,
            x: MARGIN + indent,
            y: *y,
            size,
            text: line,
        });
    }
}

/// Lays blocks out on A4 pages: returns text lines and rule positions (page, y).
fn place(blocks: &[Block]) -> (Vec<Placed>, Vec<(usize, f32)>) {
    let (w, _) = A4;
    let inner = w - 2.0 * MARGIN;
    let mut out = Vec::new();
    let mut rules = Vec::new();
    let mut page = 0;
    let mut y = MARGIN;
    for b in blocks {
        match b {
            Block::Title(t) | Block::Subtitle(t) => {
                let size = if matches!(b, Block::Title(_)) {
                    20.0
                } else {
                    12.0
                };
                advance(&mut y, &mut page, size * 1.6);
                let x = MARGIN + ((inner - text_width(t, size)) / 2.0).max(0.0);
                out.push(Placed {
                    page,
                    x,
                    y,
                    size,
                    text: t.clone(),
                });
            }
            Block::Section(t) => {
                advance(&mut y, &mut page, 13.0 * 2.0);
                out.push(Placed {
                    page,
                    x: MARGIN,
                    y,
                    size: 13.0,
                    text: t.clone(),
                });
            }
            Block::Field(label, value) => {
                place_field(&mut out, &mut y, &mut page, label, value, inner);
            }
            Block::Paragraph(t) => {
                let size = 10.5;
                for line in wrap(t, size, inner) {
                    advance(&mut y, &mut page, size * 1.6);
                    out.push(Placed {
                        page,
                        x: MARGIN,
                        y,
                        size,
                        text: line,
                    });
                }
            }
            Block::Rule => {
                advance(&mut y, &mut page, 10.0);
                rules.push((page, y));
            }
            Block::Gap => advance(&mut y, &mut page, 12.0),
            Block::PageBreak => {
                page += 1;
                y = MARGIN;
            }
        }
    }
    (out, rules)
}

/// Renders the blocks on A4 pages with the font (OpenType bytes, face 0).
pub fn render(blocks: &[Block], font_bytes: &[u8]) -> Result<Vec<u8>, PdfError> {
    let font = Font::new(font_bytes.to_vec().into(), 0).ok_or(PdfError::Font)?;
    let (lines, rules) = place(blocks);
    let pages = lines
        .iter()
        .map(|l| l.page + 1)
        .chain(rules.iter().map(|r| r.0 + 1))
        .max()
        .unwrap_or(1);
    let mut doc = Document::new();
    for p in 0..pages {
        let settings = PageSettings::from_wh(A4.0, A4.1)
            .ok_or_else(|| PdfError::Write("bad page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for l in lines.iter().filter(|l| l.page == p && !l.text.is_empty()) {
            surface.draw_text(
                Point::from_xy(l.x, l.y),
                font.clone(),
                l.size,
                &l.text,
                false,
                TextDirection::Auto,
            );
        }
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            width: 0.6,
            ..Stroke::default()
        }));
        for (_, y) in rules.iter().filter(|r| r.0 == p) {
            let mut pb = PathBuilder::new();
            pb.move_to(MARGIN, *y);
            pb.line_to(A4.0 - MARGIN, *y);
            if let Some(path) = pb.finish() {
                surface.draw_path(&path);
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_and_respects_the_width() {
        let text = "本机关已收到您的政府信息公开申请。ABC 123 能够当场答复的，当场予以答复。";
        let lines = wrap(text, 10.0, 100.0);
        assert_eq!(lines.concat(), text);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(text_width(l, 10.0) <= 110.0, "{l}");
            assert!(!l.starts_with(|c| CLOSING.contains(c)), "{l}");
        }
    }

    #[test]
    fn a_long_block_list_continues_on_a_second_page() {
        let blocks: Vec<Block> = (0..80)
            .map(|i| Block::Paragraph(format!("第{i}行")))
            .collect();
        let (lines, _) = place(&blocks);
        assert_eq!(lines.first().unwrap().page, 0);
        assert_eq!(lines.last().unwrap().page, 1);
    }
}
