//! The staff side of the kiosk: the PIN pad behind the hidden gesture, and the staff area
//! (index generations and freshness, a refused refresh, the request register, reprinting
//! 待打印 receipts, closing the kiosk). Argon2 checks, register reads and printing run on
//! their own threads.

use super::action::Action;
pub use super::job::Job;
use super::staff_desk::{read_detail, read_requests, RequestList, SharedDesk};
use super::theme::Theme;
use super::widgets;
use crate::config::Settings;
use crate::desk::requests::{place_of, Place};
use crate::requests::{Outcome, Status};
use crate::staff_pin::StaffGate;
use crate::staff_pin::{check_staff_pin, PinCheck, PinOutcome, DEMO_PIN_REFUSED};
use crate::status::IndexStatus;
use egui::{RichText, Vec2};
use std::time::Instant;

/// The PIN pad: digits typed, and the check in flight.
#[derive(Default)]
pub struct StaffPinPad {
    pub digits: String,
    pub message: Option<String>,
    check: Option<(Job<PinCheck>, Instant)>,
}

impl StaffPinPad {
    pub fn checking(&self) -> bool {
        self.check.is_some()
    }
}

/// The PIN pad. `gate` counts the wrong tries; the check runs on its own thread.
pub fn pin_screen(
    ui: &mut egui::Ui,
    theme: &Theme,
    pad: &mut StaffPinPad,
    gate: &mut StaffGate,
    settings: &Settings,
    now: Instant,
    out: &mut Vec<Action>,
) {
    let theme = *theme;
    let s = theme.sizes();
    let opened = poll_check(pad, gate);
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::heading(ui, &theme, "工作人员入口");
        widgets::body(ui, &theme, "请输入工作人员密码。");
        ui.label(
            RichText::new(if pad.digits.is_empty() {
                "（未输入）".to_string()
            } else {
                "●".repeat(pad.digits.chars().count())
            })
            .size(s.heading),
        );
        match (gate.locked(now), &pad.message) {
            (Some(remaining), _) => {
                widgets::warning(
                    ui,
                    &theme,
                    &format!(
                        "密码输入错误次数过多，已锁定，请{}分钟后再试。",
                        remaining.as_secs().div_ceil(60)
                    ),
                );
            }
            (None, Some(m)) => {
                widgets::warning(ui, &theme, m);
            }
            (None, None) => {}
        }
        if pad.check.is_some() {
            widgets::muted(ui, &theme, "正在核对……");
        }
        let key = Vec2::splat(s.key * 1.2);
        for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
            ui.horizontal(|ui| {
                for d in row {
                    if ui
                        .add(egui::Button::new(RichText::new(d).size(s.heading)).min_size(key))
                        .clicked()
                        && pad.digits.len() < 12
                    {
                        pad.digits.push_str(d);
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            if ui
                .add(egui::Button::new(RichText::new("退格").size(s.title)).min_size(key))
                .clicked()
            {
                pad.digits.pop();
            }
            if ui
                .add(egui::Button::new(RichText::new("0").size(s.heading)).min_size(key))
                .clicked()
                && pad.digits.len() < 12
            {
                pad.digits.push('0');
            }
            let ok = egui::Button::new(RichText::new("确定").size(s.title)).min_size(key);
            if ui.add(ok).clicked() && pad.check.is_none() {
                start_check(ui.ctx(), pad, gate, settings, now);
            }
        });
    });
    if opened {
        out.push(Action::OpenStaffArea);
    }
}

/// Takes the answer of a PIN check in flight, counts it against the gate and sets the pad's
/// message; whether the staff area may open.
fn poll_check(pad: &mut StaffPinPad, gate: &mut StaffGate) -> bool {
    let mut opened = false;
    if let Some((job, at)) = &mut pad.check {
        if let Some(checked) = job.poll().copied() {
            let at = *at;
            pad.check = None;
            pad.digits.clear();
            let outcome = match checked {
                // Not a guess: the lock and the count of wrong tries stay as they are.
                PinCheck::DemoPinOnRealData => None,
                PinCheck::Correct => Some(gate.record(true, at)),
                PinCheck::Wrong => Some(gate.record(false, at)),
            };
            match outcome {
                None => pad.message = Some(DEMO_PIN_REFUSED.into()),
                Some(PinOutcome::Open) => opened = true,
                Some(PinOutcome::Wrong { tries_left }) => {
                    pad.message = Some(format!("密码不正确，还可尝试{tries_left}次。"))
                }
                Some(PinOutcome::Locked { remaining }) => {
                    pad.message = Some(format!(
                        "密码输入错误次数过多，已锁定，请{}分钟后再试。",
                        remaining.as_secs().div_ceil(60)
                    ))
                }
            }
        }
    }
    opened
}

