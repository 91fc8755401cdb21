//! The embedded lexicon and name tables, parsed once into lookup tables keyed by the first
//! letters of a word's syllables. Owns the data layout; knows nothing of input or ranking.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hasher (the rustc "Fx" hash): the tables hold a million short keys and
/// SipHash made the load take most of a second. Keys are our own data, never typed input.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;
type FxMap<K, V> = HashMap<K, V, FxBuild>;
type FxSet<K> = HashSet<K, FxBuild>;

static LEXICON: &[u8] = include_bytes!("../../assets/ime/lexicon.tsv.lz4");
static NAMES: &[u8] = include_bytes!("../../assets/ime/names.tsv.lz4");

/// Longest word, in syllables, that a table holds (the key packs one letter per syllable).
pub(crate) const MAX_SYLLABLES: usize = 12;

/// What can go wrong loading the embedded data (only a broken build can cause it).
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    #[error("the embedded input-method data does not decompress: {0}")]
    Decompress(#[from] lz4_flex::block::DecompressError),
    #[error("the embedded input-method data is not UTF-8")]
    Utf8(#[from] std::str::Utf8Error),
    #[error("line {line} of the embedded {file} is malformed")]
    Line { file: &'static str, line: usize },
}

/// Every syllable seen in the data, by id; `lue`/`nue` also name `lve`/`nve`.
#[derive(Default)]
pub(crate) struct Syllables {
    names: Vec<Box<str>>,
    ids: FxMap<Box<str>, u16>,
}

impl Syllables {
    fn intern(&mut self, s: &str) -> u16 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u16;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    fn add_aliases(&mut self) {
        for (alias, real) in [("lue", "lve"), ("nue", "nve")] {
            if let (None, Some(&id)) = (self.ids.get(alias), self.ids.get(real)) {
                self.ids.insert(alias.into(), id);
            }
        }
    }

    pub(crate) fn id(&self, s: &str) -> Option<u16> {
        self.ids.get(s).copied()
    }

    pub(crate) fn name(&self, id: u16) -> &str {
        &self.names[id as usize]
    }

    /// Whether some syllable is longer than `s` and starts with it.
    pub(crate) fn has_longer(&self, s: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.len() > s.len() && n.starts_with(s))
    }
}

/// One reading of one word.
pub(crate) struct Entry {
    text: u32,
    syl_start: u32,
    syl_len: u8,
    /// Natural log of the word's probability in its table (reading penalties included).
    pub(crate) logp: f32,
}

/// Words with their readings, found by the first letters of their syllables.
#[derive(Default)]
pub(crate) struct Table {
    texts: Vec<Box<str>>,
    /// Text → id, for the tables asked by text ([`Table::logp_of`]); the general lexicon has
    /// one line per word and needs none.
    text_ids: Option<FxMap<Box<str>, u32>>,
    syls: Vec<u16>,
    pub(crate) entries: Vec<Entry>,
    /// First-letter key → entries, best first.
    buckets: FxMap<u64, Vec<u32>>,
    /// Every key and every start of a key, to stop a walk early.
    prefixes: FxSet<u64>,
    /// Best log-probability per text id.
    best: Vec<f32>,
}

/// Appends one letter (`a`..`z`) to a key.
pub(crate) fn push_key(key: u64, letter: u8) -> u64 {
    key * 27 + u64::from(letter - b'a' + 1)
}

impl Table {
    /// A table whose texts can be looked up ([`Table::logp_of`]).
    fn by_text() -> Table {
        Table {
            text_ids: Some(FxMap::default()),
            ..Table::default()
        }
    }

    fn add(&mut self, syllables: &mut Syllables, text: &str, reading: &str, logp: f32) {
        let syls: Vec<u16> = reading.split(' ').map(|s| syllables.intern(s)).collect();
        if syls.is_empty() || syls.len() > MAX_SYLLABLES {
            return;
        }
        let known = match &self.text_ids {
            Some(ids) => ids.get(text).copied(),
            None => {
                (self.texts.last().map(|t| &**t) == Some(text)).then(|| self.texts.len() as u32 - 1)
            }
        };
        let text_id = match known {
            Some(id) => id,
            None => {
                let id = self.texts.len() as u32;
                self.texts.push(text.into());
                if let Some(ids) = &mut self.text_ids {
                    ids.insert(text.into(), id);
                }
                id
            }
        };
        let id = self.entries.len() as u32;
        let mut key = 0;
        for &s in &syls {
            key = push_key(key, syllables.name(s).as_bytes()[0]);
            self.prefixes.insert(key);
        }
        self.entries.push(Entry {
            text: text_id,
            syl_start: self.syls.len() as u32,
            syl_len: syls.len() as u8,
            logp,
        });
        self.syls.extend(syls);
        self.buckets.entry(key).or_default().push(id);
    }

    fn finish(&mut self) {
        self.best = vec![f32::MIN; self.texts.len()];
        for e in &self.entries {
            let b = &mut self.best[e.text as usize];
            *b = b.max(e.logp);
        }
        let entries = &self.entries;
        for bucket in self.buckets.values_mut() {
            bucket.sort_by(|&a, &b| {
                entries[b as usize]
                    .logp
                    .total_cmp(&entries[a as usize].logp)
            });
        }
    }

    pub(crate) fn text(&self, entry: u32) -> &str {
        &self.texts[self.entries[entry as usize].text as usize]
    }

    pub(crate) fn text_of_id(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }

    pub(crate) fn text_id(&self, entry: u32) -> u32 {
        self.entries[entry as usize].text
    }

    pub(crate) fn syllables(&self, entry: u32) -> &[u16] {
        let e = &self.entries[entry as usize];
        &self.syls[e.syl_start as usize..e.syl_start as usize + e.syl_len as usize]
    }

    pub(crate) fn bucket(&self, key: u64) -> &[u32] {
        self.buckets.get(&key).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn has_prefix(&self, key: u64) -> bool {
        self.prefixes.contains(&key)
    }

    /// The best log-probability of a text in this table.
    pub(crate) fn logp_of(&self, text: &str) -> Option<f32> {
        let id = *self.text_ids.as_ref()?.get(text)?;
        self.best.get(id as usize).copied()
    }
}

/// Cost of each reading after a word's first, in nats: the per-character lists are most common
/// first, so an unusual combination ranks slightly lower, never out.
const READING_PENALTY: f32 = 0.3;
/// The same for a single character, whose rare readings (见 xian, 省 xian) must not crowd the
/// common characters of that syllable.
const CHAR_READING_PENALTY: f32 = 2.5;
const SURNAME_READING_PENALTY: f32 = 2.0;

/// Everything the input method knows, parsed from the embedded files.
pub(crate) struct Dict {
    pub(crate) syllables: Syllables,
    /// The general lexicon.
    pub(crate) words: Table,
    /// Surnames, single and compound.
    pub(crate) surnames: Table,
    /// Every character of the lexicon, ranked as a given-name character.
    pub(crate) given_chars: Table,
    /// Two-character given names (秀英).
    pub(crate) given_names: Table,
    /// Attested name starts (张三 from 张三丰) → ln(1 + summed frequency).
    pub(crate) attested: HashMap<Box<str>, f32>,
    /// The same starts by reading, so that `zhangs` finds 张三 however rare 三 is as a
    /// given-name character.
    pub(crate) attested_names: Table,
}

struct Row<'a> {
    fields: Vec<&'a str>,
}

fn rows<'a>(
    text: &'a str,
    file: &'static str,
    width: usize,
) -> impl Iterator<Item = Result<Row<'a>, DictError>> {
    text.lines().enumerate().map(move |(i, line)| {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() == width {
            Ok(Row { fields })
        } else {
            Err(DictError::Line { file, line: i + 1 })
        }
    })
}

