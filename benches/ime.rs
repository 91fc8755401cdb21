//! Benchmark: the input method's dictionary load and candidate lookups (issue 18 item 2).
//!
//! Run: `cargo bench --bench ime` (release), or `cargo bench --bench ime --profile dev` for
//! a quick upper bound (the kiosk crate unoptimised). Prints the load time and, per typed
//! input, the median and worst of `KIOSK_BENCH_REPS` (default 50) timed lookups of the first
//! page; asserts the first candidate of each input, so what is timed is also what is right.

use kiosk::ime::{InputMethod, Mode};
use std::time::{Duration, Instant};

const CASES: &[(&str, Mode, &str)] = &[
    ("zhangsan", Mode::Names, "张三"),
    ("wangxiuying", Mode::Names, "王秀英"),
    ("xiu", Mode::General, "修"),
    ("yanglaojin", Mode::General, "养老金"),
    ("ldht", Mode::General, "劳动合同"),
    ("zfxxgk", Mode::General, "政府信息公开"),
    ("woyaoshenqingdibao", Mode::General, "我要申请低保"),
    (
        "zhengfuxinxigongkaishenqingbiao",
        Mode::General,
        "政府信息公开申请表",
    ),
    ("s", Mode::General, "是"),
];

fn main() {
    let reps: usize = std::env::var("KIOSK_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let t = Instant::now();
    let ime = InputMethod::load().expect("embedded dictionary loads");
    let load = t.elapsed();
    println!("ime load: {:.1} ms", load.as_secs_f64() * 1e3);
    println!(
        "{:<34} {:>10} {:>10}  first",
        "input", "median ms", "max ms"
    );
    for &(typed, mode, first) in CASES {
        let mut times: Vec<Duration> = Vec::with_capacity(reps);
        let mut got = String::new();
        for _ in 0..reps {
            let t = Instant::now();
            let page = ime.candidates(typed, mode, 0, 9, None);
            times.push(t.elapsed());
            got = page
                .candidates
                .first()
                .map(|c| c.text.clone())
                .unwrap_or_default();
        }
        assert_eq!(got, first, "{typed}");
        times.sort();
        println!(
            "{:<34} {:>10.2} {:>10.2}  {got}",
            format!("{typed} ({mode:?})"),
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
}
