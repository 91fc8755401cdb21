//! The 政府信息公开目录 entry of a 依申请公开 record: its title, issuer, 索引号 and the other
//! catalogue fields are public, its text is not. The entry is a record of its own (its source id
//! carries [`ON_REQUEST_ENTRY`]) with an empty body, so the index can hold it while the record
//! itself (the full text) never gets there. 不予公开 records have no entry.

use super::{Disclosure, Record};

/// Ending of the source id of a catalogue entry: `A3` → `A3#on-request`. Keeps the entry's
/// index key apart from the record's, which stays withdrawn.
pub const ON_REQUEST_ENTRY: &str = "#on-request";

/// What the kiosk says of such an entry, on the screen and in `kiosk search`.
pub const ON_REQUEST_NOTE: &str = "本信息依申请公开";

impl Record {
    /// The catalogue entry of a 依申请公开 record: kind, title, issuer, 索引号, 发文字号, category,
    /// dates and validity; no body, keywords, former titles, preamble, service fields or URL.
    /// `None` for any other record, or one without a title.
    pub fn on_request_entry(&self) -> Option<Record> {
        if self.disclosure != Disclosure::OnRequest || self.title.trim().is_empty() {
            return None;
        }
        let mut entry = Record::new(
            &self.source,
            format!("{}{ON_REQUEST_ENTRY}", self.source_id),
            self.kind,
            self.title.clone(),
            String::new(),
        );
        entry.doc_number = self.doc_number.clone();
        entry.index_number = self.index_number.clone();
        entry.issuer = self.issuer.clone();
        entry.category = self.category.clone();
        entry.written_date = self.written_date;
        entry.published_date = self.published_date;
        entry.validity = self.validity;
        entry.disclosure = Disclosure::OnRequest;
        Some(entry)
    }

    /// Whether this is a catalogue entry made by [`Record::on_request_entry`] (and still holds
    /// nothing but the catalogue fields).
    pub fn is_on_request_entry(&self) -> bool {
        self.disclosure == Disclosure::OnRequest
            && self.source_id.ends_with(ON_REQUEST_ENTRY)
            && self.body.is_empty()
            && self.keywords.is_empty()
            && self.former_titles.is_empty()
            && self.preamble.is_empty()
            && self.service.is_none()
            && self.url.is_none()
    }

    /// Whether the record may be written into the public index: published proactively, or the
    /// catalogue entry of a 依申请公开 record.
    pub fn is_indexable(&self) -> bool {
        self.is_public() || self.is_on_request_entry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Kind;

    fn record(disclosure: Disclosure) -> Record {
        let mut r = Record::new(
            "gi",
            "A3".into(),
            Kind::GovernmentInfo,
            "农村道路养护台账".into(),
            "台账明细 甲乙丙".into(),
        );
        r.disclosure = disclosure;
        r.issuer = Some("青禾县交通运输局".into());
        r.index_number = Some("QH0002/2023-00042".into());
        r.keywords = vec!["道路".into()];
        r.url = Some("https://example.org/a3".into());
        r
    }

    #[test]
    fn only_an_on_request_record_has_a_catalogue_entry_and_it_holds_no_text() {
        let entry = record(Disclosure::OnRequest).on_request_entry().unwrap();
        assert_eq!(entry.source_id, "A3#on-request");
        assert_eq!(entry.title, "农村道路养护台账");
        assert_eq!(entry.issuer.as_deref(), Some("青禾县交通运输局"));
        assert_eq!(entry.index_number.as_deref(), Some("QH0002/2023-00042"));
        assert_eq!((entry.body.as_str(), entry.url.as_deref()), ("", None));
        assert!(entry.keywords.is_empty());
        assert!(entry.is_on_request_entry() && entry.is_indexable());
        for d in [
            Disclosure::Withheld,
            Disclosure::Unmarked,
            Disclosure::Proactive,
        ] {
            assert_eq!(record(d).on_request_entry(), None, "{d:?}");
        }
        assert!(!record(Disclosure::OnRequest).is_indexable());
        assert!(!record(Disclosure::Withheld).is_indexable());
    }

    #[test]
    fn an_entry_given_text_is_no_longer_indexable() {
        let mut entry = record(Disclosure::OnRequest).on_request_entry().unwrap();
        entry.body = "台账明细".into();
        assert!(!entry.is_indexable());
    }
}
