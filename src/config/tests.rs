//! Tests of the configuration: the shipped files parse, bad keys are named with a fix.

use super::*;
use crate::catalog::Disclosure;

#[test]
fn the_shipped_example_config_parses() {
    let s = Settings::parse(EXAMPLE_CONFIG, Path::new("kiosk-config/kiosk.toml")).unwrap();
    assert!(!s.hall_name.is_empty());
    assert_eq!(s.sources.len(), 2);
    assert!(s.sources.iter().all(|src| src.format == Format::KioskJsonl));
    assert_eq!(s.index_dir, Path::new("kiosk-config/../index/demo"));
    assert_eq!(s.requests.kiosk_id, "QH01");
    assert_eq!(s.requests.holidays, Path::new("kiosk-config/holidays"));
    assert_eq!(s.requests.escpos, None);
    // Issue 21 item 3: the checkout's configuration writes only under the checkout, so
    // `cargo run` works as an ordinary user; the omitted keys keep the deployment's folder.
    for written in [
        &s.index_dir,
        &s.state_dir,
        &s.requests.register,
        &s.requests.key_file,
    ] {
        assert!(
            written.starts_with("kiosk-config/.."),
            "{}",
            written.display()
        );
        let inside = written.strip_prefix("kiosk-config/..").unwrap();
        assert!(
            inside.starts_with("var") || inside.starts_with("index"),
            "{}",
            written.display()
        );
    }
    let bare = Settings::parse(
        "[kiosk]\nhall_name='x'\nindex_dir='i'\n",
        Path::new("k.toml"),
    )
    .unwrap();
    assert_eq!(bare.state_dir, Path::new("/var/lib/kiosk/state"));
    assert_eq!(
        bare.requests.register,
        Path::new("/var/lib/kiosk/requests.sqlite")
    );
}

#[test]
fn a_config_without_requests_table_gets_the_defaults() {
    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n";
    let s = Settings::parse(text, Path::new("k.toml")).unwrap();
    assert_eq!(s.requests.retention_days, 180);
    assert_eq!(s.requests.cups_queue, "kiosk");
}

