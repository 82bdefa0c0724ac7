//! Starting and stopping each browser engine through its WebDriver server:
//! Chromium through chromedriver, Firefox through geckodriver, WebKit
//! (WebKitGTK's MiniBrowser) through WebKitWebDriver on a private Xvfb
//! display, since WebKitGTK has no headless mode.
//!
//! Why fantoccini: it is a maintained WebDriver client (W3C WebDriver, the
//! protocol every browser vendor ships a driver for), async on tokio like
//! the servers under test. WebDriver's "execute async script" is all the
//! suite needs: run a `fetch()` in a page and get its outcome back as JSON.
//! It is built without any TLS feature: the drivers listen on 127.0.0.1 and
//! speak plain HTTP, so the client gets hyper's plain `HttpConnector`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long a fetch script, a page load or a WebDriver call may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The browser window: the demo's screenshot shows its whole table.
const WINDOW: (u32, u32) = (1280, 1600);

/// The engines the suite runs in, in the order it runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The name in `BROWSERS` and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    pub fn from_name(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|engine| engine.name() == name)
    }

    /// The Debian packages (and, for geckodriver, the cargo command) that
    /// provide what [`Tools::find`] looks for.
    pub fn install_hint(self) -> &'static str {
        match self {
            Engine::Chromium => "apt-get install -y chromium chromium-driver",
            Engine::Firefox => {
                "apt-get install -y firefox-esr && cargo install geckodriver --locked"
            }
            Engine::WebKit => "apt-get install -y webkit2gtk-driver xvfb",
        }
    }
}

/// The executables one engine needs.
pub struct Tools {
    pub engine: Engine,
    pub browser: PathBuf,
    pub driver: PathBuf,
    /// The X server WebKitGTK draws into; `None` for the headless engines.
    pub xvfb: Option<PathBuf>,
}

impl Tools {
    /// Finds the engine's browser and driver on `PATH` (plus `/usr/bin` and
    /// `~/.cargo/bin`, where `cargo install geckodriver` puts it), or says
    /// what is missing.
    pub fn find(engine: Engine) -> Result<Tools, String> {
        let on_path = |name: &str| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let cargo_bin =
                std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo/bin"));
            std::env::split_paths(&path)
                .chain([PathBuf::from("/usr/bin")])
                .chain(cargo_bin)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
                .ok_or_else(|| format!("`{name}` is not installed"))
        };
        Ok(match engine {
            Engine::Chromium => Tools {
                engine,
                browser: on_path("chromium")?,
                driver: on_path("chromedriver")?,
                xvfb: None,
            },
            Engine::Firefox => Tools {
                engine,
                browser: on_path("firefox-esr").or_else(|_| on_path("firefox"))?,
                driver: on_path("geckodriver")?,
                xvfb: None,
            },
            Engine::WebKit => Tools {
                engine,
                browser: minibrowser()?,
                driver: on_path("WebKitWebDriver")?,
                xvfb: Some(on_path("Xvfb")?),
            },
        })
    }
}

/// The browser WebKitWebDriver automates: Debian's `libwebkit2gtk-4.1-0`
/// puts MiniBrowser off `PATH`, under the multiarch directory
/// (`/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser` on amd64).
fn minibrowser() -> Result<PathBuf, String> {
    let tail = Path::new("webkit2gtk-4.1/MiniBrowser");
    std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join(tail))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| "/usr/lib/*/webkit2gtk-4.1/MiniBrowser is not installed".to_owned())
}

/// A child process started in its own process group, so that killing the
/// group also kills whatever it launched (a driver's browser), even after a
/// failure.
struct Group {
    child: Child,
}

