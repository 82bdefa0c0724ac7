//! `tower_cors::browser`, the browser's half: for generated policies and
//! page requests, the layer's answers (through `Cors` over a mock app,
//! preflight then request, as the browser sends them) judged by `browser`
//! agree with the reference model's policy and browser
//! (`tests/model/browser.rs`); then tables for each refusal and its
//! console message, the engines' deviations, and the exact requests.

#[path = "model/browser.rs"]
mod browser_model;
mod model;

use std::time::Duration;

use http::{HeaderMap, Request, Response, StatusCode};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use tower_cors::browser::{
    Blocked, Credentials, Engine, MaxAge, PageError, PageRequest, Reason, Stage, Warning,
};
use tower_cors::{Cors, RequestKind};

use browser_model::{Lines, ModelPage, Why};
use model::harness::{call_now, header_lines, MockApp};
use model::{ModelPolicy, ModelRequest};

// ---------------------------------------------------------------------------
// Generated policies and page requests
// ---------------------------------------------------------------------------

const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "https://*.example.org",
    "https://example.net:8443",
];
const PAGE_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "https://api.example.org",
    "https://example.net:8443",
    "https://example.org",
    "https://evil.example",
    "null",
];
const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "purge"];
const PAGE_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "put", "PUT", "delete", "PATCH", "patch", "purge", "OPTIONS",
];
const HEADERS: &[&str] = &["content-type", "X-Custom", "authorization", "x-request-id"];
const EXPOSE: &[&str] = &["x-app", "x-request-id", "content-type"];
const PAGE_HEADERS: &[(&str, &str)] = &[
    ("content-type", "text/plain"),
    ("Content-Type", "application/json"),
    ("x-custom", "1"),
    ("authorization", "Bearer t"),
    ("accept", "application/json"),
    ("range", "bytes=0-"),
    ("range", "bytes=-5"),
    ("x-request-id", "7"),
];

fn policy() -> impl Strategy<Value = ModelPolicy> {
    (
        (
            subsequence(ORIGINS, 1..=4),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.1),
            any::<bool>(),
        ),
        (
            subsequence(METHODS, 0..=3),
            prop::bool::weighted(0.2),
            subsequence(HEADERS, 0..=3),
            prop::bool::weighted(0.3),
            subsequence(EXPOSE, 0..=2),
            prop::bool::weighted(0.2),
            prop::option::of(0u64..=86_400),
        ),
    )
        .prop_map(
            |(
                (origins, any_origin, null_origin, credentials),
                (methods, any_method, headers, any_header, expose, expose_any, max_age),
            )| ModelPolicy {
                origins: origins.iter().map(|o| o.to_string()).collect(),
                any_origin: any_origin && !credentials,
                null_origin,
                methods: methods.iter().map(|m| m.to_string()).collect(),
                any_method,
                headers: headers.iter().map(|h| h.to_string()).collect(),
                any_header,
                expose: expose.iter().map(|e| e.to_string()).collect(),
                expose_any: expose_any && !credentials,
                credentials,
                max_age,
                public_suffix_subdomains: cfg!(not(feature = "public-suffix")),
                ..ModelPolicy::default()
            },
        )
}

/// A page request as a script writes it: origin, method, headers (and,
/// sometimes, enough safelisted values to pass 1024 bytes), credentials.
#[derive(Debug, Clone)]
struct Page {
    origin: &'static str,
    method: &'static str,
    headers: Vec<(String, String)>,
    credentials: Credentials,
}

fn page() -> impl Strategy<Value = Page> {
    (
        select(PAGE_ORIGINS),
        select(PAGE_METHODS),
        subsequence(PAGE_HEADERS, 0..=4),
        prop_oneof![6 => Just(0usize), 1 => 8usize..=10],
        select(vec![
            Credentials::Omit,
            Credentials::SameOrigin,
            Credentials::Include,
        ]),
    )
        .prop_map(|(origin, method, headers, long_values, credentials)| {
            let mut headers: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            // Safelisted one by one (120 bytes each); over 1024 from 9 on.
            for _ in 0..long_values {
                headers.push(("accept-language".into(), "a".repeat(120)));
            }
            Page {
                origin,
                method,
                headers,
                credentials,
            }
        })
}

impl Page {
    fn build(&self) -> PageRequest {
        let mut request = PageRequest::new(self.origin, "/resource")
            .and_then(|r| r.with_method(self.method))
            .expect("generated origins and methods are valid");
        for (name, value) in &self.headers {
            request = request
                .with_header(name, value)
                .expect("generated headers are valid");
        }
        request.with_credentials(self.credentials)
    }

