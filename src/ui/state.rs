//! What the screens draw from: the visit (everything a visitor leaves behind) and the state of
//! the index, and [`View`], the read-only borrow of them a screen gets. No behaviour: the app
//! changes them, the screens only read them.

use super::candidates::Candidates;
use super::document::OpenDoc;
use super::keyboard::Keyboard;
use super::request_form::RequestFormState;
use super::staff::{StaffArea, StaffPinPad};
use super::theme::Theme;
use crate::search::facets::{FacetCounts, Filter};
use crate::search::query::{SearchResults, Sort};
use crate::search::{GenerationInfo, Hit};
use std::time::Instant;

/// Where the index stands, as the screen tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    Loading,
    Ready(GenerationInfo),
    Failed(String),
}

/// The screen shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Home,
    /// Search results (typed) or a category or area (browsed).
    List,
    Document,
    Service,
    Request,
    StaffPin,
    Staff,
}

/// The result list: typed search or browsing.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    /// Set when browsing a category or area (no query): the heading of the list.
    pub browse: Option<String>,
    pub filters: Vec<Filter>,
    pub sort: Sort,
    pub results: Option<SearchResults>,
    /// Nothing was found for the query; these are the results of this correction.
    pub corrected: Option<String>,
    /// Nothing was found: shorter queries of the query's own words that find records.
    pub alternatives: Vec<String>,
    pub failed: bool,
}

/// Everything a visitor leaves behind. Replaced whole on the idle reset.
#[derive(Default)]
pub struct Visit {
    pub screen: Screen,
    /// The screen a document was opened from (the list or the form).
    pub back: Screen,
    pub query: String,
    pub keyboard: Keyboard,
    pub keyboard_open: bool,
    /// The candidate bar's page for the pending pinyin.
    pub candidates: Candidates,
    pub suggestions: Vec<String>,
    pub list: ListState,
    pub doc: Option<OpenDoc>,
    /// Documents left for the record that replaces them, the last left on top: 「返回」 goes
    /// back to it.
    pub doc_trail: Vec<OpenDoc>,
    pub form: Option<RequestFormState>,
    /// Published records matching the form's description (Art. 36(一)).
    pub form_matches: Vec<Hit>,
    pub pin: Option<StaffPinPad>,
    pub staff: Option<StaffArea>,
    pub theme: Theme,
    /// A home tile tapped whose column is empty: the home screen says so.
    pub empty_tile: Option<String>,
    /// The 读屏 switch: documents, service items and form fields are read aloud.
    pub read_aloud: bool,
    /// Taps on the hall name (the hidden staff gesture).
    pub hall_taps: Vec<Instant>,
}

/// What a screen may read this frame.
pub struct View<'a> {
    pub visit: &'a Visit,
    pub index: &'a IndexState,
    /// How far the first start's build has come, while the index is loading.
    pub progress: Option<crate::pipeline::Progress>,
    /// Counts of the whole catalogue per kind and area, for browsing without typing.
    pub catalogue: &'a FacetCounts,
    /// Grows with every visit: egui state (scroll positions) is keyed by it.
    pub visit_no: u64,
    pub hall_name: &'a str,
}
