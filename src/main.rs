//! `kiosk`: with no subcommand, the kiosk window; staff subcommands run headless.
//! Thin: parse the command line, load the configuration, dispatch, turn errors into exit codes.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use kiosk::config::Settings;
use kiosk::pipeline::BuildReport;
use kiosk::search::alternatives::OFFERED;
use kiosk::search::{open_search, Hit, SearchRequest};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The most hits `kiosk search --limit` shows (the kiosk screen shows fewer).
const MAX_SEARCH_LIMIT: usize = 200;

/// `--limit`: a whole number from 1 to [`MAX_SEARCH_LIMIT`]; anything else is refused by clap
/// with this message (a huge number once made the index allocate without bound and panic).
fn parse_limit(s: &str) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_SEARCH_LIMIT).contains(n))
        .ok_or_else(|| format!("the limit must be a whole number in 1..={MAX_SEARCH_LIMIT}"))
}

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "政务公开专区 self-service kiosk: the kiosk window, and staff commands"
)]
struct Cli {
    /// Configuration file.
    #[arg(long, global = true, default_value = "kiosk-config/kiosk.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build or inspect the search index.
    Index {
        #[command(subcommand)]
        action: IndexCmd,
    },
    /// Search the index as the kiosk does.
    Search {
        /// What a citizen would type: words, a title, a 发文字号, a question.
        query: Vec<String>,
        /// One JSON object per hit per line, best first.
        #[arg(long)]
        json: bool,
        /// How many hits to show, 1 to 200.
        #[arg(long, default_value_t = 10, value_parser = parse_limit, allow_negative_numbers = true)]
        limit: usize,
    },
    /// Disclosure requests (依申请公开): file, list, show, move on, export, purge, reprint.
    Requests {
        #[command(subcommand)]
        action: RequestsCmd,
    },
    /// Hash a staff PIN for `staff_pin_hash` in the configuration. Reads the PIN (6 to 12
    /// digits) from standard input so it never appears in the shell history.
    StaffPin,
    /// Score a judged query file (query_id, query, relevant_ids) with MRR, Recall and nDCG.
    Eval {
        queries: PathBuf,
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Also list every query that scored below 1, with the ids it returned.
        #[arg(long)]
        failures: bool,
    },
    /// Score the word segmenter on SIGHAN 2005 gold files: precision, recall, F1 per corpus.
    EvalSegmentation {
        /// A folder with `gold/*_gold.utf8` (e.g. ../shared/eval/segmentation), or the gold folder.
        folder: PathBuf,
    },
}