/// 「确定」: starts the Argon2 check of the typed digits on its own thread.
fn start_check(
    ctx: &egui::Context,
    pad: &mut StaffPinPad,
    gate: &StaffGate,
    settings: &Settings,
    now: Instant,
) {
    match (&settings.screen.staff_pin_hash, gate.locked(now)) {
        (_, Some(_)) => {}
        (None, _) => {
            pad.message =
                Some("本终端尚未设置工作人员密码，请在配置文件中设置 staff_pin_hash。".into());
            tracing::warn!("staff area requested but no staff_pin_hash is configured");
        }
        (Some(hash), None) => {
            let hash = hash.clone();
            let sources = settings.sources.clone();
            let pin = std::mem::take(&mut pad.digits);
            let ctx = ctx.clone();
            pad.check = Some((
                Job::spawn("pin-check", Some(ctx), move || {
                    check_staff_pin(&hash, &pin, &sources)
                }),
                now,
            ));
        }
    }
}

/// The request being worked on: its staff copy and the next step being chosen.
pub struct Selected {
    pub receipt_no: String,
    pub status: Status,
    detail: Job<Result<String, String>>,
    pub outcome: Option<Outcome>,
    /// The status being saved, and the job saving it.
    change: Option<(Status, Job<Result<String, String>>)>,
    /// What the last saved change said.
    pub saved: Option<String>,
}

/// What the staff area shows besides the index status.
pub struct StaffArea {
    pub index: Option<IndexStatus>,
    /// Which register the area works on (the central one on a staff workstation).
    pub place: Place,
    desk: SharedDesk,
    requests: Job<Result<RequestList, String>>,
    pub selected: Option<Selected>,
    reprint: Option<Job<Result<String, String>>>,
    /// The search-demand statistics page.
    stats: super::staff_stats::StatsPage,
}

impl StaffArea {
    pub fn open(settings: &Settings) -> StaffArea {
        let desk = SharedDesk::new(settings.clone());
        StaffArea {
            index: None,
            place: place_of(settings),
            requests: read_requests(&desk),
            desk,
            selected: None,
            reprint: None,
            stats: super::staff_stats::StatsPage::open(settings),
        }
    }

    pub fn busy(&self) -> bool {
        self.stats.busy()
            || !self.requests.done()
            || self.reprint.as_ref().is_some_and(|j| !j.done())
            || self
                .selected
                .as_ref()
                .is_some_and(|s| !s.detail.done() || s.change.as_ref().is_some_and(|c| !c.1.done()))
    }

    /// The request list as read, once it is there.
    pub fn rows(&mut self) -> Option<&Result<RequestList, String>> {
        self.requests.poll()
    }
}

/// The staff area: index state, the register, reprinting, closing the kiosk.
pub fn staff_screen(
    ui: &mut egui::Ui,
    theme: &Theme,
    area: &mut StaffArea,
    settings: &Settings,
    visit_no: u64,
    out: &mut Vec<Action>,
) {
    let theme = *theme;
    let mut close = false;
    let mut reload_status = false;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            widgets::heading(ui, &theme, "工作人员管理");
            reload_status = widgets::button(ui, &theme, "刷新状态").clicked();
            // A staff workstation files nothing: requests are filed at a kiosk.
            if area.place != Place::Centre && widgets::button(ui, &theme, "代为填写申请").clicked()
            {
                out.push(Action::StaffRequestForm);
            }
            close = widgets::button(ui, &theme, "关闭终端程序").clicked();
        });
        egui::ScrollArea::vertical()
            .id_salt(("staff", visit_no))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                index_section(ui, &theme, area.index.as_ref(), settings);
                ui.separator();
                requests_section(ui, &theme, area);
                ui.separator();
                super::staff_stats::section(ui, &theme, &mut area.stats);
            });
    });
    if reload_status {
        area.index = None;
        area.requests = read_requests(&area.desk);
        area.stats = super::staff_stats::StatsPage::open(settings);
        out.push(Action::RefreshIndexStatus);
    }
    if close {
        tracing::warn!("kiosk closed from the staff area");
        out.push(Action::CloseKiosk);
    }
}

