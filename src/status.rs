//! The state of the index folder as staff need to see it: generations, the current one, the
//! last build or refresh, and warnings (stale data, a refused or failed run). Read-only.

use crate::config::Settings;
use crate::pipeline::{last_run, LastRun};
use crate::search::index::bundle::BundleState;
use crate::search::index::{
    current_generation, generation_path, list_generations, verify_generation, GenerationInfo,
    WithdrawalLog,
};
use std::fmt::Write;

/// A warning for staff, in English for the log and command line and in Chinese for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub english: String,
    pub chinese: String,
}

#[derive(Debug, Clone)]
pub struct IndexStatus {
    pub generations: Vec<GenerationInfo>,
    pub current: Option<String>,
    pub last_run: Option<LastRun>,
    /// Per generation (by name), what is wrong with its files; absent when they match the
    /// manifest (sizes and SHA-256).
    pub damaged: Vec<(String, String)>,
    /// Keys withdrawn now (the withdrawal log).
    pub withdrawn: usize,
    /// Signed bundles pulled (kiosk) or published (build host).
    pub bundle: BundleState,
    pub warnings: Vec<Warning>,
}

impl IndexStatus {
    /// Reads the index folder of `settings` now, checking the files of every generation against
    /// its manifest by size (quick: the staff area).
    pub fn read(settings: &Settings) -> IndexStatus {
        Self::read_at(settings, chrono::Local::now())
    }

    /// As [`IndexStatus::read`], checking the SHA-256 of every file too (`kiosk index status`;
    /// reads every generation whole).
    pub fn read_thorough(settings: &Settings) -> IndexStatus {
        Self::read_checked(settings, chrono::Local::now(), true)
    }

    /// Reads the index folder as of `now` (tests pass a fixed time).
    pub fn read_at(settings: &Settings, now: chrono::DateTime<chrono::Local>) -> IndexStatus {
        Self::read_checked(settings, now, false)
    }

    fn read_checked(
        settings: &Settings,
        now: chrono::DateTime<chrono::Local>,
        hashes: bool,
    ) -> IndexStatus {
        let dir = &settings.index_dir;
        let generations = list_generations(dir);
        let current = current_generation(dir).ok().flatten();
        let last = last_run(dir);
        let mut warnings = Vec::new();
        let damaged =
            damaged_generations(dir, &generations, current.as_ref(), hashes, &mut warnings);
        let withdrawn = match WithdrawalLog::read(dir) {
            Ok(log) => log.withdrawn().len(),
            Err(e) => {
                warnings.push(Warning {
                    english: e.to_string(),
                    chinese: "撤下记录日志 withdrawals.tsv 无法读取，资料库暂停使用，请检查。"
                        .into(),
                });
                0
            }
        };
        if let Some(w) = freshness(settings, &generations, current.as_ref(), now) {
            warnings.push(w);
        }
        if let Some(w) = last.as_ref().and_then(failed_run) {
            warnings.push(w);
        }
        let bundle = BundleState::read(dir).unwrap_or_else(|e| {
            warnings.push(Warning {
                english: format!("the bundle state is unreadable: {e}"),
                chinese: "资料库更新包记录 bundle-state.json 无法读取，请检查。".into(),
            });
            BundleState::default()
        });
        warnings.extend(bundle_warnings(&bundle, current.as_ref(), now));
        IndexStatus {
            generations,
            current,
            last_run: last,
            damaged,
            withdrawn,
            bundle,
            warnings,
        }
    }

    /// The text `kiosk index status` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Generations (oldest first; * = current):");
        for g in &self.generations {
            let mark = if Some(&g.name) == self.current.as_ref() {
                "*"
            } else {
                " "
            };
            let check = if self.damaged.iter().any(|(n, _)| *n == g.name) {
                "DAMAGED"
            } else if g.files.is_empty() {
                "files not listed (older version)"
            } else {
                "files ok"
            };
            let _ = writeln!(
                out,
                "{mark} {}  built {}  {} records  data up to {}  {check}{}",
                g.name,
                g.built_at.format("%Y-%m-%d %H:%M"),
                g.records,
                g.data_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                g.copy_of
                    .as_ref()
                    .map(|c| format!("  (cleaned copy of {c})"))
                    .unwrap_or_default()
            );
            for s in &g.sources {
                let _ = writeln!(
                    out,
                    "      {:<26} {:>7} records {:>5} skipped {:>4} not public",
                    s.source, s.records, s.skipped, s.not_public
                );
            }
        }
        if let Some(run) = &self.last_run {
            let outcome = if run.ok { "ok" } else { "REFUSED OR FAILED" };
            let _ = writeln!(
                out,
                "Last run: {} at {}: {outcome}: {}",
                run.mode,
                run.at.format("%Y-%m-%d %H:%M:%S"),
                run.message
            );
            let w = &run.withdrawals;
            if !w.removed.is_empty() || !w.cleared.is_empty() {
                let _ = writeln!(
                    out,
                    "          withdrawals: {} taken out, {} public again",
                    w.removed.len(),
                    w.cleared.len()
                );
            }
        }
        let _ = writeln!(
            out,
            "Withdrawn records (withdrawals.tsv): {}",
            self.withdrawn
        );
        render_bundle(&mut out, &self.bundle);
        for w in &self.warnings {
            let _ = writeln!(out, "WARNING: {}", w.english);
        }
        out
    }
}

