//! The kiosk as a person uses it, through egui_kittest: widgets found by their label, tapped,
//! and the screen read back. The real search worker and request worker run behind the screen
//! over the shipped demo data, so every answer comes from the real index.

mod common;
mod ui_kiosk;

use egui_kittest::kittest::{NodeT, Queryable};
use kiosk::config::Settings;
use kiosk::pipeline::{run, Mode};
use kiosk::ui::app::{KioskApp, Screen};
use kiosk::ui::idle::IdleTimer;
use std::time::{Duration, Instant};
use ui_kiosk::*;

#[test]
fn pinyin_on_the_screen_keys_then_a_candidate_finds_results_and_a_document_shows_its_qr_code() {
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    assert_eq!(k.app().visit.screen, Screen::List);
    for key in ["y", "a", "n", "g", "l", "a", "o"] {
        k.tap(key);
    }
    assert_eq!(k.app().visit.keyboard.pinyin, "yanglao");
    k.wait("Hanzi candidates", |a| !a.candidates_pending());
    assert!(
        k.app().visit.candidates.iter().any(|c| c == "养老"),
        "candidates {:?}",
        k.app().visit.candidates
    );
    k.tap("养老");
    assert_eq!(k.app().visit.query, "养老");
    assert!(k.app().visit.keyboard.pinyin.is_empty());
    k.wait("results for 养老", results_shown);
    let hits = k.app().visit.list.results.as_ref().unwrap().hits.clone();
    assert!(
        hits[0].title.contains("养老"),
        "first hit {}",
        hits[0].title
    );
    // Facet chips with counts are on screen.
    k.h.get_by_label_contains("政府信息（");
    // 「搜索」 closes the keyboard; the results stay.
    k.tap("搜索");
    assert!(!k.app().visit.keyboard_open);

    let with_url = hits
        .iter()
        .position(|h| {
            h.record
                .as_ref()
                .is_some_and(|r| r.url.is_some() && r.service.is_none())
        })
        .expect("a document with a public URL among the hits");
    let title = hits[with_url].title.clone();
    k.tap_nth("查看详情", with_url);
    assert_eq!(k.app().visit.screen, Screen::Document);
    k.wait("the body", |a| {
        a.visit.doc.as_ref().is_some_and(|d| d.body.is_some())
    });
    k.h.get_by_label(&title);
    k.h.get_by_label("扫码手机查看");
    k.h.get_by_label("打印");
    k.h.get_by_label_contains("第 1 / ");
    k.tap("放大");
    assert_eq!(k.app().visit.doc.as_ref().unwrap().zoom, 1);
    k.tap("返回");
    assert_eq!(k.app().visit.screen, Screen::List);
    assert!(k.app().visit.doc.is_none());
    assert_eq!(k.app().visit.query, "养老", "the list is as it was");
}

#[test]
fn initials_and_a_doc_number_are_typed_on_the_keyboard() {
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    for key in ["y", "l", "j"] {
        k.tap(key);
    }
    k.wait("candidates for initials", |a| !a.candidates_pending());
    assert_eq!(
        k.app().visit.candidates[0],
        "养老金",
        "ylj gives {:?}",
        k.app().visit.candidates
    );
    k.tap("空格");
    assert_eq!(
        k.app().visit.query,
        "养老金",
        "space takes the first candidate"
    );
    k.tap("清空");
    assert!(k.app().visit.query.is_empty() && k.app().visit.keyboard.pinyin.is_empty());
    // 青人社发〔2021〕14号, the doc number of a demo notice, with the 文号 keys.
    for (keys, word) in [("qing", "青"), ("renshe", "人社"), ("fa", "发")] {
        for c in keys.chars() {
            k.tap(&c.to_string());
        }
        k.wait(word, |a| !a.candidates_pending());
        assert!(
            k.app().visit.candidates.iter().any(|c| c == word),
            "{keys} gives {:?}",
            k.app().visit.candidates
        );
        let last = k.h.get_all_by_label(word).count() - 1;
        k.tap_nth(word, last);
    }
    for key in ["〔", "2", "0", "2", "1", "〕", "1", "4", "号"] {
        k.tap(key);
    }
    assert_eq!(k.app().visit.query, "青人社发〔2021〕14号");
    k.wait("the document by its number", results_shown);
    let first = &k.app().visit.list.results.as_ref().unwrap().hits[0];
    assert_eq!(first.doc_number.as_deref(), Some("青人社发〔2021〕14号"));
}

