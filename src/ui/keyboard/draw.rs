//! Drawing the keyboard: the candidate bar (numbered, paged with 上一页/下一页, wrapped within
//! its width), the full keyboard and the number pads. Only turns taps into [`Key`]s.

use super::{FieldKind, Key, Keyboard};
use crate::ui::candidates::Candidates;
use crate::ui::theme::Theme;
use egui::{RichText, Vec2};
use std::cell::Cell;

const LETTER_ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const DIGITS: &str = "1234567890";
/// What a 发文字号 needs besides digits and Hanzi, plus what e-mail addresses need.
const SYMBOLS_CHINESE: [&str; 5] = ["〔", "〕", "号", "年", "-"];
const SYMBOLS_LATIN: [&str; 5] = ["@", ".", "_", "-", "/"];
/// The number pad, as on a telephone.
const PAD_ROWS: [&str; 3] = ["123", "456", "789"];
/// The code pad's letters in alphabetical order (easier to find than a typewriter's).
const CODE_LETTERS: [&str; 4] = ["ABCDEFG", "HIJKLMN", "OPQRSTU", "VWXYZ"];

/// The keys of one frame and the one tapped.
struct Keys<'a> {
    theme: &'a Theme,
    pressed: Cell<Option<Key>>,
}

impl Keys<'_> {
    fn key(&self, ui: &mut egui::Ui, label: &str, width: f32, k: Key) {
        let (s, p) = (self.theme.sizes(), self.theme.palette());
        let b = egui::Button::new(RichText::new(label).size(s.title).color(p.button_text))
            .fill(p.button_bg)
            .min_size(Vec2::new(width, s.key));
        if ui.add(b).clicked() {
            self.pressed.set(Some(k));
        }
    }

    /// 「搜索」 or 「确定」, in the accent colour.
    fn enter(&self, ui: &mut egui::Ui, label: &str, width: f32) {
        let (s, p) = (self.theme.sizes(), self.theme.palette());
        let b = egui::Button::new(RichText::new(label).size(s.title).color(p.selected_text))
            .fill(p.selected_bg)
            .min_size(Vec2::new(width, s.key));
        if ui.add(b).clicked() {
            self.pressed.set(Some(Key::Enter));
        }
    }

    fn hint(&self, ui: &mut egui::Ui, text: &str) {
        let (s, p) = (self.theme.sizes(), self.theme.palette());
        ui.add(egui::Label::new(RichText::new(text).size(s.small).color(p.muted)).wrap());
    }

    /// Candidate `i` with its number before it; screen readers (and tests) read the word alone.
    fn candidate(&self, ui: &mut egui::Ui, i: usize, word: &str) {
        let (s, p) = (self.theme.sizes(), self.theme.palette());
        let mut job = egui::text::LayoutJob::default();
        let number = egui::TextFormat {
            font_id: egui::FontId::proportional(s.small),
            color: p.muted,
            valign: egui::Align::Center,
            ..Default::default()
        };
        job.append(&format!("{} ", i + 1), 0.0, number);
        let format = egui::TextFormat {
            font_id: egui::FontId::proportional(s.title),
            color: p.text,
            valign: egui::Align::Center,
            ..Default::default()
        };
        job.append(word, 0.0, format);
        let b = egui::Button::new(job)
            .fill(p.panel)
            .min_size(Vec2::new(s.key, s.key));
        let r = ui.add(b);
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, word));
        if r.clicked() {
            self.pressed.set(Some(Key::Candidate(i)));
        }
    }
}

/// Where the size of the keyboard drawn last is kept (the width of its keys, the height of keys
/// and candidate bar): a side panel is as wide as the keys, never as the candidate bar (which
/// wraps at whatever width it is given), and a bottom panel as high as both.
pub(crate) fn keys_size_id() -> egui::Id {
    egui::Id::unique("keyboard-keys-size")
}

fn store_keys_size(ui: &egui::Ui, width: f32, height: f32) {
    ui.data_mut(|d| d.insert_temp(keys_size_id(), egui::vec2(width, height)));
}

impl Keyboard {
    /// Draws the keyboard for the field's kind; returns the key tapped this frame.
    /// `enter_label` is 「搜索」 on the search screen and 「确定」 in forms.
    pub fn show(
        &self,
        ui: &mut egui::Ui,
        theme: &Theme,
        candidates: &Candidates,
        enter_label: &str,
    ) -> Option<Key> {
        let keys = Keys {
            theme,
            pressed: Cell::new(None),
        };
        let start = ui.cursor().min.x;
        if self.kind.pad() {
            let r = ui
                .scope(|ui| self.pad(ui, &keys, enter_label))
                .response
                .rect;
            store_keys_size(ui, r.max.x - start, r.height());
        } else {
            self.full_with_bar(ui, &keys, candidates, enter_label, start);
        }
        keys.pressed.into_inner()
    }

