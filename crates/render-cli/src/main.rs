//! `renderbus`: the Renderbus / Fox Renderfarm API from the terminal.

/// `println!` for what a command prints: a reader that stopped reading (`renderbus … | head`)
/// ends the program quietly with success, as `ls | head` does, instead of a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for what a command prints; see [`outln`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*))
    };
}

mod configure;
mod conform;
#[cfg(feature = "mock")]
mod demo;
mod exit;
#[rustfmt::skip]
#[allow(missing_docs)]
mod generated;
mod input;
mod mcp;
mod output;
mod submit;
mod transfer;
mod wait;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use generated::*;
use render_api_client::types::TaskStatus;
use render_api_client::{ApiVersion, Client, Credentials, Error, Outcome, RetryPolicy, V1, V2};
use render_sign::Nonce;

use crate::exit::{Exit, Scope};
use crate::output::{Format, Output};

/// The Renderbus / Fox Renderfarm API from the terminal.
///
/// Credentials and host come from flags, then RENDERBUS_* environment variables, then a
/// profile in ~/.config/renderbus/config.toml ([profile.NAME] with access_id, access_key, host,
/// platform; `renderbus configure` writes one). `--mock` runs any command against a fresh
/// embedded farm instead.
#[derive(Parser, Debug)]
#[command(name = "renderbus", version, after_help = Exit::table(None))]
struct Cli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: Top,
}

/// The options every command takes (under "Global options" in help).
#[derive(clap::Args, Debug)]
struct Globals {
    /// The service: a bare host means https (task.renderbus.com, task.foxrenderfarm.com);
    /// a URL such as http://127.0.0.1:8080 is taken as given (`--url` is the same option).
    /// [env: RENDERBUS_HOST]
    #[arg(long, visible_alias = "url", global = true, help_heading = GLOBAL)]
    host: Option<String>,
    /// The render platform number sent with every call (see `renderbus platform list`).
    /// [env: RENDERBUS_PLATFORM]
    #[arg(long, global = true, value_parser = platform_number, help_heading = GLOBAL)]
    platform: Option<String>,
    /// The access id. [env: RENDERBUS_ACCESS_ID]
    #[arg(long, global = true, help_heading = GLOBAL)]
    access_id: Option<String>,
    /// The access key (prefer the environment variable or the profile: flags show in `ps`).
    /// [env: RENDERBUS_ACCESS_KEY]
    #[arg(long, global = true, help_heading = GLOBAL)]
    access_key: Option<String>,
    /// The API generation to speak: 2 (API 2.0.0, what the service's own client speaks
    /// today; the default) or 1 (API 1.0.0, the 2018 document). [env: RENDERBUS_API_VERSION]
    #[arg(long, global = true, value_name = "1|2", help_heading = GLOBAL)]
    api_version: Option<ApiVersion>,
    /// The profile of the config file to use (default: `default`). [env: RENDERBUS_PROFILE]
    #[arg(long, global = true, help_heading = GLOBAL)]
    profile: Option<String>,
    /// Seconds one call may take, retries and their waits included.
    #[arg(long, global = true, default_value_t = 30, value_parser = positive_seconds, help_heading = GLOBAL)]
    timeout: u64,
    /// How often a read is retried after a transient failure (writes are never retried).
    #[arg(long, global = true, default_value_t = 2, help_heading = GLOBAL)]
    retries: u32,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short = 'o', global = true, value_enum, help_heading = GLOBAL)]
    output: Option<Format>,
    /// Run against a fresh embedded fake farm instead of the service.
    #[cfg(feature = "mock")]
    #[arg(long, global = true, help_heading = GLOBAL)]
    mock: bool,
    /// Print only the result and errors: no progress bar, no notices.
    #[arg(long, short = 'q', global = true, conflicts_with_all = ["verbose", "debug"], help_heading = GLOBAL)]
    quiet: bool,
    /// Tell what happens on the way on stderr: each call, retries, outages (-vv: each
    /// attempt too).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    verbose: u8,
    /// Trace each attempt on stderr: URL, headers (the signature redacted), outcome. Never a
    /// key. RUST_LOG, when set, chooses instead of -q/-v/--debug.
    #[arg(long, global = true, help_heading = GLOBAL)]
    debug: bool,
}

