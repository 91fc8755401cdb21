//! `kiosk requests …`: the staff commands on the request register.

use anyhow::Result;
use clap::Subcommand;
use kiosk::config::Settings;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum RequestsCmd {
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
    /// Compute a request's deadline again with the current holiday files (stored deadlines
    /// never move by themselves when the holiday files change).
    RecomputeDue {
        receipt_no: String,
        #[arg(long, default_value = "staff")]
        actor: String,
    },
}

pub fn run(settings: &Settings, action: RequestsCmd) -> Result<()> {
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
        RequestsCmd::RecomputeDue { receipt_no, actor } => {
            staff::recompute_due(settings, &receipt_no, &actor, &mut out)?
        }
        RequestsCmd::PrintPending => {
            let failed = staff::print_pending(settings, &mut out)?;
            if failed > 0 {
                anyhow::bail!("{failed} receipt(s) still not printed");
            }
        }
    }
    Ok(())
}
