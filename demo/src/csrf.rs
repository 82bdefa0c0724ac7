//! Cross-origin request forgery: the routes of the page's CSRF rows
//! (`assets/csrf.js`), behind a `CsrfLayer` trusting the API's policy.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use tower_cors::csrf::CsrfLayer;
use tower_cors::Policy;

use crate::api::with_cors;
use crate::page::ATTACKER_HTML;
use crate::record::{AppReached, DecisionLog};

/// How many times the `/csrf/transfer` and `/csrf/socket` handlers ran,
/// shown by the page.
#[derive(Debug, Clone, Default)]
struct CsrfCounts {
    transfers: Arc<AtomicU64>,
    sockets: Arc<AtomicU64>,
}

/// `/csrf/transfer`, `/csrf/socket` (a WebSocket echo) and `/csrf/count`
/// behind a `CsrfLayer` trusting what the API's CORS policy allows, inside
/// the `CorsLayer` (so that a refusal sent to an allowed page still
/// carries CORS headers) and the recorder; and `/csrf/attacker`, a page
/// the browser loads from the API's *other* host name (`127.0.0.1`
/// against `localhost`): another site, whose form and WebSocket the guard
/// must refuse (browsers apply no CORS to WebSockets). It sits outside the recorder: only the forged
/// POST belongs to the row.
pub fn csrf_routes(policy: Policy, log: &DecisionLog) -> Router {
    let guarded = Router::new()
        .route("/csrf/transfer", post(transfer))
        .route("/csrf/socket", get(socket))
        .route("/csrf/count", get(csrf_counts))
        .with_state(CsrfCounts::default())
        .layer(CsrfLayer::from_policy(&policy));
    with_cors(guarded, policy, log).route(
        "/csrf/attacker",
        get(|| async { ([(CACHE_CONTROL, "no-store")], Html(ATTACKER_HTML)) }),
    )
}

/// A state-changing handler: it runs only for requests the guard passed.
async fn transfer(
    State(counts): State<CsrfCounts>,
    Extension(app): Extension<AppReached>,
    body: String,
) -> Json<Value> {
    app.mark();
    let count = counts.transfers.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({ "transferred": body, "count": count }))
}

/// A WebSocket the user's cookies would open: it runs only for handshakes
/// the guard passed, and answers each text message `m` with `echo:m`.
async fn socket(
    State(counts): State<CsrfCounts>,
    Extension(app): Extension<AppReached>,
    upgrade: WebSocketUpgrade,
) -> Response {
    app.mark();
    counts.sockets.fetch_add(1, Ordering::SeqCst);
    upgrade.on_upgrade(|mut socket| async move {
        while let Some(Ok(message)) = socket.recv().await {
            if let Message::Text(text) = message {
                let reply = format!("echo:{}", text.as_str());
                if socket.send(Message::Text(reply.into())).await.is_err() {
                    return;
                }
                // The page's wait for this case (wait.rs) can end: the
                // echo is on its way.
                app.release_case();
            }
        }
    })
}

/// `GET /csrf/count`: how many times `transfer` and `socket` ran.
async fn csrf_counts(State(counts): State<CsrfCounts>) -> impl IntoResponse {
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({
            "count": counts.transfers.load(Ordering::SeqCst),
            "sockets": counts.sockets.load(Ordering::SeqCst),
        })),
    )
}
