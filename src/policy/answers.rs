//! Answers: the header values a policy sends whatever the request, and the
//! header maps ready-made from them, built once with the policy.
//!
//! Every response the layer touches gets some of these values, so how they
//! are copied matters. A `HeaderValue` built at run time shares its bytes
//! through an atomic reference count, raised and lowered once per value per
//! response; on a server with many threads that count is one cache line
//! that every core writes to. A value over `'static` bytes is copied with
//! no count at all. So answers are interned: each distinct set is built
//! once per process over bytes that are never freed, and every policy with
//! the same settings (every test that builds the same policy, say) shares
//! it. Allowed origins, echoed back in `Access-Control-Allow-Origin`, are
//! interned the same way. What interning keeps allocated is bounded by
//! [`MAX_SETS`] and [`MAX_BYTES`]; past either, values are built the
//! ordinary way, with reference counts, and behave the same.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue};

use super::decision::{entries, Grant, Summary, MAX_LEN, PLACEHOLDER};

/// The most distinct answer sets kept for the life of the process.
pub(crate) const MAX_SETS: usize = 64;
/// The most bytes (an estimate, values and maps) interning may keep.
pub(crate) const MAX_BYTES: usize = 256 * 1024;
/// What an interned value costs beside its bytes: the leaked copy, the
/// key's copy and the table slot, as measured (about 160 bytes for a
/// 25-byte origin).
const ENTRY_BYTES: usize = 136;
/// What one interned set costs beside its values' bytes: seven small
/// header maps, the table slot and the values' own entries, as measured
/// (about 3.5 KiB).
const SET_BYTES: usize = 4096;

/// What a policy answers with, as configured: the key answers are
/// interned by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct AnswerSpec {
    /// The answer depends on `Origin` (it is not the constant `*`).
    pub(crate) by_origin: bool,
    pub(crate) credentials: bool,
    pub(crate) expose: Option<Box<[u8]>>,
    pub(crate) max_age: Option<u64>,
    /// The fixed `Access-Control-Allow-Methods`, unless echoed.
    pub(crate) allow_methods: Option<Box<[u8]>>,
    /// The fixed `Access-Control-Allow-Headers`, unless echoed.
    pub(crate) allow_headers: Option<Box<[u8]>>,
    /// Preflights get their requested method echoed back.
    pub(crate) echo_methods: bool,
    /// Preflights get their requested header names echoed back.
    pub(crate) echo_headers: bool,
}

