//! Staff work at the centre (issue 20 item 2) on a real PostgreSQL server: two kiosks deliver
//! their requests; a staff workstation (`fleet.staff = true`) lists, shows, moves on, exports,
//! counts and purges them through `kiosk requests …` on the central register; a kiosk's status
//! lookup then answers from the centre; the kiosk role still reads only its own rows and
//! changes none; the staff screen's list comes from the centre and says so when it is down.

mod common;

use common::pg::{fleet_config, set_up_fleet, PgServer};
use kiosk::config::Settings;
use kiosk::desk::lookup::{lookup, Source};
use kiosk::desk::requests::{Place, RequestDesk};
use kiosk::fleet::sender::{Sender, Step};
use kiosk::requests::{ApplicantType, Outcome, RawForm, Request, Status};
use std::path::{Path, PathBuf};
use std::process::Output;

fn citizen() -> Request {
    kiosk::staff_requests::read_form(
        &common::repo().join("tests/fixtures/request-citizen.json"),
        chrono::Local::now().date_naive(),
    )
    .unwrap()
}

fn organization() -> Request {
    let stem = "91330100MA2AAAAA0";
    let check = kiosk::requests::validate::credit_code_check_char(stem).unwrap();
    RawForm {
        applicant_type: ApplicantType::Organization,
        name: "青禾县某某科技有限公司".into(),
        credit_code: format!("{stem}{check}"),
        legal_representative: "李四".into(),
        contact_person: "王五".into(),
        phone: "0571-87654321".into(),
        description: "本县2025年度企业技术改造专项资金分配结果".into(),
        ..RawForm::default()
    }
    .validate(chrono::Local::now().date_naive())
    .unwrap()
}

/// Files `forms` at the kiosk of `config` and delivers them; the receipts (number, 查询码).
fn file_and_deliver(config: &Path, forms: &[Request]) -> Vec<(String, String)> {
    let settings = Settings::load(config).unwrap();
    let mut desk = RequestDesk::open(&settings).unwrap();
    let receipts = forms
        .iter()
        .map(|f| {
            let r = desk
                .file(f, false, chrono::Local::now().naive_local())
                .unwrap()
                .receipt;
            (r.receipt_no, r.query_code)
        })
        .collect();
    let mut sender = Sender::new(&settings).unwrap();
    for _ in 0..100 {
        match sender.step() {
            Step::Delivered(_) => {}
            Step::Idle => return receipts,
            Step::Failed(e) => panic!("delivery failed: {e}"),
        }
    }
    panic!("the outbox never emptied");
}

