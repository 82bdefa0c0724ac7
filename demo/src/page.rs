//! The page: its HTML and scripts (`assets/`), and the record it reads.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::Router;

use crate::record::{decisions, DecisionLog};
use crate::wait;

/// The page and its script; `__API_PORT__` and `__DEBUG_API_PORT__` are
/// filled in at start-up.
const PAGE_HTML: &str = include_str!("../assets/index.html");
const PAGE_JS: &str = include_str!("../assets/demo.js");
/// The CSRF rows of the page's table, and the other site's page they use.
const CSRF_JS: &str = include_str!("../assets/csrf.js");
/// The picture of each row's exchange.
const SEQUENCE_JS: &str = include_str!("../assets/sequence.js");
pub const ATTACKER_HTML: &str = include_str!("../assets/attacker.html");

pub fn page_router(api_port: u16, debug_port: u16, log: DecisionLog) -> Router {
    let page = Html(
        PAGE_HTML
            .replace("__API_PORT__", &api_port.to_string())
            .replace("__DEBUG_API_PORT__", &debug_port.to_string()),
    );
    Router::new()
        .route(
            "/",
            get(move || {
                let page = page.clone();
                // `no-store`: a restarted demo may have other ports, so a
                // cached page would call the wrong API.
                async move { ([(CACHE_CONTROL, "no-store")], page) }
            }),
        )
        .route("/demo.js", get(|| script(PAGE_JS)))
        .route("/csrf.js", get(|| script(CSRF_JS)))
        .route("/sequence.js", get(|| script(SEQUENCE_JS)))
        .route("/decisions", get(decisions))
        .route("/wait/answered", get(wait::answered))
        .route("/wait/case", get(wait::case))
        .route("/wait/release", post(wait::release))
        .with_state(log)
}

async fn script(source: &'static str) -> impl IntoResponse {
    (
        [
            (CACHE_CONTROL, "no-store"),
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
        ],
        source,
    )
}
