//! The `cors` command end to end: the built binary, run against servers
//! on 127.0.0.1 that the tests start (this crate's layer, tower-http's,
//! deliberately broken CORS, a WebSocket endpoint, HTTPS with a local
//! CA), and on configuration files written by the tests.

mod check;
mod explain;
mod probe;
mod servers;
mod tls;

use std::path::PathBuf;
use std::process::Command;

/// Runs `cors` with `args`: its exit code and what it printed.
pub fn cors(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cors"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the cors binary runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code().expect("an exit code"),
        format!("{stdout}{stderr}"),
    )
}

/// `cors ... --json`, parsed.
pub fn cors_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out) = cors(&all);
    let json = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    (code, json)
}

/// A file holding `text` in a directory of this test process. Tests run in
/// parallel and several write the same file: each writes its own copy and
/// renames it into place, so no test ever reads a file half written.
pub fn write_file(name: &str, text: &str) -> PathBuf {
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("cors-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = dir.join(format!(".{name}.{n}.partial"));
    std::fs::write(&partial, text).expect("write");
    std::fs::rename(&partial, &path).expect("rename into place");
    path
}
