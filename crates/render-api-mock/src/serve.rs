//! The standalone server: its options and its run loop, shared by `render-api-mock` and
//! `renderbus mock serve` (each parses its own command line into [`ServeOptions`]).

use std::time::Duration;

use crate::{FarmConfig, MockFarm};

/// How to run a standalone farm.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port to listen on (0: one the OS chooses).
    pub port: u16,
    /// The address to listen on (127.0.0.1 by default).
    pub bind: std::net::IpAddr,
    /// The credentials to accept: an access id and key given explicitly for this farm
    /// (default: a made-up pair, printed at start since it is the test farm's own).
    pub credentials: Option<(String, String)>,
    /// Farm seconds per real second.
    pub speed: f64,
    /// Frames of every submitted task.
    pub frames: usize,
    /// Frame numbers that fail on their first attempt.
    pub fail_frames: Vec<usize>,
    /// The account is a sub-account that uses its main account's storage
    /// ([`FarmConfig::sub_account`]).
    pub sub_account: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 8080,
            bind: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            credentials: None,
            speed: 10.0,
            frames: 10,
            fail_frames: Vec::new(),
            sub_account: false,
        }
    }
}

/// Starts the farm, prints where it listens and the credentials it accepts, logs one line per
/// request to stderr, and serves until the process is interrupted.
pub fn serve(args: ServeOptions) -> std::io::Result<()> {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: the fake farm listens on {}: other machines can reach it, and it accepts the credentials printed below",
            args.bind
        );
    }
    let mut builder = MockFarm::builder()
        .port(args.port)
        .bind(args.bind)
        .farm(FarmConfig {
            frames_per_task: args.frames,
            speed: args.speed,
            failing_frames: args.fail_frames,
            sub_account: args.sub_account,
            ..FarmConfig::default()
        })
        .logger(|line| {
            eprintln!(
                "{:<24} http {} code {} {:.1} ms",
                line.endpoint,
                line.status,
                line.code,
                line.latency.as_secs_f64() * 1000.0
            );
        });
    let made_up = args.credentials.is_none();
    if let Some((id, key)) = args.credentials {
        builder = builder.credentials(id, key);
    }
    let farm = builder.start()?;
    let url = if args.bind.is_unspecified() {
        // Listening everywhere: the loopback URL is one that works here.
        farm.url().replacen(&args.bind.to_string(), "127.0.0.1", 1)
    } else {
        farm.url().to_owned()
    };
    println!("mock farm listening on {}", farm.url());
    println!("RENDERBUS_HOST={url}");
    println!("RENDERBUS_ACCESS_ID={}", farm.access_id());
    if made_up {
        // A made-up key is the test farm's own: printing it is how a user gets it.
        println!("RENDERBUS_ACCESS_KEY={}", farm.access_key());
        println!("(these credentials are the test farm's own; press Ctrl-C to stop)");
    } else {
        println!("(accepting the access key you gave; press Ctrl-C to stop)");
    }
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// The standalone farm's command line, declared once for `render-api-mock` and
/// `renderbus mock serve` (feature `server`).
#[cfg(feature = "server")]
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: one the OS chooses).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on. Anything but loopback makes the fake farm reachable from
    /// other machines (a warning says so): for a farm in a CI container, say 0.0.0.0.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: std::net::IpAddr,
    /// The access id the farm accepts (default: a made-up one).
    #[arg(long)]
    pub farm_access_id: Option<String>,
    /// The access key the farm accepts (default: a made-up one). Prefer the variable or
    /// --farm-access-key-file: a flag shows in `ps`. A key given is never printed.
    #[arg(
        long,
        env = "RENDERBUS_FARM_ACCESS_KEY",
        hide_env_values = true,
        conflicts_with = "farm_access_key_file"
    )]
    pub farm_access_key: Option<String>,
    /// A file holding the access key the farm accepts (its first line).
    #[arg(long, value_name = "FILE")]
    pub farm_access_key_file: Option<std::path::PathBuf>,
    /// Farm seconds per real second.
    #[arg(long, default_value_t = 10.0)]
    pub speed: f64,
    /// Frames of every submitted task.
    #[arg(long, default_value_t = 10)]
    pub frames: usize,
    /// Frame numbers that fail on their first attempt (e.g. 3,7).
    #[arg(long, value_delimiter = ',')]
    pub fail_frames: Vec<usize>,
    /// Make the account a sub-account that uploads into its main account's storage
    /// (shareMainCapital 1, with the main account's id and input bid).
    #[arg(long)]
    pub sub_account: bool,
}

#[cfg(feature = "server")]
impl ServeArgs {
    /// The options these arguments say; the key file is read here. A key without an id (or
    /// an id without a key) is an error naming what is missing.
    pub fn options(&self) -> Result<ServeOptions, String> {
        let key = match (&self.farm_access_key, &self.farm_access_key_file) {
            (Some(key), _) => Some(key.trim().to_owned()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let key = text.lines().next().unwrap_or("").trim().to_owned();
                if key.is_empty() {
                    return Err(format!("{} holds no key", path.display()));
                }
                Some(key)
            }
            (None, None) => None,
        };
        let credentials = match (self.farm_access_id.clone(), key) {
            (Some(id), Some(key)) => Some((id, key)),
            (None, None) => None,
            (Some(_), None) => {
                return Err("--farm-access-id needs a key: --farm-access-key, RENDERBUS_FARM_ACCESS_KEY or --farm-access-key-file".into());
            }
            (None, Some(_)) => return Err("a farm access key needs --farm-access-id".into()),
        };
        Ok(ServeOptions {
            port: self.port,
            bind: self.bind,
            credentials,
            speed: self.speed,
            frames: self.frames,
            fail_frames: self.fail_frames.clone(),
            sub_account: self.sub_account,
        })
    }
}
