//! The table of browser cases and the runner: each case is one `fetch()`
//! (or two, for preflight caching) from a page origin to an API server,
//! with what the script must see and what the servers must have seen.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::agreement::{Observation, Probe, Seen};
use crate::driver::STEP_TIMEOUT;
use crate::servers::{Api, PagePort, Servers, SECRET_VALUE};

/// The page origins scripts run from. Every engine resolves `localhost`
/// and `*.localhost` to loopback itself, so origins can differ by host as
/// well as by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `http://app.example.localhost:P`: the origin the policies name.
    App,
    /// `http://app.example.localhost:Q`: same host, another port.
    AppOtherPort,
    /// `http://evil.example.localhost:P`: same site, another host.
    Evil,
    /// `http://deep.app.example.localhost:P`: two labels under the pattern's domain.
    Deep,
    /// `http://example.localhost:P`: the pattern's domain itself.
    Apex,
    /// `http://notexample.localhost:P`: ends with `example.localhost` without a dot.
    SuffixAttack,
    /// `http://example.localhost.evil.localhost:P`: starts with `example.localhost`.
    PrefixAttack,
    /// `http://localhost:P`: the loopback origin of the credentialed policies.
    Local,
    /// `http://localhost:Q`: same host, another port.
    LocalOtherPort,
}

impl Page {
    fn host_and_port(self) -> (&'static str, PagePort) {
        match self {
            Page::App => ("app.example.localhost", PagePort::Main),
            Page::AppOtherPort => ("app.example.localhost", PagePort::Other),
            Page::Evil => ("evil.example.localhost", PagePort::Main),
            Page::Deep => ("deep.app.example.localhost", PagePort::Main),
            Page::Apex => ("example.localhost", PagePort::Main),
            Page::SuffixAttack => ("notexample.localhost", PagePort::Main),
            Page::PrefixAttack => ("example.localhost.evil.localhost", PagePort::Main),
            Page::Local => ("localhost", PagePort::Main),
            Page::LocalOtherPort => ("localhost", PagePort::Other),
        }
    }

    fn origin(self, servers: &Servers) -> String {
        let (host, port) = self.host_and_port();
        format!("http://{host}:{}", servers.page_port(port))
    }
}

/// What the script must see.
#[derive(Debug, Clone)]
enum Expect {
    /// The fetch resolves with this status and body, and the script can
    /// read exactly these response header names (sorted).
    Allowed {
        status: u16,
        body: &'static str,
        visible: &'static [&'static str],
    },
    /// The fetch rejects with a network error.
    Blocked,
    /// A `no-cors` fetch: an opaque response, nothing readable.
    Opaque,
}

/// Header names a script reads without any expose list.
const SAFELISTED: &[&str] = &["content-length", "content-type"];
/// With `Access-Control-Expose-Headers: x-request-id`.
const EXPOSED: &[&str] = &["content-length", "content-type", "x-request-id"];
/// The same from `/cacheable`, which adds the safelisted `cache-control`.
const CACHEABLE: &[&str] = &[
    "cache-control",
    "content-length",
    "content-type",
    "x-request-id",
];
/// With `Access-Control-Expose-Headers: *` (not credentialed): every header
/// on the response, `x-secret` included.
const ALL: &[&str] = &[
    "access-control-allow-origin",
    "access-control-expose-headers",
    "content-length",
    "content-type",
    "date",
    "x-request-id",
    "x-secret",
];

#[derive(Debug, Clone)]
pub struct Case {
    pub name: &'static str,
    page: Page,
    api: Api,
    path: &'static str,
    /// A JavaScript expression for fetch()'s `init`.
    init: &'static str,
    /// Fetches in a row, each checked against `expect`.
    times: usize,
    /// The `case` query parameter: the URL, and so the key of the preflight
    /// cache and of the server trace. Defaults to `name`.
    key: &'static str,
    /// Run no sooner than this long after the named case.
    not_before: Option<(&'static str, Duration)>,
    expect: Expect,
    /// Exactly what the servers must record for `key`, in order.
    server: &'static [&'static str],
    /// The browser reuses the preflight an earlier case of the same `key`
    /// made (its preflight cache): the preflight it needed is in the
    /// earlier lines of the trace.
    preflight_from_cache: bool,
}

