//! Issue 22: nothing filed is ever lost or exposed. `kiosk requests …` on the real binary with
//! a register in a temporary folder: a lost key, a zeroed register, a damaged row, sealed audit
//! notes, status dates and stored deadlines.

mod common;

use common::{run_kiosk as kiosk, text};
use std::path::{Path, PathBuf};

fn submit(config: &Path) -> std::process::Output {
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    kiosk(
        config,
        &["requests", "submit", "--json", form.to_str().unwrap()],
    )
}

fn submitted(config: &Path) -> String {
    let out = submit(config);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

fn register(dir: &Path) -> PathBuf {
    dir.join("data/requests.sqlite")
}

fn key(dir: &Path) -> PathBuf {
    dir.join("secret/register.key")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The register file and its WAL, as bytes on disk.
fn register_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(register(dir)).unwrap();
    let wal = register(dir).with_file_name("requests.sqlite-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

#[test]
fn a_lost_key_file_is_not_replaced_and_every_command_names_the_key_to_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submitted(&config);
    let aside = tmp.path().join("backup.key");
    std::fs::rename(key(tmp.path()), &aside).unwrap();

    let out = submit(&config);
    assert!(!out.status.success(), "filed under a new key");
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("restore the key file with fingerprint"),
        "{err}"
    );
    assert!(!key(tmp.path()).exists(), "a new key file was made");
    let out = kiosk(&config, &["requests", "list"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("fingerprint"));

    // Another key in its place is refused as well, naming both fingerprints.
    std::fs::write(key(tmp.path()), [9u8; 32]).unwrap();
    let out = submit(&config);
    assert!(!out.status.success(), "filed under a foreign key");
    let err = text(&out.stderr);
    assert!(err.contains("does not belong to this register"), "{err}");

    // Staff restore the key: everything reads again.
    std::fs::rename(&aside, key(tmp.path())).unwrap();
    let list = text(&kiosk(&config, &["requests", "list"]).stdout);
    assert!(list.contains(&no) && list.contains("共 1 件"), "{list}");
}

#[test]
fn an_empty_or_zeroed_register_file_is_refused_and_never_replaced() {
    let cases: [(&str, Vec<u8>); 3] = [
        ("empty", Vec::new()),
        ("zeroed", vec![0u8; 8192]),
        ("not a SQLite", b"receipts: none\n".to_vec()),
    ];
    for (what, content) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let config = common::requests_config(tmp.path(), "none");
        submitted(&config);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(
                register(tmp.path()).with_file_name(format!("requests.sqlite{suffix}")),
            );
        }
        std::fs::write(register(tmp.path()), &content).unwrap();
        let out = submit(&config);
        assert!(!out.status.success(), "{what}: filed into a new register");
        let err = text(&out.stderr);
        assert!(err.contains("never replaced"), "{what}: {err}");
        assert!(err.contains(what), "{what}: {err}");
        assert_eq!(
            std::fs::read(register(tmp.path())).unwrap(),
            content,
            "{what}: the file was changed"
        );
    }
}

