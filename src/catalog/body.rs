//! The structure of a record's body text (正文): headings of 编, 章 and 节, articles (第N条),
//! tables and image marks, read from the plain text the importers keep (paragraphs separated by
//! `\n`). The text stays readable as it is (search, snippets, print and read-aloud take it
//! whole); this module only says where its parts are. Pure: text in, blocks out. Must not know
//! about files, the index or the screen.
//!
//! What the importers write into a body:
//! - a table as consecutive lines `| 单元格 | 单元格 |`, optionally with a `|---|---|` line after
//!   the header row (the Markdown laws have them; portal pages' `<table>`s are written so by
//!   [`table_line`], their first row as header); a `|` inside a cell is written `｜`; a header
//!   line further down starts another table;
//! - an image as a line of its own, `［图片：说明］` ([`image_mark`]): the N-th such line is the
//!   N-th entry of the record's [`super::Record::images`].

/// What a heading heads, from the largest part down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// 编 (and 分编) of a code.
    Part,
    Chapter,
    Section,
}

/// One part of a body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// 第一章 总则, 第二节 ….
    Heading {
        level: Level,
        text: &'a str,
    },
    /// A paragraph; `article` is N when it starts 第N条.
    Paragraph {
        text: &'a str,
        article: Option<u32>,
    },
    Table(Table),
    /// The `index`-th image mark of the body, with its caption (possibly empty).
    Image {
        index: usize,
        caption: &'a str,
    },
}

/// The cells of a table, every row as wide as the widest (short rows padded with empty cells).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// The first row is a header row (a `|---|` line followed it).
    pub header: bool,
}

impl Table {
    pub fn columns(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }
}

/// An entry of a body's 目录: a heading and the block it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineEntry<'a> {
    pub block: usize,
    pub level: Level,
    pub text: &'a str,
}

const IMAGE_OPEN: &str = "［图片";
const IMAGE_CLOSE: char = '］';

/// The line that stands for an image in a body: 「［图片：说明］」, or 「［图片］」 without one.
pub fn image_mark(caption: &str) -> String {
    let caption: String = caption
        .chars()
        .filter(|c| !c.is_control() && *c != IMAGE_CLOSE)
        .collect();
    let caption = caption.trim();
    if caption.is_empty() {
        format!("{IMAGE_OPEN}{IMAGE_CLOSE}")
    } else {
        format!("{IMAGE_OPEN}：{caption}{IMAGE_CLOSE}")
    }
}

/// The caption of an image mark line, `None` for any other line.
fn image_caption(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(IMAGE_OPEN)?.strip_suffix(IMAGE_CLOSE)?;
    if rest.is_empty() {
        return Some("");
    }
    let caption = rest.strip_prefix('：')?;
    (!caption.contains(IMAGE_CLOSE)).then_some(caption)
}

/// One table row as a body line: `| a | b |`, with `|` inside a cell written `｜` and line
/// breaks as spaces.
pub fn table_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::from("|");
    for c in cells {
        let cell: String = c
            .as_ref()
            .chars()
            .map(|ch| match ch {
                '|' => '｜',
                '\n' | '\r' | '\t' => ' ',
                other => other,
            })
            .collect();
        line.push(' ');
        line.push_str(cell.trim());
        line.push_str(" |");
    }
    line
}

/// The cells of a table line, `None` for a line that is not one.
fn table_cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// A `|---|:---:|` line under a header row.
fn is_separator(cells: &[&str]) -> bool {
    cells.iter().all(|c| {
        let c = c.trim_matches(':');
        !c.is_empty() && c.chars().all(|ch| ch == '-')
    })
}

/// The value of a number in Chinese numerals (一百二十三, 两千零五, 十一) or digits.
pub fn chinese_number(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    let (mut total, mut section, mut digit) = (0u32, 0u32, None::<u32>);
    for c in text.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            total = (total + section + digit.unwrap_or(0)).checked_mul(unit)?;
            section = 0;
        } else {
            // 十一 is 11: a unit with no digit before it counts once.
            section += digit.unwrap_or(1) * unit;
        }
        digit = None;
    }
    Some(total + section + digit.unwrap_or(0))
}

const NUMERALS: &str = "零〇一二三四五六七八九十百千万两0123456789";

/// `第` + numerals + the rest of the line: the numerals and the rest.
fn ordinal(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('第')?;
    let end = rest
        .char_indices()
        .find(|(_, c)| !NUMERALS.contains(*c))
        .map_or(rest.len(), |(i, _)| i);
    (end > 0).then(|| (&rest[..end], &rest[end..]))
}

