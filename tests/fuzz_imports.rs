//! Property tests (proptest) of every importer (issue 21 item 4): generated exports of each
//! format (kiosk-jsonl, mapped-jsonl, portal-html, law-markdown), with garbage lines and pages
//! among the records and 公开属性 markings written adversarially: 不予公开 / 依申请公开 in
//! traditional characters, with spaces, full-width spaces, zero-width marks and brackets, only
//! in the body's 附注 (「此件不予公开」), or missing for government information. Properties: no
//! import panics; exactly the records marked 主动公开 (or unmarked from a source whose default is
//! 主动公开) come out; every other record is counted in the import report that the build report
//! prints. CI runs proptest's default number of cases; `PROPTEST_CASES=100000` runs the long
//! run (docs/testing.md).

use kiosk::catalog::{Disclosure, Kind};
use kiosk::config::{FieldMapping, Format, SourceSettings};
use kiosk::ingest::import_source;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeSet;
use std::path::Path;

/// How a generated record is marked.
#[derive(Debug, Clone)]
enum Marking {
    /// A 公开属性 field (or metadata row) with this spelling of a negative value.
    Field(String, Disclosure),
    /// Only a 附注 in the body, with this spelling.
    Note(String, Disclosure),
    /// Nothing at all.
    Missing,
    /// 主动公开 in the field.
    Published,
}

#[derive(Debug, Clone)]
struct Gen {
    title: String,
    before: String,
    after: String,
    marking: Marking,
}

/// Characters that separate a marking's characters in real exports: spaces, full-width
/// spaces, tabs, zero-width marks.
const SEPARATORS: [&str; 7] = [
    "", " ", "\u{3000}", "\t", "\u{200b}", "\u{feff}", "\u{2060}",
];
const BRACKETS: [(&str, &str); 6] = [
    ("", ""),
    ("（", "）"),
    ("【", "】"),
    ("「", "」"),
    ("(", ")"),
    ("〔", "〕"),
];
const NEGATIVE: [(&str, Disclosure); 8] = [
    ("不予公开", Disclosure::Withheld),
    ("不予公開", Disclosure::Withheld),
    ("不公开", Disclosure::Withheld),
    ("不公開", Disclosure::Withheld),
    ("免予公开", Disclosure::Withheld),
    ("依申请公开", Disclosure::OnRequest),
    ("依申請公開", Disclosure::OnRequest),
    ("依申请 公开", Disclosure::OnRequest),
];

/// `word` with a separator (chosen per gap) between its characters, in brackets.
fn spelt(word: &'static str) -> impl Strategy<Value = String> {
    let n = word.chars().count();
    (
        prop::collection::vec(prop::sample::select(&SEPARATORS[..]), n),
        prop::sample::select(&BRACKETS[..]),
    )
        .prop_map(move |(seps, (open, close))| {
            let mut s = String::from(open);
            for (c, sep) in word.chars().zip(seps) {
                s.push(c);
                s.push_str(sep);
            }
            s.push_str(close);
            s
        })
}

fn negative() -> impl Strategy<Value = (String, Disclosure)> {
    prop::sample::select(&NEGATIVE[..])
        .prop_flat_map(|(word, d)| spelt(word).prop_map(move |s| (s, d)))
}

fn marking(government: bool) -> BoxedStrategy<Marking> {
    let note = negative().prop_flat_map(|(word, d)| {
        // 此件 before the word, spelt as loosely as the word.
        spelt("此件").prop_map(move |lead| {
            let lead = lead
                .trim_end_matches(['）', '】', '」', ')', '〕'])
                .to_string();
            Marking::Note(format!("{lead}{word}"), d)
        })
    });
    if government {
        prop_oneof![
            negative().prop_map(|(s, d)| Marking::Field(s, d)),
            note,
            Just(Marking::Missing),
            Just(Marking::Published),
        ]
        .boxed()
    } else {
        prop_oneof![note, Just(Marking::Missing)].boxed()
    }
}

/// Body text of a notice: Chinese, punctuation, digits, line breaks; nothing HTML would read.
fn prose() -> impl Strategy<Value = String> {
    "[\u{4e00}-\u{9fa5}，。、：；（）0-9a-z \n]{0,120}"
}

fn record(government: bool) -> impl Strategy<Value = Gen> {
    (
        "[\u{4e00}-\u{9fa5}]{2,20}",
        prose(),
        prose(),
        marking(government),
    )
        .prop_map(|(title, before, after, marking)| Gen {
            title,
            before,
            after,
            marking,
        })
}

fn records(government: bool) -> impl Strategy<Value = Vec<Gen>> {
    prop::collection::vec(record(government), 1..8)
}

