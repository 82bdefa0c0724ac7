//! Waits a headless browser's virtual time can see. A screenshot under
//! virtual time (Chromium's `--virtual-time-budget`) runs the page's timers
//! as soon as nothing else is pending, and waits neither for a cross-site
//! frame (another process) nor for WebSocket events: it waits only for the
//! page's own fetches. So the page keeps one of these pending while each
//! case runs, and asks the server, not another site's frame, when the API
//! has answered that frame's request. Each wait ends after 10 s at most.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::record::{query_param, DecisionLog};

/// How long a wait lasts at most.
const WAIT: Duration = Duration::from_secs(10);

/// Waits until `done` holds (rechecked whenever the log changes), or
/// [`WAIT`] has passed; says whether it held.
async fn wait_until(log: &DecisionLog, done: impl Fn() -> bool) -> bool {
    let wait = async {
        loop {
            // Registered before looking, so that a change between the look
            // and the wait still wakes it.
            let changed = log.changes().notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if done() {
                return;
            }
            changed.await;
        }
    };
    tokio::time::timeout(WAIT, wait).await.is_ok()
}

/// The `run` and `case` of a query, when both are there.
fn run_and_case(query: Option<&str>) -> Option<(&str, &str)> {
    let (run, case) = (query_param(query, "run"), query_param(query, "case"));
    (!run.is_empty() && !case.is_empty()).then_some((run, case))
}

fn reply(name: &str, value: bool) -> impl IntoResponse {
    ([(CACHE_CONTROL, "no-store")], Json(json!({ name: value })))
}

/// `GET /wait/answered?run=...&case=...`: `{"answered": true}` once the API
/// has answered a request of that run and case, `false` after 10 s.
pub async fn answered(
    State(log): State<DecisionLog>,
    RawQuery(query): RawQuery,
) -> impl IntoResponse {
    let answered = match run_and_case(query.as_deref()) {
        Some((run, case)) => wait_until(&log, || log.has_answered(run, case)).await,
        None => false,
    };
    reply("answered", answered)
}

/// `GET /wait/case?run=...&case=...`: held until the page releases that
/// case (`{"released": true}`), or 10 s (`false`).
pub async fn case(State(log): State<DecisionLog>, RawQuery(query): RawQuery) -> impl IntoResponse {
    let released = match run_and_case(query.as_deref()) {
        Some((run, case)) => {
            let key = format!("{run}/{case}");
            wait_until(&log, || log.is_released(&key)).await
        }
        None => false,
    };
    reply("released", released)
}

/// `POST /wait/release?run=...&case=...`: ends the wait of that case.
pub async fn release(
    State(log): State<DecisionLog>,
    RawQuery(query): RawQuery,
) -> impl IntoResponse {
    let released = match run_and_case(query.as_deref()) {
        Some((run, case)) => {
            log.release(format!("{run}/{case}"));
            true
        }
        None => false,
    };
    reply("released", released)
}
