//! `cors probe URL`: a real server asked as a browser would ask it, and
//! its answers judged as the browser would judge them.
//!
//! For `http` and `https`: the preflight when the browser sends one, the
//! request itself only if the preflight passes (not at all with
//! `--preflight-only`), redirects checked and followed as Fetch allows.
//! For `ws` and `wss`: the WebSocket handshake from the page's origin,
//! which browsers send without CORS; the server alone decides (RFC 6455
//! section 10.2), so the verdict is whether it switched protocols.

mod client;
mod site;

use std::io::{self, Write};
use std::time::Duration;

use http::header::{
    HeaderValue, CONNECTION, COOKIE, ORIGIN, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{HeaderName, Request, Uri};
use tower_cors::browser::PageRequest;

use crate::args::ProbeArgs;
use crate::journey::{Journey, Transport};
use crate::report::{Exchange, Report};
use crate::style::{shown, Style};
use crate::{page_request, Exit};
use client::Net;

/// Why a probe could not be made: a usage or a network error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError(pub String);

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shown(self.0.as_bytes()))
    }
}

impl std::error::Error for ProbeError {}

/// Probes `args.url` as a browser on the page at `args.page.origin`
/// would, and reports every exchange and the verdict.
///
/// ```no_run
/// use clap::Parser;
/// use tower_cors_cli::args::{Cli, Command};
///
/// let cli = Cli::parse_from(["cors", "probe", "http://localhost:3000/", "--origin", "http://localhost:3001"]);
/// let Command::Probe(args) = cli.command else { unreachable!() };
/// let report = tower_cors_cli::probe::probe(&args)?;
/// println!("allowed: {}", report.allowed);
/// # Ok::<(), tower_cors_cli::probe::ProbeError>(())
/// ```
pub fn probe(args: &ProbeArgs) -> Result<Report, ProbeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ProbeError(e.to_string()))?;
    runtime.block_on(probe_async(args))
}

/// [`probe`], for a caller already in a Tokio runtime.
pub async fn probe_async(args: &ProbeArgs) -> Result<Report, ProbeError> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout < 1e9) {
        return Err(ProbeError(format!(
            "--timeout {}: not a number of seconds",
            args.timeout
        )));
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let url: Uri = args
        .url
        .parse()
        .map_err(|_| ProbeError(format!("{}: not a URL", args.url)))?;
    let websocket = match url.scheme_str() {
        Some("http" | "https") => false,
        Some("ws" | "wss") => true,
        _ => {
            return Err(ProbeError(format!(
                "{}: the URL must start with http://, https://, ws:// or wss://",
                args.url
            )))
        }
    };
    if url.host().is_none() {
        return Err(ProbeError(format!("{}: no host", args.url)));
    }
    let dest = if websocket { "websocket" } else { "empty" };
    let mut net = Net::new(args.cacert.as_deref(), timeout, dest).map_err(ProbeError)?;
    if websocket {
        return handshake(args, &url, &mut net).await;
    }
    let page = page_request(&args.page, &args.url).map_err(|e| ProbeError(e.to_string()))?;
    let journey = Journey {
        page,
        preflight_only: args.preflight_only,
        cookie: args.cookie.as_deref(),
    };
    journey.run(&mut net).await.map_err(ProbeError)
}

/// The WebSocket opening handshake a browser sends from the page
/// (RFC 6455 section 4.1), and whether the server accepted it.
async fn handshake(args: &ProbeArgs, url: &Uri, net: &mut Net) -> Result<Report, ProbeError> {
    // The origin as a page would have it: `PageRequest` refuses the rest.
    PageRequest::new(&args.page.origin, "/").map_err(|e| ProbeError(e.to_string()))?;
    let origin = HeaderValue::from_str(&args.page.origin).map_err(|e| ProbeError(e.to_string()))?;
    let mut request = Request::new(());
    *request.uri_mut() = url.clone();
    let headers = request.headers_mut();
    headers.insert(ORIGIN, origin);
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
    // Any 16 bytes in base64 do: the probe never speaks WebSocket after.
    headers.insert(
        SEC_WEBSOCKET_KEY,
        HeaderValue::from_static("Y29ycyBwcm9iZSBub25jZQ=="),
    );
    headers.insert(
        HeaderName::from_static("sec-fetch-mode"),
        HeaderValue::from_static("websocket"),
    );
    // Browsers send cookies with every handshake (no credentials mode).
    if let Some(cookie) = &args.cookie {
        let cookie =
            HeaderValue::from_str(cookie).map_err(|e| ProbeError(format!("--cookie: {e}")))?;
        headers.insert(COOKIE, cookie);
    }
    let response = net.send(&mut request).await.map_err(ProbeError)?;
    let mut report = Report {
        status: Some(response.status().as_u16()),
        ..Report::default()
    };
    report
        .exchanges
        .push(Exchange::new("handshake", &request, &response, None));
    if response.status().as_u16() == 101 {
        report.allowed = true;
    } else {
        report.reason = Some(format!(
            "WebSocket connection to '{}' failed: Error during WebSocket handshake: Unexpected \
             response code: {}",
            shown(args.url.as_bytes()),
            response.status().as_u16()
        ));
        let status = response.status().as_u16();
        report.fix = Some(match status {
            403 => format!(
                "the server refused the handshake from {}: allow this origin in its WebSocket \
                 origin check",
                shown(args.page.origin.as_bytes())
            ),
            _ => format!(
                "the server answered {status} instead of 101 Switching Protocols: check the URL \
                 and that this route accepts WebSocket upgrades"
            ),
        });
    }
    Ok(report)
}

/// `cors probe ...`, printed (or as one JSON object with `--json`):
/// [`Exit::Yes`] when the page could read the response, [`Exit::No`] when
/// the browser would block it, [`Exit::Error`] on a usage or network
/// error.
pub fn run(args: &ProbeArgs, out: &mut dyn Write, style: Style) -> io::Result<Exit> {
    let report = match probe(args) {
        Ok(report) => report,
        Err(err) => {
            match args.json {
                true => writeln!(out, "{}", serde_json::json!({ "error": err.0 }))?,
                false => writeln!(out, "{} {err}", style.bad("error:"))?,
            }
            return Ok(Exit::Error);
        }
    };
    if args.json {
        let json = serde_json::to_string(&report).map_err(io::Error::other)?;
        writeln!(out, "{json}")?;
    } else {
        report.print(out, style)?;
    }
    Ok(match report.allowed {
        true => Exit::Yes,
        false => Exit::No,
    })
}
