//! A throwaway PostgreSQL server for the fleet tests and the fleet benchmark: a cluster in a
//! temporary folder on a free local port, run as the unprivileged `postgres` user when we are
//! root (initdb refuses root), stopped and removed on drop; with [`PgServer::start_tls`] it
//! speaks TLS only, with a certificate of a throw-away district CA ([`TestCa`], made with
//! rcgen). Also the kiosk configurations that point at it. Shared by `tests/` and
//! `benches/fleet.rs`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The database the fleet lives in, and its owner (trusted on loopback: tests only).
pub const DB: &str = "kiosk_fleet";
pub const OWNER: &str = "fleet_owner";

pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_postgres: bool,
    /// TLS only: the CA that signed the server's certificate (the owner connects with it).
    ca_file: Option<PathBuf>,
}

/// A throw-away district CA: its certificate as a PEM file, and the key to sign server
/// certificates with.
pub struct TestCa {
    params: rcgen::CertificateParams,
    key: rcgen::KeyPair,
    pub ca_file: PathBuf,
}

impl TestCa {
    /// A new CA named `name`, its certificate written to `dir/NAME.pem`.
    pub fn new(dir: &Path, name: &str) -> TestCa {
        let key = rcgen::KeyPair::generate().expect("CA key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let cert = params.self_signed(&key).expect("self-signed CA");
        std::fs::create_dir_all(dir).unwrap();
        let ca_file = dir.join(format!("{name}.pem"));
        std::fs::write(&ca_file, cert.pem()).unwrap();
        TestCa {
            params,
            key,
            ca_file,
        }
    }

    /// A server certificate made out for `names` (host names or IP addresses), signed by this
    /// CA: (certificate PEM, private key PEM).
    pub fn server_cert(&self, names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = rcgen::CertificateParams::new(names).expect("server params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kiosk central register (test)");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let key = rcgen::KeyPair::generate().expect("server key");
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("signed server cert");
        (cert.pem(), key.serialize_pem())
    }
}

/// The newest `/usr/lib/postgresql/N/bin` with initdb, or `$KIOSK_PG_BIN`.
pub fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KIOSK_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

impl PgServer {
    /// Starts a new cluster. Without the server binaries: `None` with a note, unless CI is
    /// set (then the missing package is a failure: scripts/check.sh installs it).
    pub fn start() -> Option<PgServer> {
        PgServer::start_with(None)
    }

    /// Starts a new cluster that speaks TLS only (`ssl = on`, `hostssl` lines alone in
    /// pg_hba.conf) with a certificate for `names` signed by `ca`.
    pub fn start_tls(ca: &TestCa, names: &[&str]) -> Option<PgServer> {
        PgServer::start_with(Some((ca, names)))
    }

