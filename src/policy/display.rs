//! `Display` and `Debug` of a [`Policy`]: its configuration in normal form
//! (see [`PolicyConfig`](super::PolicyConfig#normal-form)), as a person
//! writes it, never the precomputed internals. Long lists print a count
//! and their first items, so a policy of 100,000 origins still prints in
//! one short line.

use std::fmt;
use std::time::Duration;

use super::config::PolicyConfig;
use super::method::SAFELISTED;
use super::Policy;

/// How many items of a list are printed before the rest is counted.
pub(super) const FIRST_FEW: usize = 5;

/// A list as a person reads it: `a, b, c`, `none`, or the first few and
/// how many more.
pub(super) struct List<'a, T>(pub(super) &'a [T]);

impl<T: AsRef<str>> fmt::Display for List<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items = self.0;
        if items.is_empty() {
            return f.write_str("none");
        }
        let shown = if items.len() > FIRST_FEW + 1 {
            &items[..FIRST_FEW]
        } else {
            items
        };
        for (i, item) in shown.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(item.as_ref())?;
        }
        if shown.len() < items.len() {
            write!(
                f,
                " and {} more ({} in all)",
                items.len() - shown.len(),
                items.len()
            )?;
        }
        Ok(())
    }
}

/// The same in `Debug` form: quoted items, then the count as a bare entry.
struct DebugList<'a, T>(&'a [T]);

impl<T: AsRef<str>> fmt::Debug for DebugList<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct More(usize, usize);
        impl fmt::Debug for More {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "...and {} more ({} in all)", self.0, self.1)
            }
        }
        let items = self.0;
        let shown = &items[..items.len().min(FIRST_FEW)];
        let mut list = f.debug_list();
        if items.len() > FIRST_FEW + 1 {
            list.entries(shown.iter().map(AsRef::as_ref));
            list.entry(&More(items.len() - FIRST_FEW, items.len()));
        } else {
            list.entries(items.iter().map(AsRef::as_ref));
        }
        list.finish()
    }
}

/// The allowed methods: the listed ones, then the safelisted ones, which
/// need no listing (`#cors-safelisted-method`).
struct MethodList<'a>(&'a [String]);

impl fmt::Display for MethodList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let always = SAFELISTED.join(", ");
        match self.0 {
            [] => write!(f, "{always} (always allowed)"),
            [any] if any == "*" => f.write_str(any),
            listed => write!(f, "{} ({always} always allowed)", List(listed)),
        }
    }
}

/// The allowed request headers: the listed ones, then the safelisted ones,
/// which need no listing (`#cors-safelisted-request-header`).
struct HeaderList<'a>(&'a [String]);

impl fmt::Display for HeaderList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SAFELISTED: &str = "the CORS-safelisted ones, within their value rules";
        match self.0 {
            [] => write!(f, "only {SAFELISTED}"),
            // `*` covers them already.
            [any, ..] if any == "*" => List(self.0).fmt(f),
            listed => write!(f, "{} (and {SAFELISTED})", List(listed)),
        }
    }
}

/// One line, `name: value` pairs separated by `; `; with `{:#}`, one pair a
/// line. Only what is configured is shown, in normal form (see
/// [`PolicyConfig`](super::PolicyConfig#normal-form)): origins sorted (then
/// `null`), patterns sorted, methods in the order configured, header names
/// lowercased and sorted. The methods and request headers that need no
/// listing are named too: `GET`, `HEAD` and `POST`, and the CORS-safelisted
/// request headers (`accept`, `content-type` with a form or text type, ...)
/// within their value rules.
///
/// ```
/// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
/// use std::time::Duration;
/// use tower_cors::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com", "https://*.example.org"])
///     .allow_methods(["PUT", "DELETE", "PUT"])
///     .allow_headers(["Content-Type"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// assert_eq!(
///     policy.to_string(),
///     "origins: https://app.example.com; patterns: https://*.example.org; \
///      methods: PUT, DELETE (GET, HEAD, POST always allowed); \
///      headers: content-type (and the CORS-safelisted ones, within their value rules); \
///      exposed: none; credentials: true; max-age: 600s"
/// );
/// let minimal = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
/// assert_eq!(
///     minimal.to_string(),
///     "origins: https://app.example.com; methods: GET, HEAD, POST (always allowed); \
///      headers: only the CORS-safelisted ones, within their value rules; exposed: none; \
///      credentials: false"
/// );
/// # }
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = &self.rules.source;
        // Every field named, so that a new one cannot be left out unseen.
        let PolicyConfig {
            allow_origins: _,
            allow_null_origin_dangerously: _,
            allow_methods,
            allow_headers,
            expose_headers,
            allow_credentials,
            max_age,
            allow_private_network,
            allow_insecure_origins_dangerously,
            allow_public_suffix_subdomains_dangerously,
            debug,
        } = &source.config;
        // `allow_origins` and `allow_null_origin_dangerously`, as lists.
        let origins = source.origin_lists();
        let separator = if f.alternate() { "\n" } else { "; " };
        let mut first = true;
        let mut line = |f: &mut fmt::Formatter<'_>, name: &str, value: &dyn fmt::Display| {
            if !std::mem::take(&mut first) {
                f.write_str(separator)?;
            }
            write!(f, "{name}: {value}")
        };
        if origins.any {
            line(f, "origins", &"* (any)")?;
        } else {
            line(f, "origins", &List(&origins.exact))?;
            if !origins.patterns.is_empty() {
                line(f, "patterns", &List(&origins.patterns))?;
            }
            if !source.functions.is_empty() {
                line(f, "origin predicate", &"yes")?;
            }
            if *allow_insecure_origins_dangerously {
                line(f, "insecure origins", &"allowed dangerously")?;
            }
            if *allow_public_suffix_subdomains_dangerously {
                line(f, "public-suffix subdomains", &"allowed dangerously")?;
            }
        }
        line(f, "methods", &MethodList(allow_methods))?;
        line(f, "headers", &HeaderList(allow_headers))?;
        line(f, "exposed", &List(expose_headers))?;
        line(f, "credentials", allow_credentials)?;
        if let Some(secs) = max_age {
            line(f, "max-age", &format_args!("{secs}s"))?;
        }
        if *allow_private_network {
            line(f, "private network (legacy)", &true)?;
        }
        if *debug {
            line(f, "debug", &true)?;
        }
        Ok(())
    }
}