/// Lines that are no record at all: broken JSON, wrong types, random text.
fn garbage() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            any::<String>().prop_map(|s| s.replace('\n', " ")),
            Just("{\"id\": 7, \"title\": []}".to_string()),
            Just("{\"id\":\"x\"".to_string()),
            Just("[1,2,3]".to_string()),
            "\\{\"[a-z]{1,5}\":\"[\u{4e00}-\u{9fa5}]{0,5}\"\\}",
        ],
        0..3,
    )
}

impl Gen {
    /// Never empty: a page without a body is skipped as no disclosure page at all (counted
    /// among the skipped, not by its 公开属性).
    fn body(&self) -> String {
        match &self.marking {
            Marking::Note(note, _) => {
                format!("各有关单位：{}\n{note}\n{}", self.before, self.after)
            }
            _ => format!("各有关单位：{}{}", self.before, self.after),
        }
    }

    fn field(&self) -> Option<String> {
        match &self.marking {
            Marking::Field(s, _) => Some(s.clone()),
            Marking::Published => Some("主动公开".into()),
            _ => None,
        }
    }

    /// Whether the record may be indexed, given the source's default.
    fn public(&self, default_published: bool) -> bool {
        match self.marking {
            Marking::Published => true,
            Marking::Missing => default_published,
            _ => false,
        }
    }
}

fn source(name: &str, kind: Kind, format: Format, path: &Path, default: bool) -> SourceSettings {
    SourceSettings {
        name: name.into(),
        kind,
        format,
        path: path.to_path_buf(),
        url_template: None,
        mapping: None,
        default_disclosure: default.then_some(Disclosure::Proactive),
    }
}

/// Imports `source` and checks the result against the generated records.
fn check(source: &SourceSettings, gens: &[Gen], ids: &[String], default: bool) {
    let import = import_source(source).unwrap();
    // A 依申请公开 record comes out only as its 政府信息公开目录 entry (issue 21 item 8): the id
    // marked `#on-request`, no text of its body, and only for a record marked so.
    let (entries, records): (Vec<_>, Vec<_>) = import
        .records
        .iter()
        .partition(|r| r.source_id.ends_with("#on-request"));
    let asked: BTreeSet<String> = gens
        .iter()
        .zip(ids)
        .filter(|(g, _)| {
            matches!(
                g.marking,
                Marking::Field(_, Disclosure::OnRequest) | Marking::Note(_, Disclosure::OnRequest)
            )
        })
        .map(|(_, id)| format!("{id}#on-request"))
        .collect();
    for e in &entries {
        assert!(
            asked.contains(&e.source_id),
            "{} is no 依申请公开 record",
            e.source_id
        );
        assert!(
            e.body.is_empty() && e.keywords.is_empty(),
            "an entry carries text: {e:?}"
        );
    }
    let got: BTreeSet<&str> = records.iter().map(|r| r.source_id.as_str()).collect();
    let want: BTreeSet<&str> = gens
        .iter()
        .zip(ids)
        .filter(|(g, _)| g.public(default))
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(got, want, "{gens:#?}");
    let r = &import.report;
    let count = |f: &dyn Fn(&Marking) -> bool| gens.iter().filter(|g| f(&g.marking)).count();
    let withheld = count(&|m| {
        matches!(
            m,
            Marking::Field(_, Disclosure::Withheld) | Marking::Note(_, Disclosure::Withheld)
        )
    });
    let on_request = count(&|m| {
        matches!(
            m,
            Marking::Field(_, Disclosure::OnRequest) | Marking::Note(_, Disclosure::OnRequest)
        )
    });
    let unmarked = if default || source.kind != Kind::GovernmentInfo {
        0
    } else {
        count(&|m| matches!(m, Marking::Missing))
    };
    assert_eq!(
        (r.withheld, r.on_request, r.unmarked),
        (withheld, on_request, unmarked),
        "{gens:#?}"
    );
    assert_eq!(r.not_public_ids.len(), gens.len() - want.len());
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    })
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("r{i:02}")).collect()
}

#[test]
fn kiosk_jsonl_exports_never_let_a_withheld_or_unmarked_record_through() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("notices.jsonl");
    let strategy = (records(true), garbage(), any::<bool>());
    runner()
        .run(&strategy, |(gens, junk, default)| {
            let ids = ids(gens.len());
            let mut lines: Vec<String> = gens
                .iter()
                .zip(&ids)
                .map(|(g, id)| {
                    let mut v = serde_json::json!({
                        "id": id, "kind": "government_info", "title": g.title, "body": g.body(),
                    });
                    if let Some(f) = g.field() {
                        v["disclosure"] = f.into();
                    }
                    v.to_string()
                })
                .collect();
            lines.extend(junk);
            std::fs::write(&path, lines.join("\n")).unwrap();
            let s = source(
                "notices",
                Kind::GovernmentInfo,
                Format::KioskJsonl,
                &path,
                default,
            );
            check(&s, &gens, &ids, default);
            Ok(())
        })
        .unwrap();
}

