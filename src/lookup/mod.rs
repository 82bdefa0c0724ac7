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
//! # A lookup behind every request needs a cache
//!
//! Browsers send `Origin` on every cross-origin request and every
//! preflight, so without a cache the lookup runs for each of them, and a
//! slow or failing database becomes slow or failing CORS. Keep the answers
//! in memory (with a short expiry, or invalidated when a tenant changes),
//! and make the future resolve to `false` on error: refusing is the safe
//! side. When the full list of origins fits in memory (exact origins are
//! looked up in constant time, even 100,000 of them), building a new
//! [`Policy`](crate::Policy) with the whole list whenever it changes is
//! usually faster still and needs no lookup at all.
//!
//! The static [`CorsLayer`](crate::CorsLayer) path is unaffected: it never
//! boxes nor waits.

mod future;
mod layer;
mod service;

pub use future::LookupFuture;
pub use layer::LookupLayer;
pub use service::LookupCors;
