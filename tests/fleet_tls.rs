//! TLS to the central register on a real PostgreSQL server that speaks TLS only (`ssl = on`,
//! `hostssl` lines alone in pg_hba.conf), with a throw-away district CA made by rcgen: a kiosk
//! with the district CA delivers over TLS and staff work there; a certificate another CA
//! signed, one made out for another host (verify-full), and a server without TLS
//! (sslmode=require) are refused with the reason, and nothing is delivered.

mod common;

use common::file_requests;
use common::pg::{fleet_config, set_tls, set_up_fleet, PgServer, TestCa};
use kiosk::config::Settings;
use kiosk::fleet::sender::{Sender, Step};
use kiosk::fleet::{Central, FleetError};
use std::path::{Path, PathBuf};

/// Steps the sender until nothing waits; requests inserted at the centre.
fn drain(sender: &mut Sender) -> u64 {
    let mut inserted = 0;
    for _ in 0..100 {
        match sender.step() {
            Step::Delivered(b) => inserted += b.inserted,
            Step::Idle => return inserted,
            Step::Failed(e) => panic!("delivery failed: {e}"),
        }
    }
    panic!("the outbox never emptied");
}

/// The sender's first attempt, which must fail: its error.
fn refused(config: &Path) -> FleetError {
    let mut sender = Sender::new(&Settings::load(config).unwrap()).unwrap();
    match sender.step() {
        Step::Failed(e) => e,
        Step::Delivered(b) => panic!("delivered {} requests: the TLS check let it in", b.inserted),
        Step::Idle => panic!("the sender reached the centre: the TLS check let it in"),
    }
}

/// Requests the centre holds (asked as the owner).
fn at_centre(server: &PgServer) -> i64 {
    server
        .owner()
        .query_one("SELECT count(*) FROM fleet.requests", &[])
        .unwrap()
        .get(0)
}

/// Whether this connection to the server is encrypted, as the server sees it.
fn encrypted(client: &mut postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0)
}

/// A kiosk QH01 of `server` in `dir`, its config with the TLS settings given.
fn kiosk(server: &PgServer, dir: &Path, sslmode: Option<&str>, ca_file: Option<&Path>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let pw = set_up_fleet(server, dir, &["QH01"]);
    let config = fleet_config(&dir.join("k1"), "QH01", server, "kiosk_qh01", &pw[0]);
    set_tls(&config, sslmode, ca_file);
    config
}

#[test]
fn a_kiosk_with_the_district_ca_delivers_over_tls_and_staff_work_there() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new(&tmp.path().join("pki"), "district-ca");
    let Some(server) = PgServer::start_tls(&ca, &["localhost", "127.0.0.1"]) else {
        return;
    };
    // ca_file alone: verify-full (the certificate names 127.0.0.1, the host connected to).
    let config = kiosk(&server, tmp.path(), None, Some(&ca.ca_file));
    let receipts = file_requests(&config, 2);
    let settings = Settings::load(&config).unwrap();
    assert_eq!(
        drain(&mut Sender::new(&settings).unwrap()),
        2,
        "both requests reached the centre"
    );
    assert_eq!(at_centre(&server), 2);

    let mut central = Central::open(settings.fleet.central.as_ref().unwrap(), "test").unwrap();
    assert!(encrypted(central.client()), "the kiosk's connection is TLS");
    let held: Vec<String> = central
        .payloads()
        .unwrap()
        .into_iter()
        .map(|(p, _)| p.receipt_no)
        .collect();
    assert_eq!(held, receipts);
    let kiosks = central.kiosks();
    assert!(kiosks.is_err(), "a kiosk role reads no other kiosk's state");
    let mut owner = server.owner();
    let reported: i64 = owner
        .query_one(
            "SELECT count(*) FROM fleet.heartbeats WHERE kiosk_id = 'QH01'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(reported, 1, "the heartbeat went over TLS too");

    // The server lets nothing in without TLS (the hostssl lines alone).
    let lab = fleet_config(
        &tmp.path().join("lab"),
        "QH01",
        &server,
        "kiosk_qh01",
        &tmp.path().join("QH01.password"),
    );
    set_tls(&lab, Some("disable"), None);
    let lab = Settings::load(&lab).unwrap();
    let err = Central::open(lab.fleet.central.as_ref().unwrap(), "test")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no encryption"), "{err}");

    // The administrator's commands take --ca-file; a staff workstation with the CA lists
    // the district's requests over TLS.
    let admin_url = format!("{} sslmode=verify-full", server.owner_url());
    let ca_arg = ca.ca_file.display().to_string();
    let pw_out = tmp.path().join("wang.pw");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["fleet", "add-staff", "wang", "--admin-url", &admin_url])
        .args(["--ca-file", &ca_arg, "--password-out"])
        .arg(&pw_out)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        common::text(&out.stdout),
        common::text(&out.stderr)
    );
    let without_ca = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["fleet", "setup", "--admin-url", &admin_url])
        .output()
        .unwrap();
    let err = common::text(&without_ca.stderr);
    assert!(
        !without_ca.status.success() && err.contains("--ca-file is not set"),
        "{err}"
    );

    let desk = tmp.path().join("desk");
    let keys = desk.join("district-keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::copy(
        tmp.path().join("k1/secret/register.key"),
        keys.join("qh01.key"),
    )
    .unwrap();
    let staff = fleet_config(&desk, "QH90", &server, "staff_wang", &pw_out);
    // channel_binding=require: the password exchange (SCRAM-SHA-256-PLUS) is bound to the
    // server's certificate, which the rustls connector reports.
    set_tls(
        &staff,
        Some("verify-full channel_binding=require"),
        Some(&ca.ca_file),
    );
    let mut text = std::fs::read_to_string(&staff).unwrap();
    text.push_str(&format!(
        "staff = true\nkey_dir = {:?}\n",
        keys.display().to_string()
    ));
    std::fs::write(&staff, text).unwrap();
    let list = common::run_kiosk(&staff, &["requests", "list"]);
    let shown = common::text(&list.stdout);
    assert!(
        list.status.success(),
        "{shown}{}",
        common::text(&list.stderr)
    );
    assert!(shown.contains("共 2 件（区级登记簿"), "{shown}");
    for no in &receipts {
        assert!(shown.contains(no.as_str()), "{no} missing:\n{shown}");
    }
    let status = common::run_kiosk(&staff, &["fleet", "status"]);
    assert!(
        status.status.success() && common::text(&status.stdout).contains("QH01"),
        "{}{}",
        common::text(&status.stdout),
        common::text(&status.stderr)
    );
}

