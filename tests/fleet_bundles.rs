//! Signed index bundles (issue 20 item 3), with the real binary in temporary folders: a build
//! host publishes its generation, kiosks pull it from a folder or over HTTP. Tampered, wrongly
//! signed, older, half-copied and expired bundles are refused with the reason in `kiosk index
//! status`, and the current generation keeps answering `kiosk search`.

mod common;

use common::{run_kiosk, text};
use kiosk::search::index::bundle::{read_secret_key, sign};
use std::path::{Path, PathBuf};

const NEW_TITLE: &str = "青禾县关于开展老旧小区加装电梯试点工作的通知";

/// The build host: editable demo data, a key pair, an index built.
struct Host {
    config: PathBuf,
    data: PathBuf,
    secret: PathBuf,
    public: PathBuf,
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn host(root: &Path) -> Host {
    let dir = root.join("host");
    std::fs::create_dir_all(&dir).unwrap();
    let (config, data, _) = common::editable_demo(&dir);
    common::copy_config_data(&dir);
    let (secret, public) = (dir.join("keys/bundle.secret"), root.join("bundle.pub"));
    let keygen = [
        "index",
        "keygen",
        "--secret",
        secret.to_str().unwrap(),
        "--public",
        public.to_str().unwrap(),
    ];
    ok(&run_kiosk(&config, &keygen));
    ok(&run_kiosk(&config, &["index", "build"]));
    Host {
        config,
        data,
        secret,
        public,
    }
}

impl Host {
    fn index(&self) -> PathBuf {
        self.config.parent().unwrap().join("index")
    }

    fn current(&self) -> String {
        std::fs::read_to_string(self.index().join("CURRENT")).unwrap()
    }

    fn publish(&self, to: &Path) -> String {
        let args = [
            "index",
            "publish",
            "--to",
            to.to_str().unwrap(),
            "--key",
            self.secret.to_str().unwrap(),
        ];
        ok(&run_kiosk(&self.config, &args))
    }

    /// Tomorrow's data: one record more, refreshed as each night (the base's segments stay,
    /// a new segment and body file are added).
    fn refresh_with_a_new_record(&self) {
        let record = serde_json::json!({
            "id": "qh-gi-9001", "kind": "government_info", "title": NEW_TITLE,
            "disclosure": "主动公开", "doc_number": "青政办发〔2026〕41号",
            "issuer": "青禾县人民政府办公室", "published_date": "2026-11-20",
            "body": "为改善老旧小区居民出行条件，决定开展加装电梯试点。"
        });
        let mut lines = std::fs::read_to_string(&self.data).unwrap();
        lines.push_str(&format!("{record}\n"));
        std::fs::write(&self.data, lines).unwrap();
        let out = ok(&run_kiosk(&self.config, &["index", "refresh"]));
        assert!(out.contains("1 added"), "{out}");
    }
}

/// A kiosk: the demo configuration with its own index folder and the host's public key.
fn kiosk(root: &Path, name: &str, public: &Path) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let config = common::demo_config(&dir.join("index"));
    let text = std::fs::read_to_string(&config).unwrap();
    let with_key = text.replacen(
        "[bundle]\n",
        &format!("[bundle]\npublic_key = {public:?}\n"),
        1,
    );
    assert_ne!(
        text, with_key,
        "the example configuration has a [bundle] table"
    );
    std::fs::write(&config, with_key).unwrap();
    config
}

fn index_dir(config: &Path) -> PathBuf {
    config.with_extension("")
}

fn current(config: &Path) -> String {
    std::fs::read_to_string(index_dir(config).join("CURRENT")).unwrap()
}

fn generation_folders(config: &Path) -> usize {
    std::fs::read_dir(index_dir(config).join("generations"))
        .unwrap()
        .count()
}

fn pull(config: &Path, from: &str) -> std::process::Output {
    run_kiosk(config, &["index", "pull", "--from", from])
}

fn status(config: &Path) -> String {
    ok(&run_kiosk(config, &["index", "status"]))
}

