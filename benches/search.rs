//! Benchmark: search latency by query type, index build, refresh, size and peak memory, on the
//! shared corpus and on synthetic corpora of 100,000 and 1,000,000 records; the same records and
//! queries in SQLite FTS5 (trigram) as the baseline, in the same run. On the shared corpus the
//! baseline is asked twice: the raw queries, and the kiosk's reading of each query (pinyin
//! converted to Hanzi, traditional to simplified), so that the pinyin and traditional types
//! compare two searches that find something.
//!
//! Run: `cargo bench --bench search` (release). Needs ../shared or $KIOSK_SHARED. Settings:
//! - `KIOSK_BENCH_SIZES=100000,1000000` synthetic corpus sizes (`0` for none);
//! - `KIOSK_BENCH_REPS=30` timed repetitions of every query on the shared corpus;
//! - `KIOSK_BENCH_SCALE_REPS=5` the same on the synthetic corpora;
//! - `KIOSK_BENCH_FTS_MAX=1000000` largest corpus the FTS5 baseline is built for;
//! - `KIOSK_BENCH_KEEP=DIR` keeps each synthetic index (and FTS5 table) in `DIR/synthetic-N`
//!   and reuses it on the next run instead of building it again (the generator is seeded, so
//!   the records are the same); without it everything lives in temporary folders.
//!
//! The queries are those of eval/dev-queries.tsv, grouped by their `type` column. Every query
//! is run once untimed, then `reps` rounds over all queries are timed one call at a time; every
//! timed call must return exactly the hits of the untimed one. What is asserted is what was
//! measured: record counts, identical hits, no hit for the nothing-relevant queries, and the
//! nDCG@10 of the timed searches on the shared corpus. Indexes live in temporary folders.

mod support;

use kiosk::catalog::Record;
use kiosk::search::eval::{parse_queries, score, Judged};
use kiosk::search::SearchIndex;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{fts, synthetic, Latency};

/// nDCG@10 of the timed searches on the shared corpus must not fall below the figure recorded
/// in the README (0.779) — speed must not cost quality.
const MIN_NDCG_SHARED: f64 = 0.779;

/// What one engine did with the query set.
struct Run {
    /// Per query type, every timed call (wall-clock).
    samples: BTreeMap<String, Vec<Duration>>,
    /// The same calls in CPU time of the searching thread (without waiting for a core).
    cpu: BTreeMap<String, Vec<Duration>>,
    /// Mean nDCG@10 per type (ids of the untimed run against the judgments).
    ndcg: BTreeMap<String, f64>,
    /// Hits per query (untimed run).
    hits: Vec<usize>,
}

impl Run {
    fn all(&self) -> Vec<Duration> {
        self.samples.values().flatten().copied().collect()
    }

    fn all_cpu(&self) -> Vec<Duration> {
        self.cpu.values().flatten().copied().collect()
    }

    fn overall_ndcg(&self, queries: &[Judged]) -> f64 {
        let per_type: BTreeMap<&str, usize> = queries.iter().fold(BTreeMap::new(), |mut m, q| {
            *m.entry(q.kind.as_str()).or_default() += 1;
            m
        });
        per_type
            .iter()
            .map(|(t, n)| self.ndcg[*t] * *n as f64)
            .sum::<f64>()
            / queries.len() as f64
    }
}

