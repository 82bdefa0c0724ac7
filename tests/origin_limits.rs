//! An `Origin` no browser could send because its host is longer than DNS
//! allows (a name over 253 bytes, a label over 63) is malformed: the
//! request predicate, the plain predicate and the asynchronous lookup are
//! never asked about it, while names at the limits still work where they
//! are allowed. An any-origin policy still answers `*` to actual requests
//! whatever the `Origin` says.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
use http::{Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::policy::{Malformed, Refusal, CORS_REFUSAL};
use tower_cors::{CorsLayer, Policy};

const LISTED: &str = "https://app.example.com";

/// The origins no browser sends, each with what makes it so.
fn too_long() -> Vec<(String, &'static str)> {
    let label = "a".repeat(63);
    vec![
        // The 60,016 bytes: one label of 60,000.
        (
            format!("https://{}.example", "a".repeat(60_000)),
            "a 60,000-byte label",
        ),
        (
            format!("https://{}.example", "a".repeat(64)),
            "a 64-byte label",
        ),
        (
            format!("https://{label}.{label}.{label}.{}", "b".repeat(62)),
            "a 254-byte name",
        ),
        (
            format!("https://{label}.{label}.{label}.{}.:8080", "b".repeat(62)),
            "a 254-byte name with a final dot and a port",
        ),
    ]
}

/// Origins exactly at the limits, which a browser can send.
fn at_the_limits() -> Vec<String> {
    let label = "a".repeat(63);
    let name = format!("{label}.{label}.{label}.{}", "b".repeat(61));
    assert_eq!(name.len(), 253);
    vec![
        format!("https://{name}"),
        format!("https://{name}.:65535"),
        format!("https://{label}.example"),
    ]
}

fn request(origin: &str) -> Request<()> {
    Request::get("/")
        .header("host", "api.example.com")
        .header(ORIGIN, origin)
        .body(())
        .unwrap()
}

fn preflight(origin: &str) -> Request<()> {
    Request::options("/")
        .header("host", "api.example.com")
        .header(ORIGIN, origin)
        .header("access-control-request-method", "GET")
        .body(())
        .unwrap()
}

fn malformed() -> Option<Refusal> {
    Some(Refusal::Malformed(Malformed::InvalidOrigin))
}

#[test]
fn the_request_predicate_is_never_asked_about_names_longer_than_dns_allows() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let policy = Policy::builder()
        .allow_origins([LISTED])
        .allow_origin_request_fn(move |_origin, _request| {
            counter.fetch_add(1, Ordering::SeqCst);
            true
        })
        .build()
        .unwrap();
    assert_asked_only_within_limits(&policy, &asked);
}

#[test]
fn the_plain_predicate_is_never_asked_about_names_longer_than_dns_allows() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let policy = Policy::builder()
        .allow_origins([LISTED])
        .allow_origin_fn(move |_origin| {
            counter.fetch_add(1, Ordering::SeqCst);
            true
        })
        .build()
        .unwrap();
    assert_asked_only_within_limits(&policy, &asked);
}

/// Over-long origins are malformed, for a request and a preflight, and
/// never reach the predicate that counts in `asked`; origins at the limits
/// reach it once per request and are allowed, the request's answer naming
/// them.
fn assert_asked_only_within_limits(policy: &Policy, asked: &AtomicUsize) {
    for (origin, what) in too_long() {
        for request in [request(&origin), preflight(&origin)] {
            let decision = policy.evaluate(&request);
            assert_eq!(decision.refusal().cloned(), malformed(), "{what}");
        }
    }
    assert_eq!(asked.load(Ordering::SeqCst), 0);
    for origin in at_the_limits() {
        let decision = policy.evaluate(&request(&origin));
        assert!(decision.is_allowed(), "{}", origin.len());
        let allowed = decision.headers().get(&ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(allowed.map(|v| v.as_bytes()), Some(origin.as_bytes()));
        assert!(
            policy.evaluate(&preflight(&origin)).is_allowed(),
            "{origin}"
        );
    }
    assert_eq!(asked.load(Ordering::SeqCst), 2 * at_the_limits().len());
}

#[tokio::test]
async fn the_lookup_is_never_asked_about_names_longer_than_dns_allows() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let policy = Policy::builder().allow_origins([LISTED]).build().unwrap();
    let layer = CorsLayer::new(policy).with_origin_lookup(move |_origin, _parts| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(true)
    });
    let app = layer.layer(service_fn(|_request: Request<()>| async {
        Ok::<_, Infallible>(Response::new(()))
    }));
    for (origin, what) in too_long() {
        let answer = app.clone().oneshot(preflight(&origin)).await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{what}");
        let reason = answer.headers().get(&CORS_REFUSAL);
        let expected = Refusal::Malformed(Malformed::InvalidOrigin).to_string();
        assert_eq!(
            reason.map(|v| v.to_str().unwrap()),
            Some(expected.as_str()),
            "{what}"
        );
        let answer = app.clone().oneshot(request(&origin)).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{what}");
        assert!(
            answer.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{what}"
        );
    }
    assert_eq!(asked.load(Ordering::SeqCst), 0);
    for origin in at_the_limits() {
        for request in [request(&origin), preflight(&origin)] {
            let answer = app.clone().oneshot(request).await.unwrap();
            let allowed = answer.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN);
            assert_eq!(allowed.map(|v| v.as_bytes()), Some(origin.as_bytes()));
        }
    }
    assert_eq!(asked.load(Ordering::SeqCst), 2 * at_the_limits().len());
}

#[test]
fn any_origin_still_answers_star_to_actual_requests_whatever_the_origin() {
    let policy = Policy::builder().allow_any_origin().build().unwrap();
    for (origin, what) in too_long() {
        let decision = policy.evaluate(&request(&origin));
        assert!(decision.is_allowed(), "{what}");
        let allowed = decision.headers().get(&ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(allowed.map(|v| v.as_bytes()), Some(&b"*"[..]), "{what}");
        // A preflight's answer may tell a malformed origin apart.
        let decision = policy.evaluate(&preflight(&origin));
        assert_eq!(decision.refusal().cloned(), malformed(), "{what}");
    }
    for origin in at_the_limits() {
        assert!(
            policy.evaluate(&preflight(&origin)).is_allowed(),
            "{origin}"
        );
    }
}

#[test]
fn configured_names_obey_the_same_limits() {
    for (origin, what) in too_long() {
        assert!(
            Policy::builder().allow_origins([origin]).build().is_err(),
            "{what}"
        );
    }
    for origin in at_the_limits() {
        let policy = Policy::builder()
            .allow_origins([origin.clone()])
            .build()
            .unwrap();
        assert!(policy.evaluate(&request(&origin)).is_allowed());
    }
}
