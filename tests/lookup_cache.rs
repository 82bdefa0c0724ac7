//! The cache of the lookup's answers (`LookupLayer::cache`,
//! `LookupLayer::cache_key`): repeats are answered without a lookup,
//! concurrent requests for one key share one, refusals are kept, a
//! timeout is not, answers expire, and one tenant's answer never serves
//! another.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode};
use tokio::sync::watch;
use tower::{Layer, Service, ServiceExt};
use tower_cors::{LookupLayer, Policy};

use common::App;

const TENANT: &str = "https://tenant.example.net";

fn policy() -> Policy {
    Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .build()
        .expect("valid policy")
}

fn get(host: Option<&str>, origin: &str) -> Request<String> {
    let mut request = Request::get("/items").header("origin", origin);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    request.body(String::new()).expect("valid request")
}

fn preflight(host: &str, origin: &str) -> Request<String> {
    Request::options("/items")
        .header("host", host)
        .header("origin", origin)
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .expect("valid request")
}

async fn call<S>(service: &mut S, request: Request<String>) -> Response<String>
where
    S: Service<Request<String>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    service.ready().await.unwrap().call(request).await.unwrap()
}

fn granted(response: &Response<String>) -> Option<&str> {
    response
        .headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap())
}

/// Counts the lookups that actually ran (their futures polled to an
/// answer), as a backend would count its queries.
#[derive(Clone, Default)]
struct Runs(Arc<AtomicUsize>);

