//! `examples/axum.rs` as a user copies it: the CSRF guard beside the CORS
//! layer refuses a forged cross-site form post before the handler, and lets
//! the trusted front end's requests and preflights through.

// The example's credentialed wildcard origin needs the Public Suffix List.
#![cfg(feature = "public-suffix")]

#[allow(dead_code)]
#[path = "../examples/axum.rs"]
mod example;

use axum::body::Body;
use http::{Request, Response, StatusCode};
use tower::ServiceExt;

async fn send(request: Request<Body>) -> Response<Body> {
    let policy = example::policy().expect("the example's policy builds");
    example::app(policy)
        .oneshot(request)
        .await
        .expect("the router is infallible")
}

fn form_post(origin: &str, site: &str) -> Request<Body> {
    Request::post("/api/todos")
        .header("host", "api.example.com")
        .header("origin", origin)
        .header("sec-fetch-site", site)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("title=pay+the+attacker"))
        .unwrap()
}

#[tokio::test]
async fn a_forged_cross_site_form_post_is_refused_by_the_guard() {
    let response = send(form_post("https://evil.example", "cross-site")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["csrf-refusal"], "cross-site request");
}

#[tokio::test]
async fn the_trusted_front_end_posts_through_both_layers() {
    let request = Request::post("/api/todos")
        .header("host", "api.example.com")
        .header("origin", "https://app.example.com")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"title":"buy milk"}"#))
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert!(response.headers().get("csrf-refusal").is_none());
}

#[tokio::test]
async fn a_preview_deployment_is_trusted_too() {
    let request = Request::post("/api/todos")
        .header("host", "api.example.com")
        .header("origin", "https://pr-7.preview.example.com")
        .header("sec-fetch-site", "same-site")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"title":"review"}"#))
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn preflights_are_answered_by_the_cors_layer() {
    let request = Request::options("/api/todos")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
}