/// Runs every query once untimed, then `reps` timed rounds; asserts every timed call returns
/// the untimed call's ids.
fn measure(queries: &[Judged], reps: usize, mut search: impl FnMut(&str) -> Vec<String>) -> Run {
    let reference: Vec<Vec<String>> = queries.iter().map(|q| search(&q.query)).collect();
    let mut samples: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let mut cpu: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for _ in 0..reps {
        for (q, want) in queries.iter().zip(&reference) {
            let cpu_started = support::thread_cpu();
            let started = Instant::now();
            let got = search(&q.query);
            let took = started.elapsed();
            let cpu_took = support::thread_cpu().saturating_sub(cpu_started);
            assert_eq!(&got, want, "query {} returned other hits when timed", q.id);
            samples.entry(q.kind.clone()).or_default().push(took);
            cpu.entry(q.kind.clone()).or_default().push(cpu_took);
        }
    }
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (q, ids) in queries.iter().zip(&reference) {
        let e = sums.entry(q.kind.clone()).or_default();
        e.0 += score(ids, &q.relevant, 10).ndcg;
        e.1 += 1;
    }
    Run {
        samples,
        cpu,
        ndcg: sums
            .into_iter()
            .map(|(t, (s, n))| (t, s / n as f64))
            .collect(),
        hits: reference.iter().map(Vec::len).collect(),
    }
}

fn ours(index: &SearchIndex) -> impl FnMut(&str) -> Vec<String> + '_ {
    |q| {
        index
            .search(q, 10)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    }
}

fn baseline(db: &fts::Fts) -> impl FnMut(&str) -> Vec<String> + '_ {
    |q| baseline_ids(db, q)
}

/// The ids FTS5 returns for `q`.
fn baseline_ids(db: &fts::Fts, q: &str) -> Vec<String> {
    db.search(&fts::plan(q))
        .into_iter()
        .map(|(id, _, _)| id)
        .collect()
}

/// The baseline asked the kiosk's reading of each query instead of the raw input (see
/// [`readings`]); the reading is looked up, not computed, inside the timed call.
fn baseline_read<'a>(
    db: &'a fts::Fts,
    readings: &'a HashMap<String, String>,
) -> impl FnMut(&str) -> Vec<String> + 'a {
    move |q| baseline_ids(db, readings.get(q).map(String::as_str).unwrap_or(q))
}

/// What the kiosk reads each query as, before any search: the Hanzi a pinyin input converts to
/// (`ylj` → 养老金), otherwise the input normalised (traditional → simplified, full-width →
/// half-width). Given to the baseline, it separates what pinyin and traditional input cost
/// from what searching costs: raw, FTS5 finds next to nothing for those types, and answers
/// fast because of that.
fn readings(index: &SearchIndex, queries: &[Judged]) -> HashMap<String, String> {
    queries
        .iter()
        .map(|q| {
            let u = index.understand(&q.query);
            (q.query.clone(), u.converted.unwrap_or(u.text))
        })
        .collect()
}

/// Prints the latency table of our engine and, when measured, the baseline with ratios.
fn report(label: &str, queries: &[Judged], ours: &Run, fts: Option<&Run>) {
    println!("\n## search latency, {label} (ms; top 10 with snippets; wall-clock, and CPU time of the searching thread)");
    println!(
        "{:<16} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} | {:>7} {:>7} {:>7} {:>7} {:>6} | {:>6} {:>6}",
        "type",
        "calls",
        "p50",
        "p95",
        "p99",
        "max",
        "cpu p50",
        "cpu p99",
        "nDCG",
        "fts p50",
        "fts p99",
        "fts max",
        "cpu p99",
        "nDCG",
        "x p50",
        "x p99"
    );
    type Rows = (Vec<Duration>, Vec<Duration>);
    let mut types: Vec<(String, Rows, Option<Rows>)> = ours
        .samples
        .keys()
        .map(|t| {
            (
                t.clone(),
                (ours.samples[t].clone(), ours.cpu[t].clone()),
                fts.map(|f| (f.samples[t].clone(), f.cpu[t].clone())),
            )
        })
        .collect();
    types.push((
        "all".into(),
        (ours.all(), ours.all_cpu()),
        fts.map(|f| (f.all(), f.all_cpu())),
    ));
    for (t, (s, c), f) in &types {
        let a = Latency::of(s);
        let ac = Latency::of(c);
        let nd = |r: &Run| {
            if t == "all" {
                r.overall_ndcg(queries)
            } else {
                r.ndcg[t]
            }
        };
        let mut line = format!(
            "{:<16} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6.3}",
            t,
            a.n,
            support::ms(a.p50),
            support::ms(a.p95),
            support::ms(a.p99),
            support::ms(a.max),
            support::ms(ac.p50),
            support::ms(ac.p99),
            nd(ours)
        );
        if let (Some((f, fc)), Some(fr)) = (f, fts) {
            let b = Latency::of(f);
            let bc = Latency::of(fc);
            let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
            line += &format!(
                " | {:>7} {:>7} {:>7} {:>7} {:>6.3} | {:>5.1}x {:>5.1}x",
                support::ms(b.p50),
                support::ms(b.p99),
                support::ms(b.max),
                support::ms(bc.p99),
                nd(fr),
                ratio(b.p50, a.p50),
                ratio(b.p99, a.p99)
            );
        }
        println!("{line}");
    }
    println!("(x = FTS5 wall time / our wall time: above 1 means we are faster)");
}

