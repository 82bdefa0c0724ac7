//! Cross-origin request forgery in the browser: a page of another origin
//! submits an HTML form, or sends a `no-cors` `fetch` POST, to an API
//! behind `CsrfLayer::from_policy` inside `CorsLayer`; the browser sends
//! both without a preflight, with what cookies it has, and only the guard
//! can keep them from the handler. A same-origin form and a `fetch` from
//! an origin the CORS policy allows must still reach it.
//!
//! Each case checks the server's record (`servers::at_the_guard`): one
//! `guard POST site=S origin=O -> 403 csrf-refusal=REASON` line for a
//! refusal (the request arrived, the handler never ran), or the handler's
//! `app POST` line then `guard POST site=S origin=O -> 200`. `S` is the
//! `Sec-Fetch-Site` the browser sent, so each case also proves that the
//! browser saw the relation its name says (cross-site, same-site,
//! same-origin), and `REASON` which rule of the guard refused.
//!
//! Two APIs, so that both rules of the guard are exercised:
//!
//! - `localhost`: the guard decides by `Sec-Fetch-Site`.
//! - `api.example.localhost`, as if over plain http: browsers send
//!   `Sec-Fetch-*` to every loopback name (all are potentially
//!   trustworthy), so its server removes them before the layers, as a
//!   plain-http site would never have received them
//!   (`servers::as_if_plain_http`), and the guard compares the browser's
//!   own `Origin` with `Host`.
//!
//! What the engines send was checked in Chromium 156, Firefox ESR 153 and
//! WebKitGTK 2.50, and they agree: each takes `localhost` as a public
//! suffix (the public suffix list's implicit `*` rule), so the site of
//! `evil.example.localhost` and of `api.example.localhost` is
//! `example.localhost` (same site), that of `evil.localhost` is
//! `evil.localhost`, cross-site to both APIs, and `localhost` on another
//! port is the same site as `localhost`. No expectation here differs by
//! engine.

use std::path::Path;

use fantoccini::Client;
use serde_json::{json, Value};

use crate::agreement::{self, Observation, Probe, Seen, Tally};
use crate::cases::{open_page, within, Outcome};
use crate::servers::{CsrfServers, PagePort, Servers};

/// Which guarded API a case posts to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// `http://localhost:A`: `Sec-Fetch-Site` decides.
    Local,
    /// `http://api.example.localhost:B`, as if over plain http: its server
    /// removes `Sec-Fetch-*`, so `Origin` against `Host` decides.
    Plain,
}

/// Where the posting page is.
#[derive(Debug, Clone, Copy)]
pub enum From {
    /// `http://evil.localhost:P`: another site than either API's, named by
    /// no policy.
    OtherSite,
    /// `http://evil.example.localhost:P`: another origin of the plain
    /// API's site, named by no policy.
    SameSitePlain,
    /// `http://localhost:Q`: another origin (port) of the local API's
    /// site, named by no policy.
    SameSiteLocal,
    /// `http://localhost:P`: the local API's CORS-allowed origin.
    Local,
    /// `http://app.example.localhost:P`: the plain API's CORS-allowed origin.
    App,
    /// The target API's own origin.
    SameOrigin,
}

/// How the page posts.
#[derive(Debug, Clone, Copy)]
enum How {
    /// An HTML `<form method=post>` submitted into a hidden iframe.
    Form,
    /// `fetch(url, {mode: 'no-cors', method: 'POST', credentials})`.
    NoCorsFetch,
    /// `fetch(url, {method: 'POST', credentials})`: a CORS request whose
    /// answer the script must be able to read. `credentials` is `include`
    /// towards the local API, whose policy allows them.
    CorsFetch,
}

struct Case {
    name: &'static str,
    from: From,
    to: Target,
    how: How,
    /// The `Sec-Fetch-Site` the browser sends (the plain API's server then
    /// removes it), the same in every engine (see the module's docs).
    site: &'static str,
    /// `None`: the guard passes it and the handler runs. `Some(reason)`:
    /// the guard refuses it with this `csrf-refusal`.
    refused: Option<&'static str>,
}

