//! Every surface on one decision: for generated policies (exact origins,
//! hosts on any port, patterns with and without a port wildcard, `null`, a
//! predicate, any origin) and requests, `Policy::evaluate`, the `Cors`
//! service, the `LookupCors` service with a lookup that refuses, and the
//! final decision `Policy::explain` prints all agree; `explain`'s origin
//! line agrees with the decision; and, with the `tracing` feature, `Cors`
//! and `LookupCors` record the same events while `evaluate` and `explain`
//! record none.

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use common::App;
use http::request::Parts;
use http::{HeaderValue, Request, Response};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use tower::{Layer, Service};
use tower_cors::lookup::LookupLayer;
use tower_cors::policy::{Malformed, Refusal, RequestKind};
use tower_cors::{Cors, Policy};

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// One call through a service whose application and lookup answer at
/// once, so one poll finishes it.
fn send<S>(service: &mut S, request: Request<String>) -> Response<String>
where
    S: Service<Request<String>, Response = Response<String>, Error = std::convert::Infallible>,
{
    let waker = Waker::from(Arc::new(NoopWaker));
    let mut cx = Context::from_waker(&waker);
    assert!(service.poll_ready(&mut cx).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the app and the lookup answer at once"),
    }
}

/// A lookup that refuses every origin it is asked about.
fn refusing(_origin: HeaderValue, _parts: &Parts) -> std::future::Ready<bool> {
    std::future::ready(false)
}

fn copy(request: &Request<String>) -> Request<String> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

// ---------------------------------------------------------------------------
// Generated policies and requests
// ---------------------------------------------------------------------------

const CONFIGURED: [&str; 6] = [
    "https://app.example.com",
    "http://localhost:*",
    "https://*.example.com:*",
    "https://*.example.org",
    "http://127.0.0.1:8080",
    "https://b.test:*",
];

const SENT: [&str; 16] = [
    "https://app.example.com",
    "http://localhost:5173",
    "http://localhost",
    "https://localhost:5173",
    "https://x.example.com:3000",
    "https://x.example.com",
    "https://example.com:3000",
    "https://y.example.org",
    "https://y.example.org:8443",
    "http://127.0.0.1:8080",
    "https://b.test:9",
    "https://q.fn.example",
    "https://evil.example",
    "null",
    "https://app.example.com/",
    "HTTP://localhost:5173",
];

#[derive(Debug, Clone)]
struct Config {
    origins: Vec<&'static str>,
    any_origin: bool,
    null: bool,
    predicate: bool,
    methods: Vec<&'static str>,
    headers: Vec<&'static str>,
    credentials: bool,
    debug: bool,
}

impl Config {
    fn build(&self) -> Option<Policy> {
        let mut builder = Policy::builder()
            .allow_methods(&self.methods)
            .allow_headers(&self.headers)
            .expose_headers(["x-request-id"])
            .allow_credentials(self.credentials)
            .debug(self.debug);
        if self.any_origin {
            builder = builder.allow_any_origin();
        } else {
            builder = builder.allow_origins(&self.origins);
        }
        if self.null {
            builder = builder.allow_null_origin_dangerously();
        }
        if self.predicate {
            builder = builder.allow_origin_fn(|origin| origin.ends_with(".fn.example"));
        }
        if !cfg!(feature = "public-suffix") {
            builder = builder.allow_public_suffix_subdomains_dangerously();
        }
        // Some combinations do not build (any origin with credentials, no
        // origin at all): those are the builder's tests.
        builder.build().ok()
    }
}

fn config() -> impl Strategy<Value = Config> {
    (
        subsequence(CONFIGURED.to_vec(), 0..=CONFIGURED.len()),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        subsequence(vec!["PUT", "DELETE", "patch", "*"], 0..=2),
        subsequence(vec!["content-type", "x-a", "*"], 0..=2),
        any::<bool>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(origins, any_origin, null, predicate, methods, headers, credentials, debug)| Config {
                origins,
                any_origin,
                null,
                predicate,
                methods,
                headers,
                credentials,
                debug,
            },
        )
}

