//! `cors explain FILE`: what an application behind `CorsLayer` with this
//! policy would answer to a page's request, and what the browser would do
//! with each answer, end to end and offline.

use std::convert::Infallible;
use std::io::{self, Write};
use std::path::Path;

use http::{Request, Response};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{CorsLayer, Policy};

use crate::args::PageArgs;
use crate::journey::{Journey, Transport};
use crate::report::Report;
use crate::style::{shown, Style};
use crate::{load_config, page_request, Exit};

/// The application behind the layer: answers every request it is given
/// with `200 OK`, so that what the browser sees is the layer's doing.
struct Layered {
    policy: Policy,
}

impl Transport for Layered {
    async fn send(&mut self, request: &mut Request<()>) -> Result<Response<()>, String> {
        let app = service_fn(|_: Request<()>| async {
            Ok::<_, Infallible>(
                Response::builder()
                    .header("content-type", "text/plain")
                    .body(String::from("the application's answer"))
                    .unwrap_or_default(),
            )
        });
        let service = CorsLayer::new(self.policy.clone()).layer(app);
        let response = match service.oneshot(clone_head(request)).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        Ok(response.map(|_| ()))
    }

    fn reasoning(&self, request: &Request<()>) -> Option<String> {
        Some(self.policy.explain(request))
    }
}

fn clone_head(request: &Request<()>) -> Request<()> {
    let mut copy = Request::new(());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// Runs the page's request against `policy` behind [`CorsLayer`], offline.
///
/// ```
/// use tower_cors::Policy;
/// use tower_cors_cli::{args::PageArgs, explain::explain};
///
/// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
/// let args = PageArgs {
///     origin: "https://app.example.com".into(),
///     method: "PUT".into(),
///     headers: vec![],
///     credentials: false,
/// };
/// let report = explain(&policy, &args, "/items/1")?;
/// assert!(report.preflight);
/// assert!(!report.allowed); // PUT is not allowed
/// // The layer refuses without CORS headers; its reason is on the wire.
/// let reason = report.reason.unwrap();
/// assert!(reason.contains("Response to preflight request doesn't pass access control check"));
/// assert_eq!(
///     report.exchanges[0].response_headers.last().unwrap(),
///     &("cors-refusal".to_owned(), "method \"PUT\" not allowed".to_owned())
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain(policy: &Policy, args: &PageArgs, url: &str) -> Result<Report, String> {
    let page = page_request(args, url).map_err(|err| err.to_string())?;
    let journey = Journey {
        page,
        preflight_only: false,
        cookie: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|err| err.to_string())?;
    runtime.block_on(journey.run(&mut Layered {
        policy: policy.clone(),
    }))
}

/// `cors explain FILE ...`, printed. [`Exit::Yes`] when the page could read
/// the response, [`Exit::No`] when the browser would block it,
/// [`Exit::Error`] for a file that is not a valid policy or a request a
/// page cannot make.
pub fn run(
    path: &Path,
    args: &PageArgs,
    url: &str,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<Exit> {
    let config = match load_config(path) {
        Ok(Ok(config)) => config,
        Ok(Err(message)) | Err(message) => {
            writeln!(out, "{} {}", style.bad("error:"), shown(message.as_bytes()))?;
            return Ok(Exit::Error);
        }
    };
    let policy = match config.build() {
        Ok(policy) => policy,
        Err(err) => {
            writeln!(out, "{} {err}", style.bad("error:"))?;
            writeln!(out, "(cors check {} lists the problems)", path.display())?;
            return Ok(Exit::Error);
        }
    };
    let report = match explain(&policy, args, url) {
        Ok(report) => report,
        Err(message) => {
            writeln!(out, "{} {}", style.bad("error:"), shown(message.as_bytes()))?;
            return Ok(Exit::Error);
        }
    };
    writeln!(
        out,
        "{}",
        style.strong(&format!(
            "{} from {} to a layer with the policy in {}:",
            args.method,
            args.origin,
            path.display()
        ))
    )?;
    report.print(out, style)?;
    Ok(match report.allowed {
        true => Exit::Yes,
        false => Exit::No,
    })
}