    /// The full keyboard at the bottom of its panel with the candidate bar above it.
    fn full_with_bar(
        &self,
        ui: &mut egui::Ui,
        keys: &Keys,
        candidates: &Candidates,
        enter_label: &str,
        start: f32,
    ) {
        // The keys at the bottom of the keyboard's panel (its bottom edge does not move),
        // the candidate bar directly above them: the bar grows and shrinks as candidates
        // come and go (one row or four), the keys never move. A key that moved as
        // candidates arrived took the tap meant for it onto the key above.
        let gap = ui.spacing().item_spacing.y;
        let k = keys.theme.sizes().key;
        let (keys_memory, bar_memory) = (
            egui::Id::unique("keyboard-keys-height"),
            egui::Id::unique("candidate-bar-height"),
        );
        let remembered = |id| ui.data(|d| d.get_temp::<f32>(id));
        let keys_height = remembered(keys_memory).unwrap_or(5.0 * (k + gap));
        // As high as the bar was last frame: a taller one is clipped for that one frame
        // (and takes no tap) rather than pushing the keys down.
        let bar_height = remembered(bar_memory).unwrap_or(0.0).max(k);
        let (left, width, bottom) = (start, ui.available_width(), ui.max_rect().max.y);
        let keys_rect = egui::Rect::from_min_max(
            egui::pos2(left, bottom - keys_height),
            egui::pos2(left + width, bottom),
        );
        let bar_rect = egui::Rect::from_min_max(
            egui::pos2(left, keys_rect.min.y - gap - bar_height),
            egui::pos2(left + width, keys_rect.min.y - gap),
        );
        let mut bar = ui.new_child(egui::UiBuilder::new().max_rect(bar_rect));
        bar.shrink_clip_rect(bar_rect);
        self.candidate_bar(&mut bar, keys, candidates);
        let needed = bar.min_rect().height();
        let mut pad = ui.new_child(egui::UiBuilder::new().max_rect(keys_rect));
        self.full(&mut pad, keys, enter_label);
        let drawn = pad.min_rect();
        store_keys_size(ui, drawn.max.x - start, needed + gap + drawn.height());
        ui.data_mut(|d| {
            d.insert_temp(bar_memory, needed);
            d.insert_temp(keys_memory, drawn.height());
        });
        ui.allocate_rect(bar_rect.union(keys_rect), egui::Sense::hover());
    }

    /// The pinyin typed and one page of numbered candidates, wrapped within the bar's width, or
    /// a hint; at least as high as a key.
    fn candidate_bar(&self, ui: &mut egui::Ui, keys: &Keys, candidates: &Candidates) {
        let (s, p) = (keys.theme.sizes(), keys.theme.palette());
        ui.horizontal_wrapped(|ui| {
            ui.set_min_height(s.key);
            ui.set_max_width(ui.available_width());
            if self.pinyin.is_empty() {
                keys.hint(ui, self.hint());
                return;
            }
            ui.label(
                RichText::new(&self.pinyin)
                    .size(s.title)
                    .underline()
                    .color(p.accent),
            );
            if candidates.is_empty() {
                ui.label(RichText::new("（无候选字词）").size(s.small).color(p.muted));
            }
            for (i, word) in candidates.iter().enumerate() {
                keys.candidate(ui, i, word);
            }
            let width = s.key * 2.0;
            // Shown only when there is such a page: a disabled button in a child scope would
            // not wrap with the candidates and ran past the bar's right edge.
            if self.page > 0 {
                keys.key(ui, "上一页", width, Key::PreviousPage);
            }
            if candidates.has_next {
                keys.key(ui, "下一页", width, Key::NextPage);
            }
        });
    }

