//! Every reason a configured origin differs from what a browser sends, and
//! the origin a browser would send, when that is certain.
//!
//! The parser names only the first difference it meets. To name them all,
//! each difference with a certain repair (uppercase letters in the scheme
//! or host, the scheme's default port, a trailing slash, whitespace around
//! the text) is repaired and the text parsed again, until it parses or a
//! difference without a certain repair is met. What parses at the end is
//! the canonical serialization (URL `#concept-origin-serializer`) of the
//! origin the text meant: the correction a message offers.

use std::borrow::Cow;

use super::punycode;
use super::syntax::{parse, OriginParts};
use crate::policy::error::OriginSyntaxError;

/// The parts of `text` when a browser can send it as written (the syntax,
/// and nothing the syntax allows but no page has), or the first reason it
/// cannot.
pub(crate) fn sendable(text: &str) -> Result<OriginParts<'_>, OriginSyntaxError> {
    if let Some(reason) = never_sent(text) {
        return Err(reason);
    }
    let parts = parse(text.as_bytes(), true)?;
    check_sendable(&parts)?;
    Ok(parts)
}

/// What is wrong with a configured origin that does not parse as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnosis {
    /// Every difference found, in the order the checks met them.
    pub(crate) reasons: Vec<OriginSyntaxError>,
    /// The origin a browser sends for what the text meant, when every
    /// difference has a certain repair.
    pub(crate) fix: Option<String>,
}

/// More repairs than there are kinds of repair means a loop: stop.
const MAX_REPAIRS: usize = 8;

/// Whether a repair keeps what the text meant for certain, or only takes
/// a difference out of the way so that the others can be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    Certain,
    Guess,
}

/// Diagnoses a configured origin or pattern. An origin a browser sends
/// as written gives no reasons and no fix.
pub(crate) fn diagnose(text: &str) -> Diagnosis {
    let mut reasons = Vec::new();
    let mut certain = true;
    let mut current = Cow::Borrowed(text);
    for _ in 0..MAX_REPAIRS {
        let reason = match sendable(&current) {
            Ok(_) => {
                let fix = (certain && !reasons.is_empty()).then(|| current.into_owned());
                return Diagnosis { reasons, fix };
            }
            Err(reason) => reason,
        };
        // The same difference twice means the repair did not work.
        if reasons.contains(&reason) {
            break;
        }
        reasons.push(reason);
        match repair(&current, reason) {
            Some((repaired, how)) => {
                certain &= how == Repair::Certain;
                current = Cow::Owned(repaired);
            }
            None => break,
        }
    }
    Diagnosis { reasons, fix: None }
}

/// `text` with the one difference `reason` repaired or taken out: certain
/// when a browser reads both texts as the same origin.
fn repair(text: &str, reason: OriginSyntaxError) -> Option<(String, Repair)> {
    use OriginSyntaxError as E;
    let authority_start = text.find("://").map(|i| i + 3);
    let authority_end = |start: usize| {
        text[start..]
            .find(['/', '?', '#'])
            .map_or(text.len(), |end| start + end)
    };
    let repaired = match reason {
        E::Whitespace => {
            let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
            let inner = trimmed.bytes().any(|b| b.is_ascii_whitespace());
            (trimmed.len() < text.len() && !inner).then(|| (trimmed.to_owned(), Repair::Certain))
        }
        // Scheme and host compare in any case in a URL: the serializer
        // writes them in lowercase.
        E::Uppercase => {
            let (origin, rest) = text.split_at(authority_end(authority_start?));
            Some((origin.to_ascii_lowercase() + rest, Repair::Certain))
        }
        // Every URL of the origin has at least the path `/`: without it,
        // what is left is the origin.
        E::TrailingSlash => text
            .strip_suffix('/')
            .map(|origin| (origin.to_owned(), Repair::Certain)),
        // The parser checks the port only once nothing follows it.
        E::DefaultPort => {
            let (origin, port) = text.rsplit_once(':')?;
            let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| (origin.to_owned(), Repair::Certain))
        }
        // Taken out only to name what else is wrong: whoever wrote a path
        // or a user may have meant something an origin cannot say.
        E::Path | E::QueryOrFragment => {
            let end = authority_end(authority_start?);
            Some((text[..end].to_owned(), Repair::Guess))
        }
        E::Userinfo => {
            let start = authority_start?;
            let at = text[start..authority_end(start)].rfind('@')?;
            let without = format!("{}{}", &text[..start], &text[start + at + 1..]);
            Some((without, Repair::Guess))
        }
        _ => None,
    };
    repaired.filter(|(new, _)| new != text)
}

/// Origins whose text already says no page has them, named before the
/// syntax is read so that the message says why: a page opened from a
/// `file:` URL sends `null` (its origin is opaque), never `file://...`.
fn never_sent(origin: &str) -> Option<OriginSyntaxError> {
    let scheme = origin.split(':').next().unwrap_or(origin);
    scheme
        .eq_ignore_ascii_case("file")
        .then_some(OriginSyntaxError::FileScheme)
}

