//! The layer behind hyper 1 on a real socket, fed raw HTTP/1.1 bytes: what
//! an HTTP client library would normalise away (repeated lines, odd case,
//! lowercase methods, huge values) reaches the policy exactly as sent.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::policies::{self, ALLOWED};
use common::{App, Recorder, APP_BODY};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower_cors::{Cors, Policy};

/// [`policies::credentialed`] with [`ALLOWED`] alone and `PUT PATCH`.
fn listed_policy() -> Policy {
    policies::credentialed()
        .allow_origins([ALLOWED])
        .allow_methods(["PUT", "PATCH"])
        .build()
        .expect("valid policy")
}

/// Serves `Cors<App>` with hyper on 127.0.0.1, one task per connection,
/// until the test's runtime shuts down.
async fn serve(policy: Policy) -> (SocketAddr, Recorder) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (app, recorder) = App::new();
    let service = Cors::new(app, policy);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                // A connection error only means the test sent garbage; the
                // test sees it as a missing or error response.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, recorder)
}

/// A request head: the request line, `Host`, the given lines exactly as
/// written, and `Connection: close`.
fn raw(request_line: &str, lines: &[&str]) -> Vec<u8> {
    let mut text = format!("{request_line}\r\nHost: 127.0.0.1\r\n");
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    text.into_bytes()
}

/// A preflight for `method` from [`ALLOWED`] to `/`, its other lines
/// `extra` as written.
fn preflight_from_allowed(method: &str, extra: &[&str]) -> Vec<u8> {
    let origin = format!("Origin: {ALLOWED}");
    let method = format!("Access-Control-Request-Method: {method}");
    let mut lines = vec![origin.as_str(), method.as_str()];
    lines.extend_from_slice(extra);
    raw("OPTIONS / HTTP/1.1", &lines)
}

#[derive(Debug)]
struct RawResponse {
    status: u16,
    /// (lowercased name, value) in wire order, without `Date` and
    /// `Connection`, which hyper adds on its own.
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn parse(bytes: &[u8]) -> RawResponse {
        let text = String::from_utf8(bytes.to_vec()).expect("utf-8 response");
        let (head, body) = text.split_once("\r\n\r\n").expect("end of head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line");
        let mut parts = status_line.splitn(3, ' ');
        assert_eq!(parts.next(), Some("HTTP/1.1"), "{status_line}");
        let status = parts
            .next()
            .and_then(|code| code.parse().ok())
            .expect("status code");
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').expect("header line");
                (name.to_ascii_lowercase(), value.trim().to_owned())
            })
            .filter(|(name, _)| name != "date" && name != "connection")
            .collect();
        RawResponse {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn cors_names(&self) -> Vec<&str> {
        self.headers
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| n.starts_with("access-control-"))
            .collect()
    }

    /// Header lines sorted by name, keeping the order within a name.
    fn sorted(&self) -> Vec<(&str, &str)> {
        let mut lines: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        lines.sort_by(|a, b| a.0.cmp(b.0));
        lines
    }
}

async fn exchange(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let talk = async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(request).await.expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("receive");
        response
    };
    let bytes = tokio::time::timeout(Duration::from_secs(10), talk)
        .await
        .expect("server answered within 10 s");
    RawResponse::parse(&bytes)
}

fn assert_refused(response: &RawResponse, summary: &str) {
    assert_eq!(response.status, 403, "{response:?}");
    assert_eq!(response.cors_names(), Vec::<&str>::new(), "{response:?}");
    assert_eq!(
        response.sorted(),
        // hyper frames the empty body of a 403 (a 204 has none to frame).
        [
            ("content-length", "0"),
            ("cors-refusal", summary),
            ("vary", "origin")
        ],
        "{response:?}"
    );
    assert_eq!(response.body, "");
}

#[tokio::test]
async fn allowed_preflight_over_the_wire() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "OPTIONS /items/1 HTTP/1.1",
            &[
                "Origin: https://app.example.com",
                "Access-Control-Request-Method: PUT",
                "Access-Control-Request-Headers: content-type,x-custom",
            ],
        ),
    )
    .await;

    assert_eq!(response.status, 204, "{response:?}");
    assert_eq!(
        response.sorted(),
        [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type,x-custom"),
            ("access-control-allow-methods", "PUT,PATCH"),
            ("access-control-allow-origin", ALLOWED),
            ("access-control-max-age", "600"),
            ("vary", "origin"),
        ]
    );
    assert_eq!(response.body, "");
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn header_names_in_odd_case_are_read_case_insensitively() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "OPTIONS /items/1 HTTP/1.1",
            &[
                "oRiGiN: https://app.example.com",
                "ACCESS-CONTROL-REQUEST-METHOD: PATCH",
                "access-control-REQUEST-headers: X-Custom, Content-Type",
            ],
        ),
    )
    .await;

    assert_eq!(response.status, 204, "{response:?}");
    assert_eq!(response.all("access-control-allow-origin"), [ALLOWED]);
    assert_eq!(
        response.all("access-control-allow-headers"),
        ["content-type,x-custom"]
    );
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn lowercase_patch_in_request_method_is_refused() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(addr, &preflight_from_allowed("patch", &[])).await;

    assert_refused(&response, "method \"patch\" not allowed");
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn two_origin_lines_are_refused_on_preflight_and_not_granted_on_get() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "OPTIONS / HTTP/1.1",
            &[
                "Origin: https://app.example.com",
                "Origin: https://app.example.com",
                "Access-Control-Request-Method: PUT",
            ],
        ),
    )
    .await;
    assert_refused(&response, "malformed: several Origin headers");
    assert_eq!(recorder.count(), 0);

    let response = exchange(
        addr,
        &raw(
            "GET / HTTP/1.1",
            &[
                "Origin: https://app.example.com",
                "Origin: https://evil.example",
            ],
        ),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.cors_names(), Vec::<&str>::new());
    assert_eq!(response.all("vary"), ["accept-encoding", "origin"]);
    assert_eq!(response.body, APP_BODY);
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    let origins: Vec<_> = seen[0].headers.get_all("origin").iter().collect();
    assert_eq!(origins, [ALLOWED, "https://evil.example"]);
}

