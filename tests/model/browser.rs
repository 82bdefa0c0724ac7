//! The browser's side of the reference model: what a browser sends for a
//! page's cross-origin request and what it does with the answers, written
//! from the Fetch standard (section ids at each rule), not from
//! `src/browser`. Plain on purpose: lists are scanned and strings compared.
//!
//! Include it next to the model with
//! `#[path = "model/browser.rs"] mod browser_model;` after `mod model;`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use crate::model::{kind, Kind, ModelRequest};

/// A page's request: the origin, the method as sent (already normalised),
/// the page's headers (lowercase names, trimmed values) and whether
/// credentials are included (`credentials: "include"`).
#[derive(Debug, Clone)]
pub struct ModelPage {
    pub origin: String,
    pub method: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub include: bool,
}

/// Why the model's browser blocks a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    PreflightRedirect,
    PreflightStatus,
    NoAllowOrigin,
    SeveralAllowOrigins,
    AllowOriginNotAnOrigin,
    OtherAllowOrigin,
    StarWithCredentials,
    CredentialsNotTrue,
    UnparsableMethods,
    UnparsableHeaders,
    Method(String),
    Header(String),
}

/// A response as the model reads it: status and header lines by
/// lowercase name.
pub type Lines = BTreeMap<String, Vec<Vec<u8>>>;

// ---------------------------------------------------------------------------
// What the browser sends
// ---------------------------------------------------------------------------

/// `#concept-method-normalize`: six methods are uppercased, the rest kept.
pub fn normalize_method(method: &str) -> String {
    let upper = method.to_ascii_uppercase();
    match upper.as_str() {
        "DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" => upper,
        _ => method.to_owned(),
    }
}

/// A `GET` with the origin and this one header: the model's request
/// classification says whether the header alone is CORS-safelisted. That
/// classification reads requests as received, where a `Priority` is the
/// browser's own; set by a page, it is a header like any other.
fn safelisted_alone(origin: &str, name: &str, value: &[u8]) -> bool {
    if name == "priority" {
        return false;
    }
    let request = ModelRequest {
        method: "GET".into(),
        headers: vec![
            ("origin".into(), origin.as_bytes().to_vec()),
            (name.to_owned(), value.to_vec()),
        ],
    };
    kind(&request) == Kind::Simple
}

/// `#cors-unsafe-request-header-names`: the names whose value is not
/// safelisted, plus every safelisted one when their values add up to more
/// than 1024 bytes; lowercase, sorted, each once.
pub fn unsafe_names(page: &ModelPage) -> Vec<String> {
    let mut names = Vec::new();
    let mut safelisted_total = 0;
    let mut safelisted_names = Vec::new();
    for (name, value) in &page.headers {
        if safelisted_alone(&page.origin, name, value) {
            safelisted_total += value.len();
            safelisted_names.push(name.clone());
        } else {
            names.push(name.clone());
        }
    }
    if safelisted_total > 1024 {
        names.extend(safelisted_names);
    }
    names.sort();
    names.dedup();
    names
}

/// `#cors-preflight-fetch`, step 1 of HTTP fetch: a preflight is needed
/// for a method other than `GET`, `HEAD`, `POST`, or any unsafe name.
pub fn needs_preflight(page: &ModelPage) -> bool {
    !matches!(page.method.as_str(), "GET" | "HEAD" | "POST") || !unsafe_names(page).is_empty()
}

/// `#cors-preflight-fetch` steps 1-4: the preflight's header lines.
pub fn preflight(page: &ModelPage) -> ModelRequest {
    let mut headers = vec![
        ("origin".to_owned(), page.origin.clone().into_bytes()),
        ("accept".to_owned(), b"*/*".to_vec()),
        (
            "access-control-request-method".to_owned(),
            page.method.clone().into_bytes(),
        ),
        ("sec-fetch-mode".to_owned(), b"cors".to_vec()),
    ];
    let names = unsafe_names(page);
    if !names.is_empty() {
        headers.push((
            "access-control-request-headers".to_owned(),
            names.join(",").into_bytes(),
        ));
    }
    ModelRequest {
        method: "OPTIONS".into(),
        headers,
    }
}

/// The request itself: the page's headers, `Origin`, `Sec-Fetch-Mode`, and
/// `Accept: */*` when the page set none (`#fetching` step "If request's
/// header list does not contain `Accept`").
pub fn actual(page: &ModelPage) -> ModelRequest {
    let mut headers = page.headers.clone();
    headers.push(("origin".into(), page.origin.clone().into_bytes()));
    headers.push(("sec-fetch-mode".into(), b"cors".to_vec()));
    if !page.headers.iter().any(|(n, _)| n == "accept") {
        headers.push(("accept".into(), b"*/*".to_vec()));
    }
    ModelRequest {
        method: page.method.clone(),
        headers,
    }
}

