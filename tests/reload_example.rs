//! The reload logic of `examples/reload.rs`, on a real file: a valid edit
//! is applied, an invalid one is reported with every problem and applies
//! nothing, so the old policy stays.

#[allow(dead_code)]
#[path = "../examples/reload.rs"]
mod reload;

use std::cell::RefCell;
use std::path::PathBuf;

use http::Request;
use reload::{LoadError, Outcome, Reloader};
use tower_cors::Policy;

/// A file of this test's own, removed at the end.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "tower-cors-reload-{}-{name}.toml",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.0, text).unwrap();
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn allows(policy: &Policy, origin: &str) -> bool {
    let request = Request::get("/").header("origin", origin).body(()).unwrap();
    policy.evaluate(&request).is_allowed()
}

/// Stands for the layer: the policy `apply` last installed.
struct Applied(RefCell<Vec<Policy>>);

impl Applied {
    fn new() -> Self {
        Applied(RefCell::new(Vec::new()))
    }
    fn apply(&self) -> impl Fn(Policy) + '_ {
        |policy| self.0.borrow_mut().push(policy)
    }
    fn count(&self) -> usize {
        self.0.borrow().len()
    }
    fn last(&self) -> Policy {
        self.0
            .borrow()
            .last()
            .cloned()
            .expect("a policy was applied")
    }
}

#[test]
fn a_valid_edit_replaces_the_policy() {
    let file = TempFile::new("valid", r#"allow_origins = ["https://a.example"]"#);
    let mut reloader = Reloader::new(&file.0);
    let first = reloader.load().unwrap();
    assert!(allows(&first, "https://a.example"));

    let applied = Applied::new();
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Unchanged
    ));
    assert_eq!(applied.count(), 0);

    file.write(r#"allow_origins = ["https://b.example"]"#);
    assert!(matches!(reloader.check(applied.apply()), Outcome::Applied));
    assert_eq!(applied.count(), 1);
    let now = applied.last();
    assert!(allows(&now, "https://b.example"));
    assert!(!allows(&now, "https://a.example"));

    // Read once per change, not once per look.
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Unchanged
    ));
    assert_eq!(applied.count(), 1);
}

#[test]
fn an_invalid_edit_is_reported_with_every_problem_and_applies_nothing() {
    let file = TempFile::new("invalid", r#"allow_origins = ["https://a.example"]"#);
    let mut reloader = Reloader::new(&file.0);
    reloader.load().unwrap();
    let applied = Applied::new();

    file.write(
        r#"
        allow_origins = ["https://a.example/", "https://ok.example"]
        allow_methods = ["TRACE"]
        max_age = 100000
        "#,
    );
    let Outcome::Rejected(LoadError::Invalid(err)) = reloader.check(applied.apply()) else {
        panic!("the edit should be refused by the builder");
    };
    assert_eq!(err.problems().len(), 3, "{err}");
    let message = LoadError::Invalid(err).to_string();
    for part in ["\"https://a.example/\"", "\"TRACE\"", "100000"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    assert_eq!(applied.count(), 0, "nothing replaces the old policy");

    // Reported once, not every second until fixed.
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Unchanged
    ));

    // A key the configuration does not have is refused too.
    file.write("allow_origin = [\"https://b.example\"]\n");
    let Outcome::Rejected(LoadError::Parse(err)) = reloader.check(applied.apply()) else {
        panic!("an unknown key should be refused");
    };
    assert!(err.to_string().contains("allow_origin"), "{err}");
    assert_eq!(applied.count(), 0);

    // Once fixed, the edit applies.
    file.write(r#"allow_origins = ["https://b.example"]"#);
    assert!(matches!(reloader.check(applied.apply()), Outcome::Applied));
    assert!(allows(&applied.last(), "https://b.example"));
}

#[test]
fn a_missing_file_keeps_the_policy_until_it_is_back() {
    let file = TempFile::new("missing", r#"allow_origins = ["https://a.example"]"#);
    let mut reloader = Reloader::new(&file.0);
    reloader.load().unwrap();
    let applied = Applied::new();

    std::fs::remove_file(&file.0).unwrap();
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Rejected(LoadError::Read(_))
    ));
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Unchanged
    ));
    assert_eq!(applied.count(), 0);

    // Back, even with the same bytes: tried again.
    file.write(r#"allow_origins = ["https://a.example"]"#);
    assert!(matches!(reloader.check(applied.apply()), Outcome::Applied));
    assert!(allows(&applied.last(), "https://a.example"));
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    let file = TempFile::new("binary", r#"allow_origins = ["https://a.example"]"#);
    let mut reloader = Reloader::new(&file.0);
    reloader.load().unwrap();
    std::fs::write(&file.0, b"allow_origins = [\"https://\xff.example\"]").unwrap();
    let applied = Applied::new();
    assert!(matches!(
        reloader.check(applied.apply()),
        Outcome::Rejected(LoadError::Read(_))
    ));
    assert_eq!(applied.count(), 0);
}

/// The example's app: the CSRF guard follows the same handle as the CORS
/// layer, so a forged form post is refused until a reload trusts its
/// origin.
#[tokio::test]
async fn the_guard_follows_the_reloaded_policy() {
    use axum::body::Body;
    use tower::ServiceExt;

    let forged = || {
        Request::post("/api/items")
            .header("host", "127.0.0.1:3000")
            .header("origin", "https://new.example.com")
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("amount=1000"))
            .unwrap()
    };
    let (app, handle) = reload::app(reload::parse(reload::EXAMPLE_FILE).unwrap());
    let response = app.clone().oneshot(forged()).await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["csrf-refusal"], "cross-site request");

    handle.replace(
        reload::parse(
            &reload::EXAMPLE_FILE.replace("https://app.example.com", "https://new.example.com"),
        )
        .unwrap(),
    );
    let response = app.oneshot(forged()).await.unwrap();
    assert!(response.headers().get("csrf-refusal").is_none());
    // Past the guard, the router has no POST route.
    assert_eq!(response.status(), 405);
}
