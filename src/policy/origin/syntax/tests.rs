//! Tests of the origin syntax: the fast path against the full parser,
//! and each way an origin can differ from what a browser sends.

use super::*;
use OriginSyntaxError as E;

#[test]
fn the_common_shape_is_read_as_the_full_parser_reads_it() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    for common in [
        "https://example.com",
        "http://localhost:3000",
        "https://a_b.example.com:65535",
        "chrome-extension://abcdefghijklmnop",
        "http://example.com:0",
    ] {
        let fast = parse_common(common.as_bytes());
        assert!(fast.is_some(), "{common}");
        assert_eq!(fast.map(Ok), Some(parse_full(common.as_bytes(), false)));
    }
    for other in [
        "https://EXAMPLE.com",
        "https://example.com:443",
        "https://example.com:08",
        "https://example.com:65536",
        // A final dot is left to the full parser, which accepts it.
        "https://example.com.",
        "http://localhost.:3000",
        "https://example.com..",
        "https://.",
        "https://.:8080",
        "http://127.0.0.1.",
        "http://a.0x1f.",
        "http://localhost:*",
        "https://.example.com",
        "https://a..b",
        "http://127.0.0.1",
        "http://1.0x1f",
        "http://[::1]",
        "https://example.com/",
        "https://*.example.com",
    ] {
        assert_eq!(parse_common(other.as_bytes()), None, "{other}");
    }

    // Generated text from the bytes that matter: where the fast path
    // accepts, the full parser must accept with the same parts.
    let mut runner = TestRunner::new(Config::with_cases(20_000));
    let accepted = std::cell::Cell::new(0u32);
    let trailing_dots = std::cell::Cell::new(0u32);
    runner
        .run(
            &"(https?|ws|[a-e0-9xX:/+._*@\\[\\]-]{0,5})://[a-e0-9x._:*-]{0,12}",
            |text| {
                let full = parse_full(text.as_bytes(), false);
                let dotted = full.is_ok_and(|parts| parts.host.ends_with('.'));
                trailing_dots.set(trailing_dots.get() + u32::from(dotted));
                // Whatever the fast path says, `parse` is the full parse.
                prop_assert_eq!(parse(text.as_bytes(), false), full);
                if let Some(fast) = parse_common(text.as_bytes()) {
                    accepted.set(accepted.get() + 1);
                    // The same parts for a request and in configuration.
                    prop_assert_eq!(Ok(fast), parse_full(text.as_bytes(), false));
                    prop_assert_eq!(Ok(fast), parse_full(text.as_bytes(), true));
                }
                Ok(())
            },
        )
        .unwrap();
    // Not vacuous: a good share of the generated text takes the fast path.
    assert!(accepted.get() > 1_000, "only {} accepted", accepted.get());
    assert!(
        trailing_dots.get() > 50,
        "{} trailing dots",
        trailing_dots.get()
    );
}

/// The same agreement around the DNS limits: labels of 58 to 66 bytes,
/// names of 232 to 262, with and without a final dot or a port.
#[test]
fn the_fast_and_full_parses_agree_at_the_length_limits() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let mut runner = TestRunner::new(Config::with_cases(5_000));
    let (refused, long_accepted) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    runner
        .run(
            &"https?://([a-c]{58,66}\\.){3}[a-c]{55,66}\\.?(:[1-9][0-9]{0,4})?",
            |text| {
                let full = parse_full(text.as_bytes(), false);
                prop_assert_eq!(parse(text.as_bytes(), false), full);
                if let Some(parts) = parse_common(text.as_bytes()) {
                    prop_assert_eq!(Ok(parts), full);
                }
                // The rule itself, read plainly.
                let host = text.split("://").nth(1).unwrap_or_default();
                let host = host.split(':').next().unwrap_or_default();
                let name = host.strip_suffix('.').unwrap_or(host);
                let fits = name.len() <= 253 && name.split('.').all(|label| label.len() <= 63);
                if full.is_ok() {
                    prop_assert!(fits, "{} accepted", text);
                    long_accepted.set(long_accepted.get() + u32::from(name.len() > 240));
                } else if full.is_err_and(|e| matches!(e, E::InvalidHost | E::HostTooLong)) {
                    prop_assert!(!fits, "{} refused", text);
                    refused.set(refused.get() + 1);
                }
                Ok(())
            },
        )
        .unwrap();
    // Both sides of each limit are reached.
    assert!(refused.get() > 1_000, "{} refused", refused.get());
    assert!(
        long_accepted.get() > 50,
        "{} long names accepted",
        long_accepted.get()
    );
}

