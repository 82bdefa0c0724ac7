//! Agreement with the `cors` command: every case the engine ran that
//! `cors probe` can model (a CORS-mode `fetch()`, or a WebSocket handshake)
//! is also probed with the real `cors` binary, against the same running
//! server, with the same origin, method, headers, credentials and cookie;
//! the probe's verdict (`--json`: `allowed`, `preflight`, `exposed`, and
//! its exit status) must be what the engine actually did in that run.
//!
//! Where the probe and an engine differ, the pair must be listed in
//! [`DEVIATIONS`], the one table of known engine deviations (shown to users
//! in `cli/README.md`, "Known engine deviations", which this suite checks
//! against it). A disagreement that is not listed fails the suite, and so
//! does a listed one that no longer happens. A case listed for every engine
//! is no deviation but a bug of the probe or of `tower_cors::browser`, and
//! fails too.
//!
//! Out of the probe's model, and so not probed: form posts (navigations)
//! and `no-cors` fetches, whose answers are opaque whatever the server
//! says, so there is no CORS verdict to compare.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::binaries::wait_bounded;
use crate::cases::Outcome;

/// A known engine deviation: in `engine`, the case `case` does not end as
/// `cors probe` judges it, and why.
pub struct Deviation {
    pub case: &'static str,
    pub engine: &'static str,
    pub why: &'static str,
}

/// Every known engine deviation (see the module's docs). Keep
/// `cli/README.md`'s table in step: the suite checks both ways.
pub const DEVIATIONS: &[Deviation] = &[];

/// What the page asked for, as `cors probe`'s flags.
#[derive(Debug, Clone)]
pub struct Probe {
    pub url: String,
    pub origin: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub credentials: bool,
    pub cookie: Option<String>,
}

/// What the engine did: whether the script could read the answer (for a
/// socket: whether it opened), whether the server saw a preflight, and
/// which header names the script could read. `None`: not observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub allowed: bool,
    pub preflight: Option<bool>,
    pub exposed: Option<Vec<String>>,
}

/// One case as the engine ran it, for the comparison.
#[derive(Debug, Clone)]
pub enum Observation {
    /// A case the probe models.
    Probed {
        case: String,
        probe: Probe,
        seen: Seen,
    },
    /// A case outside the probe's model, and why.
    Outside { case: String, why: &'static str },
}

/// The counts behind the suite's summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub compared: usize,
    pub agreed: usize,
    pub known: usize,
    pub disagreed: usize,
    /// Listed deviations that did not happen.
    pub stale: usize,
    /// Probes that could not run (no verdict).
    pub errors: usize,
    pub outside: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.compared += other.compared;
        self.agreed += other.agreed;
        self.known += other.known;
        self.disagreed += other.disagreed;
        self.stale += other.stale;
        self.errors += other.errors;
        self.outside += other.outside;
    }
}

/// The probe's verdict, as `--json` and the exit status give it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    allowed: bool,
    preflight: bool,
    exposed: Vec<String>,
}

/// Probes every observed case with the `cors` binary at `cors`, compares,
/// and returns one outcome per probed case (named `probe:CASE`) and the
/// counts.
pub async fn check(
    cors: &Path,
    engine: &str,
    observations: Vec<Observation>,
) -> (Vec<Outcome>, Tally) {
    let mut tally = Tally::default();
    let mut outcomes = Vec::new();
    for observation in observations {
        let (case, probe, seen) = match observation {
            Observation::Outside { case, why } => {
                println!("--   probe:{case}: not probed, {why}");
                tally.outside += 1;
                continue;
            }
            Observation::Probed { case, probe, seen } => (case, probe, seen),
        };
        let name = format!("probe:{case}");
        let verdict = match run_probe(cors, &probe).await {
            Ok(verdict) => verdict,
            Err(why) => {
                tally.errors += 1;
                println!("FAIL {name}: {why}");
                outcomes.push((name, Err(why)));
                continue;
            }
        };
        tally.compared += 1;
        let differences = differences(&seen, &verdict);
        let listed = DEVIATIONS
            .iter()
            .find(|d| d.case == case && d.engine == engine);
        let result = match (differences.is_empty(), listed) {
            (true, None) => {
                tally.agreed += 1;
                println!("ok   {name}");
                Ok(())
            }
            (false, Some(deviation)) => {
                tally.known += 1;
                println!(
                    "ok   {name}: known engine deviation ({}): {}",
                    deviation.why,
                    differences.join("; ")
                );
                Ok(())
            }
            (false, None) => {
                tally.disagreed += 1;
                Err(format!(
                    "cors probe disagrees with {engine}: {} (fix the probe or \
                     tower_cors::browser, or list a real engine deviation in \
                     agreement::DEVIATIONS and cli/README.md)",
                    differences.join("; ")
                ))
            }
            (true, Some(_)) => {
                tally.stale += 1;
                Err(format!(
                    "listed as a known deviation of {engine}, but the probe and {engine} \
                     now agree: remove it from agreement::DEVIATIONS and cli/README.md"
                ))
            }
        };
        if let Err(why) = &result {
            println!("FAIL {name}: {why}");
        }
        outcomes.push((name, result));
    }
    (outcomes, tally)
}