/// 第一章 总则 → Chapter; a heading is a short line without a sentence's punctuation.
fn heading_level(line: &str) -> Option<Level> {
    let (number, rest) = ordinal(line)?;
    chinese_number(number)?;
    let (level, title) = if let Some(t) = rest.strip_prefix("分编") {
        (Level::Part, t)
    } else if let Some(t) = rest.strip_prefix('编') {
        (Level::Part, t)
    } else if let Some(t) = rest.strip_prefix('章') {
        (Level::Chapter, t)
    } else if let Some(t) = rest.strip_prefix('节') {
        (Level::Section, t)
    } else {
        return None;
    };
    let short = line.chars().count() <= 40;
    let sentence = title.contains(['。', '；', '，', '：', ',', ';']);
    // 第一章规定的… runs on without a space or end; a heading's title follows a space or is absent.
    let separated = title.is_empty() || title.starts_with([' ', '\u{3000}', '\u{a0}']);
    (short && !sentence && separated).then_some(level)
}

/// 第十二条 … → 12 (第十条之一 counts as 10).
fn article_number(line: &str) -> Option<u32> {
    let (number, rest) = ordinal(line)?;
    let rest = rest.strip_prefix('条')?;
    // 第三条规定的… is a sentence citing an article: a heading's text follows a space, a
    // bracket or 之 (第十条之一).
    if rest.starts_with(|c: char| c.is_alphanumeric() && c != '之') {
        return None;
    }
    chinese_number(number)
}

/// A line that only says 目录 (目　　录): the body's own table of contents follows.
fn is_contents_title(line: &str) -> bool {
    let squeezed: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    squeezed == "目录"
}

/// The body as blocks, in reading order. Empty lines are dropped. The text's own 目录 (a 目录
/// line and the heading lines listed under it) is kept as plain paragraphs, so its lines do
/// not count as headings twice.
pub fn blocks(body: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut table: Option<Table> = None;
    let mut images = 0;
    // Inside the text's own 目录: its first entry, once seen; the same heading again ends it.
    let mut contents: Option<Option<&str>> = None;
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(cells) = table_cells(line) {
            let t = table.get_or_insert_with(Table::default);
            if is_separator(&cells) {
                // A header line further down starts the next table, headed by the row above it
                // (two tables one after the other, with no text between them).
                if t.rows.len() > 1 {
                    let head = t.rows.pop().unwrap_or_default();
                    if let Some(done) = table.replace(Table {
                        rows: vec![head],
                        header: true,
                    }) {
                        push_table(&mut out, done);
                    }
                } else if t.rows.len() == 1 {
                    t.header = true;
                }
            } else {
                t.rows.push(cells.into_iter().map(String::from).collect());
            }
            continue;
        }
        if let Some(t) = table.take() {
            push_table(&mut out, t);
        }
        if let Some(caption) = image_caption(line) {
            out.push(Block::Image {
                index: images,
                caption,
            });
            images += 1;
            continue;
        }
        if is_contents_title(line) {
            contents = Some(None);
            out.push(Block::Paragraph {
                text: line,
                article: None,
            });
            continue;
        }
        let level = heading_level(line);
        if let (Some(first), Some(_)) = (contents.as_mut(), level) {
            match first {
                Some(f) if *f == line => contents = None,
                _ => {
                    first.get_or_insert(line);
                    out.push(Block::Paragraph {
                        text: line,
                        article: None,
                    });
                    continue;
                }
            }
        } else if contents.is_some() {
            contents = None;
        }
        out.push(match level {
            Some(level) => Block::Heading { level, text: line },
            None => Block::Paragraph {
                text: line,
                article: article_number(line),
            },
        });
    }
    if let Some(t) = table.take() {
        push_table(&mut out, t);
    }
    out
}

/// A table with its rows made equally wide.
fn push_table(out: &mut Vec<Block>, mut t: Table) {
    let width = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut t.rows {
        row.resize(width, String::new());
    }
    if !t.rows.is_empty() {
        out.push(Block::Table(t));
    }
}

/// The headings of the blocks (编, 章, 节), for a 目录.
pub fn outline<'a>(blocks: &[Block<'a>]) -> Vec<OutlineEntry<'a>> {
    blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Heading { level, text } => Some(OutlineEntry {
                block: i,
                level: *level,
                text,
            }),
            _ => None,
        })
        .collect()
}

/// The block where article `n` starts (the first, should several carry the number).
pub fn find_article(blocks: &[Block], n: u32) -> Option<usize> {
    blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph { article: Some(a), .. } if *a == n))
}

