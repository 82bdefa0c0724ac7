//! Policies as data (`PolicyConfig`, feature `serde`): read from TOML and
//! JSON, unknown keys refused, validated exactly as the builder validates,
//! and given back by `Policy::config` so that rebuilding it answers every
//! request as the original does.

// The full fixture has a credentialed pattern, which builds only with the
// Public Suffix List: without it, its tests and the headers they read go.
#![cfg_attr(not(feature = "public-suffix"), allow(unused_imports))]

use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
};
use http::Request;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use tower_cors::policy::{
    ConfigProblem, Policy, PolicyConfig, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
};

#[cfg(feature = "public-suffix")]
const FULL_TOML: &str = r#"
allow_origins = ["https://app.example.com", "https://*.example.org", "null"]
allow_methods = ["GET", "PUT", "PATCH"]
allow_headers = ["content-type", "x-custom"]
expose_headers = ["x-request-id"]
allow_credentials = true
max_age = 600
allow_private_network = true
allow_null_origin_dangerously = true
"#;

fn preflight(origin: &str, method: &str) -> Request<()> {
    Request::options("/")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type,x-custom")
        .header("access-control-request-private-network", "true")
        .body(())
        .unwrap()
}

fn get(origin: &str) -> Request<()> {
    Request::get("/").header("origin", origin).body(()).unwrap()
}

/// Every key of a file reaches the policy.
#[cfg(feature = "public-suffix")]
fn assert_full_policy(policy: &Policy) {
    let decision = policy.evaluate(&preflight("https://api.example.org", "PATCH"));
    assert!(decision.is_allowed(), "{decision}");
    let headers = decision.headers();
    assert_eq!(
        headers.get(&ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
        "https://api.example.org"
    );
    assert_eq!(
        headers.get(&ACCESS_CONTROL_ALLOW_METHODS).unwrap(),
        "GET,PUT,PATCH"
    );
    assert_eq!(
        headers.get(&ACCESS_CONTROL_ALLOW_HEADERS).unwrap(),
        "content-type,x-custom"
    );
    assert_eq!(
        headers.get(&ACCESS_CONTROL_ALLOW_CREDENTIALS).unwrap(),
        "true"
    );
    assert_eq!(headers.get(&ACCESS_CONTROL_MAX_AGE).unwrap(), "600");
    assert_eq!(
        headers.get(&ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK).unwrap(),
        "true"
    );

    let simple = policy.evaluate(&get("null"));
    assert!(simple.is_allowed());
    assert_eq!(
        simple
            .headers()
            .get(&ACCESS_CONTROL_EXPOSE_HEADERS)
            .unwrap(),
        "x-request-id"
    );
    assert!(!policy.evaluate(&get("https://evil.example")).is_allowed());
}

// ---------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------

// `FULL_TOML` has a credentialed pattern: it builds only with the list.
#[cfg(feature = "public-suffix")]
#[test]
fn every_key_is_read_from_toml() {
    let config: PolicyConfig = toml::from_str(FULL_TOML).unwrap();
    assert_full_policy(&config.build().unwrap());
}

// `FULL_TOML` has a credentialed pattern: it builds only with the list.
#[cfg(feature = "public-suffix")]
#[test]
fn every_key_is_read_from_json() {
    let json = r#"{
        "allow_origins": ["https://app.example.com", "https://*.example.org", "null"],
        "allow_methods": ["GET", "PUT", "PATCH"],
        "allow_headers": ["content-type", "x-custom"],
        "expose_headers": ["x-request-id"],
        "allow_credentials": true,
        "max_age": 600,
        "allow_private_network": true,
        "allow_null_origin_dangerously": true
    }"#;
    let config: PolicyConfig = serde_json::from_str(json).unwrap();
    assert_eq!(config, toml::from_str::<PolicyConfig>(FULL_TOML).unwrap());
    assert_full_policy(&config.build().unwrap());
}

