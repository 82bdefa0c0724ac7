//! [`CsrfLookupLayer`] and [`CsrfLookup`]: the guard that also trusts what
//! a CORS layer's origin lookup allows, made by
//! [`LookupLayer::csrf_layer`](crate::LookupLayer::csrf_layer).
//!
//! A multi-tenant application whose tenants' origins come from
//! [`with_origin_lookup`](crate::CorsLayer::with_origin_lookup) cannot list
//! them for the guard. This guard first decides as [`Csrf`](super::Csrf)
//! does, with the trust of [`Trusted::from_policy`]; a request it would
//! refuse is given a second chance when its one `Origin` is a question the
//! lookup may be asked (well formed, not `null`, refused by the policy's
//! lists) and passes the rules of every trusted origin (`https`, or plain
//! `http` on loopback only). The same lookup is then asked, with the same
//! timeout and the same cache as the CORS layer's, so that one answer
//! serves both: a trusted answer sends the request on to the application,
//! anything else (a refusal, a timeout) answers with the guard's refusal.
//! The pure [`check`](super::check) stays pure: only this service waits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::request::Parts;
use http::{HeaderValue, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::check::check;
use super::refusal::{PlainRefusal, RefusalResponse};
use super::trust::Trusted;
use super::verdict::Refused;
use crate::lookup::{Bounded, LookupAnswer};
use crate::policy::Detail;
use crate::source::PolicySource;

/// Makes [`CsrfLookup`] services: the guard, trusting also what the
/// origin lookup of a [`LookupLayer`](crate::LookupLayer) allows. Made by
/// [`LookupLayer::csrf_layer`](crate::LookupLayer::csrf_layer), which has
/// an example.
#[derive(Clone)]
pub struct CsrfLookupLayer<F> {
    policy: PolicySource,
    trusted: Trusted,
    lookup: Bounded<F>,
}

impl<F> CsrfLookupLayer<F> {
    pub(crate) fn new(policy: PolicySource, trusted: Trusted, lookup: Bounded<F>) -> Self {
        Self {
            policy,
            trusted,
            lookup,
        }
    }
}

impl<S, F: Clone> Layer<S> for CsrfLookupLayer<F> {
    type Service = CsrfLookup<S, F>;

    fn layer(&self, inner: S) -> CsrfLookup<S, F> {
        CsrfLookup {
            inner,
            policy: self.policy.clone(),
            trusted: self.trusted.clone(),
            lookup: self.lookup.clone(),
        }
    }
}

impl<F> fmt::Debug for CsrfLookupLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfLookupLayer")
            .field("trusted", &self.trusted)
            .field("lookup", &self.lookup)
            .finish_non_exhaustive()
    }
}

/// The guard in front of `S`, trusting also what the lookup `F` allows;
/// made by [`CsrfLookupLayer`]. Needs `S: Clone`: a request that waits for
/// the lookup takes the service made ready for it along.
#[derive(Clone)]
pub struct CsrfLookup<S, F> {
    inner: S,
    policy: PolicySource,
    trusted: Trusted,
    lookup: Bounded<F>,
}

impl<S, F> CsrfLookup<S, F> {
    /// What this service trusts without asking the lookup.
    ///
    /// ```
    /// use tower::Layer;
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let cors = LookupLayer::new(policy, |_origin, _parts| async { false });
    /// let app = tower::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    /// let guard = cors.csrf_layer().layer(app);
    /// assert!(guard.trusted().trusts_origin(&http::HeaderValue::from_static("https://app.example.com")));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn trusted(&self) -> &Trusted {
        &self.trusted
    }
}