/// How the baseline handled each query type (see `support::fts`).
fn report_plans(queries: &[Judged]) {
    let mut by_type: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for q in queries {
        let e = by_type.entry(q.kind.as_str()).or_default();
        match fts::plan(&q.query) {
            fts::Plan::Match { dropped: 0, .. } => e[0] += 1,
            fts::Plan::Match { .. } => e[1] += 1,
            fts::Plan::Like(_) => e[2] += 1,
            fts::Plan::Empty => e[3] += 1,
        }
    }
    println!("\n## FTS5 query plans per type: trigram MATCH / MATCH with runs < 3 chars dropped / LIKE full scan (no run of 3) / empty");
    for (t, c) in by_type {
        println!("{t:<16} {:>3} {:>3} {:>3} {:>3}", c[0], c[1], c[2], c[3]);
    }
}

/// Asserts what does not depend on timing. On a larger corpus (which contains the shared one)
/// every query with judged records that found something on the shared corpus still finds
/// something: its records are there. On the shared corpus itself the check is the nDCG@10 of
/// the same searches (see `main`).
fn assert_hits(queries: &[Judged], run: &Run, shared: Option<&Run>, label: &str) {
    let mut empty = Vec::new();
    for (i, (q, &n)) in queries.iter().zip(&run.hits).enumerate() {
        if let Some(s) = shared {
            assert!(
                n > 0 || s.hits[i] == 0 || q.relevant.is_empty(),
                "{label}: {} ({}) found nothing",
                q.id,
                q.query
            );
        }
        if n == 0 && !q.relevant.is_empty() {
            empty.push(q.id.as_str());
        }
    }
    let nothing = queries
        .iter()
        .zip(&run.hits)
        .filter(|(q, &n)| q.relevant.is_empty() && n == 0)
        .count();
    let asked = queries.iter().filter(|q| q.relevant.is_empty()).count();
    println!(
        "{label}: {nothing} of {asked} nothing-relevant queries found nothing; judged queries without a hit: {empty:?}"
    );
}

fn text_mb(records: &[Record]) -> f64 {
    records
        .iter()
        .filter(|r| r.is_public())
        .map(|r| r.title.len() + r.body.len())
        .sum::<usize>() as f64
        / 1e6
}

fn peak_mb() -> String {
    support::proc_status_mb("VmHWM")
        .map(|m| format!("{m:.0} MB"))
        .unwrap_or_else(|| "n/a".into())
}

/// Builds the FTS5 baseline for `records` in `dir`, prints its build figures, times the queries.
fn run_baseline(dir: &Path, records: &[Record], queries: &[Judged], reps: usize) -> Run {
    let db = baseline_db(dir, records);
    measure(queries, reps, baseline(&db))
}

