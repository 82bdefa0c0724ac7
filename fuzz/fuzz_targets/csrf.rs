//! Fuzzes `csrf::check` and the `Csrf` service with arbitrary request
//! bytes, under five fixed trusted sets (one lets WebSocket handshakes
//! through), checking that nothing panics, that every pass is one the
//! rules give, that a safe method carrying a WebSocket handshake (an
//! `Upgrade` line listing `websocket`) or a `CONNECT` is judged like an
//! unsafe one and named so when refused, and that the service calls the
//! application exactly when the check passes.
//!
//! Input: one byte choosing the trusted set, then lines separated by
//! `\n`: the method, the request target (a path or an absolute URI), then
//! `name:value` header lines.
#![no_main]

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use http::header::{HeaderName, HeaderValue, HOST, ORIGIN};
use http::{Method, Request, Response, Uri};
use libfuzzer_sys::fuzz_target;
use tower_cors::csrf::{self, CsrfLayer, Pass, Trusted, CSRF_REFUSAL};
use tower_cors::Policy;
use tower_layer::Layer;
use tower_service::Service;

fn fixtures() -> &'static [Trusted] {
    static FIXTURES: OnceLock<Vec<Trusted>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let listed = Trusted::builder()
            .trust_origins([
                "https://app.example.com",
                "https://*.example.org",
                "http://localhost:3000",
            ])
            .trust_origin_fn(|origin| origin.ends_with(".example.net"))
            .bypass_path("/webhook")
            .bypass_prefix("/hooks/")
            .build()
            .expect("valid trust");
        let cors = Policy::builder()
            .allow_origins(["https://app.example.com", "https://*.example.org"])
            .allow_null_origin_dangerously()
            .build()
            .expect("valid policy");
        let any = Policy::builder()
            .allow_any_origin()
            .build()
            .expect("valid policy");
        let public_sockets = Trusted::builder()
            .trust_origins(["https://app.example.com"])
            .allow_cross_site_websockets_dangerously()
            .build()
            .expect("valid trust");
        vec![
            Trusted::same_origin_only(),
            listed,
            Trusted::from_policy(&cors),
            Trusted::from_policy(&any),
            public_sockets,
        ]
    })
}

#[derive(Clone, Default)]
struct CountingApp(Arc<AtomicUsize>);

impl Service<Request<()>> for CountingApp {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        ready(Ok(Response::new(String::new())))
    }
}

/// Whether an `Upgrade` line lists `websocket` (any case, spaces and tabs
/// around it, perhaps a `/version`): the fuzzer's own reading of RFC
/// 6455's handshake, to hold the guard's against.
fn lists_websocket(headers: &http::HeaderMap) -> bool {
    headers.get_all(http::header::UPGRADE).iter().any(|line| {
        line.as_bytes().split(|&b| b == b',').any(|item| {
            let name = item.split(|&b| b == b'/').next().unwrap_or_default();
            let name: Vec<u8> = name
                .iter()
                .copied()
                .skip_while(|b| *b == b' ' || *b == b'\t')
                .collect();
            let end = name
                .iter()
                .rposition(|b| *b != b' ' && *b != b'\t')
                .map_or(0, |i| i + 1);
            name[..end].eq_ignore_ascii_case(b"websocket")
        })
    })
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let trusted = &fixtures()[usize::from(selector) % fixtures().len()];
    let mut lines = rest.split(|&b| b == b'\n');
    let method = lines
        .next()
        .and_then(|m| Method::from_bytes(m).ok())
        .unwrap_or(Method::POST);
    let uri = lines
        .next()
        .and_then(|u| Uri::try_from(u).ok())
        .unwrap_or_else(|| Uri::from_static("/"));
    let mut request = Request::new(());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri;
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(&line[colon + 1..]),
        ) {
            request.headers_mut().append(name, value);
        }
    }

    let verdict = csrf::check(&request, trusted);
    let headers = request.headers();
    let sites: Vec<&[u8]> = headers
        .get_all("sec-fetch-site")
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    let origins: Vec<&HeaderValue> = headers.get_all(ORIGIN).iter().collect();
    let one_trusted = origins.len() == 1 && trusted.trusts_origin(origins[0]);
    let bypassed = trusted.bypasses(request.uri().path());
    let safe = method == Method::GET || method == Method::HEAD || method == Method::OPTIONS;
    let handshake = (safe && lists_websocket(headers)) || method == Method::CONNECT;
    match verdict {
        Ok(Pass::SafeMethod) => assert!(safe && !handshake),
        Ok(Pass::UnguardedWebSocket) => assert!(handshake && !trusted.guards_websockets()),
        Ok(Pass::SameOrigin) => assert_eq!(sites, [b"same-origin".as_slice()]),
        Ok(Pass::UserInitiated) => assert_eq!(sites, [b"none".as_slice()]),
        Ok(Pass::NoOrigin) => assert!(sites.is_empty() && origins.is_empty()),
        Ok(Pass::OriginMatchesHost) => {
            assert!(sites.is_empty() && origins.len() == 1);
            let host = match request.uri().authority() {
                Some(authority) => authority
                    .as_str()
                    .rsplit('@')
                    .next()
                    .unwrap_or("")
                    .as_bytes(),
                None => headers.get(HOST).map_or(&b""[..], HeaderValue::as_bytes),
            };
            let origin = origins[0].as_bytes();
            let scheme_end = origin.len().saturating_sub(host.len());
            assert!(origin.ends_with(host) && origin[..scheme_end].ends_with(b"://"));
        }
        Ok(Pass::TrustedOrigin) => assert!(one_trusted && origins[0] != "null"),
        Ok(Pass::BypassPath) => assert!(bypassed),
        Ok(_) => {}
        Err(refused) => {
            assert!((!safe || handshake) && !one_trusted && !bypassed);
            assert_eq!(refused.is_websocket(), handshake);
            assert!(trusted.guards_websockets() || !handshake);
        }
    }

    // The service agrees: the application runs exactly on a pass.
    let app = CountingApp::default();
    let mut service = CsrfLayer::trusting(trusted.clone()).layer(app.clone());
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(service.call(request));
    let Poll::Ready(Ok(response)) = future.as_mut().poll(&mut cx) else {
        panic!("the guard over a ready app answers at once");
    };
    assert_eq!(app.0.load(Ordering::SeqCst), usize::from(verdict.is_ok()));
    assert_eq!(
        response.headers().contains_key(CSRF_REFUSAL),
        verdict.is_err()
    );
});
