//! The request form of 条例 Art. 29 (applicant, information wanted, form wanted), as typed in
//! ([`RawForm`]) and as validated ([`Request`]), plus the non-blocking hints of Art. 39 and 36.
//!
//! One request per form (一表一事). No storage, no screen: the register and the UI both use
//! these types.

pub use super::hints::{hints_for, Hint};
use super::validate::{
    check_length, CreditCode, Email, FieldError, IdKind, IdNumber, Phone, Postcode,
};
use serde::{Deserialize, Serialize};

/// Who applies: a natural person or a legal person / other organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    /// 公民
    #[default]
    Citizen,
    /// 法人或其他组织
    Organization,
}

impl ApplicantType {
    pub fn label(self) -> &'static str {
        match self {
            ApplicantType::Citizen => "公民",
            ApplicantType::Organization => "法人或其他组织",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ApplicantType::Citizen => "citizen",
            ApplicantType::Organization => "organization",
        }
    }
    pub fn from_code(s: &str) -> Option<ApplicantType> {
        [ApplicantType::Citizen, ApplicantType::Organization]
            .into_iter()
            .find(|t| t.code() == s)
    }
}

/// 提供方式: the medium the information is provided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProvideAs {
    /// 纸质
    #[default]
    Paper,
    /// 电子邮件
    Email,
    /// 光盘/U盘
    Disc,
}

impl ProvideAs {
    pub const ALL: [ProvideAs; 3] = [ProvideAs::Paper, ProvideAs::Email, ProvideAs::Disc];
    pub fn label(self) -> &'static str {
        match self {
            ProvideAs::Paper => "纸质",
            ProvideAs::Email => "电子邮件",
            ProvideAs::Disc => "光盘/U盘",
        }
    }
}

/// 获取方式: how the applicant receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ObtainBy {
    /// 邮寄
    Post,
    /// 快递
    Express,
    /// 电子邮件
    Email,
    /// 自行领取
    #[default]
    Pickup,
    /// 当场阅读、抄录
    ReadOnSite,
}

impl ObtainBy {
    pub const ALL: [ObtainBy; 5] = [
        ObtainBy::Post,
        ObtainBy::Express,
        ObtainBy::Email,
        ObtainBy::Pickup,
        ObtainBy::ReadOnSite,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ObtainBy::Post => "邮寄",
            ObtainBy::Express => "快递",
            ObtainBy::Email => "电子邮件",
            ObtainBy::Pickup => "自行领取",
            ObtainBy::ReadOnSite => "当场阅读、抄录",
        }
    }
}

/// The form exactly as typed (on screen, or as JSON for `kiosk requests submit`). Every text is
/// kept as typed; [`RawForm::validate`] turns it into a [`Request`] or a list of field errors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawForm {
    pub applicant_type: ApplicantType,
    /// 姓名 (citizen) or 名称 (organisation).
    pub name: String,
    pub id_kind: Option<IdKind>,
    pub id_number: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub phone: String,
    pub address: String,
    pub postcode: String,
    pub email: String,
    pub description: String,
    pub title: String,
    pub doc_number: String,
    pub index_number: String,
    pub provide_as: ProvideAs,
    pub obtain_by: ObtainBy,
    /// 代为填写: staff filled the form in for an oral request.
    pub staff_assisted: bool,
}

/// A natural person's identity and contact details (all personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citizen {
    pub name: String,
    pub id: IdNumber,
    pub phone: Phone,
    pub address: Option<String>,
    pub postcode: Option<Postcode>,
    pub email: Option<Email>,
}

/// A legal person's or organisation's identity and contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    pub credit_code: CreditCode,
    pub legal_representative: String,
    pub contact_person: String,
    pub phone: Phone,
    pub address: Option<String>,
    pub postcode: Option<Postcode>,
    pub email: Option<Email>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Applicant {
    Citizen(Citizen),
    Organization(Organization),
}

