//! Reading a policy file: TOML or JSON, chosen by the extension.

use std::path::Path;

use tower_cors::policy::PolicyConfig;

/// Reads `path` as a [`PolicyConfig`]: `.toml` with `toml`, `.json` with
/// `serde_json`, with the library's own `Deserialize` (unknown keys are
/// errors). `Err` is a message for the user; `Ok(Err)` is a file that
/// could be read but not parsed.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("cors-load-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let file = dir.join("cors.json");
/// std::fs::write(&file, r#"{"allow_origins": ["https://app.example.com"]}"#)?;
/// let config = tower_cors_cli::load_config(&file).unwrap().unwrap();
/// assert_eq!(config.allow_origins, ["https://app.example.com"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_config(path: &Path) -> Result<Result<PolicyConfig, String>, String> {
    let shown = path.display();
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let parse: fn(&str) -> Result<PolicyConfig, String> = match extension {
        "toml" => |text| toml::from_str(text).map_err(|e| e.to_string()),
        "json" => |text| serde_json::from_str(text).map_err(|e| e.to_string()),
        _ => {
            return Err(format!(
                "{shown}: the file name must end with .toml or .json"
            ))
        }
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    Ok(parse(&text).map_err(|e| format!("{shown}: {}", e.trim_end())))
}
