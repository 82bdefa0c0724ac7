//! Over a real socket in HTTP/2 (h2c: hyper's `http2` server, a hyper
//! client speaking only HTTP/2), where a request carries its host in
//! `:authority` and no `Host` header: a request predicate deciding per
//! host reads it through `RequestRef::host`, and the guard's
//! `Origin`-versus-host rule compares with the same host.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http::{Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tower::{service_fn, ServiceBuilder};
use tower_cors::csrf::CsrfLayer;
use tower_cors::{CorsLayer, Policy};

/// What the predicate saw: the host it read, and whether a `host` header
/// was there.
type Seen = Arc<Mutex<Vec<(Option<String>, bool)>>>;

/// Serves HTTP/2 only on a loopback port: CORS whose predicate allows
/// `http://<host>` for the request's own host (read by `RequestRef::host`),
/// then the guard trusting nothing but the request's own origin.
async fn serve(seen: Seen) -> SocketAddr {
    let policy = Policy::builder()
        .allow_origin_request_fn(move |origin, request| {
            let host = request.host();
            if let Ok(mut seen) = seen.lock() {
                seen.push((
                    host.map(str::to_owned),
                    request.headers().contains_key("host"),
                ));
            }
            host.is_some_and(|host| origin.strip_prefix("http://") == Some(host))
        })
        .allow_methods(["GET", "POST"])
        .build()
        .expect("valid policy");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = ServiceBuilder::new()
                .layer(CorsLayer::new(policy.clone()))
                .layer(CsrfLayer::new())
                .service(service_fn(|request: Request<Incoming>| async move {
                    let version = format!("{:?}", request.version());
                    Ok::<_, Infallible>(Response::new(version))
                }));
            tokio::spawn(async move {
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                    .await;
            });
        }
    });
    addr
}

/// One HTTP/2 connection to `addr`, sending `requests` with the
/// authority `localhost:<port>`; the status, the allowed origin and the
/// body of each answer.
async fn send(
    addr: SocketAddr,
    requests: Vec<(&str, Option<&str>)>,
) -> Vec<(StatusCode, Option<String>, String)> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("h2c handshake");
    tokio::spawn(connection);
    let mut answers = Vec::new();
    for (method, origin) in requests {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("http://localhost:{}/transfer", addr.port()))
            .version(Version::HTTP_2);
        if let Some(origin) = origin {
            builder = builder.header("origin", origin);
        }
        let request = builder.body(Empty::<Bytes>::new()).expect("request");
        let response = sender.send_request(request).await.expect("response");
        assert_eq!(response.version(), Version::HTTP_2);
        let status = response.status();
        let allowed = response
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.into_body().collect().await.expect("body");
        let body = String::from_utf8(body.to_bytes().to_vec()).expect("text");
        answers.push((status, allowed, body));
    }
    answers
}

#[tokio::test]
async fn a_request_predicate_reads_the_http2_authority_as_the_host() {
    let seen = Seen::default();
    let addr = serve(seen.clone()).await;
    let own = format!("http://localhost:{}", addr.port());
    let other = format!("http://other.localhost:{}", addr.port());
    let answers = send(addr, vec![("GET", Some(&own)), ("GET", Some(&other))]).await;
    assert_eq!(
        answers,
        [
            (StatusCode::OK, Some(own.clone()), "HTTP/2.0".into()),
            (StatusCode::OK, None, "HTTP/2.0".into()),
        ]
    );
    let host = format!("localhost:{}", addr.port());
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(seen, [(Some(host.clone()), false), (Some(host), false)]);
}

#[tokio::test]
async fn the_guard_compares_the_origin_with_the_http2_authority() {
    let addr = serve(Seen::default()).await;
    let own = format!("http://localhost:{}", addr.port());
    let other_port = format!("http://localhost:{}", addr.port().wrapping_add(1));
    let userinfo = format!("http://evil@localhost:{}", addr.port());
    let answers = send(
        addr,
        vec![
            // No Sec-Fetch-Site (an older browser): the Origin's host is
            // compared with the request's, here its :authority.
            ("POST", Some(&own)),
            ("POST", Some(&other_port)),
            ("POST", Some(&userinfo)),
            ("POST", None),
        ],
    )
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _, _)| *status).collect();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::FORBIDDEN,
            StatusCode::FORBIDDEN,
            StatusCode::OK
        ]
    );
}

#[test]
fn the_host_is_the_authority_else_one_valid_host_line() {
    use tower_cors::csrf::{self, Pass, Refused, Trusted};
    use tower_cors::policy::RequestRef;

    let with = |uri: &str, hosts: &[&[u8]]| {
        let mut request = Request::post(uri).body(()).expect("request");
        for host in hosts {
            let value = http::HeaderValue::from_bytes(host).expect("value");
            request.headers_mut().append("host", value);
        }
        request
    };
    let cases: [(Request<()>, Option<&str>); 10] = [
        (with("/", &[b"a.example"]), Some("a.example")),
        (with("/", &[b"a.example:8443"]), Some("a.example:8443")),
        (with("/", &[b"[::1]:8080"]), Some("[::1]:8080")),
        // The URI's authority wins over Host (RFC 9112), without userinfo.
        (
            with("http://b.example/", &[b"a.example"]),
            Some("b.example"),
        ),
        (with("http://u@b.example:81/", &[]), Some("b.example:81")),
        (with("/", &[]), None),
        (with("/", &[b"a.example", b"b.example"]), None),
        (with("/", &[b"evil@a.example"]), None),
        (with("/", &[b"a.example/x"]), None),
        (with("/", &[b"caf\xc3\xa9.example"]), None),
    ];
    for (request, expected) in &cases {
        assert_eq!(RequestRef::new(request).host(), *expected, "{request:?}");
        // The guard reads the same host.
        let mut request = request.clone();
        let origin = format!("https://{}", expected.unwrap_or("a.example"));
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("origin"));
        let verdict = csrf::check(&request, &Trusted::same_origin_only());
        let expected = match expected {
            Some(_) => Ok(Pass::OriginMatchesHost),
            None => Err(Refused::OriginMismatch),
        };
        assert_eq!(verdict, expected, "{request:?}");
    }
}
