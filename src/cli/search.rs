//! `kiosk search`: search the index as the kiosk does (through [`kiosk::desk::search`]) and
//! print the hits, or one JSON object per hit and per offer.

use anyhow::Result;
use kiosk::config::Settings;
use kiosk::search::{open_search, Hit, SearchRequest};
use std::io::Write;

pub fn run(settings: &Settings, query: &[String], json: bool, limit: usize) -> Result<()> {
    let index = open_search(&settings.index_dir)?;
    let request = SearchRequest {
        query: query.join(" "),
        limit,
        ..SearchRequest::default()
    };
    let answer = kiosk::desk::search::answer(&index, &request)?;
    let results = &answer.results;
    if !json {
        if let Some(c) = &results.converted {
            println!("按拼音理解为：{c}");
        }
        match &answer.corrected {
            Some(fix) => println!(
                "没有找到与“{}”相关的内容，以下是“{fix}”的结果。",
                request.query
            ),
            None => {
                if let Some(s) = &results.suggestion {
                    println!("您是不是要找：{s}");
                }
            }
        }
        if results.partial {
            println!("{}", kiosk::desk::search::PARTIAL_HEADING);
        }
    }
    print_hits(&results.hits, json)?;
    match (json, answer.offers()) {
        (true, Some(offers)) => {
            println!("{}", serde_json::json!({ "offers": offers }))
        }
        (false, _) if !answer.alternatives.is_empty() => {
            println!("您可以试试：{}", answer.alternatives.join("、"))
        }
        _ => {}
    }
    Ok(())
}

fn print_hits(hits: &[Hit], json: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        for h in hits {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        }
        return Ok(());
    }
    if hits.is_empty() {
        writeln!(out, "没有找到相关内容。(no results)")?;
    }
    for (i, h) in hits.iter().enumerate() {
        // A record no longer in force says why (「已被《…》取代」).
        let note = h
            .record
            .as_ref()
            .filter(|_| !h.validity.is_current())
            .and_then(|r| r.validity_note.as_deref())
            .map(|n| format!("：{n}"))
            .unwrap_or_default();
        // A catalogue entry of a 依申请公开 record says so on its first line.
        let on_request = if h.on_request {
            format!("【{}】", kiosk::catalog::ON_REQUEST_NOTE)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>2}. {}  [{}]【{}{note}】{on_request}",
            i + 1,
            h.title_marked.marked("\x1b[1m", "\x1b[0m"),
            h.kind.label(),
            h.validity.label()
        )?;
        let mut meta: Vec<String> = vec![h.id.clone()];
        meta.extend(h.doc_number.clone());
        meta.extend(h.issuer.clone());
        meta.extend(h.date.map(|d| d.to_string()));
        if h.on_request {
            meta.extend(h.record.as_ref().and_then(|r| r.index_number.clone()));
        }
        writeln!(out, "    {}", meta.join(" · "))?;
        writeln!(
            out,
            "    {}",
            h.snippet_marked
                .marked("\x1b[1m", "\x1b[0m")
                .replace('\n', " ")
        )?;
    }
    Ok(())
}