impl<S, F, Fut, ReqBody, ResBody> Service<Request<ReqBody>> for CsrfLookup<S, F>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
    Fut: Future<Output = bool>,
    PlainRefusal: RefusalResponse<ResBody>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = CsrfLookupFuture<S, Fut, ReqBody, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let refused = match check(&request, &self.trusted) {
            Ok(_) => return CsrfLookupFuture::passed(self.inner.call(request)),
            Err(refused) => refused,
        };
        let origin = self.policy.with(|policy| {
            let verdict = policy.decide(&request, Detail::Layer);
            policy.origin_to_look_up(&request, &verdict).cloned()
        });
        let Some(origin) = origin.filter(trusted_origin_form) else {
            return CsrfLookupFuture::refused(refuse(refused, &request));
        };
        let (parts, body) = request.into_parts();
        let answer = self.lookup.ask(origin, &parts);
        // The service made ready for this request goes along with it; a
        // clone takes its place here.
        let ready = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, ready);
        CsrfLookupFuture {
            state: State::Asking {
                answer,
                waiting: Some((inner, Request::from_parts(parts, body), refused)),
            },
        }
    }
}

/// Whether `origin` passes the rules of every trusted origin, those of
/// [`TrustBuilder`](super::TrustBuilder): `https`, or `http` on loopback.
fn trusted_origin_form(origin: &HeaderValue) -> bool {
    origin
        .to_str()
        .is_ok_and(|origin| Trusted::builder().trust_origins([origin]).build().is_ok())
}

/// The guard's refusal, as [`Csrf`](super::Csrf) answers it, with its
/// event.
fn refuse<B, ReqBody>(refused: Refused, request: &Request<ReqBody>) -> Response<B>
where
    PlainRefusal: RefusalResponse<B>,
{
    #[cfg(feature = "tracing")]
    super::service::record(&refused, request);
    let _ = request;
    let mut response = PlainRefusal.respond(&refused);
    response.extensions_mut().insert(refused);
    response
}

impl<S: fmt::Debug, F> fmt::Debug for CsrfLookup<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfLookup")
            .field("inner", &self.inner)
            .field("trusted", &self.trusted)
            .field("lookup", &self.lookup)
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The response of [`CsrfLookup`]: the refusal, the application's
    /// response, or first the lookup's answer.
    pub struct CsrfLookupFuture<S, L, ReqBody, ResBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, L, ReqBody, ResBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, L, ReqBody, ResBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Refused { response: Option<Response<ResBody>> },
        Asking {
            #[pin] answer: LookupAnswer<L>,
            waiting: Option<(S, Request<ReqBody>, Refused)>,
        },
        Passed { #[pin] future: S::Future },
    }
}

impl<S: Service<Request<ReqBody>>, L, ReqBody, ResBody> CsrfLookupFuture<S, L, ReqBody, ResBody> {
    fn refused(response: Response<ResBody>) -> Self {
        Self {
            state: State::Refused {
                response: Some(response),
            },
        }
    }

    fn passed(future: S::Future) -> Self {
        Self {
            state: State::Passed { future },
        }
    }
}

impl<S, L, ReqBody, ResBody> Future for CsrfLookupFuture<S, L, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    L: Future<Output = bool>,
    PlainRefusal: RefusalResponse<ResBody>,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            let next = match state.as_mut().project() {
                StateProj::Refused { response } => match response.take() {
                    Some(response) => return Poll::Ready(Ok(response)),
                    None => panic!("CsrfLookupFuture polled after completion"),
                },
                StateProj::Passed { future } => return future.poll(cx),
                StateProj::Asking { answer, waiting } => {
                    let trusted = std::task::ready!(answer.poll(cx));
                    let Some((mut inner, request, refused)) = waiting.take() else {
                        panic!("CsrfLookupFuture polled after completion");
                    };
                    if trusted {
                        State::Passed {
                            future: inner.call(request),
                        }
                    } else {
                        State::Refused {
                            response: Some(refuse(refused, &request)),
                        }
                    }
                }
            };
            state.set(next);
        }
    }
}

impl<S: Service<Request<ReqBody>>, L, ReqBody, ResBody> fmt::Debug
    for CsrfLookupFuture<S, L, ReqBody, ResBody>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfLookupFuture").finish_non_exhaustive()
    }
}
