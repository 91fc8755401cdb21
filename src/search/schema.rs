//! The index schema and the mapping between catalog records and index documents.
//!
//! Owns field names and how a [`Record`] becomes a [`TantivyDocument`] and back. Must not open or
//! write indexes.

use super::analysis::{BIGRAM_TOKENIZER, ZH_TOKENIZER};
use crate::catalog::{index_number_key, DocNumberKey, Kind, Record, Validity};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
    FAST, INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

/// Handles to every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `source/source_id`, unique across the index (used to delete or replace a record).
    pub key: Field,
    /// The source id shown to people and in JSON output.
    pub id: Field,
    pub source: Field,
    pub kind: Field,
    pub title: Field,
    /// Searched, not stored: bodies are kept in the generation's body files
    /// ([`super::bodies`]), found by [`Fields::body_at`].
    pub body: Field,
    /// Location of the record's body in the body files ([`super::bodies::location`]).
    pub body_at: Field,
    /// Keywords, promulgation lines, service-guide fields: searched, not stored.
    pub extra: Field,
    /// Character bigrams of title and body, for phrase-level overlap with long questions.
    pub grams: Field,
    /// Normalised 发文字号 and 索引号 keys ([`DocNumberKey`], [`index_number_key`]).
    pub doc_key: Field,
    /// The title as one exact key ([`title_key`]): a query that is a whole title finds it.
    pub title_key: Field,
    /// The places the title and issuer name ([`super::places::places`]), plus
    /// [`super::places::ANY_PLACE`] when there is one.
    pub places: Field,
    /// Publication date as days since 1970-01-01 (0 when unknown), for sorting.
    pub date: Field,
    /// 1 when the record is in force, 0 when superseded, expired or repealed.
    pub current: Field,
    /// The record's kind as a number ([`kind_code`]), for ranking by intent.
    pub kind_code: Field,
    /// The whole record minus its body, as JSON, for display.
    pub meta: Field,
    pub facet_kind: Field,
    pub facet_source: Field,
    pub facet_issuer: Field,
    pub facet_category: Field,
    pub facet_year: Field,
    pub facet_validity: Field,
    /// Areas of the standard catalogue ([`super::areas::Areas`]).
    pub facet_area: Field,
}

