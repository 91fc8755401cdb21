//! `kiosk requests …`: the staff commands on the request register (the central one on a staff
//! workstation, `fleet.staff = true`).

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
    /// Retry printing every request flagged 待打印 (always this machine's own register).
    PrintPending,
    /// The counts of the yearly report (table 三): requests received in the year by applicant
    /// type, their outcomes by code, those still open.
    Report {
        /// The year of receipt; default this year.
        #[arg(long)]
        year: Option<i32>,
        /// Also write the table to this CSV file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compute a request's deadline again with the current holiday files (stored deadlines
    /// never move by themselves when the holiday files change).
    RecomputeDue {
        receipt_no: String,
        #[arg(long, default_value = "staff")]
        actor: String,
    },
}

pub fn run(settings: &Settings, action: RequestsCmd) -> Result<()> {
    use kiosk::desk::requests::RequestDesk;
    use kiosk::staff_requests as staff;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let now = || chrono::Local::now().naive_local();
    let today = || chrono::Local::now().date_naive();
    // The arguments are checked before the register is opened, as they always were. Staff
    // work on the central register on a staff workstation (`fleet.staff = true`); filing and
    // printing always use this machine's own register.
    let open = || RequestDesk::open_staff(settings);
    let open_local = || RequestDesk::open(settings);
    match action {
        RequestsCmd::Submit {
            json,
            repeat,
            print,
        } => {
            let request = staff::read_form(&json, today())?;
            let mut desk = open_local()?;
            let mut err = std::io::stderr();
            staff::submit(&mut desk, &request, repeat, print, now, &mut out, &mut err)?
        }
        RequestsCmd::List { status } => {
            let status = status.as_deref().map(staff::parse_status).transpose()?;
            staff::list(&open()?, status, &mut out)?
        }
        RequestsCmd::Show {
            receipt_no,
            staff_copy,
        } => staff::show(&open()?, &receipt_no, staff_copy, &mut out)?,
        RequestsCmd::SetStatus {
            receipt_no,
            to,
            outcome,
            on,
            actor,
            note,
        } => {
            let change = kiosk::requests::StatusChange {
                to: staff::parse_status(&to)?,
                outcome: outcome.as_deref().map(staff::parse_outcome).transpose()?,
                on: on.unwrap_or_else(today),
                actor,
                note,
            };
            staff::set_status(&mut open()?, &receipt_no, &change, now(), &mut out)?
        }
        RequestsCmd::Export { format, out: file } => {
            staff::export(&open()?, &format, &file, &mut out)?
        }
        RequestsCmd::Purge { today: day, actor } => {
            let mut desk = open()?;
            staff::purge(
                &mut desk,
                day.unwrap_or_else(today),
                &actor,
                now(),
                &mut out,
            )?
        }
        RequestsCmd::RecomputeDue { receipt_no, actor } => {
            staff::recompute_due(&mut open()?, &receipt_no, &actor, now(), &mut out)?
        }
        RequestsCmd::Report { year, out: file } => {
            use chrono::Datelike;
            let year = year.unwrap_or_else(|| today().year());
            staff::report(&open()?, year, file.as_deref(), &mut out)?
        }
        RequestsCmd::PrintPending => {
            let failed = staff::print_pending(&mut open_local()?, now(), &mut out)?;
            if failed > 0 {
                anyhow::bail!("{failed} receipt(s) still not printed");
            }
        }
    }
    Ok(())
}
