//! CORS conformance in a real browser: headless Chromium runs `fetch()`
//! calls from page origins to API servers behind `CorsLayer`, and each case
//! checks both what the script could read and what the servers saw.
//!
//! - Servers (all in this process, on 127.0.0.1): two blank-page servers
//!   and one API server per policy (`browser/servers.rs`).
//! - Browser: Debian's `chromium` driven through `chromedriver` with
//!   fantoccini, started once per run (`browser/driver.rs`, which says why
//!   fantoccini). `*.test` host names resolve to 127.0.0.1 in the browser,
//!   so origins differ by host (`app.example.test`, `evil.example.test`,
//!   `notexample.test`, ...) as well as by port.
//! - Cases: `browser/cases.rs`; then the demo's page (`browser/demo.rs`).
//!
//! Without Chromium the suite prints why it skipped and passes, unless `CI`
//! is set: then a missing browser is a failure. Install the browser with
//! `apt-get install -y chromium chromium-driver`.

#[path = "browser/cases.rs"]
mod cases;
#[path = "browser/csrf.rs"]
mod csrf;
#[path = "browser/demo.rs"]
mod demo;
#[path = "browser/driver.rs"]
mod driver;
#[path = "browser/servers.rs"]
mod servers;

use std::process::ExitCode;

use cases::Outcome;
use driver::{Browser, Tools};
use servers::Servers;

const INSTALL: &str = "apt-get update && apt-get install -y chromium chromium-driver";

fn main() -> ExitCode {
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    let tools = match Tools::find() {
        Ok(tools) => tools,
        Err(missing) if in_ci => {
            println!("browser: FAILED: {missing}, and CI is set (install: {INSTALL})");
            return ExitCode::FAILURE;
        }
        Err(missing) => {
            println!(
                "browser: SKIPPED, {missing}; to run this suite install the browser: {INSTALL}"
            );
            return ExitCode::SUCCESS;
        }
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            println!("browser: FAILED: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcomes = runtime.block_on(run(&tools)).unwrap_or_else(|why| {
        println!("FAIL setup: {why}");
        vec![("setup".to_owned(), Err(why))]
    });

    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|(_, result)| result.is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
    }
    println!(
        "browser: {} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn run(tools: &Tools) -> Result<Vec<Outcome>, String> {
    let servers = Servers::start().await?;
    let browser = Browser::start(tools).await?;
    let mut outcomes = cases::run_all(&browser.client, &servers, cases::all()).await;
    outcomes.extend(cases::private_network_replays(&servers).await);
    outcomes.extend(csrf::check(&browser.client, &servers).await);
    // After the cases: the demo sets its own cookies on `localhost`, which
    // the credentialed cases would otherwise receive.
    outcomes.extend(demo::check(&browser.client).await);
    browser.stop().await;
    Ok(outcomes)
}
