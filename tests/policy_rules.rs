//! The pure policy against every rule of the Fetch standard it implements
//! (section ids at each group of tests), through the public
//! API only and with nothing but `http` types. Grouped by the digest's
//! sections; each test is named after the rule it proves.

mod common;

use common::policies::{self, standard, ALLOWED as APP};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode};
use tower_cors::policy::{
    Malformed, Policy, Refusal, RequestKind, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, CORS_REFUSAL,
};

fn request(method: &str, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::builder().method(method).uri("/resource");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).expect("valid test request")
}

fn preflight(origin: &str, method: &str, requested: Option<&str>) -> Request<()> {
    let mut headers = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if let Some(names) = requested {
        headers.push(("access-control-request-headers", names));
    }
    request("OPTIONS", &headers)
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("valid method")
}

fn get_from(origin: &str) -> Request<()> {
    request("GET", &[("origin", origin)])
}

fn header<'a>(decision: &'a tower_cors::Decision, name: &HeaderName) -> Option<&'a str> {
    decision
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

// ---- Section 2: methods ------------------------------------------------------

#[test]
fn patch_is_not_normalized() {
    let policy = standard();
    assert!(policy.evaluate(&preflight(APP, "PATCH", None)).is_allowed());
    let lower = policy.evaluate(&preflight(APP, "patch", None));
    assert_eq!(
        lower.refusal(),
        Some(&Refusal::MethodNotAllowed(method("patch")))
    );
    assert_eq!(lower.preflight_status(), Some(StatusCode::FORBIDDEN));
}

#[test]
fn safelisted_methods_pass_preflight_unlisted() {
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_headers(["x-custom"])
        .build()
        .expect("valid");
    for method in ["GET", "HEAD", "POST", "PUT"] {
        let decision = policy.evaluate(&preflight(APP, method, Some("x-custom")));
        assert!(decision.is_allowed(), "{method}: {decision}");
    }
    let delete = policy.evaluate(&preflight(APP, "DELETE", None));
    assert_eq!(
        delete.refusal(),
        Some(&Refusal::MethodNotAllowed(method("DELETE")))
    );
}

#[test]
fn any_method_is_star_without_credentials_and_reflected_with_them() {
    let open = Policy::builder()
        .allow_any_origin()
        .allow_any_method()
        .build()
        .expect("valid");
    let decision = open.evaluate(&preflight(APP, "PURGE", None));
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("*")
    );

    let credentialed = Policy::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_credentials(true)
        .build()
        .expect("valid");
    let decision = credentialed.evaluate(&preflight(APP, "PURGE", None));
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("PURGE")
    );
    assert_eq!(
        header(&decision, &header::VARY),
        Some("origin, access-control-request-method")
    );
}

#[test]
fn forbidden_methods_are_refused_even_with_any_method() {
    let policy = Policy::builder()
        .allow_any_origin()
        .allow_any_method()
        .build()
        .expect("valid");
    for method in ["TRACE", "connect", "TRACK"] {
        let decision = policy.evaluate(&preflight(APP, method, None));
        assert_eq!(
            decision.refusal(),
            Some(&Refusal::MethodNotAllowed(self::method(method))),
            "{method}"
        );
    }
}

// ---- Sections 3 and 4: safelisted headers and request classes -------------------

/// A method, the request's headers, and the kind it must be.
type ClassCase<'a> = (&'a str, &'a [(&'a str, &'a str)], RequestKind);

