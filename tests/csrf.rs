//! Cross-origin request forgery protection (`tower_cors::csrf`): every
//! step of the rules as a table, checked by the pure `csrf::check` and
//! through the tower layer over an application that counts its calls;
//! trusted origins shared with the CORS policy; bypass paths and their
//! near-misses; configuration errors; hostile input; and properties.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use proptest::prelude::*;
use tower::{Layer, Service};
use tower_cors::csrf::{
    self, BypassPathError, CsrfLayer, Pass, Refused, TrustProblem, Trusted, CSRF_REFUSAL,
};
use tower_cors::{ConfigProblem, Policy};

// ---------------------------------------------------------------------------
// Plumbing: requests from raw bytes, and an application that counts calls
// ---------------------------------------------------------------------------

/// A request with these header lines, in order, values as raw bytes.
fn request(method: &str, uri: &str, headers: &[(&str, &[u8])]) -> Request<()> {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("test method"))
        .uri(uri)
        .body(())
        .expect("test request");
    for (name, value) in headers {
        let name = http::header::HeaderName::from_bytes(name.as_bytes()).expect("test name");
        let value = HeaderValue::from_bytes(value).expect("test value");
        request.headers_mut().append(name, value);
    }
    request
}

#[derive(Clone, Default)]
struct CountingApp(Arc<AtomicUsize>);

