//! The servers the browser talks to, all in this process on 127.0.0.1: two
//! page servers (a blank page at any host name) and one API server per
//! policy, each behind a `CorsLayer`, each recording what reached the layer
//! and what reached the application.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, CACHE_CONTROL, CONTENT_TYPE,
    COOKIE, ORIGIN, SET_COOKIE, UPGRADE,
};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_cors::policy::{ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK, CORS_REFUSAL};
use tower_cors::{CorsLayer, Policy};

/// The cookie `/set-cookie` sets and credentialed cases expect back.
pub const COOKIE_VALUE: &str = "sid=browser-suite";
/// A response header no policy exposes by name.
pub const SECRET_VALUE: &str = "hidden";

/// The two page servers: same handler, different ports, so that origins
/// can differ by port only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagePort {
    Main,
    Other,
}

/// The API servers, one per policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// Exact origin `http://app.example.localhost:P`, no credentials; PUT,
    /// DELETE, PATCH, OPTIONS; content-type and x-custom; exposes
    /// x-request-id; Max-Age 600.
    Exact,
    /// Exact origin `http://localhost:P` with credentials (plain http with
    /// credentials is only accepted for loopback); also allows
    /// authorization.
    Credentials,
    /// Pattern `http://*.example.localhost:P`; PUT with content-type.
    Pattern,
    /// Any origin (`*`); PUT and DELETE with content-type; exposes any
    /// header.
    AnyOrigin,
    /// `http://localhost:P` with credentials and any header (reflected,
    /// never authorization); PUT.
    AnyHeader,
    /// `http://app.example.localhost:P`; PUT with content-type; Max-Age 0 (no
    /// caching).
    NoCache,
    /// `http://app.example.localhost:P`; PUT with content-type; private network
    /// access allowed.
    PrivateNetwork,
    /// `http://app.example.localhost:P`; PUT with content-type; debug mode.
    DebugMode,
}

impl Api {
    pub const ALL: [Api; 8] = [
        Api::Exact,
        Api::Credentials,
        Api::Pattern,
        Api::AnyOrigin,
        Api::AnyHeader,
        Api::NoCache,
        Api::PrivateNetwork,
        Api::DebugMode,
    ];

    /// The host name the browser uses for this server.
    pub fn host(self) -> &'static str {
        match self {
            Api::Credentials | Api::AnyHeader => "localhost",
            _ => "api.example.localhost",
        }
    }

    fn policy(self, page: u16) -> Policy {
        let app = format!("http://app.example.localhost:{page}");
        let local = format!("http://localhost:{page}");
        let builder = Policy::builder();
        let built = match self {
            Api::Exact => builder
                .allow_origins([app])
                .allow_methods(["PUT", "DELETE", "PATCH", "OPTIONS"])
                .allow_headers(["content-type", "x-custom"])
                .expose_headers(["x-request-id"])
                .max_age(Duration::from_secs(600)),
            Api::Credentials => builder
                .allow_origins([local])
                .allow_methods(["PUT", "DELETE", "PATCH"])
                .allow_headers(["content-type", "x-custom", "authorization"])
                .expose_headers(["x-request-id"])
                .allow_credentials(true)
                .max_age(Duration::from_secs(600)),
            Api::Pattern => builder
                .allow_origins([format!("http://*.example.localhost:{page}")])
                .allow_methods(["PUT"])
                .allow_headers(["content-type"]),
            Api::AnyOrigin => builder
                .allow_any_origin()
                .allow_methods(["PUT", "DELETE"])
                .allow_headers(["content-type"])
                .expose_any_header(),
            Api::AnyHeader => builder
                .allow_origins([local])
                .allow_methods(["PUT"])
                .allow_any_header()
                .allow_credentials(true),
            Api::NoCache => builder
                .allow_origins([app])
                .allow_methods(["PUT"])
                .allow_headers(["content-type"])
                .max_age(Duration::ZERO),
            Api::PrivateNetwork => builder
                .allow_origins([app])
                .allow_methods(["PUT"])
                .allow_headers(["content-type"])
                .allow_private_network(true),
            Api::DebugMode => builder
                .allow_origins([app])
                .allow_methods(["PUT"])
                .allow_headers(["content-type"])
                .debug(true),
        };
        built.build().unwrap_or_else(|e| panic!("{self:?}: {e}"))
    }
}

