//! The command line: one file per command group. Parsing here ("low args"), the work in the
//! library, the printing in each command's file.

mod bundle;
mod eval;
mod fleet;
mod index;
mod pinyin;
mod requests;
mod search;
mod staff_pin;
mod stats;

use anyhow::Result;
use clap::{Parser, Subcommand};
use kiosk::config::{PathUse, Settings};
use std::path::PathBuf;

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
pub struct Cli {
    /// Configuration file.
    #[arg(long, global = true, default_value = "kiosk-config/kiosk.toml")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Build or inspect the search index.
    Index {
        #[command(subcommand)]
        action: index::IndexCmd,
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
        action: requests::RequestsCmd,
    },
    /// Search-demand statistics (条例 Art. 44): the subjects most searched and not answered,
    /// the documents opened and printed. Text, or a spreadsheet with --format and --out.
    Stats {
        /// Count from this day (YYYY-MM-DD); default: everything kept.
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// Write a spreadsheet instead: `xlsx` (summary sheets and rows by hour) or `csv` (rows
        /// by hour).
        #[arg(long, value_parser = ["xlsx", "csv"])]
        format: Option<String>,
        /// The spreadsheet file to write (with --format).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A district of kiosks: the central register, its kiosks and their reports.
    Fleet {
        #[command(subcommand)]
        action: fleet::FleetCmd,
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
        /// Score the file at several partial-match thresholds (the share of the query a
        /// partial hit's title must hold), to calibrate it on a development split.
        #[arg(long)]
        calibrate: bool,
    },
    /// Print the input method's candidates for a typed pinyin, one per line, best first (the
    /// first page of the keyboard, or every candidate with --all). Needs no configuration.
    Pinyin {
        /// Letters as typed: `zhangsan`, `xi'an`, `zfxxgk` (several words join with ').
        #[arg(required = true)]
        pinyin: Vec<String>,
        /// Name mode, as on a name field: surnames and given-name characters first.
        #[arg(long)]
        names: bool,
        /// Every candidate, not only the first page.
        #[arg(long)]
        all: bool,
        /// Rank as the kiosk does once its index is open: with the vocabulary of the index of
        /// --config, and initials read against its titles as the search reads them.
        #[arg(long)]
        index: bool,
    },
    /// Score the word segmenter on SIGHAN 2005 gold files: precision, recall, F1 per corpus.
    EvalSegmentation {
        /// A folder with `gold/*_gold.utf8` (e.g. ../shared/eval/segmentation), or the gold folder.
        folder: PathBuf,
    },
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // The commands that need no configuration.
    match &cli.command {
        Some(Cmd::StaffPin) => return staff_pin::run(),
        Some(Cmd::Pinyin {
            pinyin,
            names,
            all,
            index: false,
        }) => return pinyin::run(pinyin, *names, *all, None),
        Some(Cmd::Fleet { action }) if fleet::is_admin(action) => return fleet::run_admin(action),
        _ => {}
    }
    let settings = Settings::load(&cli.config)?;
    match cli.command {
        None => {
            settings.check_paths(PathUse::Kiosk)?;
            kiosk::ui::run(settings)?
        }
        Some(Cmd::Index { action }) => index::run(&settings, action)?,
        Some(Cmd::Search { query, json, limit }) => search::run(&settings, &query, json, limit)?,
        Some(Cmd::Requests { action }) => {
            settings.check_paths(PathUse::Requests)?;
            settings.check_writable(PathUse::Requests)?;
            requests::run(&settings, action)?
        }
        Some(Cmd::Stats { since, format, out }) => {
            stats::run(&settings, since, format.as_deref(), out.as_deref())?
        }
        Some(Cmd::Fleet { action }) => fleet::run(&settings, action)?,
        Some(Cmd::StaffPin) => staff_pin::run()?,
        Some(Cmd::Pinyin {
            pinyin,
            names,
            all,
            index: _,
        }) => pinyin::run(&pinyin, names, all, Some(&settings))?,
        Some(Cmd::Eval {
            queries,
            k,
            failures,
            calibrate: false,
        }) => eval::queries(&settings, &queries, k, failures)?,
        Some(Cmd::Eval {
            queries,
            k,
            calibrate: true,
            ..
        }) => eval::calibrate(&settings, &queries, k)?,
        Some(Cmd::EvalSegmentation { folder }) => eval::segmentation(&folder)?,
    }
    Ok(())
}