fn request() -> impl Strategy<Value = Request<String>> {
    (
        select(vec!["GET", "POST", "OPTIONS", "PUT", "patch"]),
        prop::collection::vec(select(SENT.to_vec()), 0..=2),
        prop::option::of(select(vec![
            "PUT", "DELETE", "patch", "GET", "TRACE", "P T",
        ])),
        prop::option::of(select(vec![
            "content-type",
            "x-a,authorization",
            "X-B",
            "x-a,,bad name",
        ])),
        prop::option::of(select(vec!["text/plain", "application/json"])),
    )
        .prop_map(|(method, origins, requested, names, content_type)| {
            let mut builder = Request::builder().method(method).uri("/items");
            for origin in origins {
                builder = builder.header("origin", origin);
            }
            if let Some(requested) = requested {
                builder = builder.header("access-control-request-method", requested);
            }
            if let Some(names) = names {
                builder = builder.header("access-control-request-headers", names);
            }
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            builder.body(String::new()).expect("valid request")
        })
}

// ---------------------------------------------------------------------------
// What each surface says
// ---------------------------------------------------------------------------

/// What `evaluate` says the layer sends: its own answer to a preflight, or
/// the application's response with the decision's headers.
fn expected_response(policy: &Policy, request: &Request<String>) -> (u16, http::HeaderMap) {
    let decision = policy.evaluate(request);
    match decision.preflight_status() {
        Some(status) => {
            let mut headers = http::HeaderMap::new();
            decision.into_headers().apply_to(&mut headers);
            (status.as_u16(), headers)
        }
        None => {
            let mut response = App::new().0.response();
            decision.into_headers().apply_to(response.headers_mut());
            (response.status().as_u16(), response.headers().clone())
        }
    }
}

/// Whether the decision refused the request for its origin.
fn refused_for_origin(refusal: Option<&Refusal>) -> bool {
    matches!(
        refusal,
        Some(Refusal::OriginNotAllowed | Refusal::Malformed(Malformed::InvalidOrigin))
    )
}

