//! The demo (`demo/`, package `tower-cors-demo`) in the same browser, in
//! each engine: every row of its table must show the outcome it promises,
//! the reasons the server gave, the right debug-mode text, and fit the
//! window without horizontal scrolling.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::binaries::{target_dirs, workspace_binary};
use crate::cases::{open_page, within, Outcome};

/// The fewest rows the demo promises.
const MIN_ROWS: usize = 8;

struct DemoProcess(Child);

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the demo on free ports and returns it with its page URL.
fn start() -> Result<(DemoProcess, String), String> {
    let binary = workspace_binary("tower-cors-demo", "demo")?;
    let mut child = Command::new(&binary)
        .env("DEMO_API_PORT", "0")
        .env("DEMO_PAGE_PORT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {binary:?}: {e}"))?;
    let stdout = child.stdout.take();
    let demo = DemoProcess(child);
    let stdout = stdout.ok_or("no stdout")?;

    // A thread reads stdout to its end, so the demo never blocks on a full
    // pipe nor fails to print once the URLs have been read.
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // No one listens once the URLs are known: keep draining.
            let _ = lines.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut page, mut api) = (None, None);
    while page.is_none() || api.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = received
            .recv_timeout(left)
            .map_err(|_| "the demo did not print its page and api URLs within 30 s".to_owned())?;
        if let Some(url) = line.strip_prefix("page:") {
            page = Some(url.trim().to_owned());
        } else if let Some(url) = line.strip_prefix("api:") {
            api = Some(url.trim().to_owned());
        }
    }
    let page = page.unwrap_or_default();
    Ok((demo, page))
}

/// Loads the demo page, waits for it to finish, checks every row, and saves
/// a screenshot to `target/demo-screenshot-<engine>.png`.
pub async fn check(client: &Client, engine: &str) -> Vec<Outcome> {
    match check_rows(client, engine).await {
        Ok(outcomes) => outcomes,
        Err(why) => {
            println!("FAIL demo: {why}");
            vec![("demo".to_owned(), Err(why))]
        }
    }
}

/// What the server's `cors-refusal` and status must say for the rows that
/// are refused for a reason the page cannot read: (case, reason, status
/// without debug mode, status with it). Debug mode answers a refused
/// method or header `200`, never a refused origin.
const REASONS: &[(&str, &str, &str, &str)] = &[
    (
        "patch-lowercase",
        "method \"patch\" not allowed",
        "403",
        "200",
    ),
    (
        "refused-header",
        "header \"x-forbidden\" not allowed",
        "403",
        "200",
    ),
    ("refused-origin-put", "origin not allowed", "403", "403"),
];

/// The `csrf-refusal` reason of the rows the CSRF guard refuses, shown on
/// the page instead of the CORS layer's: the forged form post carries
/// `Sec-Fetch-Site: cross-site` in every engine; the other site's
/// WebSocket handshake carries it in Firefox and WebKit, and nothing in
/// Chromium, where the guard compares `Origin` with `Host`.
fn guard_reasons(engine: &str) -> [(&'static str, &'static str); 2] {
    let socket = if engine == "chromium" {
        "websocket origin does not match host"
    } else {
        "cross-site websocket handshake"
    };
    [
        ("csrf-cross-site-form", "cross-site request"),
        ("csrf-websocket-cross-site", socket),
    ]
}

/// What the page says of the mode its cases ran in: (sentence that must be
/// shown, one that must not). The other mode's sentence is on the page
/// too, hidden.
fn mode_text(debug: bool) -> (&'static str, &'static str) {
    let on = "Debug mode is on: a preflight refused for its method or a header is answered 200";
    let off = "Debug mode is off: a preflight refused for its method or a header is answered 403";
    if debug {
        (on, off)
    } else {
        (off, on)
    }
}

/// The WebSocket rows (browsers apply no CORS to WebSockets, the guard
/// does) and the status the server answered each handshake: the page's
/// own socket upgraded (`101`), the other site's refused (`403`) before
/// the handler. A row missing from the page fails here, not silently.
const WEBSOCKET_ROWS: &[(&str, &str)] = &[
    ("csrf-websocket-own", "101"),
    ("csrf-websocket-cross-site", "403"),
];

