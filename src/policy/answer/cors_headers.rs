//! [`CorsHeaders`]: the headers one decision sends, and how they are
//! written into a response.

use std::fmt;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::entries::{entries, Entry, MAX_LEN};
use super::{vary, Answer, RefusedMap, SharedReadyMade};
use crate::policy::refusal::CORS_REFUSAL;

/// The CORS headers to send.
///
/// The policy's precomputed values are shared with the policy that decided
/// (see [`PolicyBuilder::build`]), and only what depends on the
/// request is held here: the origin to allow, and the method or header
/// names echoed back to a preflight.
///
/// [`PolicyBuilder::build`]: crate::policy::PolicyBuilder::build
///
/// ```
/// use tower_cors::Policy;
/// use http::{header, Request};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://a.example"])
///     .expose_headers(["x-request-id"])
///     .build()?;
/// let request = Request::get("/").header("origin", "https://a.example").body(())?;
/// let headers = policy.evaluate(&request).into_headers();
/// assert_eq!(headers.get(&header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap(), "x-request-id");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CorsHeaders {
    /// The policy's values, shared with the policy that decided (one
    /// reference count).
    ready_made: SharedReadyMade,
    pub(crate) answer: Answer,
}

impl CorsHeaders {
    pub(crate) fn new(ready_made: &SharedReadyMade, answer: Answer) -> Self {
        Self {
            ready_made: ready_made.clone(),
            answer,
        }
    }

    /// Every header of the answer, in the order they are written.
    fn entries(&self) -> [Entry<'_>; MAX_LEN] {
        entries(&self.ready_made.values, &self.answer)
    }

    /// The headers as (name, value) pairs, `Access-Control-*` first, then
    /// `Vary`, then `cors-refusal`.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// let request = Request::get("/").header("origin", "https://app.example.com").body(())?;
    /// let decision = policy.evaluate(&request);
    /// let names: Vec<_> = decision.headers().iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, [header::ACCESS_CONTROL_ALLOW_ORIGIN, header::VARY]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (HeaderName, &HeaderValue)> {
        self.entries().into_iter().flatten()
    }

    /// The value of one header, if it is to be sent.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder().allow_any_origin().build()?;
    /// let request = Request::get("/").header("origin", "https://x.example").body(())?;
    /// let headers = policy.evaluate(&request).into_headers();
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "*");
    /// assert!(headers.get(&header::VARY).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// True when there is nothing to send. Every decision of today's
    /// policies sends something (a listed policy `Vary: origin` at least,
    /// an any-origin policy its constant `*`), so this is for code that
    /// handles `CorsHeaders` generically, say before merging them into a
    /// response built elsewhere.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let no_origin = Request::get("/").body(())?;
    /// // An any-origin answer is the same on every response, with or
    /// // without `Origin`, so that caches can share it.
    /// let public = Policy::builder().allow_any_origin().build()?;
    /// assert!(!public.evaluate(&no_origin).headers().is_empty());
    /// // A listed policy's answer varies by origin, and says so to caches.
    /// let listed = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// assert!(!listed.evaluate(&no_origin).headers().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Writes the headers into a response's header map.
    ///
    /// `Access-Control-*` headers replace any the application set (a browser
    /// rejects a response with two `Access-Control-Allow-Origin` values).
    /// `Vary` is merged: the application's own `Vary` values are kept, and
    /// a token already present (say, from a second CORS layer) is not
    /// added again. Every other header is left alone.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, HeaderMap, HeaderValue, Request};
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let request = Request::get("/").header("origin", "https://a.example").body(())?;
    ///
    /// let mut response_headers = HeaderMap::new();
    /// response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    /// policy.evaluate(&request).into_headers().apply_to(&mut response_headers);
    ///
    /// let vary: Vec<_> = response_headers.get_all(header::VARY).iter().collect();
    /// assert_eq!(vary, ["accept-encoding", "origin"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(self, headers: &mut HeaderMap) {
        if headers.is_empty() {
            if let Some(ready_made) = self.ready_made() {
                *headers = ready_made.clone();
                self.fill_placeholders(headers);
                return;
            }
        }
        for (name, value) in self.entries().into_iter().flatten() {
            if name == header::VARY {
                vary::merge(headers, value);
            } else {
                headers.insert(name, value.clone());
            }
        }
    }

    /// The policy's ready-made map for this answer, if it has one. Copying
    /// it into an empty map costs less than inserting each header; what
    /// comes from the request is then put in its placeholders.
    fn ready_made(&self) -> Option<&HeaderMap> {
        let ready_made = &*self.ready_made;
        match &self.answer {
            Answer::Actual { .. } => Some(&ready_made.actual),
            Answer::Preflight {
                private_network: false,
                ..
            } => Some(&ready_made.preflight),
            Answer::RefusedPreflight(map) => Some(&ready_made.refused[*map as usize]),
            Answer::RefusedBecause(_) => Some(&ready_made.refused[RefusedMap::Given as usize]),
            Answer::RefusedMalformed(malformed) => Some(&ready_made.malformed[*malformed as usize]),
            Answer::Nothing { vary_origin: true } => Some(&ready_made.vary_only),
            // Private Network Access and debug answers are rare: inserted
            // one by one.
            Answer::Preflight { .. }
            | Answer::DebugPreflight { .. }
            | Answer::Nothing { vary_origin: false } => None,
        }
    }

    /// Puts the request's values into a copy of [`ready_made`](Self::ready_made):
    /// the result holds the same headers [`apply_to`](Self::apply_to)
    /// would insert one by one.
    fn fill_placeholders(self, headers: &mut HeaderMap) {
        let ready_made = &*self.ready_made;
        match self.answer {
            Answer::Actual { allow_origin } => {
                fill(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            }
            Answer::Preflight {
                allow_origin,
                methods,
                headers: requested,
                ..
            } => {
                fill(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
                let echoed = [
                    (
                        header::ACCESS_CONTROL_ALLOW_METHODS,
                        methods,
                        ready_made.echo_methods,
                    ),
                    (
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        requested,
                        ready_made.echo_headers,
                    ),
                ];
                for (name, value, placeholder) in echoed {
                    match value {
                        Some(value) => fill(headers, name, value),
                        None if placeholder => {
                            headers.remove(name);
                        }
                        None => {}
                    }
                }
            }
            Answer::RefusedBecause(reason) => fill(headers, CORS_REFUSAL, reason),
            Answer::RefusedPreflight(_)
            | Answer::RefusedMalformed(_)
            | Answer::DebugPreflight { .. }
            | Answer::Nothing { .. } => {}
        }
    }
}

/// Puts `value` in place of a ready-made map's placeholder for `name`.
/// The map holds a few standard names, so a scan finds the placeholder for
/// less than hashing would cost, and `Access-Control-Allow-Origin` comes
/// first. Replacing in place never grows the map, where `insert` would
/// first make room for an entry.
fn fill(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    match headers.iter_mut().find(|(n, _)| **n == name) {
        Some((_, slot)) => *slot = value,
        None => {
            headers.insert(name, value);
        }
    }
}

impl PartialEq for CorsHeaders {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for CorsHeaders {}

impl fmt::Debug for CorsHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