    fn model(&self) -> ModelPage {
        ModelPage {
            origin: self.origin.to_owned(),
            method: browser_model::normalize_method(self.method),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.as_bytes().to_vec()))
                .collect(),
            include: self.credentials == Credentials::Include,
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The crate's verdict in the model's terms.
fn why(blocked: &Blocked) -> Why {
    match blocked.reason() {
        Reason::PreflightRedirect { .. } => Why::PreflightRedirect,
        Reason::PreflightStatus { .. } => Why::PreflightStatus,
        Reason::MissingAllowOrigin => Why::NoAllowOrigin,
        Reason::MultipleAllowOrigin { .. } => Why::SeveralAllowOrigins,
        Reason::InvalidAllowOrigin { .. } => Why::AllowOriginNotAnOrigin,
        Reason::AllowOriginMismatch { .. } => Why::OtherAllowOrigin,
        Reason::WildcardOriginWithCredentials => Why::StarWithCredentials,
        Reason::AllowCredentialsNotTrue { .. } => Why::CredentialsNotTrue,
        Reason::InvalidAllowMethods { .. } => Why::UnparsableMethods,
        Reason::InvalidAllowHeaders { .. } => Why::UnparsableHeaders,
        Reason::MethodNotAllowed { method } => Why::Method(method.clone()),
        Reason::HeaderNotAllowed { name } => Why::Header(name.clone()),
        other => panic!("a reason the model does not know: {other:?}"),
    }
}

/// A request's header lines, sorted, for comparing with the model's.
fn sorted_lines(headers: &HeaderMap) -> Vec<(String, Vec<u8>)> {
    let mut lines: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    lines.sort();
    lines
}

fn sorted_model_lines(request: &ModelRequest) -> Vec<(String, Vec<u8>)> {
    let mut lines = request.headers.clone();
    lines.sort();
    lines
}

fn through_layer(policy: &tower_cors::Policy, request: Request<()>) -> Response<String> {
    let mut service = Cors::new(MockApp::default(), policy.clone());
    call_now(&mut service, request.map(|()| String::new()))
}

// ---------------------------------------------------------------------------
// Against the model
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// What the browser sends, whether it asks first, and what it then
    /// makes of the layer's answers, as the model says end to end: the
    /// model's policy answers the model's requests, the model's browser
    /// judges them.
    #[test]
    fn browser_judges_the_layer_as_the_model_does(policy in policy(), page in page()) {
        let built = policy.build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let request = page.build();
        let model_page = page.model();

        // One classification: the browser's and the policy's agree.
        prop_assert_eq!(request.needs_preflight(), browser_model::needs_preflight(&model_page));
        prop_assert_eq!(
            request.needs_preflight(),
            built.classify(&request.actual_request()) == RequestKind::Actual
        );
        let unsafe_names: Vec<String> = request
            .unsafe_header_names()
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect();
        prop_assert_eq!(&unsafe_names, &browser_model::unsafe_names(&model_page));

        if let Some(preflight) = request.preflight_request() {
            let model_preflight = browser_model::preflight(&model_page);
            prop_assert_eq!(sorted_lines(preflight.headers()), sorted_model_lines(&model_preflight));
            prop_assert_eq!(preflight.method(), "OPTIONS");

            let answer = through_layer(&built, preflight);
            let verdict = request.check_preflight(&answer);
            let model_answer = model::layer_answer(&policy, &model_preflight, &[]);
            let model_lines: Lines = model_answer.headers.clone();
            let model_verdict =
                browser_model::judge_preflight(&model_page, model_answer.status, &model_lines);
            match (&verdict, &model_verdict) {
                (Ok(passed), Ok(authorization_by_star)) => {
                    prop_assert_eq!(
                        passed.warnings().contains(&Warning::AuthorizationCoveredByWildcard),
                        *authorization_by_star
                    );
                    prop_assert_eq!(passed.max_age().seconds(), policy.max_age);
                }
                (Err(blocked), Err(model_why)) => {
                    prop_assert_eq!(&why(blocked), model_why);
                    prop_assert_eq!(blocked.stage(), Stage::Preflight);
                    return Ok(());
                }
                _ => prop_assert!(false, "browser {:?}, model {:?}", verdict, model_verdict),
            }
        }

        let actual = request.actual_request();
        let model_actual = browser_model::actual(&model_page);
        prop_assert_eq!(sorted_lines(actual.headers()), sorted_model_lines(&model_actual));
        prop_assert_eq!(actual.method().as_str(), model_actual.method.as_str());

        let response = through_layer(&built, actual);
        let verdict = request.check_response(&response);
        let model_answer = model::layer_answer(&policy, &model_actual, &[]);
        let model_verdict = browser_model::judge_actual(&model_page, &model_answer.headers);
        match (&verdict, &model_verdict) {
            (Ok(readable), Ok(model_exposed)) => {
                let exposed: Vec<String> =
                    readable.exposed().iter().map(|n| n.as_str().to_owned()).collect();
                prop_assert_eq!(&exposed, model_exposed);
            }
            (Err(blocked), Err(model_why)) => {
                prop_assert_eq!(&why(blocked), model_why);
                prop_assert_eq!(blocked.stage(), Stage::Response);
            }
            _ => prop_assert!(false, "browser {:?}, model {:?}", verdict, model_verdict),
        }
        // And the layer's real headers are what the model's policy said.
        let real = header_lines(response.headers());
        for name in ["access-control-allow-origin", "access-control-expose-headers"] {
            prop_assert_eq!(real.get(name), model_answer.headers.get(name));
        }
    }
}

