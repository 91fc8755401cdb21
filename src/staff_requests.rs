//! The staff side of disclosure requests, behind `kiosk requests …`: open the register from
//! the settings, file a JSON form, list, show, change status, export, purge and reprint.
//!
//! Plain functions writing to a `Write`, so `main.rs` stays thin and tests can call them.
//! Owns no state; the register, printers and calendar come from [`Settings`].

use crate::config::Settings;
use crate::print::backend::{print_receipt, PrintError, Printers};
use crate::print::Letterhead;
use crate::requests::deadlines::CalendarError;
use crate::requests::export::{self, ExportError};
use crate::requests::register::Stored;
use crate::requests::{
    crypto::KeyError, Calendar, Outcome, RawForm, Register, RegisterError, Status, StatusChange,
};
use chrono::{Local, NaiveDate, NaiveDateTime};
use std::io::Write;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a request form: {message}")]
    Form { path: String, message: String },
    #[error("the form has errors:\n{0}")]
    Invalid(String),
    #[error("unknown {what} `{value}`; use one of: {choices}")]
    Choice {
        what: &'static str,
        value: String,
        choices: String,
    },
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
}

fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

impl StaffError {
    /// True when the register refuses to take requests until staff act (a lost or wrong key
    /// file, a damaged register file): the kiosk says 暂停受理 rather than "try again".
    pub fn suspends_filing(&self) -> bool {
        match self {
            StaffError::Register(e) => e.suspends_filing(),
            StaffError::Key(KeyError::Length { .. }) => true,
            _ => false,
        }
    }
}

/// Opens the register named in the settings, with its key file and holiday calendar (see
/// [`Register::open_files`]: a register with requests is never given a new key).
pub fn open_register(settings: &Settings) -> Result<Register, StaffError> {
    let r = &settings.requests;
    let calendar = Calendar::load_dir(&r.holidays)?;
    Ok(Register::open_files(
        &r.register,
        &r.key_file,
        calendar,
        &r.kiosk_id,
    )?)
}

/// The warning line for rows that could not be read, if any.
pub fn damaged_warning(damaged: &[String]) -> Option<String> {
    (!damaged.is_empty()).then(|| {
        format!(
            "警告：有{}条记录无法读取：{}（已跳过，其余记录照常列出；请检查密钥文件和登记簿备份）",
            damaged.len(),
            damaged.join("、")
        )
    })
}

pub fn letterhead(settings: &Settings) -> Letterhead {
    Letterhead {
        agency: settings.requests.agency.clone(),
        hall: settings.hall_name.clone(),
        phone: settings.requests.agency_phone.clone(),
    }
}

/// The printers, with the kiosk's font (or the bundled subset) for PDFs.
pub fn printers(settings: &Settings) -> Result<Printers, StaffError> {
    let font_path = settings.font.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-kiosk-subset.otf")
    });
    let font = std::fs::read(&font_path).map_err(|source| StaffError::Read {
        path: font_path.display().to_string(),
        source,
    })?;
    Ok(Printers {
        cups_queue: settings.requests.cups_queue.clone(),
        escpos: settings.requests.escpos.clone(),
        font,
    })
}

