//! Cross-origin request forgery (CSRF) protection that trusts what the
//! CORS policy trusts.
//!
//! CORS decides which pages may *read* a response; it does not stop a
//! request. Any page can make a browser send a form-encoded, multipart or
//! `text/plain` `POST`, with the user's cookies and without a preflight
//! (Fetch `#cors-safelisted-request-header`): the CORS layer hides the
//! answer, but the handler has already run. [`CsrfLayer`] refuses such
//! requests before they reach the application, with the algorithm of Go
//! 1.25's `net/http.CrossOriginProtection`, which relies on what browsers
//! send and pages cannot forge (`Sec-Fetch-Site`, `Origin`), with no token
//! and no state:
//!
//! | Request | Outcome |
//! |---|---|
//! | `GET`, `HEAD`, `OPTIONS` | pass ([`Pass::SafeMethod`]): these must not change state |
//! | a WebSocket handshake: `GET` with `Upgrade: websocket` (any case, anywhere in the list), or an extended `CONNECT` | judged by the rows below like an unsafe method; a refusal names the WebSocket ([`Refused::CrossSiteWebSocket`], ...) |
//! | `Sec-Fetch-Site: same-origin` | pass ([`Pass::SameOrigin`]) |
//! | `Sec-Fetch-Site: none` (typed URL, bookmark) | pass ([`Pass::UserInitiated`]) |
//! | `Sec-Fetch-Site: same-site` / `cross-site` | pass only if trusted, else [`Refused::SameSite`] / [`Refused::CrossSite`] |
//! | `Sec-Fetch-Site` of any other value, empty, or repeated | pass only if trusted, else [`Refused::UnrecognizedFetchSite`] |
//! | no `Sec-Fetch-Site`, no `Origin` | pass ([`Pass::NoOrigin`]) |
//! | no `Sec-Fetch-Site`, `Origin` host:port = the request's host | pass ([`Pass::OriginMatchesHost`]) |
//! | no `Sec-Fetch-Site`, any other `Origin` | pass only if trusted, else [`Refused::OriginMismatch`] |
//!
//! *Trusted* means the path is a bypass ([`Pass::BypassPath`]) or the one
//! `Origin` is a trusted origin ([`Pass::TrustedOrigin`]), matched exactly
//! like CORS matches origins: exact origins, patterns
//! (`https://*.example.com`) and predicates.
//!
//! Things to know:
//!
//! - **Requests with neither header pass.** Non-browser clients (curl,
//!   server-to-server calls, mobile apps) send neither, and cannot be
//!   forged by a page anyway: a page's requests always carry at least
//!   `Origin` on a `POST`. Browsers from before 2020 that send neither
//!   are not protected; no header can tell them apart.
//! - **Over plain http, `Origin` is what protects.** Browsers send
//!   `Sec-Fetch-Site` only to potentially trustworthy URLs (https,
//!   `localhost`, `127.0.0.1`); elsewhere the `Origin` is compared with
//!   the request's host (its URI authority when it has one, as under
//!   HTTP/2, else `Host`), byte for byte and without the scheme. A proxy
//!   that rewrites `Host` makes same-origin requests fail that comparison:
//!   forward it unchanged, or trust the public origin.
//! - **What counts as the host is what the server received**: an
//!   attacker's page cannot set `Host`, `Origin` or `Sec-Fetch-Site`.
//! - **The origins of [`CsrfLayer::from_policy`] are the CORS policy's
//!   that pass the rules of trusted origins** (those of [`TrustBuilder`]):
//!   plain `http` only for loopback, no pattern directly under a public
//!   suffix, never `null`, and **none** under a policy that allows any
//!   origin (`*`): `*` lets any page read uncredentialed answers, it does
//!   not name anyone to trust with a user's cookies. The policy's origin
//!   predicate is trusted only after
//!   [`TrustBuilder::trust_policy_predicate`]; request predicates and
//!   origin lookups never. What is left out is listed by `Trusted`'s
//!   `Display`. See [`Trusted::from_policy`].
//! - **Bypass paths are matched as received**, never normalized; see
//!   [`TrustBuilder::bypass_path`] and [`TrustBuilder::bypass_prefix`].
//! - **CORS does not cover WebSockets, this guard does.** Any page may
//!   open `new WebSocket("wss://api.example.com/live")`; the browser sends
//!   the user's cookies with the handshake, asks no preflight and lets the
//!   page read and write the socket (cross-site WebSocket hijacking).
//!   Only the server's check of the handshake's `Origin` stops it (RFC
//!   6455 §10.2), and neither axum's `WebSocketUpgrade` nor hyper makes
//!   it. So the guard refuses a cross-origin handshake (`403`, before the
//!   handler) unless its `Origin` is trusted, as it refuses a forged
//!   `POST`; handshakes that pass go on untouched, so hyper's upgrade
//!   (the `101`, or the `200` of an extended `CONNECT` over HTTP/2)
//!   works as before. A public socket for every origin opts out with
//!   [`TrustBuilder::allow_cross_site_websockets_dangerously`], or
//!   [`TrustBuilder::bypass_path`] for one route. Chromium sends no
//!   `Sec-Fetch-Site` with a handshake (Firefox and WebKit do), so there
//!   the `Origin` is compared with the request's host: behind a proxy
//!   that rewrites `Host`, trust the public origin.
//!
//! Put the guard inside the CORS layer, as below (in axum and tower, the
//! last `.layer` is the outermost): preflights are then answered by
//! [`CorsLayer`](crate::CorsLayer) without reaching the guard, and a
//! refusal sent to a page the CORS policy allows still carries the CORS
//! headers, so that its script sees a `403` rather than an unexplained
//! network error.
//!
//! ```
//! # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
//! use axum::{routing::post, Router};
//! use tower_cors::csrf::CsrfLayer;
//! use tower_cors::{CorsLayer, Policy};
//!
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com", "https://*.admin.example.com"])
//!     .allow_methods(["POST", "PUT", "DELETE"])
//!     .allow_credentials(true)
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/transfer", post(|| async { "done" }))
//!     .layer(CsrfLayer::from_policy(&policy))
//!     .layer(CorsLayer::new(policy));
//! # }
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
//!
//! The check is a pure function, [`check`], testable with nothing but
//! `http` types:
//!
//! ```
//! use http::Request;
//! use tower_cors::csrf::{self, Refused, Trusted};
//!
//! let form = Request::post("/transfer")
//!     .header("host", "bank.example")
//!     .header("origin", "http://evil.example")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body(())?;
//! assert_eq!(csrf::check(&form, &Trusted::same_origin_only()), Err(Refused::OriginMismatch));
//! # Ok::<(), http::Error>(())
//! ```
//!
//! With the `tracing` feature, every refusal is a `DEBUG` event with the
//! target `tower_cors::csrf` and the reason, method, path, `Origin` and
//! `Sec-Fetch-Site` as fields.
//!
//! Files: `check` (the rules), `handshake` (what a WebSocket handshake
//! is), `verdict` ([`Pass`], [`Refused`]), `trust`
//! ([`Trusted`] and its builder), `bypass` (path matching), `error`,
//! `refusal` (the answer), `layer`, `service`, `future`.

mod bypass;
mod check;
mod derived;
mod error;
mod future;
mod handshake;
mod layer;
mod lookup;
mod refusal;
mod service;
mod trust;
mod trust_builder;
mod verdict;

pub use check::check;
pub use error::{BypassPathError, TrustError, TrustProblem};
pub use future::ResponseFuture;
pub use layer::CsrfLayer;
pub use lookup::{CsrfLookup, CsrfLookupFuture, CsrfLookupLayer};
pub use refusal::{PlainRefusal, RefusalResponse, RefuseWith};
pub use service::Csrf;
pub use trust::Trusted;
pub use trust_builder::TrustBuilder;
pub use verdict::{Pass, Refused, CSRF_REFUSAL};
