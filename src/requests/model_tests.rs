//! Tests of [`super`] (model.rs).

use super::*;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn citizen() -> RawForm {
    RawForm {
        name: "张三".into(),
        id_kind: Some(IdKind::ResidentId),
        id_number: "11010519491231002x".into(),
        phone: "138 1234 5678".into(),
        description: "2025年青禾县城区道路改造项目的立项批复文件".into(),
        ..RawForm::default()
    }
}

#[test]
fn a_complete_citizen_form_becomes_a_typed_request() {
    let r = citizen().validate(today()).unwrap();
    let Applicant::Citizen(c) = &r.applicant else {
        panic!("citizen expected")
    };
    assert_eq!(c.id.full(), "11010519491231002X");
    assert_eq!(c.phone.to_string(), "13812345678");
    assert_eq!(r.info.title, None);
    assert_eq!(r.obtain_by, ObtainBy::Pickup);
}

#[test]
fn every_field_error_is_reported_at_once_in_chinese() {
    let form = RawForm {
        id_kind: Some(IdKind::ResidentId),
        id_number: "110105194912310021".into(),
        phone: "12345".into(),
        obtain_by: ObtainBy::Post,
        ..RawForm::default()
    };
    let errors = form.validate(today()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "name",
            "id_number",
            "phone",
            "address",
            "postcode",
            "description"
        ]
    );
    assert_eq!(errors[0].to_string(), "姓名：请填写姓名。");
    assert!(
        errors[3].message.contains("选择邮寄或快递"),
        "{}",
        errors[3]
    );
}

#[test]
fn email_delivery_requires_a_valid_address() {
    let mut form = citizen();
    form.provide_as = ProvideAs::Email;
    let errors = form.validate(today()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "email");
    form.email = "zhangsan@example.com".into();
    assert!(form.validate(today()).is_ok());
}

#[test]
fn an_organisation_needs_a_valid_credit_code_and_its_people() {
    let stem = "91330100MA2AAAAA0";
    let code = format!(
        "{stem}{}",
        super::super::validate::credit_code_check_char(stem).unwrap()
    );
    let mut form = RawForm {
        applicant_type: ApplicantType::Organization,
        name: "青禾县某某科技有限公司".into(),
        credit_code: code,
        legal_representative: "李四".into(),
        contact_person: "王五".into(),
        phone: "0571-87654321".into(),
        description: "本县2025年度企业技术改造专项资金分配结果".into(),
        ..RawForm::default()
    };
    let r = form.validate(today()).unwrap();
    assert_eq!(r.applicant.kind(), ApplicantType::Organization);
    form.contact_person.clear();
    form.credit_code = "91330100MA2AAAAA0Z".into();
    let fields: Vec<&str> = form
        .validate(today())
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["credit_code", "contact_person"]);
}

#[test]
fn every_text_field_past_its_limit_is_refused_naming_the_field_and_the_limit() {
    let stem = "91330100MA2AAAAA0";
    let organisation = RawForm {
        applicant_type: ApplicantType::Organization,
        name: "青禾县某某科技有限公司".into(),
        credit_code: format!(
            "{stem}{}",
            super::super::validate::credit_code_check_char(stem).unwrap()
        ),
        legal_representative: "李四".into(),
        contact_person: "王五".into(),
        phone: "0571-87654321".into(),
        description: "本县2025年度企业技术改造专项资金分配结果".into(),
        ..RawForm::default()
    };
    type Set = fn(&mut RawForm, String);
    let cases: [(&str, &str, bool, Set); 13] = [
        ("name", "姓名", false, |f, v| f.name = v),
        ("id_number", "证件号码", false, |f, v| f.id_number = v),
        ("phone", "联系电话", false, |f, v| f.phone = v),
        ("address", "联系地址", false, |f, v| f.address = v),
        ("postcode", "邮政编码", false, |f, v| f.postcode = v),
        ("email", "电子邮箱", false, |f, v| f.email = v),
        (
            "description",
            "所需信息的内容描述",
            false,
            |f, v| f.description = v,
        ),
        ("title", "信息名称", false, |f, v| f.title = v),
        ("doc_number", "文号", false, |f, v| f.doc_number = v),
        ("index_number", "索引号", false, |f, v| {
            f.index_number = v
        }),
        ("credit_code", "统一社会信用代码", true, |f, v| {
            f.credit_code = v
        }),
        ("legal_representative", "法定代表人", true, |f, v| {
            f.legal_representative = v
        }),
        ("contact_person", "联系人", true, |f, v| {
            f.contact_person = v
        }),
    ];
    for (field, label, org, set) in cases {
        let max = super::super::validate::limit_of(field).unwrap();
        let mut form = if org { organisation.clone() } else { citizen() };
        set(&mut form, "1".repeat(max + 1));
        let errors = form.validate(today()).unwrap_err();
        assert_eq!(errors.len(), 1, "{field}: {errors:?}");
        assert_eq!(errors[0].field, field);
        assert_eq!(
            errors[0].to_string(),
            format!(
                "{label}：{label}不能超过{max}字，您填写了{}字，请精简后再提交。",
                max + 1
            )
        );
    }
    // The 2.4-million-character description of the audit.
    let mut form = citizen();
    form.description = "请".repeat(2_400_000);
    assert_eq!(form.validate(today()).unwrap_err()[0].field, "description");
}

#[test]
fn complaints_and_special_registers_raise_hints_but_ordinary_requests_do_not() {
    assert_eq!(
        hints_for("我要举报村干部违规发放补贴"),
        [Hint::ComplaintOrPetition]
    );
    assert_eq!(
        hints_for("查询我家房屋的不动产登记信息"),
        [Hint::SpecialRegister]
    );
    assert!(hints_for("2025年本县财政预算执行情况报告").is_empty());
}

#[test]
fn the_json_form_rejects_unknown_keys() {
    let err = serde_json::from_str::<RawForm>(r#"{"nmae":"张三"}"#).unwrap_err();
    assert!(err.to_string().contains("nmae"));
}