    fn start_with(tls: Option<(&TestCa, &[&str])>) -> Option<PgServer> {
        let Some(bin) = pg_bin() else {
            let msg = "PostgreSQL server binaries not found (/usr/lib/postgresql/N/bin): \
                       install Debian's `postgresql` package (scripts/check.sh does)";
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("note: {msg}; skipping");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("kiosk-pg-")
            .tempdir()
            .expect("temporary folder");
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        if as_postgres {
            let status = Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(
                status.success(),
                "chown postgres: is the postgres user missing?"
            );
        }
        let server = PgServer {
            dir,
            bin,
            port: free_port(),
            as_postgres,
            ca_file: tls.map(|(ca, _)| ca.ca_file.clone()),
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data().display().to_string(),
                "-U",
                OWNER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        // The owner is trusted on loopback; every other role must give its password. With
        // TLS, only connections over TLS are let in at all.
        let host = if tls.is_some() { "hostssl" } else { "host" };
        std::fs::write(
            server.data().join("pg_hba.conf"),
            format!(
                "local all {OWNER} trust\n{host} all {OWNER} 127.0.0.1/32 trust\n\
                 {host} all all 127.0.0.1/32 scram-sha-256\n"
            ),
        )
        .expect("pg_hba.conf");
        if let Some((ca, names)) = tls {
            let (cert, key) = ca.server_cert(names);
            std::fs::write(server.dir.path().join("server.crt"), cert).unwrap();
            let key_file = server.dir.path().join("server.key");
            std::fs::write(&key_file, key).unwrap();
            // The server refuses a key file others can read; as root, it must own it.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
            if server.as_postgres {
                let status = Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&key_file)
                    .arg(server.dir.path().join("server.crt"))
                    .status()
                    .expect("chown");
                assert!(status.success(), "chown postgres the server key");
            }
        }
        server.start_again();
        let mut admin = server.owner_of("postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE {DB}"))
            .expect("create database");
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
                "--",
            ])
            .arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn start_again(&self) {
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -k {} -c max_connections=200 \
             -c shared_buffers=32MB -c log_min_messages=warning",
            self.port,
            self.dir.path().display()
        );
        if self.ca_file.is_some() {
            let d = self.dir.path().display();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key"
            ));
        }
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-o",
                &options,
                "-l",
                &self.dir.path().join("log").display().to_string(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server at once, as a crash would (`-m immediate`: no checkpoint).
    pub fn crash(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    /// The owner's connection string (no password: trusted on loopback).
    pub fn owner_url(&self) -> String {
        format!("host=127.0.0.1 port={} user={OWNER} dbname={DB}", self.port)
    }

    pub fn owner(&self) -> postgres::Client {
        self.owner_of(DB)
    }

    /// The owner connected to `dbname`: over TLS with the server's CA (the chain checked, not
    /// the host name, so it works whatever names the certificate carries) when TLS is on.
    fn owner_of(&self, dbname: &str) -> postgres::Client {
        let url = format!(
            "host=127.0.0.1 port={} user={OWNER} dbname={dbname}",
            self.port
        );
        match &self.ca_file {
            None => postgres::Client::connect(&url, postgres::NoTls).expect("connect as owner"),
            Some(ca) => {
                let central = kiosk::config::CentralSettings::parse(
                    &format!("{url} sslmode=require"),
                    None,
                    Some(ca.clone()),
                )
                .expect("owner settings");
                kiosk::fleet::connect(&central, "test-owner").expect("connect as owner over TLS")
            }
        }
    }

    /// The CA that signed the server's certificate (TLS only).
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// A role's connection string (its password comes from a file).
    pub fn url_for(&self, role: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={role} dbname={DB} connect_timeout=2",
            self.port
        )
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = Command::new(if self.as_postgres { "setpriv" } else { "true" })
            .args(if self.as_postgres {
                vec![
                    "--reuid=postgres",
                    "--regid=postgres",
                    "--init-groups",
                    "--",
                ]
            } else {
                vec![]
            })
            .arg(self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "stop",
            ])
            .output();
    }
}

/// Sets the central schema up and adds kiosks: for each id, its role's password file in `dir`.
/// Returns the password file of each kiosk.
pub fn set_up_fleet(server: &PgServer, dir: &Path, kiosk_ids: &[&str]) -> Vec<PathBuf> {
    let mut owner = server.owner();
    kiosk::fleet::schema::migrate(&mut owner).expect("central schema");
    kiosk_ids
        .iter()
        .map(|id| {
            let password = format!("pw{}x{}", id.to_lowercase(), std::process::id());
            kiosk::fleet::schema::add_kiosk(&mut owner, id, &password).expect("kiosk role");
            let file = dir.join(format!("{id}.password"));
            std::fs::write(&file, format!("{password}\n")).unwrap();
            file
        })
        .collect()
}

/// A kiosk configuration in `dir` (its own register and key) delivering to `server` as the
/// role of `kiosk_id` (or `role`, for a staff workstation). Returns the config path.
pub fn fleet_config(
    dir: &Path,
    kiosk_id: &str,
    server: &PgServer,
    role: &str,
    password_file: &Path,
) -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = format!(
        "[kiosk]\nhall_name = \"青禾县政务服务中心 政务公开专区\"\nindex_dir = {index:?}\n\n\
         [requests]\nregister = {reg:?}\nkey_file = {key:?}\nkiosk_id = {kiosk_id:?}\n\
         cups_queue = \"none\"\nholidays = {holidays:?}\n\n\
         [fleet]\ncentral_url = {url:?}\npassword_file = {pw:?}\nheartbeat_seconds = 1\nsilent_after_minutes = 1\n",
        index = dir.join("index").display().to_string(),
        reg = dir.join("data/requests.sqlite").display().to_string(),
        key = dir.join("secret/register.key").display().to_string(),
        holidays = repo.join("kiosk-config/holidays").display().to_string(),
        url = server.url_for(role),
        pw = password_file.display().to_string(),
    );
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Adds TLS to a configuration written by [`fleet_config`]: `sslmode` appended to its
/// `central_url` (when given) and `fleet.ca_file` (when given).
pub fn set_tls(config: &Path, sslmode: Option<&str>, ca_file: Option<&Path>) {
    let mut text = std::fs::read_to_string(config).unwrap();
    if let Some(mode) = sslmode {
        text = text.replace(
            " connect_timeout=2\"",
            &format!(" connect_timeout=2 sslmode={mode}\""),
        );
    }
    if let Some(ca) = ca_file {
        // The last table of the file is [fleet].
        text.push_str(&format!("ca_file = {:?}\n", ca.display().to_string()));
    }
    std::fs::write(config, text).unwrap();
}
