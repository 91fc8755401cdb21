//! `kiosk requests …` on the real binary with a register in a temporary folder.

mod common;

use common::{run_kiosk as kiosk, text};

use calamine::{open_workbook, Reader, Xlsx};
use std::path::Path;

fn submit(config: &Path) -> String {
    let form = common::repo().join("tests/fixtures/request-citizen.json");
    let out = kiosk(
        config,
        &["requests", "submit", "--json", form.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

#[test]
fn show_masks_the_id_number_unless_asked_for_the_staff_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submit(&config);
    assert!(no.starts_with("QH01-") && no.ends_with("-0001"), "{no}");
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(shown.contains("110105********002X"), "{shown}");
    assert!(!shown.contains("11010519491231002X"), "{shown}");
    assert!(shown.contains("代为填写：是"), "{shown}");
    assert!(shown.contains("■邮寄"), "{shown}");
    let staff = text(&kiosk(&config, &["requests", "show", &no, "--staff-copy"]).stdout);
    assert!(staff.contains("11010519491231002X"), "{staff}");
    assert!(staff.contains("受理机关留存联"), "{staff}");
    // The key file was created private, outside the register's folder.
    let key = tmp.path().join("secret/register.key");
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
}

#[test]
fn staff_move_a_request_to_answered_and_closed_and_the_log_shows_each_step() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submit(&config);
    let bad = kiosk(
        &config,
        &["requests", "set-status", &no, "answered", "--actor", "王芳"],
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("outcome"),
        "{}",
        text(&bad.stderr)
    );
    let bad = kiosk(
        &config,
        &[
            "requests",
            "set-status",
            &no,
            "answered",
            "--outcome",
            "9.9",
            "--actor",
            "王芳",
        ],
    );
    assert!(text(&bad.stderr).contains("5.2"), "{}", text(&bad.stderr));
    for args in [
        &[
            "requests",
            "set-status",
            &no,
            "answered",
            "--outcome",
            "4.1",
            "--actor",
            "王芳",
        ][..],
        &[
            "requests",
            "set-status",
            &no,
            "closed",
            "--actor",
            "王芳",
            "--note",
            "已邮寄答复书",
        ][..],
    ] {
        let out = kiosk(&config, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(shown.contains("办理状态：已办结"), "{shown}");
    assert!(
        shown.contains("4.1 无法提供：本机关不掌握相关政府信息"),
        "{shown}"
    );
    assert!(shown.contains("answered → closed  已邮寄答复书"), "{shown}");
    let list = text(&kiosk(&config, &["requests", "list", "--status", "closed"]).stdout);
    assert!(list.contains(&no) && list.contains("共 1 件"), "{list}");
}

#[test]
fn export_writes_an_xlsx_and_a_csv_that_spreadsheets_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let first = submit(&config);
    let second = submit(&config);
    let xlsx = tmp.path().join("register.xlsx");
    let out = kiosk(
        &config,
        &[
            "requests",
            "export",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("申请登记").unwrap();
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 0), "受理编号");
    assert_eq!(cell(0, 4), "证件号码");
    assert_eq!(cell(1, 0), second, "newest first");
    assert_eq!(cell(2, 0), first);
    assert_eq!(cell(1, 3), "张三");
    assert_eq!(cell(1, 4), "110105********002X");
    assert_eq!(cell(1, 10), "已受理");
    // The same applicant's requests this calendar month, on every row of that month.
    assert_eq!(cell(1, 15), "2");
    assert_eq!(cell(2, 15), "2");

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
    let body = std::fs::read_to_string(&csv).unwrap();
    assert!(body.starts_with('\u{FEFF}'));
    assert_eq!(body.lines().count(), 3);
    assert!(body.contains(&first) && !body.contains("11010519491231002X"));
}

#[test]
fn an_invalid_json_form_is_refused_with_the_field_and_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let form = tmp.path().join("bad.json");
    std::fs::write(
        &form,
        r#"{"name":"李四","id_kind":"resident_id","id_number":"110105194912310021","phone":"13812345678","description":"x"}"#,
    )
    .unwrap();
    let out = kiosk(
        &config,
        &["requests", "submit", "--json", form.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("证件号码：居民身份证号码校验位不符"), "{err}");
}

#[test]
fn purge_leaves_recent_requests_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let no = submit(&config);
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
        ][..],
        &["requests", "set-status", &no, "closed", "--actor", "王芳"][..],
    ] {
        assert!(kiosk(&config, args).status.success());
    }
    let out = kiosk(&config, &["requests", "purge"]);
    assert!(
        text(&out.stdout).contains("已删除 0 件"),
        "{}",
        text(&out.stdout)
    );
    let later = (chrono::Local::now().date_naive() + chrono::Days::new(31)).to_string();
    let out = kiosk(&config, &["requests", "purge", "--today", &later]);
    assert!(text(&out.stdout).contains(&no), "{}", text(&out.stdout));
    let shown = text(&kiosk(&config, &["requests", "show", &no]).stdout);
    assert!(
        shown.contains("个人信息已于") && !shown.contains("张三"),
        "{shown}"
    );
}