/// The schema every generation is built with.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = TextFieldIndexing::default()
        .set_tokenizer(ZH_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let zh_stored = TextOptions::default()
        .set_indexing_options(zh.clone())
        .set_stored();
    let zh_only = TextOptions::default().set_indexing_options(zh);
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        source: b.add_text_field("source", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", zh_stored.clone()),
        body: b.add_text_field("body", zh_only.clone()),
        body_at: b.add_u64_field("body_at", FAST),
        extra: b.add_text_field("extra", zh_only),
        grams: b.add_text_field(
            "grams",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(BIGRAM_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        doc_key: b.add_text_field("doc_key", STRING),
        title_key: b.add_text_field("title_key", STRING),
        places: b.add_text_field("places", STRING),
        date: b.add_i64_field("date", INDEXED | FAST | STORED),
        current: b.add_u64_field("current", FAST),
        kind_code: b.add_u64_field("kind_code", FAST),
        meta: b.add_text_field("meta", STORED),
        facet_kind: b.add_facet_field("facet_kind", FacetOptions::default()),
        facet_source: b.add_facet_field("facet_source", FacetOptions::default()),
        facet_issuer: b.add_facet_field("facet_issuer", FacetOptions::default()),
        facet_category: b.add_facet_field("facet_category", FacetOptions::default()),
        facet_year: b.add_facet_field("facet_year", FacetOptions::default()),
        facet_validity: b.add_facet_field("facet_validity", FacetOptions::default()),
        facet_area: b.add_facet_field("facet_area", FacetOptions::default()),
    };
    (b.build(), fields)
}

impl Fields {
    /// How many records hold `word` (as the index segmented it) in the field that holds it
    /// most: the title, the body or the searched extra fields.
    pub fn word_df(&self, searcher: &tantivy::Searcher, word: &str) -> u64 {
        [self.title, self.body, self.extra]
            .iter()
            .map(|&field| {
                searcher
                    .doc_freq(&tantivy::Term::from_field_text(field, word))
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
    }

    /// Resolves the fields of an existing index by name.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            key: f("key")?,
            id: f("id")?,
            source: f("source")?,
            kind: f("kind")?,
            title: f("title")?,
            body: f("body")?,
            body_at: f("body_at")?,
            extra: f("extra")?,
            grams: f("grams")?,
            doc_key: f("doc_key")?,
            title_key: f("title_key")?,
            places: f("places")?,
            date: f("date")?,
            current: f("current")?,
            kind_code: f("kind_code")?,
            meta: f("meta")?,
            facet_kind: f("facet_kind")?,
            facet_source: f("facet_source")?,
            facet_issuer: f("facet_issuer")?,
            facet_category: f("facet_category")?,
            facet_year: f("facet_year")?,
            facet_validity: f("facet_validity")?,
            facet_area: f("facet_area")?,
        })
    }

    /// The index document of a record whose body was written to `body_at`. The caller
    /// guarantees the record is indexable ([`Record::is_indexable`]: public, or the body-less
    /// catalogue entry of a 依申请公开 record).
    pub fn to_document(
        &self,
        r: &Record,
        areas: &super::areas::Areas,
        body_at: u64,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.key, record_key(&r.source, &r.source_id));
        doc.add_text(self.id, &r.source_id);
        doc.add_text(self.source, &r.source);
        doc.add_text(self.kind, r.kind.as_str());
        doc.add_text(self.title, &r.title);
        doc.add_text(self.body, &r.body);
        doc.add_u64(self.body_at, body_at);
        let mut extra: Vec<&str> = r.keywords.iter().map(String::as_str).collect();
        extra.extend(r.former_titles.iter().map(String::as_str));
        extra.extend(r.preamble.iter().map(String::as_str));
        extra.extend(r.doc_number.as_deref());
        extra.extend(r.issuer.as_deref());
        let service_text = r.service.as_ref().map(|s| s.searchable_text());
        extra.extend(service_text.as_deref());
        doc.add_text(self.extra, extra.join("\n"));
        doc.add_text(self.grams, format!("{}\n{}", r.title, r.body));
        let named = super::places::places(&format!(
            "{}\n{}",
            r.title,
            r.issuer.as_deref().unwrap_or("")
        ));
        if !named.is_empty() {
            doc.add_text(self.places, super::places::ANY_PLACE);
        }
        for place in named {
            doc.add_text(self.places, place);
        }
        for t in std::iter::once(&r.title).chain(&r.former_titles) {
            let tk = title_key(t);
            if !tk.is_empty() {
                doc.add_text(self.title_key, tk);
            }
        }
        if let Some(k) = r.doc_number.as_deref().and_then(DocNumberKey::parse) {
            doc.add_text(self.doc_key, k.as_str());
        }
        if let Some(k) = r.index_number.as_deref().and_then(index_number_key) {
            doc.add_text(self.doc_key, k);
        }
        doc.add_i64(self.date, r.date().map(days_since_epoch).unwrap_or(0));
        doc.add_u64(self.current, u64::from(r.validity.is_current()));
        doc.add_u64(self.kind_code, kind_code(r.kind));
        let mut meta = r.clone();
        meta.body = String::new();
        doc.add_text(self.meta, serde_json::to_string(&meta).unwrap_or_default());
        self.add_facets(&mut doc, r, areas);
        doc
    }

    /// Adds the facet values of `r` (kind, source, issuer, category, year, validity, areas).
    fn add_facets(&self, doc: &mut TantivyDocument, r: &Record, areas: &super::areas::Areas) {
        doc.add_facet(self.facet_kind, Facet::from_path([r.kind.label()]));
        doc.add_facet(self.facet_source, Facet::from_path([r.source.as_str()]));
        if let Some(i) = &r.issuer {
            doc.add_facet(self.facet_issuer, Facet::from_path([i.as_str()]));
        }
        if let Some(c) = &r.category {
            let parts: Vec<&str> = c
                .split(['\\', '/'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if !parts.is_empty() {
                doc.add_facet(self.facet_category, Facet::from_path(parts));
            }
        }
        if let Some(d) = r.date() {
            doc.add_facet(
                self.facet_year,
                Facet::from_path([d.format("%Y").to_string()]),
            );
        }
        doc.add_facet(self.facet_validity, Facet::from_path([r.validity.label()]));
        let keywords = r.keywords.join(" ");
        let category = r.category.as_deref().unwrap_or("");
        // The 文种 too: a 政策解读 is one by its kind of document, whatever its title says.
        let doc_type = r.doc_type.as_deref().unwrap_or("");
        for area in areas.of(&[&r.title, category, &keywords, doc_type]) {
            doc.add_facet(self.facet_area, Facet::from_path([area]));
        }
    }

    /// The stored text of a field, or "".
    pub fn text<'a>(&self, doc: &'a TantivyDocument, field: Field) -> &'a str {
        doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
    }

    /// The record stored with a document (body left empty; see [`Fields::body_at`]).
    pub fn record_meta(&self, doc: &TantivyDocument) -> Option<Record> {
        serde_json::from_str(self.text(doc, self.meta)).ok()
    }
}

/// The number stored for a kind in the `kind_code` fast field.
pub fn kind_code(kind: Kind) -> u64 {
    match kind {
        Kind::GovernmentInfo => 0,
        Kind::ServiceGuide => 1,
        Kind::Law => 2,
    }
}

/// The unique key of a record inside an index.
pub fn record_key(source: &str, source_id: &str) -> String {
    format!("{source}/{source_id}")
}

fn days_since_epoch(d: chrono::NaiveDate) -> i64 {
    (d - chrono::NaiveDate::default()).num_days()
}

/// Convenience for callers that only need the kind label of a stored kind string.
pub fn kind_label(kind: &str) -> &'static str {
    Kind::from_str_opt(kind).map(Kind::label).unwrap_or("")
}

/// Validity of a stored record, for ranking and badges.
pub fn validity_of(meta: Option<&Record>) -> Validity {
    meta.map(|r| r.validity).unwrap_or_default()
}

/// A title (or a query) as an exact key: normalised, without the 中华人民共和国 of national
/// laws, without spaces and punctuation. 「中华人民共和国劳动合同法」 and 「劳动合同法」 share a key;
/// 「浙江省工伤保险条例」 and 「工伤保险条例」 do not.
pub fn title_key(text: &str) -> String {
    let n = super::analysis::normalize(text);
    let kept: String = n.chars().filter(|c| c.is_alphanumeric()).collect();
    kept.strip_prefix("中华人民共和国")
        .map(str::to_string)
        .unwrap_or(kept)
}
