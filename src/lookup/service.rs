//! [`LookupCors`]: the service that applies a policy and its asynchronous
//! origin lookup.

use std::fmt;
use std::future::Future;
use std::task::{Context, Poll};

use http::request::Parts;
use http::{HeaderValue, Request, Response};
use tower_service::Service;

use super::bounded::{Bounded, LookupAnswer};
use super::future::{Alternatives, LookupFuture};
use crate::future::{preflight_answer, ResponseFuture};
use crate::policy::Policy;
use crate::source::PolicySource;
use crate::trace;

/// A service applying a CORS [`Policy`] in front of `S`, asking `F` about
/// the origins the policy's lists do not allow; made by
/// [`LookupLayer`](super::LookupLayer).
///
/// ```
/// use std::convert::Infallible;
/// use http::{header, Request, Response, StatusCode};
/// use tower::{service_fn, ServiceExt};
/// use tower_cors::{lookup::LookupCors, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let policy = Policy::builder().allow_origins(["https://a.example"]).allow_methods(["PUT"]).build()?;
/// let app = service_fn(|_req: Request<String>| async { Ok::<_, Infallible>(Response::new(String::new())) });
/// let service = LookupCors::new(app, policy, |origin, _| async move {
///     origin == "https://b.example"
/// });
///
/// let preflight = Request::options("/")
///     .header("origin", "https://b.example")
///     .header("access-control-request-method", "PUT")
///     .body(String::new())?;
/// let response = service.oneshot(preflight).await?;
/// assert_eq!(response.status(), StatusCode::NO_CONTENT);
/// assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://b.example");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LookupCors<S, F> {
    inner: S,
    policy: PolicySource,
    lookup: Bounded<F>,
}

impl<S, F> LookupCors<S, F> {
    /// Wraps `inner` with `policy` and `lookup`.
    ///
    /// ```
    /// use tower::service_fn;
    /// use tower_cors::{lookup::LookupCors, Policy};
    ///
    /// let app = service_fn(|req: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let service = LookupCors::new(app, policy, |_, _| async { false });
    /// assert!(service.policy().varies_by_origin());
    /// let _app = service.into_inner();
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn new<Fut>(inner: S, policy: Policy, lookup: F) -> Self
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
        Fut: Future<Output = bool>,
    {
        Self::with_source(inner, PolicySource::Fixed(policy), Bounded::new(lookup))
    }

    pub(crate) fn with_source(inner: S, policy: PolicySource, lookup: Bounded<F>) -> Self {
        Self {
            inner,
            policy,
            lookup,
        }
    }

    /// The policy applied now (see [`CorsLayer::policy`](crate::CorsLayer::policy)).
    pub fn policy(&self) -> Policy {
        self.policy.current()
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, F, Fut, ReqBody, ResBody> Service<Request<ReqBody>> for LookupCors<S, F>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
    Fut: Future<Output = bool>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = LookupFuture<S::Future, LookupAnswer<Fut>, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // One policy decides both possible answers, even if a reload
        // replaces it meanwhile: they are worked out now, while the request
        // is at hand; once it has gone to the application, only the
        // lookup's `bool` is left to choose between them. Both are decided
        // as `Cors` decides, with the same detail for the same events.
        let detail = trace::detail();
        let (refused, lookup) = self.policy.with(|policy| {
            let refused = policy.decide(&request, detail);
            let lookup = policy
                .origin_to_look_up(&request, &refused)
                .cloned()
                .map(|origin| {
                    let allowed = policy.decide_assuming_origin_allowed(&request, detail);
                    (origin, allowed)
                });
            (refused, lookup)
        });
        let Some((origin, allowed)) = lookup else {
            // The lists decided: exactly what `Cors` does.
            trace::record(detail, &refused, &request);
            let future = match refused.preflight_status() {
                Some(status) => ResponseFuture::answered(preflight_answer(status, refused.headers)),
                None => {
                    // The decision borrows the request: its headers first.
                    let headers = refused.headers;
                    ResponseFuture::forwarded(self.inner.call(request), headers)
                }
            };
            return LookupFuture::decided(future);
        };

        let preflight = refused.preflight_status().zip(allowed.preflight_status());
        let answers = Alternatives {
            events: trace::Pending::new(detail, &refused, &allowed, &request),
            allowed: allowed.headers,
            refused: refused.headers,
        };

        let (parts, body) = request.into_parts();
        // The one call of the user's lookup, within its bounds.
        let lookup = self.lookup.ask(origin, &parts);
        match preflight {
            // Preflights never reach the application, also when allowed.
            Some(statuses) => LookupFuture::preflight(lookup, statuses, answers),
            None => {
                let future = self.inner.call(Request::from_parts(parts, body));
                LookupFuture::actual(lookup, future, answers)
            }
        }
    }
}

impl<S: fmt::Debug, F> fmt::Debug for LookupCors<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookupCors")
            .field("inner", &self.inner)
            .field("policy", &self.policy)
            .field("lookup", &self.lookup)
            .finish_non_exhaustive()
    }
}
