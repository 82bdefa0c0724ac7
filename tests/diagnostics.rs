//! Diagnostics: why a request was refused, told exactly and safely, in the
//! `cors-refusal` header, the typed `Refusal`, debug mode's answers,
//! `tracing` events (with the `tracing` feature), `Display`/`Debug` of a
//! policy and of configuration errors, and `Policy::explain`.

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use common::policies::{self, ALLOWED};
use common::App;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower::Service;
use tower_cors::policy::{Malformed, Refusal, CORS_REFUSAL};
use tower_cors::{Cors, Policy};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// One call through the layer; the mock app answers at once, so one poll
/// finishes it.
fn send(service: &mut Cors<App>, request: Request<String>) -> Response<String> {
    let waker = Waker::from(Arc::new(NoopWaker));
    let mut cx = Context::from_waker(&waker);
    assert!(Service::<Request<String>>::poll_ready(service, &mut cx).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the mock app answers at once"),
    }
}

fn request(method: &str, headers: &[(&str, &str)]) -> Request<String> {
    let mut builder = Request::builder().method(method).uri("/items/1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(String::new()).expect("valid request")
}

fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<String> {
    let mut pairs = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if let Some(names) = headers {
        pairs.push(("access-control-request-headers", names));
    }
    request("OPTIONS", &pairs)
}

/// Every header a response carries that CORS is about, as text.
fn cors_lines(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            name.as_str().starts_with("access-control-")
                || *name == CORS_REFUSAL
                || *name == header::VARY
        })
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or("<bytes>").to_owned(),
            )
        })
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// [`policies::standard`] in debug mode.
fn standard_debug() -> Policy {
    policies::credentialed()
        .allow_origins([ALLOWED, "https://*.example.org"])
        .allow_methods(["GET", "POST", "PUT", "DELETE", "PATCH"])
        .debug(true)
        .build()
        .expect("valid policy")
}

// ---------------------------------------------------------------------------
// Precise reasons: the typed refusal and the header say the same
// ---------------------------------------------------------------------------

/// (request, the refusal, its text on the wire).
fn refused_preflights() -> Vec<(Request<String>, Refusal, &'static str)> {
    vec![
        (
            preflight("https://evil.example", "PUT", None),
            Refusal::OriginNotAllowed,
            "origin not allowed",
        ),
        (
            preflight(ALLOWED, "patch", None),
            Refusal::MethodNotAllowed(Method::from_bytes(b"patch").expect("a method")),
            "method \"patch\" not allowed",
        ),
        (
            preflight(ALLOWED, "PUT", Some("content-type,X-Forbidden")),
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-forbidden")),
            "header \"x-forbidden\" not allowed",
        ),
        (
            request(
                "OPTIONS",
                &[
                    ("origin", ALLOWED),
                    ("origin", ALLOWED),
                    ("access-control-request-method", "PUT"),
                ],
            ),
            Refusal::Malformed(Malformed::MultipleOrigins),
            "malformed: several Origin headers",
        ),
        (
            preflight("https://app.example.com/", "PUT", None),
            Refusal::Malformed(Malformed::InvalidOrigin),
            "malformed: Origin is not a serialized origin",
        ),
        (
            request(
                "OPTIONS",
                &[
                    ("origin", ALLOWED),
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-method", "PUT"),
                ],
            ),
            Refusal::Malformed(Malformed::MultipleRequestMethods),
            "malformed: several Access-Control-Request-Method headers",
        ),
        (
            preflight(ALLOWED, "P(T", None),
            Refusal::Malformed(Malformed::InvalidRequestMethod),
            "malformed: Access-Control-Request-Method is not a method",
        ),
        (
            preflight(ALLOWED, "PUT", Some("x-a;x-b")),
            Refusal::Malformed(Malformed::InvalidRequestHeaders),
            "malformed: Access-Control-Request-Headers is not a list of header names",
        ),
        (
            preflight(ALLOWED, "PUT", Some(&",".repeat(4097))),
            Refusal::Malformed(Malformed::RequestHeadersTooLong),
            "malformed: Access-Control-Request-Headers is too long",
        ),
    ]
}