#[test]
fn names_longer_than_dns_allows_are_refused() {
    let label = "a".repeat(63);
    let fits = format!("https://{label}.{label}.{label}.{}", "b".repeat(61));
    assert_eq!(fits.len() - "https://".len(), MAX_HOST);
    let over = format!("{fits}b");
    let long_label = format!("https://{}.example", "a".repeat(MAX_LABEL + 1));
    let huge = format!("https://{}.example", "a".repeat(60_000));
    for ok in [
        fits.clone(),
        format!("{fits}."),
        format!("{fits}:65535"),
        format!("{fits}.:8080"),
        format!("https://{label}.example"),
    ] {
        assert!(parse(ok.as_bytes(), false).is_ok(), "{ok}");
        assert!(parse(ok.as_bytes(), true).is_ok(), "{ok}");
    }
    // The fast path reads a host and port of at most one label's length,
    // which cannot break a limit; the full parser measures longer ones.
    let short = format!("https://{}.{}", "a".repeat(30), "b".repeat(32));
    let longer = format!("{short}b");
    assert!(parse_common(short.as_bytes()).is_some(), "{short}");
    assert_eq!(parse_common(longer.as_bytes()), None, "{longer}");
    assert!(parse(longer.as_bytes(), false).is_ok(), "{longer}");
    assert_eq!(parse_common(fits.as_bytes()), None);
    for (bad, reason) in [
        (over.clone(), E::HostTooLong),
        (format!("{over}:8080"), E::HostTooLong),
        (format!("{over}."), E::HostTooLong),
        (long_label.clone(), E::InvalidHost),
        (
            format!("https://example.{}", "a".repeat(64)),
            E::InvalidHost,
        ),
        (format!("{long_label}:8080"), E::InvalidHost),
        (huge, E::InvalidHost),
    ] {
        assert_eq!(parse_common(bad.as_bytes()), None, "{bad}");
        assert_eq!(parse(bad.as_bytes(), false), Err(reason), "{bad}");
        assert_eq!(parse(bad.as_bytes(), true), Err(reason), "{bad}");
    }
    // A pattern needs room for a label in front of its domain.
    let pattern = format!("https://*.{}", &fits["https://".len()..]);
    assert_eq!(parse(pattern.as_bytes(), true), Err(E::HostTooLong));
    let room = format!("https://*.{}", &fits["https://aa".len()..]);
    assert!(parse(room.as_bytes(), true).is_ok());
}

#[test]
fn browser_serializations_parse() {
    for ok in [
        "https://example.com",
        "http://localhost:3000",
        "https://xn--bcher-kva.example",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "https://a_b.example.com",
        "chrome-extension://abcdefghijklmnop",
        "http://example.com:0",
        "https://example.com.",
        "http://localhost.:3000",
    ] {
        assert!(parse(ok.as_bytes(), false).is_ok(), "{ok}");
    }
}

