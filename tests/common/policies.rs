//! Example policies built alike by several test files.

use std::time::Duration;

use tower_cors::{Policy, PolicyBuilder};

/// The origin every policy here allows.
pub const ALLOWED: &str = "https://app.example.com";

/// A builder with the settings the credentialed example policies share:
/// request headers `content-type` and `x-custom`, `x-request-id` exposed,
/// credentials, and a 600 s max-age. The caller adds origins and methods.
///
/// Built without the `public-suffix` feature, nothing can tell that the
/// patterns here (`*.example.org`) are under no public suffix, so the
/// builder is told not to check: the answers are the same, and the check
/// itself is tested in `config_errors.rs` and `hostile.rs`.
pub fn credentialed() -> PolicyBuilder {
    let builder = Policy::builder()
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600));
    if cfg!(feature = "public-suffix") {
        builder
    } else {
        builder.allow_public_suffix_subdomains_dangerously()
    }
}

/// The example: [`credentialed`] with [`ALLOWED`] and the pattern
/// `https://*.example.org`, and `GET POST PUT DELETE PATCH`. Every answer
/// varies by origin.
pub fn standard() -> Policy {
    credentialed()
        .allow_origins([ALLOWED, "https://*.example.org"])
        .allow_methods(["GET", "POST", "PUT", "DELETE", "PATCH"])
        .build()
        .expect("valid policy")
}

/// [`ALLOWED`] only, `PUT`, any request header, no credentials.
pub fn any_header() -> Policy {
    Policy::builder()
        .allow_origins([ALLOWED])
        .allow_methods(["PUT"])
        .allow_any_header()
        .build()
        .expect("valid policy")
}
