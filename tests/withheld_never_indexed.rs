//! Issue 22 (critical part): nothing withheld ever reaches the screen. Crafted exports in every
//! format, with every spelling of 依申请公开 / 不予公开 (field, row or 附注) and records with no
//! 公开属性 at all, are built by the real binary; the build report counts them by kind, a search
//! for each one's unique word finds nothing (a 依申请公开 record: only its catalogue entry, by
//! title, with none of its text; issue 21 item 8), and the public controls are found by theirs.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// What the build must make of a crafted record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Public,
    OnRequest,
    Withheld,
    Unmarked,
}

/// One crafted record: its source, the unique word in its title and body, and the decision.
struct Crafted {
    source: &'static str,
    word: String,
    want: Want,
}

/// Text every crafted record may share; no unique word may use its characters.
const SHARED_TEXT: &str =
    "关于的通知正文。各单位：现将有关事项通知如下。第一条 为了规范工作，制定本条例。\
    索引号主题分类发文机关成文日期标题发文字号发布日期公开属性公开方式主动公开依申请公开不予公开\
    此件公开发布依申請公開不予公開内部国务院办公厅青禾县人民政府年月日号〔〕【】（）";

/// Unique words of three characters, none shared with another word or with [`SHARED_TEXT`],
/// compared after the kiosk's own normalisation (traditional and simplified forms count as one).
fn unique_words(n: usize) -> Vec<String> {
    let mut used: BTreeSet<char> = kiosk::text::compact(SHARED_TEXT).chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for cp in 0x6c40u32..0x9000 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let norm: Vec<char> = kiosk::text::compact(&c.to_string()).chars().collect();
        if norm.len() != 1 || !used.insert(norm[0]) {
            continue;
        }
        word.push(c);
        if word.chars().count() == 3 {
            words.push(std::mem::take(&mut word));
            if words.len() == n {
                return words;
            }
        }
    }
    panic!("not enough characters for {n} unique words");
}

fn portal_page(word: &str, row: &str, note: &str) -> String {
    format!(
        r#"<html><body><div><table><tbody><tr><td><table><tbody>
<tr><td><b>索 引 号：</b></td><td>000014349/2024-00001</td><td><b>主题分类：</b></td><td>综合政务</td></tr>
<tr><td><b>发文机关：</b></td><td>青禾县人民政府</td><td><b>成文日期：</b></td><td>2024年03月01日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">关于{word}的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>青政发〔2024〕1号</td><td><b>发布日期：</b></td><td>2024年03月02日</td></tr>
{row}
</tbody></table></td></tr></tbody></table>
<table><tr><td id="UCAP-CONTENT"><p>各单位：</p><p>现将{word}有关事项通知如下。</p><p>{note}</p></td></tr></table></div></body></html>"#
    )
}

fn row(label: &str, value: &str) -> String {
    format!("<tr><td><b>{label}</b></td><td>{value}</td></tr>")
}

fn law_file(word: &str, note: &str) -> String {
    format!(
        "# {word}条例\n\n2024年3月1日 青禾县人民政府令第1号公布\n\n<!-- INFO END -->\n\n\
         ## 第一章 总则\n\n第一条 为了规范{word}工作，制定本条例。\n\n{note}\n"
    )
}

