//! The kiosk's own on-screen keyboard (a full-screen app gets no system keyboard): a Latin
//! layout whose letters build a pinyin syllable string shown over a Hanzi candidate bar (full
//! pinyin and initials, candidates from the index through the search worker), digits and the
//! symbols a 发文字号 needs (〔〕号年), backspace, clear, space and 「搜索」.
//!
//! The editing rules are pure ([`Keyboard::apply`]) so they are tested without a screen; the
//! drawing ([`Keyboard::show`]) only turns taps into [`Key`]s.

use super::theme::Theme;
use egui::{RichText, Vec2};

const LETTER_ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const DIGITS: &str = "1234567890";
/// What a 发文字号 needs besides digits and Hanzi, plus what e-mail addresses need.
const SYMBOLS_CHINESE: [&str; 5] = ["〔", "〕", "号", "年", "-"];
const SYMBOLS_LATIN: [&str; 5] = ["@", ".", "_", "-", "/"];

/// One tap on the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A letter: builds pinyin (拼音 mode) or is typed as it is (字母 mode).
    Letter(char),
    /// A digit or symbol, typed as it is.
    Text(String),
    /// A Hanzi candidate from the bar.
    Candidate(String),
    Backspace,
    Clear,
    Space,
    /// Switch between 拼音 and 字母.
    ToggleMode,
    /// 「搜索」 or 「确定」: finish the input.
    Enter,
}

/// What a tap did, for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The text or the pinyin changed.
    Edited,
    /// Enter: the input is finished.
    Submitted,
    Nothing,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keyboard {
    /// Letters typed in 拼音 mode and not yet turned into Hanzi.
    pub pinyin: String,
    /// Letters go straight into the text (e-mail addresses, Latin names).
    pub latin: bool,
}

impl Keyboard {
    /// The text as the search sees it while typing: committed text plus the pending pinyin
    /// (the search reads mixed input such as 社bao itself).
    pub fn preview(&self, text: &str) -> String {
        format!("{text}{}", self.pinyin)
    }

    /// Commits pending pinyin: the best candidate if there is one, else the letters as typed.
    fn commit(&mut self, text: &mut String, candidates: &[String]) {
        if self.pinyin.is_empty() {
            return;
        }
        match candidates.first() {
            Some(best) => text.push_str(best),
            None => text.push_str(&self.pinyin),
        }
        self.pinyin.clear();
    }

    /// Applies one tap to `text`; `candidates` are those shown for the current pinyin.
    pub fn apply(&mut self, text: &mut String, key: Key, candidates: &[String]) -> Applied {
        match key {
            Key::Letter(c) if self.latin => text.push(c),
            Key::Letter(c) => self.pinyin.push(c),
            Key::Text(t) => {
                self.commit(text, candidates);
                text.push_str(&t);
            }
            Key::Candidate(c) => {
                text.push_str(&c);
                self.pinyin.clear();
            }
            Key::Backspace => {
                if self.pinyin.pop().is_none() && text.pop().is_none() {
                    return Applied::Nothing;
                }
            }
            Key::Clear => {
                if self.pinyin.is_empty() && text.is_empty() {
                    return Applied::Nothing;
                }
                self.pinyin.clear();
                text.clear();
            }
            Key::Space if !self.pinyin.is_empty() => self.commit(text, candidates),
            Key::Space => text.push(' '),
            Key::ToggleMode => {
                self.commit(text, candidates);
                self.latin = !self.latin;
            }
            Key::Enter => {
                self.commit(text, candidates);
                return Applied::Submitted;
            }
        }
        Applied::Edited
    }

    /// Draws the candidate bar (the pinyin typed and its candidates, or a hint); a tapped
    /// candidate goes into `pressed`.
    fn candidate_bar(
        &self,
        ui: &mut egui::Ui,
        theme: &Theme,
        candidates: &[String],
        pressed: &std::cell::Cell<Option<Key>>,
    ) {
        let s = theme.sizes();
        let p = theme.palette();
        let key_size = Vec2::splat(s.key);
        // The candidate bar: always as high as a key, so the keys do not jump.
        ui.horizontal(|ui| {
            ui.set_min_height(s.key);
            if self.pinyin.is_empty() {
                ui.label(
                    RichText::new(if self.latin {
                        "字母输入：按键直接输入字母"
                    } else {
                        "拼音输入：按字母键输入拼音，可只输首字母，再点选汉字"
                    })
                    .size(s.small)
                    .color(p.muted),
                );
            } else {
                ui.label(
                    RichText::new(&self.pinyin)
                        .size(s.title)
                        .underline()
                        .color(p.accent),
                );
                if candidates.is_empty() {
                    ui.label(RichText::new("（无候选字词）").size(s.small).color(p.muted));
                }
                for c in candidates.iter().take(8) {
                    let b = egui::Button::new(RichText::new(c).size(s.title).color(p.text))
                        .fill(p.panel)
                        .min_size(key_size);
                    if ui.add(b).clicked() {
                        pressed.set(Some(Key::Candidate(c.clone())));
                    }
                }
            }
        });
    }