/// What the syntax allows but no browser can send: port 0 (no page is
/// served from it) and `xn--` labels that do not decode as punycode (URL
/// `#concept-host-parser` fails on them). `parse` itself refuses names
/// longer than DNS allows, in requests too.
fn check_sendable(parts: &OriginParts<'_>) -> Result<(), OriginSyntaxError> {
    if parts.port == Some(0) {
        return Err(OriginSyntaxError::ZeroPort);
    }
    let name = parts.host.strip_suffix('.').unwrap_or(parts.host);
    let bad_label = name
        .split('.')
        .filter_map(|label| label.strip_prefix("xn--"))
        .any(|encoded| !punycode::is_valid(encoded));
    if bad_label {
        return Err(OriginSyntaxError::InvalidPunycode);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OriginSyntaxError as E;

    fn diagnosis(text: &str) -> (Vec<OriginSyntaxError>, Option<String>) {
        let d = diagnose(text);
        (d.reasons, d.fix)
    }

    #[test]
    fn every_certain_repair_is_made_and_named() {
        let fixed = Some("https://app.example.com");
        let cases: [(&str, &[OriginSyntaxError], Option<&str>); 9] = [
            (
                "https://App.Example.com:443/",
                &[E::TrailingSlash, E::DefaultPort, E::Uppercase],
                fixed,
            ),
            (
                "HTTPS://app.example.com:443",
                &[E::Uppercase, E::DefaultPort],
                fixed,
            ),
            (
                " https://APP.example.com/ ",
                &[E::Whitespace, E::TrailingSlash, E::Uppercase],
                fixed,
            ),
            (
                "http://[::1]:80/",
                &[E::TrailingSlash, E::DefaultPort],
                Some("http://[::1]"),
            ),
            (
                "https://*.Example.org:*/",
                &[E::TrailingSlash, E::Uppercase],
                Some("https://*.example.org:*"),
            ),
            (
                "wss://Chat.example:443",
                &[E::DefaultPort, E::Uppercase],
                Some("wss://chat.example"),
            ),
            // A port that is not the default stays.
            (
                "https://App.example:8443/",
                &[E::TrailingSlash, E::Uppercase],
                Some("https://app.example:8443"),
            ),
            ("https://app.example.com", &[], None),
            ("http://localhost:*", &[], None),
        ];
        for (text, reasons, fix) in cases {
            assert_eq!(
                diagnosis(text),
                (reasons.to_vec(), fix.map(String::from)),
                "{text}"
            );
        }
    }

    #[test]
    fn nothing_is_offered_where_a_repair_is_a_guess() {
        let cases: [(&str, &[OriginSyntaxError]); 9] = [
            ("https://App.example.com/app", &[E::Path, E::Uppercase]),
            ("https://app.example.com/app/?q#f", &[E::QueryOrFragment]),
            ("app.example.com", &[E::MissingScheme]),
            ("https://exa mple.com", &[E::Whitespace]),
            (
                "https://user@App.example.com/",
                &[E::Userinfo, E::TrailingSlash, E::Uppercase],
            ),
            (
                "https://App.example.com:0/",
                &[E::TrailingSlash, E::Uppercase, E::ZeroPort],
            ),
            ("https://Bücher.example", &[E::NonAscii]),
            ("https://app.example.com?x", &[E::QueryOrFragment]),
            ("https://app.example.com:0443", &[E::InvalidPort]),
        ];
        for (text, reasons) in cases {
            assert_eq!(diagnosis(text), (reasons.to_vec(), None), "{text}");
        }
    }

    #[test]
    fn a_repair_that_changes_nothing_stops() {
        assert_eq!(repair("https://a.example", E::TrailingSlash), None);
        assert_eq!(repair("https://a.example", E::Whitespace), None);
        assert_eq!(repair("no-scheme", E::Uppercase), None);
        assert_eq!(repair("https://a.example:x", E::DefaultPort), None);
        assert_eq!(repair("https://a.example", E::Path), None);
        assert_eq!(repair("https://a.example", E::InvalidHost), None);
    }

    /// Any text: no panic, and a fix is always an origin a browser sends,
    /// which has nothing left to fix.
    #[test]
    fn any_text_is_diagnosed_without_panic_and_fixes_are_final() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        let mut runner = TestRunner::new(Config::with_cases(5_000));
        runner
            .run(
                &"[ \\t]?(HTTPS?|https?|wss|FILE|x)?(:|://)?(u@)?(\\*\\.)?([A-Za-z0-9ü.\\[\\]:-]{0,12})(:(443|80|0|8080|\\*|0443))?(/|/p|\\?q|#f)?[ \\n]?",
                |text| {
                    let diagnosis = diagnose(&text);
                    prop_assert_eq!(diagnosis.reasons.is_empty(), sendable(&text).is_ok());
                    if let Some(fix) = &diagnosis.fix {
                        prop_assert!(sendable(fix).is_ok(), "{} -> {}", text, fix);
                        prop_assert_eq!(diagnose(fix).reasons, Vec::new());
                    }
                    Ok(())
                },
            )
            .unwrap();
    }
}
