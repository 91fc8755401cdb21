//! `kiosk fleet …`: the district's central register: set it up, add kiosks and staff, run a
//! kiosk's sender in the foreground, and list the kiosks with their flags.

use anyhow::{Context, Result};
use clap::Subcommand;
use kiosk::config::{CentralSettings, Settings};
use kiosk::fleet::{schema, sender, Central};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum FleetCmd {
    /// Create or update the central schema, its tables and the two group roles (as the
    /// database owner).
    Setup {
        #[command(flatten)]
        admin: Admin,
    },
    /// Create a kiosk's login role (`kiosk_qh01`) with a new random password, written to a
    /// file (mode 0600) to copy to the kiosk as its `fleet.password_file`.
    AddKiosk {
        kiosk_id: String,
        #[command(flatten)]
        admin: Admin,
        #[arg(long)]
        password_out: PathBuf,
    },
    /// Create a staff login role (`staff_NAME`), password written as for add-kiosk.
    AddStaff {
        name: String,
        #[command(flatten)]
        admin: Admin,
        #[arg(long)]
        password_out: PathBuf,
    },
    /// Deliver this kiosk's outbox to the centre (the kiosk window does this in its
    /// `fleet-sender` thread). Prints one line per delivered batch.
    Send {
        /// Stop once nothing waits (after a last heartbeat) instead of running on.
        #[arg(long)]
        until_empty: bool,
    },
    /// Every kiosk of the district: last report, index, data date, queues; flags the silent,
    /// the stale and the troubled ones (staff role).
    Status,
    /// This kiosk's outbox: waiting, delivered, refused by the centre.
    Outbox,
    /// Send a refused request again once staff have settled the conflict at the centre.
    Retry { receipt_no: String },
}

/// How to reach the centre as its owner.
#[derive(clap::Args)]
pub struct Admin {
    /// libpq key=value string of the database owner, e.g. "host=10.1.0.5 dbname=kiosk_fleet user=kiosk_admin".
    #[arg(long)]
    admin_url: String,
    /// A file holding only the owner's password.
    #[arg(long)]
    admin_password_file: Option<PathBuf>,
    /// The district CA certificate (PEM) that signed the centre's certificate: connect over
    /// TLS and check it (sslmode=verify-full unless the URL says otherwise).
    #[arg(long)]
    ca_file: Option<PathBuf>,
}

impl Admin {
    fn connect(&self) -> Result<postgres::Client> {
        let central = CentralSettings::parse(
            &self.admin_url,
            self.admin_password_file.clone(),
            self.ca_file.clone(),
        )
        .map_err(|(what, fix)| {
            let named = |s: &str| {
                s.replace("key `fleet.central_url`", "--admin-url")
                    .replace("`fleet.central_url`", "--admin-url")
                    .replace("`fleet.ca_file`", "--ca-file")
            };
            anyhow::anyhow!("{}: {}", named(&what), named(fix))
        })?;
        Ok(kiosk::fleet::connect(&central, "kiosk-fleet-admin")?)
    }
}

/// 24 characters from the OS random source (letters and digits: safe in SQL and files).
fn new_password() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 24];
    kiosk::requests::crypto::random_bytes(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

fn write_secret(path: &Path, secret: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(f, "{secret}")?;
    f.sync_all()?;
    Ok(())
}

/// True for the commands that name the centre's owner and need no kiosk configuration.
pub fn is_admin(action: &FleetCmd) -> bool {
    matches!(
        action,
        FleetCmd::Setup { .. } | FleetCmd::AddKiosk { .. } | FleetCmd::AddStaff { .. }
    )
}

/// Runs an administrator command (see [`is_admin`]).
pub fn run_admin(action: &FleetCmd) -> Result<()> {
    let out = &mut std::io::stdout().lock();
    match action {
        FleetCmd::Setup { admin } => {
            let version = schema::migrate(&mut admin.connect()?)?;
            writeln!(out, "central register schema at version {version}")?;
        }
        FleetCmd::AddKiosk {
            kiosk_id,
            admin,
            password_out,
        } => {
            let password = new_password()?;
            let role = schema::add_kiosk(&mut admin.connect()?, kiosk_id, &password)?;
            write_secret(password_out, &password)?;
            writeln!(
                out,
                "kiosk {kiosk_id}: role {role}, password in {}",
                password_out.display()
            )?;
        }
        FleetCmd::AddStaff {
            name,
            admin,
            password_out,
        } => {
            let password = new_password()?;
            let role = schema::add_staff(&mut admin.connect()?, name, &password)?;
            write_secret(password_out, &password)?;
            writeln!(
                out,
                "staff role {role}, password in {}",
                password_out.display()
            )?;
        }
        _ => anyhow::bail!("not an administrator command"),
    }
    Ok(())
}

pub fn run(settings: &Settings, action: FleetCmd) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match action {
        FleetCmd::Send { until_empty } => {
            if settings.fleet.staff.is_some() {
                anyhow::bail!(
                    "this is a staff workstation at the centre (`fleet.staff = true`): it has no \
                     outbox to send; `kiosk fleet send` runs on a kiosk"
                );
            }
            // Opening the register once brings its schema (the outbox) up to date.
            drop(kiosk::desk::requests::open_register(settings)?);
            let mut sender = sender::Sender::new(settings)?;
            let stop = std::sync::atomic::AtomicBool::new(false);
            let wake = sender::Wake::default();
            sender.run(&stop, &wake, until_empty, &mut |b| {
                // Flushed per line: a killed sender's earlier lines stay readable.
                let _ = writeln!(
                    out,
                    "batch inserted={} duplicates={} refused={}",
                    b.inserted,
                    b.duplicates,
                    b.refused.len()
                );
                let _ = out.flush();
            });
            let t = sender.totals;
            writeln!(
                out,
                "done inserted={} duplicates={} refused={} failures={}",
                t.inserted, t.duplicates, t.refused, t.failures
            )?;
        }
        FleetCmd::Status => {
            let central = settings
                .fleet
                .central
                .as_ref()
                .ok_or(kiosk::fleet::FleetError::NotConfigured)?;
            let kiosks = Central::open(central, "kiosk-fleet-status")?.kiosks()?;
            write!(
                out,
                "{}",
                kiosk::fleet::status::render(&kiosks, settings.fleet.silent_after)
            )?;
        }
        FleetCmd::Outbox => {
            let state = kiosk::desk::requests::open_register(settings)?.outbox_state()?;
            writeln!(
                out,
                "待送中心 {} 件，已送达 {} 件，被中心拒收 {} 件",
                state.waiting,
                state.acknowledged,
                state.refused.len()
            )?;
            for r in &state.refused {
                writeln!(
                    out,
                    "拒收 {}  {}  本机 {}",
                    r.receipt_no, r.at, r.payload_hash
                )?;
            }
        }
        FleetCmd::Retry { receipt_no } => {
            drop(kiosk::desk::requests::open_register(settings)?);
            let mut outbox = kiosk::requests::Outbox::open(&settings.requests.register)?;
            if !outbox.retry(&receipt_no)? {
                anyhow::bail!("{receipt_no} is not a refused request of this kiosk's outbox");
            }
            writeln!(out, "{receipt_no} will be sent again")?;
        }
        admin
        @ (FleetCmd::Setup { .. } | FleetCmd::AddKiosk { .. } | FleetCmd::AddStaff { .. }) => {
            run_admin(&admin)?
        }
    }
    Ok(())
}
