//! [`Policy::explain`]: the decision for one request told for a person, for
//! tests, REPL sessions and support tickets: what kind of request it is and
//! why, which rule allowed or refused each part of it, and what is sent.
//!
//! It decides with [`Policy::evaluate`], the very decision the layer acts
//! on, then says which configured rule gave each verdict; it is not on the
//! request path and may take its time.

use std::fmt::Write;

use http::header::{HeaderMap, HeaderValue, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};

use super::headers::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK;
use http::Method;

use super::display::List;
use super::headers::HeaderRule;
use super::method::{is_forbidden, is_safelisted, MethodRule};
use super::normal_form::Configured;
use super::origin::{self, OriginRule};
use super::predicate::{self, Unlisted};
use super::refusal::Denied;
use super::requested::for_each_requested;
use super::token::is_token;
use super::{Escaped, Policy, RequestHead, RequestKind};

impl Policy {
    /// A short multi-line account of the decision for `request`, for people:
    /// the kind of request and why, which rule allowed or refused its
    /// origin (and, for a preflight, its method and each requested header),
    /// the decision, the status when the layer answers itself, and the
    /// headers sent. Values from the request are quoted with escapes, so an
    /// account pasted into a ticket or a log shows control bytes instead of
    /// obeying them.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PUT"])
    ///     .allow_headers(["content-type"])
    ///     .build()?;
    /// let preflight = Request::options("/items/1")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .header("access-control-request-headers", "content-type,x-debug")
    ///     .body(())?;
    /// assert_eq!(
    ///     policy.explain(&preflight),
    ///     "\
    /// preflight: OPTIONS with Origin and Access-Control-Request-Method
    /// origin \"https://app.example.com\": allowed, listed
    /// method PUT: allowed, listed
    /// header content-type: allowed, listed
    /// header x-debug: refused, not in the allowed headers (content-type)
    /// decision: preflight refused: header \"x-debug\" not allowed
    /// answer: 403 Forbidden from the layer; the application is not called
    /// headers sent:
    ///   vary: origin
    ///   cors-refusal: header \"x-debug\" not allowed
    /// "
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain<R: RequestHead + ?Sized>(&self, request: &R) -> String {
        let decision = self.evaluate(request);
        let method = request.method();
        let headers = request.headers();
        let n = &self.rules.source;
        let mut out = String::new();
        // Writing to a `String` cannot fail.
        let mut line = |text: std::fmt::Arguments<'_>| {
            let _ = writeln!(out, "{text}");
        };