impl Case {
    fn new(name: &'static str, page: Page, api: Api, init: &'static str) -> Case {
        Case {
            name,
            page,
            api,
            path: "/echo",
            init,
            times: 1,
            key: name,
            not_before: None,
            expect: Expect::Blocked,
            server: &[],
            preflight_from_cache: false,
        }
    }

    fn allowed(mut self, body: &'static str, visible: &'static [&'static str]) -> Case {
        self.expect = Expect::Allowed {
            status: 200,
            body,
            visible,
        };
        self
    }

    fn blocked(mut self) -> Case {
        self.expect = Expect::Blocked;
        self
    }

    fn opaque(mut self) -> Case {
        self.expect = Expect::Opaque;
        self
    }

    fn server(mut self, trace: &'static [&'static str]) -> Case {
        self.server = trace;
        self
    }

    fn path(mut self, path: &'static str) -> Case {
        self.path = path;
        self
    }

    fn times(mut self, times: usize) -> Case {
        self.times = times;
        self
    }

    fn key(mut self, key: &'static str) -> Case {
        self.key = key;
        self
    }

    fn not_before(mut self, case: &'static str, delay: Duration) -> Case {
        self.not_before = Some((case, delay));
        self
    }

    fn preflight_from_cache(mut self) -> Case {
        self.preflight_from_cache = true;
        self
    }
}

const JSON_PUT: &str =
    r#"{method: "PUT", headers: {"content-type": "application/json"}, body: '{"a":1}'}"#;
/// The application's line for a GET that carried the cookie
/// `servers::COOKIE_VALUE`, set by `credentials_set_cookie`.
const COOKIE: &str = "app GET cookie=sid=browser-suite";

/// Longer than the 5 s a browser caches a preflight without
/// `Access-Control-Max-Age`, so only the header can explain a cache hit.
const PAST_DEFAULT_CACHE: Duration = Duration::from_secs(6);

