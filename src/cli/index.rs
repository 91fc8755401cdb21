//! `kiosk index …`: build, refresh, roll back and inspect the index generations.

use anyhow::Result;
use clap::Subcommand;
use kiosk::config::Settings;
use kiosk::pipeline::BuildReport;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IndexCmd {
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
    /// (build host) Write a new ed25519 key pair that signs index bundles.
    Keygen {
        /// The secret key file (default `bundle.secret_key`); created with mode 0600.
        #[arg(long)]
        secret: Option<PathBuf>,
        /// The public key file for the kiosks (default `bundle.public_key`).
        #[arg(long)]
        public: Option<PathBuf>,
    },
    /// (build host) Write the current generation as a signed bundle folder for the kiosks.
    Publish {
        /// The bundle folder (served over HTTP, shared, or copied to a USB stick).
        #[arg(long)]
        to: PathBuf,
        /// The secret key (default `bundle.secret_key`).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Days the kiosks accept the bundle (default `bundle.valid_days`).
        #[arg(long)]
        valid_days: Option<u32>,
    },
    /// (kiosk) Verify a signed bundle and make its generation current.
    Pull {
        /// A bundle folder (USB stick, share) or an http:// URL (default `bundle.source`).
        #[arg(long)]
        from: Option<String>,
    },
}

pub fn run(settings: &Settings, action: IndexCmd) -> Result<()> {
    use kiosk::pipeline::Mode;
    if matches!(action, IndexCmd::Build { .. } | IndexCmd::Refresh { .. }) {
        settings.check_paths(kiosk::config::PathUse::Index)?;
        settings.check_writable(kiosk::config::PathUse::Index)?;
    }
    match action {
        IndexCmd::Build { force } => {
            print_build_report(&kiosk::pipeline::run(settings, Mode::Full, force)?)
        }
        IndexCmd::Refresh { force } => {
            print_build_report(&kiosk::pipeline::run(settings, Mode::Incremental, force)?)
        }
        IndexCmd::Rollback => {
            let (g, withdrawals) = kiosk::pipeline::rollback(settings)?;
            match &g.copy_of {
                Some(original) if !withdrawals.removed.is_empty() => println!(
                    "Rolled back to generation {original}, which held withdrawn records: its cleaned copy {} ({} records) is current.",
                    g.name, g.records
                ),
                _ => println!(
                    "Rolled back: generation {} ({} records) is current again.",
                    g.name, g.records
                ),
            }
            print!("{}", withdrawals.render());
        }
        IndexCmd::Status => {
            let status = kiosk::status::IndexStatus::read_thorough(settings);
            print!("{}", status.render());
        }
        IndexCmd::Keygen { secret, public } => super::bundle::keygen(settings, secret, public)?,
        IndexCmd::Publish {
            to,
            key,
            valid_days,
        } => super::bundle::publish(settings, to, key, valid_days)?,
        IndexCmd::Pull { from } => super::bundle::pull(settings, from)?,
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
    print!("{}", r.withdrawals.render());
    for s in &r.sources {
        println!(
            "  {:<26} {:<13} {:>6} records  {:>4} skipped  {:>3} not public  {:>4} ignored files",
            s.source,
            s.format,
            s.imported,
            s.skipped.len(),
            s.not_public(),
            s.ignored_files
        );
        if s.not_public() > 0 {
            println!(
                "      not public: {} 依申请公开 (text kept out; {} listed by title, issuer and 索引号), {} 不予公开, {} without 公开属性",
                s.on_request, s.on_request_entries, s.withheld, s.unmarked
            );
        }
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