#[test]
fn a_damaged_row_is_named_and_the_others_still_list_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let nos: Vec<String> = (0..3).map(|_| submitted(&config)).collect();
    {
        let conn = rusqlite::Connection::open(register(tmp.path())).unwrap();
        conn.execute(
            "UPDATE requests SET personal = x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' WHERE receipt_no = ?1",
            [&nos[1]],
        )
        .unwrap();
    }
    let out = kiosk(&config, &["requests", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    assert!(list.contains(&nos[0]) && list.contains(&nos[2]), "{list}");
    assert!(list.contains("共 2 件"), "{list}");
    assert!(
        list.contains(&format!("有1条记录无法读取：{}", nos[1])),
        "{list}"
    );

    let csv = tmp.path().join("register.csv");
    let out = kiosk(
        &config,
        &[
            "requests",
            "export",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("无法读取"),
        "{}",
        text(&out.stdout)
    );
    let body = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(body.lines().count(), 3, "{body}");
    assert!(!body.contains(&nos[1]));
}

#[test]
fn audit_notes_are_sealed_on_disk_and_removed_by_the_purge() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submitted(&config);
    let note = "申请人李秀英来电补充住址";
    for args in [
        &[
            "requests",
            "set-status",
            &no,
            "answered",
            "--outcome",
            "1",
            "--actor",
            "王芳",
            "--note",
            note,
        ][..],
        &["requests", "set-status", &no, "closed", "--actor", "王芳"][..],
    ] {
        let out = kiosk(&config, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(shown.contains(note), "staff read the note: {shown}");
    assert!(
        !contains(&register_bytes(tmp.path()), note),
        "the note is in clear on disk"
    );

    let later = (chrono::Local::now().date_naive() + chrono::Days::new(31)).to_string();
    let out = kiosk(&config, &["requests", "purge", "--today", &later]);
    assert!(text(&out.stdout).contains(&no), "{}", text(&out.stdout));
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(
        !shown.contains(note),
        "the note survived the purge: {shown}"
    );
    let conn = rusqlite::Connection::open(register(tmp.path())).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit a JOIN requests r ON r.id = a.request_id
             WHERE r.receipt_no = ?1 AND a.field = 'status'
             AND (a.note <> '' OR a.note_sealed IS NOT NULL)",
            [&no],
            |r| r.get(0),
        )
        .unwrap_or(-1);
    assert_eq!(kept, 0, "status notes left after the purge");
}

#[test]
fn a_status_date_before_receipt_or_in_the_future_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submitted(&config);
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    for (on, why) in [
        ("2020-01-02", "before the request was received"),
        (tomorrow.as_str(), "in the future"),
    ] {
        let out = kiosk(
            &config,
            &[
                "requests",
                "set-status",
                &no,
                "answered",
                "--outcome",
                "1",
                "--on",
                on,
                "--actor",
                "王芳",
            ],
        );
        assert!(!out.status.success(), "{on} accepted");
        let err = text(&out.stderr);
        assert!(err.contains(why) && err.contains(on), "{on}: {err}");
    }
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(shown.contains("办理状态：已受理"), "{shown}");
}

fn due_of(config: &Path, no: &str) -> String {
    let shown = text(&kiosk(config, &["requests", "show", no]).stdout);
    shown
        .lines()
        .find_map(|l| l.strip_prefix("答复期限："))
        .unwrap_or_else(|| panic!("no deadline in {shown}"))
        .to_string()
}

#[test]
fn a_stored_deadline_stays_when_the_holiday_files_change_until_staff_recompute_it() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    // Holiday files of our own, empty at first (every year Monday to Friday).
    let holidays = tmp.path().join("holidays");
    std::fs::create_dir_all(&holidays).unwrap();
    let text_cfg = std::fs::read_to_string(&config).unwrap();
    let repo_holidays = common::repo().join("kiosk-config/holidays");
    std::fs::write(
        &config,
        text_cfg.replace(
            &format!("{:?}", repo_holidays.display().to_string()),
            &format!("{:?}", holidays.display().to_string()),
        ),
    )
    .unwrap();
    let no = submitted(&config);
    let first = due_of(&config, &no);

    // The State Council publishes a week of holidays starting tomorrow.
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let year = chrono::Datelike::year(&tomorrow);
    let end = std::cmp::min(
        tomorrow + chrono::Days::new(6),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    std::fs::write(
        holidays.join(format!("{year}.toml")),
        format!(
            "year = {year}\nsource = \"测试通知\"\n\n[[holiday]]\nname = \"测试假期\"\nfrom = \"{tomorrow}\"\nto = \"{end}\"\n"
        ),
    )
    .unwrap();
    assert_eq!(due_of(&config, &no), first, "the shown deadline moved");

    let out = kiosk(&config, &["requests", "recompute-due", &no]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("改为"), "{}", text(&out.stdout));
    let second = due_of(&config, &no);
    assert!(second > first, "{second} after {first}");
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(
        shown.contains(&format!("due: {first} → {second}")),
        "{shown}"
    );
}
