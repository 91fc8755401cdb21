//! The connection string of `fleet.central_url`, taken apart only as far as TLS needs: the
//! `sslmode` (and a misplaced `sslrootcert`) come out, everything else is handed on unchanged
//! to the `postgres` crate, which knows only `disable`, `prefer` and `require` and no
//! `sslrootcert`. Both libpq forms are read: `key=value` pairs and `postgresql://…?…` URLs.
//! Pure text work: no IO, no network.

/// The `sslmode` values libpq knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// The value as written in a connection string.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A connection string with its TLS parameters taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Split {
    /// The rest, for `postgres::Config` (same form as written).
    pub(super) rest: String,
    pub(super) sslmode: Option<SslMode>,
    /// `sslrootcert` was written (the CA belongs in `fleet.ca_file`).
    pub(super) sslrootcert: bool,
}

/// Takes `sslmode` and `sslrootcert` out of a libpq connection string. The error is a short
/// English sentence about what could not be read.
pub(super) fn split(conninfo: &str) -> Result<Split, String> {
    let url = conninfo.trim_start();
    let pairs = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return split_url(url);
    } else {
        pairs(conninfo)?
    };
    let mut out = Split {
        rest: String::new(),
        sslmode: None,
        sslrootcert: false,
    };
    let mut kept = Vec::new();
    for (key, value) in pairs {
        match key {
            "sslmode" => out.sslmode = Some(mode(&value)?),
            "sslrootcert" => out.sslrootcert = true,
            _ => kept.push(format!("{key}={}", quote(&value))),
        }
    }
    out.rest = kept.join(" ");
    Ok(out)
}

fn mode(value: &str) -> Result<SslMode, String> {
    SslMode::parse(value).ok_or_else(|| {
        format!(
            "sslmode={value} is not a libpq sslmode (disable, allow, prefer, require, verify-ca, verify-full)"
        )
    })
}

/// The value as written bare, or in single quotes with a backslash before `\` and `'` where it
/// holds whitespace or those characters (as libpq and the `postgres` crate read it).
fn quote(value: &str) -> String {
    if value
        .chars()
        .any(|c| c.is_whitespace() || c == '\'' || c == '\\')
    {
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
    } else {
        value.to_string()
    }
}

/// The `key = value` pairs of a libpq keyword/value string, read as the `postgres` crate
/// reads them: whitespace between pairs, a value either bare (backslash escapes the next
/// character) or in single quotes (the same escapes).
fn pairs(s: &str) -> Result<Vec<(&str, String)>, String> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    let skip_ws = |it: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    };
    loop {
        skip_ws(&mut it);
        let Some(&(start, _)) = it.peek() else {
            return Ok(out);
        };
        while it
            .next_if(|(_, c)| !c.is_whitespace() && *c != '=')
            .is_some()
        {}
        let end = it.peek().map_or(s.len(), |&(i, _)| i);
        let key = &s[start..end];
        if key.is_empty() {
            return Err(format!("expected a key before `=` at byte {start}"));
        }
        skip_ws(&mut it);
        if it.next_if(|(_, c)| *c == '=').is_none() {
            return Err(format!("`{key}` has no `=` and value"));
        }
        skip_ws(&mut it);
        let mut value = String::new();
        if it.next_if(|(_, c)| *c == '\'').is_some() {
            loop {
                match it.next() {
                    None => return Err(format!("the quoted value of `{key}` is not closed")),
                    Some((_, '\'')) => break,
                    Some((_, '\\')) => value.extend(it.next().map(|(_, c)| c)),
                    Some((_, c)) => value.push(c),
                }
            }
        } else {
            while let Some((_, c)) = it.next_if(|(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(it.next().map(|(_, c)| c));
                } else {
                    value.push(c);
                }
            }
            if value.is_empty() {
                return Err(format!("`{key}` has no value"));
            }
        }
        out.push((key, value));
    }
}

/// The URL form: the TLS parameters are taken out of its query (`?a=b&c=d`).
fn split_url(url: &str) -> Result<Split, String> {
    let mut out = Split {
        rest: url.to_string(),
        sslmode: None,
        sslrootcert: false,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok(out);
    };
    let mut kept = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        match key {
            "sslmode" => out.sslmode = Some(mode(value)?),
            "sslrootcert" => out.sslrootcert = true,
            _ => kept.push(param),
        }
    }
    out.rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_parameters_come_out_and_the_rest_means_the_same_to_postgres() {
        for (written, rest, mode) in [
            (
                "host=10.1.0.5 port=5432 dbname=kiosk_fleet user=kiosk_qh01",
                "host=10.1.0.5 port=5432 dbname=kiosk_fleet user=kiosk_qh01",
                None,
            ),
            (
                "host=central.district sslmode=verify-full user=kiosk_qh01",
                "host=central.district user=kiosk_qh01",
                Some(SslMode::VerifyFull),
            ),
            (
                "  sslmode = 'require'   host = h  user='o\\'brien x' ",
                "host=h user='o\\'brien x'",
                Some(SslMode::Require),
            ),
            (
                "host=h user=a\\ b sslmode=disable",
                "host=h user='a b'",
                Some(SslMode::Disable),
            ),
            (
                "postgresql://kiosk_qh01@10.1.0.5:5432/kiosk_fleet?sslmode=verify-ca&connect_timeout=3",
                "postgresql://kiosk_qh01@10.1.0.5:5432/kiosk_fleet?connect_timeout=3",
                Some(SslMode::VerifyCa),
            ),
            (
                "postgres://u@h/db?sslmode=prefer",
                "postgres://u@h/db",
                Some(SslMode::Prefer),
            ),
            ("postgres://u@h/db", "postgres://u@h/db", None),
        ] {
            let s = split(written).unwrap();
            assert_eq!((s.rest.as_str(), s.sslmode), (rest, mode), "{written}");
            assert!(!s.sslrootcert);
            let a = written.replace("sslmode", "application_name");
            let a: Result<postgres::Config, _> = a.parse();
            let b: postgres::Config = s.rest.parse().unwrap();
            if let Ok(a) = a {
                assert_eq!(a.get_user(), b.get_user(), "{written}");
                assert_eq!(a.get_hosts(), b.get_hosts(), "{written}");
                assert_eq!(a.get_dbname(), b.get_dbname(), "{written}");
            }
        }
    }

    #[test]
    fn a_bad_sslmode_or_a_broken_string_is_named() {
        for (written, names) in [
            ("host=h sslmode=verify_full", "sslmode=verify_full is not"),
            ("host=h user='unterminated", "not closed"),
            ("host=h user", "`user` has no `=`"),
            ("host=h user= ", "`user` has no value"),
            ("postgres://h/db?sslmode=on", "sslmode=on is not"),
        ] {
            let err = split(written).unwrap_err();
            assert!(err.contains(names), "{written}: {err}");
        }
        assert!(split("host=h sslrootcert=/etc/ca.pem").unwrap().sslrootcert);
        assert!(
            split("postgres://h/db?sslrootcert=ca.pem")
                .unwrap()
                .sslrootcert
        );
    }
}