/// Answers from any server, broken ones included: each CORS header
/// absent, right, wrong, repeated or unparsable.
fn any_answer() -> impl Strategy<Value = (u16, Vec<(&'static str, &'static str)>)> {
    // Mostly one line of a value that lets most pages through, so that
    // the later checks are reached; otherwise none, one or two of any.
    let one = |name: &'static str, good: Vec<&'static str>, values: Vec<&'static str>| {
        prop_oneof![
            3 => select(good).prop_map(move |v| vec![(name, v)]),
            2 => prop::collection::vec(select(values), 0..=2)
                .prop_map(move |values| values.into_iter().map(|v| (name, v)).collect::<Vec<_>>()),
        ]
    };
    (
        prop_oneof![4 => select(vec![200u16, 204]), 1 => select(vec![301, 302, 304, 307, 308, 400, 403, 500])],
        one(
            "access-control-allow-origin",
            vec![APP],
            vec![APP, "*", "null", "https://evil.example", "app.example.com", "https://app.example.com, *"],
        ),
        one("access-control-allow-credentials", vec!["true"], vec!["true", "TRUE", "false", ""]),
        one(
            "access-control-allow-methods",
            vec!["PUT, DELETE, PATCH, patch, purge, OPTIONS", "*"],
            vec!["PUT", "put", "*", "GET, patch", "purge,DELETE", "P(T", ""],
        ),
        one(
            "access-control-allow-headers",
            vec!["*", "X-Custom, authorization, content-type, range, accept-language, accept, x-request-id", "*, x-custom"],
            vec!["*", "X-Custom", "authorization", "content-type, x-request-id", "range,accept-language", "x;y", ""],
        ),
        one(
            "access-control-expose-headers",
            vec!["*", "x-request-id"],
            vec!["*", "x-app", "X-Request-Id, set-cookie", "(x)"],
        ),
        one("access-control-max-age", vec!["600"], vec!["600", "-1", "86400"]),
        one("x-request-id", vec!["7"], vec!["7"]),
        one("set-cookie", vec!["a=1"], vec!["a=1"]),
    )
        .prop_map(|(status, a, b, c, d, e, f, g, h)| {
            (status, [a, b, c, d, e, f, g, h].concat())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Whatever a server answers, `browser` and the model's browser agree
    /// on the preflight verdict (with the warning) and on the response's
    /// verdict and readable headers.
    #[test]
    fn browser_judges_any_answer_as_the_model_does(
        page in page(),
        (status, mut headers) in any_answer(),
        echo_origin in prop::bool::weighted(0.6),
    ) {
        if echo_origin {
            // The page's own origin, whatever it is, as a right answer.
            headers.retain(|(name, _)| *name != "access-control-allow-origin");
            headers.push(("access-control-allow-origin", page.origin));
        }
        let request = page.build();
        let model_page = page.model();
        let mut answer = Response::new(());
        *answer.status_mut() = StatusCode::from_u16(status).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut lines = Lines::new();
        for (name, value) in &headers {
            answer.headers_mut().append(*name, http::HeaderValue::from_static(value));
            lines.entry(name.to_string()).or_default().push(value.as_bytes().to_vec());
        }

        let verdict = request.check_preflight(&answer);
        let model_verdict = browser_model::judge_preflight(&model_page, status, &lines);
        match (&verdict, &model_verdict) {
            (Ok(passed), Ok(authorization_by_star)) => prop_assert_eq!(
                passed.warnings().contains(&Warning::AuthorizationCoveredByWildcard),
                *authorization_by_star
            ),
            (Err(blocked), Err(model_why)) => prop_assert_eq!(&why(blocked), model_why),
            _ => prop_assert!(false, "browser {:?}, model {:?}", verdict, model_verdict),
        }

        let verdict = request.check_response(&answer);
        let model_verdict = browser_model::judge_actual(&model_page, &lines);
        match (&verdict, &model_verdict) {
            (Ok(readable), Ok(model_exposed)) => {
                let exposed: Vec<String> =
                    readable.exposed().iter().map(|n| n.as_str().to_owned()).collect();
                prop_assert_eq!(&exposed, model_exposed);
            }
            (Err(blocked), Err(model_why)) => prop_assert_eq!(&why(blocked), model_why),
            _ => prop_assert!(false, "browser {:?}, model {:?}", verdict, model_verdict),
        }
    }
}

// ---------------------------------------------------------------------------
// Tables: what the browser sends
// ---------------------------------------------------------------------------

const APP: &str = "https://app.example.com";
const API: &str = "https://api.example.com/items";

fn page_request() -> PageRequest {
    PageRequest::new(APP, API).expect("valid")
}

#[test]
fn the_preflight_carries_exactly_what_browsers_send() {
    let request = page_request()
        .with_method("delete")
        .and_then(|r| r.with_header("X-Trace", "1"))
        .and_then(|r| r.with_header("content-type", "application/json"))
        .and_then(|r| r.with_header("Accept", "text/plain"))
        .expect("valid")
        .with_credentials(Credentials::Include);
    let preflight = request.preflight_request().expect("DELETE is preflighted");
    assert_eq!(preflight.method(), "OPTIONS");
    assert_eq!(preflight.uri(), API);
    let lines: Vec<(String, String)> = sorted_lines(preflight.headers())
        .into_iter()
        .map(|(n, v)| (n, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("accept", "*/*"),
        ("access-control-request-headers", "content-type,x-trace"),
        ("access-control-request-method", "DELETE"),
        ("origin", APP),
        ("sec-fetch-mode", "cors"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    // No cookie, no authorization, none of the page's headers.
    assert_eq!(lines, expected);
}

#[test]
fn a_preflight_without_unsafe_headers_has_no_request_headers_line() {
    let request = page_request()
        .with_method("PUT")
        .and_then(|r| r.with_header("content-type", "text/plain"))
        .expect("valid");
    let preflight = request.preflight_request().expect("PUT is preflighted");
    assert!(!preflight
        .headers()
        .contains_key("access-control-request-headers"));
    assert_eq!(preflight.headers()["access-control-request-method"], "PUT");
}

#[test]
fn simple_requests_send_no_preflight() {
    for (method, headers) in [
        ("GET", vec![]),
        ("head", vec![]),
        (
            "POST",
            vec![("content-type", "multipart/form-data; boundary=x")],
        ),
        (
            "GET",
            vec![("range", "bytes=0-10"), ("accept-language", "de")],
        ),
    ] {
        let mut request = page_request().with_method(method).expect("valid");
        for (name, value) in headers {
            request = request.with_header(name, value).expect("valid");
        }
        assert!(!request.needs_preflight(), "{method}");
        assert!(request.preflight_request().is_none(), "{method}");
        assert!(request.unsafe_header_names().is_empty(), "{method}");
    }
}

/// Firefox adds `Priority: u=4` to every fetch on its own (seen with
/// Firefox ESR 153 on HTTP/1.1): the server takes a received one for the
/// browser's, so a simple fetch stays simple; a page that sets `Priority`
/// itself sends a CORS-unsafe header and is preflighted.
#[test]
fn priority_set_by_a_page_asks_first_though_the_browsers_own_does_not() {
    let page = page_request()
        .with_header("priority", "u=4")
        .expect("a page may set it");
    assert!(page.needs_preflight());
    assert_eq!(page.unsafe_header_names(), ["priority"]);

    let policy = tower_cors::Policy::builder()
        .allow_origins([APP])
        .build()
        .expect("valid");
    let mut from_firefox = page_request().actual_request();
    from_firefox
        .headers_mut()
        .insert("priority", http::HeaderValue::from_static("u=4"));
    assert_eq!(policy.classify(&from_firefox), RequestKind::Simple);
    let decision = policy.evaluate(&from_firefox);
    assert_eq!(decision.kind(), RequestKind::Simple);
    assert!(decision.is_allowed());
}

#[test]
fn safelisted_values_over_1024_bytes_together_are_all_unsafe() {
    let value = "a".repeat(120);
    let mut request = page_request();
    for _ in 0..8 {
        request = request
            .with_header("accept-language", &value)
            .expect("valid");
    }
    assert!(!request.needs_preflight(), "960 bytes");
    request = request
        .with_header("content-language", &value)
        .expect("valid");
    assert!(request.needs_preflight(), "1080 bytes");
    assert_eq!(
        request.unsafe_header_names(),
        ["accept-language", "content-language"]
    );
}

#[test]
fn methods_are_normalised_as_browsers_do() {
    for (written, sent) in [
        ("get", "GET"),
        ("Delete", "DELETE"),
        ("options", "OPTIONS"),
        ("patch", "patch"),
        ("Purge", "Purge"),
    ] {
        let request = page_request().with_method(written).expect("valid");
        assert_eq!(request.method(), sent, "{written}");
        assert_eq!(request.actual_request().method(), sent, "{written}");
    }
}

#[test]
fn the_actual_request_keeps_the_pages_headers_and_accept() {
    let request = page_request()
        .with_method("POST")
        .and_then(|r| r.with_header("accept", "application/json"))
        .and_then(|r| r.with_header("x-a", "1"))
        .and_then(|r| r.with_header("x-a", "2"))
        .expect("valid");
    let actual = request.actual_request();
    assert_eq!(actual.method(), "POST");
    assert_eq!(actual.uri(), API);
    let headers = actual.headers();
    assert_eq!(headers["accept"], "application/json");
    assert_eq!(headers.get_all("x-a").iter().count(), 2);
    assert_eq!(headers["origin"], APP);
    assert_eq!(headers["sec-fetch-mode"], "cors");
    assert!(!headers.contains_key("cookie"));
}

#[test]
fn what_a_page_cannot_send_is_refused() {
    let forbidden_methods = ["CONNECT", "trace", "Track"];
    for method in forbidden_methods {
        let err = page_request().with_method(method).unwrap_err();
        assert_eq!(
            err,
            PageError::ForbiddenMethod {
                method: method.into()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("'{method}' HTTP method is unsupported.")
        );
    }
    for method in ["", "GET PUT", "P(T"] {
        assert!(matches!(
            page_request().with_method(method),
            Err(PageError::InvalidMethod { .. })
        ));
    }
    for name in [
        "Cookie",
        "origin",
        "Sec-Fetch-Site",
        "proxy-authorization",
        "Host",
        "user-agent",
        "Access-Control-Request-Method",
    ] {
        let err = page_request().with_header(name, "x").unwrap_err();
        assert_eq!(
            err,
            PageError::ForbiddenHeader {
                name: name.to_ascii_lowercase()
            }
        );
    }
    assert!(matches!(
        page_request().with_header("a b", "x"),
        Err(PageError::InvalidHeaderName { .. })
    ));
    assert!(matches!(
        page_request().with_header("x-a", "1\r\nx-b: 2"),
        Err(PageError::InvalidHeaderValue { .. })
    ));
}

#[test]
fn origins_are_null_or_serialized_as_browsers_do() {
    assert_eq!(
        PageRequest::new("null", API).map(|r| r.origin().to_owned()),
        Ok("null".to_owned())
    );
    for origin in [
        "https://app.example.com/",
        "https://App.example.com",
        "https://app.example.com:443",
        "app.example.com",
        "https://app.example.com/path",
        "",
    ] {
        let err = PageRequest::new(origin, API).unwrap_err();
        assert!(
            matches!(err, PageError::InvalidOrigin { .. }),
            "{origin}: {err:?}"
        );
    }
    assert!(matches!(
        PageRequest::new(APP, "http://a b/"),
        Err(PageError::InvalidUrl { .. })
    ));
}

#[test]
fn credentials_cross_origin_only_with_include() {
    assert!(!Credentials::Omit.sends_cross_origin());
    assert!(!Credentials::SameOrigin.sends_cross_origin());
    assert!(Credentials::Include.sends_cross_origin());
    // `same-origin` (the default) behaves as `omit` for the CORS check.
    let star = response(200, &[("access-control-allow-origin", "*")]);
    assert!(page_request().check_response(&star).is_ok());
    assert!(page_request()
        .with_credentials(Credentials::Omit)
        .check_response(&star)
        .is_ok());
    assert!(page_request()
        .with_credentials(Credentials::Include)
        .check_response(&star)
        .is_err());
}

// ---------------------------------------------------------------------------
// Tables: refusals and the console's words
// ---------------------------------------------------------------------------

fn response(status: u16, headers: &[(&str, &str)]) -> Response<()> {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).expect("valid response")
}

const PREFIX: &str = "Access to fetch at 'https://api.example.com/items' from origin \
                      'https://app.example.com' has been blocked by CORS policy: ";
const PREFLIGHT_CHECK: &str = "Response to preflight request doesn't pass access control check: ";

/// `PUT` with `x-custom`, credentials included: a preflight is sent.
fn put_with_credentials() -> PageRequest {
    page_request()
        .with_method("PUT")
        .and_then(|r| r.with_header("x-custom", "1"))
        .expect("valid")
        .with_credentials(Credentials::Include)
}

const GOOD_PREFLIGHT: &[(&str, &str)] = &[
    ("access-control-allow-origin", APP),
    ("access-control-allow-credentials", "true"),
    ("access-control-allow-methods", "PUT"),
    ("access-control-allow-headers", "x-custom"),
];

/// The good preflight with one header replaced (or removed when `None`).
fn preflight_with(name: &str, value: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers: Vec<(&'static str, String)> = GOOD_PREFLIGHT
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, v)| (*n, v.to_string()))
        .collect();
    if let Some(value) = value {
        let name = GOOD_PREFLIGHT
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == name)
            .unwrap_or("access-control-allow-origin");
        headers.push((name, value.to_owned()));
    }
    headers
}

fn judged_preflight(status: u16, headers: &[(&str, String)]) -> Result<(), Blocked> {
    let refs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    put_with_credentials()
        .check_preflight(&response(status, &refs))
        .map(|_| ())
}

#[test]
fn a_good_preflight_passes() {
    let headers: Vec<(&str, String)> = GOOD_PREFLIGHT
        .iter()
        .map(|(n, v)| (*n, v.to_string()))
        .collect();
    assert_eq!(judged_preflight(204, &headers), Ok(()));
    assert_eq!(judged_preflight(200, &headers), Ok(()));
}

/// Status, headers, the reason, the console's message, part of the fix.
type PreflightCase = (
    u16,
    Vec<(&'static str, String)>,
    Reason,
    String,
    &'static str,
);

#[test]
fn each_preflight_refusal_reads_as_chromes_console() {
    let origin = "access-control-allow-origin";
    let credentials = "access-control-allow-credentials";
    let methods = "access-control-allow-methods";
    let headers = "access-control-allow-headers";
    let cases: Vec<PreflightCase> = vec![
        (
            204,
            preflight_with(origin, None),
            Reason::MissingAllowOrigin,
            format!("{PREFIX}{PREFLIGHT_CHECK}No 'Access-Control-Allow-Origin' header is present on the requested resource."),
            "allow_origins",
        ),
        (
            204,
            preflight_with(origin, Some("*")),
            Reason::WildcardOriginWithCredentials,
            format!("{PREFIX}{PREFLIGHT_CHECK}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."),
            "instead of *",
        ),
        (
            204,
            preflight_with(origin, Some("https://other.example.com")),
            Reason::AllowOriginMismatch { value: "https://other.example.com".into() },
            format!("{PREFIX}{PREFLIGHT_CHECK}The 'Access-Control-Allow-Origin' header has a value 'https://other.example.com' that is not equal to the supplied origin."),
            "Access-Control-Allow-Origin: https://app.example.com",
        ),
        (
            204,
            preflight_with(origin, Some("app.example.com")),
            Reason::InvalidAllowOrigin { value: "app.example.com".into() },
            format!("{PREFIX}{PREFLIGHT_CHECK}The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example.com'."),
            "exactly as the browser sent it",
        ),
        (
            204,
            preflight_with(origin, Some("https://app.example.com, https://app.example.com")),
            Reason::MultipleAllowOrigin { value: "https://app.example.com, https://app.example.com".into() },
            format!("{PREFIX}{PREFLIGHT_CHECK}The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com, https://app.example.com', but only one is allowed."),
            "single Access-Control-Allow-Origin",
        ),
        (
            204,
            preflight_with(credentials, None),
            Reason::AllowCredentialsNotTrue { value: String::new() },
            format!("{PREFIX}{PREFLIGHT_CHECK}The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."),
            "allow_credentials(true)",
        ),
        (
            204,
            preflight_with(credentials, Some("TRUE")),
            Reason::AllowCredentialsNotTrue { value: "TRUE".into() },
            format!("{PREFIX}{PREFLIGHT_CHECK}The value of the 'Access-Control-Allow-Credentials' header in the response is 'TRUE' which must be 'true' when the request's credentials mode is 'include'."),
            "allow_credentials(true)",
        ),
        (
            403,
            preflight_with(methods, Some("PUT")),
            Reason::PreflightStatus { status: StatusCode::FORBIDDEN },
            format!("{PREFIX}{PREFLIGHT_CHECK}It does not have HTTP ok status."),
            "not 403",
        ),
        (
            308,
            preflight_with(methods, Some("PUT")),
            Reason::PreflightRedirect { status: StatusCode::PERMANENT_REDIRECT },
            format!("{PREFIX}{PREFLIGHT_CHECK}Redirect is not allowed for a preflight request."),
            "instead of redirecting",
        ),
        (
            204,
            preflight_with(methods, Some("put")),
            Reason::MethodNotAllowed { method: "PUT".into() },
            format!("{PREFIX}Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
            "add 'PUT' to allow_methods",
        ),
        (
            204,
            preflight_with(methods, Some("*")),
            Reason::MethodNotAllowed { method: "PUT".into() },
            format!("{PREFIX}Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
            "add 'PUT' to allow_methods",
        ),
        (
            204,
            preflight_with(methods, Some("PUT DELETE")),
            Reason::InvalidAllowMethods { value: "PUT DELETE".into() },
            format!("{PREFIX}Cannot parse Access-Control-Allow-Methods response header field in preflight response."),
            "separated by commas",
        ),
        (
            204,
            preflight_with(headers, None),
            Reason::HeaderNotAllowed { name: "x-custom".into() },
            format!("{PREFIX}Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."),
            "add 'x-custom' to allow_headers",
        ),
        (
            204,
            preflight_with(headers, Some("*")),
            Reason::HeaderNotAllowed { name: "x-custom".into() },
            format!("{PREFIX}Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."),
            "add 'x-custom' to allow_headers",
        ),
        (
            204,
            preflight_with(headers, Some("x-custom; x-other")),
            Reason::InvalidAllowHeaders { value: "x-custom; x-other".into() },
            format!("{PREFIX}Cannot parse Access-Control-Allow-Headers response header field in preflight response."),
            "separated by commas",
        ),
    ];
    for (status, headers, reason, message, fix) in cases {
        let blocked = judged_preflight(status, &headers).unwrap_err();
        assert_eq!(blocked.reason(), &reason, "{headers:?}");
        assert_eq!(blocked.stage(), Stage::Preflight);
        assert_eq!(blocked.to_string(), message);
        assert!(blocked.fix().contains(fix), "{}", blocked.fix());
    }
}

#[test]
fn preflight_checks_come_in_the_browsers_order() {
    // A redirect is refused before anything else is read.
    let redirect = vec![("location", "/elsewhere".to_owned())];
    for status in [301, 302, 303, 307, 308] {
        let reason = judged_preflight(status, &redirect)
            .unwrap_err()
            .reason()
            .clone();
        assert!(
            matches!(reason, Reason::PreflightRedirect { .. }),
            "{status}"
        );
    }
    // The CORS check comes before the status: a bare 500 lacks the origin.
    let reason = judged_preflight(500, &[]).unwrap_err().reason().clone();
    assert_eq!(reason, Reason::MissingAllowOrigin);
    let good = preflight_with("access-control-allow-methods", Some("PUT"));
    let reason = judged_preflight(500, &good).unwrap_err().reason().clone();
    assert_eq!(
        reason,
        Reason::PreflightStatus {
            status: StatusCode::INTERNAL_SERVER_ERROR
        }
    );
    // 304 is no redirect status.
    let reason = judged_preflight(304, &good).unwrap_err().reason().clone();
    assert_eq!(
        reason,
        Reason::PreflightStatus {
            status: StatusCode::NOT_MODIFIED
        }
    );
    // An unparsable list fails even when the method needs no listing.
    let get = page_request().with_header("x-custom", "1").expect("valid");
    let unparsable = response(
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "G(E)T"),
            ("access-control-allow-headers", "x-custom"),
        ],
    );
    assert!(matches!(
        get.check_preflight(&unparsable).unwrap_err().reason(),
        Reason::InvalidAllowMethods { .. }
    ));
}

#[test]
fn methods_are_matched_byte_for_byte_and_headers_in_any_case() {
    let patch = page_request().with_method("patch").expect("valid");
    let allows = |methods: &str| {
        patch
            .check_preflight(&response(
                204,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-methods", methods),
                ],
            ))
            .is_ok()
    };
    assert!(!allows("PATCH"));
    assert!(allows("GET, patch"));
    assert!(allows("*"), "no credentials: * is any method");
    let custom = page_request().with_header("X-Custom", "1").expect("valid");
    let answer = response(
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-headers", "X-CUSTOM"),
        ],
    );
    assert!(custom.check_preflight(&answer).is_ok());
    // Several lines are one list.
    let two = page_request()
        .with_header("x-a", "1")
        .and_then(|r| r.with_header("x-b", "1"))
        .expect("valid");
    let answer = Response::builder()
        .status(204)
        .header("access-control-allow-origin", APP)
        .header("access-control-allow-headers", "x-a")
        .header("access-control-allow-headers", "x-b")
        .body(())
        .expect("valid");
    assert!(two.check_preflight(&answer).is_ok());
}

#[test]
fn authorization_under_a_wildcard_passes_as_in_every_engine_with_a_warning() {
    let bearer = page_request()
        .with_header("authorization", "Bearer t")
        .expect("valid");
    let star = response(
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-headers", "*"),
        ],
    );
    let passed = bearer.check_preflight(&star).expect("engines accept it");
    assert_eq!(passed.warnings(), [Warning::AuthorizationCoveredByWildcard]);
    assert!(passed.warnings()[0].to_string().contains("Fetch standard"));
    assert!(passed.warnings()[0].fix().contains("authorization"));
    // Listed by name: no warning.
    let listed = response(
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-headers", "*, Authorization"),
        ],
    );
    assert_eq!(
        bearer.check_preflight(&listed).map(|p| p.warnings().len()),
        Ok(0)
    );
    // With credentials `*` is a literal name: refused everywhere.
    let star_with_credentials = response(
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "*"),
        ],
    );
    let blocked = bearer
        .with_credentials(Credentials::Include)
        .check_preflight(&star_with_credentials)
        .unwrap_err();
    assert_eq!(
        blocked.reason(),
        &Reason::HeaderNotAllowed {
            name: "authorization".into()
        }
    );
}