impl Drop for Group {
    fn drop(&mut self) {
        // The group id is the child's own pid (`process_group(0)`).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Xvfb on the first free display and returns it with the display
/// name. `-displayfd 1` makes Xvfb pick the number and print it on stdout
/// once it accepts clients, so no display number is guessed.
fn start_xvfb(xvfb: &Path, log: File) -> Result<(Group, String), String> {
    let mut child = Command::new(xvfb)
        .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
        .arg(format!("{}x{}x24", WINDOW.0, WINDOW.1))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {xvfb:?}: {e}"))?;
    let stdout = child.stdout.take();
    let group = Group { child };
    let stdout = stdout.ok_or("no stdout from Xvfb")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(15))
        .map_err(|_| "Xvfb printed no display number within 15 s".to_owned())?;
    let number: u32 = line
        .trim()
        .parse()
        .map_err(|_| format!("Xvfb printed {line:?}, not a display number"))?;
    Ok((group, format!(":{number}")))
}

/// One browser session for the whole run of one engine.
pub struct Browser {
    pub engine: Engine,
    pub client: Client,
    // Dropped after `client`, in this order: the driver and its browser,
    // then the X server the browser drew into.
    driver: Group,
    xvfb: Option<Group>,
    scratch: PathBuf,
}

impl Browser {
    /// Starts the engine's driver on a free port (and, for WebKit, Xvfb)
    /// and a browser session with a new empty profile.
    pub async fn start(tools: &Tools) -> Result<Browser, String> {
        let engine = tools.engine;
        let scratch = std::env::temp_dir().join(format!(
            "tower-cors-browser-{}-{}-{}",
            engine.name(),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        let profile = scratch.join("profile");
        std::fs::create_dir_all(&profile).map_err(|e| format!("cannot create {profile:?}: {e}"))?;
        let log_path = scratch.join("driver.log");
        let log = File::create(&log_path).map_err(|e| format!("cannot create log: {e}"))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let fail = |what: String| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let _ = std::fs::remove_dir_all(&scratch);
            format!("{what}\n{} log:\n{log}", tools.driver.display())
        };

        let xvfb = match &tools.xvfb {
            Some(xvfb) => {
                let xvfb_log = log.try_clone().map_err(|e| e.to_string())?;
                Some(start_xvfb(xvfb, xvfb_log).map_err(fail)?)
            }
            None => None,
        };

        let port = free_port()?;
        let mut command = Command::new(&tools.driver);
        match engine {
            Engine::Chromium | Engine::WebKit => command.arg(format!("--port={port}")),
            Engine::Firefox => command.args(["--port", &port.to_string(), "--host", "127.0.0.1"]),
        };
        if let Some((_, display)) = &xvfb {
            command.env("DISPLAY", display);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(|e| fail(format!("cannot start {:?}: {e}", tools.driver)))?;
        let driver = Group { child };

        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if Instant::now() > deadline {
                return Err(fail(format!("the driver did not listen on {port} in 15 s")));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let Value::Object(capabilities) = capabilities(tools, &profile) else {
            unreachable!("capabilities are a JSON object literal")
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{port}");
        let name = engine.name();
        let client =
            match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
                Ok(Ok(client)) => client,
                Ok(Err(e)) => return Err(fail(format!("no {name} session: {e}"))),
                Err(_) => return Err(fail(format!("no {name} session within 60 s"))),
            };
        let timeouts = TimeoutConfiguration::new(Some(STEP_TIMEOUT), Some(STEP_TIMEOUT), None);
        if let Err(e) = client.update_timeouts(timeouts).await {
            return Err(fail(format!("cannot set WebDriver timeouts: {e}")));
        }
        if engine != Engine::Chromium {
            // Chromium takes its size from `--window-size`.
            if let Err(e) = client.set_window_size(WINDOW.0, WINDOW.1).await {
                return Err(fail(format!("cannot size the window: {e}")));
            }
        }
        Ok(Browser {
            engine,
            client,
            driver,
            xvfb: xvfb.map(|(group, _)| group),
            scratch,
        })
    }

    /// The browser's name and version as its driver reports them.
    pub fn version(&self) -> String {
        let capabilities = self.client.capabilities();
        let field = |name: &str| {
            capabilities
                .and_then(|c| c.get(name))
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        format!("{} {}", field("browserName"), field("browserVersion"))
    }

    /// Ends the session (the browser exits), then stops the driver and
    /// Xvfb and removes the profile. Dropping a `Browser` without this
    /// still kills all of them.
    pub async fn stop(self) {
        let Browser {
            client,
            driver,
            xvfb,
            scratch,
            ..
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
        drop(xvfb);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

/// The session each engine is asked for: a fresh profile, no first-run
/// screens, no background traffic, plain HTTP kept as HTTP.
fn capabilities(tools: &Tools, profile: &Path) -> Value {
    match tools.engine {
        Engine::Chromium => json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.browser,
                "args": chromium_args(profile),
            },
        }),
        // geckodriver makes its own temporary profile; these preferences
        // go into it.
        Engine::Firefox => json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": tools.browser,
                "args": ["-headless"],
                "prefs": {
                    // HTTPS-First would try `https://` before each page.
                    "dom.security.https_first": false,
                    "dom.security.https_first_schemeless": false,
                    "app.update.enabled": false,
                    "browser.shell.checkDefaultBrowser": false,
                    "datareporting.policy.dataSubmissionEnabled": false,
                    "network.captive-portal-service.enabled": false,
                    "network.connectivity-service.enabled": false,
                },
            },
        }),
        // `--automation` gives MiniBrowser an ephemeral session with no
        // stored data, the profile equivalent of the other two.
        Engine::WebKit => json!({
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {
                "binary": tools.browser,
                "args": ["--automation"],
            },
        }),
    }
}

/// The flags that work here: root (no sandbox), no GPU, no network but
/// loopback (no background traffic).
fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        format!("--user-data-dir={}", profile.display()),
    ])
    .collect()
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("no free port for the driver: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}
