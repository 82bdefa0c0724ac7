//! The asynchronous origin lookup (`LookupLayer`), at the tower level: it
//! is asked only when the lists cannot decide, the rest of the answer is
//! the policy's, preflights never reach the application, the
//! application's own headers are kept and its errors come through.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, VARY,
};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use tokio::sync::oneshot;
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{Cors, CorsLayer, LookupLayer, Policy};

use common::{App, APP_BODY};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const LISTED: &str = "https://app.example.com";
const TENANT: &str = "https://tenant.example.net";

fn policy() -> Policy {
    let builder = Policy::builder()
        .allow_origins([LISTED, "https://*.example.org"])
        .allow_methods(["PUT"])
        .allow_headers(["content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true);
    // Without the Public Suffix List a credentialed pattern builds only
    // when the builder is told not to check; the answers are the same.
    let builder = match cfg!(feature = "public-suffix") {
        true => builder,
        false => builder.allow_public_suffix_subdomains_dangerously(),
    };
    builder.build().unwrap()
}

/// What the lookup was asked: each origin, with the path and `Host` of its
/// request.
#[derive(Clone, Default)]
struct Asked(Arc<Mutex<Vec<Question>>>);

/// An origin, the path of its request, and the request's `Host`.
type Question = (HeaderValue, String, Option<HeaderValue>);

impl Asked {
    fn all(&self) -> Vec<Question> {
        self.0.lock().unwrap().clone()
    }
}

/// A lookup that allows exactly `TENANT`, recording what it is asked.
fn tenant_lookup(
    asked: Asked,
) -> impl FnOnce(HeaderValue, &Parts) -> std::future::Ready<bool> + Clone {
    move |origin: HeaderValue, parts: &Parts| {
        asked.0.lock().unwrap().push((
            origin.clone(),
            parts.uri.path().to_owned(),
            parts.headers.get("host").cloned(),
        ));
        std::future::ready(origin == TENANT)
    }
}

fn get(origin: &str) -> Request<String> {
    Request::get("/items")
        .header("host", "api.example.com")
        .header("origin", origin)
        .body(String::new())
        .unwrap()
}

fn preflight(origin: &str, method: &str) -> Request<String> {
    Request::options("/items")
        .header("host", "api.example.com")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type")
        .body(String::new())
        .unwrap()
}

async fn call<S>(service: &mut S, request: Request<String>) -> Response<String>
where
    S: Service<Request<String>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    service.ready().await.unwrap().call(request).await.unwrap()
}

fn lines(headers: &HeaderMap, name: &http::HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_lookup_is_asked_only_about_unlisted_well_formed_origins() {
    let asked = Asked::default();
    let (app, _) = App::new();
    let mut service = LookupLayer::new(policy(), tenant_lookup(asked.clone())).layer(app);

    // Decided by the lists, or not a question a lookup may be asked.
    let two_origins = Request::get("/")
        .header("origin", TENANT)
        .header("origin", TENANT)
        .body(String::new())
        .unwrap();
    let no_origin = Request::get("/").body(String::new()).unwrap();
    for request in [
        get(LISTED),
        get("https://api.example.org"),
        preflight(LISTED, "DELETE"),
        get("null"),
        get("https://tenant.example.net/"),
        get("HTTPS://tenant.example.net"),
        get("https://tenant.example.net:443"),
        two_origins,
        no_origin,
    ] {
        call(&mut service, request).await;
    }
    assert_eq!(asked.all(), []);

    call(&mut service, get(TENANT)).await;
    call(&mut service, preflight("https://other.example.net", "PUT")).await;
    let host = Some(HeaderValue::from_static("api.example.com"));
    assert_eq!(
        asked.all(),
        [
            (
                HeaderValue::from_static(TENANT),
                "/items".to_owned(),
                host.clone()
            ),
            (
                HeaderValue::from_static("https://other.example.net"),
                "/items".to_owned(),
                host
            ),
        ]
    );
}

#[tokio::test]
async fn an_origin_the_lookup_allows_gets_the_policys_answer() {
    let (app, recorder) = App::new();
    let expected_app = app.response();
    let mut service = LookupLayer::new(policy(), tenant_lookup(Asked::default())).layer(app);

    let response = call(&mut service, get(TENANT)).await;
    assert_eq!(recorder.count(), 1);
    let headers = response.headers();
    assert_eq!(headers[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(headers[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(headers[ACCESS_CONTROL_EXPOSE_HEADERS], "x-request-id");
    // The application's headers and body are kept; `Vary` is appended.
    assert_eq!(headers["x-app"], "1");
    assert_eq!(lines(headers, &VARY), ["accept-encoding", "origin"]);
    assert_eq!(response.body(), APP_BODY);
    assert_eq!(response.status(), expected_app.status());

    // Exactly what the policy computes when told the origin is allowed.
    let assumed = policy().evaluate_assuming_origin_allowed(&get(TENANT));
    for (name, value) in assumed.headers().iter() {
        assert!(
            headers.get_all(&name).iter().any(|v| v == value),
            "{name}: {value:?}"
        );
    }
}

#[tokio::test]
async fn an_origin_the_lookup_refuses_gets_what_the_static_layer_gives() {
    let (app, recorder) = App::new();
    let mut lookup = LookupLayer::new(policy(), tenant_lookup(Asked::default())).layer(app.clone());
    let mut fixed = Cors::new(app, policy());

    let requests: [fn() -> Request<String>; 6] = [
        || get("https://stranger.example"),
        || preflight("https://stranger.example", "PUT"),
        || get(LISTED),
        || preflight(LISTED, "PUT"),
        || preflight(LISTED, "DELETE"),
        || get("null"),
    ];
    for request in requests {
        let ours = call(&mut lookup, request()).await;
        let theirs = call(&mut fixed, request()).await;
        assert_eq!(ours.status(), theirs.status());
        assert_eq!(ours.headers(), theirs.headers());
        assert_eq!(ours.body(), theirs.body());
    }
    // Twice each non-preflight: once per layer.
    assert_eq!(recorder.count(), 6);

    let refused = call(&mut lookup, get("https://stranger.example")).await;
    assert!(refused.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert_eq!(
        lines(refused.headers(), &VARY),
        ["accept-encoding", "origin"]
    );
}

#[tokio::test]
async fn preflights_are_answered_without_the_app() {
    let (app, recorder) = App::new();
    let mut service = LookupLayer::new(policy(), tenant_lookup(Asked::default())).layer(app);

    let allowed = call(&mut service, preflight(TENANT, "PUT")).await;
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    assert_eq!(allowed.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(allowed.headers()[ACCESS_CONTROL_ALLOW_METHODS], "PUT");
    assert_eq!(allowed.body(), "");

    // The lookup allows the origin, never more: the method is the policy's.
    let method_refused = call(&mut service, preflight(TENANT, "DELETE")).await;
    assert_eq!(method_refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        method_refused.headers()[CORS_REFUSAL],
        "method \"DELETE\" not allowed"
    );
    assert!(method_refused
        .headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());

    let origin_refused = call(&mut service, preflight("https://stranger.example", "PUT")).await;
    assert_eq!(origin_refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(origin_refused.headers()[CORS_REFUSAL], "origin not allowed");
    assert!(origin_refused
        .headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());

    assert_eq!(recorder.count(), 0, "no preflight reaches the application");
}

/// A lookup that answers when the test says so.
fn gated_lookup() -> (
    oneshot::Sender<bool>,
    impl FnOnce(HeaderValue, &Parts) -> oneshot::Receiver<bool> + Clone,
) {
    let (tx, rx) = oneshot::channel();
    let rx = Arc::new(Mutex::new(Some(rx)));
    let lookup = move |_: HeaderValue, _: &Parts| rx.lock().unwrap().take().expect("asked once");
    (tx, lookup)
}

#[tokio::test]
async fn the_app_runs_while_the_lookup_is_pending() {
    let (tx, lookup) = gated_lookup();
    let (app, recorder) = App::new();
    let service = LookupLayer::new(policy(), move |origin, parts: &Parts| {
        let answer = lookup(origin, parts);
        async move { answer.await.unwrap_or(false) }
    })
    .layer(app);

    let pending = tokio::spawn(service.oneshot(get(TENANT)));
    // The application is called at once, before the lookup has answered.
    while recorder.count() == 0 {
        tokio::task::yield_now().await;
    }
    assert!(!pending.is_finished());
    tx.send(true).unwrap();
    let response = pending.await.unwrap().unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(response.headers()["x-app"], "1");
}

#[tokio::test]
async fn a_preflight_waits_for_the_lookup() {
    let (tx, lookup) = gated_lookup();
    let (app, recorder) = App::new();
    let service = LookupLayer::new(policy(), move |origin, parts: &Parts| {
        let answer = lookup(origin, parts);
        async move { answer.await.unwrap_or(false) }
    })
    .layer(app);

    let pending = tokio::spawn(service.oneshot(preflight(TENANT, "PUT")));
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(!pending.is_finished());
    // A lookup that fails (here: its sender dropped) refuses.
    drop(tx);
    let response = pending.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(recorder.count(), 0);
}

#[tokio::test]
async fn errors_of_the_app_come_through() {
    let failing = service_fn(|_: Request<String>| async {
        Err::<Response<String>, &'static str>("app failed")
    });
    let asked = Asked::default();
    let mut service = LookupLayer::new(policy(), tenant_lookup(asked.clone())).layer(failing);
    for request in [get(LISTED), get("https://stranger.example"), get(TENANT)] {
        let result = service.ready().await.unwrap().call(request).await;
        assert_eq!(result.unwrap_err(), "app failed");
    }
    assert_eq!(asked.all().len(), 2);
    // Preflights never reach the app, so its errors cannot affect them.
    let answered = service
        .ready()
        .await
        .unwrap()
        .call(preflight(TENANT, "PUT"))
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_tower_http_async_predicate_moves_over_unchanged() {
    #[derive(Clone)]
    struct Tenants;
    impl Tenants {
        async fn allows(&self, origin: HeaderValue) -> bool {
            origin == TENANT
        }
    }
    let tenants = Tenants;
    // Moves `tenants` into its future, so it is `FnOnce + Clone`, not `Fn`:
    // the shape tower-http's `AllowOrigin::async_predicate` takes.
    let predicate =
        move |origin: HeaderValue, _parts: &Parts| async move { tenants.allows(origin).await };
    let _tower_http = tower_http::cors::AllowOrigin::async_predicate(predicate.clone());

    let (app, _) = App::new();
    let service = CorsLayer::new(policy())
        .with_origin_lookup(predicate)
        .layer(app);
    let response = service.oneshot(get(TENANT)).await.unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[tokio::test]
async fn it_serves_an_axum_router() {
    use axum::{routing::get as route_get, Router};

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let lookup = move |origin: HeaderValue, _: &Parts| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move { origin == TENANT }
    };
    let app: Router = Router::new()
        .route("/items", route_get(|| async { "items" }))
        .layer(LookupLayer::new(policy(), lookup));

    let request = Request::get("/items")
        .header("origin", TENANT)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_static_layer_gives_a_request_predicate_the_request() {
    // Not a lookup, but the same question asked synchronously: the
    // `Host` of a multi-tenant API decides which front-end may call it.
    let policy = Policy::builder()
        .allow_origins([LISTED])
        .allow_methods(["PUT"])
        .allow_origin_request_fn(|origin, request| {
            let host = request.headers().get("host").and_then(|h| h.to_str().ok());
            request.uri().path().starts_with("/items")
                && host.is_some_and(|host| origin.strip_prefix("https://app.") == Some(host))
        })
        .build()
        .unwrap();
    let (app, recorder) = App::new();
    let mut service = CorsLayer::new(policy).layer(app);
    let from = |host: &str| {
        Request::options("/items/1")
            .header("host", host)
            .header("origin", "https://app.acme.example")
            .header("access-control-request-method", "PUT")
            .body(String::new())
            .unwrap()
    };
    let allowed = call(&mut service, from("acme.example")).await;
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        allowed.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.acme.example"
    );
    let refused = call(&mut service, from("globex.example")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(recorder.count(), 0);
}

// ---------------------------------------------------------------------------
// Property: a lookup that allows a set of origins answers every request
// exactly as the static layer with those origins listed.
// ---------------------------------------------------------------------------

/// Origins acceptable with or without credentials.
const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://tenant-a.example.net",
    "https://tenant-b.example.net:8443",
    "http://localhost:3000",
    "http://[::1]:5173",
];

const REQUEST_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://tenant-a.example.net",
    "https://tenant-b.example.net:8443",
    "http://localhost:3000",
    "http://[::1]:5173",
    "https://x.example.org",
    "https://stranger.example",
    "null",
    "https://tenant-a.example.net/",
    "HTTPS://tenant-a.example.net",
    "https://tenant-a.example.net.evil.example",
];

fn request() -> impl Strategy<Value = Request<String>> {
    (
        prop::collection::vec(select(REQUEST_ORIGINS), 0..=2),
        prop::option::of(select(vec!["PUT", "DELETE", "GET", "patch"])),
        prop::option::of(select(vec![
            "content-type",
            "x-other",
            "content-type,x-other",
        ])),
        select(vec!["GET", "POST", "OPTIONS"]),
    )
        .prop_map(|(origins, requested, headers, method)| {
            let mut request = Request::builder()
                .method(method)
                .uri("/items")
                .header("host", "api.example.com");
            for origin in origins {
                request = request.header("origin", origin);
            }
            if let Some(requested) = requested {
                request = request.header("access-control-request-method", requested);
            }
            if let Some(headers) = headers {
                request = request.header("access-control-request-headers", headers);
            }
            request.body(String::new()).unwrap()
        })
}

fn same_request(request: &Request<String>) -> Request<String> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_lookup_answers_as_listing_the_origins_it_allows(
        listed in subsequence(ORIGINS, 0..=2),
        looked_up in subsequence(ORIGINS, 0..=3),
        methods in subsequence(vec!["PUT", "DELETE", "PATCH"], 0..=2),
        credentials in any::<bool>(),
        requests in prop::collection::vec(request(), 1..8),
    ) {
        // A pattern too, so that some origins are the lists' to allow.
        let base = || {
            let builder = Policy::builder()
                .allow_origins(["https://*.example.org"])
                .allow_origins(&listed)
                .allow_methods(&methods)
                .allow_headers(["content-type"])
                .expose_headers(["x-request-id"])
                .allow_credentials(credentials);
            match cfg!(feature = "public-suffix") {
                true => builder,
                false => builder.allow_public_suffix_subdomains_dangerously(),
            }
        };
        let policy = base().build().unwrap();
        let with_all = base().allow_origins(&looked_up).build().unwrap();

        let allowed: Vec<String> = looked_up.iter().map(|o| o.to_string()).collect();
        let lookup = move |origin: HeaderValue, _: &Parts| {
            std::future::ready(allowed.iter().any(|o| origin == o.as_str()))
        };
        let (app, _) = App::new();
        let mut dynamic = LookupLayer::new(policy, lookup).layer(app.clone());
        let mut fixed = Cors::new(app, with_all);

        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        for request in &requests {
            let (ours, theirs) = runtime.block_on(async {
                (
                    call(&mut dynamic, same_request(request)).await,
                    call(&mut fixed, same_request(request)).await,
                )
            });
            prop_assert_eq!(ours.status(), theirs.status(), "{:?}", request);
            prop_assert_eq!(ours.headers(), theirs.headers(), "{:?}", request);
            prop_assert_eq!(ours.body(), theirs.body());
        }
    }
}

/// A lookup layer made from a reloadable `CorsLayer` follows the handle: a
/// replacement that lists an origin makes the lookup unnecessary for it,
/// and the other settings (here the methods) come from the new policy.
#[tokio::test]
async fn a_lookup_on_a_reloadable_layer_follows_replacements() {
    const PARTNER: &str = "https://partner.example.net";
    let (layer, handle) = CorsLayer::reloadable(policy());
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let lookup = layer.with_origin_lookup(move |_origin, _parts| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { false }
    });
    let (app, _recorder) = App::new();
    let mut service = lookup.layer(app);

    let before = call(&mut service, preflight(PARTNER, "PATCH")).await;
    assert_eq!(before.status(), StatusCode::FORBIDDEN);
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    handle.replace(
        Policy::builder()
            .allow_origins([LISTED, PARTNER])
            .allow_methods(["PATCH"])
            .allow_headers(["content-type"])
            .build()
            .expect("valid policy"),
    );
    let after = call(&mut service, preflight(PARTNER, "PATCH")).await;
    assert_eq!(after.status(), StatusCode::NO_CONTENT);
    assert_eq!(after.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], PARTNER);
    assert_eq!(asked.load(Ordering::SeqCst), 1, "listed now: not asked");
    assert!(service.policy().to_string().contains(PARTNER));
}
