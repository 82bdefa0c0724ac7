//! Reference-model policies shared by the suites that check the layer
//! against `tests/model/`. Included with `#[path]` from files that declare
//! `mod model;`, since `common/mod.rs` is also built without it. Not every
//! includer uses every item, hence the `allow`.
#![allow(dead_code)]

use crate::model::ModelPolicy;

/// The origin listed first by [`credentialed`].
pub const APP: &str = "https://app.example.com";

/// A careful credentialed policy: exact origins, a pattern, loopback http.
pub fn credentialed() -> ModelPolicy {
    ModelPolicy {
        origins: vec![
            APP.into(),
            "https://*.example.org".into(),
            "http://localhost:3000".into(),
        ],
        methods: vec!["PUT".into(), "PATCH".into()],
        headers: vec!["content-type".into(), "x-custom".into()],
        expose: vec!["x-request-id".into()],
        credentials: true,
        max_age: Some(600),
        // `example.org` is no public suffix; without the list to say so,
        // the builder must be told not to check.
        public_suffix_subdomains: cfg!(not(feature = "public-suffix")),
        ..ModelPolicy::default()
    }
}
