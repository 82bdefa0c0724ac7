//! [`Csrf`]: the service that refuses what [`check`](super::check) refuses.

use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use super::check::check;
use super::future::ResponseFuture;
use super::refusal::{PlainRefusal, RefusalResponse};
use super::trust::Trusted;

/// Guards `S` against cross-origin request forgery; made by
/// [`CsrfLayer`](super::CsrfLayer).
///
/// A refused request never reaches `S`: it is answered with the refusal
/// (by default `403`, a short `text/plain` body and the `csrf-refusal`
/// header), with the [`Refused`](super::Refused) reason in the response's
/// extensions. Every other request goes to `S` untouched.
///
/// ```
/// use std::convert::Infallible;
/// use http::{Request, Response, StatusCode};
/// use tower::{service_fn, ServiceExt};
/// use tower_cors::csrf::{Csrf, Trusted};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let app = service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(String::from("done"))) });
/// let service = Csrf::new(app, Trusted::same_origin_only());
/// let forged = Request::post("/transfer")
///     .header("sec-fetch-site", "cross-site")
///     .header("origin", "https://evil.example")
///     .body(())?;
/// assert_eq!(service.oneshot(forged).await?.status(), StatusCode::FORBIDDEN);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Csrf<S, R = PlainRefusal> {
    inner: S,
    trusted: Trusted,
    refusal: R,
}

impl<S> Csrf<S> {
    /// Wraps `inner`, trusting `trusted`, with the default refusal.
    ///
    /// ```
    /// use tower::service_fn;
    /// use tower_cors::csrf::{Csrf, Trusted};
    ///
    /// let app = service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let service = Csrf::new(app, Trusted::same_origin_only());
    /// ```
    pub fn new(inner: S, trusted: Trusted) -> Self {
        Self::with_refusal(inner, trusted, PlainRefusal)
    }
}

impl<S, R> Csrf<S, R> {
    pub(crate) fn with_refusal(inner: S, trusted: Trusted, refusal: R) -> Self {
        Self {
            inner,
            trusted,
            refusal,
        }
    }

    /// What this service trusts.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::csrf::{Csrf, Trusted};
    /// # let app = service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let service = Csrf::new(app, Trusted::same_origin_only());
    /// assert!(!service.trusted().bypasses("/"));
    /// ```
    pub fn trusted(&self) -> &Trusted {
        &self.trusted
    }

    /// The wrapped service.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::csrf::{Csrf, Trusted};
    /// # let app = service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let service = Csrf::new(app, Trusted::same_origin_only());
    /// let _app = service.get_ref();
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::csrf::{Csrf, Trusted};
    /// # let app = service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let mut service = Csrf::new(app, Trusted::same_origin_only());
    /// let _app = service.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::csrf::{Csrf, Trusted};
    /// # let app = service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let service = Csrf::new(app, Trusted::same_origin_only());
    /// let _app = service.into_inner();
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R, ReqBody, ResBody> Service<Request<ReqBody>> for Csrf<S, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    R: RefusalResponse<ResBody>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        match check(&request, &self.trusted) {
            Ok(_) => ResponseFuture::passed(self.inner.call(request)),
            Err(refused) => {
                #[cfg(feature = "tracing")]
                record(&refused, &request);
                let mut response = self.refusal.respond(&refused);
                response.extensions_mut().insert(refused);
                ResponseFuture::refused(response)
            }
        }
    }
}

/// The `DEBUG` event of a refusal. `reason` is one of the crate's own
/// constant texts; every field from the request is escaped and cut short
/// (see [`crate::escape`]), so that it cannot forge another field or line.
#[cfg(feature = "tracing")]
pub(crate) fn record<B>(refused: &super::verdict::Refused, request: &Request<B>) {
    use crate::escape::{Escaped, Lines};

    let headers = request.headers();
    tracing::debug!(
        target: "tower_cors::csrf",
        reason = refused.summary(),
        method = ?Escaped(request.method().as_str().as_bytes()),
        path = ?Escaped(request.uri().path().as_bytes()),
        origin = ?Lines(headers, http::header::ORIGIN),
        sec_fetch_site = ?Lines(headers, http::HeaderName::from_static("sec-fetch-site")),
        "cross-origin request refused"
    );
}
