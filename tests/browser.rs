//! CORS conformance in real browsers: Chromium, Firefox and WebKit, one
//! after another, run `fetch()` calls from page origins to API servers
//! behind `CorsLayer`, and each case checks both what the script could read
//! and what the servers saw.
//!
//! - Servers (all in this process, on 127.0.0.1): two blank-page servers
//!   and one API server per policy (`browser/servers.rs`), started afresh
//!   for each engine so that no engine sees another's caches or traces.
//! - Browsers: each through its WebDriver server with fantoccini
//!   (`browser/driver.rs`). Every engine resolves `localhost` and
//!   `*.localhost` to loopback by itself, so origins differ by host
//!   (`app.example.localhost`, `evil.example.localhost`,
//!   `notexample.localhost`, ...) as well as by port with no hosts file.
//! - Cases: `browser/cases.rs`; the forgery cases against the CSRF guard
//!   (`browser/csrf.rs`); cross-site WebSocket handshakes against the same
//!   guard (`browser/websocket.rs`); then the demo's page
//!   (`browser/demo.rs`).
//!
//! `BROWSERS=firefox` (or `chromium,webkit`, ...) picks the engines; all
//! three by default. A missing engine is skipped with one line, unless `CI`
//! is set: then it is a failure.

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
#[path = "browser/websocket.rs"]
mod websocket;

use std::process::ExitCode;
use std::time::Instant;

use cases::Outcome;
use driver::{Browser, Engine, Tools};
use servers::Servers;

fn main() -> ExitCode {
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    let engines = match chosen_engines() {
        Ok(engines) => engines,
        Err(why) => {
            println!("browser: FAILED: {why}");
            return ExitCode::FAILURE;
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

    let (mut passed, mut failed) = (0, Vec::new());
    let mut summaries = Vec::new();
    for engine in engines {
        let name = engine.name();
        let tools = match Tools::find(engine) {
            Ok(tools) => tools,
            Err(missing) if in_ci => {
                let line = format!(
                    "{name}: FAILED: {missing}, and CI is set (install: {})",
                    engine.install_hint()
                );
                println!("{line}");
                summaries.push(line);
                failed.push(format!("{name}:setup"));
                continue;
            }
            Err(missing) => {
                let line = format!(
                    "{name}: SKIPPED, {missing} (install: {})",
                    engine.install_hint()
                );
                println!("{line}");
                summaries.push(line);
                continue;
            }
        };
        println!("--- {name}");
        let started = Instant::now();
        let outcomes = runtime.block_on(run(&tools)).unwrap_or_else(|why| {
            println!("FAIL {name} setup: {why}");
            vec![("setup".to_owned(), Err(why))]
        });
        let engine_failed: Vec<String> = outcomes
            .iter()
            .filter(|(_, result)| result.is_err())
            .map(|(case, _)| format!("{name}:{case}"))
            .collect();
        let engine_passed = outcomes.len() - engine_failed.len();
        let line = format!(
            "{name}: {engine_passed} passed, {} failed ({:.1} s)",
            engine_failed.len(),
            started.elapsed().as_secs_f64()
        );
        println!("{line}");
        summaries.push(line);
        passed += engine_passed;
        failed.extend(engine_failed);
    }

    println!("---");
    for line in &summaries {
        println!("{line}");
    }
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
    }
    println!("browser: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The engines named in `BROWSERS` (comma- or space-separated), or all.
fn chosen_engines() -> Result<Vec<Engine>, String> {
    let Some(list) = std::env::var("BROWSERS")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(Engine::ALL.to_vec());
    };
    list.split([',', ' '])
        .filter(|name| !name.is_empty())
        .map(|name| {
            Engine::from_name(&name.to_ascii_lowercase()).ok_or_else(|| {
                format!("BROWSERS names {name:?}; the engines are chromium, firefox, webkit")
            })
        })
        .collect()
}

/// Everything the suite checks, in one engine: fresh servers, one browser
/// session, every case, then the demo.
async fn run(tools: &Tools) -> Result<Vec<Outcome>, String> {
    let servers = Servers::start().await?;
    let browser = Browser::start(tools).await?;
    println!(
        "{}: running in {}",
        browser.engine.name(),
        browser.version()
    );
    let mut outcomes = cases::run_all(&browser.client, &servers, cases::all()).await;
    outcomes.extend(cases::private_network_replays(&servers).await);
    outcomes.extend(csrf::check(&browser.client, &servers).await);
    outcomes.extend(websocket::check(&browser.client, &servers, browser.engine.name()).await);
    // After the cases: the demo sets its own cookies on `localhost`, which
    // the credentialed cases would otherwise receive.
    outcomes.extend(demo::check(&browser.client, browser.engine.name()).await);
    browser.stop().await;
    Ok(outcomes)
}
