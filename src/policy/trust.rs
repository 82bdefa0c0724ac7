//! Whether a policy trusts an origin, for guards other than CORS itself
//! (the cross-origin request forgery guard in [`crate::csrf`]): one origin
//! policy, one matching, so that the two guards can never disagree.

use http::HeaderValue;

use super::origin::Origins;
use super::Policy;

impl Policy {
    /// True when this policy names `origin` among the origins it allows:
    /// exactly, by a pattern or by its predicate, with the same byte-exact
    /// matching as a CORS request.
    ///
    /// Never true for `null`, even when the policy allows it: every
    /// sandboxed iframe sends `null`, so trusting it to act would trust
    /// every attacker page. Never true under
    /// [`allow_any_origin`](super::PolicyBuilder::allow_any_origin): "any
    /// page may read these uncredentialed answers" names no origin to trust
    /// with a user's cookies.
    pub(crate) fn trusts_origin(&self, origin: &HeaderValue) -> bool {
        let origins = &self.rules.origins;
        if origin.as_bytes() == b"null" || matches!(origins, Origins::Any) {
            return false;
        }
        origins.check(origin, false).is_ok()
    }
}
