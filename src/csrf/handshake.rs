//! What counts as a WebSocket opening handshake, read from a request's
//! method and `Upgrade` lines alone.
//!
//! Browsers apply no CORS to WebSockets: any page may open one to any
//! server, with the user's cookies, and only the server's look at the
//! handshake's `Origin` stops it (RFC 6455 §10.2). So the guard judges a
//! handshake as it judges an unsafe method, though over HTTP/1.1 it is a
//! `GET`.

use http::header::{HeaderMap, UPGRADE};
use http::Method;

/// Whether a request with this method and these headers opens a
/// WebSocket, as far as the guard is concerned:
///
/// - over HTTP/1.1 (RFC 6455 §4.1), a `GET` — or, since no server should
///   be trusted to check the method, a `HEAD` or `OPTIONS` — whose
///   `Upgrade` lines name `websocket` (see [`names_websocket`]);
/// - over HTTP/2 and HTTP/3 (RFC 8441, RFC 9220), an extended `CONNECT`.
///   Its `:protocol` travels outside the headers (hyper keeps it in a
///   request extension) so a check over `http` types cannot read it, but
///   it need not: Fetch forbids pages the `CONNECT` method, so a `CONNECT`
///   a browser sends with an `Origin` is one it made to open a socket.
///
/// Browsers cannot be made to send anything else as a handshake, and
/// pages cannot set `Upgrade` at all (a forbidden request-header in
/// Fetch), so counting too much here costs no legitimate request anything.
pub(super) fn is_websocket_handshake(method: &Method, headers: &HeaderMap) -> bool {
    if *method == Method::CONNECT {
        return true;
    }
    let may_upgrade =
        *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS;
    may_upgrade && names_websocket(headers)
}

/// Whether any `Upgrade` line lists `websocket` among its comma-separated
/// protocols: in any case, with or without a `/version`, with spaces or
/// tabs around it, beside empty items and other protocols (`h2c,
/// websocket`). Bytes that are not ASCII simply match nothing; nothing
/// here can fail.
fn names_websocket(headers: &HeaderMap) -> bool {
    headers
        .get_all(UPGRADE)
        .iter()
        .flat_map(|line| line.as_bytes().split(|&b| b == b','))
        .any(|item| {
            let name = item.split(|&b| b == b'/').next().unwrap_or_default();
            trim_whitespace(name).eq_ignore_ascii_case(b"websocket")
        })
}

/// `bytes` without the spaces and tabs (HTTP's optional whitespace) at
/// either end.
fn trim_whitespace(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn upgrade(lines: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(UPGRADE, HeaderValue::from_bytes(line).expect("test value"));
        }
        headers
    }

    #[test]
    fn every_spelling_of_websocket_in_the_list_counts() {
        for lines in [
            &[&b"websocket"[..]][..],
            &[b"WebSocket"],
            &[b"WEBSOCKET"],
            &[b"h2c, websocket"],
            &[b"h2c,websocket"],
            &[b" \twebsocket\t "],
            &[b", ,websocket,,"],
            &[b"websocket/13"],
            &[b"websocket /13"],
            &[b"h2c", b"websocket"],
            &[b"\xff\xfe", b"foo, WebSocket"],
        ] {
            assert!(
                is_websocket_handshake(&Method::GET, &upgrade(lines)),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn other_protocols_and_near_misses_do_not() {
        for lines in [
            &[][..],
            &[&b""[..]],
            &[b"h2c"],
            &[b"websockets"],
            &[b"web socket"],
            &[b"xwebsocket"],
            &[b"\"websocket\""],
            &[b"websocket\xff"],
            &[b"h2c", b"TLS/1.2"],
        ] {
            assert!(
                !is_websocket_handshake(&Method::GET, &upgrade(lines)),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn methods_that_can_and_cannot_open_a_socket() {
        let websocket = upgrade(&[b"websocket"]);
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::CONNECT] {
            assert!(is_websocket_handshake(&method, &websocket), "{method}");
        }
        assert!(is_websocket_handshake(&Method::CONNECT, &HeaderMap::new()));
        // Unsafe methods are judged anyway; they are not handshakes.
        for method in [Method::POST, Method::PUT, Method::DELETE] {
            assert!(!is_websocket_handshake(&method, &websocket), "{method}");
        }
        let lowercase_get = Method::from_bytes(b"get").expect("a method");
        assert!(!is_websocket_handshake(&lowercase_get, &websocket));
    }

    #[test]
    fn trimming_keeps_the_middle() {
        assert_eq!(trim_whitespace(b" \t a b \t"), b"a b");
        assert_eq!(trim_whitespace(b" \t "), b"");
        assert_eq!(trim_whitespace(b""), b"");
    }
}
