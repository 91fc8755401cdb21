//! Record bodies, kept beside the tantivy index instead of in its document store.
//!
//! A hit shows a snippet of a few hundred characters from somewhere in its body, but tantivy's
//! document store decompresses and validates a whole document to hand out one field: for a code
//! of law that is hundreds of kilobytes per hit, a third of a search. Here each body is cut into
//! chunks of [`CHUNK_BYTES`], each compressed on its own (LZ4), so a snippet reads only the
//! chunks up to the first query word and one after it.
//!
//! A generation holds one or more body files `bodies-N.bin`: a full build writes `bodies-0.bin`;
//! an incremental refresh hard-links the base generation's files (like its segments) and writes
//! the next number with the added records. The index stores each record's location in the
//! `body_at` fast field ([`location`]). Layout of a file:
//! ```text
//! MAGIC                                   8 bytes
//! per record: chunk count (u32 LE), then per chunk:
//!             compressed length (u32 LE), LZ4 block with its uncompressed size prepended
//! ```
//! Must not know about tantivy or queries.

use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"KBODY001";
/// Uncompressed bytes per chunk (cut at a character boundary, so a chunk is valid UTF-8).
pub const CHUNK_BYTES: usize = 4096;
const FILE_PREFIX: &str = "bodies-";
const FILE_SUFFIX: &str = ".bin";
/// Bits of a location that hold the offset inside a file; the file number sits above them.
const OFFSET_BITS: u32 = 48;

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("body file {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("body file {path} is damaged at offset {offset}: {what}")]
    Damaged {
        path: PathBuf,
        offset: u64,
        what: &'static str,
    },
    #[error("no body file number {0} in this generation")]
    NoFile(u64),
}

fn file_name(number: u64) -> String {
    format!("{FILE_PREFIX}{number}{FILE_SUFFIX}")
}

/// The number of a body file name, if it is one.
fn file_number(name: &str) -> Option<u64> {
    name.strip_prefix(FILE_PREFIX)?
        .strip_suffix(FILE_SUFFIX)?
        .parse()
        .ok()
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BodyError {
    let path = path.to_path_buf();
    move |error| BodyError::Io { path, error }
}

/// The body files of a generation folder with their numbers, in number order.
fn numbered_files(dir: &Path) -> Result<Vec<(u64, PathBuf)>, BodyError> {
    let mut numbered: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .map_err(io_error(dir))?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((file_number(&e.file_name().to_string_lossy())?, e.path())))
        .collect();
    numbered.sort();
    Ok(numbered)
}

/// A record's location: the file number and the offset of its chunk count.
pub fn location(file: u64, offset: u64) -> u64 {
    (file << OFFSET_BITS) | offset
}

fn split_location(at: u64) -> (u64, u64) {
    (at >> OFFSET_BITS, at & ((1 << OFFSET_BITS) - 1))
}

/// Whether a generation folder has body files (generations written before them do not).
pub fn present(dir: &Path) -> bool {
    dir.join(file_name(0)).is_file()
}

/// Appends bodies to a new body file of a generation.
pub struct BodyWriter {
    out: std::io::BufWriter<std::fs::File>,
    path: PathBuf,
    number: u64,
    offset: u64,
}

impl BodyWriter {
    /// Creates the next body file of `dir` (after the ones a refresh hard-linked).
    pub fn create(dir: &Path) -> Result<BodyWriter, BodyError> {
        let number = numbered_files(dir)?.last().map_or(0, |(n, _)| n + 1);
        let path = dir.join(file_name(number));
        let file = std::fs::File::create(&path).map_err(io_error(&path))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.write_all(MAGIC).map_err(io_error(&path))?;
        Ok(BodyWriter {
            out,
            path,
            number,
            offset: MAGIC.len() as u64,
        })
    }