#[test]
fn the_read_aloud_engine_defaults_to_espeak_ng_mandarin_and_an_empty_one_is_refused() {
    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n";
    let s = Settings::parse(text, Path::new("k.toml")).unwrap();
    assert_eq!(
        s.screen.read_aloud_command[..3],
        ["espeak-ng", "-v", "cmn-latn-pinyin"].map(String::from)
    );
    let err = Settings::parse(
        &format!("{text}read_aloud_command = []\n"),
        Path::new("k.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("kiosk.read_aloud_command") && err.contains("Fix:"),
        "{err}"
    );
}

#[test]
fn bad_requests_keys_are_named_with_a_fix() {
    let cases = [
        ("kiosk_id = 'qh 01'", "requests.kiosk_id"),
        ("retention_days = 0", "requests.retention_days"),
        ("escpos = 'printer'", "requests.escpos"),
        ("registr = 'x.sqlite'", "registr"),
    ];
    for (line, key) in cases {
        let text = format!("[kiosk]\nhall_name='x'\nindex_dir='i'\n[requests]\n{line}\n");
        let err = Settings::parse(&text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(key) && err.contains("Fix:") && err.contains("k.toml"),
            "{err}"
        );
    }
    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[requests]\nescpos='10.0.0.5:9100'\n";
    let s = Settings::parse(text, Path::new("k.toml")).unwrap();
    assert_eq!(
        s.requests.escpos,
        Some(EscposTarget::Tcp("10.0.0.5:9100".into()))
    );
}

#[test]
fn the_shared_corpus_config_parses() {
    let text = include_str!("../../kiosk-config/shared-corpus.toml");
    let s = Settings::parse(text, Path::new("kiosk-config/shared-corpus.toml")).unwrap();
    let formats: Vec<Format> = s.sources.iter().map(|s| s.format).collect();
    assert_eq!(
        formats,
        [
            Format::MappedJsonl,
            Format::PortalHtml,
            Format::LawMarkdown,
            Format::MappedJsonl
        ]
    );
}

#[test]
fn rejects_unknown_key_naming_file_key_and_fix() {
    let text = EXAMPLE_CONFIG.replace("hall_name", "hall_nmae");
    let err = Settings::parse(&text, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("k.toml"), "{err}");
    assert!(err.contains("hall_nmae"), "{err}");
    assert!(err.contains("Fix:"), "{err}");
}

#[test]
fn rejects_unknown_format_and_duplicate_names() {
    let bad_format = EXAMPLE_CONFIG.replacen("format = \"kiosk-jsonl\"", "format = \"xml\"", 1);
    let err = Settings::parse(&bad_format, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("xml") && err.contains("kiosk-jsonl"), "{err}");

    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='law'\nformat='kiosk-jsonl'\npath='p'\n[[sources]]\nname='a'\nkind='law'\nformat='kiosk-jsonl'\npath='q'\n";
    let err = Settings::parse(text, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("used twice"), "{err}");
}

#[test]
fn refresh_shares_outside_zero_to_one_are_refused() {
    let text = EXAMPLE_CONFIG.replace("max_removed_share = 0.2", "max_removed_share = 20");
    let err = Settings::parse(&text, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("refresh.max_removed_share"), "{err}");
    let s = Settings::parse(EXAMPLE_CONFIG, Path::new("k.toml")).unwrap();
    assert_eq!(s.refresh, RefreshSettings::default());
}

#[test]
fn mapped_jsonl_requires_a_mapping() {
    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='law'\nformat='mapped-jsonl'\npath='p'\n";
    let err = Settings::parse(text, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("[sources.mapping]"), "{err}");
}

/// Issue 21 item 7: `csv` reads through the same mapping as `mapped-jsonl`, new keys included.
#[test]
fn csv_requires_a_mapping_and_takes_the_new_mapping_keys() {
    let head = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='government_info'\nformat='csv'\npath='p.csv'\n";
    let err = Settings::parse(head, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("format = \"csv\"") && err.contains("[sources.mapping]"),
        "{err}"
    );
    let text = format!(
        "{head}[sources.mapping]\nid='编号'\ntitle='标题'\nvalidity='效力'\nindex_number='索引号'\nwritten_date='成文日期'\nkeywords='主题词'\ndisclosure='公开属性'\n"
    );
    let s = Settings::parse(&text, Path::new("k.toml")).unwrap();
    assert_eq!(s.sources[0].format, Format::Csv);
    let m = s.sources[0].mapping.as_ref().unwrap();
    assert_eq!(
        [&m.validity, &m.index_number, &m.written_date, &m.keywords].map(|f| f.as_deref()),
        [
            Some("效力"),
            Some("索引号"),
            Some("成文日期"),
            Some("主题词")
        ]
    );
}

#[test]
fn default_disclosure_takes_only_the_three_labels_and_names_the_key() {
    let source = |line: &str| {
        format!(
            "[kiosk]\nhall_name='x'\nindex_dir='i'\n[[sources]]\nname='a'\nkind='government_info'\nformat='portal-html'\npath='p'\n{line}\n"
        )
    };
    for (label, want) in Disclosure::LABELS {
        let text = source(&format!("default_disclosure = '{label}'"));
        let s = Settings::parse(&text, Path::new("k.toml")).unwrap();
        assert_eq!(s.sources[0].default_disclosure, Some(want), "{label}");
    }
    let s = Settings::parse(&source(""), Path::new("k.toml")).unwrap();
    assert_eq!(s.sources[0].default_disclosure, None);
    for bad in ["公开", "public", "主动公開", "未标明公开属性"] {
        let err = Settings::parse(
            &source(&format!("default_disclosure = '{bad}'")),
            Path::new("k.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("default_disclosure") && err.contains("Fix:") && err.contains("k.toml"),
            "{err}"
        );
    }
}

#[test]
fn the_shared_corpus_config_publishes_by_default_only_the_feeds_of_published_pages() {
    let text = include_str!("../../kiosk-config/shared-corpus.toml");
    let s = Settings::parse(text, Path::new("kiosk-config/shared-corpus.toml")).unwrap();
    let defaults: Vec<(&str, Option<Disclosure>)> = s
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.default_disclosure))
        .collect();
    assert_eq!(
        defaults,
        [
            ("guangdong-service-guide", None),
            ("gov-cn-pages", Some(Disclosure::Proactive)),
            ("laws", None),
            ("policy-notices", Some(Disclosure::Proactive)),
        ]
    );
}

