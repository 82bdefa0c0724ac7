//! Starting and stopping headless Chromium through chromedriver.
//!
//! Why fantoccini: it is a maintained WebDriver client (W3C WebDriver, the
//! protocol every browser vendor ships a driver for), async on tokio like
//! the servers under test, and already a dev-dependency. WebDriver's
//! "execute async script" is all the suite needs: run a `fetch()` in a page
//! and get its outcome back as JSON. A DevTools-protocol crate would tie the
//! suite to Chromium's internal protocol and pull in a websocket stack for
//! no gain here.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// How long a fetch script, a page load or a WebDriver call may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The Chromium and chromedriver executables.
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Tools {
    /// Finds both on `PATH` (Debian puts them in `/usr/bin`), or says which
    /// is missing.
    pub fn find() -> Result<Tools, String> {
        let find = |name: &str| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path)
                .chain([PathBuf::from("/usr/bin")])
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
                .ok_or_else(|| format!("`{name}` is not installed"))
        };
        Ok(Tools {
            chromium: find("chromium")?,
            chromedriver: find("chromedriver")?,
        })
    }
}

/// chromedriver, started in its own process group so that stopping the
/// group also stops any Chromium it launched, even after a failure.
struct DriverProcess {
    child: Child,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        // The group id is chromedriver's own pid (`process_group(0)`).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One headless Chromium session for the whole run.
pub struct Browser {
    pub client: Client,
    // Dropped after `client`: kills chromedriver and its browser.
    driver: DriverProcess,
    scratch: PathBuf,
}

impl Browser {
    /// Starts chromedriver on a free port and a Chromium session with a new
    /// empty profile that resolves every `*.test` host to 127.0.0.1.
    pub async fn start(tools: &Tools) -> Result<Browser, String> {
        let scratch = std::env::temp_dir().join(format!(
            "tower-cors-browser-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        let profile = scratch.join("profile");
        std::fs::create_dir_all(&profile).map_err(|e| format!("cannot create {profile:?}: {e}"))?;
        let log_path = scratch.join("chromedriver.log");
        let log = File::create(&log_path).map_err(|e| format!("cannot create log: {e}"))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;

        let port = free_port()?;
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {:?}: {e}", tools.chromedriver))?;
        let driver = DriverProcess { child };
        let fail = |what: String| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let _ = std::fs::remove_dir_all(&scratch);
            format!("{what}\nchromedriver log:\n{log}")
        };

        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "chromedriver did not listen on {port} in 15 s"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium,
                "args": chromium_args(&profile),
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let mut builder = ClientBuilder::rustls()
            .map_err(|e| fail(format!("no TLS roots for the client: {e}")))?;
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{port}");
        let client =
            match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
                Ok(Ok(client)) => client,
                Ok(Err(e)) => return Err(fail(format!("no Chromium session: {e}"))),
                Err(_) => return Err(fail("no Chromium session within 60 s".into())),
            };
        let timeouts = TimeoutConfiguration::new(Some(STEP_TIMEOUT), Some(STEP_TIMEOUT), None);
        if let Err(e) = client.update_timeouts(timeouts).await {
            return Err(fail(format!("cannot set WebDriver timeouts: {e}")));
        }
        Ok(Browser {
            client,
            driver,
            scratch,
        })
    }

    /// Ends the session (Chromium exits), then stops chromedriver and removes
    /// the profile. Dropping a `Browser` without this still kills both.
    pub async fn stop(self) {
        let Browser {
            client,
            driver,
            scratch,
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

/// The flags that work here: root (no sandbox), no GPU, no network but
/// loopback (no background traffic), and host names mapped for the suite.
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
        "--window-size=1280,1600",
        // Origins that differ by host, not only by port.
        "--host-resolver-rules=MAP *.test 127.0.0.1",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("no free port for chromedriver: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}
