//! The central register on a real PostgreSQL server (issue 20 items 1 and 4): the kiosk role
//! files and reads its own requests only; a redelivered receipt is acknowledged, not
//! inserted; other content under a known receipt number is refused, kept and shown to staff;
//! `kiosk fleet status` lists the kiosks and flags the silent ones.

mod common;

use common::file_requests;
use common::pg::{fleet_config, set_up_fleet, PgServer};
use kiosk::config::Settings;
use kiosk::desk::requests::RequestDesk;
use kiosk::fleet::sender::{Sender, Step};
use kiosk::fleet::Central;

/// Steps the sender until nothing waits; the batches it delivered.
fn drain(sender: &mut Sender) -> Vec<kiosk::fleet::sender::Batch> {
    let mut batches = Vec::new();
    for _ in 0..100 {
        match sender.step() {
            Step::Delivered(b) => batches.push(b),
            Step::Idle => return batches,
            Step::Failed(e) => panic!("delivery failed: {e}"),
        }
    }
    panic!("the outbox never emptied");
}

#[test]
fn a_kiosk_role_files_and_reads_only_its_own_requests_and_staff_read_all() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01", "QH02"]);
    let c1 = fleet_config(
        &tmp.path().join("k1"),
        "QH01",
        &server,
        "kiosk_qh01",
        &pw[0],
    );
    let c2 = fleet_config(
        &tmp.path().join("k2"),
        "QH02",
        &server,
        "kiosk_qh02",
        &pw[1],
    );
    file_requests(&c1, 2);
    file_requests(&c2, 3);
    for c in [&c1, &c2] {
        drain(&mut Sender::new(&Settings::load(c).unwrap()).unwrap());
    }

    let s1 = Settings::load(&c1).unwrap();
    let mut qh01 = Central::open(s1.fleet.central.as_ref().unwrap(), "test").unwrap();
    let own = qh01.payloads().unwrap();
    assert_eq!(own.len(), 2, "QH01 sees its own two requests only");
    assert!(own.iter().all(|(p, _)| p.kiosk_id == "QH01"));
    let client = qh01.client();
    let forged = client.execute(
        "INSERT INTO fleet.requests (receipt_no, kiosk_id, seq, received_on, submitted_at,
            applicant_type, staff_assisted, hints, key_fingerprint, payload_hash)
         VALUES ('QH02-20261202-0099', 'QH02', 99, '2026-12-02', '2026-12-02 09:00', 'citizen',
            false, '', 'x', repeat('a', 64))",
        &[],
    );
    let err = kiosk::fleet::pg_text(&forged.unwrap_err());
    assert!(err.contains("row-level security"), "{err}");
    for sql in [
        "UPDATE fleet.requests SET status = 'closed'",
        "DELETE FROM fleet.requests",
        "SELECT * FROM fleet.kiosks",
    ] {
        let err = kiosk::fleet::pg_text(&client.batch_execute(sql).unwrap_err());
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }

    let mut owner = server.owner();
    kiosk::fleet::schema::add_staff(&mut owner, "wang", "staffpw1").unwrap();
    let mut staff = postgres::Client::connect(
        &format!("{} password=staffpw1", server.url_for("staff_wang")),
        postgres::NoTls,
    )
    .unwrap();
    let all: i64 = staff
        .query_one("SELECT count(*) FROM fleet.requests", &[])
        .unwrap()
        .get(0);
    assert_eq!(all, 5);
    let moved = staff
        .execute(
            "UPDATE fleet.requests SET status = 'answered', outcome = '1' WHERE kiosk_id = 'QH02'",
            &[],
        )
        .unwrap();
    assert_eq!(moved, 3);
    let err = kiosk::fleet::pg_text(
        &staff
            .batch_execute("DELETE FROM fleet.requests")
            .unwrap_err(),
    );
    assert!(err.contains("permission denied"), "{err}");
}

