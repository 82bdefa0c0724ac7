//! [`TrustedOrigins`]: where the guard's trusted origins come from: its own
//! list, or a CORS policy (fixed or live) through the derivation of
//! `policy::trust`, cached per policy in force.

use std::fmt;
use std::sync::{Arc, Weak};

use arc_swap::ArcSwapOption;
use http::HeaderValue;

use crate::policy::{Derived, Policy};
use crate::reload::PolicyHandle;

/// The guard's origin source.
#[derive(Clone, Default)]
pub(crate) enum TrustedOrigins {
    /// No origin beyond the request's own.
    #[default]
    None,
    /// A `TrustBuilder`'s own list, already validated as trusted origins.
    Listed(Policy),
    /// Derived once from a fixed policy.
    Fixed(Arc<Derived>),
    /// Derived from the policy a handle has in force, again after each
    /// replacement.
    Live(Arc<Live>),
}

pub(crate) struct Live {
    handle: PolicyHandle,
    with_predicate: bool,
    /// The derivation for the policy it was made from. The `Weak` keeps
    /// that policy's allocation, so its address names it until replaced.
    cache: ArcSwapOption<(Weak<Policy>, Derived)>,
}

impl TrustedOrigins {
    pub(crate) fn from_policy(policy: &Policy, with_predicate: bool) -> Self {
        Self::Fixed(Arc::new(policy.derive_trust(with_predicate)))
    }

    pub(crate) fn from_handle(handle: &PolicyHandle, with_predicate: bool) -> Self {
        Self::Live(Arc::new(Live {
            handle: handle.clone(),
            with_predicate,
            cache: ArcSwapOption::empty(),
        }))
    }

    /// Whether `origin` is trusted now.
    pub(crate) fn trusts_origin(&self, origin: &HeaderValue) -> bool {
        match self {
            Self::None => false,
            Self::Listed(policy) => policy.trusts_origin(origin),
            Self::Fixed(derived) => derived.trusts_origin(origin),
            Self::Live(live) => live.with(|derived| derived.trusts_origin(origin)),
        }
    }
}

impl Live {
    /// `f` of the derivation for the policy in force now.
    fn with<R>(&self, f: impl FnOnce(&Derived) -> R) -> R {
        let current = self.handle.load();
        let cached = self.cache.load();
        if let Some(entry) = cached.as_ref() {
            if std::ptr::eq(entry.0.as_ptr(), Arc::as_ptr(&current)) {
                return f(&entry.1);
            }
        }
        let derived = current.derive_trust(self.with_predicate);
        let result = f(&derived);
        self.cache
            .store(Some(Arc::new((Arc::downgrade(&current), derived))));
        result
    }
}

impl fmt::Display for TrustedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let derived = |f: &mut fmt::Formatter<'_>, derived: &Derived| {
            match derived.trusted() {
                Some(policy) => write!(f, "origins: {}", Origins(policy))?,
                None => f.write_str("origins: none")?,
            }
            let left_out = derived.left_out();
            if !left_out.is_empty() {
                f.write_str("; left out of the CORS policy: ")?;
                for (i, item) in left_out.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
            }
            Ok(())
        };
        match self {
            Self::None => f.write_str("origins: none"),
            Self::Listed(policy) => write!(f, "origins: {}", Origins(policy)),
            Self::Fixed(d) => derived(f, d),
            Self::Live(live) => live.with(|d| derived(f, d)),
        }
    }
}

impl fmt::Debug for TrustedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::None => "None",
            Self::Listed(_) => "Listed",
            Self::Fixed(_) => "FromPolicy",
            Self::Live(_) => "FromHandle",
        };
        write!(f, "{kind}({self})")
    }
}

/// The origins of a trusted policy, as configured: the first few and a
/// count, and whether a predicate is asked.
struct Origins<'a>(&'a Policy);

impl fmt::Display for Origins<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const FIRST_FEW: usize = 5;
        let (config, predicate) = match self.0.config() {
            Ok(config) => (config, false),
            Err(err) => (err.into_config_without_functions(), true),
        };
        let origins = &config.allow_origins;
        for (i, origin) in origins.iter().take(FIRST_FEW).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(origin)?;
        }
        if origins.len() > FIRST_FEW {
            write!(
                f,
                " and {} more ({} in all)",
                origins.len() - FIRST_FEW,
                origins.len()
            )?;
        }
        if predicate {
            let sep = if origins.is_empty() { "" } else { ", " };
            write!(f, "{sep}the origin predicate")?;
        }
        if origins.is_empty() && !predicate {
            f.write_str("none")?;
        }
        Ok(())
    }
}
