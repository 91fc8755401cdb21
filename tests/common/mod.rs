//! Helpers shared by the integration tests: where the real data is, and configurations that
//! point the kiosk at a temporary index folder.
#![allow(dead_code)]

pub mod pg;

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files `n` copies of the fixture request (`tests/fixtures/request-citizen.json`) at the kiosk
/// of `config`; their receipt numbers.
pub fn file_requests(config: &Path, n: usize) -> Vec<String> {
    let settings = kiosk::config::Settings::load(config).unwrap();
    let form = kiosk::staff_requests::read_form(
        &repo().join("tests/fixtures/request-citizen.json"),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    let mut desk = kiosk::desk::requests::RequestDesk::open(&settings).unwrap();
    (0..n)
        .map(|_| {
            let now = chrono::Local::now().naive_local();
            desk.file(&form, false, now).unwrap().receipt.receipt_no
        })
        .collect()
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

/// Copies the staff-edited data files (synonyms, areas, holidays) of `kiosk-config/` next to a
/// test configuration, as they would stand beside the real one.
pub fn copy_config_data(to: &Path) {
    for name in kiosk::search::index::REFRESHED_CONFIG {
        let from = repo().join("kiosk-config").join(name);
        if from.is_file() {
            std::fs::copy(&from, to.join(name)).unwrap();
        } else if from.is_dir() {
            std::fs::create_dir_all(to.join(name)).unwrap();
            for e in std::fs::read_dir(&from).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), to.join(name).join(e.file_name())).unwrap();
            }
        }
    }
}

/// Writes a configuration for the real corpus at `shared` with its index in `index_dir`.
pub fn shared_config(shared: &Path, index_dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("kiosk-config/shared-corpus.toml")).unwrap();
    let text = text
        .replace("../../shared", &shared.display().to_string())
        .replace("../index/shared-corpus", &index_dir.display().to_string())
        .replace("../assets", &repo().join("assets").display().to_string());
    let path = index_dir.with_extension("toml");
    let text = writes_beside(&text, path.parent().unwrap());
    std::fs::write(&path, text).unwrap();
    copy_config_data(path.parent().unwrap());
    path
}

/// Writes a configuration for the shipped demo data with its index in `index_dir` and its state
/// (register, key, search statistics) beside it, so no test writes to /var/lib/kiosk.
pub fn demo_config(index_dir: &Path) -> PathBuf {
    let state = index_dir.parent().unwrap_or(Path::new("."));
    let text = kiosk::config::EXAMPLE_CONFIG
        .replace("/var/lib/kiosk/", &format!("{}/", state.display()))
        .replace("../index/demo", &index_dir.display().to_string())
        .replace("../assets", &repo().join("assets").display().to_string());
    let path = index_dir.with_extension("toml");
    let text = writes_beside(&text, path.parent().unwrap());
    std::fs::write(&path, text).unwrap();
    copy_config_data(path.parent().unwrap());
    path
}

/// A shipped configuration's writable paths (`../var/…`: register, key, state) moved into
/// `dir/var/`, so a test never writes into the checkout.
pub fn writes_beside(text: &str, dir: &Path) -> String {
    text.replace("\"../var/", &format!("\"{}/var/", dir.display()))
}

/// A demo set copied into `dir` (so a test may change it) and a configuration reading it, with
/// its index in `dir/index` and its state files in `dir`. Returns (config path, disclosure
/// file, service-guide file).
pub fn editable_demo(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let gi = data.join("disclosure.jsonl");
    let sg = data.join("service-guide.jsonl");
    std::fs::copy(repo().join("assets/demo/disclosure.jsonl"), &gi).unwrap();
    std::fs::copy(repo().join("assets/demo/service-guide.jsonl"), &sg).unwrap();
    // The images the records refer to, beside them as in assets/demo.
    let images = data.join("images");
    std::fs::create_dir_all(&images).unwrap();
    for e in std::fs::read_dir(repo().join("assets/demo/images")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), images.join(e.file_name())).unwrap();
    }
    // The state (register, key, search statistics) in `dir`, never in /var/lib/kiosk.
    let text = kiosk::config::EXAMPLE_CONFIG
        .replace("/var/lib/kiosk/", &format!("{}/", dir.display()))
        .replace("../index/demo", &dir.join("index").display().to_string())
        .replace("../assets/demo/disclosure.jsonl", &gi.display().to_string())
        .replace(
            "../assets/demo/service-guide.jsonl",
            &sg.display().to_string(),
        )
        .replace("../assets", &repo().join("assets").display().to_string());
    let text = writes_beside(&text, dir);
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, text).unwrap();
    (config, gi, sg)
}

/// Rewrites a JSON Lines file through `edit`, which sees every record and may change or drop it.
pub fn edit_jsonl(path: &Path, mut edit: impl FnMut(usize, &mut serde_json::Value) -> bool) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if edit(i, &mut v) {
            out.push_str(&serde_json::to_string(&v).unwrap());
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
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

/// Runs the real `kiosk` binary with a configuration and arguments.
pub fn run_kiosk(config: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

/// Command output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