#[test]
fn browsing_a_category_and_an_area_needs_no_typing_and_a_service_item_shows_its_checklist() {
    let mut k = kiosk();
    k.h.get_by_label_contains("通知公告、规范性文件").click();
    k.h.run();
    k.wait("the government information", |a| {
        !a.list_pending() && a.visit.list.results.is_some()
    });
    let results = k.app().visit.list.results.clone().unwrap();
    assert_eq!(
        results.total, 42,
        "every public demo notice and the catalogue entry of the 依申请公开 one, not the 不予公开 one"
    );
    assert!(results
        .hits
        .iter()
        .all(|h| h.kind == kiosk::catalog::Kind::GovernmentInfo));
    // Newest first.
    assert!(results.hits.windows(2).all(|w| w[0].date >= w[1].date));
    // Narrow by an area chip, with its count on it.
    let (area, count) = results.facets[&kiosk::search::facets::Dim::Area][0].clone();
    k.h.get_by_label(&format!("{area}（{count}）")).click();
    k.h.run();
    k.wait("the area", |a| {
        !a.list_pending()
            && a.visit
                .list
                .results
                .as_ref()
                .is_some_and(|r| r.total == count)
    });
    k.h.get_by_label(&format!("已选：{area}（{count}）"));
    k.tap("首页");
    k.h.get_by_label_contains("办事指南（办事一本通）").click();
    k.h.run();
    k.wait("the service guide", |a| {
        !a.list_pending() && a.visit.list.results.as_ref().is_some_and(|r| r.total == 30)
    });
    k.tap_first("查看详情");
    assert_eq!(k.app().visit.screen, Screen::Service);
    k.h.get_by_label("申请材料");
    k.h.get_by_label("打印材料清单");
    k.tap("首页");
    assert_eq!(k.app().visit.screen, Screen::Home);

    // Home → an area from 「按领域浏览」.
    let (area, count) = k.app().catalogue[&kiosk::search::facets::Dim::Area][0].clone();
    k.tap(&format!("{area}（{count}）"));
    k.wait("the area list", |a| {
        !a.list_pending()
            && a.visit
                .list
                .results
                .as_ref()
                .is_some_and(|r| r.total == count)
    });
}

#[test]
fn the_idle_warning_counts_down_and_then_every_trace_of_the_visitor_is_wiped() {
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    for key in ["d", "i", "b", "a", "o"] {
        k.tap(key);
    }
    k.wait("candidates", |a| !a.candidates_pending());
    k.tap_first(&k.app().visit.candidates[0].clone());
    for key in ["s", "h"] {
        k.tap(key);
    }
    k.wait("results", |a| {
        !a.list_pending() && a.visit.list.results.is_some()
    });
    k.tap("长辈模式");
    assert!(k.app().visit.theme.elderly);
    let any_hit = k.h.query_all_by_label("查看详情").next().is_some();
    if any_hit {
        k.tap_first("查看详情");
    }
    let (idle, warn) = (
        k.app().settings.screen.idle,
        k.app().settings.screen.idle_warning,
    );
    assert!(warn >= Duration::from_secs(20));

    // Quiet for just past the idle time: the warning with its countdown.
    k.h.state_mut().idle =
        IdleTimer::new(idle, warn, Instant::now() - idle - Duration::from_secs(2));
    k.h.run();
    k.h.get_by_label("您已较长时间未操作");
    k.h.get_by_label_contains("秒后将返回首页");
    // 「继续使用」 keeps the visit.
    k.tap("继续使用");
    assert!(k.h.query_by_label("您已较长时间未操作").is_none());
    assert_ne!(k.app().visit.screen, Screen::Home);

    // Quiet again, past the countdown: wiped.
    k.h.state_mut().idle = IdleTimer::new(
        idle,
        warn,
        Instant::now() - idle - warn - Duration::from_secs(1),
    );
    k.h.run();
    let v = &k.app().visit;
    assert_eq!(v.screen, Screen::Home);
    assert!(v.query.is_empty(), "query {:?}", v.query);
    assert!(v.keyboard.pinyin.is_empty());
    assert!(v.candidates.is_empty() && v.suggestions.is_empty());
    assert!(v.list.results.is_none() && v.list.filters.is_empty() && v.list.browse.is_none());
    assert!(v.doc.is_none() && v.form.is_none() && v.form_matches.is_empty());
    assert!(v.pin.is_none() && v.staff.is_none());
    assert!(
        !v.theme.elderly,
        "the display is back to the configured default"
    );
    assert!(!k.app().has_traces());
    k.h.get_by_label("点此输入查询内容（可用拼音、首字母或文号）");
}

#[test]
fn the_request_form_is_wiped_on_idle_and_answers_on_the_spot_from_published_records() {
    let mut k = kiosk();
    k.h.get_by_label_contains("依申请公开").click();
    k.h.run();
    assert_eq!(k.app().visit.screen, Screen::Request);
    k.tap("姓名");
    for key in ["z", "h", "a", "n", "g"] {
        k.tap(key);
    }
    k.wait("candidates", |a| {
        !a.candidates_pending() && a.visit.candidates.iter().any(|c| c == "张")
    });
    k.tap_first("张");
    assert_eq!(k.app().visit.form.as_ref().unwrap().form.name, "张");
    // The description (page 2) typed with the keyboard finds the published notice.
    k.tap("2 所需信息");
    k.tap("所需信息的内容描述（不超过2000字）");
    assert_eq!(
        k.app().visit.form.as_ref().unwrap().active,
        Some("description")
    );
    for key in ["y", "a", "n", "g", "l", "a", "o", "j", "i", "n"] {
        k.tap(key);
    }
    k.wait("养老金", |a| {
        !a.candidates_pending() && a.visit.candidates.iter().any(|c| c == "养老金")
    });
    k.tap_first("养老金");
    k.wait("published records", |a| !a.visit.form_matches.is_empty());
    k.h.get_by_label("已主动公开，可直接查看/打印（您仍可继续提交申请）：");

    let (idle, warn) = (
        k.app().settings.screen.idle,
        k.app().settings.screen.idle_warning,
    );
    k.h.state_mut().idle = IdleTimer::new(
        idle,
        warn,
        Instant::now() - idle - warn - Duration::from_secs(1),
    );
    k.h.run();
    assert!(k.app().visit.form.is_none());
    assert_eq!(k.app().visit.screen, Screen::Home);
    k.h.get_by_label_contains("依申请公开").click();
    k.h.run();
    let form = &k.app().visit.form.as_ref().unwrap().form;
    assert!(
        form.name.is_empty() && form.description.is_empty(),
        "a new visitor gets an empty form"
    );
}

