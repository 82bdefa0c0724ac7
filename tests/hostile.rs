//! Hostile input: every misconfiguration attackers look for and every
//! malformed request a browser never sends, each with its exact answer:
//! status, every `Access-Control-*` header, `Vary` and `cors-refusal`.
//! Each request is checked through the tower layer over a mock app, over
//! a real socket (a hyper server on loopback, the request written as raw
//! bytes so duplicate lines and odd bytes arrive as sent), and against the
//! reference model.

mod model;
#[path = "common/model_policies.rs"]
mod model_policies;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{ConfigProblem, Cors, Policy};

use model::harness::{call_now, raw_request, send_once, serve, MockApp, RawResponse, APP_BODY};
use model::{ModelPolicy, ModelRequest};
use model_policies::{credentialed, APP};

// ---------------------------------------------------------------------------
// Policies under attack (and `credentialed`, shared with `load.rs`)
// ---------------------------------------------------------------------------

/// A public API: any origin, method and header, no credentials.
fn public_api() -> ModelPolicy {
    ModelPolicy {
        any_origin: true,
        any_method: true,
        any_header: true,
        ..ModelPolicy::default()
    }
}

/// One origin, any method and header, with credentials: values reflected.
fn reflecting() -> ModelPolicy {
    ModelPolicy {
        origins: vec![APP.into()],
        any_method: true,
        any_header: true,
        credentials: true,
        ..ModelPolicy::default()
    }
}

/// `null` trusted on purpose.
fn dangerous_null() -> ModelPolicy {
    ModelPolicy {
        origins: vec![APP.into()],
        null_origin: true,
        ..ModelPolicy::default()
    }
}

// ---------------------------------------------------------------------------
// Requests and expected answers
// ---------------------------------------------------------------------------

struct Case {
    name: &'static str,
    policy: fn() -> ModelPolicy,
    method: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    /// Whether the case survives HTTP/1.1 framing unchanged (leading
    /// whitespace is trimmed by any HTTP parser, for one).
    over_socket: bool,
    expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Expect {
    /// 200 from the app, or the layer's own 204/403.
    status: u16,
    /// Every `Access-Control-*` header and `cors-refusal`, exactly.
    cors: BTreeMap<String, String>,
    /// Every `Vary` line, in order.
    vary: Vec<String>,
}

/// The app's own `Vary`, which must survive.
const APP_VARY: &[u8] = b"accept-encoding";

fn cors(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// A refused preflight: 403, no `Access-Control-*` at all, `Vary`, and why.
fn refused_preflight(why: &str, vary: &str) -> Expect {
    Expect {
        status: 403,
        cors: cors(&[("cors-refusal", why)]),
        vary: vec![vary.into()],
    }
}

/// A refused simple/actual request: the app's answer with nothing granted,
/// but `Vary: origin` after the app's own `Vary`.
fn refused_request() -> Expect {
    Expect {
        status: 200,
        cors: BTreeMap::new(),
        vary: vec!["accept-encoding".into(), "origin".into()],
    }
}

/// The `credentialed()` policy's answer to an allowed preflight.
fn allowed_credentialed_preflight(origin: &str) -> Expect {
    Expect {
        status: 204,
        cors: cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "PUT,PATCH"),
            ("access-control-allow-headers", "content-type,x-custom"),
            ("access-control-max-age", "600"),
        ]),
        vary: vec!["origin".into()],
    }
}

/// The `credentialed()` policy's answer to an allowed GET.
fn allowed_credentialed_get(origin: &str) -> Expect {
    Expect {
        status: 200,
        cors: cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
        ]),
        vary: vec!["accept-encoding".into(), "origin".into()],
    }
}

fn preflight_headers(
    origin: &[u8],
    method: &[u8],
    requested: &[&[u8]],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut headers = vec![
        ("origin", origin.to_vec()),
        ("access-control-request-method", method.to_vec()),
    ];
    for line in requested {
        headers.push(("access-control-request-headers", line.to_vec()));
    }
    headers
}

