//! Generates the input method's lexicon (`assets/ime/lexicon.tsv`) and name tables
//! (`assets/ime/names.tsv`) from jieba's dictionary `dict.txt` and the `pinyin` crate's
//! per-character readings. Run once when either source changes:
//!
//! ```text
//! cargo run --example gen_ime_lexicon -- [path/to/jieba/dict.txt]
//! ```
//!
//! Without a path it reads the copy the jieba-rs crate ships in the cargo registry
//! (`~/.cargo/registry/src/*/jieba-rs-*/src/data/dict.txt`). See `assets/ime/LICENSE.md`.
//!
//! Both files are written lz4-compressed (`*.tsv.lz4`, lz4_flex with the size prepended); set
//! `IME_LEXICON_TEXT=1` to also get the plain text for reading.
//!
//! lexicon.tsv: `word<TAB>readings<TAB>frequency`, sorted by reading. `readings` are plain
//! syllables (ü written v) separated by spaces; a polyphonic word lists each plausible reading
//! separated by `|`, e.g. `银行<TAB>yin xing|yin hang|yin heng<TAB>7684`.
//!
//! names.tsv: `kind<TAB>text<TAB>readings<TAB>weight<TAB>rank`, where kind is `S` (surname),
//! `G` (a given-name character), `W` (a two-character given name) or `N` (an attested name
//! start: surname plus the first given character of a person name of jieba, 张三 from 张三丰); weight is the
//! number of distinct person names (jieba tag `nr`) it occurs in, for `N` the summed jieba
//! frequency of those names; rank is the surname's place in the 百家姓 (0 when absent).

use pinyin::ToPinyinMulti;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Words below this frequency are left out (jieba's floor is 3; 200,000 of its 349,000 words
/// are at 3 or 4, mostly rare compounds that the decoder builds from shorter words anyway).
/// Single characters are always kept.
const MIN_FREQ: u64 = 5;
/// The frequency given to a term of `assets/ime/gov_terms.txt` that jieba rates lower.
const GOV_TERM_FREQ: u64 = 500;
/// Two-character given names seen in fewer person names than this are left out.
const MIN_GIVEN_NAME: u64 = 2;
/// Attested name starts whose names add up to a lower jieba frequency are left out.
const MIN_ATTESTED: u64 = 5;
/// Readings kept per word at most, the most plausible first, by word length: every reading of
/// a character (up to 6), four for a two-character word (银行 yin xing|yin hang|…: the typed
/// pinyin picks the right one), two for longer words (重庆市 zhong qing shi|chong qing shi).
fn max_readings(chars: usize) -> usize {
    match chars {
        1 => 6,
        2 => 4,
        _ => 2,
    }
}

/// The 百家姓 (Song dynasty, public domain) as commonly printed: single surnames in order,
/// then the compound surnames.
const BAIJIAXING: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜\
戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常\
乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁\
杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗\
丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓\
牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂\
索咸籍赖卓蔺屠蒙池乔阴鬱胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍郤璩桑桂濮牛寿通边扈燕冀郏浦尚农\
温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆\
师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公";
const COMPOUND_SURNAMES: &[&str] = &[
    "万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连", "皇甫", "尉迟", "公羊",
    "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "公孙", "仲孙", "轩辕", "令狐",
    "钟离", "宇文", "长孙", "慕容", "鲜于", "闾丘", "司徒", "司空", "亓官", "司寇", "子车", "颛孙",
    "端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干",
    "百里", "东郭", "南门", "呼延", "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "南宫", "第五",
];
/// Surnames common today but missing from (or written differently in) the 百家姓 text.
const MODERN_SURNAMES: &str = "肖闫付覃";

fn readings(c: char) -> Vec<String> {
    match c.to_pinyin_multi() {
        Some(multi) => {
            let mut out: Vec<String> = Vec::new();
            for i in 0..multi.count() {
                let r = multi.get(i).plain().replace('ü', "v");
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            out
        }
        None => Vec::new(),
    }
}

/// The readings of a word: every combination of its characters' readings, ordered by the sum
/// of the readings' places (each character's list is most common first), at most
/// [`max_readings`]. `None` when a character has no reading (Latin letters, digits).
fn word_readings(word: &str) -> Option<Vec<String>> {
    let per_char: Vec<Vec<String>> = word.chars().map(readings).collect();
    if per_char.iter().any(|r| r.is_empty()) {
        return None;
    }
    // (rank sum, syllables); a breadth-first product capped to stay small on long words.
    let mut combos: Vec<(usize, Vec<&str>)> = vec![(0, Vec::new())];
    for rs in &per_char {
        let mut next = Vec::new();
        for (rank, prefix) in &combos {
            for (i, r) in rs.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(r);
                next.push((rank + i, p));
            }
        }
        next.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        next.truncate(16);
        combos = next;
    }
    combos.truncate(max_readings(per_char.len()));
    Some(combos.into_iter().map(|(_, s)| s.join(" ")).collect())
}

/// Writes `text` compressed (lz4, size prepended) to `path`; with `IME_LEXICON_TEXT` set, also
/// the plain text beside it (for reading, not committed).
fn write_compressed(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, lz4_flex::compress_prepend_size(text.as_bytes()))?;
    if std::env::var_os("IME_LEXICON_TEXT").is_some() {
        std::fs::write(path.with_extension(""), text)?;
    }
    Ok(())
}