/// Refused by `Sec-Fetch-Site`.
const CROSS_SITE: Option<&str> = Some("cross-site request");
const SAME_SITE: Option<&str> = Some("same-site request");
/// Refused by the plain-http rule: no `Sec-Fetch-Site`, and `Origin` is
/// not the request's host.
const ORIGIN_MISMATCH: Option<&str> = Some("origin does not match host");

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "csrf_cross_site_form_refused", from: From::OtherSite, to: Target::Local, how: How::Form, site: "cross-site", refused: CROSS_SITE },
    Case { name: "csrf_cross_site_no_cors_fetch_refused", from: From::OtherSite, to: Target::Local, how: How::NoCorsFetch, site: "cross-site", refused: CROSS_SITE },
    Case { name: "csrf_same_site_form_refused", from: From::SameSiteLocal, to: Target::Local, how: How::Form, site: "same-site", refused: SAME_SITE },
    Case { name: "csrf_plain_http_cross_site_form_refused", from: From::OtherSite, to: Target::Plain, how: How::Form, site: "cross-site", refused: ORIGIN_MISMATCH },
    Case { name: "csrf_plain_http_no_cors_fetch_refused", from: From::OtherSite, to: Target::Plain, how: How::NoCorsFetch, site: "cross-site", refused: ORIGIN_MISMATCH },
    Case { name: "csrf_plain_http_same_site_form_refused", from: From::SameSitePlain, to: Target::Plain, how: How::Form, site: "same-site", refused: ORIGIN_MISMATCH },
    Case { name: "csrf_same_origin_form_passes", from: From::SameOrigin, to: Target::Local, how: How::Form, site: "same-origin", refused: None },
    Case { name: "csrf_plain_http_same_origin_form_passes", from: From::SameOrigin, to: Target::Plain, how: How::Form, site: "same-origin", refused: None },
    Case { name: "csrf_credentialed_fetch_from_allowed_origin_passes", from: From::Local, to: Target::Local, how: How::CorsFetch, site: "same-site", refused: None },
    Case { name: "csrf_plain_http_fetch_from_allowed_origin_passes", from: From::App, to: Target::Plain, how: How::CorsFetch, site: "same-site", refused: None },
];

/// Submits a form with one field into a hidden iframe and resolves once
/// the answer (whatever its status) has loaded there.
const FORM_SCRIPT: &str = r#"
const [url, done] = arguments;
const frame = document.createElement("iframe");
frame.name = "csrf-" + Math.random().toString(36).slice(2);
document.body.append(frame);
const form = document.createElement("form");
form.method = "post";
form.action = url;
form.target = frame.name;
const field = document.createElement("input");
field.name = "amount";
field.value = "100";
form.append(field);
document.body.append(form);
const timer = setTimeout(() => done({ ok: false, error: "no answer loaded in 8 s" }), 8000);
frame.addEventListener("load", () => { clearTimeout(timer); done({ ok: true }); });
form.submit();
"#;

/// One `fetch` with the given `init`, resolving with what the script saw
/// (the names of the headers it can read, too).
const FETCH_SCRIPT: &str = r#"
const [url, init, done] = arguments;
init.signal = AbortSignal.timeout(8000);
fetch(url, init).then(
  async (response) => done({
    ok: true,
    status: response.status,
    body: await response.text(),
    headers: [...response.headers.keys()],
  }),
  (error) => done({ ok: false, error: String(error) }),
);
"#;

