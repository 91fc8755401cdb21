//! Importer for portal 信息公开 detail pages (gov.cn style): the metadata table (索引号, 主题分类,
//! 发文机关, 成文日期, 标题, 发文字号, 发布日期, 效力状态, 主题词) and the body in `#UCAP-CONTENT`.
//! One HTML file per record; the source id is the file's path relative to the source folder.
//! The 公开属性 comes from a 公开属性 / 公开方式 row of the table (wherever it stands on the page)
//! and the 附注 of the page, decided by [`decide_disclosure`].

use super::{clean_text, non_empty, IngestError, RawImport};
use crate::catalog::{
    body, decide_disclosure, parse_cn_date, Disclosure, ImageRef, Record, Validity,
    DISCLOSURE_LABELS,
};
use crate::config::SourceSettings;
use crate::text::compact;
use scraper::{ElementRef, Html, Selector};
use std::path::Path;

/// The metadata labels we read, after removing every kind of space inside them.
#[derive(Debug, Default)]
struct Metadata {
    index_number: Option<String>,
    category: Option<String>,
    issuer: Option<String>,
    written: Option<String>,
    title: Option<String>,
    doc_number: Option<String>,
    published: Option<String>,
    validity: Option<String>,
    keywords: Option<String>,
    /// Every 公开属性 / 公开方式 value found, however many rows carry one.
    disclosure: Vec<String>,
}

impl Metadata {
    fn slot(&mut self, label: &str) -> Option<&mut Option<String>> {
        Some(match label {
            "索引号" => &mut self.index_number,
            "主题分类" => &mut self.category,
            "发文机关" | "发文单位" | "发布机构" => &mut self.issuer,
            "成文日期" => &mut self.written,
            "标题" | "名称" => &mut self.title,
            "发文字号" | "文号" => &mut self.doc_number,
            "发布日期" => &mut self.published,
            "效力状态" | "时效性" => &mut self.validity,
            "主题词" => &mut self.keywords,
            _ => return None,
        })
    }
}

pub(super) fn import(source: &SourceSettings) -> Result<RawImport, IngestError> {
    let io_err = |path: &Path, error| IngestError::Io {
        source_name: source.name.clone(),
        path: path.to_path_buf(),
        error,
    };
    let mut files: Vec<_> = std::fs::read_dir(&source.path)
        .map_err(|e| io_err(&source.path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "htm" || x == "html"))
        .collect();
    files.sort();
    let mut out = RawImport::default();
    for path in files {
        let rel = path
            .strip_prefix(&source.path)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let html = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                out.skip(rel, format!("cannot read file: {e}"));
                continue;
            }
        };
        let page = Page {
            source: &source.name,
            rel: &rel,
            url_template: source.url_template.as_deref(),
            default_disclosure: source.default_disclosure,
        };
        match parse_page(&page, &html) {
            Ok(r) => out.records.push(r),
            Err(reason) => out.skip(rel, reason),
        }
    }
    Ok(out)
}

/// Where a page comes from and what its source configures.
pub(crate) struct Page<'a> {
    pub source: &'a str,
    pub rel: &'a str,
    pub url_template: Option<&'a str>,
    pub default_disclosure: Option<Disclosure>,
}

