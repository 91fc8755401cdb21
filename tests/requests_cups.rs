//! Printing through a real CUPS queue (cups-pdf): the spooled job carries the masked ID, the
//! receipt number and the due date; once the job is done CUPS has deleted the spooled PDF (it
//! holds personal data); a disabled printer leaves the request registered and 待打印 until
//! `print-pending` succeeds.
//!
//! The tests start cupsd, apply the server settings of `deploy/cups/setup-cups.sh` and create
//! their queues themselves. The queues hold every job on arrival, so a test reads what the kiosk
//! sent from the spool before it releases the job. Without CUPS they are skipped with a note,
//! unless KIOSK_SHARED is set (CI), where a missing CUPS fails them.

mod common;

use common::{run_kiosk as kiosk, text};

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn sh(cmd: &str, args: &[&str]) -> Option<Output> {
    Command::new(cmd)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .ok()
}

fn ok(cmd: &str, args: &[&str]) -> bool {
    sh(cmd, args).is_some_and(|o| o.status.success())
}

fn scheduler_running() -> bool {
    sh("lpstat", &["-r"])
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains("scheduler is running"))
}

/// Starts cupsd if needed and applies the deployment's server settings, once for all tests
/// (the settings may restart the scheduler). `Err` says why CUPS cannot be used.
fn cups_server() -> Result<(), String> {
    static SERVER: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| {
            if !scheduler_running() {
                if !std::path::Path::new("/usr/sbin/cupsd").exists() {
                    return Err(
                        "cupsd is not installed (apt-get install cups printer-driver-cups-pdf)"
                            .into(),
                    );
                }
                let _ = Command::new("/usr/sbin/cupsd").status();
                let start = Instant::now();
                while !scheduler_running() {
                    if start.elapsed() > Duration::from_secs(15) {
                        return Err("cupsd did not start".into());
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
            let script = common::repo().join("deploy/cups/setup-cups.sh");
            let out = sh("sh", &[script.to_str().unwrap()])
                .ok_or("cannot run deploy/cups/setup-cups.sh")?;
            if !out.status.success() {
                return Err(format!(
                    "deploy/cups/setup-cups.sh failed: {}{}",
                    text(&out.stdout),
                    text(&out.stderr)
                ));
            }
            Ok(())
        })
        .clone()
}

/// Starts cupsd if needed and (re)creates `queue` on cups-pdf, holding every job until the test
/// releases it. `None` means skip.
fn cups_queue(queue: &str) -> Option<String> {
    let required = std::env::var_os("KIOSK_SHARED").is_some();
    let fail = |why: String| -> Option<String> {
        if required {
            panic!("KIOSK_SHARED is set but CUPS cannot be set up: {why}");
        }
        eprintln!("note: skipping a CUPS test: {why}");
        None
    };
    if let Err(why) = cups_server() {
        return fail(why);
    }
    let ppd = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd";
    if !std::path::Path::new(ppd).exists() {
        return fail(format!(
            "{ppd} is missing (apt-get install printer-driver-cups-pdf)"
        ));
    }
    if !ok(
        "lpadmin",
        &[
            "-p",
            queue,
            "-v",
            "cups-pdf:/",
            "-E",
            "-P",
            ppd,
            "-o",
            "job-hold-until-default=indefinite",
        ],
    ) {
        return fail(format!("lpadmin could not create {queue}"));
    }
    if !ok("pdftotext", &["-v"]) {
        return fail("pdftotext is missing (apt-get install poppler-utils)".into());
    }
    Some(queue.to_string())
}

/// Waits until CUPS lists `job` as completed.
fn wait_completed(queue: &str, job: &str) {
    let start = Instant::now();
    loop {
        let out = sh("lpstat", &["-W", "completed", "-o", queue]).unwrap();
        if text(&out.stdout).split_whitespace().any(|w| w == job) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "job {job} did not complete: {}",
            text(&sh("lpstat", &["-l", "-o", queue]).unwrap().stdout)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The spooled documents of `job` (`QUEUE-N` → /var/spool/cups/d000NN-001, -002 …).
fn spool_files(job: &str) -> Vec<std::path::PathBuf> {
    let n: u32 = job.rsplit('-').next().unwrap().parse().unwrap();
    let prefix = format!("d{n:05}-");
    std::fs::read_dir("/var/spool/cups")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
        })
        .collect()
}

/// What the kiosk sent as `job`: the text of the spooled PDF, read while CUPS holds the job.
/// Then releases the job, waits until it completes, and checks that CUPS deleted the spooled
/// PDF (personal data) as `deploy/cups/setup-cups.sh` configures it to.
fn printed_text(queue: &str, job: &str) -> String {
    let files = spool_files(job);
    assert_eq!(files.len(), 1, "one spooled document for {job}: {files:?}");
    let path = files[0].display().to_string();
    let out = sh("pdftotext", &[&path, "-"]).unwrap();
    assert!(
        out.status.success(),
        "pdftotext {path}: {}",
        text(&out.stderr)
    );
    assert!(
        ok("lp", &["-i", job, "-H", "resume"]),
        "cannot release {job}"
    );
    wait_completed(queue, job);
    let start = Instant::now();
    while !spool_files(job).is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        spool_files(job).is_empty(),
        "CUPS kept the spooled PDF of the finished job {job} (personal data): {:?}",
        spool_files(job)
    );
    text(&out.stdout)
}

fn job_of(stderr: &str, receipt_no: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{receipt_no}: 已送打印 ")))
        .unwrap_or_else(|| panic!("no job for {receipt_no} in: {stderr}"))
        .trim()
        .to_string()
}

fn due_of(config: &std::path::Path, receipt_no: &str) -> String {
    let out = kiosk(config, &["requests", "show", receipt_no]);
    let shown = text(&out.stdout);
    let due = shown
        .lines()
        .find_map(|l| l.strip_prefix("答复期限："))
        .unwrap()
        .to_string();
    let d = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    d.format("%Y年%m月%d日").to_string()
}

#[test]
fn a_printed_receipt_reaches_cups_with_masked_id_receipt_number_and_due_date_and_is_not_kept() {
    let Some(queue) = cups_queue("KioskTest") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), &queue);
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    let out = kiosk(
        &config,
        &[
            "requests",
            "submit",
            "--json",
            form.to_str().unwrap(),
            "--print",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt_no = text(&out.stdout).trim().to_string();
    let job = job_of(&text(&out.stderr), &receipt_no);
    let printed = printed_text(&queue, &job);
    assert!(printed.contains("110105********002X"), "{printed}");
    assert!(
        !printed.contains("11010519491231002X"),
        "full ID on the applicant's copy"
    );
    assert!(printed.contains(&receipt_no), "{printed}");
    assert!(printed.contains(&due_of(&config, &receipt_no)), "{printed}");
    assert!(printed.contains("行政复议"), "{printed}");
    let list = text(&kiosk(&config, &["requests", "list"]).stdout);
    assert!(!list.contains("待打印"), "{list}");
}

#[test]
fn a_disabled_printer_leaves_the_request_registered_and_pending_until_retried() {
    let Some(queue) = cups_queue("KioskTestDown") else {
        return;
    };
    assert!(ok("cupsdisable", &[&queue]));
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), &queue);
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    let out = kiosk(
        &config,
        &[
            "requests",
            "submit",
            "--json",
            form.to_str().unwrap(),
            "--print",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt_no = text(&out.stdout).trim().to_string();
    assert!(receipt_no.starts_with("QH01-"), "{receipt_no}");
    let err = text(&out.stderr);
    assert!(
        err.contains("打印机暂时无法使用") && err.contains("已经成功提交"),
        "{err}"
    );
    let list = text(&kiosk(&config, &["requests", "list"]).stdout);
    assert!(
        list.contains(&receipt_no) && list.contains("[待打印]"),
        "{list}"
    );

    // Still down: the retry fails and the flag stays.
    let retry = kiosk(&config, &["requests", "print-pending"]);
    assert!(!retry.status.success());
    assert!(text(&retry.stdout).contains("未打印"));

    assert!(ok("cupsenable", &[&queue]));
    let retry = kiosk(&config, &["requests", "print-pending"]);
    assert!(
        retry.status.success(),
        "{}{}",
        text(&retry.stdout),
        text(&retry.stderr)
    );
    let line = text(&retry.stdout);
    let job = line
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{receipt_no}: 已打印 ")))
        .unwrap_or_else(|| panic!("{line}"))
        .trim()
        .to_string();
    assert!(printed_text(&queue, &job).contains(&receipt_no));
    let list = text(&kiosk(&config, &["requests", "list"]).stdout);
    assert!(!list.contains("[待打印]"), "{list}");
}