fn number(row: &Row, i: usize, file: &'static str, line: usize) -> Result<f64, DictError> {
    row.fields[i]
        .parse()
        .map_err(|_| DictError::Line { file, line })
}

/// A text, its readings (`|`-separated) and its frequency or weight.
type ReadingsRow<'a> = (&'a str, &'a str, f64);

/// The word table of `lexicon`, and its single characters with their readings and frequency.
fn word_table<'a>(
    lexicon: &'a str,
    syllables: &mut Syllables,
) -> Result<(Table, Vec<ReadingsRow<'a>>), DictError> {
    let mut words = Table::default();
    let mut char_freq: Vec<ReadingsRow<'a>> = Vec::new();
    let mut total = 0.0;
    let mut parsed = Vec::new();
    for (i, row) in rows(lexicon, "lexicon.tsv", 3).enumerate() {
        let row = row?;
        let freq = number(&row, 2, "lexicon.tsv", i + 1)?;
        total += freq;
        parsed.push((row.fields[0], row.fields[1], freq));
    }
    for &(word, readings, freq) in &parsed {
        let logp = (freq / total).ln() as f32;
        for (i, reading) in readings.split('|').enumerate() {
            let penalty = if word.chars().count() > 1 {
                READING_PENALTY
            } else {
                CHAR_READING_PENALTY
            } * i as f32;
            words.add(syllables, word, reading, logp - penalty);
        }
        if word.chars().count() == 1 {
            char_freq.push((word, readings, freq));
        }
    }
    words.finish();
    Ok((words, char_freq))
}