#[test]
fn requests_are_classified_by_the_fetch_safelist() {
    let o = ("origin", APP);
    let cases: &[ClassCase] = &[
        ("GET", &[], RequestKind::NotCors),
        ("OPTIONS", &[], RequestKind::NotCors),
        ("GET", &[o], RequestKind::Simple),
        ("HEAD", &[o], RequestKind::Simple),
        (
            "POST",
            &[o, ("content-type", "text/plain")],
            RequestKind::Simple,
        ),
        (
            "POST",
            &[o, ("content-type", "application/x-www-form-urlencoded")],
            RequestKind::Simple,
        ),
        (
            "POST",
            &[o, ("content-type", "multipart/form-data; boundary=x")],
            RequestKind::Simple,
        ),
        (
            "POST",
            &[o, ("content-type", "application/json")],
            RequestKind::Actual,
        ),
        (
            "GET",
            &[o, ("accept", "application/json")],
            RequestKind::Simple,
        ),
        (
            "GET",
            &[o, ("accept-language", "en-US,en;q=0.9")],
            RequestKind::Simple,
        ),
        ("GET", &[o, ("range", "bytes=0-99")], RequestKind::Simple),
        ("GET", &[o, ("range", "bytes=-500")], RequestKind::Actual),
        ("GET", &[o, ("x-custom", "1")], RequestKind::Actual),
        (
            "GET",
            &[o, ("authorization", "Bearer x")],
            RequestKind::Actual,
        ),
        // Headers only the browser sets do not make a request unsafe.
        (
            "GET",
            &[
                o,
                ("cookie", "a=b"),
                ("sec-fetch-mode", "cors"),
                ("user-agent", "Mozilla/5.0"),
                ("priority", "u=4"),
                ("referer", "https://app.example.com/page"),
            ],
            RequestKind::Simple,
        ),
        ("PUT", &[o], RequestKind::Actual),
        ("get", &[o], RequestKind::Actual),
        ("OPTIONS", &[o], RequestKind::Actual),
        (
            "OPTIONS",
            &[o, ("access-control-request-method", "PUT")],
            RequestKind::Preflight,
        ),
        (
            "GET",
            &[o, ("access-control-request-method", "PUT")],
            RequestKind::Simple,
        ),
    ];
    let policy = standard();
    for (method, headers, expected) in cases {
        let req = request(method, headers);
        assert_eq!(policy.classify(&req), *expected, "{method} {headers:?}");
        assert_eq!(
            policy.evaluate(&req).kind(),
            *expected,
            "{method} {headers:?}"
        );
    }
}

#[test]
fn safelisted_values_over_1024_bytes_together_make_a_request_actual() {
    let policy = standard();
    let value = "a".repeat(120);
    let under = request(
        "GET",
        &[
            ("origin", APP),
            ("accept", &value),
            ("accept-language", "en"),
        ],
    );
    assert_eq!(policy.classify(&under), RequestKind::Simple);
    let mut builder = Request::get("/").header("origin", APP);
    for _ in 0..9 {
        builder = builder.header("accept", value.as_str());
    }
    let over = builder.body(()).expect("valid");
    assert_eq!(policy.classify(&over), RequestKind::Actual);
}

#[test]
fn request_parts_work_as_well_as_requests() {
    let (parts, ()) = get_from(APP).into_parts();
    let decision = standard().evaluate(&parts);
    assert!(decision.is_allowed());
}

// ---- Section 5: what the browser sends: origins compared byte-exactly -------------

