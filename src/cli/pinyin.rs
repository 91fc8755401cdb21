//! `kiosk pinyin`: the candidates the on-screen keyboard would show for a typed pinyin, one
//! per line, best first. Needs no configuration and no index (the dictionary alone ranks);
//! with `--index`, ranked as the kiosk ranks them with its index open.

use anyhow::Result;
use kiosk::config::Settings;
use kiosk::ime::{InputMethod, Mode, Vocabulary};
use kiosk::search::open_search;
use kiosk::ui::candidates::IndexVocabulary;

/// Candidates on one page of the keyboard's candidate bar.
pub const PER_PAGE: usize = kiosk::ui::candidates::PER_PAGE;

/// `settings`: rank with the vocabulary of this configuration's index.
pub fn run(pinyin: &[String], names: bool, all: bool, settings: Option<&Settings>) -> Result<()> {
    let typed = pinyin.join("'");
    let ime = InputMethod::shared().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mode = if names { Mode::Names } else { Mode::General };
    let vocabulary = match settings {
        Some(s) => {
            let index = open_search(&s.index_dir)?;
            Some(IndexVocabulary::new(
                index.shared_lexicon(),
                index.num_docs(),
                index.shared_pinyin(),
            ))
        }
        None => None,
    };
    let vocab = vocabulary.as_ref().map(|v| v as &dyn Vocabulary);
    let candidates = if all {
        ime.all(&typed, mode, vocab)
    } else {
        ime.candidates(&typed, mode, 0, PER_PAGE, vocab).candidates
    };
    let mut out = String::new();
    for c in candidates {
        out.push_str(&c.text);
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}
