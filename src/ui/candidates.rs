//! The keyboard's candidate bar as data ([`Candidates`]: one numbered page for a typed pinyin)
//! and the input-method thread that fills it from [`crate::ime`], off the UI thread and apart
//! from the search worker, so a keystroke's candidates never wait behind a search. The index's
//! vocabulary (sent by the search worker whenever a generation opens) only ranks: a dictionary
//! word is never left out for not being in the index.

use super::worker::Event;
use crate::ime::{InputMethod, Mode, Vocabulary};
use crate::search::lexicon::Lexicon;
use crate::search::pinyin::PinyinIndex;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

/// Candidates on one page of the bar: numbered 1–9, so the digit keys pick them.
pub const PER_PAGE: usize = 9;

/// One page of candidates for a typed pinyin, as the bar shows it. Derefs to the texts of
/// the page, best first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// The pinyin these candidates answer.
    pub pinyin: String,
    pub texts: Vec<String>,
    /// Bytes of `pinyin` each candidate replaces (王 in `wangxiuying`: 4, leaving `xiuying`).
    pub consumed: Vec<usize>,
    /// Zero-based page number.
    pub page: usize,
    pub has_previous: bool,
    pub has_next: bool,
}

impl std::ops::Deref for Candidates {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.texts
    }
}

impl Candidates {
    /// Page `page` for `pinyin`, ranked by the dictionary and the vocabulary.
    pub fn lookup(
        ime: &InputMethod,
        pinyin: &str,
        mode: Mode,
        page: usize,
        vocab: Option<&dyn Vocabulary>,
    ) -> Candidates {
        let p = ime.candidates(pinyin, mode, page, PER_PAGE, vocab);
        Candidates {
            pinyin: pinyin.to_string(),
            has_previous: p.has_previous(),
            has_next: p.has_next(),
            page: p.page,
            consumed: p.candidates.iter().map(|c| c.consumed).collect(),
            texts: p.candidates.into_iter().map(|c| c.text).collect(),
        }
    }
}

/// What the keyboard asks for: page `page` of the candidates of `pinyin` in `mode`.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRequest {
    pub seq: u64,
    pub pinyin: String,
    pub mode: Mode,
    pub page: usize,
}

/// What the input-method thread is told.
pub enum ImeMessage {
    Request(CandidateRequest),
    /// The vocabulary of the generation now open, how many records it holds, and the
    /// search's pinyin reading of it.
    Vocabulary(Arc<Lexicon>, u64, Arc<PinyinIndex>),
}

/// Readings of typed initials the search makes that lead the candidate bar.
const INITIALS_READINGS: usize = 2;
/// Initials longer than this are not read by the search's converter for the bar.
const MAX_INITIALS: usize = 12;

/// The index's vocabulary as the input method's ranking signal.
pub struct IndexVocabulary {
    lexicon: Arc<Lexicon>,
    records: u64,
    pinyin: Arc<PinyinIndex>,
}

impl IndexVocabulary {
    pub fn new(lexicon: Arc<Lexicon>, records: u64, pinyin: Arc<PinyinIndex>) -> IndexVocabulary {
        IndexVocabulary {
            lexicon,
            records,
            pinyin,
        }
    }
}

impl Vocabulary for IndexVocabulary {
    /// Documents holding the word (a title counts four), in thousandths of the records: the
    /// boost means the same on a demo index of 40 records and on a county's 40,000.
    fn doc_freq(&self, word: &str) -> u32 {
        let Some(w) = self.lexicon.get(word) else {
            return 0;
        };
        let df = u64::from(w.body_df) + 4 * u64::from(w.title_df);
        let scaled = df * 1000 / self.records.max(1);
        u32::try_from(scaled).unwrap_or(u32::MAX)
    }

    /// For initials, the search's own readings (what 「按拼音理解为」 will say): the words of
    /// the index's titles come first there, so `dyz` is 导游证 and not 第一章 of a thousand
    /// law bodies. Full pinyin keeps the dictionary's order.
    fn readings(&self, typed: &str) -> Vec<String> {
        // Two initials or more: one letter is still a syllable being typed.
        if !(2..=MAX_INITIALS).contains(&typed.len()) || !crate::ime::initials_only(typed) {
            return Vec::new();
        }
        self.pinyin
            .convert(typed, INITIALS_READINGS)
            .into_iter()
            .map(|c| c.text)
            .collect()
    }
}

/// Starts the input-method thread; it answers on `events` and calls `wake` after each answer.
pub fn spawn(
    events: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> std::io::Result<Sender<ImeMessage>> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("ime-worker".into())
        .spawn(move || run(&rx, &events, &*wake))?;
    Ok(tx)
}

