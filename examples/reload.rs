//! Changing the allowed origins without a restart: an API whose CORS policy
//! comes from a TOML file, replaced whenever a valid edit of the file is
//! saved.
//!
//! ```text
//! cargo run --example reload --features serde -- cors.toml
//! ```
//!
//! `cors.toml` holds a `PolicyConfig` (created with an example if missing):
//!
//! ```toml
//! allow_origins = ["https://app.example.com", "https://*.example.org"]
//! allow_methods = ["GET", "PUT"]
//! allow_credentials = true
//! max_age = 600
//! ```
//!
//! How the file is watched: it is read again every second, and tried
//! whenever its bytes differ from the last ones read. That works the same on
//! every platform, needs no dependency and no signal to remember (SIGHUP is
//! Unix only, and easy to forget after an edit), survives editors that save
//! by renaming a new file over the old one (which ends an inotify watch on
//! the old file), and does not depend on the file system's modification
//! time resolution, which can hide two edits within a second. The cost is
//! one read of a small file a second.
//!
//! A valid edit replaces the policy; requests already in flight finish with
//! the one they started with. An invalid edit (a TOML error, an unknown key,
//! or a configuration the builder refuses) is logged with every problem,
//! and the old policy stays.
//!
//! The file allows credentials, so a `CsrfLayer` following the same handle
//! sits beside the `CorsLayer`: another site's forged form post carries the
//! user's cookies and no preflight asks first.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::{routing::get, Router};
use tower_cors::csrf::CsrfLayer;
use tower_cors::policy::PolicyConfig;
use tower_cors::{ConfigError, CorsLayer, Policy, PolicyHandle};

/// Why the file's contents could not become the policy.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Read(io::Error),
    /// Not TOML, or not a `PolicyConfig` (an unknown key, a wrong type).
    Parse(toml::de::Error),
    /// A configuration the builder refuses, with every problem.
    Invalid(ConfigError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read(err) => write!(f, "cannot read the file: {err}"),
            LoadError::Parse(err) => write!(f, "not a CORS configuration: {err}"),
            // One line per problem, values quoted: a file cannot forge a
            // log line with an origin holding a newline.
            LoadError::Invalid(err) => write!(f, "{err}"),
        }
    }
}

impl Error for LoadError {}

/// A policy from the text of a configuration file.
pub fn parse(text: &str) -> Result<Policy, LoadError> {
    let config: PolicyConfig = toml::from_str(text).map_err(LoadError::Parse)?;
    config.build().map_err(LoadError::Invalid)
}

/// What one look at the file did.
#[derive(Debug)]
pub enum Outcome {
    /// The bytes are those last read: nothing to do.
    Unchanged,
    /// A valid edit: the new policy was applied.
    Applied,
    /// An invalid edit, or an unreadable file: the old policy stays.
    Rejected(LoadError),
}

/// Watches one configuration file: the reload logic, apart from any server.
#[derive(Debug)]
pub struct Reloader {
    path: PathBuf,
    /// The bytes last read, valid or not: an invalid edit is reported once,
    /// not every second until it is fixed.
    last: Option<Vec<u8>>,
}

impl Reloader {
    /// A reloader of the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            last: None,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file and builds its policy, whatever was read before.
    pub fn load(&mut self) -> Result<Policy, LoadError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => self.try_bytes(bytes),
            Err(err) => {
                // Whatever comes back next is tried, even the same bytes.
                self.last = None;
                Err(LoadError::Read(err))
            }
        }
    }

    /// Looks at the file once: when its bytes changed and make a valid
    /// policy, gives that policy to `apply`; when they make an invalid one,
    /// says why and applies nothing. A file that stays unreadable is
    /// reported once, when it becomes so.
    pub fn check(&mut self, apply: impl Fn(Policy)) -> Outcome {
        let result = match std::fs::read(&self.path) {
            Ok(bytes) if self.last.as_deref() == Some(&bytes[..]) => return Outcome::Unchanged,
            Ok(bytes) => self.try_bytes(bytes),
            Err(_) if self.last.is_none() => return Outcome::Unchanged,
            Err(err) => {
                self.last = None;
                Err(LoadError::Read(err))
            }
        };
        match result {
            Ok(policy) => {
                apply(policy);
                Outcome::Applied
            }
            Err(err) => Outcome::Rejected(err),
        }
    }

    fn try_bytes(&mut self, bytes: Vec<u8>) -> Result<Policy, LoadError> {
        let policy = match std::str::from_utf8(&bytes) {
            Ok(text) => parse(text),
            Err(err) => Err(LoadError::Read(io::Error::new(
                io::ErrorKind::InvalidData,
                err,
            ))),
        };
        self.last = Some(bytes);
        policy
    }
}

/// Looks at the file every second, for ever, logging what each change did.
fn watch(mut reloader: Reloader, apply: impl Fn(Policy)) {
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let path = reloader.path().display().to_string();
        match reloader.check(&apply) {
            Outcome::Unchanged => {}
            Outcome::Applied => eprintln!("{path}: new CORS policy applied"),
            Outcome::Rejected(err) => {
                eprintln!("{path}: edit ignored, the previous CORS policy stays: {err}")
            }
        }
    }
}

/// The configuration written when the file does not exist yet.
pub const EXAMPLE_FILE: &str = r#"# CORS policy of the example API: edit and save, no restart needed.
allow_origins = ["https://app.example.com", "http://localhost:5173"]
allow_methods = ["GET", "PUT"]
allow_headers = ["content-type"]
allow_credentials = true
max_age = 600
"#;

/// The API behind both guards, and the handle that replaces their policy.
pub fn app(policy: Policy) -> (Router, PolicyHandle) {
    // Every clone of the layers, and every service they make, reads the
    // policy through the handle: a replacement reaches them all at once.
    let (layer, handle) = CorsLayer::reloadable(policy);
    let app = Router::new()
        .route("/api/items", get(|| async { r#"["one","two"]"# }))
        // Cross-origin form posts are simple requests: no preflight protects them.
        .layer(CsrfLayer::from_handle(&handle))
        .layer(layer);
    (app, handle)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cors.toml".into());
    if !Path::new(&path).exists() {
        std::fs::write(&path, EXAMPLE_FILE)?;
        eprintln!("wrote an example configuration to {path}");
    }
    let mut reloader = Reloader::new(&path);
    // The first configuration must be valid: there is no old one to keep.
    let policy = reloader.load().map_err(|err| format!("{path}: {err}"))?;

    let (app, handle) = app(policy);
    let apply = move |policy: Policy| handle.replace(policy);

    std::thread::spawn(move || watch(reloader, apply));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    eprintln!(
        "serving http://{}/api/items, policy from {path}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
