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
    assert!(s.requests.key_file.is_absolute());
}

#[test]
fn a_config_without_requests_table_gets_the_defaults() {
    let text = "[kiosk]\nhall_name='x'\nindex_dir='i'\n";
    let s = Settings::parse(text, Path::new("k.toml")).unwrap();
    assert_eq!(s.requests.retention_days, 180);
    assert_eq!(s.requests.cups_queue, "kiosk");
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
    let bad_format = EXAMPLE_CONFIG.replacen("format = \"kiosk-jsonl\"", "format = \"csv\"", 1);
    let err = Settings::parse(&bad_format, Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("csv") && err.contains("kiosk-jsonl"), "{err}");

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
