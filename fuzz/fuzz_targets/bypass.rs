//! Fuzzes bypass-prefix matching: a path the guard lets through under
//! `/webhooks/` must still be under `/webhooks/` after everything a server
//! or proxy behind the guard might do to it: `%XX` decoding (repeated, as
//! double decoding does), IIS's `%uXXXX`, `\` read as `/`, `;` parameters
//! dropped from each segment (Tomcat, Jetty, Spring), and `.`/`..`
//! segments resolved.
//!
//! Input: the request path, as bytes (only those a URI path can carry are
//! tried).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tower_cors::csrf::Trusted;

const PREFIX: &str = "/webhooks/";

fn trusted() -> &'static Trusted {
    static TRUSTED: OnceLock<Trusted> = OnceLock::new();
    TRUSTED.get_or_init(|| {
        Trusted::builder()
            .bypass_prefix(PREFIX)
            .build()
            .expect("valid prefix")
    })
}

/// One round of `%XX` and `%uXXXX` decoding (invalid escapes kept).
fn decode(path: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(path.len());
    let mut i = 0;
    while i < path.len() {
        if path[i] == b'%' {
            if let Some(&[h, l]) = path.get(i + 1..i + 3) {
                if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
            }
            if let Some(&[u, a, b, c, d]) = path.get(i + 1..i + 6) {
                if u.eq_ignore_ascii_case(&b'u') {
                    let digits = [a, b, c, d].map(hex);
                    if let [Some(a), Some(b), Some(c), Some(d)] = digits {
                        let code = ((a << 12) | (b << 8) | (c << 4) | d) as u8;
                        out.push(code);
                        i += 6;
                        continue;
                    }
                }
            }
        }
        out.push(path[i]);
        i += 1;
    }
    out
}

/// What a lenient server behind the guard could route `path` to.
fn normalised(path: &[u8]) -> String {
    let mut bytes = path.to_vec();
    for _ in 0..4 {
        let next = decode(&bytes);
        if next == bytes {
            break;
        }
        bytes = next;
    }
    let text: String = bytes
        .iter()
        .map(|&b| if b == b'\\' { '/' } else { char::from(b) })
        .collect();
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = text.split('/').collect();
    let last = parts.len().saturating_sub(1);
    for (i, segment) in parts.into_iter().enumerate() {
        let name = segment.split(';').next().unwrap_or("");
        match name {
            "." => {}
            ".." => {
                segments.pop();
            }
            "" if i != 0 && i != last => {}
            name => segments.push(name),
        }
    }
    let joined = segments.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

fuzz_target!(|data: &[u8]| {
    let mut path = String::from(PREFIX);
    path.extend(data.iter().map(|&b| char::from(b & 0x7f)));
    // Only what a request target can carry reaches the guard.
    let Ok(uri) = path.parse::<http::Uri>() else {
        return;
    };
    let path = uri.path();
    if trusted().bypasses(path) {
        let resolved = normalised(path.as_bytes());
        assert!(
            resolved.starts_with(PREFIX) || resolved == PREFIX.trim_end_matches('/'),
            "{path:?} bypasses but a server may read it as {resolved:?}"
        );
    }
});