#[test]
fn a_certificate_another_ca_signed_is_refused_with_the_reason_and_nothing_is_delivered() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new(&tmp.path().join("pki"), "district-ca");
    let impostor = TestCa::new(&tmp.path().join("pki"), "other-ca");
    let Some(server) = PgServer::start_tls(&ca, &["localhost", "127.0.0.1"]) else {
        return;
    };
    for mode in ["verify-full", "require"] {
        let dir = tmp.path().join(mode);
        let config = kiosk(&server, &dir, Some(mode), Some(&impostor.ca_file));
        file_requests(&config, 1);
        let err = refused(&config);
        assert!(
            matches!(err, FleetError::Tls { .. }) && err.is_unreachable(),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("not signed by the district CA in")
                && text.contains("other-ca.pem")
                && text.contains("127.0.0.1"),
            "{mode}: {text}"
        );
        assert_eq!(at_centre(&server), 0, "{mode}: nothing reached the centre");
        let outbox = kiosk::requests::register::outbox::Outbox::open(
            &Settings::load(&config).unwrap().requests.register,
        )
        .unwrap()
        .state()
        .unwrap();
        assert_eq!(outbox.waiting, 1, "{mode}: the request waits in the outbox");
    }
}

#[test]
fn verify_full_refuses_a_certificate_for_another_host_and_require_checks_the_ca_only() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new(&tmp.path().join("pki"), "district-ca");
    let Some(server) = PgServer::start_tls(&ca, &["central.qinghe.example"]) else {
        return;
    };
    let config = kiosk(&server, tmp.path(), Some("verify-full"), Some(&ca.ca_file));
    file_requests(&config, 1);
    let text = refused(&config).to_string();
    assert!(
        text.contains("not made out for 127.0.0.1 but for central.qinghe.example")
            && text.contains("sslmode=verify-full checks the host name"),
        "{text}"
    );
    assert_eq!(at_centre(&server), 0);

    // The same certificate is signed by the district CA: require and verify-ca accept it.
    let mut written = "verify-full";
    for mode in ["require", "verify-ca"] {
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace(&format!("sslmode={written}"), &format!("sslmode={mode}"));
        std::fs::write(&config, text).unwrap();
        written = mode;
        let settings = Settings::load(&config).unwrap();
        drain(&mut Sender::new(&settings).unwrap());
        let mut central = Central::open(settings.fleet.central.as_ref().unwrap(), "t").unwrap();
        assert!(encrypted(central.client()), "{mode}: TLS");
    }
    assert_eq!(at_centre(&server), 1, "delivered once");
}

#[test]
fn sslmode_require_refuses_a_server_without_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new(&tmp.path().join("pki"), "district-ca");
    let Some(server) = PgServer::start() else {
        return;
    };
    let config = kiosk(&server, tmp.path(), Some("require"), Some(&ca.ca_file));
    file_requests(&config, 1);
    let err = refused(&config);
    let text = err.to_string();
    assert!(
        text.contains("the server does not offer TLS") && text.contains("sslmode=require"),
        "{text}"
    );
    assert!(err.is_unreachable());
    assert_eq!(at_centre(&server), 0);

    // The same server with TLS turned off on the kiosk's side (a lab) takes the request.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(" sslmode=require", " sslmode=disable");
    let text = text
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config, text + "\n").unwrap();
    drain(&mut Sender::new(&Settings::load(&config).unwrap()).unwrap());
    assert_eq!(at_centre(&server), 1);
}
