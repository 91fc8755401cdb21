//! The visit's way through the screens: searching, browsing, opening a record or the form, going
//! home, the idle wipe and the staff gesture. State changes only; drawing is in `screens`.

use super::*;
use crate::ui::candidates::{CandidateRequest, Candidates};
use crate::ui::keyboard::{Applied, FieldKind, Key, Keyboard};

impl KioskApp {
    /// Browse counts of the whole catalogue (seq 0: not a visitor's request).
    pub(super) fn refresh_catalogue(&self) {
        self.send(Command::Browse {
            seq: 0,
            filters: Vec::new(),
        });
    }

    /// Sends the list's search (or browse) for the current query, filters and order.
    pub fn run_list(&mut self) {
        let seq = self.next_seq();
        self.tracks.list = Track {
            sent: seq,
            answered: false,
        };
        let list = &self.visit.list;
        let query = self.visit.keyboard.preview(&self.visit.query);
        if list.browse.is_some() && query.trim().is_empty() {
            self.send(Command::Browse {
                seq,
                filters: list.filters.clone(),
            });
        } else if query.trim().is_empty() {
            self.visit.list.results = None;
            self.tracks.list.answered = true;
        } else {
            self.send(Command::Search {
                seq,
                request: SearchRequest {
                    query,
                    limit: RESULT_LIMIT,
                    filters: list.filters.clone(),
                    sort: list.sort,
                },
            });
        }
    }

    /// After any change of the query or the pinyin: results, candidates and completions.
    pub(super) fn query_changed(&mut self) {
        self.run_list();
        self.request_candidates();
        let prefix = self.visit.query.trim().to_string();
        if prefix.is_empty() || !self.visit.keyboard.pinyin.is_empty() {
            self.visit.suggestions.clear();
            self.tracks.suggest.answered = true;
        } else {
            let seq = self.next_seq();
            self.tracks.suggest = Track {
                sent: seq,
                answered: false,
            };
            self.send(Command::Suggest { seq, prefix });
        }
    }

    /// Asks the input method for the page of candidates of the pending pinyin, in the model of
    /// the field being typed (names or words), or empties the bar when nothing is pending.
    pub(super) fn request_candidates(&mut self) {
        if self.visit.keyboard.pinyin.is_empty() {
            self.visit.candidates = Candidates::default();
            self.tracks.candidates.answered = true;
            return;
        }
        let seq = self.next_seq();
        self.tracks.candidates = Track {
            sent: seq,
            answered: false,
        };
        let kb = &self.visit.keyboard;
        self.send(Command::Candidates(CandidateRequest {
            seq,
            pinyin: kb.pinyin.clone(),
            mode: kb.kind.mode(),
            page: kb.page,
        }));
    }

    /// A key of the on-screen keyboard on the search screen.
    pub fn key(&mut self, key: Key) {
        let candidates = std::mem::take(&mut self.visit.candidates);
        let v = &mut self.visit;
        let applied = v.keyboard.apply(&mut v.query, key, &candidates);
        self.visit.candidates = candidates;
        match applied {
            Applied::Nothing => {}
            Applied::Paged => self.request_candidates(),
            Applied::Edited => self.query_changed(),
            Applied::Submitted => {
                self.visit.keyboard_open = false;
                self.query_changed();
            }
        }
    }

    /// Replaces the query (a suggestion or 「您是不是要找」 tapped).
    pub fn set_query(&mut self, query: &str) {
        self.visit.query = query.to_string();
        self.visit.keyboard.pinyin.clear();
        self.query_changed();
    }

    /// Opens the search screen with the keyboard.
    pub fn start_search(&mut self) {
        if self.visit.keyboard.kind != FieldKind::Text {
            self.visit.keyboard = Keyboard::default();
        }
        self.visit.screen = Screen::List;
        self.visit.list = ListState::default();
        self.visit.keyboard_open = true;
        self.query_changed();
    }

    /// Opens a category or area without typing.
    pub fn browse(&mut self, heading: &str, filters: Vec<Filter>) {
        self.visit.screen = Screen::List;
        self.visit.query.clear();
        self.visit.keyboard = Keyboard::default();
        self.visit.keyboard_open = false;
        self.visit.list = ListState {
            browse: Some(heading.to_string()),
            filters,
            ..ListState::default()
        };
        self.run_list();
    }

    /// Chooses or drops a filter value of one dimension (one value per dimension).
    pub fn toggle_filter(&mut self, dim: Dim, value: &str) {
        let filters = &mut self.visit.list.filters;
        let chosen = filters.iter().any(|f| f.dim == dim && f.value == value);
        filters.retain(|f| f.dim != dim);
        if !chosen {
            filters.push(Filter {
                dim,
                value: value.to_string(),
            });
        }
        self.run_list();
    }

    pub fn set_sort(&mut self, sort: Sort) {
        if self.visit.list.sort != sort {
            self.visit.list.sort = sort;
            self.run_list();
        }
    }

