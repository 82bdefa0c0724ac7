//! The command line, as `clap` reads it: every flag of `cors check`,
//! `cors explain` and `cors probe`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  cors check cors.toml
  cors explain cors.toml --origin https://app.example.com --method PUT --header content-type:application/json
  cors probe https://api.example.com/items --origin https://app.example.com
  cors probe http://localhost:3000/items/1 --origin http://localhost:3001 --method DELETE --preflight-only
  cors probe https://api.example.com/me --origin https://app.example.com --credentials --cookie 'session=abc' --json
  cors probe wss://api.example.com/socket --origin https://app.example.com

Exit status: 0 when the page could read the response (check: no problem),
1 when the browser would block it (check: a problem), 2 on a usage or
network error.";

/// Check a CORS configuration, explain a decision, or probe a URL as a
/// browser would.
#[derive(Debug, Parser)]
#[command(name = "cors", version, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The three subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a policy file (TOML or JSON, by extension) exactly as the
    /// library does: every problem, then warnings about what is legal but
    /// likely wrong.
    #[command(after_help = "Example:\n  cors check cors.toml")]
    Check {
        /// The configuration file: `.toml` or `.json`, with the keys of
        /// `tower_cors::policy::PolicyConfig`.
        file: PathBuf,
    },
    /// What a layer with this policy would answer to a page's request, and
    /// what the browser would then do with it, offline.
    #[command(
        after_help = "Example:\n  cors explain cors.toml --origin https://app.example.com --method PUT --header x-custom:1 --credentials"
    )]
    Explain {
        /// The configuration file (`.toml` or `.json`).
        file: PathBuf,
        /// The page's request.
        #[command(flatten)]
        page: PageArgs,
        /// The URL the page fetches (shown in the browser's messages).
        #[arg(long, default_value = "/")]
        url: String,
    },
    /// Send what a browser sends to a real server (HTTP, HTTPS, ws, wss),
    /// and judge the answers as the browser would.
    #[command(
        after_help = "Examples:\n  cors probe https://api.example.com/items --origin https://app.example.com --method PUT --header content-type:application/json\n  cors probe http://localhost:3000/ --origin null --json"
    )]
    Probe(ProbeArgs),
}

/// The page's request: who asks, and what.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// The page's origin (`scheme://host[:port]`, or `null` for sandboxed
    /// and `file:` pages).
    #[arg(long)]
    pub origin: String,
    /// The method as the page's script writes it (browsers uppercase only
    /// DELETE, GET, HEAD, OPTIONS, POST and PUT).
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// A header the page sets, `NAME:VALUE` (or `NAME` for an empty
    /// value); repeat for several.
    #[arg(long = "header", value_name = "NAME[:VALUE]")]
    pub headers: Vec<String>,
    /// `credentials: "include"`: cookies and HTTP authentication go along,
    /// and the server must opt in.
    #[arg(long)]
    pub credentials: bool,
}

/// `cors probe`'s flags.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// `http://`, `https://`, `ws://` or `wss://` URL.
    pub url: String,
    /// The page's request.
    #[command(flatten)]
    pub page: PageArgs,
    /// Seconds to wait for each connection and answer.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// One JSON object on stdout instead of the transcript.
    #[arg(long)]
    pub json: bool,
    /// A `Cookie` header value, sent with the request itself when
    /// `--credentials` is given (a page cannot set `Cookie`).
    #[arg(long, value_name = "C")]
    pub cookie: Option<String>,
    /// A PEM file of CA certificates trusted besides the usual roots (for
    /// a local CA).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Stop after the preflight: do not send the request itself.
    #[arg(long)]
    pub preflight_only: bool,
}