/// Reads and validates a JSON form.
pub fn read_form(path: &Path, today: NaiveDate) -> Result<crate::requests::Request, StaffError> {
    let text = std::fs::read_to_string(path).map_err(|source| StaffError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let raw: RawForm = serde_json::from_str(&text).map_err(|e| StaffError::Form {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    raw.validate(today).map_err(|errors| {
        StaffError::Invalid(
            errors
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// Files the form `repeat` times. Each receipt number is written and flushed only after its
/// transaction committed. With `print`, tries to print each; a printer failure leaves the
/// request 待打印 and is reported on `err`, not as a failure of the command.
pub fn submit(
    settings: &Settings,
    form: &Path,
    repeat: u32,
    print: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), StaffError> {
    let request = read_form(form, Local::now().date_naive())?;
    let mut register = open_register(settings)?;
    let printers = if print {
        Some(printers(settings)?)
    } else {
        None
    };
    let head = letterhead(settings);
    for _ in 0..repeat.max(1) {
        let receipt = register.submit(&request, now())?;
        writeln!(out, "{}", receipt.receipt_no)?;
        out.flush()?;
        for w in &receipt.due.warnings {
            writeln!(err, "注意：{w}")?;
        }
        if let Some(p) = &printers {
            match print_receipt(&mut register, &receipt.receipt_no, &head, p, now()) {
                Ok(job) => writeln!(
                    err,
                    "{}: 已送打印 {}",
                    receipt.receipt_no,
                    job.unwrap_or_else(|| "escpos".into())
                )?,
                Err(e) => {
                    tracing::warn!(receipt_no = %receipt.receipt_no, error = %e, "receipt not printed");
                    writeln!(
                        err,
                        "{}: {}\n  ({e})",
                        receipt.receipt_no,
                        e.resident_message()
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn due_text(s: &Stored) -> String {
    match &s.due {
        Some(d) => d.date.to_string(),
        None if matches!(s.status, Status::Correcting | Status::Consulting) => "暂停计算".into(),
        None => "-".into(),
    }
}

/// One line per request, newest first.
pub fn list(
    settings: &Settings,
    status: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let status = status.map(parse_status).transpose()?;
    let register = open_register(settings)?;
    let listing = register.list(status)?;
    let rows = &listing.rows;
    for s in rows {
        let desc: String = s
            .request
            .as_ref()
            .map(|r| r.info.description.chars().take(24).collect())
            .unwrap_or_else(|| "（个人信息已删除）".into());
        writeln!(
            out,
            "{}  {}  {:<8}  {:<10}  期限 {:<10}  {}{}",
            s.receipt_no,
            s.received_on,
            s.applicant_type.label(),
            s.status.label(),
            due_text(s),
            if s.print_pending { "[待打印] " } else { "" },
            desc
        )?;
    }
    writeln!(out, "共 {} 件", rows.len())?;
    if let Some(w) = damaged_warning(&listing.damaged) {
        writeln!(out, "{w}")?;
    }
    Ok(())
}

/// Every detail of one request; the full ID number only with `staff_copy`.
pub fn show(
    settings: &Settings,
    receipt_no: &str,
    staff_copy: bool,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let register = open_register(settings)?;
    let s = register.get(receipt_no)?;
    let copy = if staff_copy {
        crate::print::CopyKind::Staff
    } else {
        crate::print::CopyKind::Applicant
    };
    let head = letterhead(settings);
    writeln!(out, "办理状态：{}", s.status.label())?;
    if let Some(o) = s.outcome {
        writeln!(out, "答复类型：{} {}", o.code(), o.label())?;
    }
    writeln!(out, "答复期限：{}", due_text(&s))?;
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
    match crate::print::layout::application_form(&s, &head, copy) {
        Some(blocks) => writeln!(out, "{}", crate::print::layout::plain_text(&blocks))?,
        None => writeln!(
            out,
            "个人信息已于 {} 删除。",
            s.purged_on.map(|d| d.to_string()).unwrap_or_default()
        )?,
    }
    writeln!(out, "\n办理记录：")?;
    for a in register.audit(receipt_no)? {
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

fn parse_status(s: &str) -> Result<Status, StaffError> {
    Status::ALL
        .into_iter()
        .find(|st| st.code() == s || st.label() == s)
        .ok_or_else(|| StaffError::Choice {
            what: "status",
            value: s.to_string(),
            choices: Status::ALL.map(|s| s.code()).join(", "),
        })
}

/// Moves a request on (see [`Register::set_status`] for the rules).
#[allow(clippy::too_many_arguments)]
pub fn set_status(
    settings: &Settings,
    receipt_no: &str,
    to: &str,
    outcome: Option<&str>,
    on: Option<NaiveDate>,
    actor: &str,
    note: &str,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let to = parse_status(to)?;
    let outcome = outcome
        .map(|c| {
            Outcome::from_code(c).ok_or_else(|| StaffError::Choice {
                what: "outcome code",
                value: c.to_string(),
                choices: Outcome::TABLE
                    .map(|r| format!("{} {}", r.1, r.2))
                    .join("; "),
            })
        })
        .transpose()?;
    let mut register = open_register(settings)?;
    let change = StatusChange {
        to,
        outcome,
        on: on.unwrap_or_else(|| Local::now().date_naive()),
        actor: actor.to_string(),
        note: note.to_string(),
    };
    register.set_status(receipt_no, &change, now())?;
    let s = register.get(receipt_no)?;
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
    settings: &Settings,
    format: &str,
    path: &Path,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let register = open_register(settings)?;
    let listing = register.list(None)?;
    let rows = &listing.rows;
    match format {
        "csv" => export::write_csv(rows, path)?,
        "xlsx" => export::write_xlsx(rows, path)?,
        other => {
            return Err(StaffError::Choice {
                what: "format",
                value: other.to_string(),
                choices: "xlsx, csv".into(),
            })
        }
    }
    writeln!(out, "已导出 {} 件到 {}", rows.len(), path.display())?;
    if let Some(w) = damaged_warning(&listing.damaged) {
        writeln!(out, "{w}")?;
    }
    Ok(())
}

/// Computes the deadline of one request again with the current holiday files (an explicit
/// staff action: stored deadlines never move by themselves).
pub fn recompute_due(
    settings: &Settings,
    receipt_no: &str,
    actor: &str,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let mut register = open_register(settings)?;
    match register.recompute_due(receipt_no, now(), actor)? {
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
    settings: &Settings,
    today: Option<NaiveDate>,
    actor: &str,
    out: &mut dyn Write,
) -> Result<(), StaffError> {
    let mut register = open_register(settings)?;
    let today = today.unwrap_or_else(|| Local::now().date_naive());
    let purged = register.purge(today, settings.requests.retention_days, now(), actor)?;
    for r in &purged {
        writeln!(out, "{r}")?;
    }
    writeln!(
        out,
        "已删除 {} 件申请的个人信息（保留期 {} 天）",
        purged.len(),
        settings.requests.retention_days
    )?;
    Ok(())
}

/// Retries every 待打印 request. Returns how many are still pending.
pub fn print_pending(settings: &Settings, out: &mut dyn Write) -> Result<usize, StaffError> {
    let mut register = open_register(settings)?;
    let printers = printers(settings)?;
    let head = letterhead(settings);
    let mut failed = 0;
    for receipt_no in register.print_pending()? {
        match print_receipt(&mut register, &receipt_no, &head, &printers, now()) {
            Ok(job) => writeln!(out, "{receipt_no}: 已打印 {}", job.unwrap_or_default())?,
            Err(e) => {
                failed += 1;
                writeln!(out, "{receipt_no}: 未打印 ({e})")?;
            }
        }
    }
    Ok(failed)
}
