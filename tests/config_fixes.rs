//! Configuration errors that give the fix: every problem of one origin in
//! one build, the origin a browser sends instead when that is certain, and
//! the method or header name meant, the same from the builder and from a
//! configuration file.

use tower_cors::policy::{ConfigProblem as P, OriginSyntaxError as S, Policy};

fn origin_problems(origin: &str) -> Vec<P> {
    Policy::builder()
        .allow_origins([origin])
        .build()
        .map_or_else(|err| err.problems().to_vec(), |_| Vec::new())
}

#[test]
fn every_problem_of_an_origin_and_its_fix_in_one_build() {
    let err = Policy::builder()
        .allow_origins(["https://App.Example.com:443/"])
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems(),
        [P::InvalidOrigin {
            origin: "https://App.Example.com:443/".into(),
            reasons: vec![S::TrailingSlash, S::DefaultPort, S::Uppercase],
            fix: Some("https://app.example.com".into()),
        }]
    );
    assert_eq!(
        err.to_string(),
        "invalid CORS policy (1 problem):\n  - origin \"https://App.Example.com:443/\" can never \
         match a browser's Origin header: it ends with a slash, which browsers never send; it \
         names the scheme's default port, which browsers omit; it has uppercase letters, which \
         browsers never send in a scheme or host; write \"https://app.example.com\""
    );
    // The fix builds, and allows what a browser sends.
    let fixed = Policy::builder()
        .allow_origins([err.problems()[0].fix().unwrap()])
        .build()
        .unwrap();
    let request = http::Request::get("/")
        .header("origin", "https://app.example.com")
        .body(())
        .unwrap();
    assert!(fixed.evaluate(&request).is_allowed());
}

#[test]
fn each_certain_correction() {
    let cases = [
        (
            "https://APP.example.com",
            S::Uppercase,
            "https://app.example.com",
        ),
        (
            "HTTP://localhost:3000",
            S::Uppercase,
            "http://localhost:3000",
        ),
        (
            "https://app.example.com:443",
            S::DefaultPort,
            "https://app.example.com",
        ),
        ("http://localhost:80", S::DefaultPort, "http://localhost"),
        (
            "wss://chat.example:443",
            S::DefaultPort,
            "wss://chat.example",
        ),
        (
            "https://app.example.com/",
            S::TrailingSlash,
            "https://app.example.com",
        ),
        ("http://[::1]:8080/", S::TrailingSlash, "http://[::1]:8080"),
        (
            "https://*.example.org/",
            S::TrailingSlash,
            "https://*.example.org",
        ),
        (
            " https://app.example.com\n",
            S::Whitespace,
            "https://app.example.com",
        ),
    ];
    for (origin, reason, fix) in cases {
        assert_eq!(
            origin_problems(origin),
            [P::InvalidOrigin {
                origin: origin.into(),
                reasons: vec![reason],
                fix: Some(fix.into()),
            }],
            "{origin:?}"
        );
        let message = origin_problems(origin)[0].to_string();
        assert!(message.ends_with(&format!("; write {fix:?}")), "{message}");
        assert!(
            Policy::builder().allow_origins([fix]).build().is_ok(),
            "{fix}"
        );
    }
}

#[test]
fn no_correction_where_none_is_certain() {
    let cases: [(&str, &[S]); 9] = [
        ("https://app.example.com/app", &[S::Path]),
        ("https://App.example.com/app/", &[S::Path, S::Uppercase]),
        ("https://app.example.com/?q", &[S::QueryOrFragment]),
        ("https://user@App.example.com", &[S::Userinfo, S::Uppercase]),
        ("app.example.com", &[S::MissingScheme]),
        ("https://app .example.com", &[S::Whitespace]),
        ("https://App.example.com:0", &[S::Uppercase, S::ZeroPort]),
        ("https://app.example.com:0443", &[S::InvalidPort]),
        ("FILE:///index.html", &[S::FileScheme]),
    ];
    for (origin, reasons) in cases {
        let problems = origin_problems(origin);
        assert_eq!(
            problems,
            [P::InvalidOrigin {
                origin: origin.into(),
                reasons: reasons.to_vec(),
                fix: None,
            }],
            "{origin:?}"
        );
        assert_eq!(problems[0].fix(), None);
        assert!(!problems[0].to_string().contains("write \""), "{origin}");
    }
}

#[test]
fn an_origin_meant_is_judged_by_the_credentials_rules_in_the_same_build() {
    let err = Policy::builder()
        .allow_origins(["http://Intranet.example:80"])
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems(),
        [
            P::InvalidOrigin {
                origin: "http://Intranet.example:80".into(),
                reasons: vec![S::DefaultPort, S::Uppercase],
                fix: Some("http://intranet.example".into()),
            },
            P::InsecureOriginWithCredentials {
                origin: "http://Intranet.example:80".into(),
            },
        ]
    );
}

