//! [`Policy::explain`]: the decision for one request told for a person, for
//! tests, REPL sessions and support tickets: what kind of request it is and
//! why, which rule allowed or refused each part of it, and what is sent.
//!
//! It decides with [`Policy::evaluate`], the very decision the layer acts
//! on, then says which configured rule gave each verdict; it is not on the
//! request path and may take its time.

use std::fmt::Write;

use http::header::{HeaderMap, HeaderValue, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::Method;

use super::display::List;
use super::headers::{for_each_requested, is_token};
use super::method::{is_forbidden, is_safelisted};
use super::normal_form::Configured;
use super::origin::{self, HostKind};
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
                self.origin_verdict(n, origin)
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

    /// Which rule allows `origin`, or why none does.
    fn origin_verdict(&self, n: &Configured, origin: &HeaderValue) -> String {
        let bytes = origin.as_bytes();
        let listed = n.origin_lists();
        if listed.any && bytes == b"null" {
            return "allowed: any origin (*), null included".to_owned();
        }
        let Ok(parts) = origin::parse(bytes, false) else {
            if bytes == b"null" {
                return match n.config.allow_null_origin_dangerously {
                    true => "allowed: null is allowed, dangerously (every sandboxed page sends it)"
                        .to_owned(),
                    false => "refused: null is the origin of sandboxed and opaque pages, \
                              allowed only with allow_null_origin_dangerously"
                        .to_owned(),
                };
            }
            return "refused, malformed: not scheme://host[:port] as a browser writes it"
                .to_owned();
        };
        if listed.any {
            return "allowed: any origin (*)".to_owned();
        }
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        if listed.exact.contains(&text) {
            return "allowed, listed".to_owned();
        }
        let pattern = listed.patterns.iter().find(|pattern| {
            origin::parse(pattern.as_bytes(), true).is_ok_and(|p| {
                let domain = p.host.as_bytes();
                let host = parts.host.as_bytes();
                parts.host_kind == HostKind::Domain
                    && p.scheme == parts.scheme
                    && p.port == parts.port
                    && host.len() > domain.len() + 1
                    && host.ends_with(domain)
                    && host[host.len() - domain.len() - 1] == b'.'
            })
        });
        if let Some(pattern) = pattern {
            return format!("allowed by the pattern {pattern}");
        }
        let evaluated = self.evaluate(&probe(origin));
        let origin_fn = !n.functions.is_empty();
        if origin_fn && evaluated.is_allowed() {
            return "allowed by allow_origin_fn".to_owned();
        }
        let mut why = format!(
            "refused: not among the allowed origins ({})",
            List(&listed.exact)
        );
        if !listed.patterns.is_empty() {
            let _ = write!(why, ", matches no pattern ({})", List(&listed.patterns));
        }
        if origin_fn {
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
        let verdict = if is_safelisted(bytes) {
            "allowed: GET, HEAD and POST always are".to_owned()
        } else if self.rules.methods.allows(bytes) {
            match methods.iter().any(|m| m == method) {
                true => "allowed, listed".to_owned(),
                false => "allowed: any method (*)".to_owned(),
            }
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
        let allowed = &n.config.allow_headers;
        let any = allowed.iter().any(|h| h == "*");
        let read = for_each_requested(headers, |name| {
            // Names are tokens: printable ASCII.
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            let listed = allowed.iter().any(|h| h.eq_ignore_ascii_case(&name));
            let verdict = if listed {
                "allowed, listed".to_owned()
            } else if self.rules.headers.allows(name.as_bytes()) {
                "allowed: any header (*)".to_owned()
            } else if any {
                "refused: * never covers authorization; list it to allow it".to_owned()
            } else {
                format!("refused, not in the allowed headers ({})", List(allowed))
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

/// A bare `GET` from `origin`: asks the policy about the origin alone.
fn probe(origin: &HeaderValue) -> http::Request<()> {
    let mut request = http::Request::new(());
    request.headers_mut().insert(ORIGIN, origin.clone());
    request
}
