//! "Did you mean": the one correction a misspelt word most likely wants,
//! for configuration errors and for `cors check`'s warnings.
//!
//! A suggestion is made only when it is certain enough to print: the word
//! is exactly one edit (one letter inserted, removed, replaced, or two
//! neighbours swapped) from exactly one candidate. Two candidates as close
//! as each other, or none that close, give nothing rather than a guess.

/// The methods a page commonly sends, for [`suggest_method`]: the six a
/// browser normalises (`#concept-method-normalize`) less the forbidden
/// ones, plus `PATCH`.
const STANDARD_METHODS: [&str; 7] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// The only candidate exactly one edit away from `word` (compared byte for
/// byte), or `None` when there is none, several, or `word` is a candidate.
///
/// An edit is one byte inserted, removed or replaced, or two adjacent
/// bytes swapped.
///
/// ```
/// use tower_cors::policy::suggest::nearest;
///
/// let names = ["content-type", "content-length", "authorization"];
/// assert_eq!(nearest("content-tpye", names), Some("content-type"));
/// assert_eq!(nearest("authorisation", names), Some("authorization"));
/// assert_eq!(nearest("content-type", names), None); // already right
/// assert_eq!(nearest("x-request-id", names), None); // nothing close
/// ```
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut found = None;
    for candidate in candidates {
        if candidate == word {
            return None;
        }
        if one_edit_apart(word.as_bytes(), candidate.as_bytes()) {
            if found.is_some_and(|f| f != candidate) {
                return None;
            }
            found = Some(candidate);
        }
    }
    found
}

/// The standard method a configured method was probably meant to be:
/// `DELTE` gives `DELETE`, `PTACH` gives `PATCH`, in any case (`delte`
/// too). `None` for a standard method in any spelling (case mistakes have
/// their own error), and for anything further away.
///
/// ```
/// use tower_cors::policy::suggest::suggest_method;
///
/// assert_eq!(suggest_method("DELTE"), Some("DELETE"));
/// assert_eq!(suggest_method("PTACH"), Some("PATCH"));
/// assert_eq!(suggest_method("POTS"), Some("POST"));
/// assert_eq!(suggest_method("PUT"), None);
/// assert_eq!(suggest_method("PROPFIND"), None);
/// ```
pub fn suggest_method(method: &str) -> Option<&'static str> {
    let upper = method.to_ascii_uppercase();
    nearest(&upper, STANDARD_METHODS)
}

/// The standard method `method` names in another case (`patch` gives
/// `PATCH`), or `None` when it is no standard method or already is one.
///
/// ```
/// use tower_cors::policy::suggest::standard_spelling;
///
/// assert_eq!(standard_spelling("patch"), Some("PATCH"));
/// assert_eq!(standard_spelling("Delete"), Some("DELETE"));
/// assert_eq!(standard_spelling("PATCH"), None);
/// assert_eq!(standard_spelling("purge"), None);
/// ```
pub fn standard_spelling(method: &str) -> Option<&'static str> {
    STANDARD_METHODS
        .into_iter()
        .find(|standard| standard.eq_ignore_ascii_case(method) && *standard != method)
}

/// Whether `a` becomes `b` with exactly one edit (optimal string alignment
/// distance 1).
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // The first difference decides which edit it must be.
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        // Insertion: the rest after skipping one byte of the longer word.
        1 => short[prefix..] == long[prefix + 1..],
        0 if prefix == short.len() => false,
        0 => {
            let replaced = short[prefix + 1..] == long[prefix + 1..];
            let swapped = prefix + 1 < short.len()
                && short[prefix] == long[prefix + 1]
                && short[prefix + 1] == long[prefix]
                && short[prefix + 2..] == long[prefix + 2..];
            replaced || swapped
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_of_each_kind() {
        assert!(one_edit_apart(b"DELTE", b"DELETE")); // removed
        assert!(one_edit_apart(b"DELETEE", b"DELETE")); // inserted
        assert!(one_edit_apart(b"DELETX", b"DELETE")); // replaced
        assert!(one_edit_apart(b"DLEETE", b"DELETE")); // swapped
        assert!(one_edit_apart(b"", b"A"));
    }

    #[test]
    fn zero_or_two_edits_are_not_one() {
        assert!(!one_edit_apart(b"DELETE", b"DELETE"));
        assert!(!one_edit_apart(b"DELE", b"DELETE"));
        assert!(!one_edit_apart(b"DXLXTE", b"DELETE"));
        assert!(!one_edit_apart(b"EDLETE", b"DELETF"));
        assert!(!one_edit_apart(b"", b""));
        assert!(!one_edit_apart(b"POST", b"PUT"));
    }

    #[test]
    fn a_tie_suggests_nothing() {
        // One edit from both GET and PUT.
        assert_eq!(nearest("PET", ["GET", "PUT"]), None);
        assert_eq!(suggest_method("PET"), None);
    }

    #[test]
    fn methods_in_any_case_but_not_case_mistakes() {
        assert_eq!(suggest_method("delte"), Some("DELETE"));
        assert_eq!(suggest_method("Delete"), None);
        assert_eq!(suggest_method("HAED"), Some("HEAD"));
        assert_eq!(suggest_method("OPTION"), Some("OPTIONS"));
        assert_eq!(suggest_method("PURGE"), None);
    }

    #[test]
    fn non_ascii_never_panics() {
        assert_eq!(nearest("délete", ["delete"]), None);
        assert_eq!(nearest("é", ["e"]), None);
        assert_eq!(suggest_method("ÉGET"), None);
    }
}
