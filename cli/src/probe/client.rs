//! The network: names resolved (`localhost` and `*.localhost` to
//! loopback, as browsers do), TCP, TLS with rustls (the Mozilla roots from
//! `webpki-roots`, plus `--cacert`), and one HTTP/1.1 exchange per
//! connection with hyper.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, HOST, USER_AGENT};
use http::{HeaderName, Request, Response, Uri};
use http_body_util::Empty;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::site::{is_loopback, sec_fetch_site, trustworthy};
use crate::journey::Transport;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

/// Sends requests over the network as a browser on the page at `origin`
/// would.
pub(crate) struct Net {
    tls: TlsConnector,
    timeout: Duration,
    /// `Sec-Fetch-Dest`: `empty` for `fetch()`, `websocket` for a
    /// handshake.
    dest: &'static str,
}

impl Net {
    /// A client trusting the usual roots and the certificates in `cacert`.
    pub(crate) fn new(
        cacert: Option<&Path>,
        timeout: Duration,
        dest: &'static str,
    ) -> Result<Net, String> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = cacert {
            let shown = path.display();
            let mut added = 0;
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("--cacert {shown}: {e}"))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("--cacert {shown}: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("--cacert {shown}: {e}"))?;
                added += 1;
            }
            if added == 0 {
                return Err(format!("--cacert {shown}: no PEM certificate in the file"));
            }
        }
        // ring rather than aws-lc-rs: no cmake, a much shorter first build.
        // rustls deprecates its provider for lacking post-quantum key
        // exchange, which a CORS probe does not need.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Net {
            tls: TlsConnector::from(Arc::new(config)),
            timeout,
            dest,
        })
    }

    async fn exchange(&self, request: &Request<()>) -> Result<Response<()>, String> {
        let url = request.uri();
        let secure = matches!(url.scheme_str(), Some("https" | "wss"));
        let host = url.host().ok_or_else(|| format!("{url}: no host"))?;
        let port = url.port_u16().unwrap_or(if secure { 443 } else { 80 });
        let stream = connect(host, port).await?;
        if !secure {
            return send(stream, request).await;
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_owned()).map_err(|e| format!("{host}: {e}"))?;
        let tls = self
            .tls
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS with {host}: {e}"))?;
        send(tls, request).await
    }
}

impl Transport for Net {
    async fn send(&mut self, request: &mut Request<()>) -> Result<Response<()>, String> {
        let url = request.uri().clone();
        let origin = request
            .headers()
            .get(http::header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .unwrap_or("null")
            .to_owned();
        let headers = request.headers_mut();
        if let Some(authority) = url.authority() {
            if let Ok(host) = HeaderValue::from_str(authority.as_str()) {
                headers.insert(HOST, host);
            }
        }
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("cors/", env!("CARGO_PKG_VERSION"))),
        );
        if trustworthy(&url) {
            headers.insert(
                SEC_FETCH_SITE,
                HeaderValue::from_static(sec_fetch_site(&origin, &url)),
            );
            headers.insert(SEC_FETCH_DEST, HeaderValue::from_static(self.dest));
        }
        match tokio::time::timeout(self.timeout, self.exchange(request)).await {
            Ok(result) => result,
            Err(_) => Err(format!("{url}: no answer within {:?}", self.timeout)),
        }
    }
}

/// The addresses to try for `host`: `localhost` and `*.localhost` are
/// loopback without asking the resolver (browsers do the same).
async fn addresses(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if is_loopback(&bare.to_ascii_lowercase()) {
        return Ok(vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]);
    }
    let found: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    match found.is_empty() {
        true => Err(format!("cannot resolve {host}: no address")),
        false => Ok(found),
    }
}

async fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let mut last = format!("cannot connect to {host}:{port}");
    for address in addresses(host, port).await? {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = format!("cannot connect to {host}:{port} ({address}): {e}"),
        }
    }
    Err(last)
}

/// One request on a fresh connection; the answer's head, the body left
/// unread.
async fn send<S>(stream: S, request: &Request<()>) -> Result<Response<()>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(connection.with_upgrades());
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse::<Uri>()
        .map_err(|e| e.to_string())?;
    let mut wire = Request::new(Empty::<Bytes>::new());
    *wire.method_mut() = request.method().clone();
    *wire.uri_mut() = path;
    *wire.headers_mut() = request.headers().clone();
    let response = sender.send_request(wire).await;
    driver.abort();
    let response = response.map_err(|e| format!("HTTP: {e}"))?;
    Ok(response.map(|_| ()))
}
