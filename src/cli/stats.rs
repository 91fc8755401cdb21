//! `kiosk stats`: the search-demand statistics (条例 Art. 44) for staff: the subjects most
//! searched, those the kiosk could not answer, and the documents opened and printed, printed as
//! text, or written to a spreadsheet (`--format xlsx|csv --out FILE`).

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use kiosk::config::Settings;
use kiosk::stats::{stats_path, StatsStore, SubjectCount};
use std::io::Write;
use std::path::Path;

/// The rows of each list in the text summary.
const TOP: usize = 20;

pub fn run(
    settings: &Settings,
    since: Option<NaiveDate>,
    format: Option<&str>,
    out: Option<&Path>,
) -> Result<()> {
    let path = stats_path(settings);
    if !path.exists() {
        println!(
            "尚无查询统计（{} 不存在：终端尚未记录过查询）。",
            path.display()
        );
        return Ok(());
    }
    let store = StatsStore::open(&path)?;
    match (format, out) {
        (None, None) => summary(&store, since, &mut std::io::stdout().lock()),
        (Some(f), Some(out)) => export(&store, since, f, out),
        (Some(_), None) => bail!("--format needs --out FILE: where to write the spreadsheet"),
        (None, Some(_)) => bail!("--out needs --format xlsx or --format csv"),
    }
}

fn export(store: &StatsStore, since: Option<NaiveDate>, format: &str, out: &Path) -> Result<()> {
    let rows = store.detail(since)?;
    match format {
        "csv" => kiosk::stats::write_csv(&rows, out)?,
        "xlsx" => kiosk::stats::write_xlsx(
            &store.subjects(since)?,
            &store.unanswered(since)?,
            &store.documents(since)?,
            &rows,
            out,
        )?,
        other => bail!("unknown --format `{other}`: use xlsx or csv"),
    }
    println!("已导出 {} 行查询统计到 {}", rows.len(), out.display());
    Ok(())
}

fn summary(store: &StatsStore, since: Option<NaiveDate>, out: &mut dyn Write) -> Result<()> {
    let from = since.map_or("全部时间".to_string(), |d| format!("{d} 起"));
    let subjects = store.subjects(since)?;
    let total: u64 = subjects.iter().map(|s| s.searches).sum();
    writeln!(
        out,
        "查询统计（{from}）：共 {total} 次查询，{} 个查询主题。",
        subjects.len()
    )?;
    writeln!(out, "\n查询最多的主题：")?;
    list(out, &subjects, |s| {
        format!("{} 次（未满足 {} 次）", s.searches, s.unanswered())
    })?;
    writeln!(
        out,
        "\n未能满足的查询（无结果或仅部分相关，建议研究主动公开）："
    )?;
    list(out, &store.unanswered(since)?, |s| {
        format!(
            "{} 次（无结果 {}，仅部分相关 {}；共查询 {} 次）",
            s.unanswered(),
            s.nothing,
            s.partial,
            s.searches
        )
    })?;
    writeln!(out, "\n查阅最多的信息：")?;
    let documents = store.documents(since)?;
    if documents.is_empty() {
        writeln!(out, "  （无）")?;
    }
    for (i, d) in documents.iter().take(TOP).enumerate() {
        writeln!(
            out,
            "  {:>2}. {}  查阅 {} 次，打印 {} 次",
            i + 1,
            d.title,
            d.opened,
            d.printed
        )
        .context("writing the summary")?;
    }
    Ok(())
}

fn list(
    out: &mut dyn Write,
    rows: &[SubjectCount],
    counts: impl Fn(&SubjectCount) -> String,
) -> Result<()> {
    if rows.is_empty() {
        writeln!(out, "  （无）")?;
    }
    for (i, s) in rows.iter().take(TOP).enumerate() {
        writeln!(out, "  {:>2}. {}  {}", i + 1, s.query, counts(s))?;
    }
    Ok(())
}