#[test]
fn methods_give_the_spelling_browsers_send() {
    let err = Policy::builder()
        .allow_any_origin()
        .allow_methods([
            "delete", "patch", " PUT", "Options ", "DEL ETE", " TRACE", "x y",
        ])
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems(),
        [
            P::MethodNormalizedByBrowsers {
                method: "delete".into(),
                normalized: "DELETE",
            },
            P::MethodNotNormalizedByBrowsers {
                method: "patch".into(),
                standard: "PATCH",
            },
            P::InvalidMethod {
                method: " PUT".into(),
                fix: Some("PUT".into()),
                did_you_mean: None,
            },
            P::InvalidMethod {
                method: "Options ".into(),
                fix: Some("OPTIONS".into()),
                did_you_mean: None,
            },
            P::InvalidMethod {
                method: "DEL ETE".into(),
                fix: None,
                did_you_mean: Some("DELETE"),
            },
            // Trimmed, it is forbidden: nothing to write instead.
            P::InvalidMethod {
                method: " TRACE".into(),
                fix: None,
                did_you_mean: None,
            },
            P::InvalidMethod {
                method: "x y".into(),
                fix: None,
                did_you_mean: None,
            },
        ]
    );
    let messages: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert!(
        messages[0].contains("Fetch uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT")
            && messages[0].ends_with("write \"DELETE\""),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT")
            && messages[1].contains("never matches a page's \"PATCH\""),
        "{}",
        messages[1]
    );
    assert!(messages[2].ends_with("; write \"PUT\""), "{}", messages[2]);
    assert!(
        messages[4].ends_with("; did you mean \"DELETE\"?"),
        "{}",
        messages[4]
    );
    assert!(!messages[5].contains("write") && !messages[5].contains("did you mean"));
}

#[test]
fn patch_is_allowed_in_lowercase_only_beside_its_standard_spelling() {
    let both = Policy::builder()
        .allow_any_origin()
        .allow_methods(["patch", "PATCH"])
        .build()
        .unwrap();
    let preflight = |method: &str| {
        http::Request::options("/")
            .header("origin", "https://a.example")
            .header("access-control-request-method", method)
            .body(())
            .unwrap()
    };
    assert!(both.evaluate(&preflight("patch")).is_allowed());
    assert!(both.evaluate(&preflight("PATCH")).is_allowed());
    // A custom method in lowercase is nobody's misspelling.
    assert!(Policy::builder()
        .allow_any_origin()
        .allow_methods(["purge"])
        .build()
        .is_ok());
}

#[test]
fn header_names_with_whitespace_around_them() {
    let err = Policy::builder()
        .allow_any_origin()
        .allow_headers([" X-Request-Id", "content-type ", " cookie", "x y"])
        .expose_headers(["x-total ", "set-cookie "])
        .build()
        .unwrap_err();
    let header = |name: &str, fix: Option<&str>| P::InvalidHeaderName {
        name: name.into(),
        fix: fix.map(Into::into),
    };
    assert_eq!(
        err.problems(),
        [
            header(" X-Request-Id", Some("X-Request-Id")),
            header("content-type ", Some("content-type")),
            // Trimmed, each is refused where it is listed: no fix.
            header(" cookie", None),
            header("x y", None),
            header("x-total ", Some("x-total")),
            header("set-cookie ", None),
        ]
    );
    assert!(err.problems()[0]
        .to_string()
        .ends_with("is not a valid header name; write \"X-Request-Id\""));
}

/// Builder, configuration file and the `PolicyConfig` a reload builds from
/// all go through the one validator: the same problems, the same fixes.
#[cfg(feature = "serde")]
#[test]
fn a_file_gets_the_same_problems_and_fixes_as_the_builder() {
    use tower_cors::policy::PolicyConfig;
    use tower_cors::ConfigError;

    let toml = r#"
allow_origins = ["https://App.Example.com:443/", "http://localhost:80"]
allow_methods = ["patch", " PUT"]
allow_headers = ["X-Trace "]
"#;
    let config: PolicyConfig = toml::from_str(toml).unwrap();
    let from_file: ConfigError = config.build().unwrap_err();
    let json = r#"{"allow_origins": ["https://App.Example.com:443/", "http://localhost:80"],
        "allow_methods": ["patch", " PUT"], "allow_headers": ["X-Trace "]}"#;
    let config: PolicyConfig = serde_json::from_str(json).unwrap();
    let from_json = config.build().unwrap_err();
    let from_builder = Policy::builder()
        .allow_origins(["https://App.Example.com:443/", "http://localhost:80"])
        .allow_methods(["patch", " PUT"])
        .allow_headers(["X-Trace "])
        .build()
        .unwrap_err();
    assert_eq!(from_file, from_builder);
    assert_eq!(from_json, from_builder);
    let fixes: Vec<Option<&str>> = from_builder.problems().iter().map(P::fix).collect();
    assert_eq!(
        fixes,
        [
            Some("https://app.example.com"),
            Some("http://localhost"),
            Some("PATCH"),
            Some("PUT"),
            Some("X-Trace"),
        ]
    );
}
