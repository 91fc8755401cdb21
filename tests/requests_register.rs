//! The request register on a real SQLite file: commit, encryption at rest, audit log, workflow
//! clock rules, monthly counts and purge.

use chrono::{NaiveDate, NaiveDateTime};
use kiosk::requests::{
    Calendar, IdKind, ObtainBy, Outcome, RawForm, Register, RegisterError, Status, StatusChange,
};
use std::path::Path;

fn calendar() -> Calendar {
    Calendar::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/holidays"))
        .unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn form(id: &str) -> RawForm {
    RawForm {
        name: "张三".into(),
        id_kind: Some(IdKind::ResidentId),
        id_number: id.into(),
        phone: "13812345678".into(),
        address: "青禾县城关镇人民路1号".into(),
        postcode: "100010".into(),
        description: "2025年青禾县城区道路改造项目立项批复".into(),
        obtain_by: ObtainBy::Post,
        ..RawForm::default()
    }
}

fn open(dir: &Path) -> Register {
    try_open(dir).unwrap()
}

fn try_open(dir: &Path) -> Result<Register, RegisterError> {
    Register::open_files(
        &dir.join("requests.sqlite"),
        &dir.join("register.key"),
        calendar(),
        "QH01",
    )
}

fn change(to: Status, on: &str) -> StatusChange {
    StatusChange {
        to,
        outcome: None,
        on: day(on),
        actor: "staff-01".into(),
        note: String::new(),
    }
}

#[test]
fn receipt_numbers_count_per_day_and_personal_data_is_not_stored_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-11-25"))
        .unwrap();
    let a = reg.submit(&req, at("2026-11-25 09:00")).unwrap();
    let b = reg.submit(&req, at("2026-11-25 09:05")).unwrap();
    let c = reg.submit(&req, at("2026-11-26 08:30")).unwrap();
    assert_eq!(a.receipt_no, "QH01-20261125-0001");
    assert_eq!(b.receipt_no, "QH01-20261125-0002");
    assert_eq!(c.receipt_no, "QH01-20261126-0001");
    assert_eq!(a.received_on, day("2026-11-25"));
    // Wednesday 25 November 2026 + 20 working days (no holidays) = Wednesday 23 December.
    assert_eq!(a.due.date, day("2026-12-23"));
    assert_eq!((a.month_count, b.month_count, c.month_count), (1, 2, 3));
    assert!(a.query_code.len() >= 8 && a.query_code != b.query_code);
    drop(reg);

    let bytes = std::fs::read(tmp.path().join("requests.sqlite")).unwrap();
    let wal = std::fs::read(tmp.path().join("requests.sqlite-wal")).unwrap_or_default();
    for needle in ["11010519491231002X", "13812345678", "张三", "人民路"] {
        for file in [&bytes, &wal] {
            assert!(
                !file.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in clear"
            );
        }
    }

    let reg = open(tmp.path());
    let stored = reg.get(&a.receipt_no).unwrap();
    assert_eq!(stored.request.as_ref(), Some(&req));
    assert_eq!(stored.status, Status::Received);
    assert!(stored.print_pending);
    assert!(reg.lookup(&a.receipt_no, &a.query_code).unwrap().is_some());
    assert!(reg
        .lookup(&a.receipt_no, &a.query_code.to_lowercase())
        .unwrap()
        .is_some());
    assert!(reg.lookup(&a.receipt_no, &b.query_code).unwrap().is_none());
    assert!(reg
        .lookup("QH01-20261125-0099", &a.query_code)
        .unwrap()
        .is_none());
    assert_eq!(reg.integrity_check().unwrap(), "ok");
}