#[derive(Subcommand, Debug)]
enum Top {
    /// Tasks: create, submit, list, get, info, stop, start, abort, delete, wait, …
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
    /// Move a render's data (upload, download) through the official transfer program; transfer
    /// ids, servers, keys, configuration and output files.
    Transfer {
        #[command(subcommand)]
        command: TransferCli,
    },
    /// Hardware configurations of the platform and of tasks (API 2).
    Hardware {
        #[command(subcommand)]
        command: HardwareCommand,
    },
    /// Analysis error codes.
    Error {
        #[command(subcommand)]
        command: ErrorCommand,
    },
    /// Call any endpoint by its wire name (getTaskList) with a JSON body, for a call or a
    /// parameter no other command offers.
    ///
    /// The body is read into the endpoint's typed request of the chosen --api-version: a field
    /// it does not have, or a value of the wrong type, is refused (exit 2, naming its JSON
    /// path) and nothing is sent. The reply's data is printed as the service sent it, once it
    /// has been read into the typed response; --raw prints the reply's bytes as received, whether or not they fit.
    Api(ApiArgs),
    /// Print the string to sign and the signature of a request (for a 611 reply); never the key.
    Sign(SignArgs),
    /// Check a server speaking this API against the spec: a stateful run through every
    /// endpoint (reads only with --read-only), each reply checked strictly; exit 0 only when
    /// clean.
    #[command(after_help = Exit::table(Some(Scope::Conform)))]
    Conform(ConformArgs),
    /// Write a profile of the config file, asking for each value (the key without echo).
    /// `--profile` chooses which.
    ///
    /// When stdin is not a terminal, the answers are read from it, one a line, in this order:
    /// access id, access key, host, platform, API version. An empty line keeps the current
    /// value (or the default shown in brackets); the questions are printed on stderr.
    Configure,
    /// Print a shell completion script (e.g. `renderbus completions bash >
    /// ~/.local/share/bash-completion/completions/renderbus`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into --dir.
    Man {
        /// Write renderbus.1, renderbus-task.1, renderbus-task-list.1, … here.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
    /// The fake farm.
    #[cfg(feature = "mock")]
    Mock {
        #[command(subcommand)]
        command: MockCommand,
    },
    /// Submit a whole render from one job file: check it (the file, then the farm, with reads
    /// only), then createTask, taskJsonFile and submitTask, each step recorded beside the job so
    /// --resume goes on without a second task.
    #[command(after_help = Exit::table(Some(Scope::Wait)))]
    Submit(submit::SubmitArgs),
    /// Serve the API as tools for AI agents: an MCP server on stdin and stdout, one tool per
    /// endpoint of --api-version (named as the API documents name it), plus waitForTask and
    /// (with --allow-writes) submitJob.
    /// Credentials come from the usual settings; --mock serves the embedded farm.
    Mcp(McpArgs),
    /// Start an embedded farm and run a whole render on it, step by step.
    #[cfg(feature = "mock")]
    Demo(DemoArgs),
}

#[derive(Subcommand, Debug)]
enum TaskCli {
    #[command(flatten)]
    Api(TaskCommand),
    /// Watch a task until it ends, with a progress bar of its frames (Ctrl-C leaves the task alone).
    #[command(after_help = Exit::table(Some(Scope::Wait)))]
    Wait(WaitArgs),
    /// One task, looked up by its id (`task info` answers a page of several).
    Get(GetArgs),
}

#[derive(Subcommand, Debug)]
enum TransferCli {
    #[command(flatten)]
    Api(TransferCommand),
    /// Upload files and folders (or an analyser's upload.json) to the farm's storage with the
    /// official transfer program, handed what rayvision_sync hands it; an interrupted upload
    /// resumes where it stopped.
    #[command(after_help = Exit::table(Some(Scope::Transfer)))]
    Upload(transfer::UploadArgs),
    /// Download tasks' outputs (--follow: each frame as it finishes) with the official
    /// transfer program.
    #[command(after_help = Exit::table(Some(Scope::Transfer)))]
    Download(transfer::DownloadArgs),
}

#[derive(clap::Args, Debug)]
struct GetArgs {
    /// The task.
    task_id: i64,
}

#[derive(clap::Args, Debug)]
struct WaitArgs {
    /// The task.
    task_id: i64,
    /// Seconds between polls (at least 0.5).
    #[arg(long, default_value_t = 5.0, value_parser = poll_interval)]
    interval: f64,
    /// Seconds to wait in all (default: as long as the task takes). Outages on the way
    /// (connection refused or reset, timeouts, 5xx) are ridden out until then.
    #[arg(long, value_name = "SECONDS")]
    wait_timeout: Option<f64>,
}

#[derive(clap::Args, Debug)]
struct McpArgs {
    /// Also list and serve the writes (create, submit, stop, delete, …); without it the
    /// tools only read.
    #[arg(long)]
    allow_writes: bool,
}

#[derive(clap::Args, Debug)]
struct ConformArgs {
    /// Call reads only: safe on a production account.
    #[arg(long)]
    read_only: bool,
}

#[derive(clap::Args, Debug)]
struct ApiArgs {
    /// The endpoint's wire name, as in the API documents (getTaskList, stopTask, …).
    name: String,
    /// The request body: JSON text, @FILE to read a file, - to read stdin.
    #[arg(long, default_value = "{}", value_name = "JSON|@FILE|-", value_parser = input::json_text)]
    body: String,
    /// Print the reply's bytes exactly as received instead of its data, whether or not its
    /// data fits the spec's response (exit 0 when the service says success).
    #[arg(long)]
    raw: bool,
}

#[derive(clap::Args, Debug)]
struct SignArgs {
    /// The API path.
    #[arg(long, default_value = "/api/render/common/queryPlatforms")]
    path: String,
    /// The JSON body: JSON text, @FILE to read a file, - to read stdin.
    #[arg(long, default_value = "{}", value_name = "JSON|@FILE|-", value_parser = input::json_text)]
    body: String,
    /// The UTCTimestamp to sign with (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The nonce to sign with (default: a random one).
    #[arg(long)]
    nonce: Option<u64>,
}

#[cfg(feature = "mock")]
#[derive(Subcommand, Debug)]
enum MockCommand {
    /// Serve a fake farm on 127.0.0.1 until interrupted.
    ///
    /// It accepts made-up credentials, printed at start, unless given some with
    /// --farm-access-id and --farm-access-key; it never takes the RENDERBUS_ACCESS_* variables
    /// or a profile, so a real key is never handed to (or printed by) a fake farm.
    Serve(render_api_mock::serve::ServeArgs),
}

/// `renderbus mock serve`'s own flags.
#[cfg(feature = "mock")]
#[cfg(feature = "mock")]
#[derive(clap::Args, Debug)]
struct DemoArgs {
    /// Farm seconds per real second (higher is faster).
    #[arg(long, default_value_t = 40.0)]
    speed: f64,
}

/// A failure, with the exit code it maps to.
struct Failure {
    code: Exit,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Api { .. } => Exit::Service,
            Error::Http { .. } | Error::Transport { .. } | Error::Timeout { .. } => {
                Exit::Unreachable
            }
            Error::WaitTimeout {
                outage: Some(_), ..
            } => Exit::Unreachable,
            Error::WaitTimeout { .. } => Exit::WaitTimeout,
            Error::Config(_) => Exit::Config,
            Error::Setting { .. } => Exit::Usage,
            Error::OutcomeUnknown { .. } => Exit::OutcomeUnknown,
            Error::Unsupported { .. }
            | Error::UnknownEndpoint { .. }
            | Error::Request { .. }
            | Error::UnknownFrames { .. } => Exit::Usage,
            _ => Exit::Failure,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let cli = {
        use clap::FromArgMatches as _;
        Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit())
    };
    init_tracing(&cli.globals);
    match run(cli) {
        Ok(code) => ExitCode::from(code.code()),
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code.code())
        }
    }
}

