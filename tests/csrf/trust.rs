//! One origin policy for both guards, and the builder's typed errors.

use crate::support::*;

#[test]
fn from_policy_trusts_what_cors_allows() {
    let policy = Policy::builder()
        .allow_origins([APP, "https://*.example.org", "http://localhost:5173"])
        .allow_origin_fn(|origin| origin.ends_with(".preview.example.net"))
        .allow_credentials(true)
        .build()
        .expect("policy");
    // The predicate is trusted only when asked for: `from_policy` leaves
    // it out, the builder's opt-in takes it.
    let preview = cross_site_from("https://pr-1.preview.example.net");
    assert_eq!(
        csrf::check(&preview, &Trusted::from_policy(&policy)),
        Err(Refused::CrossSite)
    );
    let trusted = Trusted::builder()
        .trust_policy(&policy)
        .trust_policy_predicate()
        .build()
        .expect("trust");
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
    assert!(!layer.trusted().trusts_origin(&HeaderValue::from_static(
        "https://pr-1.preview.example.net"
    )));
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
            reasons: vec![tower_cors::policy::OriginSyntaxError::TrailingSlash],
            fix: Some("https://app.example.com".into()),
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

/// A guard made from a reloadable CORS policy's handle follows each
/// replacement, and so does a layer (and the services it made) built
/// before it: a newly allowed origin's POSTs reach the application, and a
/// removed one's no longer do.
#[test]
fn from_handle_follows_the_reloaded_policy() {
    const NEW: &str = "https://new.example.net";
    let policy = |origins: &[&str]| {
        Policy::builder()
            .allow_origins(origins)
            .allow_credentials(true)
            .build()
            .expect("policy")
    };
    let (_cors, handle) = CorsLayer::reloadable(policy(&[APP]));
    let app = CountingApp::default();
    let mut service = CsrfLayer::from_handle(&handle).layer(app.clone());
    let by_builder = Trusted::builder()
        .trust_handle(&handle)
        .build()
        .expect("trust");

    assert_eq!(call_now(&mut service, cross_site_from(APP)).status(), 200);
    assert_eq!(call_now(&mut service, cross_site_from(NEW)).status(), 403);
    assert_eq!(app.calls(), 1);
    assert_eq!(
        csrf::check(&cross_site_from(NEW), &by_builder),
        Err(Refused::CrossSite)
    );

    handle.replace(policy(&[NEW]));
    assert_eq!(call_now(&mut service, cross_site_from(NEW)).status(), 200);
    assert_eq!(call_now(&mut service, cross_site_from(APP)).status(), 403);
    assert_eq!(app.calls(), 2);
    assert_eq!(
        csrf::check(&cross_site_from(NEW), &by_builder),
        Ok(Pass::TrustedOrigin)
    );
    assert!(Trusted::builder()
        .trust_handle(&handle)
        .trust_origins([APP])
        .build()
        .is_err());
}
