//! Field parsers for the request form: raw text in, typed values out ("parse, don't validate").
//!
//! Owns the number rules (GB 11643 居民身份证, GB 32100 统一社会信用代码, other identity documents,
//! phone numbers, postcodes, e-mail). Every error is a short Chinese sentence the kiosk can show
//! beside the field. Knows nothing about storage or the screen.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::LazyLock;

/// A field that failed to parse: which field (its Chinese label) and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form key of the field (e.g. `id_number`), stable for the UI.
    pub field: &'static str,
    /// The field's label as printed on the form.
    pub label: &'static str,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.label, self.message)
    }
}

/// The longest text each form field takes, in characters (not bytes). Long enough for real
/// names, addresses and requests; short enough that one request prints on a few pages and every
/// exported cell stays far below a spreadsheet's 32,767 characters. Keyed as [`FieldError::field`].
pub const FIELD_LIMITS: [(&str, usize); 13] = [
    ("name", 100),
    ("id_number", 30),
    ("credit_code", 30),
    ("legal_representative", 50),
    ("contact_person", 50),
    ("phone", 30),
    ("address", 200),
    ("postcode", 10),
    ("email", 254),
    ("description", 2000),
    ("title", 200),
    ("doc_number", 100),
    ("index_number", 100),
];

/// The character limit of a form field, if it has one.
pub fn limit_of(field: &str) -> Option<usize> {
    FIELD_LIMITS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, max)| *max)
}

/// Refuses text longer than its field's limit, with a sentence naming the field and the limit.
pub fn check_length(field: &str, label: &str, value: &str) -> Result<(), String> {
    let Some(max) = limit_of(field) else {
        return Ok(());
    };
    let n = value.trim().chars().count();
    if n > max {
        return Err(format!(
            "{label}不能超过{max}字，您填写了{n}字，请精简后再提交。"
        ));
    }
    Ok(())
}

fn regex(pattern: &str) -> regex::Regex {
    // The patterns are constants of this file; a test compiles each one.
    #[allow(clippy::expect_used)]
    regex::Regex::new(pattern).expect("constant pattern compiles")
}

/// Removes blanks a person or a scanner may leave inside a number, and folds full-width ASCII.
fn clean(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '－')
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_uppercase()
}

/// The identity documents the form accepts (证件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证
    ResidentId,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 港澳台居民居住证
    ResidencePermit,
    /// 外国人永久居留身份证
    ForeignPermanentId,
    /// 护照
    Passport,
}

impl IdKind {
    pub const ALL: [IdKind; 6] = [
        IdKind::ResidentId,
        IdKind::HkMacaoPermit,
        IdKind::TaiwanPermit,
        IdKind::ResidencePermit,
        IdKind::ForeignPermanentId,
        IdKind::Passport,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IdKind::ResidentId => "居民身份证",
            IdKind::HkMacaoPermit => "港澳居民来往内地通行证",
            IdKind::TaiwanPermit => "台湾居民来往大陆通行证",
            IdKind::ResidencePermit => "港澳台居民居住证",
            IdKind::ForeignPermanentId => "外国人永久居留身份证",
            IdKind::Passport => "护照",
        }
    }
}

/// An identity document number that passed the rules of its kind, normalized (upper case, no
/// blanks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdNumber {
    kind: IdKind,
    number: String,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character of the first 17 digits, or `None` if they are not 17 digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(ID_CHECK[(sum % 11) as usize]))
}

static HK_MACAO: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"^[HM]\d{8}(\d{2})?$"));
static TAIWAN: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"^(\d{8}|\d{10})$"));
static RESIDENCE: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"^8[123]0000\d{11}[\dX]$"));
static FOREIGN: LazyLock<regex::Regex> =
    LazyLock::new(|| regex(r"^([A-Z]{3}\d{12}|9\d{16}[\dX])$"));
static PASSPORT: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"^[A-Z0-9]{5,17}$"));

