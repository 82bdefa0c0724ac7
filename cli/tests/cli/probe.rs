use std::sync::atomic::Ordering;

use serde_json::json;
use tower_cors::Policy;

use crate::servers::{
    broken_server, closed_port, silent_server, tower_cors_server, websocket_server,
};
use crate::{cors, cors_json};

const APP: &str = "https://app.example.com";

fn credentialed() -> Policy {
    Policy::builder()
        .allow_origins([APP])
        .allow_methods(["PUT", "DELETE"])
        .allow_headers(["content-type"])
        .expose_headers(["x-total"])
        .allow_credentials(true)
        .build()
        .expect("policy")
}

#[test]
fn tower_cors_credentialed_get_is_readable_with_exposed_headers() {
    let (addr, calls) = tower_cors_server(credentialed());
    let url = format!("http://{addr}/items");
    let (code, json) = cors_json(&[
        "probe",
        &url,
        "--origin",
        APP,
        "--credentials",
        "--cookie",
        "session=1",
    ]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["allowed"], true);
    assert_eq!(json["preflight"], false);
    assert_eq!(
        json["exposed"],
        json!(["content-length", "content-type", "x-total"])
    );
    assert_eq!(json["reason"], serde_json::Value::Null);
    assert_eq!(json["status"], 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn tower_cors_preflighted_put_passes_then_runs() {
    let (addr, calls) = tower_cors_server(credentialed());
    let url = format!("http://{addr}/items/1");
    let (code, out) = cors(&[
        "probe",
        &url,
        "--origin",
        APP,
        "--method",
        "PUT",
        "--header",
        "content-type:application/json",
        "--credentials",
    ]);
    assert_eq!(code, 0, "{out}");
    // What a browser sends, and the answer's CORS headers.
    assert!(
        out.contains(&format!("> preflight: OPTIONS {url}")),
        "{out}"
    );
    assert!(
        out.contains(">   access-control-request-method: PUT"),
        "{out}"
    );
    assert!(
        out.contains(">   access-control-request-headers: content-type"),
        "{out}"
    );
    assert!(out.contains(">   sec-fetch-mode: cors"), "{out}");
    assert!(out.contains(">   sec-fetch-site: cross-site"), "{out}");
    assert!(out.contains(">   sec-fetch-dest: empty"), "{out}");
    assert!(
        out.contains("<   access-control-allow-methods: PUT"),
        "{out}"
    );
    assert!(out.contains(&format!("> request: PUT {url}")), "{out}");
    assert!(
        out.contains("allowed: the page can read the response"),
        "{out}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the preflight never reaches the application"
    );
}

#[test]
fn tower_cors_refused_method_is_blocked_and_never_sent() {
    let (addr, calls) = tower_cors_server(credentialed());
    let url = format!("http://{addr}/items/1");
    let (code, json) = cors_json(&["probe", &url, "--origin", APP, "--method", "PATCH"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["allowed"], false);
    assert_eq!(json["preflight"], true);
    assert_eq!(json["exposed"], json!([]));
    // The layer refuses without CORS headers (no debug mode): the browser
    // sees no Access-Control-Allow-Origin; the layer's reason is on the wire.
    let reason = json["reason"].as_str().expect("a reason");
    assert!(
        reason.contains("Response to preflight request doesn't pass access control check"),
        "{reason}"
    );
    assert_eq!(json["server_refusal"], "method \"PATCH\" not allowed");
    assert!(
        json["fix"]
            .as_str()
            .expect("a fix")
            .contains("method \"PATCH\" not allowed"),
        "{json}"
    );
    let answer = &json["exchanges"][0]["response_headers"];
    assert!(
        answer
            .as_array()
            .expect("headers")
            .iter()
            .any(|h| h[0] == "cors-refusal" && h[1].as_str().unwrap_or("").contains("PATCH")),
        "{answer}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn tower_cors_refused_origin_is_blocked() {
    let (addr, _) = tower_cors_server(credentialed());
    let url = format!("http://{addr}/items");
    let (code, json) = cors_json(&["probe", &url, "--origin", "https://evil.example"]);
    assert_eq!(code, 1, "{json}");
    let reason = json["reason"].as_str().expect("a reason");
    assert!(
        reason.contains("No 'Access-Control-Allow-Origin' header is present"),
        "{reason}"
    );
}

#[test]
fn preflight_only_never_runs_the_request() {
    let (addr, calls) = tower_cors_server(credentialed());
    let url = format!("http://{addr}/items/1");
    let (code, json) = cors_json(&[
        "probe",
        &url,
        "--origin",
        APP,
        "--method",
        "DELETE",
        "--preflight-only",
    ]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["allowed"], true);
    assert_eq!(json["preflight"], true);
    assert_eq!(json["stopped_before_request"], true);
    assert_eq!(json["exchanges"].as_array().expect("exchanges").len(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn localhost_names_resolve_to_loopback() {
    let (addr, _) = tower_cors_server(credentialed());
    let url = format!("http://api.localhost:{}/items", addr.port());
    let (code, json) = cors_json(&["probe", &url, "--origin", APP]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn any_origin_allows_null_but_not_with_credentials() {
    let policy = Policy::builder()
        .allow_any_origin()
        .build()
        .expect("policy");
    let (addr, _) = tower_cors_server(policy);
    let url = format!("http://{addr}/");
    let (code, json) = cors_json(&["probe", &url, "--origin", "null"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["exposed"], json!(["content-length", "content-type"]));
    let (code, json) = cors_json(&["probe", &url, "--origin", "null", "--credentials"]);
    assert_eq!(code, 1, "{json}");
    assert!(
        json["reason"]
            .as_str()
            .expect("reason")
            .contains("must not be the wildcard '*'"),
        "{json}"
    );
}

#[test]
fn tower_http_layer_is_judged_the_same_way() {
    use axum::http::{header, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};

    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::exact(HeaderValue::from_static(APP)))
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([header::HeaderName::from_static("x-total")]);
    let addr = crate::servers::serve(crate::servers::app(calls.clone()).layer(layer));
    let url = format!("http://{addr}/items/1");
    let (code, json) = cors_json(&[
        "probe",
        &url,
        "--origin",
        APP,
        "--method",
        "PUT",
        "--header",
        "content-type:application/json",
    ]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["preflight"], true);
    assert!(
        json["exposed"]
            .as_array()
            .expect("exposed")
            .contains(&json!("x-total")),
        "{json}"
    );
    let (code, json) = cors_json(&["probe", &url, "--origin", APP, "--method", "DELETE"]);
    assert_eq!(code, 1, "{json}");
    assert!(
        json["reason"]
            .as_str()
            .expect("reason")
            .contains("Method DELETE is not allowed"),
        "{json}"
    );
    let (code, _) = cors_json(&["probe", &url, "--origin", "https://evil.example"]);
    assert_eq!(code, 1);
}

#[test]
fn broken_servers_are_blocked_for_the_right_reason() {
    let addr = broken_server();
    let url = |path: &str| format!("http://{addr}{path}");
    let cases: [(&str, &[&str], &str); 4] = [
        ("/duplicate", &[], "contains multiple values"),
        (
            "/star-credentials",
            &["--credentials"],
            "must not be the wildcard '*'",
        ),
        (
            "/redirect-preflight",
            &["--method", "PUT"],
            "Redirect is not allowed for a preflight request.",
        ),
        (
            "/error",
            &["--method", "PUT"],
            "It does not have HTTP ok status.",
        ),
    ];
    for (path, extra, expected) in cases {
        let target = url(path);
        let mut args = vec!["probe", target.as_str(), "--origin", APP];
        args.extend_from_slice(extra);
        let (code, json) = cors_json(&args);
        assert_eq!(code, 1, "{path}: {json}");
        assert_eq!(json["allowed"], false, "{path}");
        let reason = json["reason"].as_str().unwrap_or_default();
        assert!(reason.contains(expected), "{path}: {reason}");
    }
}

#[test]
fn a_500_with_cors_headers_is_readable() {
    let addr = broken_server();
    let (code, json) = cors_json(&["probe", &format!("http://{addr}/error"), "--origin", APP]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["status"], 500);
}

#[test]
fn redirects_of_the_request_are_checked_and_followed() {
    let addr = broken_server();
    let (code, json) = cors_json(&["probe", &format!("http://{addr}/moved"), "--origin", APP]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["redirects"], json!([format!("http://{addr}/target")]));
    assert!(
        json["exposed"]
            .as_array()
            .expect("exposed")
            .contains(&json!("x-total")),
        "{json}"
    );
    assert_eq!(json["exchanges"].as_array().expect("exchanges").len(), 2);

    let (code, json) = cors_json(&[
        "probe",
        &format!("http://{addr}/moved-without-cors"),
        "--origin",
        APP,
    ]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        json["exchanges"].as_array().expect("exchanges").len(),
        1,
        "not followed"
    );
}

#[test]
fn websocket_handshakes_accepted_or_refused_by_origin() {
    let addr = websocket_server(APP);
    let url = format!("ws://{addr}/socket");
    let (code, json) = cors_json(&["probe", &url, "--origin", APP]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["allowed"], true);
    assert_eq!(json["status"], 101);
    assert_eq!(json["preflight"], false);
    let (code, json) = cors_json(&["probe", &url, "--origin", "https://evil.example"]);
    assert_eq!(code, 1, "{json}");
    let reason = json["reason"].as_str().expect("reason");
    assert!(
        reason.contains("Error during WebSocket handshake: Unexpected response code: 403"),
        "{reason}"
    );
}

#[test]
fn network_and_usage_errors_exit_2() {
    let (code, json) = cors_json(&[
        "probe",
        &format!("http://127.0.0.1:{}/", closed_port()),
        "--origin",
        APP,
    ]);
    assert_eq!(code, 2, "{json}");
    assert!(
        json["error"]
            .as_str()
            .expect("error")
            .contains("cannot connect"),
        "{json}"
    );

    let silent = silent_server();
    let (code, out) = cors(&[
        "probe",
        &format!("http://{silent}/"),
        "--origin",
        APP,
        "--timeout",
        "0.5",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no answer within"), "{out}");

    let (code, out) = cors(&["probe", "ftp://example.com/", "--origin", APP]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = cors(&[
        "probe",
        "http://127.0.0.1:1/",
        "--origin",
        "https://app.example.com/",
    ]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = cors(&[
        "probe",
        "http://127.0.0.1:1/",
        "--origin",
        APP,
        "--header",
        "cookie:a=1",
    ]);
    assert_eq!(code, 2, "{out}");
    let (code, _) = cors(&["probe", "http://127.0.0.1:1/"]);
    assert_eq!(code, 2, "--origin is required");
}
