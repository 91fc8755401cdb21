//! Every screen at the three hall sizes (1920×1080, 1080×1920 portrait, 1366×768), in the normal
//! and the elderly mode, read back through the accessibility tree as kittest sees it:
//! nothing runs off the window's sides or across its top and bottom edges, no two texts lie on
//! top of each other, and in the elderly mode every button and input is at least 60×60.
//! Plus what a person must see: some lines of a document's body, and a result beside or above
//! the open keyboard.

mod common;
mod ui_kiosk;

use egui::accesskit::Role;
use egui::Rect;
use egui_kittest::kittest::{NodeT, Queryable};
use kiosk::ui::app::{KioskApp, Screen};
use kiosk::ui::keyboard::Key;
use ui_kiosk::*;

/// One widget of the last frame as egui laid it out: its whole rectangle and the part of it
/// that is visible (inside the clip of its panel, scroll area and window).
#[derive(Debug, Clone)]
struct Seen {
    role: Role,
    label: String,
    rect: Rect,
    visible: Rect,
    layer: egui::LayerId,
}

/// Labels and roles from the accessibility tree; whole and visible rectangles from egui's
/// widget rectangles of the same frame (an accesskit node id is the egui id's value).
fn seen(k: &Kiosk) -> Vec<Seen> {
    let rects = k.widget_rects();
    k.h.queryable_node()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            a.bounding_box()?;
            let rect = n.rect();
            let (visible, layer) = rects.get(&a.locate().0 .0).copied()?;
            Some(Seen {
                role: a.role(),
                label: a.label().or_else(|| a.value()).unwrap_or_default(),
                rect,
                visible,
                layer,
            })
        })
        .collect()
}

fn tappable(role: Role) -> bool {
    matches!(
        role,
        Role::Button | Role::TextInput | Role::CheckBox | Role::RadioButton | Role::ComboBox
    )
}