#[test]
fn the_fleet_is_off_unless_a_central_url_is_set() {
    let s = Settings::parse(EXAMPLE_CONFIG, Path::new("kiosk-config/kiosk.toml")).unwrap();
    assert_eq!(s.fleet.central, None);
    assert_eq!(s.fleet.heartbeat, std::time::Duration::from_secs(60));
    let text = EXAMPLE_CONFIG
        .replace(
            "# central_url = \"host=10.1.0.5",
            "central_url = \"host=10.1.0.5",
        )
        .replace("# password_file = \"/etc", "password_file = \"/etc");
    let s = Settings::parse(&text, Path::new("kiosk-config/kiosk.toml")).unwrap();
    let central = s.fleet.central.unwrap();
    assert!(central.url.contains("user=kiosk_qh01"));
    assert_eq!(
        central.password_file.as_deref(),
        Some(Path::new("/etc/kiosk/central.password"))
    );
    assert_eq!(central.tls, CentralTls::Off { explicit: false });
    let with_ca = text.replace("# ca_file = \"/etc", "ca_file = \"/etc");
    let s = Settings::parse(&with_ca, Path::new("kiosk-config/kiosk.toml")).unwrap();
    assert_eq!(
        s.fleet.central.unwrap().tls,
        CentralTls::Required {
            ca_file: "/etc/kiosk/district-ca.pem".into(),
            check_host: true,
            mode: SslMode::VerifyFull,
        },
        "a CA file alone means verify-full"
    );
}