        let kind = decision.kind();
        line(format_args!("{}", kind_line(kind, method)));
        let origins: Vec<&HeaderValue> = headers.get_all(ORIGIN).iter().collect();
        match origins[..] {
            [] => {}
            [origin] => line(format_args!(
                "origin {:?}: {}",
                Escaped(origin.as_bytes()),
                self.origin_verdict(n, origin, request)
            )),
            _ => line(format_args!(
                "origin: refused, {} Origin headers where a browser sends one",
                origins.len()
            )),
        }
        if kind == RequestKind::Preflight {
            if let Some(requested) = headers.get(ACCESS_CONTROL_REQUEST_METHOD) {
                line(format_args!("{}", self.method_verdict(n, requested)));
            }
            for verdict in self.header_verdicts(n, headers) {
                line(format_args!("{verdict}"));
            }
            if headers.contains_key(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK) {
                line(format_args!(
                    "private network (legacy Private Network Access preflight): {}",
                    match self.rules.private_network {
                        true => "answered, allow_private_network is on",
                        false => "not answered, allow_private_network is off",
                    }
                ));
                line(format_args!(
                    "  Chrome has replaced these preflights with the Local Network Access \
                     permission prompt, which no response header can grant"
                ));
            }
        }
        line(format_args!("decision: {decision}"));
        let answer = match decision.preflight_status() {
            Some(status) if status.is_success() && decision.refusal().is_some() => format!(
                "answer: {status} from the layer, debug mode: the configured lists, which the \
                 browser will find lacking and say so; the application is not called"
            ),
            Some(status) => {
                format!("answer: {status} from the layer; the application is not called")
            }
            None if kind == RequestKind::NotCors => {
                "answer: the application's, with the headers below added".to_owned()
            }
            None if decision.is_allowed() => {
                "answer: the application's, with the headers below added; the page may read it"
                    .to_owned()
            }
            None => "answer: the application's (it still runs), with the headers below added; \
                     the browser hides it from the page"
                .to_owned(),
        };
        line(format_args!("{answer}"));
        if decision.headers().is_empty() {
            line(format_args!("headers sent: none"));
        } else {
            line(format_args!("headers sent:"));
            for (name, value) in decision.headers().iter() {
                match value.to_str() {
                    Ok(text) => line(format_args!("  {name}: {text}")),
                    Err(_) => line(format_args!("  {name}: {:?}", Escaped(value.as_bytes()))),
                }
            }
        }
        out
    }

    /// Which rule allows `origin`, or why none does: the origin set and
    /// the request predicate are asked, the very checks the decision makes.
    fn origin_verdict<R: RequestHead + ?Sized>(
        &self,
        n: &Configured,
        origin: &HeaderValue,
        request: &R,
    ) -> String {
        let bytes = origin.as_bytes();
        let rules = &*self.rules;
        let listed = n.origin_lists();
        let named = |prefix: &str, suffix: &str| {
            // The configured entry that allows it, asked one at a time.
            match listed
                .exact
                .iter()
                .chain(&listed.patterns)
                .find(|entry| origin::entry_allows(entry, bytes))
            {
                Some(entry) => format!("{prefix} {entry}{suffix}"),
                None => format!("{prefix}{suffix}"),
            }
        };
        let refused = match rules.origins.rule(bytes) {
            Ok(OriginRule::Any) if bytes == b"null" => {
                return "allowed: any origin (*), null included".to_owned()
            }
            Ok(OriginRule::Any) => return "allowed: any origin (*)".to_owned(),
            Ok(OriginRule::Exact) => return "allowed, listed".to_owned(),
            Ok(OriginRule::AnyPort) => return named("allowed by", " (any port)"),
            Ok(OriginRule::Pattern) => return named("allowed by the pattern", ""),
            Ok(OriginRule::Null) => {
                return "allowed: null is allowed, dangerously (every sandboxed page sends it)"
                    .to_owned()
            }
            Ok(OriginRule::Predicate) => return "allowed by allow_origin_fn".to_owned(),
            Err(Denied::Malformed(_)) => {
                return "refused, malformed: not scheme://host[:port] as a browser writes it"
                    .to_owned()
            }
            Err(refused) => refused,
        };
        if predicate::allow_unlisted(rules, origin, request, Unlisted::Ask).is_ok() {
            return "allowed by allow_origin_request_fn".to_owned();
        }
        debug_assert_eq!(refused, Denied::Origin);
        if bytes == b"null" {
            return "refused: null is the origin of sandboxed and opaque pages, allowed only \
                    with allow_null_origin_dangerously"
                .to_owned();
        }
        let mut why = format!(
            "refused: not among the allowed origins ({})",
            List(&listed.exact)
        );
        if !listed.patterns.is_empty() {
            let _ = write!(why, ", matches no pattern ({})", List(&listed.patterns));
        }
        if n.functions.contains(&"allow_origin_fn") {
            why.push_str(", and allow_origin_fn said no");
        }
        why
    }

    fn method_verdict(&self, n: &Configured, requested: &HeaderValue) -> String {
        let methods = &n.config.allow_methods;
        let bytes = requested.as_bytes();
        if !is_token(bytes) {
            return format!(
                "method {:?}: refused, malformed: not a method token",
                Escaped(bytes)
            );
        }
        // A token is printable ASCII with no quote or space.
        let method = std::str::from_utf8(bytes).unwrap_or_default();
        let rule = self.rules.methods.rule(bytes);
        let verdict = if is_safelisted(bytes) || rule == Some(MethodRule::Safelisted) {
            "allowed: GET, HEAD and POST always are".to_owned()
        } else if rule == Some(MethodRule::Listed) {
            "allowed, listed".to_owned()
        } else if rule == Some(MethodRule::Any) {
            "allowed: any method (*)".to_owned()
        } else if is_forbidden(bytes) {
            "refused: forbidden by the Fetch standard, no page can send it".to_owned()
        } else if let Some(listed) = methods.iter().find(|m| m.eq_ignore_ascii_case(method)) {
            format!(
                "refused: methods are compared byte for byte, and {listed} is listed, not \
                 {method} (browsers uppercase only DELETE GET HEAD OPTIONS POST PUT)"
            )
        } else {
            format!("refused, not in the allowed methods ({})", List(methods))
        };
        format!("method {method}: {verdict}")
    }

    /// One line per requested header name, or one saying the list cannot
    /// be read.
    fn header_verdicts(&self, n: &Configured, headers: &HeaderMap) -> Vec<String> {
        let mut lines = Vec::new();
        let read = for_each_requested(headers, |name| {
            let rule = self.rules.headers.rule(name);
            // Names are tokens: printable ASCII.
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            let verdict = if rule == Some(HeaderRule::Listed) {
                "allowed, listed".to_owned()
            } else if rule == Some(HeaderRule::Any) {
                "allowed: any header (*)".to_owned()
            } else if self.rules.headers.reflects() {
                "refused: * never covers authorization; list it to allow it".to_owned()
            } else {
                format!(
                    "refused, not in the allowed headers ({})",
                    List(&n.config.allow_headers)
                )
            };
            lines.push(format!("header {name}: {verdict}"));
            Ok(())
        });
        if let Err(denied) = read {
            lines.push(format!("requested headers: refused, {denied}"));
        }
        lines
    }
}

/// The first line: the kind of request, and what made it that kind.
fn kind_line(kind: RequestKind, method: &Method) -> String {
    match kind {
        RequestKind::NotCors => "not a CORS request: no Origin header".to_owned(),
        RequestKind::Preflight => {
            "preflight: OPTIONS with Origin and Access-Control-Request-Method".to_owned()
        }
        RequestKind::Simple => format!(
            "simple request: {method} with only safelisted headers, which a browser sends \
             without asking first"
        ),
        RequestKind::Actual => format!(
            "actual request: {method} with Origin, which a browser sends only after a \
             preflight allowed it (or a client that is not a browser sent it)"
        ),
    }
}
