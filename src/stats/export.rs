//! The statistics as a spreadsheet for staff: CSV (every counter row by hour, for a pivot
//! table) or XLSX (the subjects most searched, those not answered, the documents opened and
//! printed, and the same rows by hour). Every cell goes through
//! [`crate::requests::export::safe_cell`]: a query typed like a formula stays text.

use super::store::{DetailRow, DocumentCount, SubjectCount};
use crate::requests::export::{safe_cell, ExportError};
use std::path::Path;

/// Columns of the rows by hour (CSV, and the sheet 按小时明细).
pub const DETAIL_HEADERS: [&str; 6] = ["时段", "统计项", "内容", "类别", "查询结果", "次数"];

const SUBJECT_HEADERS: [&str; 5] = [
    "查询内容",
    "查询次数",
    "无结果次数",
    "仅部分相关次数",
    "未满足次数",
];
const DOCUMENT_HEADERS: [&str; 4] = ["标题", "类别", "查阅次数", "打印次数"];

fn detail_cells(r: &DetailRow) -> Vec<String> {
    vec![
        format!("{}时", r.0),
        r.1.to_string(),
        r.2.clone(),
        r.3.clone(),
        r.4.clone(),
        r.5.to_string(),
    ]
}

fn subject_cells(s: &SubjectCount) -> Vec<String> {
    vec![
        s.query.clone(),
        s.searches.to_string(),
        s.nothing.to_string(),
        s.partial.to_string(),
        s.unanswered().to_string(),
    ]
}

fn document_cells(d: &DocumentCount) -> Vec<String> {
    vec![
        d.title.clone(),
        d.kind.clone(),
        d.opened.to_string(),
        d.printed.to_string(),
    ]
}

/// Writes the rows by hour as UTF-8 CSV with a byte-order mark (spreadsheet programs then read
/// the Chinese).
pub fn write_csv(rows: &[DetailRow], path: &Path) -> Result<(), ExportError> {
    crate::requests::export::write_safe_csv(path, &DETAIL_HEADERS, rows.iter().map(detail_cells))
}

/// One sheet: name, headings, the first column of counts, the rows of cells.
type Sheet<'a> = (&'a str, &'a [&'a str], u16, Vec<Vec<String>>);

/// Writes a workbook: 查询主题, 未满足的查询, 查阅与打印, 按小时明细.
pub fn write_xlsx(
    subjects: &[SubjectCount],
    unanswered: &[SubjectCount],
    documents: &[DocumentCount],
    rows: &[DetailRow],
    path: &Path,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Xlsx {
        path: path.display().to_string(),
        source,
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    // Name, headings, the first column of counts, the rows.
    let subjects = subjects.iter().map(subject_cells).collect();
    let unanswered = unanswered.iter().map(subject_cells).collect();
    let sheets: [Sheet; 4] = [
        ("查询主题", &SUBJECT_HEADERS, 1, subjects),
        ("未满足的查询", &SUBJECT_HEADERS, 1, unanswered),
        (
            "查阅与打印",
            &DOCUMENT_HEADERS,
            2,
            documents.iter().map(document_cells).collect(),
        ),
        (
            "按小时明细",
            &DETAIL_HEADERS,
            5,
            rows.iter().map(detail_cells).collect(),
        ),
    ];
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, headers, counts_from, cells) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(err)?;
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
        }
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // Counts as numbers, so a spreadsheet can sum and sort them.
                match cell.parse::<u64>() {
                    Ok(n) if c >= counts_from => sheet.write_number(r, c, n as f64),
                    _ => sheet.write_string(r, c, safe_cell(cell)),
                }
                .map_err(err)?;
            }
        }
    }
    book.save(path).map_err(err)?;
    Ok(())
}