/// The highest article number of the blocks (0 when there is none).
pub fn last_article(blocks: &[Block]) -> u32 {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { article, .. } => *article,
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_as_numbers() {
        let cases = [
            ("一", 1),
            ("十", 10),
            ("十一", 11),
            ("二十", 20),
            ("九十八", 98),
            ("一百", 100),
            ("一百零五", 105),
            ("一百二十", 120),
            ("一千二百六十", 1260),
            ("两千零五", 2005),
            ("12", 12),
        ];
        for (text, want) in cases {
            assert_eq!(chinese_number(text), Some(want), "{text}");
        }
        assert_eq!(chinese_number(""), None);
        assert_eq!(chinese_number("总则"), None);
    }

    const LAW: &str = "第一章 总则\n第一条 为了保护劳动者的合法权益，制定本法。\n本法所称……\n\
        第二章 劳动合同的订立\n第一节 一般规定\n第二条 用人单位自用工之日起即与劳动者建立劳动关系。\n\
        第十条之一 补充的一条。\n依照本法第三条规定的，从其规定。\n第三条规定的情形除外。\n第十二条\u{3000}（定义）本条。";

    #[test]
    fn chapters_sections_and_articles_are_found_and_citations_are_not() {
        let b = blocks(LAW);
        let outline: Vec<(Level, &str)> = outline(&b).iter().map(|e| (e.level, e.text)).collect();
        assert_eq!(
            outline,
            [
                (Level::Chapter, "第一章 总则"),
                (Level::Chapter, "第二章 劳动合同的订立"),
                (Level::Section, "第一节 一般规定"),
            ]
        );
        let articles: Vec<u32> = b
            .iter()
            .filter_map(|x| match x {
                Block::Paragraph { article, .. } => *article,
                _ => None,
            })
            .collect();
        assert_eq!(articles, [1, 2, 10, 12]);
        assert_eq!(find_article(&b, 2), Some(5));
        assert_eq!(find_article(&b, 3), None);
        assert_eq!(last_article(&b), 12);
    }

    #[test]
    fn a_sentence_that_starts_like_a_heading_is_a_paragraph() {
        let b = blocks("第一章规定的事项，由县人民政府负责。\n第三章 附则");
        assert!(matches!(b[0], Block::Paragraph { article: None, .. }));
        assert!(matches!(
            b[1],
            Block::Heading {
                level: Level::Chapter,
                ..
            }
        ));
    }

    #[test]
    fn the_texts_own_contents_list_is_not_counted_as_headings() {
        let body = "目　　录\n第一章 总则\n第二章 附则\n第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。";
        let b = blocks(body);
        let o = outline(&b);
        assert_eq!(o.len(), 2, "{o:?}");
        assert_eq!(o[0].block, 3);
        assert_eq!(o[1].block, 5);
    }

    #[test]
    fn pipe_lines_are_tables_with_an_optional_header_and_padded_rows() {
        let body = "材料清单如下：\n| 序号 | 材料 | 份数 |\n|---|:---:|---|\n| 1 | 身份证 | 1 |\n| 2 | 户口簿 |\n其他说明。";
        let b = blocks(body);
        assert_eq!(b.len(), 3);
        let Block::Table(t) = &b[1] else {
            panic!("{b:?}")
        };
        assert!(t.header);
        assert_eq!(t.columns(), 3);
        assert_eq!(t.rows[2], ["2", "户口簿", ""]);
    }

    #[test]
    fn two_tables_one_after_the_other_stay_two_tables() {
        let body =
            "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n| 丙 | 丁 | 戊 |\n|---|---|---|\n| 3 | 4 | 5 |";
        let b = blocks(body);
        let tables: Vec<&Table> = b
            .iter()
            .filter_map(|x| match x {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 2, "{b:?}");
        assert_eq!(tables[0].rows, [["甲", "乙"], ["1", "2"]]);
        assert_eq!(tables[1].rows, [["丙", "丁", "戊"], ["3", "4", "5"]]);
        assert!(tables[1].header);
    }

    #[test]
    fn table_lines_written_by_importers_read_back_as_the_same_cells() {
        let cells = ["甲|乙", " 两 行\n文字 ", ""];
        let line = table_line(&cells);
        assert_eq!(line, "| 甲｜乙 | 两 行 文字 |  |");
        let b = blocks(&line);
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(t.rows[0], ["甲｜乙", "两 行 文字", ""]);
    }

    #[test]
    fn image_marks_are_numbered_in_order_and_other_brackets_are_text() {
        let body = format!(
            "正文\n{}\n［图片］\n［图片说明不是标记］\n{}",
            image_mark("办理流程示意图"),
            image_mark("")
        );
        let b = blocks(&body);
        assert_eq!(
            b[1],
            Block::Image {
                index: 0,
                caption: "办理流程示意图"
            }
        );
        assert_eq!(
            b[2],
            Block::Image {
                index: 1,
                caption: ""
            }
        );
        assert!(matches!(b[3], Block::Paragraph { .. }));
        assert_eq!(
            b[4],
            Block::Image {
                index: 2,
                caption: ""
            }
        );
        assert_eq!(image_mark("图］1"), "［图片：图1］");
    }
}
