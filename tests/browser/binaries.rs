//! The binaries the suite runs beside the browsers: the demo and the
//! `cors` command are other members of the workspace, which `cargo test
//! --test browser` does not build, so the suite builds them here (a
//! binary left by an earlier build could be older than its sources).

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// This test's `target/<profile>` directory and `target/` itself, from
/// its own path, `target/<profile>/deps/browser-*`.
pub fn target_dirs() -> Result<(PathBuf, PathBuf), String> {
    let exe = std::env::current_exe().map_err(|e| format!("no current_exe: {e}"))?;
    let mut up = exe.ancestors().skip(2);
    match (up.next(), up.next()) {
        (Some(profile), Some(target)) => Ok((profile.to_owned(), target.to_owned())),
        _ => Err(format!("{exe:?} is not in target/<profile>/deps")),
    }
}

/// Binary `bin` of the workspace member `package`, built (or found up to
/// date: then `cargo build` only checks) with the `cargo` that builds this
/// test, into the same target directory and profile. A failed build is the
/// suite's failure, never a skip.
pub fn workspace_binary(package: &str, bin: &str) -> Result<PathBuf, String> {
    let (profile_dir, target) = target_dirs()?;
    let release = profile_dir.file_name().and_then(|n| n.to_str()) == Some("release");
    let binary = profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "-p", package, "--bin", bin, "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if release {
        build.arg("--release");
    }
    let mut child = build
        .spawn()
        .map_err(|e| format!("cannot run cargo to build `{bin}`: {e}"))?;
    let status = wait_bounded(
        &mut child,
        Duration::from_secs(900),
        &format!("building `{bin}`"),
    )?;
    if status.success() && binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "`cargo build -p {package} --bin {bin}` failed ({status}); {binary:?} missing"
        ))
    }
}

/// Waits for `child` at most `limit`, then kills it: `what` names it in
/// the error.
pub fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> Result<ExitStatus, String> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what} took over {} s", limit.as_secs()));
            }
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    }
}