/// A number of seconds that is at least 1.
fn positive_seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("a call needs at least 1 second".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number of seconds")),
    }
}

/// Seconds between polls: at least 0.5 (the waiter's least interval), at most an hour.
fn poll_interval(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if (0.5..=3600.0).contains(&s) => Ok(s),
        Ok(_) => Err(format!(
            "`{text}` is out of range: poll at least every 0.5 s, at most every 3600 s"
        )),
        Err(_) => Err(format!("`{text}` is not a number of seconds")),
    }
}

/// A platform number: digits only (`2`), as the `platform` header carries it (the library's
/// one check, as for `RENDERBUS_PLATFORM` and a profile's `platform`).
fn platform_number(text: &str) -> Result<String, String> {
    render_api_client::check_platform(text)
}

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// The global options about reaching the service and printing its answers.
const SERVICE_OPTIONS: &[&str] = &[
    "host",
    "platform",
    "access_id",
    "access_key",
    "api_version",
    "profile",
    "timeout",
    "retries",
    "output",
    "mock",
];

/// The global options that do nothing in these commands, which are not listed in their help:
/// `(command path, options)`. `configure` writes a profile, so `--profile` and `-o` stay.
const UNUSED_GLOBALS: &[(&[&str], &[&str])] = &[
    #[cfg(feature = "mock")]
    (&["mock", "serve"], SERVICE_OPTIONS),
    (&["completions"], SERVICE_OPTIONS),
    (&["man"], SERVICE_OPTIONS),
    (
        &["configure"],
        &[
            "host",
            "platform",
            "access_id",
            "access_key",
            "api_version",
            "timeout",
            "retries",
            "mock",
        ],
    ),
];

