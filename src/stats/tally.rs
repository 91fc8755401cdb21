//! Which searches count. The kiosk searches while a visitor types (「社」, 「社保」, pinyin
//! letters still being typed …), so a search is counted only once it has stood: when the visitor
//! opens a record from it, or when no newer search followed within [`SETTLE`]. Pure: the caller
//! passes the time and writes what comes out.

use super::Outcome;
use std::time::{Duration, Instant};

/// How long a search must stand without a newer one to be counted.
pub const SETTLE: Duration = Duration::from_secs(4);

/// One search as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchSeen {
    /// The subject ([`super::subject_of`]).
    pub query: String,
    /// The kind chosen, or [`super::ALL_KINDS`].
    pub kind: String,
    pub outcome: Outcome,
}

/// The newest search not counted yet.
#[derive(Debug, Default)]
pub struct Tally {
    pending: Option<(SearchSeen, Instant)>,
}

impl Tally {
    /// A new search replaces the one not counted yet: that one was typed over.
    pub fn search(&mut self, seen: SearchSeen, now: Instant) {
        self.pending = Some((seen, now));
    }

    /// A search that some query gave no subject for (too short, personal-looking): the one
    /// before it was typed over all the same.
    pub fn typed_over(&mut self) {
        self.pending = None;
    }

    /// The search to count now that it has stood for [`SETTLE`].
    pub fn settled(&mut self, now: Instant) -> Option<SearchSeen> {
        match &self.pending {
            Some((_, at)) if now.saturating_duration_since(*at) >= SETTLE => {
                self.pending.take().map(|(s, _)| s)
            }
            _ => None,
        }
    }

    /// The search to count because the visitor acted on it (opened a record), or because the
    /// kiosk is stopping.
    pub fn take(&mut self) -> Option<SearchSeen> {
        self.pending.take().map(|(s, _)| s)
    }

    /// When [`Tally::settled`] will have something, if a search waits.
    pub fn due(&self) -> Option<Instant> {
        self.pending.as_ref().map(|(_, at)| *at + SETTLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(q: &str) -> SearchSeen {
        SearchSeen {
            query: q.into(),
            kind: "全部".into(),
            outcome: Outcome::Found,
        }
    }

    #[test]
    fn only_a_search_that_stood_or_was_acted_on_counts() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut t = Tally::default();
        // Typed quickly: 「shebao」 → 「社保」 → 「社保卡」, then read for a while.
        t.search(seen("shebao"), ms(0));
        assert_eq!(t.settled(ms(900)), None);
        t.search(seen("社保"), ms(1000));
        t.search(seen("社保卡"), ms(2500));
        assert_eq!(t.settled(ms(2500 + 3999)), None);
        assert_eq!(t.due(), Some(ms(2500) + SETTLE));
        assert_eq!(t.settled(ms(2500 + 4000)), Some(seen("社保卡")));
        assert_eq!(t.settled(ms(99_999)), None, "counted once");
        // A record opened at once: the search counts without waiting.
        t.search(seen("低保"), ms(20_000));
        assert_eq!(t.take(), Some(seen("低保")));
        assert_eq!(t.take(), None);
        // Typed over by something that is not counted (an ID number): nothing.
        t.search(seen("身份"), ms(30_000));
        t.typed_over();
        assert_eq!(t.settled(ms(99_999)), None);
    }
}
