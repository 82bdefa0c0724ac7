//! Configuration as data: [`PolicyConfig`], which a file or the environment
//! can hold (with the `serde` feature), and which [`Policy::config`] gives
//! back.
//!
//! A `PolicyConfig` is only data: nothing is checked until
//! [`build`](PolicyConfig::build), which goes through the
//! [`PolicyBuilder`], so a file is refused for exactly the reasons code
//! would be, with every problem listed. The request path only ever sees
//! the validated [`Policy`].

use std::fmt;
use std::time::Duration;

use super::error::ConfigError;
use super::{Policy, PolicyBuilder};

/// A CORS configuration as plain data, keyed by the builder's method names.
///
/// | key | type | builder |
/// |---|---|---|
/// | `allow_origins` | list of strings, `"*"` = any | [`allow_origins`](PolicyBuilder::allow_origins) |
/// | `allow_methods` | list of strings, `"*"` = any | [`allow_methods`](PolicyBuilder::allow_methods) |
/// | `allow_headers` | list of strings, `"*"` = any but `authorization` | [`allow_headers`](PolicyBuilder::allow_headers) |
/// | `expose_headers` | list of strings, `"*"` = any | [`expose_headers`](PolicyBuilder::expose_headers) |
/// | `allow_credentials` | bool | [`allow_credentials`](PolicyBuilder::allow_credentials) |
/// | `max_age` | whole seconds | [`max_age`](PolicyBuilder::max_age) |
/// | `allow_private_network` | bool | [`allow_private_network`](PolicyBuilder::allow_private_network) |
/// | `allow_null_origin_dangerously` | bool | [`allow_null_origin_dangerously`](PolicyBuilder::allow_null_origin_dangerously) |
/// | `allow_insecure_origins_dangerously` | bool | [`allow_insecure_origins_dangerously`](PolicyBuilder::allow_insecure_origins_dangerously) |
/// | `allow_public_suffix_subdomains_dangerously` | bool | [`allow_public_suffix_subdomains_dangerously`](PolicyBuilder::allow_public_suffix_subdomains_dangerously) |
/// | `debug` | bool | [`debug`](PolicyBuilder::debug) |
///
/// Every key is optional (empty lists, `false`, no `max_age`). With the
/// `serde` feature it is `Serialize` and `Deserialize`, and an unknown key
/// is an error rather than silently ignored: `allow_origin = [...]` (a
/// typo) must not leave a policy that allows nothing, or less than meant.
///
/// A function cannot be written in a file: origins decided by
/// [`allow_origin_fn`](PolicyBuilder::allow_origin_fn) or
/// [`allow_origin_request_fn`](PolicyBuilder::allow_origin_request_fn) have
/// no key. Add them in code with [`into_builder`](Self::into_builder).
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use tower_cors::policy::PolicyConfig;
///
/// let config: PolicyConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com", "https://*.example.org"]
///     allow_methods = ["GET", "PUT"]
///     allow_credentials = true
///     max_age = 600
/// "#)?;
/// let policy = config.build()?;
///
/// let typo = toml::from_str::<PolicyConfig>(r#"allow_origin = ["https://app.example.com"]"#);
/// assert!(typo.unwrap_err().to_string().contains("unknown field `allow_origin`"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Without the feature it is still how a policy's configuration is read
/// back ([`Policy::config`]) and can be written in code:
///
/// ```
/// use tower_cors::policy::PolicyConfig;
///
/// let mut config = PolicyConfig::default();
/// config.allow_origins = vec!["https://app.example.com".into()];
/// config.max_age = Some(600);
/// let policy = config.build()?;
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct PolicyConfig {
    /// Allowed origins and `scheme://*.domain[:port]` patterns; `"*"`
    /// allows any origin.
    pub allow_origins: Vec<String>,
    /// Methods a preflight may ask for, byte-exact; `"*"` allows any.
    pub allow_methods: Vec<String>,
    /// Request headers a preflight may ask for, any case; `"*"` allows any
    /// but `authorization`.
    pub allow_headers: Vec<String>,
    /// Response headers scripts may read; `"*"` exposes all.
    pub expose_headers: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// `Access-Control-Max-Age`, in seconds (at most 86400).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<u64>,
    /// Answer Chrome's Private Network Access preflights.
    pub allow_private_network: bool,
    /// Allow the origin `null`: every sandboxed page's, attackers' included.
    pub allow_null_origin_dangerously: bool,
    /// Allow plain `http://` origins other than loopback with credentials.
    pub allow_insecure_origins_dangerously: bool,
    /// Allow credentialed patterns directly under a public suffix.
    pub allow_public_suffix_subdomains_dangerously: bool,
    /// Answer refused methods and headers so that browsers name them.
    pub debug: bool,
}

impl PolicyConfig {
    /// Checks the configuration and builds the policy, exactly as the
    /// builder does: every problem is listed.
    ///
    /// ```
    /// use tower_cors::policy::PolicyConfig;
    ///
    /// let mut config = PolicyConfig::default();
    /// config.allow_origins = vec!["https://app.example.com/".into(), "null".into()];
    /// config.max_age = Some(7 * 86_400);
    /// let err = config.build().unwrap_err();
    /// assert_eq!(err.problems().len(), 3);
    /// ```
    pub fn build(self) -> Result<Policy, ConfigError> {
        self.into_builder().build()
    }

