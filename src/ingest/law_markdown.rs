//! Importer for the Markdown law tree: `# 标题`, promulgation lines, `<!-- INFO END -->`, then
//! `##` chapters and 第N条 articles. File names carry the version date (`名称(YYYY-MM-DD).md`);
//! `db.sqlite3` files (one per tree root) hold level and an `expired` flag. The flag is
//! incomplete, so validity is also derived from versions: the newest dated version of a law is
//! current, older ones are superseded. A law in force that says `《旧法》同时废止` replaces the
//! old law under its new name: the new text is found by the old title, and the old one (and
//! any interpretation of it) says 「已被《新法》取代」.

use super::{IngestError, RawImport};
use crate::catalog::{
    decide_disclosure, find_cn_date, parse_cn_date, Disclosure, Kind, Record, Validity,
};
use crate::config::SourceSettings;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// What a `db.sqlite3` row says about one version of a law.
#[derive(Debug, Clone)]
struct DbRow {
    level: String,
    expired: bool,
}

/// Rows keyed by (folder relative to the source root, name, publish date if any).
type DbIndex = HashMap<(String, String, Option<NaiveDate>), DbRow>;

pub(super) fn import(source: &SourceSettings) -> Result<RawImport, IngestError> {
    if !source.path.is_dir() {
        return Err(IngestError::Io {
            source_name: source.name.clone(),
            path: source.path.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "law folder not found"),
        });
    }
    let mut db = DbIndex::new();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&source.path).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(source = %source.name, error = %e, "cannot walk law folder entry");
                continue;
            }
        };
        let path = entry.path();
        if entry.file_name() == "db.sqlite3" {
            read_db(source, path, &mut db)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            files.push(path.to_path_buf());
        }
    }
    let mut out = RawImport::default();
    for path in files {
        let rel = rel_path(&source.path, &path);
        if path.file_name().is_some_and(|f| f == "_index.md") {
            out.ignored_files += 1;
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                out.skip(rel, format!("cannot read file as UTF-8 text: {e}"));
                continue;
            }
        };
        match parse_law(&source.name, &rel, &text, &db, source.default_disclosure) {
            Ok(r) => out.records.push(r),
            Err(reason) => out.skip(rel, reason),
        }
    }
    law_validity_from_versions(&mut out.records);
    law_replacements(&mut out.records);
    Ok(out)
}

fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_db(source: &SourceSettings, path: &Path, db: &mut DbIndex) -> Result<(), IngestError> {
    let err = |error| IngestError::LawDb {
        source_name: source.name.clone(),
        path: path.to_path_buf(),
        error,
    };
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(err)?;
    let base = path
        .parent()
        .map(|p| rel_path(&source.path, p))
        .unwrap_or_default();
    let mut stmt = conn
        .prepare(
            "SELECT c.folder, l.name, l.publish, l.expired, l.level \
             FROM law l JOIN category c ON c.id = l.category_id",
        )
        .map_err(err)?;
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)?,
            ))
        })
        .map_err(err)?;
    for row in rows {
        let (folder, name, publish, expired, level) = row.map_err(err)?;
        let folder = if base.is_empty() {
            folder
        } else {
            format!("{base}/{folder}")
        };
        let date = publish.as_deref().and_then(parse_cn_date);
        db.insert(
            (folder, name, date),
            DbRow {
                level,
                expired: expired != 0,
            },
        );
    }
    Ok(())
}

/// Splits `护士条例(2020-03-27).md` into the law's name and its version date.
fn name_and_version(rel: &str) -> (String, Option<NaiveDate>) {
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md");
    if let Some(open) = stem.rfind('(') {
        if let Some(date) = stem[open + 1..].strip_suffix(')').and_then(parse_cn_date) {
            return (stem[..open].to_string(), Some(date));
        }
    }
    (stem.to_string(), None)
}

fn folder_of(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(f, _)| f).unwrap_or("")
}

