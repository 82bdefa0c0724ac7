//! CORS for [tower], [hyper] and [axum], by the Fetch standard.
//!
//! - [`policy`]: a pure, validated, immutable [`Policy`] that classifies
//!   each request and decides what to answer. No tower, no async, no I/O:
//!   test it with nothing but `http::Request::builder()`.
//! - [`CorsLayer`]: the thin tower glue. It answers preflights itself (the
//!   application never sees them) and adds `Access-Control-*` headers and
//!   `Vary: Origin` to every other response.
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
//! [tower]: https://docs.rs/tower
//! [hyper]: https://docs.rs/hyper
//! [axum]: https://docs.rs/axum
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod future;
mod layer;
pub mod policy;
mod service;

pub use future::ResponseFuture;
pub use layer::CorsLayer;
pub use policy::{
    ConfigError, ConfigProblem, Decision, Policy, PolicyBuilder, Refusal, RequestKind,
};
pub use service::Cors;
