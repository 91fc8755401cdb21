//! Typing on the kiosk's own keyboard and 读屏, through egui_kittest as in `ui_flows.rs`: names in
//! name mode, numbered and paged candidates, the number pads, a status lookup typed in lower
//! case, and reading aloud through a recording speech engine. The real search worker, input
//! method and request worker run behind the screen over the shipped demo data.

mod common;
mod ui_kiosk;

use egui_kittest::kittest::Queryable;
use kiosk::ui::app::Screen;
use kiosk::ui::idle::IdleTimer;
use kiosk::ui::keyboard::FieldKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use ui_kiosk::*;

impl Kiosk {
    fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            self.tap(&c.to_string());
        }
    }

    /// Types `keys` and waits for the candidates of the last one.
    fn pinyin(&mut self, keys: &str) {
        self.keys(keys);
        let typed = self.app().visit.keyboard.pinyin.clone();
        self.wait("candidates", |a| {
            !a.candidates_pending() && a.visit.candidates.pinyin == typed
        });
    }

    /// Taps the candidate `word`, turning pages until it shows.
    fn choose(&mut self, word: &str) {
        for _ in 0..10 {
            if self.app().visit.candidates.iter().any(|c| c == word) {
                self.tap(word);
                return;
            }
            assert!(
                self.app().visit.candidates.has_next,
                "{word} on no page of {:?}",
                self.app().visit.keyboard.pinyin
            );
            self.tap("下一页");
            self.wait("the next page", |a| !a.candidates_pending());
        }
        panic!("{word} not within ten pages");
    }

    fn form(&self) -> &kiosk::ui::request_form::RequestFormState {
        self.app().visit.form.as_ref().expect("the form is open")
    }

    fn open_form(&mut self) {
        self.h.get_by_label_contains("依申请公开").scroll_to_me();
        self.h.run();
        self.h.get_by_label_contains("依申请公开").click();
        self.h.run();
        assert_eq!(self.app().visit.screen, Screen::Request);
    }

    fn expire_idle(&mut self) {
        let (idle, warn) = (
            self.app().settings.screen.idle,
            self.app().settings.screen.idle_warning,
        );
        self.h.state_mut().idle = IdleTimer::new(
            idle,
            warn,
            Instant::now() - idle - warn - Duration::from_secs(1),
        );
        self.h.run();
    }
}

/// Every screen size of the halls, each in the normal and the elderly mode.
fn every_screen() -> impl Iterator<Item = ((f32, f32), bool)> {
    SIZES
        .into_iter()
        .flat_map(|size| [(size, false), (size, true)])
}

/// `label` is drawn whole inside the window and above the bottom bar (not cut by either).
fn assert_whole_in_sight(k: &Kiosk, label_part: &str, size: (f32, f32)) {
    let node = k.h.get_by_label_contains(label_part);
    let r = node.rect();
    let bar_top = k.h.get_by_label("首页").rect().min.y;
    assert!(
        r.min.x >= 0.0 && r.min.y >= 0.0 && r.max.x <= size.0 && r.max.y <= bar_top,
        "{label_part:?} at {r:?}, outside a {size:?} screen or under the bottom bar at y = {bar_top}"
    );
}

/// Issue 18 items 2 and 4: 张三 and 王秀英 typed with the keys in name mode, into the name field
/// that takes the keys before any field is tapped; 王 chosen alone keeps `xiuying` pending. At
/// each of the three screens, normal and elderly.
#[test]
fn names_are_typed_with_the_keys_in_name_mode_into_the_request_forms_name_field() {
    for (size, elderly) in every_screen() {
        println!("{size:?} elderly={elderly}");
        type_names(kiosk_at(size, elderly));
    }
}

