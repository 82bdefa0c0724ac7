//! The layer on a real axum 0.8 `Router`, driven with `oneshot`: preflights
//! never reach axum's routing, everything else does and gets decorated.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ALLOW,
    CONTENT_LENGTH, VARY,
};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use tower::{Layer, ServiceExt};
use tower_cors::policy::CORS_REFUSAL;
use tower_cors::{CorsLayer, Policy, Refusal};

const ALLOWED: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origins([ALLOWED])
        .allow_methods(["PUT", "DELETE"])
        .allow_headers(["content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(300))
        .build()
        .expect("valid policy")
}

fn routes() -> Router {
    Router::new()
        .route(
            "/items",
            get(|| async { ([("x-request-id", "42")], "items") }).post(|| async { "created" }),
        )
        .route(
            "/negotiated",
            get(|| async { ([(VARY, "accept-language")], "hallo") }),
        )
}

/// The usual setup: `Router::layer`, which axum applies inside each route's
/// method router (and to the fallback).
fn app() -> Router {
    routes().layer(CorsLayer::new(policy()))
}

fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).expect("valid request")
}

async fn send(request: Request<Body>) -> (Response<()>, String) {
    send_to(app(), request).await
}

async fn send_to<S>(service: S, request: Request<Body>) -> (Response<()>, String)
where
    S: tower::Service<Request<Body>, Response = Response<Body>>,
    S::Error: std::fmt::Debug,
{
    let response = service.oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.expect("body");
    (
        Response::from_parts(parts, ()),
        String::from_utf8(bytes.to_vec()).expect("utf-8 body"),
    )
}

fn values(headers: &HeaderMap, name: impl axum::http::header::AsHeaderName) -> Vec<&str> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ascii"))
        .collect()
}

/// Names of the `Access-Control-*` headers present, sorted.
fn cors_names(headers: &HeaderMap) -> Vec<&str> {
    let mut names: Vec<&str> = headers
        .keys()
        .map(|n| n.as_str())
        .filter(|n| n.starts_with("access-control-"))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn preflight_is_answered_for_a_route_without_options_or_put_handler() {
    let (response, body) = send(request(
        "OPTIONS",
        "/items",
        &[
            ("origin", ALLOWED),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
        ],
    ))
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let h = response.headers();
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_ORIGIN), [ALLOWED]);
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_METHODS), ["PUT,DELETE"]);
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_HEADERS), ["content-type"]);
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_CREDENTIALS), ["true"]);
    assert_eq!(values(h, ACCESS_CONTROL_MAX_AGE), ["300"]);
    assert_eq!(values(h, VARY), ["origin"]);
    // The layer runs inside axum's method router, which still stamps its
    // `Allow` and `Content-Length` on whatever the fallback answered.
    // Harmless for the browser, which reads only the CORS headers.
    assert_eq!(values(h, ALLOW), ["GET,HEAD,POST"]);
    assert_eq!(values(h, CONTENT_LENGTH), ["0"]);
    assert_eq!(h.len(), 8, "unexpected headers: {h:?}");
    assert_eq!(body, "");
}

#[tokio::test]
async fn layer_around_the_whole_router_answers_preflights_before_routing() {
    let service = CorsLayer::new(policy()).layer(routes());
    let (response, body) = send_to(
        service,
        request(
            "OPTIONS",
            "/items",
            &[
                ("origin", ALLOWED),
                ("access-control-request-method", "DELETE"),
            ],
        ),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let mut names: Vec<&str> = response.headers().keys().map(|n| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "access-control-allow-credentials",
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-max-age",
            "vary"
        ]
    );
    assert_eq!(body, "");
}

#[tokio::test]
async fn preflight_is_answered_even_for_an_unknown_path() {
    let (response, body) = send(request(
        "OPTIONS",
        "/nowhere",
        &[
            ("origin", ALLOWED),
            ("access-control-request-method", "DELETE"),
        ],
    ))
    .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
        [ALLOWED]
    );
    assert_eq!(body, "");
}

#[tokio::test]
async fn refused_preflight_is_403_without_cors_headers() {
    let cases: &[(&str, &str, Refusal)] = &[
        ("https://evil.example", "PUT", Refusal::OriginNotAllowed),
        (ALLOWED, "PATCH", Refusal::MethodNotAllowed(Method::PATCH)),
        (
            ALLOWED,
            "delete",
            Refusal::MethodNotAllowed(Method::from_bytes(b"delete").unwrap()),
        ),
    ];
    for (origin, method, refusal) in cases {
        let (response, body) = send(request(
            "OPTIONS",
            "/items",
            &[
                ("origin", origin),
                ("access-control-request-method", method),
            ],
        ))
        .await;

        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{origin} {method}"
        );
        assert_eq!(cors_names(response.headers()), Vec::<&str>::new());
        assert_eq!(values(response.headers(), VARY), ["origin"]);
        assert_eq!(
            values(response.headers(), CORS_REFUSAL),
            [refusal.to_string()]
        );
        assert_eq!(body, "");
    }
}

