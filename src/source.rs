//! [`PolicySource`]: where a layer finds the policy for each request, fixed
//! or replaced through a [`PolicyHandle`].

use std::ops::Deref;
use std::sync::Arc;

use arc_swap::Guard;

use crate::policy::Policy;
use crate::reload::PolicyHandle;

/// The policy a layer applies: one for its whole life, or whichever a
/// [`PolicyHandle`] put in force last. Cloning shares it.
#[derive(Debug, Clone)]
pub(crate) enum PolicySource {
    Fixed(Policy),
    Live(PolicyHandle),
}

/// The policy for one request, from [`PolicySource::load`].
pub(crate) enum Loaded<'a> {
    Fixed(&'a Policy),
    Live(Guard<Arc<Policy>>),
}

impl PolicySource {
    /// The policy to answer one request with. Load it once per request and
    /// decide everything with it, so that a replacement arriving meanwhile
    /// cannot mix two policies in one answer. Hold it briefly: it is a
    /// borrow of the handle's current policy, not a copy.
    #[inline]
    pub(crate) fn load(&self) -> Loaded<'_> {
        match self {
            PolicySource::Fixed(policy) => Loaded::Fixed(policy),
            PolicySource::Live(handle) => Loaded::Live(handle.load()),
        }
    }

    /// `f` of the policy to answer one request with: [`load`](Self::load)
    /// for code that decides in one call. A fixed policy costs one branch
    /// here and nothing else, where a [`Loaded`] is checked again when it
    /// is read and when it is dropped.
    #[inline]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Policy) -> R) -> R {
        // One call of `f` for both sources, so that it is inlined as if
        // the policy were a plain field.
        let guard;
        let policy = match self {
            PolicySource::Fixed(policy) => policy,
            PolicySource::Live(handle) => {
                guard = handle.load();
                &**guard
            }
        };
        f(policy)
    }

    /// The policy in force now, as a clone that shares it.
    pub(crate) fn current(&self) -> Policy {
        Policy::clone(&self.load())
    }
}

impl Deref for Loaded<'_> {
    type Target = Policy;

    #[inline]
    fn deref(&self) -> &Policy {
        match self {
            Loaded::Fixed(policy) => policy,
            Loaded::Live(guard) => guard,
        }
    }
}

impl From<Policy> for PolicySource {
    fn from(policy: Policy) -> Self {
        PolicySource::Fixed(policy)
    }
}

impl From<PolicyHandle> for PolicySource {
    fn from(handle: PolicyHandle) -> Self {
        PolicySource::Live(handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reload::tests::{allows, policy};

    #[test]
    fn a_fixed_source_never_changes() {
        let source = PolicySource::from(policy("https://a.example"));
        assert!(allows(&source.load(), "https://a.example"));
        assert!(allows(&source.current(), "https://a.example"));
    }

    #[test]
    fn a_live_source_follows_its_handle() {
        let handle = PolicyHandle::new(policy("https://a.example"));
        let source = PolicySource::from(handle.clone());
        let before = source.load();
        handle.replace(policy("https://b.example"));
        assert!(allows(&before, "https://a.example"), "loaded before: kept");
        assert!(allows(&source.load(), "https://b.example"));
        assert!(allows(&source.current(), "https://b.example"));
        assert!(!allows(&source.clone().load(), "https://a.example"));
        assert!(source.with(|policy| allows(policy, "https://b.example")));
        let fixed = PolicySource::from(policy("https://a.example"));
        assert!(fixed.with(|policy| allows(policy, "https://a.example")));
    }
}
