//! `kiosk index keygen|publish|pull`: signed index bundles for a fleet of kiosks (the build host
//! publishes, every kiosk pulls). The work is in `kiosk::search::index::bundle`.

use anyhow::{bail, Result};
use kiosk::config::Settings;
use kiosk::search::index::bundle::{self, BundleError, PublishOptions, PullOptions, Source};
use std::path::PathBuf;

/// `kiosk index keygen`: a new key pair (paths from the flags, else from `[bundle]`).
pub fn keygen(settings: &Settings, secret: Option<PathBuf>, public: Option<PathBuf>) -> Result<()> {
    let Some(secret) = secret.or_else(|| settings.bundle.secret_key.clone()) else {
        bail!("no secret key path: pass --secret or set `bundle.secret_key`");
    };
    let Some(public) = public.or_else(|| settings.bundle.public_key.clone()) else {
        bail!("no public key path: pass --public or set `bundle.public_key`");
    };
    let pair = bundle::generate_keys(&secret, &public)?;
    println!(
        "Key pair {} written: secret key {} (mode 0600; keep it on the build host only), public key {} (copy it to every kiosk and name it in `bundle.public_key`).",
        pair.key_id,
        secret.display(),
        public.display()
    );
    Ok(())
}

/// `kiosk index publish --to DIR`.
pub fn publish(
    settings: &Settings,
    to: PathBuf,
    key: Option<PathBuf>,
    valid_days: Option<u32>,
) -> Result<()> {
    let secret_key = key
        .or_else(|| settings.bundle.secret_key.clone())
        .ok_or(BundleError::NoSecretKey)?;
    let days = valid_days.unwrap_or(settings.bundle.valid_days);
    if !(1..=366).contains(&days) {
        bail!("--valid-days {days} is outside 1 to 366");
    }
    let p = bundle::publish(&PublishOptions {
        index_dir: settings.index_dir.clone(),
        out: to.clone(),
        secret_key,
        valid_for: chrono::Duration::days(i64::from(days)),
    })?;
    let m = &p.manifest;
    println!(
        "Published bundle version {} of generation {} ({} records, data up to {}) to {}: {} files, {} copied ({:.1} MB), {} old removed; valid until {}.",
        m.version,
        m.generation,
        m.records,
        m.data_date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        to.display(),
        m.files.len(),
        p.copied,
        p.copied_bytes as f64 / 1e6,
        p.removed,
        m.expires_at.format("%Y-%m-%d %H:%M"),
    );
    Ok(())
}

/// `kiosk index pull [--from DIR|URL]`. A refusal is logged with its reason by the library and
/// kept for `kiosk index status`; here it only ends the command with a failure.
pub fn pull(settings: &Settings, from: Option<String>) -> Result<()> {
    let from = from
        .or_else(|| settings.bundle.source.clone())
        .ok_or(BundleError::NoSource)?;
    let public_key = settings
        .bundle
        .public_key
        .clone()
        .ok_or(BundleError::NoPublicKey)?;
    let options = PullOptions {
        index_dir: settings.index_dir.clone(),
        public_key,
        source: Source::parse(&from)?,
        keep: settings.keep_generations,
    };
    match bundle::pull(&options) {
        Ok(p) if p.up_to_date => {
            println!(
                "Bundle version {} (generation {}) is current already; nothing to do.",
                p.manifest.version, p.manifest.generation
            );
            Ok(())
        }
        Ok(p) => {
            let m = &p.manifest;
            println!(
                "Bundle version {} (generation {}, {} records, data up to {}) is current: {} files fetched ({:.1} MB), {} reused ({:.1} MB).",
                m.version,
                m.generation,
                m.records,
                m.data_date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                p.fetched,
                p.fetched_bytes as f64 / 1e6,
                p.reused,
                p.reused_bytes as f64 / 1e6,
            );
            Ok(())
        }
        Err(_) => {
            let current = kiosk::search::index::current_generation(&settings.index_dir)
                .ok()
                .flatten()
                .unwrap_or_else(|| "(none)".into());
            bail!("the bundle from {from} was refused (the reason is logged above and shown by `kiosk index status`); generation {current} stays in service")
        }
    }
}
