//! What a tap asks for. Screens draw from the kiosk's state and return these; only the app's
//! `apply` changes the state, sends work to the workers or starts a thread.

use super::keyboard::Key;
use crate::search::facets::{Dim, Filter};
use crate::search::query::Sort;
use crate::search::Hit;

/// One thing the visitor (or a member of staff) asked for this frame.
#[derive(Debug, Clone)]
pub enum Action {
    /// Open the search screen with the keyboard.
    StartSearch,
    /// Browse a category or area without typing.
    Browse {
        heading: String,
        filters: Vec<Filter>,
    },
    /// A home tile whose column holds no record: say so instead of listing nothing.
    EmptyTile(String),
    /// A key of the on-screen keyboard on the search screen.
    Key(Key),
    /// Replace the query (a suggestion, a correction or an alternative tapped).
    SetQuery(String),
    ToggleKeyboard,
    ToggleFilter(Dim, String),
    SetSort(Sort),
    /// Open a hit (document or service item).
    Open(Hit),
    /// Open the record that replaces the open one; 「返回」 comes back to the open one.
    OpenSuccessor(Hit),
    /// Leave a document for where it was opened from.
    CloseDocument,
    /// Print the open document (or a service item's materials checklist).
    PrintOpenRecord,
    /// Open the request form, prefilled from a record when given.
    RequestForm(Option<Hit>),
    /// 「代为填写申请」 in the staff area: the form with 「工作人员代为填写」 offered (Art. 29:
    /// staff write down an oral request).
    StaffRequestForm,
    /// 「返回」 in the bottom bar: one step back from the screen shown.
    Back,
    GoHome,
    ToggleElderly,
    ToggleContrast,
    /// The 读屏 switch.
    ToggleReadAloud,
    /// Read this aloud if 读屏 is on (a screen's own text: a heading, a button tapped).
    ReadAloud(String),
    /// A tap on the hall name (five open the staff PIN pad).
    HallTapped,
    /// 「继续使用」 on the idle warning.
    KeepVisit,
    /// The right staff PIN was entered.
    OpenStaffArea,
    /// 「刷新状态」 in the staff area: read the index folder again.
    RefreshIndexStatus,
    /// 「关闭终端程序」 in the staff area (behind the PIN): the one way to end the kiosk.
    CloseKiosk,
}
