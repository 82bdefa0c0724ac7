//! Colours on a terminal, plain text everywhere else, and values from the
//! network shown so that they cannot forge lines.

/// How to print: with ANSI colours or without.
///
/// ```
/// use tower_cors_cli::Style;
///
/// assert_eq!(Style::new(false).bad("blocked"), "blocked");
/// assert_eq!(Style::new(true).bad("blocked"), "\x1b[31mblocked\x1b[0m");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Colours only when `colour` is true (a terminal, without `NO_COLOR`).
    pub fn new(colour: bool) -> Style {
        Style { colour }
    }

    fn paint(self, code: &str, text: &str) -> String {
        match self.colour {
            true => format!("\x1b[{code}m{text}\x1b[0m"),
            false => text.to_owned(),
        }
    }

    /// Green: allowed, passed.
    pub fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Red: blocked, an error.
    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Yellow: a warning.
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Bold: a heading.
    pub fn strong(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Bytes from a server or a file, printable: ASCII from space to `~` as
/// is, anything else as `\xNN`, so a hostile value cannot add a line or an
/// escape sequence to what is printed.
pub(crate) fn shown(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b' '..=b'~' if b != b'\\' => text.push(char::from(b)),
            b'\\' => text.push_str("\\\\"),
            _ => text.push_str(&format!("\\x{b:02x}")),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_cannot_forge_lines() {
        assert_eq!(shown(b"a\r\nb\x1b[31m"), "a\\x0d\\x0ab\\x1b[31m");
        assert_eq!(shown("é".as_bytes()), "\\xc3\\xa9");
        assert_eq!(shown(b"a\\b"), "a\\\\b");
    }
}
