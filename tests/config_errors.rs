//! Every configuration mistake is a typed error at build time, all of them
//! together, never a panic.

use std::time::Duration;

use tower_cors::policy::{ConfigProblem as P, OriginSyntaxError as S, Policy, PolicyBuilder};

fn problems(builder: PolicyBuilder) -> Vec<P> {
    match builder.build() {
        Ok(_) => Vec::new(),
        Err(err) => err.problems().to_vec(),
    }
}

fn origin(builder_origin: &str, credentials: bool) -> Vec<P> {
    problems(
        Policy::builder()
            .allow_origins([builder_origin])
            .allow_credentials(credentials),
    )
}

/// The one problem of an origin with one reason; the fixes have their
/// own tests, in `config_fixes.rs`.
fn invalid(origin: &str, reason: S) -> Vec<P> {
    vec![P::InvalidOrigin {
        origin: origin.into(),
        reasons: vec![reason],
        fix: None,
    }]
}

/// Only the origin and its reasons of each problem.
fn without_fixes(mut problems: Vec<P>) -> Vec<P> {
    for problem in &mut problems {
        if let P::InvalidOrigin { fix, .. } = problem {
            *fix = None;
        }
    }
    problems
}

#[test]
fn origins_no_browser_can_send_are_refused_with_the_reason() {
    let cases = [
        ("https://app.example.com/", S::TrailingSlash),
        ("https://app.example.com/app", S::Path),
        ("https://app.example.com?x", S::QueryOrFragment),
        ("https://App.Example.com", S::Uppercase),
        ("HTTPS://app.example.com", S::Uppercase),
        ("app.example.com", S::MissingScheme),
        ("https://app.example.com:443", S::DefaultPort),
        ("http://localhost:80", S::DefaultPort),
        (" https://app.example.com", S::Whitespace),
        ("https://app.example.com ", S::Whitespace),
        ("https://user@app.example.com", S::Userinfo),
        ("https://bücher.example", S::NonAscii),
        ("https://a.*.example.com", S::MisplacedWildcard),
        ("https://*.*.example.com", S::MisplacedWildcard),
        ("", S::Empty),
        ("https://app.example.com:99999", S::InvalidPort),
        ("http://127.1", S::InvalidHost),
        ("https://app.example.com..", S::InvalidHost),
        ("http://127.0.0.1.", S::InvalidHost),
        ("http://localhost:*3", S::InvalidPort),
        // Syntactically fine, but no page ever has them.
        ("http://localhost:0", S::ZeroPort),
        ("https://*.example.com:0", S::ZeroPort),
        ("file://", S::FileScheme),
        ("file:///var/www/index.html", S::FileScheme),
        ("https://xn--bcher-.example", S::InvalidPunycode),
        ("https://xn--.example", S::InvalidPunycode),
        (
            "https://*.xn--zzzzzzzzzzzzzzzzzz.example",
            S::InvalidPunycode,
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            without_fixes(origin(text, false)),
            invalid(text, reason),
            "{text:?}"
        );
    }
}

#[test]
fn valid_origins_build() {
    for text in [
        "https://app.example.com",
        "http://localhost:3000",
        "https://*.example.com",
        "https://*.example.com:8443",
        "http://[::1]:8080",
        "https://xn--bcher-kva.example",
        "tauri://localhost",
        "https://app.example.com.",
        "https://*.example.com.",
        "http://localhost:*",
        "https://*.example.com:*",
        "http://[::1]:*",
        "http://127.0.0.1:*",
    ] {
        assert_eq!(origin(text, false), [], "{text}");
    }
}