    /// Writes one body; returns its location for the `body_at` field.
    pub fn add(&mut self, body: &str) -> Result<u64, BodyError> {
        let at = location(self.number, self.offset);
        let chunks = chunks(body);
        let mut bytes = Vec::with_capacity(body.len() / 2 + 16);
        bytes.extend_from_slice(&(chunks.len() as u32).to_le_bytes());
        for chunk in chunks {
            let packed = lz4_flex::block::compress_prepend_size(chunk.as_bytes());
            bytes.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&packed);
        }
        self.out.write_all(&bytes).map_err(io_error(&self.path))?;
        self.offset += bytes.len() as u64;
        Ok(at)
    }

    /// Flushes the file to disk.
    pub fn finish(self) -> Result<(), BodyError> {
        let file = self
            .out
            .into_inner()
            .map_err(|e| io_error(&self.path)(e.into_error()))?;
        file.sync_all().map_err(io_error(&self.path))
    }
}

/// A body cut into pieces of at most [`CHUNK_BYTES`] at character boundaries (one empty piece
/// for an empty body, so every record has a first chunk).
fn chunks(body: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(body.len() / CHUNK_BYTES + 1);
    let mut rest = body;
    while rest.len() > CHUNK_BYTES {
        let mut cut = CHUNK_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// The body files of one generation, mapped into memory.
pub struct Bodies {
    files: Vec<(PathBuf, Option<memmap2::Mmap>)>,
}

impl Bodies {
    /// Maps every body file of a generation folder.
    pub fn open(dir: &Path) -> Result<Bodies, BodyError> {
        let numbered = numbered_files(dir)?;
        let count = numbered.last().map(|(n, _)| n + 1).unwrap_or(0);
        let mut files: Vec<(PathBuf, Option<memmap2::Mmap>)> =
            (0..count).map(|n| (dir.join(file_name(n)), None)).collect();
        for (n, path) in numbered {
            let file = std::fs::File::open(&path).map_err(io_error(&path))?;
            // SAFETY: a generation's files are written once, flushed, and never modified
            // afterwards (a refresh writes a new generation; pruning removes whole folders,
            // which leaves an open mapping intact on Unix).
            let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io_error(&path))?;
            if map.len() < MAGIC.len() || &map[..MAGIC.len()] != MAGIC {
                return Err(BodyError::Damaged {
                    path,
                    offset: 0,
                    what: "not a body file",
                });
            }
            files[n as usize] = (path, Some(map));
        }
        Ok(Bodies { files })
    }

    /// The chunks of the body at `at`, in order.
    pub fn chunks(&self, at: u64) -> Result<Chunks<'_>, BodyError> {
        let (number, offset) = split_location(at);
        let (path, map) = self
            .files
            .get(number as usize)
            .and_then(|(p, m)| Some((p, m.as_ref()?)))
            .ok_or(BodyError::NoFile(number))?;
        let mut chunks = Chunks {
            path,
            bytes: map,
            offset: offset as usize,
            left: 0,
        };
        chunks.left = chunks.u32("chunk count")?;
        Ok(chunks)
    }

    /// The whole body at `at`.
    pub fn full(&self, at: u64) -> Result<String, BodyError> {
        let mut chunks = self.chunks(at)?;
        let mut body = Vec::new();
        for chunk in chunks.by_ref() {
            body.extend_from_slice(&chunk?);
        }
        String::from_utf8(body).map_err(|_| chunks.damaged("body is not UTF-8"))
    }

    /// The part of the body at `at` a snippet is taken from: see [`Excerpt`]. `find` gives the
    /// byte offset of the earliest query word in a text; `longest` is the byte length of the
    /// longest query word; the caller needs `reach.before` bytes of text before that word and
    /// `reach.after` from it, or from the body's start when no word is found (each at most
    /// [`CHUNK_BYTES`]). Chunks are searched as bytes and decompressed only as far as needed;
    /// only the bytes returned are checked to be UTF-8 (checking every chunk on the way cost
    /// more than decompressing it).
    pub fn excerpt(
        &self,
        at: u64,
        find: impl Fn(&[u8]) -> Option<usize>,
        longest: usize,
        reach: Reach,
    ) -> Result<Excerpt, BodyError> {
        let before = reach.before.min(CHUNK_BYTES);
        let after = reach.after.min(CHUNK_BYTES);
        // Before a chunk the tail of the previous one is kept: a word that straddles two chunks
        // is found whole, and a word found has `before` bytes of text before it.
        let keep = longest + before;
        let mut chunks = self.chunks(at)?;
        let mut buffer = chunks.next().transpose()?.unwrap_or_default();
        let head = buffer[..char_start(&buffer, after)].to_vec();
        loop {
            let last = chunks.left == 0;
            // A word that starts within `longest` bytes of the end may run on into the next
            // chunk, and a shorter word found after it would not be the earliest: such a match
            // is looked for again with the next chunk.
            let settled = if last {
                buffer.len()
            } else {
                buffer.len().saturating_sub(longest)
            };
            match find(&buffer) {
                Some(first) if first < settled => {
                    let end = first + longest + after;
                    if end > buffer.len() {
                        if let Some(next) = chunks.next().transpose()? {
                            buffer.extend_from_slice(&next);
                        }
                    }
                    let from = char_start(&buffer, first.saturating_sub(before));
                    let to = char_start(&buffer, end);
                    let text = String::from_utf8(buffer[from..to].to_vec())
                        .map_err(|_| chunks.damaged("chunk is not UTF-8"))?;
                    return Ok(Excerpt {
                        text,
                        first: Some(first - from),
                        head,
                    });
                }
                _ if last => {
                    return Ok(Excerpt {
                        text: String::from_utf8_lossy(&head).into_owned(),
                        first: None,
                        head,
                    })
                }
                _ => {}
            }
            let from = char_start(&buffer, buffer.len().saturating_sub(keep));
            buffer.drain(..from);
            if let Some(next) = chunks.next().transpose()? {
                buffer.extend_from_slice(&next);
            }
        }
    }
}