/// What the servers saw, per case key (the `case` query parameter), in
/// order: `preflight ...` lines from outside the CORS layer, `app ...` lines
/// from the application.
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<HashMap<String, Vec<String>>>>);

impl Trace {
    fn push(&self, key: String, line: String) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(key).or_default().push(line);
    }

    pub fn get(&self, key: &str) -> Vec<String> {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).cloned().unwrap_or_default()
    }
}

pub struct Servers {
    pub pages: [u16; 2],
    apis: HashMap<Api, u16>,
    pub trace: Trace,
    tasks: Vec<JoinHandle<()>>,
}

impl Servers {
    pub async fn start() -> Result<Servers, String> {
        let trace = Trace::default();
        let mut tasks = Vec::new();
        let mut pages = [0; 2];
        for port in &mut pages {
            let (listener, bound) = bind().await?;
            *port = bound;
            let router = Router::new().fallback(page);
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }));
        }
        let mut apis = HashMap::new();
        for api in Api::ALL {
            let (listener, port) = bind().await?;
            apis.insert(api, port);
            let router = Router::new()
                .fallback(application)
                .with_state(trace.clone())
                .layer(CorsLayer::new(api.policy(pages[0])))
                .layer(middleware::from_fn_with_state(trace.clone(), at_the_layer));
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }));
        }
        Ok(Servers {
            pages,
            apis,
            trace,
            tasks,
        })
    }

    pub fn page_port(&self, which: PagePort) -> u16 {
        match which {
            PagePort::Main => self.pages[0],
            PagePort::Other => self.pages[1],
        }
    }

    pub fn api_port(&self, api: Api) -> u16 {
        self.apis[&api]
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn bind() -> Result<(TcpListener, u16), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    Ok((listener, port))
}

/// A blank page at whatever host the browser asked for: its origin is all
/// the suite needs.
async fn page() -> Html<&'static str> {
    Html("<!doctype html><html><head><title>tower-cors browser suite</title></head><body></body></html>")
}

fn case_key(uri: &Uri) -> String {
    uri.query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("case="))
        .unwrap_or("")
        .to_owned()
}

fn header(headers: &HeaderMap, name: impl axum::http::header::AsHeaderName) -> Option<&str> {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>"))
}

/// Outside the CORS layer: records every preflight and the status the layer
/// answered it with, so a preflight that reaches the application (or a
/// refused one that still runs it) shows up in the trace.
async fn at_the_layer(State(trace): State<Trace>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(method) = header(headers, ACCESS_CONTROL_REQUEST_METHOD)
        .filter(|_| request.method() == Method::OPTIONS)
    else {
        return next.run(request).await;
    };
    let mut line = format!("preflight {method}");
    if let Some(names) = header(headers, ACCESS_CONTROL_REQUEST_HEADERS) {
        line.push_str(&format!(" [{names}]"));
    }
    if let Some(pna) = header(headers, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK) {
        line.push_str(&format!(" +private-network={pna}"));
    }
    if headers.contains_key(COOKIE) {
        line.push_str(" +cookie");
    }
    let key = case_key(request.uri());
    let origin = header(headers, ORIGIN).map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    line.push_str(&format!(" -> {}", status.as_u16()));
    let answered = response.headers();
    if status.is_success() {
        // Debug mode's answer to a refusal: what the browser was told.
        if let Some(reason) = header(answered, CORS_REFUSAL) {
            let allow_origin = header(answered, ACCESS_CONTROL_ALLOW_ORIGIN);
            let same = allow_origin.is_some() && allow_origin == origin.as_deref();
            line.push_str(if same {
                " origin=echoed"
            } else {
                " origin=not-echoed"
            });
            for (name, short) in [
                (ACCESS_CONTROL_ALLOW_METHODS, "methods"),
                (ACCESS_CONTROL_ALLOW_HEADERS, "headers"),
            ] {
                if let Some(value) = header(answered, name) {
                    line.push_str(&format!(" {short}={value}"));
                }
            }
            line.push_str(&format!(" cors-refusal={reason}"));
        }
    } else if answered
        .keys()
        .any(|name| name.as_str().starts_with("access-control-"))
    {
        // A refusal must grant nothing.
        line.push_str(" +access-control-*");
    }
    trace.push(key, line);
    response
}