/// Checks that every surface agrees on `request`.
fn agree(config: &Config, policy: &Policy, request: &Request<String>) -> Result<(), TestCaseError> {
    let decision = policy.evaluate(request);
    let (status, headers) = expected_response(policy, request);

    let (app, _) = App::new();
    let mut cors = Cors::new(app.clone(), policy.clone());
    let through_cors = send(&mut cors, copy(request));
    prop_assert_eq!(through_cors.status().as_u16(), status, "{:?}", request);
    prop_assert_eq!(through_cors.headers(), &headers, "{:?}", request);

    let mut lookup = LookupLayer::new(policy.clone(), refusing).layer(app);
    let through_lookup = send(&mut lookup, copy(request));
    prop_assert_eq!(
        through_lookup.status(),
        through_cors.status(),
        "{:?}",
        request
    );
    prop_assert_eq!(
        through_lookup.headers(),
        through_cors.headers(),
        "{:?}",
        request
    );
    prop_assert_eq!(through_lookup.body(), through_cors.body());

    let explained = policy.explain(request);
    let said = format!("decision: {decision}");
    prop_assert!(
        explained.lines().any(|line| line == said),
        "{:?}\n{}",
        request,
        explained
    );
    // The origin line agrees with the decision, except where the answer
    // is the constant `*` whatever `Origin` says (any origin, outside
    // preflights).
    let origins = request.headers().get_all("origin").iter().count();
    let constant = config.any_origin && decision.kind() != RequestKind::Preflight;
    if origins == 1 && !constant {
        let line = explained
            .lines()
            .find(|line| line.starts_with("origin \""))
            .unwrap_or_default();
        let allowed = line.contains("\": allowed");
        prop_assert_eq!(
            allowed,
            !refused_for_origin(decision.refusal()),
            "{:?}\n{}",
            request,
            explained
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_surface_gives_the_same_decision(
        config in config(),
        requests in prop::collection::vec(request(), 1..6),
    ) {
        let Some(policy) = config.build() else {
            return Ok(());
        };
        for request in &requests {
            agree(&config, &policy, request)?;
        }
    }
}

// ---------------------------------------------------------------------------
// The drift this test was written for
// ---------------------------------------------------------------------------

#[test]
fn explain_names_the_port_wildcard_that_allows_an_origin() {
    let policy = Policy::builder()
        .allow_origins(["https://*.example.com:*", "http://localhost:*"])
        .allow_public_suffix_subdomains_dangerously()
        .build()
        .expect("valid policy");
    let line = |origin: &str| {
        let request = Request::get("/")
            .header("origin", origin)
            .body(())
            .expect("valid request");
        let explained = policy.explain(&request);
        assert!(
            explained.contains("decision: simple request allowed"),
            "{explained}"
        );
        explained.lines().nth(1).unwrap_or_default().to_owned()
    };
    assert_eq!(
        line("https://a.example.com:3000"),
        "origin \"https://a.example.com:3000\": allowed by the pattern https://*.example.com:*"
    );
    assert_eq!(
        line("http://localhost:5173"),
        "origin \"http://localhost:5173\": allowed by http://localhost:* (any port)"
    );
}

#[test]
fn explain_names_the_request_predicate_with_the_request() {
    let policy = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_origin_request_fn(|origin, request| {
            request
                .host()
                .is_some_and(|host| origin == format!("https://app.{host}"))
        })
        .build()
        .expect("valid policy");
    let request = Request::get("/")
        .header("origin", "https://app.acme.example")
        .header("host", "acme.example")
        .body(())
        .expect("valid request");
    let explained = policy.explain(&request);
    assert!(
        explained.contains(
            "origin \"https://app.acme.example\": allowed by allow_origin_request_fn\n\
             decision: simple request allowed"
        ),
        "{explained}"
    );
}

#[cfg(feature = "tracing")]
mod events {
    use std::collections::BTreeMap;

    use tower::Layer as _;
    use tracing::Level;

    use super::*;
    use crate::common::events::{record, Captured};

    /// The events `f` records with every level let through.
    fn recorded<T>(f: impl FnOnce() -> T) -> (Vec<Captured>, T) {
        let (out, recorded) = record(f);
        (recorded.events, out)
    }

    /// One event of the CORS layer, its fields as recorded.
    fn cors_event(level: Level, fields: &[(&str, &str)]) -> Captured {
        Captured {
            level,
            target: "tower_cors".to_owned(),
            fields: fields
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn same_events(policy: &Policy, request: &Request<String>) -> Result<(), TestCaseError> {
        let (app, _) = App::new();
        let mut cors = Cors::new(app.clone(), policy.clone());
        let mut lookup = LookupLayer::new(policy.clone(), refusing).layer(app);
        let (by_cors, _) = recorded(|| send(&mut cors, copy(request)));
        let (by_lookup, _) = recorded(|| send(&mut lookup, copy(request)));
        prop_assert_eq!(&by_lookup, &by_cors, "{:?}", request);
        let (pure, _) = recorded(|| (policy.evaluate(request), policy.explain(request)));
        prop_assert_eq!(pure, Vec::<Captured>::new());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn cors_and_a_refusing_lookup_record_the_same_events(
            config in config(),
            requests in prop::collection::vec(request(), 1..6),
        ) {
            let Some(policy) = config.build() else {
                return Ok(());
            };
            for request in &requests {
                same_events(&policy, request)?;
            }
        }
    }

    #[test]
    fn a_request_refused_behind_a_lookup_is_recorded() {
        let policy = Policy::builder()
            .allow_origins(["https://app.example.com"])
            .build()
            .expect("valid policy");
        let request = Request::get("/")
            .header("origin", "https://evil.example")
            .body(String::new())
            .expect("valid request");
        let (app, _) = App::new();
        let mut lookup = LookupLayer::new(policy, refusing).layer(app);
        let (events, response) = recorded(|| send(&mut lookup, request));
        assert!(response
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        assert_eq!(
            events,
            [cors_event(
                Level::DEBUG,
                &[
                    ("message", "CORS request refused"),
                    ("origin", "\"https://evil.example\""),
                    ("method", "\"GET\""),
                    ("kind", "simple"),
                    ("reason", "origin not allowed"),
                ]
            )]
        );
    }

    #[test]
    fn a_lookup_records_the_answer_it_chose() {
        let policy = Policy::builder()
            .allow_origins(["https://app.example.com"])
            .build()
            .expect("valid policy");
        let request = Request::get("/")
            .header("origin", "https://tenant.example")
            .body(String::new())
            .expect("valid request");
        let (app, _) = App::new();
        let allowing = |_: HeaderValue, _: &Parts| std::future::ready(true);
        let mut lookup = LookupLayer::new(policy, allowing).layer(app);
        let (events, response) = recorded(|| send(&mut lookup, request));
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "https://tenant.example"
        );
        assert_eq!(
            events,
            [cors_event(
                Level::TRACE,
                &[
                    ("message", "CORS request allowed"),
                    ("origin", "\"https://tenant.example\""),
                    ("method", "\"GET\""),
                    ("kind", "simple"),
                ]
            )]
        );
    }
}