#[test]
fn mapped_jsonl_exports_never_let_a_withheld_or_unmarked_record_through() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cms.jsonl");
    let strategy = (records(true), garbage(), any::<bool>(), any::<bool>());
    runner()
        .run(&strategy, |(gens, junk, default, mapped)| {
            let ids = ids(gens.len());
            // The 公开属性 under a mapped name, or under its own name, read unmapped.
            let key = if mapped { "gkfs" } else { "公开属性" };
            let mut lines: Vec<String> = gens
                .iter()
                .zip(&ids)
                .map(|(g, id)| {
                    let mut v = serde_json::json!({ "id": id, "标题": g.title, "text": g.body() });
                    if let Some(f) = g.field() {
                        v[key] = f.into();
                    }
                    v.to_string()
                })
                .collect();
            lines.extend(junk);
            std::fs::write(&path, lines.join("\n")).unwrap();
            let mut s = source(
                "cms",
                Kind::GovernmentInfo,
                Format::MappedJsonl,
                &path,
                default,
            );
            s.mapping = Some(FieldMapping {
                id: "id".into(),
                title: Some("标题".into()),
                body: vec!["text".into()],
                disclosure: mapped.then(|| "gkfs".into()),
                ..FieldMapping::default()
            });
            check(&s, &gens, &ids, default);
            Ok(())
        })
        .unwrap();
}

/// A 信息公开 detail page of the gov.cn layout.
fn page(g: &Gen, label: &str) -> String {
    let row = g
        .field()
        .map(|f| format!("<tr><td><b>{label}</b></td><td>{f}</td></tr>"))
        .unwrap_or_default();
    let body: String = g
        .body()
        .split('\n')
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    format!(
        "<div><table><tbody><tr><td><table><tbody>\
         <tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>2019年01月27日</td></tr>\
         {row}<tr><td><b>标　　题：</b></td><td colspan=\"3\">{title}</td></tr>\
         <tr><td><b>发文字号：</b></td><td>国发〔2019〕5号</td><td><b>发布日期：</b></td><td>2019年02月15日</td></tr>\
         </tbody></table></td></tr></tbody></table>\
         <table><tr><td id=\"UCAP-CONTENT\">{body}</td></tr></table></div>",
        title = g.title
    )
}

#[test]
fn portal_html_pages_never_let_a_withheld_or_unmarked_record_through() {
    const LABELS: [&str; 4] = ["公开属性：", "公 开 属 性:", "公開屬性：", "【公开方式】"];
    let strategy = (
        records(true),
        prop::collection::vec(any::<String>(), 0..2),
        any::<bool>(),
        prop::sample::select(&LABELS[..]),
    );
    runner()
        .run(&strategy, |(gens, junk, default, label)| {
            let tmp = tempfile::tempdir().unwrap();
            let ids: Vec<String> = (0..gens.len())
                .map(|i| format!("content_{i:02}.htm"))
                .collect();
            for (g, id) in gens.iter().zip(&ids) {
                std::fs::write(tmp.path().join(id), page(g, label)).unwrap();
            }
            // Pages that are no disclosure page: skipped with a reason, never a panic.
            for (i, j) in junk.iter().enumerate() {
                std::fs::write(tmp.path().join(format!("junk_{i}.html")), j).unwrap();
            }
            let s = source(
                "pages",
                Kind::GovernmentInfo,
                Format::PortalHtml,
                tmp.path(),
                default,
            );
            check(&s, &gens, &ids, default);
            Ok(())
        })
        .unwrap();
}

#[test]
fn law_markdown_texts_with_a_withholding_note_are_never_let_through() {
    let strategy = (records(false), prop::collection::vec(any::<String>(), 0..2));
    runner()
        .run(&strategy, |(gens, junk)| {
            let tmp = tempfile::tempdir().unwrap();
            let folder = tmp.path().join("行政法规");
            std::fs::create_dir_all(&folder).unwrap();
            let ids: Vec<String> = (0..gens.len())
                .map(|i| format!("行政法规/条例{i:02}(2020-03-27).md"))
                .collect();
            for (g, id) in gens.iter().zip(&ids) {
                let text = format!(
                    "# {}\n\n2008年1月31日 中华人民共和国国务院令第517号公布\n\n<!-- INFO END -->\n\n第一条 {}\n",
                    g.title,
                    g.body()
                );
                std::fs::write(tmp.path().join(id), text).unwrap();
            }
            for (i, j) in junk.iter().enumerate() {
                std::fs::write(folder.join(format!("junk{i}.md")), j).unwrap();
            }
            let s = source("laws", Kind::Law, Format::LawMarkdown, tmp.path(), false);
            // Laws are published by nature: unmarked ones are public.
            check(&s, &gens, &ids, true);
            Ok(())
        })
        .unwrap();
}