    /// Opens a hit: the service-guide screen for a service item, the document screen otherwise.
    pub fn open(&mut self, hit: Hit) {
        let seq = self.next_seq();
        self.tracks.open = Track {
            sent: seq,
            answered: false,
        };
        self.send(Command::Open {
            seq,
            source: hit.source.clone(),
            source_id: hit.id.clone(),
            successor: hit.record.as_ref().and_then(|r| r.superseded_by.clone()),
        });
        let service = hit.record.as_ref().is_some_and(|r| r.service.is_some());
        if self.visit.screen != Screen::Document && self.visit.screen != Screen::Service {
            self.visit.back = self.visit.screen;
            self.visit.doc_trail.clear();
        }
        self.visit.doc = Some(OpenDoc::new(hit));
        self.visit.screen = if service {
            Screen::Service
        } else {
            Screen::Document
        };
    }

    /// Opens the record that replaces the open one; the open one waits in the trail, where
    /// 「返回」 finds it as it was left.
    pub fn open_successor(&mut self, hit: Hit) {
        if let Some(doc) = self.visit.doc.take() {
            self.visit.doc_trail.push(doc);
        }
        self.open(hit);
    }

    /// Leaves a document for the one it was reached from, or else for where it was opened from.
    pub fn close_document(&mut self) {
        match self.visit.doc_trail.pop() {
            Some(doc) => {
                // An answer still on its way was for the document being left.
                self.tracks.open.answered = true;
                self.visit.screen = if doc.record().is_some_and(|r| r.service.is_some()) {
                    Screen::Service
                } else {
                    Screen::Document
                };
                self.visit.doc = Some(doc);
            }
            None => {
                self.visit.doc = None;
                self.visit.screen = self.visit.back;
            }
        }
    }

    /// Opens the request form, prefilled from a document when given.
    pub fn open_request_form(&mut self, from: Option<&Hit>) {
        let mut form = RequestFormState::new(chrono::Local::now().date_naive());
        if let Some(hit) = from {
            form.form.title = hit.title.clone();
            if let Some(r) = &hit.record {
                form.form.doc_number = r.doc_number.clone().unwrap_or_default();
                form.form.index_number = r.index_number.clone().unwrap_or_default();
                // A 依申请公开 entry is itself the information wanted.
                if hit.on_request {
                    form.form.description = crate::ui::on_request::described(r);
                }
            }
        }
        // The first field takes the keys tapped before any field is chosen.
        form.active = Some(request_screen::FIRST_FIELD);
        self.visit.form = Some(form);
        self.visit.form_matches.clear();
        self.visit.keyboard =
            Keyboard::for_field(request_screen::field_kind(self.visit.form.as_ref()));
        self.visit.candidates = Candidates::default();
        self.visit.screen = Screen::Request;
        self.read_aloud("政府信息公开申请。姓名，请输入");
    }

    /// The form's description changed: look for published records that already answer it.
    pub(super) fn form_description_changed(&mut self, description: String) {
        let seq = self.next_seq();
        self.tracks.form = Track {
            sent: seq,
            answered: false,
        };
        if description.chars().count() < 2 {
            self.visit.form_matches.clear();
            self.tracks.form.answered = true;
            return;
        }
        self.send(Command::FormMatches {
            seq,
            request: SearchRequest {
                query: description,
                limit: 3,
                ..SearchRequest::default()
            },
        });
    }

    /// One step back: a document returns to where it was opened from, every other screen to
    /// the home screen.
    pub fn back(&mut self) {
        match self.visit.screen {
            Screen::Document | Screen::Service => self.close_document(),
            Screen::Home => {}
            _ => self.go_home(),
        }
    }

    pub fn go_home(&mut self) {
        let (theme, read_aloud) = (self.visit.theme, self.visit.read_aloud);
        self.speech.stop();
        self.visit = Visit {
            theme,
            read_aloud,
            ..Visit::default()
        };
        // The form is gone: a reply still on its way belongs to no one on screen.
        self.visit_no += 1;
    }

    /// Whether the visitor left anything behind that the idle reset must wipe.
    pub fn has_traces(&self) -> bool {
        let v = &self.visit;
        v.screen != Screen::Home
            || !v.query.is_empty()
            || !v.keyboard.pinyin.is_empty()
            || v.doc.is_some()
            || v.form.is_some()
            || v.pin.is_some()
            || v.staff.is_some()
            || v.list.results.is_some()
            || v.theme.chosen() != default_theme(&self.settings).chosen()
            || v.read_aloud
    }

    /// The idle reset: every trace of the visitor goes, and the home screen returns.
    pub fn wipe(&mut self, ctx: &egui::Context) {
        tracing::info!("idle reset: visit wiped");
        self.speech.stop();
        self.visit = Visit {
            theme: default_theme(&self.settings),
            ..Visit::default()
        };
        // Answers still on their way belong to the old visit.
        self.tracks = Tracks::default();
        self.visit_no += 1;
        ctx.memory_mut(|m| {
            m.data.clear();
            m.stop_text_input();
        });
    }

    /// Staff gesture: five taps on the hall name within a few seconds.
    pub fn hall_tapped(&mut self, now: Instant) {
        let taps = &mut self.visit.hall_taps;
        taps.retain(|t| now.saturating_duration_since(*t) < STAFF_TAP_WINDOW);
        taps.push(now);
        if taps.len() >= STAFF_TAPS {
            taps.clear();
            self.visit.pin = Some(StaffPinPad::default());
            self.visit.screen = Screen::StaffPin;
        }
    }

    pub fn open_staff_area(&mut self) {
        self.visit.pin = None;
        self.visit.staff = Some(StaffArea::open(&self.settings));
        self.visit.screen = Screen::Staff;
        self.send(Command::Status);
    }
}
