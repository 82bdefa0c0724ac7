//! Servers on 127.0.0.1 for the probes, each on its own thread and port.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, Response, StatusCode};
use axum::routing::any;
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Runs `server` on its own thread and runtime with a listener on a free
/// port of 127.0.0.1, until the process ends; returns the address.
pub fn on_free_port<F, Fut>(server: F) -> SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            server(listener).await;
        });
    });
    addr
}

/// Serves `router` on a free port of 127.0.0.1 until the process ends.
pub fn serve(router: Router) -> SocketAddr {
    on_free_port(|listener| async move {
        axum::serve(listener, router).await.expect("serve");
    })
}

/// The application behind the layers: counts the requests it runs, and
/// answers with a header a policy may expose.
pub fn app(calls: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(any(move || {
        let calls = calls.clone();
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            ([("x-total", "3"), ("x-internal", "secret")], "items")
        }
    }))
}

/// This crate's layer with `policy` in front of [`app`].
pub fn tower_cors_server(policy: tower_cors::Policy) -> (SocketAddr, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let router = app(calls.clone()).layer(tower_cors::CorsLayer::new(policy));
    (serve(router), calls)
}

/// Deliberately broken CORS, by path.
pub fn broken_server() -> SocketAddr {
    async fn broken(request: Request) -> Response<Body> {
        let origin = request
            .headers()
            .get("origin")
            .cloned()
            .unwrap_or(HeaderValue::from_static("null"));
        let preflight = request.method() == Method::OPTIONS;
        let mut response = Response::builder();
        match request.uri().path() {
            // Two Access-Control-Allow-Origin lines.
            "/duplicate" => {
                response = response
                    .header("access-control-allow-origin", origin.clone())
                    .header("access-control-allow-origin", "*");
            }
            // `*` together with credentials.
            "/star-credentials" => {
                response = response
                    .header("access-control-allow-origin", "*")
                    .header("access-control-allow-credentials", "true")
                    .header("access-control-allow-methods", "PUT");
            }
            // A redirected preflight; the request itself would be fine.
            "/redirect-preflight" if preflight => {
                response = response
                    .status(StatusCode::TEMPORARY_REDIRECT)
                    .header("location", "/elsewhere")
                    .header("access-control-allow-origin", origin.clone());
            }
            // A 500 with the right headers.
            "/error" => {
                response = response
                    .status(StatusCode::INTERNAL_SERVER_ERROR)
                    .header("access-control-allow-origin", origin.clone())
                    .header("access-control-allow-methods", "PUT");
            }
            // A redirect of the request itself, CORS-approved, to a
            // resource that allows the page.
            "/moved" => {
                response = response
                    .status(StatusCode::FOUND)
                    .header("location", "/target")
                    .header("access-control-allow-origin", "*");
            }
            "/target" => {
                response = response
                    .header("access-control-allow-origin", "*")
                    .header("access-control-expose-headers", "x-total")
                    .header("x-total", "3");
            }
            // A redirect without CORS headers: blocked before it is followed.
            "/moved-without-cors" => {
                response = response
                    .status(StatusCode::FOUND)
                    .header("location", "/target");
            }
            _ => {}
        }
        response.body(Body::empty()).expect("response")
    }
    serve(Router::new().fallback(any(broken)))
}

/// A WebSocket endpoint that accepts handshakes from `allowed` only (a
/// raw socket: the test reads the request line by line).
pub fn websocket_server(allowed: &'static str) -> SocketAddr {
    on_free_port(move |listener| async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let upgrade = head.contains("\r\nupgrade: websocket\r\n")
                    && head.contains("\r\nsec-websocket-version: 13\r\n");
                let origin_ok = head.contains(&format!("\r\norigin: {allowed}\r\n"));
                let answer = match upgrade && origin_ok {
                        true => "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: x\r\n\r\n",
                        false => "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n",
                    };
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.flush().await;
            });
        }
    })
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A server that accepts connections and never answers.
pub fn silent_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for socket in listener.incoming().flatten() {
            held.push(socket);
        }
    });
    addr
}