/// The configuration in normal form (see
/// [`PolicyConfig`](super::PolicyConfig#normal-form)), field by field under
/// the keys of [`PolicyConfig`], then the names of the builder methods whose
/// functions the policy holds; `{:#?}` puts one field a line.
///
/// ```
/// use tower_cors::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins((0..100_000).map(|i| format!("https://app{i:05}.example.com")))
///     .build()?;
/// let debug = format!("{policy:?}");
/// assert!(debug.starts_with(
///     "Policy { allow_origins: [\"https://app00000.example.com\", \"https://app00001.example.com\", "
/// ));
/// assert!(debug.contains("...and 99995 more (100000 in all)]"));
/// assert!(debug.len() < 600);
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = &self.rules.source;
        let PolicyConfig {
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
        } = &source.config;
        f.debug_struct("Policy")
            .field("allow_origins", &DebugList(allow_origins))
            .field("allow_methods", &DebugList(allow_methods))
            .field("allow_headers", &DebugList(allow_headers))
            .field("expose_headers", &DebugList(expose_headers))
            .field("allow_credentials", allow_credentials)
            .field("max_age", &max_age.map(Duration::from_secs))
            .field("allow_private_network", allow_private_network)
            .field(
                "allow_null_origin_dangerously",
                allow_null_origin_dangerously,
            )
            .field(
                "allow_insecure_origins_dangerously",
                allow_insecure_origins_dangerously,
            )
            .field(
                "allow_public_suffix_subdomains_dangerously",
                allow_public_suffix_subdomains_dangerously,
            )
            .field("debug", debug)
            .field("functions", &source.functions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_past_the_first_few_print_a_count() {
        let items: Vec<String> = (0..8).map(|i| format!("o{i}")).collect();
        assert_eq!(
            List(&items).to_string(),
            "o0, o1, o2, o3, o4 and 3 more (8 in all)"
        );
        // One more than the first few is printed whole: "and 1 more" would
        // be longer than the item.
        assert_eq!(List(&items[..6]).to_string(), "o0, o1, o2, o3, o4, o5");
        assert_eq!(List::<&str>(&[]).to_string(), "none");
        assert_eq!(
            format!("{:?}", DebugList(&items)),
            r#"["o0", "o1", "o2", "o3", "o4", ...and 3 more (8 in all)]"#
        );
    }

    #[test]
    fn the_methods_named_always_allowed_are_the_safelisted_ones() {
        use crate::policy::method::is_safelisted;
        for method in SAFELISTED {
            assert!(is_safelisted(method.as_bytes()), "{method}");
        }
        let others = ["PUT", "DELETE", "PATCH", "OPTIONS", "get", "Post", "head"];
        for method in others {
            assert!(!is_safelisted(method.as_bytes()), "{method}");
        }
        assert_eq!(
            MethodList(&[]).to_string(),
            "GET, HEAD, POST (always allowed)"
        );
        assert_eq!(MethodList(&["*".into()]).to_string(), "*");
        assert_eq!(
            HeaderList(&["*".into(), "authorization".into()]).to_string(),
            "*, authorization"
        );
    }
}