#[tokio::test]
async fn actual_request_gets_cors_headers_and_keeps_the_handler_answer() {
    let (response, body) = send(request("GET", "/items", &[("origin", ALLOWED)])).await;

    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers();
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_ORIGIN), [ALLOWED]);
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_CREDENTIALS), ["true"]);
    assert_eq!(values(h, ACCESS_CONTROL_EXPOSE_HEADERS), ["x-request-id"]);
    assert_eq!(values(h, VARY), ["origin"]);
    assert_eq!(values(h, "x-request-id"), ["42"]);
    assert_eq!(
        cors_names(h),
        [
            "access-control-allow-credentials",
            "access-control-allow-origin",
            "access-control-expose-headers"
        ]
    );
    assert_eq!(body, "items");

    let (response, body) = send(request(
        "POST",
        "/items",
        &[("origin", ALLOWED), ("content-type", "text/plain")],
    ))
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
        [ALLOWED]
    );
    assert_eq!(body, "created");
}

#[tokio::test]
async fn disallowed_origin_gets_the_handler_answer_with_vary_only() {
    let (response, body) = send(request(
        "GET",
        "/items",
        &[("origin", "https://evil.example")],
    ))
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cors_names(response.headers()), Vec::<&str>::new());
    assert_eq!(values(response.headers(), VARY), ["origin"]);
    assert_eq!(body, "items");
}

#[tokio::test]
async fn unknown_route_404_still_gets_cors_headers_and_vary() {
    let (response, body) = send(request("GET", "/nowhere", &[("origin", ALLOWED)])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
        [ALLOWED]
    );
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_CREDENTIALS),
        ["true"]
    );
    assert_eq!(values(response.headers(), VARY), ["origin"]);
    assert_eq!(body, "");

    // Without Origin, a cache still has to be told.
    let (response, _) = send(request("GET", "/nowhere", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(cors_names(response.headers()), Vec::<&str>::new());
    assert_eq!(values(response.headers(), VARY), ["origin"]);
}

#[tokio::test]
async fn handler_vary_is_kept_and_origin_appended() {
    for origin in [Some(ALLOWED), Some("https://evil.example"), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        let (response, body) = send(request("GET", "/negotiated", &headers)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            values(response.headers(), VARY),
            ["accept-language", "origin"],
            "{origin:?}"
        );
        assert_eq!(body, "hallo");
    }
}

#[tokio::test]
async fn plain_options_goes_to_axum_which_answers_405() {
    // No Access-Control-Request-Method: not a preflight, so axum's method
    // router answers it, and the layer only decorates that answer.
    let (response, body) = send(request("OPTIONS", "/items", &[("origin", ALLOWED)])).await;

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(values(response.headers(), ALLOW), ["GET,HEAD,POST"]);
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
        [ALLOWED]
    );
    assert_eq!(values(response.headers(), VARY), ["origin"]);
    assert_eq!(response.headers().get(CORS_REFUSAL), None);
    assert_eq!(body, "");
}

/// The whole-router form is a `Cors<Router>`, not a `Router`, so
/// `axum::serve` takes it through axum's `ServiceExt::into_make_service`,
/// as the README and the crate docs show. Served over a real socket, the
/// preflight is answered before routing (no `Allow`), and other requests
/// still reach the handlers.
#[tokio::test]
async fn whole_router_layer_serves_with_axum_serve_through_into_make_service() {
    use axum::extract::Request as AxumRequest;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn exchange(addr: std::net::SocketAddr, head: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .expect("answered in time")
            .expect("read");
        String::from_utf8(answer).expect("utf-8 answer")
    }

    /// The status line and the header lines, lowercased (hyper may write
    /// names in any case), without the body.
    fn head_lines(answer: &str) -> Vec<String> {
        answer
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .lines()
            .map(str::to_ascii_lowercase)
            .collect()
    }

    let app = CorsLayer::new(policy()).layer(routes());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local address");
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<AxumRequest>::into_make_service(app),
        )
        .await
    });

    let preflight = format!(
        "OPTIONS /items HTTP/1.1\r\nhost: {addr}\r\norigin: {ALLOWED}\r\n\
         access-control-request-method: DELETE\r\nconnection: close\r\n\r\n"
    );
    let lines = head_lines(&exchange(addr, &preflight).await);
    assert_eq!(lines[0], "http/1.1 204 no content", "{lines:?}");
    assert!(lines.contains(&format!("access-control-allow-origin: {ALLOWED}")));
    assert!(lines.contains(&"access-control-allow-methods: put,delete".to_owned()));
    assert!(
        !lines.iter().any(|line| line.starts_with("allow:")),
        "answered before axum's method router: {lines:?}"
    );

    let get = format!(
        "GET /items HTTP/1.1\r\nhost: {addr}\r\norigin: {ALLOWED}\r\nconnection: close\r\n\r\n"
    );
    let answer = exchange(addr, &get).await;
    let lines = head_lines(&answer);
    assert_eq!(lines[0], "http/1.1 200 ok", "{lines:?}");
    assert!(lines.contains(&format!("access-control-allow-origin: {ALLOWED}")));
    assert!(lines.contains(&"x-request-id: 42".to_owned()));
    assert!(answer.ends_with("\r\n\r\nitems"), "{answer:?}");

    server.abort();
}