impl IdNumber {
    /// Parses a number of the given kind. The check character is tested only for the
    /// 居民身份证 (other documents publish no checksum rule the kiosk can rely on).
    pub fn parse(kind: IdKind, raw: &str, today: chrono::NaiveDate) -> Result<IdNumber, String> {
        let number = clean(raw);
        if number.is_empty() {
            return Err("请填写证件号码。".into());
        }
        let ok = |number: String| Ok(IdNumber { kind, number });
        match kind {
            IdKind::ResidentId => {
                if number.chars().count() != 18 {
                    return Err(format!(
                        "居民身份证号码应为18位，您填写了{}位，请核对。",
                        number.chars().count()
                    ));
                }
                let expected = number.get(..17).and_then(resident_id_check_char);
                let Some(expected) = expected.filter(|_| number.is_ascii()) else {
                    return Err("居民身份证号码前17位应为数字，请核对。".into());
                };
                let birth = chrono::NaiveDate::parse_from_str(&number[6..14], "%Y%m%d")
                    .map_err(|_| "居民身份证号码中的出生日期不存在，请核对。".to_string())?;
                if birth > today || birth.year_ce().1 < 1900 {
                    return Err("居民身份证号码中的出生日期不正确，请核对。".into());
                }
                if !number.ends_with(expected) {
                    return Err("居民身份证号码校验位不符，请逐位核对。".into());
                }
                ok(number)
            }
            IdKind::HkMacaoPermit if HK_MACAO.is_match(&number) => ok(number),
            IdKind::HkMacaoPermit => {
                Err("港澳居民来往内地通行证号码应为H或M开头加8位（旧版10位）数字。".into())
            }
            IdKind::TaiwanPermit if TAIWAN.is_match(&number) => ok(number),
            IdKind::TaiwanPermit => {
                Err("台湾居民来往大陆通行证号码应为8位数字（旧版10位）。".into())
            }
            IdKind::ResidencePermit if RESIDENCE.is_match(&number) => ok(number),
            IdKind::ResidencePermit => {
                Err("港澳台居民居住证号码应为18位，以810000、820000或830000开头。".into())
            }
            IdKind::ForeignPermanentId if FOREIGN.is_match(&number) => ok(number),
            IdKind::ForeignPermanentId => Err(
                "外国人永久居留身份证号码应为18位（9开头）或旧版15位（3个字母加12位数字）。".into(),
            ),
            IdKind::Passport if PASSPORT.is_match(&number) => ok(number),
            IdKind::Passport => Err("护照号码应为5至17位字母或数字。".into()),
        }
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The full number: for the staff copy only.
    pub fn full(&self) -> &str {
        &self.number
    }

    /// The number as shown and printed for the applicant: first 6 and last 4 characters kept
    /// (`110105********002X`); short numbers keep first 2 and last 2.
    pub fn masked(&self) -> String {
        mask(&self.number)
    }
}

/// Masks the middle of a number, keeping 6+4 characters of long numbers and 2+2 of short ones.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let (head, tail) = if chars.len() >= 14 { (6, 4) } else { (2, 2) };
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

use chrono::Datelike;

const CREDIT_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character of the first 17 characters, or `None` if one is outside the
/// code's character set.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0;
    for (c, w) in first17.chars().zip(CREDIT_WEIGHTS) {
        sum += CREDIT_CHARSET.find(c)? as u32 * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CHARSET.chars().nth(check as usize)
}

/// A 统一社会信用代码 with a correct check character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(raw: &str) -> Result<CreditCode, String> {
        let code = clean(raw);
        if code.is_empty() {
            return Err("请填写统一社会信用代码。".into());
        }
        if code.chars().count() != 18 {
            return Err(format!(
                "统一社会信用代码应为18位，您填写了{}位，请核对。",
                code.chars().count()
            ));
        }
        if let Some(bad) = code.chars().find(|c| !CREDIT_CHARSET.contains(*c)) {
            return Err(format!(
                "统一社会信用代码中不应出现“{bad}”（不使用I、O、Z、S、V），请核对。"
            ));
        }
        match credit_code_check_char(&code[..17]) {
            Some(c) if code.ends_with(c) => Ok(CreditCode(code)),
            _ => Err("统一社会信用代码校验位不符，请逐位核对。".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

static MOBILE: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"^1[3-9]\d{9}$"));
static LANDLINE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex(r"^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})(?:(?:转|EXT|X|#)(\d{1,6}))?$"));

/// A contact phone number: a mainland mobile number, or a landline with area code and an
/// optional extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phone {
    Mobile(String),
    Landline {
        area: String,
        number: String,
        extension: Option<String>,
    },
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, String> {
        // Keep the hyphen between area code and number out of the way but remember none of it:
        // "010-12345678-123" and "01012345678转123" are the same number.
        let mut s = raw.trim().to_string();
        for prefix in ["+86", "＋86", "0086"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        let parts: Vec<String> = s
            .split(['-', '－', ' ', '(', ')', '（', '）'])
            .filter(|p| !p.is_empty())
            .map(clean)
            .collect();
        if parts.is_empty() {
            return Err("请填写联系电话。".into());
        }
        let joined = parts.concat();
        if MOBILE.is_match(&joined) {
            return Ok(Phone::Mobile(joined));
        }
        // With separators, a third part is an extension: 010-12345678-123.
        let candidate = if parts.len() == 3 {
            format!("{}{}转{}", parts[0], parts[1], parts[2])
        } else {
            joined
        };
        if let Some(c) = LANDLINE.captures(&candidate) {
            return Ok(Phone::Landline {
                area: c[1].to_string(),
                number: c[2].to_string(),
                extension: c.get(3).map(|m| m.as_str().to_string()),
            });
        }
        Err("请填写11位手机号码，或带区号的固定电话（如 0571-87654321）。".into())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phone::Mobile(n) => f.write_str(n),
            Phone::Landline {
                area,
                number,
                extension,
            } => {
                write!(f, "{area}-{number}")?;
                if let Some(e) = extension {
                    write!(f, "转{e}")?;
                }
                Ok(())
            }
        }
    }
}

/// A six-digit 邮政编码.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Postcode, String> {
        let code = clean(raw);
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Postcode(code))
        } else {
            Err("邮政编码应为6位数字。".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

static EMAIL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex(
        r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
    )
});

/// An e-mail address of the usual `name@domain.tld` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let s = raw.trim();
        if s.len() <= 254 && EMAIL.is_match(s) {
            Ok(Email(s.to_string()))
        } else {
            Err("电子邮箱格式不正确（应如 name@example.com）。".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
