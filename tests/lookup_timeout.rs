//! The lookup's timeout (`LookupLayer::timeout`, `DEFAULT_TIMEOUT`): a
//! lookup that never answers refuses its origin once the bound has passed,
//! for a preflight and for an actual request alike, and nothing panics
//! where Tokio's timer cannot run.
//!
//! Time is Tokio's paused clock: each test takes no real time, and one
//! that would hang without the bound fails on an outer hour-long guard.

mod common;

use std::future::{pending, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, VARY};
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode};
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};
use tower_cors::lookup::{LookupCors, DEFAULT_TIMEOUT};
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{LookupLayer, Policy};

use common::{App, APP_BODY};

const TENANT: &str = "https://tenant.example.net";

fn policy() -> Policy {
    Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .build()
        .expect("valid policy")
}

fn preflight() -> Request<String> {
    Request::options("/items")
        .header("host", "api.example.com")
        .header("origin", TENANT)
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .expect("valid request")
}

fn get() -> Request<String> {
    Request::get("/items")
        .header("host", "api.example.com")
        .header("origin", TENANT)
        .body(String::new())
        .expect("valid request")
}

/// A lookup that never answers, counting how often it is called.
fn hanging(
    calls: Arc<AtomicUsize>,
) -> impl FnOnce(HeaderValue, &Parts) -> std::future::Pending<bool> + Clone {
    move |_, _| {
        calls.fetch_add(1, Ordering::SeqCst);
        pending()
    }
}

/// Runs `future` to its end under an hour-long guard (on the paused clock,
/// an instant): a lookup left unbounded fails the test instead of hanging it.
/// One call through `service`, once it is ready.
async fn call<S>(service: &mut S, request: Request<String>) -> Response<String>
where
    S: Service<Request<String>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    service.ready().await.unwrap().call(request).await.unwrap()
}

async fn within_an_hour<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), future)
        .await
        .expect("the request never got an answer")
}

fn assert_refused_preflight(response: &Response<String>) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
    assert!(response.headers().contains_key(CORS_REFUSAL));
    assert!(response.body().is_empty());
}

fn assert_ungranted_app_response(response: &Response<String>) {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), APP_BODY);
    assert_eq!(response.headers()["x-app"], "1");
    assert!(!response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
    let vary: Vec<_> = response.headers().get_all(VARY).iter().collect();
    assert!(
        vary.iter()
            .any(|v| v.as_bytes().eq_ignore_ascii_case(b"origin")),
        "{vary:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lookup_that_never_answers_refuses_a_preflight_after_the_timeout() {
    let calls = Arc::new(AtomicUsize::new(0));
    let (app, recorder) = App::new();
    let service = LookupLayer::new(policy(), hanging(calls.clone()))
        .timeout(Duration::from_millis(300))
        .layer(app);

    let start = Instant::now();
    let response = within_an_hour(service.oneshot(preflight())).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_refused_preflight(&response);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(recorder.count(), 0, "a preflight never reaches the app");
}

#[tokio::test(start_paused = true)]
async fn a_lookup_that_never_answers_leaves_an_actual_request_without_the_grant() {
    let calls = Arc::new(AtomicUsize::new(0));
    let (app, recorder) = App::new();
    let service = LookupLayer::new(policy(), hanging(calls.clone()))
        .timeout(Duration::from_millis(300))
        .layer(app);

    let start = Instant::now();
    let response = within_an_hour(service.oneshot(get())).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_ungranted_app_response(&response);
    assert_eq!(recorder.count(), 1, "the app answered the request");
}

#[tokio::test(start_paused = true)]
async fn without_a_timeout_set_the_default_one_bounds_the_lookup() {
    let (app, _) = App::new();
    let service = LookupLayer::new(policy(), hanging(Arc::default())).layer(app);

    let start = Instant::now();
    let response = within_an_hour(service.oneshot(preflight())).await.unwrap();
    assert_eq!(start.elapsed(), DEFAULT_TIMEOUT);
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(5));
    assert_refused_preflight(&response);
}

#[tokio::test(start_paused = true)]
async fn a_lookup_that_answers_in_time_is_obeyed() {
    let (app, _) = App::new();
    let lookup = |_: HeaderValue, _: &Parts| async {
        tokio::time::sleep(Duration::from_millis(299)).await;
        true
    };
    let mut service = LookupLayer::new(policy(), lookup)
        .timeout(Duration::from_millis(300))
        .layer(app);

    let response = within_an_hour(call(&mut service, preflight())).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    let response = within_an_hour(call(&mut service, get())).await;
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[tokio::test(start_paused = true)]
async fn the_constructor_of_the_service_has_the_default_timeout_too() {
    let (app, _) = App::new();
    let service = LookupCors::new(app, policy(), hanging(Arc::default()));
    let start = Instant::now();
    let response = within_an_hour(service.oneshot(preflight())).await.unwrap();
    assert_eq!(start.elapsed(), DEFAULT_TIMEOUT);
    assert_refused_preflight(&response);
}

// --- Where Tokio's timer cannot run -------------------------------------

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls `future` once, on no runtime at all.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let waker = Waker::from(Arc::new(NoopWake));
    pin!(future).poll(&mut Context::from_waker(&waker))
}