fn index_section(
    ui: &mut egui::Ui,
    theme: &Theme,
    status: Option<&IndexStatus>,
    settings: &Settings,
) {
    let s = theme.sizes();
    widgets::title(ui, theme, "资料库（索引）");
    let Some(status) = status else {
        widgets::muted(ui, theme, "正在读取……");
        return;
    };
    if status.warnings.is_empty() {
        widgets::body(ui, theme, "状态正常。");
    }
    for w in &status.warnings {
        widgets::warning(ui, theme, &w.chinese);
    }
    if let Some(run) = status.last_run.as_ref().filter(|r| r.ok) {
        widgets::body(
            ui,
            theme,
            &format!(
                "最近一次数据更新：{}，成功。{}",
                run.at.format("%Y-%m-%d %H:%M"),
                run.chinese
            ),
        );
    }
    for g in status.generations.iter().rev() {
        let current = if Some(&g.name) == status.current.as_ref() {
            "【当前使用】"
        } else {
            "【备用，可回退】"
        };
        widgets::body(
            ui,
            theme,
            &format!(
                "{current} 版本 {}：{} 建立，共 {} 条",
                g.name,
                g.built_at.format("%Y-%m-%d %H:%M"),
                g.records
            ),
        );
        for src in &g.sources {
            ui.label(
                RichText::new(format!(
                    "　　{}：{} 条，跳过 {} 条，未公开（依申请公开、不予公开或无公开属性） {} 条",
                    src.source, src.records, src.skipped, src.not_public
                ))
                .size(s.small),
            );
        }
    }
    widgets::muted(
        ui,
        theme,
        &format!(
            "数据超过 {} 天未更新时提示。数据更新命令：kiosk index refresh；回退：kiosk index rollback。",
            settings.refresh.stale_after_days
        ),
    );
}

/// The staff screen's line about rows that could not be read.
pub fn damaged_text(damaged: &[String]) -> String {
    format!(
        "有{}条记录无法读取：{}。其余记录照常显示；请检查密钥文件和登记簿备份，详见系统日志。",
        damaged.len(),
        damaged.join("、")
    )
}

/// The register's rows, newest first; the one tapped for 办理.
fn request_rows(
    ui: &mut egui::Ui,
    theme: &Theme,
    area: &mut StaffArea,
) -> Option<(String, Status)> {
    let s = theme.sizes();
    let mut select = None;
    match area.requests.poll() {
        None => {
            widgets::muted(ui, theme, "正在读取……");
        }
        Some(Err(e)) => {
            widgets::warning(ui, theme, e);
        }
        Some(Ok(list)) => {
            if !list.damaged.is_empty() {
                widgets::warning(ui, theme, &damaged_text(&list.damaged));
            }
            let rows = &list.rows;
            let pending = rows.iter().filter(|r| r.print_pending).count();
            widgets::body(ui, theme, &format!("共 {} 件。", rows.len()));
            if pending > 0 {
                widgets::warning(ui, theme, &format!("有 {pending} 件申请的回执尚未打印。"));
            }
            for r in rows.iter().take(40) {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "{}  {}  {}  期限 {}{}  {}",
                            r.receipt_no,
                            r.received_on,
                            r.status.label(),
                            r.due,
                            if r.print_pending { "  [待打印]" } else { "" },
                            r.description
                        ))
                        .size(s.small),
                    );
                    if widgets::button(ui, theme, &format!("办理 {}", r.receipt_no)).clicked() {
                        select = Some((r.receipt_no.clone(), r.status));
                    }
                });
            }
        }
    }
    select
}

/// 「重新打印待打印回执」 and how the reprint went.
fn reprint(ui: &mut egui::Ui, theme: &Theme, area: &mut StaffArea) {
    let running = area.reprint.as_ref().is_some_and(|j| !j.done());
    if !running && widgets::button(ui, theme, "重新打印待打印回执").clicked() {
        let desk = area.desk.clone();
        let ctx = ui.ctx().clone();
        area.reprint = Some(Job::spawn("reprint", Some(ctx), move || {
            desk.with("reprinting pending receipts", |d| {
                let mut out = Vec::new();
                let now = chrono::Local::now().naive_local();
                let failed = crate::staff_requests::print_pending(d, now, &mut out)?;
                let text = String::from_utf8_lossy(&out).into_owned();
                Ok(if text.trim().is_empty() {
                    "没有待打印的回执。".to_string()
                } else {
                    format!("{text}仍未打印：{failed} 件")
                })
            })
        }));
    }
    if let Some(job) = &mut area.reprint {
        match job.poll() {
            None => {
                widgets::muted(ui, theme, "正在打印……");
            }
            Some(Ok(t)) => {
                widgets::body(ui, theme, t);
            }
            Some(Err(e)) => {
                widgets::warning(ui, theme, e);
            }
        }
    }
}

/// What the request section is called and says about its register.
fn register_heading(place: Place) -> (&'static str, Option<&'static str>) {
    match place {
        Place::Alone => ("政府信息公开申请登记", None),
        Place::Centre => (
            "政府信息公开申请登记（区级登记簿）",
            Some("以下为全区各终端受理的申请，办理状态的变更直接记入区级登记簿。回执由受理的终端打印。"),
        ),
        Place::KioskOfDistrict => (
            "政府信息公开申请登记（本终端记录，仅供查看）",
            Some("本终端受理的申请已送区级登记簿，办理状态由工作人员在区级登记簿变更；此处的办理状态可能尚未更新。"),
        ),
    }
}

