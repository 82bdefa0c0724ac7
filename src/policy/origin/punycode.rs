//! Whether an `xn--` label is punycode (RFC 3492) that a browser could have
//! produced. The URL host parser (`#concept-host-parser`, through UTS #46
//! ToASCII) decodes every `xn--` label and fails on one that does not
//! decode, decodes to nothing, or decodes to ASCII only; such a host is
//! never sent. Only the decoding is checked here: the other IDNA rules
//! (normalization, disallowed code points, bidi) need Unicode tables.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// True when `encoded` (a label without its `xn--`) decodes to a label with
/// at least one non-ASCII code point, each a Unicode scalar value. Decodes
/// without building the result: which code points come out does not
/// depend on where they are inserted.
pub(super) fn is_valid(encoded: &str) -> bool {
    // The basic code points are those before the last `-`, when there is
    // anything before it (RFC 3492 section 6.2).
    let (basic, deltas) = match encoded.rfind('-') {
        Some(dash) if dash > 0 => (&encoded[..dash], &encoded[dash + 1..]),
        _ => ("", encoded),
    };
    if !basic.is_ascii() {
        return false;
    }
    let mut length = basic.len() as u32;
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = deltas.bytes();
    let mut decoded_any = false;
    while digits.len() > 0 {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        loop {
            let Some(digit) = digits.next().and_then(digit_value) else {
                return false;
            };
            let Some(next) = digit.checked_mul(weight).and_then(|d| i.checked_add(d)) else {
                return false;
            };
            i = next;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            let Some(next) = weight.checked_mul(BASE - t) else {
                return false;
            };
            weight = next;
            k += BASE;
        }
        length += 1;
        bias = adapt(i - old_i, length, old_i == 0);
        let Some(next) = n.checked_add(i / length) else {
            return false;
        };
        n = next;
        i %= length;
        // A basic code point must be written as itself, not encoded.
        if n < INITIAL_N || char::from_u32(n).is_none() {
            return false;
        }
        decoded_any = true;
        i += 1;
    }
    decoded_any
}

/// A punycode digit: `a`-`z` are 0-25, `0`-`9` are 26-35. Browsers send
/// lowercase only, and the host was checked to be lowercase.
fn digit_value(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 26),
        _ => None,
    }
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

/// RFC 3492 section 6.1.
fn adapt(delta: u32, length: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / length;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_names_decode() {
        // RFC 3492 section 7.1 samples (lowercased) and names in use.
        for encoded in [
            "bcher-kva",                                // bücher
            "mnchen-3ya",                               // münchen
            "egbpdaj6bu4bxfgehfvwxn",                   // (A) Arabic
            "ihqwcrb4cv8a8dqg056pqjye",                 // (B) Chinese
            "b1abfaaepdrnnbgefbadotcwatmq2g4l",         // (E) Russian
            "3b-ww4c5e180e575a65lsy2b",                 // (L) 3<nen>B<gumi>...
            "-with-super-monkeys-pc58ag80a8qai00g7n9n", // (M)
            "ls8h",                                     // a single emoji
            "p1ai",                                     // рф
        ] {
            assert!(is_valid(encoded), "{encoded}");
        }
    }

    #[test]
    fn what_does_not_decode_is_refused() {
        for encoded in [
            "",               // nothing
            "abc-",           // ASCII only
            "bcher-",         // ASCII only
            "-",              // a lone delimiter is a bad digit
            "a_b",            // not a digit
            "99999999999",    // overflows
            "zzzzzzzzzzzzzz", // overflows
            "bcher-kv",       // ends inside a number
        ] {
            assert!(!is_valid(encoded), "{encoded:?}");
        }
    }

    #[test]
    fn never_panics_on_any_short_label() {
        use proptest::test_runner::{Config, TestRunner};

        let mut runner = TestRunner::new(Config::with_cases(5_000));
        runner
            .run(&"[a-z0-9-]{0,24}", |label| {
                let _ = is_valid(&label);
                Ok(())
            })
            .unwrap();
    }
}
