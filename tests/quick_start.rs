//! The README's Quick start is complete: its code builds in a fresh crate
//! whose dependencies are exactly the lines the Quick start shows, with
//! this crate's own line pointed at this checkout while it is unpublished.
//! (The doc tests compile the same code, but with every dev-dependency of
//! this crate at hand, so a missing line would go unnoticed there.)
//!
//! The fresh crate lives in `target/quick-start` and reuses this
//! workspace's `Cargo.lock`, so a run after the first only checks.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const README: &str = include_str!("../README.md");

/// The text of the README's section under `heading`, up to the next `## `.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("the README has no {heading:?}"));
    let rest = &markdown[start + heading.len() + 2..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}

/// The fenced code blocks of `text` whose info string starts with `lang`.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.starts_with(lang) => current = Some(String::new()),
            (Some(block), Some("")) => {
                found.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    found
}

/// The Quick start's `[dependencies]`, this crate's line replaced by a
/// path to this checkout. Panics unless exactly one line names this crate.
fn dependencies(toml: &str) -> String {
    let ours: Vec<&str> = toml
        .lines()
        .filter(|line| line.starts_with("tower-cors"))
        .collect();
    assert_eq!(ours.len(), 1, "one tower-cors line in {toml}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"));
    toml.lines()
        .map(|line| {
            if line.starts_with("tower-cors") {
                format!("tower-cors = {{ path = {:?} }}", path.display().to_string())
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

#[test]
fn the_quick_start_builds_with_exactly_its_dependency_lines() {
    let quick_start = section(README, "## Quick start");
    let tomls = blocks(quick_start, "toml");
    let code = blocks(quick_start, "rust");
    assert_eq!(tomls.len(), 1, "one dependency block");
    assert!(!code.is_empty(), "a program");
    let manifest = format!(
        "[package]\nname = \"quick-start\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         # Its own workspace, not a member of this one.\n[workspace]\n\n{}\n",
        dependencies(&tomls[0])
    );
    assert!(manifest.contains("[dependencies]"), "{manifest}");

    let dir = target_dir().join("quick-start");
    std::fs::create_dir_all(dir.join("src")).expect("create the fresh crate");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), &code[0]).expect("write main.rs");
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(lock, dir.join("Cargo.lock")).expect("copy Cargo.lock");
    }

    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.join("target"))
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "the Quick start does not build with its own dependency lines:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The helpers read what the README shows: the section's blocks by
/// language, and this crate's line pointed at the checkout, the others
/// kept as written.
#[test]
fn the_blocks_are_read_and_only_our_line_is_rewritten() {
    let toml = "[dependencies]\ntower-cors = \"0.2\"\naxum = \"0.8\"\n";
    let deps = dependencies(toml);
    assert!(deps.contains("tower-cors = { path = "), "{deps}");
    assert!(!deps.contains("tokio"), "{deps}");
    let sections = section(
        "# x\n\n## Quick start\ntext\n```toml\na = 1\n```\n## Next\n",
        "## Quick start",
    );
    assert_eq!(blocks(sections, "toml"), vec!["a = 1\n".to_owned()]);
}