/// The command line: the derived one, with the global options that do nothing in a command
/// hidden from its help.
///
/// clap does not pass a global option down to a command that has one of that name already, so
/// such a command gets a hidden copy of it.
fn command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command();
    for (path, unused) in UNUSED_GLOBALS {
        let hidden: Vec<clap::Arg> = command
            .get_arguments()
            .filter(|a| unused.contains(&a.get_id().as_str()))
            .map(|a| a.clone().global(false).hide(true))
            .collect();
        command = add_in(command, path, hidden);
    }
    command
}

fn add_in(command: clap::Command, path: &[&str], args: Vec<clap::Arg>) -> clap::Command {
    match path {
        [] => command.args(args),
        [first, rest @ ..] => command.mut_subcommand(*first, |c| add_in(c, rest, args)),
    }
}

/// Writes to stdout; a closed pipe ends the program with success (the reader has what it
/// wanted), any other failure to write with exit 1.
fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// Diagnostics on stderr: `RUST_LOG` when set, else the level of -q, -v, -vv or --debug
/// (warnings by default). The client's events carry no secret: requests are logged with the
/// signature redacted, replies not at all.
fn init_tracing(cli: &Globals) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::new(v),
        _ => EnvFilter::new(match (cli.quiet, cli.verbose, cli.debug) {
            (true, _, _) => "error",
            (_, _, true) | (_, 2.., _) => "warn,render_api_client=debug,renderbus=debug",
            (_, 1, _) => "warn,render_api_client=info,renderbus=info",
            _ => "warn",
        }),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// The settings a client is built from, after flags, environment and profile.
#[derive(Clone)]
struct Resolved {
    host: String,
    platform: String,
    credentials: Credentials,
    api: ApiVersion,
}

