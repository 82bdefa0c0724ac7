//! Cross-origin request forgery in the browser: a page of another site
//! submits an HTML form, or sends a `no-cors` `fetch` POST, to an API
//! behind `CsrfLayer::from_policy` inside `CorsLayer`; the browser sends
//! both without a preflight, with what cookies it has, and only the guard
//! can keep them from the handler. A same-origin form and a `fetch` from
//! an origin the CORS policy allows must still reach it.
//!
//! Each case checks the server's record: `guard POST -> 403` alone for a
//! refusal (the request arrived, the handler never ran), or the handler's
//! `app POST` line then `guard POST -> 200`. Nothing here depends on the
//! engine: the `localhost` API gets `Sec-Fetch-Site` from browsers that
//! send it, the `api.example.test` API (plain http) never does, so both
//! rules of the guard are exercised.

use fantoccini::Client;
use serde_json::{json, Value};

use crate::cases::{open_page, within, Outcome};
use crate::servers::{CsrfServers, PagePort, Servers};

/// Which guarded API a case posts to.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// `http://localhost:A`: `Sec-Fetch-Site` decides.
    Local,
    /// `http://api.example.test:B`: `Origin` against `Host` decides.
    Plain,
}

/// Where the posting page is.
#[derive(Debug, Clone, Copy)]
enum From {
    /// `http://evil.example.test:P`: no policy names it.
    Evil,
    /// `http://localhost:P`: the local API's CORS-allowed origin.
    Local,
    /// `http://app.example.test:P`: the plain API's CORS-allowed origin.
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
    reaches_handler: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "csrf_cross_site_form_refused", from: From::Evil, to: Target::Local, how: How::Form, reaches_handler: false },
    Case { name: "csrf_cross_site_no_cors_fetch_refused", from: From::Evil, to: Target::Local, how: How::NoCorsFetch, reaches_handler: false },
    Case { name: "csrf_plain_http_cross_site_form_refused", from: From::Evil, to: Target::Plain, how: How::Form, reaches_handler: false },
    Case { name: "csrf_plain_http_no_cors_fetch_refused", from: From::Evil, to: Target::Plain, how: How::NoCorsFetch, reaches_handler: false },
    Case { name: "csrf_same_origin_form_passes", from: From::SameOrigin, to: Target::Local, how: How::Form, reaches_handler: true },
    Case { name: "csrf_plain_http_same_origin_form_passes", from: From::SameOrigin, to: Target::Plain, how: How::Form, reaches_handler: true },
    Case { name: "csrf_credentialed_fetch_from_allowed_origin_passes", from: From::Local, to: Target::Local, how: How::CorsFetch, reaches_handler: true },
    Case { name: "csrf_plain_http_fetch_from_allowed_origin_passes", from: From::App, to: Target::Plain, how: How::CorsFetch, reaches_handler: true },
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

/// One `fetch` with the given `init`, resolving with what the script saw.
const FETCH_SCRIPT: &str = r#"
const [url, init, done] = arguments;
init.signal = AbortSignal.timeout(8000);
fetch(url, init).then(
  async (response) => done({ ok: true, status: response.status, body: await response.text() }),
  (error) => done({ ok: false, error: String(error) }),
);
"#;

/// Runs every case against freshly started guarded APIs.
pub async fn check(client: &Client, servers: &Servers) -> Vec<Outcome> {
    let guarded = match CsrfServers::start(servers).await {
        Ok(guarded) => guarded,
        Err(why) => {
            println!("FAIL csrf setup: {why}");
            return vec![("csrf_setup".to_owned(), Err(why))];
        }
    };
    let mut outcomes = Vec::new();
    for case in CASES {
        let result = run_one(client, servers, &guarded, case).await;
        match &result {
            Ok(()) => println!("ok   {}", case.name),
            Err(why) => println!("FAIL {}: {why}", case.name),
        }
        outcomes.push((case.name.to_owned(), result));
    }
    outcomes
}

async fn run_one(
    client: &Client,
    servers: &Servers,
    guarded: &CsrfServers,
    case: &Case,
) -> Result<(), String> {
    let api = match case.to {
        Target::Local => format!("http://{}:{}", CsrfServers::LOCAL_HOST, guarded.local),
        Target::Plain => format!("http://{}:{}", CsrfServers::PLAIN_HOST, guarded.plain),
    };
    let page_port = servers.page_port(PagePort::Main);
    let page = match case.from {
        From::Evil => format!("http://evil.example.test:{page_port}"),
        From::Local => format!("http://localhost:{page_port}"),
        From::App => format!("http://app.example.test:{page_port}"),
        From::SameOrigin => api.clone(),
    };
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
            // The plain API's policy has no credentials: a credentialed
            // CORS answer from it would be unreadable.
            let credentials = match case.to {
                Target::Local => "include",
                Target::Plain => "same-origin",
            };
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
    check_script(case, &seen_by_script)?;

    // Cookies the other cases set on `localhost` may ride along; the
    // record is about who ran, not what they carried.
    let seen: Vec<String> = servers
        .trace
        .get(case.name)
        .into_iter()
        .map(|line| line.split(" cookie=").next().unwrap_or_default().to_owned())
        .collect();
    let expected: &[&str] = if case.reaches_handler {
        &["app POST", "guard POST -> 200"]
    } else {
        &["guard POST -> 403"]
    };
    if seen != expected {
        return Err(format!("server saw {seen:?}, expected {expected:?}"));
    }
    Ok(())
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