    fn hint(&self) -> &'static str {
        match (self.latin, self.kind) {
            (true, _) => "字母输入：按键直接输入字母",
            (false, FieldKind::PersonName) => {
                "姓名输入：按拼音输入姓名（如 wangxiuying），再点选；常见姓氏和名字用字优先"
            }
            _ => "拼音输入：按字母键输入拼音，可只输首字母，再点选汉字或按数字键选第几个",
        }
    }

    /// Digits, letters, the 文号 (or e-mail) symbols, space and the mode switch.
    fn full(&self, ui: &mut egui::Ui, keys: &Keys, enter_label: &str) {
        let k = keys.theme.sizes().key;
        let symbols = if self.latin {
            SYMBOLS_LATIN
        } else {
            SYMBOLS_CHINESE
        };
        ui.horizontal(|ui| {
            for d in DIGITS.chars() {
                keys.key(ui, &d.to_string(), k, Key::Text(d.to_string()));
            }
            ui.add_space(k / 3.0);
            keys.key(ui, "退格", k * 2.0, Key::Backspace);
        });
        for (i, row) in LETTER_ROWS.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.add_space(i as f32 * k / 2.0);
                for c in row.chars() {
                    keys.key(ui, &c.to_string(), k, Key::Letter(c));
                }
                ui.add_space(k / 3.0);
                match i {
                    0 => keys.key(ui, "清空", k * 2.0, Key::Clear),
                    1 => {
                        for sym in &symbols[..2] {
                            keys.key(ui, sym, k, Key::Text((*sym).to_string()));
                        }
                    }
                    _ => {
                        for sym in &symbols[2..] {
                            keys.key(ui, sym, k, Key::Text((*sym).to_string()));
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
            keys.key(ui, mode, k * 3.0, Key::ToggleMode);
            keys.key(ui, "空格", k * 5.0, Key::Space);
            keys.enter(ui, enter_label, k * 3.0);
        });
    }

    /// The number pad: 1–9 and 0, the field's extra key (X, -), the letters for codes,
    /// backspace, clear and enter.
    fn pad(&self, ui: &mut egui::Ui, keys: &Keys, enter_label: &str) {
        let k = keys.theme.sizes().key;
        let wide = k * 1.5;
        let (hint, extra) = match self.kind {
            FieldKind::IdNumber => ("数字键盘：请输入证件号码，末位是X时按X键", Some("X")),
            FieldKind::Phone => ("数字键盘：请输入手机号码或带区号的固定电话", Some("-")),
            FieldKind::Code => ("字母数字键盘：请照受理回执逐位输入", Some("-")),
            _ => ("数字键盘：请输入数字", None),
        };
        keys.hint(ui, hint);
        let fits = self.side_column_fits(ui, k);
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                for row in PAD_ROWS {
                    ui.horizontal(|ui| {
                        for d in row.chars() {
                            keys.key(ui, &d.to_string(), wide, Key::Text(d.to_string()));
                        }
                    });
                }
                ui.horizontal(|ui| {
                    match extra {
                        Some(x) => keys.key(ui, x, wide, Key::Text(x.to_string())),
                        None => {
                            ui.add_space(wide + ui.spacing().item_spacing.x);
                        }
                    }
                    keys.key(ui, "0", wide, Key::Text("0".into()));
                    keys.key(ui, "退格", wide, Key::Backspace);
                });
            });
            ui.add_space(k / 3.0);
            if self.kind == FieldKind::Code {
                ui.vertical(|ui| {
                    for row in CODE_LETTERS {
                        ui.horizontal(|ui| {
                            for c in row.chars() {
                                keys.key(ui, &c.to_string(), k, Key::Letter(c));
                            }
                        });
                    }
                });
                ui.add_space(k / 3.0);
            }
            // 清空 and 确定 to the right where they fit, else in a row under the keys (the
            // letters pad in portrait elderly mode is as wide as the screen).
            if fits {
                ui.vertical(|ui| {
                    keys.key(ui, "清空", k * 2.5, Key::Clear);
                    keys.enter(ui, enter_label, k * 2.5);
                });
            }
        });
        if !fits {
            ui.horizontal(|ui| {
                keys.key(ui, "清空", k * 2.5, Key::Clear);
                keys.enter(ui, enter_label, k * 2.5);
            });
        }
    }

    /// Whether 清空 and 确定 fit as a column right of the pad's keys.
    fn side_column_fits(&self, ui: &egui::Ui, k: f32) -> bool {
        let gap = ui.spacing().item_spacing.x;
        let wide = k * 1.5;
        let mut needed = 3.0 * (wide + gap) + k / 3.0 + gap + k * 2.5;
        if self.kind == FieldKind::Code {
            let columns = CODE_LETTERS
                .iter()
                .map(|r| r.chars().count())
                .max()
                .unwrap_or(0);
            needed += columns as f32 * (k + gap) + k / 3.0 + gap;
        }
        needed <= ui.max_rect().width()
    }
}