/// Flags (clap also reads their `RENDERBUS_*` variables), then the environment, then the
/// profile: the library's one resolution, [`Settings::resolve`](render_api_client::Settings::resolve).
fn resolve(cli: &Globals) -> Result<Resolved, Failure> {
    let flags = render_api_client::Settings::new(
        cli.access_id.clone(),
        cli.access_key.clone(),
        cli.host.clone(),
        cli.platform.clone(),
        cli.api_version.map(|v| v.header().to_owned()),
    );
    let found = render_api_client::Settings::resolve(flags, cli.profile.as_deref())?;
    Ok(Resolved {
        host: found.host,
        platform: found.platform,
        credentials: found.credentials,
        api: found.api.unwrap_or(ApiVersion::LATEST),
    })
}

/// The generation from the flag or `RENDERBUS_API_VERSION` (clap reads both), else the
/// newest (for the embedded farm, whose settings are its own).
#[cfg(feature = "mock")]
fn api_version(cli: &Globals) -> Result<ApiVersion, Failure> {
    match cli.api_version {
        Some(v) => Ok(v),
        None => match render_api_client::Settings::from_env().api_version {
            Some(text) => text.parse().map_err(|e: String| Failure {
                code: Exit::Usage,
                message: format!("RENDERBUS_API_VERSION: {e}"),
            }),
            None => Ok(ApiVersion::LATEST),
        },
    }
}

/// The client's settings from the command line: timeouts, retries and where to call.
fn client_builder(cli: &Globals, resolved: Resolved) -> render_api_client::ClientBuilder {
    Client::builder()
        .host(resolved.host)
        .platform(resolved.platform)
        .credentials(resolved.credentials)
        .timeout(Duration::from_secs(cli.timeout))
        .call_timeout(Duration::from_secs(cli.timeout))
        .retry(RetryPolicy {
            max_attempts: cli.retries.saturating_add(1),
            ..RetryPolicy::default()
        })
}

fn build_client(cli: &Globals, resolved: Resolved) -> Result<Clients, Failure> {
    let api = resolved.api;
    let builder = client_builder(cli, resolved);
    Ok(match api {
        ApiVersion::V1 => Clients::V1(builder.api::<V1>().build()?),
        ApiVersion::V2 => Clients::V2(builder.api::<V2>().build()?),
    })
}

/// The farm a command talks to: the embedded one with `--mock` (kept running as long as this
/// lives), else the configured one.
struct Target {
    resolved: Resolved,
    #[cfg(feature = "mock")]
    _embedded: Option<render_api_mock::MockFarm>,
}

impl Target {
    fn of(cli: &Globals) -> Result<Target, Failure> {
        #[cfg(feature = "mock")]
        if cli.mock {
            // Every frame renders: `renderbus demo` has the farm whose frame 3 fails once.
            let farm = demo::farm_failing(40.0, Vec::new()).map_err(|e| Failure {
                code: Exit::Failure,
                message: format!("cannot start the embedded farm: {e}"),
            })?;
            return Ok(Target {
                resolved: Resolved {
                    host: farm.url().to_owned(),
                    platform: "2".into(),
                    credentials: farm.credentials(),
                    api: api_version(cli)?,
                },
                _embedded: Some(farm),
            });
        }
        Ok(Target {
            resolved: resolve(cli)?,
            #[cfg(feature = "mock")]
            _embedded: None,
        })
    }
}

/// How output is shown.
#[derive(Debug, Clone, Copy)]
struct Show {
    format: Format,
    bar: bool,
}

impl Show {
    fn of(cli: &Globals) -> Show {
        Show {
            format: cli.output.unwrap_or(if std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Json
            }),
            bar: std::io::stderr().is_terminal() && !cli.quiet,
        }
    }

    /// Prints a command's output; it succeeded.
    fn print(self, output: Output) -> Result<Exit, Failure> {
        outln!("{}", output.render(self.format));
        Ok(Exit::Success)
    }
}

/// A command of the generated groups: its call, through a client of the target farm.
fn generated(
    cli: &Globals,
    show: Show,
    run: impl FnOnce(&Clients) -> Result<Output, Error>,
) -> Result<Exit, Failure> {
    let target = Target::of(cli)?;
    let client = build_client(cli, target.resolved.clone())?;
    show.print(run(&client)?)
}

