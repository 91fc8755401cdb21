//! Tests of the request desk.

use super::*;
use crate::requests::{IdKind, Keys};

fn settings(dir: &Path) -> Settings {
    let holidays = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/holidays");
    let text = format!(
        "[kiosk]\nhall_name='大厅'\nindex_dir='i'\n[requests]\nregister={:?}\nkey_file={:?}\nholidays={:?}\ncups_queue='NoSuchQueue'\n",
        dir.join("r.sqlite").display().to_string(),
        dir.join("k.key").display().to_string(),
        holidays.display().to_string()
    );
    Settings::parse(&text, &dir.join("kiosk.toml")).unwrap()
}

fn request(today: NaiveDate) -> Request {
    RawForm {
        name: "张三".into(),
        id_kind: Some(IdKind::ResidentId),
        id_number: "11010519491231002X".into(),
        phone: "13812345678".into(),
        description: "城区道路改造项目立项批复".into(),
        ..RawForm::default()
    }
    .validate(today)
    .unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn the_deadline_and_purge_texts_are_one_for_the_command_line_and_the_staff_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings(tmp.path());
    let calendar = Calendar::load_dir(&settings.requests.holidays).unwrap();
    let store = Register::open_in_memory(Keys::from_master(&[7; 32]), calendar, "QH01");
    let mut desk = RequestDesk::with_store(Box::new(store.unwrap()), &settings);
    let now = at("2026-03-02 10:00");
    let filed = desk.file(&request(now.date()), false, now);
    // An in-memory store has no key file to check: the filing is refused as suspended.
    assert!(filed.unwrap_err().suspends_filing());
    let no = desk
        .store
        .submit(&request(now.date()), now)
        .unwrap()
        .receipt_no;
    let s = desk.store().get(&no).unwrap();
    assert_eq!(due_text(&s), s.due.as_ref().unwrap().date.to_string());
    assert_eq!(description_text(&s, 4), "城区道路");
    let change = |to, outcome| StatusChange {
        to,
        outcome,
        on: now.date(),
        actor: "staff".into(),
        note: String::new(),
    };
    let s = desk
        .set_status(&no, &change(Status::Correcting, None), now)
        .unwrap();
    assert_eq!(due_text(&s), "暂停计算");
    desk.set_status(&no, &change(Status::Received, None), now)
        .unwrap();
    let answered = change(Status::Answered, Some(Outcome::TABLE[0].0));
    let s = desk.set_status(&no, &answered, now).unwrap();
    // An answer keeps the last deadline, on both.
    assert_eq!(due_text(&s), s.due.as_ref().unwrap().date.to_string());
    desk.set_status(&no, &change(Status::Closed, None), now)
        .unwrap();
    let later = at("2029-03-02 10:00");
    let purged = desk.purge(later.date(), "staff", later).unwrap();
    assert_eq!(purged, std::slice::from_ref(&no));
    let s = desk.store().get(&no).unwrap();
    assert_eq!(description_text(&s, 24), PURGED);
}

#[test]
fn the_desk_refuses_to_file_once_its_key_file_is_lost_and_staff_read_no_path() {
    let tmp = tempfile::tempdir().unwrap();
    let mut desk = RequestDesk::open(&settings(tmp.path())).unwrap();
    let now = chrono::Local::now().naive_local();
    let filed = desk.file(&request(now.date()), false, now).unwrap();
    assert!(filed.printed.is_none());
    std::fs::remove_file(tmp.path().join("k.key")).unwrap();
    let e = desk.file(&request(now.date()), false, now).unwrap_err();
    assert!(e.suspends_filing(), "{e}");
    assert!(e.to_string().contains("k.key"), "{e}");
    let message = e.staff_message();
    assert!(message.contains("暂停受理"), "{message}");
    assert!(
        !message.contains("k.key") && !message.contains('/'),
        "{message}"
    );
    // Reading goes on with the key in memory; nothing new was sealed without its file.
    assert_eq!(desk.list(None).unwrap().rows.len(), 1);
}