#[test]
fn hosts_longer_than_dns_allows_are_refused() {
    let label = "a".repeat(63);
    // 4 labels of 63 and 3 dots: 255 bytes, over the 253 DNS allows.
    let long = format!("https://{label}.{label}.{label}.{label}");
    assert_eq!(origin(&long, false), invalid(&long, S::HostTooLong));
    let fits = format!("https://{label}.{label}.{label}.{}", "b".repeat(61));
    assert_eq!(origin(&fits, false), []);
    // A final dot is not counted; a pattern needs room for a label in front.
    assert_eq!(origin(&format!("{fits}."), false), []);
    let pattern = format!("https://*.{}", &fits["https://".len()..]);
    assert_eq!(origin(&pattern, false), invalid(&pattern, S::HostTooLong));
}

#[test]
fn refusals_of_origins_no_browser_sends_say_what_to_do() {
    for (text, says) in [
        ("file:///index.html", "http://localhost"),
        ("http://localhost:0", "port"),
        ("https://xn--bcher-.example", "new URL"),
    ] {
        let err = Policy::builder()
            .allow_origins([text])
            .build()
            .expect_err("refused");
        let message = err.to_string();
        assert!(message.contains(says), "{message}");
    }
}

#[test]
fn null_needs_the_dangerous_method() {
    assert_eq!(origin("null", false), [P::NullOrigin]);
    let dangerous = Policy::builder()
        .allow_origins(["null"])
        .allow_null_origin_dangerously();
    assert_eq!(problems(dangerous), []);
}

#[test]
fn credentials_refuse_any_origin() {
    let star = Policy::builder()
        .allow_origins(["*"])
        .allow_credentials(true);
    assert_eq!(problems(star), [P::AnyOriginWithCredentials]);
    let any = Policy::builder().allow_any_origin().allow_credentials(true);
    assert_eq!(problems(any), [P::AnyOriginWithCredentials]);
}

#[test]
fn credentials_refuse_plain_http_except_loopback() {
    assert_eq!(
        origin("http://app.example.com", true),
        [P::InsecureOriginWithCredentials {
            origin: "http://app.example.com".into()
        }]
    );
    // (Without the `public-suffix` feature the wildcard is a second problem.)
    assert!(
        origin("http://*.example.com", true).contains(&P::InsecureOriginWithCredentials {
            origin: "http://*.example.com".into()
        })
    );
    for loopback in [
        "http://localhost:3000",
        "http://app.localhost:3000",
        "http://*.localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://localhost.:3000",
        "http://app.localhost.",
        "http://*.localhost.:3000",
        "http://localhost:*",
        "http://*.localhost:*",
        "http://[::1]:*",
    ] {
        assert_eq!(origin(loopback, true), [], "{loopback}");
    }
    assert_eq!(origin("http://app.example.com", false), []);
    // A port wildcard changes nothing: plain http beyond loopback is refused.
    for insecure in ["http://app.example.com:*", "http://localhost.example.com."] {
        assert_eq!(
            origin(insecure, true),
            [P::InsecureOriginWithCredentials {
                origin: insecure.into()
            }],
            "{insecure}"
        );
    }
}

#[test]
fn insecure_origins_need_the_dangerous_method_and_only_lift_that_rule() {
    let lan = || {
        Policy::builder()
            .allow_origins(["http://devbox.lan:8080", "http://intranet.example"])
            .allow_credentials(true)
    };
    assert_eq!(problems(lan()).len(), 2);
    assert_eq!(problems(lan().allow_insecure_origins_dangerously()), []);
    // Nothing else is lifted: still refused with the method.
    let still = lan()
        .allow_insecure_origins_dangerously()
        .allow_origins(["http://devbox.lan:8080/", "null"])
        .allow_any_origin();
    assert_eq!(
        problems(still),
        [
            P::InvalidOrigin {
                origin: "http://devbox.lan:8080/".into(),
                reasons: vec![S::TrailingSlash],
                fix: Some("http://devbox.lan:8080".into()),
            },
            P::NullOrigin,
            P::AnyOriginWithCredentials,
        ]
    );
    let message = problems(lan())[0].to_string();
    assert!(
        message.contains("allow_insecure_origins_dangerously"),
        "{message}"
    );
}

