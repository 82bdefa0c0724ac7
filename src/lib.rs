//! CORS for [tower], [hyper] and [axum], by the Fetch standard.
//!
//! - [`policy`]: a pure, validated, immutable [`Policy`] that classifies
//!   each request and decides what to answer. No tower, no async, no I/O:
//!   test it with nothing but `http::Request::builder()`.
//! - [`CorsLayer`]: the thin tower glue. It answers preflights itself (the
//!   application never sees them) and adds `Access-Control-*` headers and
//!   `Vary: Origin` to every other response.
//! - [`browser`]: the browser's half, also pure: what a browser sends for a
//!   page's request and whether it accepts the answers, with the console's
//!   message when it does not. Assert in a test that a browser would accept
//!   your whole stack.
//! - [`guide`]: the reference pages, one per topic: where the layer goes,
//!   configuration and its errors, reload, lookups, diagnostics, CSRF and
//!   WebSockets, migrating from tower-http, the tests.
//!
//! ```
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use tower_cors::{CorsLayer, Policy};
//!
//! # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com", "https://*.example.org"])
//!     .allow_methods(["GET", "POST", "PUT", "DELETE"])
//!     .allow_headers(["content-type", "x-custom"])
//!     .expose_headers(["x-request-id"])
//!     .allow_credentials(true)
//!     .max_age(Duration::from_secs(600))
//!     .build()?; // every configuration problem at once, never a panic
//!
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(CorsLayer::new(policy));
//! # }
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
//!
//! A configuration a browser can never match, or one that would let other
//! sites read users' data, does not build: see [`ConfigProblem`].
//!
//! # Cargo
//!
//! ```toml
//! [dependencies]
//! tower-cors = "0.1"
//! ```
//!
//! The crate needs no runtime: it depends on `http`, `bytes`,
//! `tower-layer`, `tower-service`, `pin-project-lite`, `thiserror` and
//! `arc-swap` (for [`CorsLayer::reloadable`]), and works in any tower stack
//! (axum, hyper, tonic, `tower::ServiceBuilder`); only the origin lookup's
//! timeout uses Tokio's timer. Optional parts are Cargo features:
//!
//! | Feature | Default | Pulls in | What it adds |
//! |---|---|---|---|
//! | `public-suffix` | yes | [`psl`](https://docs.rs/psl) | Credentialed wildcard origins are checked against the Public Suffix List: `https://*.example.com` builds, `https://*.github.io` and `https://*.co.uk` are refused ([`ConfigProblem::PublicSuffixWildcardWithCredentials`]). Without it every credentialed wildcard is refused ([`ConfigProblem::WildcardNeedsPublicSuffixList`]). |
//! | `serde` | no | `serde` | [`policy::PolicyConfig`] is `Serialize + Deserialize`: policies from TOML, JSON or the environment, validated by the builder. |
//! | `lookup-timeout` | yes | `tokio` (`rt`, `time`) | Origin lookups time out: 5 seconds by default ([`lookup::DEFAULT_TIMEOUT`]), [`LookupLayer::timeout`] otherwise, on Tokio's timer. Only the lookup uses it. |
//! | `lookup-cache` | no | `moka` | [`LookupLayer::cache`]: a bounded cache of the lookup's answers, concurrent lookups of one key coalesced. |
//! | `tracing` | no | `tracing` | One `DEBUG` event per refused request and one `TRACE` event per allowed one, target `tower_cors` (and `tower_cors::csrf` for the guard); no measurable cost without a subscriber. |
//!
//! # Where the layer goes
//!
//! The layer must see a request before anything that could answer or refuse
//! it, so put it *outside*:
//!
//! - **authentication.** A browser never sends cookies or `Authorization`
//!   on a preflight, so an authentication layer in front of CORS refuses
//!   every preflight, and the browser reports a CORS failure. Its `401`
//!   answers also need CORS headers, or the page cannot read them.
//! - **anything that answers `OPTIONS`**: `OPTIONS` handlers, a router's
//!   `405 Method Not Allowed`, another CORS layer (remove it).
//! - **layers that answer on their own** (timeouts, rate limits, load
//!   shedding), so that their error responses reach the page too.
//!
//! In axum the last `.layer` call is the outermost; in
//! `tower::ServiceBuilder` the first one is.
//!
//! ```
//! use axum::extract::Request;
//! use axum::http::{header, StatusCode};
//! use axum::middleware::{self, Next};
//! use axum::response::Response;
//! use axum::{body::Body, routing::get, Router};
//! use tower::ServiceExt;
//! use tower_cors::{CorsLayer, Policy};
//!
//! async fn require_session(request: Request, next: Next) -> Result<Response, StatusCode> {
//!     match request.headers().contains_key(header::COOKIE) {
//!         true => Ok(next.run(request).await),
//!         false => Err(StatusCode::UNAUTHORIZED),
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods(["PUT"])
//!     .allow_credentials(true)
//!     .build()?;
//! let app = Router::new()
//!     .route("/me", get(|| async { "me" }).put(|| async { "saved" }))
//!     .layer(middleware::from_fn(require_session)) // inner
//!     .layer(CorsLayer::new(policy)); // outer: runs first
//!
//! // The preflight carries no cookie, and is answered before authentication.
//! let preflight = Request::options("/me")
//!     .header("origin", "https://app.example.com")
//!     .header("access-control-request-method", "PUT")
//!     .body(Body::empty())?;
//! assert_eq!(app.clone().oneshot(preflight).await?.status(), StatusCode::NO_CONTENT);
//!
//! // Authentication's own refusal carries CORS headers: the page can read it.
//! let logged_out = Request::get("/me").header("origin", "https://app.example.com").body(Body::empty())?;
//! let response = app.oneshot(logged_out).await?;
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
//! # Ok(())
//! # }
//! ```
//!
//! ## With axum: per route or around the whole router
//!
//! | | `router.layer(CorsLayer::new(policy))` | `CorsLayer::new(policy).layer(router)` |
//! |---|---|---|
//! | Runs | inside each route and the fallback, after routing | before routing |
//! | Preflight answers | also carry axum's `Allow` and `Content-Length: 0` (browsers ignore them) | carry the CORS headers and `Vary` only |
//! | Routes added after the call | not covered: their preflights get axum's `405` | covered |
//! | The result | still a `Router`: `merge`, `nest`, `with_state` as usual | a [`Cors`]`<Router>`, served through axum's `ServiceExt::into_make_service` |
//!
//! Layer the router that is served, after its last route: a layer on a
//! nested router, or [`Router::route_layer`], does not see requests for
//! paths that match no route, whose `404` then has no CORS headers and no
//! `Vary`.
//!
//! The whole-router form is no longer a `Router`, so `axum::serve` needs
//! it turned into a service factory:
//!
//! ```no_run
//! use axum::{extract::Request, routing::get, Router, ServiceExt};
//! use tower::Layer;
//! use tower_cors::{CorsLayer, Policy};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
//!     let router = Router::new().route("/", get(|| async { "hello" }));
//!     let app = CorsLayer::new(policy).layer(router); // or Cors::new(router, policy)
//!
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, ServiceExt::<Request>::into_make_service(app)).await?;
//!     Ok(())
//! }
//! ```
//!
//! [`Router::route_layer`]: https://docs.rs/axum/0.8/axum/struct.Router.html#method.route_layer
//!
//! # How a decision is made
//!
//! ```text
//! request ─> Cors<S> (tower glue) ── parts ──> Policy::evaluate (pure) ──> Decision
//!                │                                                         │
//!                │ preflight_status() = Some(204 | 403): answer now <──────┤
//!                │ None: call S, then headers().apply_to(response) <───────┘
//!                v
//!              your service
//! ```
//!
//! 1. No `Origin`: not a CORS request ([`RequestKind::NotCors`]). The
//!    service answers; `Vary: origin` is added when the policy
//!    [varies by origin](Policy::varies_by_origin).
//! 2. More than one `Origin`, or one no browser sends: refused as
//!    [`Refusal::Malformed`].
//! 3. The origin is looked up: exact origins, then patterns, then
//!    [`allow_origin_fn`](PolicyBuilder::allow_origin_fn). `null` only with
//!    [`allow_null_origin_dangerously`](PolicyBuilder::allow_null_origin_dangerously).
//! 4. A preflight (`OPTIONS` with `Origin` and
//!    `Access-Control-Request-Method`) from an allowed origin: its method
//!    must be safelisted (`GET`, `HEAD`, `POST`) or allowed, byte for byte,
//!    and every requested header allowed. The layer answers `204` with the
//!    precomputed lists, or `403` with no `Access-Control-*` header and a
//!    [`cors-refusal`](policy::CORS_REFUSAL) header naming the kind of
//!    refusal. The service never sees a preflight.
//! 5. Any other request from an allowed origin: the service answers, and
//!    the response gets `Access-Control-Allow-Origin`, `-Allow-Credentials`
//!    and `-Expose-Headers` as configured, replacing any the service set
//!    (two `Access-Control-Allow-Origin` values fail in the browser), with
//!    `Vary` merged into the service's own. From a refused origin it gets
//!    nothing but `Vary`.
//!
//! [`Policy::evaluate`] gives the same [`Decision`] without a server, so a
//! policy can be unit-tested with `http::Request` alone (see [`policy`]).
//!
//! # Migrating from tower-http
//!
//! | tower-http 0.7 `cors` | tower-cors |
//! |---|---|
//! | `CorsLayer::new().allow_origin(AllowOrigin::list([...]))`, `::exact(v)` | `Policy::builder().allow_origins([...])` |
//! | `.allow_origin(Any)` | [`.allow_any_origin()`](PolicyBuilder::allow_any_origin) |
//! | `AllowOrigin::predicate(\|origin, parts\| ...)` | [`.allow_origin_fn(\|origin: &str\| ...)`](PolicyBuilder::allow_origin_fn); `.allow_origins(["https://*.example.com"])` for subdomains |
//! | `AllowOrigin::predicate(\|origin, parts\| ...)` reading the request (`Host`, path) | [`.allow_origin_request_fn(\|origin: &str, request: &RequestRef\| ...)`](PolicyBuilder::allow_origin_request_fn) |
//! | `AllowOrigin::async_predicate(\|origin, parts\| async move { ... })` | [`CorsLayer::with_origin_lookup`] with the same closure, or [`LookupLayer::new`] |
//! | rebuilding the layer to change origins | [`CorsLayer::reloadable`] and [`PolicyHandle::replace`] |
//! | `tower_http::csrf::CsrfLayer` with `add_trusted_origin` | [`csrf::CsrfLayer::from_policy`] (or `from_handle`): the CORS origins, patterns included |
//! | `AllowOrigin::mirror_request()` | none on purpose: it trusts every site; list the origins |
//! | `.allow_methods([Method::GET, ...])`, `Any` | [`.allow_methods([Method::GET, ...])`](PolicyBuilder::allow_methods), [`.allow_any_method()`](PolicyBuilder::allow_any_method) |
//! | `.allow_headers([...])`, `Any` | [`.allow_headers([...])`](PolicyBuilder::allow_headers), [`.allow_any_header()`](PolicyBuilder::allow_any_header) (add `"authorization"` if needed) |
//! | `.expose_headers(..)`, `.allow_credentials(true)`, `.max_age(..)`, `.allow_private_network(true)` | the same names on [`PolicyBuilder`] |
//! | `.vary([...])` | automatic: `Vary: origin`, plus the reflected request headers on preflights |
//! | `CorsLayer::permissive()` | `.allow_any_origin().allow_any_method().allow_any_header().expose_any_header()` |
//! | `CorsLayer::very_permissive()` | refused by design: any origin with credentials |
//! | `.layer(cors)` | `.layer(CorsLayer::new(policy))`, the policy built once with [`PolicyBuilder::build`] |
//!
//! What changes in behaviour:
//!
//! - tower-http answers every `OPTIONS` request itself; here only
//!   preflights are answered, and other `OPTIONS` requests reach the
//!   service.
//! - tower-http answers every preflight with `200` and its full lists,
//!   leaving the browser to find the mismatch; here a preflight for a
//!   method or header not allowed gets `403` and a `cors-refusal` reason
//!   (with [`PolicyBuilder::debug`], `200` and the lists, so that the
//!   browser console names what is missing).
//! - tower-http panics when the layer is applied to a service (in
//!   `Router::layer` or `ServiceBuilder::service`, at startup) if
//!   credentials are combined with a wildcard; here
//!   [`build`](PolicyBuilder::build) returns a [`ConfigError`] listing every
//!   problem, including the mistakes tower-http accepts silently (trailing
//!   slashes, uppercase, default ports, `null`, public-suffix wildcards,
//!   `http://` with credentials).
//! - tower-http sends `Access-Control-Allow-Credentials` to every origin;
//!   here only to allowed ones.
//!
//! # CORS is not CSRF protection
//!
//! CORS decides which *pages* may read responses. It does not stop a
//! request: a browser sends a simple cross-site request (a `GET`, or a
//! form-encoded, multipart or `text/plain` `POST`) with the user's cookies
//! and without a preflight, and the service runs it whatever the policy
//! says; only the page is kept from reading the answer. Non-browser clients
//! send any `Origin` they like. Protect state-changing endpoints with
//! [`csrf::CsrfLayer`], which refuses cross-site requests by
//! `Sec-Fetch-Site` (falling back to comparing `Origin` with the request's
//! host) and trusts the origins the same CORS [`Policy`] allows; use
//! `SameSite` cookies too, and never change state on `GET`.
//!
//! [tower]: https://docs.rs/tower
//! [hyper]: https://docs.rs/hyper
//! [axum]: https://docs.rs/axum
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod browser;
pub mod csrf;
mod escape;
mod future;
pub mod guide;
mod layer;
pub mod lookup;
pub mod policy;
mod reload;
mod service;
mod source;
mod trace;

pub use future::ResponseFuture;
pub use layer::CorsLayer;
pub use lookup::LookupLayer;
#[doc(inline)]
pub use policy::{
    ConfigError, ConfigProblem, Decision, Policy, PolicyBuilder, Refusal, RequestKind,
};
pub use reload::PolicyHandle;
pub use service::Cors;

/// The README's Rust snippets, compiled and run with the doc tests of
/// `cargo test --all-features` (some need the `serde` feature).
#[cfg(all(doctest, feature = "serde"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
