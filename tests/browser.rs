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
//! - Agreement (`browser/agreement.rs`): each case within the model of
//!   `cors probe` (CORS fetches and WebSocket handshakes) is probed again
//!   with the `cors` binary, built here, against the same servers, and its
//!   verdict must be what the engine did, but for the known engine
//!   deviations listed there (and in `cli/README.md`).
//!
//! `BROWSERS=firefox` (or `chromium,webkit`, ...) picks the engines; all
//! three by default. A missing engine is skipped with one line, unless `CI`
//! is set: then it is a failure.

#[path = "browser/agreement.rs"]
mod agreement;
#[path = "browser/binaries.rs"]
mod binaries;
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

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use agreement::Tally;
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

    let all: Vec<&str> = Engine::ALL.iter().map(|engine| engine.name()).collect();
    if let Err(why) = agreement::check_table(&all) {
        println!("browser: FAILED: the known engine deviations: {why}");
        return ExitCode::FAILURE;
    }
    let cors = match binaries::workspace_binary("tower-cors-cli", "cors") {
        Ok(cors) => cors,
        Err(why) => {
            println!("browser: FAILED: no `cors` binary to compare with: {why}");
            return ExitCode::FAILURE;
        }
    };

    let (mut passed, mut failed) = (0, Vec::new());
    let mut summaries = Vec::new();
    let mut agreement = Tally::default();
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
        let (outcomes, tally) = runtime.block_on(run(&tools, &cors)).unwrap_or_else(|why| {
            println!("FAIL {name} setup: {why}");
            (vec![("setup".to_owned(), Err(why))], Tally::default())
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
        let line = format!("{name}: {}", agreement_line(&tally));
        println!("{line}");
        summaries.push(line);
        agreement.add(tally);
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
    println!("agreement: {}", agreement_line(&agreement));
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

/// The agreement counts, one line: probed cases (each a case run in one
/// engine), how they compared, and the case runs outside the probe's model.
fn agreement_line(tally: &Tally) -> String {
    format!(
        "cors probe: {} case runs compared: {} agree, {} known engine deviations, \
         {} disagreements, {} listed deviations that did not happen, {} probe errors; \
         {} case runs outside its model (form posts, no-cors fetches)",
        tally.compared,
        tally.agreed,
        tally.known,
        tally.disagreed,
        tally.stale,
        tally.errors,
        tally.outside
    )
}

/// Everything the suite checks, in one engine: fresh servers, one browser
/// session, every case (each then probed with `cors`), then the demo.
async fn run(tools: &Tools, cors: &Path) -> Result<(Vec<Outcome>, Tally), String> {
    let servers = Servers::start().await?;
    let browser = Browser::start(tools).await?;
    let engine = browser.engine.name();
    println!("{engine}: running in {}", browser.version());
    let (mut outcomes, observations) =
        cases::run_all(&browser.client, &servers, cases::all()).await;
    let (probed, mut tally) = agreement::check(cors, engine, observations).await;
    outcomes.extend(probed);
    outcomes.extend(cases::private_network_replays(&servers).await);
    let (csrf, csrf_tally) = csrf::check(&browser.client, &servers, cors, engine).await;
    outcomes.extend(csrf);
    tally.add(csrf_tally);
    let (sockets, socket_tally) = websocket::check(&browser.client, &servers, engine, cors).await;
    outcomes.extend(sockets);
    tally.add(socket_tally);
    // After the cases: the demo sets its own cookies on `localhost`, which
    // the credentialed cases would otherwise receive.
    outcomes.extend(demo::check(&browser.client, engine).await);
    browser.stop().await;
    Ok((outcomes, tally))
}