/// The checks every screen must pass; `what` names the screen in a failure.
fn check_screen(k: &Kiosk, what: &str, elderly: bool) {
    let size = k.h.ctx.content_rect();
    let nodes = seen(k);
    let mut problems = Vec::new();
    let shown: Vec<&Seen> = nodes
        .iter()
        .filter(|n| n.role != Role::ScrollBar && n.visible.is_positive())
        .collect();
    for n in &shown {
        // Scroll areas only scroll up and down: any cut at the sides is a widget too wide for
        // its panel or the window.
        if n.visible.width() < n.rect.width() - 1.0 {
            problems.push(format!(
                "cut at the side: {:?} {:?} shows {:?}",
                n.label, n.rect, n.visible
            ));
        }
        if elderly && tappable(n.role) && (n.rect.width() < 59.5 || n.rect.height() < 59.5) {
            problems.push(format!("smaller than 60×60: {:?} {:?}", n.label, n.rect));
        }
    }
    for (i, a) in shown.iter().enumerate() {
        for b in &shown[i + 1..] {
            if a.layer != b.layer || a.rect.contains_rect(b.rect) || b.rect.contains_rect(a.rect) {
                continue;
            }
            let overlap = a.visible.intersect(b.visible);
            if overlap.is_positive() && overlap.width() > 4.0 && overlap.height() > 4.0 {
                problems.push(format!(
                    "on top of each other: {:?} {:?} and {:?} {:?}",
                    a.label, a.visible, b.label, b.visible
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{what} at {}×{} ({}):\n{}",
        size.width(),
        size.height(),
        if elderly { "elderly" } else { "normal" },
        problems.join("\n")
    );
}

fn settle(k: &mut Kiosk) {
    k.wait("the workers", |a| {
        !a.list_pending() && !a.candidates_pending()
    });
    for _ in 0..4 {
        k.h.run();
    }
}

fn elderly_kept(k: &mut Kiosk, elderly: bool) {
    k.h.state_mut().visit.theme.elderly = elderly;
    settle(k);
}

fn open_first(k: &mut Kiosk, service: bool) {
    let hit = k.app().visit.list.results.as_ref().and_then(|r| {
        r.hits
            .iter()
            .find(|h| {
                h.record.as_ref().is_some_and(|r| {
                    (r.service.is_some() == service) && (service || r.url.is_some())
                })
            })
            .cloned()
    });
    k.h.state_mut().open(hit.expect("a hit to open"));
    k.wait("the body", |a: &KioskApp| {
        a.visit.doc.as_ref().is_some_and(|d| d.body.is_some())
    });
    settle(k);
}

fn browse(k: &mut Kiosk, tile: &str) {
    k.h.get_by_label_contains(tile).click();
    k.h.run();
    k.wait("the list", |a| {
        !a.list_pending() && a.visit.list.results.is_some()
    });
    settle(k);
}

/// The document's body shows at least `lines` lines inside the window: the visible heights of
/// the body's paragraphs (each its own label since the body is drawn as blocks), in rows.
fn body_lines_visible(k: &Kiosk, lines: usize) {
    let doc = k.app().visit.doc.as_ref().unwrap();
    let paragraphs: std::collections::HashSet<&str> = doc
        .body
        .as_ref()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let size = k.h.ctx.content_rect();
    let nodes: Vec<Seen> = seen(k)
        .into_iter()
        .filter(|n| {
            n.role == Role::Label
                && paragraphs.contains(n.label.as_str())
                && n.visible.is_positive()
        })
        .collect();
    assert!(!nodes.is_empty(), "no body text in sight");
    let theme = k.app().visit.theme;
    let row = theme.sizes().body * theme.sizes().line_spacing;
    let shown: f32 = nodes.iter().map(|n| n.visible.height() / row).sum();
    assert!(
        shown >= lines as f32 - 0.1,
        "only {shown:.1} body lines visible at {}×{} (elderly {}): {:?}",
        size.width(),
        size.height(),
        theme.elderly,
        nodes.iter().map(|n| n.visible).collect::<Vec<_>>()
    );
}

fn every_screen_at(size: (f32, f32), elderly: bool) {
    let mut k = kiosk_at(size, elderly);
    settle(&mut k);
    check_screen(&k, "home", elderly);

    // Search with the keyboard open: a result is shown beside or above the keys.
    k.h.state_mut().start_search();
    for c in "yanglao".chars() {
        k.h.state_mut().key(Key::Letter(c));
    }
    settle(&mut k);
    check_screen(&k, "search with the keyboard", elderly);
    let nodes = seen(&k);
    assert!(
        nodes
            .iter()
            .any(|n| n.role == Role::Button && n.label == "q" && n.visible.is_positive()),
        "the keyboard is open"
    );
    // A whole result title is in sight (titles are buttons on the result cards).
    let titles = &k.app().visit.list.results.as_ref().unwrap().hits;
    let result_visible = nodes.iter().any(|n| {
        titles.iter().any(|h| n.label == h.title)
            && (n.visible.height() - n.rect.height()).abs() < 1.0
    });
    assert!(
        result_visible,
        "no whole result title in sight with the keyboard open at {size:?} elderly {elderly}"
    );

    k.h.state_mut().visit.keyboard_open = false;
    settle(&mut k);
    check_screen(&k, "search results", elderly);

    k.h.state_mut().go_home();
    elderly_kept(&mut k, elderly);
    browse(&mut k, "办理条件、所需材料");
    check_screen(&k, "service guide list", elderly);
    open_first(&mut k, true);
    check_screen(&k, "service item", elderly);

    k.h.state_mut().go_home();
    elderly_kept(&mut k, elderly);
    browse(&mut k, "通知公告、规范性文件");
    open_first(&mut k, false);
    check_screen(&k, "document", elderly);
    body_lines_visible(&k, 5);

    documents(&mut k, elderly);

    k.h.state_mut().go_home();
    elderly_kept(&mut k, elderly);
    k.h.state_mut().open_request_form(None);
    settle(&mut k);
    check_screen(&k, "request form, 申请人", elderly);
    for step in ["3 获取方式", "4 核对并提交"] {
        k.tap(step);
        settle(&mut k);
        check_screen(&k, step, elderly);
    }
    k.tap("查询办理进度");
    settle(&mut k);
    check_screen(&k, "status lookup", elderly);
    assert_eq!(k.app().visit.screen, Screen::Request);
}

/// The document screen's parts of issue 18 item 6: a superseded record with its successor's
/// button, a chaptered text with its 目录, the number pad of 跳到第几条, a table and an image.
fn documents(k: &mut Kiosk, elderly: bool) {
    k.h.state_mut().go_home();
    elderly_kept(k, elderly);
    k.open_found("高龄津贴发放管理办法", "qh-gi-0015");
    settle(k);
    check_screen(k, "superseded document", elderly);
    k.h.get_by_label_contains("现行版本：《");
    k.tap("现行版本：《青禾县高龄津贴发放管理办法（2025年修订）》");
    k.wait_document("qh-gi-0016");
    // The table of 发放标准 comes into sight a page or two down.
    settle(k);
    for _ in 0..4 {
        if k.in_sight("100周岁及以上") {
            break;
        }
        k.tap("下一页");
        settle(k);
    }
    check_screen(k, "document with a table", elderly);
    assert!(k.in_sight("100周岁及以上"), "the table is not in sight");

    k.h.state_mut().go_home();
    elderly_kept(k, elderly);
    k.open_found("临时救助实施办法", "qh-gi-0010");
    settle(k);
    check_screen(k, "chaptered document", elderly);
    k.tap("目录");
    settle(k);
    check_screen(k, "目录", elderly);
    k.tap("第四章 审核审批");
    settle(k);
    check_screen(k, "document at its image", elderly);
    assert!(k.in_sight("图片：临时救助办理流程示意图"));
    k.tap("跳到第几条");
    settle(k);
    check_screen(k, "跳到第几条", elderly);
    for key in ["1", "0", "跳转"] {
        k.tap(key);
    }
    settle(k);
    check_screen(k, "document at a table of 第十条", elderly);
    assert!(k.in_sight("第十条 临时救助标准"));
}

#[test]
fn every_screen_fits_1920x1080_normal_and_elderly() {
    every_screen_at(SIZES[0], false);
    every_screen_at(SIZES[0], true);
}

#[test]
fn every_screen_fits_1080x1920_portrait_normal_and_elderly() {
    every_screen_at(SIZES[1], false);
    every_screen_at(SIZES[1], true);
}

#[test]
fn every_screen_fits_1366x768_normal_and_elderly() {
    every_screen_at(SIZES[2], false);
    every_screen_at(SIZES[2], true);
}
