//! Fuzzes `PolicyBuilder::build` with arbitrary configuration strings. A
//! refused configuration must list its problems; a built one must allow
//! exactly what it was told to (each exact origin, each pattern's
//! subdomains, each method and header), and never `*` with credentials.
//!
//! Input: lines separated by `\n`, each an operation byte and its argument:
//! `o` origin, `m` method, `h` header, `e` exposed header, `f` predicate
//! suffix, `x` max age in seconds; `c` credentials, `a` any origin, `n`
//! null, `M` any method, `H` any header, `E` expose any, `p` private
//! network.
#![no_main]

use std::time::Duration;

use http::header::{HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN};
use http::Request;
use libfuzzer_sys::fuzz_target;
use tower_cors::Policy;

#[derive(Default)]
struct Config {
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    credentials: bool,
}

fuzz_target!(|data: &[u8]| {
    let mut builder = Policy::builder();
    let mut config = Config::default();
    for line in data.split(|&b| b == b'\n') {
        let Some((&op, arg)) = line.split_first() else {
            continue;
        };
        let arg = String::from_utf8_lossy(arg).into_owned();
        builder = match op {
            b'o' => {
                config.origins.push(arg.clone());
                builder.allow_origins([arg])
            }
            b'm' => {
                config.methods.push(arg.clone());
                builder.allow_methods([arg])
            }
            b'h' => {
                config.headers.push(arg.clone());
                builder.allow_headers([arg])
            }
            b'e' => builder.expose_headers([arg]),
            b'f' => builder.allow_origin_fn(move |origin| origin.ends_with(arg.as_str())),
            b'x' => builder.max_age(Duration::from_secs(arg.parse().unwrap_or(arg.len() as u64))),
            b'c' => {
                config.credentials = true;
                builder.allow_credentials(true)
            }
            b'a' => builder.allow_any_origin(),
            b'n' => builder.allow_null_origin_dangerously(),
            b'M' => builder.allow_any_method(),
            b'H' => builder.allow_any_header(),
            b'E' => builder.expose_any_header(),
            b'p' => builder.allow_private_network(true),
            _ => builder,
        };
    }
    let _ = format!("{builder:?}");

    let policy = match builder.build() {
        Ok(policy) => policy,
        Err(err) => {
            assert!(!err.problems().is_empty());
            assert!(!err.to_string().is_empty());
            return;
        }
    };

    // Every configured origin (a pattern through one of its subdomains) is
    // allowed, for a GET and for a preflight asking for every configured
    // method and header.
    let requested = config.headers.join(",");
    for origin in &config.origins {
        let origin = if origin == "*" || origin == "null" {
            continue;
        } else if origin.contains("://*.") {
            origin.replacen("://*.", "://sub.", 1)
        } else {
            origin.clone()
        };
        // The port `*` allows any port: try one.
        let origin = match origin.strip_suffix(":*") {
            Some(host) => format!("{host}:5173"),
            None => origin,
        };
        let Ok(value) = HeaderValue::from_str(&origin) else {
            continue;
        };
        let get = Request::get("/")
            .header("origin", value.clone())
            .body(())
            .unwrap();
        let decision = policy.evaluate(&get);
        assert!(decision.is_allowed(), "{origin:?}: {decision}");
        let granted = decision
            .headers()
            .get(&ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap();
        assert!(*granted == value || (granted == "*" && !config.credentials));

        for method in &config.methods {
            let mut preflight = Request::options("/")
                .header("origin", value.clone())
                .header("access-control-request-method", method.as_str());
            let small = config.headers.len() <= 128 && requested.len() <= 4096;
            if !requested.is_empty() && small {
                preflight = preflight.header("access-control-request-headers", requested.as_str());
            }
            let decision = policy.evaluate(&preflight.body(()).unwrap());
            assert!(
                decision.is_allowed(),
                "{origin:?} {method:?} {requested:?}: {decision}"
            );
        }
    }
});