fn default_dict() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    for registry in std::fs::read_dir(src).ok()?.flatten() {
        let mut crates: Vec<PathBuf> = std::fs::read_dir(registry.path())
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("jieba-rs-"))
            })
            .collect();
        crates.sort();
        if let Some(dir) = crates.last() {
            let dict = dir.join("src").join("data").join("dict.txt");
            if dict.exists() {
                return Some(dict);
            }
        }
    }
    None
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dict = match std::env::args_os().nth(1) {
        Some(p) => PathBuf::from(p),
        None => default_dict().ok_or("no dict.txt given and none found in the cargo registry")?,
    };
    let text = std::fs::read_to_string(&dict)?;
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join("ime");
    std::fs::create_dir_all(&out_dir)?;

    // word -> frequency (max over duplicate lines), and the person names.
    let mut words: HashMap<&str, u64> = HashMap::new();
    let mut names: Vec<(&str, u64)> = Vec::new();
    for line in text.lines() {
        let mut parts = line.split(' ');
        let (Some(word), Some(freq)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(freq) = freq.parse::<u64>() else {
            continue;
        };
        let tag = parts.next().unwrap_or("");
        if !word.chars().all(|c| ('\u{3400}'..='\u{9fff}').contains(&c)) {
            continue;
        }
        let f = words.entry(word).or_insert(0);
        *f = (*f).max(freq);
        if tag == "nr" {
            names.push((word, freq));
        }
    }

    // The project's own short list of 政务 terms, so that `ldht` finds 劳动合同 (jieba: 3).
    let gov = std::fs::read_to_string(out_dir.join("gov_terms.txt"))?;
    let gov: Vec<&str> = gov
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for term in &gov {
        let f = words.entry(term).or_insert(0);
        *f = (*f).max(GOV_TERM_FREQ);
    }

    // Lexicon: every word at or above the floor and every character, best first; ties in
    // dictionary order.
    let mut sorted: Vec<(&str, u64)> = words
        .iter()
        .filter(|(w, f)| **f >= MIN_FREQ || w.chars().count() == 1)
        .map(|(w, f)| (*w, *f))
        .collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // Lines sorted by reading: neighbours share their start, which lz4 compresses far better
    // than frequency order (the loader ranks by frequency itself).
    let mut lines: Vec<(String, &str, u64)> = sorted
        .iter()
        .filter_map(|(w, f)| word_readings(w).map(|rs| (rs.join("|"), *w, *f)))
        .collect();
    lines.sort();
    let kept = lines.len();
    let mut lexicon = String::new();
    for (readings, word, freq) in &lines {
        writeln!(lexicon, "{word}\t{readings}\t{freq}")?;
    }
    write_compressed(&out_dir.join("lexicon.tsv.lz4"), &lexicon)?;

    // Names: surname (compound first) + given name of one or two characters.
    let mut rank: HashMap<String, usize> = HashMap::new();
    for (i, c) in BAIJIAXING.chars().enumerate() {
        rank.entry(c.to_string()).or_insert(i + 1);
    }
    let single = BAIJIAXING.chars().count();
    for (i, s) in COMPOUND_SURNAMES.iter().enumerate() {
        rank.entry(s.to_string()).or_insert(single + i + 1);
    }
    for c in MODERN_SURNAMES.chars() {
        rank.entry(c.to_string()).or_insert(0);
    }
    let mut surname_w: BTreeMap<String, u64> = BTreeMap::new();
    let mut given_w: BTreeMap<String, u64> = BTreeMap::new();
    let mut given_word_w: BTreeMap<String, u64> = BTreeMap::new();
    let mut attested: BTreeMap<String, u64> = BTreeMap::new();
    for (name, freq) in &names {
        let chars: Vec<char> = name.chars().collect();
        if !(2..=4).contains(&chars.len()) {
            continue;
        }
        let two: String = chars[..2].iter().collect();
        let surname_len = if chars.len() >= 3 && COMPOUND_SURNAMES.contains(&two.as_str()) {
            2
        } else if rank.contains_key(&chars[0].to_string()) && chars.len() <= 3 {
            1
        } else {
            continue;
        };
        let surname: String = chars[..surname_len].iter().collect();
        let given = &chars[surname_len..];
        *surname_w.entry(surname).or_insert(0) += 1;
        for c in given {
            *given_w.entry(c.to_string()).or_insert(0) += 1;
        }
        if given.len() == 2 {
            *given_word_w.entry(given.iter().collect()).or_insert(0) += 1;
        }
        // The name and its prefix of surname + one given character: 张三丰 attests 张三.
        *attested
            .entry(chars[..surname_len + 1].iter().collect())
            .or_insert(0) += freq;
    }
    given_word_w.retain(|_, w| *w >= MIN_GIVEN_NAME);
    attested.retain(|_, w| *w >= MIN_ATTESTED);
    for s in rank.keys() {
        surname_w.entry(s.clone()).or_insert(0);
    }
    let mut out = String::new();
    let mut write_kind = |kind: &str, table: &BTreeMap<String, u64>| -> std::fmt::Result {
        let mut rows: Vec<(&String, &u64)> = table.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (text, w) in rows {
            let Some(rs) = word_readings(text) else {
                continue;
            };
            let r = if kind == "S" {
                rank.get(text).copied().unwrap_or(0)
            } else {
                0
            };
            writeln!(out, "{kind}\t{text}\t{}\t{w}\t{r}", rs.join("|"))?;
        }
        Ok(())
    };
    write_kind("S", &surname_w)?;
    write_kind("G", &given_w)?;
    write_kind("W", &given_word_w)?;
    write_kind("N", &attested)?;
    write_compressed(&out_dir.join("names.tsv.lz4"), &out)?;
    println!(
        "{}: {} words in, {kept} written to lexicon.tsv ({} bytes); {} person names → {} surnames, {} given-name characters, {} given names",
        dict.display(),
        words.len(),
        lexicon.len(),
        names.len(),
        surname_w.len(),
        given_w.len(),
        given_word_w.len()
    );
    Ok(())
}