/// A staff workstation: the staff role `staff_wang`, `fleet.staff = true` and a key folder
/// with a copy of each kiosk's key file.
fn staff_workstation(server: &PgServer, dir: &Path, kiosk_dirs: &[&Path]) -> PathBuf {
    let mut owner = server.owner();
    kiosk::fleet::schema::add_staff(&mut owner, "wang", "staffpw9").unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let pw = dir.join("staff.password");
    std::fs::write(&pw, "staffpw9\n").unwrap();
    let keys = dir.join("district-keys");
    std::fs::create_dir_all(&keys).unwrap();
    for (i, k) in kiosk_dirs.iter().enumerate() {
        std::fs::copy(
            k.join("secret/register.key"),
            keys.join(format!("kiosk{i}.key")),
        )
        .unwrap();
    }
    let config = fleet_config(dir, "QH90", server, "staff_wang", &pw);
    let mut text = std::fs::read_to_string(&config).unwrap();
    // The last table of the file is [fleet].
    text.push_str(&format!(
        "staff = true\nkey_dir = {:?}\n",
        keys.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    config
}

fn run_ok(config: &Path, args: &[&str]) -> String {
    let out: Output = common::run_kiosk(config, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        common::text(&out.stdout),
        common::text(&out.stderr)
    );
    common::text(&out.stdout)
}

/// Runs the kiosk with `args`, which must fail with `reason` in its error output.
fn run_refused(config: &Path, args: &[&str], reason: &str) {
    let out: Output = common::run_kiosk(config, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    let stderr = common::text(&out.stderr);
    assert!(stderr.contains(reason), "{stderr}");
}

#[test]
fn staff_at_the_centre_list_answer_export_count_and_purge_every_kiosks_requests() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01", "QH02"]);
    let (k1, k2) = (tmp.path().join("k1"), tmp.path().join("k2"));
    let c1 = fleet_config(&k1, "QH01", &server, "kiosk_qh01", &pw[0]);
    let c2 = fleet_config(&k2, "QH02", &server, "kiosk_qh02", &pw[1]);
    let at_qh01 = file_and_deliver(&c1, &[citizen(), organization()]);
    let at_qh02 = file_and_deliver(&c2, &[citizen(), citizen(), citizen()]);
    let staff = staff_workstation(&server, &tmp.path().join("desk"), &[&k1, &k2]);

    // Both kiosks' requests, with their personal data opened by the district's key files.
    let list = run_ok(&staff, &["requests", "list"]);
    for (no, _) in at_qh01.iter().chain(&at_qh02) {
        assert!(list.contains(no.as_str()), "{no} missing:\n{list}");
    }
    assert!(list.contains("共 5 件（区级登记簿"), "{list}");
    assert!(list.contains("2025年青禾县城区道路改造项目"), "{list}");
    assert!(!list.contains("无法读取"), "{list}");

    // The same resident filed at two kiosks: the centre counts all four in the month.
    let (answered, _) = &at_qh02[0];
    let shown = run_ok(&staff, &["requests", "show", answered, "--staff-copy"]);
    assert!(shown.contains("张三"), "{shown}");
    assert!(shown.contains("11010519491231002X"), "{shown}");
    assert!(shown.contains("该申请人本月申请件数：4"), "{shown}");
    assert!(shown.contains("staff  status: - → received"), "{shown}");

    // An answer with its outcome, by the rules of a kiosk's register.
    run_refused(
        &staff,
        &[
            "requests",
            "set-status",
            answered,
            "closed",
            "--actor",
            "王五",
        ],
        "cannot go from 已受理 to 已办结",
    );
    let moved = run_ok(
        &staff,
        &[
            "requests",
            "set-status",
            answered,
            "answered",
            "--outcome",
            "1",
            "--actor",
            "王五",
            "--note",
            "当面答复",
        ],
    );
    assert!(moved.contains("已答复"), "{moved}");

    // The kiosk that filed it reads the new status from the centre.
    let s2 = Settings::load(&c2).unwrap();
    let desk2 = RequestDesk::open(&s2).unwrap();
    let (no, code) = &at_qh02[0];
    let found = lookup(&desk2, s2.fleet.central.as_ref(), "test", no, code)
        .unwrap()
        .unwrap();
    assert_eq!(found.source, Source::Centre);
    assert_eq!(found.stored.status, Status::Answered);
    assert_eq!(found.stored.outcome, Some(Outcome::Disclosed));

    // The kiosk's own copy takes no staff decision (it would never reach the centre).
    run_refused(
        &c1,
        &[
            "requests",
            "set-status",
            &at_qh01[0].0,
            "correcting",
            "--actor",
            "王五",
        ],
        "delivers its requests to the central register",
    );

    // A consultation pauses the clock at the centre as it would at a kiosk.
    let (paused, _) = &at_qh02[1];
    run_ok(
        &staff,
        &[
            "requests",
            "set-status",
            paused,
            "consulting",
            "--actor",
            "王五",
        ],
    );
    run_ok(
        &staff,
        &[
            "requests",
            "set-status",
            paused,
            "received",
            "--actor",
            "王五",
        ],
    );
    let mut owner = server.owner();
    let pauses: i64 = owner
        .query_one(
            "SELECT count(*) FROM fleet.pauses WHERE receipt_no = $1",
            &[paused],
        )
        .unwrap()
        .get(0);
    assert_eq!(pauses, 1);

    // The export holds every row of the district.
    let csv = tmp.path().join("register.csv");
    let said = run_ok(
        &staff,
        &[
            "requests",
            "export",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(said.contains("已导出 5 件"), "{said}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 6, "a header and five rows:\n{text}");
    for (no, _) in at_qh01.iter().chain(&at_qh02) {
        assert!(text.contains(no.as_str()), "{no} not exported");
    }

    // The yearly counts come from the centre.
    let year = chrono::Local::now().date_naive().format("%Y").to_string();
    let report_csv = tmp.path().join("report.csv");
    let report = run_ok(
        &staff,
        &[
            "requests",
            "report",
            "--year",
            &year,
            "--out",
            report_csv.to_str().unwrap(),
        ],
    );
    assert!(report.contains("来源：区级登记簿"), "{report}");
    let rows = std::fs::read_to_string(&report_csv).unwrap();
    let row = |code: &str| {
        rows.lines()
            .find(|l| l.starts_with(&format!("{code},")))
            .unwrap_or_else(|| panic!("no row {code}:\n{rows}"))
            .to_string()
    };
    assert!(row("一").ends_with(",4,1,5"), "{rows}");
    assert!(row("三 1").ends_with(",1,0,1"), "{rows}");
    assert!(row("三 2").ends_with(",0,0,0"), "{rows}");
    assert!(row("四").ends_with(",3,1,4"), "{rows}");

    // Closed long enough ago: the personal data goes from the centre, with audit lines.
    run_ok(
        &staff,
        &[
            "requests",
            "set-status",
            answered,
            "closed",
            "--actor",
            "王五",
        ],
    );
    let later = (chrono::Local::now().date_naive() + chrono::Days::new(400)).to_string();
    let purged = run_ok(
        &staff,
        &["requests", "purge", "--today", &later, "--actor", "李四"],
    );
    assert!(purged.contains(answered.as_str()), "{purged}");
    assert!(purged.contains("已删除 1 件"), "{purged}");
    let r = owner
        .query_one(
            "SELECT personal IS NULL, applicant_hash IS NULL, purged_on IS NOT NULL
             FROM fleet.requests WHERE receipt_no = $1",
            &[answered],
        )
        .unwrap();
    assert_eq!(
        (
            r.get::<_, bool>(0),
            r.get::<_, bool>(1),
            r.get::<_, bool>(2)
        ),
        (true, true, true),
        "the sealed fields are gone at the centre"
    );
    let kept: i64 = owner
        .query_one(
            "SELECT count(*) FROM fleet.requests WHERE personal IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(kept, 4, "the others keep theirs");
    let audit: Vec<(String, String, String, bool)> = owner
        .query(
            "SELECT field, to_value, actor, note_sealed IS NULL AND note NOT LIKE '%答复%'
             FROM fleet.audit WHERE receipt_no = $1 ORDER BY id",
            &[answered],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let fields: Vec<(&str, &str, &str)> = audit
        .iter()
        .map(|(f, t, a, _)| (f.as_str(), t.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("status", "received", "staff"),
            ("status", "answered", "王五"),
            ("status", "closed", "王五"),
            ("personal_data", "purged", "李四"),
        ]
    );
    assert!(
        audit.iter().all(|a| a.3),
        "staff notes went with the personal data"
    );
    let shown = run_ok(&staff, &["requests", "show", answered]);
    assert!(shown.contains("个人信息已于"), "{shown}");
    // The kiosk that filed it closes nothing itself: its purge asks the centre what is closed.
    let at_kiosk = run_ok(
        &c2,
        &["requests", "purge", "--today", &later, "--actor", "李四"],
    );
    assert!(at_kiosk.contains(answered.as_str()), "{at_kiosk}");
    assert!(at_kiosk.contains("已删除 1 件"), "{at_kiosk}");
    let local = RequestDesk::open(&s2).unwrap().list(None).unwrap();
    let with_data: Vec<&str> = local
        .rows
        .iter()
        .filter(|r| r.request.is_some())
        .map(|r| r.receipt_no.as_str())
        .collect();
    assert_eq!(with_data.len(), 2, "{with_data:?}");
    assert!(!with_data.contains(&answered.as_str()));
    // The audit log at the centre is append-only: staff may not delete it, and not even the
    // owner may rewrite a line; purged personal data never comes back.
    let mut wang = postgres::Client::connect(
        &format!("{} password=staffpw9", server.url_for("staff_wang")),
        postgres::NoTls,
    )
    .unwrap();
    for (as_staff, sql, says) in [
        (
            true,
            "DELETE FROM fleet.audit".to_string(),
            "permission denied",
        ),
        (
            false,
            "UPDATE fleet.audit SET actor = 'someone else'".to_string(),
            "append-only",
        ),
        (
            false,
            format!("UPDATE fleet.requests SET personal = '\\x00' WHERE receipt_no = '{answered}'"),
            "may only be purged",
        ),
    ] {
        let who = if as_staff { &mut wang } else { &mut owner };
        let err = kiosk::fleet::pg_text(&who.batch_execute(&sql).unwrap_err());
        assert!(err.contains(says), "{sql}: {err}");
    }
}

#[test]
fn a_kiosk_role_reads_only_its_own_rows_and_changes_none_at_the_centre() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01", "QH02"]);
    let (k1, k2) = (tmp.path().join("k1"), tmp.path().join("k2"));
    let c1 = fleet_config(&k1, "QH01", &server, "kiosk_qh01", &pw[0]);
    let c2 = fleet_config(&k2, "QH02", &server, "kiosk_qh02", &pw[1]);
    let own = file_and_deliver(&c1, &[citizen()]);
    let other = file_and_deliver(&c2, &[citizen(), citizen()]);

    let s1 = Settings::load(&c1).unwrap();
    let mut qh01 = kiosk::fleet::connect(s1.fleet.central.as_ref().unwrap(), "test").unwrap();
    let seen: i64 = qh01
        .query_one("SELECT count(*) FROM fleet.requests", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, 1, "its own request only");
    let foreign = qh01
        .query(
            "SELECT * FROM fleet.requests WHERE receipt_no = $1",
            &[&other[0].0],
        )
        .unwrap();
    assert!(foreign.is_empty(), "another kiosk's row is invisible");
    for sql in [
        format!(
            "UPDATE fleet.requests SET status = 'closed' WHERE receipt_no = '{}'",
            own[0].0
        ),
        format!(
            "UPDATE fleet.requests SET status = 'closed' WHERE receipt_no = '{}'",
            other[0].0
        ),
        "SELECT * FROM fleet.audit".to_string(),
        format!(
            "INSERT INTO fleet.audit (receipt_no, at, actor, field, to_value)
             VALUES ('{}', now(), 'x', 'status', 'closed')",
            own[0].0
        ),
        "SELECT * FROM fleet.pauses".to_string(),
    ] {
        let err = kiosk::fleet::pg_text(&qh01.batch_execute(&sql).unwrap_err());
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }

    // A kiosk configured as a staff workstation with its kiosk role still sees its own
    // rows only, and may change none of them.
    let keys = tmp.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::copy(k1.join("secret/register.key"), keys.join("qh01.key")).unwrap();
    let mut text = std::fs::read_to_string(&c1).unwrap();
    text.push_str(&format!(
        "staff = true\nkey_dir = {:?}\n",
        keys.display().to_string()
    ));
    let misconfigured = tmp.path().join("k1/as-staff.toml");
    std::fs::write(&misconfigured, text).unwrap();
    let listed = run_ok(&misconfigured, &["requests", "list"]);
    assert!(listed.contains("共 1 件"), "{listed}");
    run_refused(
        &misconfigured,
        &[
            "requests",
            "set-status",
            &own[0].0,
            "correcting",
            "--actor",
            "x",
        ],
        "permission denied",
    );
    let status: String = server
        .owner()
        .query_one(
            "SELECT status FROM fleet.requests WHERE receipt_no = $1",
            &[&own[0].0],
        )
        .unwrap()
        .get(0);
    assert_eq!(status, "received");
}

#[test]
fn the_staff_screen_lists_the_centre_and_says_so_when_it_cannot_be_reached() {
    use kiosk::ui::staff::StaffArea;
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01", "QH02"]);
    let (k1, k2) = (tmp.path().join("k1"), tmp.path().join("k2"));
    let c1 = fleet_config(&k1, "QH01", &server, "kiosk_qh01", &pw[0]);
    let c2 = fleet_config(&k2, "QH02", &server, "kiosk_qh02", &pw[1]);
    let a = file_and_deliver(&c1, &[citizen()]);
    let b = file_and_deliver(&c2, &[organization()]);
    let staff = Settings::load(&staff_workstation(
        &server,
        &tmp.path().join("desk"),
        &[&k1, &k2],
    ))
    .unwrap();

    let read = |settings: &Settings| {
        let mut area = StaffArea::open(settings);
        assert_eq!(area.place, Place::Centre);
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(rows) = area.rows() {
                return rows.clone();
            }
            assert!(std::time::Instant::now() < until, "the list never came");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let list = read(&staff).unwrap();
    let names: Vec<&str> = list.rows.iter().map(|r| r.receipt_no.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&a[0].0.as_str()) && names.contains(&b[0].0.as_str()));

    // A desk kept open across an outage works again once the centre is back.
    let mut desk = RequestDesk::open_staff(&staff).unwrap();
    server.crash();
    let e = read(&staff).unwrap_err();
    assert!(e.contains("暂时无法连接区级登记簿"), "{e}");
    let e = desk.list(None).unwrap_err();
    assert!(e.to_string().contains("central register"), "{e}");
    assert!(e.staff_message().contains("暂时无法连接区级登记簿"));
    server.start_again();
    assert_eq!(desk.list(None).unwrap().rows.len(), 2);
    let change = kiosk::requests::StatusChange {
        to: Status::Correcting,
        outcome: None,
        on: chrono::Local::now().date_naive(),
        actor: "终端工作人员".into(),
        note: String::new(),
    };
    let after = desk
        .set_status(&b[0].0, &change, chrono::Local::now().naive_local())
        .unwrap();
    assert_eq!(after.status, Status::Correcting);
}