impl AnswerSpec {
    /// `Vary` of preflight answers: what the answer depends on.
    fn vary_preflight(&self) -> String {
        [
            (self.by_origin, "origin"),
            (self.echo_methods, "access-control-request-method"),
            (self.echo_headers, "access-control-request-headers"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// What interning these answers keeps allocated, roughly.
    fn size(&self) -> usize {
        let value = |v: &Option<Box<[u8]>>| v.as_ref().map_or(0, |v| v.len());
        SET_BYTES + value(&self.expose) + value(&self.allow_methods) + value(&self.allow_headers)
    }
}

/// The values themselves.
#[derive(Debug)]
pub(crate) struct AnswerValues {
    pub(crate) credentials: Option<HeaderValue>,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) allow_methods: Option<HeaderValue>,
    pub(crate) allow_headers: Option<HeaderValue>,
    /// `Vary` of every answer but a preflight's: `origin`, unless the answer
    /// is the constant `*`.
    pub(crate) vary_actual: Option<HeaderValue>,
    pub(crate) vary_preflight: Option<HeaderValue>,
}

/// The values, and the header maps of the answers that need nothing from
/// the request but the values marked [`PLACEHOLDER`]: a response with no
/// header yet gets a copy of one, which costs less than inserting each
/// header into a new map.
pub(crate) struct Answers {
    pub(crate) values: AnswerValues,
    pub(crate) echo_methods: bool,
    pub(crate) echo_headers: bool,
    /// Nothing granted, only `Vary: origin`.
    pub(crate) vary_only: HeaderMap,
    /// An allowed simple or actual request.
    pub(crate) actual: HeaderMap,
    /// An allowed preflight (without Private Network Access).
    pub(crate) preflight: HeaderMap,
    /// A refused preflight, by [`Summary`].
    pub(crate) refused: [HeaderMap; Summary::ALL.len()],
}

/// A value whose copies share a reference count. A value built from bytes
/// owns a plain buffer that `bytes` turns into a shared one on its first
/// copy, allocating then; copying once here, when the policy is built,
/// keeps that allocation off the request path.
fn counted(bytes: &[u8]) -> Option<HeaderValue> {
    let value = HeaderValue::from_bytes(bytes).ok()?;
    drop(value.clone());
    Some(value)
}

impl Answers {
    fn build(spec: &AnswerSpec, mut make: impl FnMut(&[u8]) -> Option<HeaderValue>) -> Answers {
        let mut value = |bytes: Option<&[u8]>| bytes.and_then(&mut make);
        let max_age = spec.max_age.map(|secs| secs.to_string());
        let vary_preflight = spec.vary_preflight();
        let values = AnswerValues {
            credentials: spec.credentials.then(|| HeaderValue::from_static("true")),
            expose: value(spec.expose.as_deref()),
            max_age: value(max_age.as_deref().map(str::as_bytes)),
            allow_methods: value(spec.allow_methods.as_deref()),
            allow_headers: value(spec.allow_headers.as_deref()),
            vary_actual: spec.by_origin.then(|| HeaderValue::from_static("origin")),
            vary_preflight: value(Some(vary_preflight.as_bytes()).filter(|v| !v.is_empty())),
        };
        let map = |grant: Grant| {
            // Room for every header an answer can have: a copy keeps the
            // size of the table, so headers added to it later (axum adds
            // `Allow` to preflight answers) need no new table.
            let mut map = HeaderMap::with_capacity(MAX_LEN);
            for (name, value) in entries(&values, &grant).into_iter().flatten() {
                map.append(name, value.clone());
            }
            // A copy keeps the table but holds only the entries there are.
            map.clone()
        };
        let placeholder = || PLACEHOLDER.clone();
        let vary_only = map(Grant::Nothing { vary_origin: true });
        let actual = map(Grant::Actual {
            allow_origin: placeholder(),
        });
        let preflight = map(Grant::Preflight {
            allow_origin: placeholder(),
            methods: spec.echo_methods.then(placeholder),
            headers: spec.echo_headers.then(placeholder),
            private_network: false,
        });
        let refused = Summary::ALL.map(|summary| map(Grant::RefusedPreflight(summary)));
        Answers {
            values,
            echo_methods: spec.echo_methods,
            echo_headers: spec.echo_headers,
            vary_only,
            actual,
            preflight,
            refused,
        }
    }
}

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.values.fmt(f)
    }
}

/// A policy's answers: interned (copied for free) or counted.
#[derive(Clone)]
pub(crate) enum SharedAnswers {
    Interned(&'static Answers),
    Counted(Arc<Answers>),
}

impl Deref for SharedAnswers {
    type Target = Answers;
    fn deref(&self) -> &Answers {
        match self {
            SharedAnswers::Interned(answers) => answers,
            SharedAnswers::Counted(answers) => answers,
        }
    }
}

impl fmt::Debug for SharedAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// The answer sets and values built so far, within bounds.
pub(crate) struct Interner {
    sets: HashMap<AnswerSpec, &'static Answers>,
    values: HashMap<Box<[u8]>, HeaderValue>,
    bytes: usize,
    max_sets: usize,
    max_bytes: usize,
}

impl Interner {
    pub(crate) fn new(max_sets: usize, max_bytes: usize) -> Interner {
        Interner {
            sets: HashMap::new(),
            values: HashMap::new(),
            bytes: 0,
            max_sets,
            max_bytes,
        }
    }

    /// The interned answers for `spec`, built now if they are new and fit;
    /// counted answers otherwise.
    pub(crate) fn answers(&mut self, spec: &AnswerSpec) -> SharedAnswers {
        if let Some(answers) = self.sets.get(spec) {
            return SharedAnswers::Interned(answers);
        }
        let size = spec.size();
        if self.sets.len() >= self.max_sets || self.bytes + size > self.max_bytes {
            return SharedAnswers::Counted(Arc::new(Answers::build(spec, counted)));
        }
        self.bytes += size;
        let built = Answers::build(spec, |bytes| self.value(bytes));
        let answers: &'static Answers = Box::leak(Box::new(built));
        self.sets.insert(spec.clone(), answers);
        SharedAnswers::Interned(answers)
    }

