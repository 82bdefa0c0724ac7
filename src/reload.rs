//! [`PolicyHandle`]: replaces the policy of a running layer.

use std::fmt;
use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::policy::Policy;

/// Replaces the policy of the layer made with
/// [`CorsLayer::reloadable`](crate::CorsLayer::reloadable), and of every
/// service it made, while they serve.
///
/// Clone it into whatever learns of new origins (a task watching a
/// configuration file, an admin endpoint, a signal handler): every clone
/// replaces the same policy. The new policy is a [`Policy`], so it passed
/// [`build`](crate::PolicyBuilder::build): a bad edit is a
/// [`ConfigError`](crate::ConfigError) before it gets here, and the policy
/// in force stays.
///
/// Each request is answered wholly by one policy, the one in force when it
/// arrived: a preflight's answer, or the headers added to the application's
/// response when it comes, even if the policy was replaced meanwhile.
///
/// ```
/// use tower_cors::{CorsLayer, Policy};
///
/// let first = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
/// let (layer, handle) = CorsLayer::reloadable(first);
/// # let _ = layer;
///
/// // Later, from any task or thread:
/// let handle2 = handle.clone();
/// std::thread::spawn(move || {
///     let next = Policy::builder()
///         .allow_origins(["https://app.example.com", "https://new-customer.example"])
///         .build()
///         .expect("valid policy");
///     handle2.replace(next);
/// })
/// .join()
/// .unwrap();
///
/// let request = http::Request::get("/")
///     .header("origin", "https://new-customer.example")
///     .body(())?;
/// assert!(handle.current().evaluate(&request).is_allowed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PolicyHandle {
    // Read on every request, written on each reload: `ArcSwap` reads with
    // no lock and no write to a shared count in the common case, so
    // requests on different cores do not contend, and a writer never waits
    // for readers.
    current: Arc<ArcSwap<Policy>>,
}

impl PolicyHandle {
    pub(crate) fn new(policy: Policy) -> Self {
        Self {
            current: Arc::new(ArcSwap::from_pointee(policy)),
        }
    }

    /// Puts `policy` in force for every request that arrives from now on.
    /// Requests already being answered finish with the policy they started
    /// with; the old policy is freed when the last of them is done.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let (_layer, handle) = CorsLayer::reloadable(Policy::builder().allow_any_origin().build()?);
    /// handle.replace(Policy::builder().allow_origins(["https://a.example"]).build()?);
    /// assert!(handle.current().varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn replace(&self, policy: Policy) {
        self.current.store(Arc::new(policy));
    }

    /// The policy in force now (a clone, which shares it).
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let (_layer, handle) = CorsLayer::reloadable(Policy::builder().allow_any_origin().build()?);
    /// let now: Policy = handle.current();
    /// assert!(!now.varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn current(&self) -> Policy {
        Policy::clone(&self.current.load())
    }

    /// The policy in force, borrowed for the length of one request.
    pub(crate) fn load(&self) -> Guard<Arc<Policy>> {
        self.current.load()
    }
}

impl fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyHandle")
            .field("current", &**self.current.load())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A policy allowing exactly `origin`.
    pub(crate) fn policy(origin: &str) -> Policy {
        Policy::builder()
            .allow_origins([origin])
            .build()
            .expect("valid policy")
    }

    /// Whether `policy` allows a GET from `origin`.
    pub(crate) fn allows(policy: &Policy, origin: &str) -> bool {
        let request = http::Request::get("/")
            .header("origin", origin)
            .body(())
            .expect("valid request");
        policy.evaluate(&request).is_allowed()
    }

    #[test]
    fn every_clone_replaces_the_same_policy() {
        let handle = PolicyHandle::new(policy("https://a.example"));
        let clone = handle.clone();
        clone.replace(policy("https://b.example"));
        assert!(allows(&handle.current(), "https://b.example"));
        assert!(!allows(&handle.current(), "https://a.example"));
    }

    #[test]
    fn a_loaded_policy_outlives_its_replacement() {
        let handle = PolicyHandle::new(policy("https://a.example"));
        let loaded = handle.load();
        let current = handle.current();
        handle.replace(policy("https://b.example"));
        // A request that loaded the old policy keeps deciding with it.
        assert!(allows(&loaded, "https://a.example"));
        assert!(allows(&current, "https://a.example"));
        assert!(allows(&handle.load(), "https://b.example"));
    }

    #[test]
    fn the_handle_is_send_sync_and_debug() {
        fn send_sync<T: Send + Sync + Clone + 'static>() {}
        send_sync::<PolicyHandle>();
        let handle = PolicyHandle::new(policy("https://a.example"));
        assert!(format!("{handle:?}").starts_with("PolicyHandle"));
    }
}
