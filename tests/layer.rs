//! The tower glue, against a mock application that records what reaches it:
//! which requests the layer answers itself, which it forwards, and exactly
//! which headers it adds to, replaces in, or merges into the app's answer.

mod common;

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use common::policies::{self, ALLOWED};
use common::{App, APP_BODY};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
    VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_cors::policy::{Malformed, CORS_REFUSAL};
use tower_cors::{Cors, CorsLayer, Policy, Refusal};

// Most tests use `policies::standard()`: listed origins with credentials,
// so every answer varies by origin.

/// Builds a request with the given method and header lines, in order
/// (repeated names give repeated lines).
fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> Request<String> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(String::new()).expect("valid request")
}

fn preflight(origin: &str, method: &str, request_headers: Option<&str>) -> Request<String> {
    let mut headers = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if let Some(list) = request_headers {
        headers.push(("access-control-request-headers", list));
    }
    request("OPTIONS", "/items/1", &headers)
}

async fn send<S>(service: S, request: Request<String>) -> Response<String>
where
    S: Service<Request<String>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    service.oneshot(request).await.expect("the app never fails")
}

/// Every header line as (name, value), grouped by name in name order; the
/// order of the lines of one name is kept, since it matters for `Vary`.
fn lines(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().expect("ascii header").to_owned(),
            )
        })
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// A response reduced to what a client sees: status, header lines, body.
fn snapshot(response: &Response<String>) -> (StatusCode, Vec<(String, String)>, String) {
    (
        response.status(),
        lines(response.headers()),
        response.body().clone(),
    )
}

/// The app's own response with `extra` lines appended (after the app's
/// lines of the same name).
fn app_response_plus(
    app: &App,
    extra: &[(&str, &str)],
) -> (StatusCode, Vec<(String, String)>, String) {
    let mut response = app.response();
    for (name, value) in extra {
        response.headers_mut().append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("valid name"),
            HeaderValue::from_str(value).expect("valid value"),
        );
    }
    snapshot(&response)
}

fn vary_tokens(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(VARY)
        .iter()
        .flat_map(|line| line.to_str().expect("ascii").split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .collect()
}

// ---------------------------------------------------------------------------
// Preflights are answered by the layer.

#[tokio::test]
async fn allowed_preflight_is_answered_with_204_without_the_app() {
    let (app, recorder) = App::new();
    let service = Cors::new(app, policies::standard());

    let response = send(
        service,
        preflight(ALLOWED, "PUT", Some("content-type,x-custom")),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        lines(response.headers()),
        owned(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type,x-custom"),
            ("access-control-allow-methods", "GET,POST,PUT,DELETE,PATCH"),
            ("access-control-allow-origin", ALLOWED),
            ("access-control-max-age", "600"),
            ("vary", "origin"),
        ])
    );
    assert_eq!(response.body(), "");
    assert_eq!(response.headers().get(CORS_REFUSAL), None);
    assert_eq!(recorder.count(), 0, "a preflight must not reach the app");
}