/// What the crate docs say about placing the layer in axum: `Router::layer`
/// covers only the routes added before it, and neither `route_layer` nor a
/// layer on a nested router sees a path that matches no route.
#[tokio::test]
async fn router_layer_covers_routes_added_before_it_and_route_layer_skips_unknown_paths() {
    let preflight = |path: &str| {
        request(
            "OPTIONS",
            path,
            &[
                ("origin", ALLOWED),
                ("access-control-request-method", "PUT"),
            ],
        )
    };

    let late = routes()
        .layer(CorsLayer::new(policy()))
        .route("/late", get(|| async { "late" }));
    let (response, _) = send_to(late.clone(), preflight("/items")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (response, _) = send_to(late, preflight("/late")).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(cors_names(response.headers()), Vec::<&str>::new());

    let route_layered = routes().route_layer(CorsLayer::new(policy()));
    let (response, _) = send_to(route_layered.clone(), preflight("/items")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (response, _) = send_to(route_layered, preflight("/nowhere")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(cors_names(response.headers()), Vec::<&str>::new());
    assert_eq!(response.headers().get(VARY), None);

    let nested = Router::new().nest("/api", routes().layer(CorsLayer::new(policy())));
    let (response, _) = send_to(nested.clone(), preflight("/api/items")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (response, _) = send_to(nested, preflight("/api/nowhere")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(cors_names(response.headers()), Vec::<&str>::new());
}

/// `CorsLayer::reloadable` on a router: the handle replaces the policy
/// between two requests, and the next preflight and the next actual request
/// get the new policy's answer from the same router, with no restart.
#[tokio::test]
async fn a_handle_replaces_the_policy_between_two_requests() {
    const ADDED: &str = "https://shop.customer.example";
    let (layer, handle) = CorsLayer::reloadable(policy());
    let app = routes().layer(layer);
    let preflight = |origin| {
        request(
            "OPTIONS",
            "/items",
            &[
                ("origin", origin),
                ("access-control-request-method", "DELETE"),
            ],
        )
    };
    let get = |origin| request("GET", "/items", &[("origin", origin)]);

    let (response, _) = send_to(app.clone(), preflight(ADDED)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (response, _) = send_to(app.clone(), get(ADDED)).await;
    assert_eq!(response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN), None);

    // The new configuration: the customer's front-end is added, the old
    // one dropped, and it no longer allows `DELETE` nor credentials.
    handle.replace(
        Policy::builder()
            .allow_origins([ADDED])
            .allow_methods(["PUT"])
            .max_age(Duration::from_secs(60))
            .build()
            .expect("valid policy"),
    );

    let (response, _) = send_to(app.clone(), preflight(ADDED)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        values(response.headers(), CORS_REFUSAL),
        ["method \"DELETE\" not allowed"]
    );
    let (response, _) = send_to(
        app.clone(),
        request(
            "OPTIONS",
            "/items",
            &[("origin", ADDED), ("access-control-request-method", "PUT")],
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let h = response.headers();
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_ORIGIN), [ADDED]);
    assert_eq!(values(h, ACCESS_CONTROL_ALLOW_METHODS), ["PUT"]);
    assert_eq!(values(h, ACCESS_CONTROL_MAX_AGE), ["60"]);
    assert_eq!(h.get(ACCESS_CONTROL_ALLOW_CREDENTIALS), None);

    let (response, body) = send_to(app.clone(), get(ADDED)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        values(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
        [ADDED]
    );
    assert_eq!(response.headers().get(ACCESS_CONTROL_EXPOSE_HEADERS), None);
    assert_eq!(body, "items");

    // The origin the new policy dropped is refused from now on.
    let (response, _) = send_to(app.clone(), get(ALLOWED)).await;
    assert_eq!(response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN), None);
    assert_eq!(values(response.headers(), VARY), ["origin"]);
    let (response, _) = send_to(app, preflight(ALLOWED)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        values(response.headers(), CORS_REFUSAL),
        ["origin not allowed"]
    );
}