/// The application: records the call and answers `METHOD:body`, with one
/// header scripts may read when exposed (`x-request-id`, the case key) and
/// one no policy names (`x-secret`). `/set-cookie` also sets the session
/// cookie; `/cacheable` is cacheable.
async fn application(
    State(trace): State<Trace>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let key = case_key(&uri);
    let mut line = format!("app {method}");
    if let Some(cookie) = header(&headers, COOKIE) {
        line.push_str(&format!(" cookie={cookie}"));
    }
    if headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        line.push_str(" +access-control-request-method");
    }
    trace.push(key.clone(), line);

    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .header("x-request-id", key)
        .header("x-secret", SECRET_VALUE);
    match uri.path() {
        "/set-cookie" => {
            response = response.header(SET_COOKIE, format!("{COOKIE_VALUE}; Path=/; SameSite=Lax"));
        }
        // The browser's HTTP cache may reuse this answer for ten minutes,
        // for every Origin unless the response says `Vary: origin`.
        "/cacheable" => response = response.header(CACHE_CONTROL, "max-age=600"),
        _ => {}
    }
    response
        .body(Body::from(format!("{method}:{body}")))
        .unwrap_or_else(|e| panic!("response: {e}"))
}

// ---------------------------------------------------------------------------
// CSRF-guarded APIs (`browser/csrf.rs`)
// ---------------------------------------------------------------------------

/// Two API servers behind `CsrfLayer::from_policy(&policy)` inside
/// `CorsLayer::new(policy)`, the application being the same recording
/// `application`, with a blank page at `/` for same-origin forms:
///
/// - `local` (`http://localhost:A`): browsers send `Sec-Fetch-Site`, and
///   the guard decides by it; the policy allows `http://localhost:P` with
///   credentials.
/// - `plain` (`http://api.example.localhost:B`): the guard's rule for
///   plain-http sites, `Origin` against `Host`. Every `*.localhost` URL is
///   potentially trustworthy, so browsers send `Sec-Fetch-Site` to it too;
///   [`as_if_plain_http`] removes the `Sec-Fetch-*` headers before the
///   layers, as a browser would never have sent them to a plain-http site,
///   and leaves the browser's own `Origin`. The policy allows
///   `http://app.example.localhost:P`, without credentials.
///
/// `/ws` is a WebSocket echo (`browser/websocket.rs`) that records `app
/// WS` when its handler runs. Outside all layers, every request but a
/// plain `GET` is recorded under its case key, after the application's own
/// `app ...` line when it ran (see [`at_the_guard`]).
pub struct CsrfServers {
    pub local: u16,
    pub plain: u16,
    tasks: Vec<JoinHandle<()>>,
}

impl CsrfServers {
    pub const LOCAL_HOST: &'static str = "localhost";
    pub const PLAIN_HOST: &'static str = "api.example.localhost";
    /// The page host the plain API's policy allows.
    pub const PLAIN_ALLOWED_PAGE_HOST: &'static str = "app.example.localhost";

    pub async fn start(servers: &Servers) -> Result<CsrfServers, String> {
        let page = servers.page_port(PagePort::Main);
        let local_policy = Policy::builder()
            .allow_origins([format!("http://{}:{page}", Self::LOCAL_HOST)])
            .allow_methods(["POST", "PUT"])
            .allow_credentials(true)
            .build()
            .map_err(|e| format!("csrf local policy: {e}"))?;
        let plain_policy = Policy::builder()
            .allow_origins([format!("http://{}:{page}", Self::PLAIN_ALLOWED_PAGE_HOST)])
            .allow_methods(["POST", "PUT"])
            .build()
            .map_err(|e| format!("csrf plain policy: {e}"))?;
        let mut ports = [0; 2];
        let mut tasks = Vec::new();
        for ((port, policy), plain) in ports
            .iter_mut()
            .zip([local_policy, plain_policy])
            .zip([false, true])
        {
            let (listener, bound) = bind().await?;
            *port = bound;
            let mut router = Router::new()
                .route("/", axum::routing::get(self::page))
                .route("/ws", axum::routing::get(echo_socket))
                .fallback(application)
                .with_state(servers.trace.clone())
                .layer(tower_cors::csrf::CsrfLayer::from_policy(&policy))
                .layer(CorsLayer::new(policy))
                .layer(middleware::from_fn_with_state(
                    servers.trace.clone(),
                    at_the_guard,
                ));
            if plain {
                router = router.layer(middleware::from_fn(as_if_plain_http));
            }
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }));
        }
        Ok(CsrfServers {
            local: ports[0],
            plain: ports[1],
            tasks,
        })
    }
}

