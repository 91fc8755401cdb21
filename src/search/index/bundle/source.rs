//! Where a kiosk reads a bundle from: a folder (a share, a USB stick) or an HTTP URL. Hands out
//! readers of the bundle's files and nothing else; every check is the caller's.

use super::BundleError;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// A bundle folder, local or behind a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Folder(PathBuf),
    /// The URL of the bundle folder (ending in `/` or not).
    Http(String),
}

/// How long one HTTP request of a pull may take in all (a large segment file over a slow line).
const HTTP_TIMEOUT: Duration = Duration::from_secs(600);

impl Source {
    /// `http://…` is a URL, anything else a folder. `https://` is refused: this build speaks plain
    /// HTTP only, which the signature makes safe (what the bundle holds is public information).
    pub fn parse(s: &str) -> Result<Source, BundleError> {
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("https://") {
            return Err(BundleError::Fetch {
                what: "the bundle".into(),
                source_name: s.into(),
                problem: "https is not built into the kiosk; serve the bundle over plain http (every file is checked against the signed manifest) or copy it to a folder".into(),
            });
        }
        if lower.starts_with("http://") {
            Ok(Source::Http(s.trim_end_matches('/').to_string()))
        } else {
            Ok(Source::Folder(PathBuf::from(s)))
        }
    }

    /// How the source is named in messages.
    pub fn name(&self) -> String {
        match self {
            Source::Folder(p) => p.display().to_string(),
            Source::Http(u) => u.clone(),
        }
    }

    /// A reader of the file at `rel` (`/`-separated) inside the bundle folder, at most `limit`
    /// bytes of it. A file that is not there is [`BundleError::FileMissing`].
    pub fn open(&self, rel: &str, limit: u64) -> Result<Box<dyn Read>, BundleError> {
        let missing = |problem: String| BundleError::FileMissing {
            name: rel.to_string(),
            problem,
        };
        match self {
            Source::Folder(dir) => {
                let path = dir.join(rel);
                let f = std::fs::File::open(&path)
                    .map_err(|e| missing(format!("{}: {e}", path.display())))?;
                Ok(Box::new(f.take(limit)))
            }
            Source::Http(base) => {
                let url = format!("{base}/{rel}");
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(HTTP_TIMEOUT))
                    .build()
                    .into();
                match agent.get(&url).call() {
                    Ok(response) => Ok(Box::new(response.into_body().into_reader().take(limit))),
                    Err(ureq::Error::StatusCode(404)) => Err(missing(format!("{url}: 404"))),
                    Err(e) => Err(BundleError::Fetch {
                        what: rel.to_string(),
                        source_name: base.clone(),
                        problem: e.to_string(),
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_http_and_anything_else_a_folder() {
        assert_eq!(
            Source::parse("http://10.1.2.3:8080/bundle/").unwrap(),
            Source::Http("http://10.1.2.3:8080/bundle".into())
        );
        assert_eq!(
            Source::parse("/media/usb/bundle").unwrap(),
            Source::Folder("/media/usb/bundle".into())
        );
        let e = Source::parse("HTTPS://example/b").unwrap_err().to_string();
        assert!(e.contains("plain http"), "{e}");
    }
}