#[test]
fn a_late_reply_of_the_request_worker_never_reaches_the_next_visitors_form() {
    use kiosk::ui::request_form::{Filed, Stage};
    use kiosk::ui::request_worker::{Reply, RequestWorker};
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    // The test stands in for the request worker: it decides when replies arrive.
    let (commands, _sent) = std::sync::mpsc::channel();
    let (reply_tx, replies) = std::sync::mpsc::channel();
    let mut k = kiosk_with_requests(tmp, settings, RequestWorker { commands, replies });
    let open_form = |k: &mut Kiosk| {
        k.h.get_by_label_contains("依申请公开").click();
        k.h.run();
        assert_eq!(k.app().visit.screen, Screen::Request);
    };
    open_form(&mut k);
    let first_visit = k.app().visit_no;
    // The visitor walks away while the request is being filed: the idle reset wipes the visit.
    let (idle, warn) = (
        k.app().settings.screen.idle,
        k.app().settings.screen.idle_warning,
    );
    k.h.state_mut().idle = IdleTimer::new(
        idle,
        warn,
        Instant::now() - idle - warn - Duration::from_secs(1),
    );
    k.h.run();
    assert_eq!(k.app().visit.screen, Screen::Home);
    assert!(k.app().visit_no > first_visit);
    // The next visitor opens the form; only now does the first visitor's receipt arrive.
    open_form(&mut k);
    let filed = Filed {
        receipt_no: "QH01-20261125-0001".into(),
        query_code: "ABCD2345".into(),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(),
        print_note: None,
    };
    reply_tx.send((first_visit, Reply::Filed(filed))).unwrap();
    reply_tx
        .send((
            first_visit,
            Reply::Lookup("受理编号QH01-20261125-0001：已受理。".into()),
        ))
        .unwrap();
    k.h.run();
    let form = k.app().visit.form.as_ref().unwrap();
    assert_eq!(
        form.stage,
        Stage::Editing,
        "the new visitor's form is untouched"
    );
    assert!(form.lookup_answer.is_none());
    assert!(k.h.query_by_label("您的申请已受理").is_none());
    assert!(k.h.query_by_label_contains("QH01-20261125-0001").is_none());
    // A reply of the visit on screen is shown (the visitor has the lookup open).
    k.tap("查询办理进度");
    let now_visit = k.app().visit_no;
    reply_tx
        .send((now_visit, Reply::Lookup("未查到该申请。".into())))
        .unwrap();
    k.h.run();
    k.h.get_by_label("未查到该申请。");
}

fn open_pin_pad(k: &mut Kiosk) {
    let hall = k.app().settings.hall_name.clone();
    for _ in 0..5 {
        k.tap(&hall);
    }
    assert_eq!(k.app().visit.screen, Screen::StaffPin);
}

fn enter_pin(k: &mut Kiosk, pin: &str) {
    for d in pin.chars() {
        k.tap(&d.to_string());
    }
    k.tap("确定");
    k.wait("the PIN check", |a| {
        a.visit.pin.as_ref().is_none_or(|p| !p.checking())
    });
}

#[test]
fn five_wrong_pins_lock_the_staff_gate_even_against_the_right_pin() {
    let mut k = kiosk();
    open_pin_pad(&mut k);
    for left in (1..5).rev() {
        enter_pin(&mut k, "135790");
        k.h.get_by_label(&format!("！密码不正确，还可尝试{left}次。"));
    }
    enter_pin(&mut k, "135790");
    k.h.get_by_label_contains("已锁定");
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    assert_eq!(
        k.app().visit.screen,
        Screen::StaffPin,
        "locked: the right PIN does not open"
    );
    assert!(k.app().visit.staff.is_none());
}

/// Issue 21 item 5: the lock after five wrong PINs is kept in the state folder, so a restart
/// of the kiosk (a crash, the watchdog, pulling the plug) does not lift it.
#[test]
fn the_staff_pin_lock_survives_a_restart_of_the_kiosk() {
    let mut k = kiosk();
    let settings = k.app().settings.clone();
    open_pin_pad(&mut k);
    for _ in 0..5 {
        enter_pin(&mut k, "135790");
    }
    k.h.get_by_label_contains("已锁定");
    // The kiosk stops and starts again on the same folders.
    let Kiosk { _tmp: tmp, h } = k;
    drop(h);
    let mut k = kiosk_with(tmp, settings);
    assert!(k.app().gate.locked(Instant::now()).is_some());
    open_pin_pad(&mut k);
    k.h.get_by_label_contains("已锁定");
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    assert_eq!(k.app().visit.screen, Screen::StaffPin);
    assert!(k.app().visit.staff.is_none());
}