fn requests_section(ui: &mut egui::Ui, theme: &Theme, area: &mut StaffArea) {
    let (title, note) = register_heading(area.place);
    widgets::title(ui, theme, title);
    if let Some(note) = note {
        widgets::muted(ui, theme, note);
    }
    let select = request_rows(ui, theme, area);
    if let Some((receipt_no, status)) = select {
        area.selected = Some(Selected {
            detail: read_detail(&area.desk, &receipt_no),
            receipt_no,
            status,
            outcome: None,
            change: None,
            saved: None,
        });
    }
    let mut reload = false;
    let decides = area.place != Place::KioskOfDistrict;
    if let Some(sel) = &mut area.selected {
        ui.separator();
        reload = selected_request(ui, theme, sel, &area.desk, decides);
    }
    if reload {
        area.requests = read_requests(&area.desk);
        if let Some(sel) = &mut area.selected {
            sel.detail = read_detail(&area.desk, &sel.receipt_no);
        }
    }
    ui.separator();
    if area.place != Place::Centre {
        reprint(ui, theme, area);
    }
    widgets::muted(
        ui,
        theme,
        "导出登记簿（XLSX/CSV）和清理到期个人信息请使用 kiosk requests export / purge 命令（见使用说明）。",
    );
}

/// The staff copy of one request and, when staff decide here (`decides`), the steps it may
/// take next. Returns whether the register changed (so the list is read again).
fn selected_request(
    ui: &mut egui::Ui,
    theme: &Theme,
    sel: &mut Selected,
    desk: &SharedDesk,
    decides: bool,
) -> bool {
    let s = theme.sizes();
    widgets::title(
        ui,
        theme,
        &format!("申请 {}（工作人员联，含完整证件号码）", sel.receipt_no),
    );
    match sel.detail.poll() {
        None => {
            widgets::muted(ui, theme, "正在读取……");
        }
        Some(Err(e)) => {
            widgets::warning(ui, theme, e);
        }
        Some(Ok(text)) => {
            for line in text.lines() {
                ui.label(RichText::new(line).size(s.small));
            }
        }
    }
    let mut changed = false;
    if let Some((to, job)) = &mut sel.change {
        let to = *to;
        match job.poll() {
            None => {
                widgets::muted(ui, theme, "正在保存……");
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                widgets::warning(ui, theme, e);
            }
        }
        if let Some(Ok(t)) = job.poll() {
            changed = true;
            sel.saved = Some(format!("已保存：{}", t.trim()));
            sel.status = to;
            sel.outcome = None;
            sel.change = None;
        }
    }
    if let Some(saved) = &sel.saved {
        widgets::body(ui, theme, saved);
    }
    if !decides {
        return changed;
    }
    let next: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|to| sel.status.may_become(*to))
        .collect();
    if next.contains(&Status::Answered) {
        widgets::muted(
            ui,
            theme,
            "答复类型（对应年度报告表格的行，答复前须选择）：",
        );
        ui.horizontal_wrapped(|ui| {
            for (o, code, label) in Outcome::TABLE {
                let chosen = sel.outcome == Some(o);
                if widgets::chip(ui, theme, &format!("{code} {label}"), chosen).clicked() {
                    sel.outcome = Some(o);
                    sel.saved = None;
                }
            }
        });
    }
    let mut to_send = None;
    ui.horizontal_wrapped(|ui| {
        for to in &next {
            let label = format!("改为：{}", to.label());
            if widgets::button(ui, theme, &label).clicked() {
                to_send = Some(*to);
            }
        }
    });
    if let Some(to) = to_send {
        if to == Status::Answered && sel.outcome.is_none() {
            sel.saved = Some("！请先选择答复类型。".into());
        } else if sel.change.as_ref().is_none_or(|c| c.1.done()) {
            let desk = desk.clone();
            let receipt_no = sel.receipt_no.clone();
            let outcome = sel.outcome.filter(|_| to == Status::Answered);
            let ctx = ui.ctx().clone();
            sel.change = Some((
                to,
                Job::spawn("staff-status", Some(ctx), move || {
                    let now = chrono::Local::now().naive_local();
                    let change = crate::requests::StatusChange {
                        to,
                        outcome,
                        on: now.date(),
                        actor: "终端工作人员".into(),
                        note: "在终端管理页面办理".into(),
                    };
                    desk.with("changing a request's status", |d| {
                        let mut out = Vec::new();
                        crate::staff_requests::set_status(d, &receipt_no, &change, now, &mut out)?;
                        Ok(String::from_utf8_lossy(&out).into_owned())
                    })
                }),
            ));
        }
    }
    changed
}
