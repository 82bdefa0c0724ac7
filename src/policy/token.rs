//! RFC 9110 tokens: the bytes a method or a header name is made of.

/// RFC 9110 `tchar`, the bytes of a method or header-name token, as a
/// table: a token is checked with one load per byte.
pub(crate) const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// An RFC 9110 token: a method or a header name.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| TCHAR[usize::from(b)])
}

/// `text` without the whitespace around it, when that alone kept it from
/// being a token: the certain correction of `" x-request-id "`.
pub(crate) fn trimmed_token(text: &str) -> Option<&str> {
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    (trimmed.len() < text.len() && is_token(trimmed.as_bytes())).then_some(trimmed)
}