#[derive(Subcommand)]
enum RequestsCmd {
    /// File a request from a JSON form (staff entering an oral request, tests). Prints each
    /// receipt number once its transaction has committed.
    Submit {
        #[arg(long)]
        json: PathBuf,
        /// File the same form N times (load and durability tests).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
        /// Print the receipt; a printer failure leaves the request 待打印.
        #[arg(long)]
        print: bool,
    },
    /// One line per request, newest first.
    List {
        /// Only this status (received, correcting, consulting, extended, answered, closed).
        #[arg(long)]
        status: Option<String>,
    },
    /// Every detail of one request; the ID number is masked unless --staff-copy.
    Show {
        receipt_no: String,
        #[arg(long)]
        staff_copy: bool,
    },
    /// Move a request on: received, correcting, consulting, extended, answered, closed.
    SetStatus {
        receipt_no: String,
        to: String,
        /// Outcome code of the yearly report (1, 2, 3.1 … 6.3); required with `answered`.
        #[arg(long)]
        outcome: Option<String>,
        /// The day it happened (YYYY-MM-DD); default today.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        actor: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write the register to a spreadsheet (ID numbers masked).
    Export {
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Remove personal data of requests closed longer than `requests.retention_days`.
    Purge {
        /// Count from this day instead of today (YYYY-MM-DD).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long, default_value = "staff")]
        actor: String,
    },
    /// Retry printing every request flagged 待打印.
    PrintPending,
}

#[derive(Subcommand)]
enum IndexCmd {
    /// Import every source and build a complete new generation, then switch to it atomically.
    Build {
        /// Go ahead even if the safety gate would refuse (mass removal, many bad records).
        #[arg(long)]
        force: bool,
    },
    /// Import every source and write a new generation with only what changed since the current one.
    Refresh {
        /// Go ahead even if the safety gate would refuse (mass removal, many bad records).
        #[arg(long)]
        force: bool,
    },
    /// Make the previous complete generation current again.
    Rollback,
    /// Show the generations, their record counts and sources, and freshness warnings.
    Status,
}

fn main() -> ExitCode {
    // Colour codes only on a terminal: journald and log files get plain text.
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`kiosk requests list | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiosk: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn staff_pin() -> Result<()> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .context("cannot read the PIN from standard input")?;
    let hash = kiosk::staff_pin::hash_pin(pin.trim())?;
    println!("staff_pin_hash = \"{hash}\"");
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    // The only command that needs no configuration.
    if let Some(Cmd::StaffPin) = cli.command {
        return staff_pin();
    }
    let settings = Settings::load(&cli.config)?;
    match cli.command {
        None => kiosk::ui::run(settings)?,
        Some(Cmd::Index { action }) => index_command(&settings, action)?,
        Some(Cmd::Search { query, json, limit }) => {
            let index = open_search(&settings.index_dir)?;
            let request = SearchRequest {
                query: query.join(" "),
                limit,
                ..SearchRequest::default()
            };
            let results = index.search_with(&request)?;
            if !json {
                if let Some(c) = &results.converted {
                    println!("按拼音理解为：{c}");
                }
                if let Some(s) = &results.suggestion {
                    println!("您是不是要找：{s}");
                }
            }
            print_hits(&results.hits, json)?;
            if !json && results.hits.is_empty() {
                let alternatives = index.alternatives(&request, OFFERED)?;
                if !alternatives.is_empty() {
                    println!("您可以试试：{}", alternatives.join("、"));
                }
            }
        }
        Some(Cmd::Requests { action }) => run_requests(&settings, action)?,
        Some(Cmd::StaffPin) => staff_pin()?,
        Some(Cmd::Eval {
            queries,
            k,
            failures,
        }) => {
            let text = std::fs::read_to_string(&queries)
                .with_context(|| format!("cannot read {}", queries.display()))?;
            let judged = kiosk::search::eval::parse_queries(&text)?;
            let index = open_search(&settings.index_dir)?;
            let report = kiosk::search::eval::evaluate(&index, &judged, k)?;
            println!(
                "{:<16} {:>7} {:>8} {:>10} {:>8}",
                "type",
                "queries",
                format!("MRR@{k}"),
                format!("Recall@{k}"),
                format!("nDCG@{k}")
            );
            let row = |name: &str, s: &kiosk::search::eval::Summary| {
                println!(
                    "{:<16} {:>7} {:>8.4} {:>10.4} {:>8.4}",
                    name, s.queries, s.mean.mrr, s.mean.recall, s.mean.ndcg
                );
            };
            for (t, s) in &report.by_type {
                row(t, s);
            }
            row("overall", &report.overall);
            if failures {
                println!();
                for q in report.per_query.iter().filter(|q| q.scores.ndcg < 1.0) {
                    println!(
                        "{:<8} {:<16} nDCG {:.2}  {}  -> {}",
                        q.id,
                        q.kind,
                        q.scores.ndcg,
                        q.query,
                        if q.returned.is_empty() {
                            "(nothing)".to_string()
                        } else {
                            q.returned
                                .iter()
                                .take(3)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(" | ")
                        }
                    );
                }
            }
        }
        Some(Cmd::EvalSegmentation { folder }) => {
            let scores = kiosk::search::segmentation_eval::score_folder(&folder)?;
            println!(
                "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
                "corpus", "gold", "segmented", "correct", "P", "R", "F1"
            );
            for (name, c) in &scores {
                println!(
                    "{:<8} {:>9} {:>9} {:>9} {:>7.4} {:>7.4} {:>7.4}",
                    name,
                    c.gold,
                    c.predicted,
                    c.correct,
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
        }
    }
    Ok(())
}

fn index_command(settings: &Settings, action: IndexCmd) -> Result<()> {
    use kiosk::pipeline::Mode;
    match action {
        IndexCmd::Build { force } => {
            print_build_report(&kiosk::pipeline::run(settings, Mode::Full, force)?)
        }
        IndexCmd::Refresh { force } => {
            print_build_report(&kiosk::pipeline::run(settings, Mode::Incremental, force)?)
        }
        IndexCmd::Rollback => {
            let lock = kiosk::search::index::lock(&settings.index_dir)?;
            let g = kiosk::search::index::rollback(&lock, &settings.index_dir)?;
            println!(
                "Rolled back: generation {} ({} records) is current again.",
                g.name, g.records
            );
        }
        IndexCmd::Status => {
            let status = kiosk::status::IndexStatus::read(settings);
            print!("{}", status.render());
        }
    }
    Ok(())
}

fn run_requests(settings: &Settings, action: RequestsCmd) -> Result<()> {
    use kiosk::staff_requests as staff;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match action {
        RequestsCmd::Submit {
            json,
            repeat,
            print,
        } => staff::submit(
            settings,
            &json,
            repeat,
            print,
            &mut out,
            &mut std::io::stderr(),
        )?,
        RequestsCmd::List { status } => staff::list(settings, status.as_deref(), &mut out)?,
        RequestsCmd::Show {
            receipt_no,
            staff_copy,
        } => staff::show(settings, &receipt_no, staff_copy, &mut out)?,
        RequestsCmd::SetStatus {
            receipt_no,
            to,
            outcome,
            on,
            actor,
            note,
        } => staff::set_status(
            settings,
            &receipt_no,
            &to,
            outcome.as_deref(),
            on,
            &actor,
            &note,
            &mut out,
        )?,
        RequestsCmd::Export { format, out: file } => {
            staff::export(settings, &format, &file, &mut out)?
        }
        RequestsCmd::Purge { today, actor } => staff::purge(settings, today, &actor, &mut out)?,
        RequestsCmd::PrintPending => {
            let failed = staff::print_pending(settings, &mut out)?;
            if failed > 0 {
                anyhow::bail!("{failed} receipt(s) still not printed");
            }
        }
    }
    Ok(())
}

fn print_build_report(r: &BuildReport) {
    println!("Index generation {} is now current.", r.generation.name);
    if let Some(c) = r.generation.changes {
        println!(
            "Incremental: {} added, {} changed, {} removed, {} unchanged.",
            c.added, c.changed, c.removed, c.unchanged
        );
    }
    for s in &r.sources {
        println!(
            "  {:<26} {:<13} {:>6} records  {:>4} skipped  {:>3} not public  {:>4} ignored files",
            s.source,
            s.format,
            s.imported,
            s.skipped.len(),
            s.on_request + s.withheld,
            s.ignored_files
        );
        for skip in s.skipped.iter().take(20) {
            println!("      skipped {}: {}", skip.location, skip.reason);
        }
        if s.skipped.len() > 20 {
            println!("      … and {} more skipped records", s.skipped.len() - 20);
        }
    }
    println!(
        "Total {} records indexed. Data up to {}. Import {:.2} s, indexing {:.2} s, total {:.2} s.",
        r.generation.records,
        r.generation
            .data_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into()),
        r.import_time.as_secs_f64(),
        r.index_time.as_secs_f64(),
        (r.import_time + r.index_time).as_secs_f64()
    );
}

fn print_hits(hits: &[Hit], json: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        for h in hits {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        }
        return Ok(());
    }
    if hits.is_empty() {
        writeln!(out, "没有找到相关内容。(no results)")?;
    }
    for (i, h) in hits.iter().enumerate() {
        writeln!(
            out,
            "{:>2}. {}  [{}]【{}】",
            i + 1,
            h.title_marked.marked("\x1b[1m", "\x1b[0m"),
            h.kind.label(),
            h.validity.label()
        )?;
        let mut meta: Vec<String> = vec![h.id.clone()];
        meta.extend(h.doc_number.clone());
        meta.extend(h.issuer.clone());
        meta.extend(h.date.map(|d| d.to_string()));
        writeln!(out, "    {}", meta.join(" · "))?;
        writeln!(
            out,
            "    {}",
            h.snippet_marked
                .marked("\x1b[1m", "\x1b[0m")
                .replace('\n', " ")
        )?;
    }
    Ok(())
}