#[test]
fn origins_are_compared_byte_exactly() {
    let policy = standard();
    let cases: &[(&str, Option<Refusal>)] = &[
        (APP, None),
        (
            "https://app.example.com:443",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
        (
            "https://app.example.com/",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
        (
            "https://APP.example.com",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
        ("http://app.example.com", Some(Refusal::OriginNotAllowed)),
        (
            "https://app.example.com:8443",
            Some(Refusal::OriginNotAllowed),
        ),
        ("https://app.example.co", Some(Refusal::OriginNotAllowed)),
        (
            "https://app.example.com.evil.net",
            Some(Refusal::OriginNotAllowed),
        ),
        (
            "https://evilapp.example.com",
            Some(Refusal::OriginNotAllowed),
        ),
        ("null", Some(Refusal::OriginNotAllowed)),
        ("", Some(Refusal::Malformed(Malformed::InvalidOrigin))),
        (
            "app.example.com",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
    ];
    for (origin, refusal) in cases {
        let decision = policy.evaluate(&get_from(origin));
        assert_eq!(decision.refusal(), refusal.as_ref(), "{origin:?}");
        let granted = header(&decision, &header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(granted, refusal.is_none().then_some(*origin), "{origin:?}");
    }
}

#[test]
fn subdomain_patterns_never_match_apex_scheme_port_or_lookalikes() {
    let policy = standard();
    let cases = [
        ("https://api.example.org", true),
        ("https://a.b.c.example.org", true),
        ("https://example.org", false),
        ("http://api.example.org", false),
        ("https://api.example.org:8443", false),
        ("https://evilexample.org", false),
        ("https://api-example.org", false),
        ("https://api.example.org.evil.net", false),
        ("https://example.org.evil.net", false),
        ("https://api.example.orgx", false),
    ];
    for (origin, allowed) in cases {
        assert_eq!(
            policy.evaluate(&get_from(origin)).is_allowed(),
            allowed,
            "{origin}"
        );
    }
}

#[test]
fn a_final_dot_makes_an_origin_of_its_own() {
    // `https://example.com.` is what a browser sends for a page at that
    // host, as written; exact policies match only what they list.
    let policy = standard();
    let dotted = policy.evaluate(&get_from("https://app.example.com."));
    assert_eq!(dotted.refusal(), Some(&Refusal::OriginNotAllowed));
    // Under a pattern, `example.org.` is another domain than `example.org`.
    assert_eq!(
        policy
            .evaluate(&get_from("https://api.example.org."))
            .refusal(),
        Some(&Refusal::OriginNotAllowed)
    );
    let configured = policies::credentialed()
        .allow_origins(["https://app.example.com.", "https://*.example.org."])
        .build()
        .expect("valid");
    for (origin, allowed) in [
        ("https://app.example.com.", true),
        ("https://app.example.com", false),
        ("https://api.example.org.", true),
        ("https://api.example.org", false),
        ("https://example.org.", false),
    ] {
        let decision = configured.evaluate(&get_from(origin));
        assert_eq!(decision.is_allowed(), allowed, "{origin}");
        let granted = header(&decision, &header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(granted, allowed.then_some(origin), "{origin}");
    }
    // Any origin: parsed, so a preflight from it is answered.
    let public = Policy::builder().allow_any_origin().build().expect("valid");
    assert!(public
        .evaluate(&preflight("https://app.example.com.", "GET", None))
        .is_allowed());
    // Still one dot only, and never after an address.
    for malformed in ["https://app.example.com..", "http://127.0.0.1."] {
        assert_eq!(
            configured.evaluate(&get_from(malformed)).refusal(),
            Some(&Refusal::Malformed(Malformed::InvalidOrigin)),
            "{malformed}"
        );
    }
}

#[test]
fn port_wildcards_allow_any_port_or_none_and_nothing_else() {
    let policy = policies::credentialed()
        .allow_origins(["http://localhost:*", "https://*.example.com:*"])
        .allow_methods(["PUT"])
        .build()
        .expect("loopback http with credentials is fine");
    for (origin, refusal) in [
        ("http://localhost", None),
        ("http://localhost:5173", None),
        ("http://localhost:65535", None),
        ("https://a.example.com", None),
        ("https://a.b.example.com:8443", None),
        ("https://localhost:5173", Some(Refusal::OriginNotAllowed)),
        ("http://localhost.:5173", Some(Refusal::OriginNotAllowed)),
        (
            "http://localhost.evil.net:5173",
            Some(Refusal::OriginNotAllowed),
        ),
        ("https://example.com:8443", Some(Refusal::OriginNotAllowed)),
        ("http://a.example.com:8443", Some(Refusal::OriginNotAllowed)),
        (
            "http://localhost:*",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
        (
            "http://localhost:80",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
        (
            "http://localhost:5173/",
            Some(Refusal::Malformed(Malformed::InvalidOrigin)),
        ),
    ] {
        let decision = policy.evaluate(&preflight(origin, "PUT", None));
        assert_eq!(decision.refusal(), refusal.as_ref(), "{origin}");
        let granted = header(&decision, &header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(granted, refusal.is_none().then_some(origin), "{origin}");
        if refusal.is_none() {
            assert_eq!(
                header(&decision, &header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
                Some("true")
            );
        }
    }
}

#[test]
fn many_hosts_on_any_port_are_looked_up_not_scanned() {
    let origins: Vec<String> = (0..5000)
        .map(|i| format!("https://tenant{i}.example.com:*"))
        .collect();
    let policy = Policy::builder()
        .allow_origins(&origins)
        .build()
        .expect("valid");
    for allowed in [
        "https://tenant4999.example.com:3000",
        "https://tenant0.example.com",
    ] {
        assert!(
            policy.evaluate(&get_from(allowed)).is_allowed(),
            "{allowed}"
        );
    }
    assert!(!policy
        .evaluate(&get_from("https://tenant5000.example.com:3000"))
        .is_allowed());
}

#[test]
fn many_configured_origins_are_looked_up_not_scanned() {
    let origins: Vec<String> = (0..5000)
        .map(|i| format!("https://tenant{i}.example.com"))
        .collect();
    let policy = Policy::builder()
        .allow_origins(&origins)
        .build()
        .expect("valid");
    assert!(policy
        .evaluate(&get_from("https://tenant4999.example.com"))
        .is_allowed());
    assert!(policy
        .evaluate(&get_from("https://tenant0.example.com"))
        .is_allowed());
    assert!(!policy
        .evaluate(&get_from("https://tenant5000.example.com"))
        .is_allowed());
}

#[test]
fn several_origin_headers_are_malformed() {
    let policy = standard();
    let req = request("GET", &[("origin", APP), ("origin", APP)]);
    let decision = policy.evaluate(&req);
    assert_eq!(
        decision.refusal(),
        Some(&Refusal::Malformed(Malformed::MultipleOrigins))
    );
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_ALLOW_ORIGIN),
        None
    );
}

#[test]
fn non_ascii_and_tab_bytes_in_origin_are_malformed_not_a_panic() {
    // `HeaderValue` already refuses other control bytes; these are the
    // bytes it lets through (tab and obs-text).
    let policy = standard();
    for bytes in [
        &b"https://app.example.com\xff"[..],
        b"https://\tapp.example.com",
        b"\x80",
    ] {
        let mut req = get_from(APP);
        req.headers_mut().insert(
            header::ORIGIN,
            HeaderValue::from_bytes(bytes).expect("obs-text is a valid header value"),
        );
        let decision = policy.evaluate(&req);
        assert_eq!(
            decision.refusal(),
            Some(&Refusal::Malformed(Malformed::InvalidOrigin)),
            "{bytes:?}"
        );
    }
}

#[test]
fn predicate_sees_only_well_formed_unlisted_origins() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_origin_fn(move |origin| {
            log.lock().expect("not poisoned").push(origin.to_owned());
            origin.ends_with(".preview.example.net")
        })
        .build()
        .expect("valid");
    assert!(policy
        .evaluate(&get_from("https://pr-1.preview.example.net"))
        .is_allowed());
    assert!(!policy
        .evaluate(&get_from("https://evil.example"))
        .is_allowed());
    assert!(policy.evaluate(&get_from(APP)).is_allowed());
    assert!(!policy.evaluate(&get_from("null")).is_allowed());
    assert!(!policy
        .evaluate(&get_from("https://x.preview.example.net/"))
        .is_allowed());
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        ["https://pr-1.preview.example.net", "https://evil.example"]
    );
}

// ---- Section 6: what the browser checks ------------------------------------------

#[test]
fn allowed_preflight_answers_every_header_the_browser_checks() {
    let decision = standard().evaluate(&preflight(APP, "PUT", Some("content-type,x-custom")));
    assert_eq!(decision.kind(), RequestKind::Preflight);
    assert_eq!(decision.preflight_status(), Some(StatusCode::NO_CONTENT));
    let sent: Vec<(String, String)> = decision
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().expect("ascii").to_owned()))
        .collect();
    let expected = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "GET,POST,PUT,DELETE,PATCH"),
        ("access-control-allow-headers", "content-type,x-custom"),
        ("access-control-max-age", "600"),
        ("vary", "origin"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(sent, expected);
}

#[test]
fn refused_preflight_carries_no_access_control_header() {
    let policy = standard();
    let cases = [
        (
            preflight("https://evil.example", "PUT", None),
            Refusal::OriginNotAllowed,
        ),
        (
            preflight(APP, "PROPFIND", None),
            Refusal::MethodNotAllowed(method("PROPFIND")),
        ),
        (
            preflight(APP, "PUT", Some("content-type,x-secret")),
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-secret")),
        ),
        (
            preflight(APP, "PUT", Some("X-Secret")),
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-secret")),
        ),
        (
            preflight(APP, "PUT", Some("authorization")),
            Refusal::HeaderNotAllowed(HeaderName::from_static("authorization")),
        ),
        (
            preflight(APP, "PUT", Some("x custom")),
            Refusal::Malformed(Malformed::InvalidRequestHeaders),
        ),
        (
            preflight(APP, "P(T", None),
            Refusal::Malformed(Malformed::InvalidRequestMethod),
        ),
    ];
    for (req, refusal) in cases {
        let decision = policy.evaluate(&req);
        assert_eq!(decision.refusal(), Some(&refusal));
        assert_eq!(decision.preflight_status(), Some(StatusCode::FORBIDDEN));
        let sent: Vec<(HeaderName, &str)> = decision
            .headers()
            .iter()
            .map(|(n, v)| (n, v.to_str().expect("ascii")))
            .collect();
        assert_eq!(
            sent,
            [
                (header::VARY, "origin"),
                (CORS_REFUSAL, refusal.to_string().as_str())
            ],
            "{refusal}"
        );
    }
}

#[test]
fn duplicate_request_method_headers_are_malformed() {
    let req = request(
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-method", "DELETE"),
        ],
    );
    assert_eq!(
        standard().evaluate(&req).refusal(),
        Some(&Refusal::Malformed(Malformed::MultipleRequestMethods))
    );
}

#[test]
fn request_headers_match_case_insensitively_in_any_list_form() {
    let policy = standard();
    for list in [
        "content-type,x-custom",
        "Content-Type, X-Custom",
        "x-custom",
        "content-type,,x-custom,",
        "",
    ] {
        let decision = policy.evaluate(&preflight(APP, "PUT", Some(list)));
        assert!(decision.is_allowed(), "{list:?}: {decision}");
    }
    let split = request(
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "x-custom"),
        ],
    );
    assert!(policy.evaluate(&split).is_allowed());
}

#[test]
fn star_headers_never_cover_authorization() {
    let any = Policy::builder()
        .allow_origins([APP])
        .allow_any_header()
        .build()
        .expect("valid");
    let ok = any.evaluate(&preflight(APP, "GET", Some("x-anything,x-else")));
    assert_eq!(
        header(&ok, &header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some("x-anything,x-else")
    );
    assert_eq!(
        header(&ok, &header::VARY),
        Some("origin, access-control-request-headers")
    );
    let auth = any.evaluate(&preflight(APP, "GET", Some("authorization,x-a")));
    assert_eq!(
        auth.refusal(),
        Some(&Refusal::HeaderNotAllowed(HeaderName::from_static(
            "authorization"
        )))
    );

    let any_and_auth = Policy::builder()
        .allow_origins([APP])
        .allow_headers(["*", "authorization"])
        .allow_credentials(true)
        .build()
        .expect("valid");
    let decision = any_and_auth.evaluate(&preflight(APP, "GET", Some("authorization,x-a")));
    // With credentials `*` would be literal: the names are reflected instead.
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some("authorization,x-a")
    );
}

#[test]
fn actual_requests_get_origin_credentials_and_expose_only() {
    let decision = standard().evaluate(&request(
        "PUT",
        &[("origin", APP), ("content-type", "application/json")],
    ));
    assert_eq!(decision.kind(), RequestKind::Actual);
    assert_eq!(decision.preflight_status(), None);
    let names: Vec<HeaderName> = decision.headers().iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            header::VARY
        ]
    );
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-request-id")
    );
}