#[test]
fn a_redelivered_receipt_is_acknowledged_not_inserted_and_other_content_is_refused() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01"]);
    let config = fleet_config(
        &tmp.path().join("k1"),
        "QH01",
        &server,
        "kiosk_qh01",
        &pw[0],
    );
    let receipts = file_requests(&config, 6);
    let settings = Settings::load(&config).unwrap();
    let mut sender = Sender::new(&settings).unwrap();
    let first: u64 = drain(&mut sender).iter().map(|b| b.inserted).sum();
    assert_eq!(first, 6);

    // The acknowledgement of two rows is lost (a sender killed between the central commit
    // and its own): they go again and are acknowledged as duplicates.
    let local = rusqlite::Connection::open(&settings.requests.register).unwrap();
    local
        .execute("UPDATE outbox SET acked_at = NULL WHERE seq <= 2", [])
        .unwrap();
    let again = drain(&mut sender);
    assert_eq!(again.iter().map(|b| b.duplicates).sum::<u64>(), 2);
    assert_eq!(again.iter().map(|b| b.inserted).sum::<u64>(), 0);
    let mut staff_view = server.owner();
    let held: i64 = staff_view
        .query_one("SELECT count(*) FROM fleet.requests", &[])
        .unwrap()
        .get(0);
    assert_eq!(held, 6, "duplicates are not inserted");

    // A register restored from elsewhere sends the same receipt number with other content.
    let (text, _): (String, String) = local
        .query_row(
            "SELECT payload, payload_hash FROM outbox WHERE seq = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut other: kiosk::requests::Payload = serde_json::from_str(&text).unwrap();
    other.hints = "complaint".into();
    local
        .execute(
            "UPDATE outbox SET payload = ?1, payload_hash = ?2, acked_at = NULL WHERE seq = 3",
            rusqlite::params![other.to_json(), other.hash()],
        )
        .unwrap();
    let refused = drain(&mut sender);
    let names: Vec<&str> = refused
        .iter()
        .flat_map(|b| b.refused.iter().map(|(r, _)| r.as_str()))
        .collect();
    assert_eq!(names, [receipts[2].as_str()]);
    let state = kiosk::requests::Outbox::open(&settings.requests.register)
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(state.waiting, 0);
    assert_eq!(state.refused.len(), 1, "the refused row is kept");
    let (hints, refusals): (String, i64) = {
        let r = staff_view
            .query_one(
                "SELECT hints, (SELECT count(*) FROM fleet.refusals WHERE settled_at IS NULL)
                 FROM fleet.requests WHERE receipt_no = $1",
                &[&receipts[2]],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(hints, "", "the centre keeps what it had");
    assert_eq!(refusals, 1);

    // Staff see it in `kiosk requests list` and the district view.
    let out = common::run_kiosk(&config, &["requests", "list"]);
    let text = common::text(&out.stdout);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(
        text.contains("被中心登记簿拒收") && text.contains(&receipts[2]),
        "{text}"
    );
    let kiosks = Central::with_client(server.owner())
        .unwrap()
        .kiosks()
        .unwrap();
    assert_eq!(kiosks[0].refusals, 1);
}

#[test]
fn fleet_status_lists_every_kiosk_and_flags_the_silent_one() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01", "QH02"]);
    let c1 = fleet_config(
        &tmp.path().join("k1"),
        "QH01",
        &server,
        "kiosk_qh01",
        &pw[0],
    );
    file_requests(&c1, 2);
    let out = common::run_kiosk(&c1, &["fleet", "send", "--until-empty"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(
        common::text(&out.stdout).contains("done inserted=2 duplicates=0 refused=0"),
        "{}",
        common::text(&out.stdout)
    );

    let mut owner = server.owner();
    kiosk::fleet::schema::add_staff(&mut owner, "li", "staffpw2").unwrap();
    let staff_pw = tmp.path().join("staff.password");
    std::fs::write(&staff_pw, "staffpw2\n").unwrap();
    let staff = fleet_config(
        &tmp.path().join("desk"),
        "QH90",
        &server,
        "staff_li",
        &staff_pw,
    );
    let out = common::run_kiosk(&staff, &["fleet", "status"]);
    let text = common::text(&out.stdout);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("QH01"), "{text}");
    assert!(lines[0].contains("中心 2 件（最大序号 2）"), "{text}");
    assert!(lines[0].contains("待送 0"), "{text}");
    assert!(
        lines[1].starts_with("QH02") && lines[1].contains("失联：从未报告"),
        "{text}"
    );
    // The heartbeat carried the printer state (no such queue here) and the queued receipts.
    assert!(lines[0].contains("待打印 2"), "{text}");
    assert!(lines[0].contains("打印机异常"), "{text}");
    assert_eq!(lines[2], "共 2 台终端，2 台需要处理");
}

#[test]
fn a_status_lookup_answers_from_the_centre_and_from_the_local_copy_when_the_centre_is_down() {
    use kiosk::desk::lookup::{lookup, Source};
    let Some(server) = PgServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pw = set_up_fleet(&server, tmp.path(), &["QH01"]);
    let config = fleet_config(
        &tmp.path().join("k1"),
        "QH01",
        &server,
        "kiosk_qh01",
        &pw[0],
    );
    let settings = Settings::load(&config).unwrap();
    let form = kiosk::staff_requests::read_form(
        &common::repo().join("tests/fixtures/request-citizen.json"),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    let mut desk = RequestDesk::open(&settings).unwrap();
    let receipt = desk
        .file(&form, false, chrono::Local::now().naive_local())
        .unwrap()
        .receipt;
    drain(&mut Sender::new(&settings).unwrap());
    // Staff answer it at the centre.
    server
        .owner()
        .execute(
            "UPDATE fleet.requests SET status = 'answered', outcome = '1', due_on = NULL
             WHERE receipt_no = $1",
            &[&receipt.receipt_no],
        )
        .unwrap();
    let central = settings.fleet.central.as_ref();
    let (no, code) = (&receipt.receipt_no, &receipt.query_code);
    let found = lookup(&desk, central, "test", no, code).unwrap().unwrap();
    assert_eq!(found.source, Source::Centre);
    assert_eq!(found.stored.status, kiosk::requests::Status::Answered);
    assert!(lookup(&desk, central, "test", no, "WRONGCODE2")
        .unwrap()
        .is_none());

    server.crash();
    let found = lookup(&desk, central, "test", no, code).unwrap().unwrap();
    assert_eq!(found.source, Source::LocalCopy);
    assert_eq!(found.stored.status, kiosk::requests::Status::Received);
    assert!(kiosk::desk::lookup::source_note(&found.source).contains("本终端的记录"));
}
