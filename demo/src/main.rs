//! `cargo run -p tower-cors-demo`: tower-cors in front of a real browser.
//!
//! Three servers run in this one process:
//!
//! - the **API** (`http://localhost:3000`) behind a `CorsLayer` whose
//!   policy allows the page's origin, plus `/strict/data` behind a second
//!   layer that allows only `https://app.example.com` (`api.rs`);
//! - the same API in **debug mode** (`http://localhost:3002`, see
//!   `PolicyBuilder::debug`): a preflight refused for its method or a
//!   header gets `200` with the configured lists and the `cors-refusal`
//!   reason, so that the browser's console names what is missing; the
//!   browser still blocks it;
//! - the **page** (`http://localhost:3001`, `page.rs` and `assets/`), whose
//!   script calls the API with `fetch()` and shows what the browser let it
//!   read; `?debug=1` runs the same cases against the debug-mode API.
//!
//! The API's `/csrf/transfer` and `/csrf/socket` (a WebSocket echo) are
//! also behind a `CsrfLayer` trusting the same policy (`csrf.rs`): the
//! page's last rows submit a form to the first and open a WebSocket to the
//! second, from another site (refused before the handler) and from the
//! page itself (allowed), and show the handlers' run counts.
//!
//! Because the page and the API have different ports they are different
//! origins, so every call is a CORS request and the browser, not this
//! program, decides what the script may see. To put the two sides next to
//! each other, a middleware outside the CORS layer asks the same `Policy`
//! for its `Decision` on every API request and records it (`record.rs`);
//! handlers mark the requests that reached them, and the recorder notes the
//! status, the CORS headers and the `cors-refusal` or `csrf-refusal` reason
//! each answer carried (a script cannot read those of a refused request);
//! the page fetches that record from `/decisions`.
//!
//! The layer's own `tracing` events (one per refused request at `DEBUG`,
//! one per allowed CORS request at `TRACE`) are printed to stderr;
//! `RUST_LOG` picks the level (default `tower_cors=debug`).
//!
//! Ports come from `DEMO_API_PORT`, `DEMO_DEBUG_API_PORT` and
//! `DEMO_PAGE_PORT` (`0` picks a free one). When a default port is taken, a
//! free one is used instead.

mod api;
mod csrf;
mod page;
mod record;
mod wait;

use std::error::Error;
use std::net::Ipv4Addr;
use std::process::ExitCode;

use tokio::net::TcpListener;

use crate::api::{api_router, demo_policy, strict_policy};
use crate::page::page_router;
use crate::record::DecisionLog;

const DEFAULT_API_PORT: u16 = 3000;
const DEFAULT_PAGE_PORT: u16 = 3001;
const DEFAULT_DEBUG_API_PORT: u16 = 3002;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("demo: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let logs = logs();

    // Bind first: the API's policy must name the page's actual port.
    let api_listener = bind("DEMO_API_PORT", DEFAULT_API_PORT).await?;
    let page_listener = bind("DEMO_PAGE_PORT", DEFAULT_PAGE_PORT).await?;
    let debug_listener = bind("DEMO_DEBUG_API_PORT", DEFAULT_DEBUG_API_PORT).await?;
    let api_port = api_listener.local_addr()?.port();
    let page_port = page_listener.local_addr()?.port();
    let debug_port = debug_listener.local_addr()?.port();

    let log = DecisionLog::default();
    let api = api_router(
        page_port,
        demo_policy(page_port, false)?,
        strict_policy(false)?,
        &log,
    );
    let debug_api = api_router(
        page_port,
        demo_policy(page_port, true)?,
        strict_policy(true)?,
        &log,
    );
    let page = page_router(api_port, debug_port, log);

    println!("tower-cors demo");
    println!("page: http://localhost:{page_port}/");
    println!("api:  http://localhost:{api_port}/");
    println!("debug-mode api: http://localhost:{debug_port}/ (the page's ?debug=1)");
    println!("{logs}");
    println!(
        "Open the page in a browser to see what it may read from the API. Ctrl-C stops the demo."
    );

    tokio::try_join!(
        axum::serve(api_listener, api).with_graceful_shutdown(ctrl_c()),
        axum::serve(debug_listener, debug_api).with_graceful_shutdown(ctrl_c()),
        axum::serve(page_listener, page).with_graceful_shutdown(ctrl_c()),
    )?;
    println!("demo stopped");
    Ok(())
}

/// Resolves on Ctrl-C, so both servers finish their requests and stop.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler could be installed: run until killed.
        std::future::pending::<()>().await;
    }
}

/// Listens on 127.0.0.1 at the port in `var`; when `var` is unset, at
/// `default`, or at a free port if `default` is taken (a user running the
/// demo next to another dev server should not have to configure anything).
async fn bind(var: &str, default: u16) -> Result<TcpListener, Box<dyn Error>> {
    let configured = std::env::var(var)
        .ok()
        .filter(|value| !value.trim().is_empty());
    let Some(value) = configured else {
        return match TcpListener::bind((Ipv4Addr::LOCALHOST, default)).await {
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse => {
                eprintln!(
                    "demo: port {default} is busy, using a free port instead ({var} sets one)"
                );
                Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?)
            }
            bound => Ok(bound?),
        };
    };
    let port: u16 = value
        .trim()
        .parse()
        .map_err(|_| format!("{var}={value:?} is not a port number (0 to 65535)"))?;
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|err| format!("cannot listen on 127.0.0.1:{port} ({var}): {err}").into())
}

/// The layer's `tracing` events on stderr, at the level `RUST_LOG` names
/// (`tower_cors=debug` when unset): one line per refused request, with its
/// origin, method, kind and reason as fields. Returns what to tell the user.
fn logs() -> String {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let wanted = std::env::var("RUST_LOG").unwrap_or_default();
    let (filter, note) = match wanted.parse::<Targets>() {
        Ok(filter) if !wanted.trim().is_empty() => (filter, format!("RUST_LOG={wanted}")),
        _ => (
            "tower_cors=debug".parse().unwrap_or_default(),
            "tower_cors=debug (set RUST_LOG=tower_cors=trace to see allowed requests too)"
                .to_owned(),
        ),
    };
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init()
    {
        Ok(()) => format!("logs: tower-cors tracing events on stderr, {note}"),
        Err(err) => format!("logs: no tracing subscriber ({err})"),
    }
}