/// Parses one page; the reason when it is not a usable disclosure page.
pub(crate) fn parse_page(page: &Page, html: &str) -> Result<Record, String> {
    let Page {
        source,
        rel,
        url_template,
        default_disclosure,
    } = *page;
    let doc = Html::parse_document(html);
    let meta = read_metadata(&doc);
    let (body, images) = read_body(&doc).ok_or("no body (#UCAP-CONTENT) on the page")?;
    let title = meta.title.clone().ok_or("no 标题 in the metadata table")?;
    let mut r = Record::new(
        source,
        rel.to_string(),
        crate::catalog::Kind::GovernmentInfo,
        title,
        body,
    );
    r.images = images;
    r.index_number = meta.index_number;
    r.category = meta.category;
    r.issuer = meta.issuer;
    r.doc_number = meta.doc_number;
    r.written_date = meta.written.as_deref().and_then(parse_cn_date);
    r.published_date = meta.published.as_deref().and_then(parse_cn_date);
    if r.written_date.is_none() && r.published_date.is_none() {
        return Err("neither 成文日期 nor 发布日期 is a real date".into());
    }
    r.validity = meta
        .validity
        .as_deref()
        .and_then(Validity::parse)
        .unwrap_or_default();
    r.keywords = meta
        .keywords
        .map(|k| {
            k.split([' ', '；', ';', '，', ','])
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let outside = text_outside_body(&doc);
    let mut values = meta.disclosure;
    values.extend(labelled_values(&outside));
    let field = disclosure_field(&values);
    r.disclosure = decide_disclosure(
        field.as_deref(),
        &format!("{}\n{outside}", r.body),
        default_disclosure,
        crate::catalog::Kind::GovernmentInfo,
    );
    r.doc_type = doc_type_of(&r.title);
    r.url = url_template.and_then(|t| fill_url(t, rel, r.published_date));
    Ok(r)
}

fn read_metadata(doc: &Html) -> Metadata {
    let td = Selector::parse("td").expect("static selector");
    let cells: Vec<String> = doc.select(&td).map(|c| cell_text(&c)).collect();
    let mut meta = Metadata::default();
    let mut i = 0;
    while i < cells.len() {
        if let Some((value, used)) = disclosure_cell(&cells[i], cells.get(i + 1)) {
            meta.disclosure.extend(value);
            i += used;
            continue;
        }
        let label: String = cells[i]
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        if let Some(label) = label.strip_suffix(['：', ':']) {
            if let Some(slot) = meta.slot(label) {
                if slot.is_none() {
                    *slot = cells.get(i + 1).and_then(|v| non_empty(v));
                }
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    meta
}

/// A 公开属性 / 公开方式 cell (label with or without a colon, however spaced or spelt): its value,
/// from the same cell after the colon or else from the next cell, and how many cells it used.
fn disclosure_cell(cell: &str, next: Option<&String>) -> Option<(Option<String>, usize)> {
    let folded = crate::text::fold_width(cell);
    let (label, rest) = folded.split_once(':').unwrap_or((&folded, ""));
    if !DISCLOSURE_LABELS.contains(&compact(label).as_str()) {
        return None;
    }
    if !compact(rest).is_empty() {
        return Some((Some(rest.to_string()), 1));
    }
    Some((next.and_then(|v| non_empty(v)), 2))
}

/// The page's 公开属性 values as one field: a single value as it is, differing values joined
/// (so that any negative one, or any unknown one, keeps the page out).
fn disclosure_field(values: &[String]) -> Option<String> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for v in values {
        let key = compact(v);
        if !key.is_empty() && !seen.iter().any(|(k, _)| *k == key) {
            seen.push((key, v));
        }
    }
    match seen.as_slice() {
        [] => None,
        [(_, one)] => Some(one.to_string()),
        many => Some(many.iter().map(|(_, v)| *v).collect::<Vec<_>>().join("、")),
    }
}

/// 公开属性 / 公开方式 values written outside the body other than in a table row (a `<span>` or
/// `<li>`): what follows each label and its colon, one of the three attributes or else the next
/// few characters, which then read as an unknown value and keep the page out.
fn labelled_values(outside: &str) -> Vec<String> {
    let text = crate::text::squeeze(outside);
    let mut values = Vec::new();
    for label in DISCLOSURE_LABELS {
        for (i, _) in text.match_indices(label) {
            let Some(rest) = text[i + label.len()..].strip_prefix(':') else {
                continue;
            };
            let rest = compact(&rest.chars().take(24).collect::<String>());
            let value = Disclosure::LABELS
                .iter()
                .find(|(l, _)| rest.starts_with(l))
                .map(|(l, _)| l.to_string())
                .unwrap_or_else(|| rest.chars().take(8).collect());
            values.push(value);
        }
    }
    values
}

/// The page's text outside the body (`#UCAP-CONTENT`), scripts and styles: where a 公开属性 row
/// or a 附注 may stand outside the metadata table.
fn text_outside_body(doc: &Html) -> String {
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                e.id() == Some("UCAP-CONTENT") || matches!(e.name(), "script" | "style")
            })
        });
        if !hidden {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// Text of a table cell without descending into nested tables (the outer layout tables hold the
/// whole page).
fn cell_text(cell: &ElementRef) -> String {
    let has_table = cell
        .descendants()
        .any(|n| n.value().as_element().is_some_and(|e| e.name() == "table"));
    if has_table {
        String::new()
    } else {
        clean_text(&cell.text().collect::<String>())
    }
}

/// The body text, one paragraph per line; each table of the body as table lines and each image
/// as an image mark (see [`crate::catalog::body`]), with the images' references.
fn read_body(doc: &Html) -> Option<(String, Vec<ImageRef>)> {
    let content = Selector::parse("#UCAP-CONTENT").expect("static selector");
    let root = doc.select(&content).next()?;
    let mut lines: Vec<String> = Vec::new();
    let mut images = Vec::new();
    for node in root.descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        if !matches!(name, "p" | "table" | "img") || inside_table(&el, &root) {
            continue;
        }
        match name {
            "table" => {
                let rows: Vec<Vec<String>> = table_rows(&el)
                    .into_iter()
                    .filter(|row| row.iter().any(|c| !c.is_empty()))
                    .collect();
                for (i, row) in rows.iter().enumerate() {
                    lines.push(body::table_line(row));
                    // The first row heads the table; the line also keeps two tables one after
                    // the other apart.
                    if i == 0 && rows.len() > 1 {
                        lines.push(body::table_line(&vec!["---"; row.len()]));
                    }
                }
            }
            "img" => {
                let Some(src) = el
                    .value()
                    .attr("src")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                else {
                    continue;
                };
                let caption = ["alt", "title"]
                    .iter()
                    .find_map(|a| el.value().attr(a).map(clean_text).filter(|t| !t.is_empty()))
                    .unwrap_or_default();
                lines.push(body::image_mark(&caption));
                images.push(ImageRef {
                    src: src.to_string(),
                    caption,
                    stored: None,
                });
            }
            _ => {
                let text = clean_text(&el.text().collect::<String>());
                if !text.is_empty() {
                    lines.push(text);
                }
            }
        }
    }
    if lines.is_empty() {
        lines = root
            .text()
            .map(clean_text)
            .filter(|t| !t.is_empty())
            .collect();
    }
    let body = lines.join("\n");
    (!body.is_empty()).then_some((body, images))
}

/// A cell's text: spaces collapsed, and none left between two Chinese characters (the line
/// breaks between a cell's paragraphs, and the spaces that spread 说　明 over a column).
fn cell_words(text: &str) -> String {
    let text = clean_text(text);
    let chars: Vec<char> = text.chars().collect();
    let wide = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii());
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| {
            !(*c == ' ' && wide(chars.get(i.wrapping_sub(1))) && wide(chars.get(i + 1)))
        })
        .map(|(_, c)| c)
        .collect()
}