/// The cases, in the order they run (cookie cases depend on
/// `credentials_set_cookie` running first).
pub fn all() -> Vec<Case> {
    use Api::*;
    use Page::*;
    vec![
        // --- Simple requests: no preflight, the application answers ---
        Case::new("simple_get", App, Exact, "{}")
            .allowed("GET:", EXPOSED)
            .server(&["app GET"]),
        Case::new("simple_head", App, Exact, r#"{method: "HEAD"}"#)
            .allowed("", EXPOSED)
            .server(&["app HEAD"]),
        Case::new(
            "simple_post_form",
            App,
            Exact,
            r#"{method: "POST", body: new URLSearchParams("a=1&b=2")}"#,
        )
        .allowed("POST:a=1&b=2", EXPOSED)
        .server(&["app POST"]),
        Case::new("simple_post_text_plain", App, Exact, r#"{method: "POST", body: "hello"}"#)
            .allowed("POST:hello", EXPOSED)
            .server(&["app POST"]),
        // --- Preflighted requests ---
        Case::new("preflighted_put_json", App, Exact, JSON_PUT)
            .allowed(r#"PUT:{"a":1}"#, EXPOSED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        Case::new("preflighted_delete", App, Exact, r#"{method: "DELETE"}"#)
            .allowed("DELETE:", EXPOSED)
            .server(&["preflight DELETE -> 204", "app DELETE"]),
        Case::new(
            "preflighted_patch_json",
            App,
            Exact,
            r#"{method: "PATCH", headers: {"content-type": "application/json"}, body: "[]"}"#,
        )
        .allowed("PATCH:[]", EXPOSED)
        .server(&["preflight PATCH [content-type] -> 204", "app PATCH"]),
        Case::new(
            "lowercase_patch_is_not_normalized",
            App,
            Exact,
            r#"{method: "patch", headers: {"content-type": "application/json"}, body: "[]"}"#,
        )
        .blocked()
        .server(&["preflight patch [content-type] -> 403"]),
        Case::new(
            "lowercase_put_is_normalized",
            App,
            Exact,
            r#"{method: "put", headers: {"content-type": "application/json"}, body: "[]"}"#,
        )
        .allowed("PUT:[]", EXPOSED)
        .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        Case::new(
            "json_post_with_charset_is_preflighted",
            App,
            Exact,
            r#"{method: "POST", headers: {"content-type": "application/json; charset=utf-8"}, body: "{}"}"#,
        )
        .allowed("POST:{}", EXPOSED)
        .server(&["preflight POST [content-type] -> 204", "app POST"]),
        Case::new(
            "custom_header_allowed_any_case",
            App,
            Exact,
            r#"{headers: {"X-Custom": "1"}}"#,
        )
        .allowed("GET:", EXPOSED)
        .server(&["preflight GET [x-custom] -> 204", "app GET"]),
        Case::new(
            "custom_header_refused",
            App,
            Exact,
            r#"{headers: {"x-custom": "1", "x-other": "2"}}"#,
        )
        .blocked()
        .server(&["preflight GET [x-custom,x-other] -> 403"]),
        Case::new(
            "authorization_not_listed_refused",
            App,
            Exact,
            r#"{headers: {"authorization": "Bearer token"}}"#,
        )
        .blocked()
        .server(&["preflight GET [authorization] -> 403"]),
        Case::new("plain_options_reaches_app", App, Exact, r#"{method: "OPTIONS"}"#)
            .allowed("OPTIONS:", EXPOSED)
            .server(&["preflight OPTIONS -> 204", "app OPTIONS"]),
        Case::new("cached_preflight_first", App, Exact, JSON_PUT)
            .key("cached_preflight")
            .allowed(r#"PUT:{"a":1}"#, EXPOSED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        // --- Disallowed origins: simple requests still run, responses hidden ---
        Case::new("other_host_simple_get_blocked", Evil, Exact, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new(
            "other_host_form_post_runs_but_blocked",
            Evil,
            Exact,
            r#"{method: "POST", body: new URLSearchParams("a=1")}"#,
        )
        .blocked()
        .server(&["app POST"]),
        Case::new("other_host_put_refused", Evil, Exact, JSON_PUT)
            .blocked()
            .server(&["preflight PUT [content-type] -> 403"]),
        Case::new("other_port_simple_get_blocked", AppOtherPort, Exact, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new("other_port_put_refused", AppOtherPort, Exact, JSON_PUT)
            .blocked()
            .server(&["preflight PUT [content-type] -> 403"]),
        Case::new(
            "credentials_without_allow_credentials_blocked",
            App,
            Exact,
            r#"{credentials: "include"}"#,
        )
        .blocked()
        .server(&["app GET"]),
        // --- Subdomain pattern http://*.example.localhost:P ---
        Case::new("pattern_subdomain_get", App, Pattern, "{}")
            .allowed("GET:", SAFELISTED)
            .server(&["app GET"]),
        Case::new("pattern_deep_subdomain_get", Deep, Pattern, "{}")
            .allowed("GET:", SAFELISTED)
            .server(&["app GET"]),
        Case::new("pattern_subdomain_put", Deep, Pattern, JSON_PUT)
            .allowed(r#"PUT:{"a":1}"#, SAFELISTED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        Case::new("pattern_apex_blocked", Apex, Pattern, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new("pattern_suffix_attack_blocked", SuffixAttack, Pattern, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new("pattern_suffix_attack_put_refused", SuffixAttack, Pattern, JSON_PUT)
            .blocked()
            .server(&["preflight PUT [content-type] -> 403"]),
        Case::new("pattern_prefix_attack_blocked", PrefixAttack, Pattern, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new("pattern_other_port_blocked", AppOtherPort, Pattern, "{}")
            .blocked()
            .server(&["app GET"]),
        Case::new("pattern_method_not_listed_refused", App, Pattern, r#"{method: "DELETE"}"#)
            .blocked()
            .server(&["preflight DELETE -> 403"]),
        Case::new("pattern_options_not_listed_refused", App, Pattern, r#"{method: "OPTIONS"}"#)
            .blocked()
            .server(&["preflight OPTIONS -> 403"]),
        // --- Any origin: `*` ---
        Case::new("any_origin_get_from_other_host", Evil, AnyOrigin, "{}")
            .allowed("GET:", ALL)
            .server(&["app GET"]),
        Case::new("any_origin_put_from_other_site", SuffixAttack, AnyOrigin, JSON_PUT)
            .allowed(r#"PUT:{"a":1}"#, ALL)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        Case::new("any_origin_delete", App, AnyOrigin, r#"{method: "DELETE"}"#)
            .allowed("DELETE:", ALL)
            .server(&["preflight DELETE -> 204", "app DELETE"]),
        Case::new(
            "any_origin_with_credentials_blocked",
            App,
            AnyOrigin,
            r#"{credentials: "include"}"#,
        )
        .blocked()
        .server(&["app GET"]),
        Case::new("any_origin_method_not_listed_refused", App, AnyOrigin, r#"{method: "PATCH"}"#)
            .blocked()
            .server(&["preflight PATCH -> 403"]),
        Case::new(
            "any_origin_header_not_listed_refused",
            Evil,
            AnyOrigin,
            r#"{headers: {"x-custom": "1"}}"#,
        )
        .blocked()
        .server(&["preflight GET [x-custom] -> 403"]),
        // --- Credentials: http://localhost:P -> http://localhost:C (same site) ---
        Case::new(
            "credentials_set_cookie",
            Local,
            Credentials,
            r#"{credentials: "include"}"#,
        )
        .path("/set-cookie")
        .allowed("GET:", EXPOSED)
        .server(&["app GET"]),
        Case::new(
            "credentials_cookie_sent",
            Local,
            Credentials,
            r#"{credentials: "include"}"#,
        )
        .allowed("GET:", EXPOSED)
        .server(&[COOKIE]),
        Case::new(
            "credentials_put_json",
            Local,
            Credentials,
            r#"{method: "PUT", credentials: "include", headers: {"content-type": "application/json"}, body: "{}"}"#,
        )
        .allowed("PUT:{}", EXPOSED)
        .server(&[
            "preflight PUT [content-type] -> 204",
            "app PUT cookie=sid=browser-suite",
        ]),
        Case::new(
            "credentials_delete",
            Local,
            Credentials,
            r#"{method: "DELETE", credentials: "include"}"#,
        )
        .allowed("DELETE:", EXPOSED)
        .server(&["preflight DELETE -> 204", "app DELETE cookie=sid=browser-suite"]),
        Case::new(
            "credentials_authorization_listed",
            Local,
            Credentials,
            r#"{credentials: "include", headers: {"Authorization": "Bearer token"}}"#,
        )
        .allowed("GET:", EXPOSED)
        .server(&["preflight GET [authorization] -> 204", COOKIE]),
        Case::new(
            "credentials_omit_sends_no_cookie",
            Local,
            Credentials,
            r#"{credentials: "omit"}"#,
        )
        .allowed("GET:", EXPOSED)
        .server(&["app GET"]),
        Case::new("credentials_same_origin_mode_sends_no_cookie", Local, Credentials, "{}")
            .allowed("GET:", EXPOSED)
            .server(&["app GET"]),
        Case::new(
            "credentials_other_port_blocked_though_cookie_sent",
            LocalOtherPort,
            Credentials,
            r#"{credentials: "include"}"#,
        )
        .blocked()
        .server(&[COOKIE]),
        Case::new(
            "credentials_other_site_blocked",
            Evil,
            Credentials,
            r#"{credentials: "include"}"#,
        )
        .blocked()
        .server(&["app GET"]),
        Case::new(
            "credentials_other_site_put_refused",
            Evil,
            Credentials,
            r#"{method: "PUT", credentials: "include", headers: {"content-type": "application/json"}, body: "{}"}"#,
        )
        .blocked()
        .server(&["preflight PUT [content-type] -> 403"]),
        // --- Any header, with credentials: names reflected, never authorization ---
        Case::new(
            "any_header_reflected_with_credentials",
            Local,
            AnyHeader,
            r#"{method: "PUT", credentials: "include", headers: {"x-one": "1", "X-Two": "2"}, body: "x"}"#,
        )
        .allowed("PUT:x", SAFELISTED)
        .server(&[
            "preflight PUT [x-one,x-two] -> 204",
            "app PUT cookie=sid=browser-suite",
        ]),
        Case::new(
            "any_header_does_not_cover_authorization",
            Local,
            AnyHeader,
            r#"{credentials: "include", headers: {"authorization": "Bearer token"}}"#,
        )
        .blocked()
        .server(&["preflight GET [authorization] -> 403"]),
        // --- Max-Age ---
        Case::new("max_age_zero_preflights_every_time", App, NoCache, JSON_PUT)
            .times(2)
            .allowed(r#"PUT:{"a":1}"#, SAFELISTED)
            .server(&[
                "preflight PUT [content-type] -> 204",
                "app PUT",
                "preflight PUT [content-type] -> 204",
                "app PUT",
            ]),
        // --- Private network policy: no engine sends PNA preflights now ---
        Case::new("private_network_policy_put", App, PrivateNetwork, JSON_PUT)
            .allowed(r#"PUT:{"a":1}"#, SAFELISTED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        // --- Vary: origin on a response to a request without Origin (a
        // no-cors fetch) keeps the browser's HTTP cache from serving it to
        // a CORS request ---
        Case::new("vary_answer_without_origin_cached", App, Exact, r#"{mode: "no-cors"}"#)
            .path("/cacheable")
            .key("vary_origin")
            .opaque()
            .server(&["app GET"]),
        Case::new("vary_cors_request_not_served_cached_copy", App, Exact, "{}")
            .path("/cacheable")
            .key("vary_origin")
            .allowed("GET:", CACHEABLE)
            .server(&["app GET", "app GET"]),
        // --- Debug mode: a refused method or header is answered 200 with
        // the configured lists and the reason, so the console names what is
        // missing; the browser still blocks, and never sends the request ---
        Case::new("debug_mode_refused_method_still_blocked", App, DebugMode, r#"{method: "DELETE"}"#)
            .blocked()
            .server(&[
                "preflight DELETE -> 200 origin=echoed methods=PUT headers=content-type \
                 cors-refusal=method \"DELETE\" not allowed",
            ]),
        Case::new(
            "debug_mode_lowercase_patch_still_blocked",
            App,
            DebugMode,
            r#"{method: "patch", headers: {"content-type": "application/json"}, body: "[]"}"#,
        )
        .blocked()
        .server(&[
            "preflight patch [content-type] -> 200 origin=echoed methods=PUT \
             headers=content-type cors-refusal=method \"patch\" not allowed",
        ]),
        Case::new(
            "debug_mode_refused_header_still_blocked",
            App,
            DebugMode,
            r#"{method: "PUT", headers: {"content-type": "application/json", "x-forbidden": "1"}, body: "{}"}"#,
        )
        .blocked()
        .server(&[
            "preflight PUT [content-type,x-forbidden] -> 200 origin=echoed methods=PUT \
             headers=content-type cors-refusal=header \"x-forbidden\" not allowed",
        ]),
        Case::new("debug_mode_allowed_put_unchanged", App, DebugMode, JSON_PUT)
            .allowed(r#"PUT:{"a":1}"#, SAFELISTED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT"]),
        Case::new("debug_mode_refused_origin_still_403", Evil, DebugMode, JSON_PUT)
            .blocked()
            .server(&["preflight PUT [content-type] -> 403"]),
        Case::new("debug_mode_refused_origin_simple_get_blocked", Evil, DebugMode, "{}")
            .blocked()
            .server(&["app GET"]),
        // --- Last: the cached preflight, past the browser's default 5 s ---
        Case::new("cached_preflight_reused_after_5s", App, Exact, JSON_PUT)
            .key("cached_preflight")
            .not_before("cached_preflight_first", PAST_DEFAULT_CACHE)
            .preflight_from_cache()
            .allowed(r#"PUT:{"a":1}"#, EXPOSED)
            .server(&["preflight PUT [content-type] -> 204", "app PUT", "app PUT"]),
    ]
}

/// Runs one fetch (or `times` fetches) in the current page and returns
/// `{page, results}`: `page`, the request as the page asked for it (the
/// method as written; the header list, body-derived `content-type`
/// included, the credentials mode and the mode, as the browser's own
/// `Request` has them), for `cors probe`; `results`, the outcomes,
/// `{ok, status, body, headers}` or `{ok: false, error}`.
const FETCH_SCRIPT: &str = r#"
const [url, times, done] = arguments;
(async () => {
  const asked = __INIT__;
  const request = new Request(url, __INIT__);
  const page = {
    method: asked.method ?? "GET",
    headers: [...request.headers],
    credentials: request.credentials,
    mode: request.mode,
  };
  const results = [];
  for (let i = 0; i < times; i++) {
    const init = __INIT__;
    init.signal = AbortSignal.timeout(8000);
    try {
      const response = await fetch(url, init);
      const headers = {};
      for (const [name, value] of response.headers) headers[name] = value;
      results.push({ ok: true, status: response.status, body: await response.text(), headers });
    } catch (error) {
      results.push({ ok: false, name: error.name, error: String(error) });
    }
  }
  return { page, results };
})().then(done, (error) => done({ page: null, results: [{ ok: false, error: "script failed: " + error }] }));
"#;

pub type Outcome = (String, Result<(), String>);

/// Runs every case in order (those with `not_before` at the end, once their
/// delay has passed) and returns one outcome per case, and what the engine
/// did in each, for `cors probe` to judge too.
pub async fn run_all(
    client: &Client,
    servers: &Servers,
    cases: Vec<Case>,
) -> (Vec<Outcome>, Vec<Observation>) {
    let (now, later): (Vec<_>, Vec<_>) = cases.into_iter().partition(|c| c.not_before.is_none());
    let mut ran_at: HashMap<&'static str, Instant> = HashMap::new();
    let mut current_origin = String::new();
    let mut outcomes = Vec::new();
    let mut observations = Vec::new();
    for case in now.into_iter().chain(later) {
        if let Some((earlier, delay)) = case.not_before {
            if let Some(at) = ran_at.get(earlier) {
                tokio::time::sleep_until((*at + delay).into()).await;
            }
        }
        ran_at.insert(case.name, Instant::now());
        let (result, observation) = run_one(client, servers, &case, &mut current_origin).await;
        observations.extend(observation);
        match &result {
            Ok(()) => println!("ok   {}", case.name),
            Err(why) => println!("FAIL {}: {why}", case.name),
        }
        outcomes.push((case.name.to_owned(), result));
    }
    (outcomes, observations)
}

/// Runs one case: its outcome, and what the engine did (`None` when the
/// script could not even run).
async fn run_one(
    client: &Client,
    servers: &Servers,
    case: &Case,
    current_origin: &mut String,
) -> (Result<(), String>, Option<Observation>) {
    let origin = case.page.origin(servers);
    if *current_origin != origin {
        current_origin.clear();
        if let Err(why) = open_page(client, &origin).await {
            return (Err(why), None);
        }
        *current_origin = origin.clone();
    }

    let url = |key: &str| {
        format!(
            "http://{}:{}{}?case={key}",
            case.api.host(),
            servers.api_port(case.api),
            case.path,
        )
    };
    let earlier = servers.trace.get(case.key);
    let script = FETCH_SCRIPT.replace("__INIT__", case.init);
    let args = vec![json!(url(case.key)), json!(case.times)];
    let ran = match within("the fetch script", client.execute_async(&script, args)).await {
        Ok(ran) => ran,
        Err(why) => return (Err(why), None),
    };
    let Some(results) = ran["results"].as_array() else {
        return (Err(format!("script returned {ran}")), None);
    };
    let seen = servers.trace.get(case.key);
    let observation = observe(
        case,
        &origin,
        url(&format!("probe-{}", case.name)),
        &ran["page"],
        results,
        &earlier,
        seen.get(earlier.len()..).unwrap_or_default(),
    );
    (check_case(case, results, &seen), observation)
}

/// The case's checks: each fetch's result, then the servers' trace.
fn check_case(case: &Case, results: &[Value], seen: &[String]) -> Result<(), String> {
    if results.len() != case.times {
        return Err(format!(
            "{} results for {} fetches",
            results.len(),
            case.times
        ));
    }
    for (i, result) in results.iter().enumerate() {
        check_result(case, result).map_err(|why| format!("fetch {}: {why}", i + 1))?;
    }
    if seen != case.server {
        return Err(format!("server saw {seen:?}, expected {:?}", case.server));
    }
    Ok(())
}

/// What the engine did with the case's first fetch, and the same request
/// for `cors probe` (to `probe_url`, so that its exchanges stay out of the
/// case's trace): the page's method as written, the header list the
/// browser built (`page`), its credentials mode, and the cookie the
/// browser sent (from `new_lines`, the trace the case added).
fn observe(
    case: &Case,
    origin: &str,
    probe_url: String,
    page: &Value,
    results: &[Value],
    earlier: &[String],
    new_lines: &[String],
) -> Option<Observation> {
    let first = results.first()?;
    let mode = page["mode"].as_str()?;
    if mode != "cors" {
        return Some(Observation::Outside {
            case: case.name.to_owned(),
            why: "a no-cors fetch: its answer is opaque whatever the server says, \
                  so there is no CORS verdict to compare",
        });
    }
    let headers = page["headers"]
        .as_array()?
        .iter()
        .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned())))
        .collect();
    let credentials = page["credentials"] == "include";
    let cookie = new_lines
        .iter()
        .find_map(|line| line.split_once(" cookie="))
        .map(|(_, cookie)| cookie.split(" +").next().unwrap_or_default().to_owned())
        .filter(|_| credentials);
    let is_preflight = |line: &String| line.starts_with("preflight ");
    let preflight = new_lines.iter().any(is_preflight)
        || (case.preflight_from_cache && earlier.iter().any(is_preflight));
    let allowed = first["ok"] == true;
    let exposed = first["headers"]
        .as_object()
        .filter(|_| allowed)
        .map(|headers| {
            let mut names: Vec<String> = headers.keys().cloned().collect();
            names.sort_unstable();
            names
        });
    Some(Observation::Probed {
        case: case.name.to_owned(),
        probe: Probe {
            url: probe_url,
            origin: origin.to_owned(),
            method: page["method"].as_str()?.to_owned(),
            headers,
            credentials,
            cookie,
        },
        seen: Seen {
            allowed,
            preflight: Some(preflight),
            exposed,
        },
    })
}

/// Opens the blank page at `origin` and checks the browser really is there.
pub async fn open_page(client: &Client, origin: &str) -> Result<(), String> {
    let url = format!("{origin}/");
    within(&format!("opening {url}"), client.goto(&url)).await?;
    let here = within(
        "reading location.origin",
        client.execute("return location.origin", vec![]),
    )
    .await?;
    if here != json!(origin) {
        return Err(format!("page origin is {here}, expected {origin}"));
    }
    Ok(())
}

/// Awaits one WebDriver command, bounded a little past the browser's own
/// script and page-load timeouts so that a hung driver cannot hang the run.
pub async fn within<T, E: std::fmt::Display>(
    what: &str,
    command: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(STEP_TIMEOUT + Duration::from_secs(5), command).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what} failed: {e}")),
        Err(_) => Err(format!("{what} timed out")),
    }
}

fn check_result(case: &Case, result: &Value) -> Result<(), String> {
    let ok = result["ok"].as_bool();
    match &case.expect {
        Expect::Blocked => {
            if ok != Some(false) {
                return Err(format!("expected blocked, script saw {result}"));
            }
            // A CORS failure is a network error, which fetch() rejects with
            // a TypeError; each engine words its message differently
            // ("Failed to fetch", "NetworkError when attempting to fetch
            // resource.", "Load failed"). A timeout is a TimeoutError.
            if result["name"] != "TypeError" {
                return Err(format!("expected a CORS network error, got {result}"));
            }
        }
        Expect::Opaque => {
            let opaque = json!({"ok": true, "status": 0, "body": "", "headers": {}});
            if *result != opaque {
                return Err(format!("expected an opaque response, script saw {result}"));
            }
        }
        Expect::Allowed {
            status,
            body,
            visible,
        } => {
            if ok != Some(true) {
                return Err(format!("expected allowed, script saw {result}"));
            }
            if result["status"] != json!(status) {
                return Err(format!("status {}, expected {status}", result["status"]));
            }
            if result["body"] != json!(body) {
                return Err(format!("body {}, expected {body:?}", result["body"]));
            }
            let headers = result["headers"].as_object().cloned().unwrap_or_default();
            let mut names: Vec<&str> = headers.keys().map(String::as_str).collect();
            names.sort_unstable();
            if names != *visible {
                return Err(format!(
                    "script reads headers {names:?}, expected {visible:?}"
                ));
            }
            if let Some(id) = headers.get("x-request-id") {
                if id != case.key {
                    return Err(format!("x-request-id {id}, expected {:?}", case.key));
                }
            }
            if let Some(secret) = headers.get("x-secret") {
                if secret != SECRET_VALUE {
                    return Err(format!("x-secret {secret}"));
                }
            }
        }
    }
    Ok(())
}

/// No engine sends Private Network Access preflights: Chromium 156 dropped
/// them (Local Network Access replaced them) and Firefox and WebKit never
/// shipped them, so no page can make one. These replay,
/// over a plain TCP connection, the preflight Chrome 104 to 141 sent, to
/// check the layer's opt-in `Access-Control-Allow-Private-Network` answer.
pub async fn private_network_replays(servers: &Servers) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (name, api, methods, answer) in [
        (
            "private_network_preflight_replayed",
            Api::PrivateNetwork,
            "PUT",
            Some("true"),
        ),
        (
            "private_network_not_enabled_replayed",
            Api::Exact,
            "PUT,DELETE,PATCH,OPTIONS",
            None,
        ),
    ] {
        let result = replay_private_network(servers, name, api, methods, answer).await;
        match &result {
            Ok(()) => println!("ok   {name} (replayed over TCP, not a browser fetch)"),
            Err(why) => println!("FAIL {name}: {why}"),
        }
        outcomes.push((name.to_owned(), result));
    }
    outcomes
}

async fn replay_private_network(
    servers: &Servers,
    key: &str,
    api: Api,
    methods: &str,
    answer: Option<&str>,
) -> Result<(), String> {
    let port = servers.api_port(api);
    let origin = Page::App.origin(servers);
    let request = format!(
        "OPTIONS /echo?case={key} HTTP/1.1\r\n\
         Host: {}:{port}\r\n\
         Origin: {origin}\r\n\
         Access-Control-Request-Method: PUT\r\n\
         Access-Control-Request-Private-Network: true\r\n\
         Connection: close\r\n\r\n",
        api.host()
    );
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = match tokio::time::timeout(Duration::from_secs(10), exchange).await {
        Ok(Ok(response)) => String::from_utf8_lossy(&response).into_owned(),
        Ok(Err(e)) => return Err(format!("exchange failed: {e}")),
        Err(_) => return Err("exchange timed out".into()),
    };
    let mut lines = response.split("\r\n");
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 204") {
        return Err(format!("status line {status:?}, expected 204"));
    }
    let headers: HashMap<String, String> = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let expect = [
        ("access-control-allow-origin", Some(origin.as_str())),
        ("access-control-allow-methods", Some(methods)),
        ("access-control-allow-private-network", answer),
    ];
    for (name, value) in expect {
        if headers.get(name).map(String::as_str) != value {
            return Err(format!(
                "{name}: {:?}, expected {value:?}",
                headers.get(name)
            ));
        }
    }
    let seen = servers.trace.get(key);
    let expected = ["preflight PUT +private-network=true -> 204"];
    if seen != expected {
        return Err(format!("server saw {seen:?}, expected {expected:?}"));
    }
    Ok(())
}