#[test]
fn sslmode_and_the_ca_file_decide_tls_together_and_contradictions_are_refused() {
    let parse = |url: &str, ca: Option<&str>| {
        let ca = ca.map(|c| format!("ca_file = {c:?}\n")).unwrap_or_default();
        Settings::parse(
            &format!("[kiosk]\nhall_name='x'\nindex_dir='i'\n[fleet]\ncentral_url = {url:?}\n{ca}"),
            Path::new("/etc/kiosk/kiosk.toml"),
        )
    };
    let ca = PathBuf::from("/etc/kiosk/district-ca.pem");
    let required = |check_host, mode| CentralTls::Required {
        ca_file: ca.clone(),
        check_host,
        mode,
    };
    for (url, file, tls) in [
        ("host=h user=k", None, CentralTls::Off { explicit: false }),
        (
            "host=h user=k sslmode=disable",
            None,
            CentralTls::Off { explicit: true },
        ),
        (
            "host=h user=k",
            Some("district-ca.pem"),
            required(true, SslMode::VerifyFull),
        ),
        (
            "host=h user=k sslmode=verify-full",
            Some("district-ca.pem"),
            required(true, SslMode::VerifyFull),
        ),
        (
            "host=h user=k sslmode=verify-ca",
            Some("district-ca.pem"),
            required(false, SslMode::VerifyCa),
        ),
        (
            "sslmode=require host=h user=k",
            Some("/etc/kiosk/district-ca.pem"),
            required(false, SslMode::Require),
        ),
        (
            "postgresql://k@h/db?sslmode=require",
            Some("district-ca.pem"),
            required(false, SslMode::Require),
        ),
    ] {
        let central = parse(url, file).unwrap().fleet.central.unwrap();
        assert_eq!(central.tls, tls, "{url} {file:?}");
        assert!(
            !central.url.contains("sslmode"),
            "handed on without sslmode: {}",
            central.url
        );
        let _: postgres::Config = central.url.parse().unwrap();
    }
    for (url, file, names) in [
        (
            "host=h user=k sslmode=require",
            None,
            "sslmode=require but `fleet.ca_file` is not set",
        ),
        (
            "host=h user=k sslmode=verify-full",
            None,
            "sslmode=verify-full but `fleet.ca_file`",
        ),
        (
            "host=h user=k sslmode=prefer",
            Some("ca.pem"),
            "sslmode=prefer: it would fall back",
        ),
        ("host=h user=k sslmode=allow", None, "sslmode=allow"),
        (
            "host=h user=k sslmode=disable",
            Some("ca.pem"),
            "`fleet.ca_file` is set but",
        ),
        (
            "host=h user=k sslmode=verify",
            None,
            "sslmode=verify is not a libpq sslmode",
        ),
        (
            "host=h user=k sslrootcert=/etc/ca.pem",
            None,
            "names sslrootcert",
        ),
    ] {
        let err = parse(url, file).unwrap_err().to_string();
        assert!(err.contains(names), "{url}: {err}");
    }
    let err = Settings::parse(
        "[kiosk]\nhall_name='x'\nindex_dir='i'\n[fleet]\nca_file = 'ca.pem'\n",
        Path::new("k.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("`fleet.ca_file` is set but `fleet.central_url` is not"),
        "{err}"
    );
}

#[test]
fn a_staff_workstation_needs_a_central_url_and_the_district_key_folder() {
    let base = "[kiosk]\nhall_name='x'\nindex_dir='i'\n[fleet]\n";
    let url = "central_url = \"host=h dbname=d user=staff_wang\"\n";
    let s = Settings::parse(
        &format!("{base}{url}staff = true\nkey_dir = \"keys\"\n"),
        Path::new("/etc/kiosk/kiosk.toml"),
    )
    .unwrap();
    assert_eq!(
        s.fleet.staff.unwrap().key_dir,
        Path::new("/etc/kiosk/keys"),
        "resolved against the file"
    );
    for (text, names) in [
        (
            format!("{base}staff = true\nkey_dir = \"k\"\n"),
            "needs `fleet.central_url`",
        ),
        (
            format!("{base}{url}staff = true\n"),
            "needs `fleet.key_dir`",
        ),
        (
            format!("{base}{url}key_dir = \"k\"\n"),
            "`fleet.staff` is not true",
        ),
    ] {
        let err = Settings::parse(&text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(names), "{text}: {err}");
    }
    let kiosk = Settings::parse(&format!("{base}{url}"), Path::new("k.toml")).unwrap();
    assert_eq!(kiosk.fleet.staff, None);
}

#[test]
fn a_central_url_with_a_password_or_without_a_user_is_refused() {
    for (url, names) in [
        ("host=h user=k password=secret", "contains a password"),
        ("host=h dbname=d", "names no user"),
        ("host='unterminated", "not a PostgreSQL connection string"),
    ] {
        let text =
            format!("[kiosk]\nhall_name='x'\nindex_dir='i'\n[fleet]\ncentral_url = {url:?}\n");
        let err = Settings::parse(&text, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(names), "{url}: {err}");
        assert!(
            !err.contains("secret"),
            "the password is never echoed: {err}"
        );
    }
}

#[test]
fn bundle_keys_resolve_against_the_file_and_a_zero_validity_is_refused() {
    let text = EXAMPLE_CONFIG.replacen(
        "[bundle]\n",
        "[bundle]\npublic_key = \"bundle.pub\"\nsource = \"/media/usb/kiosk-bundle\"\n",
        1,
    );
    let s = Settings::parse(&text, Path::new("/etc/kiosk/kiosk.toml")).unwrap();
    assert_eq!(
        s.bundle.public_key.as_deref(),
        Some(Path::new("/etc/kiosk/bundle.pub"))
    );
    assert_eq!(s.bundle.source.as_deref(), Some("/media/usb/kiosk-bundle"));
    assert_eq!((s.bundle.secret_key, s.bundle.valid_days), (None, 3));
    let url = text.replace("/media/usb/kiosk-bundle", "http://build-host/kiosk-bundle");
    let s = Settings::parse(&url, Path::new("/etc/kiosk/kiosk.toml")).unwrap();
    assert_eq!(
        s.bundle.source.as_deref(),
        Some("http://build-host/kiosk-bundle")
    );

    let zero = EXAMPLE_CONFIG.replace("valid_days = 3", "valid_days = 0");
    let err = Settings::parse(&zero, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`bundle.valid_days = 0`"), "{err}");
    let typo = EXAMPLE_CONFIG.replace("valid_days = 3", "valid_dayz = 3");
    let err = Settings::parse(&typo, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("valid_dayz"), "{err}");
}
