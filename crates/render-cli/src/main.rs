//! `renderbus`: the Renderbus / Fox Renderfarm API from the terminal.

mod config;
mod demo;
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;
mod output;
mod wait;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use generated::*;
use render_api_client::types::TaskStatus;
use render_api_client::{Client, Credentials, Error, RetryPolicy};
use render_sign::{HeaderSet, Nonce, Request as SignRequest};

use crate::output::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  an unexpected failure
  2  a usage error (unknown command, bad argument)
  3  the service answered with an error code
  4  the service could not be reached, or did not answer in time
  5  configuration is missing (credentials, host)
  6  `task wait`: the task ended without finishing (failed, stopped, abandoned)";

/// The Renderbus / Fox Renderfarm API from the terminal.
///
/// Credentials and host come from flags, then RENDERBUS_* environment variables, then a
/// profile in ~/.config/renderbus/config.toml ([profile.NAME] with access_id, access_key, host,
/// platform). `--mock` runs any command against a fresh embedded farm instead.
#[derive(Parser, Debug)]
#[command(name = "renderbus", version, after_help = EXIT_CODES)]
struct Cli {
    /// The service: a bare host means https (task.renderbus.com, task.foxrenderfarm.com);
    /// a URL such as http://127.0.0.1:8080 is taken as given.
    #[arg(long, global = true, env = "RENDERBUS_HOST")]
    host: Option<String>,
    /// The render platform number sent with every call (see `renderbus platform list`).
    #[arg(long, global = true, env = "RENDERBUS_PLATFORM")]
    platform: Option<String>,
    /// The access id.
    #[arg(long, global = true, env = "RENDERBUS_ACCESS_ID")]
    access_id: Option<String>,
    /// The access key (prefer the environment variable or the profile: flags show in `ps`).
    #[arg(
        long,
        global = true,
        env = "RENDERBUS_ACCESS_KEY",
        hide_env_values = true
    )]
    access_key: Option<String>,
    /// The profile of the config file to use (default: `default`).
    #[arg(long, global = true, env = "RENDERBUS_PROFILE")]
    profile: Option<String>,
    /// Seconds one call may take.
    #[arg(long, global = true, default_value_t = 30)]
    timeout: u64,
    /// How often a read is retried after a transient failure (writes are never retried).
    #[arg(long, global = true, default_value_t = 2)]
    retries: u32,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, global = true, value_enum)]
    output: Option<Format>,
    /// Run against a fresh embedded fake farm instead of the service.
    #[arg(long, global = true)]
    mock: bool,
    #[command(subcommand)]
    command: Top,
}

#[derive(Subcommand, Debug)]
enum Top {
    /// Tasks: create, submit, list, info, stop, start, abort, delete, wait, …
    Task {
        #[command(subcommand)]
        command: TaskCli,
    },
    /// Frames: list, stats, restart, restart failed, thumbnails.
    Frames {
        #[command(subcommand)]
        command: FramesCommand,
    },
    /// Render environments: list, add, update, delete, default.
    Env {
        #[command(subcommand)]
        command: EnvCommand,
    },
    /// Custom labels: list, add, delete.
    Label {
        #[command(subcommand)]
        command: LabelCommand,
    },
    /// Supported software and plugins.
    Software {
        #[command(subcommand)]
        command: SoftwareCommand,
    },
    /// The account: profile and settings.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Render platforms.
    Platform {
        #[command(subcommand)]
        command: PlatformCommand,
    },
    /// Transfer ids, servers and keys.
    Transfer {
        #[command(subcommand)]
        command: TransferCommand,
    },
    /// Analysis error codes.
    Error {
        #[command(subcommand)]
        command: ErrorCommand,
    },
    /// Print the string to sign and the signature of a request (for a 611 reply); never the key.
    Sign(SignArgs),
    /// The fake farm.
    Mock {
        #[command(subcommand)]
        command: MockCommand,
    },
    /// Start an embedded farm and run a whole render on it, step by step.
    Demo(DemoArgs),
}

#[derive(Subcommand, Debug)]
enum TaskCli {
    #[command(flatten)]
    Api(TaskCommand),
    /// Watch a task until it ends, with a progress bar of its frames (Ctrl-C leaves the task alone).
    Wait(WaitArgs),
}

