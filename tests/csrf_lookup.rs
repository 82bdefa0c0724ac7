//! The guard that trusts what the CORS layer's origin lookup allows
//! (`LookupLayer::csrf_layer`), in an axum application: a tenant's origin
//! from the lookup passes with a credentialed cross-site `POST`, an
//! unknown one is refused, and the two layers share one lookup.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::routing::post;
use axum::Router;
use http::request::Parts;
use http::{HeaderValue, Request, StatusCode};
use tower::ServiceExt;
use tower_cors::csrf::{Refused, CSRF_REFUSAL};
use tower_cors::{LookupLayer, Policy};

const TENANT: &str = "https://www.acme.example";

/// The application, behind the CORS layer and the guard; the lookup
/// allows `https://www.<host>` for the request's host, counting its runs.
fn app(runs: Arc<AtomicUsize>, handled: Arc<AtomicUsize>) -> Router {
    app_with(runs, handled, false)
}

/// The same, with a lookup that allows every origin when `allow_all`.
fn app_with(runs: Arc<AtomicUsize>, handled: Arc<AtomicUsize>, allow_all: bool) -> Router {
    let policy = Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_credentials(true)
        .build()
        .expect("valid policy");
    let lookup = move |origin: HeaderValue, parts: &Parts| {
        let host = tower_cors::policy::RequestRef::new(parts)
            .host()
            .map(str::to_owned);
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            allow_all || host.is_some_and(|host| origin == format!("https://www.{host}").as_str())
        }
    };
    let cors = LookupLayer::new(policy, lookup);
    #[cfg(feature = "lookup-cache")]
    let cors = cors.cache(100, std::time::Duration::from_secs(60));
    Router::new()
        .route(
            "/transfer",
            post(move || async move {
                handled.fetch_add(1, Ordering::SeqCst);
                "done"
            }),
        )
        .layer(cors.csrf_layer())
        .layer(cors)
}

/// A form `POST` as a page on `origin` sends it, with cookies.
fn forged_or_not(origin: &str, host: &str) -> Request<Body> {
    Request::post("/transfer")
        .header("host", host)
        .header("origin", origin)
        .header("sec-fetch-site", "cross-site")
        .header("cookie", "session=1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("amount=100"))
        .unwrap()
}

#[tokio::test]
async fn a_tenant_origin_from_the_lookup_passes_the_guard() {
    let (runs, handled) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
    let app = app(runs, handled.clone());
    let response = app
        .oneshot(forged_or_not(TENANT, "acme.example"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], TENANT);
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
    assert!(!response.headers().contains_key(CSRF_REFUSAL));
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_origin_the_lookup_refuses_is_refused_by_the_guard() {
    let (runs, handled) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
    let app = app(runs, handled.clone());
    for (origin, host) in [
        ("https://evil.example", "acme.example"),
        // Another tenant's origin, sent to this tenant's host.
        ("https://www.globex.example", "acme.example"),
    ] {
        let response = app
            .clone()
            .oneshot(forged_or_not(origin, host))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
        assert!(response.headers().contains_key(CSRF_REFUSAL));
        assert_eq!(
            response.extensions().get::<Refused>(),
            Some(&Refused::CrossSite)
        );
        assert!(!response
            .headers()
            .contains_key("access-control-allow-origin"));
    }
    assert_eq!(handled.load(Ordering::SeqCst), 0, "the handler never ran");
}

#[tokio::test]
async fn a_plain_http_origin_is_never_trusted_whatever_the_lookup_says() {
    let (runs, handled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let app = app(runs.clone(), handled.clone());
    // The lookup would allow `http://www.acme.example` for host
    // `acme.example` (it compares with `https://`, so it says no), but
    // the guard does not even ask about a plain-http origin.
    let response = app
        .oneshot(forged_or_not("http://www.acme.example", "acme.example"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn listed_and_same_origin_requests_pass_without_a_lookup() {
    let (runs, handled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let app = app(runs.clone(), handled.clone());
    let listed = forged_or_not("https://app.example.com", "acme.example");
    assert_eq!(
        app.clone().oneshot(listed).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    // (The CORS layer asks about this one, an unlisted origin; the guard
    // passes it as same-origin without asking.)
    let same_origin = Request::post("/transfer")
        .header("host", "acme.example")
        .header("origin", "https://acme.example")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.oneshot(same_origin).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(handled.load(Ordering::SeqCst), 2);
    assert!(runs.load(Ordering::SeqCst) <= 1);
}

#[cfg(feature = "lookup-cache")]
#[tokio::test]
async fn the_guard_and_cors_share_one_cached_answer() {
    let (runs, handled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let app = app(runs.clone(), handled.clone());
    for _ in 0..3 {
        let response = app
            .clone()
            .oneshot(forged_or_not(TENANT, "acme.example"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(handled.load(Ordering::SeqCst), 3);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}
