//! Start-up checks of the paths a configuration names: a font, a holiday folder or a data source
//! that is not where the file says is an error naming the key, before any visitor or staff
//! member meets its consequence (a receipt that never prints, a due date without holidays).

use super::{ConfigError, Settings};
use std::path::Path;

/// What a command is about to use, and so which paths must exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathUse {
    /// The kiosk window: everything (it may build the index on first start, prints, files).
    Kiosk,
    /// `kiosk index build|refresh`: the data sources.
    Index,
    /// `kiosk requests …`: the font of the printed matter and the holiday calendars.
    Requests,
}

impl Settings {
    /// Checks that the paths `purpose` needs exist. Missing fallback fonts are only logged: they
    /// are fallbacks, and the bundled face still renders.
    pub fn check_paths(&self, purpose: PathUse) -> Result<(), ConfigError> {
        let invalid = |key: String, path: &Path, what: &str, fix: &str| ConfigError::Invalid {
            path: self.config_path.clone(),
            message: format!("key `{key}` names {}, which is not {what}", path.display()),
            fix: fix.to_string(),
        };
        let printing = matches!(purpose, PathUse::Kiosk | PathUse::Requests);
        if let (true, Some(font)) = (printing, &self.font) {
            if !font.is_file() {
                return Err(invalid(
                    "kiosk.font".into(),
                    font,
                    "a font file",
                    "write the absolute path of the installed font (e.g. /opt/kiosk/assets/fonts/NotoSansSC-kiosk-subset.otf); a path relative to the configuration file's folder works too",
                ));
            }
        }
        if printing && !self.requests.holidays.is_dir() {
            return Err(invalid(
                "requests.holidays".into(),
                &self.requests.holidays,
                "a folder",
                "point it at the folder of holiday files (YYYY.toml), e.g. /etc/kiosk/holidays",
            ));
        }
        if matches!(purpose, PathUse::Kiosk | PathUse::Index) {
            for (i, s) in self.sources.iter().enumerate() {
                if !s.path.exists() {
                    return Err(invalid(
                        format!("sources[{i}].path (`{}`)", s.name),
                        &s.path,
                        "there",
                        "write the absolute path of the export, or remove this [[sources]] entry",
                    ));
                }
            }
        }
        for (i, f) in self.fallback_fonts.iter().enumerate() {
            let file = f.to_string_lossy();
            let file = file.split_once('#').map_or(file.as_ref(), |(p, _)| p);
            if !Path::new(file).is_file() {
                tracing::warn!(key = %format!("kiosk.fallback_fonts[{i}]"), path = file, "fallback font not found; characters only it covers will not render");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(font: &str, holidays: &str, source: &str) -> Settings {
        let text = format!(
            "[kiosk]\nhall_name = \"h\"\nindex_dir = \"index\"\nfont = {font:?}\n\n\
             [requests]\nholidays = {holidays:?}\n\n\
             [[sources]]\nname = \"s\"\nkind = \"government_info\"\nformat = \"kiosk-jsonl\"\npath = {source:?}\n"
        );
        Settings::parse(&text, &std::env::temp_dir().join("etc/kiosk.toml")).unwrap()
    }

    /// Issue 17 item 7: a configuration copied to /etc/kiosk/ kept `font = "../assets/…"`,
    /// which resolved to /etc/assets/…; nothing checked it, so every receipt stayed 待打印.
    #[test]
    fn a_font_path_that_resolves_to_nothing_is_an_error_naming_the_key() {
        let repo = env!("CARGO_MANIFEST_DIR");
        let s = settings(
            "../assets/fonts/NotoSansSC-kiosk-subset.otf",
            &format!("{repo}/kiosk-config/holidays"),
            repo,
        );
        let e = s.check_paths(PathUse::Requests).unwrap_err().to_string();
        assert!(
            e.contains("`kiosk.font`") && e.contains("assets/fonts"),
            "{e}"
        );
        // Searching needs no font: the same settings pass for the index commands.
        s.check_paths(PathUse::Index).unwrap();
    }

    #[test]
    fn missing_holidays_and_sources_are_named_and_real_paths_pass() {
        let repo = env!("CARGO_MANIFEST_DIR");
        let font = format!("{repo}/assets/fonts/NotoSansSC-kiosk-subset.otf");
        let s = settings(&font, "/nonexistent/holidays", repo);
        let e = s.check_paths(PathUse::Kiosk).unwrap_err().to_string();
        assert!(e.contains("`requests.holidays`"), "{e}");
        let s = settings(
            &font,
            &format!("{repo}/kiosk-config/holidays"),
            "/nonexistent/x.jsonl",
        );
        let e = s.check_paths(PathUse::Index).unwrap_err().to_string();
        assert!(e.contains("sources[0].path (`s`)"), "{e}");
        let s = settings(&font, &format!("{repo}/kiosk-config/holidays"), repo);
        s.check_paths(PathUse::Kiosk).unwrap();
    }
}
