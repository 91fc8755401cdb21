//! Helpers shared by the benchmarks: where the shared data is, a configuration whose index lives
//! in a temporary folder, latency statistics and the process's peak memory. Never writes into
//! the repository.

#![allow(dead_code)]

pub mod fts;
pub mod synthetic;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// `$KIOSK_SHARED`, else `../shared` beside the repository.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("KIOSK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        dir.join("corpus/README.md").is_file(),
        "shared corpus not found at {}",
        dir.display()
    );
    dir.canonicalize().unwrap()
}

/// `kiosk-config/shared-corpus.toml` rewritten to read the corpus in place and to write its
/// index into `tmp` (the configuration file sits in `kiosk-config/`, so the synonyms and areas
/// are the real ones).
pub fn shared_corpus_settings(tmp: &Path) -> kiosk::config::Settings {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("kiosk-config/shared-corpus.toml"))
        .unwrap()
        .replace(
            "../../shared/corpus",
            &shared().join("corpus").display().to_string(),
        )
        .replace(
            "../index/shared-corpus",
            &tmp.join("index").display().to_string(),
        );
    let mut settings =
        kiosk::config::Settings::parse(&text, &repo.join("kiosk-config/shared-corpus.toml"))
            .unwrap();
    settings.index_dir = tmp.join("index");
    // The state folder (register, search statistics) in `tmp` too, never /var/lib/kiosk.
    settings.requests.register = tmp.join("requests.sqlite");
    settings.requests.key_file = tmp.join("register.key");
    settings
}

/// The repository's `kiosk-config/` folder (synonyms, areas).
pub fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config")
}

/// A number from the environment, or the default.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// A comma-separated list of numbers from the environment (`_` allowed), or the default.
pub fn env_sizes(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) => v
            .split(',')
            .map(|s| s.trim().replace('_', ""))
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| panic!("{name}: not a number: {s}"))
            })
            .filter(|&n| n > 0)
            .collect(),
        Err(_) => default.to_vec(),
    }
}

/// Latency figures of a set of timed calls.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub n: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Latency {
    /// Nearest-rank percentiles.
    pub fn of(samples: &[Duration]) -> Latency {
        let mut s = samples.to_vec();
        s.sort_unstable();
        let at = |p: f64| -> Duration {
            if s.is_empty() {
                return Duration::ZERO;
            }
            let rank = ((p * s.len() as f64).ceil() as usize).clamp(1, s.len());
            s[rank - 1]
        };
        Latency {
            n: s.len(),
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: s.last().copied().unwrap_or_default(),
        }
    }
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// CPU time consumed by the calling thread so far (it does not advance while the thread waits
/// for a core, so on a shared machine it shows what a search costs apart from contention).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A line of /proc/self/status in kB (`VmHWM`, `VmRSS`), as MB.
pub fn proc_status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// Resets the peak-RSS mark (VmHWM) so the next phase is measured on its own (Linux: writing 5
/// to clear_refs). Returns false when the kernel refused.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Total size of the files under a folder.
pub fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}
