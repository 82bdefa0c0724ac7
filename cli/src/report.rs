//! What a journey found, for people (a transcript and a verdict) and for
//! machines (`--json`).

use std::io::{self, Write};

use http::{HeaderMap, Request, Response};
use serde::Serialize;
use tower_cors::browser::{Blocked, Reason};

use crate::style::{shown, Style};

/// One request sent and the head of its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// `preflight`, `request` or `handshake`.
    pub step: &'static str,
    /// The method sent.
    pub method: String,
    /// The URL (or path) requested.
    pub url: String,
    /// The request's headers that matter, in order, values printable.
    pub request_headers: Vec<(String, String)>,
    /// The answer's status code.
    pub status: u16,
    /// The answer's headers that matter: `Access-Control-*`, `Vary`,
    /// `Location`, `cors-refusal` and the WebSocket ones.
    pub response_headers: Vec<(String, String)>,
    /// The server's own account of its decision, when known (offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
}

impl Exchange {
    /// Records a request and its answer.
    pub fn new<B, C>(
        step: &'static str,
        request: &Request<B>,
        response: &Response<C>,
        reasoning: Option<String>,
    ) -> Exchange {
        Exchange {
            step,
            method: request.method().to_string(),
            url: request.uri().to_string(),
            request_headers: headers(request.headers(), request_header_matters),
            status: response.status().as_u16(),
            response_headers: headers(response.headers(), response_header_matters),
            reasoning,
        }
    }
}

/// Every request header a browser would send is worth seeing but the
/// transport's own; a cookie's value stays out of logs.
fn request_header_matters(name: &str) -> bool {
    !matches!(name, "host" | "user-agent" | "content-length")
}

fn response_header_matters(name: &str) -> bool {
    name.starts_with("access-control-")
        || name.starts_with("sec-websocket-")
        || matches!(name, "vary" | "location" | "cors-refusal" | "upgrade")
}

fn headers(map: &HeaderMap, matters: fn(&str) -> bool) -> Vec<(String, String)> {
    map.iter()
        .filter(|(name, _)| matters(name.as_str()))
        .map(|(name, value)| {
            let value = match name.as_str() {
                "cookie" => format!("({} bytes, not shown)", value.len()),
                _ => shown(value.as_bytes()),
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// The outcome: `--json` prints it as one object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Whether the page could read the response (with `--preflight-only`:
    /// whether the preflight passed; for a WebSocket: whether the server
    /// accepted the handshake).
    pub allowed: bool,
    /// Whether a preflight was sent.
    pub preflight: bool,
    /// The response headers the page's script can read, lowercase, when
    /// allowed.
    pub exposed: Vec<String>,
    /// Why the browser blocks it, in its console's words; `null` when
    /// allowed.
    pub reason: Option<String>,
    /// What to change on the server, in one line; `null` when allowed.
    pub fix: Option<String>,
    /// The server's own reason for a refusal (this crate's `cors-refusal`
    /// header), when it sent one.
    pub server_refusal: Option<String>,
    /// What passes in browsers today but not by the standard.
    pub warnings: Vec<String>,
    /// The status of the last answer to the request itself.
    pub status: Option<u16>,
    /// The preflight's `Access-Control-Max-Age`, when it sent one.
    pub max_age: Option<u64>,
    /// Each URL a redirect led to, in order.
    pub redirects: Vec<String>,
    /// `--preflight-only`: the request itself was not sent.
    pub stopped_before_request: bool,
    /// Every exchange, in order.
    pub exchanges: Vec<Exchange>,
}

impl Report {
    /// The report of a blocked response. A server running this crate's
    /// layer names its reason in `cors-refusal`; when the refusal carries
    /// no CORS header, the browser can only say that none is there, and the
    /// server's reason is the fix to make.
    pub(crate) fn blocked<B>(mut self, blocked: &Blocked, response: &Response<B>) -> Report {
        self.allowed = false;
        self.exposed.clear();
        self.reason = Some(blocked.to_string());
        self.server_refusal = response
            .headers()
            .get("cors-refusal")
            .map(|value| shown(value.as_bytes()));
        // Only when the browser could not tell why: a refusal carrying
        // CORS headers (debug mode) is judged precisely by the browser.
        let unexplained = *blocked.reason() == Reason::MissingAllowOrigin;
        self.fix = Some(match self.server_refusal.as_ref().filter(|_| unexplained) {
            Some(refusal) => format!(
                "the server's CORS policy refused it ({refusal}): change that rule in its \
                 policy (its debug mode makes browsers name it too)"
            ),
            None => blocked.fix(),
        });
        self
    }

    /// The transcript: each exchange, then the verdict and the fix.
    pub fn print(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        for exchange in &self.exchanges {
            writeln!(
                out,
                "{} {} {}",
                style.strong(&format!("> {}:", exchange.step)),
                shown(exchange.method.as_bytes()),
                shown(exchange.url.as_bytes())
            )?;
            for (name, value) in &exchange.request_headers {
                writeln!(out, ">   {name}: {value}")?;
            }
            if let Some(reasoning) = &exchange.reasoning {
                for line in reasoning.lines() {
                    writeln!(out, "  | {line}")?;
                }
            }
            writeln!(out, "< {}", exchange.status)?;
            for (name, value) in &exchange.response_headers {
                writeln!(out, "<   {name}: {value}")?;
            }
        }
        for url in &self.redirects {
            writeln!(out, "redirected to {}", shown(url.as_bytes()))?;
        }
        for warning in &self.warnings {
            writeln!(out, "{} {warning}", style.warn("warning:"))?;
        }
        match (&self.reason, self.stopped_before_request) {
            (Some(reason), _) => {
                writeln!(out, "{} {reason}", style.bad("blocked:"))?;
                if let Some(fix) = &self.fix {
                    writeln!(out, "{} {fix}", style.strong("fix:"))?;
                }
            }
            (None, true) => {
                let how = match self.preflight {
                    true => "the preflight passed",
                    false => "no preflight is needed",
                };
                writeln!(
                    out,
                    "{} {how}; the request itself was not sent (--preflight-only)",
                    style.good("allowed:")
                )?;
            }
            (None, false) => {
                let exposed = match self.exposed.is_empty() {
                    true => "none".to_owned(),
                    false => self.exposed.join(", "),
                };
                writeln!(
                    out,
                    "{} the page can read the response; headers its script can read: {exposed}",
                    style.good("allowed:")
                )?;
            }
        }
        Ok(())
    }
}