/// Issue 18 item 1: the on-screen keyboard types lower case, and a phone's keyboard may type
/// full-width forms; the lookup compares after normalising case and width.
#[test]
fn a_receipt_number_typed_in_lower_case_or_full_width_finds_the_request() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-11-25"))
        .unwrap();
    let a = reg.submit(&req, at("2026-11-25 09:00")).unwrap();
    let wide: String = a
        .receipt_no
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xfee0).unwrap())
        .collect();
    for (receipt_no, code) in [
        (
            "qh01-20261125-0001".to_string(),
            a.query_code.to_lowercase(),
        ),
        (
            format!(" {} ", a.receipt_no.to_lowercase()),
            a.query_code.clone(),
        ),
        (wide, a.query_code.to_lowercase()),
        (
            "QH01\u{2014}20261125\u{2014}0001".to_string(),
            a.query_code.clone(),
        ),
    ] {
        let found = reg.lookup(&receipt_no, &code).unwrap();
        assert_eq!(
            found.map(|s| s.receipt_no),
            Some(a.receipt_no.clone()),
            "{receipt_no} / {code}"
        );
    }
    assert!(reg
        .lookup("qh01-20261125-0001", "23456789ab")
        .unwrap()
        .is_none());
}

#[test]
fn the_audit_log_refuses_update_and_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-11-25"))
        .unwrap();
    let r = reg.submit(&req, at("2026-11-25 09:00")).unwrap();
    reg.set_print_pending(&r.receipt_no, false, at("2026-11-25 09:01"), "kiosk")
        .unwrap();
    drop(reg);
    let conn = rusqlite::Connection::open(tmp.path().join("requests.sqlite")).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    for sql in ["UPDATE audit SET actor = 'x'", "DELETE FROM audit"] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, kiosk::requests::register::MIGRATIONS.len() as i64);
}

#[test]
fn correction_restarts_the_clock_and_consultation_pauses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-11-02"))
        .unwrap();
    let r = reg.submit(&req, at("2026-11-02 10:00")).unwrap();
    assert_eq!(r.due.date, day("2026-11-30"));
    let no = &r.receipt_no;

    reg.set_status(
        no,
        &change(Status::Correcting, "2026-11-05"),
        at("2026-11-05 10:00"),
    )
    .unwrap();
    assert_eq!(reg.get(no).unwrap().due, None, "the clock stands still");
    // The correction arrives on Monday 16 November: 20 working days from the 17th.
    reg.set_status(
        no,
        &change(Status::Received, "2026-11-16"),
        at("2026-11-16 10:00"),
    )
    .unwrap();
    assert_eq!(reg.get(no).unwrap().due.unwrap().date, day("2026-12-14"));

    // Consultation from Monday 23 to Monday 30 November: 5 working days not counted.
    reg.set_status(
        no,
        &change(Status::Consulting, "2026-11-23"),
        at("2026-11-23 10:00"),
    )
    .unwrap();
    reg.set_status(
        no,
        &change(Status::Extended, "2026-11-30"),
        at("2026-11-30 10:00"),
    )
    .unwrap();
    // 40 working days from 17 November = 11 January 2027, plus 5 paused = 18 January 2027,
    // counted Monday to Friday in 2027 (no calendar file): a warning for staff.
    let due = reg.get(no).unwrap().due.unwrap();
    assert_eq!(due.date, day("2027-01-18"));
    assert_eq!(due.warnings.len(), 1);

    let err = reg
        .set_status(
            no,
            &change(Status::Closed, "2026-12-01"),
            at("2026-12-01 10:00"),
        )
        .unwrap_err();
    assert!(matches!(err, RegisterError::Transition { .. }), "{err}");
    let err = reg
        .set_status(
            no,
            &change(Status::Answered, "2026-12-01"),
            at("2026-12-01 10:00"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("outcome"), "{err}");
    let mut answer = change(Status::Answered, "2026-12-01");
    answer.outcome = Some(Outcome::UnavailableNotHeld);
    reg.set_status(no, &answer, at("2026-12-01 10:00")).unwrap();
    let stored = reg.get(no).unwrap();
    assert_eq!(stored.outcome, Some(Outcome::UnavailableNotHeld));
    let audit = reg.audit(no).unwrap();
    let steps: Vec<(Option<&str>, &str)> = audit
        .iter()
        .map(|a| (a.from.as_deref(), a.to.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (None, "received"),
            (Some("received"), "correcting"),
            (Some("correcting"), "received"),
            (Some("received"), "consulting"),
            (Some("consulting"), "extended"),
            (Some("extended"), "answered"),
        ]
    );
    assert!(audit[5].note.starts_with("4.1"));
}