    /// `bytes` as a header value over bytes never freed, when they fit in
    /// the bounds; else as a counted one. `None` if not a header value.
    pub(crate) fn value(&mut self, bytes: &[u8]) -> Option<HeaderValue> {
        if let Some(value) = self.values.get(bytes) {
            return Some(value.clone());
        }
        let size = bytes.len() + ENTRY_BYTES;
        if self.bytes + size > self.max_bytes {
            return counted(bytes);
        }
        HeaderValue::from_bytes(bytes).ok()?;
        let leaked: &'static [u8] = Box::leak(bytes.into());
        let value = HeaderValue::from_maybe_shared(Bytes::from_static(leaked)).ok()?;
        self.bytes += size;
        self.values.insert(bytes.into(), value.clone());
        Some(value)
    }
}

fn interner() -> MutexGuard<'static, Interner> {
    static INTERNER: OnceLock<Mutex<Interner>> = OnceLock::new();
    let interner = INTERNER.get_or_init(|| Mutex::new(Interner::new(MAX_SETS, MAX_BYTES)));
    // A panic elsewhere while holding the lock cannot leave the maps half
    // written (an entry is inserted whole), so a poisoned lock is usable.
    interner.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answers for `spec`, from the process-wide interner.
pub(crate) fn answers(spec: &AnswerSpec) -> SharedAnswers {
    interner().answers(spec)
}

/// `bytes` as a header value, from the process-wide interner.
pub(crate) fn value(bytes: &[u8]) -> Option<HeaderValue> {
    interner().value(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: u64) -> AnswerSpec {
        AnswerSpec {
            by_origin: true,
            credentials: true,
            expose: Some(b"x-request-id"[..].into()),
            max_age: Some(n),
            allow_methods: Some(b"GET,PUT"[..].into()),
            ..AnswerSpec::default()
        }
    }

    fn values(answers: &Answers) -> Vec<Option<&[u8]>> {
        let v = &answers.values;
        [
            &v.credentials,
            &v.expose,
            &v.max_age,
            &v.allow_methods,
            &v.allow_headers,
            &v.vary_actual,
            &v.vary_preflight,
        ]
        .iter()
        .map(|v| v.as_ref().map(HeaderValue::as_bytes))
        .collect()
    }

    #[test]
    fn the_same_settings_share_one_set() {
        let mut interner = Interner::new(4, MAX_BYTES);
        let (SharedAnswers::Interned(a), SharedAnswers::Interned(b)) =
            (interner.answers(&spec(1)), interner.answers(&spec(1)))
        else {
            panic!("within bounds, answers are interned");
        };
        assert!(std::ptr::eq(a, b));
        assert_eq!(interner.sets.len(), 1);
    }

    #[test]
    fn past_the_bounds_answers_are_counted_and_the_same() {
        let mut interner = Interner::new(2, MAX_BYTES);
        for n in 0..2 {
            assert!(matches!(
                interner.answers(&spec(n)),
                SharedAnswers::Interned(_)
            ));
        }
        let counted = interner.answers(&spec(2));
        assert!(matches!(counted, SharedAnswers::Counted(_)));
        assert_eq!(interner.sets.len(), 2);

        let mut roomy = Interner::new(8, MAX_BYTES);
        let interned = roomy.answers(&spec(2));
        assert_eq!(values(&counted), values(&interned));
        assert_eq!(counted.vary_only, interned.vary_only);
        assert_eq!(counted.actual, interned.actual);
        assert_eq!(counted.preflight, interned.preflight);
        assert_eq!(counted.refused, interned.refused);

        let mut small = Interner::new(8, 100);
        assert!(matches!(small.answers(&spec(0)), SharedAnswers::Counted(_)));
    }

    #[test]
    fn values_are_interned_once_within_the_bounds() {
        let mut interner = Interner::new(0, 2 * (ENTRY_BYTES + 3));
        let a = interner.value(b"abc").expect("a header value");
        let again = interner.value(b"abc").expect("a header value");
        assert_eq!(interner.values.len(), 1);
        assert_eq!(a.as_bytes().as_ptr(), again.as_bytes().as_ptr());
        assert!(interner.value(b"def").is_some());
        // Past the bounds: still the right value, not kept.
        assert_eq!(
            interner.value(b"ghi").as_ref().map(HeaderValue::as_bytes),
            Some(&b"ghi"[..])
        );
        assert_eq!(interner.values.len(), 2);
        assert_eq!(interner.value(b"bad\n"), None);
    }

    #[test]
    fn values_follow_the_settings() {
        let answers = Interner::new(1, MAX_BYTES).answers(&AnswerSpec {
            echo_methods: true,
            echo_headers: true,
            ..spec(600)
        });
        assert_eq!(
            values(&answers),
            [
                Some(&b"true"[..]),
                Some(b"x-request-id"),
                Some(b"600"),
                Some(b"GET,PUT"),
                None,
                Some(b"origin"),
                Some(b"origin, access-control-request-method, access-control-request-headers"),
            ]
        );
        let any = Interner::new(1, MAX_BYTES).answers(&AnswerSpec::default());
        assert_eq!(values(&any), [None; 7]);
    }
}
