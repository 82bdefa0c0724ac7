//! Reading the comma-separated lists of a CORS response
//! (`#extract-header-list-values`): `Access-Control-Allow-Methods`,
//! `-Allow-Headers` and `-Expose-Headers`.

use http::header::HeaderName;
use http::HeaderMap;

use crate::policy::token::is_token;

/// The tokens of every line of `name`, in order; `Ok(None)` when the
/// response has no such header, `Err(joined value)` when an element is no
/// token. Empty elements (`a,,b`, a trailing comma) are skipped, as the
/// `#` list rule of RFC 9110 allows.
pub(super) fn tokens(
    headers: &HeaderMap,
    name: &HeaderName,
) -> Result<Option<Vec<String>>, String> {
    let lines = headers.get_all(name);
    if lines.iter().next().is_none() {
        return Ok(None);
    }
    let joined = || {
        lines
            .iter()
            .map(|line| String::from_utf8_lossy(line.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut items = Vec::new();
    for line in lines.iter() {
        for element in line.as_bytes().split(|&b| b == b',') {
            let element = element.trim_ascii();
            if element.is_empty() {
                continue;
            }
            if !is_token(element) {
                return Err(joined());
            }
            // A token is ASCII.
            items.push(String::from_utf8_lossy(element).into_owned());
        }
    }
    Ok(Some(items))
}

/// Every line of `name` joined by `, `, as the browser reads a header
/// (`#concept-header-list-get`); `None` when absent.
pub(super) fn combined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let mut lines = headers.get_all(name).iter();
    let first = lines.next()?;
    let mut value = first.as_bytes().to_vec();
    for line in lines {
        value.extend_from_slice(b", ");
        value.extend_from_slice(line.as_bytes());
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::{ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN};
    use http::HeaderValue;

    fn map(name: HeaderName, lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(name.clone(), HeaderValue::from_str(line).expect("valid"));
        }
        headers
    }

    #[test]
    fn lists_skip_empty_elements_and_whitespace() {
        let headers = map(ACCESS_CONTROL_ALLOW_METHODS, &["PUT, ,patch,", " DELETE"]);
        assert_eq!(
            tokens(&headers, &ACCESS_CONTROL_ALLOW_METHODS),
            Ok(Some(vec!["PUT".into(), "patch".into(), "DELETE".into()]))
        );
        assert_eq!(
            tokens(&HeaderMap::new(), &ACCESS_CONTROL_ALLOW_METHODS),
            Ok(None)
        );
    }

    #[test]
    fn an_element_that_is_no_token_fails_the_list() {
        let headers = map(ACCESS_CONTROL_ALLOW_METHODS, &["PUT DELETE", "GET"]);
        assert_eq!(
            tokens(&headers, &ACCESS_CONTROL_ALLOW_METHODS),
            Err("PUT DELETE, GET".into())
        );
    }

    #[test]
    fn lines_are_combined_as_the_browser_reads_them() {
        let headers = map(ACCESS_CONTROL_ALLOW_ORIGIN, &["https://a.example", "*"]);
        assert_eq!(
            combined(&headers, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(&b"https://a.example, *"[..])
        );
    }
}
