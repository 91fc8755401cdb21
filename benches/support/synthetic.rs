//! A deterministic synthetic corpus of any size that recombines the real records of
//! ../shared/corpus, so word frequencies, paragraph lengths and metadata stay real.
//!
//! Record `i < real.len()` is the real record `i` itself (so every judged query still has its
//! relevant records, now among many more). Every further record takes, from a seeded generator:
//! the metadata of one real record (source, kind, issuer, category, dates, validity, keywords,
//! service-guide fields), the title of another, and a body of real paragraphs drawn from the
//! whole corpus; its paragraph count is that of a third real record, capped at
//! [`MAX_PARAGRAPHS`] so a million records fit on this machine. 发文字号 and 索引号 stay unique:
//! recombined records carry none. No data file is written anywhere but the temporary index.

use kiosk::catalog::Record;

/// Most paragraphs in a recombined body (real laws have hundreds; see the module note).
pub const MAX_PARAGRAPHS: usize = 12;
/// The generator's seed: the same records on every run.
pub const SEED: u64 = 0x6b69_6f73_6b00_0007;

/// SplitMix64: tiny, seeded, stable across platforms and crate versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The pools a synthetic corpus is drawn from.
pub struct Pools<'a> {
    real: &'a [Record],
    titles: Vec<&'a str>,
    paragraphs: Vec<&'a str>,
    paragraph_counts: Vec<usize>,
}

impl<'a> Pools<'a> {
    /// Pools of the public records (what the index holds).
    pub fn new(real: &'a [Record]) -> Pools<'a> {
        let titles = real.iter().map(|r| r.title.as_str()).collect();
        let mut paragraphs = Vec::new();
        let mut paragraph_counts = Vec::new();
        for r in real {
            let before = paragraphs.len();
            paragraphs.extend(
                r.body
                    .split('\n')
                    .map(str::trim)
                    .filter(|p| p.chars().count() >= 4),
            );
            paragraph_counts.push((paragraphs.len() - before).clamp(1, MAX_PARAGRAPHS));
        }
        assert!(!paragraphs.is_empty(), "the real corpus has no paragraphs");
        Pools {
            real,
            titles,
            paragraphs,
            paragraph_counts,
        }
    }

    pub fn paragraphs(&self) -> usize {
        self.paragraphs.len()
    }

    /// The first `n` records of the synthetic corpus.
    pub fn generate(&self, n: usize) -> Vec<Record> {
        let mut rng = Rng::new(SEED);
        let mut out = Vec::with_capacity(n);
        out.extend(self.real.iter().take(n).cloned());
        for i in self.real.len()..n {
            out.push(self.recombined(i, &mut rng));
        }
        out
    }

    fn recombined(&self, i: usize, rng: &mut Rng) -> Record {
        let donor = &self.real[rng.below(self.real.len())];
        let title = self.titles[rng.below(self.titles.len())];
        let count = self.paragraph_counts[rng.below(self.paragraph_counts.len())];
        let mut body = String::new();
        for k in 0..count {
            if k > 0 {
                body.push('\n');
            }
            body.push_str(self.paragraphs[rng.below(self.paragraphs.len())]);
        }
        let mut r = donor.clone();
        r.source_id = format!("synthetic-{i:07}");
        r.title = title.to_string();
        r.body = body;
        r.doc_number = None;
        r.index_number = None;
        r.url = None;
        r
    }
}