fn preflight(
    name: &'static str,
    policy: fn() -> ModelPolicy,
    origin: &[u8],
    method: &[u8],
    requested: &[&[u8]],
    expect: Expect,
) -> Case {
    Case {
        name,
        policy,
        method: "OPTIONS",
        headers: preflight_headers(origin, method, requested),
        over_socket: true,
        expect,
    }
}

fn get(name: &'static str, policy: fn() -> ModelPolicy, origins: &[&[u8]], expect: Expect) -> Case {
    Case {
        name,
        policy,
        method: "GET",
        headers: origins.iter().map(|o| ("origin", o.to_vec())).collect(),
        over_socket: true,
        expect,
    }
}

fn comma_list(names: impl IntoIterator<Item = String>) -> Vec<u8> {
    names.into_iter().collect::<Vec<_>>().join(",").into_bytes()
}

const ORIGIN_REFUSED: &str = "origin not allowed";
const MALFORMED: &str = "malformed request";
// What `cors-refusal` says: the culprit, by name when it is a token.
const TWO_ORIGINS: &str = "malformed: several Origin headers";
const BAD_ORIGIN: &str = "malformed: Origin is not a serialized origin";
const TWO_METHODS: &str = "malformed: several Access-Control-Request-Method headers";
const BAD_METHOD: &str = "malformed: Access-Control-Request-Method is not a method";
const BAD_HEADERS: &str = "malformed: Access-Control-Request-Headers is not a list of header names";
const LONG_HEADERS: &str = "malformed: Access-Control-Request-Headers is too long";

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let app = APP.as_bytes();
    let mut cases = vec![
        // The baseline the attacks are measured against.
        preflight("allowed_preflight", credentialed, app, b"PUT", &[b"content-type,x-custom"], allowed_credentialed_preflight(APP)),
        get("allowed_get", credentialed, &[app], allowed_credentialed_get(APP)),
        get("allowed_pattern_get", credentialed, &[b"https://api.example.org"], allowed_credentialed_get("https://api.example.org")),
        get("no_origin_still_varies", credentialed, &[], refused_request()),
        // Section 10: trusting null.
        preflight("null_preflight_refused", credentialed, b"null", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        get("null_get_refused", credentialed, &[b"null"], refused_request()),
        get(
            "null_allowed_only_dangerously",
            dangerous_null,
            &[b"null"],
            Expect {
                status: 200,
                cors: cors(&[("access-control-allow-origin", "null")]),
                vary: vec!["accept-encoding".into(), "origin".into()],
            },
        ),
        // Section 10: suffix matching without a dot boundary.
        preflight("suffix_without_dot", credentialed, b"https://evilexample.org", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("suffix_with_dash", credentialed, b"https://evil-example.org", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("exact_is_not_a_suffix", credentialed, b"https://evilapp.example.com", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("exact_covers_no_subdomain", credentialed, b"https://x.app.example.com", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("pattern_never_covers_apex", credentialed, b"https://example.org", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        get("suffix_get_refused", credentialed, &[b"https://evilexample.org"], refused_request()),
        // Section 10: prefix or unanchored matching.
        preflight("prefix_exact", credentialed, b"https://app.example.com.evil.net", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("prefix_pattern", credentialed, b"https://a.example.org.evil.net", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("longer_tld", credentialed, b"https://app.example.company", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("other_port", credentialed, b"https://app.example.com:8443", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("loopback_other_port", credentialed, b"http://localhost:3001", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        // Section 10: trusting http origins on an https site.
        preflight("http_downgrade_exact", credentialed, b"http://app.example.com", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        preflight("http_downgrade_pattern", credentialed, b"http://a.example.org", b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")),
        // Section 10: reflecting any origin / `*` with credentials: a
        // reflecting policy still only reflects its own origin.
        preflight(
            "reflecting_policy_reflects_values_not_origins",
            reflecting,
            app,
            b"DELETE",
            &[b"x-anything"],
            Expect {
                status: 204,
                cors: cors(&[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-allow-methods", "DELETE"),
                    ("access-control-allow-headers", "x-anything"),
                ]),
                vary: vec!["origin, access-control-request-method, access-control-request-headers".into()],
            },
        ),
        preflight(
            "reflecting_policy_refuses_other_origins",
            reflecting,
            b"https://evil.example",
            b"DELETE",
            &[],
            refused_preflight(ORIGIN_REFUSED, "origin, access-control-request-method, access-control-request-headers"),
        ),
        preflight(
            "public_api_answers_star",
            public_api,
            b"https://anyone.example",
            b"DELETE",
            &[b"x-anything"],
            Expect {
                status: 204,
                cors: cors(&[
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-methods", "*"),
                    ("access-control-allow-headers", "x-anything"),
                ]),
                vary: vec!["access-control-request-headers".into()],
            },
        ),
        // `*` never covers authorization, with or without credentials.
        preflight("star_headers_refuse_authorization", public_api, b"https://anyone.example", b"GET", &[b"authorization"], refused_preflight("header \"authorization\" not allowed", "access-control-request-headers")),
        preflight("reflection_refuses_authorization", reflecting, app, b"GET", &[b"x-a,Authorization"], refused_preflight("header \"authorization\" not allowed", "origin, access-control-request-method, access-control-request-headers")),
        // Forbidden methods are never allowed by any-method.
        preflight("any_method_refuses_trace", public_api, b"https://anyone.example", b"TRACE", &[], refused_preflight("method \"TRACE\" not allowed", "access-control-request-headers")),
        // Methods are byte-exact.
        preflight("patch_is_not_normalized", credentialed, app, b"patch", &[], refused_preflight("method \"patch\" not allowed", "origin")),
        preflight("unlisted_method", credentialed, app, b"DELETE", &[], refused_preflight("method \"DELETE\" not allowed", "origin")),
        preflight("unlisted_header", credentialed, app, b"PUT", &[b"content-type,x-other"], refused_preflight("header \"x-other\" not allowed", "origin")),
        // Multiple or malformed Origin.
        preflight("two_origins_preflight", credentialed, app, b"PUT", &[], refused_preflight(TWO_ORIGINS, "origin")),
        get("two_origins_get", credentialed, &[app, app], refused_request()),
        // An any-origin answer is `*` whatever `Origin` says
        // (`#cors-protocol-and-http-caches`).
        get("two_different_origins_get", public_api, &[app, b"https://evil.example"], Expect {
            status: 200,
            cors: BTreeMap::from([("access-control-allow-origin".into(), "*".into())]),
            vary: vec!["accept-encoding".into()],
        }),
        // Duplicate and malformed Access-Control-Request-Method.
        Case {
            name: "two_request_methods",
            policy: credentialed,
            method: "OPTIONS",
            headers: vec![
                ("origin", app.to_vec()),
                ("access-control-request-method", b"PUT".to_vec()),
                ("access-control-request-method", b"PUT".to_vec()),
            ],
            over_socket: true,
            expect: refused_preflight(TWO_METHODS, "origin"),
        },
        preflight("request_method_with_space", credentialed, app, b"PUT PATCH", &[], refused_preflight(BAD_METHOD, "origin")),
        preflight("request_method_list", credentialed, app, b"PUT,PATCH", &[], refused_preflight(BAD_METHOD, "origin")),
        preflight("request_method_parenthesis", credentialed, app, b"P(T", &[], refused_preflight(BAD_METHOD, "origin")),
        preflight("request_method_empty", credentialed, app, b"", &[], refused_preflight(BAD_METHOD, "origin")),
        preflight("request_method_non_ascii", credentialed, app, b"P\xc3\x9cT", &[], refused_preflight(BAD_METHOD, "origin")),
        // Malformed Access-Control-Request-Headers.
        preflight("request_headers_semicolon", credentialed, app, b"PUT", &[b"content-type;x-custom"], refused_preflight(BAD_HEADERS, "origin")),
        preflight("request_headers_space_in_name", credentialed, app, b"PUT", &[b"x custom"], refused_preflight(BAD_HEADERS, "origin")),
        preflight("request_headers_parenthesis", credentialed, app, b"PUT", &[b"x-custom,(x)"], refused_preflight(BAD_HEADERS, "origin")),
        preflight("request_headers_non_ascii", credentialed, app, b"PUT", &[b"x-\xff"], refused_preflight(BAD_HEADERS, "origin")),
        // Bounded work: the limits and just inside them.
        preflight("sixteen_empty_elements_pass", credentialed, app, b"PUT", &[&b",".repeat(15)], allowed_credentialed_preflight(APP)),
        preflight("seventeen_empty_elements_refused", credentialed, app, b"PUT", &[&b",".repeat(16)], refused_preflight(LONG_HEADERS, "origin")),
        preflight("one_twenty_eight_names_pass", credentialed, app, b"PUT", &[&comma_list((0..128).map(|_| "x-custom".to_owned()))], allowed_credentialed_preflight(APP)),
        preflight("one_twenty_nine_names_refused", credentialed, app, b"PUT", &[&comma_list((0..129).map(|_| "x-custom".to_owned()))], refused_preflight(LONG_HEADERS, "origin")),
        // Inner whitespace, which HTTP parsers keep: 17 + 4079 = 4096 bytes.
        preflight("four_thousand_ninety_six_bytes_pass", credentialed, app, b"PUT", &[format!("x-custom,{}x-custom", " ".repeat(4079)).as_bytes()], allowed_credentialed_preflight(APP)),
        preflight("four_thousand_ninety_seven_bytes_refused", credentialed, app, b"PUT", &[format!("x-custom,{}x-custom", " ".repeat(4080)).as_bytes()], refused_preflight(LONG_HEADERS, "origin")),
        preflight("sixteen_lines_pass", credentialed, app, b"PUT", &[&b"x-custom"[..]; 16], allowed_credentialed_preflight(APP)),
        preflight("seventeen_lines_refused", credentialed, app, b"PUT", &[&b"x-custom"[..]; 17], refused_preflight(LONG_HEADERS, "origin")),
        preflight("thousands_of_names_refused", public_api, b"https://anyone.example", b"PUT", &[&comma_list((0..3000).map(|i| format!("x-{i}")))], refused_preflight(LONG_HEADERS, "access-control-request-headers")),
        // Private Network Access is opt-in.
        Case {
            name: "private_network_not_answered_unless_enabled",
            policy: credentialed,
            method: "OPTIONS",
            headers: vec![
                ("origin", app.to_vec()),
                ("access-control-request-method", b"PUT".to_vec()),
                ("access-control-request-private-network", b"true".to_vec()),
            ],
            over_socket: true,
            expect: Expect {
                status: 204,
                cors: cors(&[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-allow-methods", "PUT,PATCH"),
                    ("access-control-allow-headers", "content-type,x-custom"),
                    ("access-control-max-age", "600"),
                ]),
                vary: vec!["origin".into()],
            },
        },
        // An OPTIONS without Access-Control-Request-Method is the app's.
        Case {
            name: "options_without_request_method_reaches_the_app",
            policy: credentialed,
            method: "OPTIONS",
            headers: vec![("origin", app.to_vec())],
            over_socket: true,
            expect: allowed_credentialed_get(APP),
        },
    ];
    // Long origins: one as long as DNS allows (labels of 63 bytes, a
    // 246-byte host) is judged like any other, and echoed whole when a
    // pattern allows it; one longer than any browser sends is malformed,
    // even under an allowing pattern.
    let labels = ["a".repeat(63), "b".repeat(63), "c".repeat(63)].join(".");
    let long_allowed = format!("https://{labels}.d.example.org");
    let long_refused = format!("https://{labels}.d.example.net");
    let too_long = format!("https://{}.example.org", "a".repeat(6000));
    cases.push(get("very_long_allowed_origin", credentialed, &[long_allowed.as_bytes()], allowed_credentialed_get(long_allowed.clone().leak())));
    cases.push(preflight("very_long_refused_origin", credentialed, long_refused.as_bytes(), b"PUT", &[], refused_preflight(ORIGIN_REFUSED, "origin")));
    cases.push(get("over_long_origin", credentialed, &[too_long.as_bytes()], refused_request()));
    cases.push(preflight("over_long_origin_preflight", credentialed, too_long.as_bytes(), b"PUT", &[], refused_preflight(BAD_ORIGIN, "origin")));
    // The second Origin line of `two_origins_preflight`.
    if let Some(case) = cases.iter_mut().find(|c| c.name == "two_origins_preflight") {
        case.headers.insert(1, ("origin", app.to_vec()));
    }

    // Origins no browser sends: malformed, whatever the policy.
    let malformed_origins: &[(&'static str, &[u8], bool)] = &[
        ("origin_trailing_slash", b"https://app.example.com/", true),
        ("origin_path", b"https://app.example.com/app", true),
        ("origin_uppercase", b"HTTPS://APP.EXAMPLE.COM", true),
        ("origin_uppercase_host", b"https://App.example.com", true),
        ("origin_default_port", b"https://app.example.com:443", true),
        ("origin_userinfo", b"https://user@app.example.com", true),
        ("origin_query", b"https://app.example.com?x=1", true),
        ("origin_inner_space", b"https://app.exa mple.com", true),
        ("origin_non_ascii", b"https://app.example.com\xff", true),
        ("origin_unicode_host", "https://b\u{fc}cher.example".as_bytes(), true),
        ("origin_empty", b"", true),
        ("origin_no_scheme", b"app.example.com", true),
        ("origin_wildcard", b"https://*.example.org", true),
        // HTTP parsers trim surrounding whitespace: tower level only.
        ("origin_leading_space", b" https://app.example.com", false),
        ("origin_trailing_tab", b"https://app.example.com\t", false),
    ];
    for &(name, origin, over_socket) in malformed_origins {
        let mut case = preflight(name, credentialed, origin, b"PUT", &[], refused_preflight(BAD_ORIGIN, "origin"));
        case.over_socket = over_socket;
        cases.push(case);
        let mut case = get(name, credentialed, &[origin], refused_request());
        case.over_socket = over_socket;
        cases.push(case);
        // ...but an any-origin answer outside preflights is `*` whatever
        // `Origin` says (`#cors-protocol-and-http-caches`).
        let mut case = get(name, public_api, &[origin], Expect {
            status: 200,
            cors: BTreeMap::from([("access-control-allow-origin".into(), "*".into())]),
            vary: vec!["accept-encoding".into()],
        });
        case.over_socket = over_socket;
        cases.push(case);
    }
    cases
}

// ---------------------------------------------------------------------------
// Checking one case
// ---------------------------------------------------------------------------

fn is_cors_header(name: &str) -> bool {
    name.starts_with("access-control-") || name == CORS_REFUSAL.as_str()
}

/// What a response shows of an [`Expect`], and whether the app answered.
fn observed(status: u16, headers: &BTreeMap<String, Vec<Vec<u8>>>, body: &[u8]) -> (Expect, bool) {
    let text = |v: &Vec<u8>| String::from_utf8_lossy(v).into_owned();
    let mut cors = BTreeMap::new();
    for (name, values) in headers {
        if is_cors_header(name) {
            assert_eq!(values.len(), 1, "{name} sent {} times", values.len());
            cors.insert(name.clone(), text(&values[0]));
        }
    }
    let vary = headers
        .get("vary")
        .map(|v| v.iter().map(text).collect())
        .unwrap_or_default();
    let from_app = headers.get("x-app").is_some() && body == APP_BODY.as_bytes();
    (Expect { status, cors, vary }, from_app)
}

fn model_request(case: &Case) -> ModelRequest {
    ModelRequest {
        method: case.method.into(),
        headers: case
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect(),
    }
}

fn build(case: &Case) -> Policy {
    (case.policy)()
        .build()
        .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

#[test]
fn every_hostile_request_gets_its_exact_answer_from_the_layer() {
    for case in cases() {
        let app = MockApp::with_vary(&[APP_VARY]);
        let mut service = Cors::new(app.clone(), build(&case));
        let request = model_request(&case).to_http().expect("valid header values");
        let response = call_now(&mut service, request);
        let headers = model::harness::header_lines(response.headers());
        let (seen, from_app) = observed(
            response.status().as_u16(),
            &headers,
            response.body().as_bytes(),
        );
        assert_eq!(seen, case.expect, "{}", case.name);
        assert_eq!(from_app, case.expect.status == 200, "{}", case.name);
        assert_eq!(
            app.calls(),
            usize::from(case.expect.status == 200),
            "{}",
            case.name
        );
    }
}

#[test]
fn the_model_agrees_with_every_hostile_case() {
    for case in cases() {
        let answer = model::layer_answer(&(case.policy)(), &model_request(&case), &[APP_VARY]);
        let (modelled, from_app) = observed(answer.status, &answer.headers, answer.body.as_bytes());
        assert_eq!(modelled, case.expect, "{}", case.name);
        assert_eq!(from_app, answer.app_called, "{}", case.name);
    }
}

#[tokio::test]
async fn every_hostile_request_gets_its_exact_answer_over_a_socket() {
    let mut checked = 0;
    for case in cases().into_iter().filter(|c| c.over_socket) {
        let addr = serve(Cors::new(MockApp::with_vary(&[APP_VARY]), build(&case))).await;
        let headers: Vec<(&str, &[u8])> = case
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_slice()))
            .collect();
        let bytes = raw_request(case.method, &headers, "connection: close\r\n");
        let response: RawResponse = send_once(addr, &bytes)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let (seen, from_app) = observed(response.status, &response.headers, &response.body);
        assert_eq!(seen, case.expect, "{}", case.name);
        assert_eq!(from_app, case.expect.status == 200, "{}", case.name);
        checked += 1;
    }
    assert!(checked > 60, "only {checked} cases went over the socket");
}

// ---------------------------------------------------------------------------
// Unbounded work: the Go library's 1024 lines of 1024 commas
// ---------------------------------------------------------------------------

#[test]
fn a_megabyte_of_commas_is_refused_at_once() {
    let policy = public_api().build().expect("valid policy");
    let mut builder = http::Request::options("/")
        .header("origin", "https://anyone.example")
        .header("access-control-request-method", "PUT");
    let line = ",".repeat(1024);
    for _ in 0..1024 {
        builder = builder.header("access-control-request-headers", line.as_str());
    }
    let request = builder.body(String::new()).expect("valid request");
    let mut service = Cors::new(MockApp::default(), policy);
    let started = Instant::now();
    let response = call_now(&mut service, request);
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()[CORS_REFUSAL], LONG_HEADERS);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // Generous for a debug build; the check reads at most 17 line lengths.
    assert!(elapsed < Duration::from_millis(200), "took {elapsed:?}");
}

#[tokio::test]
async fn over_a_socket_oversized_request_headers_never_reach_the_policy() {
    // hyper refuses a head of 1024 such lines itself (431), before any
    // service runs; whatever it lets through is bounded by the policy.
    let addr = serve(Cors::new(
        MockApp::default(),
        public_api().build().expect("valid"),
    ))
    .await;
    let line = vec![b','; 1024];
    let mut headers: Vec<(&str, &[u8])> = vec![
        ("origin", b"https://anyone.example"),
        ("access-control-request-method", b"PUT"),
    ];
    for _ in 0..1024 {
        headers.push(("access-control-request-headers", line.as_slice()));
    }
    let bytes = raw_request("OPTIONS", &headers, "connection: close\r\n");
    let response = send_once(addr, &bytes).await.expect("an answer");
    assert_eq!(response.status, 431);
    assert!(response.values("access-control-allow-origin").is_empty());
}

// ---------------------------------------------------------------------------
// Configurations attackers hope for are refused when building
// ---------------------------------------------------------------------------

fn problems(builder: tower_cors::PolicyBuilder) -> Vec<ConfigProblem> {
    match builder.build() {
        Ok(_) => Vec::new(),
        Err(err) => err.problems().to_vec(),
    }
}

#[test]
fn any_origin_with_credentials_is_refused() {
    let expected = vec![ConfigProblem::AnyOriginWithCredentials];
    assert_eq!(
        problems(Policy::builder().allow_any_origin().allow_credentials(true)),
        expected
    );
    assert_eq!(
        problems(
            Policy::builder()
                .allow_origins(["*"])
                .allow_credentials(true)
        ),
        expected
    );
}

#[test]
fn expose_any_with_credentials_is_refused() {
    assert_eq!(
        problems(
            Policy::builder()
                .allow_origins([APP])
                .expose_any_header()
                .allow_credentials(true)
        ),
        vec![ConfigProblem::ExposeAnyWithCredentials]
    );
}

#[test]
fn null_is_refused_unless_dangerously_allowed() {
    assert_eq!(
        problems(Policy::builder().allow_origins(["null"])),
        vec![ConfigProblem::NullOrigin]
    );
    assert_eq!(
        problems(
            Policy::builder()
                .allow_origins(["null"])
                .allow_null_origin_dangerously()
        ),
        vec![]
    );
}

#[test]
fn http_origins_with_credentials_are_refused_except_loopback() {
    for origin in [
        "http://app.example.com",
        "http://*.example.com",
        "http://192.168.1.10:8080",
        "http://[2001:db8::1]",
    ] {
        let mut expected = vec![ConfigProblem::InsecureOriginWithCredentials {
            origin: origin.into(),
        }];
        // Without the Public Suffix List every credentialed wildcard is a
        // second problem.
        if cfg!(not(feature = "public-suffix")) && origin.contains('*') {
            expected.push(ConfigProblem::WildcardNeedsPublicSuffixList {
                pattern: origin.into(),
            });
        }
        assert_eq!(
            problems(
                Policy::builder()
                    .allow_origins([origin])
                    .allow_credentials(true)
            ),
            expected,
            "{origin}"
        );
        assert_eq!(
            problems(Policy::builder().allow_origins([origin])),
            vec![],
            "{origin} without credentials"
        );
    }
    for origin in [
        "http://localhost:3000",
        "http://app.localhost",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://*.localhost",
    ] {
        assert_eq!(
            problems(
                Policy::builder()
                    .allow_origins([origin])
                    .allow_credentials(true)
            ),
            vec![],
            "{origin}"
        );
    }
}

#[cfg(feature = "public-suffix")]
#[test]
fn public_suffix_wildcards_with_credentials_are_refused() {
    for (pattern, suffix) in [
        ("https://*.github.io", "github.io"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.com", "com"),
        ("https://*.herokuapp.com", "herokuapp.com"),
    ] {
        assert_eq!(
            problems(
                Policy::builder()
                    .allow_origins([pattern])
                    .allow_credentials(true)
            ),
            vec![ConfigProblem::PublicSuffixWildcardWithCredentials {
                pattern: pattern.into(),
                suffix: suffix.into()
            }],
            "{pattern}"
        );
        // Without credentials nothing private can leak: allowed.
        assert_eq!(
            problems(Policy::builder().allow_origins([pattern])),
            vec![],
            "{pattern}"
        );
    }
    for pattern in [
        "https://*.example.com",
        "https://*.myapp.github.io",
        "https://*.example.co.uk",
    ] {
        assert_eq!(
            problems(
                Policy::builder()
                    .allow_origins([pattern])
                    .allow_credentials(true)
            ),
            vec![],
            "{pattern}"
        );
    }
}

#[test]
fn misplaced_wildcards_are_refused() {
    for pattern in [
        "https://*example.com",
        "https://a.*.example.com",
        "https://*",
        "*.example.com",
        "https://*.127.0.0.1",
    ] {
        let found = problems(Policy::builder().allow_origins([pattern]));
        assert!(
            matches!(found.as_slice(), [ConfigProblem::InvalidOrigin { origin, .. }] if origin == pattern),
            "{pattern}: {found:?}"
        );
    }
}

/// The escape hatch decides alone, so it is only ever asked about
/// well-formed origins the lists do not cover: never `null`, never a value
/// no browser sends, never one of several `Origin` lines.
#[test]
fn the_origin_predicate_never_sees_null_or_malformed_origins() {
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let recorder = asked.clone();
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_origin_fn(move |origin| {
            recorder.lock().expect("lock").push(origin.to_owned());
            true
        })
        .build()
        .expect("valid policy");
    let evaluate = |origins: &[&str]| {
        let mut builder = http::Request::get("/");
        for origin in origins {
            builder = builder.header("origin", *origin);
        }
        let decision = policy.evaluate(&builder.body(()).expect("valid request"));
        decision.refusal().map(|r| r.summary())
    };
    assert_eq!(evaluate(&["null"]), Some(ORIGIN_REFUSED));
    for malformed in [
        "https://a.example/",
        "HTTPS://A.EXAMPLE",
        "https://a.example:443",
        "",
        "a.example",
    ] {
        assert_eq!(evaluate(&[malformed]), Some(MALFORMED), "{malformed:?}");
    }
    assert_eq!(
        evaluate(&["https://a.example", "https://b.example"]),
        Some(MALFORMED)
    );
    assert_eq!(evaluate(&[APP]), None);
    assert!(asked.lock().expect("lock").is_empty());

    assert_eq!(evaluate(&["https://a.example"]), None);
    assert_eq!(*asked.lock().expect("lock"), ["https://a.example"]);
}

// ---------------------------------------------------------------------------
// Defects the reference model found, now fixed: their regression tests
// ---------------------------------------------------------------------------

/// URL `#concept-ipv6-serializer` writes an IPv4-mapped address in hex
/// (`new URL("http://[::ffff:127.0.0.1]").origin` is
/// `http://[::ffff:7f00:1]`). The crate once checked the form with Rust's
/// `Ipv6Addr` display, which writes `::ffff:127.0.0.1`, so the form
/// browsers send was refused and one they never send was accepted.
#[test]
fn ipv4_mapped_ipv6_origins_use_the_url_serialization() {
    let sent_by_browsers = "http://[::ffff:7f00:1]:8080";
    assert_eq!(
        problems(Policy::builder().allow_origins([sent_by_browsers])),
        vec![]
    );
    let public = public_api().build().expect("valid");
    // A preflight: only there does an any-origin policy parse `Origin`.
    let request = http::Request::options("/")
        .header("origin", sent_by_browsers)
        .header("access-control-request-method", "GET")
        .body(())
        .expect("valid");
    assert!(public.evaluate(&request).is_allowed());

    let never_sent = "http://[::ffff:127.0.0.1]:8080";
    assert_eq!(
        problems(Policy::builder().allow_origins([never_sent])).len(),
        1
    );
}

/// URL `#ends-in-a-number-checker` only treats a last label as a number when
/// it is digits or `0x` followed by hex digits; `a.0xg` is a domain a
/// browser sends as is. The crate once treated any last label starting with
/// `0x` as a number and refused it.
#[test]
fn only_hex_after_0x_makes_a_number() {
    assert_eq!(
        problems(Policy::builder().allow_origins(["https://a.0xg"])),
        vec![]
    );
}