/// The ids `kiosk search` returns for `query`.
fn search(config: &Path, query: &str) -> Vec<String> {
    let out = ok(&run_kiosk(
        config,
        &["search", "--json", "--limit", "50", query],
    ));
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect()
}

/// The signature line and the JSON payload of a bundle's signed manifest.
fn read_manifest(bundle: &Path) -> serde_json::Value {
    let bytes = std::fs::read(bundle.join("manifest.signed")).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap();
    serde_json::from_slice(&bytes[at + 1..]).unwrap()
}

/// Rewrites a bundle's manifest and signs it with `secret` (a key the kiosk may or may not trust).
fn resign(bundle: &Path, secret: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut m = read_manifest(bundle);
    edit(&mut m);
    let payload = serde_json::to_vec_pretty(&m).unwrap();
    let signed = sign(&read_secret_key(secret).unwrap(), &payload);
    std::fs::write(bundle.join("manifest.signed"), signed).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("files")).unwrap();
    std::fs::copy(from.join("manifest.signed"), to.join("manifest.signed")).unwrap();
    for e in std::fs::read_dir(from.join("files")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join("files").join(e.file_name())).unwrap();
    }
}

/// The largest file of `newer` that `older` does not hold: one a kiosk holding `older` must fetch.
fn a_file_only_in(newer: &Path, older: &Path) -> PathBuf {
    std::fs::read_dir(newer.join("files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !older.join("files").join(p.file_name().unwrap()).exists())
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .expect("the newer bundle has files of its own")
}

#[test]
fn a_good_bundle_becomes_current_on_three_kiosks_and_the_next_one_reuses_what_they_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let host = host(tmp.path());
    let bundle = tmp.path().join("bundle");
    let published = host.publish(&bundle);
    assert!(
        published.contains("Published bundle version 1"),
        "{published}"
    );
    let host_generation = host.current();
    let kiosks: Vec<PathBuf> = ["kiosk-a", "kiosk-b", "kiosk-c"]
        .iter()
        .map(|n| kiosk(tmp.path(), n, &host.public))
        .collect();
    for k in &kiosks {
        let out = ok(&pull(k, bundle.to_str().unwrap()));
        assert!(out.contains("Bundle version 1"), "{out}");
        assert_eq!(current(k), host_generation);
        let s = status(k);
        assert!(
            s.contains("Bundle: version 1") && !s.contains("WARNING: the bundle"),
            "{s}"
        );
        assert!(search(k, "养老金").contains(&"qh-gi-0001".to_string()));
    }

    // The next night: the host republishes into the same folder; every kiosk fetches only the
    // files it lacks and takes the unchanged ones (the configuration snapshot) from its own copy.
    host.refresh_with_a_new_record();
    let published = host.publish(&bundle);
    assert!(
        published.contains("Published bundle version 2"),
        "{published}"
    );
    for k in &kiosks {
        let out = ok(&pull(k, bundle.to_str().unwrap()));
        let reused: usize = out
            .split(" reused")
            .next()
            .and_then(|s| s.rsplit(", ").next())
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{out}"));
        assert!(out.contains("Bundle version 2") && reused > 0, "{out}");
        assert_eq!(current(k), host.current());
        assert_eq!(
            search(k, NEW_TITLE).first().map(String::as_str),
            Some("qh-gi-9001")
        );
    }
}

/// The same generation published again under a higher version (the build host's data did not
/// change): accepted without fetching a file.
#[test]
fn a_republished_generation_is_accepted_without_fetching_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let host = host(tmp.path());
    let bundle = tmp.path().join("bundle");
    host.publish(&bundle);
    let k = kiosk(tmp.path(), "kiosk", &host.public);
    ok(&pull(&k, bundle.to_str().unwrap()));
    let again = host.publish(&bundle);
    assert!(
        again.contains("version 2") && again.contains(", 0 copied"),
        "{again}"
    );
    let out = ok(&pull(&k, bundle.to_str().unwrap()));
    assert!(
        out.contains("Bundle version 2") && out.contains(" 0 files fetched"),
        "{out}"
    );
    assert_eq!(current(&k), host.current());
    assert!(status(&k).contains("Bundle: version 2"));
}

