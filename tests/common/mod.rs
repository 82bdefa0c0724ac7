//! Helpers shared by the integration tests. This file holds a stand-in
//! application for the layer tests: it records every request it receives
//! and answers with headers of its own, so that a test can tell what the
//! layer added, what it kept, and whether the app was reached. Example
//! policies are in [`policies`].
//!
//! `model_policies.rs` is not declared here: it needs the `model` module,
//! so the files that declare `mod model;` include it with `#[path]`.
//!
//! Each test crate uses a different part of it, hence the `allow`.
#![allow(dead_code)]

pub mod events;
pub mod policies;

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, VARY};
use http::{HeaderMap, Request, Response, StatusCode};
use tower::Service;

/// The body every response of the [`App`] carries.
pub const APP_BODY: &str = "app body";

/// What the app saw of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
}

/// The requests an [`App`] (and all its clones) received, in order.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    pub fn seen(&self) -> Vec<Seen> {
        self.0.lock().expect("recorder lock").clone()
    }

    pub fn count(&self) -> usize {
        self.0.lock().expect("recorder lock").len()
    }
}

/// The mock application: `200`, `x-app: 1`, `content-type: text/plain`,
/// `Vary: accept-encoding` (or the configured Vary lines), any extra
/// headers, and [`APP_BODY`].
#[derive(Debug, Clone)]
pub struct App {
    recorder: Recorder,
    vary: Vec<&'static str>,
    extra: Vec<(HeaderName, HeaderValue)>,
}

impl App {
    pub fn new() -> (App, Recorder) {
        let recorder = Recorder::default();
        let app = App {
            recorder: recorder.clone(),
            vary: vec!["accept-encoding"],
            extra: Vec::new(),
        };
        (app, recorder)
    }

    /// Replaces the app's own `Vary` lines (none for an empty slice).
    pub fn with_vary(mut self, lines: &[&'static str]) -> App {
        self.vary = lines.to_vec();
        self
    }

    /// Adds a header of the app's own to every response.
    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> App {
        self.extra.push((name, HeaderValue::from_static(value)));
        self
    }

    /// The response the app gives, without any layer: the baseline a test
    /// compares the layer's output with.
    pub fn response(&self) -> Response<String> {
        let mut response = Response::new(APP_BODY.to_owned());
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert("x-app", HeaderValue::from_static("1"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        for line in &self.vary {
            headers.append(VARY, HeaderValue::from_static(line));
        }
        for (name, value) in &self.extra {
            headers.append(name.clone(), value.clone());
        }
        response
    }
}

impl<B> Service<Request<B>> for App {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.recorder.0.lock().expect("recorder lock").push(Seen {
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
            headers: request.headers().clone(),
        });
        ready(Ok(self.response()))
    }
}
