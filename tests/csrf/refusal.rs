//! The refusal response, default and custom, and the guard inside the
//! CORS layer in axum.

use crate::support::*;

#[test]
fn a_custom_refusal_replaces_the_default() {
    let app = CountingApp::default();
    let layer = CsrfLayer::new().refuse_with(|refused: &Refused| {
        let mut response = Response::new(format!("custom: {}", refused.summary()));
        *response.status_mut() = StatusCode::IM_A_TEAPOT;
        response
    });
    let mut service = layer.layer(app.clone());
    let response = call_now(&mut service, cross_site_from(EVIL));
    assert_eq!(app.calls(), 0);
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(response.body(), "custom: cross-site request");
    // The reason is in the extensions whatever built the response.
    assert_eq!(response.extensions().get(), Some(&Refused::CrossSite));
    // A pass still reaches the application.
    let same = request("POST", "/", &[("sec-fetch-site", b"same-origin")]);
    let response = call_now(&mut service, same);
    assert_eq!((app.calls(), response.body().as_str()), (1, "app"));
}

#[test]
fn refusal_texts_are_fixed_and_say_no_request_data() {
    for refused in [
        Refused::CrossSite,
        Refused::SameSite,
        Refused::UnrecognizedFetchSite,
        Refused::OriginMismatch,
    ] {
        let response = refused.response(());
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.headers()[CSRF_REFUSAL], refused.summary());
        assert!(refused.body_text().ends_with('\n'));
        assert!(refused
            .to_string()
            .starts_with("cross-origin request refused"));
    }
}

// ---------------------------------------------------------------------------
// With the CORS layer, in axum
// ---------------------------------------------------------------------------

#[tokio::test]
async fn inside_the_cors_layer_refusals_carry_cors_headers() {
    use axum::body::Body;
    use axum::routing::post;
    use tower::ServiceExt;
    use tower_cors::CorsLayer;

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let policy = Policy::builder()
        .allow_origins([APP])
        .allow_methods(["POST", "PUT"])
        .allow_credentials(true)
        .build()
        .expect("policy");
    // The guard trusts a narrower set than CORS here, to produce a
    // refusal for an origin CORS allows.
    let app: axum::Router = axum::Router::new()
        .route(
            "/transfer",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { "done" }
            }),
        )
        .layer(CsrfLayer::new())
        .layer(CorsLayer::new(policy));

    let forged = Request::post("/transfer")
        .header("sec-fetch-site", "same-site")
        .header("origin", APP)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(forged).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(response.headers()[CSRF_REFUSAL], "same-site request");
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // Preflights are CORS's business and never reach the guard's handler.
    let preflight = Request::options("/transfer")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(preflight).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let same = Request::post("/transfer")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(same).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_custom_refusal_works_in_an_axum_router() {
    use axum::body::Body;
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::post;
    use tower::ServiceExt;

    let app: axum::Router = axum::Router::new()
        .route("/transfer", post(|| async { "done" }))
        .layer(
            CsrfLayer::new().refuse_with(|refused: &Refused| -> axum::response::Response {
                let mut response = Redirect::to("/session-expired").into_response();
                response
                    .headers_mut()
                    .insert(CSRF_REFUSAL, HeaderValue::from_static(refused.summary()));
                response
            }),
        );
    let forged = Request::post("/transfer")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(forged).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/session-expired");
    assert_eq!(response.headers()[CSRF_REFUSAL], "cross-site request");
    assert_eq!(response.extensions().get(), Some(&Refused::CrossSite));
}