/// Runs the command: one match over what was asked.
fn run(cli: Cli) -> Result<Exit, Failure> {
    let Cli {
        globals: cli,
        command: asked,
    } = cli;
    let cli = &cli;
    let show = Show::of(cli);
    match asked {
        Top::Completions { shell } => {
            let mut command = command();
            // Written through `write_out`, the one place stdout is written: a reader that
            // stops early (`| head`) ends the program quietly.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "renderbus", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(Exit::Success)
        }
        Top::Man { dir } => man(dir.as_deref()),
        Top::Configure => configure_profile(cli, show),
        #[cfg(feature = "mock")]
        Top::Mock {
            command: MockCommand::Serve(args),
        } => mock_serve(&args),
        #[cfg(feature = "mock")]
        Top::Demo(args) => run_demo(cli, &args, show),
        Top::Sign(args) => sign(&args, Target::of(cli)?.resolved),
        Top::Conform(args) => run_conform(cli, &args, show),
        Top::Submit(args) => submit::submit(cli, &args, show),
        Top::Mcp(args) => {
            let target = Target::of(cli)?;
            let api = target.resolved.api;
            mcp::serve(
                build_client(cli, target.resolved.clone())?,
                api,
                args.allow_writes,
            )
        }
        Top::Api(args) => {
            let target = Target::of(cli)?;
            if cli.output == Some(Format::Table) {
                return Err(Failure {
                    code: Exit::Usage,
                    message: "`api` prints the reply's data as the service sent it: -o json or -o yaml (the groups' commands print tables)".into(),
                });
            }
            api(
                &build_client(cli, target.resolved.clone())?,
                &args,
                match show.format {
                    Format::Table => Format::Json,
                    other => other,
                },
            )
        }
        Top::Task {
            command: TaskCli::Wait(args),
        } => task_wait(cli, &args, show),
        Top::Task {
            command: TaskCli::Get(args),
        } => generated(cli, show, |client| {
            Ok(Output::new(&match client {
                Clients::V1(c) => c.task(args.task_id)?,
                Clients::V2(c) => c.task(args.task_id)?,
            }))
        }),
        Top::Task {
            command: TaskCli::Api(c),
        } => generated(cli, show, |client| c.run(client)),
        Top::Frames { command } => generated(cli, show, |client| command.run(client)),
        Top::Env { command } => generated(cli, show, |client| command.run(client)),
        Top::Label { command } => generated(cli, show, |client| command.run(client)),
        Top::Software { command } => generated(cli, show, |client| command.run(client)),
        Top::User { command } => generated(cli, show, |client| command.run(client)),
        Top::Platform { command } => generated(cli, show, |client| command.run(client)),
        Top::Transfer {
            command: TransferCli::Upload(args),
        } => transfer::upload(cli, &args, show),
        Top::Transfer {
            command: TransferCli::Download(args),
        } => transfer::download(cli, &args, show),
        Top::Transfer {
            command: TransferCli::Api(command),
        } => generated(cli, show, |client| command.run(client)),
        Top::Hardware { command } => generated(cli, show, |client| command.run(client)),
        Top::Error { command } => generated(cli, show, |client| command.run(client)),
    }
}

/// `renderbus configure`.
fn configure_profile(cli: &Globals, show: Show) -> Result<Exit, Failure> {
    let profile = cli
        .profile
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "default".into());
    let written = configure::run(&profile)?;
    show.print(Output::done(
        "configure",
        serde_json::json!({
            "profile": written.profile,
            "path": written.path.display().to_string(),
        }),
        None,
    ))
}

/// `renderbus mock serve`.
#[cfg(feature = "mock")]
fn mock_serve(args: &render_api_mock::serve::ServeArgs) -> Result<Exit, Failure> {
    let options = args.options().map_err(|message| Failure {
        code: Exit::Usage,
        message,
    })?;
    render_api_mock::serve::serve(options).map_err(|e| Failure {
        code: Exit::Failure,
        message: format!("cannot start the farm on port {}: {e}", args.port),
    })?;
    Ok(Exit::Success)
}