impl Runs {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

type Answer = Pin<Box<dyn Future<Output = bool> + Send>>;

/// A lookup allowing what `allowed` says of the origin and the request's
/// `Host`, counting its runs: a run is counted when the future is polled,
/// not when the closure is called (the closure sees every request).
fn counting<A>(runs: &Runs, allowed: A) -> impl FnOnce(HeaderValue, &Parts) -> Answer + Clone
where
    A: Fn(&str, Option<&str>) -> bool + Clone + Send + 'static,
{
    let runs = runs.0.clone();
    move |origin: HeaderValue, parts: &Parts| {
        let host = parts.headers.get("host").map(|h| h.to_str().unwrap());
        let answer = allowed(origin.to_str().unwrap(), host);
        Box::pin(async move {
            runs.fetch_add(1, Ordering::SeqCst);
            answer
        })
    }
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn repeats_of_one_origin_are_looked_up_once() {
    let runs = Runs::default();
    let lookup = counting(&runs, |origin, _| origin.ends_with(".tenant.example"));
    let mut service = LookupLayer::new(policy(), lookup)
        .cache(10_000, HOUR)
        .layer(App::new().0);

    // 1,001 distinct origins once each, and one of them ten times more:
    // 1,011 requests, 1,001 distinct questions.
    let origins: Vec<String> = (0..1_001)
        .map(|i| format!("https://t{i}.tenant.example"))
        .collect();
    let mut requests = 0;
    for origin in origins
        .iter()
        .chain(std::iter::repeat(&origins[7]).take(10))
    {
        let response = call(&mut service, get(Some("api.example.com"), origin)).await;
        assert_eq!(granted(&response), Some(origin.as_str()));
        requests += 1;
    }
    assert_eq!(requests, 1_011);
    assert_eq!(runs.count(), 1_001);
}

#[tokio::test]
async fn without_a_cache_every_request_is_a_lookup() {
    // What the cache saves: the same requests, uncached.
    let runs = Runs::default();
    let mut service = LookupLayer::new(policy(), counting(&runs, |_, _| true)).layer(App::new().0);
    for _ in 0..11 {
        call(&mut service, get(Some("api.example.com"), TENANT)).await;
    }
    assert_eq!(runs.count(), 11);
}

#[tokio::test]
async fn a_refusal_is_kept_too() {
    let runs = Runs::default();
    let mut service = LookupLayer::new(policy(), counting(&runs, |_, _| false))
        .cache(100, HOUR)
        .layer(App::new().0);
    for _ in 0..5 {
        let response = call(&mut service, preflight("api.example.com", TENANT)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(granted(&response), None);
        let response = call(&mut service, get(Some("api.example.com"), TENANT)).await;
        assert_eq!(granted(&response), None);
    }
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn concurrent_requests_for_one_key_share_one_lookup() {
    let calls = Arc::new(AtomicUsize::new(0));
    let runs = Arc::new(AtomicUsize::new(0));
    let (open, gate) = watch::channel(false);
    let lookup = {
        let (calls, runs) = (calls.clone(), runs.clone());
        move |_: HeaderValue, _: &Parts| {
            calls.fetch_add(1, Ordering::SeqCst);
            let (runs, mut gate) = (runs.clone(), gate.clone());
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                // Answers only once every request is waiting.
                gate.wait_for(|open| *open).await.is_ok()
            }
        }
    };
    let layer = LookupLayer::new(policy(), lookup).cache(100, HOUR);

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let service = layer.layer(App::new().0);
            let request = match i % 2 {
                0 => preflight("api.example.com", TENANT),
                _ => get(Some("api.example.com"), TENANT),
            };
            tokio::spawn(service.oneshot(request))
        })
        .collect();
    while calls.load(Ordering::SeqCst) < 50 {
        tokio::task::yield_now().await;
    }
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "one lookup runs while 50 requests wait"
    );
    open.send(true).unwrap();
    for task in tasks {
        let response = task.await.unwrap().unwrap();
        assert_eq!(granted(&response), Some(TENANT));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn two_tenants_with_one_origin_get_their_own_answers() {
    let runs = Runs::default();
    // Only tenant `a` lists the origin.
    let lookup = counting(&runs, |_, host| host == Some("a.api.example"));
    let mut service = LookupLayer::new(policy(), lookup)
        .cache(100, HOUR)
        .layer(App::new().0);
    for _ in 0..3 {
        let a = call(&mut service, preflight("a.api.example", TENANT)).await;
        assert_eq!(granted(&a), Some(TENANT));
        let b = call(&mut service, preflight("b.api.example", TENANT)).await;
        assert_eq!(granted(&b), None, "tenant a's grant served tenant b");
        let b = call(&mut service, get(Some("b.api.example"), TENANT)).await;
        assert_eq!(granted(&b), None);
    }
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn the_authority_of_the_uri_is_the_host_when_present() {
    let runs = Runs::default();
    let lookup = {
        let runs = runs.0.clone();
        move |_: HeaderValue, parts: &Parts| {
            let allowed = parts.uri.authority().map(|a| a.as_str()) == Some("a.api.example");
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                allowed
            }
        }
    };
    let mut service = LookupLayer::new(policy(), lookup)
        .cache(100, HOUR)
        .layer(App::new().0);
    // As HTTP/2 requests arrive: the authority in the URI, no `Host`.
    let request = |authority: &str| {
        Request::get(format!("https://{authority}/items"))
            .header("origin", TENANT)
            .body(String::new())
            .unwrap()
    };
    for _ in 0..2 {
        assert_eq!(
            granted(&call(&mut service, request("a.api.example")).await),
            Some(TENANT)
        );
        assert_eq!(
            granted(&call(&mut service, request("b.api.example")).await),
            None
        );
    }
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn a_request_whose_host_cannot_be_told_is_not_cached() {
    let runs = Runs::default();
    let mut service = LookupLayer::new(policy(), counting(&runs, |_, _| true))
        .cache(100, HOUR)
        .layer(App::new().0);
    let two_hosts = || {
        Request::get("/items")
            .header("origin", TENANT)
            .header("host", "a.api.example")
            .header("host", "b.api.example")
            .body(String::new())
            .unwrap()
    };
    for _ in 0..3 {
        call(&mut service, get(None, TENANT)).await;
        call(&mut service, two_hosts()).await;
    }
    assert_eq!(runs.count(), 6);
}

#[tokio::test]
async fn a_key_function_partitions_the_answers_instead_of_the_host() {
    let runs = Runs::default();
    let lookup = {
        let runs = runs.0.clone();
        move |_: HeaderValue, parts: &Parts| {
            let allowed = parts.uri.path().starts_with("/acme/");
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                allowed
            }
        }
    };
    let tenant_of = |parts: &Parts| {
        let segment = parts.uri.path().split('/').nth(1)?;
        (!segment.is_empty()).then(|| segment.to_owned())
    };
    let mut service = LookupLayer::new(policy(), lookup)
        .cache(100, HOUR)
        .cache_key(tenant_of)
        .layer(App::new().0);
    let request = |path: &str| {
        Request::get(path)
            .header("host", "api.example.com")
            .header("origin", TENANT)
            .body(String::new())
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(
            granted(&call(&mut service, request("/acme/items")).await),
            Some(TENANT)
        );
        assert_eq!(
            granted(&call(&mut service, request("/acme/other")).await),
            Some(TENANT)
        );
        assert_eq!(
            granted(&call(&mut service, request("/globex/items")).await),
            None
        );
        // No partition: asked every time.
        call(&mut service, request("/")).await;
    }
    assert_eq!(runs.count(), 2 + 3);
}

#[tokio::test]
async fn one_origin_never_answers_for_another() {
    let runs = Runs::default();
    let lookup = counting(&runs, |origin, _| origin == TENANT);
    let mut service = LookupLayer::new(policy(), lookup)
        .cache(100, HOUR)
        .cache_key(|_| Some(String::from("everyone")))
        .layer(App::new().0);
    for _ in 0..2 {
        let allowed = call(&mut service, get(Some("api.example.com"), TENANT)).await;
        assert_eq!(granted(&allowed), Some(TENANT));
        let other = call(
            &mut service,
            get(Some("api.example.com"), "https://evil.example"),
        )
        .await;
        assert_eq!(granted(&other), None);
    }
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn answers_expire_after_their_time_to_live() {
    let runs = Runs::default();
    let ttl = Duration::from_millis(20);
    let mut service = LookupLayer::new(policy(), counting(&runs, |_, _| true))
        .cache(100, ttl)
        .layer(App::new().0);
    call(&mut service, get(Some("api.example.com"), TENANT)).await;
    assert_eq!(runs.count(), 1);
    // The cache's clock is the system's: once more than the TTL has
    // passed, the answer has expired, however slow the machine.
    std::thread::sleep(ttl * 3);
    call(&mut service, get(Some("api.example.com"), TENANT)).await;
    assert_eq!(runs.count(), 2);
}

#[cfg(feature = "lookup-timeout")]
#[tokio::test(start_paused = true)]
async fn a_lookup_that_timed_out_keeps_no_answer() {
    let calls = Arc::new(AtomicUsize::new(0));
    let lookup = {
        let calls = calls.clone();
        move |_: HeaderValue, _: &Parts| -> Answer {
            // The first lookup hangs; later ones allow.
            match calls.fetch_add(1, Ordering::SeqCst) {
                0 => Box::pin(std::future::pending()),
                _ => Box::pin(async { true }),
            }
        }
    };
    let mut service = LookupLayer::new(policy(), lookup)
        .timeout(Duration::from_millis(100))
        .cache(100, HOUR)
        .layer(App::new().0);
    let first = call(&mut service, preflight("api.example.com", TENANT)).await;
    assert_eq!(granted(&first), None);
    let second = call(&mut service, preflight("api.example.com", TENANT)).await;
    assert_eq!(granted(&second), Some(TENANT));
    let third = call(&mut service, preflight("api.example.com", TENANT)).await;
    assert_eq!(granted(&third), Some(TENANT));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the closure sees every request"
    );
}

#[tokio::test]
async fn clones_of_the_layer_share_one_cache() {
    let runs = Runs::default();
    let layer = LookupLayer::new(policy(), counting(&runs, |_, _| true)).cache(100, HOUR);
    for _ in 0..3 {
        let mut service = layer.clone().layer(App::new().0);
        call(&mut service, get(Some("api.example.com"), TENANT)).await;
    }
    assert_eq!(runs.count(), 1);
    let shown = format!("{layer:?}");
    assert!(shown.contains("max_entries: Some(100)"), "{shown}");
}

#[test]
fn the_longest_time_to_live_is_a_century_not_a_panic() {
    let layer = LookupLayer::new(policy(), |_, _| async { true }).cache(u64::MAX, Duration::MAX);
    let shown = format!("{layer:?}");
    assert!(shown.contains("ttl: Some(3153600000s)"), "{shown}");
}
