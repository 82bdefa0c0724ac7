//! `cargo run --example demo`: tower-cors in front of a real browser.
//!
//! Three servers run in this one process:
//!
//! - the **API** (`http://localhost:3000`) behind a [`CorsLayer`] whose
//!   policy allows the page's origin, plus `/strict/data` behind a second
//!   layer that allows only `https://app.example.com`;
//! - the same API in **debug mode** (`http://localhost:3002`, see
//!   [`PolicyBuilder::debug`](tower_cors::PolicyBuilder::debug)): a
//!   preflight refused for its method or a header gets `200` with the
//!   configured lists and the `cors-refusal` reason, so that the browser's
//!   console names what is missing; the browser still blocks it;
//! - the **page** (`http://localhost:3001`), whose script calls the API with
//!   `fetch()` and shows what the browser let it read; `?debug=1` runs the
//!   same cases against the debug-mode API.
//!
//! The API's `/csrf/transfer` and `/csrf/socket` (a WebSocket echo) are
//! also behind a [`CsrfLayer`] trusting the same policy: the page's last
//! rows submit a form to the first and open a WebSocket to the second,
//! from another site (refused before the handler) and from the page
//! itself (allowed), and show the handlers' run counts.
//!
//! Because the page and the API have different ports they are different
//! origins, so every call is a CORS request and the browser, not this
//! program, decides what the script may see. To put the two sides next to
//! each other, a middleware outside the CORS layer asks the same [`Policy`]
//! for its [`Decision`] on every API request and records it; handlers mark
//! the requests that reached them, and the recorder notes the status and the
//! CORS headers each answer carried (a script cannot read those of a
//! refused request); the page fetches that record from `/decisions`.
//!
//! With `--features tracing`, the layer's own `tracing` events (one per
//! refused request at `DEBUG`, one per allowed CORS request at `TRACE`) are
//! printed to stderr; `RUST_LOG` picks the level (default
//! `tower_cors=debug`).
//!
//! Ports come from `DEMO_API_PORT`, `DEMO_DEBUG_API_PORT` and
//! `DEMO_PAGE_PORT` (`0` picks a free one). When a default port is taken, a
//! free one is used instead.

use std::collections::VecDeque;
use std::error::Error;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tower_cors::csrf::CsrfLayer;
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{ConfigError, CorsLayer, Decision, Policy, RequestKind};

const DEFAULT_API_PORT: u16 = 3000;
const DEFAULT_PAGE_PORT: u16 = 3001;
const DEFAULT_DEBUG_API_PORT: u16 = 3002;

/// The page and its script; `__API_PORT__` and `__DEBUG_API_PORT__` are
/// filled in at start-up.
const PAGE_HTML: &str = include_str!("demo/index.html");
const PAGE_JS: &str = include_str!("demo/demo.js");
/// The CSRF rows of the page's table, and the other site's page they use.
const CSRF_JS: &str = include_str!("demo/csrf.js");
const ATTACKER_HTML: &str = include_str!("demo/attacker.html");

/// Set on every API response; the policy exposes it to scripts.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Set on every API response and deliberately not exposed: scripts read it
/// as `null` even though it is on the wire.
const X_INTERNAL: HeaderName = HeaderName::from_static("x-internal");

/// How many decisions to remember; older ones are dropped.
const LOG_CAPACITY: usize = 1000;

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
#[cfg(feature = "tracing")]
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

#[cfg(not(feature = "tracing"))]
fn logs() -> String {
    "logs: run with `--features tracing` to see tower-cors's event for every refused request"
        .to_owned()
}

