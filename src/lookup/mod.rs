//! Asynchronous origin lookup: a layer that asks an `async` function about
//! the origins a [`Policy`](crate::Policy)'s lists do not allow, such as a
//! tenant's front-ends kept in a database.
//!
//! The lookup has the shape of tower-http's `AllowOrigin::async_predicate`:
//! it gets the origin and the request's [`Parts`](http::request::Parts) and
//! returns a `'static` future of `bool`, so a closure written for tower-http
//! moves over unchanged. It is asked only about a single, well-formed,
//! non-`null` `Origin` that the lists, the patterns and the policy's
//! predicates refuse; every other part of the answer (methods, headers,
//! credentials, `Vary`) is the policy's, exactly as
//! [`Policy::evaluate_assuming_origin_allowed`](crate::Policy::evaluate_assuming_origin_allowed)
//! computes it.
//!
//! - A preflight waits for the lookup, then is answered by the layer; the
//!   application never sees it.
//! - Any other request goes to the application at once, while the lookup
//!   runs: the application answers whether or not the origin is allowed
//!   (CORS only decides whether the page may read the answer), so the
//!   lookup adds no latency unless it is slower than the application.
//!
//! ```
//! use std::collections::HashSet;
//! use std::sync::Arc;
//! use http::{Request, Response};
//! use tower::{service_fn, ServiceBuilder, ServiceExt};
//! use tower_cors::{CorsLayer, Policy};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Stands for a database of tenants' origins.
//! let tenants: Arc<HashSet<String>> = Arc::new(["https://acme.example".to_owned()].into());
//!
//! let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
//! let layer = CorsLayer::new(policy).with_origin_lookup(move |origin, _parts| {
//!     let tenants = tenants.clone();
//!     async move { origin.to_str().is_ok_and(|origin| tenants.contains(origin)) }
//! });
//!
//! let app = ServiceBuilder::new().layer(layer).service(service_fn(|_: Request<()>| async {
//!     Ok::<_, std::convert::Infallible>(Response::new(String::from("hi")))
//! }));
//! let request = Request::get("/").header("origin", "https://acme.example").body(())?;
//! let response = app.oneshot(request).await?;
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://acme.example");
//! # Ok(())
//! # }
//! ```
//!
//! # Bounds: a timeout and a cache
//!
//! Browsers send `Origin` on every cross-origin request and every
//! preflight, so the lookup runs for each of them: any client can make
//! one backend query per request, and a lookup that never answers would
//! hold its request forever. Two bounds are built in:
//!
//! - **A timeout** (feature `lookup-timeout`, on by default): an origin
//!   whose lookup has not answered within [`DEFAULT_TIMEOUT`] (5 seconds),
//!   or within what [`LookupLayer::timeout`] sets, is refused, with a
//!   `tracing` `WARN` event saying so. The default is there because a
//!   lookup that hangs is otherwise a request that hangs, and five seconds
//!   is far beyond a healthy database query yet within every browser's and
//!   proxy's patience. The timer is Tokio's: outside a Tokio runtime, or in
//!   one built without `enable_time`, the default does not apply (the
//!   lookup runs until it answers, as it does without the feature), and a
//!   timeout set explicitly refuses every looked-up origin at once, since
//!   it cannot hold. Nothing panics. [`CorsLayer`](crate::CorsLayer) never
//!   uses a timer.
//! - **A cache** (feature `lookup-cache`, [`LookupLayer::cache`]): a
//!   bounded number of answers, refusals too, each kept for a time to
//!   live, under the origin and the request's host (or a key of the
//!   user's, [`LookupLayer::cache_key`]); concurrent requests needing the
//!   same answer wait for one lookup.
//!
//! Make the future resolve to `false` on error: refusing is the safe side.
//! When the full list of origins fits in memory (exact origins are looked
//! up in constant time, even 100,000 of them), building a new
//! [`Policy`](crate::Policy) with the whole list whenever it changes is
//! usually faster still and needs no lookup at all.
//!
//! # The CSRF guard and the lookup
//!
//! [`CsrfLayer::from_policy`](crate::csrf::CsrfLayer::from_policy) cannot
//! see a lookup, so it refuses a tenant's credentialed cross-site `POST`.
//! [`LookupLayer::csrf_layer`] makes the guard that also asks this layer's
//! lookup (with its timeout and cache) about an origin it would refuse,
//! and trusts it when the lookup allows it and it is `https` (or plain
//! `http` on loopback).
//!
//! # What a request waits for
//!
//! - A preflight waits for the lookup (at most the timeout), and no
//!   longer: it never reaches the application.
//! - Any other request goes to the application at once; its response is
//!   held until the lookup has answered too (at most the timeout), since
//!   its CORS headers depend on the answer. By then the handler has run
//!   and its effects are committed whatever the answer: a timeout bounds
//!   how long the client waits, it does not undo anything.
//! - A lookup that panics panics the request's response future, as a
//!   panicking handler would: under hyper or axum the connection's task
//!   ends and the client sees the connection close, without an answer (for
//!   an actual request, after the handler ran). Nothing is cached for it,
//!   and other requests are unaffected. Catch what can fail inside the
//!   lookup and answer `false` instead.
//!
//! The static [`CorsLayer`](crate::CorsLayer) path is unaffected by all of
//! this: it never boxes, waits, nor reads a clock.

mod bounded;
#[cfg(feature = "lookup-cache")]
mod cache;
mod future;
mod layer;
mod service;
mod timeout;

pub(crate) use bounded::Bounded;
pub use bounded::LookupAnswer;

pub use future::LookupFuture;
pub use layer::LookupLayer;
pub use service::LookupCors;

/// How long a lookup may take when [`LookupLayer::timeout`] does not say:
/// 5 seconds (see [Bounds](self#bounds-a-timeout-and-a-cache)).
///
/// ```
/// assert_eq!(tower_cors::lookup::DEFAULT_TIMEOUT, std::time::Duration::from_secs(5));
/// ```
#[cfg(feature = "lookup-timeout")]
#[cfg_attr(docsrs, doc(cfg(feature = "lookup-timeout")))]
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
