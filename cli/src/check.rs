//! `cors check FILE`: the library's verdict on a configuration file, every
//! problem, then warnings about what is legal but likely wrong.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use http::Response;
use tower_cors::browser::PageRequest;
use tower_cors::policy::suggest::suggest_method;
use tower_cors::policy::PolicyConfig;

use crate::style::{shown, Style};
use crate::{load_config, Exit};

/// What `cors check` found in a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// What the library refuses, one line each, as its
    /// [`ConfigProblem`](tower_cors::ConfigProblem)s word them.
    pub problems: Vec<String>,
    /// Legal but likely wrong.
    pub warnings: Vec<String>,
}

/// Checks a configuration: [`PolicyConfig::build`]'s problems, exactly as
/// an application would get them, and the warnings of [`warnings`].
///
/// ```
/// use tower_cors::policy::PolicyConfig;
///
/// let mut config = PolicyConfig::default();
/// config.allow_origins = vec!["https://app.example.com/".into()];
/// config.allow_methods = vec!["DELTE".into()];
/// let findings = tower_cors_cli::check::check(&config);
/// assert_eq!(findings.problems.len(), 1);
/// assert_eq!(findings.warnings.len(), 1);
/// ```
pub fn check(config: &PolicyConfig) -> Findings {
    let problems = match config.clone().build() {
        Ok(_) => Vec::new(),
        Err(err) => err.problems().iter().map(|p| p.to_string()).collect(),
    };
    Findings {
        problems,
        warnings: warnings(config),
    }
}

/// What the library accepts but is probably a mistake: a method one edit
/// away from a standard one (`DELTE`), a header listed twice in different
/// case, an exposed header scripts can read anyway, and Private Network
/// Access, which is legacy.
///
/// ```
/// use tower_cors::policy::PolicyConfig;
///
/// let mut config = PolicyConfig::default();
/// config.allow_origins = vec!["https://app.example.com".into()];
/// config.expose_headers = vec!["Content-Type".into(), "X-Total".into(), "x-total".into()];
/// let warnings = tower_cors_cli::check::warnings(&config);
/// assert_eq!(warnings.len(), 2);
/// assert!(warnings[0].contains("\"X-Total\""));
/// assert!(warnings[1].contains("\"Content-Type\""));
/// ```
pub fn warnings(config: &PolicyConfig) -> Vec<String> {
    let mut warnings = Vec::new();
    for method in &config.allow_methods {
        if let Some(standard) = suggest_method(method) {
            warnings.push(format!(
                "method \"{}\" is not a standard method: did you mean \"{standard}\"?",
                shown(method.as_bytes())
            ));
        }
    }
    for (key, names) in [
        ("allow_headers", &config.allow_headers),
        ("expose_headers", &config.expose_headers),
    ] {
        let mut spellings: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for name in names {
            let seen = spellings.entry(name.to_ascii_lowercase()).or_default();
            if !seen.contains(&name.as_str()) {
                seen.push(name);
            }
        }
        for seen in spellings.values().filter(|seen| seen.len() > 1) {
            let listed: Vec<String> = seen
                .iter()
                .map(|s| format!("\"{}\"", shown(s.as_bytes())))
                .collect();
            warnings.push(format!(
                "{key} lists one header in several spellings ({}): header names are \
                 compared in any case, keep one",
                listed.join(", ")
            ));
        }
    }
    for name in &config.expose_headers {
        if readable_without_listing(name) {
            warnings.push(format!(
                "exposed header \"{}\" is CORS-safelisted: scripts read it without \
                 expose_headers, remove it",
                shown(name.as_bytes())
            ));
        }
    }
    if config.allow_private_network {
        warnings.push(
            "allow_private_network answers Private Network Access preflights, which Chrome put \
             on hold in 2024 and replaced with the Local Network Access permission prompt \
             (Chrome 142): legacy support only"
                .to_owned(),
        );
    }
    warnings
}

/// Whether a page's script can read the response header `name` with no
/// `Access-Control-Expose-Headers` at all, as the browser module judges a
/// response that carries it.
fn readable_without_listing(name: &str) -> bool {
    if name == "*" {
        return false;
    }
    let Ok(page) = PageRequest::new("https://page.example", "https://api.example/") else {
        return false;
    };
    let Ok(response) = Response::builder()
        .header("access-control-allow-origin", "*")
        .header(name, "0")
        .body(())
    else {
        return false;
    };
    page.check_response(&response)
        .is_ok_and(|readable| readable.can_read(name))
}

/// `cors check FILE`, printed: each problem, each warning, a summary.
/// [`Exit::No`] on any problem (an unparsable file included),
/// [`Exit::Yes`] otherwise, [`Exit::Error`] when the file cannot be read.
pub fn run(path: &Path, out: &mut dyn Write, style: Style) -> io::Result<Exit> {
    let config = match load_config(path) {
        Err(message) => {
            writeln!(out, "{} {message}", style.bad("error:"))?;
            return Ok(Exit::Error);
        }
        Ok(Err(message)) => {
            writeln!(out, "{} {}", style.bad("error:"), shown(message.as_bytes()))?;
            writeln!(out, "{}: not a CORS policy", path.display())?;
            return Ok(Exit::No);
        }
        Ok(Ok(config)) => config,
    };
    let findings = check(&config);
    for problem in &findings.problems {
        writeln!(out, "{} {problem}", style.bad("error:"))?;
    }
    for warning in &findings.warnings {
        writeln!(out, "{} {warning}", style.warn("warning:"))?;
    }
    let (n, w) = (findings.problems.len(), findings.warnings.len());
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    if n > 0 {
        writeln!(
            out,
            "{}: {n} problem{}, {w} warning{}: the library refuses this policy",
            path.display(),
            plural(n),
            plural(w)
        )?;
        Ok(Exit::No)
    } else {
        writeln!(
            out,
            "{}: {} ({w} warning{})",
            path.display(),
            style.good("ok"),
            plural(w)
        )?;
        Ok(Exit::Yes)
    }
}