#[tokio::test]
async fn allowed_preflight_from_a_wildcard_origin_echoes_that_origin() {
    let (app, recorder) = App::new();
    let response = send(
        Cors::new(app, policies::standard()),
        preflight("https://api.eu.example.org", "DELETE", None),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
        "https://api.eu.example.org"
    );
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn port_wildcards_and_final_dots_through_the_layer() {
    let policy = Policy::builder()
        .allow_origins(["http://localhost:*", "https://app.example.com."])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .build()
        .expect("valid policy");
    let (app, recorder) = App::new();
    for (origin, allowed) in [
        ("http://localhost:5173", true),
        ("http://localhost", true),
        ("http://localhost.:5173", false),
        ("https://app.example.com.", true),
        ("https://app.example.com", false),
    ] {
        let response = send(
            Cors::new(app.clone(), policy.clone()),
            preflight(origin, "PUT", None),
        )
        .await;
        let expected = if allowed {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(response.status(), expected, "{origin}");
        let granted = response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(granted.is_some(), allowed, "{origin}");
        if let Some(granted) = granted {
            assert_eq!(granted, origin);
        }

        let response = send(
            Cors::new(app.clone(), policy.clone()),
            request("GET", "/", &[("origin", origin)]),
        )
        .await;
        let mut extra = vec![("vary", "origin")];
        if allowed {
            extra.extend([
                ("access-control-allow-origin", origin),
                ("access-control-allow-credentials", "true"),
            ]);
        }
        assert_eq!(
            snapshot(&response),
            app_response_plus(&app, &extra),
            "{origin}"
        );
    }
    assert_eq!(recorder.count(), 5, "only the GETs reach the app");
}

struct RefusedCase {
    name: &'static str,
    policy: fn() -> Policy,
    headers: Vec<(&'static str, String)>,
    refusal: Refusal,
    vary: &'static str,
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("valid method")
}

fn refused_cases() -> Vec<RefusedCase> {
    let acrm = "access-control-request-method";
    let acrh = "access-control-request-headers";
    let case = |name, policy, headers: &[(&'static str, &str)], refusal, vary| RefusedCase {
        name,
        policy,
        headers: headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        refusal,
        vary,
    };
    let commas = ",".repeat(64 * 1024);
    vec![
        case(
            "origin not listed",
            policies::standard,
            &[("origin", "https://evil.example"), (acrm, "PUT")],
            Refusal::OriginNotAllowed,
            "origin",
        ),
        case(
            "listed origin as a prefix of another host",
            policies::standard,
            &[
                ("origin", "https://app.example.com.evil.net"),
                (acrm, "PUT"),
            ],
            Refusal::OriginNotAllowed,
            "origin",
        ),
        case(
            "wildcard pattern does not cover its own domain",
            policies::standard,
            &[("origin", "https://example.org"), (acrm, "PUT")],
            Refusal::OriginNotAllowed,
            "origin",
        ),
        case(
            "null origin not opted in",
            policies::standard,
            &[("origin", "null"), (acrm, "PUT")],
            Refusal::OriginNotAllowed,
            "origin",
        ),
        case(
            "method not listed",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "PURGE")],
            Refusal::MethodNotAllowed(method("PURGE")),
            "origin",
        ),
        case(
            "lowercase patch is not PATCH",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "patch")],
            Refusal::MethodNotAllowed(method("patch")),
            "origin",
        ),
        case(
            "header not listed",
            policies::standard,
            &[
                ("origin", ALLOWED),
                (acrm, "PUT"),
                (acrh, "content-type,x-foo"),
            ],
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-foo")),
            "origin",
        ),
        case(
            "header not listed, named in odd case",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "PUT"), (acrh, "X-Foo")],
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-foo")),
            "origin",
        ),
        case(
            "authorization is never covered by any-header",
            policies::any_header,
            &[
                ("origin", ALLOWED),
                (acrm, "PUT"),
                (acrh, "authorization,x-anything"),
            ],
            Refusal::HeaderNotAllowed(HeaderName::from_static("authorization")),
            "origin, access-control-request-headers",
        ),
        case(
            "origin with a trailing slash",
            policies::standard,
            &[("origin", "https://app.example.com/"), (acrm, "PUT")],
            Refusal::Malformed(Malformed::InvalidOrigin),
            "origin",
        ),
        case(
            "origin with a default port",
            policies::standard,
            &[("origin", "https://app.example.com:443"), (acrm, "PUT")],
            Refusal::Malformed(Malformed::InvalidOrigin),
            "origin",
        ),
        case(
            "two Origin headers, both allowed",
            policies::standard,
            &[("origin", ALLOWED), ("origin", ALLOWED), (acrm, "PUT")],
            Refusal::Malformed(Malformed::MultipleOrigins),
            "origin",
        ),
        case(
            "two Access-Control-Request-Method headers",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "PUT"), (acrm, "PUT")],
            Refusal::Malformed(Malformed::MultipleRequestMethods),
            "origin",
        ),
        case(
            "request method that is not a token",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "PU T")],
            Refusal::Malformed(Malformed::InvalidRequestMethod),
            "origin",
        ),
        case(
            "request headers that are not a list of names",
            policies::standard,
            &[
                ("origin", ALLOWED),
                (acrm, "PUT"),
                (acrh, "x-custom;content-type"),
            ],
            Refusal::Malformed(Malformed::InvalidRequestHeaders),
            "origin",
        ),
        case(
            "64 KiB of commas in Access-Control-Request-Headers",
            policies::standard,
            &[("origin", ALLOWED), (acrm, "PUT"), (acrh, &commas)],
            Refusal::Malformed(Malformed::RequestHeadersTooLong),
            "origin",
        ),
    ]
}