impl Drop for CsrfServers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The fetch metadata request headers (`Sec-Fetch-*`), which browsers send
/// only to potentially trustworthy URLs.
const SEC_FETCH: [&str; 4] = [
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-fetch-user",
];

/// The `Sec-Fetch-Site` the browser sent before [`as_if_plain_http`]
/// removed it, for the trace.
#[derive(Clone)]
struct RemovedFetchSite(Option<String>);

/// Test middleware, outermost on the plain API only: simulates what a
/// plain-http deployment receives. A browser sends no `Sec-Fetch-*` to a
/// URL that is not potentially trustworthy (plain http on a public host),
/// but every loopback name is potentially trustworthy, so no browser here
/// can reach the guard's `Origin`-against-`Host` rule by itself. This
/// removes the `Sec-Fetch-*` headers and nothing else: the `Origin` the
/// guard then judges is the one the browser sent, from a real form post or
/// `fetch`.
async fn as_if_plain_http(mut request: Request, next: Next) -> Response {
    let sent = header(request.headers(), SEC_FETCH[0]).map(str::to_owned);
    for name in SEC_FETCH {
        request.headers_mut().remove(name);
    }
    request.extensions_mut().insert(RemovedFetchSite(sent));
    next.run(request).await
}

/// Outside the CORS and CSRF layers (inside [`as_if_plain_http`]): records
/// every request but a `GET` (a WebSocket handshake, a `GET` with
/// `Upgrade`, is recorded too) as one line, `guard METHOD site=S origin=O ->
/// STATUS`, plus ` csrf-refusal=REASON` when the guard refused it. `S` is
/// the `Sec-Fetch-Site` the browser sent (`-` for none), followed by
/// `(removed)` when [`as_if_plain_http`] took it away before the guard;
/// `O` the `Origin` (`-` for none). A refused request thus shows up as
/// having reached the server, a pass as having run the application, and
/// either with the headers the guard judged.
async fn at_the_guard(State(trace): State<Trace>, request: Request, next: Next) -> Response {
    if request.method() == Method::GET && !request.headers().contains_key(UPGRADE) {
        return next.run(request).await;
    }
    let key = case_key(request.uri());
    let method = request.method().clone();
    let headers = request.headers();
    let site = match request.extensions().get::<RemovedFetchSite>() {
        Some(RemovedFetchSite(sent)) => format!("{}(removed)", sent.as_deref().unwrap_or("-")),
        None => header(headers, SEC_FETCH[0]).unwrap_or("-").to_owned(),
    };
    let origin = header(headers, ORIGIN).unwrap_or("-").to_owned();
    let response = next.run(request).await;
    let mut line = format!(
        "guard {method} site={site} origin={origin} -> {}",
        response.status().as_u16()
    );
    if let Some(reason) = header(response.headers(), tower_cors::csrf::CSRF_REFUSAL) {
        line.push_str(&format!(" csrf-refusal={reason}"));
    }
    trace.push(key, line);
    response
}

/// The guarded APIs' WebSocket route: records `app WS` under the case key
/// when the handler runs (only a handshake the guard passed gets here),
/// then answers every text message `m` with `echo:m`.
async fn echo_socket(
    State(trace): State<Trace>,
    uri: Uri,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    use axum::extract::ws::Message;

    trace.push(case_key(&uri), "app WS".to_owned());
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