#[test]
fn a_second_extension_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-11-02"))
        .unwrap();
    let no = reg.submit(&req, at("2026-11-02 10:00")).unwrap().receipt_no;
    reg.set_status(
        &no,
        &change(Status::Extended, "2026-11-20"),
        at("2026-11-20 10:00"),
    )
    .unwrap();
    reg.set_status(
        &no,
        &change(Status::Consulting, "2026-11-23"),
        at("2026-11-23 10:00"),
    )
    .unwrap();
    let err = reg
        .set_status(
            &no,
            &change(Status::Extended, "2026-11-25"),
            at("2026-11-25 10:00"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("only once"), "{err}");
}

#[test]
fn monthly_counts_follow_the_applicant_not_the_spelling_of_the_number() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let upper = form("11010519491231002X")
        .validate(day("2026-11-25"))
        .unwrap();
    let lower = form("110105 19491231 002x")
        .validate(day("2026-11-25"))
        .unwrap();
    let stem = "44030419900307211";
    let check = kiosk::requests::validate::resident_id_check_char(stem).unwrap();
    let other = form(&format!("{stem}{check}"))
        .validate(day("2026-11-25"))
        .unwrap();
    reg.submit(&upper, at("2026-10-31 16:00")).unwrap();
    reg.submit(&upper, at("2026-11-02 09:00")).unwrap();
    let r = reg.submit(&lower, at("2026-11-03 09:00")).unwrap();
    assert_eq!(r.month_count, 2, "October does not count for November");
    let r = reg.submit(&other, at("2026-11-03 10:00")).unwrap();
    assert_eq!(r.month_count, 1, "another applicant counts apart");
    let key = upper.applicant.identity_key();
    assert_eq!(reg.month_count_for(&key, day("2026-11-30")).unwrap(), 2);
    assert_eq!(reg.month_count_for(&key, day("2026-10-01")).unwrap(), 1);
}

#[test]
fn purge_removes_personal_data_of_long_closed_requests_and_keeps_the_statistics_row() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let req = form("11010519491231002X")
        .validate(day("2026-06-01"))
        .unwrap();
    let old = reg.submit(&req, at("2026-06-01 09:00")).unwrap().receipt_no;
    let recent = reg.submit(&req, at("2026-06-02 09:00")).unwrap().receipt_no;
    let open_one = reg.submit(&req, at("2026-06-03 09:00")).unwrap().receipt_no;
    for (no, closed) in [(&old, "2026-07-01"), (&recent, "2026-11-01")] {
        let mut answer = change(Status::Answered, closed);
        answer.outcome = Some(Outcome::Disclosed);
        let now = at(&format!("{closed} 09:00"));
        reg.set_status(no, &answer, now).unwrap();
        reg.set_status(no, &change(Status::Closed, closed), now)
            .unwrap();
    }
    let purged = reg
        .purge(day("2026-11-25"), 90, at("2026-11-25 18:00"), "staff-01")
        .unwrap();
    assert_eq!(purged.as_slice(), std::slice::from_ref(&old));
    let s = reg.get(&old).unwrap();
    assert!(s.request.is_none() && s.query_code.is_none() && s.month_count.is_none());
    assert_eq!(s.outcome, Some(Outcome::Disclosed));
    assert_eq!(s.purged_on, Some(day("2026-11-25")));
    assert!(reg.get(&recent).unwrap().request.is_some());
    assert!(reg.get(&open_one).unwrap().request.is_some());
    assert_eq!(reg.audit(&old).unwrap().last().unwrap().to, "purged");
}