#[tokio::test]
async fn refused_preflight_is_403_with_no_cors_header_and_says_why() {
    for case in refused_cases() {
        let (app, recorder) = App::new();
        let mut builder = Request::builder().method("OPTIONS").uri("/items/1");
        for (name, value) in &case.headers {
            builder = builder.header(*name, value.as_str());
        }
        let req = builder.body(String::new()).expect("valid request");
        let policy = (case.policy)();
        // The layer only applies the policy's decision: check that the
        // decision is the refusal this case is about, then what is sent.
        assert_eq!(
            policy.evaluate(&req).refusal(),
            Some(&case.refusal),
            "{}",
            case.name
        );

        let response = send(Cors::new(app, policy), req).await;

        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{}", case.name);
        assert!(
            !response
                .headers()
                .keys()
                .any(|name| name.as_str().starts_with("access-control-")),
            "{}: {:?}",
            case.name,
            response.headers()
        );
        // Nothing granted: only the reason and the cache instruction.
        assert_eq!(
            lines(response.headers()),
            owned(&[
                ("cors-refusal", &case.refusal.to_string()),
                ("vary", case.vary)
            ]),
            "{}",
            case.name
        );
        assert_eq!(response.body(), "", "{}", case.name);
        assert_eq!(recorder.count(), 0, "{}: reached the app", case.name);
    }
}

#[tokio::test]
async fn refusal_reasons_name_the_culprit() {
    // The `cors-refusal` values a developer sees in the network panel.
    let (app, _) = App::new();
    let service = Cors::new(app, policies::standard());
    let cases = [
        (
            preflight("https://evil.example", "PUT", None),
            "origin not allowed",
        ),
        (
            preflight(ALLOWED, "PURGE", None),
            "method \"PURGE\" not allowed",
        ),
        (
            preflight(ALLOWED, "PUT", Some("content-type,X-Foo")),
            "header \"x-foo\" not allowed",
        ),
        (
            preflight("https://app.example.com/", "PUT", None),
            "malformed: Origin is not a serialized origin",
        ),
    ];
    for (req, summary) in cases {
        let response = send(service.clone(), req).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{summary}");
        assert_eq!(
            response
                .headers()
                .get_all(CORS_REFUSAL)
                .iter()
                .collect::<Vec<_>>(),
            [summary]
        );
    }
}

// ---------------------------------------------------------------------------
// What is not a preflight belongs to the application.

#[tokio::test]
async fn options_without_request_method_reaches_the_app_and_is_decorated() {
    let (app, recorder) = App::new();
    let req = request("OPTIONS", "/items/1", &[("origin", ALLOWED)]);

    let response = send(Cors::new(app.clone(), policies::standard()), req).await;

    assert_eq!(
        snapshot(&response),
        app_response_plus(
            &app,
            &[
                ("access-control-allow-origin", ALLOWED),
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", "x-request-id"),
                ("vary", "origin"),
            ]
        )
    );
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "OPTIONS");
    assert_eq!(seen[0].path, "/items/1");
}

#[tokio::test]
async fn options_without_origin_reaches_the_app_untouched_but_for_vary() {
    let (app, recorder) = App::new();
    let req = request(
        "OPTIONS",
        "/items/1",
        &[("access-control-request-method", "PUT")],
    );

    let response = send(Cors::new(app.clone(), policies::standard()), req).await;

    assert_eq!(
        snapshot(&response),
        app_response_plus(&app, &[("vary", "origin")])
    );
    assert_eq!(recorder.count(), 1);
    assert_eq!(recorder.seen()[0].method, "OPTIONS");
}

#[tokio::test]
async fn lowercase_options_is_not_a_preflight() {
    // Methods are case-sensitive and browsers always send `OPTIONS`: an
    // `options` request is some other method and goes to the app.
    let (app, recorder) = App::new();
    let req = request(
        "options",
        "/",
        &[
            ("origin", ALLOWED),
            ("access-control-request-method", "PUT"),
        ],
    );

    let response = send(Cors::new(app, policies::standard()), req).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), APP_BODY);
    assert_eq!(recorder.count(), 1);
    assert_eq!(recorder.seen()[0].method, "options");
}