/// What the engine did and the probe said differently, one phrase each.
fn differences(seen: &Seen, verdict: &Verdict) -> Vec<String> {
    let mut found = Vec::new();
    if seen.allowed != verdict.allowed {
        found.push(format!(
            "allowed: engine {}, probe {}",
            seen.allowed, verdict.allowed
        ));
    }
    if let Some(preflight) = seen.preflight {
        if preflight != verdict.preflight {
            found.push(format!(
                "preflight: engine {preflight}, probe {}",
                verdict.preflight
            ));
        }
    }
    if let Some(exposed) = &seen.exposed {
        // Only a readable answer has readable headers.
        if seen.allowed && verdict.allowed && *exposed != verdict.exposed {
            found.push(format!(
                "readable headers: engine {exposed:?}, probe {:?}",
                verdict.exposed
            ));
        }
    }
    found
}

/// Runs `cors probe ... --json` and reads its verdict; `Err` when it could
/// not probe (exit 2), printed something else than its one object, or
/// exited with a status that contradicts its own `allowed`.
async fn run_probe(cors: &Path, probe: &Probe) -> Result<Verdict, String> {
    let mut command = Command::new(cors);
    command
        .args(["probe", &probe.url, "--origin", &probe.origin])
        .args(["--method", &probe.method, "--timeout", "10", "--json"]);
    for (name, value) in &probe.headers {
        command.arg("--header").arg(format!("{name}:{value}"));
    }
    if probe.credentials {
        command.arg("--credentials");
    }
    if let Some(cookie) = &probe.cookie {
        command.args(["--cookie", cookie]);
    }
    let shown = format!("{command:?}");
    let output = tokio::task::spawn_blocking(move || run_bounded(command))
        .await
        .map_err(|e| format!("{shown}: {e}"))?
        .map_err(|e| format!("{shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.0);
    let json: Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("{shown}: not one JSON object ({e}): {stdout}"))?;
    let allowed = json["allowed"]
        .as_bool()
        .ok_or_else(|| format!("{shown}: no verdict (exit {:?}): {stdout}", output.1))?;
    let expected_exit = if allowed { 0 } else { 1 };
    if output.1 != Some(expected_exit) {
        return Err(format!(
            "{shown}: exit status {:?} with \"allowed\": {allowed}",
            output.1
        ));
    }
    let preflight = json["preflight"]
        .as_bool()
        .ok_or_else(|| format!("{shown}: no \"preflight\": {stdout}"))?;
    let mut exposed: Vec<String> = json["exposed"]
        .as_array()
        .ok_or_else(|| format!("{shown}: no \"exposed\": {stdout}"))?
        .iter()
        .map(|name| name.as_str().unwrap_or("<not a string>").to_owned())
        .collect();
    exposed.sort_unstable();
    exposed.dedup();
    Ok(Verdict {
        allowed,
        preflight,
        exposed,
    })
}

/// Runs `command` for at most a minute: its stdout and exit code.
fn run_bounded(mut command: Command) -> Result<(Vec<u8>, Option<i32>), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run: {e}"))?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(out, &mut buf);
        }
        buf
    });
    let status = wait_bounded(&mut child, Duration::from_secs(60), "the probe")?;
    let out = reader.join().map_err(|_| "reading stdout failed")?;
    Ok((out, status.code()))
}

/// The deviations table in `cli/README.md` ("Known engine deviations")
/// lists exactly [`DEVIATIONS`], and no case is listed for every engine
/// (a probe that disagrees with all three is wrong, not the engines).
pub fn check_table(engines: &[&str]) -> Result<(), String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/cli/README.md"))
        .map_err(|e| format!("cli/README.md: {e}"))?;
    let rows = readme_rows(&readme)?;
    let mut problems = Vec::new();
    for deviation in DEVIATIONS {
        if !rows
            .iter()
            .any(|(case, engine)| case == deviation.case && engine == deviation.engine)
        {
            problems.push(format!(
                "{} in {} is missing from cli/README.md's table",
                deviation.case, deviation.engine
            ));
        }
        if engines.iter().all(|e| {
            DEVIATIONS
                .iter()
                .any(|d| d.case == deviation.case && d.engine == *e)
        }) {
            problems.push(format!(
                "{} is listed for every engine: that is a bug of the probe, not a deviation",
                deviation.case
            ));
        }
    }
    for (case, engine) in &rows {
        if !DEVIATIONS
            .iter()
            .any(|d| d.case == case && d.engine == engine)
        {
            problems.push(format!(
                "cli/README.md lists {case} in {engine}, which agreement::DEVIATIONS does not"
            ));
        }
    }
    problems.sort();
    problems.dedup();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("; ")),
    }
}

/// The `(case, engine)` of each row of the table under "## Known engine
/// deviations": rows `| `case` | engine | ... |`, after the header row.
fn readme_rows(readme: &str) -> Result<Vec<(String, String)>, String> {
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Known engine deviations"))
        .ok_or("cli/README.md has no \"## Known engine deviations\" section")?;
    Ok(section
        .lines()
        .filter(|line| line.starts_with('|'))
        .skip(2) // the header and the `|---|` line
        .filter_map(|line| {
            let mut cells = line.split('|').skip(1).map(|c| c.trim().trim_matches('`'));
            Some((cells.next()?.to_owned(), cells.next()?.to_owned()))
        })
        .collect())
}
