//! The guard against spellings, catch-alls and lookalikes: bypass prefixes
//! refuse what other servers normalise into another path; trust derived
//! from a CORS policy follows the rules of trusted origins and says what
//! it left out; an `Origin` with userinfo never matches the host.

use http::{HeaderValue, Request};
use tower_cors::csrf::{self, Pass, Refused, TrustProblem, Trusted};
use tower_cors::{CorsLayer, Policy};

fn post(path: &str, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::post(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).expect("request")
}

fn forged(path: &str, origin: &str) -> Request<()> {
    post(
        path,
        &[("sec-fetch-site", "cross-site"), ("origin", origin)],
    )
}

// --- bypass prefixes --------------------------------------------------------

#[test]
fn bypass_prefixes_refuse_spellings_other_servers_normalise() {
    let trusted = Trusted::builder()
        .bypass_prefix("/webhooks/")
        .build()
        .expect("valid");
    let cases = [
        // What other servers read as another path.
        ("/webhooks/..;/admin", false),
        ("/webhooks/..;jsessionid=x/admin", false),
        ("/webhooks/.;/admin", false),
        ("/webhooks/;/admin", false),
        ("/webhooks/%252e%252e/admin", false),
        ("/webhooks/%252E%252E/admin", false),
        ("/webhooks/%25252e%25252e/admin", false),
        ("/webhooks/%252f..%252fadmin", false),
        ("/webhooks/%u002e%u002e/admin", false),
        // Escapes that a second decoding completes: `%5%63` is `%5c` (`\`)
        // once `%63` is decoded (found by the `bypass` fuzz target).
        ("/webhooks/%5%63../admin", false),
        // `..;` once decoded (found by the `bypass` fuzz target).
        ("/webhooks/..%3b/admin", false),
        ("/webhooks/..%3B/admin", false),
        ("/webhooks/%2%65%2%65/admin", false),
        ("/webhooks/%%32%65%%32%65/admin", false),
        ("/webhooks/%U002E%U002E/admin", false),
        ("/webhooks/%u002f../admin", false),
        ("/webhooks/%uff0e%uff0e/admin", false),
        // Refused before.
        ("/webhooks/../admin", false),
        ("/webhooks/%2e%2e/admin", false),
        ("/webhooks//admin", false),
        // Legitimate paths still bypass.
        ("/webhooks/github", true),
        ("/webhooks/github/", true),
        ("/webhooks/stripe;v=2", true),
        ("/webhooks/a;b=c/d", true),
        ("/webhooks/...", true),
        ("/webhooks/..x", true),
        ("/webhooks/x..;y", true),
        ("/webhooks/caf%C3%A9", true),
        ("/webhooks/a%20b", true),
        ("/webhooks/%41%75", true),
        ("/webhooks/u002e", true),
    ];
    for (path, bypassed) in cases {
        assert_eq!(trusted.bypasses(path), bypassed, "{path}");
        let expected = match bypassed {
            true => Ok(Pass::BypassPath),
            false => Err(Refused::CrossSite),
        };
        assert_eq!(
            csrf::check(&forged(path, "https://evil.example"), &trusted),
            expected,
            "{path}"
        );
    }
}

#[test]
fn a_configured_prefix_or_path_with_such_spellings_is_refused() {
    for bad in ["/a/..;/", "/a/%252e/", "/a/%u002e/"] {
        let err = Trusted::builder()
            .bypass_prefix(bad)
            .build()
            .expect_err(bad);
        // `%u` is not even a valid escape in a configured path.
        assert!(
            matches!(
                err.problems(),
                [TrustProblem::InvalidBypassPrefix {
                    reason: csrf::BypassPathError::NotPlain
                        | csrf::BypassPathError::InvalidCharacter,
                    ..
                }]
            ),
            "{bad}: {err}"
        );
    }
}

// --- trust derived from a CORS policy ---------------------------------------