fn type_names(mut k: Kiosk) {
    k.open_form();
    assert_eq!(
        k.form().active,
        Some("name"),
        "the name field takes the keys"
    );
    assert_eq!(k.app().visit.keyboard.kind, FieldKind::PersonName);
    k.pinyin("zhangsan");
    assert_eq!(
        k.app().visit.candidates.first().map(String::as_str),
        Some("张三"),
        "{:?}",
        k.app().visit.candidates
    );
    k.tap("张三");
    assert_eq!(k.form().form.name, "张三");
    assert!(k.app().visit.keyboard.pinyin.is_empty());

    k.tap("清空");
    k.pinyin("wangxiuying");
    let top3: Vec<String> = k.app().visit.candidates.iter().take(3).cloned().collect();
    assert!(
        top3.contains(&"王秀英".to_string()),
        "{top3:?} for {:?}",
        k.app().visit.keyboard.pinyin
    );
    // The surname alone: the given name's syllables stay to be chosen.
    k.choose("王");
    assert_eq!(k.form().form.name, "王");
    assert_eq!(k.app().visit.keyboard.pinyin, "xiuying");
    k.wait("candidates for xiuying", |a| {
        !a.candidates_pending() && a.visit.candidates.pinyin == "xiuying"
    });
    k.choose("秀英");
    assert_eq!(k.form().form.name, "王秀英");
    assert!(k.app().visit.keyboard.pinyin.is_empty());
}

/// Issue 18 item 2: numbered candidates with 上一页/下一页, and a digit key picks by number.
#[test]
fn the_candidate_bar_pages_forward_and_back_and_a_digit_picks_the_numbered_candidate() {
    let mut k = kiosk();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    k.pinyin("shi");
    let first: Vec<String> = k.app().visit.candidates.to_vec();
    assert_eq!(first.len(), kiosk::ui::candidates::PER_PAGE);
    assert!(k.app().visit.candidates.has_next && !k.app().visit.candidates.has_previous);
    k.tap("下一页");
    k.wait("page 2", |a| !a.candidates_pending());
    let second: Vec<String> = k.app().visit.candidates.to_vec();
    assert_eq!(k.app().visit.candidates.page, 1);
    assert!(
        second.iter().all(|c| !first.contains(c)),
        "{first:?} / {second:?}"
    );
    assert_eq!(k.app().visit.keyboard.pinyin, "shi", "paging types nothing");
    k.tap("上一页");
    k.wait("page 1 again", |a| !a.candidates_pending());
    assert_eq!(k.app().visit.candidates.to_vec(), first);
    k.tap("3");
    assert_eq!(k.app().visit.query, first[2]);
    assert!(k.app().visit.keyboard.pinyin.is_empty());
}

/// Issue 18 items 2 and 3: on a portrait screen in the elderly mode, a long pinyin's nine
/// candidates and the page buttons wrap within the keyboard's width, never off the right edge.
#[test]
fn the_candidate_bar_wraps_within_a_portrait_screen_in_the_elderly_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let width = 1080.0;
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    let mut k = kiosk_sized(tmp, settings, requests, (width, 1920.0));
    k.h.state_mut().visit.theme.elderly = true;
    k.h.run();
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    k.pinyin("zhengfuxinxigongkai");
    let words: Vec<String> = k.app().visit.candidates.to_vec();
    assert_eq!(words.len(), kiosk::ui::candidates::PER_PAGE, "{words:?}");
    let mut right = 0.0f32;
    for label in words.iter().map(String::as_str).chain(["上一页", "下一页"]) {
        // 上一页 is shown only from the second page on.
        for node in k.h.query_all_by_label(label) {
            right = right.max(node.rect().max.x);
        }
    }
    assert!(
        right <= width,
        "a candidate ends at x = {right}, off a {width} px screen"
    );
    let rows: std::collections::BTreeSet<i32> = words
        .iter()
        .map(|w| k.h.get_all_by_label(w).last().unwrap().rect().min.y as i32)
        .collect();
    assert!(rows.len() > 1, "the bar wrapped onto more rows: {rows:?}");
}

