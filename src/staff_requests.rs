//! The text of `kiosk requests …`: renders what the request desk ([`crate::desk::requests`])
//! returns to a `Write`, so the command line stays thin and tests can call it. The work (the
//! register, the printers, the rules) is the desk's; the staff screen renders a request's
//! detail with [`render_detail`] too.

use crate::desk::requests::{
    description_text, due_text, DeskError, Detail, Filed, Place, RequestDesk,
};
use crate::print::{CopyKind, Letterhead};
use crate::requests::{Request, Status, StatusChange};
use chrono::{NaiveDate, NaiveDateTime};
use std::io::Write;
use std::path::Path;

pub use crate::desk::requests::{
    damaged_warning, letterhead, open_register, parse_outcome, parse_status, printers, read_form,
    DeskError as StaffError,
};

/// Files the form `repeat` times. Each receipt number is written and flushed only after its
/// transaction committed. With `print`, tries to print each; a printer failure leaves the
/// request 待打印 and is reported on `err`, not as a failure of the command.
pub fn submit(
    desk: &mut RequestDesk,
    request: &Request,
    repeat: u32,
    print: bool,
    now: impl Fn() -> NaiveDateTime,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), DeskError> {
    if print {
        desk.printers()?;
    }
    for _ in 0..repeat.max(1) {
        let Filed { receipt, printed } = desk.file(request, print, now())?;
        writeln!(out, "{}", receipt.receipt_no)?;
        out.flush()?;
        for w in &receipt.due.warnings {
            writeln!(err, "注意：{w}")?;
        }
        match printed {
            None => {}
            Some(Ok(job)) => writeln!(
                err,
                "{}: 已送打印 {}",
                receipt.receipt_no,
                job.unwrap_or_else(|| "escpos".into())
            )?,
            Some(Err(e)) => {
                let message = match &e {
                    DeskError::Print(p) => p.resident_message(),
                    _ => crate::print::backend::PRINT_FAILED_MESSAGE,
                };
                writeln!(err, "{}: {message}\n  ({e})", receipt.receipt_no)?;
            }
        }
    }
    Ok(())
}

/// One line per request, newest first.
pub fn list(
    desk: &RequestDesk,
    status: Option<Status>,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let listing = desk.list(status)?;
    let rows = &listing.rows;
    for s in rows {
        writeln!(
            out,
            "{}  {}  {:<8}  {:<10}  期限 {:<10}  {}{}",
            s.receipt_no,
            s.received_on,
            s.applicant_type.label(),
            s.status.label(),
            due_text(s),
            if s.print_pending { "[待打印] " } else { "" },
            description_text(s, 24)
        )?;
    }
    match desk.place() {
        Place::Centre => writeln!(out, "共 {} 件（区级登记簿，全区各终端）", rows.len())?,
        Place::KioskOfDistrict => writeln!(
            out,
            "共 {} 件（本终端的记录；办理状态以区级登记簿为准，须在区级变更）",
            rows.len()
        )?,
        Place::Alone => writeln!(out, "共 {} 件", rows.len())?,
    }
    if let Some(w) = damaged_warning(&listing.damaged) {
        writeln!(out, "{w}")?;
    }
    if let Some(w) = desk
        .store()
        .outbox_state()?
        .and_then(|o| refused_warning(&o))
    {
        writeln!(out, "{w}")?;
    }
    Ok(())
}

/// The warning line for requests the central register refused, if any.
pub fn refused_warning(outbox: &crate::requests::OutboxState) -> Option<String> {
    (!outbox.refused.is_empty()).then(|| {
        format!(
            "警告：有{}件申请被中心登记簿拒收（中心已有同一受理编号、内容不同）：{}。申请仍保存在本机，请核对后用 kiosk fleet retry 重新发送",
            outbox.refused.len(),
            outbox
                .refused
                .iter()
                .map(|r| r.receipt_no.as_str())
                .collect::<Vec<_>>()
                .join("、")
        )
    })
}

/// Every detail of one request; the full ID number only with `staff_copy`.
pub fn show(
    desk: &RequestDesk,
    receipt_no: &str,
    staff_copy: bool,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let detail = desk.show(receipt_no)?;
    render_detail(&detail, desk.letterhead(), staff_copy, out)?;
    Ok(())
}

