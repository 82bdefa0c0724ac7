//! Cross-site WebSocket hijacking in the browser: a page opens
//! `new WebSocket(...)` to the `/ws` echo of the APIs guarded by
//! `CsrfLayer::from_policy` inside `CorsLayer` (`servers::CsrfServers`).
//! Browsers apply no CORS to WebSockets, so only the guard stands between
//! another origin's page and the socket.
//!
//! A refused case must show, in the page, an `error` event then a `close`
//! and no `open`; in the server's record, one `guard GET site=S origin=O
//! -> 403 csrf-refusal=REASON` line and no `app WS` (the handler never
//! ran). A passing case must show `open`, the echo of its message and
//! `close`, and the handler's `app WS` line before `guard GET ... -> 101`.
//!
//! The targets are those of `browser/csrf.rs`: `localhost`, where
//! `Sec-Fetch-Site` decides, and `api.example.localhost`, whose server
//! removes `Sec-Fetch-*` so that the browser's own `Origin` is compared
//! with `Host`.
//!
//! Unlike a form post, a handshake does not carry `Sec-Fetch-Site` in
//! every engine: Firefox ESR 153 and WebKitGTK 2.50 send it, Chromium 156
//! sends no `Sec-Fetch-*` header with a WebSocket handshake at all, so
//! there the guard compares `Origin` with `Host` even on `localhost`, and
//! refuses with that rule's reason. Each case checks the header the engine
//! sends, so a change in either direction shows up here.

use std::path::Path;

use fantoccini::Client;
use serde_json::json;

use crate::agreement::{self, Observation, Probe, Seen, Tally};
use crate::cases::{open_page, within, Outcome};
use crate::csrf::{page_and_api, From, Target};
use crate::servers::{CsrfServers, Servers};

struct Case {
    name: &'static str,
    from: From,
    to: Target,
    /// `None`: the handshake passes and the page exchanges a message.
    /// `Some(reason)`: the guard refuses it with this `csrf-refusal`.
    refused: Option<&'static str>,
}

const CROSS_SITE: Option<&str> = Some("cross-site websocket handshake");
const SAME_SITE: Option<&str> = Some("same-site websocket handshake");
const ORIGIN_MISMATCH: Option<&str> = Some("websocket origin does not match host");

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "ws_cross_site_refused", from: From::OtherSite, to: Target::Local, refused: CROSS_SITE },
    Case { name: "ws_same_site_refused", from: From::SameSiteLocal, to: Target::Local, refused: SAME_SITE },
    Case { name: "ws_plain_http_cross_site_refused", from: From::OtherSite, to: Target::Plain, refused: ORIGIN_MISMATCH },
    Case { name: "ws_plain_http_same_site_refused", from: From::SameSitePlain, to: Target::Plain, refused: ORIGIN_MISMATCH },
    Case { name: "ws_allowed_origin_passes", from: From::Local, to: Target::Local, refused: None },
    Case { name: "ws_same_origin_passes", from: From::SameOrigin, to: Target::Local, refused: None },
    Case { name: "ws_plain_http_allowed_origin_passes", from: From::App, to: Target::Plain, refused: None },
    Case { name: "ws_plain_http_same_origin_passes", from: From::SameOrigin, to: Target::Plain, refused: None },
];

/// Opens a socket, sends `ping` once open, closes after the first message,
/// and resolves with the events seen once `close` fires (or after 8 s).
const SOCKET_SCRIPT: &str = r#"
const [url, done] = arguments;
const events = [];
let finished = false;
const finish = (extra) => { if (!finished) { finished = true; done(Object.assign({ events }, extra)); } };
let socket;
try { socket = new WebSocket(url); } catch (error) { finish({ thrown: String(error) }); return; }
socket.addEventListener("open", () => { events.push("open"); socket.send("ping"); });
socket.addEventListener("message", (event) => { events.push("message " + event.data); socket.close(); });
socket.addEventListener("error", () => events.push("error"));
socket.addEventListener("close", () => { events.push("close"); finish({}); });
setTimeout(() => finish({ timeout: true }), 8000);
"#;

/// Whether `engine` sends `Sec-Fetch-Site` with a WebSocket handshake
/// (see the module's docs).
fn sends_fetch_site(engine: &str) -> bool {
    engine != "chromium"
}

