//! `Display` and `Debug` of a [`Policy`]: the configuration as a person
//! writes it (origins, patterns, methods, headers, exposed headers,
//! credentials, max age), deduplicated and in configured order, never the
//! precomputed internals. Long lists print a count and their first items,
//! so a policy of 100,000 origins still prints in one short line.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use super::builder::Written;
use super::Policy;

/// How many items of a list are printed before the rest is counted.
pub(super) const FIRST_FEW: usize = 5;

/// The configuration as written, normalized: deduplicated (header names
/// case-insensitively), in the order configured, exact origins apart from
/// patterns.
pub(super) struct Normalized<'a> {
    /// `*` was configured.
    pub(super) any_origin: bool,
    /// Exact origins, `null` last when allowed.
    pub(super) origins: Vec<&'a str>,
    pub(super) patterns: Vec<&'a str>,
    pub(super) insecure_origins: bool,
    pub(super) public_suffix_subdomains: bool,
    pub(super) origin_fn: bool,
    pub(super) methods: Vec<&'a str>,
    pub(super) headers: Vec<&'a str>,
    pub(super) exposed: Vec<&'a str>,
    pub(super) credentials: bool,
    pub(super) max_age: Option<u64>,
    pub(super) private_network: bool,
    pub(super) debug: bool,
}

/// The items without repeats, first spelling kept, in order; `caseless`
/// compares them ignoring ASCII case. A set keeps it linear: a policy may
/// list a hundred thousand origins.
fn dedup(items: &[String], caseless: bool) -> Vec<&str> {
    let mut seen = HashSet::with_capacity(items.len());
    items
        .iter()
        .filter(|item| match caseless {
            true => seen.insert(Cow::Owned(item.to_ascii_lowercase())),
            false => seen.insert(Cow::Borrowed(item.as_str())),
        })
        .map(String::as_str)
        .collect()
}

impl<'a> Normalized<'a> {
    pub(super) fn of(written: Written<'a>) -> Self {
        let all = dedup(written.origins, false);
        // A built policy's patterns are exactly `scheme://*.domain[:port]`.
        let (patterns, mut origins): (Vec<&str>, Vec<&str>) = all
            .into_iter()
            .filter(|o| *o != "null")
            .partition(|o| o.contains("://*."));
        if written.null_origin {
            origins.push("null");
        }
        Normalized {
            any_origin: written.any_origin,
            origins,
            patterns,
            insecure_origins: written.insecure_origins,
            public_suffix_subdomains: written.public_suffix_subdomains,
            origin_fn: written.origin_fn,
            methods: dedup(written.methods, false),
            headers: dedup(written.headers, true),
            exposed: dedup(written.expose, true),
            credentials: written.credentials,
            max_age: written.max_age.map(|age| age.as_secs()),
            private_network: written.private_network,
            debug: written.debug,
        }
    }
}

/// A list as a person reads it: `a, b, c`, `none`, or the first few and
/// how many more.
pub(super) struct List<'a>(pub(super) &'a [&'a str]);

impl fmt::Display for List<'_> {
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
            f.write_str(item)?;
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
struct DebugList<'a>(&'a [&'a str]);

impl fmt::Debug for DebugList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct More(usize, usize);
        impl fmt::Debug for More {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "...and {} more ({} in all)", self.0, self.1)
            }
        }
        let items = self.0;
        let mut list = f.debug_list();
        if items.len() > FIRST_FEW + 1 {
            list.entries(&items[..FIRST_FEW]);
            list.entry(&More(items.len() - FIRST_FEW, items.len()));
        } else {
            list.entries(items);
        }
        list.finish()
    }
}

impl Policy {
    pub(super) fn normalized(&self) -> Normalized<'_> {
        Normalized::of(self.rules.source.written())
    }
}