/// The FTS5 baseline of `records` in `dir`: kept from an earlier run, or built (with its build
/// figures printed).
fn baseline_db(dir: &Path, records: &[Record]) -> fts::Fts {
    let path = dir.join("fts5.sqlite3");
    let public = records.iter().filter(|r| r.is_public()).count();
    if let Some(db) = fts::Fts::open_complete(&path, public) {
        println!("FTS5 baseline kept from an earlier run: {}", path.display());
        return db;
    }
    let _ = std::fs::remove_file(&path);
    support::reset_peak_rss();
    let started = Instant::now();
    let db = fts::Fts::build(&path, records);
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(db.count(), public, "FTS5 holds every public record");
    println!(
        "FTS5 baseline build: {public} records in {secs:.1} s ({:.0} records/s, {:.1} MB text/s), {:.0} MB on disk, peak RSS {}",
        public as f64 / secs,
        text_mb(records) / secs,
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        peak_mb()
    );
    db
}

fn main() {
    let queries = {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/dev-queries.tsv");
        parse_queries(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    assert_eq!(
        queries.len(),
        180,
        "eval/dev-queries.tsv has 180 judged queries"
    );
    let reps = support::env_usize("KIOSK_BENCH_REPS", 30);
    let scale_reps = support::env_usize("KIOSK_BENCH_SCALE_REPS", 5);
    let fts_max = support::env_usize("KIOSK_BENCH_FTS_MAX", 1_000_000);
    let sizes = support::env_sizes("KIOSK_BENCH_SIZES", &[100_000, 1_000_000]);
    println!(
        "machine: {} cores; {} queries; {reps} timed rounds (shared corpus), {scale_reps} (synthetic)",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        queries.len()
    );
    report_plans(&queries);

    // The shared corpus, built as `kiosk index build` builds it.
    let tmp = tempfile::tempdir().unwrap();
    let settings = support::shared_corpus_settings(tmp.path());
    support::reset_peak_rss();
    let started = Instant::now();
    let full = kiosk::pipeline::run(&settings, kiosk::pipeline::Mode::Full, false).unwrap();
    let build_secs = started.elapsed().as_secs_f64();
    let build_peak = peak_mb();
    let (records, _) = kiosk::pipeline::import_all(&settings).unwrap();
    let records: Vec<Record> = records.into_iter().filter(|r| r.is_public()).collect();
    assert_eq!(full.generation.records, records.len());
    let mb = text_mb(&records);
    let gen_dir = settings
        .index_dir
        .join("generations")
        .join(&full.generation.name);
    println!(
        "\n## shared corpus\nfull build: {} records, {mb:.1} MB of text, in {build_secs:.2} s (import {:.2} s, index {:.2} s): {:.0} records/s, {:.1} MB text/s; peak RSS {build_peak}",
        records.len(),
        full.import_time.as_secs_f64(),
        full.index_time.as_secs_f64(),
        records.len() as f64 / build_secs,
        mb / build_secs
    );
    println!(
        "index size on disk: {:.1} MB",
        support::dir_size(&gen_dir) as f64 / 1e6
    );
    let started = Instant::now();
    let refreshed =
        kiosk::pipeline::run(&settings, kiosk::pipeline::Mode::Incremental, false).unwrap();
    let c = refreshed.generation.changes.unwrap();
    assert_eq!((c.added, c.changed, c.removed), (0, 0, 0));
    println!(
        "refresh with nothing changed: {:.2} s (import {:.2} s, index {:.2} s); with 1 % changed see `cargo bench --bench refresh`",
        started.elapsed().as_secs_f64(),
        refreshed.import_time.as_secs_f64(),
        refreshed.index_time.as_secs_f64()
    );
    support::reset_peak_rss();
    let started = Instant::now();
    let index = kiosk::search::open_search(&settings.index_dir).unwrap();
    println!(
        "open for searching: {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(index.num_docs() as usize, records.len());
    let shared_run = measure(&queries, reps, ours(&index));
    let ours_run = &shared_run;
    println!("peak RSS while searching: {}", peak_mb());
    assert_hits(&queries, ours_run, None, "shared corpus");
    let ndcg = ours_run.overall_ndcg(&queries);
    assert!(
        ndcg >= MIN_NDCG_SHARED - 5e-4,
        "nDCG@10 of the timed searches fell to {ndcg:.4}"
    );
    let db = baseline_db(tmp.path(), &records);
    let fts_run = measure(&queries, reps, baseline(&db));
    report(
        &format!("shared corpus, {} records", records.len()),
        &queries,
        ours_run,
        Some(&fts_run),
    );
    let read = readings(&index, &queries);
    let fts_read_run = measure(&queries, reps, baseline_read(&db, &read));
    report(
        &format!(
            "shared corpus, {} records; FTS5 asked the kiosk's reading of each query",
            records.len()
        ),
        &queries,
        ours_run,
        Some(&fts_read_run),
    );
    drop(db);
    drop(index);

    // Synthetic corpora recombined from the real records.
    let pools = synthetic::Pools::new(&records);
    let keep = std::env::var_os("KIOSK_BENCH_KEEP").map(std::path::PathBuf::from);
    for n in sizes {
        let tmp = tempfile::tempdir().unwrap();
        let dir = match &keep {
            Some(k) => k.join(format!("synthetic-{n}")),
            None => tmp.path().to_path_buf(),
        };
        std::fs::create_dir_all(&dir).unwrap();
        let started = Instant::now();
        let syn = pools.generate(n);
        let gen_secs = started.elapsed().as_secs_f64();
        let mb = text_mb(&syn);
        println!(
            "\n## synthetic corpus, {n} records ({mb:.0} MB of text, generated in {gen_secs:.1} s from {} real records and {} real paragraphs)",
            records.len(),
            pools.paragraphs()
        );
        let index_dir = dir.join("index");
        let kept = kiosk::search::open_search(&index_dir)
            .map(|i| i.num_docs() as usize == n)
            .unwrap_or(false);
        if kept {
            println!("index kept from an earlier run: {}", index_dir.display());
        } else {
            build_synthetic(&index_dir, &syn);
        }
        support::reset_peak_rss();
        let index = kiosk::search::open_search(&index_dir).unwrap();
        assert_eq!(index.num_docs() as usize, n);
        let ours_run = measure(&queries, scale_reps, ours(&index));
        println!("peak RSS while searching: {}", peak_mb());
        assert_hits(
            &queries,
            &ours_run,
            Some(&shared_run),
            &format!("{n} records"),
        );
        drop(index);
        let fts_run = (n <= fts_max).then(|| run_baseline(&dir, &syn, &queries, scale_reps));
        report(
            &format!("synthetic corpus, {n} records"),
            &queries,
            &ours_run,
            fts_run.as_ref(),
        );
    }
}

/// Builds the index of a synthetic corpus and prints its build figures.
fn build_synthetic(index_dir: &Path, syn: &[Record]) {
    let n = syn.len();
    let mb = text_mb(syn);
    support::reset_peak_rss();
    let started = Instant::now();
    let info = {
        let lock = kiosk::search::index::lock(index_dir).unwrap();
        let areas = kiosk::search::areas::Areas::load(&support::config_dir()).unwrap();
        kiosk::search::index::write_full(
            &lock,
            index_dir,
            kiosk::search::index::GenerationInput {
                records: syn,
                areas: &areas,
                config_dir: Some(&support::config_dir()),
                sources: Vec::new(),
                keep: 1,
                images: Vec::new(),
                progress: None,
            },
        )
        .unwrap()
    };
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(info.records, n);
    println!(
            "build: {n} records in {secs:.1} s: {:.0} records/s, {:.1} MB text/s; index {:.0} MB on disk; peak RSS {} (the records are held in memory)",
            n as f64 / secs,
            mb / secs,
            support::dir_size(&index_dir.join("generations").join(&info.name)) as f64 / 1e6,
            peak_mb()
        );
}
