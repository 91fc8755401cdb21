//! The 读屏 switch (issue 18 item 9): what is read aloud and when. The text of an opened
//! document or service item, and of each form field chosen, goes to [`crate::speech::Speech`]
//! (which never blocks); switching off, going home and the idle reset stop it.

use super::*;
use crate::catalog::Record;

impl KioskApp {
    /// 读屏 on or off; on, the screen shown is read from its start.
    pub fn toggle_read_aloud(&mut self) {
        self.visit.read_aloud = !self.visit.read_aloud;
        if !self.visit.read_aloud {
            self.speech.stop();
            return;
        }
        let text = match self.visit.doc.as_ref() {
            Some(doc) => record_text(&doc.hit.title, doc.record(), doc.body.as_deref()),
            None => "读屏已开启。打开文件、办事指南或填写申请时，将为您朗读内容。".to_string(),
        };
        self.speech.speak(&text);
    }

    /// Reads `text` aloud when the switch is on (a new text ends the one being read).
    pub fn read_aloud(&self, text: &str) {
        if self.visit.read_aloud {
            self.speech.speak(text);
        }
    }

    /// The open record's body has arrived: read the whole record.
    pub(super) fn read_open_record(&self) {
        if let Some(doc) = self.visit.doc.as_ref() {
            self.read_aloud(&record_text(
                &doc.hit.title,
                doc.record(),
                doc.body.as_deref(),
            ));
        }
    }
}

/// What is read for a record: its title, issuer and date; for a service item the conditions,
/// materials, time limits, fees, place, hours and phone; then the body.
pub fn record_text(title: &str, record: Option<&Record>, body: Option<&str>) -> String {
    let mut parts = vec![title.to_string()];
    if let Some(r) = record {
        if let Some(issuer) = &r.issuer {
            parts.push(format!("发布机构：{issuer}"));
        }
        if let Some(d) = r.published_date {
            parts.push(format!("发布日期：{}", d.format("%Y年%m月%d日")));
        }
        if let Some(s) = &r.service {
            push(&mut parts, "办理条件", &s.conditions);
            let materials: Vec<&str> = s.materials.iter().map(|m| m.name.as_str()).collect();
            if !materials.is_empty() {
                parts.push(format!("申请材料：{}", materials.join("；")));
            }
            for (label, v) in [
                ("法定办结时限", &s.legal_time_limit),
                ("承诺办结时限", &s.promised_time_limit),
                ("收费标准", &s.fees),
                ("办理地点", &s.location),
                ("办理时间", &s.hours),
                ("咨询电话", &s.consult_phone),
            ] {
                push(&mut parts, label, v);
            }
        }
    }
    if let Some(body) = body.filter(|b| !b.trim().is_empty()) {
        parts.push(body.to_string());
    }
    parts.join("。\n")
}

fn push(parts: &mut Vec<String>, label: &str, v: &Option<String>) {
    if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
        parts.push(format!("{label}：{v}"));
    }
}
