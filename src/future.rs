//! [`ResponseFuture`]: the response of [`Cors`](crate::Cors).

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http::{Response, StatusCode};
use pin_project_lite::pin_project;

use crate::policy::CorsHeaders;

pin_project! {
    /// The response of [`Cors`](crate::Cors): the layer's own answer to a
    /// preflight, or the application's response with CORS headers added.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use http::{Request, Response};
    /// use tower::{service_fn, Service};
    /// use tower_cors::{Cors, Policy, ResponseFuture};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(String::new())) });
    /// let mut service = Cors::new(app, Policy::builder().allow_any_origin().build()?);
    /// let future: ResponseFuture<_, _> = service.call(Request::get("/").header("origin", "https://a.example").body(())?);
    /// let response = future.await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// # Ok(())
    /// # }
    /// ```
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        Answered { response: Option<Response<B>> },
        Forwarded { #[pin] future: F, headers: Option<CorsHeaders> },
    }
}

impl<F, B> ResponseFuture<F, B> {
    /// The layer's own answer, made without the application (a preflight).
    #[inline(always)]
    pub(crate) fn answered(response: Response<B>) -> Self {
        Self {
            state: State::Answered {
                response: Some(response),
            },
        }
    }

    /// The application's response to come, which then gets the `headers`.
    ///
    /// A call site picks between the two with its decision's
    /// `preflight_status()`: a status means a preflight, answered here.
    /// Matching there, rather than handing this type the request and the
    /// application, keeps the request where it is: moving it into a closure
    /// cost a copy of its 224 bytes on every preflight.
    #[inline(always)]
    pub(crate) fn forwarded(future: F, headers: CorsHeaders) -> Self {
        Self {
            state: State::Forwarded {
                future,
                headers: Some(headers),
            },
        }
    }
}

/// The layer's own answer to a preflight: `status`, an empty body, and the
/// CORS headers.
#[inline(always)]
pub(crate) fn preflight_answer<B: Default>(
    status: StatusCode,
    headers: CorsHeaders,
) -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    headers.apply_to(response.headers_mut());
    response
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Answered { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => panic!("ResponseFuture polled after completion"),
            },
            StateProj::Forwarded { future, headers } => {
                let mut response = ready!(future.poll(cx))?;
                if let Some(headers) = headers.take() {
                    headers.apply_to(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