/// Runs every case against freshly started guarded APIs, then the CORS
/// fetches through `cors probe` against the same servers (`cors`; forms
/// and `no-cors` fetches are outside its model): one outcome per case,
/// and the probe's.
pub async fn check(
    client: &Client,
    servers: &Servers,
    cors: &Path,
    engine: &str,
) -> (Vec<Outcome>, Tally) {
    let guarded = match CsrfServers::start(servers).await {
        Ok(guarded) => guarded,
        Err(why) => {
            println!("FAIL csrf setup: {why}");
            return (vec![("csrf_setup".to_owned(), Err(why))], Tally::default());
        }
    };
    let mut outcomes = Vec::new();
    let mut observations = Vec::new();
    for case in CASES {
        let mut observation = None;
        let result = run_one(client, servers, &guarded, case, &mut observation).await;
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

/// The origins of the page (`from`) and of the guarded API (`to`).
pub fn page_and_api(
    servers: &Servers,
    guarded: &CsrfServers,
    from: From,
    to: Target,
) -> (String, String) {
    let api = match to {
        Target::Local => format!("http://{}:{}", CsrfServers::LOCAL_HOST, guarded.local),
        Target::Plain => format!("http://{}:{}", CsrfServers::PLAIN_HOST, guarded.plain),
    };
    let port = servers.page_port(PagePort::Main);
    let page = match from {
        From::OtherSite => format!("http://evil.localhost:{port}"),
        From::SameSitePlain => format!("http://evil.example.localhost:{port}"),
        From::SameSiteLocal => format!(
            "http://{}:{}",
            CsrfServers::LOCAL_HOST,
            servers.page_port(PagePort::Other)
        ),
        From::Local => format!("http://{}:{port}", CsrfServers::LOCAL_HOST),
        From::App => format!("http://{}:{port}", CsrfServers::PLAIN_ALLOWED_PAGE_HOST),
        From::SameOrigin => api.clone(),
    };
    (page, api)
}

/// Runs one case; `observation` is set to what the engine did as soon as
/// the page has run it (it stays `None` when the page could not).
async fn run_one(
    client: &Client,
    servers: &Servers,
    guarded: &CsrfServers,
    case: &Case,
    observation: &mut Option<Observation>,
) -> Result<(), String> {
    let (page, api) = page_and_api(servers, guarded, case.from, case.to);
    open_page(client, &page).await?;
    let url = format!("{api}/transfer?case={}", case.name);

    let seen_by_script = match case.how {
        How::Form => {
            within(
                "the form script",
                client.execute_async(FORM_SCRIPT, vec![json!(url)]),
            )
            .await?
        }
        How::NoCorsFetch | How::CorsFetch => {
            let mode = if matches!(case.how, How::NoCorsFetch) {
                "no-cors"
            } else {
                "cors"
            };
            let credentials = credentials_mode(case.to);
            let init = json!({
                "method": "POST",
                "mode": mode,
                "credentials": credentials,
                "headers": {"content-type": "text/plain"},
                "body": "amount=100",
            });
            within(
                "the fetch script",
                client.execute_async(FETCH_SCRIPT, vec![json!(url), init]),
            )
            .await?
        }
    };
    let record = servers.trace.get(case.name);
    *observation = Some(observe(case, &page, &api, &seen_by_script, &record));
    check_script(case, &seen_by_script)?;

    // Cookies the other cases set on `localhost` may ride along; the
    // record is about who ran, not what they carried.
    let seen: Vec<String> = record
        .into_iter()
        .map(|line| line.split(" cookie=").next().unwrap_or_default().to_owned())
        .collect();
    let site = match case.to {
        Target::Local => case.site.to_owned(),
        Target::Plain => format!("{}(removed)", case.site),
    };
    let guard = format!("guard POST site={site} origin={page}");
    let expected = match case.refused {
        None => vec!["app POST".to_owned(), format!("{guard} -> 200")],
        Some(reason) => vec![format!("{guard} -> 403 csrf-refusal={reason}")],
    };
    if seen != expected {
        return Err(format!("server saw {seen:?}, expected {expected:?}"));
    }
    Ok(())
}

/// The credentials mode of the page's `fetch` to `to`. The plain API's
/// policy has no credentials: a credentialed CORS answer from it would be
/// unreadable.
fn credentials_mode(to: Target) -> &'static str {
    match to {
        Target::Local => "include",
        Target::Plain => "same-origin",
    }
}

/// What the engine did, for `cors probe`: a CORS fetch is probed with the
/// same origin, method, header and credentials mode (to its own case key,
/// so its exchanges stay out of the case's record); a form post (a
/// navigation) and a `no-cors` fetch (an opaque answer) have no CORS
/// verdict to compare.
fn observe(case: &Case, page: &str, api: &str, seen: &Value, record: &[String]) -> Observation {
    match case.how {
        How::Form => Observation::Outside {
            case: case.name.to_owned(),
            why: "a form post is a navigation, outside CORS: no CORS verdict to compare",
        },
        How::NoCorsFetch => Observation::Outside {
            case: case.name.to_owned(),
            why: "a no-cors fetch: its answer is opaque whatever the server says, \
                  so there is no CORS verdict to compare",
        },
        How::CorsFetch => {
            let allowed = seen["ok"] == json!(true);
            let credentials = credentials_mode(case.to) == "include";
            // The cookie the browser sent, when the handler's line has one.
            let cookie = record
                .iter()
                .find_map(|line| line.split_once(" cookie="))
                .map(|(_, cookie)| cookie.to_owned())
                .filter(|_| credentials);
            let exposed = seen["headers"].as_array().filter(|_| allowed).map(|names| {
                let mut names: Vec<String> = names
                    .iter()
                    .map(|name| name.as_str().unwrap_or("<not a string>").to_owned())
                    .collect();
                names.sort_unstable();
                names
            });
            Observation::Probed {
                case: case.name.to_owned(),
                probe: Probe {
                    url: format!("{api}/transfer?case=probe-{}", case.name),
                    origin: page.to_owned(),
                    method: "POST".to_owned(),
                    headers: vec![("content-type".to_owned(), "text/plain".to_owned())],
                    credentials,
                    cookie,
                },
                seen: Seen {
                    allowed,
                    // The guard's record has every request but a GET.
                    preflight: Some(record.iter().any(|line| line.starts_with("guard OPTIONS"))),
                    exposed,
                },
            }
        }
    }
}

/// What the page itself must have seen: the form's answer loaded; a
/// `no-cors` answer is opaque; a CORS answer from an allowed origin is
/// readable and is the handler's.
fn check_script(case: &Case, seen: &Value) -> Result<(), String> {
    if seen["ok"] != json!(true) {
        return Err(format!("the page saw {seen}"));
    }
    match case.how {
        How::Form => Ok(()),
        How::NoCorsFetch if seen["status"] == json!(0) && seen["body"] == json!("") => Ok(()),
        How::CorsFetch
            if seen["status"] == json!(200) && seen["body"] == json!("POST:amount=100") =>
        {
            Ok(())
        }
        _ => Err(format!("the page saw {seen}")),
    }
}
