//! A search loop to profile under `perf record` or `valgrind --tool=callgrind`: opens an index
//! folder, runs every query of a query file `ROUNDS` times, and prints the mean and the slowest
//! queries. It measures nothing the benchmark does not (`cargo bench --bench search` is where
//! figures come from); it only gives a profiler a steady loop over an existing index, such as
//! one kept by `KIOSK_BENCH_KEEP`.
//!
//! Usage: `cargo run --release --example search_loop -- INDEX_DIR QUERIES.tsv [ROUNDS]`.

use kiosk::search::eval::parse_queries;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index_dir, queries, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: search_loop INDEX_DIR QUERIES.tsv [ROUNDS]");
    };
    let rounds: usize = rest.first().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let queries = parse_queries(&std::fs::read_to_string(queries)?)?;
    let started = Instant::now();
    let mut index = kiosk::search::open_search(std::path::Path::new(index_dir))?;
    // KIOSK_EXACT_POSTINGS=0 takes the candidate path for every query (see `set_exact_postings`).
    if let Some(n) = std::env::var("KIOSK_EXACT_POSTINGS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        index.set_exact_postings(n);
    }
    println!(
        "opened {} records in {:.0} ms",
        index.num_docs(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut per_query = vec![Duration::ZERO; queries.len()];
    let mut understanding = vec![Duration::ZERO; queries.len()];
    // One untimed round: one-time costs (the segmenter's dictionary) are not the searches'.
    for q in &queries {
        index.search(&q.query, 10)?;
    }
    for _ in 0..rounds {
        for ((q, total), understood) in queries
            .iter()
            .zip(per_query.iter_mut())
            .zip(understanding.iter_mut())
        {
            let t = Instant::now();
            std::hint::black_box(index.understand(&q.query));
            *understood += t.elapsed();
            let t = Instant::now();
            let results = index.search(&q.query, 10)?;
            *total += t.elapsed();
            std::hint::black_box(results);
        }
    }
    let calls = (rounds * queries.len()).max(1);
    let searching: Duration = per_query.iter().sum();
    println!(
        "{calls} searches, mean {:.3} ms",
        searching.as_secs_f64() * 1e3 / calls as f64
    );
    let per_round = |d: &Duration| d.as_secs_f64() * 1e3 / rounds.max(1) as f64;
    let mut slow: Vec<(f64, f64, &str, &str)> = per_query
        .iter()
        .zip(&understanding)
        .zip(&queries)
        .map(|((d, u), q)| {
            (
                per_round(d),
                per_round(u),
                q.kind.as_str(),
                q.query.as_str(),
            )
        })
        .collect();
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("  search  (of it understanding, timed apart)");
    for (d, u, kind, query) in slow.iter().take(12) {
        println!("{d:>8.3} ms  ({u:.3} ms)  {kind:<16} {query}");
    }
    Ok(())
}
