//! Property tests (proptest) of the request validation and the configuration parser (issue 21
//! item 4). Forms: arbitrary text in every field, near-valid ID numbers and credit codes (the
//! right length, a computed check character, a random date), every applicant type and way of
//! delivery; validation never panics, a valid form's numbers parse again to themselves, the
//! masked ID number shows none of the hidden digits, and every error names a field of the form
//! with a Chinese sentence. Configuration: the shipped file with a line dropped, doubled,
//! replaced by arbitrary text or given a random value, and arbitrary text; parsing never
//! panics, and every refusal names the file and says how to fix it.

use kiosk::config::{Settings, EXAMPLE_CONFIG};
use kiosk::requests::model::{ApplicantType, ObtainBy, ProvideAs, RawForm};
use kiosk::requests::validate::{
    credit_code_check_char, mask, resident_id_check_char, CreditCode, IdKind, IdNumber, Phone,
    Postcode, FIELD_LIMITS,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    })
}

/// A resident ID number: region, a date that may be impossible, sequence, a check character
/// that is right unless `spoil`, in any case and with blanks.
fn resident_id() -> impl Strategy<Value = String> {
    (
        "[1-8][0-9]{5}",
        1850u32..2100,
        0u32..14,
        0u32..33,
        "[0-9]{3}",
        any::<bool>(),
        prop::sample::select(&["", " ", "\u{3000}"][..]),
    )
        .prop_map(|(region, y, m, d, seq, spoil, blank)| {
            let first = format!("{region}{y:04}{m:02}{d:02}{seq}");
            let check = resident_id_check_char(&first).unwrap_or('0');
            let check = if spoil {
                if check == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                check
            };
            let s = format!("{first}{blank}{check}");
            if check == 'X' && spoil {
                s.to_lowercase()
            } else {
                s
            }
        })
}

/// A credit code with a computed check character (sometimes spoilt).
fn credit_code() -> impl Strategy<Value = String> {
    ("[0-9A-HJ-NPQRTUWXY]{17}", any::<bool>()).prop_map(|(first, spoil)| {
        let check = credit_code_check_char(&first).unwrap_or('0');
        let check = if spoil {
            if check == '0' {
                '1'
            } else {
                '0'
            }
        } else {
            check
        };
        format!("{first}{check}")
    })
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        proptest::string::string_regex(&format!("[\u{4e00}-\u{9fa5}a-zA-Z0-9 @.\\-]{{0,{max}}}"))
            .unwrap(),
        ("[\u{4e00}-\u{9fa5}]", max..max + 20).prop_map(|(c, n)| c.repeat(n)),
    ]
}

fn form() -> impl Strategy<Value = RawForm> {
    let who = (
        prop::sample::select(&[ApplicantType::Citizen, ApplicantType::Organization][..]),
        text(100),
        prop::option::of(prop::sample::select(&IdKind::ALL[..])),
        prop_oneof![resident_id(), text(30), "[A-Z][0-9]{8,10}"],
        prop_oneof![credit_code(), text(30)],
        text(50),
        text(50),
    );
    let contact = (
        prop_oneof![
            "1[3-9][0-9]{9}",
            "0[0-9]{2,3}-[0-9]{7,8}",
            "1[0-9 ]{10,14}",
            text(30)
        ],
        text(200),
        prop_oneof!["[0-9]{6}", text(10)],
        prop_oneof!["[a-z]{1,8}@[a-z]{1,8}\\.(cn|com)", text(254)],
    );
    let wanted = (
        text(2000),
        text(200),
        text(100),
        text(100),
        prop::sample::select(&[ProvideAs::Paper, ProvideAs::Email, ProvideAs::Disc][..]),
        prop::sample::select(
            &[
                ObtainBy::Post,
                ObtainBy::Express,
                ObtainBy::Email,
                ObtainBy::Pickup,
                ObtainBy::ReadOnSite,
            ][..],
        ),
        any::<bool>(),
    );
    (who, contact, wanted).prop_map(|(who, contact, wanted)| RawForm {
        applicant_type: who.0,
        name: who.1,
        id_kind: who.2,
        id_number: who.3,
        credit_code: who.4,
        legal_representative: who.5,
        contact_person: who.6,
        phone: contact.0,
        address: contact.1,
        postcode: contact.2,
        email: contact.3,
        description: wanted.0,
        title: wanted.1,
        doc_number: wanted.2,
        index_number: wanted.3,
        provide_as: wanted.4,
        obtain_by: wanted.5,
        staff_assisted: wanted.6,
    })
}

