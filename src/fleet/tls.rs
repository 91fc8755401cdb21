//! TLS to the central register: the rustls connector that trusts the district CA of
//! `fleet.ca_file` and nothing else (with or without the host-name check), the English reason
//! of a refused handshake, and the one warning for a connection in clear to another machine.
//! Owns no socket: [`super::central::connect`] hands the connector to `postgres`.
//!
//! Crates: `tokio-postgres-rustls` (the rustls connector for `tokio-postgres`, which the sync
//! `postgres` client drives) with rustls' `ring` provider: no OpenSSL or other system library.

use super::FleetError;
use postgres::config::Host;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The connector for a centre whose certificate must be signed by the CA in `ca_file`;
/// `check_host`: it must also be made out for the host connected to (verify-full).
pub(super) fn connector(ca_file: &Path, check_host: bool) -> Result<MakeRustlsConnect, FleetError> {
    let bad = |reason: String| FleetError::CaFile {
        path: ca_file.to_path_buf(),
        reason,
    };
    let pem = std::fs::read(ca_file).map_err(|e| bad(e.to_string()))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(format!("not a PEM certificate file: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| bad(format!("a certificate in it cannot be used as a CA: {e}")))?;
    }
    if roots.is_empty() {
        return Err(bad(
            "it holds no certificate (expected -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = Arc::new(roots);
    let verifier: Arc<dyn ServerCertVerifier> = if check_host {
        WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
            .build()
            .map_err(|e| bad(e.to_string()))?
    } else {
        Arc::new(SignedByCa {
            roots,
            algorithms: provider.signature_verification_algorithms,
        })
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// `sslmode=require`/`verify-ca` with a CA: the certificate chain must lead to the district
/// CA (signatures, validity dates, key usage), the host name is not compared — libpq's
/// meaning of these modes when a root certificate is given.
#[derive(Debug)]
struct SignedByCa {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for SignedByCa {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// What `tokio-postgres` says when the server answers the TLS request with "no".
const NO_TLS_AT_SERVER: &str = "server does not support TLS";

/// A failed TLS connection as a [`FleetError::Tls`] naming the reason; any other error as it
/// was.
pub(super) fn explain(e: postgres::Error, host: &str, ca_file: &Path, mode: &str) -> FleetError {
    let mut reason = None;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if s.to_string() == NO_TLS_AT_SERVER {
            reason = Some(format!(
                "the server does not offer TLS (is ssl = on in its postgresql.conf?); \
                 sslmode={mode} sends nothing in clear"
            ));
            break;
        }
        let inner = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>());
        if let Some(tls) = inner.or_else(|| s.downcast_ref::<rustls::Error>()) {
            reason = Some(rustls_reason(tls, host, ca_file, mode));
            break;
        }
        source = s.source();
    }
    match reason {
        Some(reason) => FleetError::Tls {
            host: host.to_string(),
            reason,
        },
        None => FleetError::Pg(e),
    }
}

fn rustls_reason(e: &rustls::Error, host: &str, ca_file: &Path, mode: &str) -> String {
    let ca = ca_file.display();
    let rustls::Error::InvalidCertificate(why) = e else {
        return format!("the TLS handshake failed: {e}");
    };
    match why {
        CertificateError::UnknownIssuer => {
            format!("the server's certificate is not signed by the district CA in {ca}")
        }
        CertificateError::BadSignature => format!(
            "the server's certificate carries a signature that the district CA in {ca} did not make"
        ),
        CertificateError::NotValidForName => format!(
            "the server's certificate is not made out for {host} (sslmode={mode} checks the host name)"
        ),
        CertificateError::NotValidForNameContext { presented, .. } => format!(
            "the server's certificate is not made out for {host} but for {} (sslmode={mode} \
             checks the host name: connect by a name the certificate carries, or make the \
             certificate again with this one)",
            presented
                .iter()
                .map(|n| plain_name(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the server's certificate has expired (make a new one with the district CA)".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the server's certificate is not valid yet (check this machine's clock)".into()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the server's certificate is not made out for a TLS server (extendedKeyUsage serverAuth)"
                .into()
        }
        other => format!("the server's certificate was refused: {other:?}"),
    }
}

/// A name of a certificate as webpki reports it (`DnsName("a.b")`, `IpAddress(10.1.0.5)`),
/// without the wrapping.
fn plain_name(presented: &str) -> &str {
    presented
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|n| n.strip_suffix(')'))
        })
        .unwrap_or(presented)
}

/// The first host of the connection that is not this machine (a loopback address,
/// `localhost` or a Unix socket), if any; `hostaddr`, where given, is where the connection
/// goes.
pub(super) fn remote_host(config: &postgres::Config) -> Option<String> {
    if !config.get_hostaddrs().is_empty() {
        return config
            .get_hostaddrs()
            .iter()
            .find(|a| !a.is_loopback())
            .map(|a| a.to_string());
    }
    config.get_hosts().iter().find_map(|h| match h {
        Host::Unix(_) => None,
        Host::Tcp(name) if name.eq_ignore_ascii_case("localhost") => None,
        Host::Tcp(name) => match name.parse::<std::net::IpAddr>() {
            Ok(ip) if ip.is_loopback() => None,
            _ => Some(name.clone()),
        },
    })
}

static WARNED_IN_CLEAR: AtomicBool = AtomicBool::new(false);

/// Logs once per process that the centre on another machine is reached without TLS.
pub(super) fn warn_in_clear(config: &postgres::Config, explicit: bool) {
    let Some(host) = remote_host(config) else {
        return;
    };
    if WARNED_IN_CLEAR.swap(true, Ordering::Relaxed) {
        return;
    }
    if explicit {
        tracing::warn!(%host, "sslmode=disable: the central register on another machine is reached without TLS; receipt numbers, statuses and heartbeats cross the network in clear (a lab only: set fleet.ca_file, docs/fleet.md)");
    } else {
        tracing::warn!(%host, "the central register on another machine is reached without TLS (no fleet.ca_file set): receipt numbers, statuses and heartbeats cross the network in clear; set fleet.ca_file to the district CA certificate (docs/fleet.md)");
    }
}

/// The hosts of a connection, for messages.
pub(super) fn hosts(config: &postgres::Config) -> String {
    let names: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if names.is_empty() {
        config
            .get_hostaddrs()
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(",")
    } else {
        names.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_centre_on_another_machine_counts_as_remote() {
        for (url, remote) in [
            ("host=127.0.0.1 user=k", None),
            ("host=localhost user=k", None),
            ("host=::1 user=k", None),
            ("host=/run/postgresql user=k", None),
            ("host=10.1.0.5 user=k", Some("10.1.0.5")),
            ("host=central.district user=k", Some("central.district")),
            ("host=localhost,10.1.0.6 user=k", Some("10.1.0.6")),
            ("host=central hostaddr=127.0.0.1 user=k", None),
            ("host=localhost hostaddr=10.1.0.5 user=k", Some("10.1.0.5")),
        ] {
            let config: postgres::Config = url.parse().unwrap();
            assert_eq!(remote_host(&config).as_deref(), remote, "{url}");
        }
    }

    #[test]
    fn certificate_names_are_shown_plain() {
        for (reported, shown) in [
            ("DnsName(\"central.district\")", "central.district"),
            ("IpAddress(10.1.0.5)", "10.1.0.5"),
            ("DirectoryName", "DirectoryName"),
        ] {
            assert_eq!(plain_name(reported), shown);
        }
    }

    #[test]
    fn a_ca_file_that_holds_no_certificate_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("ca.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = connector(&empty, true).err().unwrap().to_string();
        assert!(
            err.contains("ca.pem") && err.contains("holds no certificate"),
            "{err}"
        );
        let missing = dir.path().join("missing.pem");
        let err = connector(&missing, false).err().unwrap().to_string();
        assert!(err.contains("missing.pem"), "{err}");
    }
}