/// One line, `name: value` pairs separated by `; `; with `{:#}`, one pair a
/// line. Only what is configured is shown.
///
/// ```
/// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
/// use std::time::Duration;
/// use tower_cors::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com", "https://*.example.org"])
///     .allow_methods(["PUT", "DELETE", "PUT"])
///     .allow_headers(["content-type"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// assert_eq!(
///     policy.to_string(),
///     "origins: https://app.example.com; patterns: https://*.example.org; \
///      methods: PUT, DELETE; headers: content-type; exposed: none; \
///      credentials: true; max-age: 600s"
/// );
/// # }
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.normalized();
        let separator = if f.alternate() { "\n" } else { "; " };
        let mut first = true;
        let mut line = |f: &mut fmt::Formatter<'_>, name: &str, value: &dyn fmt::Display| {
            if !std::mem::take(&mut first) {
                f.write_str(separator)?;
            }
            write!(f, "{name}: {value}")
        };
        if n.any_origin {
            line(f, "origins", &"* (any)")?;
        } else {
            line(f, "origins", &List(&n.origins))?;
            if !n.patterns.is_empty() {
                line(f, "patterns", &List(&n.patterns))?;
            }
            if n.origin_fn {
                line(f, "origin predicate", &"yes")?;
            }
            if n.insecure_origins {
                line(f, "insecure origins", &"allowed dangerously")?;
            }
            if n.public_suffix_subdomains {
                line(f, "public-suffix subdomains", &"allowed dangerously")?;
            }
        }
        line(f, "methods", &List(&n.methods))?;
        line(f, "headers", &List(&n.headers))?;
        line(f, "exposed", &List(&n.exposed))?;
        line(f, "credentials", &n.credentials)?;
        if let Some(secs) = n.max_age {
            line(f, "max-age", &format_args!("{secs}s"))?;
        }
        if n.private_network {
            line(f, "private network", &true)?;
        }
        if n.debug {
            line(f, "debug", &true)?;
        }
        Ok(())
    }
}

/// The configuration as written (see [`Display`](#impl-Display-for-Policy)),
/// as a struct; `{:#?}` puts one field a line.
///
/// ```
/// use tower_cors::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins((0..100_000).map(|i| format!("https://app{i}.example.com")))
///     .build()?;
/// let debug = format!("{policy:?}");
/// assert!(debug.starts_with(
///     "Policy { origins: [\"https://app0.example.com\", \"https://app1.example.com\", "
/// ));
/// assert!(debug.contains("...and 99995 more (100000 in all)]"));
/// assert!(debug.len() < 500);
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.normalized();
        let any = ["*"];
        let origins: &[&str] = if n.any_origin { &any } else { &n.origins };
        f.debug_struct("Policy")
            .field("origins", &DebugList(origins))
            .field("patterns", &DebugList(&n.patterns))
            .field("origin_fn", &n.origin_fn)
            .field("insecure_origins", &n.insecure_origins)
            .field("public_suffix_subdomains", &n.public_suffix_subdomains)
            .field("methods", &DebugList(&n.methods))
            .field("headers", &DebugList(&n.headers))
            .field("exposed", &DebugList(&n.exposed))
            .field("credentials", &n.credentials)
            .field("max_age", &n.max_age.map(std::time::Duration::from_secs))
            .field("private_network", &n.private_network)
            .field("debug", &n.debug)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_past_the_first_few_print_a_count() {
        let items: Vec<String> = (0..8).map(|i| format!("o{i}")).collect();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        assert_eq!(
            List(&items).to_string(),
            "o0, o1, o2, o3, o4 and 3 more (8 in all)"
        );
        // One more than the first few is printed whole: "and 1 more" would
        // be longer than the item.
        assert_eq!(List(&items[..6]).to_string(), "o0, o1, o2, o3, o4, o5");
        assert_eq!(List(&[]).to_string(), "none");
        assert_eq!(
            format!("{:?}", DebugList(&items)),
            r#"["o0", "o1", "o2", "o3", "o4", ...and 3 more (8 in all)]"#
        );
    }
}
