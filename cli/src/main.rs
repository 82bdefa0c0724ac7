//! `cors`: see `cors --help`, and the library half in `lib.rs`.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tower_cors_cli::args::Cli::parse();
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    ExitCode::from(tower_cors_cli::run(cli, &mut out, colour).code())
}