    /// Draws the candidate bar and the keys; returns the key tapped this frame.
    /// `enter_label` is 「搜索」 on the search screen and 「确定」 in forms.
    pub fn show(
        &self,
        ui: &mut egui::Ui,
        theme: &Theme,
        candidates: &[String],
        enter_label: &str,
    ) -> Option<Key> {
        let s = theme.sizes();
        let p = theme.palette();
        let pressed = std::cell::Cell::new(None);
        let key = |ui: &mut egui::Ui, label: &str, width: f32, k: Key| {
            let b = egui::Button::new(RichText::new(label).size(s.title).color(p.button_text))
                .fill(p.button_bg)
                .min_size(Vec2::new(width, s.key));
            if ui.add(b).clicked() {
                pressed.set(Some(k));
            }
        };
        self.candidate_bar(ui, theme, candidates, &pressed);
        let symbols = if self.latin {
            SYMBOLS_LATIN
        } else {
            SYMBOLS_CHINESE
        };
        ui.horizontal(|ui| {
            for d in DIGITS.chars() {
                key(ui, &d.to_string(), s.key, Key::Text(d.to_string()));
            }
            ui.add_space(s.key / 3.0);
            key(ui, "退格", s.key * 2.0, Key::Backspace);
        });
        for (i, row) in LETTER_ROWS.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.add_space(i as f32 * s.key / 2.0);
                for c in row.chars() {
                    key(ui, &c.to_string(), s.key, Key::Letter(c));
                }
                ui.add_space(s.key / 3.0);
                match i {
                    0 => key(ui, "清空", s.key * 2.0, Key::Clear),
                    1 => {
                        for sym in &symbols[..2] {
                            key(ui, sym, s.key, Key::Text((*sym).to_string()));
                        }
                    }
                    _ => {
                        for sym in &symbols[2..] {
                            key(ui, sym, s.key, Key::Text((*sym).to_string()));
                        }
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            let mode = if self.latin {
                "切换到拼音"
            } else {
                "切换到字母"
            };
            key(ui, mode, s.key * 3.0, Key::ToggleMode);
            key(ui, "空格", s.key * 5.0, Key::Space);
            let b = egui::Button::new(
                RichText::new(enter_label)
                    .size(s.title)
                    .color(p.selected_text),
            )
            .fill(p.selected_bg)
            .min_size(Vec2::new(s.key * 3.0, s.key));
            if ui.add(b).clicked() {
                pressed.set(Some(Key::Enter));
            }
        });
        pressed.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kb: &mut Keyboard, text: &mut String, keys: &str) {
        for c in keys.chars() {
            kb.apply(text, Key::Letter(c), &[]);
        }
    }

    #[test]
    fn letters_build_pinyin_and_a_candidate_replaces_it() {
        let mut kb = Keyboard::default();
        let mut text = String::new();
        typed(&mut kb, &mut text, "shebao");
        assert_eq!(kb.pinyin, "shebao");
        assert_eq!(text, "");
        assert_eq!(kb.preview(&text), "shebao");
        kb.apply(&mut text, Key::Candidate("社保".into()), &[]);
        assert_eq!((text.as_str(), kb.pinyin.as_str()), ("社保", ""));
        typed(&mut kb, &mut text, "ka");
        assert_eq!(kb.preview(&text), "社保ka");
    }

    #[test]
    fn backspace_eats_pinyin_first_then_text_and_clear_empties_both() {
        let mut kb = Keyboard::default();
        let mut text = "低保".to_string();
        typed(&mut kb, &mut text, "sq");
        kb.apply(&mut text, Key::Backspace, &[]);
        assert_eq!((text.as_str(), kb.pinyin.as_str()), ("低保", "s"));
        kb.apply(&mut text, Key::Backspace, &[]);
        kb.apply(&mut text, Key::Backspace, &[]);
        assert_eq!(text, "低");
        kb.apply(&mut text, Key::Clear, &[]);
        assert!(text.is_empty() && kb.pinyin.is_empty());
        assert_eq!(kb.apply(&mut text, Key::Backspace, &[]), Applied::Nothing);
    }

    #[test]
    fn a_doc_number_is_typed_with_candidates_digits_and_symbols() {
        let mut kb = Keyboard::default();
        let mut text = String::new();
        typed(&mut kb, &mut text, "guofa");
        // A symbol commits the best candidate first.
        kb.apply(&mut text, Key::Text("〔".into()), &["国发".to_string()]);
        for k in ["2", "0", "1", "9", "〕", "5", "号"] {
            kb.apply(&mut text, Key::Text(k.into()), &[]);
        }
        assert_eq!(text, "国发〔2019〕5号");
    }

    #[test]
    fn space_and_enter_commit_pending_pinyin_and_enter_submits() {
        let mut kb = Keyboard::default();
        let mut text = String::new();
        typed(&mut kb, &mut text, "hu");
        kb.apply(&mut text, Key::Space, &["户口".to_string()]);
        assert_eq!(text, "户口");
        typed(&mut kb, &mut text, "qianyi");
        // No candidate: the letters are kept as typed (the search reads pinyin itself).
        assert_eq!(kb.apply(&mut text, Key::Enter, &[]), Applied::Submitted);
        assert_eq!(text, "户口qianyi");
    }

    #[test]
    fn latin_mode_types_letters_directly() {
        let mut kb = Keyboard::default();
        let mut text = String::new();
        kb.apply(&mut text, Key::ToggleMode, &[]);
        typed(&mut kb, &mut text, "li");
        kb.apply(&mut text, Key::Text("@".into()), &[]);
        assert_eq!(text, "li@");
        assert!(kb.pinyin.is_empty());
    }
}
