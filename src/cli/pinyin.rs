//! `kiosk pinyin`: the candidates the on-screen keyboard would show for a typed pinyin, one
//! per line, best first. Needs no configuration and no index (the dictionary alone ranks).

use anyhow::Result;
use kiosk::ime::{InputMethod, Mode};

/// Candidates on one page of the keyboard's candidate bar.
pub const PER_PAGE: usize = kiosk::ui::candidates::PER_PAGE;

pub fn run(pinyin: &[String], names: bool, all: bool) -> Result<()> {
    let typed = pinyin.join("'");
    let ime = InputMethod::shared().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mode = if names { Mode::Names } else { Mode::General };
    let candidates = if all {
        ime.all(&typed, mode, None)
    } else {
        ime.candidates(&typed, mode, 0, PER_PAGE, None).candidates
    };
    let mut out = String::new();
    for c in candidates {
        out.push_str(&c.text);
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}