#[test]
fn refusals_name_the_culprit_in_the_policy_and_on_the_wire() {
    let policy = policies::standard();
    let (app, recorder) = App::new();
    let mut service = Cors::new(app, policy.clone());
    for (req, refusal, text) in refused_preflights() {
        let decision = policy.evaluate(&req);
        assert_eq!(decision.refusal(), Some(&refusal), "{text}");
        assert_eq!(refusal.to_string(), text);
        assert_eq!(decision.headers().get(&CORS_REFUSAL).expect(text), text);

        let response = send(&mut service, req);
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{text}");
        let reasons: Vec<_> = response.headers().get_all(CORS_REFUSAL).iter().collect();
        assert_eq!(reasons, [text]);
    }
    assert_eq!(recorder.count(), 0, "preflights never reach the app");
}

#[test]
fn only_tokens_are_echoed_never_the_origin() {
    let policy = policies::standard();
    // A refused origin full of text meant for a reader is not repeated.
    let hostile = "https://evil.example\"; see https://phish.example";
    let decision = policy.evaluate(&preflight(hostile, "PUT", None));
    assert_eq!(
        decision.headers().get(&CORS_REFUSAL).expect("a reason"),
        "malformed: Origin is not a serialized origin"
    );
    let decision = policy.evaluate(&preflight("https://phish.example", "PUT", None));
    assert_eq!(
        decision.headers().get(&CORS_REFUSAL).expect("a reason"),
        "origin not allowed"
    );
    // A method or header list that is not made of tokens is not echoed.
    for (method, names) in [("PUT\"x", None), ("PUT", Some("x-custom, \"quoted\""))] {
        let decision = policy.evaluate(&preflight(ALLOWED, method, names));
        let reason = decision.headers().get(&CORS_REFUSAL).expect("a reason");
        assert!(reason.to_str().expect("ascii").starts_with("malformed: "));
        // A fixed text: nothing quoted from the request.
        assert!(!reason.as_bytes().contains(&b'"'), "{reason:?}");
    }
}

#[test]
fn simple_and_actual_refusals_carry_the_same_reasons_in_the_policy() {
    let policy = policies::standard();
    let cases = [
        (
            request("GET", &[("origin", "https://evil.example")]),
            "simple request refused: origin not allowed",
        ),
        (
            request("GET", &[("origin", ALLOWED), ("origin", ALLOWED)]),
            "simple request refused: malformed: several Origin headers",
        ),
        (
            request(
                "PUT",
                &[
                    ("origin", "https://evil.example"),
                    ("content-type", "application/json"),
                ],
            ),
            "actual request refused: origin not allowed",
        ),
    ];
    for (req, text) in cases {
        let decision = policy.evaluate(&req);
        assert_eq!(decision.to_string(), text);
        // The application answers these: the reason is not sent, nothing is.
        assert_eq!(decision.headers().get(&CORS_REFUSAL), None);
    }
}

// ---------------------------------------------------------------------------
// Debug mode
// ---------------------------------------------------------------------------

#[test]
fn debug_mode_answers_a_refused_method_with_the_configured_lists() {
    let policy = standard_debug();
    let decision = policy.evaluate(&preflight(ALLOWED, "patch", Some("content-type")));
    assert!(!decision.is_allowed());
    assert_eq!(
        decision.refusal(),
        Some(&Refusal::MethodNotAllowed(
            Method::from_bytes(b"patch").expect("a method")
        ))
    );
    assert_eq!(decision.preflight_status(), Some(StatusCode::OK));
    let sent: Vec<_> = decision
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().expect("ascii").to_owned()))
        .collect();
    assert_eq!(
        sent,
        owned(&[
            ("access-control-allow-origin", ALLOWED),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET,POST,PUT,DELETE,PATCH"),
            ("access-control-allow-headers", "content-type,x-custom"),
            ("vary", "origin"),
            ("cors-refusal", "method \"patch\" not allowed"),
        ])
    );
}

#[test]
fn debug_mode_answers_a_refused_header_through_the_layer_without_the_app() {
    let (app, recorder) = App::new();
    let mut service = Cors::new(app, standard_debug());
    let response = send(
        &mut service,
        preflight(ALLOWED, "PUT", Some("content-type,x-forbidden")),
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "");
    assert_eq!(
        cors_lines(response.headers()),
        owned(&[
            ("access-control-allow-origin", ALLOWED),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET,POST,PUT,DELETE,PATCH"),
            ("access-control-allow-headers", "content-type,x-custom"),
            ("vary", "origin"),
            ("cors-refusal", "header \"x-forbidden\" not allowed"),
        ])
    );
    // No max age: the browser forgets this answer in its default 5 s.
    assert!(!response
        .headers()
        .contains_key(header::ACCESS_CONTROL_MAX_AGE));
    assert_eq!(recorder.count(), 0, "the app is never called");
}