/// `renderbus demo`: a whole render on an embedded farm, with the newest generation's calls.
#[cfg(feature = "mock")]
fn run_demo(cli: &Globals, args: &DemoArgs, show: Show) -> Result<Exit, Failure> {
    let farm = demo::farm(args.speed).map_err(|e| Failure {
        code: Exit::Failure,
        message: format!("cannot start the embedded farm: {e}"),
    })?;
    outln!(
        "embedded farm at {} (the test farm's own credentials)",
        farm.url()
    );
    let resolved = Resolved {
        host: farm.url().to_owned(),
        platform: "2".into(),
        credentials: farm.credentials(),
        api: ApiVersion::V2,
    };
    let client = client_builder(cli, resolved).build()?;
    demo::run(&client, Duration::from_millis(250), show.format, show.bar)?;
    Ok(Exit::Success)
}

/// `renderbus conform`.
fn run_conform(cli: &Globals, args: &ConformArgs, show: Show) -> Result<Exit, Failure> {
    let spec = conform::spec().map_err(|message| Failure {
        code: Exit::Failure,
        message,
    })?;
    let target = Target::of(cli)?;
    let resolved = target.resolved.clone();
    let options = conform::Options {
        api: resolved.api,
        read_only: args.read_only,
    };
    let client = build_client(cli, resolved)?;
    let report = conform::run(&spec, &client, &options).map_err(|stop| match stop {
        conform::Stop::Setup(message) => Failure {
            code: Exit::Usage,
            message,
        },
        conform::Stop::Unanswered(e) => {
            let failure = Failure::from(e);
            Failure {
                message: format!("conform stopped: {}", failure.message),
                ..failure
            }
        }
    })?;
    match show.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Format::Yaml => out!("{}", serde_yaml::to_string(&report).unwrap_or_default()),
        Format::Table => out!("{}", report.text()),
    }
    Ok(if report.clean() {
        Exit::Success
    } else {
        Exit::Disagrees
    })
}

