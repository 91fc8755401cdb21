//! Helpers shared by the integration tests: where the real data is, and configurations that
//! point the kiosk at a temporary index folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared data folder (`../shared` or `$KIOSK_SHARED`). When `KIOSK_SHARED` is set (CI sets
/// it) missing data fails the test; otherwise the test is skipped with a note.
pub fn shared_dir() -> Option<PathBuf> {
    let required = std::env::var_os("KIOSK_SHARED");
    let dir = match &required {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                repo().join(d)
            }
        }
        None => repo().join("../shared"),
    };
    if dir.join("corpus/README.md").is_file() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if required.is_some() {
        panic!(
            "KIOSK_SHARED is set but {} holds no corpus/README.md: the shared data is missing",
            dir.display()
        );
    }
    eprintln!("note: ../shared not found and KIOSK_SHARED not set: skipping a test that needs the real data");
    None
}

/// Writes a configuration for the real corpus at `shared` with its index in `index_dir`.
pub fn shared_config(shared: &Path, index_dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("kiosk-config/shared-corpus.toml")).unwrap();
    let text = text
        .replace("../../shared", &shared.display().to_string())
        .replace("../index/shared-corpus", &index_dir.display().to_string())
        .replace("../assets", &repo().join("assets").display().to_string());
    let path = index_dir.with_extension("toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes a configuration for the shipped demo data with its index in `index_dir`.
pub fn demo_config(index_dir: &Path) -> PathBuf {
    let text = kiosk::config::EXAMPLE_CONFIG
        .replace("../index/demo", &index_dir.display().to_string())
        .replace("../assets", &repo().join("assets").display().to_string());
    let path = index_dir.with_extension("toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes a configuration whose `[requests]` register, key file and print queue live in `dir`
/// (holiday calendars from the repository). Returns the config path.
pub fn requests_config(dir: &Path, cups_queue: &str) -> PathBuf {
    let holidays = repo().join("kiosk-config/holidays");
    let font = repo().join("assets/fonts/NotoSansSC-kiosk-subset.otf");
    let text = format!(
        "[kiosk]\nhall_name = \"青禾县政务服务中心 政务公开专区\"\nindex_dir = {index:?}\nfont = {font:?}\n\n\
         [requests]\nregister = {reg:?}\nkey_file = {key:?}\nkiosk_id = \"QH01\"\n\
         agency = \"青禾县人民政府办公室\"\nretention_days = 30\ncups_queue = {cups_queue:?}\nholidays = {holidays:?}\n",
        index = dir.join("index").display().to_string(),
        font = font.display().to_string(),
        reg = dir.join("data/requests.sqlite").display().to_string(),
        key = dir.join("secret/register.key").display().to_string(),
        holidays = holidays.display().to_string(),
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}
