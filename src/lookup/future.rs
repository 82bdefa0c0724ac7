//! [`LookupFuture`]: the response of [`LookupCors`](super::LookupCors).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http::{Response, StatusCode};
use pin_project_lite::pin_project;

use crate::future::{preflight_response, ResponseFuture};
use crate::policy::CorsHeaders;
use crate::trace::Pending;

/// The two answers a lookup chooses between, and their events.
#[derive(Debug)]
pub(crate) struct Alternatives {
    pub(crate) allowed: CorsHeaders,
    pub(crate) refused: CorsHeaders,
    pub(crate) events: Pending,
}

impl Alternatives {
    /// The headers of the answer the lookup chose, its event recorded.
    fn pick(self, allowed: bool) -> CorsHeaders {
        self.events.settle(allowed);
        if allowed {
            self.allowed
        } else {
            self.refused
        }
    }
}

pin_project! {
    /// The response of [`LookupCors`](super::LookupCors): the layer's own
    /// answer to a preflight, or the application's response with CORS
    /// headers added, once the lookup (when one was needed) has answered.
    ///
    /// `F` is the application's future, `L` the lookup's; neither is
    /// boxed.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use http::{Request, Response};
    /// use tower::{service_fn, Service};
    /// use tower_cors::{lookup::{LookupCors, LookupFuture}, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(String::new())) });
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let mut service = LookupCors::new(app, policy, |_, _| async { true });
    /// let future: LookupFuture<_, _, _> = service.call(Request::get("/").header("origin", "https://b.example").body(())?);
    /// let response = future.await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://b.example");
    /// # Ok(())
    /// # }
    /// ```
    pub struct LookupFuture<F, L, B> {
        #[pin]
        state: State<F, L, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, L, B> {
        /// The lists decided: exactly what [`Cors`](crate::Cors) does.
        Decided { #[pin] future: ResponseFuture<F, B> },
        /// A preflight waiting for the lookup.
        Preflight {
            #[pin] lookup: L,
            // `(refused, allowed)`.
            statuses: (StatusCode, StatusCode),
            answers: Option<Alternatives>,
        },
        /// Any other request: the application and the lookup, both polled
        /// until both are done.
        Actual {
            #[pin] lookup: L,
            #[pin] future: F,
            allowed: Option<bool>,
            response: Option<Response<B>>,
            answers: Option<Alternatives>,
        },
    }
}

impl<F, L, B> LookupFuture<F, L, B> {
    fn with(state: State<F, L, B>) -> Self {
        Self { state }
    }

    pub(crate) fn decided(future: ResponseFuture<F, B>) -> Self {
        Self::with(State::Decided { future })
    }

    pub(crate) fn preflight(
        lookup: L,
        statuses: (StatusCode, StatusCode),
        answers: Alternatives,
    ) -> Self {
        Self::with(State::Preflight {
            lookup,
            statuses,
            answers: Some(answers),
        })
    }

    pub(crate) fn actual(lookup: L, future: F, answers: Alternatives) -> Self {
        Self::with(State::Actual {
            lookup,
            future,
            allowed: None,
            response: None,
            answers: Some(answers),
        })
    }
}

const POLLED_AFTER_COMPLETION: &str = "LookupFuture polled after completion";

impl<F, L, B, E> Future for LookupFuture<F, L, B>
where
    F: Future<Output = Result<Response<B>, E>>,
    L: Future<Output = bool>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Decided { future } => future.poll(cx),
            StateProj::Preflight {
                lookup,
                statuses,
                answers,
            } => {
                if answers.is_none() {
                    panic!("{POLLED_AFTER_COMPLETION}")
                }
                let allowed = ready!(lookup.poll(cx));
                let Some(answers) = answers.take() else {
                    panic!("{POLLED_AFTER_COMPLETION}")
                };
                let status = if allowed { statuses.1 } else { statuses.0 };
                let mut response = preflight_response(status);
                answers.pick(allowed).apply_to(response.headers_mut());
                Poll::Ready(Ok(response))
            }
            StateProj::Actual {
                lookup,
                future,
                allowed,
                response,
                answers,
            } => {
                if answers.is_none() {
                    panic!("{POLLED_AFTER_COMPLETION}")
                }
                // Each is polled until it is done, and never after.
                if allowed.is_none() {
                    if let Poll::Ready(answer) = lookup.poll(cx) {
                        *allowed = Some(answer);
                    }
                }
                if response.is_none() {
                    if let Poll::Ready(result) = future.poll(cx) {
                        // An error of the application is its answer: the
                        // lookup no longer matters.
                        *response = Some(result?);
                    }
                }
                let (Some(allowed), Some(_)) = (*allowed, &*response) else {
                    return Poll::Pending;
                };
                let (Some(mut response), Some(answers)) = (response.take(), answers.take()) else {
                    panic!("{POLLED_AFTER_COMPLETION}")
                };
                answers.pick(allowed).apply_to(response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, L, B> fmt::Debug for LookupFuture<F, L, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookupFuture").finish_non_exhaustive()
    }
}