/// How many bytes of body text a snippet needs around the first query word.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub before: usize,
    pub after: usize,
}

/// The start of the character at byte `at` of UTF-8 bytes (`bytes.len()` past the end):
/// continuation bytes are 0b10xxxxxx.
fn char_start(bytes: &[u8], at: usize) -> usize {
    let mut at = at.min(bytes.len());
    while at > 0 && at < bytes.len() && bytes[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    at
}

/// What a snippet needs of a body without reading all of it (empty by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excerpt {
    /// A piece of the body: when a query word was found, from `reach.before` bytes before it
    /// (or the body's start) to `reach.after` bytes after it (or the body's end), cut back to
    /// whole characters; otherwise the body's opening.
    pub text: String,
    /// Byte offset in `text` of the earliest query word of the body.
    pub first: Option<usize>,
    /// The first `reach.after` bytes of the body, for [`Excerpt::head`].
    head: Vec<u8>,
}

impl Excerpt {
    /// The body's opening (`reach.after` bytes, cut back to whole characters), shown when no
    /// query word is found. Checked only when asked for; a damaged chunk shows replacement
    /// characters here instead of failing the search.
    pub fn head(&self) -> String {
        String::from_utf8_lossy(&self.head).into_owned()
    }
}

/// The chunks of one body, decompressed one at a time.
pub struct Chunks<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    offset: usize,
    left: u32,
}

