//! Configuration as data: [`PolicyConfig`], which a file or the environment
//! can hold (with the `serde` feature), and which [`Policy::config`] gives
//! back.
//!
//! A `PolicyConfig` is only data: nothing is checked until
//! [`build`](PolicyConfig::build), which goes through the
//! [`PolicyBuilder`](crate::PolicyBuilder), so a file is refused for exactly the reasons code
//! would be, with every problem listed. The request path only ever sees
//! the validated [`Policy`].

use std::fmt;

use super::Policy;

/// A CORS configuration as plain data, keyed by the builder's method names.
/// It is also what a [`PolicyBuilder`](crate::PolicyBuilder) holds (beside the two functions), so
/// its fields are the one list of what can be configured: each field's
/// documentation names the builder method that sets it.
///
/// Every key is optional (empty lists, `false`, no `max_age`). With the
/// `serde` feature it is `Serialize` and `Deserialize`, and an unknown key
/// is an error rather than silently ignored: `allow_origin = [...]` (a
/// typo) must not leave a policy that allows nothing, or less than meant.
///
/// # Normal form
///
/// A built policy keeps its configuration in one normal form, the same for
/// every configuration that answers alike by its lists:
/// [`Policy::config`] returns it, and `Display`, `Debug` and
/// [`Policy::explain`] show it. In it,
/// - `"*"` stands alone in `allow_origins`, `allow_methods` and
///   `expose_headers`, and in `allow_headers` with only `authorization`
///   after it, which `*` never covers;
/// - origins are sorted and without repeats, and `null` is said by
///   `allow_null_origin_dangerously` alone;
/// - header names (allowed and exposed) are lowercased, sorted and without
///   repeats, as they are compared (in any case) and answered;
/// - methods keep their first place in the order configured, without
///   repeats: that is the order of `Access-Control-Allow-Methods`, and
///   methods are compared byte for byte, so their case is kept;
/// - `max_age` is in whole seconds, as it is answered.
///
/// A function cannot be written in a file: origins decided by
/// [`allow_origin_fn`](crate::PolicyBuilder::allow_origin_fn) or
/// [`allow_origin_request_fn`](crate::PolicyBuilder::allow_origin_request_fn) have
/// no key. Add them in code with [`into_builder`](Self::into_builder).
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use tower_cors::policy::PolicyConfig;
///
/// let config: PolicyConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com", "https://*.example.org"]
///     allow_methods = ["GET", "PUT"]
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
    /// allows any origin ([`allow_origins`](crate::PolicyBuilder::allow_origins),
    /// [`allow_any_origin`](crate::PolicyBuilder::allow_any_origin)).
    pub allow_origins: Vec<String>,
    /// Methods a preflight may ask for, byte-exact; `"*"` allows any
    /// ([`allow_methods`](crate::PolicyBuilder::allow_methods),
    /// [`allow_any_method`](crate::PolicyBuilder::allow_any_method)).
    pub allow_methods: Vec<String>,
    /// Request headers a preflight may ask for, any case; `"*"` allows any
    /// but `authorization` ([`allow_headers`](crate::PolicyBuilder::allow_headers),
    /// [`allow_any_header`](crate::PolicyBuilder::allow_any_header)).
    pub allow_headers: Vec<String>,
    /// Response headers scripts may read; `"*"` exposes all
    /// ([`expose_headers`](crate::PolicyBuilder::expose_headers),
    /// [`expose_any_header`](crate::PolicyBuilder::expose_any_header)).
    pub expose_headers: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`
    /// ([`allow_credentials`](crate::PolicyBuilder::allow_credentials)).
    pub allow_credentials: bool,
    /// `Access-Control-Max-Age`, in whole seconds, at most 86400
    /// ([`max_age`](crate::PolicyBuilder::max_age)).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<u64>,
    /// Answer Chrome's Private Network Access preflights
    /// ([`allow_private_network`](crate::PolicyBuilder::allow_private_network)).
    pub allow_private_network: bool,
    /// Allow the origin `null`: every sandboxed page's, attackers' included
    /// ([`allow_null_origin_dangerously`](crate::PolicyBuilder::allow_null_origin_dangerously)).
    pub allow_null_origin_dangerously: bool,
    /// Allow plain `http://` origins other than loopback with credentials
    /// ([`allow_insecure_origins_dangerously`](crate::PolicyBuilder::allow_insecure_origins_dangerously)).
    pub allow_insecure_origins_dangerously: bool,
    /// Allow credentialed patterns directly under a public suffix
    /// ([`allow_public_suffix_subdomains_dangerously`](crate::PolicyBuilder::allow_public_suffix_subdomains_dangerously)).
    pub allow_public_suffix_subdomains_dangerously: bool,
    /// Answer refused methods and headers so that browsers name them
    /// ([`debug`](crate::PolicyBuilder::debug)).
    pub debug: bool,
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

    /// Everything else the policy was configured with, in normal form.
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
    /// The configuration this policy was built from, in normal form (see
    /// [`PolicyConfig`](PolicyConfig#normal-form)), so that `policy.config()?.build()?` answers every
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
        let source = &self.rules.source;
        if source.functions.is_empty() {
            Ok(source.config.clone())
        } else {
            Err(NotSerializable::new(
                source.config.clone(),
                source.functions.clone(),
            ))
        }
    }
}