fn parse_law(
    source: &str,
    rel: &str,
    text: &str,
    db: &DbIndex,
    default: Option<Disclosure>,
) -> Result<Record, String> {
    let text = strip_front_matter(text);
    let (head, body) = text
        .split_once("<!-- INFO END -->")
        .ok_or("no `<!-- INFO END -->` line after the promulgation lines")?;
    let mut head_lines = head.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = head_lines
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .ok_or("the file does not start with a `# 标题` line")?
        .trim()
        .to_string();
    let preamble: Vec<String> = head_lines.map(String::from).collect();
    // Headings lose their `#`s (the body's structure is read from 第N章 itself, see
    // `catalog::body`); comments such as `<!-- TABLE -->` around a table are dropped.
    let body: Vec<&str> = body
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .filter(|l| !l.is_empty() && !is_comment(l))
        .collect();
    if body.is_empty() {
        return Err("the law has no text after `<!-- INFO END -->`".into());
    }
    let (name, version) = name_and_version(rel);
    let folder = folder_of(rel);
    let row = db
        .get(&(folder.to_string(), name.clone(), version))
        .or_else(|| db.get(&(folder.to_string(), name.clone(), None)));
    let mut r = Record::new(source, rel.to_string(), Kind::Law, title, body.join("\n"));
    // Laws are published by nature; only a withholding note in the file keeps one out.
    r.disclosure = decide_disclosure(None, text, default, Kind::Law);
    r.published_date = version.or_else(|| preamble.iter().rev().find_map(|l| find_cn_date(l)));
    r.doc_number = preamble.iter().find_map(|l| order_number(l));
    r.category =
        Some(rel.split('/').next().unwrap_or("").to_string()).filter(|c| !c.ends_with(".md"));
    r.doc_type = row.map(|r| r.level.clone());
    if row.is_some_and(|r| r.expired) {
        r.validity = Validity::Expired;
        r.validity_note = Some("数据库标注为失效版本".into());
    }
    r.preamble = preamble;
    Ok(r)
}

/// A line that is an HTML comment, such as `<!-- TABLE -->`.
fn is_comment(line: &str) -> bool {
    line.starts_with("<!--") && line.ends_with("-->")
}

fn strip_front_matter(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}');
    if let Some(rest) = t.strip_prefix("---") {
        if let Some(end) = rest.find("---") {
            return &rest[end + 3..];
        }
    }
    t
}

/// `中华人民共和国国务院令第517号` in a promulgation line → `国务院令第517号`.
fn order_number(line: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(国务院令|主席令|[\p{Han}]{2,12}令)\s*第\s*(\d+)\s*号")
            .expect("static regex")
    });
    re.captures(line)
        .map(|c| format!("{}第{}号", c[1].trim_start_matches("中华人民共和国"), &c[2]))
}

/// Marks superseded versions: where a folder holds several dated versions of one law, every
/// version but the newest becomes 失效, with a note naming the newer version's date. Works on
/// whatever the database said, so an incomplete `expired` flag is completed, never overruled
/// towards 有效.
pub fn law_validity_from_versions(records: &mut [Record]) {
    // Per law, the newest version's date and source id.
    let mut newest: HashMap<(String, String), (NaiveDate, String)> = HashMap::new();
    for r in records.iter() {
        let (name, version) = name_and_version(&r.source_id);
        if let Some(v) = version {
            let key = (folder_of(&r.source_id).to_string(), name);
            let e = newest
                .entry(key)
                .or_insert_with(|| (v, r.source_id.clone()));
            if v > e.0 {
                *e = (v, r.source_id.clone());
            }
        }
    }
    for r in records.iter_mut() {
        let (name, version) = name_and_version(&r.source_id);
        let key = (folder_of(&r.source_id).to_string(), name);
        if let (Some(v), Some((latest, id))) = (version, newest.get(&key)) {
            if v < *latest {
                r.validity = Validity::Expired;
                r.validity_note = Some(format!("已被 {latest} 版本替代"));
                r.superseded_by = Some(id.clone());
            }
        }
    }
}