#[test]
fn debug_mode_never_answers_a_refused_origin_or_a_malformed_request() {
    let (app, recorder) = App::new();
    let plain = policies::standard();
    let mut debug = Cors::new(app.clone(), standard_debug());
    let mut normal = Cors::new(app, plain);
    for (req, _, text) in refused_preflights() {
        let is_method_or_header = text.starts_with("method") || text.starts_with("header");
        let (parts, body) = req.into_parts();
        let again = Request::from_parts(parts.clone(), body.clone());
        let debug_answer = send(&mut debug, Request::from_parts(parts, body));
        let normal_answer = send(&mut normal, again);
        if is_method_or_header {
            assert_eq!(debug_answer.status(), StatusCode::OK, "{text}");
            continue;
        }
        // Exactly the answer of a policy without debug mode: 403 and not a
        // single Access-Control-* header.
        assert_eq!(debug_answer.status(), StatusCode::FORBIDDEN, "{text}");
        assert_eq!(
            cors_lines(debug_answer.headers()),
            cors_lines(normal_answer.headers()),
            "{text}"
        );
        assert!(
            !debug_answer
                .headers()
                .keys()
                .any(|n| n.as_str().starts_with("access-control-")),
            "{text}"
        );
    }
    assert_eq!(recorder.count(), 0);
}

#[test]
fn debug_mode_changes_nothing_that_is_allowed_or_not_a_preflight() {
    let plain = policies::standard();
    let debug = standard_debug();
    let requests = [
        preflight(ALLOWED, "PUT", Some("content-type")),
        preflight("https://api.example.org", "DELETE", None),
        request("GET", &[("origin", ALLOWED)]),
        request("GET", &[("origin", "https://evil.example")]),
        request("PUT", &[("origin", ALLOWED), ("content-type", "text/xml")]),
        request("GET", &[]),
    ];
    for req in requests {
        assert_eq!(plain.evaluate(&req), debug.evaluate(&req), "{req:?}");
    }
}

#[test]
fn debug_mode_never_echoes_what_any_header_refuses() {
    let policy = Policy::builder()
        .allow_origins([ALLOWED])
        .allow_methods(["PUT"])
        .allow_any_header()
        .debug(true)
        .build()
        .expect("valid policy");
    let decision = policy.evaluate(&preflight(ALLOWED, "PUT", Some("x-a,authorization,X-B")));
    assert_eq!(decision.preflight_status(), Some(StatusCode::OK));
    let headers = decision.headers();
    assert_eq!(
        headers
            .get(&header::ACCESS_CONTROL_ALLOW_HEADERS)
            .expect("the allowed names"),
        "x-a,x-b"
    );
    assert_eq!(
        headers.get(&CORS_REFUSAL).expect("a reason"),
        "header \"authorization\" not allowed"
    );
    // Only authorization requested: nothing to list at all.
    let decision = policy.evaluate(&preflight(ALLOWED, "PUT", Some("authorization")));
    assert_eq!(
        decision
            .headers()
            .get(&header::ACCESS_CONTROL_ALLOW_HEADERS),
        None
    );
}