    /// The builder this configuration describes, to add what a file cannot
    /// say (a predicate) before building.
    ///
    /// ```
    /// use tower_cors::policy::PolicyConfig;
    ///
    /// let mut config = PolicyConfig::default();
    /// config.allow_origins = vec!["https://app.example.com".into()];
    /// let policy = config
    ///     .into_builder()
    ///     .allow_origin_fn(|origin| origin.ends_with(".preview.example.com"))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn into_builder(self) -> PolicyBuilder {
        let mut builder = Policy::builder()
            .allow_origins(self.allow_origins)
            .allow_methods(self.allow_methods)
            .allow_headers(self.allow_headers)
            .expose_headers(self.expose_headers)
            .allow_credentials(self.allow_credentials)
            .allow_private_network(self.allow_private_network);
        if let Some(secs) = self.max_age {
            builder = builder.max_age(Duration::from_secs(secs));
        }
        if self.allow_null_origin_dangerously {
            builder = builder.allow_null_origin_dangerously();
        }
        if self.allow_insecure_origins_dangerously {
            builder = builder.allow_insecure_origins_dangerously();
        }
        if self.allow_public_suffix_subdomains_dangerously {
            builder = builder.allow_public_suffix_subdomains_dangerously();
        }
        builder.debug(self.debug)
    }

    /// One spelling for each configuration that answers the same:
    /// `"*"` alone where it makes the rest of a list irrelevant, header
    /// names lowercased, sorted and deduplicated (they are compared in any
    /// case and answered sorted), origins sorted and deduplicated (order
    /// does not matter), `null` as its flag. Methods keep their order,
    /// which is the order of `Access-Control-Allow-Methods`.
    pub(super) fn normalized(mut self) -> Self {
        if self.allow_origins.iter().any(|o| o == "*") {
            self.allow_origins = vec!["*".to_owned()];
        } else {
            // Listing `null` builds only with the flag, which says it alone.
            self.allow_origins.retain(|o| o != "null");
            self.allow_origins.sort();
            self.allow_origins.dedup();
        }

        if self.allow_methods.iter().any(|m| m == "*") {
            self.allow_methods = vec!["*".to_owned()];
        } else {
            let mut seen = Vec::with_capacity(self.allow_methods.len());
            self.allow_methods.retain(|m| {
                let first = !seen.contains(m);
                if first {
                    seen.push(m.clone());
                }
                first
            });
        }

        let any_header = self.allow_headers.iter().any(|h| h == "*");
        let authorization = self
            .allow_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization"));
        self.allow_headers = if any_header {
            // `*` never covers `authorization` (`#cors-non-wildcard-request-header-name`).
            let mut names = vec!["*".to_owned()];
            if authorization {
                names.push("authorization".to_owned());
            }
            names
        } else {
            lowercase_set(self.allow_headers)
        };

        self.expose_headers = if self.expose_headers.iter().any(|h| h == "*") {
            vec!["*".to_owned()]
        } else {
            lowercase_set(self.expose_headers)
        };
        self
    }
}

fn lowercase_set(names: Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = names
        .into_iter()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Why [`Policy::config`] cannot give a policy's whole configuration back:
/// it decides some origins with a function, and a function is not data.
///
/// The rest of the configuration is still there, for display or to rebuild
/// with the same function: but a policy built from it alone allows fewer
/// origins, which is why it is not handed over as if it were complete.
///
/// ```
/// use tower_cors::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_origin_fn(|origin| origin.ends_with(".preview.example.com"))
///     .build()?;
/// let err = policy.config().unwrap_err();
/// assert_eq!(err.functions(), ["allow_origin_fn"]);
/// assert_eq!(err.config_without_functions().allow_origins, ["https://app.example.com"]);
/// println!("{err}");
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotSerializable {
    config: Box<PolicyConfig>,
    functions: Vec<&'static str>,
}

impl NotSerializable {
    pub(super) fn new(config: PolicyConfig, functions: Vec<&'static str>) -> Self {
        Self {
            config: Box::new(config),
            functions,
        }
    }

    /// The builder methods whose functions the configuration cannot hold
    /// (`"allow_origin_fn"`, `"allow_origin_request_fn"`).
    pub fn functions(&self) -> &[&'static str] {
        &self.functions
    }

    /// Everything else the policy was configured with, normalized.
    pub fn config_without_functions(&self) -> &PolicyConfig {
        &self.config
    }

    /// Everything else the policy was configured with, by value.
    pub fn into_config_without_functions(self) -> PolicyConfig {
        *self.config
    }
}

impl fmt::Display for NotSerializable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("this policy decides some origins with a function (")?;
        for (i, name) in self.functions.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        f.write_str("), which a configuration cannot hold; without it, fewer origins are allowed")
    }
}

impl Policy {
    /// The configuration this policy was built from, normalized (see
    /// [`PolicyConfig`]), so that `policy.config()?.build()?` answers every
    /// request exactly as `policy` does.
    ///
    /// A policy that decides some origins with a function (see
    /// [`NotSerializable`]) has no complete configuration to give: the
    /// error says which functions, and holds the rest.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://b.example", "https://a.example", "https://b.example"])
    ///     .allow_headers(["X-Custom", "content-type"])
    ///     .allow_any_method()
    ///     .build()?;
    /// let config = policy.config()?;
    /// assert_eq!(config.allow_origins, ["https://a.example", "https://b.example"]);
    /// assert_eq!(config.allow_headers, ["content-type", "x-custom"]);
    /// assert_eq!(config.allow_methods, ["*"]);
    /// let again = config.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> Result<PolicyConfig, NotSerializable> {
        let (config, functions) = self.rules.source.configured();
        let config = config.normalized();
        if functions.is_empty() {
            Ok(config)
        } else {
            Err(NotSerializable::new(config, functions))
        }
    }
}