async fn check_rows(client: &Client, engine: &str) -> Result<Vec<Outcome>, String> {
    let (_demo, page) = start()?;
    let origin = page.trim_end_matches('/');
    let mut outcomes = check_run(client, engine, origin, false).await?;
    outcomes.extend(check_run(client, engine, origin, true).await?);
    Ok(outcomes)
}

/// One load of the page, with debug mode on or off: every row as
/// promised, and the server's reasons and statuses as in [`REASONS`].
async fn check_run(
    client: &Client,
    engine: &str,
    origin: &str,
    debug: bool,
) -> Result<Vec<Outcome>, String> {
    let prefix = if debug { "demo-debug" } else { "demo" };
    if debug {
        let url = format!("{origin}/?debug=1");
        within(&format!("opening {url}"), client.goto(&url)).await?;
    } else {
        open_page(client, origin).await?;
    }

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done = within(
            "reading the page",
            client.execute("return document.body.dataset.done === 'true'", vec![]),
        )
        .await?;
        if done == Value::Bool(true) {
            break;
        }
        if Instant::now() > deadline {
            return Err("the demo page did not finish within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let rows = within(
        "reading the rows",
        client.execute(
            r#"return Array.from(document.querySelectorAll("tr[data-case]"), (row) => ({
                   case: row.dataset.case, expected: row.dataset.expected,
                   outcome: row.dataset.outcome, pass: row.dataset.pass,
                   statuses: row.dataset.statuses, refusals: row.dataset.refusals,
                   mismatch: row.querySelector(".mismatch")?.textContent ?? "",
                   refused_steps: row.querySelectorAll("svg.sequence [data-refused]").length,
                   steps: row.querySelectorAll("svg.sequence .step").length,
                   debug: document.body.dataset.debug }))"#,
            vec![],
        ),
    )
    .await?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    // What a reader sees: the mode's sentence (`innerText` leaves out the
    // hidden one, whitespace collapsed), and whether the page is wider
    // than the window.
    let layout = within(
        "reading the layout",
        client.execute(
            r#"const root = document.documentElement;
               return { mode: document.getElementById("debug-mode").innerText.replace(/\s+/g, " "),
                        scroll_width: root.scrollWidth, width: root.clientWidth };"#,
            vec![],
        ),
    )
    .await?;

    // A screenshot shows the last frame painted, and WebKit paints the
    // finished table only on a later frame: wait for two.
    let painted = within(
        "waiting for a paint",
        client.execute_async(
            "requestAnimationFrame(() => requestAnimationFrame(() => arguments[0]()))",
            vec![],
        ),
    )
    .await;
    let screenshot = match painted {
        Ok(_) => within("the screenshot", client.screenshot()).await,
        Err(e) => Err(e),
    };
    match (screenshot, target_dirs().map(|(_, target)| target)) {
        (Ok(png), Ok(target)) => {
            let path = target.join(format!("{prefix}-screenshot-{engine}.png"));
            match std::fs::write(&path, png) {
                Ok(()) => println!("demo screenshot: {}", path.display()),
                Err(e) => println!("demo screenshot not saved to {path:?}: {e}"),
            }
        }
        (Err(e), _) => println!("demo screenshot failed: {e}"),
        (_, Err(e)) => println!("demo screenshot not saved: {e}"),
    }

    let mut outcomes = Vec::new();
    let count: Result<(), String> = if rows.len() >= MIN_ROWS {
        Ok(())
    } else {
        Err(format!("{} rows, expected at least {MIN_ROWS}", rows.len()))
    };
    let name = format!("{prefix}_has_enough_rows");
    report(&name, &count);
    outcomes.push((name, count));
    for &(case, reason, status, debug_status) in REASONS {
        let name = format!("{prefix}_reason:{case}");
        let row = rows.iter().find(|row| row["case"] == case);
        let field = |name: &str| {
            row.and_then(|row| row[name].as_str())
                .unwrap_or("<missing>")
                .to_owned()
        };
        let status = if debug { debug_status } else { status };
        let result = if field("debug") != debug.to_string() {
            Err(format!("the page ran with debug={}", field("debug")))
        } else if field("refusals") != reason {
            Err(format!(
                "cors-refusal {:?}, expected {reason:?}",
                field("refusals")
            ))
        } else if field("statuses") != status {
            Err(format!(
                "statuses {:?}, expected {status:?}",
                field("statuses")
            ))
        } else {
            Ok(())
        };
        report(&name, &result);
        outcomes.push((name, result));
    }
    for (case, reason) in guard_reasons(engine) {
        let name = format!("{prefix}_guard_reason:{case}");
        let row = rows.iter().find(|row| row["case"] == case);
        let result = match row.and_then(|row| row["refusals"].as_str()) {
            None => Err("no such row on the page".to_owned()),
            Some(refusals) if refusals == reason => Ok(()),
            Some(refusals) => Err(format!("refusals {refusals:?}, expected {reason:?}")),
        };
        report(&name, &result);
        outcomes.push((name, result));
    }
    let (shown, hidden) = mode_text(debug);
    let mode = layout["mode"].as_str().unwrap_or("<missing>");
    let result = if !mode.contains(shown) {
        Err(format!("the mode's text is {mode:?}, expected {shown:?}"))
    } else if mode.contains(hidden) {
        Err(format!("the other mode's text is shown too: {mode:?}"))
    } else {
        Ok(())
    };
    let name = format!("{prefix}_mode_text");
    report(&name, &result);
    outcomes.push((name, result));
    let (scroll_width, width) = (&layout["scroll_width"], &layout["width"]);
    let result = match (scroll_width.as_u64(), width.as_u64()) {
        (Some(scroll), Some(width)) if scroll <= width => Ok(()),
        _ => Err(format!(
            "the page is {scroll_width} px wide in a {width} px window: it scrolls sideways"
        )),
    };
    let name = format!("{prefix}_fits_window");
    report(&name, &result);
    outcomes.push((name, result));
    for &(case, status) in WEBSOCKET_ROWS {
        let name = format!("{prefix}_websocket:{case}");
        let row = rows.iter().find(|row| row["case"] == case);
        let result = match row.and_then(|row| row["statuses"].as_str()) {
            None => Err("no such row on the page".to_owned()),
            Some(statuses) if statuses == status => Ok(()),
            Some(statuses) => Err(format!("statuses {statuses:?}, expected {status:?}")),
        };
        report(&name, &result);
        outcomes.push((name, result));
    }
    for row in rows {
        let field = |name: &str| row[name].as_str().unwrap_or("<missing>").to_owned();
        let name = format!("{prefix}:{}", field("case"));
        let (expected, outcome, pass) = (field("expected"), field("outcome"), field("pass"));
        // The exchange's picture marks one refused step in every blocked
        // row, and none in an allowed one.
        let refused_steps = row["refused_steps"].as_u64().unwrap_or(0);
        let steps = row["steps"].as_u64().unwrap_or(0);
        let result = if !matches!(expected.as_str(), "allowed" | "blocked") {
            Err(format!("data-expected={expected:?}"))
        } else if steps == 0 {
            Err("no exchange drawn".to_owned())
        } else if (refused_steps == 1) != (expected == "blocked") || refused_steps > 1 {
            Err(format!(
                "{refused_steps} refused step(s) drawn in a row expected {expected}"
            ))
        } else if outcome != expected || pass != "true" {
            let mismatch = row["mismatch"].as_str().unwrap_or_default();
            Err(format!(
                "expected {expected}, page shows {outcome} with data-pass={pass}; \
                 server record: {mismatch:?}"
            ))
        } else {
            Ok(())
        };
        report(&name, &result);
        outcomes.push((name, result));
    }
    Ok(outcomes)
}

fn report(name: &str, result: &Result<(), String>) {
    match result {
        Ok(()) => println!("ok   {name}"),
        Err(why) => println!("FAIL {name}: {why}"),
    }
}
