//! Workflow statuses of a request and the outcome codes staff choose when answering.
//!
//! Outcome codes map one to one onto the rows of table 三 (收到和处理政府信息公开申请情况) of the
//! yearly report format of 国办公开办函〔2021〕30号, so the report can be filled by counting.
//! Pure data: no storage.

use serde::{Deserialize, Serialize};

/// Where a request stands. Printing state (待打印) is a separate flag, not a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已受理: registered, the clock runs.
    Received,
    /// 补正中: the agency asked for a correction; the clock restarts when it arrives.
    Correcting,
    /// 征求第三方意见中: the clock is paused.
    Consulting,
    /// 已延期: the deadline was extended once by 20 working days.
    Extended,
    /// 已答复: answered, with an outcome.
    Answered,
    /// 已办结: closed.
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::Correcting,
        Status::Consulting,
        Status::Extended,
        Status::Answered,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Correcting => "correcting",
            Status::Consulting => "consulting",
            Status::Extended => "extended",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "已受理",
            Status::Correcting => "补正中",
            Status::Consulting => "征求第三方意见中",
            Status::Extended => "已延期",
            Status::Answered => "已答复",
            Status::Closed => "已办结",
        }
    }

    pub fn from_code(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.code() == s)
    }

    /// Whether staff may move a request from `self` to `to`.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Received, Correcting | Consulting | Extended | Answered)
                | (Correcting, Received | Answered)
                | (Consulting, Received | Extended | Answered)
                | (Extended, Consulting | Answered)
                | (Answered, Closed)
        )
    }
}

/// The answer outcome: one variant per row of the yearly report's table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Disclosed,
    PartlyDisclosed,
    WithheldStateSecret,
    WithheldOtherLaw,
    WithheldSafetyStability,
    WithheldThirdParty,
    WithheldInternalAffairs,
    WithheldProcessInfo,
    WithheldEnforcementFile,
    WithheldInquiryMatter,
    UnavailableNotHeld,
    UnavailableNeedsCreation,
    UnavailableStillUnclear,
    NotProcessedPetition,
    NotProcessedRepeat,
    NotProcessedPublication,
    NotProcessedExcessive,
    NotProcessedConfirmation,
    OtherNoCorrection,
    OtherFeeUnpaid,
    Other,
}

impl Outcome {
    /// (variant, code, the report row's text). Codes follow the report's numbering: 三 (三) 1 is
    /// `3.1`, 三 (四) 2 is `4.2`.
    pub const TABLE: [(Outcome, &'static str, &'static str); 21] = [
        (Outcome::Disclosed, "1", "予以公开"),
        (
            Outcome::PartlyDisclosed,
            "2",
            "部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        (
            Outcome::WithheldStateSecret,
            "3.1",
            "不予公开：属于国家秘密",
        ),
        (
            Outcome::WithheldOtherLaw,
            "3.2",
            "不予公开：其他法律行政法规禁止公开",
        ),
        (
            Outcome::WithheldSafetyStability,
            "3.3",
            "不予公开：危及“三安全一稳定”",
        ),
        (
            Outcome::WithheldThirdParty,
            "3.4",
            "不予公开：保护第三方合法权益",
        ),
        (
            Outcome::WithheldInternalAffairs,
            "3.5",
            "不予公开：属于三类内部事务信息",
        ),
        (
            Outcome::WithheldProcessInfo,
            "3.6",
            "不予公开：属于四类过程性信息",
        ),
        (
            Outcome::WithheldEnforcementFile,
            "3.7",
            "不予公开：属于行政执法案卷",
        ),
        (
            Outcome::WithheldInquiryMatter,
            "3.8",
            "不予公开：属于行政查询事项",
        ),
        (
            Outcome::UnavailableNotHeld,
            "4.1",
            "无法提供：本机关不掌握相关政府信息",
        ),
        (
            Outcome::UnavailableNeedsCreation,
            "4.2",
            "无法提供：没有现成信息需要另行制作",
        ),
        (
            Outcome::UnavailableStillUnclear,
            "4.3",
            "无法提供：补正后申请内容仍不明确",
        ),
        (
            Outcome::NotProcessedPetition,
            "5.1",
            "不予处理：信访举报投诉类申请",
        ),
        (Outcome::NotProcessedRepeat, "5.2", "不予处理：重复申请"),
        (
            Outcome::NotProcessedPublication,
            "5.3",
            "不予处理：要求提供公开出版物",
        ),
        (
            Outcome::NotProcessedExcessive,
            "5.4",
            "不予处理：无正当理由大量反复申请",
        ),
        (
            Outcome::NotProcessedConfirmation,
            "5.5",
            "不予处理：要求行政机关确认或重新出具已获取信息",
        ),
        (
            Outcome::OtherNoCorrection,
            "6.1",
            "其他处理：申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        (
            Outcome::OtherFeeUnpaid,
            "6.2",
            "其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        (Outcome::Other, "6.3", "其他处理：其他"),
    ];

    fn row(self) -> (Outcome, &'static str, &'static str) {
        Outcome::TABLE
            .into_iter()
            .find(|(o, _, _)| *o == self)
            .unwrap_or((Outcome::Other, "6.3", "其他处理：其他"))
    }

    pub fn code(self) -> &'static str {
        self.row().1
    }

    pub fn label(self) -> &'static str {
        self.row().2
    }

    pub fn from_code(s: &str) -> Option<Outcome> {
        Outcome::TABLE
            .into_iter()
            .find(|(_, c, _)| *c == s)
            .map(|(o, _, _)| o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn outcome_codes_are_one_to_one_with_report_rows() {
        let variants: HashSet<Outcome> = Outcome::TABLE.iter().map(|r| r.0).collect();
        let codes: HashSet<&str> = Outcome::TABLE.iter().map(|r| r.1).collect();
        let labels: HashSet<&str> = Outcome::TABLE.iter().map(|r| r.2).collect();
        assert_eq!(variants.len(), 21);
        assert_eq!(codes.len(), 21);
        assert_eq!(labels.len(), 21);
        for (o, code, label) in Outcome::TABLE {
            assert_eq!(Outcome::from_code(code), Some(o));
            assert_eq!(o.code(), code);
            assert_eq!(o.label(), label);
        }
    }

    #[test]
    fn the_workflow_allows_only_lawful_steps() {
        use Status::*;
        assert!(Received.may_become(Correcting));
        assert!(Correcting.may_become(Received));
        assert!(Consulting.may_become(Extended));
        assert!(Answered.may_become(Closed));
        assert!(!Received.may_become(Closed));
        assert!(!Closed.may_become(Received));
        assert!(!Extended.may_become(Extended));
        assert!(!Correcting.may_become(Consulting));
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }
}
