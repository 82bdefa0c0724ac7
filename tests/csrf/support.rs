//! Plumbing shared by the CSRF tests: requests from raw bytes, an
//! application that counts its calls, a runtime-free call, and the
//! trusted sets of the tables.

// Every CSRF test file imports these through `support::*`.
pub use std::convert::Infallible;
pub use std::future::{ready, Future, Ready};
pub use std::pin::pin;
pub use std::sync::atomic::{AtomicUsize, Ordering};
pub use std::sync::Arc;
pub use std::task::{Context, Poll, Wake, Waker};

pub use http::header::{HeaderValue, CONTENT_TYPE};
pub use http::{Method, Request, Response, StatusCode};
pub use tower::{Layer, Service};
pub use tower_cors::csrf::{
    self, BypassPathError, CsrfLayer, Pass, Refused, TrustProblem, Trusted, CSRF_REFUSAL,
};
pub use tower_cors::{ConfigProblem, CorsLayer, Policy};
pub use Trust::{Listed, Nothing};

/// A request with these header lines, in order, values as raw bytes.
pub fn request(method: &str, uri: &str, headers: &[(&str, &[u8])]) -> Request<()> {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("test method"))
        .uri(uri)
        .body(())
        .expect("test request");
    for (name, value) in headers {
        let name = http::header::HeaderName::from_bytes(name.as_bytes()).expect("test name");
        let value = HeaderValue::from_bytes(value).expect("test value");
        request.headers_mut().append(name, value);
    }
    request
}

#[derive(Clone, Default)]
pub struct CountingApp(Arc<AtomicUsize>);

impl CountingApp {
    pub fn calls(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl<B> Service<Request<B>> for CountingApp {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        ready(Ok(Response::new("app".to_owned())))
    }
}

pub struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Drives a service whose futures are ready at once, without a runtime.
pub fn call_now<S, B>(service: &mut S, request: Request<B>) -> Response<String>
where
    S: Service<Request<B>, Response = Response<String>, Error = Infallible>,
{
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    assert!(matches!(service.poll_ready(&mut cx), Poll::Ready(Ok(()))));
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the guard over a ready app answers at once"),
    }
}

/// Runs `request` through a `CsrfLayer` trusting `trusted` and checks the
/// layer does what the pure check says: a pass reaches the application
/// once and comes back untouched; a refusal never reaches it and is the
/// default `403`.
pub fn through_layer(trusted: &Trusted, request: Request<()>, expected: Result<Pass, Refused>) {
    let app = CountingApp::default();
    let mut service = CsrfLayer::trusting(trusted.clone()).layer(app.clone());
    let response = call_now(&mut service, request);
    match expected {
        Ok(_) => {
            assert_eq!(app.calls(), 1, "a pass reaches the application once");
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.body(), "app");
            assert!(response.headers().get(CSRF_REFUSAL).is_none());
        }
        Err(refused) => {
            assert_eq!(app.calls(), 0, "a refusal never reaches the application");
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            assert_eq!(response.headers()[CSRF_REFUSAL], refused.summary());
            assert_eq!(
                response.headers()[CONTENT_TYPE],
                "text/plain; charset=utf-8"
            );
            assert_eq!(response.body(), refused.body_text());
            assert_eq!(response.extensions().get::<Refused>(), Some(&refused));
        }
    }
}

// ---------------------------------------------------------------------------
// What is trusted in the tables
// ---------------------------------------------------------------------------

pub const APP: &str = "https://app.example.com";
pub const EVIL: &str = "https://evil.example";

#[derive(Debug, Clone, Copy)]
pub enum Trust {
    /// `Trusted::same_origin_only()`.
    Nothing,
    /// `https://app.example.com`, `https://*.example.org`,
    /// `http://localhost:3000`; bypass `/webhook` and prefix `/hooks/`.
    Listed,
}

pub fn trusted(trust: Trust) -> Trusted {
    match trust {
        Trust::Nothing => Trusted::same_origin_only(),
        Trust::Listed => Trusted::builder()
            .trust_origins([APP, "https://*.example.org", "http://localhost:3000"])
            .bypass_path("/webhook")
            .bypass_prefix("/hooks/")
            .build()
            .expect("valid trust"),
    }
}

/// Header lines, in order, values as raw bytes.
pub type Headers<'a> = &'a [(&'a str, &'a [u8])];
/// What the guard must conclude.
pub type Verdict = Result<Pass, Refused>;

pub const CROSS_EVIL: &[(&str, &[u8])] = &[
    ("sec-fetch-site", b"cross-site"),
    ("origin", b"https://evil.example"),
];

/// A `POST /transfer` that a browser marks `cross-site`, from `origin`.
pub fn cross_site_from(origin: &str) -> Request<()> {
    request(
        "POST",
        "/transfer",
        &[
            ("sec-fetch-site", b"cross-site"),
            ("origin", origin.as_bytes()),
        ],
    )
}

/// Origins for generated requests: the `known` ones (trusted ones and near
/// misses, chosen by each test), origin-like text, and raw bytes with
/// tabs and non-ASCII.
pub fn origins_around(
    known: &[&'static str],
) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    prop_oneof![
        prop::sample::select(known.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        "(https?://)?[a-z.*:0-9-]{0,24}".prop_map(String::into_bytes),
        prop::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..40),
    ]
}

/// Paths for generated requests: the `known` ones and path-like text
/// with dots, slashes and percent signs.
pub fn paths_around(known: &[&'static str]) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        prop::sample::select(known.to_vec()).prop_map(str::to_owned),
        "/[a-z%0-9./]{0,20}",
    ]
}