/// Credentials, headers, the reason, the console's message.
type ResponseCase = (
    Credentials,
    Vec<(&'static str, &'static str)>,
    Reason,
    String,
);

#[test]
fn each_response_refusal_reads_as_chromes_console() {
    let opaque = " If an opaque response serves your needs, set the request's mode to 'no-cors' \
                  to fetch the resource with CORS disabled.";
    let cases: Vec<ResponseCase> = vec![
        (
            Credentials::SameOrigin,
            vec![],
            Reason::MissingAllowOrigin,
            format!("{PREFIX}No 'Access-Control-Allow-Origin' header is present on the requested resource.{opaque}"),
        ),
        (
            Credentials::Include,
            vec![("access-control-allow-origin", "*")],
            Reason::WildcardOriginWithCredentials,
            format!("{PREFIX}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."),
        ),
        (
            Credentials::Omit,
            vec![("access-control-allow-origin", "null")],
            Reason::AllowOriginMismatch { value: "null".into() },
            format!("{PREFIX}The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin."),
        ),
        (
            Credentials::Include,
            vec![("access-control-allow-origin", APP), ("access-control-allow-credentials", "false")],
            Reason::AllowCredentialsNotTrue { value: "false".into() },
            format!("{PREFIX}The value of the 'Access-Control-Allow-Credentials' header in the response is 'false' which must be 'true' when the request's credentials mode is 'include'."),
        ),
    ];
    for (credentials, headers, reason, message) in cases {
        let blocked = page_request()
            .with_credentials(credentials)
            .check_response(&response(200, &headers))
            .unwrap_err();
        assert_eq!(blocked.reason(), &reason);
        assert_eq!(blocked.stage(), Stage::Response);
        assert_eq!(blocked.to_string(), message);
    }
    // Two lines are joined, as the browser reads them.
    let two = Response::builder()
        .header("access-control-allow-origin", APP)
        .header("access-control-allow-origin", APP)
        .body(())
        .expect("valid");
    let blocked = page_request().check_response(&two).unwrap_err();
    assert_eq!(
        blocked.to_string(),
        format!("{PREFIX}The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com, https://app.example.com', but only one is allowed.")
    );
}

