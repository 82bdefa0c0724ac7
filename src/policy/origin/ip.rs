//! IP addresses in the one form browsers write them, so that a host can be
//! checked for being that form without allocating.

use std::fmt;
use std::net::Ipv6Addr;

/// Writes an IPv6 address as browsers do (URL `#concept-ipv6-serializer`):
/// eight lowercase hex pieces, the first longest run of two or more zero
/// pieces written `::`. Unlike Rust's `Display`, an IPv4-mapped address is
/// not written with a dotted quad (`::ffff:7f00:1`, not `::ffff:127.0.0.1`).
pub(super) fn write_ipv6(out: &mut impl fmt::Write, addr: &Ipv6Addr) -> fmt::Result {
    let pieces = addr.segments();
    let mut compress: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < pieces.len() {
        let run = pieces[i..].iter().take_while(|&&p| p == 0).count();
        if run >= 2 && compress.map_or(true, |(_, longest)| run > longest) {
            compress = Some((i, run));
        }
        i += run.max(1);
    }
    let mut i = 0;
    while i < pieces.len() {
        match compress {
            Some((start, run)) if start == i => {
                out.write_str(if i == 0 { "::" } else { ":" })?;
                i += run;
            }
            _ => {
                write!(out, "{:x}", pieces[i])?;
                if i + 1 < pieces.len() {
                    out.write_char(':')?;
                }
                i += 1;
            }
        }
    }
    Ok(())
}

/// A fixed-capacity string on the stack, so that checking an address's
/// canonical form never allocates on the request path.
pub(super) struct StackString<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackString<N> {
    pub(super) fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so this is always valid.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for StackString<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_written_as_the_url_standard_does() {
        let cases = [
            ("::1", "::1"),
            ("::", "::"),
            ("1::", "1::"),
            ("2001:db8::1", "2001:db8::1"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
            ("ABCD::EF", "abcd::ef"),
        ];
        for (input, expected) in cases {
            let addr: Ipv6Addr = input.parse().expect("valid address");
            let mut out = StackString::<48>::new();
            write_ipv6(&mut out, &addr).expect("fits");
            assert_eq!(out.as_str(), expected, "{input}");
        }
    }
}