fn run(rx: &Receiver<ImeMessage>, events: &Sender<Event>, wake: &dyn Fn()) {
    // Loaded before the first keystroke arrives (a few hundred ms in a release build).
    let ime = match InputMethod::shared() {
        Ok(ime) => Some(ime),
        Err(e) => {
            tracing::error!(error = %e, "the input method's dictionary cannot be read; letters are typed as they are");
            None
        }
    };
    let mut vocab: Option<IndexVocabulary> = None;
    while let Ok(first) = rx.recv() {
        // Only the newest request needs an answer: what was typed over is dropped.
        let mut request = None;
        for m in std::iter::once(first).chain(rx.try_iter()) {
            match m {
                ImeMessage::Request(r) => request = Some(r),
                ImeMessage::Vocabulary(lexicon, records, pinyin) => {
                    vocab = Some(IndexVocabulary::new(lexicon, records, pinyin))
                }
            }
        }
        let Some(r) = request else { continue };
        let list = match ime {
            Some(ime) => Candidates::lookup(
                ime,
                &r.pinyin,
                r.mode,
                r.page,
                vocab.as_ref().map(|v| v as &dyn Vocabulary),
            ),
            None => Candidates {
                pinyin: r.pinyin.clone(),
                ..Candidates::default()
            },
        };
        if events.send(Event::Candidates { seq: r.seq, list }).is_err() {
            return;
        }
        wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::lexicon::LexWord;

    #[test]
    fn the_vocabulary_is_scaled_by_the_number_of_records() {
        let lexicon = Arc::new(Lexicon::new(vec![LexWord {
            text: "公示".into(),
            body_df: 10,
            title_df: 5,
        }]));
        let pinyin = Arc::new(PinyinIndex::build(&lexicon));
        let small = IndexVocabulary::new(Arc::clone(&lexicon), 30, Arc::clone(&pinyin));
        let large = IndexVocabulary::new(lexicon, 30_000, pinyin);
        assert_eq!(small.doc_freq("公示"), 1000);
        assert_eq!(large.doc_freq("公示"), 1);
        assert_eq!(small.doc_freq("公式"), 0);
    }

    #[test]
    fn initials_are_read_as_the_titles_of_the_index_read_them_full_pinyin_as_the_dictionary() {
        // 第一章 stands in a thousand law bodies and no title; 导游证 names a service item.
        let lexicon = Arc::new(Lexicon::new(vec![
            LexWord {
                text: "第一章".into(),
                body_df: 1000,
                title_df: 0,
            },
            LexWord {
                text: "导游证".into(),
                body_df: 3,
                title_df: 2,
            },
        ]));
        let pinyin = Arc::new(PinyinIndex::build(&lexicon));
        let vocab = IndexVocabulary::new(lexicon, 1500, pinyin);
        assert_eq!(
            vocab.readings("dyz").first().map(String::as_str),
            Some("导游证")
        );
        assert!(vocab.readings("daoyouzheng").is_empty());
        assert!(vocab.readings("d").is_empty());
        let ime = InputMethod::shared().unwrap();
        let bar = Candidates::lookup(ime, "dyz", Mode::General, 0, Some(&vocab));
        assert_eq!(bar[0], "导游证");
        assert_eq!(bar.consumed[0], 3);
        let without = Candidates::lookup(ime, "dyz", Mode::General, 0, None);
        assert_ne!(
            without[0], "导游证",
            "the dictionary alone ranks it first: {without:?}"
        );
    }

    #[test]
    fn a_page_keeps_what_each_candidate_consumes_and_the_paging_state() {
        let ime = InputMethod::shared().unwrap();
        let first = Candidates::lookup(ime, "wangxiuying", Mode::Names, 0, None);
        assert_eq!(first.len(), PER_PAGE);
        assert!(!first.has_previous && first.has_next);
        let wang = first.iter().position(|t| t == "王");
        let second = Candidates::lookup(ime, "wangxiuying", Mode::Names, 1, None);
        assert!(second.has_previous && second.page == 1);
        // 王 alone is on one of the first pages and replaces only `wang`.
        let (page, at) = match wang {
            Some(at) => (&first, at),
            None => (&second, second.iter().position(|t| t == "王").unwrap()),
        };
        assert_eq!(&page.pinyin[page.consumed[at]..], "xiuying");
        assert!(first
            .consumed
            .iter()
            .zip(first.iter())
            .any(|(c, t)| *c == 11 && t == "王秀英"));
    }
}
