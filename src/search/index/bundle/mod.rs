//! Signed index bundles for a fleet of kiosks: the build host publishes its current generation
//! once a night as a bundle folder, every kiosk pulls it from that folder (a share, a USB stick)
//! or over HTTP, checks it and switches to it with the same atomic `CURRENT` swap a local build
//! uses.
//!
//! Layout of a bundle folder:
//! ```text
//! manifest.signed      line 1: `kiosk-bundle ed25519 <key id> <signature>`, then the manifest
//!                      (JSON) whose exact bytes the ed25519 signature covers
//! files/<sha256>       every file of the generation, named by its content hash (so a folder
//!                      republished in place keeps the files both versions share)
//! ```
//! A kiosk refuses a bundle whose signature does not verify with its configured public key,
//! whose version is not above the last one it accepted (no rollback), that has expired, that was
//! built by an incompatible tantivy, jieba or schema, or any of whose files is missing or differs
//! from the manifest (size and SHA-256). A refused or half-fetched bundle never becomes current:
//! the generation is assembled under its name without `generation.json` (incomplete, so never
//! listed or opened), checked whole, and only then completed and switched to. A generation that
//! holds a key withdrawn on the kiosk is refused too. Every pull's outcome is kept in
//! `<index_dir>/bundle-state.json` for `kiosk index status`.
//!
//! This module owns bundles: keys and signatures in [`keys`], writing in [`publish`], reading
//! and switching in [`pull`], where the bytes come from in [`source`], the kept outcome in
//! [`state`]. It must not build generations (that is the pipeline) nor change one in place.

mod keys;
mod publish;
mod pull;
mod source;
mod state;

pub use keys::{generate_keys, read_public_key, read_secret_key, sign, verify, KeyPair};
pub use publish::{publish, PublishOptions, Published};
pub use pull::{pull, PullOptions, Pulled};
pub use source::Source;
pub use state::{BundleState, PullOutcome};

use super::manifest::FileEntry;
use super::IndexError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The signed manifest's file name in a bundle folder.
pub const SIGNED_MANIFEST: &str = "manifest.signed";
/// The folder of a bundle's files, each named by its SHA-256.
pub const FILES: &str = "files";
/// The version of the bundle format this kiosk reads and writes.
pub const FORMAT: u32 = 1;
/// The largest signed manifest a kiosk reads (a generation lists some hundred files).
const MAX_MANIFEST_BYTES: u64 = 16 << 20;

/// What built a generation: a kiosk only serves what its own engine reads and analyses alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// The tantivy version (its index format).
    pub tantivy: String,
    /// The jieba-rs version (the segmentation of index and queries must agree).
    pub jieba: String,
    /// Fingerprint of the index schema (SHA-256 of its JSON, first 16 hex digits).
    pub schema: String,
    /// The kiosk software that built it (information only).
    pub kiosk: String,
}

