//! Wildcard patterns (`scheme://*.domain[:port]`, the port `*` meaning any
//! port or none): the domains under which any name matches, grouped by
//! scheme and port, and the label tree that
//! answers for many of them in time that does not grow with their number.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::syntax::{HostKind, OriginParts};

/// The patterns, in one group per (scheme, port or any port): a handful at
/// most in practice, so the groups are scanned.
#[derive(Default)]
pub(super) struct Patterns {
    groups: Vec<PatternGroup>,
}

impl Patterns {
    /// Adds the pattern `parts` (a wildcard).
    pub(super) fn insert(&mut self, parts: &OriginParts<'_>) {
        let group = match self.groups.iter_mut().position(|g| {
            *g.scheme == *parts.scheme && g.port == parts.port && g.any_port == parts.any_port
        }) {
            Some(i) => &mut self.groups[i],
            None => {
                self.groups
                    .push(PatternGroup::new(parts.scheme, parts.port, parts.any_port));
                let last = self.groups.len() - 1;
                &mut self.groups[last]
            }
        };
        group.insert(parts.host);
    }

    /// True when some pattern covers the request origin `parts`.
    #[inline]
    pub(super) fn matches(&self, parts: &OriginParts<'_>) -> bool {
        parts.host_kind == HostKind::Domain
            && self.groups.iter().any(|group| {
                // The port, then the host's length, before the scheme's
                // bytes: most origins a pattern refuses are told apart by
                // a comparison of numbers, without a call to `memcmp`.
                (group.any_port || group.port == parts.port)
                    && group.matches(parts.host)
                    && *group.scheme == *parts.scheme
            })
    }

    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// How many (scheme, port) groups there are.
    pub(super) fn len(&self) -> usize {
        self.groups.len()
    }
}

struct PatternGroup {
    scheme: Box<str>,
    port: Option<u16>,
    /// `:*`: any port or none; `port` is then `None`.
    any_port: bool,
    /// The domains under which any name matches (`example.com` for
    /// `*.example.com`), while there are at most [`FEW_DOMAINS`]: comparing
    /// the host's end with each costs less than hashing each label. `None`
    /// once there are more.
    few: Option<Vec<Box<str>>>,
    /// The same domains as a tree, once there are more.
    tree: LabelNode,
}

/// Up to this many domains in a pattern group, the host is compared with
/// each; past it, the label tree answers in time that does not grow.
const FEW_DOMAINS: usize = 8;

impl PatternGroup {
    fn new(scheme: &str, port: Option<u16>, any_port: bool) -> PatternGroup {
        PatternGroup {
            scheme: scheme.into(),
            port,
            any_port,
            few: Some(Vec::new()),
            tree: LabelNode::default(),
        }
    }

    fn insert(&mut self, domain: &str) {
        self.tree.insert(domain);
        if let Some(few) = &mut self.few {
            if !few.iter().any(|d| **d == *domain) {
                few.push(domain.into());
            }
            if few.len() > FEW_DOMAINS {
                self.few = None;
            }
        }
    }

    /// True when `host` is a name strictly under one of the domains.
    #[inline]
    fn matches(&self, host: &str) -> bool {
        let Some(few) = &self.few else {
            return self.tree.matches(host);
        };
        let host = host.as_bytes();
        few.iter().any(|domain| {
            let domain = domain.as_bytes();
            host.len() > domain.len() + 1
                && host.ends_with(domain)
                && host[host.len() - domain.len() - 1] == b'.'
        })
    }
}

/// A tree of DNS labels read right to left: `*.api.example.com` is the path
/// `com` → `example` → `api`, whose node is marked `wildcard`.
#[derive(Default)]
struct LabelNode {
    /// Keyed at random, as the exact origins are (see `exact`).
    children: HashMap<Box<str>, LabelNode, RandomState>,
    wildcard: bool,
}

impl LabelNode {
    fn insert(&mut self, domain: &str) {
        let node = domain.rsplit('.').fold(self, |node, label| {
            node.children.entry(label.into()).or_default()
        });
        node.wildcard = true;
    }

    /// True when some pattern covers `host`: a marked node is reached with at
    /// least one label still to the left (the apex itself never matches).
    fn matches(&self, host: &str) -> bool {
        let mut node = self;
        let mut rest = host;
        loop {
            // A byte search: `rfind('.')` builds a char searcher per label.
            let (left, label) = match rest.bytes().rposition(|b| b == b'.') {
                Some(dot) => (Some(&rest[..dot]), &rest[dot + 1..]),
                None => (None, rest),
            };
            node = match node.children.get(label) {
                Some(child) => child,
                None => return false,
            };
            match left {
                Some(_) if node.wildcard => return true,
                Some(left) => rest = left,
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_domains_and_the_label_tree_agree() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        // `example.com.` (a final dot) is a domain of its own.
        let domains = [
            "example.com",
            "a.example.com",
            "b.test",
            "com.example",
            "x",
            "example.com.",
            "test.",
        ];
        let mut few = PatternGroup::new("https", None, false);
        for domain in domains {
            few.insert(domain);
        }
        assert!(few.few.is_some());
        let mut runner = TestRunner::new(Config::with_cases(20_000));
        let matched = std::cell::Cell::new(0u32);
        let dotted = std::cell::Cell::new(0u32);
        runner
            .run(
                &"(([a-c]|example|com|test|x)\\.){0,4}[a-c]?(example\\.com|b\\.test|com\\.example|x|com|test)\\.?",
                |host| {
                    let tree = few.tree.matches(&host);
                    prop_assert_eq!(few.matches(&host), tree, "{}", host);
                    matched.set(matched.get() + u32::from(tree));
                    dotted.set(dotted.get() + u32::from(tree && host.ends_with('.')));
                    Ok(())
                },
            )
            .unwrap();
        assert!(matched.get() > 1_000, "only {} matched", matched.get());
        assert!(
            dotted.get() > 200,
            "only {} matched with a dot",
            dotted.get()
        );
        // A final dot is a different name, whichever way it is looked up.
        let mut tree_only = group_of(&domains);
        tree_only.few = None;
        for group in [&few, &tree_only] {
            assert!(group.matches("a.example.com."));
            assert!(group.matches("a.example.com"));
            assert!(group.matches("a.test."));
            assert!(!group.matches("a.test"));
            assert!(!group.matches("example.com."));
            assert!(!group.matches("test."));
        }

        // Past the bound every domain is still matched, by the tree.
        let mut many = PatternGroup::new("https", None, false);
        for i in 0..=FEW_DOMAINS + 2 {
            many.insert(&format!("d{i}.example"));
        }
        assert!(many.few.is_none());
        for i in 0..=FEW_DOMAINS + 2 {
            assert!(many.matches(&format!("a.d{i}.example")), "d{i}");
            assert!(!many.matches(&format!("d{i}.example")), "d{i}");
        }
    }

    fn group_of(domains: &[&str]) -> PatternGroup {
        let mut group = PatternGroup::new("https", None, false);
        for domain in domains {
            group.insert(domain);
        }
        group
    }
}
