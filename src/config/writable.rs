//! Start-up checks of the folders a configuration writes to (index, state, register, key): a
//! folder the kiosk cannot write is an error naming the key before a visitor fills in a form
//! that could not be kept. Writes nothing but a probe file that it removes at once (and the
//! folders themselves, as the first real write would).

use super::{ConfigError, PathUse, Settings};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The fix every unwritable folder gets.
const FIX: &str = "create the folder and give the user the kiosk runs as write access to it \
(deployed: `install -d -o kiosk -g kiosk /var/lib/kiosk`), or point the key at a folder that \
user can write; a checkout's own configuration keeps everything under the checkout";

impl Settings {
    /// The folders `purpose` writes to, each with the key that names it.
    pub fn written_folders(&self, purpose: PathUse) -> Vec<(&'static str, PathBuf)> {
        let folder_of = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut out = Vec::new();
        if matches!(purpose, PathUse::Kiosk | PathUse::Index) {
            out.push(("kiosk.index_dir", self.index_dir.clone()));
        }
        if purpose == PathUse::Kiosk {
            out.push(("kiosk.state_dir", self.state_dir.clone()));
        }
        if matches!(purpose, PathUse::Kiosk | PathUse::Requests) {
            out.push(("requests.register", folder_of(&self.requests.register)));
            // An existing key is only read; a missing one is created beside it on first use.
            if !self.requests.key_file.is_file() {
                out.push(("requests.key_file", folder_of(&self.requests.key_file)));
            }
        }
        out
    }

    /// Checks that every folder `purpose` writes to can be written (creating it if missing),
    /// and that an existing register file can be opened for writing.
    pub fn check_writable(&self, purpose: PathUse) -> Result<(), ConfigError> {
        for (key, folder) in self.written_folders(purpose) {
            probe(&folder).map_err(|e| ConfigError::Invalid {
                path: self.config_path.clone(),
                message: format!(
                    "key `{key}` needs the folder {}, which cannot be written ({e})",
                    folder.display()
                ),
                fix: FIX.to_string(),
            })?;
        }
        let register = &self.requests.register;
        if purpose != PathUse::Index && register.is_file() {
            std::fs::OpenOptions::new()
                .write(true)
                .open(register)
                .map_err(|e| ConfigError::Invalid {
                    path: self.config_path.clone(),
                    message: format!(
                        "key `requests.register` names {}, which cannot be written ({e})",
                        register.display()
                    ),
                    fix: FIX.to_string(),
                })?;
        }
        Ok(())
    }
}

/// Creates `folder` if needed, then writes and removes a probe file in it.
fn probe(folder: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let file = folder.join(format!(".kiosk-write-test-{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| f.write_all(b"kiosk"));
    // Removed even when the write failed half-way (a full disk).
    let removed = std::fs::remove_file(&file);
    written?;
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_in(dir: &Path, register: &Path) -> Settings {
        let text = format!(
            "[kiosk]\nhall_name = \"h\"\nindex_dir = {index:?}\nstate_dir = {state:?}\n\n\
             [requests]\nregister = {register:?}\nkey_file = {key:?}\n",
            index = dir.join("index").display().to_string(),
            state = dir.join("state").display().to_string(),
            register = register.display().to_string(),
            key = dir.join("key/register.key").display().to_string(),
        );
        Settings::parse(&text, &dir.join("kiosk.toml")).unwrap()
    }

    #[test]
    fn writable_folders_are_created_and_left_without_a_probe_file() {
        let tmp = tempfile::tempdir().unwrap();
        let s = settings_in(tmp.path(), &tmp.path().join("data/requests.sqlite"));
        s.check_writable(PathUse::Kiosk).unwrap();
        for sub in ["index", "state", "data", "key"] {
            let dir = tmp.path().join(sub);
            assert!(dir.is_dir(), "{sub}");
            assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{sub}");
        }
    }

    /// Issue 21 item 3: a register folder that cannot be written (here: below a plain file,
    /// which not even root can write into) is a start-up error naming the key.
    #[test]
    fn a_register_folder_that_cannot_be_written_is_an_error_naming_the_key() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        let s = settings_in(tmp.path(), &file.join("requests.sqlite"));
        let e = s.check_writable(PathUse::Requests).unwrap_err().to_string();
        assert!(e.contains("`requests.register`"), "{e}");
        assert!(e.contains("cannot be written"), "{e}");
        // The index commands do not write the register.
        s.check_writable(PathUse::Index).unwrap();
    }
}
