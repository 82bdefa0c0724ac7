//! Fuzzes `LookupCors` (uncached and cached) with arbitrary request heads,
//! under two fixed policies, with a lookup that records every origin it
//! is asked about. Checks that nothing panics, that the lookup is asked
//! only about the request's single `Origin`, well formed, not `null`, and
//! refused by the policy's own lists, and that the answer follows it.
//!
//! Input: one byte choosing the policy, then lines separated by `\n`: the
//! method, the request target (a path or an absolute URI), then
//! `name:value` header lines.
#![no_main]

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
use http::request::Parts;
use http::{Method, Request, Response, Uri};
use libfuzzer_sys::fuzz_target;
use tower_cors::{LookupLayer, Policy, Refusal};
use tower_layer::Layer;
use tower_service::Service;

fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let listed = Policy::builder()
            .allow_origins([
                "https://app.example.com",
                "https://*.example.org",
                "http://localhost:3000",
            ])
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
            .allow_credentials(true)
            .build();
        let predicate = Policy::builder()
            .allow_origins(["http://[::1]:8080"])
            .allow_origin_fn(|origin| origin.ends_with(".example.net"))
            .allow_any_method()
            .build();
        [listed, predicate]
            .into_iter()
            .map(|policy| policy.expect("fixture policies are valid"))
            .collect()
    })
}

/// Every origin the lookup was asked about.
type Asked = Arc<Mutex<Vec<HeaderValue>>>;

/// The lookup's deterministic answer: allows origins of even length.
fn allows(origin: &HeaderValue) -> bool {
    origin.len() % 2 == 0
}

fn recording(asked: Asked) -> impl FnOnce(HeaderValue, &Parts) -> Ready<bool> + Clone {
    move |origin: HeaderValue, _: &Parts| {
        let answer = allows(&origin);
        asked.lock().expect("asked lock").push(origin);
        ready(answer)
    }
}

#[derive(Clone)]
struct App;

impl Service<Request<()>> for App {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(Response::new(String::new())))
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls `future` until it answers; every future here can, without a
/// runtime (the lookup is ready, and the cache uncontended).
fn run<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    for _ in 0..1_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("a lookup that is ready left its request waiting");
}

fn request(method: &Method, uri: &Uri, headers: &[(HeaderName, HeaderValue)]) -> Request<()> {
    let mut request = Request::new(());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri.clone();
    for (name, value) in headers {
        request.headers_mut().append(name.clone(), value.clone());
    }
    request
}

/// What no browser would ever send as an origin, judged without the
/// crate's parser: no `scheme://` (a scheme is a lowercase letter, then
/// lowercase letters, digits, `+`, `-` or `.`: apps' own schemes such as
/// `tauri://localhost` are origins too), or a path, query, fragment,
/// userinfo, space or upper-case letter after it, no host, or more bytes
/// after `://` than a 254-byte name, `:` and five digits.
fn plainly_malformed(origin: &[u8]) -> bool {
    let Some(end) = origin.windows(3).position(|w| w == b"://") else {
        return true;
    };
    let (scheme, rest) = (&origin[..end], &origin[end + 3..]);
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_lowercase)
        && scheme.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    !scheme_ok
        || rest.len() > 254 + ":65535".len()
        || rest.is_empty()
        || rest.starts_with(b":")
        || rest
            .iter()
            .any(|&b| matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\' | b'A'..=b'Z') || b <= b' ')
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let policy = &policies()[usize::from(selector) % policies().len()];
    let mut lines = rest.split(|&b| b == b'\n');
    let method = lines
        .next()
        .and_then(|m| Method::from_bytes(m).ok())
        .unwrap_or(Method::GET);
    let uri = lines
        .next()
        .and_then(|u| Uri::try_from(u).ok())
        .unwrap_or_else(|| Uri::from_static("/"));
    let headers: Vec<(HeaderName, HeaderValue)> = lines
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = HeaderName::from_bytes(&line[..colon]).ok()?;
            let value = HeaderValue::from_bytes(&line[colon + 1..]).ok()?;
            Some((name, value))
        })
        .collect();
    let origins: Vec<&HeaderValue> = headers
        .iter()
        .filter(|(name, _)| name == ORIGIN)
        .map(|(_, value)| value)
        .collect();

    let asked = Asked::default();
    let layer = LookupLayer::new(policy.clone(), recording(asked.clone()));
    let cached = layer.clone().cache(16, Duration::from_secs(60));
    for layer in [layer, cached] {
        asked.lock().expect("asked lock").clear();
        let mut service = layer.layer(App);
        let response =
            run(service.call(request(&method, &uri, &headers))).expect("the app never fails");
        let asked = asked.lock().expect("asked lock").clone();
        assert!(
            asked.len() <= 1,
            "asked {} times for one request",
            asked.len()
        );
        let Some(origin) = asked.first() else {
            continue;
        };
        // The request's one `Origin`, and a question only a lookup can
        // answer: well formed, not `null`, refused by the lists.
        assert_eq!(origins, [origin]);
        assert_ne!(origin, "null");
        assert!(
            !plainly_malformed(origin.as_bytes()),
            "asked about {origin:?}"
        );
        let alone = Request::get("/")
            .header(ORIGIN, origin.clone())
            .body(())
            .expect("valid");
        assert_eq!(
            policy.evaluate(&alone).refusal(),
            Some(&Refusal::OriginNotAllowed)
        );
        // The answer follows the lookup.
        let granted = response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN);
        if !allows(origin) {
            assert_eq!(granted, None);
        } else if let Some(granted) = granted {
            assert_eq!(granted, origin);
        }
    }
});
