//! Property tests: over generated policies and generated (often hostile)
//! requests, the crate answers exactly as the independent reference model in
//! `tests/model/` says, through `Policy::evaluate` and through the tower
//! layer over a mock application; and a few invariants hold on their own,
//! whatever the model says.

mod model;

use std::collections::BTreeMap;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, VARY,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use tower_cors::{Cors, Policy, RequestKind};

use model::harness::{call_now, header_lines, MockApp, APP_BODY};
use model::{Kind, ModelPolicy, ModelRequest};

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// Origins acceptable with credentials: https, or plain http on loopback.
const SECURE_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://example.org",
    "https://example.org:8443",
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "http://[::1]:5173",
    "https://a_b.example.net",
    "chrome-extension://abcdefghijklmnop",
    "https://xn--bcher-kva.example",
    "https://dotted.example.com.",
    "http://localhost:*",
];
/// Plain http off loopback: refused with credentials.
const INSECURE_ORIGINS: &[&str] = &["http://app.example.com", "http://192.168.1.10:8000"];
/// Patterns whose domain is no public suffix, https or loopback.
const SECURE_PATTERNS: &[&str] = &[
    "https://*.example.com",
    "https://*.api.example.org",
    "https://*.example.net:8443",
    "http://*.localhost:3000",
    "http://*.localhost:*",
    "https://*.example.org.",
];
const INSECURE_PATTERNS: &[&str] = &["http://*.dev.test"];

const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "purge", "OPTIONS", "GET", "POST"];
const HEADERS: &[&str] = &[
    "content-type",
    "X-Custom",
    "x-request-id",
    "authorization",
    "Accept",
];
const EXPOSE: &[&str] = &["x-request-id", "ETag", "x-total"];

fn all_bases() -> Vec<&'static str> {
    [
        SECURE_ORIGINS,
        INSECURE_ORIGINS,
        SECURE_PATTERNS,
        INSECURE_PATTERNS,
    ]
    .concat()
}

// ---------------------------------------------------------------------------
// Generated policies
// ---------------------------------------------------------------------------

fn policy() -> impl Strategy<Value = ModelPolicy> {
    policy_with(any::<bool>())
}

fn policy_with(credentials: impl Strategy<Value = bool>) -> impl Strategy<Value = ModelPolicy> {
    let origins = (
        subsequence(SECURE_ORIGINS, 0..=4),
        subsequence(INSECURE_ORIGINS, 0..=2),
        subsequence(SECURE_PATTERNS, 0..=2),
        subsequence(INSECURE_PATTERNS, 0..=1),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.1, select(vec![".example.net", "3000", "e"])),
    );
    let rest = (
        subsequence(METHODS, 0..=4),
        prop::bool::weighted(0.2),
        subsequence(HEADERS, 0..=4),
        prop::bool::weighted(0.25),
        subsequence(EXPOSE, 0..=2),
        prop::bool::weighted(0.15),
        credentials,
        prop::option::of(0u64..=86_400),
        any::<bool>(),
    );
    (origins, rest).prop_map(
        |(
            (secure, insecure, patterns, insecure_patterns, any_origin, null_origin, suffix_fn),
            (
                methods,
                any_method,
                headers,
                any_header,
                expose,
                expose_any,
                credentials,
                max_age,
                pna,
            ),
        )| {
            let mut origins: Vec<String> = secure.iter().map(|s| s.to_string()).collect();
            origins.extend(patterns.iter().map(|s| s.to_string()));
            if !credentials {
                origins.extend(insecure.iter().map(|s| s.to_string()));
                origins.extend(insecure_patterns.iter().map(|s| s.to_string()));
            }
            let mut policy = ModelPolicy {
                origins,
                any_origin: any_origin && !credentials,
                null_origin,
                origin_suffix_fn: suffix_fn.map(str::to_owned),
                methods: methods.iter().map(|s| s.to_string()).collect(),
                any_method,
                headers: headers.iter().map(|s| s.to_string()).collect(),
                any_header,
                expose: expose.iter().map(|s| s.to_string()).collect(),
                expose_any: expose_any && !credentials,
                credentials,
                max_age,
                private_network: pna,
                // The patterns here are under no public suffix; without the
                // list to say so, the builder must be told not to check.
                public_suffix_subdomains: cfg!(not(feature = "public-suffix")),
            };
            let no_origin = policy.origins.is_empty()
                && !policy.any_origin
                && !policy.null_origin
                && policy.origin_suffix_fn.is_none();
            if no_origin {
                policy.origins.push(SECURE_ORIGINS[0].to_owned());
            }
            policy
        },
    )
}

