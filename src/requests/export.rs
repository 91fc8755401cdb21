//! Staff export of the register as CSV or XLSX: one row per request, ID numbers masked.
//!
//! Pure formatting of [`Stored`] rows into a table, then one writer per format. No SQL here.
//! Every cell goes through [`safe_cell`]: resident text never reaches a spreadsheet as a formula.

use super::register::Stored;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write CSV {path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error("cannot write XLSX {path}: {source}")]
    Xlsx {
        path: String,
        source: rust_xlsxwriter::XlsxError,
    },
}

/// The column headings, in order.
pub const HEADERS: [&str; 16] = [
    "受理编号",
    "受理日期",
    "申请人类型",
    "申请人",
    "证件号码",
    "联系电话",
    "所需信息",
    "提供方式",
    "获取方式",
    "代为填写",
    "办理状态",
    "答复类型代码",
    "答复类型",
    "答复期限",
    "待打印",
    "本月申请件数",
];

/// One request as a row of text cells (personal cells empty once purged).
pub fn row(s: &Stored) -> Vec<String> {
    let req = s.request.as_ref();
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    vec![
        s.receipt_no.clone(),
        s.received_on.to_string(),
        s.applicant_type.label().to_string(),
        req.map(|r| r.applicant.name().to_string())
            .unwrap_or_default(),
        req.map(|r| r.applicant.identity_masked())
            .unwrap_or_default(),
        req.map(|r| r.applicant.phone().to_string())
            .unwrap_or_default(),
        req.map(|r| r.info.description.clone()).unwrap_or_default(),
        req.map(|r| r.provide_as.label().to_string())
            .unwrap_or_default(),
        req.map(|r| r.obtain_by.label().to_string())
            .unwrap_or_default(),
        yes_no(s.staff_assisted),
        s.status.label().to_string(),
        s.outcome.map(|o| o.code().to_string()).unwrap_or_default(),
        s.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
        s.due
            .as_ref()
            .map(|d| d.date.to_string())
            .unwrap_or_default(),
        yes_no(s.print_pending),
        s.month_count.map(|c| c.to_string()).unwrap_or_default(),
    ]
}

/// Characters that make a spreadsheet read a cell as a formula (or a DDE command) when they
/// come first: the ASCII ones OWASP names, and their full-width forms a Chinese input method
/// types.
const FORMULA_START: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A cell as written to a spreadsheet: text a resident typed that starts like a formula
/// (`=HYPERLINK(…)`) gets a leading `'`, as OWASP recommends against CSV injection, so a
/// spreadsheet shows it as text and never runs it.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes a UTF-8 CSV with a byte-order mark (so spreadsheet programs read the Chinese).
pub fn write_csv(rows: &[Stored], path: &Path) -> Result<(), ExportError> {
    write_safe_csv(path, &HEADERS, rows.iter().map(row))
}

/// Writes `headers` and `rows` as a UTF-8 CSV with a byte-order mark, every cell through
/// [`safe_cell`]: the one CSV writer of the register export and the search statistics.
pub fn write_safe_csv(
    path: &Path,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Csv {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::create(path).map_err(|e| err(e.into()))?;
    let mut w = std::io::BufWriter::new(file);
    std::io::Write::write_all(&mut w, "\u{FEFF}".as_bytes()).map_err(|e| err(e.into()))?;
    let mut out = csv::Writer::from_writer(w);
    out.write_record(headers).map_err(err)?;
    for cells in rows {
        out.write_record(cells.iter().map(|c| safe_cell(c).into_owned()))
            .map_err(err)?;
    }
    out.flush().map_err(|e| err(e.into()))?;
    Ok(())
}

/// Writes an XLSX workbook with one sheet 申请登记.
pub fn write_xlsx(rows: &[Stored], path: &Path) -> Result<(), ExportError> {
    let err = |source| ExportError::Xlsx {
        path: path.display().to_string(),
        source,
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("申请登记").map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, s) in rows.iter().enumerate() {
        for (c, cell) in row(s).iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, safe_cell(cell))
                .map_err(err)?;
        }
    }
    book.save(path).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn cells_starting_like_a_formula_get_a_quote_and_others_stay_as_they_are() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝1+1", "'＝1+1"),
            ("张三", "张三"),
            ("QH01-20261125-0001", "QH01-20261125-0001"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(safe_cell(cell), want, "{cell:?}");
        }
    }
}
