//! The record of decisions: a middleware outside each `CorsLayer` asks the
//! same policy what it decides, notes what the answer carried, and the page
//! reads it all from `/decisions`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{RawQuery, Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokio::sync::Notify;
use tower_cors::csrf::CSRF_REFUSAL;
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{Decision, Policy, RequestKind};

use crate::api::{X_INTERNAL, X_REQUEST_ID};

/// How many decisions to remember; older ones are dropped.
const LOG_CAPACITY: usize = 1000;

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
    /// Its `csrf-refusal` reason, if any: the `CsrfLayer` refused it
    /// before the handler (the CORS layer outside it may refuse the origin
    /// too, but only hides the answer).
    csrf_refusal: Option<String>,
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
            "csrf_refusal": self.csrf_refusal,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct DecisionLog {
    state: Arc<Mutex<LogState>>,
    /// Woken whenever an entry gets its answer or a case is released
    /// (`wait.rs`).
    changes: Arc<Notify>,
}

#[derive(Debug, Default)]
struct LogState {
    next_id: u64,
    entries: VecDeque<Entry>,
    /// `run/case` of the cases the page said are over (`wait.rs`), the
    /// newest [`LOG_CAPACITY`] of them.
    released: VecDeque<String>,
}

impl DecisionLog {
    fn with<T>(&self, f: impl FnOnce(&mut LogState) -> T) -> T {
        // A panic elsewhere cannot leave the log half-written: every update
        // is a single push or field store.
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
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

impl DecisionLog {
    /// Whether the API has answered a request of `run` and `case`.
    pub fn has_answered(&self, run: &str, case: &str) -> bool {
        self.with(|state| {
            state
                .entries
                .iter()
                .any(|entry| entry.run == run && entry.case == case && entry.status != 0)
        })
    }

    /// Notes that the page is done with `key`, and wakes the waiters.
    pub fn release(&self, key: String) {
        self.with(|state| {
            if state.released.len() == LOG_CAPACITY {
                state.released.pop_front();
            }
            state.released.push_back(key);
        });
        self.changes.notify_waiters();
    }

    /// Whether the page said it is done with `key`.
    pub fn is_released(&self, key: &str) -> bool {
        self.with(|state| state.released.iter().any(|released| released == key))
    }

    /// Woken whenever an entry gets its answer or a key is released.
    pub fn changes(&self) -> &Notify {
        &self.changes
    }
}

/// Put in each API request's extensions by [`record`]; handlers call
/// [`AppReached::mark`], so a request the CORS layer answered itself (a
/// preflight) stays unmarked.
#[derive(Debug, Clone)]
pub struct AppReached {
    log: DecisionLog,
    /// The request's entry in the record.
    pub id: u64,
}

impl AppReached {
    pub fn mark(&self) {
        self.log.update(self.id, |entry| entry.reached_app = true);
    }

    /// Ends the page's wait for this request's case (`wait.rs`).
    pub fn release_case(&self) {
        let key = self.log.with(|state| {
            state
                .entries
                .iter()
                .rev()
                .find(|entry| entry.id == self.id)
                .map(|entry| format!("{}/{}", entry.run, entry.case))
        });
        if let Some(key) = key {
            self.log.release(key);
        }
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
pub struct Recorder {
    /// The same policy as the CORS layer inside this middleware.
    pub policy: Policy,
    pub log: DecisionLog,
}

/// Records the policy's decision, then passes the request on to the CORS
/// layer, which decides again by itself: the record is an observer, not a
/// second source of truth.
pub async fn record(
    State(recorder): State<Recorder>,
    mut request: Request,
    next: Next,
) -> Response {
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
        csrf_refusal: None,
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
    let csrf_refusal = response.headers().get(CSRF_REFUSAL).map(text);
    recorder.log.update(id, |entry| {
        entry.status = status;
        entry.answered = answered;
        entry.refusal = refusal;
        entry.csrf_refusal = csrf_refusal;
    });
    recorder.log.changes.notify_waiters();
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
pub fn query_param<'a>(query: Option<&'a str>, name: &str) -> &'a str {
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
pub async fn decisions(
    State(log): State<DecisionLog>,
    RawQuery(query): RawQuery,
) -> impl IntoResponse {
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