#[test]
fn absent_keys_take_the_builders_defaults() {
    let config: PolicyConfig = toml::from_str(r#"allow_origins = ["https://a.example"]"#).unwrap();
    let mut expected = PolicyConfig::default();
    expected.allow_origins = vec!["https://a.example".into()];
    assert_eq!(config, expected);
    let from_file = config.build().unwrap();
    let from_code = Policy::builder()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap();
    for request in [
        get("https://a.example"),
        preflight("https://a.example", "PUT"),
    ] {
        assert_eq!(from_file.evaluate(&request), from_code.evaluate(&request));
    }
}

#[test]
fn star_in_a_list_means_any() {
    let config: PolicyConfig = toml::from_str(
        r#"
        allow_origins = ["*"]
        allow_methods = ["*"]
        allow_headers = ["*"]
        expose_headers = ["*"]
        "#,
    )
    .unwrap();
    let policy = config.build().unwrap();
    let decision = policy.evaluate(&preflight("https://anyone.example", "PURGE"));
    assert!(decision.is_allowed(), "{decision}");
    assert_eq!(
        decision
            .headers()
            .get(&ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "*"
    );
    assert_eq!(
        decision
            .headers()
            .get(&ACCESS_CONTROL_ALLOW_METHODS)
            .unwrap(),
        "*"
    );
    let simple = policy.evaluate(&get("https://anyone.example"));
    assert_eq!(
        simple
            .headers()
            .get(&ACCESS_CONTROL_EXPOSE_HEADERS)
            .unwrap(),
        "*"
    );
}

#[test]
fn unknown_keys_are_refused() {
    // Typos, keys of other libraries, and functions (which have no key).
    for key in [
        "allow_origin",
        "allowed_origins",
        "origins",
        "allow_any_origin",
        "allow_origin_fn",
        "max_age_secs",
    ] {
        let text = format!("allow_origins = [\"https://a.example\"]\n{key} = true\n");
        let err = toml::from_str::<PolicyConfig>(&text).unwrap_err();
        assert!(
            err.to_string().contains(&format!("unknown field `{key}`")),
            "{key}: {err}"
        );
        let json = format!("{{\"allow_origins\": [\"https://a.example\"], \"{key}\": true}}");
        let err = serde_json::from_str::<PolicyConfig>(&json).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{key}: {err}");
    }
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    for text in [
        r#"allow_origins = "https://a.example""#,
        r#"max_age = "600""#,
        r#"max_age = -1"#,
        r#"max_age = 1.5"#,
        r#"allow_credentials = "yes""#,
        r#"allow_methods = [1, 2]"#,
    ] {
        assert!(toml::from_str::<PolicyConfig>(text).is_err(), "{text}");
    }
}

// ---------------------------------------------------------------------------
// Validation: the builder's, every problem listed
// ---------------------------------------------------------------------------

#[test]
fn every_problem_of_a_file_is_listed() {
    let config: PolicyConfig = toml::from_str(
        r#"
        allow_origins = ["*", "https://app.example.com/", "http://insecure.example", "null"]
        allow_methods = ["TRACE", "delete", "bad method"]
        allow_headers = ["cookie", "x ok"]
        expose_headers = ["*", "set-cookie"]
        allow_credentials = true
        max_age = 90000
        "#,
    )
    .unwrap();
    let from_code = Policy::builder()
        .allow_origins([
            "*",
            "https://app.example.com/",
            "http://insecure.example",
            "null",
        ])
        .allow_methods(["TRACE", "delete", "bad method"])
        .allow_headers(["cookie", "x ok"])
        .expose_headers(["*", "set-cookie"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(90_000))
        .build()
        .unwrap_err();
    let err = config.build().unwrap_err();
    assert_eq!(err, from_code);

    let problems = err.problems();
    assert_eq!(problems.len(), 12, "{err}");
    for expected in [
        ConfigProblem::NullOrigin,
        ConfigProblem::AnyOriginWithCredentials,
        ConfigProblem::ExposeAnyWithCredentials,
        ConfigProblem::MaxAgeTooLong { secs: 90_000 },
    ] {
        assert!(problems.contains(&expected), "{expected:?} in {err}");
    }
    // One line per problem in the message.
    assert_eq!(err.to_string().lines().count(), 1 + problems.len());
}

#[test]
fn an_empty_file_allows_no_origin_and_says_so() {
    let config: PolicyConfig = toml::from_str("").unwrap();
    assert_eq!(config, PolicyConfig::default());
    let err = config.build().unwrap_err();
    assert_eq!(err.problems(), [ConfigProblem::NoOrigin]);
}

#[test]
fn a_file_can_be_completed_in_code() {
    let config: PolicyConfig = toml::from_str(r#"allow_origins = ["https://a.example"]"#).unwrap();
    let policy = config
        .into_builder()
        .allow_origin_fn(|origin| origin == "https://b.example")
        .build()
        .unwrap();
    assert!(policy.evaluate(&get("https://a.example")).is_allowed());
    assert!(policy.evaluate(&get("https://b.example")).is_allowed());
}

// ---------------------------------------------------------------------------
// `Policy::config`: back to data
// ---------------------------------------------------------------------------

#[test]
fn config_is_normalized() {
    let policy = Policy::builder()
        .allow_origins(["https://b.example", "https://a.example"])
        .allow_origins(["https://b.example", "null"])
        .allow_null_origin_dangerously()
        .allow_methods(["PUT", "DELETE", "PUT"])
        .allow_headers(["X-Custom", "content-type", "x-custom"])
        .expose_headers(["X-Total", "etag"])
        .max_age(Duration::from_millis(600_900))
        .build()
        .unwrap();
    let config = policy.config().unwrap();
    assert_eq!(
        config.allow_origins,
        ["https://a.example", "https://b.example"]
    );
    assert!(config.allow_null_origin_dangerously);
    assert_eq!(config.allow_methods, ["PUT", "DELETE"]);
    assert_eq!(config.allow_headers, ["content-type", "x-custom"]);
    assert_eq!(config.expose_headers, ["etag", "x-total"]);
    // Whole seconds, as `Access-Control-Max-Age` says.
    assert_eq!(config.max_age, Some(600));
}

#[test]
fn star_makes_the_rest_of_a_list_irrelevant_except_authorization() {
    let policy = Policy::builder()
        .allow_origins(["https://a.example"])
        .allow_any_origin()
        .allow_methods(["PUT"])
        .allow_any_method()
        .allow_headers(["x-custom", "Authorization"])
        .allow_any_header()
        .expose_headers(["x-total"])
        .expose_any_header()
        .build()
        .unwrap();
    let config = policy.config().unwrap();
    assert_eq!(config.allow_origins, ["*"]);
    assert_eq!(config.allow_methods, ["*"]);
    // `*` never covers `authorization`: it must stay listed.
    assert_eq!(config.allow_headers, ["*", "authorization"]);
    assert_eq!(config.expose_headers, ["*"]);
}

#[test]
fn equivalent_policies_have_equal_configs() {
    let one = Policy::builder()
        .allow_origins(["https://b.example", "https://a.example"])
        .allow_headers(["Content-Type"])
        .build()
        .unwrap();
    let other = Policy::builder()
        .allow_origins(["https://a.example"])
        .allow_origins(["https://b.example", "https://a.example"])
        .allow_headers(["content-type", "CONTENT-TYPE"])
        .build()
        .unwrap();
    assert_eq!(one.config().unwrap(), other.config().unwrap());
}

// `FULL_TOML` has a credentialed pattern: it builds only with the list.
#[cfg(feature = "public-suffix")]
#[test]
fn config_goes_through_toml_and_json_unchanged() {
    let policy = toml::from_str::<PolicyConfig>(FULL_TOML)
        .unwrap()
        .build()
        .unwrap();
    let config = policy.config().unwrap();
    let text = toml::to_string(&config).unwrap();
    assert_eq!(toml::from_str::<PolicyConfig>(&text).unwrap(), config);
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<PolicyConfig>(&json).unwrap(), config);
    assert_full_policy(&config.build().unwrap());

    // Without a max-age the key is left out, not written as a null.
    let bare = Policy::builder().allow_any_origin().build().unwrap();
    let text = toml::to_string(&bare.config().unwrap()).unwrap();
    assert!(!text.contains("max_age"), "{text}");
}

#[test]
fn a_policy_with_a_function_has_no_complete_config() {
    let policy = Policy::builder()
        .allow_origins(["https://a.example"])
        .allow_origin_fn(|origin| origin.ends_with(".preview.example"))
        .allow_origin_request_fn(|_, _| false)
        .max_age(Duration::from_secs(60))
        .build()
        .unwrap();
    let err = policy.config().unwrap_err();
    assert_eq!(
        err.functions(),
        ["allow_origin_fn", "allow_origin_request_fn"]
    );
    let message = err.to_string();
    assert!(
        message.contains("allow_origin_fn") && message.contains("allow_origin_request_fn"),
        "{message}"
    );
    // The rest is there, and builds a policy that allows fewer origins.
    let rest = err.into_config_without_functions();
    assert_eq!(rest.allow_origins, ["https://a.example"]);
    assert_eq!(rest.max_age, Some(60));
    let stricter = rest.build().unwrap();
    assert!(policy
        .evaluate(&get("https://pr-1.preview.example"))
        .is_allowed());
    assert!(!stricter
        .evaluate(&get("https://pr-1.preview.example"))
        .is_allowed());

    let request_fn_only = Policy::builder()
        .allow_origin_request_fn(|_, _| true)
        .build()
        .unwrap();
    assert_eq!(
        request_fn_only.config().unwrap_err().functions(),
        ["allow_origin_request_fn"]
    );
}

// ---------------------------------------------------------------------------
// Property: `policy.config().build()` answers every request as `policy`
// ---------------------------------------------------------------------------

const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://example.org:8443",
    "http://localhost:3000",
    "http://[::1]:5173",
    "https://*.example.com",
    "https://*.api.example.org",
    "http://*.localhost:3000",
    "null",
    // Build with credentials only through their escape hatches.
    "http://intranet.example:8080",
    "https://*.github.io",
];
const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "purge", "GET", "*"];
const HEADERS: &[&str] = &["content-type", "X-Custom", "authorization", "*"];
const EXPOSE: &[&str] = &["x-request-id", "ETag", "*"];

/// A valid builder made of random calls, several calls per list.
fn policy() -> impl Strategy<Value = Policy> {
    (
        (
            subsequence(ORIGINS, 0..=4),
            subsequence(ORIGINS, 0..=2),
            prop::bool::weighted(0.15),
            prop::bool::weighted(0.2),
        ),
        (
            subsequence(METHODS, 0..=3),
            subsequence(METHODS, 0..=2),
            subsequence(HEADERS, 0..=3),
            subsequence(EXPOSE, 0..=2),
        ),
        (
            any::<bool>(),
            prop::option::of(0u64..=86_400_999),
            any::<bool>(),
        ),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_filter_map(
            "a configuration the builder refuses",
            |(
                (origins, more, any_origin, null),
                (methods, more_methods, headers, expose),
                (credentials, max_age_ms, pna),
                (debug, insecure, public_suffix),
            )| {
                let mut builder = Policy::builder()
                    .allow_origins(origins)
                    .allow_origins(more)
                    .allow_methods(methods)
                    .allow_methods(more_methods)
                    .allow_headers(headers)
                    .expose_headers(expose)
                    .allow_credentials(credentials)
                    .allow_private_network(pna)
                    .debug(debug);
                if insecure {
                    builder = builder.allow_insecure_origins_dangerously();
                }
                if public_suffix {
                    builder = builder.allow_public_suffix_subdomains_dangerously();
                }
                if any_origin {
                    builder = builder.allow_any_origin();
                }
                if null {
                    builder = builder.allow_null_origin_dangerously();
                }
                if let Some(ms) = max_age_ms {
                    builder = builder.max_age(Duration::from_millis(ms));
                }
                builder.build().ok()
            },
        )
}

const REQUEST_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://example.org:8443",
    "http://localhost:3000",
    "http://[::1]:5173",
    "https://a.example.com",
    "https://x.y.api.example.org",
    "https://api.example.org",
    "http://dev.localhost:3000",
    "https://example.com",
    "null",
    "https://app.example.com/",
    "https://evil.example",
    "HTTPS://app.example.com",
];

fn request() -> impl Strategy<Value = Request<()>> {
    (
        prop::option::of(select(REQUEST_ORIGINS)),
        select(vec!["GET", "POST", "OPTIONS", "PUT", "DELETE"]),
        prop::option::of(select(vec![
            "PUT", "DELETE", "PATCH", "patch", "purge", "GET",
        ])),
        prop::option::of(select(vec![
            "content-type",
            "x-custom",
            "authorization",
            "content-type,x-custom",
            "x-other",
        ])),
        any::<bool>(),
    )
        .prop_map(|(origin, method, request_method, request_headers, pna)| {
            let mut request = Request::builder().method(method).uri("/r");
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            if let Some(requested) = request_method {
                request = request.header("access-control-request-method", requested);
            }
            if let Some(names) = request_headers {
                request = request.header("access-control-request-headers", names);
            }
            if pna {
                request = request.header("access-control-request-private-network", "true");
            }
            request.body(()).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_rebuilt_config_answers_as_the_policy(
        policy in policy(),
        requests in prop::collection::vec(request(), 1..12),
    ) {
        let config = policy.config().unwrap();
        let rebuilt = config.clone().build().unwrap();
        // Normalizing twice changes nothing.
        prop_assert_eq!(rebuilt.config().unwrap(), config.clone());
        // And the file form is the same configuration.
        let through_toml: PolicyConfig = toml::from_str(&toml::to_string(&config).unwrap()).unwrap();
        prop_assert_eq!(&through_toml, &config);
        let from_file = through_toml.build().unwrap();
        for request in &requests {
            let expected = policy.evaluate(request);
            prop_assert_eq!(&rebuilt.evaluate(request), &expected);
            prop_assert_eq!(&from_file.evaluate(request), &expected);
        }
    }
}

/// The escape hatches and debug mode are keys too: read from a file, they
/// build what the builder builds, and `config()` gives them back.
#[test]
fn dangerous_opt_ins_and_debug_are_keys() {
    let text = r#"
        allow_origins = ["http://intranet.example:8080", "https://*.github.io"]
        allow_methods = ["PUT"]
        allow_credentials = true
        allow_insecure_origins_dangerously = true
        allow_public_suffix_subdomains_dangerously = true
        debug = true
    "#;
    let config: PolicyConfig = toml::from_str(text).unwrap();
    assert!(config.allow_insecure_origins_dangerously);
    assert!(config.allow_public_suffix_subdomains_dangerously);
    assert!(config.debug);
    let policy = config.clone().build().unwrap();
    assert_eq!(
        policy.config().unwrap(),
        config.clone().build().unwrap().config().unwrap()
    );
    assert!(policy.config().unwrap().debug);

    // Debug mode answers a refused method 200 with the lists: the key took.
    let decision = policy.evaluate(&preflight("http://intranet.example:8080", "DELETE"));
    assert_eq!(decision.preflight_status(), Some(http::StatusCode::OK));

    // Without the opt-ins the same file is refused, for both reasons.
    let mut strict = config;
    strict.allow_insecure_origins_dangerously = false;
    strict.allow_public_suffix_subdomains_dangerously = false;
    let err = strict.build().unwrap_err();
    assert_eq!(err.problems().len(), 2, "{err}");
}

// ---------------------------------------------------------------------------
// One list of fields: every key reaches every surface
// ---------------------------------------------------------------------------

/// A configuration that builds, with every key present and every list
/// already in normal form.
const EVERY_KEY: &str = r#"
allow_origins = ["https://a.example", "https://b.example"]
allow_methods = ["PUT", "DELETE"]
allow_headers = ["x-a", "x-b"]
expose_headers = ["x-c", "x-d"]
allow_credentials = false
max_age = 600
allow_private_network = false
allow_null_origin_dangerously = false
allow_insecure_origins_dangerously = false
allow_public_suffix_subdomains_dangerously = false
debug = false
"#;

/// The same value of another kind: a flag flipped, a list one shorter, a
/// number smaller. A new field of a kind not here fails the test below
/// until it is taught here.
fn changed(key: &str, value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Bool(on) => Value::Bool(!on),
        Value::Array(items) if items.len() > 1 => Value::Array(items[..items.len() - 1].to_vec()),
        Value::Number(n) if n.as_u64().is_some_and(|n| n >= 10) => {
            Value::from(n.as_u64().unwrap_or_default() / 10)
        }
        other => panic!("{key}: no change known for {other}; give EVERY_KEY a value for it"),
    }
}

/// Every key of the serialized form, changed alone, changes `Display`,
/// `Debug`, `config()` and the serialized form of the built policy: a new
/// field cannot be left out of one of them unnoticed. The keys are read
/// from the serialized form itself, so a new field is in this test as soon
/// as it is in `PolicyConfig`.
#[test]
fn every_configurable_field_reaches_every_surface() {
    let config: PolicyConfig = toml::from_str(EVERY_KEY).unwrap();
    let base = config.build().unwrap();
    let base_json = serde_json::to_value(base.config().unwrap()).unwrap();
    let keys = base_json.as_object().unwrap();
    // `max_age` is left out when absent: EVERY_KEY sets it, so all are here.
    assert_eq!(
        keys.len(),
        EVERY_KEY.lines().filter(|l| l.contains('=')).count(),
        "EVERY_KEY must set every key: {base_json}"
    );
    let base_debug = format!("{base:?}");
    for (key, value) in keys {
        assert!(
            base_debug.contains(&format!(" {key}: ")),
            "Debug names {key}: {base_debug}"
        );
        let mut json = base_json.clone();
        json[key.as_str()] = changed(key, value);
        let policy = serde_json::from_value::<PolicyConfig>(json.clone())
            .unwrap()
            .build()
            .unwrap_or_else(|err| panic!("{key}: {err}"));

        let back = serde_json::to_value(policy.config().unwrap()).unwrap();
        assert_eq!(
            back[key.as_str()],
            json[key.as_str()],
            "config() keeps {key}"
        );
        let text = toml::to_string(&policy.config().unwrap()).unwrap();
        let reread: toml::Table = toml::from_str(&text).unwrap();
        assert!(
            reread.contains_key(key.as_str()),
            "{key} serialized: {text}"
        );
        assert_ne!(policy.to_string(), base.to_string(), "Display shows {key}");
        assert_ne!(format!("{policy:?}"), base_debug, "Debug shows {key}");
    }
}

/// "Normalized" means one thing: `Display`, `Debug`, `config()` and
/// `explain` list origins, methods and headers in the same order and case.
#[test]
fn every_surface_shows_the_one_normal_form() {
    let policy = Policy::builder()
        .allow_origins([
            "https://b.example",
            "https://a.example",
            "https://b.example",
        ])
        .allow_methods(["PUT", "DELETE", "PUT"])
        .allow_headers(["X-B", "x-a", "x-b"])
        .build()
        .unwrap();
    let config = policy.config().unwrap();
    assert_eq!(
        config.allow_origins,
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(config.allow_methods, ["PUT", "DELETE"]);
    assert_eq!(config.allow_headers, ["x-a", "x-b"]);
    assert_eq!(
        policy.to_string(),
        "origins: https://a.example, https://b.example; \
         methods: PUT, DELETE (GET, HEAD, POST always allowed); \
         headers: x-a, x-b (and the CORS-safelisted ones, within their value rules); \
         exposed: none; credentials: false"
    );
    let debug = format!("{policy:?}");
    assert!(
        debug.contains(
            "allow_origins: [\"https://a.example\", \"https://b.example\"], \
             allow_methods: [\"PUT\", \"DELETE\"], allow_headers: [\"x-a\", \"x-b\"]"
        ),
        "{debug}"
    );
    let explained = policy.explain(&preflight("https://c.example", "PATCH"));
    assert!(
        explained.contains("not among the allowed origins (https://a.example, https://b.example)"),
        "{explained}"
    );
    let explained = policy.explain(&preflight("https://a.example", "PATCH"));
    assert!(
        explained.contains("not in the allowed methods (PUT, DELETE)"),
        "{explained}"
    );
    assert!(
        explained.contains("header content-type: refused, not in the allowed headers (x-a, x-b)"),
        "{explained}"
    );
}

/// The builder holds a `PolicyConfig`: its `Debug` shows it, with the names
/// of the functions it also holds, and a configuration converts into it.
#[test]
fn a_builder_is_a_config_plus_functions() {
    let mut config = PolicyConfig::default();
    config.allow_origins = vec!["https://a.example".into()];
    let builder = tower_cors::PolicyBuilder::from(config.clone())
        .allow_origin_fn(|origin| origin == "https://b.example");
    let debug = format!("{builder:?}");
    assert!(
        debug.starts_with(
            "PolicyBuilder { config: PolicyConfig { allow_origins: [\"https://a.example\"]"
        ),
        "{debug}"
    );
    assert!(
        debug.ends_with("functions: [\"allow_origin_fn\"] }"),
        "{debug}"
    );
    let policy = builder.build().unwrap();
    assert!(policy.evaluate(&get("https://b.example")).is_allowed());
    let err = policy.config().unwrap_err();
    assert_eq!(err.config_without_functions(), &config);
}
