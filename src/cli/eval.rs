//! `kiosk eval` and `kiosk eval-segmentation`: ranking quality on a judged query file, and the
//! word segmenter on the SIGHAN 2005 gold files.

use anyhow::{Context, Result};
use kiosk::config::Settings;
use kiosk::search::open_search;
use std::path::Path;

fn judged(queries: &Path) -> Result<Vec<kiosk::search::eval::Judged>> {
    let text = std::fs::read_to_string(queries)
        .with_context(|| format!("cannot read {}", queries.display()))?;
    Ok(kiosk::search::eval::parse_queries(&text)?)
}

/// The two error kinds of the honest zero, as one line.
fn zero_line(e: &kiosk::search::eval::ZeroErrors) -> String {
    format!(
        "false zeros {} of {} answerable queries; false hits {} of {} nothing-relevant queries",
        e.false_zeros, e.answerable, e.false_hits, e.nothing
    )
}

/// `kiosk eval --calibrate`: overall nDCG and both error kinds at each partial-match threshold.
pub fn calibrate(settings: &Settings, queries: &Path, k: usize) -> Result<()> {
    let judged = judged(queries)?;
    let mut index = open_search(&settings.index_dir)?;
    println!(
        "default threshold {:.2}",
        kiosk::search::PARTIAL_TITLE_CHARS
    );
    for tenth in 3..=10 {
        let share = tenth as f32 / 10.0;
        index.set_partial_share(share);
        let report = kiosk::desk::search::evaluate(&index, &judged, k)?;
        println!(
            "threshold {share:.1}: nDCG@{k} {:.4}; {}",
            report.overall.mean.ndcg,
            zero_line(&report.zero_errors(&judged))
        );
    }
    Ok(())
}

pub fn queries(settings: &Settings, queries: &Path, k: usize, failures: bool) -> Result<()> {
    let judged = judged(queries)?;
    let index = open_search(&settings.index_dir)?;
    // Scored as a visitor sees it: with the correction and the partial matches of a query
    // that finds nothing alone.
    let report = kiosk::desk::search::evaluate(&index, &judged, k)?;
    println!(
        "{:<16} {:>7} {:>8} {:>10} {:>8}",
        "type",
        "queries",
        format!("MRR@{k}"),
        format!("Recall@{k}"),
        format!("nDCG@{k}")
    );
    let row = |name: &str, s: &kiosk::search::eval::Summary| {
        println!(
            "{:<16} {:>7} {:>8.4} {:>10.4} {:>8.4}",
            name, s.queries, s.mean.mrr, s.mean.recall, s.mean.ndcg
        );
    };
    for (t, s) in &report.by_type {
        row(t, s);
    }
    row("overall", &report.overall);
    println!("{}", zero_line(&report.zero_errors(&judged)));
    if failures {
        println!();
        for q in report.per_query.iter().filter(|q| q.scores.ndcg < 1.0) {
            println!(
                "{:<8} {:<16} nDCG {:.2}  {}  -> {}",
                q.id,
                q.kind,
                q.scores.ndcg,
                q.query,
                if q.returned.is_empty() {
                    "(nothing)".to_string()
                } else {
                    q.returned
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" | ")
                }
            );
        }
    }
    Ok(())
}

pub fn segmentation(folder: &Path) -> Result<()> {
    let scores = kiosk::search::segmentation_eval::score_folder(folder)?;
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
        "corpus", "gold", "segmented", "correct", "P", "R", "F1"
    );
    for (name, c) in &scores {
        println!(
            "{:<8} {:>9} {:>9} {:>9} {:>7.4} {:>7.4} {:>7.4}",
            name,
            c.gold,
            c.predicted,
            c.correct,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    Ok(())
}