/// The generations whose files do not match their manifests, each with its warning.
fn damaged_generations(
    dir: &std::path::Path,
    generations: &[GenerationInfo],
    current: Option<&String>,
    hashes: bool,
    warnings: &mut Vec<Warning>,
) -> Vec<(String, String)> {
    let mut damaged = Vec::new();
    for g in generations {
        if let Err(e) = verify_generation(&generation_path(dir, &g.name), g, hashes) {
            let is_current = Some(&g.name) == current;
            warnings.push(Warning {
                english: format!(
                    "{}{e}",
                    if is_current {
                        "the CURRENT generation: "
                    } else {
                        ""
                    }
                ),
                chinese: if is_current {
                    format!("当前使用的资料库版本 {} 已损坏，请立即回退或重建。", g.name)
                } else {
                    format!("资料库旧版本 {} 已损坏，不能用于回退。", g.name)
                },
            });
            damaged.push((g.name.clone(), e.to_string()));
        }
    }
    damaged
}

/// The warning when no generation is current or the current data is stale.
fn freshness(
    settings: &Settings,
    generations: &[GenerationInfo],
    current: Option<&String>,
    now: chrono::DateTime<chrono::Local>,
) -> Option<Warning> {
    let Some(g) = generations.iter().find(|g| Some(&g.name) == current) else {
        return Some(Warning {
            english: "no index generation is current: run `kiosk index build`".into(),
            chinese: "尚未建立资料库索引，请执行数据更新。".into(),
        });
    };
    let age = (now - g.built_at).num_days();
    (age > i64::from(settings.refresh.stale_after_days)).then(|| Warning {
        english: format!(
            "the current data was refreshed {age} days ago (limit {} days); published information must be live within 20 working days (条例 Art. 26)",
            settings.refresh.stale_after_days
        ),
        chinese: format!("数据已有{age}天未更新，请尽快更新（政府信息应在20个工作日内公开）。"),
    })
}

/// The warning when the last build or refresh did not go through.
fn failed_run(run: &LastRun) -> Option<Warning> {
    (!run.ok).then(|| Warning {
        english: format!(
            "the last {} at {} did not go through: {}",
            run.mode,
            run.at.format("%Y-%m-%d %H:%M"),
            run.message
        ),
        chinese: format!(
            "{} 的数据更新未成功，当前仍使用原有数据。原因：{}",
            run.at.format("%Y-%m-%d %H:%M"),
            if run.chinese.is_empty() {
                &run.message
            } else {
                &run.chinese
            }
        ),
    })
}

/// The bundle lines of `kiosk index status`.
fn render_bundle(out: &mut String, b: &BundleState) {
    if let Some(v) = b.published {
        let _ = writeln!(out, "Bundle published from here: version {v}");
    }
    if let Some(a) = &b.accepted {
        let _ = writeln!(
            out,
            "Bundle: version {} (generation {}) accepted {} from {}; data up to {}; valid until {}",
            a.version,
            a.generation,
            a.at.format("%Y-%m-%d %H:%M:%S"),
            a.source,
            a.data_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            a.expires_at.format("%Y-%m-%d %H:%M")
        );
    }
    if let Some(p) = &b.last_pull {
        let _ = writeln!(
            out,
            "Last bundle pull: {} from {}: {}: {}",
            p.at.format("%Y-%m-%d %H:%M:%S"),
            p.source,
            if p.ok { "ok" } else { "REFUSED" },
            p.message
        );
    }
}

/// The warnings about bundles: the last pull refused, or the accepted bundle expired with no
/// newer one since.
fn bundle_warnings(
    b: &BundleState,
    current: Option<&String>,
    now: chrono::DateTime<chrono::Local>,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let serving = current.map_or("(none)", String::as_str);
    if let Some(p) = b.last_pull.as_ref().filter(|p| !p.ok) {
        warnings.push(Warning {
            english: format!(
                "the bundle pull at {} from {} was refused: {}; generation {serving} is still served",
                p.at.format("%Y-%m-%d %H:%M"),
                p.source,
                p.message
            ),
            chinese: format!(
                "{} 收到的资料库更新包未启用：{}",
                p.at.format("%Y-%m-%d %H:%M"),
                p.chinese
            ),
        });
    }
    if let Some(a) = b.accepted.as_ref().filter(|a| a.expires_at < now) {
        if Some(&a.generation) == current {
            warnings.push(Warning {
                english: format!(
                    "the current bundle (version {}) expired at {} and no newer one was accepted: check the build host and this kiosk's pull timer",
                    a.version,
                    a.expires_at.format("%Y-%m-%d %H:%M")
                ),
                chinese: "资料库更新包已过有效期且未收到新的更新包，请检查数据更新服务器和本机的定时更新。".into(),
            });
        }
    }
    warnings
}