impl Engine {
    /// The engine of this build of the kiosk.
    pub fn here() -> Engine {
        let schema =
            serde_json::to_vec(&crate::search::schema::build_schema().0).unwrap_or_default();
        Engine {
            tantivy: locked_version("tantivy"),
            jieba: locked_version("jieba-rs"),
            schema: keys::hex(&sha2_digest(&schema)[..8]),
            kiosk: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The version of a dependency as Cargo.lock pins it for this build.
fn locked_version(name: &str) -> String {
    const LOCK: &str = include_str!("../../../../Cargo.lock");
    let needle = format!("name = \"{name}\"\nversion = \"");
    LOCK.find(&needle)
        .and_then(|at| {
            let rest = &LOCK[at + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// The signed part of a bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    /// [`FORMAT`].
    pub format: u32,
    /// Goes up by one with every publish of a build host; a kiosk accepts only higher ones.
    pub version: u64,
    /// The generation's name (its folder on the build host and on every kiosk).
    pub generation: String,
    pub built_at: chrono::DateTime<chrono::Local>,
    pub published_at: chrono::DateTime<chrono::Local>,
    /// After this a kiosk refuses the bundle (an old bundle replayed late is stale data).
    pub expires_at: chrono::DateTime<chrono::Local>,
    /// Newest publication date among the records.
    pub data_date: Option<chrono::NaiveDate>,
    pub records: usize,
    pub engine: Engine,
    /// Every file of the generation, `generation.json` included.
    pub files: Vec<FileEntry>,
    /// Keys withdrawn on the build host, with the event (`not-public`, `takedown`): a kiosk's
    /// withdrawal log follows the build host's, so no local rollback brings them back.
    #[serde(default)]
    pub withdrawn: Vec<(String, String)>,
}

/// Why a bundle was refused or could not be published.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("no public key is configured: set `bundle.public_key` in the configuration to the file `kiosk index keygen` wrote")]
    NoPublicKey,
    #[error("no secret key is given: pass --key or set `bundle.secret_key` in the configuration")]
    NoSecretKey,
    #[error("no bundle source is given: pass --from DIR|URL or set `bundle.source` in the configuration")]
    NoSource,
    #[error("key file {path}: {problem}")]
    Key { path: PathBuf, problem: String },
    #[error("cannot read {what} from {source_name}: {problem}")]
    Fetch {
        what: String,
        source_name: String,
        problem: String,
    },
    #[error("the bundle manifest is malformed: {0}")]
    Malformed(String),
    #[error("the bundle's signature does not verify with the configured public key {expected} (the manifest names key {named}): tampered with, or signed by another build host")]
    BadSignature { expected: String, named: String },
    #[error("bundle version {offered} is not newer than version {current} already accepted (a rollback is refused)")]
    NotNewer { offered: u64, current: u64 },
    #[error("the bundle expired at {0}")]
    Expired(String),
    #[error("the bundle was built with {what} {bundle}, this kiosk has {here}: update the kiosk software first")]
    Incompatible {
        what: &'static str,
        bundle: String,
        here: String,
    },
    #[error("bundle file {name} is missing (half-copied bundle?): {problem}")]
    FileMissing { name: String, problem: String },
    #[error("bundle file {name} differs from the signed manifest: {problem}")]
    FileMismatch { name: String, problem: String },
    #[error(
        "the bundle's generation holds {0} record(s) withdrawn on this kiosk (see withdrawals.tsv)"
    )]
    HoldsWithdrawn(usize),
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl BundleError {
    /// The reason in Chinese, for the staff area.
    pub fn chinese(&self) -> String {
        let what = match self {
            BundleError::NoPublicKey | BundleError::Key { .. } => {
                "未配置或无法读取验签公钥（bundle.public_key）"
            }
            BundleError::NoSecretKey | BundleError::NoSource => "未指定密钥或更新包来源",
            BundleError::Fetch { .. } => "无法读取更新包",
            BundleError::Malformed(_) => "更新包清单格式有误",
            BundleError::BadSignature { .. } => "更新包签名验证未通过（可能被篡改或来源不明）",
            BundleError::NotNewer { .. } => "更新包版本不高于现用版本（拒绝回退）",
            BundleError::Expired(_) => "更新包已过有效期",
            BundleError::Incompatible { .. } => "更新包与本机软件版本不符，请先升级终端软件",
            BundleError::FileMissing { .. } => "更新包文件不全（可能未复制完整）",
            BundleError::FileMismatch { .. } => "更新包文件与清单不符（可能被篡改或复制不完整）",
            BundleError::HoldsWithdrawn(_) => "更新包含有已撤下的信息",
            BundleError::Index(_) => "写入资料库时出错，详见系统日志",
        };
        format!("{what}，已拒绝本次更新，继续使用原有数据。")
    }
}

fn malformed(problem: impl Into<String>) -> BundleError {
    BundleError::Malformed(problem.into())
}

/// A manifest's file names are paths inside a generation folder: relative, `/`-separated,
/// without `.` or `..` parts; hashes are 64 lower-case hex digits.
fn check_entries(files: &[FileEntry]) -> Result<(), BundleError> {
    for f in files {
        let bad_name = f.name.is_empty()
            || f.name.contains('\\')
            || f.name.contains('\0')
            || f.name
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == "..");
        if bad_name {
            return Err(malformed(format!(
                "file name {:?} is not a plain relative path",
                f.name
            )));
        }
        let good_hash = f.sha256.len() == 64
            && f.sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !good_hash {
            return Err(malformed(format!("file {} has no valid SHA-256", f.name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> FileEntry {
        FileEntry {
            name: name.into(),
            bytes: 1,
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn a_manifest_naming_a_path_outside_the_generation_is_malformed() {
        for bad in [
            "../CURRENT",
            "/etc/passwd",
            "config//x",
            "a/./b",
            "a\\b",
            "",
        ] {
            let e = check_entries(&[entry(bad)]).unwrap_err();
            assert!(matches!(e, BundleError::Malformed(_)), "{bad}: {e}");
        }
        check_entries(&[entry("config/holidays/2026.toml"), entry("meta.json")]).unwrap();
        let mut short = entry("meta.json");
        short.sha256 = "AB".repeat(32);
        assert!(check_entries(&[short]).is_err());
    }

    #[test]
    fn the_engine_names_the_locked_tantivy_and_jieba_versions() {
        let e = Engine::here();
        assert!(
            e.tantivy.starts_with("0.") && e.jieba.starts_with("0."),
            "{e:?}"
        );
        assert_eq!(e.schema.len(), 16);
        assert_eq!(Engine::here(), e, "the fingerprint is stable");
    }
}