/// Runs every case against freshly started guarded APIs, in `engine`,
/// then each handshake through `cors probe ws://...` (`cors`) against the
/// same servers: one outcome per case, and the probe's.
pub async fn check(
    client: &Client,
    servers: &Servers,
    engine: &str,
    cors: &Path,
) -> (Vec<Outcome>, Tally) {
    let guarded = match CsrfServers::start(servers).await {
        Ok(guarded) => guarded,
        Err(why) => {
            println!("FAIL ws setup: {why}");
            return (vec![("ws_setup".to_owned(), Err(why))], Tally::default());
        }
    };
    let mut outcomes = Vec::new();
    let mut observations = Vec::new();
    for case in CASES {
        let mut observation = None;
        let result = run_one(
            client,
            servers,
            &guarded,
            case,
            sends_fetch_site(engine),
            &mut observation,
        )
        .await;
        observations.extend(observation);
        match &result {
            Ok(()) => println!("ok   {}", case.name),
            Err(why) => println!("FAIL {}: {why}", case.name),
        }
        outcomes.push((case.name.to_owned(), result));
    }
    // While the guarded servers still run.
    let (probed, tally) = agreement::check(cors, engine, observations).await;
    outcomes.extend(probed);
    (outcomes, tally)
}

async fn run_one(
    client: &Client,
    servers: &Servers,
    guarded: &CsrfServers,
    case: &Case,
    fetch_site: bool,
    observation: &mut Option<Observation>,
) -> Result<(), String> {
    let (page, api) = page_and_api(servers, guarded, case.from, case.to);
    open_page(client, &page).await?;
    let socket = api.replacen("http://", "ws://", 1);
    let url = format!("{socket}/ws?case={}", case.name);
    let seen = within(
        "the socket script",
        client.execute_async(SOCKET_SCRIPT, vec![json!(url)]),
    )
    .await?;
    // What the engine did, for `cors probe ws://...`: whether the socket
    // opened. A handshake has no preflight and no readable headers.
    *observation = Some(Observation::Probed {
        case: case.name.to_owned(),
        probe: Probe {
            url: format!("{socket}/ws?case=probe-{}", case.name),
            origin: page.clone(),
            method: "GET".to_owned(),
            headers: Vec::new(),
            credentials: false,
            cookie: None,
        },
        seen: Seen {
            allowed: seen["events"].get(0) == Some(&json!("open")),
            preflight: Some(false),
            exposed: None,
        },
    });
    let expected_events = match case.refused {
        None => json!(["open", "message echo:ping", "close"]),
        Some(_) => json!(["error", "close"]),
    };
    if seen != json!({ "events": expected_events }) {
        return Err(format!(
            "the page saw {seen}, expected events {expected_events}"
        ));
    }

    let record = servers.trace.get(case.name);
    check_record(case, &page, &record, fetch_site)
}

/// The server's record: the guard's line (with the `Sec-Fetch-Site` the
/// browser sent, which must be the relation the case's name says where
/// the engine sends one, and absent where it does not), and the handler's
/// line exactly when it passed.
fn check_record(
    case: &Case,
    page: &str,
    record: &[String],
    fetch_site: bool,
) -> Result<(), String> {
    let site = match case.from {
        _ if !fetch_site => "-",
        From::OtherSite => "cross-site",
        From::SameSitePlain | From::SameSiteLocal | From::Local | From::App => "same-site",
        From::SameOrigin => "same-origin",
    };
    // Without Sec-Fetch-Site the guard compares Origin with Host.
    let refused = if fetch_site {
        case.refused
    } else {
        case.refused.and(ORIGIN_MISMATCH)
    };
    let site = match case.to {
        Target::Local => site.to_owned(),
        Target::Plain => format!("{site}(removed)"),
    };
    let guard = format!("guard GET site={site} origin={page}");
    let expected = match refused {
        None => vec!["app WS".to_owned(), format!("{guard} -> 101")],
        Some(reason) => vec![format!("{guard} -> 403 csrf-refusal={reason}")],
    };
    if record != expected.as_slice() {
        return Err(format!("server saw {record:?}, expected {expected:?}"));
    }
    Ok(())
}