#[test]
fn any_origin_answers_star_on_every_response_whatever_the_origin() {
    // `#cors-protocol-and-http-caches`: an answer that does not depend on
    // `Origin` must be the same on every response, or a response cached
    // from a request without `Origin` breaks a later `fetch()`.
    let policy = Policy::builder()
        .allow_any_origin()
        .expose_any_header()
        .build()
        .expect("valid");
    assert!(!policy.varies_by_origin());
    let requests = [
        ("no Origin", request("GET", &[])),
        ("no Origin, POST", request("POST", &[])),
        ("an origin", get_from("https://anyone.example")),
        ("null", get_from("null")),
        ("malformed", get_from("https://a.example/")),
        ("not an origin at all", get_from("not an origin")),
        (
            "two Origin lines",
            request("GET", &[("origin", "https://a.example"), ("origin", "x")]),
        ),
        (
            "OPTIONS without a request method",
            request("OPTIONS", &[("origin", "https://a.example")]),
        ),
        (
            "request method without Origin",
            request("OPTIONS", &[("access-control-request-method", "PUT")]),
        ),
    ];
    for (what, req) in requests {
        let decision = policy.evaluate(&req);
        let sent: Vec<_> = decision
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().expect("ASCII").to_owned()))
            .collect();
        assert_eq!(
            sent,
            [
                ("access-control-allow-origin".to_owned(), "*".to_owned()),
                ("access-control-expose-headers".to_owned(), "*".to_owned()),
            ],
            "{what}"
        );
        assert_eq!(decision.refusal(), None, "{what}");
        assert_eq!(decision.preflight_status(), None, "{what}");
    }
    assert_eq!(
        policy.evaluate(&request("GET", &[])).kind(),
        RequestKind::NotCors
    );
}

