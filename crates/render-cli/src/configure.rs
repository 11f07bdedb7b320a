//! `renderbus configure`: write a profile of the config file the library and the CLI read
//! ([`render_api_client::config_path`]), asking for each value.
//!
//! On a terminal the key is read without echo; otherwise every answer is a line of stdin, so a
//! pipeline can configure too (`printf 'AKID\nKEY\n\n\n\n' | renderbus configure`). An empty
//! answer keeps the current value (or the default). Other profiles, comments and formatting in
//! the file are kept; the file is written whole (a temporary file renamed over it) and, on
//! Unix, readable by its owner only.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use render_api_client::{ApiVersion, Settings};
use toml_edit::{DocumentMut, Item, Table, value};

use crate::Failure;
use crate::exit::Exit;

/// What was written.
pub struct Written {
    /// The profile.
    pub profile: String,
    /// The file.
    pub path: PathBuf,
}

/// Asks for the profile's values and writes them.
pub fn run(profile: &str) -> Result<Written, Failure> {
    let path = render_api_client::config_path().ok_or_else(|| Failure {
        code: Exit::Config,
        message: "no place for the config file: set RENDERBUS_CONFIG, XDG_CONFIG_HOME or HOME"
            .into(),
    })?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(config_error(&path, e)),
    };
    let mut doc: DocumentMut = text.parse().map_err(|e| Failure {
        code: Exit::Config,
        message: format!("{}: {e}", path.display()),
    })?;
    // What the profile holds now (an absent profile is empty).
    let current = Settings::from_profile(Some(profile)).unwrap_or_default();

    let mut ask = Asker::new();
    let access_id = ask.line("Access id", current.access_id.as_deref(), None)?;
    let access_key = ask.secret(current.has_access_key())?;
    let host = ask.line(
        "Host (or a URL)",
        current.host.as_deref(),
        Some(render_api_client::HOST_CHINA),
    )?;
    let platform = ask.line("Platform", current.platform.as_deref(), Some("2"))?;
    let api_version = ask.line(
        "API version (1 or 2)",
        current.api_version.as_deref(),
        Some("2"),
    )?;

    let access_id = access_id.ok_or_else(|| usage("an access id is needed"))?;
    if access_key.is_none() && !current.has_access_key() {
        return Err(usage("an access key is needed"));
    }
    if let Some(p) = &platform
        && p.parse::<u32>().is_err()
    {
        return Err(usage(&format!("the platform is a number, not `{p}`")));
    }
    if let Some(v) = &api_version {
        v.parse::<ApiVersion>()
            .map_err(|e| usage(&format!("the API version: {e}")))?;
    }

    let profiles = doc
        .entry("profile")
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| usage(&format!("{}: `profile` is not a table", path.display())))?;
    let table = profiles
        .entry(profile)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| {
            usage(&format!(
                "{}: `profile.{profile}` is not a table",
                path.display()
            ))
        })?;
    table["access_id"] = value(access_id);
    if let Some(key) = access_key {
        table["access_key"] = value(key);
    }
    for (name, answer) in [
        ("host", host),
        ("platform", platform),
        ("api_version", api_version),
    ] {
        if let Some(answer) = answer {
            table[name] = value(answer);
        }
    }
    write_private(&path, doc.to_string().as_bytes()).map_err(|e| config_error(&path, e))?;
    Ok(Written {
        profile: profile.to_owned(),
        path,
    })
}

fn usage(message: &str) -> Failure {
    Failure {
        code: Exit::Usage,
        message: message.to_owned(),
    }
}

fn config_error(path: &Path, e: std::io::Error) -> Failure {
    Failure {
        code: Exit::Config,
        message: format!("{}: {e}", path.display()),
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map_or("config.toml".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    Ok(())
}

/// Asks on stderr; answers from the terminal, or lines of stdin when it is not one.
struct Asker {
    terminal: bool,
    stdin: std::io::StdinLock<'static>,
}

impl Asker {
    fn new() -> Self {
        Asker {
            terminal: std::io::stdin().is_terminal(),
            stdin: std::io::stdin().lock(),
        }
    }

    /// One answer: the typed one, else the current value, else the default; `None` when
    /// there is none of them.
    fn line(
        &mut self,
        what: &str,
        current: Option<&str>,
        default: Option<&str>,
    ) -> Result<Option<String>, Failure> {
        let shown = current.or(default);
        let prompt = match shown {
            Some(v) => format!("{what} [{v}]: "),
            None => format!("{what}: "),
        };
        self.prompt(&prompt);
        let answer = self.read()?;
        Ok(answer.or_else(|| shown.map(str::to_owned)))
    }

    /// The key: without echo on a terminal, never shown; `None` keeps the current one.
    fn secret(&mut self, has_one: bool) -> Result<Option<String>, Failure> {
        let prompt = if has_one {
            "Access key [keep the current one]: "
        } else {
            "Access key: "
        };
        if self.terminal {
            let typed = rpassword::prompt_password(prompt).map_err(|e| Failure {
                code: Exit::Failure,
                message: format!("cannot read the key from the terminal: {e}"),
            })?;
            return Ok(Some(typed.trim().to_owned()).filter(|k| !k.is_empty()));
        }
        self.prompt(prompt);
        self.read()
    }

    /// Shows what is asked, on stderr: before the answer on a terminal, a line of its own when
    /// the answers come from a pipe (so a log shows which answer went where).
    fn prompt(&self, prompt: &str) {
        if self.terminal {
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
        } else {
            eprintln!("{}", prompt.trim_end());
        }
    }

    /// A line of stdin, trimmed; `None` when empty or at the end of input.
    fn read(&mut self) -> Result<Option<String>, Failure> {
        let mut line = String::new();
        self.stdin.read_line(&mut line).map_err(|e| Failure {
            code: Exit::Failure,
            message: format!("cannot read stdin: {e}"),
        })?;
        let line = line.trim();
        Ok((!line.is_empty()).then(|| line.to_owned()))
    }
}
