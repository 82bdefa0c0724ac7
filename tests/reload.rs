//! Live reload: a layer made with `CorsLayer::reloadable` answers each
//! request wholly by one policy, the one in force when the request came,
//! whatever replacements happen meanwhile.
//!
//! The reference for "one policy's answer" is the same request through a
//! layer made with `CorsLayer::new` and that policy, whose answers the
//! model-based suites check against the Fetch rules.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use http::header::{HeaderValue, VARY};
use http::{Request, Response};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_cors::{Cors, CorsLayer, Policy};

/// The application: answers at once, with a `Vary` of its own that the
/// layer must keep and extend, and a header it must not touch.
#[derive(Clone, Copy)]
struct App;

impl Service<Request<()>> for App {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        let mut response = Response::new(());
        let headers = response.headers_mut();
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert("x-app", HeaderValue::from_static("1"));
        ready(Ok(response))
    }
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// A whole response as the browser would see it: status and every header
/// line, in order per name.
type Answer = (u16, BTreeMap<String, Vec<Vec<u8>>>);

fn answer_of(response: &Response<()>) -> Answer {
    let mut headers: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for (name, value) in response.headers() {
        headers
            .entry(name.as_str().to_owned())
            .or_default()
            .push(value.as_bytes().to_vec());
    }
    (response.status().as_u16(), headers)
}

/// One request through a ready service, answered at the first poll.
fn answer(service: &mut Cors<App>, request: Request<()>, waker: &Waker) -> Answer {
    let mut cx = Context::from_waker(waker);
    assert!(service.poll_ready(&mut cx).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => answer_of(&response),
        _ => panic!("the application answers at once"),
    }
}

// ---------------------------------------------------------------------------
// Generated policies and requests
// ---------------------------------------------------------------------------

const ORIGINS: &[&str] = &[
    "https://a.example",
    "https://b.example",
    "https://*.example.org",
    "http://localhost:3000",
];
const METHODS: &[&str] = &["PUT", "DELETE", "PATCH"];
const HEADERS: &[&str] = &["content-type", "x-custom"];
const EXPOSE: &[&str] = &["x-request-id", "x-total"];

/// A policy's settings, kept to print a failing case.
#[derive(Debug, Clone)]
struct Settings {
    origins: Vec<&'static str>,
    any_origin: bool,
    methods: Vec<&'static str>,
    any_method: bool,
    headers: Vec<&'static str>,
    any_header: bool,
    expose: Vec<&'static str>,
    credentials: bool,
    max_age: Option<u64>,
}

impl Settings {
    fn build(&self) -> Policy {
        let mut builder = Policy::builder();
        builder = match self.any_origin && !self.credentials {
            true => builder.allow_any_origin(),
            false => builder.allow_origins(self.origins.iter().copied()),
        };
        builder = match self.any_method {
            true => builder.allow_any_method(),
            false => builder.allow_methods(self.methods.iter().copied()),
        };
        builder = match self.any_header {
            true => builder.allow_any_header(),
            false => builder.allow_headers(self.headers.iter().copied()),
        };
        if let Some(secs) = self.max_age {
            builder = builder.max_age(Duration::from_secs(secs));
        }
        // Without the Public Suffix List a credentialed pattern builds only
        // when the builder is told not to check; the answers are the same.
        if !cfg!(feature = "public-suffix") {
            builder = builder.allow_public_suffix_subdomains_dangerously();
        }
        builder
            .expose_headers(self.expose.iter().copied())
            .allow_credentials(self.credentials)
            .build()
            .expect("the generated settings are valid")
    }
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        (
            subsequence(ORIGINS, 1..=ORIGINS.len()),
            prop::bool::weighted(0.2),
        ),
        (subsequence(METHODS, 0..=2), prop::bool::weighted(0.2)),
        (subsequence(HEADERS, 0..=2), prop::bool::weighted(0.2)),
        subsequence(EXPOSE, 0..=2),
        any::<bool>(),
        prop::option::of(select(vec![0u64, 5, 600])),
    )
        .prop_map(
            |(
                (origins, any_origin),
                (methods, any_method),
                (headers, any_header),
                expose,
                credentials,
                max_age,
            )| Settings {
                origins,
                any_origin,
                methods,
                any_method,
                headers,
                any_header,
                expose,
                credentials,
                max_age,
            },
        )
}

/// A request, kept as parts so that it can be made again and printed.
#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    origin: Option<&'static str>,
    request_method: Option<&'static str>,
    request_headers: Option<&'static str>,
}

impl Req {
    fn make(&self) -> Request<()> {
        let mut builder = Request::builder().method(self.method).uri("/items");
        for (name, value) in [
            ("origin", self.origin),
            ("access-control-request-method", self.request_method),
            ("access-control-request-headers", self.request_headers),
        ] {
            if let Some(value) = value {
                builder = builder.header(name, value);
            }
        }
        builder.body(()).expect("valid request")
    }
}

