//! Cross-origin request forgery protection (`tower_cors::csrf`): every
//! step of the rules as a table, checked by the pure `csrf::check` and
//! through the tower layer over an application that counts its calls;
//! trusted origins shared with the CORS policy; bypass paths and their
//! near-misses; WebSocket handshakes; configuration errors; hostile
//! input; and properties.
//!
//! The tables trust an `https://*.example.org` pattern, which, as for a
//! credentialed CORS policy, needs the `public-suffix` feature; without it
//! only the check that such a pattern is refused runs.

#[cfg(all(feature = "tracing", feature = "public-suffix"))]
#[allow(dead_code)]
#[path = "common/events.rs"]
mod events;
#[cfg(feature = "public-suffix")]
#[path = "csrf/hostile.rs"]
mod hostile;
#[cfg(feature = "public-suffix")]
#[path = "csrf/http2.rs"]
mod http2;
#[cfg(feature = "public-suffix")]
#[path = "csrf/properties.rs"]
mod properties;
#[cfg(feature = "public-suffix")]
#[path = "csrf/refusal.rs"]
mod refusal;
#[cfg(feature = "public-suffix")]
#[path = "csrf/rules.rs"]
mod rules;
#[cfg(feature = "public-suffix")]
#[path = "csrf/sockets.rs"]
mod sockets;
#[cfg(feature = "public-suffix")]
#[path = "csrf/support.rs"]
mod support;
#[cfg(all(feature = "tracing", feature = "public-suffix"))]
#[path = "csrf/tracing_events.rs"]
mod tracing_events;
#[cfg(feature = "public-suffix")]
#[path = "csrf/trust.rs"]
mod trust;
#[cfg(feature = "public-suffix")]
#[path = "csrf/websocket.rs"]
mod websocket;
#[cfg(feature = "public-suffix")]
#[path = "csrf/websocket_properties.rs"]
mod websocket_properties;

#[cfg(not(feature = "public-suffix"))]
#[test]
fn without_the_public_suffix_list_trusted_patterns_are_refused() {
    use tower_cors::csrf::{TrustProblem, Trusted};
    use tower_cors::ConfigProblem;

    let err = Trusted::builder()
        .trust_origins(["https://*.example.org", "https://app.example.com"])
        .build()
        .expect_err("a pattern cannot be checked");
    assert_eq!(
        err.problems(),
        [TrustProblem::Origin(
            ConfigProblem::WildcardNeedsPublicSuffixList {
                pattern: "https://*.example.org".into()
            }
        )]
    );
}