/// Writes the crafted exports and the configuration into `dir`; the records and the config path.
fn craft(dir: &Path) -> (Vec<Crafted>, std::path::PathBuf) {
    use Want::*;
    let mut words = unique_words(64).into_iter();
    let mut crafted = Vec::new();
    let mut next = |source: &'static str, want: Want, crafted: &mut Vec<Crafted>| {
        let word = words.next().unwrap();
        crafted.push(Crafted {
            source,
            word: word.clone(),
            want,
        });
        word
    };

    // portal-html, no default: a page needs a positive row or note to be public.
    let portal = dir.join("portal");
    std::fs::create_dir_all(&portal).unwrap();
    let pages: Vec<(Want, String, &str)> = vec![
        (Public, row("公开属性：", "主动公开"), ""),
        (Public, String::new(), "（此件公开发布）"),
        (OnRequest, row("公开属性：", "依申请公开"), ""),
        (Withheld, row("公开方式：", "不予公开"), "（此件公开发布）"),
        (Withheld, row("公开属性：", "不予公開"), ""),
        (OnRequest, row("公开属性：", "依申请 公开"), ""),
        (OnRequest, row("公開屬性：", "依申請公開"), ""),
        (Withheld, row("公开属性：", "不予\u{200b}公开"), ""),
        (Withheld, row("公开属性：", "【不予公开】"), ""),
        (Withheld, row("公开属性：", "\u{3000}不予公开\u{3000}"), ""),
        (Withheld, row("公 开 方 式:", "（不予公开）"), ""),
        (Withheld, row("公开属性：", "内部"), ""),
        (Withheld, row("公开属性：", "主动公开"), "（此件不予公開）"),
        (OnRequest, String::new(), "（此件依申请 公开）"),
        (Withheld, String::new(), "此 件 不 予 公 开"),
        (Withheld, String::new(), "（此件\u{200b}不予公开）"),
        (Withheld, String::new(), "【此件不予公开】"),
        (Unmarked, String::new(), ""),
    ];
    for (i, (want, row, note)) in pages.into_iter().enumerate() {
        let word = next("crafted-portal", want, &mut crafted);
        std::fs::write(
            portal.join(format!("content_{i}.htm")),
            portal_page(&word, &row, note),
        )
        .unwrap();
    }

    // mapped-jsonl, default 主动公开 (a feed of published notices): only negative markings, in
    // the mapped field, an unmapped 公开属性 field or a note in any field, keep a line out.
    let mut lines = Vec::new();
    let notices: Vec<(Want, serde_json::Value)> = vec![
        (Public, serde_json::json!({"gkfs": "主动公开"})),
        (Public, serde_json::json!({})),
        (Withheld, serde_json::json!({"gkfs": "不予公开"})),
        (OnRequest, serde_json::json!({"gkfs": "依申請公開"})),
        (Withheld, serde_json::json!({"gkfs": "（不予公开）"})),
        (Withheld, serde_json::json!({"gkfs": "内部"})),
        (Withheld, serde_json::json!({"gkfs": "不 予 公 开"})),
        // The line of the audit: an unmapped field and a note in the body.
        (
            Withheld,
            serde_json::json!({"公开属性": "不予公开", "note": "（此件不予公开）"}),
        ),
        (
            Withheld,
            serde_json::json!({"note": "（此件\u{3000}不予\u{3000}公开）"}),
        ),
        (
            OnRequest,
            serde_json::json!({"remark": "（此件依申请公开）"}),
        ),
    ];
    for (i, (want, extra)) in notices.into_iter().enumerate() {
        let word = next("crafted-notices", want, &mut crafted);
        let mut v = serde_json::json!({
            "id": format!("n{i}"),
            "bt": format!("关于{word}的通知"),
            "text": format!("各单位：现将{word}有关事项通知如下。"),
        });
        for (k, x) in extra.as_object().unwrap() {
            if k == "note" {
                v["text"] =
                    format!("{}{}", v["text"].as_str().unwrap(), x.as_str().unwrap()).into();
            } else {
                v[k] = x.clone();
            }
        }
        lines.push(v.to_string());
    }
    std::fs::write(dir.join("notices.jsonl"), lines.join("\n") + "\n").unwrap();

    // kiosk-jsonl, no default.
    let mut lines = Vec::new();
    let records: Vec<(Want, Option<&str>, &str)> = vec![
        (Public, Some("主动公开"), ""),
        (Public, Some("主 动 公 开"), ""),
        (Withheld, Some("不予公開"), ""),
        (OnRequest, Some(" 依申请公开 "), ""),
        (Withheld, Some("【不予公开】"), ""),
        (Withheld, Some("不予\u{feff}公开"), ""),
        (Unmarked, None, ""),
        (Withheld, Some("主动公开"), "（此件不予公开）"),
        (OnRequest, Some("主动公开"), "此件依申請公開"),
    ];
    for (i, (want, disclosure, note)) in records.into_iter().enumerate() {
        let word = next("crafted-kiosk", want, &mut crafted);
        let mut v = serde_json::json!({
            "id": format!("k{i}"),
            "kind": "government_info",
            "title": format!("关于{word}的通知"),
            "body": format!("各单位：\n现将{word}有关事项通知如下。\n{note}"),
        });
        if let Some(d) = disclosure {
            v["disclosure"] = d.into();
        }
        lines.push(v.to_string());
    }
    std::fs::write(dir.join("kiosk.jsonl"), lines.join("\n") + "\n").unwrap();

    // law-markdown: laws are public unless the file carries a withholding note.
    let laws = dir.join("laws/地方性法规");
    std::fs::create_dir_all(&laws).unwrap();
    let files: Vec<(Want, &str)> = vec![
        (Public, ""),
        (Withheld, "（此件不予公开）"),
        (OnRequest, "（此件依申請公開）"),
        (Withheld, "此件\u{3000}不予公开"),
    ];
    for (i, (want, note)) in files.into_iter().enumerate() {
        let word = next("crafted-laws", want, &mut crafted);
        std::fs::write(
            laws.join(format!("条例{i}(2024-03-01).md")),
            law_file(&word, note),
        )
        .unwrap();
    }

    let font = common::repo().join("assets/fonts/NotoSansSC-kiosk-subset.otf");
    let config = format!(
        r#"[kiosk]
hall_name = "青禾县政务服务中心 政务公开专区"
index_dir = {index:?}
font = {font:?}

[[sources]]
name = "crafted-portal"
kind = "government_info"
format = "portal-html"
path = "portal"

[[sources]]
name = "crafted-notices"
kind = "government_info"
format = "mapped-jsonl"
path = "notices.jsonl"
default_disclosure = "主动公开"

[sources.mapping]
id = "id"
title = "bt"
body = ["text"]
disclosure = "gkfs"

[[sources]]
name = "crafted-kiosk"
kind = "government_info"
format = "kiosk-jsonl"
path = "kiosk.jsonl"

[[sources]]
name = "crafted-laws"
kind = "law"
format = "law-markdown"
path = "laws"
"#,
        index = dir.join("index").display().to_string(),
        font = font.display().to_string(),
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, config).unwrap();
    common::copy_config_data(dir);
    (crafted, path)
}