impl Chunks<'_> {
    fn damaged(&self, what: &'static str) -> BodyError {
        BodyError::Damaged {
            path: self.path.to_path_buf(),
            offset: self.offset as u64,
            what,
        }
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, BodyError> {
        let bytes = self
            .bytes
            .get(self.offset..self.offset + 4)
            .ok_or_else(|| self.damaged(what))?;
        self.offset += 4;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn read(&mut self) -> Result<Vec<u8>, BodyError> {
        let len = self.u32("chunk length")? as usize;
        let packed = self
            .bytes
            .get(self.offset..self.offset + len)
            .ok_or_else(|| self.damaged("chunk past the end of the file"))?;
        let raw = lz4_flex::block::decompress_size_prepended(packed)
            .map_err(|_| self.damaged("chunk does not decompress"))?;
        if raw.len() > CHUNK_BYTES {
            return Err(self.damaged("chunk longer than a chunk may be"));
        }
        self.offset += len;
        Ok(raw)
    }
}

impl Iterator for Chunks<'_> {
    type Item = Result<Vec<u8>, BodyError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let chunk = self.read();
        if chunk.is_err() {
            self.left = 0;
        }
        Some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(bodies: &[&str]) -> (tempfile::TempDir, Vec<u64>) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = BodyWriter::create(dir.path()).unwrap();
        let at = bodies.iter().map(|b| w.add(b).unwrap()).collect();
        w.finish().unwrap();
        (dir, at)
    }

    #[test]
    fn bodies_read_back_whole_across_chunks_and_files() {
        let long = "第一条 为了规范政府信息公开工作。".repeat(1000);
        let (dir, at) = written(&["", "短正文", &long]);
        assert!(long.len() > 10 * CHUNK_BYTES);
        // A refresh writes the next file beside the first.
        let mut w = BodyWriter::create(dir.path()).unwrap();
        let later = w.add("新增记录的正文").unwrap();
        w.finish().unwrap();
        assert!(dir.path().join("bodies-1.bin").is_file());
        let b = Bodies::open(dir.path()).unwrap();
        assert_eq!(b.full(at[0]).unwrap(), "");
        assert_eq!(b.full(at[1]).unwrap(), "短正文");
        assert_eq!(b.full(at[2]).unwrap(), long);
        assert_eq!(b.full(later).unwrap(), "新增记录的正文");
        assert!(b.chunks(location(7, 8)).is_err());
    }

    /// The excerpt gives the same earliest match as a search of the whole body, with the
    /// context before it and a chunk after it, wherever the word falls against chunk edges.
    #[test]
    fn the_excerpt_finds_the_earliest_word_as_the_whole_body_would() {
        let words = ["道路交通安全法", "交通"];
        let find = |t: &[u8]| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(words)
                .unwrap()
                .find(t)
                .map(|m| m.start())
        };
        let longest = words.iter().map(|w| w.len()).max().unwrap();
        let reach = Reach {
            before: 200,
            after: 1000,
        };
        for pad in 0..12 {
            // The long word starts a few characters before the end of the first chunk, so it
            // straddles the chunk edge, and the short word follows it in the second chunk.
            let filler = "甲".repeat(CHUNK_BYTES / 3 - pad);
            let body = format!("{filler}{}乙交通{}", words[0], "丙".repeat(3000));
            let (dir, at) = written(&[&body]);
            let b = Bodies::open(dir.path()).unwrap();
            let e = b.excerpt(at[0], find, longest, reach).unwrap();
            let whole = find(body.as_bytes()).unwrap();
            let first = e.first.expect("a word is found");
            assert!(e.text[first..].starts_with(words[0]), "pad {pad}");
            assert!(body[..whole].ends_with(&e.text[..first]), "pad {pad}");
            assert!(first > 200 - 3 && e.text.len() - first > 1000, "pad {pad}");
            assert!(body[whole..].starts_with(&e.text[first..]), "pad {pad}");
            let head = e.head();
            assert!(
                body.starts_with(&head) && head.len() > 1000 - 3,
                "pad {pad}"
            );
        }
        let (dir, at) = written(&["没有所找的词"]);
        let b = Bodies::open(dir.path()).unwrap();
        let e = b.excerpt(at[0], find, longest, reach).unwrap();
        assert_eq!((e.text.as_str(), e.first), ("没有所找的词", None));
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        let (dir, at) = written(&[&"正文".repeat(5000)]);
        let path = dir.path().join("bodies-0.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, &bytes).unwrap();
        let b = Bodies::open(dir.path()).unwrap();
        assert!(matches!(b.full(at[0]), Err(BodyError::Damaged { .. })));
        std::fs::write(&path, b"garbage!").unwrap();
        assert!(Bodies::open(dir.path()).is_err());
    }
}