#[derive(clap::Args, Debug)]
struct WaitArgs {
    /// The task.
    task_id: i64,
    /// Seconds between polls.
    #[arg(long, default_value_t = 5.0)]
    interval: f64,
}

#[derive(clap::Args, Debug)]
struct SignArgs {
    /// The API path.
    #[arg(long, default_value = "/api/render/common/queryPlatforms")]
    path: String,
    /// The JSON body.
    #[arg(long, default_value = "{}")]
    body: String,
    /// The UTCTimestamp to sign with (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The nonce to sign with (default: a random one).
    #[arg(long)]
    nonce: Option<u64>,
}

#[derive(Subcommand, Debug)]
enum MockCommand {
    /// Serve a fake farm on 127.0.0.1 until interrupted.
    Serve(render_api_mock::serve::ServeArgs),
}

#[derive(clap::Args, Debug)]
struct DemoArgs {
    /// Farm seconds per real second (higher is faster).
    #[arg(long, default_value_t = 40.0)]
    speed: f64,
}

/// A failure, with the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Api { .. } => 3,
            Error::Http { .. } | Error::Transport { .. } | Error::Timeout { .. } => 4,
            Error::Config(_) => 5,
            _ => 1,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn config_failure(message: String) -> Failure {
    Failure { code: 5, message }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// The settings a client is built from, after flags, environment and profile.
struct Resolved {
    host: String,
    platform: String,
    credentials: Credentials,
}

fn resolve(cli: &Cli) -> Result<Resolved, Failure> {
    let profile = config::load(cli.profile.as_deref()).map_err(config_failure)?;
    let where_from = |what: &str, flag: &str, env: &str| {
        format!(
            "no {what}: pass --{flag}, set {env}, or add `{}` to [profile.{}] in {}",
            flag.replace('-', "_"),
            cli.profile.as_deref().unwrap_or("default"),
            config::path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "~/.config/renderbus/config.toml".into())
        )
    };
    let access_id = cli.access_id.clone().or(profile.access_id).ok_or_else(|| {
        config_failure(where_from("access id", "access-id", "RENDERBUS_ACCESS_ID"))
    })?;
    let access_key = cli
        .access_key
        .clone()
        .or(profile.access_key)
        .ok_or_else(|| {
            config_failure(where_from(
                "access key",
                "access-key",
                "RENDERBUS_ACCESS_KEY",
            ))
        })?;
    Ok(Resolved {
        host: cli
            .host
            .clone()
            .or(profile.host)
            .unwrap_or_else(|| render_api_client::HOST_CHINA.to_owned()),
        platform: cli
            .platform
            .clone()
            .or(profile.platform)
            .unwrap_or_else(|| "2".to_owned()),
        credentials: Credentials::new(access_id, access_key),
    })
}

