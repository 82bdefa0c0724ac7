//! Properties over generated requests.

use proptest::prelude::*;

use crate::support::*;

/// Origins around the trusted set: trusted ones, near-misses, garbage.
fn origin_strategy() -> impl Strategy<Value = Vec<u8>> {
    origins_around(&[
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
}

fn path_strategy() -> impl Strategy<Value = String> {
    paths_around(&[
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