impl CountingApp {
    fn calls(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl<B> Service<Request<B>> for CountingApp {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        ready(Ok(Response::new("app".to_owned())))
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Drives a service whose futures are ready at once, without a runtime.
fn call_now<S, B>(service: &mut S, request: Request<B>) -> Response<String>
where
    S: Service<Request<B>, Response = Response<String>, Error = Infallible>,
{
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    assert!(matches!(service.poll_ready(&mut cx), Poll::Ready(Ok(()))));
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the guard over a ready app answers at once"),
    }
}

/// Runs `request` through a `CsrfLayer` trusting `trusted` and checks the
/// layer does what the pure check says: a pass reaches the application
/// once and comes back untouched; a refusal never reaches it and is the
/// default `403`.
fn through_layer(trusted: &Trusted, request: Request<()>, expected: Result<Pass, Refused>) {
    let app = CountingApp::default();
    let mut service = CsrfLayer::trusting(trusted.clone()).layer(app.clone());
    let response = call_now(&mut service, request);
    match expected {
        Ok(_) => {
            assert_eq!(app.calls(), 1, "a pass reaches the application once");
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.body(), "app");
            assert!(response.headers().get(CSRF_REFUSAL).is_none());
        }
        Err(refused) => {
            assert_eq!(app.calls(), 0, "a refusal never reaches the application");
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            assert_eq!(response.headers()[CSRF_REFUSAL], refused.summary());
            assert_eq!(
                response.headers()[CONTENT_TYPE],
                "text/plain; charset=utf-8"
            );
            assert_eq!(response.body(), refused.body_text());
            assert_eq!(response.extensions().get::<Refused>(), Some(&refused));
        }
    }
}

// ---------------------------------------------------------------------------
// What is trusted in the tables
// ---------------------------------------------------------------------------

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example";

#[derive(Debug, Clone, Copy)]
enum Trust {
    /// `Trusted::same_origin_only()`.
    Nothing,
    /// `https://app.example.com`, `https://*.example.org`,
    /// `http://localhost:3000`; bypass `/webhook` and prefix `/hooks/`.
    Listed,
}

fn trusted(trust: Trust) -> Trusted {
    match trust {
        Trust::Nothing => Trusted::same_origin_only(),
        Trust::Listed => Trusted::builder()
            .trust_origins([APP, "https://*.example.org", "http://localhost:3000"])
            .bypass_path("/webhook")
            .bypass_prefix("/hooks/")
            .build()
            .expect("valid trust"),
    }
}

/// Header lines, in order, values as raw bytes.
type Headers<'a> = &'a [(&'a str, &'a [u8])];
/// What the guard must conclude.
type Verdict = Result<Pass, Refused>;

struct Row {
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    trust: Trust,
    expected: Result<Pass, Refused>,
}

const fn row(
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    trust: Trust,
    expected: Result<Pass, Refused>,
) -> Row {
    Row {
        name,
        method,
        uri,
        headers,
        trust,
        expected,
    }
}

use Trust::{Listed, Nothing};

const CROSS_EVIL: &[(&str, &[u8])] = &[
    ("sec-fetch-site", b"cross-site"),
    ("origin", b"https://evil.example"),
];

/// Step 1: safe methods pass whatever else the request says; the
/// comparison is exact, so `get` is an unsafe method of its own.
#[rustfmt::skip]
const SAFE_METHODS: &[Row] = &[
    row("get_passes", "GET", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("head_passes", "HEAD", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("options_passes", "OPTIONS", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("lowercase_get_is_not_get", "get", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("post_is_checked", "POST", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("put_is_checked", "PUT", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("delete_is_checked", "DELETE", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("patch_is_checked", "PATCH", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("custom_method_is_checked", "PURGE", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
];

/// Step 2: `Sec-Fetch-Site`, each value, trusted or not.
#[rustfmt::skip]
const FETCH_SITE: &[Row] = &[
    row("same_origin_passes", "POST", "/", &[("sec-fetch-site", b"same-origin"), ("origin", b"https://evil.example")], Nothing, Ok(Pass::SameOrigin)),
    row("same_origin_passes_without_origin", "POST", "/", &[("sec-fetch-site", b"same-origin")], Nothing, Ok(Pass::SameOrigin)),
    row("none_passes", "POST", "/", &[("sec-fetch-site", b"none")], Nothing, Ok(Pass::UserInitiated)),
    row("same_site_refused", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"https://evil.example")], Nothing, Err(Refused::SameSite)),
    row("cross_site_refused", "POST", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("cross_site_untrusted_refused", "POST", "/", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("cross_site_without_origin_refused", "POST", "/", &[("sec-fetch-site", b"cross-site")], Listed, Err(Refused::CrossSite)),
    row("garbage_refused", "POST", "/", &[("sec-fetch-site", b"cross-origin"), ("origin", b"https://evil.example")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("uppercase_same_origin_is_garbage", "POST", "/", &[("sec-fetch-site", b"Same-Origin")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("empty_value_is_garbage", "POST", "/", &[("sec-fetch-site", b"")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("padded_value_is_garbage", "POST", "/", &[("sec-fetch-site", b"same-origin ")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("two_lines_refused", "POST", "/", &[("sec-fetch-site", b"same-origin"), ("sec-fetch-site", b"same-origin")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("list_in_one_line_refused", "POST", "/", &[("sec-fetch-site", b"same-origin, cross-site")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("cross_site_trusted_exact_passes", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("same_site_trusted_pattern_passes", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"https://api.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("deep_pattern_passes", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://a.b.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("garbage_trusted_passes", "POST", "/", &[("sec-fetch-site", b"weird"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("pattern_apex_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://example.org")], Listed, Err(Refused::CrossSite)),
    row("pattern_suffix_attack_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://evilexample.org")], Listed, Err(Refused::CrossSite)),
    row("pattern_other_scheme_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"http://api.example.org")], Listed, Err(Refused::CrossSite)),
    row("trusted_other_port_refused", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"http://localhost:3001")], Listed, Err(Refused::SameSite)),
    row("trusted_with_trailing_slash_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com/")], Listed, Err(Refused::CrossSite)),
    row("trusted_uppercase_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://APP.example.com")], Listed, Err(Refused::CrossSite)),
    row("two_origins_never_trusted", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com"), ("origin", b"https://app.example.com")], Listed, Err(Refused::CrossSite)),
    row("null_never_trusted", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"null")], Listed, Err(Refused::CrossSite)),
    row("cross_site_bypass_passes", "POST", "/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
];

/// Step 3: no `Sec-Fetch-Site`; `Origin` against the request's host.
#[rustfmt::skip]
const ORIGIN_AND_HOST: &[Row] = &[
    row("no_headers_pass", "POST", "/", &[], Nothing, Ok(Pass::NoOrigin)),
    row("host_only_passes", "POST", "/", &[("host", b"bank.example")], Nothing, Ok(Pass::NoOrigin)),
    row("origin_equals_host", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("origin_equals_host_with_port", "POST", "/", &[("host", b"bank.example:8443"), ("origin", b"https://bank.example:8443")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("http_origin_of_same_host_passes", "POST", "/", &[("host", b"bank.example"), ("origin", b"http://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("loopback_ip_with_port", "POST", "/", &[("host", b"127.0.0.1:3000"), ("origin", b"http://127.0.0.1:3000")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("ipv6_host", "POST", "/", &[("host", b"[::1]:8080"), ("origin", b"http://[::1]:8080")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("other_host_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_port_origin_without", "POST", "/", &[("host", b"bank.example:8443"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_port_host_without", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example:8443")], Nothing, Err(Refused::OriginMismatch)),
    row("explicit_default_port_is_another_text", "POST", "/", &[("host", b"bank.example:443"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_suffix_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evilbank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_prefix_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example.evil.test")], Nothing, Err(Refused::OriginMismatch)),
    row("case_differs_refused", "POST", "/", &[("host", b"Bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_without_scheme_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_with_path_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example/")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_with_userinfo_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evil@bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("null_origin_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"null")], Nothing, Err(Refused::OriginMismatch)),
    row("empty_origin_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"")], Nothing, Err(Refused::OriginMismatch)),
    row("no_host_refused", "POST", "/", &[("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("empty_host_refused", "POST", "/", &[("host", b""), ("origin", b"https://")], Nothing, Err(Refused::OriginMismatch)),
    row("two_hosts_refused", "POST", "/", &[("host", b"bank.example"), ("host", b"bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("two_origins_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    // HTTP/2 (`:authority`) and absolute-form requests: the URI names the host.
    row("uri_authority_matches", "POST", "https://bank.example/transfer", &[("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("uri_authority_with_port_matches", "POST", "https://bank.example:8443/transfer", &[("origin", b"https://bank.example:8443")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("uri_authority_other_host_refused", "POST", "https://bank.example/transfer", &[("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("uri_authority_wins_over_host", "POST", "https://bank.example/transfer", &[("host", b"evil.example"), ("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("uri_userinfo_is_not_the_host", "POST", "https://user@bank.example/transfer", &[("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    // Trusted, in the fallback too.
    row("fallback_trusted_exact", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("fallback_trusted_pattern", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://eu.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("fallback_untrusted_refused", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://evil.example")], Listed, Err(Refused::OriginMismatch)),
    row("fallback_bypass", "POST", "/hooks/github", &[("host", b"api.example.com"), ("origin", b"https://evil.example")], Listed, Ok(Pass::BypassPath)),
];

/// Step 4's bypass paths, matched as received: `/webhook` exactly, and
/// under `/hooks/` in plain form only.
#[rustfmt::skip]
const BYPASS: &[Row] = &[
    row("exact_bypass", "POST", "/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("exact_bypass_ignores_query", "POST", "/webhook?id=1", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("trailing_slash_is_another_path", "POST", "/webhook/", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("double_slash_is_another_path", "POST", "//webhook", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("encoded_slash_is_another_path", "POST", "/webhook%2f..", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("dot_segments_are_another_path", "POST", "/webhook/../admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("case_is_another_path", "POST", "/Webhook", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("longer_name_is_another_path", "POST", "/webhooks", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("absolute_form_exact_bypass", "POST", "https://api.example.com/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_bypass", "POST", "/hooks/github", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_bypass_deeper", "POST", "/hooks/github/push", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_itself_bypassed", "POST", "/hooks/", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_without_slash_refused", "POST", "/hooks", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_glued_name_refused", "POST", "/hooksadmin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_dot_dot_refused", "POST", "/hooks/../admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_dot_refused", "POST", "/hooks/./github", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_encoded_dots_refused", "POST", "/hooks/%2e%2e/admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_encoded_slash_refused", "POST", "/hooks/x%2F..%2Fadmin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_empty_segment_refused", "POST", "/hooks//admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_leading_double_slash_refused", "POST", "//hooks/github", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("no_bypass_configured", "POST", "/webhook", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
];

const TABLES: &[(&str, &[Row])] = &[
    ("safe methods", SAFE_METHODS),
    ("sec-fetch-site", FETCH_SITE),
    ("origin and host", ORIGIN_AND_HOST),
    ("bypass paths", BYPASS),
];

#[test]
fn every_rule_by_the_pure_check() {
    for (table, rows) in TABLES {
        for row in *rows {
            let request = request(row.method, row.uri, row.headers);
            let trusted = trusted(row.trust);
            assert_eq!(
                csrf::check(&request, &trusted),
                row.expected,
                "{table}: {}",
                row.name
            );
            // The same answer from the request's parts.
            let (parts, ()) = request.into_parts();
            assert_eq!(csrf::check(&parts, &trusted), row.expected, "{}", row.name);
        }
    }
}

#[test]
fn every_rule_through_the_layer() {
    for (_, rows) in TABLES {
        for row in *rows {
            let request = request(row.method, row.uri, row.headers);
            through_layer(&trusted(row.trust), request, row.expected);
        }
    }
}

// ---------------------------------------------------------------------------
// One origin policy for both guards
// ---------------------------------------------------------------------------

fn cross_site_from(origin: &str) -> Request<()> {
    request(
        "POST",
        "/transfer",
        &[
            ("sec-fetch-site", b"cross-site"),
            ("origin", origin.as_bytes()),
        ],
    )
}

#[test]
fn from_policy_trusts_what_cors_allows() {
    let policy = Policy::builder()
        .allow_origins([APP, "https://*.example.org", "http://localhost:5173"])
        .allow_origin_fn(|origin| origin.ends_with(".preview.example.net"))
        .allow_credentials(true)
        .build()
        .expect("policy");
    let trusted = Trusted::from_policy(&policy);
    for (origin, expected) in [
        (APP, Ok(Pass::TrustedOrigin)),
        ("https://eu.example.org", Ok(Pass::TrustedOrigin)),
        ("http://localhost:5173", Ok(Pass::TrustedOrigin)),
        ("https://pr-1.preview.example.net", Ok(Pass::TrustedOrigin)),
        ("https://example.org", Err(Refused::CrossSite)),
        ("http://localhost:5174", Err(Refused::CrossSite)),
        (EVIL, Err(Refused::CrossSite)),
    ] {
        assert_eq!(
            csrf::check(&cross_site_from(origin), &trusted),
            expected,
            "{origin}"
        );
        // The CORS policy agrees on every one of them.
        let cors = policy.evaluate(&cross_site_from(origin)).is_allowed();
        assert_eq!(cors, expected.is_ok(), "{origin}");
        through_layer(&trusted, cross_site_from(origin), expected);
    }
    let layer = CsrfLayer::from_policy(&policy);
    assert!(layer
        .trusted()
        .trusts_origin(&HeaderValue::from_static("https://eu.example.org")));
}

#[test]
fn from_policy_never_trusts_null() {
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_null_origin_dangerously()
        .build()
        .expect("policy");
    assert!(policy.evaluate(&cross_site_from("null")).is_allowed());
    let trusted = Trusted::from_policy(&policy);
    assert_eq!(
        csrf::check(&cross_site_from("null"), &trusted),
        Err(Refused::CrossSite)
    );
    through_layer(&trusted, cross_site_from("null"), Err(Refused::CrossSite));
}

#[test]
fn from_any_origin_policy_trusts_no_origin() {
    let policy = Policy::builder()
        .allow_any_origin()
        .build()
        .expect("policy");
    assert!(policy.evaluate(&cross_site_from(EVIL)).is_allowed());
    let trusted = Trusted::from_policy(&policy);
    for origin in [APP, EVIL, "http://localhost:3000"] {
        assert_eq!(
            csrf::check(&cross_site_from(origin), &trusted),
            Err(Refused::CrossSite),
            "{origin}"
        );
    }
    // Same-origin requests still pass: it is `same_origin_only`.
    let same = request("POST", "/", &[("sec-fetch-site", b"same-origin")]);
    assert_eq!(csrf::check(&same, &trusted), Ok(Pass::SameOrigin));
}

#[test]
fn new_trusts_no_other_origin() {
    let layer = CsrfLayer::new();
    for origin in [APP, EVIL, "null"] {
        assert_eq!(
            csrf::check(&cross_site_from(origin), layer.trusted()),
            Err(Refused::CrossSite)
        );
    }
    assert!(!CsrfLayer::default().trusted().bypasses("/"));
}

#[test]
fn trust_policy_with_bypass_paths() {
    let policy = Policy::builder()
        .allow_origins([APP])
        .build()
        .expect("policy");
    let trusted = Trusted::builder()
        .trust_policy(&policy)
        .bypass_path("/webhook")
        .build()
        .expect("trust");
    assert_eq!(
        csrf::check(&cross_site_from(APP), &trusted),
        Ok(Pass::TrustedOrigin)
    );
    let hook = request("POST", "/webhook", CROSS_EVIL);
    assert_eq!(csrf::check(&hook, &trusted), Ok(Pass::BypassPath));
    assert_eq!(
        csrf::check(&cross_site_from(EVIL), &trusted),
        Err(Refused::CrossSite)
    );
}

#[test]
fn an_empty_builder_trusts_nothing() {
    let trusted = Trusted::builder().build().expect("empty is valid");
    assert_eq!(
        csrf::check(&cross_site_from(APP), &trusted),
        Err(Refused::CrossSite)
    );
    assert!(!trusted.bypasses("/"));
}

#[test]
fn a_predicate_alone_is_a_trusted_set() {
    let trusted = Trusted::builder()
        .trust_origin_fn(|origin| origin == "https://pr-7.preview.example.com")
        .build()
        .expect("predicate");
    assert_eq!(
        csrf::check(
            &cross_site_from("https://pr-7.preview.example.com"),
            &trusted
        ),
        Ok(Pass::TrustedOrigin)
    );
    assert_eq!(
        csrf::check(
            &cross_site_from("https://pr-8.preview.example.com"),
            &trusted
        ),
        Err(Refused::CrossSite)
    );
    // Never asked about malformed values.
    assert_eq!(
        csrf::check(
            &cross_site_from("https://pr-7.preview.example.com/"),
            &trusted
        ),
        Err(Refused::CrossSite)
    );
}

// ---------------------------------------------------------------------------
// Configuration errors: typed, all at once, never a panic
// ---------------------------------------------------------------------------

#[test]
fn every_configuration_problem_is_reported_at_once() {
    let policy = Policy::builder()
        .allow_origins([APP])
        .build()
        .expect("policy");
    let err = Trusted::builder()
        .trust_policy(&policy)
        .trust_origins([
            "*",
            "null",
            "https://app.example.com/",
            "http://app.example.com",
            "https://*.github.io",
            "http://localhost:3000",
        ])
        .bypass_path("webhook")
        .bypass_path("/a b")
        .bypass_path("/a/../b")
        .bypass_path("/x%zz")
        .bypass_path("/ok")
        .bypass_prefix("/hooks")
        .bypass_prefix("/")
        .bypass_prefix("//hooks/")
        .build()
        .expect_err("many problems");
    let path = |path: &str, reason| TrustProblem::InvalidBypassPath {
        path: path.to_owned(),
        reason,
    };
    let prefix = |prefix: &str, reason| TrustProblem::InvalidBypassPrefix {
        prefix: prefix.to_owned(),
        reason,
    };
    let problems = err.problems();
    let expected_some = [
        TrustProblem::AnyOrigin,
        TrustProblem::NullOrigin,
        TrustProblem::PolicyAndOrigins,
        TrustProblem::Origin(ConfigProblem::InvalidOrigin {
            origin: "https://app.example.com/".into(),
            reason: tower_cors::policy::OriginSyntaxError::TrailingSlash,
        }),
        TrustProblem::Origin(ConfigProblem::InsecureOriginWithCredentials {
            origin: "http://app.example.com".into(),
        }),
        path("webhook", BypassPathError::NotAbsolute),
        path("/a b", BypassPathError::InvalidCharacter),
        path("/a/../b", BypassPathError::NotPlain),
        path("/x%zz", BypassPathError::InvalidCharacter),
        prefix("/hooks", BypassPathError::PrefixWithoutSlash),
        prefix("/", BypassPathError::Everything),
        prefix("//hooks/", BypassPathError::NotPlain),
    ];
    for problem in &expected_some {
        assert!(
            problems.contains(problem),
            "missing {problem:?} in {problems:?}"
        );
    }
    // `*.github.io` under credentials: refused by the public-suffix check
    // (or, without the feature, because it cannot be checked).
    assert!(problems.iter().any(|p| matches!(
        p,
        TrustProblem::Origin(
            ConfigProblem::PublicSuffixWildcardWithCredentials { .. }
                | ConfigProblem::WildcardNeedsPublicSuffixList { .. }
        )
    )));
    assert_eq!(problems.len(), expected_some.len() + 1, "{problems:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("invalid cross-origin protection (13 problems):"),
        "{text}"
    );
}

#[test]
fn loopback_http_and_patterns_are_valid_trust() {
    let trusted = Trusted::builder()
        .trust_origins([
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "https://*.example.com",
        ])
        .bypass_path("/caf%C3%A9")
        .build()
        .expect("valid");
    assert!(trusted.trusts_origin(&HeaderValue::from_static("http://127.0.0.1:8080")));
    assert!(trusted.bypasses("/caf%C3%A9"));
    assert!(!trusted.bypasses("/caf%c3%a9"));
}

// ---------------------------------------------------------------------------
// The refusal response
// ---------------------------------------------------------------------------

#[test]
fn a_custom_refusal_replaces_the_default() {
    let app = CountingApp::default();
    let layer = CsrfLayer::new().refuse_with(|refused: &Refused| {
        let mut response = Response::new(format!("custom: {}", refused.summary()));
        *response.status_mut() = StatusCode::IM_A_TEAPOT;
        response
    });
    let mut service = layer.layer(app.clone());
    let response = call_now(&mut service, cross_site_from(EVIL));
    assert_eq!(app.calls(), 0);
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(response.body(), "custom: cross-site request");
    // The reason is in the extensions whatever built the response.
    assert_eq!(response.extensions().get(), Some(&Refused::CrossSite));
    // A pass still reaches the application.
    let same = request("POST", "/", &[("sec-fetch-site", b"same-origin")]);
    let response = call_now(&mut service, same);
    assert_eq!((app.calls(), response.body().as_str()), (1, "app"));
}

#[test]
fn refusal_texts_are_fixed_and_say_no_request_data() {
    for refused in [
        Refused::CrossSite,
        Refused::SameSite,
        Refused::UnrecognizedFetchSite,
        Refused::OriginMismatch,
    ] {
        let response = refused.response(());
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.headers()[CSRF_REFUSAL], refused.summary());
        assert!(refused.body_text().ends_with('\n'));
        assert!(refused
            .to_string()
            .starts_with("cross-origin request refused"));
    }
}

// ---------------------------------------------------------------------------
// With the CORS layer, in axum
// ---------------------------------------------------------------------------

#[tokio::test]
async fn inside_the_cors_layer_refusals_carry_cors_headers() {
    use axum::body::Body;
    use axum::routing::post;
    use tower::ServiceExt;
    use tower_cors::CorsLayer;

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_methods(["POST", "PUT"])
        .allow_credentials(true)
        .build()
        .expect("policy");
    // The guard trusts a narrower set than CORS here, to produce a
    // refusal for an origin CORS allows.
    let app: axum::Router = axum::Router::new()
        .route(
            "/transfer",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { "done" }
            }),
        )
        .layer(CsrfLayer::new())
        .layer(CorsLayer::new(policy));

    let forged = Request::post("/transfer")
        .header("sec-fetch-site", "same-site")
        .header("origin", APP)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(forged).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(response.headers()[CSRF_REFUSAL], "same-site request");
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // Preflights are CORS's business and never reach the guard's handler.
    let preflight = Request::options("/transfer")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(preflight).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let same = Request::post("/transfer")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(same).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------
// Hostile input: never a panic, never a pass the rules do not give
// ---------------------------------------------------------------------------

#[test]
fn huge_values_are_refused_like_any_other() {
    let huge_origin = [b"https://".as_slice(), &vec![b'a'; 100_000]].concat();
    let huge_host = vec![b'b'; 100_000];
    let huge_site = vec![b'x'; 100_000];
    let listed = trusted(Listed);
    let cases: [(Headers, Verdict); 4] = [
        (
            &[("sec-fetch-site", b"cross-site"), ("origin", &huge_origin)],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("sec-fetch-site", &huge_site),
                ("origin", b"https://evil.example"),
            ],
            Err(Refused::UnrecognizedFetchSite),
        ),
        (
            &[("host", &huge_host), ("origin", &huge_origin)],
            Err(Refused::OriginMismatch),
        ),
        // Equal huge values are the same host: the rule, not a leak.
        (
            &[("host", &huge_origin[8..]), ("origin", &huge_origin)],
            Ok(Pass::OriginMatchesHost),
        ),
    ];
    for (headers, expected) in cases {
        let request = request("POST", "/", headers);
        assert_eq!(csrf::check(&request, &listed), expected);
        through_layer(&listed, request, expected);
    }
}

#[test]
fn many_lines_are_refused() {
    let listed = trusted(Listed);
    let mut sites: Vec<(&str, &[u8])> = vec![("sec-fetch-site", b"same-origin"); 1000];
    sites.push(("origin", b"https://app.example.com"));
    // A thousand `same-origin` lines are not one; the one origin is trusted.
    assert_eq!(
        csrf::check(&request("POST", "/", &sites), &listed),
        Ok(Pass::TrustedOrigin)
    );
    assert_eq!(
        csrf::check(&request("POST", "/", &sites), &Trusted::same_origin_only()),
        Err(Refused::UnrecognizedFetchSite)
    );
    let mut origins: Vec<(&str, &[u8])> = vec![("origin", b"https://app.example.com"); 1000];
    origins.push(("sec-fetch-site", b"cross-site"));
    assert_eq!(
        csrf::check(&request("POST", "/", &origins), &listed),
        Err(Refused::CrossSite)
    );
    let mut hosts: Vec<(&str, &[u8])> = vec![("host", b"bank.example"); 1000];
    hosts.push(("origin", b"https://bank.example"));
    assert_eq!(
        csrf::check(&request("POST", "/", &hosts), &listed),
        Err(Refused::OriginMismatch)
    );
}

#[test]
fn non_utf8_values_are_refused() {
    let listed = trusted(Listed);
    let cases: [(Headers, Verdict); 5] = [
        (
            &[("sec-fetch-site", b"same-origin\xff")],
            Err(Refused::UnrecognizedFetchSite),
        ),
        (
            &[
                ("sec-fetch-site", b"cross-site"),
                ("origin", b"https://app.example.com\xe9"),
            ],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("sec-fetch-site", b"cross-site"),
                ("origin", b"https://\xc3\xa9.example.org"),
            ],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("host", b"bank.example\x80"),
                ("origin", b"https://bank.example"),
            ],
            Err(Refused::OriginMismatch),
        ),
        // Equal bytes are equal hosts, UTF-8 or not; no browser sends them.
        (
            &[("host", b"b\xffnk"), ("origin", b"https://b\xffnk")],
            Ok(Pass::OriginMatchesHost),
        ),
    ];
    for (headers, expected) in cases {
        let request = request("POST", "/", headers);
        assert_eq!(csrf::check(&request, &listed), expected);
        through_layer(&listed, request, expected);
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Origins around the trusted set: trusted ones, near-misses, garbage.
fn origin_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "https://app.example.com",
            "https://api.example.org",
            "https://a.b.example.org",
            "http://localhost:3000",
            "https://example.org",
            "https://evilexample.org",
            "https://app.example.com.evil.test",
            "http://app.example.com",
            "https://app.example.com:443",
            "https://APP.example.com",
            "http://localhost:3001",
            "null",
            "",
            "https://evil.example",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        "(https?://)?[a-z.*:0-9-]{0,24}".prop_map(String::into_bytes),
        prop::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..40),
    ]
}

fn path_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "/",
            "/webhook",
            "/webhook/",
            "//webhook",
            "/webhook%2f..",
            "/hooks/x",
            "/hooks/../admin",
            "/hooks",
            "/transfer",
        ])
        .prop_map(str::to_owned),
        "/[a-z%0-9./]{0,20}",
    ]
}

fn unsafe_method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["POST", "PUT", "DELETE", "PATCH", "get", "PURGE"])
}

fn header_line() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    let site = prop::sample::select(vec![
        "same-origin",
        "none",
        "same-site",
        "cross-site",
        "",
        "x",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![
        site.prop_map(|v| ("sec-fetch-site", v)),
        origin_strategy().prop_map(|v| ("origin", v)),
        prop_oneof![
            Just(b"api.example.com".to_vec()),
            Just(b"app.example.com".to_vec()),
            Just(b"localhost:3000".to_vec()),
            "[a-z.:0-9]{0,16}".prop_map(String::into_bytes),
        ]
        .prop_map(|v| ("host", v)),
    ]
}

fn build(method: &str, path: &str, lines: &[(&'static str, Vec<u8>)]) -> Option<Request<()>> {
    let mut request = Request::builder().method(method).uri(path).body(()).ok()?;
    for (name, value) in lines {
        let value = HeaderValue::from_bytes(value).ok()?;
        request.headers_mut().append(*name, value);
    }
    Some(request)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// No cross-site request whose Origin the trusted set refuses, on a
    /// path that is not a bypass, ever reaches the application.
    #[test]
    fn untrusted_cross_site_never_reaches_the_app(
        method in unsafe_method(),
        path in path_strategy(),
        origin in origin_strategy(),
        host in prop::option::of("[a-z.:0-9]{0,16}"),
    ) {
        let trusted = trusted(Listed);
        let mut lines = vec![("sec-fetch-site", b"cross-site".to_vec()), ("origin", origin.clone())];
        if let Some(host) = host {
            lines.push(("host", host.into_bytes()));
        }
        let Some(request) = build(method, &path, &lines) else { return Ok(()) };
        let Ok(origin) = HeaderValue::from_bytes(&origin) else { return Ok(()) };
        prop_assume!(!trusted.trusts_origin(&origin));
        prop_assume!(!trusted.bypasses(request.uri().path()));

        prop_assert_eq!(csrf::check(&request, &trusted), Err(Refused::CrossSite));
        let app = CountingApp::default();
        let mut service = CsrfLayer::trusting(trusted).layer(app.clone());
        let response = call_now(&mut service, request);
        prop_assert_eq!(app.calls(), 0);
        prop_assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    /// Whatever the header lines, every pass is one the rules give, and
    /// the layer agrees with the pure check.
    #[test]
    fn every_pass_has_its_reason(
        method in prop_oneof![unsafe_method(), Just("GET")],
        path in path_strategy(),
        lines in prop::collection::vec(header_line(), 0..6),
    ) {
        let trusted = trusted(Listed);
        let Some(request) = build(method, &path, &lines) else { return Ok(()) };
        let headers = request.headers();
        let sites: Vec<&[u8]> = headers.get_all("sec-fetch-site").iter().map(|v| v.as_bytes()).collect();
        let origins: Vec<&HeaderValue> = headers.get_all("origin").iter().collect();
        let hosts: Vec<&[u8]> = headers.get_all("host").iter().map(|v| v.as_bytes()).collect();
        let one_trusted_origin = origins.len() == 1 && trusted.trusts_origin(origins[0]);
        let verdict = csrf::check(&request, &trusted);
        match verdict {
            Ok(Pass::SafeMethod) => prop_assert_eq!(method, "GET"),
            Ok(Pass::SameOrigin) => prop_assert_eq!(&sites, &[b"same-origin".as_slice()]),
            Ok(Pass::UserInitiated) => prop_assert_eq!(&sites, &[b"none".as_slice()]),
            Ok(Pass::NoOrigin) => prop_assert!(sites.is_empty() && origins.is_empty()),
            Ok(Pass::OriginMatchesHost) => {
                prop_assert!(sites.is_empty() && origins.len() == 1 && hosts.len() == 1);
                let origin = origins[0].as_bytes();
                let scheme_end = origin.len().saturating_sub(hosts[0].len());
                prop_assert!(origin.ends_with(hosts[0]) && origin[..scheme_end].ends_with(b"://"));
            }
            Ok(Pass::TrustedOrigin) => prop_assert!(one_trusted_origin),
            Ok(Pass::BypassPath) => prop_assert!(trusted.bypasses(request.uri().path())),
            Ok(other) => prop_assert!(false, "unknown pass {:?}", other),
            Err(_) => prop_assert!(method != "GET" && !one_trusted_origin && !trusted.bypasses(request.uri().path())),
        }
        let app = CountingApp::default();
        let mut service = CsrfLayer::trusting(trusted).layer(app.clone());
        let response = call_now(&mut service, request);
        prop_assert_eq!(app.calls(), usize::from(verdict.is_ok()));
        prop_assert_eq!(response.status() == StatusCode::FORBIDDEN, verdict.is_err());
    }
}
