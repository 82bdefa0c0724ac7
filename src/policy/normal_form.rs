//! The one normal form of a configuration (see [`PolicyConfig`]'s
//! "Normal form"), and [`Configured`], the record of it that a built
//! [`Policy`](super::Policy) keeps: [`Policy::config`](super::Policy::config),
//! `Display`, `Debug` and `explain` all read this record, and nothing else,
//! to tell what was configured.

use super::config::PolicyConfig;

/// What a policy was built from: its configuration in normal form, and the
/// names of the builder methods whose functions it also holds.
#[derive(Debug)]
pub(super) struct Configured {
    /// In normal form: equal for any two configurations that answer alike
    /// by their lists.
    pub(super) config: PolicyConfig,
    /// `"allow_origin_fn"`, `"allow_origin_request_fn"`, those set.
    pub(super) functions: Vec<&'static str>,
}

/// The allowed origins as a person reads them.
pub(super) struct OriginLists<'a> {
    /// `*` was configured: the lists below are empty.
    pub(super) any: bool,
    /// Exact origins, sorted, then `null` when allowed.
    pub(super) exact: Vec<&'a str>,
    /// `scheme://*.domain[:port]` patterns, sorted.
    pub(super) patterns: Vec<&'a str>,
}

impl Configured {
    /// Records a configuration that built, in normal form.
    pub(super) fn new(config: PolicyConfig, functions: Vec<&'static str>) -> Self {
        Self {
            config: config.normalized(),
            functions,
        }
    }

    pub(super) fn origin_lists(&self) -> OriginLists<'_> {
        let config = &self.config;
        if config.allow_origins.iter().any(|o| o == "*") {
            return OriginLists {
                any: true,
                exact: Vec::new(),
                patterns: Vec::new(),
            };
        }
        // A built policy's patterns are exactly `scheme://*.domain[:port]`,
        // and the normal form has no `null` in the list.
        let (patterns, mut exact): (Vec<&str>, Vec<&str>) = config
            .allow_origins
            .iter()
            .map(String::as_str)
            .partition(|o| o.contains("://*."));
        if config.allow_null_origin_dangerously {
            exact.push("null");
        }
        OriginLists {
            any: false,
            exact,
            patterns,
        }
    }
}

impl PolicyConfig {
    /// The normal form, as [`PolicyConfig`]'s documentation states it.
    pub(super) fn normalized(self) -> Self {
        let PolicyConfig {
            mut allow_origins,
            allow_methods,
            allow_headers,
            expose_headers,
            allow_credentials,
            max_age,
            allow_private_network,
            allow_null_origin_dangerously,
            allow_insecure_origins_dangerously,
            allow_public_suffix_subdomains_dangerously,
            debug,
        } = self;

        if allow_origins.iter().any(|o| o == "*") {
            allow_origins = vec!["*".to_owned()];
        } else {
            // Listing `null` builds only with the flag, which says it alone.
            allow_origins.retain(|o| o != "null");
            allow_origins.sort_unstable();
            allow_origins.dedup();
        }

        let allow_methods = if allow_methods.iter().any(|m| m == "*") {
            vec!["*".to_owned()]
        } else {
            first_of_each(allow_methods)
        };

        let authorization = allow_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization"));
        let allow_headers = if allow_headers.iter().any(|h| h == "*") {
            // `*` never covers `authorization` (`#cors-non-wildcard-request-header-name`).
            let mut names = vec!["*".to_owned()];
            if authorization {
                names.push("authorization".to_owned());
            }
            names
        } else {
            lowercase_set(allow_headers)
        };

        let expose_headers = if expose_headers.iter().any(|h| h == "*") {
            vec!["*".to_owned()]
        } else {
            lowercase_set(expose_headers)
        };

        PolicyConfig {
            allow_origins,
            allow_methods,
            allow_headers,
            expose_headers,
            allow_credentials,
            max_age,
            allow_private_network,
            allow_null_origin_dangerously,
            allow_insecure_origins_dangerously,
            allow_public_suffix_subdomains_dangerously,
            debug,
        }
    }
}

/// The items in their order, each kept at its first place only. A set keeps
/// it linear.
fn first_of_each(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if !seen.contains(&item) {
            seen.insert(item.clone());
            kept.push(item);
        }
    }
    kept
}

/// Lowercased, sorted, without repeats.
fn lowercase_set(names: Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = names
        .into_iter()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}
