//! The smallest real use: an axum app behind `CorsLayer`, with the
//! `CsrfLayer` that any app allowing credentials and an unsafe method needs.
//!
//! ```text
//! cargo run --example axum        # PORT=8080 to listen elsewhere
//!
//! # A simple request from an allowed origin: the answer names it.
//! curl -i http://127.0.0.1:3000/api/todos -H 'origin: https://app.example.com'
//!
//! # The browser's preflight before a JSON POST: answered by the layer (204).
//! curl -i -X OPTIONS http://127.0.0.1:3000/api/todos \
//!   -H 'origin: https://app.example.com' \
//!   -H 'access-control-request-method: POST' \
//!   -H 'access-control-request-headers: content-type'
//!
//! # A form another site's page posts with the user's cookies: no preflight,
//! # so only the CSRF guard stops it (403, csrf-refusal: cross-site request).
//! curl -i -X POST http://127.0.0.1:3000/api/todos \
//!   -H 'origin: https://evil.example' -H 'sec-fetch-site: cross-site' \
//!   -H 'content-type: application/x-www-form-urlencoded' -d 'title=x'
//! ```

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tower_cors::csrf::CsrfLayer;
use tower_cors::{ConfigError, CorsLayer, Policy};

/// A front end on its own domain (and its preview deployments), plus a
/// local dev server, calling this API with the user's cookies.
pub fn policy() -> Result<Policy, ConfigError> {
    Policy::builder()
        .allow_origins([
            "https://app.example.com",
            "https://*.preview.example.com",
            "http://localhost:5173",
        ])
        .allow_methods(["GET", "POST", "DELETE"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
}

/// The API behind both guards.
pub fn app(policy: Policy) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/api/todos", get(list_todos).post(create_todo))
        // Cross-origin form posts are simple requests: no preflight protects them.
        .layer(CsrfLayer::from_policy(&policy))
        .layer(CorsLayer::new(policy))
}

#[tokio::main]
async fn main() -> ExitCode {
    // A bad configuration is a startup error with every problem listed,
    // never a panic in the middle of serving.
    let policy = match policy() {
        Ok(policy) => policy,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };

    let port = match std::env::var("PORT") {
        Err(_) => 3000,
        Ok(value) => match value.parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("PORT={value:?} is not a port number (0 to 65535)");
                return ExitCode::FAILURE;
            }
        },
    };
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("listening on http://{addr}"),
        Err(err) => eprintln!("listening (address unknown: {err})"),
    }

    if let Err(err) = axum::serve(listener, app(policy)).await {
        eprintln!("server error: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn list_todos() -> Json<Value> {
    Json(json!([{ "id": 1, "title": "try tower-cors", "done": true }]))
}

async fn create_todo(Json(todo): Json<Value>) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(json!({ "id": 2, "todo": todo })))
}