#[test]
fn any_origin_preflights_still_tell_malformed_origins_apart() {
    let policy = Policy::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .expose_headers(["x-request-id"])
        .build()
        .expect("valid");
    let allowed = policy.evaluate(&preflight("https://anyone.example", "PUT", None));
    assert!(allowed.is_allowed());
    assert_eq!(
        header(&allowed, &header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*")
    );
    // Expose-Headers belongs on actual responses, not preflights.
    assert_eq!(
        header(&allowed, &header::ACCESS_CONTROL_EXPOSE_HEADERS),
        None
    );
    for bad in ["https://a.example/", "HTTPS://A.EXAMPLE"] {
        let refused = policy.evaluate(&preflight(bad, "PUT", None));
        assert_eq!(
            refused.refusal(),
            Some(&Refusal::Malformed(Malformed::InvalidOrigin)),
            "{bad}"
        );
        assert_eq!(header(&refused, &header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    }
    let two = request(
        "OPTIONS",
        &[
            ("origin", "https://a.example"),
            ("origin", "https://b.example"),
            ("access-control-request-method", "PUT"),
        ],
    );
    assert_eq!(
        policy.evaluate(&two).refusal(),
        Some(&Refusal::Malformed(Malformed::MultipleOrigins))
    );
}

#[test]
fn null_origin_only_when_dangerously_allowed() {
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_null_origin_dangerously()
        .build()
        .expect("valid");
    let decision = policy.evaluate(&get_from("null"));
    assert_eq!(
        header(&decision, &header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("null")
    );
    assert!(!standard().evaluate(&get_from("null")).is_allowed());
}

// ---- Section 7: Vary ----------------------------------------------------------

#[test]
fn vary_origin_is_sent_for_every_answer_that_depends_on_it() {
    let policy = standard();
    for req in [
        request("GET", &[]),
        get_from(APP),
        get_from("https://evil.example"),
        get_from("not an origin"),
    ] {
        let decision = policy.evaluate(&req);
        assert_eq!(
            header(&decision, &header::VARY),
            Some("origin"),
            "{decision}"
        );
    }
}

// ---- Section 8: Private Network Access -------------------------------------------

#[test]
fn private_network_only_when_enabled_and_requested() {
    let enabled = Policy::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .expect("valid");
    let pna = |value: &str| {
        request(
            "OPTIONS",
            &[
                ("origin", APP),
                ("access-control-request-method", "GET"),
                ("access-control-request-private-network", value),
            ],
        )
    };
    let answer = |policy: &Policy, req: &Request<()>| {
        header(&policy.evaluate(req), &ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK).map(str::to_owned)
    };
    assert_eq!(answer(&enabled, &pna("true")).as_deref(), Some("true"));
    assert_eq!(answer(&enabled, &pna("false")), None);
    assert_eq!(answer(&enabled, &preflight(APP, "GET", None)), None);
    assert_eq!(answer(&standard(), &pna("true")), None);
    // Not enabled: the preflight itself still succeeds (Chrome may only warn).
    assert!(standard().evaluate(&pna("true")).is_allowed());
}

// ---- Section 10: what attackers look for ----------------------------------------

#[test]
fn hostile_request_header_lists_are_refused_at_once() {
    let policy = standard();
    let commas = ",".repeat(64 * 1024);
    let decision = policy.evaluate(&preflight(APP, "PUT", Some(&commas)));
    assert_eq!(
        decision.refusal(),
        Some(&Refusal::Malformed(Malformed::RequestHeadersTooLong))
    );
    let many_lines = {
        let mut builder = Request::options("/")
            .header("origin", APP)
            .header("access-control-request-method", "PUT");
        for _ in 0..1024 {
            builder = builder.header("access-control-request-headers", ",".repeat(1024));
        }
        builder.body(()).expect("valid")
    };
    assert_eq!(
        policy.evaluate(&many_lines).refusal(),
        Some(&Refusal::Malformed(Malformed::RequestHeadersTooLong))
    );
}

#[test]
fn options_without_request_method_belongs_to_the_application() {
    let decision = standard().evaluate(&request("OPTIONS", &[("origin", APP)]));
    assert_eq!(decision.kind(), RequestKind::Actual);
    assert_eq!(decision.preflight_status(), None);
    assert!(decision.is_allowed());
}

#[test]
fn decisions_explain_themselves() {
    let policy = standard();
    let cases = [
        (request("GET", &[]), "not a CORS request: passed through"),
        (get_from(APP), "simple request allowed"),
        (
            get_from("https://evil.example"),
            "simple request refused: origin not allowed",
        ),
        (
            preflight(APP, "PUT", Some("x-secret")),
            "preflight refused: header \"x-secret\" not allowed",
        ),
        (
            request("GET", &[("origin", APP), ("origin", APP)]),
            "simple request refused: malformed: several Origin headers",
        ),
    ];
    for (req, text) in cases {
        assert_eq!(policy.evaluate(&req).to_string(), text);
    }
}

/// `CorsHeaders::apply_to` writes into a response with no header by copying
/// a ready-made map; into any other, header by header. Both must send the
/// same headers, for every kind of answer and every kind of policy.
#[test]
fn apply_to_writes_the_same_headers_into_an_empty_map() {
    let policies = [
        ("standard", standard()),
        (
            "any origin, method and header",
            Policy::builder()
                .allow_any_origin()
                .allow_methods(["*"])
                .allow_headers(["*"])
                .build()
                .expect("valid policy"),
        ),
        (
            "echoes method and headers",
            Policy::builder()
                .allow_origins([APP])
                .allow_methods(["*"])
                .allow_headers(["*"])
                .allow_credentials(true)
                .allow_private_network(true)
                .build()
                .expect("valid policy"),
        ),
        (
            "bare",
            Policy::builder()
                .allow_origins([APP])
                .build()
                .expect("valid policy"),
        ),
    ];
    let pna = [
        ("origin", APP),
        ("access-control-request-method", "PUT"),
        ("access-control-request-private-network", "true"),
    ];
    let requests = [
        request("GET", &[]),
        get_from(APP),
        get_from("https://a.example.org"),
        get_from("https://evil.example"),
        get_from("https://app.example.com/"),
        preflight(APP, "PUT", Some("content-type,x-custom")),
        preflight(APP, "PUT", Some("x-custom, x-other")),
        preflight(APP, "PUT", None),
        preflight(APP, "PURGE", None),
        preflight("https://evil.example", "PUT", None),
        preflight(APP, "PUT", Some("x a")),
        request("OPTIONS", &pna),
    ];
    let sorted = |headers: &http::HeaderMap| {
        let mut pairs: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect();
        pairs.sort();
        pairs
    };
    let mut compared = 0;
    for (name, policy) in &policies {
        for request in &requests {
            let decision = policy.evaluate(request);
            let mut empty = http::HeaderMap::new();
            decision.headers().clone().apply_to(&mut empty);

            let unrelated = HeaderName::from_static("x-app");
            let mut one_by_one = http::HeaderMap::new();
            one_by_one.insert(unrelated.clone(), HeaderValue::from_static("1"));
            decision.headers().clone().apply_to(&mut one_by_one);
            one_by_one.remove(&unrelated);

            let expected: Vec<_> = decision
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect();
            let mut expected = expected;
            expected.sort();
            assert_eq!(sorted(&empty), sorted(&one_by_one), "{name}: {request:?}");
            assert_eq!(sorted(&empty), expected, "{name}: {request:?}");
            assert!(
                empty.values().all(|v| !v.is_empty()),
                "{name}: a placeholder was sent: {empty:?}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, policies.len() * requests.len());
}