#[test]
fn a_new_register_opened_by_several_threads_at_once_is_created_once() {
    // On first start the kiosk's request worker and the staff area may open it together.
    for _ in 0..20 {
        let tmp = tempfile::tempdir().unwrap();
        // Neither the key nor the register exists: one of them creates both, the others
        // open what it made (never a second key, never "register missing").
        let opened: Vec<Result<(), String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| try_open(tmp.path()).map(|_| ()).map_err(|e| e.to_string())))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in opened {
            assert_eq!(r, Ok(()));
        }
        assert_eq!(open(tmp.path()).integrity_check().unwrap(), "ok");
    }
}

#[test]
fn every_constructor_gives_a_connection_with_full_sync_wal_and_foreign_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let by_files = open(tmp.path());
    let keys = kiosk::requests::Keys::load(&tmp.path().join("register.key"))
        .unwrap()
        .unwrap();
    let by_keys = Register::open(
        &tmp.path().join("requests.sqlite"),
        keys,
        calendar(),
        "QH01",
    )
    .unwrap();
    let in_memory = Register::open_in_memory(
        kiosk::requests::Keys::from_master(&[3; 32]),
        calendar(),
        "QH01",
    )
    .unwrap();
    for (name, reg, mode) in [
        ("open_files", &by_files, "wal"),
        ("open", &by_keys, "wal"),
        ("open_in_memory", &in_memory, "memory"),
    ] {
        let p = reg.pragmas().unwrap();
        assert_eq!(p.journal_mode, mode, "{name}");
        assert_eq!(p.synchronous, 2, "{name}: synchronous=FULL");
        assert!(p.foreign_keys, "{name}");
        assert!(p.secure_delete, "{name}");
    }
}

#[test]
fn a_file_register_that_cannot_use_wal_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("requests.sqlite");
    drop(open(tmp.path()));
    // Switch the file back to a rollback journal and make WAL impossible: its shared-memory
    // file cannot be created.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
    }
    std::fs::create_dir(tmp.path().join("requests.sqlite-shm")).unwrap();
    std::fs::create_dir_all(tmp.path().join("requests.sqlite-wal/x")).unwrap();
    let Err(err) = try_open(tmp.path()) else {
        panic!("a register without WAL was opened")
    };
    assert!(
        matches!(err, RegisterError::NoWal { .. } | RegisterError::Sql(_)),
        "{err}"
    );
    eprintln!("refused: {err}");
    std::fs::remove_dir_all(tmp.path().join("requests.sqlite-shm")).unwrap();
    std::fs::remove_dir_all(tmp.path().join("requests.sqlite-wal")).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "the register still reads, nothing was filed");
}

#[test]
fn a_key_of_another_fingerprint_is_refused_by_every_file_constructor() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = open(tmp.path());
    let expected = reg.key_fingerprint().to_string();
    let req = form("11010519491231002X")
        .validate(day("2026-11-25"))
        .unwrap();
    reg.submit(&req, at("2026-11-25 09:00")).unwrap();
    drop(reg);
    let other = kiosk::requests::Keys::from_master(&[5; 32]);
    let found = other.fingerprint().to_string();
    let err = Register::open(
        &tmp.path().join("requests.sqlite"),
        other,
        calendar(),
        "QH01",
    )
    .unwrap_err();
    assert!(err.suspends_filing(), "{err}");
    let text = err.to_string();
    assert!(text.contains(&expected) && text.contains(&found), "{text}");
}

/// A register as the first release wrote it (schema 1): one request sealed with `keys`, a
/// plaintext audit note and a deadline computed long ago.
fn legacy_register(path: &Path, keys: &kiosk::requests::Keys, note: &str) {
    let kiosk::requests::register::migrations::Step::Sql(schema) =
        &kiosk::requests::register::MIGRATIONS[0]
    else {
        panic!("schema 1 is SQL")
    };
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    conn.execute_batch(schema).unwrap();
    let no = "QH01-20261102-0001";
    conn.execute(
        "INSERT INTO requests (receipt_no, received_on, serial, submitted_at, applicant_type,
            staff_assisted, hints, personal, status, clock_start, due_on)
         VALUES (?1, '2026-11-02', 1, '2026-11-02T10:00:00', 'citizen', 0, '', ?2,
            'received', '2026-11-02', '2000-01-01')",
        rusqlite::params![no, keys.seal(no, b"{}").unwrap()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO audit (request_id, at, actor, field, to_value, note)
         VALUES (1, '2026-11-02T10:00:00', 'staff', 'status', 'received', ?1)",
        [note],
    )
    .unwrap();
    conn.execute_batch("PRAGMA user_version = 1;").unwrap();
}