// ---------------------------------------------------------------------------
// Generated origins: configured ones, mutated
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    FlipCase(usize),
    Insert(usize, &'static str),
    InsertAfterScheme(&'static str),
    Append(&'static str),
    Prepend(&'static str),
    Remove(usize),
    SwapScheme,
    NonAscii(usize, &'static [u8]),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pieces = [
        ".", "-", "@", "/", "_", ":", "*", " ", "..", "\t", "%2e", "A", "0",
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::FlipCase),
        (any::<usize>(), select(pieces.to_vec())).prop_map(|(i, p)| Mutation::Insert(i, p)),
        select(vec!["evil.", "user@", "u:p@", "a.", "A", "-", "*.", "www."])
            .prop_map(Mutation::InsertAfterScheme),
        select(vec![
            ".evil.net",
            "evil.com",
            ".",
            "/",
            "/path",
            "?q=1",
            "#f",
            ":443",
            ":80",
            ":21",
            ":8080",
            ":08080",
            ":",
            ":65536",
            " ",
            ".localhost",
            "-example.com",
        ])
        .prop_map(Mutation::Append),
        select(vec!["evil", "evil.", "x", " ", "https://", "null", "\t"])
            .prop_map(Mutation::Prepend),
        any::<usize>().prop_map(Mutation::Remove),
        Just(Mutation::SwapScheme),
        (
            any::<usize>(),
            select(vec![
                &b"\x80"[..],
                "é".as_bytes(),
                &b"\xff"[..],
                "\u{200b}".as_bytes(),
            ])
        )
            .prop_map(|(i, b)| Mutation::NonAscii(i, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let at = |i: usize, len: usize| i % (len + 1);
    match mutation {
        Mutation::FlipCase(i) => {
            if !bytes.is_empty() {
                let i = i % bytes.len();
                let b = bytes[i];
                bytes[i] = if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
        Mutation::Insert(i, piece) => {
            let i = at(*i, bytes.len());
            bytes.splice(i..i, piece.bytes());
        }
        Mutation::InsertAfterScheme(piece) => {
            let i = bytes
                .windows(3)
                .position(|w| w == b"://")
                .map_or(0, |p| p + 3);
            bytes.splice(i..i, piece.bytes());
        }
        Mutation::Append(piece) => bytes.extend_from_slice(piece.as_bytes()),
        Mutation::Prepend(piece) => {
            bytes.splice(0..0, piece.bytes());
        }
        Mutation::Remove(i) => {
            if !bytes.is_empty() {
                bytes.remove(i % bytes.len());
            }
        }
        Mutation::SwapScheme => {
            bytes = if let Some(rest) = bytes.strip_prefix(b"https") {
                [b"http", rest].concat()
            } else if let Some(rest) = bytes.strip_prefix(b"http") {
                [b"https", rest].concat()
            } else {
                bytes
            };
        }
        Mutation::NonAscii(i, piece) => {
            let i = at(*i, bytes.len());
            bytes.splice(i..i, piece.iter().copied());
        }
    }
    bytes
}

/// A configured pattern with its `*` replaced by one or more labels.
fn pattern_instance() -> impl Strategy<Value = Vec<u8>> {
    let patterns = [SECURE_PATTERNS, INSECURE_PATTERNS].concat();
    (select(patterns), vec("[a-z0-9_-]{1,8}", 1..=3))
        .prop_map(|(pattern, labels)| instance(pattern, &labels.join(".")).into_bytes())
}

/// An origin a configured `origin` allows: `labels` in place of a
/// pattern's `*.` host label, and a port in place of a port `*`.
fn instance(origin: &str, labels: &str) -> String {
    let origin = if origin.contains("://*.") {
        origin.replacen('*', labels, 1)
    } else {
        origin.to_owned()
    };
    match origin.strip_suffix(":*") {
        Some(host) => format!("{host}:5173"),
        None => origin,
    }
}

/// Origins the policy allows: its exact origins, instances of its
/// patterns, `null` and origins its predicate accepts when allowed.
fn allowed_examples(policy: &ModelPolicy) -> Vec<Vec<u8>> {
    let mut examples = Vec::new();
    for origin in &policy.origins {
        if origin.contains('*') {
            examples.push(instance(origin, "api").into_bytes());
            examples.push(instance(origin, "a-1.b_2").into_bytes());
            if let Some(any_port) = origin.strip_suffix(":*") {
                examples.push(instance(any_port, "api").into_bytes());
            }
        } else {
            examples.push(origin.clone().into_bytes());
        }
    }
    if policy.null_origin {
        examples.push(b"null".to_vec());
    }
    if let Some(suffix) = &policy.origin_suffix_fn {
        examples.push(format!("https://fn{suffix}").into_bytes());
    }
    if policy.any_origin || examples.is_empty() {
        examples.extend(all_bases().iter().map(|s| s.as_bytes().to_vec()));
    }
    examples
}

/// Request origins: mostly ones the policy allows, as they are or mutated
/// into look-alikes, and some hostile or random ones.
fn origin_value(allowed: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let base = prop_oneof![
        3 => select(allowed.clone()),
        1 => select(all_bases()).prop_map(|s| s.as_bytes().to_vec()),
        1 => pattern_instance(),
    ];
    let printable: Vec<u8> = (0x20..0x7f)
        .chain([b'\t', 0x80, 0xc3, 0xa9, 0xff])
        .collect();
    prop_oneof![
        16 => select(allowed),
        2 => select(all_bases()).prop_map(|s| s.as_bytes().to_vec()),
        2 => pattern_instance(),
        6 => (base, vec(mutation(), 1..=3))
            .prop_map(|(base, mutations)| mutations.iter().fold(base, apply)),
        1 => Just(b"null".to_vec()),
        // Hosts a URL parser rewrites: browsers never send them as written.
        1 => select(vec![
            "http://127.1:8080", "http://0x7f.0.0.1:8080", "http://127.000.0.1:8080",
            "http://2130706433:8080", "http://[0:0::1]:5173", "http://[::0001]:5173",
            "http://[::1]:5173", "https://a.example.0x1f",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => vec(select(printable), 0..40),
        1 => (1000usize..6000).prop_map(|n| format!("https://{}.example.com", "a".repeat(n)).into_bytes()),
        1 => (100usize..2000).prop_map(|n| format!("https://app{}.example.com", ".a".repeat(n)).into_bytes()),
    ]
}

// ---------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------

fn origins(allowed: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop_oneof![
        19 => vec(origin_value(allowed.clone()), 1..=1),
        1 => vec(origin_value(allowed), 2..=2),
    ]
}

/// `Access-Control-Request-Method` values: mostly the policy's methods.
fn request_method_value(policy: &ModelPolicy) -> impl Strategy<Value = Vec<u8>> {
    let mut configured: Vec<Vec<u8>> = policy
        .methods
        .iter()
        .map(|m| m.clone().into_bytes())
        .collect();
    configured.push(b"PUT".to_vec());
    prop_oneof![
        10 => select(configured),
        4 => select(vec![
            "PUT", "DELETE", "PATCH", "patch", "purge", "GET", "POST", "HEAD", "OPTIONS", "TRACE",
            "connect", "*",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => select(vec!["", "PUT ", "P(T", "GET,PUT", "x y", "P\u{dc}T"]).prop_map(|s| s.as_bytes().to_vec()),
        1 => "[A-Za-z]{1,8}".prop_map(String::into_bytes),
    ]
}

/// One element of an `Access-Control-Request-Headers` list: mostly names
/// the policy lists, in any case.
fn header_element(policy: &ModelPolicy) -> impl Strategy<Value = String> {
    let mut configured = policy.headers.clone();
    configured.push("x-custom".into());
    prop_oneof![
        12 => (select(configured), any::<bool>())
            .prop_map(|(name, upper)| if upper { name.to_ascii_uppercase() } else { name.to_ascii_lowercase() }),
        3 => select(vec![
            "content-type", "x-request-id", "authorization", "Authorization", "accept", "x-unknown", "*",
        ])
        .prop_map(str::to_owned),
        2 => select(vec!["authorization", "Authorization"]).prop_map(str::to_owned),
        1 => select(vec!["", " ", "x(y)", "a b", "x;y", "\u{e9}", "x\u{80}"]).prop_map(str::to_owned),
        1 => "[a-z-]{1,10}",
    ]
}

fn header_line(policy: &ModelPolicy) -> impl Strategy<Value = Vec<u8>> {
    (
        vec(header_element(policy), 0..=4),
        select(vec![",", ", ", " ,", ",\t"]),
    )
        .prop_map(|(elements, separator)| elements.join(separator).into_bytes())
}

fn request_headers_lines(policy: &ModelPolicy) -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Bulk lists repeat a name the policy allows, if any, so that only the
    // size limits can refuse them.
    let allowed_name = policy
        .headers
        .first()
        .cloned()
        .unwrap_or_else(|| "x-custom".into());
    // Eight bytes, so that the boundary lengths below add up to 4096.
    let padded = format!("{:<8}", &allowed_name[..allowed_name.len().min(8)]);
    prop_oneof![
        12 => vec(header_line(policy), 0..=2),
        1 => vec(header_line(policy), 15..=18),
        1 => prop_oneof![select(vec![127usize, 128, 129]), 1usize..3000].prop_map(move |n| {
            vec![vec![allowed_name.as_str(); n].join(",").into_bytes()]
        }),
        // Around the limits: 16 empty elements, 4096 bytes.
        1 => prop_oneof![select(vec![15usize, 16, 17]), 1usize..40]
            .prop_map(|n| vec![",".repeat(n).into_bytes()]),
        1 => prop_oneof![select(vec![4087usize, 4088, 4089]), 4000usize..4200]
            .prop_map(move |n| vec![format!("{padded}{}", " ".repeat(n)).into_bytes()]),
    ]
}

fn preflight_request(policy: &ModelPolicy) -> impl Strategy<Value = ModelRequest> {
    (
        origins(allowed_examples(policy)),
        prop_oneof![
            12 => vec(request_method_value(policy), 1..=1),
            1 => vec(request_method_value(policy), 2..=2),
        ],
        request_headers_lines(policy),
        prop::option::of(select(vec!["true", "false"])),
    )
        .prop_map(|(origins, methods, lines, pna)| {
            let mut headers: Vec<(String, Vec<u8>)> =
                origins.into_iter().map(|o| ("origin".into(), o)).collect();
            for m in methods {
                headers.push(("access-control-request-method".into(), m));
            }
            for l in lines {
                headers.push(("access-control-request-headers".into(), l));
            }
            if let Some(pna) = pna {
                headers.push(("access-control-request-private-network".into(), pna.into()));
            }
            ModelRequest {
                method: "OPTIONS".into(),
                headers,
            }
        })
}

const OTHER_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "patch", "purge",
];
const EXTRA_HEADERS: &[(&str, &str)] = &[
    ("content-type", "text/plain"),
    ("content-type", "application/json"),
    ("content-type", "multipart/form-data; boundary=x"),
    ("accept", "*/*"),
    ("accept-language", "en-US,en;q=0.9"),
    ("x-custom", "1"),
    ("user-agent", "proptest"),
    ("cookie", "session=1"),
    ("sec-fetch-site", "cross-site"),
    ("access-control-request-method", "PUT"),
    ("range", "bytes=0-"),
    ("range", "bytes=-5"),
];

fn other_request(policy: &ModelPolicy, with_origin: bool) -> impl Strategy<Value = ModelRequest> {
    (
        select(OTHER_METHODS),
        origins(allowed_examples(policy)),
        subsequence(EXTRA_HEADERS, 0..=3),
    )
        .prop_map(move |(method, origins, extra)| {
            let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
            if with_origin {
                headers.extend(origins.into_iter().map(|o| ("origin".into(), o)));
            }
            headers.extend(
                extra
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())),
            );
            ModelRequest {
                method: method.into(),
                headers,
            }
        })
}

fn request(policy: &ModelPolicy) -> impl Strategy<Value = ModelRequest> {
    prop_oneof![
        5 => preflight_request(policy),
        4 => other_request(policy, true),
        1 => other_request(policy, false),
    ]
}

/// A policy and a request made for it.
fn case() -> impl Strategy<Value = (ModelPolicy, ModelRequest)> {
    case_with(any::<bool>())
}

fn case_with(
    credentials: impl Strategy<Value = bool>,
) -> impl Strategy<Value = (ModelPolicy, ModelRequest)> {
    policy_with(credentials).prop_flat_map(|policy| {
        let request = request(&policy);
        (Just(policy), request)
    })
}

/// A policy and a request that is not a preflight.
fn app_case() -> impl Strategy<Value = (ModelPolicy, ModelRequest)> {
    policy().prop_flat_map(|policy| {
        // An OPTIONS with Access-Control-Request-Method is a preflight.
        let request = other_request(&policy, true).prop_map(|mut request| {
            if request.method == "OPTIONS" {
                request
                    .headers
                    .retain(|(name, _)| name != "access-control-request-method");
            }
            request
        });
        (Just(policy), request)
    })
}

fn app_vary() -> impl Strategy<Value = Vec<&'static [u8]>> {
    select(vec![
        vec![],
        vec![&b"accept-encoding"[..]],
        vec![&b"Origin"[..]],
        vec![&b"*"[..]],
        vec![&b"accept-encoding, origin"[..]],
        vec![&b"accept-encoding"[..], &b"x-foo"[..]],
    ])
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn kind_of(kind: RequestKind) -> Kind {
    match kind {
        RequestKind::NotCors => Kind::NotCors,
        RequestKind::Simple => Kind::Simple,
        RequestKind::Preflight => Kind::Preflight,
        RequestKind::Actual => Kind::Actual,
    }
}

fn build(policy: &ModelPolicy) -> Policy {
    match policy.build() {
        Ok(built) => built,
        Err(err) => panic!("generated policies are valid: {err}\n{policy:?}"),
    }
}

/// `Access-Control-Allow-Headers` as the list a browser reads: empty
/// elements (from joining empty request lines) carry no name.
fn normalize_allow_headers(value: &mut Vec<u8>) {
    let names: Vec<Vec<u8>> = list_elements(value)
        .into_iter()
        .filter(|name| !name.is_empty())
        .collect();
    *value = names.join(&b","[..]);
}

fn through_layer(
    policy: &Policy,
    request: &ModelRequest,
    app_vary: &[&[u8]],
) -> (http::Response<String>, usize) {
    let app = MockApp::with_vary(app_vary);
    let mut service = Cors::new(app.clone(), policy.clone());
    let http_request = request.to_http().expect("generated values are valid");
    let response = call_now(&mut service, http_request);
    (response, app.calls())
}

fn list_elements(value: &[u8]) -> Vec<Vec<u8>> {
    value
        .split(|&b| b == b',')
        .map(|e| e.trim_ascii().to_vec())
        .collect()
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    // Failures are turned into named regression tests (tests/hostile.rs),
    // not kept in a side file.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `Policy::evaluate` gives the model's kind, refusal and headers, for a
    /// whole request and for its parts alike.
    #[test]
    fn evaluate_matches_the_model((policy, request) in case()) {
        let built = build(&policy);
        let http_request = request.to_http().expect("generated values are valid");
        let decision = built.evaluate(&http_request);
        let expected = model::answer(&policy, &request);

        prop_assert_eq!(kind_of(decision.kind()), expected.kind);
        prop_assert_eq!(kind_of(built.classify(&http_request)), expected.kind);
        prop_assert_eq!(decision.refusal().map(model::refusal_of), expected.refusal.clone());
        let headers: BTreeMap<String, Vec<u8>> = decision
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        let mut headers = headers;
        let mut expected_headers = expected.headers.clone();
        for map in [&mut headers, &mut expected_headers] {
            if let Some(value) = map.get_mut("access-control-allow-headers") {
                normalize_allow_headers(value);
            }
        }
        prop_assert_eq!(&headers, &expected_headers);
        prop_assert_eq!(
            decision.preflight_status().map(|s| s.as_u16()),
            expected.preflight_status()
        );
        prop_assert_eq!(
            decision.is_allowed(),
            expected.kind != Kind::NotCors && expected.refusal.is_none()
        );
        prop_assert_eq!(built.varies_by_origin(), policy.varies_by_origin());

        let (parts, _) = http_request.into_parts();
        prop_assert_eq!(built.evaluate(&parts), decision);
    }

    /// The tower layer over a mock app: the model's status, every header
    /// line, the body, and whether the app was reached.
    #[test]
    fn the_layer_answers_as_the_model(
        (policy, request) in case(),
        app_vary in app_vary(),
    ) {
        let (response, calls) = through_layer(&build(&policy), &request, &app_vary);
        let expected = model::layer_answer(&policy, &request, &app_vary);
        prop_assert_eq!(response.status().as_u16(), expected.status);
        let mut lines = header_lines(response.headers());
        let mut expected_lines = expected.headers;
        for map in [&mut lines, &mut expected_lines] {
            if let Some(values) = map.get_mut("access-control-allow-headers") {
                values.iter_mut().for_each(normalize_allow_headers);
            }
        }
        prop_assert_eq!(lines, expected_lines);
        prop_assert_eq!(response.body().as_str(), expected.body);
        prop_assert_eq!(calls, usize::from(expected.app_called));
    }

    /// `Access-Control-Allow-Origin` is only ever the request's own, single
    /// origin, or `*` under a policy allowing any origin without
    /// credentials; and a credentialed grant always says so.
    #[test]
    fn allow_origin_is_the_request_origin_or_a_public_star(
        (policy, request) in case(),
    ) {
        let (response, _) = through_layer(&build(&policy), &request, &[]);
        let granted: Vec<_> = response.headers().get_all(ACCESS_CONTROL_ALLOW_ORIGIN).iter().collect();
        prop_assert!(granted.len() <= 1);
        if let Some(granted) = granted.first() {
            let origins = request.values("origin");
            let own = origins.len() == 1 && granted.as_bytes() == origins[0];
            let public_star =
                granted.as_bytes() == b"*" && policy.any_origin && !policy.credentials;
            prop_assert!(own || public_star, "granted {:?} to {:?}", granted, origins);
            let credentials = response.headers().get(ACCESS_CONTROL_ALLOW_CREDENTIALS);
            prop_assert_eq!(credentials.map(|v| v.as_bytes()), policy.credentials.then_some(&b"true"[..]));
        }
    }

    /// With credentials `*` is never sent as a wildcard: the origin and the
    /// exposed headers never say `*`, and methods and headers only echo a
    /// `*` the request itself asked for.
    #[test]
    fn star_is_never_sent_with_credentials((policy, request) in case_with(Just(true))) {
        prop_assert!(policy.credentials);
        let (response, _) = through_layer(&build(&policy), &request, &[]);
        let headers = response.headers();
        let elements = |name| headers.get(name).map(|v: &http::HeaderValue| list_elements(v.as_bytes())).unwrap_or_default();
        let star = b"*".to_vec();
        prop_assert!(!elements(ACCESS_CONTROL_ALLOW_ORIGIN).contains(&star));
        prop_assert!(!elements(ACCESS_CONTROL_EXPOSE_HEADERS).contains(&star));
        let asked_method = request.values("access-control-request-method").first() == Some(&&b"*"[..]);
        prop_assert!(asked_method || !elements(ACCESS_CONTROL_ALLOW_METHODS).contains(&star));
        let asked_header = request
            .values("access-control-request-headers")
            .iter()
            .any(|line| list_elements(line).contains(&star));
        prop_assert!(asked_header || !elements(ACCESS_CONTROL_ALLOW_HEADERS).contains(&star));
    }

    /// The application's own headers and `Vary` lines reach the client
    /// unchanged and first; `origin` is added when the answer varies.
    #[test]
    fn application_headers_and_vary_survive(
        (policy, request) in app_case(),
        app_vary in app_vary(),
    ) {
        prop_assert_ne!(model::kind(&request), Kind::Preflight);
        let (response, calls) = through_layer(&build(&policy), &request, &app_vary);
        prop_assert_eq!(calls, 1);
        prop_assert_eq!(response.status().as_u16(), 200);
        prop_assert_eq!(response.body().as_str(), APP_BODY);
        let headers = response.headers();
        prop_assert_eq!(headers.get("x-app").map(|v| v.as_bytes()), Some(&b"1"[..]));
        prop_assert_eq!(headers.get("content-type").map(|v| v.as_bytes()), Some(&b"text/plain"[..]));
        let vary: Vec<&[u8]> = headers.get_all(VARY).iter().map(|v| v.as_bytes()).collect();
        prop_assert!(vary.len() >= app_vary.len());
        prop_assert_eq!(&vary[..app_vary.len()], &app_vary[..]);
        if policy.varies_by_origin() {
            let covered = vary
                .iter()
                .flat_map(|line| list_elements(line))
                .any(|name| name.eq_ignore_ascii_case(b"origin") || name == b"*");
            prop_assert!(covered, "Vary {:?} does not cover origin", vary);
        }
    }

    /// A configured origin builds exactly when the model calls it a browser
    /// origin or a pattern (without credentials).
    #[test]
    fn configured_origins_build_as_the_model_says(origin in origin_value(all_bases().iter().map(|s| s.as_bytes().to_vec()).collect())) {
        let Ok(text) = String::from_utf8(origin) else {
            return Ok(());
        };
        let built = Policy::builder().allow_origins([&text]).build();
        prop_assert_eq!(
            built.is_ok(),
            model::is_valid_configured_origin(&text),
            "{:?}: {:?}", text, built.err()
        );
    }

    /// With credentials, an exact origin builds exactly when it is one a
    /// page can have, https (or any other scheme but http) or loopback.
    #[test]
    fn credentialed_exact_origins_build_as_the_model_says(
        origin in origin_value(all_bases().iter().map(|s| s.as_bytes().to_vec()).collect()),
    ) {
        // Patterns are left to the hostile tests: whether their domain is a
        // public suffix is the Public Suffix List's to say.
        let Ok(text) = String::from_utf8(origin) else {
            return Ok(());
        };
        if text.contains('*') {
            return Ok(());
        }
        let built = Policy::builder().allow_origins([&text]).allow_credentials(true).build();
        let secure = !text.starts_with("http://") || model::is_loopback(&text);
        prop_assert_eq!(
            built.is_ok(),
            model::is_valid_configured_origin(&text) && secure,
            "{:?}: {:?}", text, built.err()
        );
    }

    /// Arbitrary header bytes on arbitrary methods never panic, and never
    /// grant an origin that was not sent.
    #[test]
    fn arbitrary_header_bytes_never_panic(
        policy in policy(),
        method in prop_oneof![select(OTHER_METHODS).prop_map(str::to_owned), "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}"],
        headers in vec(
            (
                select(vec![
                    "origin", "access-control-request-method", "access-control-request-headers",
                    "access-control-request-private-network", "content-type", "vary", "x-any",
                ]),
                vec(any::<u8>(), 0..64),
            ),
            0..8,
        ),
    ) {
        let mut builder = http::Request::builder().method(method.as_str()).uri("/");
        for (name, value) in &headers {
            let value: Vec<u8> = value
                .iter()
                .map(|&b| if (b < 0x20 && b != b'\t') || b == 0x7f { b'?' } else { b })
                .collect();
            builder = builder.header(*name, http::HeaderValue::from_bytes(&value).expect("cleaned"));
        }
        let request = builder.body(String::new()).expect("valid request");
        let sent: Vec<Vec<u8>> = request
            .headers()
            .get_all("origin")
            .iter()
            .map(|v| v.as_bytes().to_vec())
            .collect();
        let built = build(&policy);
        let decision = built.evaluate(&request);
        if let Some(granted) = decision.headers().get(&ACCESS_CONTROL_ALLOW_ORIGIN) {
            // `*` is an any-origin policy's constant answer, whatever was
            // sent; anything else is the one origin sent.
            if granted.as_bytes() != b"*" {
                prop_assert!(sent.len() == 1);
                prop_assert!(granted.as_bytes() == sent[0]);
            }
        }
        let mut service = Cors::new(MockApp::default(), built);
        let response = call_now(&mut service, request);
        prop_assert!(matches!(response.status().as_u16(), 200 | 204 | 403));
    }
}