// ---------------------------------------------------------------------------
// Simple and actual requests.

#[tokio::test]
async fn allowed_simple_and_actual_requests_reach_the_app_once_and_get_headers() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("GET", &[("origin", ALLOWED)]),
        (
            "POST",
            &[("origin", ALLOWED), ("content-type", "text/plain")],
        ),
        (
            "POST",
            &[("origin", ALLOWED), ("content-type", "application/json")],
        ),
        ("PUT", &[("origin", ALLOWED), ("x-custom", "1")]),
        ("DELETE", &[("origin", "https://a.example.org")]),
        // Any method reaches the app: the browser would have preflighted it,
        // and CORS protects the response, not the server.
        ("PURGE", &[("origin", ALLOWED)]),
    ];
    for (method, headers) in cases {
        let (app, recorder) = App::new();
        let req = request(method, "/items/7?x=1", headers);
        let sent_headers = req.headers().clone();
        let origin = req.headers()["origin"].to_str().unwrap().to_owned();

        let response = send(Cors::new(app.clone(), policies::standard()), req).await;

        assert_eq!(
            snapshot(&response),
            app_response_plus(
                &app,
                &[
                    ("access-control-allow-origin", &origin),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-expose-headers", "x-request-id"),
                    ("vary", "origin"),
                ]
            ),
            "{method} {headers:?}"
        );
        let seen = recorder.seen();
        assert_eq!(seen.len(), 1, "{method}");
        assert_eq!(seen[0].method, *method);
        assert_eq!(seen[0].path, "/items/7");
        assert_eq!(
            seen[0].headers, sent_headers,
            "the app sees the request as sent"
        );
    }
}

#[tokio::test]
async fn disallowed_malformed_or_missing_origin_gets_the_app_response_plus_vary_only() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("GET", &[]),
        ("POST", &[("content-type", "application/json")]),
        ("GET", &[("origin", "https://evil.example")]),
        ("GET", &[("origin", "null")]),
        ("GET", &[("origin", "https://app.example.com/")]),
        ("PUT", &[("origin", "https://app.example.com.evil.net")]),
        ("GET", &[("origin", ALLOWED), ("origin", ALLOWED)]),
        ("OPTIONS", &[("origin", "https://evil.example")]),
    ];
    for (method, headers) in cases {
        let (app, recorder) = App::new();
        let response = send(
            Cors::new(app.clone(), policies::standard()),
            request(method, "/", headers),
        )
        .await;

        assert_eq!(
            snapshot(&response),
            app_response_plus(&app, &[("vary", "origin")]),
            "{method} {headers:?}"
        );
        assert_eq!(recorder.count(), 1, "{method} {headers:?}");
    }
}