fn build_client(cli: &Cli, resolved: Resolved) -> Result<Client, Failure> {
    Ok(Client::builder()
        .host(resolved.host)
        .platform(resolved.platform)
        .credentials(resolved.credentials)
        .timeout(Duration::from_secs(cli.timeout.max(1)))
        .retry(RetryPolicy {
            max_attempts: cli.retries.saturating_add(1),
            ..RetryPolicy::default()
        })
        .build()?)
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let format = cli.output.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let show_bar = std::io::stderr().is_terminal();

    // Commands that need no service.
    match &cli.command {
        Top::Mock {
            command: MockCommand::Serve(args),
        } => {
            render_api_mock::serve::serve(args.clone()).map_err(|e| Failure {
                code: 1,
                message: format!("cannot start the farm on port {}: {e}", args.port),
            })?;
            return Ok(0);
        }
        Top::Demo(args) => {
            let farm = demo::farm(args.speed).map_err(|e| Failure {
                code: 1,
                message: format!("cannot start the embedded farm: {e}"),
            })?;
            println!(
                "embedded farm at {} (the test farm's own credentials)",
                farm.url()
            );
            let client = build_client(
                &cli,
                Resolved {
                    host: farm.url().to_owned(),
                    platform: "2".into(),
                    credentials: farm.credentials(),
                },
            )?;
            demo::run(&client, Duration::from_millis(250), format, show_bar)?;
            return Ok(0);
        }
        _ => {}
    }

    // Everything else talks to a farm: the embedded one with --mock, else the configured one.
    let embedded = if cli.mock {
        Some(demo::farm(40.0).map_err(|e| Failure {
            code: 1,
            message: format!("cannot start the embedded farm: {e}"),
        })?)
    } else {
        None
    };
    let resolved = match &embedded {
        Some(farm) => Resolved {
            host: farm.url().to_owned(),
            platform: "2".into(),
            credentials: farm.credentials(),
        },
        None => resolve(&cli)?,
    };

    if let Top::Sign(args) = &cli.command {
        return sign(args, resolved);
    }
    let client = build_client(&cli, resolved)?;
    let data = match cli.command {
        Top::Task {
            command: TaskCli::Wait(args),
        } => {
            let interval = Duration::from_secs_f64(args.interval.clamp(0.05, 3600.0));
            let task = wait::wait(&client, args.task_id, interval, show_bar)?;
            let ok = wait::succeeded(task.task_status);
            if !ok {
                eprintln!(
                    "task {} ended {} ({}): {} of {} frames done, {} failed",
                    task.id,
                    task.task_status,
                    status_meaning(task.task_status),
                    task.done_frames.unwrap_or(0),
                    task.total_frames.unwrap_or(0),
                    task.failed_frames.unwrap_or(0)
                );
            }
            println!(
                "{}",
                output::render(&serde_json::to_value(&task).unwrap_or_default(), format)
            );
            return Ok(if ok { 0 } else { 6 });
        }
        Top::Task {
            command: TaskCli::Api(c),
        } => c.run(&client)?,
        Top::Frames { command } => command.run(&client)?,
        Top::Env { command } => command.run(&client)?,
        Top::Label { command } => command.run(&client)?,
        Top::Software { command } => command.run(&client)?,
        Top::User { command } => command.run(&client)?,
        Top::Platform { command } => command.run(&client)?,
        Top::Transfer { command } => command.run(&client)?,
        Top::Error { command } => command.run(&client)?,
        Top::Sign(_) | Top::Mock { .. } | Top::Demo(_) => unreachable!("handled above"),
    };
    println!("{}", output::render(&data, format));
    Ok(0)
}

fn status_meaning(status: TaskStatus) -> &'static str {
    use render_api_client::types::CodedEnum;
    status
        .meaning_en()
        .unwrap_or("a state this SDK does not know")
}

fn sign(args: &SignArgs, resolved: Resolved) -> Result<u8, Failure> {
    let body: serde_json::Value = serde_json::from_str(&args.body).map_err(|e| Failure {
        code: 2,
        message: format!("--body is not JSON: {e}"),
    })?;
    // The host exactly as the client sends (and signs) it.
    let client = Client::builder()
        .host(&resolved.host)
        .credentials(resolved.credentials.clone())
        .build()?;
    let timestamp = args.timestamp.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    let nonce = match args.nonce {
        Some(n) => Nonce::from(n),
        None => Nonce::random().map_err(|e| Failure {
            code: 1,
            message: e.to_string(),
        })?,
    };
    let headers = HeaderSet::new(
        resolved.credentials.access_id(),
        &resolved.platform,
        timestamp,
        nonce,
    );
    let request = SignRequest::new(client.host(), &args.path, &headers, &body);
    let fail = |e: render_sign::SignError| Failure {
        code: 2,
        message: e.to_string(),
    };
    let signed = request.sign(&resolved.credentials).map_err(fail)?;
    println!(
        "string to sign: {}",
        request.string_to_sign().map_err(fail)?
    );
    println!("signature:      {}", signed.signature().as_str());
    println!("headers:");
    for (name, value) in signed.iter() {
        println!("  {name}: {value}");
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use render_api_client::types::ENDPOINTS;

    use super::*;

    /// Every endpoint of the spec is reachable as `renderbus GROUP COMMAND`.
    #[test]
    fn every_endpoint_has_a_command() {
        let cli = Cli::command();
        for ep in ENDPOINTS {
            let group = cli
                .find_subcommand(ep.group)
                .unwrap_or_else(|| panic!("no `renderbus {}` for {}", ep.group, ep.name));
            assert!(
                group.find_subcommand(ep.command).is_some(),
                "no `renderbus {} {}` for {}",
                ep.group,
                ep.command,
                ep.name
            );
        }
        cli.debug_assert();
    }
}
