//! What only the browser adds to a request: `Sec-Fetch-Site` and
//! `-Dest`, sent to potentially trustworthy URLs.

use http::Uri;

/// Whether browsers send `Sec-Fetch-*` to `url`: only to potentially
/// trustworthy URLs (https, wss, loopback, `localhost` and `*.localhost`).
pub(crate) fn trustworthy(url: &Uri) -> bool {
    let host = url.host().unwrap_or("").to_ascii_lowercase();
    matches!(url.scheme_str(), Some("https" | "wss")) || is_loopback(&host)
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`: browsers treat
/// them as loopback whatever the system resolver says.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `Sec-Fetch-Site` for a request from the page at `origin` to `url`:
/// `same-origin`, `same-site` (same scheme and registrable domain) or
/// `cross-site` (also for the opaque origin `null`).
pub(crate) fn sec_fetch_site(origin: &str, url: &Uri) -> &'static str {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return "cross-site";
    };
    let target_scheme = match url.scheme_str() {
        Some("ws") => "http",
        Some("wss") => "https",
        Some(other) => other,
        None => return "cross-site",
    };
    let default_port = match target_scheme {
        "http" => 80,
        _ => 443,
    };
    let host = url.host().unwrap_or("").to_ascii_lowercase();
    let port = url.port_u16().unwrap_or(default_port);
    let target = match port == default_port {
        true => host.clone(),
        false => format!("{host}:{port}"),
    };
    if scheme == target_scheme && authority == target {
        return "same-origin";
    }
    let origin_host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(authority, |(host, _)| host);
    if scheme == target_scheme && site(origin_host) == site(&host) {
        return "same-site";
    }
    "cross-site"
}

/// The registrable domain of `host`, or the host itself (an IP address, a
/// name under no known suffix).
fn site(host: &str) -> String {
    let host = host.trim_end_matches('.');
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host.to_owned();
    }
    psl::domain_str(host).unwrap_or(host).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_of(origin: &str, url: &str) -> &'static str {
        sec_fetch_site(origin, &url.parse().unwrap())
    }

    #[test]
    fn same_origin_same_site_cross_site() {
        assert_eq!(
            site_of("https://app.example.com", "https://app.example.com/x"),
            "same-origin"
        );
        assert_eq!(
            site_of("https://app.example.com", "https://app.example.com:443/"),
            "same-origin"
        );
        assert_eq!(
            site_of("https://app.example.com", "https://api.example.com/"),
            "same-site"
        );
        assert_eq!(
            site_of("http://app.example.com", "https://api.example.com/"),
            "cross-site"
        );
        assert_eq!(
            site_of("https://a.github.io", "https://b.github.io/"),
            "cross-site"
        );
        assert_eq!(
            site_of("http://127.0.0.1:3001", "http://127.0.0.1:3000/"),
            "same-site"
        );
        assert_eq!(site_of("null", "https://api.example.com/"), "cross-site");
        assert_eq!(
            site_of("https://app.example.com", "wss://app.example.com/ws"),
            "same-origin"
        );
    }

    #[test]
    fn loopback_names_are_trustworthy() {
        for url in [
            "http://localhost:3000/",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "https://example.com/",
        ] {
            assert!(trustworthy(&url.parse().unwrap()), "{url}");
        }
        assert!(!trustworthy(&"http://example.com/".parse().unwrap()));
        assert!(!trustworthy(
            &"http://localhost.example.com/".parse().unwrap()
        ));
    }
}
