//! What a refused request is answered with: [`PlainRefusal`] by default,
//! or the user's own closure through [`RefuseWith`].

use std::fmt;
use std::sync::Arc;

use http::Response;

use super::verdict::Refused;

/// Builds the answer to a refused request. Implemented by [`PlainRefusal`]
/// and [`RefuseWith`]; the service adds the [`Refused`] reason to the
/// response's extensions whatever builds it.
///
/// ```
/// use http::Response;
/// use tower_cors::csrf::{PlainRefusal, RefusalResponse, Refused};
///
/// let response: Response<String> = PlainRefusal.respond(&Refused::CrossSite);
/// assert_eq!(response.status(), 403);
/// ```
pub trait RefusalResponse<B> {
    /// The response for a request refused for `refused`.
    fn respond(&self, refused: &Refused) -> Response<B>;
}

/// The default answer: `403 Forbidden`, a one-line `text/plain` body
/// ([`Refused::body_text`]) and the `csrf-refusal` header. Needs a body
/// type made from a `&'static str` (`String`, axum's `Body`,
/// `Full<Bytes>`); for another body type use
/// [`CsrfLayer::refuse_with`](super::CsrfLayer::refuse_with).
///
/// ```
/// use tower_cors::csrf::{PlainRefusal, RefusalResponse, Refused, CSRF_REFUSAL};
///
/// let response: http::Response<String> = PlainRefusal.respond(&Refused::SameSite);
/// assert_eq!(response.headers()[CSRF_REFUSAL], "same-site request");
/// assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
/// assert_eq!(response.body(), Refused::SameSite.body_text());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainRefusal;

impl<B: From<&'static str>> RefusalResponse<B> for PlainRefusal {
    fn respond(&self, refused: &Refused) -> Response<B> {
        refused.plain_response()
    }
}

/// A user's refusal: a closure from the [`Refused`] reason to a response,
/// shared by every clone of the layer. Made by
/// [`CsrfLayer::refuse_with`](super::CsrfLayer::refuse_with).
///
/// ```
/// use tower_cors::csrf::{CsrfLayer, Refused};
///
/// let layer = CsrfLayer::new().refuse_with(|refused: &Refused| {
///     refused.response(format!("{{\"error\":\"{}\"}}", refused.summary()))
/// });
/// ```
pub struct RefuseWith<F>(Arc<F>);

impl<F> RefuseWith<F> {
    pub(crate) fn new(f: F) -> Self {
        Self(Arc::new(f))
    }
}

impl<F> Clone for RefuseWith<F> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<F> fmt::Debug for RefuseWith<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefuseWith(..)")
    }
}

impl<B, F> RefusalResponse<B> for RefuseWith<F>
where
    F: Fn(&Refused) -> Response<B>,
{
    fn respond(&self, refused: &Refused) -> Response<B> {
        (self.0)(refused)
    }
}