#[test]
fn debug_answers_never_list_the_refused_method_or_header() {
    let policies = [
        standard_debug(),
        Policy::builder()
            .allow_origins([ALLOWED])
            .allow_any_method()
            .allow_any_header()
            .allow_credentials(true)
            .debug(true)
            .build()
            .expect("valid policy"),
        Policy::builder()
            .allow_any_origin()
            .allow_methods(["PUT"])
            .allow_headers(["x-a"])
            .debug(true)
            .build()
            .expect("valid policy"),
    ];
    let asks = [
        ("patch", None),
        ("PURGE", Some("x-a")),
        ("PUT", Some("x-a,x-nope")),
        ("PUT", Some("authorization")),
        ("TRACE", None),
    ];
    for policy in &policies {
        for (method, names) in asks {
            let decision = policy.evaluate(&preflight(ALLOWED, method, names));
            let Some(refusal) = decision.refusal() else {
                continue;
            };
            let headers = decision.headers();
            let list = |name| {
                headers
                    .get(&name)
                    .map(|v| v.to_str().expect("ascii").to_owned())
                    .unwrap_or_default()
            };
            let methods = list(header::ACCESS_CONTROL_ALLOW_METHODS);
            let allowed_headers = list(header::ACCESS_CONTROL_ALLOW_HEADERS);
            match refusal {
                Refusal::MethodNotAllowed(m) => {
                    assert!(
                        !methods.split(',').any(|x| x == m.as_str()),
                        "{m} in {methods}"
                    );
                    assert_ne!(methods, "*", "{policy}");
                }
                Refusal::HeaderNotAllowed(h) => {
                    assert!(
                        !allowed_headers
                            .split(',')
                            .any(|x| x.eq_ignore_ascii_case(h.as_str()) || x == "*"),
                        "{h} in {allowed_headers}"
                    );
                }
                other => panic!("unexpected refusal {other}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Display and Debug
// ---------------------------------------------------------------------------

// A credentialed pattern builds only with the Public Suffix List.
#[cfg(feature = "public-suffix")]
#[test]
fn a_policy_displays_in_normal_form() {
    let policy = Policy::builder()
        .allow_origins([
            "https://b.example",
            "https://a.example",
            "https://*.example.org",
            "https://b.example",
        ])
        .allow_methods(["PUT", "DELETE"])
        .allow_methods(["PUT"])
        .allow_headers(["Content-Type", "x-custom", "content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("valid policy");
    assert_eq!(
        policy.to_string(),
        "origins: https://a.example, https://b.example; patterns: https://*.example.org; \
         methods: PUT, DELETE (GET, HEAD, POST always allowed); \
         headers: content-type, x-custom (and the CORS-safelisted ones, within their value \
         rules); exposed: x-request-id; credentials: true; max-age: 600s"
    );
    assert_eq!(
        format!("{policy:#}"),
        "origins: https://a.example, https://b.example\npatterns: https://*.example.org\n\
         methods: PUT, DELETE (GET, HEAD, POST always allowed)\n\
         headers: content-type, x-custom (and the CORS-safelisted ones, within their value \
         rules)\nexposed: x-request-id\n\
         credentials: true\nmax-age: 600s"
    );
    assert_eq!(
        format!("{policy:?}"),
        "Policy { allow_origins: [\"https://*.example.org\", \"https://a.example\", \
         \"https://b.example\"], allow_methods: [\"PUT\", \"DELETE\"], \
         allow_headers: [\"content-type\", \"x-custom\"], expose_headers: [\"x-request-id\"], \
         allow_credentials: true, max_age: Some(600s), allow_private_network: false, \
         allow_null_origin_dangerously: false, allow_insecure_origins_dangerously: false, \
         allow_public_suffix_subdomains_dangerously: false, debug: false, functions: [] }"
    );
}

/// The escape hatches are what a reviewer must see first: `Display` names
/// each one that is on, as a danger.
#[test]
fn a_policy_displays_its_escape_hatches() {
    let policy = Policy::builder()
        .allow_origins(["http://intranet.example:8080", "https://*.github.io"])
        .allow_credentials(true)
        .allow_insecure_origins_dangerously()
        .allow_public_suffix_subdomains_dangerously()
        .build()
        .expect("valid with the escape hatches");
    let shown = policy.to_string();
    assert!(
        shown.contains("insecure origins: allowed dangerously"),
        "{shown}"
    );
    assert!(
        shown.contains("public-suffix subdomains: allowed dangerously"),
        "{shown}"
    );
    let plain = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .expect("valid");
    assert!(!plain.to_string().contains("dangerously"));
}

#[test]
fn other_kinds_of_origins_display_as_written() {
    let any = Policy::builder()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .expose_any_header()
        .build()
        .expect("valid policy");
    assert_eq!(
        any.to_string(),
        "origins: * (any); methods: *; headers: *; exposed: *; credentials: false"
    );
    assert!(
        format!("{any:?}").starts_with("Policy { allow_origins: [\"*\"], allow_methods: [\"*\"]")
    );

    let odd = Policy::builder()
        .allow_null_origin_dangerously()
        .allow_origin_fn(|o| o.ends_with(".preview.example"))
        .allow_private_network(true)
        .debug(true)
        .build()
        .expect("valid policy");
    assert_eq!(
        odd.to_string(),
        "origins: null; origin predicate: yes; methods: GET, HEAD, POST (always allowed); \
         headers: only the CORS-safelisted ones, within their value rules; exposed: none; \
         credentials: false; private network (legacy): true; debug: true"
    );
}

#[test]
fn a_hundred_thousand_origins_print_a_count_and_the_first_few() {
    let policy = Policy::builder()
        .allow_origins((0..100_000).map(|i| format!("https://app{i}.example.com")))
        .build()
        .expect("valid policy");
    let shown = policy.to_string();
    assert!(
        shown.starts_with(
            "origins: https://app0.example.com, https://app1.example.com, \
             https://app10.example.com, https://app100.example.com, \
             https://app1000.example.com and 99995 more (100000 in all); \
             methods: GET, HEAD, POST (always allowed)"
        ),
        "{shown}"
    );
    // Bounded whatever the count: the first few origins and fixed text.
    assert!(shown.len() < 400, "{} bytes", shown.len());
    let debug = format!("{policy:?}");
    assert!(debug.contains("\"https://app1000.example.com\", ...and 99995 more (100000 in all)]"));
    assert!(debug.len() < 600, "{} bytes", debug.len());
}

#[test]
fn methods_print_as_text_not_bytes() {
    let debug = format!("{:?}", policies::standard());
    assert!(debug.contains("methods: [\"GET\", \"POST\", \"PUT\", \"DELETE\", \"PATCH\"]"));
    assert!(!debug.contains("[71, 69, 84]"), "{debug}");
}

#[test]
fn config_errors_debug_as_they_display() {
    let err = Policy::builder()
        .allow_origins(["https://app.example.com/", "null"])
        .allow_methods(["TRACE"])
        .build()
        .expect_err("three problems");
    assert_eq!(format!("{err:?}"), err.to_string());
    assert_eq!(
        format!("{err:?}"),
        "invalid CORS policy (3 problems):\n  \
         - origin \"https://app.example.com/\" can never match a browser's Origin header: \
         it ends with a slash, which browsers never send; write \"https://app.example.com\"\n  \
         - the origin \"null\" is shared by every sandboxed or opaque page, attackers' included; \
         use allow_null_origin_dangerously if you really mean it\n  \
         - method \"TRACE\" is forbidden by the Fetch standard: no page can send it"
    );
    // What `fn main() -> Result<(), Box<dyn Error>>` prints.
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(format!("{boxed:?}"), err.to_string());
}

// ---------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------

fn explain(policy: &Policy, req: &Request<String>) -> Vec<String> {
    policy.explain(req).lines().map(str::to_owned).collect()
}

#[test]
fn explain_a_request_without_origin() {
    assert_eq!(
        explain(&policies::standard(), &request("GET", &[])),
        [
            "not a CORS request: no Origin header",
            "decision: not a CORS request: passed through",
            "answer: the application's, with the headers below added",
            "headers sent:",
            "  vary: origin",
        ]
    );
}

#[test]
fn explain_an_allowed_simple_request_by_pattern() {
    assert_eq!(
        explain(
            &policies::standard(),
            &request("GET", &[("origin", "https://api.example.org")])
        ),
        [
            "simple request: GET with only safelisted headers, which a browser sends without asking first",
            "origin \"https://api.example.org\": allowed by the pattern https://*.example.org",
            "decision: simple request allowed",
            "answer: the application's, with the headers below added; the page may read it",
            "headers sent:",
            "  access-control-allow-origin: https://api.example.org",
            "  access-control-allow-credentials: true",
            "  access-control-expose-headers: x-request-id",
            "  vary: origin",
        ]
    );
}

#[test]
fn explain_a_refused_simple_request() {
    assert_eq!(
        explain(
            &policies::standard(),
            &request("POST", &[("origin", "https://example.org")])
        ),
        [
            "simple request: POST with only safelisted headers, which a browser sends without asking first",
            "origin \"https://example.org\": refused: not among the allowed origins \
             (https://app.example.com), matches no pattern (https://*.example.org)",
            "decision: simple request refused: origin not allowed",
            "answer: the application's (it still runs), with the headers below added; \
             the browser hides it from the page",
            "headers sent:",
            "  vary: origin",
        ]
    );
}

#[test]
fn explain_an_allowed_actual_request() {
    let lines = explain(
        &policies::standard(),
        &request(
            "PUT",
            &[("origin", ALLOWED), ("content-type", "application/json")],
        ),
    );
    assert_eq!(
        lines[..3],
        [
            "actual request: PUT with Origin, which a browser sends only after a preflight \
             allowed it (or a client that is not a browser sent it)",
            "origin \"https://app.example.com\": allowed, listed",
            "decision: actual request allowed",
        ]
    );
}

#[test]
fn explain_an_allowed_preflight() {
    assert_eq!(
        explain(
            &policies::standard(),
            &preflight(ALLOWED, "PATCH", Some("X-Custom"))
        ),
        [
            "preflight: OPTIONS with Origin and Access-Control-Request-Method",
            "origin \"https://app.example.com\": allowed, listed",
            "method PATCH: allowed, listed",
            "header x-custom: allowed, listed",
            "decision: preflight allowed",
            "answer: 204 No Content from the layer; the application is not called",
            "headers sent:",
            "  access-control-allow-origin: https://app.example.com",
            "  access-control-allow-credentials: true",
            "  access-control-allow-methods: GET,POST,PUT,DELETE,PATCH",
            "  access-control-allow-headers: content-type,x-custom",
            "  access-control-max-age: 600",
            "  vary: origin",
        ]
    );
}

#[test]
fn explain_a_preflight_refused_for_its_origin() {
    let lines = explain(
        &policies::standard(),
        &preflight("https://evil.example", "PUT", None),
    );
    assert_eq!(
        lines[1],
        "origin \"https://evil.example\": refused: not among the allowed origins \
         (https://app.example.com), matches no pattern (https://*.example.org)"
    );
    assert_eq!(
        lines[4..],
        [
            "answer: 403 Forbidden from the layer; the application is not called",
            "headers sent:",
            "  vary: origin",
            "  cors-refusal: origin not allowed",
        ]
    );
}

#[test]
fn explain_a_method_compared_byte_for_byte() {
    let lines = explain(&policies::standard(), &preflight(ALLOWED, "patch", None));
    assert_eq!(
        lines[2],
        "method patch: refused: methods are compared byte for byte, and PATCH is listed, \
         not patch (browsers uppercase only DELETE GET HEAD OPTIONS POST PUT)"
    );
    assert_eq!(
        lines[3],
        "decision: preflight refused: method \"patch\" not allowed"
    );
    let lines = explain(&policies::standard(), &preflight(ALLOWED, "PURGE", None));
    assert_eq!(
        lines[2],
        "method PURGE: refused, not in the allowed methods (GET, POST, PUT, DELETE, PATCH)"
    );
}

#[test]
fn explain_each_requested_header() {
    let lines = explain(
        &policies::any_header(),
        &preflight(ALLOWED, "PUT", Some("x-a,authorization")),
    );
    assert_eq!(
        lines[3..6],
        [
            "header x-a: allowed: any header (*)",
            "header authorization: refused: * never covers authorization; list it to allow it",
            "decision: preflight refused: header \"authorization\" not allowed",
        ]
    );
}

#[test]
fn explain_malformed_requests_and_escape_what_they_carry() {
    let policy = policies::standard();
    let lines = explain(
        &policy,
        &request(
            "GET",
            &[("origin", ALLOWED), ("origin", "https://evil.example")],
        ),
    );
    assert_eq!(
        lines[1],
        "origin: refused, 2 Origin headers where a browser sends one"
    );
    assert_eq!(
        lines[2],
        "decision: simple request refused: malformed: several Origin headers"
    );

    let mut req = request("GET", &[]);
    req.headers_mut().insert(
        header::ORIGIN,
        HeaderValue::from_bytes(b"https://a.example\t\xe2\x80\xa8INFO forged").expect("a value"),
    );
    let text = policy.explain(&req);
    assert!(
        text.lines().any(|l| l.starts_with(
            "origin \"https://a.example\\x09\\xe2\\x80\\xa8INFO forged\": refused, malformed"
        )),
        "{text}"
    );
    assert!(
        text.bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b)),
        "{text:?}"
    );

    let lines = explain(&policy, &preflight(ALLOWED, "PUT", Some("x-a;x-b")));
    assert_eq!(
        lines[3],
        "requested headers: refused, malformed: Access-Control-Request-Headers is not a list of \
         header names"
    );
}

#[test]
fn explain_debug_mode_null_and_predicates() {
    let lines = explain(
        &standard_debug(),
        &preflight(ALLOWED, "PUT", Some("x-forbidden")),
    );
    assert_eq!(
        lines[4..7],
        [
            "decision: preflight refused: header \"x-forbidden\" not allowed",
            "answer: 200 OK from the layer, debug mode: the configured lists, which the browser \
             will find lacking and say so; the application is not called",
            "headers sent:",
        ]
    );

    let odd = Policy::builder()
        .allow_null_origin_dangerously()
        .allow_origin_fn(|o| o.ends_with(".preview.example"))
        .build()
        .expect("valid policy");
    let first = |origin: &str| explain(&odd, &request("GET", &[("origin", origin)]))[1].clone();
    assert_eq!(
        first("null"),
        "origin \"null\": allowed: null is allowed, dangerously (every sandboxed page sends it)"
    );
    assert_eq!(
        first("https://pr-1.preview.example"),
        "origin \"https://pr-1.preview.example\": allowed by allow_origin_fn"
    );
    assert_eq!(
        first("https://other.example"),
        "origin \"https://other.example\": refused: not among the allowed origins (null), \
         and allow_origin_fn said no"
    );
    assert_eq!(
        explain(
            &policies::standard(),
            &request("GET", &[("origin", "null")])
        )[1],
        "origin \"null\": refused: null is the origin of sandboxed and opaque pages, allowed \
         only with allow_null_origin_dangerously"
    );
    let any = Policy::builder()
        .allow_any_origin()
        .build()
        .expect("valid policy");
    assert_eq!(
        explain(&any, &request("GET", &[("origin", "https://x.example")]))[1],
        "origin \"https://x.example\": allowed: any origin (*)"
    );
    let null = request("GET", &[("origin", "null")]);
    assert!(any.evaluate(&null).is_allowed());
    assert_eq!(
        explain(&any, &null)[1],
        "origin \"null\": allowed: any origin (*), null included"
    );
    assert_eq!(
        explain(&any, &request("GET", &[("origin", "https://x.example/")]))[1],
        "origin \"https://x.example/\": refused, malformed: not scheme://host[:port] as a \
         browser writes it"
    );
}

// ---------------------------------------------------------------------------
// tracing
// ---------------------------------------------------------------------------

#[cfg(feature = "tracing")]
mod tracing_events {
    use std::collections::BTreeMap;

    use tracing::Level;
    use tracing_subscriber::filter::LevelFilter;

    use super::*;
    use crate::common::events::{record, record_at, Captured};

    /// The events one call through the layer records, with the subscriber
    /// letting through `level` and below.
    fn events_of(
        policy: Policy,
        level: LevelFilter,
        req: Request<String>,
    ) -> (Vec<Captured>, Response<String>) {
        let (app, _) = App::new();
        let mut service = Cors::new(app, policy);
        let (response, recorded) = record_at(level, || send(&mut service, req));
        (recorded.events, response)
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_refused_preflight_is_one_debug_event_with_its_fields() {
        let (events, response) = events_of(
            policies::standard(),
            LevelFilter::TRACE,
            preflight(ALLOWED, "PUT", Some("content-type,x-forbidden")),
        );
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            events,
            [Captured {
                level: Level::DEBUG,
                target: "tower_cors".into(),
                fields: fields(&[
                    ("message", "CORS request refused"),
                    ("origin", "\"https://app.example.com\""),
                    ("method", "\"OPTIONS\""),
                    ("kind", "preflight"),
                    ("reason", "header \"x-forbidden\" not allowed"),
                    ("requested_method", "\"PUT\""),
                    ("requested_headers", "\"content-type,x-forbidden\""),
                ]),
            }]
        );
    }

    #[test]
    fn a_refused_simple_request_is_one_debug_event_without_requested_fields() {
        let (events, _) = events_of(
            policies::standard(),
            LevelFilter::DEBUG,
            request("GET", &[("origin", "https://evil.example")]),
        );
        assert_eq!(
            events,
            [Captured {
                level: Level::DEBUG,
                target: "tower_cors".into(),
                fields: fields(&[
                    ("message", "CORS request refused"),
                    ("origin", "\"https://evil.example\""),
                    ("method", "\"GET\""),
                    ("kind", "simple"),
                    ("reason", "origin not allowed"),
                ]),
            }]
        );
    }

    #[test]
    fn allowed_cors_requests_are_one_trace_event_and_others_none() {
        let (events, _) = events_of(
            policies::standard(),
            LevelFilter::TRACE,
            request("GET", &[("origin", ALLOWED)]),
        );
        assert_eq!(
            events,
            [Captured {
                level: Level::TRACE,
                target: "tower_cors".into(),
                fields: fields(&[
                    ("message", "CORS request allowed"),
                    ("origin", "\"https://app.example.com\""),
                    ("method", "\"GET\""),
                    ("kind", "simple"),
                ]),
            }]
        );
        let (events, _) = events_of(
            policies::standard(),
            LevelFilter::TRACE,
            preflight(ALLOWED, "PUT", None),
        );
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].fields["requested_headers"], "none");
        // At DEBUG, allowed requests say nothing; without Origin, nothing
        // is said at any level.
        let (events, _) = events_of(
            policies::standard(),
            LevelFilter::DEBUG,
            request("GET", &[("origin", ALLOWED)]),
        );
        assert_eq!(events, []);
        let (events, _) = events_of(
            policies::standard(),
            LevelFilter::TRACE,
            request("GET", &[]),
        );
        assert_eq!(events, []);
    }

    #[test]
    fn with_debug_enabled_the_logged_reason_is_exact() {
        // Only exact origins: the layer alone would not parse a refused
        // origin (the answer is the same), but the log says what it was.
        let policy = Policy::builder()
            .allow_origins([ALLOWED])
            .build()
            .expect("valid policy");
        let (events, response) = events_of(
            policy.clone(),
            LevelFilter::DEBUG,
            request("GET", &[("origin", "https://app.example.com/")]),
        );
        assert_eq!(
            events[0].fields["reason"],
            "malformed: Origin is not a serialized origin"
        );
        let (events, quiet) = events_of(
            policy,
            LevelFilter::INFO,
            request("GET", &[("origin", "https://app.example.com/")]),
        );
        assert_eq!(events, []);
        assert_eq!(cors_lines(response.headers()), cors_lines(quiet.headers()));
    }

    #[test]
    fn hostile_header_bytes_cannot_forge_a_log_line() {
        // `http` refuses CR, LF, NUL and every other control byte but tab
        // in a header value (hyper refuses them on the wire); what is left
        // for an attacker is tab and the bytes 0x80 to 0xFF: C1 controls
        // such as NEL (0x85) and CSI (0x9B), and UTF-8 line separators.
        assert!(HeaderValue::from_bytes(b"a\r\nb").is_err());
        assert!(HeaderValue::from_bytes(b"a\x1b[2Jb").is_err());
        let hostile: &[&[u8]] = &[
            b"https://a.example\t2026-01-01T00:00:00Z  INFO admin logged in",
            b"https://a.example\x85 INFO forged after NEL",
            b"https://a.example\x9b2J",
            b"https://a.example\xe2\x80\xa8INFO forged after U+2028",
            b"https://a.example\xc2\x85INFO forged after U+0085",
        ];
        let (app, _) = App::new();
        let mut service = Cors::new(app, policies::standard());
        let ((), recorded) = record(|| {
            for origin in hostile {
                let value = HeaderValue::from_bytes(origin).expect("tab and obs-text are allowed");
                let mut simple = request("GET", &[]);
                simple.headers_mut().insert(header::ORIGIN, value.clone());
                send(&mut service, simple);
                let mut pre = preflight(ALLOWED, "PUT", None);
                pre.headers_mut().insert(header::ORIGIN, value.clone());
                pre.headers_mut()
                    .insert(header::ACCESS_CONTROL_REQUEST_HEADERS, value);
                send(&mut service, pre);
            }
        });
        let written = recorded.text.into_bytes();
        let lines: Vec<&[u8]> = written
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), 2 * hostile.len(), "one line per event");
        for line in &lines {
            assert!(
                line.iter().all(|&b| (b' '..=b'~').contains(&b)),
                "a raw byte in {:?}",
                String::from_utf8_lossy(line)
            );
            let text = String::from_utf8_lossy(line);
            assert!(text.contains("tower_cors: CORS request refused"), "{text}");
        }
        let text = String::from_utf8_lossy(&written);
        assert!(text.contains(r#"origin="https://a.example\x092026-01-01T00:00:00Z  INFO admin"#));
        assert!(text.contains(r#"origin="https://a.example\xe2\x80\xa8INFO forged after U+2028""#));
    }
}

/// Private Network Access is legacy: `explain` says whether the layer
/// answers it, and that Chrome's Local Network Access prompt replaced it.
#[test]
fn explain_labels_private_network_access_legacy() {
    let preflight = || {
        Request::options("/")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "GET")
            .header("access-control-request-private-network", "true")
            .body(String::new())
            .expect("valid request")
    };
    let on = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_private_network(true)
        .build()
        .expect("valid policy");
    let off = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .expect("valid policy");
    let lines = explain(&on, &preflight());
    assert!(
        lines.contains(
            &"private network (legacy Private Network Access preflight): answered, \
              allow_private_network is on"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Local Network Access")),
        "{lines:#?}"
    );
    let lines = explain(&off, &preflight());
    assert!(
        lines.contains(
            &"private network (legacy Private Network Access preflight): not answered, \
              allow_private_network is off"
                .to_owned()
        ),
        "{lines:#?}"
    );
    // Not asked, not mentioned.
    let plain = Request::options("/")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "GET")
        .body(String::new())
        .expect("valid request");
    assert!(!explain(&on, &plain)
        .iter()
        .any(|l| l.contains("private network")));
}
