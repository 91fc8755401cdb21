//! Protection of personal data at rest: the kiosk's secret key file, authenticated encryption of
//! personal fields (XChaCha20-Poly1305) and a keyed hash (HMAC-SHA-256) of identity numbers so
//! requests can be counted per applicant without storing the number in clear.
//!
//! Owns the key file only; knows nothing about SQL or the form.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the register key file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("register key file {path} must hold exactly 32 bytes, found {len}; restore it from the backup")]
    Length { path: PathBuf, len: usize },
    #[error("no random source: {0}")]
    Random(String),
    #[error("a protected field does not decrypt with this key (wrong key file, or damaged data)")]
    Decrypt,
    #[error(
        "no key file with fingerprint {0} in the district's key folder (`fleet.key_dir`): copy \
         there the key file of the kiosk that filed the request (its `requests.key_file`)"
    )]
    NotInRing(String),
    #[error("cannot read the district's key folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The two keys derived from the key file: one encrypts, one hashes identity numbers.
pub struct Keys {
    aead: XChaCha20Poly1305,
    mac_key: [u8; 32],
    fingerprint: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

/// Fills `buf` from the operating system's random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Random(e.to_string()))
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl Keys {
    /// Reads the key file; `None` when it does not exist. Never creates one: whether a new key
    /// may be made depends on the register (see [`crate::requests::Register::open_files`]).
    pub fn load(path: &Path) -> Result<Option<Keys>, KeyError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let master: [u8; 32] =
                    bytes.as_slice().try_into().map_err(|_| KeyError::Length {
                        path: path.to_path_buf(),
                        len: bytes.len(),
                    })?;
                Ok(Some(Keys::from_master(&master)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeyError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Creates a new key file (32 random bytes, mode 0600). When another process created it
    /// first, that one is used. Only for a new, empty register.
    pub fn create(path: &Path) -> Result<Keys, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut master = [0u8; 32];
        random_bytes(&mut master)?;
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        // Write a private temporary file, make it durable, then link it into place:
        // a crash leaves either no key file or a complete one, never a short one.
        let mut salt = [0u8; 8];
        random_bytes(&mut salt)?;
        let tmp = path.with_extension(format!(
            "tmp{}-{}",
            std::process::id(),
            u64::from_le_bytes(salt)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(&master).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            // Another process created it first: use that one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Keys::load(path)?.ok_or_else(|| io(e))
            }
            Err(e) => return Err(io(e)),
        }
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        let keys = Keys::from_master(&master);
        tracing::info!(path = %path.display(), fingerprint = %keys.fingerprint(), "created a new register key file");
        Ok(keys)
    }

    pub fn from_master(master: &[u8; 32]) -> Keys {
        let enc = derive(master, b"kiosk requests: field encryption v1");
        Keys {
            aead: XChaCha20Poly1305::new(&enc.into()),
            mac_key: derive(master, b"kiosk requests: applicant hash v1"),
            fingerprint: derive(master, b"kiosk requests: key fingerprint v1")[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }

    /// Names the key without revealing it: 16 hex digits of a value derived from the key file
    /// (HMAC-SHA-256 under its own label). Stored in the register, so staff can tell which
    /// backup of the key file belongs to it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Encrypts `plain`, bound to `context` (the receipt number) so a sealed field cannot be
    /// moved to another row. Output: 24-byte nonce, then ciphertext and tag.
    pub fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut nonce = [0u8; 24];
        random_bytes(&mut nonce)?;
        let sealed = self
            .aead
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// Decrypts what [`Keys::seal`] produced for the same `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        if sealed.len() < 24 {
            return Err(KeyError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(24);
        self.aead
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Decrypt)
    }

    /// The keyed hash of a normalized identity key (see `Applicant::identity_key`).
    pub fn applicant_hash(&self, identity_key: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(identity_key.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// The key files of a district's kiosks, by fingerprint: what a staff workstation opens the
/// personal data at the central register with (each request stays sealed with the key of the
/// kiosk that filed it).
#[derive(Default)]
pub struct KeyRing {
    keys: std::collections::BTreeMap<String, Keys>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.keys.keys()).finish()
    }
}

impl KeyRing {
    /// Reads every file of `dir` (names starting with `.` left out, folders too): each must be
    /// a key file of 32 bytes.
    pub fn load_dir(dir: &Path) -> Result<KeyRing, KeyError> {
        let folder = |source| KeyError::Folder {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(folder)? {
            let entry = entry.map_err(folder)?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().map_err(folder)?.is_file() {
                paths.push(entry.path());
            }
        }
        paths.sort();
        let mut ring = KeyRing::default();
        for path in paths {
            if let Some(keys) = Keys::load(&path)? {
                ring.add(keys);
            }
        }
        Ok(ring)
    }

    pub fn add(&mut self, keys: Keys) {
        self.keys.insert(keys.fingerprint().to_string(), keys);
    }

    /// The key of this fingerprint, or why there is none.
    pub fn get(&self, fingerprint: &str) -> Result<&Keys, KeyError> {
        self.keys
            .get(fingerprint)
            .ok_or_else(|| KeyError::NotInRing(fingerprint.to_string()))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Keys> {
        self.keys.values()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_ring_finds_each_kiosk_key_by_its_fingerprint() {
        let tmp = tempfile::tempdir().unwrap();
        let a = Keys::create(&tmp.path().join("qh01.key")).unwrap();
        let b = Keys::create(&tmp.path().join("qh02.key")).unwrap();
        std::fs::create_dir(tmp.path().join("old")).unwrap();
        std::fs::write(tmp.path().join(".note"), "not a key").unwrap();
        let ring = KeyRing::load_dir(tmp.path()).unwrap();
        assert_eq!(ring.len(), 2);
        let sealed = a.seal("R1", b"x").unwrap();
        assert_eq!(
            ring.get(a.fingerprint())
                .unwrap()
                .open("R1", &sealed)
                .unwrap(),
            b"x"
        );
        assert!(ring.get(b.fingerprint()).is_ok());
        let err = ring.get("0000000000000000").unwrap_err().to_string();
        assert!(
            err.contains("0000000000000000") && err.contains("fleet.key_dir"),
            "{err}"
        );
        std::fs::write(tmp.path().join("short.key"), b"short").unwrap();
        let err = KeyRing::load_dir(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
    }

    #[test]
    fn a_new_key_file_is_created_private_and_reopens_to_the_same_keys() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("secret/register.key");
        assert!(Keys::load(&path).unwrap().is_none());
        let k1 = Keys::create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sealed = k1.seal("QH01-20261125-0001", "张三".as_bytes()).unwrap();
        let k2 = Keys::load(&path).unwrap().unwrap();
        assert_eq!(k1.fingerprint(), k2.fingerprint());
        assert_eq!(k1.fingerprint().len(), 16);
        assert_eq!(
            k2.open("QH01-20261125-0001", &sealed).unwrap(),
            "张三".as_bytes()
        );
        assert_eq!(k1.applicant_hash("a"), k2.applicant_hash("a"));
    }

    #[test]
    fn sealed_data_hides_the_text_and_fails_under_another_row_or_key() {
        let k = Keys::from_master(&[7; 32]);
        let sealed = k.seal("R1", b"110105194912310021").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"110105"));
        assert!(k.open("R2", &sealed).is_err());
        assert!(Keys::from_master(&[8; 32]).open("R1", &sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(k.open("R1", &tampered).is_err());
    }

    #[test]
    fn the_fingerprint_tells_keys_apart_and_reveals_neither_key() {
        let a = Keys::from_master(&[7; 32]);
        let b = Keys::from_master(&[8; 32]);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), Keys::from_master(&[7; 32]).fingerprint());
        assert!(!a.fingerprint().contains("0707"));
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("short.key");
        std::fs::write(&path, b"short").unwrap();
        let err = Keys::load(&path).unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
    }
}