impl Applicant {
    pub fn kind(&self) -> ApplicantType {
        match self {
            Applicant::Citizen(_) => ApplicantType::Citizen,
            Applicant::Organization(_) => ApplicantType::Organization,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Applicant::Citizen(c) => &c.name,
            Applicant::Organization(o) => &o.name,
        }
    }
    /// The number that identifies the applicant for monthly counts: ID number or credit code.
    pub fn identity_key(&self) -> String {
        match self {
            Applicant::Citizen(c) => format!("{:?}:{}", c.id.kind(), c.id.full()),
            Applicant::Organization(o) => format!("credit:{}", o.credit_code.as_str()),
        }
    }
    /// The identity number as the applicant's copy shows it (masked ID; credit codes are public).
    pub fn identity_masked(&self) -> String {
        match self {
            Applicant::Citizen(c) => c.id.masked(),
            Applicant::Organization(o) => o.credit_code.as_str().to_string(),
        }
    }
    /// The full identity number: staff copy only.
    pub fn identity_full(&self) -> &str {
        match self {
            Applicant::Citizen(c) => c.id.full(),
            Applicant::Organization(o) => o.credit_code.as_str(),
        }
    }
    pub fn identity_label(&self) -> &'static str {
        match self {
            Applicant::Citizen(c) => c.id.kind().label(),
            Applicant::Organization(_) => "统一社会信用代码",
        }
    }
    pub fn phone(&self) -> &Phone {
        match self {
            Applicant::Citizen(c) => &c.phone,
            Applicant::Organization(o) => &o.phone,
        }
    }
    pub fn address(&self) -> Option<&str> {
        match self {
            Applicant::Citizen(c) => c.address.as_deref(),
            Applicant::Organization(o) => o.address.as_deref(),
        }
    }
    pub fn postcode(&self) -> Option<&Postcode> {
        match self {
            Applicant::Citizen(c) => c.postcode.as_ref(),
            Applicant::Organization(o) => o.postcode.as_ref(),
        }
    }
    pub fn email(&self) -> Option<&Email> {
        match self {
            Applicant::Citizen(c) => c.email.as_ref(),
            Applicant::Organization(o) => o.email.as_ref(),
        }
    }
}

/// 所需政府信息: what is wanted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoWanted {
    pub description: String,
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
}

/// A validated request, ready for the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub applicant: Applicant,
    pub info: InfoWanted,
    pub provide_as: ProvideAs,
    pub obtain_by: ObtainBy,
    pub staff_assisted: bool,
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

struct Collector(Vec<FieldError>);

impl Collector {
    fn check<T>(
        &mut self,
        field: &'static str,
        label: &'static str,
        r: Result<T, String>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError {
                    field,
                    label,
                    message,
                });
                None
            }
        }
    }
    /// Whether `v` fits its field's length limit; records the error when it does not.
    fn within(&mut self, field: &'static str, label: &'static str, v: &str) -> bool {
        self.check(field, label, check_length(field, label, v))
            .is_some()
    }
    fn required(&mut self, field: &'static str, label: &'static str, v: &str) -> Option<String> {
        if !self.within(field, label, v) {
            return None;
        }
        let r = optional(v).ok_or_else(|| format!("请填写{label}。"));
        self.check(field, label, r)
    }
    fn optional_with<T>(
        &mut self,
        field: &'static str,
        label: &'static str,
        v: &str,
        needed: Option<&str>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        if !self.within(field, label, v) {
            return None;
        }
        match (optional(v), needed) {
            (Some(v), _) => self.check(field, label, parse(&v)).map(Some),
            (None, Some(why)) => {
                self.check::<()>(field, label, Err(format!("{why}，请填写{label}。")));
                None
            }
            (None, None) => Some(None),
        }
    }
}

fn parse_text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

/// Phone, address, postcode and e-mail: the contact fields both kinds of applicant give.
type ContactFields = (Phone, Option<String>, Option<Postcode>, Option<Email>);