/// The API's policy: the page, under both names a user may type for it.
/// Plain `http` is acceptable with credentials only because these origins
/// are loopback; the builder refuses it for any other host.
fn demo_policy(page_port: u16, debug: bool) -> Result<Policy, ConfigError> {
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
fn strict_policy(debug: bool) -> Result<Policy, ConfigError> {
    Policy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .debug(debug)
        .build()
}

fn api_router(page_port: u16, policy: Policy, strict: Policy, log: &DecisionLog) -> Router {
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
fn with_cors(routes: Router, policy: Policy, log: &DecisionLog) -> Router {
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

fn page_router(api_port: u16, debug_port: u16, log: DecisionLog) -> Router {
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
        .route(
            "/demo.js",
            get(|| async {
                (
                    [
                        (CACHE_CONTROL, "no-store"),
                        (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                    ],
                    PAGE_JS,
                )
            }),
        )
        .route("/csrf.js", get(csrf_js))
        .route("/decisions", get(decisions))
        .with_state(log)
}

// ---------------------------------------------------------------------------
// The record of decisions
// ---------------------------------------------------------------------------

/// What the policy decided for one API request, and whether the request
/// reached a handler.
#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    run: String,
    case: String,
    method: String,
    path: String,
    kind: &'static str,
    allowed: bool,
    decision: String,
    reached_app: bool,
    /// The status the client got.
    status: u16,
    /// The `Access-Control-*` headers the answer carried, in order.
    answered: Vec<(String, String)>,
    /// Its `cors-refusal` reason, if any.
    refusal: Option<String>,
}

impl Entry {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "run": self.run,
            "case": self.case,
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "allowed": self.allowed,
            "decision": self.decision,
            "reached_app": self.reached_app,
            "status": self.status,
            "answered": self.answered,
            "refusal": self.refusal,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct DecisionLog(Arc<Mutex<LogState>>);

#[derive(Debug, Default)]
struct LogState {
    next_id: u64,
    entries: VecDeque<Entry>,
}

impl DecisionLog {
    fn with<T>(&self, f: impl FnOnce(&mut LogState) -> T) -> T {
        // A panic elsewhere cannot leave the log half-written: every update
        // is a single push or field store.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Records `entry` under a fresh id, which it returns.
    fn push(&self, mut entry: Entry) -> u64 {
        self.with(|state| {
            state.next_id += 1;
            entry.id = state.next_id;
            if state.entries.len() == LOG_CAPACITY {
                state.entries.pop_front();
            }
            state.entries.push_back(entry);
            state.next_id
        })
    }
}

/// Put in each API request's extensions by [`record`]; handlers call
/// [`AppReached::mark`], so a request the CORS layer answered itself (a
/// preflight) stays unmarked.
#[derive(Debug, Clone)]
struct AppReached {
    log: DecisionLog,
    id: u64,
}

impl AppReached {
    fn mark(&self) {
        self.log.update(self.id, |entry| entry.reached_app = true);
    }
}

impl DecisionLog {
    /// Changes the entry `id`, if it is still kept.
    fn update(&self, id: u64, change: impl FnOnce(&mut Entry)) {
        self.with(|state| {
            if let Some(entry) = state.entries.iter_mut().rev().find(|e| e.id == id) {
                change(entry);
            }
        });
    }
}

#[derive(Debug, Clone)]
struct Recorder {
    /// The same policy as the CORS layer inside this middleware.
    policy: Policy,
    log: DecisionLog,
}

/// Records the policy's decision, then passes the request on to the CORS
/// layer, which decides again by itself: the record is an observer, not a
/// second source of truth.
async fn record(State(recorder): State<Recorder>, mut request: Request, next: Next) -> Response {
    let decision = recorder.policy.evaluate(&request);
    let query = request.uri().query();
    let entry = Entry {
        id: 0,
        run: query_param(query, "run").to_owned(),
        case: query_param(query, "case").to_owned(),
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        kind: kind_name(&decision),
        allowed: decision.is_allowed(),
        decision: decision.to_string(),
        reached_app: false,
        status: 0,
        answered: Vec::new(),
        refusal: None,
    };
    let id = recorder.log.push(entry);
    request.extensions_mut().insert(AppReached {
        log: recorder.log.clone(),
        id,
    });

    let mut response = next.run(request).await;
    // What the client got: a script cannot read these on a refused
    // request, so the page shows them from here.
    let status = response.status().as_u16();
    let text = |value: &HeaderValue| value.to_str().unwrap_or("<not text>").to_owned();
    let answered: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
        .map(|(name, value)| (name.as_str().to_owned(), text(value)))
        .collect();
    let refusal = response.headers().get(CORS_REFUSAL).map(text);
    recorder.log.update(id, |entry| {
        entry.status = status;
        entry.answered = answered;
        entry.refusal = refusal;
    });
    let headers = response.headers_mut();
    headers.insert(X_REQUEST_ID, HeaderValue::from(id));
    headers.insert(X_INTERNAL, HeaderValue::from_static("backend-7"));
    response
}

fn kind_name(decision: &Decision) -> &'static str {
    match decision.kind() {
        RequestKind::NotCors => "not-cors",
        RequestKind::Simple => "simple",
        RequestKind::Preflight => "preflight",
        RequestKind::Actual => "actual",
    }
}

/// The raw value of `name` in a query string, or `""`. The page only
/// sends `[a-z0-9-]` values, so no percent-decoding is needed; the length
/// cap keeps a stray client from filling the log with large strings.
fn query_param<'a>(query: Option<&'a str>, name: &str) -> &'a str {
    let value = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| pair.split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
        .unwrap_or("");
    match value.char_indices().nth(64) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

/// `GET /decisions[?run=...]`: the recorded decisions, oldest first.
async fn decisions(State(log): State<DecisionLog>, RawQuery(query): RawQuery) -> impl IntoResponse {
    let run = query_param(query.as_deref(), "run");
    let entries: Vec<Value> = log.with(|state| {
        state
            .entries
            .iter()
            .filter(|entry| run.is_empty() || entry.run == run)
            .map(Entry::to_json)
            .collect()
    });
    ([(CACHE_CONTROL, "no-store")], Json(Value::Array(entries)))
}

// ---------------------------------------------------------------------------
// The API's handlers: each marks that it was reached
// ---------------------------------------------------------------------------

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
    match serde_json::from_str::<Value>(&body) {
        Ok(item) => Json(json!({ "id": id, "updated": item })).into_response(),
        Err(err) => (
            StatusCode::BAD_REQUEST,
            format!("body is not JSON: {err}\n"),
        )
            .into_response(),
    }
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
    match serde_json::from_str::<Value>(&body) {
        Ok(patch) => Json(json!({ "id": id, "patched": patch })).into_response(),
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

// ---------------------------------------------------------------------------
// Cross-origin request forgery: the CSRF rows (examples/demo/csrf.js)
// ---------------------------------------------------------------------------

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
fn csrf_routes(policy: Policy, log: &DecisionLog) -> Router {
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

async fn csrf_js() -> impl IntoResponse {
    (
        [
            (CACHE_CONTROL, "no-store"),
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
        ],
        CSRF_JS,
    )
}