/// The text of one request's detail: status, deadline, counts, the form, the audit log.
pub fn render_detail(
    detail: &Detail,
    head: &Letterhead,
    staff_copy: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let s = &detail.stored;
    let copy = if staff_copy {
        CopyKind::Staff
    } else {
        CopyKind::Applicant
    };
    writeln!(out, "办理状态：{}", s.status.label())?;
    if let Some(o) = s.outcome {
        writeln!(out, "答复类型：{} {}", o.code(), o.label())?;
    }
    writeln!(out, "答复期限：{}", due_text(s))?;
    for w in s.due.iter().flat_map(|d| &d.warnings) {
        writeln!(out, "注意：{w}")?;
    }
    if let Some(n) = s.month_count {
        writeln!(
            out,
            "该申请人本月申请件数：{n}{}",
            if n > 10 {
                "（超过10件，可依国办函〔2020〕109号收取信息处理费）"
            } else {
                ""
            }
        )?;
    }
    writeln!(out, "待打印：{}", if s.print_pending { "是" } else { "否" })?;
    writeln!(
        out,
        "代为填写：{}",
        if s.staff_assisted { "是" } else { "否" }
    )?;
    for h in &s.hints {
        writeln!(out, "提示：{}", h.message())?;
    }
    match crate::print::layout::application_form(s, head, copy) {
        Some(blocks) => writeln!(out, "{}", crate::print::layout::plain_text(&blocks))?,
        None => writeln!(
            out,
            "个人信息已于 {} 删除。",
            s.purged_on.map(|d| d.to_string()).unwrap_or_default()
        )?,
    }
    writeln!(out, "\n办理记录：")?;
    for a in &detail.audit {
        writeln!(
            out,
            "  {}  {}  {}: {} → {}  {}",
            a.at,
            a.actor,
            a.field,
            a.from.as_deref().unwrap_or("-"),
            a.to,
            a.note
        )?;
    }
    Ok(())
}

/// Moves a request on (see [`crate::requests::Register::set_status`] for the rules).
pub fn set_status(
    desk: &mut RequestDesk,
    receipt_no: &str,
    change: &StatusChange,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let s = desk.set_status(receipt_no, change, now)?;
    writeln!(
        out,
        "{}: {}，答复期限 {}",
        receipt_no,
        s.status.label(),
        due_text(&s)
    )?;
    Ok(())
}

/// Writes the whole register to a CSV or XLSX file.
pub fn export(
    desk: &RequestDesk,
    format: &str,
    path: &Path,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let exported = desk.export(format, path)?;
    writeln!(out, "已导出 {} 件到 {}", exported.count, path.display())?;
    if let Some(w) = damaged_warning(&exported.damaged) {
        writeln!(out, "{w}")?;
    }
    Ok(())
}

/// The counts of the yearly report for the requests received in `year`, as a table on `out`
/// and, with `csv`, in a CSV file (the one CSV writer of the register export).
pub fn report(
    desk: &RequestDesk,
    year: i32,
    csv: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let (counts, damaged) = desk.report(year)?;
    let source = match desk.place() {
        Place::Centre => "区级登记簿（全区各终端）",
        Place::KioskOfDistrict | Place::Alone => "本终端登记簿",
    };
    writeln!(
        out,
        "{year}年度政府信息公开申请情况（按受理日期统计；来源：{source}）"
    )?;
    writeln!(
        out,
        "{:<10}  {:>6}  {:>14}  {:>6}  项目",
        "行", "自然人", "法人或其他组织", "总计"
    )?;
    let rows = crate::requests::report::rows(&counts);
    for r in &rows {
        writeln!(
            out,
            "{:<10}  {:>6}  {:>14}  {:>6}  {}",
            r[0], r[2], r[3], r[4], r[1]
        )?;
    }
    if let Some(w) = damaged_warning(&damaged) {
        writeln!(out, "{w}")?;
    }
    if let Some(path) = csv {
        crate::requests::export::write_safe_csv(
            path,
            &crate::requests::report::HEADERS,
            rows.into_iter(),
        )?;
        writeln!(out, "已写入 {}", path.display())?;
    }
    Ok(())
}

/// Computes the deadline of one request again with the current holiday files.
pub fn recompute_due(
    desk: &mut RequestDesk,
    receipt_no: &str,
    actor: &str,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let r = desk.recompute_due(receipt_no, actor, now)?;
    match (r.old, r.new) {
        (Some(old), Some(new)) if old == new.date => {
            writeln!(out, "{receipt_no}: 答复期限不变，仍为 {old}")?
        }
        (Some(old), Some(new)) => {
            writeln!(out, "{receipt_no}: 答复期限由 {old} 改为 {}", new.date)?;
            for w in &new.warnings {
                writeln!(out, "注意：{w}")?;
            }
        }
        _ => writeln!(out, "{receipt_no}: 期限暂停计算或已答复，无需重新计算")?,
    }
    Ok(())
}

/// Removes personal data of requests closed longer than the retention period.
pub fn purge(
    desk: &mut RequestDesk,
    today: NaiveDate,
    actor: &str,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<(), DeskError> {
    let purged = desk.purge(today, actor, now)?;
    for r in &purged {
        writeln!(out, "{r}")?;
    }
    writeln!(
        out,
        "已删除 {} 件申请的个人信息（保留期 {} 天）",
        purged.len(),
        desk.retention_days()
    )?;
    Ok(())
}

/// Retries every 待打印 request. Returns how many are still pending.
pub fn print_pending(
    desk: &mut RequestDesk,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<usize, DeskError> {
    let mut failed = 0;
    for r in desk.print_pending(now)? {
        match r.result {
            Ok(job) => writeln!(out, "{}: 已打印 {}", r.receipt_no, job.unwrap_or_default())?,
            Err(e) => {
                failed += 1;
                writeln!(out, "{}: 未打印 ({e})", r.receipt_no)?;
            }
        }
    }
    Ok(failed)
}