fn request() -> impl Strategy<Value = Req> {
    let origin = prop::option::weighted(
        0.9,
        select(vec![
            "https://a.example",
            "https://b.example",
            "https://x.example.org",
            "http://localhost:3000",
            "https://evil.example",
            "https://a.example/",
        ]),
    );
    let preflight = prop::option::weighted(
        0.6,
        (
            select(vec!["GET", "PUT", "PATCH", "DELETE", "purge"]),
            prop::option::of(select(vec![
                "content-type",
                "x-custom",
                "content-type,x-custom",
                "authorization",
            ])),
        ),
    );
    (origin, preflight, select(vec!["GET", "POST", "DELETE"])).prop_map(
        |(origin, preflight, method)| match preflight {
            Some((request_method, request_headers)) => Req {
                method: "OPTIONS",
                origin,
                request_method: Some(request_method),
                request_headers,
            },
            None => Req {
                method,
                origin,
                request_method: None,
                request_headers: None,
            },
        },
    )
}

// ---------------------------------------------------------------------------
// Never a mix
// ---------------------------------------------------------------------------

/// Sends every request, over and over from two threads, through a
/// reloadable layer whose policy a third thread keeps replacing, `a` and
/// `b` in turn; each answer must be `a`'s or `b`'s for that request. Runs
/// `passes` times over the requests at least, then until some request
/// whose two answers differ was seen answered both ways (so the
/// replacements did interleave with requests), or `timeout`.
fn check_never_mixed(
    a: &Settings,
    b: &Settings,
    requests: &[Req],
    passes: usize,
    timeout: Duration,
) {
    let (policy_a, policy_b) = (a.build(), b.build());
    let waker = Waker::from(Arc::new(NoopWaker));
    let expected: Vec<(Answer, Answer)> = requests
        .iter()
        .map(|r| {
            let by_a = answer(&mut Cors::new(App, policy_a.clone()), r.make(), &waker);
            let by_b = answer(&mut Cors::new(App, policy_b.clone()), r.make(), &waker);
            (by_a, by_b)
        })
        .collect();
    let differ = expected.iter().any(|(x, y)| x != y);

    let (layer, handle) = CorsLayer::reloadable(policy_a.clone());
    let done = Arc::new(AtomicBool::new(false));
    let replacements = Arc::new(AtomicU64::new(0));
    let writer = {
        let (done, replacements) = (done.clone(), replacements.clone());
        std::thread::spawn(move || {
            let mut next_is_b = true;
            while !done.load(Ordering::Relaxed) {
                let next = if next_is_b { &policy_b } else { &policy_a };
                handle.replace(next.clone());
                next_is_b = !next_is_b;
                replacements.fetch_add(1, Ordering::Relaxed);
                std::thread::yield_now();
            }
        })
    };
    let started = Instant::now();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let mut service = layer.layer(App);
            let (expected, requests) = (expected.clone(), requests.to_vec());
            std::thread::spawn(move || {
                let waker = Waker::from(Arc::new(NoopWaker));
                let (mut saw_a, mut saw_b) = (false, false);
                for pass in 1.. {
                    for (request, (by_a, by_b)) in requests.iter().zip(&expected) {
                        let got = answer(&mut service, request.make(), &waker);
                        if got != *by_a && got != *by_b {
                            return Err(format!(
                                "{request:?} got {got:?}\nby a: {by_a:?}\nby b: {by_b:?}"
                            ));
                        }
                        if by_a != by_b {
                            saw_a |= got == *by_a;
                            saw_b |= got == *by_b;
                        }
                    }
                    if pass >= passes && (!differ || (saw_a && saw_b)) {
                        break;
                    }
                    if started.elapsed() > timeout {
                        return Err("never saw both policies answer".to_owned());
                    }
                }
                Ok(())
            })
        })
        .collect();
    let outcomes: Vec<_> = readers
        .into_iter()
        .map(|r| r.join().expect("reader thread"))
        .collect();
    done.store(true, Ordering::Relaxed);
    writer.join().expect("writer thread");
    for outcome in outcomes {
        if let Err(problem) = outcome {
            panic!(
                "{problem}\n(a = {a:?}, b = {b:?}, {} replacements)",
                replacements.load(Ordering::Relaxed)
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_answer_under_concurrent_replace_is_one_policys(
        a in settings(),
        b in settings(),
        requests in prop::collection::vec(request(), 1..12),
    ) {
        check_never_mixed(&a, &b, &requests, 1, Duration::from_secs(20));
    }
}

/// The property's fixed worst case, run long: two policies that answer
/// every part of a preflight differently (status, origin, methods,
/// headers, credentials, max-age, `Vary`), where a mix would show in any
/// header.
#[test]
fn a_preflight_is_never_answered_by_two_policies() {
    let a = Settings {
        origins: vec!["https://a.example", "https://b.example"],
        any_origin: false,
        methods: vec!["PUT"],
        any_method: false,
        headers: vec!["content-type"],
        any_header: false,
        expose: vec!["x-request-id"],
        credentials: true,
        max_age: Some(600),
    };
    let b = Settings {
        origins: vec!["https://b.example"],
        methods: vec!["PUT", "DELETE"],
        any_header: true,
        expose: vec!["x-total"],
        credentials: false,
        max_age: Some(5),
        ..a.clone()
    };
    let requests = [
        Req {
            method: "OPTIONS",
            origin: Some("https://b.example"),
            request_method: Some("PUT"),
            request_headers: Some("content-type"),
        },
        Req {
            method: "GET",
            origin: Some("https://b.example"),
            request_method: None,
            request_headers: None,
        },
        Req {
            method: "OPTIONS",
            origin: Some("https://a.example"),
            request_method: Some("PUT"),
            request_headers: None,
        },
    ];
    check_never_mixed(&a, &b, &requests, 5_000, Duration::from_secs(60));
}

// ---------------------------------------------------------------------------
// In flight, and what replaces what
// ---------------------------------------------------------------------------

fn only(origin: &str, expose: &str) -> Policy {
    Policy::builder()
        .allow_origins([origin])
        .expose_headers([expose])
        .build()
        .expect("valid policy")
}

/// A request the application is still answering when the policy is
/// replaced gets the headers of the policy it arrived under, not the new
/// one's; the next request gets the new one's.
#[tokio::test]
async fn a_request_in_flight_keeps_the_policy_it_arrived_under() {
    // The first request tells the test it reached the application (so the
    // layer has decided it), then waits to be released; later ones do not.
    let (arrived, has_arrived) = tokio::sync::oneshot::channel::<()>();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let first = Arc::new(std::sync::Mutex::new(Some((arrived, released))));
    let app = service_fn(move |_: Request<()>| {
        let first = first.lock().expect("lock").take();
        async move {
            if let Some((arrived, released)) = first {
                arrived.send(()).expect("the test is waiting");
                released.await.expect("released");
            }
            Ok::<_, Infallible>(Response::new(()))
        }
    });
    let (layer, handle) = CorsLayer::reloadable(only("https://a.example", "x-old"));
    let service = layer.layer(app);
    let get = || get_from("https://a.example");

    let in_flight = tokio::spawn(service.clone().oneshot(get()));
    has_arrived.await.expect("the request arrives");
    // Both allow the origin; they differ in what they expose.
    handle.replace(only("https://a.example", "x-new"));
    release.send(()).expect("the request is waiting");
    let old = in_flight.await.expect("task").expect("infallible");
    assert_eq!(old.headers()["access-control-expose-headers"], "x-old");

    let new = service.oneshot(get()).await.expect("infallible");
    assert_eq!(new.headers()["access-control-expose-headers"], "x-new");
}

/// A replacement reaches services made before it, their clones, and the
/// layer's own view; a policy that does not build never gets to replace.
#[test]
fn a_replacement_reaches_every_service_and_a_bad_edit_none() {
    let waker = Waker::from(Arc::new(NoopWaker));
    let get = |origin: &'static str| Req {
        method: "GET",
        origin: Some(origin),
        request_method: None,
        request_headers: None,
    };
    let allowed = |service: &mut Cors<App>, origin| {
        let (_, headers) = answer(service, get(origin).make(), &waker);
        headers.contains_key("access-control-allow-origin")
    };
    let (layer, handle) = CorsLayer::reloadable(only("https://a.example", "x-a"));
    let mut made_before = layer.layer(App);
    let mut clone_before = made_before.clone();
    assert!(allowed(&mut made_before, "https://a.example"));

    handle.clone().replace(only("https://b.example", "x-b"));
    for service in [&mut made_before, &mut clone_before, &mut layer.layer(App)] {
        assert!(allowed(service, "https://b.example"));
        assert!(!allowed(service, "https://a.example"));
    }
    let request = get("https://b.example").make();
    assert!(layer.policy().evaluate(&request).is_allowed());
    assert!(made_before.policy().evaluate(&request).is_allowed());
    assert!(handle.current().evaluate(&request).is_allowed());

    // An edit with a typo is an error, so the handle is never given it.
    let edit = Policy::builder()
        .allow_origins(["https://c.example/"])
        .build();
    assert!(edit.is_err());
    if let Ok(policy) = edit {
        handle.replace(policy);
    }
    assert!(allowed(&mut made_before, "https://b.example"));
}

/// A fixed layer never changes, and says so through `policy()`.
#[test]
fn a_fixed_layer_reports_its_one_policy() {
    let layer = CorsLayer::new(only("https://a.example", "x-a"));
    let request = get_from("https://a.example");
    assert!(layer.policy().evaluate(&request).is_allowed());
    assert!(layer.layer(App).policy().evaluate(&request).is_allowed());
}

fn get_from(origin: &str) -> Request<()> {
    Request::get("/")
        .header("origin", origin)
        .body(())
        .expect("valid request")
}
