//! WebSocket handshakes over HTTP/2 (RFC 8441): an extended `CONNECT`
//! whose `:protocol` hyper carries as a request extension, not a header.
//! A hyper HTTP/2 server with `enable_connect_protocol` serves a service
//! behind `CsrfLayer`, and a hyper HTTP/2 client sends the handshakes over
//! a real socket on 127.0.0.1. A cross-origin one is refused before the
//! service; a same-origin one reaches it with its `:protocol`, is answered
//! `200`, and the stream it opens carries bytes both ways (hyper's
//! upgrade flows through the layer).

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::ext::Protocol;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

/// Handshakes that reached the service, and whether each carried the
/// `websocket` protocol.
#[derive(Clone, Default)]
struct Seen(Arc<std::sync::Mutex<Vec<String>>>);

impl Seen {
    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// The application: records each request; answers an extended `CONNECT`
/// `200` and echoes what arrives on its stream.
async fn application(
    seen: Seen,
    mut request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let protocol = request
        .extensions()
        .get::<Protocol>()
        .map_or("-".to_owned(), |p| p.as_str().to_owned());
    if let Ok(mut lines) = seen.0.lock() {
        lines.push(format!("{} {protocol}", request.method()));
    }
    if request.method() == Method::CONNECT {
        let upgrade = hyper::upgrade::on(&mut request);
        tokio::spawn(async move {
            if let Ok(upgraded) = upgrade.await {
                let mut io = TokioIo::new(upgraded);
                let mut buffer = [0u8; 64];
                while let Ok(n) = io.read(&mut buffer).await {
                    if n == 0 || io.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            }
        });
    }
    Ok(Response::new(Full::new(Bytes::from_static(b"app"))))
}

/// Serves HTTP/2 with extended CONNECT behind the guard (same origin only).
async fn serve() -> (u16, Seen, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let port = listener.local_addr().expect("address").port();
    let seen = Seen::default();
    let recorder = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let recorder = recorder.clone();
            let app = tower::service_fn(move |request| application(recorder.clone(), request));
            let guarded = CsrfLayer::new().layer(app);
            tokio::spawn(async move {
                let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
                builder.enable_connect_protocol();
                let _ = builder
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(guarded))
                    .await;
            });
        }
    });
    (port, seen, task)
}

type Sender = hyper::client::conn::http2::SendRequest<Empty<Bytes>>;

/// An HTTP/2 connection, after one plain `GET` so that the server's
/// settings (extended CONNECT enabled) have certainly arrived.
async fn connect(port: u16) -> Sender {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("h2 handshake");
    tokio::spawn(connection);
    let get = Request::get(format!("http://127.0.0.1:{port}/"))
        .body(Empty::new())
        .expect("request");
    let response = sender.send_request(get).await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    sender
}

/// An extended CONNECT for `websocket` to `/live`, with these headers.
fn handshake(port: u16, headers: &[(&str, String)]) -> Request<Empty<Bytes>> {
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .uri(format!("http://127.0.0.1:{port}/live"))
        .version(http::Version::HTTP_2)
        .header("sec-websocket-version", "13");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let mut request = request.body(Empty::new()).expect("request");
    request
        .extensions_mut()
        .insert(Protocol::from_static("websocket"));
    request
}

#[tokio::test]
async fn a_cross_origin_extended_connect_is_refused_before_the_service() {
    let (port, seen, task) = serve().await;
    let mut sender = connect(port).await;
    for (headers, reason) in [
        (
            vec![
                ("sec-fetch-site", "cross-site".to_owned()),
                ("origin", EVIL.to_owned()),
            ],
            "cross-site websocket handshake",
        ),
        (
            vec![("origin", EVIL.to_owned())],
            "websocket origin does not match host",
        ),
        (
            vec![(
                "origin",
                format!("http://127.0.0.1:{}", port.wrapping_add(1)),
            )],
            "websocket origin does not match host",
        ),
    ] {
        let response = sender
            .send_request(handshake(port, &headers))
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(response.headers()[CSRF_REFUSAL], reason);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert!(
            String::from_utf8_lossy(&body).contains("WebSocket"),
            "{body:?}"
        );
    }
    // Only the opening GET reached the service.
    assert_eq!(seen.lines(), ["GET -"]);
    task.abort();
}

#[tokio::test]
async fn a_same_origin_extended_connect_opens_its_stream() {
    let (port, seen, task) = serve().await;
    let mut sender = connect(port).await;
    let same_origin = format!("http://127.0.0.1:{port}");
    for headers in [
        vec![
            ("sec-fetch-site", "same-origin".to_owned()),
            ("origin", same_origin.clone()),
        ],
        // An older browser: the Origin is the request's :authority.
        vec![("origin", same_origin.clone())],
    ] {
        let response = sender
            .send_request(handshake(port, &headers))
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::OK, "{headers:?}");
        assert!(response.headers().get(CSRF_REFUSAL).is_none());
        let upgraded = hyper::upgrade::on(response).await.expect("the stream");
        let mut io = TokioIo::new(upgraded);
        io.write_all(b"ping").await.expect("write");
        let mut echo = [0u8; 4];
        io.read_exact(&mut echo).await.expect("read");
        assert_eq!(&echo, b"ping");
    }
    assert_eq!(
        seen.lines(),
        ["GET -", "CONNECT websocket", "CONNECT websocket"]
    );
    task.abort();
}
