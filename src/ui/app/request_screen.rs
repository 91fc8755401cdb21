//! The request form's screen: the form, its keyboard, the published records that already answer
//! it, and the keys typed into the field last touched.

use super::*;
use crate::ui::keyboard::{Applied, Key};

impl KioskApp {
    pub(super) fn request_screen(&mut self, ui: &mut egui::Ui) {
        let theme = self.visit.theme;
        let mut open_hit = None;
        let mut key = None;
        let Some(description_before) = self.visit.form.as_ref().map(|f| f.form.description.clone())
        else {
            self.visit.screen = Screen::Home;
            return;
        };
        let action = {
            let Some(form) = self.visit.form.as_mut() else {
                return;
            };
            let keyboard = &self.visit.keyboard;
            let candidates = &self.visit.candidates;
            if form.wants_keyboard() {
                let frame = egui::Frame::new()
                    .fill(theme.palette().panel)
                    .inner_margin(10.0);
                egui::Panel::bottom(("form-keyboard", self.visit_no))
                    .frame(frame)
                    .show(ui, |ui| {
                        key = keyboard.show(ui, &theme, candidates, "确定");
                    });
            }
            let matches = &self.visit.form_matches;
            let titles: Vec<String> = matches.iter().map(|h| h.title.clone()).collect();
            egui::CentralPanel::default()
                .show(ui, |ui| request_form::show(ui, form, &theme, &titles))
                .inner
        };
        if let Some(k) = key {
            self.form_key(k);
        }
        // Typed on the form or on the keyboard: look again for published records.
        let description = self.visit.form.as_ref().map(|f| &f.form.description);
        if let Some(d) = description.filter(|d| **d != description_before).cloned() {
            self.form_description_changed(d);
        }
        if let Some(request_form::Action::OpenPublished(i)) = action {
            open_hit = self.visit.form_matches.get(i).cloned();
        }
        if let Some(hit) = open_hit {
            self.open(hit);
            return;
        }
        let sent = match action {
            Some(request_form::Action::OpenPublished(_)) => Ok(()),
            Some(request_form::Action::Close) => {
                self.go_home();
                Ok(())
            }
            Some(action) => self.requests.commands.send((self.visit_no, action)),
            None => Ok(()),
        };
        if sent.is_err() {
            tracing::error!("the request worker has stopped");
        }
    }

    /// A key of the on-screen keyboard on the form: it types into the field last touched.
    pub(super) fn form_key(&mut self, key: Key) {
        let candidates = self.visit.candidates.clone();
        let Some(form) = self.visit.form.as_mut() else {
            return;
        };
        let Some(field) = form.active_text() else {
            return;
        };
        let applied = self.visit.keyboard.apply(field, key, &candidates);
        if applied == Applied::Nothing {
            return;
        }
        if applied == Applied::Submitted {
            form.advance();
        }
        let pinyin = self.visit.keyboard.pinyin.clone();
        let seq = self.next_seq();
        self.tracks.candidates = Track {
            sent: seq,
            answered: pinyin.is_empty(),
        };
        if pinyin.is_empty() {
            self.visit.candidates.clear();
        } else {
            self.send(Command::Candidates { seq, pinyin });
        }
    }
}