#[test]
fn outside_a_runtime_a_timeout_that_cannot_hold_refuses_at_once_without_panicking() {
    let calls = Arc::new(AtomicUsize::new(0));
    let (app, recorder) = App::new();
    let mut service = LookupLayer::new(policy(), hanging(calls.clone()))
        .timeout(Duration::from_millis(300))
        .layer(app);

    let Poll::Ready(response) = poll_once(service.call(preflight())) else {
        panic!("a preflight waited for a lookup it cannot bound");
    };
    assert_refused_preflight(&response.unwrap());

    let Poll::Ready(response) = poll_once(service.call(get())) else {
        panic!("an actual request waited for a lookup it cannot bound");
    };
    assert_ungranted_app_response(&response.unwrap());
    assert_eq!(recorder.count(), 1);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the lookup is not even asked"
    );
}

#[test]
fn outside_a_runtime_the_default_timeout_does_not_apply_and_nothing_panics() {
    let (app, _) = App::new();
    let mut service = LookupLayer::new(policy(), |origin: HeaderValue, _: &Parts| async move {
        origin == TENANT
    })
    .layer(app);
    let Poll::Ready(response) = poll_once(service.call(preflight())) else {
        panic!("a lookup that answers at once was not awaited");
    };
    assert_eq!(
        response.unwrap().headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        TENANT
    );

    // A lookup that never answers is left unbounded, as without the feature.
    let mut service = LookupLayer::new(policy(), hanging(Arc::default())).layer(App::new().0);
    assert!(poll_once(service.call(preflight())).is_pending());
}

#[test]
fn in_a_runtime_without_its_timer_a_set_timeout_refuses_without_panicking() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime without timers");
    let calls = Arc::new(AtomicUsize::new(0));
    let (app, _) = App::new();
    let mut service = LookupLayer::new(policy(), hanging(calls.clone()))
        .timeout(Duration::from_millis(300))
        .layer(app);
    runtime.block_on(async {
        // Twice: the second time, the answer about this runtime is reused.
        for _ in 0..2 {
            let response = call(&mut service, preflight()).await;
            assert_refused_preflight(&response);
            let response = call(&mut service, get()).await;
            assert_ungranted_app_response(&response);
        }
    });
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // The default timeout does not apply there: the lookup is obeyed.
    let (app, _) = App::new();
    let lookup = |origin: HeaderValue, _: &Parts| async move {
        tokio::task::yield_now().await;
        origin == TENANT
    };
    let service = LookupLayer::new(policy(), lookup).layer(app);
    let response = runtime.block_on(service.oneshot(preflight())).unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[cfg(feature = "tracing")]
mod events {
    use tracing::Level;

    use super::*;
    use crate::common::events::{record, record_async, Captured};

    /// The `WARN` events of the crate: message and `origin` field.
    fn warnings(events: &[Captured]) -> Vec<(String, String)> {
        events
            .iter()
            .filter(|e| e.level == Level::WARN && e.target == "tower_cors")
            .map(|e| {
                let field = |name| e.field(name).unwrap_or_default().to_owned();
                (field("message"), field("origin"))
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_timed_out_lookup_is_a_warn_event_naming_the_origin() {
        let (app, _) = App::new();
        let service = LookupLayer::new(policy(), hanging(Arc::default()))
            .timeout(Duration::from_millis(300))
            .layer(app);
        let (response, recorded) = record_async(within_an_hour(service.oneshot(preflight()))).await;
        response.unwrap();
        assert_eq!(
            warnings(&recorded.events),
            [(
                "origin lookup timed out: origin refused".to_owned(),
                format!("{TENANT:?}")
            )]
        );
    }

    #[test]
    fn a_timeout_that_cannot_hold_is_a_warn_event_too() {
        let mut service = LookupLayer::new(policy(), hanging(Arc::default()))
            .timeout(Duration::from_millis(300))
            .layer(App::new().0);
        let (ready, recorded) = record(|| poll_once(service.call(preflight())).is_ready());
        assert!(ready);
        let warnings = warnings(&recorded.events);
        assert!(
            warnings.iter().any(|(message, origin)| message
                .contains("needs a Tokio runtime with its timer enabled")
                && *origin == format!("{TENANT:?}")),
            "{warnings:?}"
        );
    }
}