/// Whether `el` lies inside a table below `root` (the body itself may stand in a layout table).
fn inside_table(el: &ElementRef, root: &ElementRef) -> bool {
    el.ancestors()
        .take_while(|a| a.id() != root.id())
        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
}

/// Widest span a cell may claim (a damaged page must not make a table of a million cells).
const MAX_SPAN: usize = 64;

/// The cells of a table's own rows (not of tables nested in its cells), a cell that spans
/// columns or rows followed or underlaid by empty cells, so every row lines up.
fn table_rows(table: &ElementRef) -> Vec<Vec<String>> {
    let own_row = |tr: &ElementRef| {
        tr.ancestors()
            .find(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
            .is_some_and(|t| t.id() == table.id())
    };
    let span = |cell: &ElementRef, name: &str| {
        cell.value()
            .attr(name)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_SPAN)
    };
    let mut rows = Vec::new();
    // Per column, how many rows below are still covered by a cell spanning down.
    let mut carried: Vec<usize> = Vec::new();
    let trs = table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr" && own_row(e));
    for tr in trs {
        let mut row: Vec<String> = Vec::new();
        let fill_carried = |row: &mut Vec<String>, carried: &mut Vec<usize>| {
            while carried.get(row.len()).is_some_and(|&n| n > 0) {
                carried[row.len()] -= 1;
                row.push(String::new());
            }
        };
        let cells = tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"));
        for cell in cells {
            fill_carried(&mut row, &mut carried);
            let down = span(&cell, "rowspan") - 1;
            for k in 0..span(&cell, "colspan") {
                let col = row.len();
                if carried.len() <= col {
                    carried.resize(col + 1, 0);
                }
                carried[col] = down;
                row.push(if k == 0 {
                    cell_words(&cell.text().collect::<String>())
                } else {
                    String::new()
                });
            }
        }
        fill_carried(&mut row, &mut carried);
        rows.push(row);
    }
    rows
}

