//! [`PolicySource`]: where a layer finds the policy for each request, fixed
//! or replaced through a [`PolicyHandle`].

use crate::policy::Policy;
use crate::reload::PolicyHandle;

/// The policy a layer applies: one for its whole life, or whichever a
/// [`PolicyHandle`] put in force last. Cloning shares it.
#[derive(Debug, Clone)]
pub(crate) enum PolicySource {
    Fixed(Policy),
    Live(PolicyHandle),
}

impl PolicySource {
    /// `f` of the policy to answer one request with. Decide everything
    /// about the request inside `f`, so that a replacement arriving
    /// meanwhile cannot mix two policies in one answer; `f` borrows the
    /// handle's current policy, so keep it short. A fixed policy costs one
    /// branch here and nothing else.
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
        self.with(Policy::clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reload::tests::{allows, policy};

    #[test]
    fn a_fixed_source_never_changes() {
        let source = PolicySource::Fixed(policy("https://a.example"));
        assert!(source.with(|policy| allows(policy, "https://a.example")));
        assert!(allows(&source.current(), "https://a.example"));
    }

    #[test]
    fn a_live_source_follows_its_handle() {
        let handle = PolicyHandle::new(policy("https://a.example"));
        let source = PolicySource::Live(handle.clone());
        let before = source.current();
        handle.replace(policy("https://b.example"));
        assert!(allows(&before, "https://a.example"), "taken before: kept");
        assert!(source.with(|policy| allows(policy, "https://b.example")));
        assert!(allows(&source.current(), "https://b.example"));
        assert!(!source
            .clone()
            .with(|policy| allows(policy, "https://a.example")));
    }
}
