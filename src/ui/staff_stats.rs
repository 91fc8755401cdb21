//! The staff area's page of search-demand statistics (条例 Art. 44): the subjects most searched
//! and those the kiosk could not answer, which staff read to decide what to publish
//! proactively. The statistics file is read on a job thread, never on the UI thread.

use super::job::Job;
use super::theme::Theme;
use super::widgets;
use crate::config::Settings;
use crate::stats::{stats_path, StatsStore, SubjectCount};

/// How many subjects each list shows.
pub const SHOWN: usize = 10;

/// What the page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demand {
    pub searches: u64,
    pub most_asked: Vec<SubjectCount>,
    pub most_unanswered: Vec<SubjectCount>,
}

/// Reads the statistics (`None`: nothing recorded yet).
pub fn read_demand(settings: &Settings) -> Result<Option<Demand>, String> {
    let path = stats_path(settings);
    if !path.exists() {
        return Ok(None);
    }
    let read = || -> Result<Demand, crate::stats::StatsError> {
        let store = StatsStore::open(&path)?;
        let mut most_asked = store.subjects(None)?;
        let searches = most_asked.iter().map(|s| s.searches).sum();
        most_asked.truncate(SHOWN);
        let mut most_unanswered = store.unanswered(None)?;
        most_unanswered.truncate(SHOWN);
        Ok(Demand {
            searches,
            most_asked,
            most_unanswered,
        })
    };
    read().map(Some).map_err(|e| {
        tracing::error!(error = %e, "staff area: cannot read the search statistics");
        "查询统计暂时无法读取，请稍后再试或联系技术人员。".to_string()
    })
}

/// The page's data, read on a thread of its own.
pub struct StatsPage {
    job: Job<Result<Option<Demand>, String>>,
}

impl StatsPage {
    pub fn open(settings: &Settings) -> StatsPage {
        let settings = settings.clone();
        StatsPage {
            job: Job::spawn("staff-stats", None, move || read_demand(&settings)),
        }
    }

    pub fn busy(&self) -> bool {
        !self.job.done()
    }
}

/// The section: totals, the most asked subjects, the most unanswered ones.
pub fn section(ui: &mut egui::Ui, theme: &Theme, page: &mut StatsPage) {
    widgets::title(ui, theme, "查询统计（用于研究主动公开）");
    let demand = match page.job.poll() {
        None => {
            widgets::muted(ui, theme, "正在读取查询统计……");
            return;
        }
        Some(Err(msg)) => {
            widgets::warning(ui, theme, msg);
            return;
        }
        Some(Ok(None)) => {
            widgets::muted(ui, theme, "尚无查询记录。");
            return;
        }
        Some(Ok(Some(d))) => d,
    };
    widgets::body(
        ui,
        theme,
        &format!(
            "共记录查询 {} 次。完整统计可用命令 kiosk stats 导出。",
            demand.searches
        ),
    );
    widgets::title(ui, theme, "查询最多的主题");
    rows(ui, theme, &demand.most_asked, |s| {
        format!("{} 次", s.searches)
    });
    widgets::title(ui, theme, "未能满足的查询（无结果或仅部分相关）");
    rows(ui, theme, &demand.most_unanswered, |s| {
        format!("{} 次（共查询 {} 次）", s.unanswered(), s.searches)
    });
}

fn rows(
    ui: &mut egui::Ui,
    theme: &Theme,
    list: &[SubjectCount],
    count: impl Fn(&SubjectCount) -> String,
) {
    if list.is_empty() {
        widgets::muted(ui, theme, "（无）");
    }
    for (i, s) in list.iter().enumerate() {
        widgets::body(ui, theme, &format!("{}. {}　{}", i + 1, s.query, count(s)));
    }
}
