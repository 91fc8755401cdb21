//! Importer for the Markdown law tree: `# 标题`, promulgation lines, `<!-- INFO END -->`, then
//! `##` chapters and 第N条 articles. File names carry the version date (`名称(YYYY-MM-DD).md`);
//! `db.sqlite3` files (one per tree root) hold level and an `expired` flag. The flag is
//! incomplete, so validity is also derived from versions: the newest dated version of a law is
//! current, older ones are superseded.

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
    let body: Vec<&str> = body
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
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
    let mut newest: HashMap<(String, String), NaiveDate> = HashMap::new();
    for r in records.iter() {
        let (name, version) = name_and_version(&r.source_id);
        if let Some(v) = version {
            let key = (folder_of(&r.source_id).to_string(), name);
            let e = newest.entry(key).or_insert(v);
            if v > *e {
                *e = v;
            }
        }
    }
    for r in records.iter_mut() {
        let (name, version) = name_and_version(&r.source_id);
        let key = (folder_of(&r.source_id).to_string(), name);
        if let (Some(v), Some(&latest)) = (version, newest.get(&key)) {
            if v < latest {
                r.validity = Validity::Expired;
                r.validity_note = Some(format!("已被 {latest} 版本替代"));
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
}