/// One refused pull: the exit code, the reason in the log and in `kiosk index status`, the
/// current generation unchanged and still answering, no partial generation left behind.
fn assert_refused(kiosk: &Path, from: &Path, reason: &str) {
    let (before, folders) = (current(kiosk), generation_folders(kiosk));
    let out = pull(kiosk, from.to_str().unwrap());
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains(reason),
        "{reason}: {}",
        text(&out.stderr)
    );
    let s = status(kiosk);
    assert!(
        s.contains("REFUSED: ") && s.contains(reason),
        "{reason}:\n{s}"
    );
    assert!(s.contains("WARNING: the bundle pull at"), "{s}");
    assert_eq!(current(kiosk), before, "{reason}");
    assert_eq!(
        generation_folders(kiosk),
        folders,
        "{reason}: a partial generation is left"
    );
    assert!(
        search(kiosk, "养老金").contains(&"qh-gi-0001".to_string()),
        "{reason}: the current generation does not answer"
    );
}

#[test]
fn bad_bundles_are_refused_with_the_reason_and_the_current_generation_keeps_serving() {
    let tmp = tempfile::tempdir().unwrap();
    let host = host(tmp.path());
    let (v1, v2) = (tmp.path().join("v1"), tmp.path().join("v2"));
    host.publish(&v1);
    host.refresh_with_a_new_record();
    host.publish(&v2);
    let k = kiosk(tmp.path(), "kiosk", &host.public);
    ok(&pull(&k, v1.to_str().unwrap()));
    let case = |name: &str| {
        let dir = tmp.path().join(name);
        copy_dir(&v2, &dir);
        let only_new = dir
            .join("files")
            .join(a_file_only_in(&v2, &v1).file_name().unwrap());
        (dir, only_new)
    };

    let (tampered, file) = case("tampered");
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&file, bytes).unwrap();
    assert_refused(
        &k,
        &tampered,
        "differs from the signed manifest: content differs (SHA-256)",
    );

    let (truncated, file) = case("truncated");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    assert_refused(
        &k,
        &truncated,
        "differs from the signed manifest: truncated",
    );

    let (missing, file) = case("missing");
    std::fs::remove_file(&file).unwrap();
    assert_refused(&k, &missing, "is missing (half-copied bundle?)");

    let (edited, _) = case("edited-manifest");
    let path = edited.join("manifest.signed");
    let signed = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    std::fs::write(
        &path,
        signed.replacen("\"version\": 2", "\"version\": 9", 1),
    )
    .unwrap();
    assert_refused(
        &k,
        &edited,
        "signature does not verify with the configured public key",
    );

    let (other_key, _) = case("other-key");
    let (secret, public) = (
        tmp.path().join("other.secret"),
        tmp.path().join("other.pub"),
    );
    let args = [
        "index",
        "keygen",
        "--secret",
        secret.to_str().unwrap(),
        "--public",
        public.to_str().unwrap(),
    ];
    ok(&run_kiosk(&host.config, &args));
    resign(&other_key, &secret, |_| {});
    assert_refused(
        &k,
        &other_key,
        "signature does not verify with the configured public key",
    );

    let (expired, _) = case("expired");
    resign(&expired, &host.secret, |m| {
        m["expires_at"] = serde_json::json!("2026-01-01T00:00:00+08:00");
    });
    assert_refused(&k, &expired, "the bundle expired at 20");

    // The bundle in service pulled again (the timer ran before the host published): no refusal.
    let out = ok(&pull(&k, v1.to_str().unwrap()));
    assert!(out.contains("is current already; nothing to do"), "{out}");
    assert!(!status(&k).contains("WARNING: the bundle pull"));

    // The good bundle goes through; after it, the older one is a rollback and refused.
    let out = ok(&pull(&k, v2.to_str().unwrap()));
    assert!(out.contains("Bundle version 2"), "{out}");
    assert_eq!(current(&k), host.current());
    assert!(
        !status(&k).contains("WARNING: the bundle pull"),
        "a good pull clears the warning"
    );
    assert_eq!(
        search(&k, NEW_TITLE).first().map(String::as_str),
        Some("qh-gi-9001")
    );
    assert_refused(
        &k,
        &v1,
        "bundle version 1 is not newer than version 2 already accepted",
    );
    assert_eq!(current(&k), host.current());
}

