//! The browser's half of CORS, pure: what a browser sends for a page's
//! request, and what it does with the answers. No tower, no async, no I/O.
//!
//! Describe the request a page makes with a [`PageRequest`]; it says
//! whether the browser asks first ([`PageRequest::needs_preflight`], by
//! the same rules the [`Policy`](crate::Policy) classifies requests with)
//! and builds the exact [preflight](PageRequest::preflight_request) and
//! [request](PageRequest::actual_request) the browser sends. Hand the
//! answers to [`PageRequest::check_preflight`] and
//! [`PageRequest::check_response`]: a refusal is [`Blocked`], whose
//! `Display` is the message in the browser's console (Chrome's wording)
//! and whose [`fix`](Blocked::fix) says what to change on the server; a
//! success says how long the preflight is cached ([`MaxAge`]) and which
//! response headers the page's script can read ([`Readable`]).
//!
//! Where the engines all deviate from the Fetch standard, the judgement
//! is theirs (the question is whether the page works) and a [`Warning`]
//! says that the standard disagrees.
//!
//! # Would a browser accept my whole stack?
//!
//! Send what the browser sends through the application as it is served
//! (router, other layers and all), and judge each answer as the browser
//! does:
//!
//! ```
//! use axum::{body::Body, routing::put, Router};
//! use tower::ServiceExt;
//! use tower_cors::browser::{Credentials, PageRequest};
//! use tower_cors::{CorsLayer, Policy};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods(["PUT"])
//!     .allow_headers(["content-type"])
//!     .expose_headers(["x-request-id"])
//!     .allow_credentials(true)
//!     .build()?;
//! let app = Router::new()
//!     .route("/items/1", put(|| async { ([("x-request-id", "7")], "saved") }))
//!     .layer(CorsLayer::new(policy));
//!
//! let page = PageRequest::new("https://app.example.com", "/items/1")?
//!     .with_method("PUT")?
//!     .with_header("content-type", "application/json")?
//!     .with_credentials(Credentials::Include);
//!
//! let preflight = page.preflight_request().expect("PUT with JSON is preflighted");
//! let answer = app.clone().oneshot(preflight.map(|()| Body::empty())).await?;
//! page.check_preflight(&answer)?; // Err: the console's message, and the fix
//!
//! let response = app.oneshot(page.actual_request().map(|()| Body::from("{}"))).await?;
//! let readable = page.check_response(&response)?;
//! assert!(readable.can_read("x-request-id"));
//! # Ok(())
//! # }
//! ```
//!
//! A refusal reads as the browser's console would put it:
//!
//! ```
//! use http::Response;
//! use tower_cors::browser::PageRequest;
//!
//! let page = PageRequest::new("https://app.example.com", "https://api.example.com/")?
//!     .with_header("authorization", "Bearer x")?;
//! let answer = Response::builder()
//!     .status(204)
//!     .header("access-control-allow-origin", "https://app.example.com")
//!     .body(())?;
//! let blocked = page.check_preflight(&answer).unwrap_err();
//! assert_eq!(
//!     blocked.to_string(),
//!     "Access to fetch at 'https://api.example.com/' from origin 'https://app.example.com' \
//!      has been blocked by CORS policy: Request header field authorization is not allowed \
//!      by Access-Control-Allow-Headers in preflight response."
//! );
//! assert_eq!(blocked.fix(), "add 'authorization' to allow_headers");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One idea per file: `request` (the page's request), `error` (what a
//! page cannot ask for), `send` (what goes on the wire), `cors_check`,
//! `list` (the response's lists), `preflight`, `response`, `blocked` (the
//! console's words and the fix) and `warning`.

mod blocked;
mod cors_check;
mod error;
mod list;
mod preflight;
mod redirect;
mod request;
mod response;
mod send;
mod warning;

pub use blocked::{Blocked, Reason, Stage};
pub use error::PageError;
pub use preflight::{Engine, MaxAge, PreflightPassed};
pub use request::{Credentials, PageRequest};
pub use response::Readable;
pub use warning::Warning;
