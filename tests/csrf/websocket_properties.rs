//! Properties of WebSocket handshakes over generated requests: however the
//! `Upgrade` list spells `websocket`, and whatever the method that can
//! carry a handshake, an untrusted cross-site one never reaches the
//! application.

use proptest::prelude::*;

use crate::support::*;

/// `websocket` in a random case, padded with spaces and tabs, perhaps with
/// a version.
fn websocket_item() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(any::<bool>(), 9),
        "[ \t]{0,3}",
        "[ \t]{0,3}",
        prop::option::of("/[0-9]{1,2}"),
    )
        .prop_map(|(upper, before, after, version)| {
            let name: String = "websocket"
                .chars()
                .zip(upper)
                .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            format!("{before}{name}{}{after}", version.unwrap_or_default())
        })
}

/// Other items of an `Upgrade` list, empty ones included.
fn other_item() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "h2c",
            "",
            " ",
            "HTTP/2.0",
            "TLS/1.0",
            "websockets",
            "IRC/6.9"
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9/ ]{0,10}",
    ]
}

/// `Upgrade` lines of which at least one lists `websocket` somewhere.
fn upgrade_lines() -> impl Strategy<Value = Vec<String>> {
    (
        websocket_item(),
        prop::collection::vec(other_item(), 0..4),
        any::<prop::sample::Index>(),
        prop::collection::vec(prop::collection::vec(other_item(), 1..3), 0..3),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(websocket, mut others, at, other_lines, line_at)| {
            others.insert(at.index(others.len() + 1), websocket);
            let line = others.join(",");
            let mut lines: Vec<String> = other_lines
                .into_iter()
                .map(|items| items.join(","))
                .collect();
            lines.insert(line_at.index(lines.len() + 1), line);
            lines
        })
}

/// Origins the table's trusted set refuses, and garbage.
fn untrusted_origin() -> impl Strategy<Value = Vec<u8>> {
    origins_around(&[
        "https://evil.example",
        "https://example.org",
        "https://evilexample.org",
        "https://app.example.com.evil.test",
        "http://app.example.com",
        "https://app.example.com:443",
        "https://APP.example.com",
        "http://localhost:3001",
        "null",
        "",
    ])
}

fn handshake_path() -> impl Strategy<Value = String> {
    paths_around(&[
        "/live",
        "/webhook/",
        "//webhook",
        "/hooks",
        "/hooks/../x",
        "/",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// No handshake whose `Origin` the trusted set refuses, marked
    /// `cross-site`, on a path that is not a bypass, reaches the
    /// application; and its refusal names the WebSocket.
    #[test]
    fn untrusted_cross_site_handshakes_never_reach_the_app(
        method in prop::sample::select(vec!["GET", "HEAD", "OPTIONS", "CONNECT"]),
        path in handshake_path(),
        upgrades in upgrade_lines(),
        origin in untrusted_origin(),
        host in prop::option::of("[a-z.:0-9]{0,16}"),
    ) {
        let trusted = trusted(Listed);
        let mut request = match Request::builder().method(method).uri(path.as_str()).body(()) {
            Ok(request) => request,
            Err(_) => return Ok(()),
        };
        let Ok(origin) = HeaderValue::from_bytes(&origin) else { return Ok(()) };
        prop_assume!(!trusted.trusts_origin(&origin));
        prop_assume!(!trusted.bypasses(request.uri().path()));
        let headers = request.headers_mut();
        headers.append("sec-fetch-site", HeaderValue::from_static("cross-site"));
        headers.append("origin", origin);
        for line in &upgrades {
            let Ok(value) = HeaderValue::from_str(line) else { return Ok(()) };
            headers.append("upgrade", value);
        }
        if let Some(host) = host {
            let Ok(value) = HeaderValue::from_str(&host) else { return Ok(()) };
            headers.append("host", value);
        }

        prop_assert_eq!(csrf::check(&request, &trusted), Err(Refused::CrossSiteWebSocket));
        let app = CountingApp::default();
        let mut service = CsrfLayer::trusting(trusted).layer(app.clone());
        let response = call_now(&mut service, request);
        prop_assert_eq!(app.calls(), 0);
        prop_assert_eq!(response.status(), StatusCode::FORBIDDEN);
        prop_assert_eq!(&response.headers()[CSRF_REFUSAL], "cross-site websocket handshake");
    }

    /// With the opt-out, the same handshakes all pass, and nothing but
    /// handshakes does.
    #[test]
    fn the_opt_out_passes_handshakes_only(
        method in prop::sample::select(vec!["GET", "HEAD", "OPTIONS", "CONNECT"]),
        upgrades in upgrade_lines(),
        origin in untrusted_origin(),
    ) {
        let public = Trusted::builder()
            .allow_cross_site_websockets_dangerously()
            .build()
            .expect("trust");
        let Ok(origin) = HeaderValue::from_bytes(&origin) else { return Ok(()) };
        let mut socket = Request::builder().method(method).uri("/live").body(()).expect("request");
        let mut post = Request::post("/live").body(()).expect("request");
        for request in [&mut socket, &mut post] {
            let headers = request.headers_mut();
            headers.append("sec-fetch-site", HeaderValue::from_static("cross-site"));
            headers.append("origin", origin.clone());
            for line in &upgrades {
                let Ok(value) = HeaderValue::from_str(line) else { return Ok(()) };
                headers.append("upgrade", value);
            }
        }
        prop_assert_eq!(csrf::check(&socket, &public), Ok(Pass::UnguardedWebSocket));
        prop_assert_eq!(csrf::check(&post, &public), Err(Refused::CrossSite));
    }
}
