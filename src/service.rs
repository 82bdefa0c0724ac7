//! [`Cors`]: the service that applies a policy's decisions.

use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use crate::future::{preflight_answer, ResponseFuture};
use crate::policy::Policy;
use crate::source::PolicySource;

/// A service applying a CORS [`Policy`] in front of `S`; made by
/// [`CorsLayer`](crate::CorsLayer).
///
/// Preflights are answered here (`204` or `403`, empty body; a `403` says
/// why in its `cors-refusal` header) and never reach `S`; every other
/// request goes to `S`, and its response gets the decision's headers.
///
/// Made by [`CorsLayer::reloadable`](crate::CorsLayer::reloadable), it
/// applies whichever policy the handle put in force last, each request
/// wholly by one policy.
///
/// ```
/// use std::convert::Infallible;
/// use http::{header, Request, Response, StatusCode};
/// use tower::{service_fn, ServiceExt};
/// use tower_cors::{Cors, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let policy = Policy::builder().allow_origins(["https://a.example"]).allow_methods(["PUT"]).build()?;
/// let app = service_fn(|_req: Request<String>| async { Ok::<_, Infallible>(Response::new(String::from("hi"))) });
/// let service = Cors::new(app, policy);
///
/// let preflight = Request::options("/")
///     .header("origin", "https://a.example")
///     .header("access-control-request-method", "PUT")
///     .body(String::new())?;
/// let response = service.oneshot(preflight).await?;
/// assert_eq!(response.status(), StatusCode::NO_CONTENT);
/// assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Cors<S> {
    inner: S,
    policy: PolicySource,
}

impl<S> Cors<S> {
    /// Wraps `inner` with `policy`.
    ///
    /// ```
    /// use tower::service_fn;
    /// use tower_cors::{Cors, Policy};
    ///
    /// let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn new(inner: S, policy: Policy) -> Self {
        Self::with_source(inner, PolicySource::Fixed(policy))
    }

    /// Wraps `inner` with a fixed or a replaceable policy.
    pub(crate) fn with_source(inner: S, policy: PolicySource) -> Self {
        Self { inner, policy }
    }

    /// The wrapped service.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::{Cors, Policy};
    /// # let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// let _app = service.get_ref();
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::{Cors, Policy};
    /// # let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let mut service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// let _app = service.get_mut();
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::{Cors, Policy};
    /// # let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// let _app = service.into_inner();
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The policy applied now (a clone, which shares it): for a service
    /// made by a [`reloadable`](crate::CorsLayer::reloadable) layer, the
    /// one in force at this call.
    ///
    /// ```
    /// # use tower::service_fn;
    /// # use tower_cors::{Cors, Policy};
    /// # let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// assert!(!service.policy().varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn policy(&self) -> Policy {
        self.policy.current()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The policy is loaded once: everything this request gets, now or
        // when the application answers, comes from it, even if a reload
        // replaces it meanwhile. The decision owns what it needs of the
        // policy, so the load is released before the application is called.
        let outcome = self
            .policy
            .with(|policy| crate::trace::decide(policy, &request));
        match outcome.preflight_status() {
            Some(status) => ResponseFuture::answered(preflight_answer(status, outcome.headers)),
            None => {
                // The decision borrows the request: its headers first.
                let headers = outcome.headers;
                ResponseFuture::forwarded(self.inner.call(request), headers)
            }
        }
    }
}