/// Issue 18 items 1 and 4: the receipt number typed in lower case (as a keyboard types it) and
/// the 查询码 on the code pad find the request. At each of the three screens, normal and elderly.
#[test]
fn a_status_lookup_with_a_lower_case_receipt_number_finds_the_request() {
    for (size, elderly) in every_screen() {
        println!("{size:?} elderly={elderly}");
        look_up_in_lower_case(size, elderly);
    }
}

fn look_up_in_lower_case(size: (f32, f32), elderly: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let settings = settings_in(tmp.path());
    let receipt = file_a_request(&settings);
    let requests = kiosk::ui::request_worker::spawn(settings.clone(), || {}).unwrap();
    let mut k = kiosk_sized(tmp, settings, requests, size);
    k.h.state_mut().visit.theme.elderly = elderly;
    k.h.run();
    k.open_form();
    k.tap("查询办理进度");
    k.tap("受理编号");
    assert_eq!(k.app().visit.keyboard.kind, FieldKind::Code);
    k.h.get_by_label("受理编号")
        .type_text(&receipt.receipt_no.to_lowercase());
    k.h.run();
    k.tap("查询码");
    assert_eq!(k.app().visit.keyboard.kind, FieldKind::Code);
    // The code pad: capital letters and digits, tapped one by one.
    k.keys(&receipt.query_code);
    assert_eq!(k.form().lookup_query_code, receipt.query_code);
    assert_eq!(
        k.form().lookup_receipt_no,
        receipt.receipt_no.to_lowercase()
    );
    k.tap("查询");
    k.wait("the lookup", |a| {
        a.visit
            .form
            .as_ref()
            .is_some_and(|f| f.lookup_answer.is_some())
    });
    let answer = k.form().lookup_answer.clone().unwrap();
    assert!(
        answer.starts_with(&format!("受理编号{}：", receipt.receipt_no)),
        "{answer}"
    );
    assert_whole_in_sight(&k, &format!("受理编号{}：", receipt.receipt_no), size);
}

/// Issue 18 item 4: 提交申请 with the applicant's page left empty opens that page and names the
/// first mistake where it can be read, at each of the three screens, normal and elderly; nothing
/// is filed.
#[test]
fn a_failed_submit_opens_the_page_of_the_first_mistake_and_names_it_on_every_screen() {
    for (size, elderly) in every_screen() {
        println!("{size:?} elderly={elderly}");
        let mut k = kiosk_at(size, elderly);
        k.open_form();
        k.tap("4 核对并提交");
        k.tap("提交申请");
        assert_eq!(k.form().step, kiosk::ui::request_form::Step::Applicant);
        assert!(
            matches!(
                k.form().stage,
                kiosk::ui::request_form::Stage::Editing | kiosk::ui::request_form::Stage::Failed(_)
            ),
            "nothing is filed"
        );
        assert_whole_in_sight(&k, "！请修改「姓名」", size);
    }
}

/// Issue 18 item 4: the ID field gets the number pad with X, the phone field the number pad.
#[test]
fn number_fields_get_the_number_pad_and_the_id_number_takes_an_x() {
    let mut k = kiosk();
    k.open_form();
    k.tap("证件号码");
    assert_eq!(k.app().visit.keyboard.kind, FieldKind::IdNumber);
    assert!(k.h.query_by_label("q").is_none(), "no letter keys");
    k.keys("11010519491231002X");
    assert_eq!(k.form().form.id_number, "11010519491231002X");
    k.tap("联系电话");
    assert_eq!(k.app().visit.keyboard.kind, FieldKind::Phone);
    k.keys("13812345678");
    assert_eq!(k.form().form.phone, "13812345678");
    assert_eq!(k.form().form.id_number, "11010519491231002X");
}