/// 通知, 意见, 决定, … from the last words of a title.
pub(crate) fn doc_type_of(title: &str) -> Option<String> {
    const TYPES: [&str; 14] = [
        "通知", "意见", "决定", "批复", "办法", "规定", "条例", "公告", "通告", "方案", "规划",
        "函", "命令", "解读",
    ];
    let t = title.trim_end_matches(['）', ')', '》']);
    TYPES
        .iter()
        .find(|ty| t.ends_with(*ty))
        .map(|s| s.to_string())
}

fn fill_url(template: &str, rel: &str, date: Option<chrono::NaiveDate>) -> Option<String> {
    let date = date?;
    let file = Path::new(rel).file_name()?.to_string_lossy();
    Some(
        template
            .replace("{yyyy}", &date.format("%Y").to_string())
            .replace("{mm}", &date.format("%m").to_string())
            .replace("{dd}", &date.format("%d").to_string())
            .replace("{file}", &file),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<div><table><tbody><tr><td><table><tbody>
      <tr><td><b>索 引 号：</b></td><td>000014349/2019-00007</td><td><b>主题分类：</b></td><td>市场监管\工商</td></tr>
      <tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>2019年01月27日</td></tr>
      <tr><td><b>标　　题：</b></td><td colspan="3">国务院关于全面推行联合监管的意见</td></tr>
      <tr><td><b>发文字号：</b></td><td>国发〔2019〕5号</td><td><b>发布日期：</b></td><td>2019年02月15日</td></tr>
      </tbody></table><table><tr><td><b>主 题 词：</b></td><td></td></tr></table></td></tr></tbody></table>
      <table><tr><td id="UCAP-CONTENT"><p>各省、自治区：</p><p>  一、总体要求 </p><p>（此件公开发布）</p></td></tr></table></div>"#;

    fn parse(
        html: &str,
        url_template: Option<&str>,
        default: Option<Disclosure>,
    ) -> Result<Record, String> {
        let page = Page {
            source: "s",
            rel: "content_1.htm",
            url_template,
            default_disclosure: default,
        };
        parse_page(&page, html)
    }

    /// `PAGE` with `row` added to the metadata table and the body's note replaced by `note`.
    fn page_with(row: &str, note: &str) -> String {
        let paragraphs: String = note.split('\n').map(|p| format!("<p>{p}</p>")).collect();
        PAGE.replace("<tr><td><b>发文机关", &format!("{row}<tr><td><b>发文机关"))
            .replace("<p>（此件公开发布）</p>", &paragraphs)
    }

    #[test]
    fn reads_the_metadata_table_with_spaces_inside_labels() {
        let r = parse(PAGE, Some("https://x/{yyyy}-{mm}/{dd}/{file}"), None).unwrap();
        assert_eq!(r.title, "国务院关于全面推行联合监管的意见");
        assert_eq!(r.index_number.as_deref(), Some("000014349/2019-00007"));
        assert_eq!(r.category.as_deref(), Some("市场监管\\工商"));
        assert_eq!(r.issuer.as_deref(), Some("国务院"));
        assert_eq!(r.doc_number.as_deref(), Some("国发〔2019〕5号"));
        assert_eq!(r.written_date.unwrap().to_string(), "2019-01-27");
        assert_eq!(r.published_date.unwrap().to_string(), "2019-02-15");
        assert!(r.keywords.is_empty());
        assert_eq!(r.body, "各省、自治区：\n一、总体要求\n（此件公开发布）");
        assert_eq!(r.disclosure, Disclosure::Proactive);
        assert_eq!(r.doc_type.as_deref(), Some("意见"));
        assert_eq!(r.url.as_deref(), Some("https://x/2019-02/15/content_1.htm"));
    }

    #[test]
    fn a_page_marked_not_for_publication_is_read_as_withheld() {
        let page = PAGE.replace("此件公开发布", "此件不予公开");
        let r = parse(&page, None, None).unwrap();
        assert_eq!(r.disclosure, Disclosure::Withheld);
    }

    /// Issue 22 item 1: the 公开属性 row of the table was never read, and a page with no
    /// marking at all was taken as 主动公开.
    #[test]
    fn every_spelling_of_a_disclosure_row_decides_and_a_negative_one_beats_the_default() {
        use crate::catalog::tests::FIELD_SPELLINGS;
        let labels = [
            "公开属性：",
            "公开方式：",
            "公 开 属 性:",
            "公開屬性：",
            "【公开方式】",
            "公开属性",
        ];
        for label in labels {
            for (value, want) in FIELD_SPELLINGS {
                let row = format!("<tr><td><b>{label}</b></td><td>{value}</td></tr>");
                for default in [None, Some(Disclosure::Proactive)] {
                    let r = parse(&page_with(&row, "（此件公开发布）"), None, default).unwrap();
                    assert_eq!(r.disclosure, want, "{label} {value:?} {default:?}");
                    let r = parse(&page_with(&row, ""), None, default).unwrap();
                    assert_eq!(r.disclosure, want, "{label} {value:?} {default:?} no note");
                }
            }
        }
        // The label and its value in one cell, and a row outside any table.
        for row in [
            "<tr><td>公开属性：不予公开</td></tr>".to_string(),
            "<tr><td><span>公开方式：</span><span>依申请公开</span></td></tr>".to_string(),
        ] {
            let r = parse(
                &page_with(&row, "（此件公开发布）"),
                None,
                Some(Disclosure::Proactive),
            )
            .unwrap();
            assert!(!r.is_public(), "{row}");
        }
        let outside = PAGE.replace(
            "<div>",
            "<div><div class=\"meta\"><span>公开属性：</span><em>不予公開</em></div>",
        );
        let r = parse(&outside, None, Some(Disclosure::Proactive)).unwrap();
        assert_eq!(r.disclosure, Disclosure::Withheld);
    }

    #[test]
    fn every_spelling_of_a_note_in_the_body_decides_and_no_marking_is_not_public() {
        use crate::catalog::tests::NOTE_SPELLINGS;
        for (note, want) in NOTE_SPELLINGS {
            let page = page_with("", note);
            let r = parse(&page, None, None).unwrap();
            assert_eq!(
                r.disclosure,
                want.unwrap_or(Disclosure::Unmarked),
                "{note:?}"
            );
            let r = parse(&page, None, Some(Disclosure::Proactive)).unwrap();
            assert_eq!(
                r.disclosure,
                want.unwrap_or(Disclosure::Proactive),
                "{note:?} with default"
            );
            // A positive row does not outweigh a negative note.
            let row = "<tr><td><b>公开属性：</b></td><td>主动公开</td></tr>";
            let r = parse(&page_with(row, note), None, None).unwrap();
            let want_with_row = match want {
                Some(Disclosure::Proactive) | None => Disclosure::Proactive,
                Some(negative) => negative,
            };
            assert_eq!(r.disclosure, want_with_row, "{note:?} with a 主动公开 row");
        }
    }

    #[test]
    fn a_table_of_the_body_becomes_table_lines_with_spans_filled_and_an_image_a_mark() {
        let body = r#"<p>补贴标准如下：</p>
          <div><table border="1"><tr><th rowspan="2">对　象</th><th colspan="2">标准（元/月）</th></tr>
            <tr><td><p>城镇</p></td><td>农村</td></tr>
            <tr><td>一级 | 特困</td><td>1200</td><td>900</td></tr></table></div>
          <p><img src="5347765/images/a.jpg" alt=" 办理 流程图 "></p><p>以上标准自2026年1月1日起执行。</p>"#;
        let page = PAGE.replace("<p>各省、自治区：</p><p>  一、总体要求 </p>", body);
        let r = parse(&page, None, None).unwrap();
        assert_eq!(
            r.body,
            "补贴标准如下：\n| 对象 | 标准（元/月） |  |\n| --- | --- | --- |\n|  | 城镇 | 农村 |\n| 一级 ｜ 特困 | 1200 | 900 |\n［图片：办理 流程图］\n以上标准自2026年1月1日起执行。\n（此件公开发布）"
        );
        assert_eq!(
            r.images,
            [ImageRef {
                src: "5347765/images/a.jpg".into(),
                caption: "办理 流程图".into(),
                stored: None
            }]
        );
        let blocks = body::blocks(&r.body);
        assert!(
            matches!(&blocks[1], body::Block::Table(t) if t.rows.len() == 3 && t.columns() == 3)
        );
    }

    #[test]
    fn a_page_without_body_or_title_is_rejected_with_a_reason() {
        let err = parse("<html><p>nothing</p></html>", None, None).unwrap_err();
        assert!(err.contains("UCAP-CONTENT"), "{err}");
    }
}
