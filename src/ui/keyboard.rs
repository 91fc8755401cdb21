//! The kiosk's own on-screen keyboard (a full-screen app gets no system keyboard). For text, a
//! Latin layout whose letters build a pinyin string shown over a numbered, paged Hanzi candidate
//! bar (candidates from [`crate::ime`] through the input-method thread; in name fields the name
//! model); digits and the symbols a 发文字号 needs (〔〕号年). For numbers and codes, a number pad
//! (身份证号 with X, phone numbers, and 受理编号/查询码 with the letters A–Z).
//!
//! The editing rules are pure ([`Keyboard::apply`]) so they are tested without a screen; the
//! drawing (`draw`, [`Keyboard::show`]) only turns taps into [`Key`]s.

pub(crate) mod draw;

use super::candidates::Candidates;
use crate::ime::Mode;

/// What a field takes: it decides the keys drawn and the input method's model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldKind {
    /// Chinese text: pinyin, words and sentences (search, address, description).
    #[default]
    Text,
    /// A person's name: pinyin with common surnames and given-name characters first.
    PersonName,
    /// Letters typed as they are (e-mail addresses).
    Latin,
    /// A 居民身份证 number: digits and X.
    IdNumber,
    /// A telephone number: digits and `-`.
    Phone,
    /// Digits only (postcodes).
    Digits,
    /// Capital letters, digits and `-`: 受理编号, 查询码, 统一社会信用代码, passport numbers.
    Code,
}

impl FieldKind {
    /// Whether the field gets the number pad instead of the full keyboard.
    pub fn pad(self) -> bool {
        matches!(
            self,
            FieldKind::IdNumber | FieldKind::Phone | FieldKind::Digits | FieldKind::Code
        )
    }

    /// The input method's model for the field's pinyin.
    pub fn mode(self) -> Mode {
        match self {
            FieldKind::PersonName => Mode::Names,
            _ => Mode::General,
        }
    }
}

/// One tap on the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A letter: builds pinyin (拼音 mode) or is typed as it is (字母 mode, the code pad).
    Letter(char),
    /// A digit or symbol, typed as it is; while pinyin is pending, digit N picks candidate N.
    Text(String),
    /// Candidate number N (from 0) of the page shown.
    Candidate(usize),
    PreviousPage,
    NextPage,
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
    /// Another page of candidates is wanted; the text is as it was.
    Paged,
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
    /// What the field being typed takes.
    pub kind: FieldKind,
    /// The candidate page shown (from 0); back to the first page when the pinyin changes.
    pub page: usize,
}

impl Keyboard {
    /// A keyboard for a field of `kind` (e-mail fields start in 字母 mode).
    pub fn for_field(kind: FieldKind) -> Keyboard {
        Keyboard {
            kind,
            latin: kind == FieldKind::Latin,
            ..Keyboard::default()
        }
    }

    /// The text as the search sees it while typing: committed text plus the pending pinyin
    /// (the search reads mixed input such as 社bao itself).
    pub fn preview(&self, text: &str) -> String {
        format!("{text}{}", self.pinyin)
    }

    /// Puts candidate `i` of the page into the text; the syllables it does not cover stay
    /// pending (王 from `wangxiuying` leaves `xiuying`). Candidates shown for an earlier state
    /// of the pinyin (typed on before they arrived) replace what they were for.
    fn pick(&mut self, text: &mut String, i: usize, candidates: &Candidates) -> bool {
        let (Some(word), Some(&consumed)) = (candidates.get(i), candidates.consumed.get(i)) else {
            return false;
        };
        let covered = candidates.pinyin.get(..consumed).unwrap_or("");
        text.push_str(word);
        if self.pinyin.starts_with(covered) {
            self.pinyin.replace_range(..covered.len(), "");
        } else {
            self.pinyin.clear();
        }
        self.page = 0;
        true
    }

    /// Commits all pending pinyin: the first candidate shown and, should it cover only a start
    /// (or should there be none), the remaining letters as typed (the search reads pinyin).
    fn commit(&mut self, text: &mut String, candidates: &Candidates) {
        if self.pinyin.is_empty() {
            return;
        }
        self.pick(text, 0, candidates);
        text.push_str(&self.pinyin);
        self.pinyin.clear();
        self.page = 0;
    }

    /// Applies one tap to `text`; `candidates` are those shown for the current pinyin.
    pub fn apply(&mut self, text: &mut String, key: Key, candidates: &Candidates) -> Applied {
        let composing = !self.pinyin.is_empty();
        match key {
            Key::Letter(c) if self.latin || self.kind.pad() => text.push(c),
            Key::Letter(c) => {
                self.pinyin.push(c.to_ascii_lowercase());
                self.page = 0;
            }
            Key::Text(t) if composing && digit_pick(&t).is_some() => {
                let n = digit_pick(&t).unwrap_or(0);
                if !self.pick(text, n, candidates) {
                    return Applied::Nothing;
                }
            }
            Key::Text(t) => {
                self.commit(text, candidates);
                text.push_str(&t);
            }
            Key::Candidate(i) => {
                if !self.pick(text, i, candidates) {
                    return Applied::Nothing;
                }
            }
            Key::PreviousPage if composing && self.page > 0 => {
                self.page -= 1;
                return Applied::Paged;
            }
            Key::NextPage if composing && candidates.has_next => {
                self.page = candidates.page + 1;
                return Applied::Paged;
            }
            Key::PreviousPage | Key::NextPage => return Applied::Nothing,
            Key::Backspace => {
                if self.pinyin.pop().is_none() && text.pop().is_none() {
                    return Applied::Nothing;
                }
                self.page = 0;
            }
            Key::Clear => {
                if self.pinyin.is_empty() && text.is_empty() {
                    return Applied::Nothing;
                }
                self.pinyin.clear();
                self.page = 0;
                text.clear();
            }
            Key::Space if composing => {
                if !self.pick(text, 0, candidates) {
                    self.commit(text, candidates);
                }
            }
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
}

/// The candidate a digit key picks while pinyin is pending: `1` → the first.
fn digit_pick(t: &str) -> Option<usize> {
    match t.as_bytes() {
        [d @ b'1'..=b'9'] => Some(usize::from(d - b'1')),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
