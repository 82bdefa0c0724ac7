//! Fuzzes `Policy::evaluate` (and `CorsHeaders::apply_to`) with arbitrary
//! header bytes, under four fixed policies, checking the guarantees that
//! must hold whatever arrives.
//!
//! Input: one byte choosing the policy, then lines separated by `\n`: the
//! method, then `name:value` request header lines. Lines named `resp-vary`
//! become the application's own `Vary` lines instead.
#![no_main]

use std::sync::OnceLock;

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN, VARY,
};
use http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{Policy, RequestKind};

struct Fixture {
    policy: Policy,
    credentials: bool,
    any_origin: bool,
}

fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let credentialed = Policy::builder()
            .allow_origins([
                "https://app.example.com",
                "https://*.example.org",
                "http://localhost:3000",
            ])
            .allow_methods(["PUT", "PATCH"])
            .allow_headers(["content-type", "x-custom"])
            .expose_headers(["x-request-id"])
            .allow_credentials(true)
            .max_age(std::time::Duration::from_secs(600))
            .allow_private_network(true)
            .build();
        let public = Policy::builder()
            .allow_any_origin()
            .allow_any_method()
            .allow_any_header()
            .expose_any_header()
            .build();
        let reflecting = Policy::builder()
            .allow_origins(["https://app.example.com", "https://*.example.org"])
            .allow_any_method()
            .allow_any_header()
            .allow_headers(["authorization"])
            .allow_credentials(true)
            .build();
        let null_and_fn = Policy::builder()
            .allow_origins(["http://[::1]:8080", "http://127.0.0.1:3000"])
            .allow_null_origin_dangerously()
            .allow_origin_fn(|origin| origin.ends_with(".example.net"))
            .build();
        [
            (credentialed, true, false),
            (public, false, true),
            (reflecting, true, false),
            (null_and_fn, false, false),
        ]
        .into_iter()
        .map(|(policy, credentials, any_origin)| Fixture {
            policy: policy.expect("fixture policies are valid"),
            credentials,
            any_origin,
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = &fixtures()[usize::from(selector) % fixtures().len()];
    let mut lines = rest.split(|&b| b == b'\n');
    let method = lines
        .next()
        .and_then(|m| Method::from_bytes(m).ok())
        .unwrap_or(Method::GET);
    let mut request = Request::new(());
    *request.method_mut() = method;
    let mut response = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(&line[colon + 1..]),
        ) else {
            continue;
        };
        if name == "resp-vary" {
            response.append(VARY, value);
        } else {
            request.headers_mut().append(name, value);
        }
    }

    let policy = &fixture.policy;
    let decision = policy.evaluate(&request);
    let _ = decision.to_string();
    assert_eq!(decision.kind(), policy.classify(&request));
    let headers = decision.headers();
    let granted = headers.get(&ACCESS_CONTROL_ALLOW_ORIGIN);
    let origins: Vec<&HeaderValue> = request.headers().get_all(ORIGIN).iter().collect();

    // Only the request's own single origin, or `*` for a public policy,
    // whose answer is `*` on every response but a refused preflight
    // (`#cors-protocol-and-http-caches`).
    let constant = fixture.any_origin && decision.kind() != RequestKind::Preflight;
    if constant {
        assert!(granted.is_some_and(|g| g == "*"), "{decision}");
    }
    if let Some(granted) = granted {
        if fixture.any_origin {
            assert_eq!(granted, "*");
        } else {
            assert_eq!(origins.len(), 1);
            assert_eq!(granted, origins[0]);
        }
        let credentials = headers.get(&ACCESS_CONTROL_ALLOW_CREDENTIALS);
        assert_eq!(credentials.is_some(), fixture.credentials);
    }
    if fixture.credentials {
        for (_, value) in headers.iter() {
            assert!(value != "*" || request.headers().values().any(|v| v == "*"));
        }
    }
    // Refused or not CORS: nothing granted, at most Vary and cors-refusal
    // (but for the constant answer of a public policy).
    if !decision.is_allowed() && !constant {
        for (name, _) in headers.iter() {
            assert!(name == VARY || name == CORS_REFUSAL, "{name} on {decision}");
        }
    }
    match (decision.kind(), decision.refusal()) {
        (RequestKind::Preflight, Some(refusal)) => {
            assert_eq!(
                headers.get(&CORS_REFUSAL).map(|v| v.as_bytes()),
                Some(refusal.to_string().as_bytes())
            );
            assert_eq!(decision.preflight_status().map(|s| s.as_u16()), Some(403));
        }
        (RequestKind::Preflight, None) => {
            assert!(granted.is_some());
            assert_eq!(decision.preflight_status().map(|s| s.as_u16()), Some(204));
        }
        (RequestKind::NotCors, refusal) => {
            assert!(refusal.is_none() && granted.is_some() == constant);
        }
        (_, _) => assert!(decision.preflight_status().is_none()),
    }

    // The application's Vary lines survive, first; `origin` is covered.
    let app_vary: Vec<HeaderValue> = response.get_all(VARY).iter().cloned().collect();
    decision.into_headers().apply_to(&mut response);
    let vary: Vec<&HeaderValue> = response.get_all(VARY).iter().collect();
    assert!(vary.len() >= app_vary.len());
    assert!(vary.iter().zip(&app_vary).all(|(a, b)| *a == b));
    if policy.varies_by_origin() {
        let covered = vary.iter().any(|line| {
            line.as_bytes()
                .split(|&b| b == b',')
                .map(|n| n.trim_ascii())
                .any(|n| n.eq_ignore_ascii_case(b"origin") || n == b"*")
        });
        assert!(covered);
    }
});
