//! A page's request from start to finish, whoever answers: the preflight
//! when the browser sends one, the request itself only if the preflight
//! passes, each redirect checked and followed as Fetch allows, and the
//! browser's verdict on the last answer. Every judgement is
//! `tower_cors::browser`'s; a [`Transport`] only carries requests.

use std::future::Future;

use http::header::COOKIE;
use http::{HeaderValue, Request, Response};
use tower_cors::browser::{Credentials, PageRequest};

use crate::report::{Exchange, Report};

/// The most redirects a browser follows (`#http-redirect-fetch`).
const MAX_REDIRECTS: usize = 20;

/// What carries a request to a server and brings back its answer's head.
pub trait Transport {
    /// Sends `request`, after adding what only this transport knows
    /// (`Host`, `Sec-Fetch-Site`, ...) to it, so the caller records what
    /// was really sent. `Err` is a network error, worded for the user.
    fn send(
        &mut self,
        request: &mut Request<()>,
    ) -> impl Future<Output = Result<Response<()>, String>>;

    /// How the server reasoned about `request`, when the transport can
    /// tell (the layer's own account, offline).
    fn reasoning(&self, _request: &Request<()>) -> Option<String> {
        None
    }
}

/// What the page asks for, and how far to go.
#[derive(Debug, Clone)]
pub struct Journey<'a> {
    /// The page's request.
    pub page: PageRequest,
    /// Stop after the preflight.
    pub preflight_only: bool,
    /// The `Cookie` a browser would attach to a credentialed request.
    pub cookie: Option<&'a str>,
}

impl Journey<'_> {
    /// Walks the request through `transport` as a browser would, and
    /// reports every exchange and the verdict. `Err` is a network error.
    pub async fn run<T: Transport>(&self, transport: &mut T) -> Result<Report, String> {
        let mut report = Report::default();
        let mut page = self.page.clone();
        for _ in 0..=MAX_REDIRECTS {
            if let Some(mut preflight) = page.preflight_request() {
                report.preflight = true;
                let response =
                    exchange(transport, &mut preflight, "preflight", &mut report).await?;
                match page.check_preflight(&response) {
                    Err(blocked) => return Ok(report.blocked(&blocked, &response)),
                    Ok(passed) => {
                        report.max_age = passed.max_age().seconds();
                        for warning in passed.warnings() {
                            report
                                .warnings
                                .push(format!("{warning} (fix: {})", warning.fix()));
                        }
                    }
                }
            }
            if self.preflight_only {
                report.allowed = true;
                report.stopped_before_request = true;
                return Ok(report);
            }

            let mut request = page.actual_request();
            if let (Some(cookie), Credentials::Include) = (self.cookie, page.credentials()) {
                if let Ok(cookie) = HeaderValue::from_str(cookie) {
                    request.headers_mut().insert(COOKIE, cookie);
                }
            }
            let response = exchange(transport, &mut request, "request", &mut report).await?;
            report.status = Some(response.status().as_u16());
            // The CORS check applies to a redirect too, before it is
            // followed (`#http-fetch`, then `#http-redirect-fetch`).
            let readable = match page.check_response(&response) {
                Err(blocked) => return Ok(report.blocked(&blocked, &response)),
                Ok(readable) => readable,
            };
            match page.follow_redirect(&response) {
                Some(Ok(next)) => {
                    report.redirects.push(next.url().to_string());
                    page = next;
                }
                Some(Err(err)) => {
                    report.reason = Some(format!("the redirect cannot be followed: {err}"));
                    report.fix = Some("redirect to an absolute http(s) URL".to_owned());
                    return Ok(report);
                }
                None => {
                    report.allowed = true;
                    report.exposed = readable
                        .exposed()
                        .iter()
                        .map(|name| name.as_str().to_owned())
                        .collect();
                    return Ok(report);
                }
            }
        }
        report.allowed = false;
        report.reason = Some(format!(
            "more than {MAX_REDIRECTS} redirects: the browser gives up"
        ));
        report.fix = Some("end the chain of redirects".to_owned());
        Ok(report)
    }
}

/// Sends one request and records it.
async fn exchange<T: Transport>(
    transport: &mut T,
    request: &mut Request<()>,
    step: &'static str,
    report: &mut Report,
) -> Result<Response<()>, String> {
    let response = transport.send(request).await?;
    let reasoning = transport.reasoning(request);
    report
        .exchanges
        .push(Exchange::new(step, request, &response, reasoning));
    Ok(response)
}
