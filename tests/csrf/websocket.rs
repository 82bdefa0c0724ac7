//! WebSocket handshakes: browsers apply no CORS to them, so the guard
//! judges an HTTP/1.1 `GET` that upgrades to `websocket`, and an extended
//! `CONNECT` (HTTP/2, HTTP/3), as it judges an unsafe method, and names
//! the WebSocket in its refusal. Every row runs through the pure check,
//! the request's parts and the layer over a counting application.

use crate::support::*;

/// `GET /live` asking to upgrade to `websocket`, with `extra` lines.
fn handshake(upgrade: &'static [u8], extra: Headers<'static>) -> Lines {
    let mut all = vec![("upgrade", upgrade.to_vec())];
    all.extend(lines(extra));
    all
}

/// Owned header lines, so that rows can be made at run time.
type Lines = Vec<(&'static str, Vec<u8>)>;

fn lines(extra: Headers<'static>) -> Lines {
    extra
        .iter()
        .map(|(name, value)| (*name, value.to_vec()))
        .collect()
}

struct Row {
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    trust: Trusted,
    expected: Verdict,
}

fn row(
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    trust: Trust,
    expected: Verdict,
) -> Row {
    Row {
        name,
        method,
        uri,
        headers,
        trust: trusted(trust),
        expected,
    }
}

#[rustfmt::skip]
const SAME_ORIGIN: Headers<'static> = &[
    ("sec-fetch-site", b"same-origin"),
    ("origin", b"https://api.example.com"),
];
const NONE: Headers<'static> = &[("sec-fetch-site", b"none")];
const SAME_SITE_EVIL: Headers<'static> = &[
    ("sec-fetch-site", b"same-site"),
    ("origin", b"https://evil.example.com"),
];
const CROSS_TRUSTED: Headers<'static> = &[
    ("sec-fetch-site", b"cross-site"),
    ("origin", b"https://app.example.com"),
];
const SAME_SITE_TRUSTED: Headers<'static> = &[
    ("sec-fetch-site", b"same-site"),
    ("origin", b"https://eu.example.org"),
];
const CROSS_NO_ORIGIN: Headers<'static> = &[("sec-fetch-site", b"cross-site")];
const GARBAGE_EVIL: Headers<'static> = &[
    ("sec-fetch-site", b"cross-origin"),
    ("origin", b"https://evil.example"),
];
const GARBAGE_TRUSTED: Headers<'static> = &[
    ("sec-fetch-site", b"weird"),
    ("origin", b"https://app.example.com"),
];
const OLD_SAME_HOST: Headers<'static> = &[
    ("host", b"api.example.com"),
    ("origin", b"http://api.example.com"),
];
const OLD_OTHER_HOST: Headers<'static> = &[
    ("host", b"api.example.com"),
    ("origin", b"https://evil.example"),
];
const OLD_TRUSTED: Headers<'static> = &[
    ("host", b"api.example.com"),
    ("origin", b"https://app.example.com"),
];
const OLD_NULL: Headers<'static> = &[("host", b"api.example.com"), ("origin", b"null")];
const NO_BROWSER: Headers<'static> = &[("host", b"api.example.com")];