#[test]
fn each_way_an_origin_can_differ_from_a_browsers_is_named() {
    let cases: &[(&str, E)] = &[
        ("", E::Empty),
        (" https://a.com", E::Whitespace),
        ("https://a.com\n", E::Whitespace),
        ("https://bücher.example", E::NonAscii),
        ("a.com", E::MissingScheme),
        ("localhost:3000", E::MissingScheme),
        ("HTTPS://a.com", E::Uppercase),
        ("https://A.com", E::Uppercase),
        ("1https://a.com", E::InvalidScheme),
        ("https://a.com/", E::TrailingSlash),
        ("https://a.com/app", E::Path),
        ("https://a.com?x=1", E::QueryOrFragment),
        ("https://a.com/#x", E::QueryOrFragment),
        ("https://user@a.com", E::Userinfo),
        ("https://u:p@a.com", E::Userinfo),
        ("https://a.com:443", E::DefaultPort),
        ("http://a.com:80", E::DefaultPort),
        ("wss://a.com:443", E::DefaultPort),
        ("https://a.com:", E::InvalidPort),
        ("https://a.com:08080", E::InvalidPort),
        ("https://a.com:65536", E::InvalidPort),
        ("https://a.com:8x", E::InvalidPort),
        ("https://", E::InvalidHost),
        ("https://a..com", E::InvalidHost),
        ("https://.a.com", E::InvalidHost),
        ("https://a.com..", E::InvalidHost),
        ("https://.", E::InvalidHost),
        ("https://*.", E::InvalidHost),
        ("http://127.0.0.1.", E::InvalidHost),
        ("http://[::1].", E::InvalidHost),
        ("https://a.com:*8", E::InvalidPort),
        ("https://a.com:**", E::InvalidPort),
        ("https://a$b.com", E::InvalidHost),
        ("http://127.1", E::InvalidHost),
        ("http://0x7f.0.0.1", E::InvalidHost),
        ("http://127.000.0.1", E::InvalidHost),
        ("http://[0:0::1]", E::InvalidHost),
        ("http://[::1", E::InvalidHost),
        ("http://[::1]x", E::InvalidHost),
        ("https://a.*.com", E::MisplacedWildcard),
        ("https://*", E::MisplacedWildcard),
        ("https://*a.com", E::MisplacedWildcard),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text.as_bytes(), true), Err(*expected), "{text:?}");
    }
}

#[test]
fn wildcard_only_in_configuration() {
    assert!(parse(b"https://*.example.com", true).is_ok_and(|p| p.wildcard));
    assert!(parse(b"https://*.example.com", false).is_err());
    assert_eq!(
        parse(b"https://*.127.0.0.1", true),
        Err(E::MisplacedWildcard)
    );
}
#[test]
fn loopback_hosts() {
    for (origin, loopback) in [
        ("http://localhost:3000", true),
        ("http://app.localhost", true),
        ("http://127.0.0.1", true),
        ("http://127.9.9.9:1", true),
        ("http://[::1]:8080", true),
        ("http://localhost.example.com", false),
        ("http://localhost.", true),
        ("http://app.localhost.:8080", true),
        ("http://*.localhost.", true),
        ("http://localhost.example.", false),
        ("http://128.0.0.1", false),
    ] {
        let parts = parse(origin.as_bytes(), true).expect("valid");
        assert_eq!(parts.is_loopback(), loopback, "{origin}");
    }
}

#[test]
fn a_final_dot_is_part_of_the_host() {
    let parts = parse(b"https://example.com.:8443", false).expect("a browser sends it");
    assert_eq!(parts.host, "example.com.");
    assert_eq!(parts.port, Some(8443));
    assert_ne!(
        parse(b"https://example.com.", false).map(|p| p.host),
        parse(b"https://example.com", false).map(|p| p.host)
    );
    let pattern = parse(b"https://*.example.com.", true).expect("a pattern");
    assert!(pattern.wildcard);
    assert_eq!(pattern.host, "example.com.");
}

#[test]
fn any_port_only_in_configuration() {
    for text in [
        "http://localhost:*",
        "https://*.example.com:*",
        "http://[::1]:*",
    ] {
        let parts = parse(text.as_bytes(), true).expect("a configured origin");
        assert!(parts.any_port, "{text}");
        assert_eq!(parts.port, None, "{text}");
        assert_eq!(parse(text.as_bytes(), false), Err(E::InvalidPort), "{text}");
    }
    let exact = parse(b"http://localhost:8080", true).expect("valid");
    assert!(!exact.any_port);
}