#[test]
fn hostile_values_cannot_forge_console_lines() {
    // U+2028 (a line separator in many viewers) and other non-ASCII bytes
    // a header value may hold are escaped, not printed.
    let value = http::HeaderValue::from_bytes(b"https://evil.example\xe2\x80\xa8[ok] allowed")
        .expect("obs-text is a valid header value");
    let mut answer = Response::new(());
    answer
        .headers_mut()
        .insert("access-control-allow-origin", value);
    let blocked = page_request().check_response(&answer).unwrap_err();
    let message = blocked.to_string();
    assert!(
        message.contains(r#"has a value "https://evil.example\xe2\x80\xa8[ok] allowed" that"#),
        "{message}"
    );
    assert!(message.is_ascii(), "{message}");
}

// ---------------------------------------------------------------------------
// Tables: what the page reads, and for how long a preflight counts
// ---------------------------------------------------------------------------

fn exposed(credentials: Credentials, headers: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![("access-control-allow-origin", APP)];
    if credentials == Credentials::Include {
        all.push(("access-control-allow-credentials", "true"));
    }
    all.extend_from_slice(headers);
    let readable = page_request()
        .with_credentials(credentials)
        .check_response(&response(500, &all))
        .expect("allowed, whatever the status");
    readable
        .exposed()
        .iter()
        .map(|n| n.as_str().to_owned())
        .collect()
}

#[test]
fn scripts_read_the_safelisted_headers_and_the_exposed_ones() {
    let body = [
        ("content-type", "text/plain"),
        ("cache-control", "no-store"),
        ("x-request-id", "7"),
        ("x-internal", "1"),
        ("set-cookie", "a=1"),
    ];
    assert_eq!(
        exposed(Credentials::SameOrigin, &body),
        ["cache-control", "content-type"]
    );
    let mut listed = body.to_vec();
    listed.push(("access-control-expose-headers", "X-Request-Id, set-cookie"));
    assert_eq!(
        exposed(Credentials::SameOrigin, &listed),
        ["cache-control", "content-type", "x-request-id"]
    );
    let mut star = body.to_vec();
    star.push(("access-control-expose-headers", "*"));
    assert_eq!(
        exposed(Credentials::SameOrigin, &star),
        [
            "access-control-allow-origin",
            "access-control-expose-headers",
            "cache-control",
            "content-type",
            "x-internal",
            "x-request-id",
        ]
    );
    // With credentials, `*` names a header called `*`.
    assert_eq!(
        exposed(Credentials::Include, &star),
        ["cache-control", "content-type"]
    );
    // An unparsable list exposes nothing more.
    let mut broken = body.to_vec();
    broken.push(("access-control-expose-headers", "x-request-id, (x)"));
    assert_eq!(
        exposed(Credentials::SameOrigin, &broken),
        ["cache-control", "content-type"]
    );
}

#[test]
fn max_age_defaults_to_five_seconds_and_engines_cap_it() {
    let max_age = |value: &str| -> MaxAge {
        let answer = response(
            204,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-methods", "PUT"),
                ("access-control-max-age", value),
            ],
        );
        page_request()
            .with_method("PUT")
            .expect("valid")
            .check_preflight(&answer)
            .expect("passes")
            .max_age()
    };
    assert_eq!(max_age("600").seconds(), Some(600));
    for invalid in ["-1", "ten", "1.5", ""] {
        assert_eq!(max_age(invalid).seconds(), None, "{invalid}");
        assert_eq!(max_age(invalid).standard(), Duration::from_secs(5));
    }
    let day = max_age("86400");
    assert_eq!(day.in_engine(Engine::Chromium), Duration::from_secs(7200));
    assert_eq!(day.in_engine(Engine::Firefox), Duration::from_secs(86400));
    assert_eq!(day.in_engine(Engine::WebKit), Duration::from_secs(600));
    assert_eq!(
        max_age("30").in_engine(Engine::WebKit),
        Duration::from_secs(30)
    );
    assert_eq!(max_age("99999999999999999999999").seconds(), Some(u64::MAX));
}

// ---------------------------------------------------------------------------
// The layer as the browser sees it
// ---------------------------------------------------------------------------

#[test]
fn the_layers_refusals_read_in_the_console_as_documented() {
    let page = page_request().with_method("patch").expect("valid");
    let preflight = page.preflight_request().expect("patch is preflighted");
    let strict = tower_cors::Policy::builder()
        .allow_origins([APP])
        .allow_methods(["PATCH"])
        .build()
        .expect("valid");
    // A 403 without Access-Control-* reads as a missing origin...
    let blocked = page
        .check_preflight(&through_layer(&strict, preflight.clone()))
        .unwrap_err();
    assert_eq!(blocked.reason(), &Reason::MissingAllowOrigin);
    // ...while debug mode lets the browser name the method.
    let debug = tower_cors::Policy::builder()
        .allow_origins([APP])
        .allow_methods(["PATCH"])
        .debug(true)
        .build()
        .expect("valid");
    let blocked = page
        .check_preflight(&through_layer(&debug, preflight))
        .unwrap_err();
    assert_eq!(
        blocked.to_string(),
        format!("{PREFIX}Method patch is not allowed by Access-Control-Allow-Methods in preflight response.")
    );
}
