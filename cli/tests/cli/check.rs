use crate::{cors, write_file};

#[test]
fn a_good_file_passes_in_toml_and_json() {
    let toml = write_file(
        "good.toml",
        "allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\nallow_credentials = true\n",
    );
    let (code, out) = cors(&["check", toml.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok (0 warnings)"), "{out}");
    assert!(!out.contains("\x1b["), "no colours off a terminal: {out}");

    let json = write_file(
        "good.json",
        r#"{"allow_origins": ["https://app.example.com"], "max_age": 600}"#,
    );
    let (code, out) = cors(&["check", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn every_problem_is_printed_and_exits_1() {
    let file = write_file(
        "bad.toml",
        r#"
allow_origins = ["https://app.example.com/", "*", "null"]
allow_methods = ["TRACE", "delete"]
allow_credentials = true
max_age = 604800
"#,
    );
    let (code, out) = cors(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    // The library's own list, one line each.
    let mut config = tower_cors::policy::PolicyConfig::default();
    config.allow_origins = vec!["https://app.example.com/".into(), "*".into(), "null".into()];
    config.allow_methods = vec!["TRACE".into(), "delete".into()];
    config.allow_credentials = true;
    config.max_age = Some(604_800);
    let err = config.build().unwrap_err();
    assert!(err.problems().len() >= 5, "{err}");
    for problem in err.problems() {
        assert!(
            out.contains(&format!("error: {problem}")),
            "missing {problem}: {out}"
        );
    }
    assert!(
        out.contains(&format!("{} problems", err.problems().len())),
        "{out}"
    );
}

#[test]
fn every_problem_of_an_origin_is_printed_with_the_origin_meant() {
    let file = write_file(
        "fixable.toml",
        "allow_origins = [\"https://App.Example.com:443/\"]\n",
    );
    let (code, out) = cors(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "error: origin \"https://App.Example.com:443/\" can never match a browser's Origin \
             header: it ends with a slash, which browsers never send; it names the scheme's \
             default port, which browsers omit; it has uppercase letters, which browsers never \
             send in a scheme or host; write \"https://app.example.com\"\n"
        ),
        "{out}"
    );
    assert!(out.contains("1 problem, 0 warnings"), "{out}");
}

#[test]
fn warnings_alone_exit_0() {
    let file = write_file(
        "warnings.toml",
        r#"
allow_origins = ["https://app.example.com"]
allow_methods = ["DELTE", "PUT"]
allow_headers = ["X-Custom", "x-custom"]
expose_headers = ["Content-Length", "x-total"]
allow_private_network = true
"#,
    );
    let (code, out) = cors(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "warning: method \"DELTE\" is not a standard method: did you mean \"DELETE\"?"
        ),
        "{out}"
    );
    assert!(out.contains("(\"X-Custom\", \"x-custom\")"), "{out}");
    assert!(
        out.contains("exposed header \"Content-Length\" is CORS-safelisted"),
        "{out}"
    );
    assert!(!out.contains("\"x-total\" is CORS-safelisted"), "{out}");
    assert!(out.contains("Private Network Access"), "{out}");
    assert!(out.contains("ok (4 warnings)"), "{out}");
}

#[test]
fn unknown_keys_and_syntax_errors_are_problems() {
    let typo = write_file(
        "typo.toml",
        "allow_origin = [\"https://app.example.com\"]\n",
    );
    let (code, out) = cors(&["check", typo.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("unknown field `allow_origin`"), "{out}");

    let broken = write_file("broken.json", "{\"allow_origins\": [");
    let (code, out) = cors(&["check", broken.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn unreadable_files_and_unknown_extensions_are_usage_errors() {
    let (code, out) = cors(&["check", "/no/such/dir/cors.toml"]);
    assert_eq!(code, 2, "{out}");
    let yaml = write_file("cors.yaml", "allow_origins: []\n");
    let (code, out) = cors(&["check", yaml.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(".toml or .json"), "{out}");
    let (code, _) = cors(&["check"]);
    assert_eq!(code, 2, "a missing argument is a usage error");
}

#[test]
fn help_has_examples() {
    let (code, out) = cors(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Examples:") && out.contains("cors probe"),
        "{out}"
    );
    let (code, out) = cors(&["probe", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--origin",
        "--method",
        "--header",
        "--credentials",
        "--timeout",
        "--json",
        "--cookie",
        "--cacert",
        "--preflight-only",
    ] {
        assert!(out.contains(flag), "{flag}: {out}");
    }
}
