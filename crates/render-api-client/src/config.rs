//! Where a client's settings come from, the same for the library and the `renderbus` CLI:
//! explicit values (the CLI's flags), then `RENDERBUS_*` environment variables, then a profile
//! of the config file (`$RENDERBUS_CONFIG`, else `$XDG_CONFIG_HOME/renderbus/config.toml`, else
//! `~/.config/renderbus/config.toml`):
//!
//! ```toml
//! [profile.default]
//! access_id = "AKID…"
//! access_key = "…"
//! host = "task.renderbus.com"     # or a URL such as http://127.0.0.1:8080
//! platform = "2"
//! api_version = "2"
//! ```
//!
//! An empty value counts as unset, at every level.

use std::collections::BTreeMap;
use std::path::PathBuf;

use render_api_types::ApiVersion;
use render_sign::Credentials;
use serde::Deserialize;

use crate::Error;

/// Settings as given at one level (explicitly, by the environment, or by a profile); `None`
/// where that level says nothing. `Debug` never shows the access key.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The access id.
    pub access_id: Option<String>,
    /// The access key: set with [`Settings::new`], never shown.
    #[serde(default)]
    access_key: Option<String>,
    /// The host or URL.
    pub host: Option<String>,
    /// The platform number (a profile may write it as a number: `platform = 2`).
    #[serde(default, deserialize_with = "text_or_number")]
    pub platform: Option<String>,
    /// The API generation (`1` or `2`).
    pub api_version: Option<String>,
    /// The official transfer program's path (`RENDERBUS_TRANSMITTER`, a profile's
    /// `transmitter`), for the transfer layer above the client.
    #[serde(default)]
    pub transmitter: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("access_id", &self.access_id)
            .field(
                "access_key",
                &self.access_key.as_ref().map(|_| render_sign::REDACTED),
            )
            .field("host", &self.host)
            .field("platform", &self.platform)
            .field("api_version", &self.api_version)
            .field("transmitter", &self.transmitter)
            .finish()
    }
}

/// A profile's value written as text or as a number.
fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Text(String),
        Number(i64),
    }
    Ok(Option::<Value>::deserialize(d)?.map(|v| match v {
        Value::Text(t) => t,
        Value::Number(n) => n.to_string(),
    }))
}

/// Checks a platform number: digits only (`2`), as the `platform` header carries it. The one
/// check of a platform, whether it comes from a flag, the environment or a profile.
pub fn check_platform(text: &str) -> Result<String, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a platform number: give digits, such as 2 (see `renderbus platform list`)"
        ))
    }
}

fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Explicit settings (the CLI's flags, a program's own).
    pub fn new(
        access_id: Option<String>,
        access_key: Option<String>,
        host: Option<String>,
        platform: Option<String>,
        api_version: Option<String>,
    ) -> Self {
        Settings {
            access_id: given(access_id),
            access_key: given(access_key),
            host: given(host),
            platform: given(platform),
            api_version: given(api_version),
            transmitter: None,
        }
    }

    /// The settings of the `RENDERBUS_*` environment variables.
    pub fn from_env() -> Self {
        let var = |name: &str| given(std::env::var(name).ok());
        Settings {
            access_id: var("RENDERBUS_ACCESS_ID"),
            access_key: var("RENDERBUS_ACCESS_KEY"),
            host: var("RENDERBUS_HOST"),
            platform: var("RENDERBUS_PLATFORM"),
            api_version: var("RENDERBUS_API_VERSION"),
            transmitter: var("RENDERBUS_TRANSMITTER"),
        }
    }

    /// The named profile of the config file (`default` when `name` is `None`). An absent file
    /// or default profile is empty; a named profile that does not exist is an error.
    pub fn from_profile(name: Option<&str>) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            profile: BTreeMap<String, Settings>,
        }
        let Some(path) = config_path() else {
            return Ok(Settings::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return match name {
                    Some(n) => Err(Error::Config(format!(
                        "the profile `{n}` was asked for, but {} does not exist",
                        path.display()
                    ))),
                    None => Ok(Settings::default()),
                };
            }
            Err(e) => return Err(Error::Config(format!("{}: {e}", path.display()))),
        };
        let mut file: File =
            toml::from_str(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let wanted = name.unwrap_or("default");
        match file.profile.remove(wanted) {
            Some(p) => Ok(Settings {
                transmitter: given(p.transmitter),
                ..Settings::new(p.access_id, p.access_key, p.host, p.platform, p.api_version)
            }),
            None if name.is_none() => Ok(Settings::default()),
            None => {
                let there: Vec<&str> = file.profile.keys().map(String::as_str).collect();
                Err(Error::Config(format!(
                    "{} has no [profile.{wanted}]; its profiles: {}",
                    path.display(),
                    if there.is_empty() {
                        "none (`renderbus configure --profile NAME` writes one)".to_owned()
                    } else {
                        there.join(", ")
                    }
                )))
            }
        }
    }

    /// Whether these settings hold an access key (which is never shown).
    pub fn has_access_key(&self) -> bool {
        self.access_key.is_some()
    }

    /// These settings, with `fallback`'s where these say nothing.
    pub fn or(self, fallback: Settings) -> Self {
        Settings {
            access_id: self.access_id.or(fallback.access_id),
            access_key: self.access_key.or(fallback.access_key),
            host: self.host.or(fallback.host),
            platform: self.platform.or(fallback.platform),
            api_version: self.api_version.or(fallback.api_version),
            transmitter: self.transmitter.or(fallback.transmitter),
        }
    }

    /// `explicit`, then the environment, then the profile (`profile`, else
    /// `RENDERBUS_PROFILE`, else `default`), resolved into what a client needs; what is
    /// missing is an error naming every place it may come from.
    pub fn resolve(explicit: Settings, profile: Option<&str>) -> Result<Resolved, Error> {
        let env_profile = given(std::env::var("RENDERBUS_PROFILE").ok());
        let profile = profile.map(str::to_owned).or(env_profile);
        let env = Settings::from_env();
        let file = Settings::from_profile(profile.as_deref())?;
        // Where each checked value comes from, for an error that names it.
        let from = |explicit_has: bool, env_has: bool, flag: &str, var: &str| {
            if explicit_has {
                flag.to_owned()
            } else if env_has {
                var.to_owned()
            } else {
                format!(
                    "[profile.{}] in {}",
                    profile.as_deref().unwrap_or("default"),
                    config_path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "the config file".into())
                )
            }
        };
        let platform_from = from(
            explicit.platform.is_some(),
            env.platform.is_some(),
            "--platform",
            "RENDERBUS_PLATFORM",
        );
        let api_from = from(
            explicit.api_version.is_some(),
            env.api_version.is_some(),
            "--api-version",
            "RENDERBUS_API_VERSION",
        );
        let all = explicit.or(env).or(file);
        let platform = match &all.platform {
            Some(text) => Some(check_platform(text).map_err(|message| Error::Setting {
                from: platform_from,
                message,
            })?),
            None => None,
        };
        let api = match &all.api_version {
            Some(text) => Some(text.parse().map_err(|message: String| Error::Setting {
                from: api_from,
                message,
            })?),
            None => None,
        };
        let where_from = |what: &str, key: &str, env: &str| {
            Error::Config(format!(
                "no {what}: pass --{}, set {env}, or add `{key}` to [profile.{}] in {}",
                key.replace('_', "-"),
                profile.as_deref().unwrap_or("default"),
                config_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "~/.config/renderbus/config.toml".into())
            ))
        };
        let access_id = all
            .access_id
            .ok_or_else(|| where_from("access id", "access_id", "RENDERBUS_ACCESS_ID"))?;
        let access_key = all
            .access_key
            .ok_or_else(|| where_from("access key", "access_key", "RENDERBUS_ACCESS_KEY"))?;
        Ok(Resolved {
            host: all.host.unwrap_or_else(|| crate::HOST_CHINA.to_owned()),
            platform: platform.unwrap_or_else(|| "2".to_owned()),
            credentials: Credentials::new(access_id, access_key),
            api,
        })
    }
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("host", &self.host)
            .field("platform", &self.platform)
            .field("credentials", &self.credentials)
            .field("api", &self.api)
            .finish()
    }
}

/// Settings resolved into what a client is built from.
#[derive(Clone)]
pub struct Resolved {
    /// The host or URL (default `task.renderbus.com`).
    pub host: String,
    /// The platform number (default 2).
    pub platform: String,
    /// The credentials.
    pub credentials: Credentials,
    /// The API generation, when a level says which (the newest is the default).
    pub api: Option<ApiVersion>,
}

/// The config file's path: `$RENDERBUS_CONFIG`, else `$XDG_CONFIG_HOME/renderbus/config.toml`,
/// else `~/.config/renderbus/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RENDERBUS_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("renderbus").join("config.toml"))
}
