//! `Vary`: telling caches which request headers the answer depends on.
//!
//! When the CORS answer depends on `Origin`, every response of the resource
//! must say `Vary: Origin`, also those to requests without `Origin` or from
//! refused origins; otherwise a shared cache can hand one origin's answer to
//! another (Fetch `#cors-protocol-and-http-caches`). The application's own `Vary` is
//! kept, and a name already listed is not listed twice, so two stacked
//! layers produce one `origin`.

use http::header::{Entry, HeaderMap, HeaderValue, VARY};

/// Appends `value` (a comma-separated list of lowercase names) as a new
/// `Vary` line, unless every name in it is already covered by the
/// response's `Vary` (by name, in any case, or by `*`). A separate line is
/// equivalent to a longer list (RFC 9110 `#field.lines`) and copies nothing.
pub(crate) fn merge(headers: &mut HeaderMap, value: &HeaderValue) {
    let mut present = match headers.entry(VARY) {
        Entry::Vacant(vacant) => {
            vacant.insert(value.clone());
            return;
        }
        Entry::Occupied(present) => present,
    };
    let covered = value
        .as_bytes()
        .split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .all(|name| is_listed(present.iter(), name));
    if !covered {
        present.append(value.clone());
    }
}

fn is_listed<'a>(mut lines: impl Iterator<Item = &'a HeaderValue>, name: &[u8]) -> bool {
    lines.any(|line| {
        line.as_bytes()
            .split(|&b| b == b',')
            .map(<[u8]>::trim_ascii)
            .any(|listed| listed == b"*" || listed.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&'static str], add: &'static str) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for v in existing {
            headers.append(VARY, HeaderValue::from_static(v));
        }
        merge(&mut headers, &HeaderValue::from_static(add));
        headers
            .get_all(VARY)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    #[test]
    fn vary_is_appended_not_replaced() {
        assert_eq!(
            vary_after(&["accept-encoding"], "origin"),
            ["accept-encoding", "origin"]
        );
        assert_eq!(vary_after(&[], "origin"), ["origin"]);
    }

    #[test]
    fn vary_is_not_duplicated() {
        assert_eq!(
            vary_after(&["Accept-Encoding, Origin"], "origin"),
            ["Accept-Encoding, Origin"]
        );
        assert_eq!(vary_after(&["origin"], "origin"), ["origin"]);
        assert_eq!(vary_after(&["*"], "origin"), ["*"]);
    }

    #[test]
    fn a_partly_covered_list_is_added_whole() {
        assert_eq!(
            vary_after(&["origin"], "origin, access-control-request-method"),
            ["origin", "origin, access-control-request-method"]
        );
    }

    #[test]
    fn look_alike_names_do_not_count() {
        assert_eq!(
            vary_after(&["origins, x-origin"], "origin"),
            ["origins, x-origin", "origin"]
        );
    }
}