#[test]
fn a_catch_all_predicate_does_not_switch_the_guard_off() {
    let policy = Policy::builder()
        .allow_origin_fn(|_| true)
        .build()
        .expect("valid");
    let request = forged("/transfer", "https://evil.example");
    // CORS allows it...
    assert!(policy.evaluate(&request).is_allowed());
    // ...the guard does not trust it, through either constructor.
    for trusted in [
        Trusted::from_policy(&policy),
        Trusted::from_handle(&CorsLayer::reloadable(policy.clone()).1),
    ] {
        assert_eq!(csrf::check(&request, &trusted), Err(Refused::CrossSite));
        assert_eq!(
            trusted.to_string(),
            "origins: none; left out of the CORS policy: allow_origin_fn \
             (a predicate, not trusted without trust_policy_predicate)"
        );
    }
}

#[test]
fn a_catch_all_predicate_through_the_layer_never_reaches_the_app() {
    use std::convert::Infallible;
    use tower::{service_fn, Layer, ServiceExt};

    let policy = Policy::builder()
        .allow_origin_fn(|_| true)
        .build()
        .expect("valid");
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let app = service_fn(move |_: Request<()>| {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { Ok::<_, Infallible>(http::Response::new(String::new())) }
    });
    let service = csrf::CsrfLayer::from_policy(&policy).layer(app);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let response = runtime
        .block_on(service.oneshot(forged("/transfer", "https://evil.example")))
        .unwrap_or_else(|never| match never {});
    assert_eq!(response.status(), http::StatusCode::FORBIDDEN);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn the_predicate_is_trusted_when_opted_in() {
    let policy = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_origin_fn(|origin| origin.ends_with(".preview.example.com"))
        .build()
        .expect("valid");
    let preview = "https://pr-1.preview.example.com";
    let (_layer, handle) = CorsLayer::reloadable(policy.clone());
    for builder in [
        Trusted::builder().trust_policy(&policy),
        Trusted::builder().trust_handle(&handle),
    ] {
        let without = builder.clone().build().expect("valid");
        assert_eq!(
            csrf::check(&forged("/", preview), &without),
            Err(Refused::CrossSite)
        );
        let with = builder.trust_policy_predicate().build().expect("valid");
        assert_eq!(
            csrf::check(&forged("/", preview), &with),
            Ok(Pass::TrustedOrigin)
        );
        assert_eq!(
            csrf::check(&forged("/", "https://app.example.com"), &with),
            Ok(Pass::TrustedOrigin)
        );
        assert_eq!(
            csrf::check(&forged("/", "https://evil.example"), &with),
            Err(Refused::CrossSite)
        );
        assert_eq!(
            with.to_string(),
            "origins: https://app.example.com, the origin predicate"
        );
    }
    let err = Trusted::builder()
        .trust_policy_predicate()
        .build()
        .expect_err("no policy");
    assert_eq!(err.problems(), [TrustProblem::PredicateWithoutPolicy]);
}

#[cfg(feature = "public-suffix")]
#[test]
fn uncredentialed_origins_the_guard_would_refuse_are_left_out_and_listed() {
    let policy = Policy::builder()
        .allow_origins([
            "https://app.example.com",
            "https://*.github.io",
            "http://partner.example",
            "http://localhost:3000",
            "https://*.example.org",
        ])
        .build()
        .expect("valid without credentials");
    let (_layer, handle) = CorsLayer::reloadable(policy.clone());
    for trusted in [Trusted::from_policy(&policy), Trusted::from_handle(&handle)] {
        for (origin, expected) in [
            ("https://app.example.com", true),
            ("https://a.example.org", true),
            ("http://localhost:3000", true),
            ("https://someone.github.io", false),
            ("http://partner.example", false),
        ] {
            let value = HeaderValue::from_static(origin);
            assert_eq!(trusted.trusts_origin(&value), expected, "{origin}");
            // CORS allows every one of them.
            let request = forged("/", origin);
            assert!(policy.evaluate(&request).is_allowed(), "{origin}");
        }
        let shown = trusted.to_string();
        assert_eq!(
            shown,
            "origins: http://localhost:3000, https://*.example.org, https://app.example.com; \
             left out of the CORS policy: http://partner.example (plain http beyond loopback), \
             https://*.github.io (a pattern directly under a public suffix)"
        );
        let debug = format!("{trusted:?}");
        assert!(
            debug.contains("http://partner.example (plain http"),
            "{debug}"
        );
        assert!(debug.contains("https://*.github.io (a pattern"), "{debug}");
    }
}

#[test]
fn a_live_derivation_follows_each_replacement() {
    let (_layer, handle) = CorsLayer::reloadable(
        Policy::builder()
            .allow_origins(["https://a.example"])
            .build()
            .expect("valid"),
    );
    let trusted = Trusted::from_handle(&handle);
    let a = HeaderValue::from_static("https://a.example");
    let b = HeaderValue::from_static("http://b.example");
    assert!(trusted.trusts_origin(&a));
    handle.replace(
        Policy::builder()
            .allow_origins(["http://b.example"])
            .build()
            .expect("valid"),
    );
    assert!(!trusted.trusts_origin(&a));
    assert!(!trusted.trusts_origin(&b), "plain http is left out");
    assert_eq!(
        trusted.to_string(),
        "origins: none; left out of the CORS policy: http://b.example (plain http beyond loopback)"
    );
}

#[test]
fn any_origin_and_null_are_listed_as_left_out() {
    let any = Policy::builder().allow_any_origin().build().expect("valid");
    assert_eq!(
        Trusted::from_policy(&any).to_string(),
        "origins: none; left out of the CORS policy: * (any origin names none to trust)"
    );
    let null = Policy::builder()
        .allow_origins(["https://a.example"])
        .allow_null_origin_dangerously()
        .build()
        .expect("valid");
    let trusted = Trusted::from_policy(&null);
    assert!(!trusted.trusts_origin(&HeaderValue::from_static("null")));
    assert_eq!(
        trusted.to_string(),
        "origins: https://a.example; left out of the CORS policy: null (sent by every sandboxed page)"
    );
}

// --- golang/go#78563: userinfo in an Origin ----------------------------------

#[test]
fn an_origin_with_userinfo_never_matches_the_host() {
    let trusted = Trusted::same_origin_only();
    let policy = Policy::builder()
        .allow_origins(["http://victim.com"])
        .build()
        .expect("valid");
    let cases = [
        "http://evil@victim.com",
        "http://evil:pw@victim.com",
        "http://victim.com@evil.example",
        "http://@victim.com",
    ];
    for origin in cases {
        // An older browser's request (no Sec-Fetch-Site) to victim.com.
        let request = post("/transfer", &[("host", "victim.com"), ("origin", origin)]);
        assert_eq!(
            csrf::check(&request, &trusted),
            Err(Refused::OriginMismatch),
            "{origin}"
        );
        // The same over HTTP/2, where the host is the URI's authority.
        let h2 = Request::post("http://victim.com/transfer")
            .header("origin", origin)
            .body(())
            .expect("request");
        assert_eq!(
            csrf::check(&h2, &trusted),
            Err(Refused::OriginMismatch),
            "{origin}"
        );
        // CORS calls it malformed: no browser sends userinfo in an Origin.
        let decision = policy.evaluate(&request);
        assert!(!decision.is_allowed(), "{origin}");
        assert_eq!(
            decision.refusal(),
            Some(&tower_cors::Refusal::Malformed(
                tower_cors::policy::Malformed::InvalidOrigin
            )),
            "{origin}"
        );
    }
    // The plain spelling still passes.
    let same = post(
        "/transfer",
        &[("host", "victim.com"), ("origin", "http://victim.com")],
    );
    assert_eq!(csrf::check(&same, &trusted), Ok(Pass::OriginMatchesHost));
}
