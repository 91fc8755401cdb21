//! The state of the index folder as staff need to see it: generations, the current one, the
//! last build or refresh, and warnings (stale data, a refused or failed run). Read-only.

use crate::config::Settings;
use crate::pipeline::{last_run, LastRun};
use crate::search::index::{current_generation, list_generations, GenerationInfo};
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
    pub warnings: Vec<Warning>,
}

impl IndexStatus {
    /// Reads the index folder of `settings` now.
    pub fn read(settings: &Settings) -> IndexStatus {
        Self::read_at(settings, chrono::Local::now())
    }

    /// Reads the index folder as of `now` (tests pass a fixed time).
    pub fn read_at(settings: &Settings, now: chrono::DateTime<chrono::Local>) -> IndexStatus {
        let dir = &settings.index_dir;
        let generations = list_generations(dir);
        let current = current_generation(dir).ok().flatten();
        let last = last_run(dir);
        let mut warnings = Vec::new();
        match generations
            .iter()
            .find(|g| Some(&g.name) == current.as_ref())
        {
            None => warnings.push(Warning {
                english: "no index generation is current: run `kiosk index build`".into(),
                chinese: "尚未建立资料库索引，请执行数据更新。".into(),
            }),
            Some(g) => {
                let age = (now - g.built_at).num_days();
                if age > i64::from(settings.refresh.stale_after_days) {
                    warnings.push(Warning {
                        english: format!(
                            "the current data was refreshed {age} days ago (limit {} days); published information must be live within 20 working days (条例 Art. 26)",
                            settings.refresh.stale_after_days
                        ),
                        chinese: format!("数据已有{age}天未更新，请尽快更新（政府信息应在20个工作日内公开）。"),
                    });
                }
            }
        }
        if let Some(run) = last.as_ref().filter(|r| !r.ok) {
            warnings.push(Warning {
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
            });
        }
        IndexStatus {
            generations,
            current,
            last_run: last,
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
            let _ = writeln!(
                out,
                "{mark} {}  built {}  {} records  data up to {}",
                g.name,
                g.built_at.format("%Y-%m-%d %H:%M"),
                g.records,
                g.data_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into())
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
        }
        for w in &self.warnings {
            let _ = writeln!(out, "WARNING: {}", w.english);
        }
        out
    }
}