#[cfg(feature = "public-suffix")]
#[test]
fn the_public_suffix_refusal_names_its_escape_hatch() {
    let problem = &origin("https://*.github.io", true)[0];
    let message = problem.to_string();
    assert!(
        message.contains("allow_public_suffix_subdomains_dangerously"),
        "{message}"
    );
}

#[test]
fn public_suffix_subdomains_need_the_dangerous_method() {
    let mine = || {
        Policy::builder()
            .allow_origins(["https://*.github.io"])
            .allow_credentials(true)
    };
    // Refused with the Public Suffix List, or without it (unchecked).
    assert_eq!(problems(mine()).len(), 1);
    assert_eq!(
        problems(mine().allow_public_suffix_subdomains_dangerously()),
        []
    );
    // It does not lift the http rule.
    let http = mine()
        .allow_origins(["http://*.github.io"])
        .allow_public_suffix_subdomains_dangerously();
    assert_eq!(
        problems(http),
        [P::InsecureOriginWithCredentials {
            origin: "http://*.github.io".into()
        }]
    );
}

#[cfg(feature = "public-suffix")]
#[test]
fn credentials_refuse_wildcards_over_public_suffixes() {
    for (pattern, suffix) in [
        ("https://*.github.io", "github.io"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.com", "com"),
        ("https://*.herokuapp.com", "herokuapp.com"),
    ] {
        assert_eq!(
            origin(pattern, true),
            [P::PublicSuffixWildcardWithCredentials {
                pattern: pattern.into(),
                suffix: suffix.into()
            }],
            "{pattern}"
        );
        // Without credentials a public wildcard is allowed.
        assert_eq!(origin(pattern, false), [], "{pattern}");
    }
    for fine in [
        "https://*.example.com",
        "https://*.example.co.uk",
        "https://*.myapp.github.io",
        "https://*.example.com.",
        "https://*.example.com:*",
    ] {
        assert_eq!(origin(fine, true), [], "{fine}");
    }
    // A final dot or a port wildcard does not hide a public suffix.
    for (pattern, suffix) in [
        ("https://*.github.io.", "github.io"),
        ("https://*.co.uk:*", "co.uk"),
    ] {
        assert_eq!(
            origin(pattern, true),
            [P::PublicSuffixWildcardWithCredentials {
                pattern: pattern.into(),
                suffix: suffix.into()
            }],
            "{pattern}"
        );
    }
}

/// Without the Public Suffix List nothing can tell `*.co.uk` from
/// `*.example.com`, so every credentialed wildcard is refused.
#[cfg(not(feature = "public-suffix"))]
#[test]
fn credentials_refuse_every_wildcard_without_the_public_suffix_list() {
    for pattern in ["https://*.example.com", "https://*.github.io"] {
        assert_eq!(
            origin(pattern, true),
            [P::WildcardNeedsPublicSuffixList {
                pattern: pattern.into()
            }]
        );
        assert_eq!(origin(pattern, false), []);
    }
    assert_eq!(origin("http://*.localhost:3000", true), []);
}

#[test]
fn no_origin_at_all_is_refused() {
    assert_eq!(problems(Policy::builder()), [P::NoOrigin]);
    let with_fn = Policy::builder().allow_origin_fn(|_| false);
    assert_eq!(problems(with_fn), []);
}

#[test]
fn method_mistakes() {
    let builder = Policy::builder().allow_any_origin().allow_methods([
        "CONNECT",
        "trace",
        "TRACK",
        "get",
        "Put",
        "BAD METHOD",
        "PATCH",
    ]);
    assert_eq!(
        problems(builder),
        [
            P::ForbiddenMethod {
                method: "CONNECT".into()
            },
            P::ForbiddenMethod {
                method: "trace".into()
            },
            P::ForbiddenMethod {
                method: "TRACK".into()
            },
            P::MethodNormalizedByBrowsers {
                method: "get".into(),
                normalized: "GET"
            },
            P::MethodNormalizedByBrowsers {
                method: "Put".into(),
                normalized: "PUT"
            },
            P::InvalidMethod {
                method: "BAD METHOD".into(),
                fix: None,
                did_you_mean: None,
            },
        ]
    );
}

#[test]
fn header_mistakes() {
    let builder = Policy::builder()
        .allow_any_origin()
        .allow_headers([
            "cookie",
            "Sec-Fetch-Mode",
            "proxy-authorization",
            "x y",
            "x-ok",
        ])
        .expose_headers(["Set-Cookie", "set-cookie2", "x(y)", "x-ok"]);
    assert_eq!(
        problems(builder),
        [
            P::ForbiddenRequestHeader {
                name: "cookie".into()
            },
            P::ForbiddenRequestHeader {
                name: "Sec-Fetch-Mode".into()
            },
            P::ForbiddenRequestHeader {
                name: "proxy-authorization".into()
            },
            P::InvalidHeaderName {
                name: "x y".into(),
                fix: None,
            },
            P::ExposeForbiddenHeader {
                name: "Set-Cookie".into()
            },
            P::ExposeForbiddenHeader {
                name: "set-cookie2".into()
            },
            P::InvalidHeaderName {
                name: "x(y)".into(),
                fix: None,
            },
        ]
    );
}

#[test]
fn expose_star_with_credentials_is_refused() {
    let builder = Policy::builder()
        .allow_origins(["https://a.example"])
        .expose_any_header()
        .allow_credentials(true);
    assert_eq!(problems(builder), [P::ExposeAnyWithCredentials]);
}

#[test]
fn max_age_over_a_day_is_refused() {
    let at_limit = Policy::builder()
        .allow_any_origin()
        .max_age(Duration::from_secs(86_400));
    assert_eq!(problems(at_limit), []);
    let over = Policy::builder()
        .allow_any_origin()
        .max_age(Duration::from_secs(86_401));
    assert_eq!(problems(over), [P::MaxAgeTooLong { secs: 86_401 }]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = Policy::builder()
        .allow_origins([
            "https://a.example/",
            "http://b.example",
            "null",
            "*",
            "http://c.example:0",
            "file:///x",
        ])
        .allow_methods(["TRACE"])
        .allow_headers(["cookie", "access-control-allow-origin"])
        .expose_headers(["set-cookie", "*", "access-control-max-age"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(100_000))
        .build()
        .expect_err("many problems");
    assert_eq!(
        err.problems(),
        [
            P::InvalidOrigin {
                origin: "https://a.example/".into(),
                reasons: vec![S::TrailingSlash],
                fix: Some("https://a.example".into()),
            },
            P::InsecureOriginWithCredentials {
                origin: "http://b.example".into()
            },
            P::NullOrigin,
            P::InvalidOrigin {
                origin: "http://c.example:0".into(),
                reasons: vec![S::ZeroPort],
                fix: None,
            },
            P::InvalidOrigin {
                origin: "file:///x".into(),
                reasons: vec![S::FileScheme],
                fix: None,
            },
            P::AnyOriginWithCredentials,
            P::ForbiddenMethod {
                method: "TRACE".into()
            },
            P::ForbiddenRequestHeader {
                name: "cookie".into()
            },
            P::ResponseHeaderInAllowHeaders {
                name: "access-control-allow-origin".into()
            },
            P::ExposeForbiddenHeader {
                name: "set-cookie".into()
            },
            P::ExposeAnyWithCredentials,
            P::NotAResponseHeaderInExposeHeaders {
                name: "access-control-max-age".into()
            },
            P::MaxAgeTooLong { secs: 100_000 },
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid CORS policy (13 problems):\n  - origin \"https://a.example/\""),
        "{text}"
    );
    assert_eq!(text.lines().count(), 14, "{text}");
}