/// A speech engine that records each text it gets and the id of its process, then "speaks"
/// for a minute (until it is stopped).
fn recording_engine(dir: &Path) -> Vec<String> {
    let script =
        "echo $$ >> \"$0/pids\"; cat >> \"$0/spoken\"; echo '|' >> \"$0/spoken\"; exec sleep 60";
    vec![
        "sh".into(),
        "-c".into(),
        script.into(),
        dir.display().to_string(),
    ]
}

fn spoken(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("spoken")).unwrap_or_default()
}

fn last_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join("pids"))
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// Issue 18 item 9: 读屏 reads the form's fields and an opened document through the engine;
/// the idle reset stops it and switches 读屏 off.
#[test]
fn read_aloud_reads_fields_and_documents_and_the_idle_reset_silences_it() {
    let tmp = tempfile::tempdir().unwrap();
    let speech_dir: PathBuf = tmp.path().join("speech");
    std::fs::create_dir(&speech_dir).unwrap();
    let mut settings = settings_in(tmp.path());
    settings.screen.read_aloud_command = recording_engine(&speech_dir);
    let mut k = kiosk_with(tmp, settings);
    let wait_spoken = |k: &mut Kiosk, text: &str| {
        let dir = speech_dir.clone();
        k.wait(text, move |_| spoken(&dir).contains(text));
    };
    k.tap("读屏");
    assert!(k.app().visit.read_aloud);
    wait_spoken(&mut k, "读屏已开启");
    k.open_form();
    wait_spoken(&mut k, "政府信息公开申请。姓名，请输入");
    k.tap("联系电话");
    wait_spoken(&mut k, "联系电话，请输入");
    k.keys("138");
    k.tap("姓名");
    wait_spoken(&mut k, "姓名，请输入");
    k.tap("联系电话");
    wait_spoken(&mut k, "联系电话，已填写：138");

    // A document: its title and body are read once the body is there.
    k.tap("首页");
    assert!(k.app().visit.read_aloud, "读屏 stays on for the visit");
    k.tap("点此输入查询内容（可用拼音、首字母或文号）");
    k.pinyin("yanglao");
    k.tap("养老");
    k.wait("results", |a| {
        !a.list_pending()
            && a.visit
                .list
                .results
                .as_ref()
                .is_some_and(|r| !r.hits.is_empty())
    });
    let title = k.app().visit.list.results.as_ref().unwrap().hits[0]
        .title
        .clone();
    k.h.get_all_by_label("查看详情").next().unwrap().click();
    k.h.run();
    k.wait("the body", |a| {
        a.visit.doc.as_ref().is_some_and(|d| d.body.is_some())
    });
    wait_spoken(&mut k, &title);
    let reading = last_pid(&speech_dir).expect("the engine ran");
    assert!(Path::new(&format!("/proc/{reading}")).exists());

    k.expire_idle();
    assert!(
        !k.app().visit.read_aloud,
        "the next visitor starts without 读屏"
    );
    let proc_dir = format!("/proc/{reading}");
    k.wait("the engine to be stopped", move |_| {
        !Path::new(&proc_dir).exists()
    });
}

/// Issue 18 items 2 and 3: the keys stay where they are while candidates come and go, at each
/// of the three screens, normal and elderly (a key that moved as candidates arrived took the
/// tap meant for it onto the key above or beside it).
#[test]
fn the_keys_do_not_move_when_candidates_arrive() {
    for (size, elderly) in every_screen() {
        let mut k = kiosk_at(size, elderly);
        k.open_form();
        let at = |k: &Kiosk| -> Vec<egui::Rect> {
            ["q", "a", "z", "n", "g", "退格"]
                .iter()
                .map(|l| k.h.get_by_label(l).rect())
                .collect()
        };
        let before = at(&k);
        k.pinyin("wangxiuying");
        assert_eq!(at(&k), before, "{size:?} elderly={elderly}: keys moved");
        k.tap("清空");
        assert_eq!(
            at(&k),
            before,
            "{size:?} elderly={elderly}: keys moved back"
        );
    }
}