#[rustfmt::skip]
fn upgrade_rows() -> Vec<Row> {
    use Refused::*;
    let ws = |extra: Headers<'static>| handshake(b"websocket", extra);
    vec![
        // Each Sec-Fetch-Site value, trusted and not.
        row("same_origin_passes", "GET", "/live", ws(SAME_ORIGIN), Nothing, Ok(Pass::SameOrigin)),
        row("user_initiated_passes", "GET", "/live", ws(NONE), Nothing, Ok(Pass::UserInitiated)),
        row("same_site_refused", "GET", "/live", ws(SAME_SITE_EVIL), Nothing, Err(SameSiteWebSocket)),
        row("same_site_untrusted_refused", "GET", "/live", ws(SAME_SITE_EVIL), Listed, Err(SameSiteWebSocket)),
        row("same_site_trusted_passes", "GET", "/live", ws(SAME_SITE_TRUSTED), Listed, Ok(Pass::TrustedOrigin)),
        row("cross_site_refused", "GET", "/live", ws(CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("cross_site_untrusted_refused", "GET", "/live", ws(CROSS_EVIL), Listed, Err(CrossSiteWebSocket)),
        row("cross_site_trusted_passes", "GET", "/live", ws(CROSS_TRUSTED), Listed, Ok(Pass::TrustedOrigin)),
        row("cross_site_trusted_by_nothing_refused", "GET", "/live", ws(CROSS_TRUSTED), Nothing, Err(CrossSiteWebSocket)),
        row("cross_site_without_origin_refused", "GET", "/live", ws(CROSS_NO_ORIGIN), Listed, Err(CrossSiteWebSocket)),
        row("unrecognized_site_refused", "GET", "/live", ws(GARBAGE_EVIL), Listed, Err(UnrecognizedFetchSiteWebSocket)),
        row("unrecognized_site_trusted_passes", "GET", "/live", ws(GARBAGE_TRUSTED), Listed, Ok(Pass::TrustedOrigin)),
        // No Sec-Fetch-Site: Origin against Host.
        row("no_browser_headers_pass", "GET", "/live", ws(NO_BROWSER), Nothing, Ok(Pass::NoOrigin)),
        row("origin_of_this_host_passes", "GET", "/live", ws(OLD_SAME_HOST), Nothing, Ok(Pass::OriginMatchesHost)),
        row("origin_of_another_host_refused", "GET", "/live", ws(OLD_OTHER_HOST), Listed, Err(OriginMismatchWebSocket)),
        row("origin_of_another_host_trusted_passes", "GET", "/live", ws(OLD_TRUSTED), Listed, Ok(Pass::TrustedOrigin)),
        row("null_origin_refused", "GET", "/live", ws(OLD_NULL), Listed, Err(OriginMismatchWebSocket)),
        // Bypass paths apply as to any request.
        row("bypass_path_passes", "GET", "/webhook", ws(CROSS_EVIL), Listed, Ok(Pass::BypassPath)),
        row("near_bypass_refused", "GET", "/webhook/", ws(CROSS_EVIL), Listed, Err(CrossSiteWebSocket)),
        // Spellings of the Upgrade list.
        row("capitalised", "GET", "/live", handshake(b"WebSocket", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("upper_case", "GET", "/live", handshake(b"WEBSOCKET", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("second_in_list", "GET", "/live", handshake(b"h2c, websocket", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("padded_with_empty_items", "GET", "/live", handshake(b" ,\twebsocket ,", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("with_a_version", "GET", "/live", handshake(b"websocket/13", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("after_garbage_bytes", "GET", "/live", handshake(b"\xfe\xff, websocket", CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("on_a_second_line", "GET", "/live", { let mut lines = handshake(b"h2c", CROSS_EVIL); lines.push(("upgrade", b"websocket".to_vec())); lines }, Nothing, Err(CrossSiteWebSocket)),
        // HEAD and OPTIONS cannot hide a handshake either.
        row("head_upgrade_refused", "HEAD", "/live", ws(CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        row("options_upgrade_refused", "OPTIONS", "/live", ws(CROSS_EVIL), Nothing, Err(CrossSiteWebSocket)),
        // What must still pass as a safe method.
        row("plain_get_passes", "GET", "/live", lines(CROSS_EVIL), Nothing, Ok(Pass::SafeMethod)),
        row("h2c_upgrade_passes", "GET", "/live", handshake(b"h2c", CROSS_EVIL), Nothing, Ok(Pass::SafeMethod)),
        row("websockets_is_another_protocol", "GET", "/live", handshake(b"websockets", CROSS_EVIL), Nothing, Ok(Pass::SafeMethod)),
        row("empty_upgrade_passes", "GET", "/live", handshake(b"", CROSS_EVIL), Nothing, Ok(Pass::SafeMethod)),
        // An unsafe method was judged already; its refusal keeps its name.
        row("post_with_upgrade_is_a_post", "POST", "/live", ws(CROSS_EVIL), Nothing, Err(CrossSite)),
    ]
}

/// HTTP/2 and HTTP/3 handshakes: extended `CONNECT`, whose `:protocol` a
/// check over `http` types does not see; `:authority` is the URI's.
#[rustfmt::skip]
fn connect_rows() -> Vec<Row> {
    use Refused::*;
    const URI: &str = "https://api.example.com/live";
    vec![
        row("connect_same_origin_passes", "CONNECT", URI, lines(SAME_ORIGIN), Nothing, Ok(Pass::SameOrigin)),
        row("connect_cross_site_refused", "CONNECT", URI, lines(CROSS_EVIL), Listed, Err(CrossSiteWebSocket)),
        row("connect_same_site_refused", "CONNECT", URI, lines(SAME_SITE_EVIL), Listed, Err(SameSiteWebSocket)),
        row("connect_trusted_passes", "CONNECT", URI, lines(CROSS_TRUSTED), Listed, Ok(Pass::TrustedOrigin)),
        row("connect_origin_of_authority_passes", "CONNECT", URI, lines(&[("origin", b"https://api.example.com")]), Nothing, Ok(Pass::OriginMatchesHost)),
        row("connect_origin_of_another_host_refused", "CONNECT", URI, lines(&[("origin", b"https://evil.example")]), Nothing, Err(OriginMismatchWebSocket)),
        row("connect_without_browser_headers_passes", "CONNECT", URI, Vec::new(), Nothing, Ok(Pass::NoOrigin)),
    ]
}

/// With `allow_cross_site_websockets_dangerously`, every handshake passes,
/// and nothing else changes.
#[rustfmt::skip]
fn opt_out_rows() -> Vec<Row> {
    let public = Trusted::builder()
        .allow_cross_site_websockets_dangerously()
        .build()
        .expect("valid trust");
    let mut rows = vec![
        row("opt_out_cross_site_passes", "GET", "/live", handshake(b"websocket", CROSS_EVIL), Nothing, Ok(Pass::UnguardedWebSocket)),
        row("opt_out_mismatch_passes", "GET", "/live", handshake(b"WebSocket", OLD_OTHER_HOST), Nothing, Ok(Pass::UnguardedWebSocket)),
        row("opt_out_connect_passes", "CONNECT", "https://api.example.com/live", lines(CROSS_EVIL), Nothing, Ok(Pass::UnguardedWebSocket)),
        row("opt_out_plain_get_is_safe", "GET", "/live", lines(CROSS_EVIL), Nothing, Ok(Pass::SafeMethod)),
        row("opt_out_post_still_refused", "POST", "/live", handshake(b"websocket", CROSS_EVIL), Nothing, Err(Refused::CrossSite)),
        row("opt_out_mismatch_post_still_refused", "POST", "/live", lines(OLD_OTHER_HOST), Nothing, Err(Refused::OriginMismatch)),
    ];
    for row in &mut rows {
        row.trust = public.clone();
    }
    rows
}

fn all_rows() -> Vec<Row> {
    let mut rows = upgrade_rows();
    rows.extend(connect_rows());
    rows.extend(opt_out_rows());
    rows
}

fn build(row: &Row) -> Request<()> {
    let lines: Vec<(&str, &[u8])> = row
        .headers
        .iter()
        .map(|(n, v)| (*n, v.as_slice()))
        .collect();
    request(row.method, row.uri, &lines)
}

#[test]
fn every_handshake_row_by_the_pure_check() {
    for row in all_rows() {
        let request = build(&row);
        assert_eq!(
            csrf::check(&request, &row.trust),
            row.expected,
            "{}",
            row.name
        );
        let (parts, ()) = request.into_parts();
        assert_eq!(
            csrf::check(&parts, &row.trust),
            row.expected,
            "{} (parts)",
            row.name
        );
    }
}

#[test]
fn every_handshake_row_through_the_layer() {
    for row in all_rows() {
        through_layer(&row.trust, build(&row), row.expected);
    }
}

#[test]
fn a_handshake_refusal_is_the_same_rule_as_an_unsafe_methods() {
    // For every refusal of a POST, the same request as a handshake is
    // refused by the same rule, named for the WebSocket.
    let pairs = [
        (Refused::CrossSite, Refused::CrossSiteWebSocket),
        (Refused::SameSite, Refused::SameSiteWebSocket),
        (
            Refused::UnrecognizedFetchSite,
            Refused::UnrecognizedFetchSiteWebSocket,
        ),
        (Refused::OriginMismatch, Refused::OriginMismatchWebSocket),
    ];
    let requests: [Headers<'_>; 4] = [CROSS_EVIL, SAME_SITE_EVIL, GARBAGE_EVIL, OLD_OTHER_HOST];
    let nothing = Trusted::same_origin_only();
    for ((post, socket), extra) in pairs.into_iter().zip(requests) {
        assert_eq!(
            csrf::check(&request("POST", "/live", extra), &nothing),
            Err(post)
        );
        let lines = handshake(b"websocket", extra);
        let lines: Vec<(&str, &[u8])> = lines.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        assert_eq!(
            csrf::check(&request("GET", "/live", &lines), &nothing),
            Err(socket)
        );
        assert!(socket.is_websocket() && !post.is_websocket());
    }
}

#[test]
fn handshake_refusals_name_the_websocket_and_no_request_data() {
    for refused in [
        Refused::CrossSiteWebSocket,
        Refused::SameSiteWebSocket,
        Refused::UnrecognizedFetchSiteWebSocket,
        Refused::OriginMismatchWebSocket,
    ] {
        assert!(refused.summary().contains("websocket"), "{refused:?}");
        assert!(refused.body_text().contains("WebSocket"), "{refused:?}");
        assert!(refused.body_text().ends_with('\n'));
        assert!(
            refused
                .to_string()
                .starts_with("cross-origin WebSocket handshake refused"),
            "{refused}"
        );
        let response = refused.response(());
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.headers()[CSRF_REFUSAL], refused.summary());
    }
}

#[test]
fn the_opt_out_is_off_unless_asked_for() {
    assert!(Trusted::same_origin_only().guards_websockets());
    assert!(trusted(Listed).guards_websockets());
    let policy = Policy::builder()
        .allow_origins([APP])
        .build()
        .expect("policy");
    assert!(Trusted::from_policy(&policy).guards_websockets());
    assert!(Trusted::builder()
        .build()
        .expect("trust")
        .guards_websockets());
    let public = Trusted::builder()
        .trust_origins([APP])
        .allow_cross_site_websockets_dangerously()
        .build()
        .expect("trust");
    assert!(!public.guards_websockets());
    // The opt-out changes handshakes only: trusted origins still pass
    // unsafe methods, and others are still refused.
    assert_eq!(
        csrf::check(&cross_site_from(APP), &public),
        Ok(Pass::TrustedOrigin)
    );
    assert_eq!(
        csrf::check(&cross_site_from(EVIL), &public),
        Err(Refused::CrossSite)
    );
    assert!(format!(
        "{:?}",
        Trusted::builder().allow_cross_site_websockets_dangerously()
    )
    .contains("websockets_unguarded: true"));
}

#[cfg(feature = "tracing")]
#[test]
fn the_refusal_event_names_the_websocket() {
    let app = CountingApp::default();
    let mut service = CsrfLayer::new().layer(app.clone());
    let (response, recorded) = crate::events::record(|| {
        let lines = handshake(b"websocket", CROSS_EVIL);
        let lines: Vec<(&str, &[u8])> = lines.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        call_now(&mut service, request("GET", "/live", &lines))
    });
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.calls(), 0);
    let logged = recorded.text;
    assert!(
        logged.contains("cross-site websocket handshake"),
        "{logged}"
    );
    assert!(logged.contains("tower_cors::csrf"), "{logged}");
}
