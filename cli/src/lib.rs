//! The `cors` command as a library: `main.rs` only parses the arguments
//! and calls [`run`], so tests (and the browser suite) can call
//! [`check::check`], [`explain::explain`] and [`probe::probe`] directly.
//!
//! Every CORS rule comes from `tower_cors`: the policy's decisions from
//! [`tower_cors::Policy`] and [`tower_cors::CorsLayer`], the browser's
//! judgement from [`tower_cors::browser`], "did you mean" from
//! `tower_cors::policy::suggest`. This crate sends, prints and decides the
//! exit status.
//!
//! ```
//! use clap::Parser;
//! use tower_cors_cli::{args::Cli, run, Exit};
//!
//! let dir = std::env::temp_dir().join(format!("cors-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let file = dir.join("cors.toml");
//! std::fs::write(&file, "allow_origins = [\"https://app.example.com\"]\n")?;
//! let cli = Cli::parse_from(["cors", "check", file.to_str().unwrap()]);
//! let mut out = Vec::new();
//! assert_eq!(run(cli, &mut out, false), Exit::Yes);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod args;
pub mod check;
pub mod explain;
mod file;
pub mod journey;
mod page;
pub mod probe;
pub mod report;
mod style;

use std::io::Write;

pub use file::load_config;
pub use page::page_request;
pub use style::Style;

/// The command's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the page could read the response; `check`: no problem.
    Yes,
    /// 1: the browser would block it; `check`: at least one problem.
    No,
    /// 2: a usage or network error.
    Error,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    ///
    /// ```
    /// assert_eq!(tower_cors_cli::Exit::Error.code(), 2);
    /// ```
    pub fn code(self) -> u8 {
        match self {
            Exit::Yes => 0,
            Exit::No => 1,
            Exit::Error => 2,
        }
    }
}

/// Runs a parsed command line, writing what it prints to `out` (colours
/// when `colour` is true), and says how to exit.
///
/// ```
/// use clap::Parser;
/// use tower_cors_cli::{args::Cli, run, Exit};
///
/// let cli = Cli::parse_from(["cors", "check", "/no/such/file.toml"]);
/// let mut out = Vec::new();
/// assert_eq!(run(cli, &mut out, false), Exit::Error);
/// ```
pub fn run(cli: args::Cli, out: &mut dyn Write, colour: bool) -> Exit {
    let style = Style::new(colour);
    let result = match cli.command {
        args::Command::Check { file } => check::run(&file, out, style),
        args::Command::Explain { file, page, url } => explain::run(&file, &page, &url, out, style),
        args::Command::Probe(probe) => probe::run(&probe, out, style),
    };
    // A closed pipe (`cors probe ... | head -1`) is not the command's error.
    result.unwrap_or(Exit::Error)
}
