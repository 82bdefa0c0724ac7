//! Hostile input: never a panic, never a pass the rules do not give.

use crate::support::*;

#[test]
fn huge_values_are_refused_like_any_other() {
    let huge_origin = [b"https://".as_slice(), &vec![b'a'; 100_000]].concat();
    let huge_host = vec![b'b'; 100_000];
    let huge_site = vec![b'x'; 100_000];
    let listed = trusted(Listed);
    let cases: [(Headers, Verdict); 4] = [
        (
            &[("sec-fetch-site", b"cross-site"), ("origin", &huge_origin)],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("sec-fetch-site", &huge_site),
                ("origin", b"https://evil.example"),
            ],
            Err(Refused::UnrecognizedFetchSite),
        ),
        (
            &[("host", &huge_host), ("origin", &huge_origin)],
            Err(Refused::OriginMismatch),
        ),
        // Equal huge values are the same host: the rule, not a leak.
        (
            &[("host", &huge_origin[8..]), ("origin", &huge_origin)],
            Ok(Pass::OriginMatchesHost),
        ),
    ];
    for (headers, expected) in cases {
        let request = request("POST", "/", headers);
        assert_eq!(csrf::check(&request, &listed), expected);
        through_layer(&listed, request, expected);
    }
}

#[test]
fn many_lines_are_refused() {
    let listed = trusted(Listed);
    let mut sites: Vec<(&str, &[u8])> = vec![("sec-fetch-site", b"same-origin"); 1000];
    sites.push(("origin", b"https://app.example.com"));
    // A thousand `same-origin` lines are not one; the one origin is trusted.
    assert_eq!(
        csrf::check(&request("POST", "/", &sites), &listed),
        Ok(Pass::TrustedOrigin)
    );
    assert_eq!(
        csrf::check(&request("POST", "/", &sites), &Trusted::same_origin_only()),
        Err(Refused::UnrecognizedFetchSite)
    );
    let mut origins: Vec<(&str, &[u8])> = vec![("origin", b"https://app.example.com"); 1000];
    origins.push(("sec-fetch-site", b"cross-site"));
    assert_eq!(
        csrf::check(&request("POST", "/", &origins), &listed),
        Err(Refused::CrossSite)
    );
    let mut hosts: Vec<(&str, &[u8])> = vec![("host", b"bank.example"); 1000];
    hosts.push(("origin", b"https://bank.example"));
    assert_eq!(
        csrf::check(&request("POST", "/", &hosts), &listed),
        Err(Refused::OriginMismatch)
    );
}

#[test]
fn non_utf8_values_are_refused() {
    let listed = trusted(Listed);
    let cases: [(Headers, Verdict); 5] = [
        (
            &[("sec-fetch-site", b"same-origin\xff")],
            Err(Refused::UnrecognizedFetchSite),
        ),
        (
            &[
                ("sec-fetch-site", b"cross-site"),
                ("origin", b"https://app.example.com\xe9"),
            ],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("sec-fetch-site", b"cross-site"),
                ("origin", b"https://\xc3\xa9.example.org"),
            ],
            Err(Refused::CrossSite),
        ),
        (
            &[
                ("host", b"bank.example\x80"),
                ("origin", b"https://bank.example"),
            ],
            Err(Refused::OriginMismatch),
        ),
        // A `Host` that is not a `host[:port]` names no host
        // (`RequestRef::host`), even when an `Origin` has the same bytes.
        (
            &[("host", b"b\xffnk"), ("origin", b"https://b\xffnk")],
            Err(Refused::OriginMismatch),
        ),
    ];
    for (headers, expected) in cases {
        let request = request("POST", "/", headers);
        assert_eq!(csrf::check(&request, &listed), expected);
        through_layer(&listed, request, expected);
    }
}