/// A PIN of the hall's own, not the demo one.
const OWN_PIN: &str = "731946";

/// The settings with the staff PIN hash of [`OWN_PIN`].
fn with_own_pin(mut settings: Settings) -> Settings {
    settings.screen.staff_pin_hash = Some(kiosk::staff_pin::hash_pin(OWN_PIN).unwrap());
    settings
}

#[test]
fn the_demo_pin_does_not_open_the_staff_area_outside_the_demo_data_and_says_how_to_set_a_pin() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    // The hall's own records replace the demo ones; the configuration keeps the demo PIN.
    common::edit_jsonl(&tmp.path().join("data/disclosure.jsonl"), |i, v| {
        if i == 0 {
            v["title"] = "青禾县人民政府关于本馆真实公开事项的通知".into();
        }
        true
    });
    let mut k = kiosk_with(tmp, settings);
    open_pin_pad(&mut k);
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    assert_eq!(k.app().visit.screen, Screen::StaffPin);
    assert!(k.app().visit.staff.is_none(), "the staff area stays shut");
    k.h.get_by_label_contains("演示密码");
    k.h.get_by_label_contains("kiosk staff-pin");
    // It is not a wrong try: no count-down of tries, no lock.
    assert!(k.h.query_by_label_contains("还可尝试").is_none());
    assert!(k.app().gate.locked(Instant::now()).is_none());
}

#[test]
fn the_staff_area_opens_with_the_pin_and_shows_a_refused_refresh() {
    let tmp = tempfile::tempdir().unwrap();
    // The data is changed below, so it is no longer the demo: the hall's own PIN.
    let settings = with_own_pin(settings_in(tmp.path()));
    run(&settings, Mode::Full, false).unwrap();
    // Tonight's export lost most of the notices: the refresh is refused.
    let gi = tmp.path().join("data/disclosure.jsonl");
    common::edit_jsonl(&gi, |i, _| i < 10);
    assert!(run(&settings, Mode::Incremental, false).is_err());
    let mut k = kiosk_with(tmp, settings);
    open_pin_pad(&mut k);
    enter_pin(&mut k, OWN_PIN);
    assert_eq!(k.app().visit.screen, Screen::Staff);
    k.wait("the index status", |a| {
        a.visit.staff.as_ref().is_some_and(|s| s.index.is_some())
    });
    k.h.get_by_label("资料库（索引）");
    k.h.get_by_label_contains("的数据更新未成功，当前仍使用原有数据");
    k.h.get_by_label_contains("【当前使用】");
    k.h.get_by_label("关闭终端程序");
    k.tap("首页");
    assert_eq!(k.app().visit.screen, Screen::Home);
    assert!(k.app().visit.staff.is_none());
}

#[test]
fn staff_work_a_filed_request_in_the_staff_area_and_the_register_records_it() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let receipt = file_a_request(&settings);
    let mut k = kiosk_with(tmp, settings.clone());
    open_pin_pad(&mut k);
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    let rows_read = |a: &KioskApp| a.visit.staff.as_ref().is_some_and(|s| !s.busy());
    k.wait("the register", rows_read);
    k.h.get_by_label("共 1 件。");
    k.tap(&format!("办理 {}", receipt.receipt_no));
    k.wait("the staff copy", rows_read);
    // The staff copy shows the full ID number; the visitor's receipt never does.
    k.h.get_by_label_contains("11010519491231002X");
    k.tap("改为：已答复");
    k.h.get_by_label("！请先选择答复类型。");
    k.tap("1 予以公开");
    k.tap("改为：已答复");
    k.wait("the change", rows_read);
    k.h.get_by_label_contains("已保存");
    let stored = kiosk::staff_requests::open_register(&settings)
        .unwrap()
        .get(&receipt.receipt_no)
        .unwrap();
    assert_eq!(stored.status, kiosk::requests::Status::Answered);
    assert_eq!(stored.outcome, Some(kiosk::requests::Outcome::Disclosed));
    let audit = kiosk::staff_requests::open_register(&settings)
        .unwrap()
        .audit(&receipt.receipt_no)
        .unwrap();
    assert!(audit.iter().any(|a| a.actor == "终端工作人员"), "{audit:?}");
}

