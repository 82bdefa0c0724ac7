//! The API the page calls: its routes and handlers, the two policies, and
//! the recorder around each `CorsLayer`.

use std::time::Duration;

use axum::extract::Path;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use tower_cors::{ConfigError, CorsLayer, Policy};

use crate::csrf::csrf_routes;
use crate::record::{record, AppReached, DecisionLog, Recorder};

/// Set on every API response; the policy exposes it to scripts.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Set on every API response and deliberately not exposed: scripts read it
/// as `null` even though it is on the wire.
pub const X_INTERNAL: HeaderName = HeaderName::from_static("x-internal");

/// The API's policy: the page, under both names a user may type for it.
/// Plain `http` is acceptable with credentials only because these origins
/// are loopback; the builder refuses it for any other host.
pub fn demo_policy(page_port: u16, debug: bool) -> Result<Policy, ConfigError> {
    Policy::builder()
        .allow_origins([
            format!("http://localhost:{page_port}"),
            format!("http://127.0.0.1:{page_port}"),
        ])
        // Byte-exact: `PATCH` allows `PATCH`, not the `patch` of case 6.
        .allow_methods(["GET", "POST", "PUT", "DELETE", "PATCH"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .debug(debug)
        .build()
}

/// The policy of `/strict/data`: some other site, never the page. Debug
/// mode changes nothing for a refused origin.
pub fn strict_policy(debug: bool) -> Result<Policy, ConfigError> {
    Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .debug(debug)
        .build()
}

pub fn api_router(page_port: u16, policy: Policy, strict: Policy, log: &DecisionLog) -> Router {
    let index =
        format!("tower-cors demo API. Open the page instead: http://localhost:{page_port}/\n");
    let demo = Router::new()
        .route(
            "/",
            get(move |Extension(app): Extension<AppReached>| {
                let index = index.clone();
                async move {
                    app.mark();
                    index
                }
            }),
        )
        .route("/api/hello", get(hello))
        .route("/api/echo", post(echo))
        .route(
            "/api/items/{id}",
            put(put_item).delete(delete_item).patch(patch_item),
        )
        .route("/api/login", get(login))
        .route("/api/whoami", get(whoami));
    let strict_routes = Router::new().route("/strict/data", get(strict_data).put(strict_data));
    let csrf = csrf_routes(policy.clone(), log);
    with_cors(demo, policy, log)
        .merge(with_cors(strict_routes, strict, log))
        .merge(csrf)
}

/// Puts `routes` behind a `CorsLayer`, and behind that the recorder asking
/// the very same policy, so that the page shows the decision the layer acts
/// on.
pub fn with_cors(routes: Router, policy: Policy, log: &DecisionLog) -> Router {
    routes
        .layer(CorsLayer::new(policy.clone()))
        .layer(middleware::from_fn_with_state(
            Recorder {
                policy,
                log: log.clone(),
            },
            record,
        ))
}

// The API's handlers: each marks that it was reached.

async fn hello(Extension(app): Extension<AppReached>) -> Json<Value> {
    app.mark();
    Json(json!({ "message": "hello from the API" }))
}

/// Echoes a `text/plain` body: a POST a browser sends without a preflight.
async fn echo(Extension(app): Extension<AppReached>, body: String) -> String {
    app.mark();
    body
}

async fn put_item(
    Extension(app): Extension<AppReached>,
    Path(id): Path<u32>,
    body: String,
) -> Response {
    app.mark();
    json_reply(&body, |item| json!({ "id": id, "updated": item }))
}

async fn delete_item(Extension(app): Extension<AppReached>, Path(id): Path<u32>) -> Json<Value> {
    app.mark();
    Json(json!({ "id": id, "deleted": true }))
}

async fn patch_item(
    Extension(app): Extension<AppReached>,
    Path(id): Path<u32>,
    body: String,
) -> Response {
    app.mark();
    json_reply(&body, |patch| json!({ "id": id, "patched": patch }))
}

/// `reply(body)` as JSON when the body is JSON, else a `400` saying why.
fn json_reply(body: &str, reply: impl FnOnce(Value) -> Value) -> Response {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => Json(reply(value)).into_response(),
        Err(err) => (
            StatusCode::BAD_REQUEST,
            format!("body is not JSON: {err}\n"),
        )
            .into_response(),
    }
}

/// Starts a session. The page is on another port of the same host, hence
/// the same site, so a `SameSite=Lax` cookie still goes along with its
/// credentialed requests.
async fn login(Extension(app): Extension<AppReached>) -> impl IntoResponse {
    app.mark();
    let session = format!("session-{}", app.id);
    let cookie = format!("demo_session={session}; Path=/; SameSite=Lax; HttpOnly");
    ([(SET_COOKIE, cookie)], Json(json!({ "session": session })))
}

/// Says whether the session cookie came with the request.
async fn whoami(Extension(app): Extension<AppReached>, headers: HeaderMap) -> Json<Value> {
    app.mark();
    let session = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("demo_session="));
    Json(json!({ "cookie_arrived": session.is_some(), "session": session }))
}

async fn strict_data(Extension(app): Extension<AppReached>) -> Json<Value> {
    app.mark();
    Json(json!({ "secret": "only https://app.example.com may read this" }))
}
