//! The page's request from the command line's flags.

use tower_cors::browser::{Credentials, PageError, PageRequest};

use crate::args::PageArgs;

/// The [`PageRequest`] that `--origin`, `--method`, `--header` and
/// `--credentials` describe, for a fetch of `url`. Each `--header` is
/// `NAME:VALUE`, or `NAME` for an empty value; the value is trimmed as
/// browsers trim it.
///
/// ```
/// use tower_cors_cli::{args::PageArgs, page_request};
///
/// let args = PageArgs {
///     origin: "https://app.example.com".into(),
///     method: "put".into(),
///     headers: vec!["Content-Type: application/json".into()],
///     credentials: true,
/// };
/// let page = page_request(&args, "https://api.example.com/items")?;
/// assert_eq!(page.method(), "PUT");
/// assert!(page.needs_preflight());
/// # Ok::<(), tower_cors::browser::PageError>(())
/// ```
pub fn page_request(args: &PageArgs, url: &str) -> Result<PageRequest, PageError> {
    let mut page = PageRequest::new(&args.origin, url)?.with_method(&args.method)?;
    for header in &args.headers {
        let (name, value) = header.split_once(':').unwrap_or((header, ""));
        page = page.with_header(name.trim(), value)?;
    }
    let credentials = match args.credentials {
        true => Credentials::Include,
        false => Credentials::SameOrigin,
    };
    Ok(page.with_credentials(credentials))
}
