//! The signing keys of bundles: an ed25519 key pair written by `kiosk index keygen` (the secret
//! key only on the build host, mode 0600; the public key on every kiosk), and the signature line
//! of a signed manifest. Must not read or write anything but the key files.

use super::{malformed, BundleError};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::io::Write;
use std::path::Path;

const SECRET_HEADER: &str =
    "kiosk index bundle secret key (ed25519); keep it on the build host only";
const PUBLIC_HEADER: &str = "kiosk index bundle public key (ed25519)";
/// The first word of a signed manifest's signature line.
const SIGNATURE_TAG: &str = "kiosk-bundle ed25519";

/// A key pair just written.
#[derive(Debug, Clone)]
pub struct KeyPair {
    /// Short id of the public key (first 8 bytes of its SHA-256, hex), shown on both sides.
    pub key_id: String,
}

/// Lower-case hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn key_id(key: &VerifyingKey) -> String {
    hex(&super::sha2_digest(key.as_bytes())[..8])
}

fn key_error(path: &Path, problem: impl Into<String>) -> BundleError {
    BundleError::Key {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Writes a new key pair: the secret key with mode 0600, created new (an existing secret key is
/// never overwritten: the kiosks trust its public key).
pub fn generate_keys(secret: &Path, public: &Path) -> Result<KeyPair, BundleError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| key_error(secret, format!("no randomness: {e}")))?;
    let signing = SigningKey::from_bytes(&seed);
    seed.fill(0);
    let verifying = signing.verifying_key();
    let id = key_id(&verifying);
    for path in [secret, public] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| key_error(path, e.to_string()))?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(secret).map_err(|e| {
        key_error(
            secret,
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                "exists already; a secret key is never overwritten (the kiosks trust its public key): remove it yourself if you mean to replace it".into()
            } else {
                e.to_string()
            },
        )
    })?;
    let text = format!("{SECRET_HEADER}\n{}\n", hex(signing.as_bytes()));
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| key_error(secret, e.to_string()))?;
    let text = format!("{PUBLIC_HEADER} {id}\n{}\n", hex(verifying.as_bytes()));
    std::fs::write(public, text).map_err(|e| key_error(public, e.to_string()))?;
    Ok(KeyPair { key_id: id })
}

/// The last non-empty line of a key file, which holds the key in hex.
fn key_line(path: &Path, header: &str) -> Result<String, BundleError> {
    let text = std::fs::read_to_string(path).map_err(|e| key_error(path, e.to_string()))?;
    if !text.starts_with(header) {
        return Err(key_error(
            path,
            format!("is not a {header} (written by `kiosk index keygen`)"),
        ));
    }
    Ok(text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string())
}

/// Reads the secret key of `kiosk index keygen`. A key file others may read is refused.
pub fn read_secret_key(path: &Path) -> Result<SigningKey, BundleError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| key_error(path, e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(key_error(
                path,
                format!(
                    "can be read by others (mode {:o}); run `chmod 600` on it",
                    mode & 0o777
                ),
            ));
        }
    }
    let line = key_line(path, SECRET_HEADER)?;
    let seed = unhex::<32>(&line).ok_or_else(|| key_error(path, "holds no valid secret key"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads the public key of `kiosk index keygen`.
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, BundleError> {
    let line = key_line(path, PUBLIC_HEADER)?;
    unhex::<32>(&line)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| key_error(path, "holds no valid public key"))
}

/// The signed manifest: the signature line, then `payload` exactly.
pub fn sign(key: &SigningKey, payload: &[u8]) -> Vec<u8> {
    let signature = key.sign(payload);
    let id = key_id(&key.verifying_key());
    let mut out = format!("{SIGNATURE_TAG} {id} {}\n", hex(&signature.to_bytes())).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Checks a signed manifest against `key` and returns the payload it signs.
pub fn verify<'a>(key: &VerifyingKey, signed: &'a [u8]) -> Result<&'a [u8], BundleError> {
    let end = signed
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| malformed("no signature line"))?;
    let line = std::str::from_utf8(&signed[..end]).map_err(|_| malformed("signature line"))?;
    let rest = line
        .strip_prefix(SIGNATURE_TAG)
        .ok_or_else(|| malformed("the first line is not an ed25519 signature line"))?;
    let mut parts = rest.split_whitespace();
    let (Some(named), Some(sig), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed(
            "the signature line has not the form `<key id> <signature>`",
        ));
    };
    let payload = &signed[end + 1..];
    let signature = unhex::<64>(sig).map(|b| Signature::from_bytes(&b));
    let verified = signature.is_some_and(|s| key.verify_strict(payload, &s).is_ok());
    if !verified {
        return Err(BundleError::BadSignature {
            expected: key_id(key),
            named: named.to_string(),
        });
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_its_key_only_and_covers_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let (s1, p1) = (dir.path().join("a.secret"), dir.path().join("a.pub"));
        let (s2, p2) = (dir.path().join("b.secret"), dir.path().join("b.pub"));
        generate_keys(&s1, &p1).unwrap();
        generate_keys(&s2, &p2).unwrap();
        let signed = sign(&read_secret_key(&s1).unwrap(), b"{\"version\":3}");
        let good = read_public_key(&p1).unwrap();
        assert_eq!(verify(&good, &signed).unwrap(), b"{\"version\":3}");
        let other = read_public_key(&p2).unwrap();
        assert!(matches!(
            verify(&other, &signed),
            Err(BundleError::BadSignature { .. })
        ));
        let mut tampered = signed.clone();
        *tampered.last_mut().unwrap() = b']';
        assert!(matches!(
            verify(&good, &tampered),
            Err(BundleError::BadSignature { .. })
        ));
    }

    #[test]
    fn keygen_writes_a_private_secret_key_and_never_overwrites_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (s, p) = (
            dir.path().join("k/bundle.secret"),
            dir.path().join("bundle.pub"),
        );
        generate_keys(&s, &p).unwrap();
        let mode = std::fs::metadata(&s).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let before = std::fs::read(&s).unwrap();
        let e = generate_keys(&s, &p).unwrap_err().to_string();
        assert!(e.contains("never overwritten"), "{e}");
        assert_eq!(std::fs::read(&s).unwrap(), before);
        std::fs::set_permissions(&s, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = read_secret_key(&s).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
    }
}
