//! A visitor's status lookup by 受理编号 + 查询码 in a district: the 查询码 is checked against the
//! kiosk's own copy, the status is then read from the central register (where staff work) when
//! it can be reached, and from the kiosk's copy when it cannot, saying which.

use super::requests::{DeskError, RequestDesk};
use crate::config::CentralSettings;
use crate::fleet::Central;
use crate::requests::{Due, Outcome, Status, Stored};

/// Where the status of a lookup came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// This kiosk has no central register: its own register is the register.
    Alone,
    /// The district's central register.
    Centre,
    /// The kiosk's own copy, because the centre could not be reached (or does not hold the
    /// request yet).
    LocalCopy,
}

/// The request found, with its status from `source`.
#[derive(Debug, Clone)]
pub struct Looked {
    pub stored: Stored,
    pub source: Source,
}

/// Looks a request up; `None` when the receipt number or the 查询码 is wrong.
pub fn lookup(
    desk: &RequestDesk,
    central: Option<&CentralSettings>,
    application: &str,
    receipt_no: &str,
    query_code: &str,
) -> Result<Option<Looked>, DeskError> {
    let Some(mut stored) = desk.lookup(receipt_no, query_code)? else {
        return Ok(None);
    };
    let Some(central) = central else {
        return Ok(Some(Looked {
            stored,
            source: Source::Alone,
        }));
    };
    let answer =
        Central::open(central, application).and_then(|mut c| c.status_of(&stored.receipt_no));
    let source = match answer {
        Ok(Some(at_centre)) => {
            if let Some(status) = Status::from_code(&at_centre.status) {
                stored.status = status;
                stored.outcome = at_centre.outcome.as_deref().and_then(Outcome::from_code);
                stored.closed_on = at_centre.closed_on;
                stored.due = at_centre.due_on.map(|date| Due {
                    date,
                    warnings: Vec::new(),
                });
                Source::Centre
            } else {
                tracing::warn!(receipt_no = %stored.receipt_no, status = %at_centre.status, "unknown status at the centre; answering from the kiosk's copy");
                Source::LocalCopy
            }
        }
        Ok(None) => Source::LocalCopy,
        Err(e) => {
            tracing::warn!(error = %e, "central register unreachable for a status lookup; answering from the kiosk's copy");
            Source::LocalCopy
        }
    };
    Ok(Some(Looked { stored, source }))
}

/// The sentence a visitor reads after the status (empty for a kiosk that works alone).
pub fn source_note(source: &Source) -> &'static str {
    match source {
        Source::Alone => "",
        Source::Centre => "（以上为区级登记簿中的最新办理状态）",
        Source::LocalCopy => {
            "（暂时无法连接区级登记簿，以上为本终端的记录，办理状态可能尚未更新，可向窗口工作人员核实）"
        }
    }
}
