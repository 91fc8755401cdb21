//! The pinyin input method of the on-screen keyboard: typed Latin letters → numbered, paged
//! Hanzi candidates. Owns the dictionary, syllable splitting and ranking; knows nothing of egui
//! or of the search index (the index only ranks, through [`Vocabulary`]).
//!
//! **Dictionary.** jieba's `dict.txt` (MIT; 349,000 words with frequencies and part-of-speech
//! tags, from a large mixed corpus; the de-facto open Chinese word list, shipped in the
//! `jieba-rs` crate we already use for segmentation) with readings from the `pinyin` crate
//! (mozillazg's `pinyin-data`, MIT). Chosen because both are well kept, openly licensed and
//! already dependencies; jieba gives word *and* character frequencies and tags person names
//! (`nr`), which feeds the name mode. `examples/gen_ime_lexicon.rs` writes
//! `assets/ime/lexicon.tsv.lz4` (138,000 words: frequency ≥ 5, every character, and the
//! project's `gov_terms.txt`; 2.4 MB) and `names.tsv.lz4` (0.36 MB); licences in
//! `assets/ime/LICENSE.md`.
//!
//! **Polyphones.** The `pinyin` crate reads characters, not words, so a word keeps every
//! combination of its characters' readings, most common first: up to 4 for two characters
//! (银行 yin xing|yin hang|…), 2 for longer words (重庆市 zhong qing shi|chong qing shi). The
//! typed pinyin selects the right one; each later combination costs a little
//! (`READING_PENALTY`). A wrong combination can only add a candidate, never hide one.
//!
//! **Name mode** ([`Mode::Names`]): surname (single or compound, from the 百家姓 and jieba's
//! `nr` person names, weighted by how many names carry it) + one or two given-name characters
//! (weighted by their share in given names, smoothed with general frequency) or a known
//! two-character given name (秀英), plus a bonus for a name start that jieba attests (张三 from
//! 张三丰). Name candidates come first, general ones after; the best two surnames alone come
//! right after the first five names, so the surname can be chosen by itself on the first page.
//!
//! **Ranking.** Whole-input candidates first (the k-best conversions of a unigram Viterbi over
//! syllable splits, and whole words), then words that consume a shorter start of the input,
//! longest first; each candidate says how many bytes of the input it consumes
//! ([`Candidate::rest`]), so choosing 王 in `wangxiuying` leaves `xiuying`.

mod decode;
mod dict;
mod input;

pub use dict::DictError;

use std::sync::OnceLock;

/// Which model ranks the candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Words and sentences.
    #[default]
    General,
    /// Person names first: surnames and given-name characters (name fields of forms).
    Names,
}

/// One candidate: the Hanzi and how much of the typed text it replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub text: String,
    /// Bytes of the typed text this candidate consumes (a start of it).
    pub consumed: usize,
    /// Log-probability-like score; only its order means something.
    pub score: f32,
}

impl Candidate {
    /// What remains of `typed` after choosing this candidate (`xiuying` after 王).
    pub fn rest<'a>(&self, typed: &'a str) -> &'a str {
        typed.get(self.consumed..).unwrap_or("")
    }
}

/// One page of candidates, numbered from 1 on the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub candidates: Vec<Candidate>,
    /// Zero-based page number (clamped to the last page).
    pub page: usize,
    pub per_page: usize,
    /// All candidates over all pages.
    pub total: usize,
}

impl Page {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1))
    }
    pub fn has_previous(&self) -> bool {
        self.page > 0
    }
    pub fn has_next(&self) -> bool {
        self.page + 1 < self.pages()
    }
}

/// The index's vocabulary as a ranking signal: a word's document frequency (0 when absent).
/// It raises words of the index; it never removes a dictionary word.
pub trait Vocabulary {
    fn doc_freq(&self, word: &str) -> u32;
    /// The index's own readings of the whole typed text, best first, that lead the list in
    /// general mode (none by default). The kiosk gives the search's readings of initials: `jszg` is read
    /// 教师资格 against the titles of the index, where the dictionary alone composes 技术中国.
    fn readings(&self, _typed: &str) -> Vec<String> {
        Vec::new()
    }
}

impl<F: Fn(&str) -> u32> Vocabulary for F {
    fn doc_freq(&self, word: &str) -> u32 {
        self(word)
    }
}

/// Whether `typed` is initials alone: letters, none of them a vowel (`jszg`, `zfxxgk`).
pub fn initials_only(typed: &str) -> bool {
    !typed.is_empty()
        && typed
            .bytes()
            .all(|b| b.is_ascii_lowercase() && !input::is_vowel(b))
}

/// The loaded input method; [`InputMethod::shared`] loads it once per process.
pub struct InputMethod {
    dict: dict::Dict,
}

impl InputMethod {
    /// Parses the embedded dictionary (a few hundred ms in a release build).
    pub fn load() -> Result<InputMethod, DictError> {
        Ok(InputMethod {
            dict: dict::Dict::load()?,
        })
    }

    /// The process-wide instance, loaded on first use.
    pub fn shared() -> Result<&'static InputMethod, &'static DictError> {
        static SHARED: OnceLock<Result<InputMethod, DictError>> = OnceLock::new();
        SHARED.get_or_init(InputMethod::load).as_ref()
    }

    /// Every candidate for `typed`, best first (at most 400).
    pub fn all(&self, typed: &str, mode: Mode, vocab: Option<&dyn Vocabulary>) -> Vec<Candidate> {
        decode::candidates(&self.dict, typed, mode, vocab)
    }

    /// Page `page` (zero-based) of `per_page` candidates, with the total for 上一页/下一页.
    pub fn candidates(
        &self,
        typed: &str,
        mode: Mode,
        page: usize,
        per_page: usize,
        vocab: Option<&dyn Vocabulary>,
    ) -> Page {
        let all = self.all(typed, mode, vocab);
        let per_page = per_page.max(1);
        let total = all.len();
        let last = total.saturating_sub(1) / per_page;
        let page = page.min(last);
        Page {
            candidates: all
                .into_iter()
                .skip(page * per_page)
                .take(per_page)
                .collect(),
            page,
            per_page,
            total,
        }
    }
}

#[cfg(test)]
mod tests;
