//! The bounded parser of `Access-Control-Request-Headers`
//! (`#cors-preflight-fetch-0`), and the reflection of the names it read.

use bytes::{BufMut, BytesMut};
use http::header::{HeaderMap, HeaderValue, ACCESS_CONTROL_REQUEST_HEADERS};

use super::refusal::{Denied, Malformed};
use super::token::TCHAR;

/// Limits on `Access-Control-Request-Headers`, so that a hostile preflight
/// (megabytes of commas, thousands of names) costs a small, constant time
/// and no memory. Browsers send one short line: the unsafe names,
/// lowercase, sorted, joined by `,`.
const MAX_LINES: usize = 16;
const MAX_BYTES: usize = 4096;
const MAX_NAMES: usize = 128;
/// RFC 9110 `#abnf.extension.recipient`: tolerate "a reasonable number" of
/// empty list elements, as proxies may produce.
const MAX_EMPTY: usize = 16;

/// Calls `each` with every name in the `Access-Control-Request-Headers`
/// lines, stopping at the first error. Accepts several lines and optional
/// whitespace around commas; refuses anything over the limits above before
/// reading it.
pub(crate) fn for_each_requested<'a>(
    request: &'a HeaderMap,
    mut each: impl FnMut(&'a [u8]) -> Result<(), Denied<'a>>,
) -> Result<(), Denied<'a>> {
    let lines = request.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
    let mut total = 0usize;
    for (i, line) in lines.iter().enumerate() {
        total += line.len();
        if i >= MAX_LINES || total > MAX_BYTES {
            return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
        }
    }
    let (mut names, mut empty) = (0usize, 0usize);
    for line in lines {
        // One pass: optional whitespace, a token, optional whitespace, then
        // a comma or the end; anything else means the list is malformed.
        let bytes = line.as_bytes();
        let skip_space = |mut i: usize| {
            while bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
                i += 1;
            }
            i
        };
        let mut i = 0;
        loop {
            let start = skip_space(i);
            let mut end = start;
            while bytes.get(end).is_some_and(|&b| TCHAR[usize::from(b)]) {
                end += 1;
            }
            i = skip_space(end);
            if bytes.get(i).is_some_and(|&b| b != b',') {
                return Err(Denied::Malformed(Malformed::InvalidRequestHeaders));
            }
            let name = &bytes[start..end];
            if name.is_empty() {
                empty += 1;
                if empty > MAX_EMPTY {
                    return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
                }
            } else {
                names += 1;
                if names > MAX_NAMES {
                    return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
                }
                each(name)?;
            }
            if i >= bytes.len() {
                break;
            }
            i += 1;
        }
    }
    Ok(())
}

/// The requested names as one header value, for reflecting them back: the
/// request's own value when it came in one line (no copy), else the lines
/// joined. Only called after [`for_each_requested`] accepted them.
pub(crate) fn reflect_requested(request: &HeaderMap) -> Option<HeaderValue> {
    let lines = request.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
    let mut iter = lines.iter();
    let first = iter.next()?;
    if iter.next().is_none() {
        return Some(first.clone());
    }
    let mut joined = BytesMut::new();
    for line in lines {
        if !joined.is_empty() {
            joined.put_u8(b',');
        }
        joined.put_slice(line.as_bytes());
    }
    HeaderValue::from_maybe_shared(joined.freeze()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                http::header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(v).expect("valid"),
            );
        }
        map
    }

    fn names_of(values: &[&str]) -> Result<Vec<String>, Denied<'static>> {
        let map = lines(values);
        let mut out = Vec::new();
        let result = for_each_requested(&map, |n| {
            out.push(String::from_utf8_lossy(n).into_owned());
            Ok(())
        });
        match result {
            Ok(()) => Ok(out),
            Err(Denied::Malformed(malformed)) => Err(Denied::Malformed(malformed)),
            Err(other) => panic!("only malformed lists are refused here: {other:?}"),
        }
    }

    #[test]
    fn request_header_lists_from_browsers_and_proxies() {
        assert_eq!(
            names_of(&["content-type,x-a"]).ok(),
            Some(vec!["content-type".into(), "x-a".into()])
        );
        assert_eq!(
            names_of(&["content-type, x-a"]).ok(),
            Some(vec!["content-type".into(), "x-a".into()])
        );
        assert_eq!(
            names_of(&["x-a", "x-b"]).ok(),
            Some(vec!["x-a".into(), "x-b".into()])
        );
        assert_eq!(
            names_of(&["x-a,,x-b,"]).ok(),
            Some(vec!["x-a".into(), "x-b".into()])
        );
        assert_eq!(names_of(&[""]).ok(), Some(vec![]));
    }

    #[test]
    fn request_header_lists_that_cannot_be_names_are_malformed() {
        let bad = Err(Denied::Malformed(Malformed::InvalidRequestHeaders));
        assert_eq!(names_of(&["x a"]), bad);
        assert_eq!(names_of(&["x-a;x-b"]), bad);
        assert_eq!(names_of(&["x-a, (x-b)"]), bad);
    }

    #[test]
    fn hostile_request_header_lists_are_cut_short() {
        let too_long = Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
        let commas = ",".repeat(64 * 1024);
        assert_eq!(names_of(&[&commas]), too_long);
        assert_eq!(names_of(&[&",".repeat(17)]), too_long);
        let many: Vec<String> = (0..129).map(|i| format!("x-{i}")).collect();
        assert_eq!(names_of(&[&many.join(",")]), too_long);
        let lines_17 = vec!["x-a"; 17];
        assert_eq!(names_of(&lines_17), too_long);
    }

    #[test]
    fn reflection_keeps_one_line_and_joins_several() {
        let one = lines(&["x-a,x-b"]);
        let reflected = reflect_requested(&one);
        assert_eq!(
            reflected.as_ref().map(|v| v.as_bytes()),
            Some(&b"x-a,x-b"[..])
        );
        let two = lines(&["x-a", "x-b"]);
        let reflected = reflect_requested(&two);
        assert_eq!(
            reflected.as_ref().map(|v| v.as_bytes()),
            Some(&b"x-a,x-b"[..])
        );
    }
}
