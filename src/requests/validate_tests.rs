//! Tests of [`super`] (validate.rs).

use super::*;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// Builds a valid resident ID from its first 17 digits with the algorithm.
fn with_check(first17: &str) -> String {
    format!("{first17}{}", resident_id_check_char(first17).unwrap())
}

#[test]
fn resident_id_numbers_are_accepted_or_rejected_with_a_reason() {
    let valid_computed = with_check("44030419900307211");
    let wrong_check = {
        let mut s = valid_computed.clone();
        let last = s.pop().unwrap();
        s.push(if last == '0' { '1' } else { '0' });
        s
    };
    let feb30 = with_check("11010519900230002");
    let future = with_check("11010520991231002");
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("11010519491231002X", Ok("11010519491231002X")),
        ("11010519491231002x", Ok("11010519491231002X")),
        (" 110105 19491231 002X ", Ok("11010519491231002X")),
        (&valid_computed, Ok(&valid_computed)),
        ("110105194912310021", Err("校验位")),
        (&wrong_check, Err("校验位")),
        (&feb30, Err("出生日期不存在")),
        (&future, Err("出生日期不正确")),
        ("11010519491231002", Err("18位")),
        ("1101051949123100211", Err("18位")),
        ("11010519491231A02X", Err("前17位")),
        ("", Err("请填写")),
    ];
    for (raw, want) in cases {
        let got = IdNumber::parse(IdKind::ResidentId, raw, today());
        match (want, &got) {
            (Ok(n), Ok(id)) => assert_eq!(id.full(), *n, "{raw}"),
            (Err(part), Err(msg)) => assert!(msg.contains(part), "{raw}: {msg}"),
            _ => panic!("{raw}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn other_identity_documents_follow_their_own_formats() {
    let cases: &[(IdKind, &str, bool)] = &[
        (IdKind::HkMacaoPermit, "H12345678", true),
        (IdKind::HkMacaoPermit, "m1234567801", true),
        (IdKind::HkMacaoPermit, "X12345678", false),
        (IdKind::TaiwanPermit, "12345678", true),
        (IdKind::TaiwanPermit, "1234567", false),
        (IdKind::ResidencePermit, "810000199001011234", true),
        (IdKind::ResidencePermit, "110000199001011234", false),
        (IdKind::ForeignPermanentId, "USA123456789012", true),
        (IdKind::ForeignPermanentId, "911234199001011234", true),
        (IdKind::ForeignPermanentId, "12345", false),
        (IdKind::Passport, "E12345678", true),
        (IdKind::Passport, "EA1234567", true),
        (IdKind::Passport, "E1", false),
        (IdKind::Passport, "护照123456", false),
    ];
    for (kind, raw, ok) in cases {
        let got = IdNumber::parse(*kind, raw, today());
        assert_eq!(got.is_ok(), *ok, "{kind:?} {raw}: {got:?}");
        if let Err(msg) = got {
            assert!(!msg.is_empty());
        }
    }
}

#[test]
fn id_numbers_are_masked_keeping_six_and_four() {
    let id = IdNumber::parse(IdKind::ResidentId, "11010519491231002X", today()).unwrap();
    assert_eq!(id.masked(), "110105********002X");
    let p = IdNumber::parse(IdKind::Passport, "E12345678", today()).unwrap();
    assert_eq!(p.masked(), "E1*****78");
}

#[test]
fn credit_codes_are_checked_with_gb_32100() {
    // Valid codes computed with the algorithm from arbitrary 17-character stems.
    let stems = [
        "91350100M000100Y4",
        "12100000400000598",
        "5311000050000001X",
    ];
    for stem in stems {
        let code = format!("{stem}{}", credit_code_check_char(stem).unwrap());
        assert_eq!(CreditCode::parse(&code).unwrap().as_str(), code);
        let lower = code.to_lowercase();
        assert!(CreditCode::parse(&lower).is_ok(), "{lower}");
        // Every other check character is rejected.
        for c in CREDIT_CHARSET.chars().filter(|c| !code.ends_with(*c)) {
            let bad = format!("{stem}{c}");
            let err = CreditCode::parse(&bad).unwrap_err();
            assert!(err.contains("校验位"), "{bad}: {err}");
        }
    }
    assert!(CreditCode::parse("91350100M000100Y4")
        .unwrap_err()
        .contains("18位"));
    assert!(CreditCode::parse("91350100M000100YIO")
        .unwrap_err()
        .contains("“I”"));
}

#[test]
fn check_char_of_thirty_one_wraps_to_zero() {
    // Search a stem whose sum is a multiple of 31: its check character must be '0'.
    let stem = (0..10_000u32)
        .map(|i| format!("{:017}", i))
        .find(|s| {
            s.chars()
                .zip(CREDIT_WEIGHTS)
                .map(|(c, w)| CREDIT_CHARSET.find(c).unwrap() as u32 * w)
                .sum::<u32>()
                % 31
                == 0
        })
        .unwrap();
    assert_eq!(credit_code_check_char(&stem), Some('0'));
}

#[test]
fn phones_accept_mobiles_and_landlines_with_extensions() {
    let cases: &[(&str, Option<&str>)] = &[
        ("13812345678", Some("13812345678")),
        ("+86 138 1234 5678", Some("13812345678")),
        ("199-1234-5678", Some("19912345678")),
        ("12812345678", None),
        ("1381234567", None),
        ("010-12345678", Some("010-12345678")),
        ("0571 8765432", Some("0571-8765432")),
        ("010-12345678-123", Some("010-12345678转123")),
        ("01012345678转8001", Some("010-12345678转8001")),
        ("12345678", None),
        ("", None),
    ];
    for (raw, want) in cases {
        let got = Phone::parse(raw);
        assert_eq!(
            got.as_ref().ok().map(|p| p.to_string()).as_deref(),
            *want,
            "{raw}: {got:?}"
        );
    }
}

#[test]
fn every_form_field_has_a_length_limit_and_the_message_names_field_and_limit() {
    let fields = [
        "name",
        "id_number",
        "credit_code",
        "legal_representative",
        "contact_person",
        "phone",
        "address",
        "postcode",
        "email",
        "description",
        "title",
        "doc_number",
        "index_number",
    ];
    for f in fields {
        let max = limit_of(f).unwrap_or_else(|| panic!("{f} has no limit"));
        assert!(max < 32_767, "{f}: an exported cell must fit a spreadsheet");
        assert!(check_length(f, "字段", &"字".repeat(max)).is_ok(), "{f}");
        let err = check_length(f, "字段", &"字".repeat(max + 1)).unwrap_err();
        assert!(
            err.starts_with(&format!("字段不能超过{max}字")),
            "{f}: {err}"
        );
    }
    assert_eq!(limit_of("description"), Some(2000));
    // Characters, not bytes: 2,000 Hanzi are 6,000 bytes of UTF-8 and still fit.
    assert!(check_length("description", "内容描述", &"政".repeat(2000)).is_ok());
}

#[test]
fn postcodes_and_emails_are_checked() {
    assert!(Postcode::parse("100010").is_ok());
    assert!(Postcode::parse("10001").is_err());
    assert!(Postcode::parse("10001a").is_err());
    assert!(Email::parse("zhang.san@example.com.cn").is_ok());
    assert!(Email::parse("zhangsan@localhost").is_err());
    assert!(Email::parse("zhang san@example.com").is_err());
    assert!(Email::parse("@example.com").is_err());
}