impl RawForm {
    /// Checks the contact fields shared by citizens and organisations, collecting their errors
    /// in form order; `None` when any of them failed.
    fn contact_fields(
        &self,
        c: &mut Collector,
        need_address: Option<&str>,
        need_email: Option<&str>,
    ) -> Option<ContactFields> {
        let phone = if c.within("phone", "联系电话", &self.phone) {
            c.check("phone", "联系电话", Phone::parse(&self.phone))
        } else {
            None
        };
        let address = c.optional_with(
            "address",
            "联系地址",
            &self.address,
            need_address,
            parse_text,
        );
        let postcode = c.optional_with(
            "postcode",
            "邮政编码",
            &self.postcode,
            need_address,
            Postcode::parse,
        );
        let email = c.optional_with("email", "电子邮箱", &self.email, need_email, Email::parse);
        Some((phone?, address?, postcode?, email?))
    }

    /// The applicant of a citizen's form (name, ID, contact), or `None` with its errors in `c`.
    fn citizen(
        &self,
        c: &mut Collector,
        today: chrono::NaiveDate,
        need_address: Option<&str>,
        need_email: Option<&str>,
    ) -> Option<Applicant> {
        let name = c.required("name", "姓名", &self.name);
        let id = match self.id_kind {
            None => c.check("id_kind", "证件类型", Err("请选择证件类型。".to_string())),
            Some(_) if !c.within("id_number", "证件号码", &self.id_number) => None,
            Some(kind) => c.check(
                "id_number",
                "证件号码",
                IdNumber::parse(kind, &self.id_number, today),
            ),
        };
        let contact_fields = self.contact_fields(c, need_address, need_email);
        match (name, id, contact_fields) {
            (Some(name), Some(id), Some((phone, address, postcode, email))) => {
                Some(Applicant::Citizen(Citizen {
                    name,
                    id,
                    phone,
                    address,
                    postcode,
                    email,
                }))
            }
            _ => None,
        }
    }

    /// Checks every field and returns the validated request, or every field error at once (in
    /// form order) so the applicant can fix them in one pass. `today` bounds birth dates.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<Request, Vec<FieldError>> {
        let mut c = Collector(Vec::new());
        let by_post = matches!(self.obtain_by, ObtainBy::Post | ObtainBy::Express);
        let by_mail = self.provide_as == ProvideAs::Email || self.obtain_by == ObtainBy::Email;
        let need_address = by_post.then_some("选择邮寄或快递");
        let need_email = by_mail.then_some("选择电子邮件方式");
        let applicant = match self.applicant_type {
            ApplicantType::Citizen => self.citizen(&mut c, today, need_address, need_email),
            ApplicantType::Organization => {
                let name = c.required("name", "名称", &self.name);
                let code = if c.within("credit_code", "统一社会信用代码", &self.credit_code)
                {
                    c.check(
                        "credit_code",
                        "统一社会信用代码",
                        CreditCode::parse(&self.credit_code),
                    )
                } else {
                    None
                };
                let rep = c.required(
                    "legal_representative",
                    "法定代表人",
                    &self.legal_representative,
                );
                let contact = c.required("contact_person", "联系人", &self.contact_person);
                let contact_fields = self.contact_fields(&mut c, need_address, need_email);
                match (name, code, rep, contact, contact_fields) {
                    (
                        Some(name),
                        Some(credit_code),
                        Some(legal_representative),
                        Some(contact_person),
                        Some((phone, address, postcode, email)),
                    ) => Some(Applicant::Organization(Organization {
                        name,
                        credit_code,
                        legal_representative,
                        contact_person,
                        phone,
                        address,
                        postcode,
                        email,
                    })),
                    _ => None,
                }
            }
        };
        let description = c.required("description", "所需信息的内容描述", &self.description);
        let title = c.optional_with("title", "信息名称", &self.title, None, parse_text);
        let doc_number = c.optional_with("doc_number", "文号", &self.doc_number, None, parse_text);
        let index_number = c.optional_with(
            "index_number",
            "索引号",
            &self.index_number,
            None,
            parse_text,
        );
        match (applicant, description, title, doc_number, index_number) {
            (
                Some(applicant),
                Some(description),
                Some(title),
                Some(doc_number),
                Some(index_number),
            ) if c.0.is_empty() => Ok(Request {
                applicant,
                info: InfoWanted {
                    description,
                    title,
                    doc_number,
                    index_number,
                },
                provide_as: self.provide_as,
                obtain_by: self.obtain_by,
                staff_assisted: self.staff_assisted,
            }),
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