/// The titles a law says it repeals: the `《…》` run right before `同时废止` (or `废止`), as in
/// 《中华人民共和国婚姻法》、《中华人民共和国继承法》……同时废止 of the 民法典's 附则.
fn repealed_titles(body: &str) -> Vec<String> {
    static RUN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static TITLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let run = RUN.get_or_init(|| {
        regex::Regex::new(r"((?:《[^《》]+》[、，,和及与]?)+)(?:同时)?(?:予以)?废止")
            .expect("static regex")
    });
    let title = TITLE.get_or_init(|| regex::Regex::new(r"《([^《》]+)》").expect("static regex"));
    run.captures_iter(body)
        .flat_map(|c| {
            title
                .captures_iter(c.get(1).map_or("", |m| m.as_str()))
                .map(|t| t[1].trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A law's name as titles and citations write it: without 中华人民共和国 and spaces
/// (《婚姻法》 cites 中华人民共和国婚姻法).
fn law_name(title: &str) -> String {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    t.strip_prefix("中华人民共和国").unwrap_or(&t).to_string()
}

/// Shortest name taken for a repealed law (婚姻法; a two-character citation is too likely
/// another).
const NAME_CHARS: usize = 3;

/// Where the text of a repealed law went: the repealing record, or, when that is one file of a
/// code kept as several (the 民法典's 编, all titled alike in one folder), the other file whose
/// body names the old law's subject most often (婚姻 for 婚姻法 → 婚姻家庭编); then the one whose
/// file name shares most characters with it (民法总则 → 总则), then the longest. The repealing
/// file itself (附则) only cites the old laws.
fn replacement_part(records: &[Record], repealer: usize, old: &str) -> usize {
    let r = &records[repealer];
    let folder = folder_of(&r.source_id);
    let subject = old.trim_end_matches('法');
    let parts: Vec<usize> = (0..records.len())
        .filter(|&j| {
            // Dated files of one title are versions of one law, not parts of a code.
            let undated = |k: usize| name_and_version(&records[k].source_id).1.is_none();
            j != repealer
                && undated(repealer)
                && undated(j)
                && records[j].validity.is_current()
                && records[j].title == r.title
                && folder_of(&records[j].source_id) == folder
        })
        .collect();
    if parts.is_empty() {
        return repealer;
    }
    let score = |j: usize| {
        let stem = name_and_version(&records[j].source_id).0;
        let shared = stem.chars().filter(|c| subject.contains(*c)).count();
        (
            records[j].body.matches(subject).count(),
            shared,
            records[j].body.len(),
        )
    };
    parts
        .into_iter()
        .max_by_key(|&j| score(j))
        .unwrap_or(repealer)
}

/// Renamed and merged laws, from what the laws in force say they repeal: the record that
/// carries the old law's text now has the old title among its former titles (a query that is
/// the old title finds it as its own title does),
/// and the old law's own records (not newer than the repealing one) become 废止 with the note
/// 「已被《新法》取代」; an interpretation citing the old law (《婚姻法》) that is no longer in
/// force says which law replaced it.
pub fn law_replacements(records: &mut [Record]) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_name.entry(law_name(&r.title)).or_default().push(i);
    }
    let mut replaced: Vec<(String, usize)> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if r.kind != Kind::Law || !r.validity.is_current() {
            continue;
        }
        let own = law_name(&r.title);
        for old in repealed_titles(&r.body) {
            let old = law_name(&old);
            if old != own
                && old.chars().count() >= NAME_CHARS
                && !replaced.iter().any(|(o, _)| *o == old)
            {
                replaced.push((old.clone(), replacement_part(records, i, &old)));
            }
        }
    }
    for (old, target) in replaced {
        let new_title = records[target].title.clone();
        let new_id = records[target].source_id.clone();
        let since = records[target].published_date;
        if !records[target].former_titles.contains(&old) {
            records[target].former_titles.push(old.clone());
        }
        let note = format!("已被《{new_title}》取代");
        for &j in by_name.get(&old).into_iter().flatten() {
            let r = &mut records[j];
            let newer = matches!((r.published_date, since), (Some(a), Some(b)) if a > b);
            if j == target || newer {
                continue;
            }
            if r.validity.is_current() {
                r.validity = Validity::Repealed;
            }
            r.validity_note = Some(note.clone());
            r.superseded_by = Some(new_id.clone());
        }
        let cited = format!("《{old}》");
        for r in records.iter_mut() {
            if !r.validity.is_current() && r.title.replace("中华人民共和国", "").contains(&cited)
            {
                r.validity_note = Some(format!("所依据的{cited}{note}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAW: &str = "# 护士条例\n\n2008年1月31日 中华人民共和国国务院令第517号公布\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了维护护士的合法权益，制定本条例。\n";

    #[test]
    fn reads_title_promulgation_and_keeps_chapters_and_articles() {
        let r = parse_law(
            "laws",
            "行政法规/护士条例(2020-03-27).md",
            LAW,
            &DbIndex::new(),
            None,
        )
        .unwrap();
        assert_eq!(r.title, "护士条例");
        assert_eq!(
            r.preamble,
            ["2008年1月31日 中华人民共和国国务院令第517号公布"]
        );
        assert_eq!(
            r.body,
            "第一章 总则\n第一条 为了维护护士的合法权益，制定本条例。"
        );
        assert_eq!(r.published_date.unwrap().to_string(), "2020-03-27");
        assert_eq!(r.doc_number.as_deref(), Some("国务院令第517号"));
        assert_eq!(r.category.as_deref(), Some("行政法规"));
        assert_eq!(r.validity, Validity::Effective);
    }

    #[test]
    fn older_versions_of_one_law_are_superseded() {
        let db = DbIndex::new();
        let mut rs = vec![
            parse_law("l", "民法商法/公司法(2018-10-26).md", LAW, &db, None).unwrap(),
            parse_law("l", "民法商法/公司法(2023-12-29).md", LAW, &db, None).unwrap(),
            parse_law("l", "民法商法/公司法(2013-12-28).md", LAW, &db, None).unwrap(),
            parse_law("l", "民法商法/合伙企业法(2006-08-27).md", LAW, &db, None).unwrap(),
        ];
        law_validity_from_versions(&mut rs);
        let v: Vec<Validity> = rs.iter().map(|r| r.validity).collect();
        assert_eq!(
            v,
            [
                Validity::Expired,
                Validity::Effective,
                Validity::Expired,
                Validity::Effective
            ]
        );
        assert_eq!(
            rs[0].validity_note.as_deref(),
            Some("已被 2023-12-29 版本替代")
        );
        // The screen opens the newest version from an older one by this id.
        let newest = Some("民法商法/公司法(2023-12-29).md");
        assert_eq!(rs[0].superseded_by.as_deref(), newest);
        assert_eq!(rs[2].superseded_by.as_deref(), newest);
        assert_eq!(rs[1].superseded_by, None);
        assert_eq!(rs[3].superseded_by, None);
    }

    #[test]
    fn a_table_keeps_its_pipe_lines_and_loses_its_comment_lines() {
        let text = "# 关于罪名的补充规定\n\n<!-- INFO END -->\n\n作如下补充：\n\n<!-- TABLE -->\n| 刑法条文 |罪名 |\n|-----|-----|\n| 第114条 |投放危险物质罪 |\n<!-- TABLE END -->\n\n以本规定为准。\n";
        let r = parse_law(
            "l",
            "司法解释/补充规定(2002-03-15).md",
            text,
            &DbIndex::new(),
            None,
        )
        .unwrap();
        assert_eq!(
            r.body,
            "作如下补充：\n| 刑法条文 |罪名 |\n|-----|-----|\n| 第114条 |投放危险物质罪 |\n以本规定为准。"
        );
        let blocks = crate::catalog::body::blocks(&r.body);
        let crate::catalog::body::Block::Table(t) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(t.header);
        assert_eq!(
            t.rows,
            [["刑法条文", "罪名"], ["第114条", "投放危险物质罪"]]
        );
    }

    #[test]
    fn the_database_expired_flag_is_applied() {
        let mut db = DbIndex::new();
        db.insert(
            (
                "行政法规".into(),
                "护士条例".into(),
                NaiveDate::from_ymd_opt(2020, 3, 27),
            ),
            DbRow {
                level: "行政法规".into(),
                expired: true,
            },
        );
        let r = parse_law("laws", "行政法规/护士条例(2020-03-27).md", LAW, &db, None).unwrap();
        assert_eq!(r.validity, Validity::Expired);
        assert_eq!(r.doc_type.as_deref(), Some("行政法规"));
    }

    #[test]
    fn a_file_without_the_info_marker_is_skipped_with_a_reason() {
        let err = parse_law("l", "a.md", "# 标题\n正文", &DbIndex::new(), None).unwrap_err();
        assert!(err.contains("INFO END"));
    }

    #[test]
    fn front_matter_before_the_title_is_ignored() {
        let text = format!("---\nbookCollapseSection: true\n---{LAW}");
        assert_eq!(
            parse_law("l", "a.md", &text, &DbIndex::new(), None)
                .unwrap()
                .title,
            "护士条例"
        );
    }

    /// Issue 22: a law is published by nature, but a withholding note in the file (however spelt)
    /// keeps it out, and so does a source configured `default_disclosure = "不予公开"`.
    #[test]
    fn every_spelling_of_a_withholding_note_keeps_a_law_out() {
        use crate::catalog::tests::NOTE_SPELLINGS;
        for (note, want) in NOTE_SPELLINGS {
            let text = format!("{LAW}\n{note}\n");
            let r = parse_law("l", "a.md", &text, &DbIndex::new(), None).unwrap();
            assert_eq!(
                r.disclosure,
                want.unwrap_or(Disclosure::Proactive),
                "{note:?}"
            );
            // A note among the promulgation lines counts too.
            let text = LAW.replace("<!-- INFO END -->", &format!("{note}\n<!-- INFO END -->"));
            let r = parse_law("l", "a.md", &text, &DbIndex::new(), None).unwrap();
            assert_eq!(
                r.disclosure,
                want.unwrap_or(Disclosure::Proactive),
                "{note:?} in head"
            );
        }
        let r = parse_law(
            "l",
            "a.md",
            LAW,
            &DbIndex::new(),
            Some(Disclosure::Withheld),
        )
        .unwrap();
        assert_eq!(r.disclosure, Disclosure::Withheld);
    }

    /// A law file of the 民法典 kept as one file per 编, all titled alike.
    fn code_part(stem: &str, body: &str) -> String {
        format!("# 中华人民共和国民法典\n\n# {stem}\n\n<!-- INFO END -->\n\n{body}\n")
    }

    #[test]
    fn the_laws_a_law_repeals_are_read_from_its_text() {
        assert_eq!(
            repealed_titles(
                "第一千二百六十条 本法自2021年1月1日起施行。《中华人民共和国婚姻法》、《中华人民共和国继承法》、《中华人民共和国民法通则》同时废止。"
            ),
            [
                "中华人民共和国婚姻法",
                "中华人民共和国继承法",
                "中华人民共和国民法通则"
            ]
        );
        assert_eq!(
            repealed_titles("本条例自2005年1月1日起施行。1990年发布的《行政复议条例》同时废止。"),
            ["行政复议条例"]
        );
        // A law cited as the ground of a repeal is not repealed.
        assert!(repealed_titles("依照《中华人民共和国行政许可法》的规定撤销或者废止").is_empty());
    }

    #[test]
    fn a_law_repealed_into_a_part_of_the_civil_code_is_found_by_its_old_title() {
        let db = DbIndex::new();
        let mut rs = vec![
            parse_law(
                "l",
                "民法典/婚姻家庭编.md",
                &code_part("婚姻家庭编", "第一千零四十条 本编调整因婚姻家庭产生的民事关系。婚姻自由。收养。"),
                &db,
                None,
            )
            .unwrap(),
            parse_law(
                "l",
                "民法典/总则.md",
                &code_part("总则", "第一条 为了保护民事主体的合法权益，制定本法。"),
                &db,
                None,
            )
            .unwrap(),
            parse_law(
                "l",
                "民法典/附则.md",
                &code_part(
                    "附则",
                    "第一千二百六十条 本法自2021年1月1日起施行。《中华人民共和国婚姻法》、《中华人民共和国民法总则》同时废止。",
                ),
                &db,
                None,
            )
            .unwrap(),
            parse_law("l", "民法商法/婚姻法(2001-04-28).md", &LAW.replace("护士条例", "中华人民共和国婚姻法"), &db, None).unwrap(),
            parse_law(
                "l",
                "司法解释/最高人民法院关于适用《婚姻法》若干问题的解释（一）(2001-12-24).md",
                &LAW.replace(
                    "护士条例",
                    "最高人民法院关于适用《中华人民共和国婚姻法》若干问题的解释（一）",
                ),
                &db,
                None,
            )
            .unwrap(),
        ];
        rs[4].validity = Validity::Expired;
        law_replacements(&mut rs);
        assert_eq!(rs[0].former_titles, ["婚姻法"]);
        assert_eq!(rs[1].former_titles, ["民法总则"]);
        assert!(rs[2].former_titles.is_empty());
        assert_eq!(rs[3].validity, Validity::Repealed);
        assert_eq!(
            rs[3].validity_note.as_deref(),
            Some("已被《中华人民共和国民法典》取代")
        );
        // The old law opens the part of the code that carries its text now; an interpretation
        // of it is replaced by nothing in particular.
        assert_eq!(rs[3].superseded_by.as_deref(), Some("民法典/婚姻家庭编.md"));
        assert_eq!(rs[4].superseded_by, None);
        assert_eq!(
            rs[4].validity_note.as_deref(),
            Some("所依据的《婚姻法》已被《中华人民共和国民法典》取代")
        );
        assert_eq!(rs[4].validity, Validity::Expired);
    }
}
