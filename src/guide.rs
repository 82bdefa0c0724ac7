//! Guides: the reference material the README points to, one page per
//! topic. The pages live in `docs/`, so that they read the same on the
//! repository's web pages; here their Rust snippets run with the doc tests.

#[doc = include_str!("../docs/layer.md")]
pub mod layer {}

#[cfg_attr(feature = "serde", doc = include_str!("../docs/configuration.md"))]
#[cfg_attr(
    not(feature = "serde"),
    doc = "Configuring a policy: this page needs the `serde` feature (it reads policies from files)."
)]
pub mod configuration {}

#[doc = include_str!("../docs/reload.md")]
pub mod reload {}

#[doc = include_str!("../docs/lookup.md")]
pub mod lookup {}

#[doc = include_str!("../docs/diagnostics.md")]
pub mod diagnostics {}

#[doc = include_str!("../docs/csrf.md")]
pub mod csrf {}

#[doc = include_str!("../docs/migration.md")]
pub mod migration {}

#[doc = include_str!("../docs/testing.md")]
pub mod testing {}