/// `renderbus task wait`: the waiter's outcome is the exit code.
fn task_wait(cli: &Globals, args: &WaitArgs, show: Show) -> Result<Exit, Failure> {
    let target = Target::of(cli)?;
    let client = build_client(cli, target.resolved.clone())?;
    let interval = Duration::from_secs_f64(args.interval);
    let timeout = args
        .wait_timeout
        .map(|s| Duration::from_secs_f64(s.clamp(0.0, 1e9)));
    let waited = match &client {
        Clients::V1(c) => wait::wait(c, args.task_id, interval, timeout, show.bar),
        Clients::V2(c) => wait::wait(c, args.task_id, interval, timeout, show.bar),
    };
    let task = match waited {
        Ok(task) => task,
        Err(e @ Error::WaitTimeout { .. }) => {
            // Ended in an outage: the service could not be reached (4), not a slow render (10).
            let code = match &e {
                Error::WaitTimeout {
                    outage: Some(_), ..
                } => Exit::Unreachable,
                _ => Exit::WaitTimeout,
            };
            return Err(Failure {
                code,
                message: e.to_string(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let outcome = ended(&task, cli.quiet);
    outln!("{}", Output::new(&task).render(show.format));
    Ok(wait::exit_code(outcome))
}

/// How a waited-for task ended; unless it simply finished (or `quiet`), a line on stderr says
/// how, beside the exit code that says it too (`task wait`, `submit --wait`).
fn ended(task: &render_api_client::types::TaskInfo, quiet: bool) -> Outcome {
    let outcome = Outcome::of(&task.task_status).unwrap_or(Outcome::Failed);
    if outcome != Outcome::Finished && !quiet {
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
    outcome
}

/// `renderbus api NAME --body JSON [--raw]`.
fn api(client: &Clients, args: &ApiArgs, format: Format) -> Result<Exit, Failure> {
    let body: serde_json::Value = serde_json::from_str(&args.body).map_err(|e| Failure {
        code: Exit::Usage,
        message: format!("--body is not JSON: {e}"),
    })?;
    if args.raw {
        // The reply's data is not read into the typed response: a reply the spec would refuse
        // is printed too. The request is still checked before anything is sent.
        let replied = match client {
            Clients::V1(c) => c.call_json_unchecked(&args.name, &body)?,
            Clients::V2(c) => c.call_json_unchecked(&args.name, &body)?,
        };
        // The bytes as received; they are JSON text, so lossless as UTF-8.
        outln!("{}", String::from_utf8_lossy(&replied.reply.body));
        return Ok(Exit::Success);
    }
    let replied = match client {
        Clients::V1(c) => c.call_json(&args.name, &body)?,
        Clients::V2(c) => c.call_json(&args.name, &body)?,
    };
    outln!("{}", Output::data(replied.reply.data()).render(format));
    Ok(Exit::Success)
}

/// The man page on stdout, or every command's page written into `dir`.
fn man(dir: Option<&std::path::Path>) -> Result<Exit, Failure> {
    let command = command();
    let failed = |e: std::io::Error| Failure {
        code: Exit::Failure,
        message: match dir {
            Some(d) => format!("cannot write the man pages into {}: {e}", d.display()),
            None => format!("cannot write the man page: {e}"),
        },
    };
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(failed)?;
            clap_mangen::generate_to(command, dir).map_err(failed)?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(failed)?;
            out!("{}", String::from_utf8_lossy(&page));
        }
    }
    Ok(Exit::Success)
}

fn status_meaning(status: TaskStatus) -> &'static str {
    use render_api_client::types::CodedEnum;
    status
        .meaning_en()
        .unwrap_or("a state this SDK does not know")
}

fn sign(args: &SignArgs, resolved: Resolved) -> Result<Exit, Failure> {
    let body: serde_json::Value = serde_json::from_str(&args.body).map_err(|e| Failure {
        code: Exit::Usage,
        message: format!("--body is not JSON: {e}"),
    })?;
    let timestamp = args.timestamp.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    let nonce = match args.nonce {
        Some(n) => Nonce::from(n),
        None => Nonce::random().map_err(|e| Failure {
            code: Exit::Failure,
            message: e.to_string(),
        })?,
    };
    // Signed by the client's core, as every call is: the host as sent, the platform, and the
    // chosen generation's version header.
    let builder = Client::builder()
        .host(&resolved.host)
        .platform(&resolved.platform)
        .credentials(resolved.credentials.clone());
    let signed = match resolved.api {
        ApiVersion::V1 => builder
            .api::<render_api_client::V1>()
            .build_core()?
            .sign(&args.path, &body, timestamp, nonce),
        ApiVersion::V2 => builder
            .build_core()?
            .sign(&args.path, &body, timestamp, nonce),
    }
    .map_err(|e| Failure {
        code: Exit::Usage,
        message: e.to_string(),
    })?;
    outln!("string to sign: {}", signed.string_to_sign);
    outln!("signature:      {}", signed.signature());
    outln!("headers:");
    for (name, value) in &signed.headers {
        outln!("  {name}: {value}");
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every endpoint of the spec is reachable as `renderbus GROUP COMMAND`, as the spec
    /// names it.
    #[test]
    fn every_endpoint_has_its_command() {
        // The spec's copy in this crate (the generator writes it beside the commands).
        let spec = conform::spec().expect("the spec lints");
        let cli = Cli::command();
        for ep in &spec.endpoints {
            let group = cli
                .find_subcommand(&ep.cli.group)
                .unwrap_or_else(|| panic!("no `renderbus {}` for {}", ep.cli.group, ep.name));
            assert!(
                group.find_subcommand(&ep.cli.command).is_some(),
                "no `renderbus {} {}` for {}",
                ep.cli.group,
                ep.cli.command,
                ep.name
            );
        }
        cli.debug_assert();
    }
}