#[tokio::test]
async fn application_allow_origin_is_replaced_never_doubled() {
    let (app, _) = App::new();
    let app = app
        .with_header(ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .with_header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://other.example")
        .with_header(ACCESS_CONTROL_EXPOSE_HEADERS, "x-app-secret");

    let response = send(
        Cors::new(app, policies::standard()),
        request("GET", "/", &[("origin", ALLOWED)]),
    )
    .await;

    let values = |name| {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(ACCESS_CONTROL_ALLOW_ORIGIN), [ALLOWED]);
    assert_eq!(values(ACCESS_CONTROL_EXPOSE_HEADERS), ["x-request-id"]);
    assert_eq!(values(ACCESS_CONTROL_ALLOW_CREDENTIALS), ["true"]);
}

// ---------------------------------------------------------------------------
// Any origin, and "any" under credentials.

fn any_origin_policy() -> Policy {
    Policy::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .expose_headers(["x-request-id"])
        .build()
        .expect("valid policy")
}

#[tokio::test]
async fn any_origin_answers_star_on_every_response_and_adds_no_vary() {
    let (app, recorder) = App::new();
    let response = send(
        Cors::new(app.clone(), any_origin_policy()),
        request("GET", "/", &[("origin", "https://anyone.example")]),
    )
    .await;
    assert_eq!(
        snapshot(&response),
        app_response_plus(
            &app,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-expose-headers", "x-request-id"),
            ]
        )
    );

    // Without Origin, or with one no browser sends, the same answer: a
    // cache may serve this response to any later request
    // (`#cors-protocol-and-http-caches`).
    for headers in [
        &[][..],
        &[("origin", "https://anyone.example/")][..],
        &[
            ("origin", "https://a.example"),
            ("origin", "https://b.example"),
        ][..],
    ] {
        let response = send(
            Cors::new(app.clone(), any_origin_policy()),
            request("GET", "/", headers),
        )
        .await;
        assert_eq!(
            snapshot(&response),
            app_response_plus(
                &app,
                &[
                    ("access-control-allow-origin", "*"),
                    ("access-control-expose-headers", "x-request-id"),
                ]
            ),
            "{headers:?}"
        );
    }

    let response = send(
        Cors::new(app.clone(), any_origin_policy()),
        preflight("https://anyone.example", "PUT", None),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        lines(response.headers()),
        owned(&[
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-origin", "*"),
        ])
    );
    // A preflight's answer still tells a malformed origin apart.
    let response = send(
        Cors::new(app, any_origin_policy()),
        preflight("https://anyone.example/", "PUT", None),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response
        .headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert_eq!(recorder.count(), 4);
}

#[tokio::test]
async fn any_method_and_header_without_credentials_answer_star_and_reflect_headers() {
    let policy = Policy::builder()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .build()
        .expect("valid policy");
    let (app, recorder) = App::new();

    let response = send(
        Cors::new(app, policy),
        preflight("https://anyone.example", "PURGE", Some("x-b,x-a")),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        lines(response.headers()),
        owned(&[
            ("access-control-allow-headers", "x-b,x-a"),
            ("access-control-allow-methods", "*"),
            ("access-control-allow-origin", "*"),
            ("vary", "access-control-request-headers"),
        ])
    );
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn credentialed_any_method_and_header_reflect_the_request() {
    // With credentials `*` is a literal name, so "any" must echo the request.
    let policy = Policy::builder()
        .allow_origins([ALLOWED])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .expect("valid policy");
    let (app, recorder) = App::new();

    let response = send(
        Cors::new(app, policy),
        preflight(ALLOWED, "PURGE", Some("x-a,x-b")),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        lines(response.headers()),
        owned(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "x-a,x-b"),
            ("access-control-allow-methods", "PURGE"),
            ("access-control-allow-origin", ALLOWED),
            (
                "vary",
                "origin, access-control-request-method, access-control-request-headers"
            ),
        ])
    );
    assert_eq!(recorder.count(), 0);
}

// ---------------------------------------------------------------------------
// Vary is merged into the app's, never replacing it, never doubled.