// ---------------------------------------------------------------------------
// What the browser checks
// ---------------------------------------------------------------------------

/// `#concept-header-list-get`: the lines of a header joined by `, `.
fn get(lines: &Lines, name: &str) -> Option<Vec<u8>> {
    lines.get(name).map(|values| values.join(&b", "[..]))
}

/// `#concept-cors-check`, with the failure named the way Chrome tells
/// them apart (a list, no origin at all, another origin).
pub fn cors_check(page: &ModelPage, lines: &Lines) -> Result<(), Why> {
    let Some(origin) = get(lines, "access-control-allow-origin") else {
        return Err(Why::NoAllowOrigin);
    };
    if origin == b"*" {
        return if page.include {
            Err(Why::StarWithCredentials)
        } else {
            Ok(())
        };
    }
    if origin != page.origin.as_bytes() {
        let text = String::from_utf8_lossy(&origin).into_owned();
        return Err(if text.contains(',') {
            Why::SeveralAllowOrigins
        } else if text != "null" && !text.contains("://") {
            Why::AllowOriginNotAnOrigin
        } else {
            Why::OtherAllowOrigin
        });
    }
    if page.include && get(lines, "access-control-allow-credentials").as_deref() != Some(b"true") {
        return Err(Why::CredentialsNotTrue);
    }
    Ok(())
}

/// `#extract-header-list-values` for a list of tokens: `None` when absent,
/// `Err` when an element is not a token; empty elements are skipped.
fn list(lines: &Lines, name: &str) -> Result<Vec<String>, ()> {
    let Some(values) = lines.get(name) else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for value in values {
        let text = std::str::from_utf8(value).map_err(|_| ())?;
        for element in text.split(',') {
            let element = element.trim_matches([' ', '\t']);
            if element.is_empty() {
                continue;
            }
            if !crate::model::is_token(element.as_bytes()) {
                return Err(());
            }
            items.push(element.to_owned());
        }
    }
    Ok(items)
}

/// `#cors-preflight-fetch` steps 6-7, judged as the engines do: `Ok(true)`
/// when `Authorization` passed only by `*`, which the standard refuses
/// (`#cors-non-wildcard-request-header-name`) and every engine accepts.
pub fn judge_preflight(page: &ModelPage, status: u16, lines: &Lines) -> Result<bool, Why> {
    if [301, 302, 303, 307, 308].contains(&status) {
        return Err(Why::PreflightRedirect);
    }
    cors_check(page, lines)?;
    if !(200..=299).contains(&status) {
        return Err(Why::PreflightStatus);
    }
    let methods =
        list(lines, "access-control-allow-methods").map_err(|()| Why::UnparsableMethods)?;
    let names = list(lines, "access-control-allow-headers").map_err(|()| Why::UnparsableHeaders)?;
    let star = |items: &[String]| !page.include && items.iter().any(|i| i == "*");
    let safelisted = ["GET", "HEAD", "POST"].contains(&page.method.as_str());
    if !safelisted && !methods.contains(&page.method) && !star(&methods) {
        return Err(Why::Method(page.method.clone()));
    }
    let mut authorization_by_star = false;
    for name in unsafe_names(page) {
        if names.iter().any(|n| n.to_ascii_lowercase() == name) {
            continue;
        }
        if !star(&names) {
            return Err(Why::Header(name));
        }
        if name == "authorization" {
            authorization_by_star = true;
        }
    }
    Ok(authorization_by_star)
}

/// `#cors-check` on the response, then `#cors-filtered-response`: the
/// names of the response's headers a script reads, lowercase and sorted.
pub fn judge_actual(page: &ModelPage, lines: &Lines) -> Result<Vec<String>, Why> {
    cors_check(page, lines)?;
    let exposed = list(lines, "access-control-expose-headers").unwrap_or_default();
    let everything = !page.include && exposed.iter().any(|e| e == "*");
    const ALWAYS: [&str; 7] = [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ];
    let mut readable: Vec<String> = lines
        .keys()
        .filter(|name| *name != "set-cookie" && *name != "set-cookie2")
        .filter(|name| {
            everything
                || ALWAYS.contains(&name.as_str())
                || exposed.iter().any(|e| e.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect();
    readable.sort();
    readable.dedup();
    Ok(readable)
}
