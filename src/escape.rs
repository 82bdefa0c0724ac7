//! Request data written to logs and explanations, made harmless: every
//! byte that is not printable ASCII (CR, LF, tab, other controls,
//! obs-text) as `\xNN`, quotes and backslashes behind a backslash, each
//! value cut short past [`MAX_SHOWN`] bytes, and a header's lines cut short
//! past [`MAX_LINES`]. A value always prints inside one pair of quotes, so
//! a hostile header can neither end its field and start a forged one, nor
//! start a line of its own, nor fill the log.
//!
//! Every field taken from a request, in every event of the crate (CORS and
//! the guard) and in [`Policy::explain`](crate::Policy::explain), goes
//! through this module.

use std::fmt::{self, Write as _};

/// The most bytes of one request value written to a log.
pub(crate) const MAX_SHOWN: usize = 256;

/// The most lines of one header written to a log; the rest are counted.
#[cfg(feature = "tracing")]
pub(crate) const MAX_LINES: usize = 3;

/// Bytes from a request, quoted, with everything but printable ASCII
/// escaped, and cut short past [`MAX_SHOWN`] bytes with the full length.
pub(crate) struct Escaped<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(MAX_SHOWN)];
        f.write_char('"')?;
        for &b in shown {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", char::from(b))?,
                b' '..=b'~' => f.write_char(char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_char('"')?;
        if shown.len() < self.0.len() {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// A text of the crate's own making that may name a token from the
/// request (a refusal reason: `header "x-forbidden" not allowed`), written
/// as it is but cut short past [`MAX_SHOWN`] bytes: a token cannot forge a
/// field, but it can be 60 KB long.
#[cfg(feature = "tracing")]
pub(crate) struct Clipped<T>(pub(crate) T);

#[cfg(feature = "tracing")]
impl<T: fmt::Display> fmt::Display for Clipped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Passes on the first [`MAX_SHOWN`] bytes, counting the rest.
        struct Budget<'a, 'f> {
            out: &'a mut fmt::Formatter<'f>,
            written: usize,
        }
        impl fmt::Write for Budget<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let room = MAX_SHOWN.saturating_sub(self.written);
                // Cut on a character boundary at or before the room left.
                let mut end = s.len().min(room);
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                self.written += s.len();
                self.out.write_str(&s[..end])
            }
        }
        let mut budget = Budget { out: f, written: 0 };
        write!(budget, "{}", self.0)?;
        if budget.written > MAX_SHOWN {
            write!(budget.out, "... ({} bytes)", budget.written)?;
        }
        Ok(())
    }
}

/// Every line of one header, escaped: `none`, `"a"`, `["a", "b"]`, or the
/// first [`MAX_LINES`] and how many more.
#[cfg(feature = "tracing")]
pub(crate) struct Lines<'a>(pub(crate) &'a http::HeaderMap, pub(crate) http::HeaderName);

#[cfg(feature = "tracing")]
impl fmt::Debug for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct More(usize, usize);
        impl fmt::Debug for More {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "...and {} more ({} in all)", self.0, self.1)
            }
        }
        let lines = self.0.get_all(&self.1);
        let mut iter = lines.iter();
        match (iter.next(), iter.next()) {
            (None, _) => f.write_str("none"),
            (Some(one), None) => Escaped(one.as_bytes()).fmt(f),
            (Some(_), Some(_)) => {
                let count = lines.iter().count();
                let mut list = f.debug_list();
                list.entries(
                    lines
                        .iter()
                        .take(MAX_LINES)
                        .map(|value| Escaped(value.as_bytes())),
                );
                if count > MAX_LINES {
                    list.entry(&More(count - MAX_LINES, count));
                }
                list.finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes_are_escaped_and_cut_short() {
        let shown = format!("{:?}", Escaped(b"a\"b\\c\r\n\t\x1b\x85\xe2\x80\xa8 ok"));
        assert_eq!(shown, r#""a\"b\\c\x0d\x0a\x09\x1b\x85\xe2\x80\xa8 ok""#);
        let long = vec![b'x'; MAX_SHOWN + 10];
        let shown = format!("{:?}", Escaped(&long));
        assert!(shown.ends_with(&format!("\"... ({} bytes)", MAX_SHOWN + 10)));
        assert_eq!(shown.len(), MAX_SHOWN + 2 + " ... (266 bytes)".len() - 1);
    }

    #[test]
    fn a_quote_or_backslash_never_ends_the_value() {
        // However the value ends, the printed form has exactly two quotes
        // that are not escaped: its own.
        for hostile in [&b"\\"[..], b"\\\"", b"a\\\" b=\"c", b"\"\"", b"\\\\\""] {
            let shown = format!("{:?}", Escaped(hostile));
            let mut unescaped_quotes = 0;
            let mut escaped = false;
            for c in shown.chars() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => unescaped_quotes += 1,
                    _ => {}
                }
            }
            assert_eq!(unescaped_quotes, 2, "{shown}");
        }
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn own_texts_are_cut_short_on_a_character_boundary() {
        assert_eq!(
            Clipped("method \"PUT\" not allowed").to_string(),
            "method \"PUT\" not allowed"
        );
        let long = format!("header \"{}\" not allowed", "x".repeat(30_000));
        let shown = Clipped(&long).to_string();
        assert_eq!(
            shown,
            format!("{}... ({} bytes)", &long[..MAX_SHOWN], long.len())
        );
        let wide = "é".repeat(MAX_SHOWN);
        let shown = Clipped(&wide).to_string();
        assert!(shown.starts_with(&"é".repeat(MAX_SHOWN / 2)), "{shown}");
        assert!(
            shown.ends_with(&format!("... ({} bytes)", wide.len())),
            "{shown}"
        );
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn a_header_prints_its_first_lines_and_a_count() {
        use http::header::{HeaderMap, HeaderValue, ORIGIN};

        let mut headers = HeaderMap::new();
        assert_eq!(format!("{:?}", Lines(&headers, ORIGIN)), "none");
        headers.append(ORIGIN, HeaderValue::from_static("https://a.example"));
        assert_eq!(
            format!("{:?}", Lines(&headers, ORIGIN)),
            r#""https://a.example""#
        );
        headers.append(ORIGIN, HeaderValue::from_static("x\t\"y"));
        assert_eq!(
            format!("{:?}", Lines(&headers, ORIGIN)),
            r#"["https://a.example", "x\x09\"y"]"#
        );
        for i in 0..98 {
            let value = HeaderValue::from_str(&format!("o{i}")).expect("ASCII");
            headers.append(ORIGIN, value);
        }
        assert_eq!(
            format!("{:?}", Lines(&headers, ORIGIN)),
            r#"["https://a.example", "x\x09\"y", "o0", ...and 97 more (100 in all)]"#
        );
    }
}
