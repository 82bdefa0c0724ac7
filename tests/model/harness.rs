//! Test plumbing shared by the property, hostile-input and load tests: a
//! mock application, a way to drive a tower service without a runtime, a
//! loopback hyper server, and a hand-written HTTP/1.1 client that sends raw
//! bytes (so duplicate and odd header lines reach the server as written).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, VARY};
use http::{Request, Response};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::Service;

/// The body of every response of the [`MockApp`].
pub const APP_BODY: &str = "app body";

/// The application behind the layer: `200`, `x-app: 1`,
/// `content-type: text/plain`, the configured `Vary` lines, [`APP_BODY`].
/// It counts the requests that reach it.
#[derive(Debug, Clone, Default)]
pub struct MockApp {
    vary: Vec<HeaderValue>,
    calls: Arc<AtomicUsize>,
}

impl MockApp {
    pub fn with_vary(lines: &[&[u8]]) -> MockApp {
        MockApp {
            vary: lines
                .iter()
                .map(|l| HeaderValue::from_bytes(l).expect("valid Vary line"))
                .collect(),
            calls: Arc::default(),
        }
    }

    /// How many requests reached the application (shared by clones).
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn response(&self) -> Response<String> {
        let mut response = Response::new(APP_BODY.to_owned());
        let headers = response.headers_mut();
        headers.insert(
            HeaderName::from_static("x-app"),
            HeaderValue::from_static("1"),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        for line in &self.vary {
            headers.append(VARY, line.clone());
        }
        response
    }
}

impl<B> Service<Request<B>> for MockApp {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: Request<B>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        ready(Ok(self.response()))
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Calls a service whose futures are ready at once (the mock app behind
/// the layer), without a runtime.
pub fn call_now<S, B>(service: &mut S, request: Request<B>) -> Response<String>
where
    S: Service<Request<B>, Response = Response<String>, Error = Infallible>,
{
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    match service.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the mock service is always ready"),
    }
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the layer over a ready app answers at once"),
    }
}

/// Every header of a response, by lowercase name, values in order.
pub fn header_lines(headers: &http::HeaderMap) -> BTreeMap<String, Vec<Vec<u8>>> {
    let mut map: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for (name, value) in headers {
        map.entry(name.as_str().to_owned())
            .or_default()
            .push(value.as_bytes().to_vec());
    }
    map
}

/// Serves `service` over HTTP/1.1 on `127.0.0.1:0` until the runtime
/// stops; returns the address.
pub async fn serve<S>(service: S) -> SocketAddr
where
    S: Service<Request<hyper::body::Incoming>, Response = Response<String>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                // A connection error (a client hanging up) ends only it.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    addr
}

/// A response as read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    /// Lowercase names, values in order.
    pub headers: BTreeMap<String, Vec<Vec<u8>>>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn values(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .get(name)
            .map(|v| v.iter().map(Vec::as_slice).collect())
            .unwrap_or_default()
    }
}

/// The bytes of a request: `method /path HTTP/1.1`, `Host`, the given lines
/// exactly as given, then `extra` (say, `Connection: close`), no body.
pub fn raw_request(method: &str, headers: &[(&str, &[u8])], extra: &str) -> Vec<u8> {
    let mut bytes = format!("{method} /resource HTTP/1.1\r\nhost: 127.0.0.1\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(extra.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// Sends one request on a fresh connection and reads the answer.
pub async fn send_once(addr: SocketAddr, request: &[u8]) -> std::io::Result<RawResponse> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut buffer = Vec::new();
    read_response(&mut stream, &mut buffer, true).await
}

/// Reads one response from a keep-alive connection; `buffer` keeps what was
/// read past it. `has_body` is false for answers to `HEAD`.
pub async fn read_response<R: AsyncRead + Unpin>(
    stream: &mut R,
    buffer: &mut Vec<u8>,
    has_body: bool,
) -> std::io::Result<RawResponse> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if !fill(stream, buffer).await? {
            return Err(invalid("connection closed before a response"));
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let raw_head = buffer[..head_end].to_vec();
    let mut lines = raw_head.split(|&b| b == b'\n');
    let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(&format!("bad status line in {head:?}")))?;
    let mut headers: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| invalid("header line without a colon"))?;
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        let value = line[colon + 1..].trim_ascii().to_vec();
        headers.entry(name).or_default().push(value);
    }
    buffer.drain(..head_end + 4);
    let length: usize = match headers.get("content-length") {
        Some(v) if has_body => String::from_utf8_lossy(&v[0])
            .parse()
            .map_err(|_| invalid("bad content-length"))?,
        _ => 0,
    };
    if headers.contains_key("transfer-encoding") && has_body {
        return Err(invalid("chunked responses are not expected here"));
    }
    while buffer.len() < length {
        if !fill(stream, buffer).await? {
            return Err(invalid("connection closed inside a body"));
        }
    }
    let body = buffer.drain(..length).collect();
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

async fn fill<R: AsyncRead + Unpin>(stream: &mut R, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buffer.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}
