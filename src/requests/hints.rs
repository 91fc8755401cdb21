//! The non-blocking hints of a request (条例 Art. 39 complaints, Art. 36 special registers):
//! shown to the applicant and to staff, never a reason to refuse filing.

use serde::{Deserialize, Serialize};

/// A hint shown to the applicant and staff; it never blocks filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hint {
    /// Reads like a complaint, 信访 or 举报 (Art. 39).
    ComplaintOrPetition,
    /// Asks for a special register (工商登记, 不动产登记): other rules apply (Art. 36(七)).
    SpecialRegister,
}

impl Hint {
    pub fn message(self) -> &'static str {
        match self {
            Hint::ComplaintOrPetition => "您填写的内容似为投诉、信访或举报事项。依照《政府信息公开条例》第三十九条，此类事项不作为政府信息公开申请处理，请通过信访、投诉或举报渠道反映；如确需申请公开政府信息，请写明所需信息的名称或内容。",
            Hint::SpecialRegister => "工商登记、不动产登记等资料的查询，法律、行政法规另有规定的，依照其规定办理。请向市场监管部门或不动产登记机构咨询查询方式；如仍需申请，可继续提交。",
        }
    }
}

const COMPLAINT_WORDS: &[&str] = &[
    "投诉",
    "举报",
    "信访",
    "上访",
    "控告",
    "检举",
    "申诉",
    "要求查处",
    "要求处理",
    "追究",
    "讨说法",
];
const REGISTER_WORDS: &[&str] = &[
    "工商登记",
    "工商档案",
    "企业登记",
    "注册登记",
    "股东信息",
    "不动产登记",
    "房产证",
    "产权登记",
    "不动产权",
    "房屋登记",
    "土地登记",
    "婚姻登记",
];

/// Hints for a description, in a fixed order, without duplicates.
pub fn hints_for(description: &str) -> Vec<Hint> {
    let mut hints = Vec::new();
    if COMPLAINT_WORDS.iter().any(|w| description.contains(w)) {
        hints.push(Hint::ComplaintOrPetition);
    }
    if REGISTER_WORDS.iter().any(|w| description.contains(w)) {
        hints.push(Hint::SpecialRegister);
    }
    hints
}