#[tokio::test]
async fn request_headers_split_over_several_lines_are_one_list() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &preflight_from_allowed(
            "PUT",
            &[
                "Access-Control-Request-Headers: content-type",
                "Access-Control-Request-Headers: x-custom",
            ],
        ),
    )
    .await;
    assert_eq!(response.status, 204, "{response:?}");
    assert_eq!(
        response.all("access-control-allow-headers"),
        ["content-type,x-custom"]
    );

    // A name not allowed on a later line is still seen.
    let response = exchange(
        addr,
        &preflight_from_allowed(
            "PUT",
            &[
                "Access-Control-Request-Headers: content-type",
                "Access-Control-Request-Headers: x-custom",
                "Access-Control-Request-Headers: x-secret",
            ],
        ),
    )
    .await;
    assert_refused(&response, "header \"x-secret\" not allowed");
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn reflected_request_headers_join_several_lines() {
    let (addr, recorder) = serve(policies::any_header()).await;
    let response = exchange(
        addr,
        &preflight_from_allowed(
            "PUT",
            &[
                "Access-Control-Request-Headers: x-b",
                "Access-Control-Request-Headers: x-a",
            ],
        ),
    )
    .await;

    assert_eq!(response.status, 204, "{response:?}");
    assert_eq!(
        response.sorted(),
        [
            ("access-control-allow-headers", "x-b,x-a"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-origin", ALLOWED),
            ("vary", "origin, access-control-request-headers"),
        ]
    );
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn hostile_request_header_lists_are_refused() {
    let (addr, recorder) = serve(policies::any_header()).await;
    let commas = format!("Access-Control-Request-Headers: {}", ",".repeat(64 * 1024));
    let many_lines = vec!["Access-Control-Request-Headers: x-a"; 17];
    let cases: Vec<Vec<&str>> = vec![vec![commas.as_str()], many_lines];
    for extra in cases {
        let response = exchange(addr, &preflight_from_allowed("PUT", &extra)).await;

        assert_eq!(response.status, 403, "{response:?}");
        assert_eq!(response.cors_names(), Vec::<&str>::new());
        assert_eq!(
            response.sorted(),
            [
                ("content-length", "0"),
                (
                    "cors-refusal",
                    "malformed: Access-Control-Request-Headers is too long"
                ),
                ("vary", "origin, access-control-request-headers"),
            ]
        );
    }
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn origins_no_browser_sends_are_refused() {
    let (addr, recorder) = serve(listed_policy()).await;
    for origin_line in [
        "Origin:",
        "Origin: https://app.example.com/",
        "Origin: HTTPS://APP.EXAMPLE.COM",
        "Origin: https://b\u{fc}cher.example",
    ] {
        let response = exchange(
            addr,
            &raw(
                "OPTIONS / HTTP/1.1",
                &[origin_line, "Access-Control-Request-Method: PUT"],
            ),
        )
        .await;
        assert_refused(&response, "malformed: Origin is not a serialized origin");
    }
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn lowercase_options_method_goes_to_the_app() {
    // Methods are case-sensitive; browsers always send `OPTIONS`.
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "options / HTTP/1.1",
            &[
                "Origin: https://app.example.com",
                "Access-Control-Request-Method: PUT",
            ],
        ),
    )
    .await;

    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, APP_BODY);
    assert_eq!(response.all("access-control-allow-origin"), [ALLOWED]);
    assert_eq!(
        response.all("access-control-allow-methods"),
        Vec::<&str>::new()
    );
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "options");
}

#[tokio::test]
async fn plain_options_goes_to_the_app() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "OPTIONS /items HTTP/1.1",
            &["Origin: https://app.example.com"],
        ),
    )
    .await;

    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, APP_BODY);
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("OPTIONS", "/items")
    );
}

#[tokio::test]
async fn allowed_get_keeps_the_app_headers_and_appends_vary_on_its_own_line() {
    let (addr, recorder) = serve(listed_policy()).await;
    let response = exchange(
        addr,
        &raw(
            "GET /items?page=2 HTTP/1.1",
            &["Origin: https://app.example.com"],
        ),
    )
    .await;

    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.sorted(),
        [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", ALLOWED),
            ("access-control-expose-headers", "x-request-id"),
            ("content-length", "8"),
            ("content-type", "text/plain"),
            ("vary", "accept-encoding"),
            ("vary", "origin"),
            ("x-app", "1"),
        ]
    );
    assert_eq!(response.body, APP_BODY);
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/items")
    );
}

#[tokio::test]
async fn disallowed_and_missing_origins_get_the_app_answer_plus_vary() {
    let (addr, recorder) = serve(listed_policy()).await;
    for lines in [
        &["Origin: https://evil.example"][..],
        &["Origin: null"][..],
        &[][..],
    ] {
        let response = exchange(addr, &raw("GET / HTTP/1.1", lines)).await;
        assert_eq!(response.status, 200, "{lines:?}");
        assert_eq!(
            response.sorted(),
            [
                ("content-length", "8"),
                ("content-type", "text/plain"),
                ("vary", "accept-encoding"),
                ("vary", "origin"),
                ("x-app", "1"),
            ],
            "{lines:?}"
        );
        assert_eq!(response.body, APP_BODY);
    }
    assert_eq!(recorder.count(), 3);
}