fn search_ids(config: &Path, word: &str) -> Vec<serde_json::Value> {
    let out = common::run_kiosk(config, &["search", "--json", "--limit", "50", word]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    common::text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn withheld_records_of_every_format_and_spelling_are_counted_and_never_found() {
    let tmp = tempfile::tempdir().unwrap();
    let (crafted, config) = craft(tmp.path());

    let out = common::run_kiosk(&config, &["index", "build"]);
    let report = common::text(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        common::text(&out.stderr)
    );

    // The report counts each kind, per source.
    for source in [
        "crafted-portal",
        "crafted-notices",
        "crafted-kiosk",
        "crafted-laws",
    ] {
        let count = |w: Want| {
            crafted
                .iter()
                .filter(|c| c.source == source && c.want == w)
                .count()
        };
        let line = report
            .lines()
            .position(|l| l.trim_start().starts_with(source))
            .unwrap_or_else(|| panic!("{source} missing in {report}"));
        let lines: Vec<&str> = report.lines().collect();
        let not_public = count(Want::OnRequest) + count(Want::Withheld) + count(Want::Unmarked);
        assert!(
            // A 依申请公开 record is indexed as its catalogue entry (title, issuer, 索引号) only.
            lines[line].contains(&format!(
                "{} records",
                count(Want::Public) + count(Want::OnRequest)
            )) && lines[line].contains(&format!("{not_public} not public"))
                && lines[line].contains("0 skipped"),
            "{source}: {report}"
        );
        assert_eq!(
            lines[line + 1].trim(),
            format!(
                "not public: {} 依申请公开 (text kept out; {} listed by title, issuer and 索引号), {} 不予公开, {} without 公开属性",
                count(Want::OnRequest),
                count(Want::OnRequest),
                count(Want::Withheld),
                count(Want::Unmarked)
            ),
            "{source}: {report}"
        );
    }

    // Nothing withheld is found by its unique word; every public control is.
    let mut found_controls = 0;
    for c in &crafted {
        let hits = search_ids(&config, &c.word);
        if c.want == Want::Public {
            assert!(
                hits.iter()
                    .any(|h| h["source"] == c.source
                        && h["title"].as_str().unwrap().contains(&c.word)),
                "public control {} of {} not found: {hits:?}",
                c.word,
                c.source
            );
            found_controls += 1;
        } else if c.want == Want::OnRequest {
            // Issue 21 item 8: found by its title only, as its catalogue entry, marked, with
            // nothing of its text.
            assert!(
                hits.len() == 1
                    && hits[0]["source"] == c.source
                    && hits[0]["on_request"] == true
                    && hits[0]["id"].as_str().unwrap().ends_with("#on-request")
                    && !hits[0]["snippet"].as_str().unwrap().contains(&c.word),
                "依申请公开 record {} of {} was found other than by its catalogue entry: {hits:?}",
                c.word,
                c.source
            );
        } else {
            assert!(
                hits.is_empty(),
                "{:?} record {} of {} was found: {hits:?}",
                c.want,
                c.word,
                c.source
            );
        }
    }
    assert_eq!(found_controls, 7);
    assert!(crafted.len() > 40);
}
