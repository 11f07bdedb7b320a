//! Where credentials, host and platform come from: flags, then `RENDERBUS_*` environment
//! variables (clap reads both), then a profile in `~/.config/renderbus/config.toml`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// One `[profile.NAME]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The access id.
    pub access_id: Option<String>,
    /// The access key.
    pub access_key: Option<String>,
    /// The host or URL.
    pub host: Option<String>,
    /// The platform number.
    pub platform: Option<String>,
    /// The API generation (`1` or `2`).
    pub api_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    profile: BTreeMap<String, Profile>,
}

/// The config file's path: `$RENDERBUS_CONFIG`, else `$XDG_CONFIG_HOME/renderbus/config.toml`,
/// else `~/.config/renderbus/config.toml`.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RENDERBUS_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("renderbus").join("config.toml"))
}

/// The named profile (`default` when none is named); an absent file is an empty profile, a
/// named profile that does not exist is an error.
pub fn load(name: Option<&str>) -> Result<Profile, String> {
    let Some(path) = path() else {
        return Ok(Profile::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match name {
                Some(n) => Err(format!(
                    "the profile `{n}` was asked for, but {} does not exist",
                    path.display()
                )),
                None => Ok(Profile::default()),
            };
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let wanted = name.unwrap_or("default");
    match file.profile.remove(wanted) {
        Some(p) => Ok(p),
        None if name.is_none() => Ok(Profile::default()),
        None => Err(format!("{} has no [profile.{wanted}]", path.display())),
    }
}
