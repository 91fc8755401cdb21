//! The README's deployment steps, followed in a temporary root (issue 17 item 7): the
//! configuration copied to `/etc/kiosk/`, the assets to `/opt/kiosk/assets/`, the same `sed`
//! rewrite of the paths, then the first index build, a search and a request filed into
//! `/var/lib/kiosk`. A configuration copied without the rewrite is refused at start-up naming the key.

mod common;

use common::{repo, run_kiosk as kiosk, text};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_readme_deployment_steps_give_a_kiosk_that_builds_and_files_from_etc_kiosk() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // install -D … /opt/kiosk/bin/kiosk; cp -r assets /opt/kiosk/
    copy_dir(&repo().join("assets"), &root.join("opt/kiosk/assets"));
    // install -d /etc/kiosk; cp -r kiosk.toml synonyms.txt areas.toml places.toml holidays /etc/kiosk/
    let etc = root.join("etc/kiosk");
    std::fs::create_dir_all(&etc).unwrap();
    for f in ["kiosk.toml", "synonyms.txt", "areas.toml", "places.toml"] {
        std::fs::copy(repo().join("kiosk-config").join(f), etc.join(f)).unwrap();
    }
    copy_dir(&repo().join("kiosk-config/holidays"), &etc.join("holidays"));
    std::fs::create_dir_all(root.join("var/lib/kiosk")).unwrap();

    // Copied as it is, `font = "../assets/…"` resolves to /etc/assets/…: refused, naming the key.
    let verbatim = etc.join("kiosk.toml");
    let out = kiosk(&verbatim, &["requests", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("`kiosk.font`"),
        "{}",
        text(&out.stderr)
    );

    // sed -e 's|"\.\./assets/|"/opt/kiosk/assets/|' -e 's|"\.\./var/|"/var/lib/kiosk/|'
    //     -e 's|^index_dir = .*|index_dir = "/var/lib/kiosk/index"|'
    // (every absolute path under the temporary root instead of /).
    let r = root.display().to_string();
    let deployed: String = std::fs::read_to_string(&verbatim)
        .unwrap()
        .replace("\"../assets/", &format!("\"{r}/opt/kiosk/assets/"))
        .replace("\"../var/", "\"/var/lib/kiosk/")
        .replace("/var/lib/kiosk/", &format!("{r}/var/lib/kiosk/"))
        .lines()
        .map(|l| {
            if l.starts_with("index_dir = ") {
                format!("index_dir = \"{r}/var/lib/kiosk/index\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    // grep -n '"\.\./' /etc/kiosk/kiosk.toml   # must print nothing
    assert!(
        !deployed
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("\"../")),
        "a relative path is left:\n{deployed}"
    );
    std::fs::write(&verbatim, deployed).unwrap();

    // runuser -u kiosk -- kiosk --config /etc/kiosk/kiosk.toml index build
    let out = kiosk(&verbatim, &["index", "build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        // 70 published demo records and the catalogue entry of the 依申请公开 one.
        text(&out.stdout).contains("Total 72 records indexed"),
        "{}",
        text(&out.stdout)
    );
    let out = kiosk(&verbatim, &["search", "--json", "最低生活保障"]);
    assert!(out.status.success() && !text(&out.stdout).is_empty());

    // A request filed on the deployed kiosk: the register and its key land in /var/lib/kiosk.
    let form = root.join("form.json");
    std::fs::copy(repo().join("tests/fixtures/request-citizen.json"), &form).unwrap();
    let out = kiosk(
        &verbatim,
        &["requests", "submit", "--json", form.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(root.join("var/lib/kiosk/requests.sqlite").is_file());
    assert!(root.join("var/lib/kiosk/register.key").is_file());
    let out = kiosk(&verbatim, &["requests", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("QH01-"), "{}", text(&out.stdout));
}