/// Issue 20 item 2: a kiosk of a district delivers its requests to the centre, where staff
/// decide; its staff area shows its own copy for reading and offers no status change (one
/// made here would never reach the centre).
#[test]
fn a_district_kiosks_staff_area_shows_its_own_requests_for_reading_only() {
    let tmp = tempfile::tempdir().unwrap();
    let mut settings = settings_in(tmp.path());
    // No server answers here: the staff area never needs one on a kiosk.
    settings.fleet.central = Some(kiosk::config::CentralSettings {
        url: "host=127.0.0.1 port=9 dbname=kiosk_fleet user=kiosk_qh01".into(),
        password_file: None,
        tls: kiosk::config::CentralTls::Off { explicit: false },
    });
    let receipt = file_a_request(&settings);
    let mut k = kiosk_with(tmp, settings);
    open_pin_pad(&mut k);
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    let rows_read = |a: &KioskApp| a.visit.staff.as_ref().is_some_and(|s| !s.busy());
    k.wait("the register", rows_read);
    k.h.get_by_label("政府信息公开申请登记（本终端记录，仅供查看）");
    k.h.get_by_label_contains("办理状态由工作人员在区级登记簿变更");
    k.h.get_by_label("共 1 件。");
    k.tap(&format!("办理 {}", receipt.receipt_no));
    k.wait("the staff copy", rows_read);
    k.h.get_by_label_contains("11010519491231002X");
    assert!(k.h.query_by_label_contains("改为：").is_none());
    assert!(k.h.query_by_label_contains("1 予以公开").is_none());
    // Filing for a visitor and reprinting stay: they happen at the kiosk.
    k.h.get_by_label("代为填写申请");
    k.h.get_by_label("重新打印待打印回执");
}

#[test]
fn a_query_that_finds_nothing_offers_shorter_queries_of_its_own_words() {
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    k.h.state_mut().set_query("老年人游泳馆优惠");
    k.h.state_mut().visit.keyboard_open = false;
    k.wait("the answer to a query about a pool", |a| {
        !a.list_pending() && a.visit.list.results.is_some()
    });
    let list = &k.app().visit.list;
    assert!(list.results.as_ref().unwrap().hits.is_empty());
    // The demo data has nothing on a 游泳馆; it has records for 老年人 (体检, 高龄津贴).
    assert!(
        list.alternatives.iter().any(|a| a == "老年人"),
        "{:?}",
        list.alternatives
    );
    k.tap("老年人");
    k.wait("the offered query's results", results_shown);
    assert_eq!(k.app().visit.query, "老年人");
}