#[test]
fn an_old_register_is_migrated_notes_sealed_deadlines_stored_and_its_key_checked() {
    let note = "申请人李秀英来电补充住址";
    let keys = || kiosk::requests::Keys::from_master(&[4; 32]);

    // The wrong key does not get to record its fingerprint.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("requests.sqlite");
    legacy_register(&path, &keys(), note);
    let wrong = Register::open(
        &path,
        kiosk::requests::Keys::from_master(&[6; 32]),
        calendar(),
        "QH01",
    );
    assert!(
        matches!(wrong, Err(RegisterError::KeyMismatch { .. })),
        "{:?}",
        wrong.err()
    );

    let reg = Register::open(&path, keys(), calendar(), "QH01").unwrap();
    let no = "QH01-20261102-0001";
    assert_eq!(reg.audit(no).unwrap()[0].note, note);
    drop(reg);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (plain, sealed, due): (String, Option<Vec<u8>>, String) = conn
        .query_row(
            "SELECT a.note, a.note_sealed, r.due_on FROM audit a JOIN requests r
             ON r.id = a.request_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(plain, "");
    assert!(sealed.is_some());
    // 2 November 2026 + 20 working days, with the holiday files of today.
    assert_eq!(due, "2026-11-30");
    let fingerprint: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'key_fingerprint'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fingerprint, keys().fingerprint());
    drop(conn);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(tmp.path().join("requests.sqlite-wal")).unwrap_or_default());
    assert!(
        !bytes.windows(note.len()).any(|w| w == note.as_bytes()),
        "the old plaintext note is still in the file"
    );
}

#[test]
fn a_stored_deadline_is_read_back_as_stored_and_moves_only_when_recomputed() {
    let tmp = tempfile::tempdir().unwrap();
    let holidays = tmp.path().join("holidays");
    std::fs::create_dir_all(&holidays).unwrap();
    let open_with = |cal: Calendar| {
        let keys_path = tmp.path().join("register.key");
        Register::open_files(&tmp.path().join("requests.sqlite"), &keys_path, cal, "QH01").unwrap()
    };
    let mut reg = open_with(Calendar::load_dir(&holidays).unwrap());
    let req = form("11010519491231002X")
        .validate(day("2027-01-04"))
        .unwrap();
    let no = reg.submit(&req, at("2027-01-04 09:00")).unwrap().receipt_no;
    let first = reg.get(&no).unwrap().due.unwrap();
    // No 2027 file: Monday to Friday, with a warning for staff.
    assert_eq!(first.date, day("2027-02-01"));
    assert_eq!(first.warnings.len(), 1);
    drop(reg);
    std::fs::write(
        holidays.join("2027.toml"),
        "year = 2027\nsource = \"测试\"\n\n[[holiday]]\nname = \"测试\"\nfrom = \"2027-01-11\"\nto = \"2027-01-15\"\n",
    )
    .unwrap();
    let mut reg = open_with(Calendar::load_dir(&holidays).unwrap());
    assert_eq!(reg.get(&no).unwrap().due.unwrap(), first, "moved by itself");
    let (old, new) = reg
        .recompute_due(&no, at("2027-01-05 09:00"), "staff-01")
        .unwrap();
    assert_eq!(old, Some(first.date));
    let new = new.unwrap();
    assert_eq!(new.date, day("2027-02-08"));
    assert!(new.warnings.is_empty());
    assert_eq!(reg.get(&no).unwrap().due.unwrap(), new);
    let last = reg.audit(&no).unwrap().pop().unwrap();
    assert_eq!(
        (last.field.as_str(), last.from.as_deref(), last.to.as_str()),
        ("due", Some("2027-02-01"), "2027-02-08")
    );
}
