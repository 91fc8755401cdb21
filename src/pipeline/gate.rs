//! The safety gate of a run: the reasons to refuse a new generation (too many records of a
//! source would disappear, too many bad records). Pure: must not read or write anything.

use crate::config::RefreshSettings;
use crate::ingest::SourceReport;
use crate::search::index::SourceRemoval;

/// One reason of the safety gate, in English for logs and in Chinese for the staff area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub english: String,
    pub chinese: String,
}

/// The reasons to refuse a new generation; empty when it may go ahead. `removals` counts, per
/// source, the records of the current generation that would disappear (withdrawals are not
/// among them: they were applied before): each source is judged on its own records, so one
/// small source emptying out is caught however large the others are.
pub fn gate(
    limits: &RefreshSettings,
    sources: &[SourceReport],
    removals: &[SourceRemoval],
) -> Vec<Refusal> {
    let mut reasons = Vec::new();
    for r in removals {
        let (removed, base) = (r.removed, r.base);
        if base > 0 && removed as f64 / base as f64 > limits.max_removed_share {
            let (share, limit) = (
                100.0 * removed as f64 / base as f64,
                100.0 * limits.max_removed_share,
            );
            reasons.push(Refusal {
                english: format!(
                    "source `{}`: {removed} of its {base} current records would disappear ({share:.1} %, limit {limit:.1} %)",
                    r.source
                ),
                chinese: format!(
                    "数据源“{}”现有{base}条记录中将有{removed}条消失（{share:.1}%，上限{limit:.1}%），数据源可能不完整",
                    r.source
                ),
            });
        }
    }
    for s in sources {
        let total = s.imported + s.skipped.len() + s.not_public();
        if total > 0 && s.skipped.len() as f64 / total as f64 > limits.max_bad_share {
            let (bad, share, limit) = (
                s.skipped.len(),
                100.0 * s.skipped.len() as f64 / total as f64,
                100.0 * limits.max_bad_share,
            );
            reasons.push(Refusal {
                english: format!(
                    "source `{}` has {bad} bad records of {total} ({share:.1} %, limit {limit:.1} %)",
                    s.source
                ),
                chinese: format!(
                    "数据源“{}”的{total}条记录中有{bad}条无法读取（{share:.1}%，上限{limit:.1}%）",
                    s.source
                ),
            });
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Skip;

    fn report(imported: usize, skipped: usize) -> SourceReport {
        SourceReport {
            source: "s".into(),
            imported,
            skipped: vec![
                Skip {
                    location: "x".into(),
                    reason: "bad".into()
                };
                skipped
            ],
            ..SourceReport::default()
        }
    }

    fn removal(source: &str, base: usize, removed: usize) -> SourceRemoval {
        SourceRemoval {
            source: source.into(),
            base,
            removed,
        }
    }

    #[test]
    fn the_gate_refuses_mass_removal_and_many_bad_records() {
        let limits = RefreshSettings::default();
        assert!(gate(&limits, &[report(100, 0)], &[removal("s", 100, 10)]).is_empty());
        let r = gate(&limits, &[report(100, 0)], &[removal("s", 100, 50)]);
        assert_eq!(r.len(), 1);
        assert!(r[0].english.contains("50 of its 100"), "{r:?}");
        assert!(
            r[0].chinese.contains("现有100条记录中将有50条消失"),
            "{r:?}"
        );
        let r = gate(&limits, &[report(90, 10)], &[]);
        assert!(r[0].english.contains("10 bad records of 100"), "{r:?}");
        assert!(r[0].chinese.contains("有10条无法读取"), "{r:?}");
        assert!(gate(&limits, &[report(99, 1)], &[]).is_empty());
    }

    /// Issue 22: the removal gate was global, so a small source emptying out (599 notices of
    /// thousands of records) went through.
    #[test]
    fn a_small_source_emptying_out_is_refused_though_the_global_share_is_under_the_limit() {
        let limits = RefreshSettings::default();
        let removals = [removal("laws", 2000, 0), removal("notices", 100, 100)];
        let r = gate(&limits, &[report(2000, 0)], &removals);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].english.contains("source `notices`"), "{r:?}");
        assert!(r[0].chinese.contains("数据源“notices”"), "{r:?}");
    }
}
