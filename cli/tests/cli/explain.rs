use crate::{cors, write_file};

fn policy_file() -> std::path::PathBuf {
    write_file(
        "explain.toml",
        r#"
allow_origins = ["https://app.example.com"]
allow_methods = ["PUT"]
allow_headers = ["content-type"]
expose_headers = ["x-total"]
allow_credentials = true
"#,
    )
}

#[test]
fn an_allowed_preflighted_request_end_to_end() {
    let file = policy_file();
    let (code, out) = cors(&[
        "explain",
        file.to_str().unwrap(),
        "--origin",
        "https://app.example.com",
        "--method",
        "put",
        "--header",
        "content-type: application/json",
        "--credentials",
    ]);
    assert_eq!(code, 0, "{out}");
    // The preflight, with the layer's account, then the request itself.
    assert!(out.contains("> preflight: OPTIONS /"), "{out}");
    assert!(
        out.contains(">   access-control-request-method: PUT"),
        "{out}"
    );
    assert!(out.contains("  | method PUT: allowed, listed"), "{out}");
    assert!(
        out.contains("<   access-control-allow-credentials: true"),
        "{out}"
    );
    assert!(out.contains("> request: PUT /"), "{out}");
    assert!(
        out.contains(
            "allowed: the page can read the response; headers its script can read: content-type"
        ),
        "{out}"
    );
}

#[test]
fn a_refused_header_is_told_in_the_browsers_words_with_the_fix() {
    // Without debug mode the layer's refusal carries no CORS header, so the
    // browser can only say that; the layer's reason is in the transcript.
    let file = policy_file();
    let args = |file: &std::path::Path| {
        cors(&[
            "explain",
            file.to_str().unwrap(),
            "--origin",
            "https://app.example.com",
            "--method",
            "PUT",
            "--header",
            "x-debug:1",
        ])
    };
    let (code, out) = args(&file);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("  | header x-debug: refused, not in the allowed headers (content-type)"),
        "{out}"
    );
    assert!(
        out.contains("<   cors-refusal: header \"x-debug\" not allowed"),
        "{out}"
    );
    assert!(
        out.contains("blocked: Access to fetch at '/' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."),
        "{out}"
    );
    assert!(
        out.contains("fix: the server's CORS policy refused it (header \"x-debug\" not allowed)"),
        "{out}"
    );
    assert!(
        !out.contains("> request:"),
        "the request itself is never sent: {out}"
    );

    // In debug mode the layer answers so that the browser names the header.
    let debug = write_file(
        "explain-debug.toml",
        "allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\nallow_headers = [\"content-type\"]\ndebug = true\n",
    );
    let (code, out) = args(&debug);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("blocked: Access to fetch at '/' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response."),
        "{out}"
    );
    assert!(out.contains("fix: add 'x-debug' to allow_headers"), "{out}");
}

#[test]
fn a_refused_origin_on_a_simple_request() {
    let file = policy_file();
    let (code, out) = cors(&[
        "explain",
        file.to_str().unwrap(),
        "--origin",
        "https://evil.example",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("No 'Access-Control-Allow-Origin' header is present"),
        "{out}"
    );
    assert!(!out.contains("> preflight"), "{out}");
}

#[test]
fn an_invalid_policy_or_request_is_a_usage_error() {
    let bad = write_file(
        "explain-bad.toml",
        "allow_origins = [\"https://a.example/\"]\n",
    );
    let (code, out) = cors(&[
        "explain",
        bad.to_str().unwrap(),
        "--origin",
        "https://a.example",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ends with a slash"), "{out}");
    let file = policy_file();
    let (code, out) = cors(&[
        "explain",
        file.to_str().unwrap(),
        "--origin",
        "https://App.example.com",
    ]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = cors(&[
        "explain",
        file.to_str().unwrap(),
        "--origin",
        "https://app.example.com",
        "--method",
        "TRACE",
    ]);
    assert_eq!(code, 2, "{out}");
}