/// The form keys an error may name.
const FORM_FIELDS: [&str; 6] = [
    "id_kind",
    "provide_as",
    "obtain_by",
    "info",
    "applicant_type",
    "form",
];

#[test]
fn request_validation_never_panics_and_every_error_names_a_field_in_chinese() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    runner()
        .run(&form(), |f| {
            match f.validate(today) {
                Ok(request) => {
                    let json = serde_json::to_string(&request).unwrap();
                    prop_assert!(!json.is_empty());
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        let known = FIELD_LIMITS.iter().any(|(k, _)| *k == e.field)
                            || FORM_FIELDS.contains(&e.field);
                        prop_assert!(known, "unknown field {}", e.field);
                        prop_assert!(
                            e.message
                                .chars()
                                .any(|c| ('\u{4e00}'..='\u{9fa5}').contains(&c)),
                            "{e}"
                        );
                    }
                }
            }
            // The same form as JSON (what `kiosk requests submit` reads) never panics either.
            let json = serde_json::to_string(&f).unwrap();
            let back: RawForm = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, f);
            Ok(())
        })
        .unwrap();
}

#[test]
fn number_parsers_never_panic_and_a_parsed_number_parses_again_to_itself() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let strategy = (
        prop::sample::select(&IdKind::ALL[..]),
        prop_oneof![resident_id(), any::<String>(), "[A-Za-z0-9 ]{0,24}"],
        prop_oneof![credit_code(), any::<String>()],
        prop_oneof!["[0-9 +\\-()]{0,20}", any::<String>()],
    );
    runner()
        .run(&strategy, |(kind, id, code, phone)| {
            if let Ok(n) = IdNumber::parse(kind, &id, today) {
                let again = IdNumber::parse(kind, n.full(), today).unwrap();
                prop_assert_eq!(again.full(), n.full());
                let masked = n.masked();
                prop_assert_eq!(masked.chars().count(), n.full().chars().count());
                prop_assert!(masked.contains('*'), "{}", masked);
            }
            let _ = mask(&id);
            if let Ok(c) = CreditCode::parse(&code) {
                let again = CreditCode::parse(c.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), c.as_str());
            }
            let _ = Phone::parse(&phone);
            let _ = Postcode::parse(&phone);
            let _ = serde_json::from_str::<RawForm>(&id);
            Ok(())
        })
        .unwrap();
}

/// The shipped configuration changed in one line.
fn mutated_config() -> impl Strategy<Value = String> {
    let lines: Vec<String> = EXAMPLE_CONFIG.lines().map(String::from).collect();
    let n = lines.len();
    (
        0..n,
        0u8..5,
        prop_oneof![
            any::<String>(),
            "[a-z_]{1,12} = (\"[^\"\n]{0,12}\"|[0-9.\\-]{1,6}|true|\\[\\])",
            "-?[0-9]{1,20}(\\.[0-9]{1,3})?",
            "\"[^\"\n]{0,30}\"",
        ],
    )
        .prop_map(move |(at, how, noise)| {
            let mut l = lines.clone();
            match how {
                0 => {
                    l.remove(at);
                }
                1 => l.insert(at, l[at].clone()),
                2 => l[at] = noise,
                3 => l.insert(at, noise),
                _ => {
                    // A key given another value.
                    if let Some((key, _)) = l[at].split_once(" = ") {
                        l[at] = format!("{key} = {noise}");
                    }
                }
            }
            l.join("\n")
        })
}

#[test]
fn the_configuration_parser_never_panics_and_every_refusal_names_the_file_and_a_fix() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml");
    let strategy = prop_oneof![mutated_config(), any::<String>()];
    runner()
        .run(&strategy, |text| {
            if let Err(e) = Settings::parse(&text, &path) {
                let e = e.to_string();
                prop_assert!(e.contains("kiosk.toml"), "{}", e);
                prop_assert!(e.contains("Fix:"), "{}", e);
            }
            Ok(())
        })
        .unwrap();
}