#[tokio::test]
async fn vary_is_appended_after_the_app_vary() {
    let cases: &[(&[&'static str], &[&str])] = &[
        (&["accept-encoding"], &["accept-encoding", "origin"]),
        (&[], &["origin"]),
        (
            &["accept-encoding", "accept-language"],
            &["accept-encoding", "accept-language", "origin"],
        ),
        // Already listed (any case, inside a list) or covered by `*`.
        (&["Accept-Encoding, Origin"], &["Accept-Encoding, Origin"]),
        (&["ORIGIN"], &["ORIGIN"]),
        (&["*"], &["*"]),
        // Look-alikes do not count.
        (&["origins"], &["origins", "origin"]),
    ];
    for (app_vary, expected) in cases {
        for origin in [Some(ALLOWED), Some("https://evil.example"), None] {
            let (app, _) = App::new();
            let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
            let response = send(
                Cors::new(app.with_vary(app_vary), policies::standard()),
                request("GET", "/", &headers),
            )
            .await;
            let vary: Vec<_> = response.headers().get_all(VARY).iter().collect();
            assert_eq!(vary, *expected, "app Vary {app_vary:?}, origin {origin:?}");
        }
    }
}

#[tokio::test]
async fn stacked_layers_give_one_origin_token_and_one_allow_origin() {
    let (app, recorder) = App::new();
    let inner = CorsLayer::new(policies::standard()).layer(app);
    let stacked = CorsLayer::new(policies::standard()).layer(inner);

    for origin in [Some(ALLOWED), Some("https://evil.example"), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        let response = send(stacked.clone(), request("GET", "/", &headers)).await;
        assert_eq!(
            vary_tokens(response.headers()),
            ["accept-encoding", "origin"],
            "{origin:?}"
        );
        let allow_origin: Vec<_> = response
            .headers()
            .get_all(ACCESS_CONTROL_ALLOW_ORIGIN)
            .iter()
            .collect();
        let expected: Vec<&str> = origin.filter(|o| *o == ALLOWED).into_iter().collect();
        assert_eq!(allow_origin, expected, "{origin:?}");
    }
    assert_eq!(recorder.count(), 3);

    let response = send(stacked, preflight(ALLOWED, "PUT", None)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(vary_tokens(response.headers()), ["origin"]);
    assert_eq!(recorder.count(), 3);
}

// ---------------------------------------------------------------------------
// Private Network Access (legacy, opt-in).

#[tokio::test]
async fn private_network_is_allowed_only_when_enabled_and_requested_true() {
    let cases: &[(bool, Option<&str>, Option<&str>)] = &[
        (true, Some("true"), Some("true")),
        (true, None, None),
        (true, Some("false"), None),
        (true, Some("TRUE"), None),
        (true, Some("true, true"), None),
        (false, Some("true"), None),
        (false, None, None),
    ];
    for (enabled, requested, expected) in cases {
        let policy = Policy::builder()
            .allow_origins([ALLOWED])
            .allow_methods(["PUT"])
            .allow_private_network(*enabled)
            .build()
            .expect("valid policy");
        let (app, recorder) = App::new();
        let mut req = preflight(ALLOWED, "PUT", None);
        if let Some(value) = requested {
            req.headers_mut().insert(
                tower_cors::policy::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
                HeaderValue::from_static(value),
            );
        }

        let response = send(Cors::new(app, policy), req).await;

        let case = format!("enabled {enabled}, requested {requested:?}");
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{case}");
        assert_eq!(
            response
                .headers()
                .get(tower_cors::policy::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK)
                .map(|v| v.to_str().unwrap()),
            *expected,
            "{case}"
        );
        assert_eq!(
            response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
            ALLOWED,
            "{case}"
        );
        assert_eq!(recorder.count(), 0, "{case}");
    }
}

#[tokio::test]
async fn private_network_is_never_granted_on_refused_preflights() {
    let policy = Policy::builder()
        .allow_origins([ALLOWED])
        .allow_private_network(true)
        .build()
        .expect("valid policy");
    let (app, _) = App::new();
    let mut req = preflight("https://evil.example", "GET", None);
    req.headers_mut().insert(
        tower_cors::policy::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
        HeaderValue::from_static("true"),
    );

    let response = send(Cors::new(app, policy), req).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        lines(response.headers()),
        owned(&[("cors-refusal", "origin not allowed"), ("vary", "origin")])
    );
}

// ---------------------------------------------------------------------------
// Service plumbing: errors, readiness, cloning.

#[derive(Debug, Clone, PartialEq, Eq)]
struct Boom(&'static str);

#[tokio::test]
async fn inner_errors_propagate_unchanged() {
    let failing = service_fn(|_req: Request<String>| async {
        Err::<Response<String>, _>(Boom("database down"))
    });
    let service = Cors::new(failing, policies::standard());

    let result = service
        .clone()
        .oneshot(request("GET", "/", &[("origin", ALLOWED)]))
        .await;
    assert_eq!(result.unwrap_err(), Boom("database down"));

    // A preflight never calls the app, so its failure does not show.
    let response = service
        .oneshot(preflight(ALLOWED, "PUT", None))
        .await
        .expect("answered by the layer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// An app that is ready only once opened, or that fails readiness, and that
/// counts how often it was asked.
#[derive(Clone)]
struct Gate {
    open: Arc<AtomicBool>,
    fail: bool,
    polls: Arc<AtomicUsize>,
    calls: Arc<AtomicUsize>,
}

impl Gate {
    fn new(fail: bool) -> Gate {
        Gate {
            open: Arc::new(AtomicBool::new(false)),
            fail,
            polls: Arc::new(AtomicUsize::new(0)),
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Service<Request<String>> for Gate {
    type Response = Response<String>;
    type Error = Boom;
    type Future = std::future::Ready<Result<Response<String>, Boom>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Boom>> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            Poll::Ready(Err(Boom("overloaded")))
        } else if self.open.load(Ordering::SeqCst) {
            Poll::Ready(Ok(()))
        } else {
            // The test polls by hand; nobody waits for a wake-up.
            Poll::Pending
        }
    }

    fn call(&mut self, _request: Request<String>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(Response::new("gate".to_owned())))
    }
}

/// Polls readiness once, returning what `poll_ready` said.
async fn poll_once<S: Service<Request<String>>>(service: &mut S) -> Poll<Result<(), S::Error>> {
    poll_fn(|cx| Poll::Ready(service.poll_ready(cx))).await
}

#[tokio::test]
async fn poll_ready_is_delegated_to_the_app() {
    let gate = Gate::new(false);
    let mut service = Cors::new(gate.clone(), policies::standard());

    assert!(poll_once(&mut service).await.is_pending());
    assert_eq!(gate.polls.load(Ordering::SeqCst), 1);
    // tower's `ready` waits as long as the app is not ready.
    let waited = tokio::time::timeout(Duration::from_millis(50), service.ready()).await;
    assert!(
        waited.is_err(),
        "ready() resolved while the app was not ready"
    );

    gate.open.store(true, Ordering::SeqCst);
    let polls_before = gate.polls.load(Ordering::SeqCst);
    assert!(matches!(poll_once(&mut service).await, Poll::Ready(Ok(()))));
    assert_eq!(gate.polls.load(Ordering::SeqCst), polls_before + 1);

    let response = service
        .ready()
        .await
        .expect("ready")
        .call(request("GET", "/", &[("origin", ALLOWED)]))
        .await
        .expect("app answers");
    assert_eq!(response.body(), "gate");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], ALLOWED);
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn poll_ready_errors_propagate() {
    let gate = Gate::new(true);
    let mut service = Cors::new(gate.clone(), policies::standard());

    match poll_once(&mut service).await {
        Poll::Ready(Err(error)) => assert_eq!(error, Boom("overloaded")),
        other => panic!("expected the app's readiness error, got {other:?}"),
    }
    assert_eq!(
        service.ready().await.map(|_| ()).unwrap_err(),
        Boom("overloaded")
    );
    assert_eq!(gate.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn clones_of_the_layer_and_service_apply_the_same_policy() {
    // `Policy` shares its rules through an `Arc` that tests cannot see, so
    // this checks the observable part: every clone answers exactly alike.
    let layer = CorsLayer::new(policies::standard());
    let layer_clone = layer.clone();
    assert_eq!(
        layer.policy().varies_by_origin(),
        layer_clone.policy().varies_by_origin()
    );

    let (app, recorder) = App::new();
    let original = layer.layer(app.clone());
    let from_cloned_layer = layer_clone.layer(app.clone());
    let cloned_service = original.clone();

    let requests = || {
        vec![
            preflight(ALLOWED, "PUT", Some("x-custom")),
            preflight(ALLOWED, "patch", None),
            preflight("https://evil.example", "PUT", None),
            request("GET", "/", &[("origin", ALLOWED)]),
            request("GET", "/", &[("origin", "https://evil.example")]),
            request("GET", "/", &[]),
        ]
    };
    let mut answers = Vec::new();
    for service in [original, from_cloned_layer, cloned_service] {
        let mut snapshots = Vec::new();
        for req in requests() {
            let response = send(service.clone(), req).await;
            snapshots.push(snapshot(&response));
        }
        answers.push(snapshots);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);
    // Sanity: the answers are not all the same, so the comparison means something.
    assert_eq!(answers[0][0].0, StatusCode::NO_CONTENT);
    assert_eq!(answers[0][1].0, StatusCode::FORBIDDEN);
    assert_eq!(answers[0][3].0, StatusCode::OK);
    // Three clones, three forwarded requests each, all on the one app state.
    assert_eq!(recorder.count(), 9);
}