/// The viewport commands of the last frame.
fn commands(k: &Kiosk) -> Vec<egui::ViewportCommand> {
    k.h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

/// The window as the window system reports it: full screen, not minimised.
fn report_window(k: &mut Kiosk, fullscreen: bool) {
    let v =
        k.h.input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default();
    v.fullscreen = Some(fullscreen);
    v.minimized = Some(false);
    // The harness keeps what a test put here: a close request answered stays answered.
    v.events.clear();
}

/// No command of `sent` ends, minimises or leaves full screen.
fn assert_window_held(sent: &[egui::ViewportCommand], what: &str) {
    assert!(
        !sent.iter().any(|c| matches!(
            c,
            egui::ViewportCommand::Close
                | egui::ViewportCommand::Minimized(true)
                | egui::ViewportCommand::Fullscreen(false)
                | egui::ViewportCommand::Visible(false)
        )),
        "{what} sent {sent:?}"
    );
}

/// Issue 21 item 1: egui's built-in Ctrl+Q closed the kiosk without the staff PIN. No key,
/// combination or window event may end, minimise or leave it; only 「关闭终端程序」 behind the
/// PIN closes it.
#[test]
fn no_shortcut_or_close_request_ends_the_kiosk_without_the_staff_pin() {
    use egui::{Key, Modifiers};
    let mut k = kiosk();
    report_window(&mut k, true);
    k.h.step();
    let combos = [
        (Modifiers::COMMAND, Key::Q),
        (Modifiers::CTRL, Key::Q),
        (Modifiers::CTRL, Key::W),
        (Modifiers::ALT, Key::F4),
        (Modifiers::CTRL, Key::F4),
        (Modifiers::NONE, Key::Escape),
        (Modifiers::NONE, Key::F11),
        (Modifiers::ALT, Key::Enter),
        (Modifiers::NONE, Key::SuperLeft),
        (Modifiers::NONE, Key::SuperRight),
        (Modifiers::MAC_CMD, Key::Q),
        (Modifiers::MAC_CMD, Key::H),
        (Modifiers::MAC_CMD, Key::M),
        (Modifiers::ALT, Key::Tab),
        (Modifiers::CTRL | Modifiers::ALT, Key::Delete),
        (Modifiers::CTRL | Modifiers::ALT, Key::Backspace),
        (Modifiers::CTRL, Key::Minus),
        (Modifiers::CTRL, Key::Plus),
        (Modifiers::NONE, Key::BrowserBack),
    ];
    for (modifiers, key) in combos {
        // Pressed and released within one frame, so that frame's commands are the ones read back.
        for pressed in [true, false] {
            k.h.input_mut().events.push(egui::Event::Key {
                key,
                pressed,
                modifiers,
                repeat: false,
                physical_key: None,
            });
        }
        k.h.step();
        assert_window_held(&commands(&k), &format!("{modifiers:?}+{key:?}"));
        assert_eq!(k.h.ctx.zoom_factor(), 1.0, "{modifiers:?}+{key:?} zoomed");
    }
    // The window manager asks to close (Alt+F4, a close button): the kiosk cancels it.
    k.h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    k.h.step();
    let sent = commands(&k);
    assert!(
        sent.contains(&egui::ViewportCommand::CancelClose),
        "{sent:?}"
    );
    assert_window_held(&sent, "a close request");
    report_window(&mut k, true);
    // A window taken out of full screen (F11 in a window manager) or minimised is put back.
    report_window(&mut k, false);
    k.h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .minimized = Some(true);
    k.h.step();
    let sent = commands(&k);
    assert!(
        sent.contains(&egui::ViewportCommand::Fullscreen(true))
            && sent.contains(&egui::ViewportCommand::Minimized(false)),
        "{sent:?}"
    );
    report_window(&mut k, true);
    // Still the kiosk, still answering: a search after all of it.
    k.h.step();
    assert!(!k.h.state().close_requested);
    assert_eq!(k.app().visit.screen, Screen::Home);
    k.h.get_by_label_contains("通知公告、规范性文件").click();
    k.h.run();
    k.wait("results after the shortcuts", results_shown);
}

/// Issue 21 item 1: the one way out is 「关闭终端程序」 in the staff area, behind the PIN.
#[test]
fn only_the_staff_areas_close_button_behind_the_pin_ends_the_kiosk() {
    let mut k = kiosk();
    open_pin_pad(&mut k);
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    assert_eq!(k.app().visit.screen, Screen::Staff);
    k.h.get_by_label("关闭终端程序").scroll_to_me();
    k.h.run();
    k.h.get_by_label("关闭终端程序").click();
    // Stepped, not run: a closing kiosk asks for Close at every frame until the window goes.
    k.h.step();
    k.h.step();
    assert!(k.app().close_requested);
    assert!(
        commands(&k).contains(&egui::ViewportCommand::Close),
        "{:?}",
        commands(&k)
    );
}

/// Issue 21 item 3: a kiosk whose folders cannot be written says so in Chinese and offers no
/// search and no request form (whose request could not be kept).
#[test]
fn a_kiosk_that_cannot_write_its_folders_shows_that_it_is_out_of_service() {
    let mut k = kiosk();
    k.h.state_mut().out_of_service = true;
    k.h.run();
    k.h.get_by_label(kiosk::ui::out_of_service::NOTICE);
    k.h.get_by_label(kiosk::ui::out_of_service::NEXT_STEP);
    assert!(k
        .h
        .query_by_label_contains("通知公告、规范性文件")
        .is_none());
    assert!(k.h.query_by_label_contains("依申请公开").is_none());
}

/// Issue 21 item 8: a 依申请公开 record is found by its title, marked 「本信息依申请公开」, and the
/// button of its screen opens the request form with the record named as the information wanted.
#[test]
fn an_on_request_record_is_found_by_its_title_and_its_button_opens_the_prefilled_form() {
    const TITLE: &str = "青禾县住房和城乡建设局2023年度内部审计工作底稿汇编";
    const INDEX_NO: &str = "11330199MB1A00092N/2024-00010";
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    k.h.state_mut().set_query("内部审计工作底稿汇编");
    k.h.run();
    k.wait("the catalogue entry", results_shown);
    let hits = k.app().visit.list.results.as_ref().unwrap().hits.clone();
    let at = hits
        .iter()
        .position(|h| h.on_request)
        .expect("the 依申请公开 entry among the hits");
    assert_eq!(hits[at].title, TITLE);
    k.h.get_by_label_contains("本信息依申请公开，可提出政府信息公开申请");
    k.tap_nth("查看详情", at);
    assert_eq!(k.app().visit.screen, Screen::Document);
    k.h.get_by_label("【本信息依申请公开】");
    k.h.get_by_label(INDEX_NO);
    assert!(k.h.query_by_label("打印").is_none(), "no text to print");
    k.tap("申请公开此信息");
    assert_eq!(k.app().visit.screen, Screen::Request);
    let form = &k.app().visit.form.as_ref().unwrap().form;
    assert_eq!(
        (form.title.as_str(), form.index_number.as_str()),
        (TITLE, INDEX_NO)
    );
    assert_eq!(
        form.description,
        format!("《{TITLE}》（文号：青建审〔2024〕2号，索引号：{INDEX_NO}）全文")
    );
    // As the applicant sees it on the form's page 2: the fields hold the record's name and 索引号.
    k.tap("2 所需信息");
    for value in [TITLE, INDEX_NO] {
        assert!(
            k.h.get_all_by_value(value).next().is_some(),
            "{value} on screen"
        );
    }
}

/// Issue 21 item 6: the staff area lists the most asked and the most unanswered subjects of
/// the search statistics.
#[test]
fn the_staff_area_lists_the_most_asked_and_the_most_unanswered_subjects() {
    use kiosk::stats::{stats_path, Hour, Outcome, StatsStore};
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let store = StatsStore::open(&stats_path(&settings)).unwrap();
    let hour = Hour::now();
    for (query, outcome) in [
        ("低保", Outcome::Found),
        ("低保", Outcome::Found),
        ("低保", Outcome::Found),
        ("殡葬补贴", Outcome::Nothing),
        ("殡葬补贴", Outcome::Partial),
    ] {
        store.add_search(&hour, query, "全部", outcome).unwrap();
    }
    drop(store);
    let mut k = kiosk_with(tmp, settings);
    open_pin_pad(&mut k);
    enter_pin(&mut k, kiosk::ui::DEMO_PIN);
    assert_eq!(k.app().visit.screen, Screen::Staff);
    k.wait("the statistics", |a| {
        a.visit.staff.as_ref().is_some_and(|s| !s.busy())
    });
    k.h.get_by_label("查询统计（用于研究主动公开）");
    k.h.get_by_label_contains("共记录查询 5 次");
    k.h.get_by_label("1. 低保　3 次");
    k.h.get_by_label("2. 殡葬补贴　2 次");
    k.h.get_by_label("1. 殡葬补贴　2 次（共查询 2 次）");
}

/// Issue 18 item 6: a superseded record said 「失效（已被 qh-gi-0016 替代）」; it now offers the
/// replacing record by its title, opens it, and 「返回」 comes back to the old one. At each of
/// the three screens, normal and elderly.
#[test]
fn a_superseded_document_opens_its_successor_and_back_returns_to_it() {
    for size in SIZES {
        for elderly in [false, true] {
            println!("{size:?} elderly={elderly}");
            open_the_successor(kiosk_at(size, elderly));
        }
    }
}

fn open_the_successor(mut k: Kiosk) {
    k.open_found("高龄津贴发放管理办法", "qh-gi-0015");
    // The 效力 row (folded away with the rest of the metadata on a short screen) and the
    // sentence over the successor's button both say it.
    if !k.app().visit.theme.compact {
        k.h.get_by_label_contains("已被新版本替代");
    }
    k.h.get_by_label_contains("本件已失效");
    assert!(
        k.h.query_by_label_contains("qh-gi-0016").is_none(),
        "no record id on screen"
    );
    let successor = "青禾县高龄津贴发放管理办法（2025年修订）";
    let button = format!("现行版本：《{successor}》");
    k.tap(&button);
    k.wait_document("qh-gi-0016");
    assert_eq!(k.app().visit.screen, Screen::Document);
    k.h.get_by_label(successor);
    assert!(
        k.h.query_by_label(&button).is_none(),
        "the current version has no successor"
    );
    k.tap("返回");
    assert_eq!(k.document_id().as_deref(), Some("qh-gi-0015"));
    k.h.get_by_label(&button);
    k.tap("返回");
    assert_eq!(k.app().visit.screen, Screen::List);
    assert!(k.app().visit.doc.is_none());
}

/// The demo's chaptered 办法: 7 章, two 节 and 28 条 (assets/demo/disclosure.jsonl).
const CHAPTERED: (&str, &str) = ("临时救助实施办法", "qh-gi-0010");

#[test]
fn a_long_documents_contents_list_jumps_to_a_chapter() {
    let mut k = kiosk();
    k.open_found(CHAPTERED.0, CHAPTERED.1);
    let chapter = "第六章 监督管理";
    assert!(!k.in_sight(chapter), "the chapter starts out of sight");
    k.tap("目录");
    for entry in [
        "第一章 总则",
        "第一节 救助对象",
        "第二节 救助标准",
        "第七章 附则",
    ] {
        k.h.get_by_role_and_label(egui::accesskit::Role::Button, entry);
    }
    k.tap(chapter);
    for _ in 0..3 {
        k.h.run();
    }
    assert!(
        k.in_sight(chapter),
        "{chapter} is not in sight after the 目录"
    );
    assert!(k.h.query_by_label("返回正文").is_none(), "back at the text");
}

#[test]
fn jumping_to_an_article_with_the_number_pad_shows_that_article() {
    let mut k = kiosk();
    k.open_found(CHAPTERED.0, CHAPTERED.1);
    let article = "第二十五条 县民政局";
    assert!(!k.in_sight(article));
    // An article the text does not have is named, and nothing moves.
    k.tap("跳到第几条");
    for key in ["9", "9", "跳转"] {
        k.tap(key);
    }
    k.h.get_by_label_contains("本件没有第99条（共28条）");
    for key in ["退格", "退格", "2", "5", "跳转"] {
        k.tap(key);
    }
    for _ in 0..3 {
        k.h.run();
    }
    assert!(k.in_sight(article), "第二十五条 is not in sight");
}

#[test]
fn a_table_in_a_body_is_drawn_as_a_grid_of_cells() {
    let mut k = kiosk();
    k.open_found("高龄津贴发放管理办法", "qh-gi-0016");
    let cell = |k: &Kiosk, text: &str| k.h.get_by_label(text).rect();
    let head = cell(&k, "年龄段");
    let head_2 = cell(&k, "修订后标准（元/月）");
    let row_1 = cell(&k, "80至89周岁");
    let row_3 = cell(&k, "100周岁及以上");
    // Each cell is its own widget: a row shares its top, a column its left edge.
    assert!(
        (head.top() - head_2.top()).abs() < 1.0,
        "{head:?} {head_2:?}"
    );
    assert!(head_2.left() > head.right());
    assert!((row_1.left() - head.left()).abs() < 1.0 && row_1.top() > head.bottom());
    assert!((row_3.left() - head.left()).abs() < 1.0 && row_3.top() > row_1.bottom());
    let window = k.h.ctx.content_rect();
    for text in ["原标准（元/月）", "800", "500"] {
        assert!(window.contains_rect(cell(&k, text)), "{text} cut");
    }
}

#[test]
fn an_image_of_a_document_is_shown_from_the_index_generation() {
    let mut k = kiosk();
    let generation = match k.app().index_state() {
        kiosk::ui::app::IndexState::Ready(info) => info.name.clone(),
        other => panic!("{other:?}"),
    };
    let dir = kiosk::search::index::generation_path(&k.app().settings.index_dir, &generation);
    let shipped: Vec<_> = std::fs::read_dir(dir.join(kiosk::search::index::IMAGES))
        .expect("the generation holds the demo's image")
        .collect();
    assert_eq!(shipped.len(), 1);
    k.open_found(CHAPTERED.0, CHAPTERED.1);
    k.tap("目录");
    k.tap("第四章 审核审批");
    for _ in 0..3 {
        k.h.run();
    }
    let image =
        k.h.get_by_role_and_label(egui::accesskit::Role::Image, "图片：临时救助办理流程示意图");
    let r = image.rect();
    // 960×300 pixels, scaled to the width there is and never enlarged.
    assert!(r.width() > 300.0 && r.width() <= 960.0 + 0.5, "{r:?}");
    assert!(((r.width() / r.height()) - 3.2).abs() < 0.05, "{r:?}");
    assert!(k.in_sight("图片：临时救助办理流程示意图"));
}

/// Issue 18 item 7: the first start said only 「正在准备资料」; it now shows a bar fed by the
/// build's own count of records written. On a data set of a county's size (the demo's notices
/// forty times over, 1,720 records), so the build lasts long enough to be watched.
#[test]
fn the_first_start_shows_a_progress_bar_of_the_records_built() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let gi = &settings.sources[0].path;
    let text = std::fs::read_to_string(gi).unwrap();
    let mut many = String::new();
    for copy in 0..40 {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["id"] = format!("{}-{copy}", v["id"].as_str().unwrap()).into();
            many.push_str(&v.to_string());
            many.push('\n');
        }
    }
    std::fs::write(gi, many).unwrap();
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    let mut k = kiosk_starting(tmp, settings, requests, SIZES[1]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    while !matches!(k.app().index_state(), kiosk::ui::app::IndexState::Ready(_)) {
        assert!(Instant::now() < deadline, "the first build did not finish");
        k.h.step();
        if let Some(bar) = k.h.query_by_role(egui::accesskit::Role::ProgressIndicator) {
            let label = bar.accesskit_node().label().unwrap_or_default();
            let value = bar.accesskit_node().numeric_value();
            if seen.last().map(|(l, _)| l) != Some(&label) {
                seen.push((label, value));
            }
            // Nothing is counted yet: no tile may say its column is empty.
            assert!(
                k.h.query_all_by_label_contains("暂无信息").next().is_none(),
                "a tile says 暂无信息 while the index is being built"
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    k.h.run();
    assert!(k
        .h
        .query_by_role(egui::accesskit::Role::ProgressIndicator)
        .is_none());
    k.h.get_by_label("点此输入查询内容（可用拼音、首字母或文号）");
    let records = match k.app().index_state() {
        kiosk::ui::app::IndexState::Ready(info) => info.records,
        _ => unreachable!(),
    };
    // The bar counted the records of this build: 「已整理 n / total 条」 with the total built.
    let counted: Vec<&(String, Option<f64>)> = seen
        .iter()
        .filter(|(l, _)| l.starts_with("已整理"))
        .collect();
    assert!(counted.len() >= 3, "the bar did not move: {seen:?}");
    let mut before = 0;
    for (label, value) in &counted {
        let (done, total) = label
            .trim_start_matches("已整理 ")
            .trim_end_matches(" 条")
            .split_once(" / ")
            .unwrap_or_else(|| panic!("{label}"));
        let (done, total): (usize, usize) = (done.parse().unwrap(), total.parse().unwrap());
        assert_eq!(total, records, "{label}");
        assert!(before <= done && done <= total, "{seen:?}");
        before = done;
        let percent = done as f64 * 100.0 / total as f64;
        let shown = value.unwrap_or_else(|| panic!("{label} without a value"));
        assert!((shown - percent).abs() <= 1.0, "{label} shows {shown}");
    }
}

/// A newer version of a law keeps the law's title: the button tells the two apart by the
/// successor's date.
#[test]
fn a_successor_with_the_same_title_is_named_with_its_date() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    common::edit_jsonl(&settings.sources[0].path, |_, v| {
        if v["id"] == "qh-gi-0016" {
            v["title"] = serde_json::json!("青禾县高龄津贴发放管理办法");
        }
        true
    });
    let mut k = kiosk_with(tmp, settings);
    k.open_found("高龄津贴发放管理办法", "qh-gi-0015");
    k.tap("现行版本：《青禾县高龄津贴发放管理办法》（2025年02月24日）");
    k.wait_document("qh-gi-0016");
}
