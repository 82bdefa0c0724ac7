//! HTTPS with a local CA: trusted only through `--cacert`.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::{cors_json, write_file};

/// A CA (its PEM in a file) and an HTTPS server for `localhost` whose
/// certificate it signed, with this crate's layer allowing `origin`.
fn https_server(origin: &'static str) -> (SocketAddr, std::path::PathBuf) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("CA");
    let ca_file = write_file("ca.pem", &ca.pem());

    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    let cert = params.signed_by(&key, &ca).expect("certificate");
    let chain = vec![CertificateDer::from(cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let policy = tower_cors::Policy::builder()
        .allow_origins([origin])
        .build()
        .expect("policy");
    let router = crate::servers::app(Default::default()).layer(tower_cors::CorsLayer::new(policy));

    let addr = crate::servers::on_free_port(move |listener| async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, router) = (acceptor.clone(), router.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = TowerToHyperService::new(router);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, ca_file)
}

#[test]
fn https_with_a_local_ca_needs_cacert() {
    let origin = "https://app.example.com";
    let (addr, ca_file) = https_server(origin);
    let url = format!("https://localhost:{}/items", addr.port());

    let (code, json) = cors_json(&[
        "probe",
        &url,
        "--origin",
        origin,
        "--cacert",
        ca_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["allowed"], true);

    // Without the CA, the certificate is unknown: a network error.
    let (code, json) = cors_json(&["probe", &url, "--origin", origin]);
    assert_eq!(code, 2, "{json}");
    assert!(
        json["error"].as_str().expect("error").contains("TLS"),
        "{json}"
    );

    // A file without certificates is a usage error.
    let empty = write_file("empty.pem", "not a certificate\n");
    let (code, _) = cors_json(&[
        "probe",
        &url,
        "--origin",
        origin,
        "--cacert",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
}
