//! Every step of the rules as a table, checked by the pure check and
//! through the layer.

use crate::support::*;

struct Row {
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    trust: Trust,
    expected: Result<Pass, Refused>,
}

const fn row(
    name: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    trust: Trust,
    expected: Result<Pass, Refused>,
) -> Row {
    Row {
        name,
        method,
        uri,
        headers,
        trust,
        expected,
    }
}

/// Step 1: safe methods pass whatever else the request says; the
/// comparison is exact, so `get` is an unsafe method of its own.
#[rustfmt::skip]
const SAFE_METHODS: &[Row] = &[
    row("get_passes", "GET", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("head_passes", "HEAD", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("options_passes", "OPTIONS", "/", CROSS_EVIL, Nothing, Ok(Pass::SafeMethod)),
    row("lowercase_get_is_not_get", "get", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("post_is_checked", "POST", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("put_is_checked", "PUT", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("delete_is_checked", "DELETE", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("patch_is_checked", "PATCH", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("custom_method_is_checked", "PURGE", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
];

/// Step 2: `Sec-Fetch-Site`, each value, trusted or not.
#[rustfmt::skip]
const FETCH_SITE: &[Row] = &[
    row("same_origin_passes", "POST", "/", &[("sec-fetch-site", b"same-origin"), ("origin", b"https://evil.example")], Nothing, Ok(Pass::SameOrigin)),
    row("same_origin_passes_without_origin", "POST", "/", &[("sec-fetch-site", b"same-origin")], Nothing, Ok(Pass::SameOrigin)),
    row("none_passes", "POST", "/", &[("sec-fetch-site", b"none")], Nothing, Ok(Pass::UserInitiated)),
    row("same_site_refused", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"https://evil.example")], Nothing, Err(Refused::SameSite)),
    row("cross_site_refused", "POST", "/", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
    row("cross_site_untrusted_refused", "POST", "/", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("cross_site_without_origin_refused", "POST", "/", &[("sec-fetch-site", b"cross-site")], Listed, Err(Refused::CrossSite)),
    row("garbage_refused", "POST", "/", &[("sec-fetch-site", b"cross-origin"), ("origin", b"https://evil.example")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("uppercase_same_origin_is_garbage", "POST", "/", &[("sec-fetch-site", b"Same-Origin")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("empty_value_is_garbage", "POST", "/", &[("sec-fetch-site", b"")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("padded_value_is_garbage", "POST", "/", &[("sec-fetch-site", b"same-origin ")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("two_lines_refused", "POST", "/", &[("sec-fetch-site", b"same-origin"), ("sec-fetch-site", b"same-origin")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("list_in_one_line_refused", "POST", "/", &[("sec-fetch-site", b"same-origin, cross-site")], Nothing, Err(Refused::UnrecognizedFetchSite)),
    row("cross_site_trusted_exact_passes", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("same_site_trusted_pattern_passes", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"https://api.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("deep_pattern_passes", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://a.b.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("garbage_trusted_passes", "POST", "/", &[("sec-fetch-site", b"weird"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("pattern_apex_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://example.org")], Listed, Err(Refused::CrossSite)),
    row("pattern_suffix_attack_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://evilexample.org")], Listed, Err(Refused::CrossSite)),
    row("pattern_other_scheme_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"http://api.example.org")], Listed, Err(Refused::CrossSite)),
    row("trusted_other_port_refused", "POST", "/", &[("sec-fetch-site", b"same-site"), ("origin", b"http://localhost:3001")], Listed, Err(Refused::SameSite)),
    row("trusted_with_trailing_slash_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com/")], Listed, Err(Refused::CrossSite)),
    row("trusted_uppercase_refused", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://APP.example.com")], Listed, Err(Refused::CrossSite)),
    row("two_origins_never_trusted", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"https://app.example.com"), ("origin", b"https://app.example.com")], Listed, Err(Refused::CrossSite)),
    row("null_never_trusted", "POST", "/", &[("sec-fetch-site", b"cross-site"), ("origin", b"null")], Listed, Err(Refused::CrossSite)),
    row("cross_site_bypass_passes", "POST", "/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
];

/// Step 3: no `Sec-Fetch-Site`; `Origin` against the request's host.
#[rustfmt::skip]
const ORIGIN_AND_HOST: &[Row] = &[
    row("no_headers_pass", "POST", "/", &[], Nothing, Ok(Pass::NoOrigin)),
    row("host_only_passes", "POST", "/", &[("host", b"bank.example")], Nothing, Ok(Pass::NoOrigin)),
    row("origin_equals_host", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("origin_equals_host_with_port", "POST", "/", &[("host", b"bank.example:8443"), ("origin", b"https://bank.example:8443")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("http_origin_of_same_host_passes", "POST", "/", &[("host", b"bank.example"), ("origin", b"http://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("loopback_ip_with_port", "POST", "/", &[("host", b"127.0.0.1:3000"), ("origin", b"http://127.0.0.1:3000")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("ipv6_host", "POST", "/", &[("host", b"[::1]:8080"), ("origin", b"http://[::1]:8080")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("other_host_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_port_origin_without", "POST", "/", &[("host", b"bank.example:8443"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_port_host_without", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example:8443")], Nothing, Err(Refused::OriginMismatch)),
    row("explicit_default_port_is_another_text", "POST", "/", &[("host", b"bank.example:443"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_suffix_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evilbank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("host_prefix_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example.evil.test")], Nothing, Err(Refused::OriginMismatch)),
    row("case_differs_refused", "POST", "/", &[("host", b"Bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_without_scheme_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_with_path_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example/")], Nothing, Err(Refused::OriginMismatch)),
    row("origin_with_userinfo_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://evil@bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("null_origin_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"null")], Nothing, Err(Refused::OriginMismatch)),
    row("empty_origin_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"")], Nothing, Err(Refused::OriginMismatch)),
    row("no_host_refused", "POST", "/", &[("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("empty_host_refused", "POST", "/", &[("host", b""), ("origin", b"https://")], Nothing, Err(Refused::OriginMismatch)),
    row("two_hosts_refused", "POST", "/", &[("host", b"bank.example"), ("host", b"bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    row("two_origins_refused", "POST", "/", &[("host", b"bank.example"), ("origin", b"https://bank.example"), ("origin", b"https://bank.example")], Nothing, Err(Refused::OriginMismatch)),
    // HTTP/2 (`:authority`) and absolute-form requests: the URI names the host.
    row("uri_authority_matches", "POST", "https://bank.example/transfer", &[("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("uri_authority_with_port_matches", "POST", "https://bank.example:8443/transfer", &[("origin", b"https://bank.example:8443")], Nothing, Ok(Pass::OriginMatchesHost)),
    row("uri_authority_other_host_refused", "POST", "https://bank.example/transfer", &[("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("uri_authority_wins_over_host", "POST", "https://bank.example/transfer", &[("host", b"evil.example"), ("origin", b"https://evil.example")], Nothing, Err(Refused::OriginMismatch)),
    row("uri_userinfo_is_not_the_host", "POST", "https://user@bank.example/transfer", &[("origin", b"https://bank.example")], Nothing, Ok(Pass::OriginMatchesHost)),
    // Trusted, in the fallback too.
    row("fallback_trusted_exact", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://app.example.com")], Listed, Ok(Pass::TrustedOrigin)),
    row("fallback_trusted_pattern", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://eu.example.org")], Listed, Ok(Pass::TrustedOrigin)),
    row("fallback_untrusted_refused", "POST", "/", &[("host", b"api.example.com"), ("origin", b"https://evil.example")], Listed, Err(Refused::OriginMismatch)),
    row("fallback_bypass", "POST", "/hooks/github", &[("host", b"api.example.com"), ("origin", b"https://evil.example")], Listed, Ok(Pass::BypassPath)),
];

/// Step 4's bypass paths, matched as received: `/webhook` exactly, and
/// under `/hooks/` in plain form only.
#[rustfmt::skip]
const BYPASS: &[Row] = &[
    row("exact_bypass", "POST", "/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("exact_bypass_ignores_query", "POST", "/webhook?id=1", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("trailing_slash_is_another_path", "POST", "/webhook/", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("double_slash_is_another_path", "POST", "//webhook", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("encoded_slash_is_another_path", "POST", "/webhook%2f..", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("dot_segments_are_another_path", "POST", "/webhook/../admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("case_is_another_path", "POST", "/Webhook", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("longer_name_is_another_path", "POST", "/webhooks", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("absolute_form_exact_bypass", "POST", "https://api.example.com/webhook", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_bypass", "POST", "/hooks/github", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_bypass_deeper", "POST", "/hooks/github/push", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_itself_bypassed", "POST", "/hooks/", CROSS_EVIL, Listed, Ok(Pass::BypassPath)),
    row("prefix_without_slash_refused", "POST", "/hooks", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_glued_name_refused", "POST", "/hooksadmin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_dot_dot_refused", "POST", "/hooks/../admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_dot_refused", "POST", "/hooks/./github", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_encoded_dots_refused", "POST", "/hooks/%2e%2e/admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_encoded_slash_refused", "POST", "/hooks/x%2F..%2Fadmin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_empty_segment_refused", "POST", "/hooks//admin", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("prefix_leading_double_slash_refused", "POST", "//hooks/github", CROSS_EVIL, Listed, Err(Refused::CrossSite)),
    row("no_bypass_configured", "POST", "/webhook", CROSS_EVIL, Nothing, Err(Refused::CrossSite)),
];

const TABLES: &[(&str, &[Row])] = &[
    ("safe methods", SAFE_METHODS),
    ("sec-fetch-site", FETCH_SITE),
    ("origin and host", ORIGIN_AND_HOST),
    ("bypass paths", BYPASS),
];

#[test]
fn every_rule_by_the_pure_check() {
    for (table, rows) in TABLES {
        for row in *rows {
            let request = request(row.method, row.uri, row.headers);
            let trusted = trusted(row.trust);
            assert_eq!(
                csrf::check(&request, &trusted),
                row.expected,
                "{table}: {}",
                row.name
            );
            // The same answer from the request's parts.
            let (parts, ()) = request.into_parts();
            assert_eq!(csrf::check(&parts, &trusted), row.expected, "{}", row.name);
        }
    }
}

#[test]
fn every_rule_through_the_layer() {
    for (_, rows) in TABLES {
        for row in *rows {
            let request = request(row.method, row.uri, row.headers);
            through_layer(&trusted(row.trust), request, row.expected);
        }
    }
}
