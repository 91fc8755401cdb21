//! The one error of reading a settings file (the configuration, a holiday calendar): it could
//! not be read, or it says something invalid, with the fix. A leaf: both `config` and
//! `requests::deadlines` use it ([`crate::config::ConfigError`] and
//! [`crate::requests::deadlines::CalendarError`] are this type).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// `what` names the kind of file ("configuration file", "holiday calendar").
    #[error("cannot read {what} {path}: {source}")]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}\nFix: {fix}")]
    Invalid {
        path: PathBuf,
        message: String,
        fix: String,
    },
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_missing_configuration_and_a_missing_holiday_folder_keep_their_own_words() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nothing-here");
        let config = crate::config::Settings::load(&missing).unwrap_err();
        assert!(
            config.to_string().starts_with(&format!(
                "cannot read configuration file {}: ",
                missing.display()
            )),
            "{config}"
        );
        let calendar = crate::requests::Calendar::load_dir(&missing).unwrap_err();
        assert!(
            calendar.to_string().starts_with(&format!(
                "cannot read holiday calendar {}: ",
                missing.display()
            )),
            "{calendar}"
        );
        let invalid = crate::requests::Calendar::default()
            .add_year("year = 'x'", Path::new("2026.toml"))
            .unwrap_err();
        assert!(invalid.to_string().starts_with("2026.toml: "), "{invalid}");
        assert!(invalid.to_string().contains("\nFix: "), "{invalid}");
    }
}