/// The surname table of the `S` rows (text, readings, weight, 百家姓 rank).
fn surname_table(surname_rows: &[(&str, &str, f64, f64)], syllables: &mut Syllables) -> Table {
    // Surnames: share of the person names, plus one so that every 百家姓 surname can be
    // typed; the 百家姓 order breaks ties.
    let mut surnames = Table::by_text();
    let sum: f64 = surname_rows.iter().map(|r| r.2 + 1.0).sum();
    for &(text, readings, weight, rank) in surname_rows {
        let order = if rank > 0.0 { rank } else { 1000.0 };
        let logp = ((weight + 1.0) / sum).ln() - order * 1e-5;
        // Later readings cost less than for characters: surnames often read unusually
        // (曾 zeng, 单 shan), but 方 must not come up for `wang`.
        for (i, reading) in readings.split('|').enumerate() {
            let l = logp as f32 - SURNAME_READING_PENALTY * i as f32;
            surnames.add(syllables, text, reading, l);
        }
    }
    surnames.finish();
    surnames
}

/// The given-name character table: every character of `char_freq`, weighted by `given_count`.
fn given_char_table(
    char_freq: &[ReadingsRow],
    given_count: &HashMap<&str, f64>,
    syllables: &mut Syllables,
) -> Table {
    // Given-name characters: the share among given names, smoothed with the character's
    // general frequency (equal mass), so that any character can be typed in a name.
    let mut given_chars = Table::by_text();
    let n_given: f64 = given_count.values().sum();
    let n_chars: f64 = char_freq.iter().map(|c| c.2).sum();
    for &(text, readings, freq) in char_freq {
        let count = given_count.get(text).copied().unwrap_or(0.0);
        let p = (count + n_given * freq / n_chars) / (2.0 * n_given);
        for (i, reading) in readings.split('|').enumerate() {
            let logp = p.ln() as f32 - CHAR_READING_PENALTY * i as f32;
            given_chars.add(syllables, text, reading, logp);
        }
    }
    given_chars.finish();
    given_chars
}

/// The whole-given-name table of the `W` rows (text, readings, weight).
fn given_name_table(given_name_rows: &[ReadingsRow], syllables: &mut Syllables) -> Table {
    let mut given_names = Table::by_text();
    let sum: f64 = given_name_rows.iter().map(|r| r.2).sum();
    for &(text, readings, weight) in given_name_rows {
        for (i, reading) in readings.split('|').enumerate() {
            let logp = (weight / sum).ln() as f32 - READING_PENALTY * i as f32;
            given_names.add(syllables, text, reading, logp);
        }
    }
    given_names.finish();
    given_names
}

impl Dict {
    pub(crate) fn load() -> Result<Dict, DictError> {
        let lexicon = lz4_flex::decompress_size_prepended(LEXICON)?;
        let names = lz4_flex::decompress_size_prepended(NAMES)?;
        Dict::parse(std::str::from_utf8(&lexicon)?, std::str::from_utf8(&names)?)
    }

    fn parse(lexicon: &str, names: &str) -> Result<Dict, DictError> {
        let mut syllables = Syllables::default();
        let (words, char_freq) = word_table(lexicon, &mut syllables)?;

        let mut surname_rows = Vec::new();
        let mut given_count: HashMap<&str, f64> = HashMap::new();
        let mut given_name_rows = Vec::new();
        let mut attested = HashMap::new();
        let mut attested_names = Table::by_text();
        for (i, row) in rows(names, "names.tsv", 5).enumerate() {
            let row = row?;
            let weight = number(&row, 3, "names.tsv", i + 1)?;
            let rank = number(&row, 4, "names.tsv", i + 1)?;
            let (text, readings) = (row.fields[1], row.fields[2]);
            match row.fields[0] {
                "S" => surname_rows.push((text, readings, weight, rank)),
                "G" => {
                    given_count.insert(text, weight);
                }
                "W" => given_name_rows.push((text, readings, weight)),
                "N" => {
                    let logp = (1.0 + weight).ln() as f32;
                    attested.insert(text.into(), logp);
                    for (i, reading) in readings.split('|').enumerate() {
                        let l = logp - READING_PENALTY * i as f32;
                        attested_names.add(&mut syllables, text, reading, l);
                    }
                }
                _ => {
                    return Err(DictError::Line {
                        file: "names.tsv",
                        line: i + 1,
                    })
                }
            }
        }

        let surnames = surname_table(&surname_rows, &mut syllables);
        let given_chars = given_char_table(&char_freq, &given_count, &mut syllables);
        let given_names = given_name_table(&given_name_rows, &mut syllables);
        attested_names.finish();
        syllables.add_aliases();

        Ok(Dict {
            syllables,
            words,
            surnames,
            given_chars,
            given_names,
            attested,
            attested_names,
        })
    }
}