/// A signed manifest that lists a record of its own generation as withdrawn: the kiosk's
/// withdrawal log follows the build host's, so that generation is never made current.
#[test]
fn a_bundle_whose_generation_holds_a_withdrawn_record_never_becomes_current() {
    let tmp = tempfile::tempdir().unwrap();
    let host = host(tmp.path());
    let bundle = tmp.path().join("bundle");
    host.publish(&bundle);
    let records = host
        .index()
        .join("generations")
        .join(host.current())
        .join("records.tsv");
    let held = std::fs::read_to_string(records).unwrap();
    let key = held
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    resign(&bundle, &host.secret, |m| {
        m["withdrawn"] = serde_json::json!([[key, "takedown"]]);
    });
    let k = kiosk(tmp.path(), "kiosk", &host.public);
    let out = pull(&k, bundle.to_str().unwrap());
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let s = status(&k);
    assert!(
        s.contains("holds 1 record(s) withdrawn on this kiosk"),
        "{s}"
    );
    assert!(!index_dir(&k).join("CURRENT").exists());
    assert_eq!(generation_folders(&k), 0);
}

mod http {
    //! A tiny HTTP/1.1 file server on 127.0.0.1 for one test: GET only, one request per
    //! connection, stopped by the test.

    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    pub struct Server {
        pub url: String,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<usize>>,
    }

    impl Server {
        /// Serves the files under `root`; returns once listening.
        pub fn start(root: PathBuf) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let thread = std::thread::Builder::new()
                .name("test-http".into())
                .spawn(move || {
                    let mut served = 0;
                    for stream in listener.incoming() {
                        if flag.load(Ordering::SeqCst) {
                            break;
                        }
                        if let Ok(s) = stream {
                            serve_one(&root, s);
                            served += 1;
                        }
                    }
                    served
                })
                .unwrap();
            Server {
                url,
                stop,
                thread: Some(thread),
            }
        }

        /// Stops the server; returns how many requests it answered.
        pub fn stop(mut self) -> usize {
            self.stop.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
            self.thread.take().unwrap().join().unwrap()
        }
    }

    fn serve_one(root: &std::path::Path, mut stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request = String::new();
        if reader.read_line(&mut request).is_err() {
            return;
        }
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let path = request.split_whitespace().nth(1).unwrap_or("/");
        let file = root.join(path.trim_start_matches('/'));
        let body = (!path.contains(".."))
            .then(|| std::fs::read(&file).ok())
            .flatten();
        let _ = match body {
            Some(b) => write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )
            .and_then(|()| stream.write_all(&b)),
            None => write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        };
    }
}

#[test]
fn a_kiosk_pulls_a_bundle_over_http_and_refuses_a_half_served_one() {
    let tmp = tempfile::tempdir().unwrap();
    let host = host(tmp.path());
    let site = tmp.path().join("www");
    host.publish(&site.join("kiosk-bundle"));
    let server = http::Server::start(site.clone());
    let k = kiosk(tmp.path(), "kiosk", &host.public);
    let url = format!("{}/kiosk-bundle", server.url);
    let out = ok(&pull(&k, &url));
    assert!(out.contains("Bundle version 1"), "{out}");
    assert_eq!(current(&k), host.current());
    assert!(status(&k).contains(&format!("from {url}")));
    assert!(search(&k, "养老金").contains(&"qh-gi-0001".to_string()));

    // The next bundle with one file the kiosk lacks gone from the server: refused, 404 named.
    host.refresh_with_a_new_record();
    let v1 = tmp.path().join("v1-copy");
    copy_dir(&site.join("kiosk-bundle"), &v1);
    host.publish(&site.join("kiosk-bundle"));
    std::fs::remove_file(a_file_only_in(&site.join("kiosk-bundle"), &v1)).unwrap();
    assert_refused(&k, Path::new(&url), "is missing (half-copied bundle?)");
    let requests = server.stop();
    assert!(requests > 3, "{requests} requests served");
}
