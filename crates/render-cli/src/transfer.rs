//! `renderbus transfer upload` and `renderbus transfer download`: a render's data moved by the
//! official transfer program (see `render_transfer`).

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use render_api_client::{ApiVersion, Client, Settings, V2};
use render_transfer::{
    Engine, Error, Event, Invocation, Options, Transfers, Transmitter, UploadList,
};
use serde_json::json;

use crate::exit::Exit;
use crate::output::Output;
use crate::{Failure, Globals, Show, Target, client_builder};

/// How a transfer runs: the options every transfer command takes.
#[derive(clap::Args, Debug)]
pub(crate) struct How {
    /// The transfer program (rayvision_transmitter). Default: RENDERBUS_TRANSMITTER, the
    /// profile's `transmitter`, else the one inside the rayvision_sync package of the Python
    /// on PATH (`pip install rayvision-sync==3.1.8`).
    #[arg(long, value_name = "PATH")]
    transmitter: Option<PathBuf>,
    /// The transfer engine.
    #[arg(long, value_enum, default_value_t = EngineArg::Aspera)]
    engine: EngineArg,
    /// The transfer line, by name (see `renderbus transfer config`); default: the engine's
    /// default line.
    #[arg(long, value_name = "NAME")]
    line: Option<String>,
    /// The Raysync proxy program's folder (with cluster.xml and start.sh), for --engine
    /// raysyncproxy. Default: rayvision_raysync/RaysyncCmd inside the rayvision_sync package
    /// of the Python on PATH, where rayvision_sync keeps it.
    #[arg(long, value_name = "DIR")]
    raysync_dir: Option<PathBuf>,
    /// The speed limit, KB/s (default 1048576, as rayvision_sync's).
    #[arg(long, value_name = "KB/s", value_parser = clap::value_parser!(u64).range(1..))]
    speed: Option<u64>,
    /// Print the transfer program's commands and send nothing to it (the service is still
    /// asked what the commands need: the account, the lines, the tasks' outputs).
    #[arg(long)]
    dry_run: bool,
}

/// The engines (`--engine`).
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum EngineArg {
    /// Aspera, rayvision_sync's default: through the transfer program.
    Aspera,
    /// Raysync: through the local Raysync proxy program.
    Raysyncproxy,
}

/// `renderbus transfer upload`'s arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct UploadArgs {
    /// Files and folders to upload (a folder: every file under it), to the server paths the
    /// official analysers give them (`D:\shot\a.mb` → `/D/shot/a.mb`).
    #[arg(
        required_unless_present = "upload_json",
        conflicts_with = "upload_json"
    )]
    paths: Vec<PathBuf>,
    /// Upload what an analyser's upload.json lists instead.
    #[arg(long, value_name = "FILE")]
    upload_json: Option<PathBuf>,
    /// The task the files are for: its upload list is uploaded too, as the task's
    /// configuration file (`/<task>/cfg/upload.json`), as rayvision_sync's `upload` does.
    #[arg(long, value_name = "ID")]
    task: Option<i64>,
    #[command(flatten)]
    how: How,
}

/// `renderbus transfer download`'s arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct DownloadArgs {
    /// The tasks.
    #[arg(required = true, value_name = "TASK")]
    tasks: Vec<i64>,
    /// The folder to download into (made when missing).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// Download each frame as it finishes, until the tasks end (as rayvision_sync's
    /// `auto_download`); a file downloaded once is not fetched again.
    #[arg(long)]
    follow: bool,
    /// Seconds between polls with --follow (at least 0.5).
    #[arg(long, default_value_t = 10.0, requires = "follow")]
    interval: f64,
    #[command(flatten)]
    how: How,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Api(_) => match e {
                Error::Api(inner) => return Failure::from(inner),
                _ => Exit::Failure,
            },
            Error::TransmitterNotFound { .. }
            | Error::TransmitterUnusable { .. }
            | Error::ProxyNotInstalled { .. } => Exit::Config,
            Error::Failed { .. } | Error::Spawn { .. } | Error::Proxy { .. } => {
                Exit::TransferFailed
            }
            _ => Exit::Usage,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

/// The client and the program, checked before anything moves.
fn prepare(cli: &Globals, how: &How) -> Result<(Target, Client, Transmitter), Failure> {
    let target = Target::of(cli)?;
    if target.resolved.api != ApiVersion::V2 {
        return Err(Failure {
            code: Exit::Usage,
            message: "transfers need API 2 (getConfig, the transfer lines, is an API 2 call): drop --api-version 1".into(),
        });
    }
    let given = match &how.transmitter {
        Some(path) => Some(path.clone()),
        None => {
            let env = Settings::from_env().transmitter;
            let profile = match env {
                Some(p) => Some(p),
                None => Settings::from_profile(cli.profile.as_deref())?.transmitter,
            };
            profile.map(PathBuf::from)
        }
    };
    let transmitter = Transmitter::locate(given.as_deref())?;
    let client = client_builder(cli, target.resolved.clone())
        .api::<V2>()
        .build()?;
    Ok((target, client, transmitter))
}

fn options(how: &How) -> Options {
    Options {
        engine: match how.engine {
            EngineArg::Aspera => Engine::Aspera,
            EngineArg::Raysyncproxy => Engine::RaysyncProxy,
        },
        line: how.line.clone(),
        speed: how.speed,
        home: None,
        raysync_dir: how.raysync_dir.clone(),
    }
}

/// Runs the invocations with a progress bar (files moved of those listed) on a terminal and
/// a line on stderr for each retry.
fn run_all(
    transfers: &Transfers<'_>,
    invocations: &[Invocation],
    cli: &Globals,
    show: Show,
) -> Result<(), Failure> {
    for invocation in invocations {
        let bar = bar(show, invocation.files_to_move);
        bar.set_message(invocation.what.clone());
        let quiet = cli.quiet;
        transfers.run(invocation, &mut |event| match event {
            Event::FileDone { .. } => bar.inc(1),
            Event::Files { done, of } => {
                bar.set_length(of);
                bar.set_position(done);
            }
            Event::Retrying { code, after } if !quiet => bar.suspend(|| {
                eprintln!(
                    "{}: the transfer program asked to be retried (exit {code}); again in {:.1}s",
                    invocation.what,
                    after.as_secs_f64()
                )
            }),
            _ => {}
        })?;
        bar.finish_and_clear();
    }
    Ok(())
}

fn bar(show: Show, files: Option<u64>) -> ProgressBar {
    if !show.bar {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(files, ProgressDrawTarget::stderr());
    let style = match files {
        Some(_) => ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files · {msg}",
        ),
        None => ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos} files · {msg}"),
    };
    bar.set_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn dry_run(invocations: &[Invocation]) -> Result<Exit, Failure> {
    for invocation in invocations {
        outln!("{}", invocation.command_line());
    }
    Ok(Exit::Success)
}

/// `renderbus transfer upload`.
pub(crate) fn upload(cli: &Globals, args: &UploadArgs, show: Show) -> Result<Exit, Failure> {
    let (_target, client, transmitter) = prepare(cli, &args.how)?;
    let transfers = Transfers::new(&client, transmitter, options(&args.how))?;
    let (list_path, assets) = match &args.upload_json {
        Some(path) => (path.clone(), transfers.upload_json(path)?),
        None => {
            let list = UploadList::from_paths(&args.paths)?;
            (transfers.list_path(&list), transfers.upload_list(&list)?)
        }
    };
    let files = assets.files_to_move.unwrap_or(0);
    let mut invocations = Vec::new();
    if let Some(task) = args.task {
        // rayvision_sync's `upload`: the task's configuration files first, then the assets.
        let mut config = transfers.upload_config_file(task, &list_path)?;
        // A list this command writes is written before its first use.
        config.files.extend(
            assets
                .files
                .iter()
                .filter(|(path, _)| *path == list_path)
                .cloned(),
        );
        invocations.push(config);
    }
    invocations.push(assets);
    if args.how.dry_run {
        return dry_run(&invocations);
    }
    run_all(&transfers, &invocations, cli, show)?;
    show.print(Output::done(
        "transfer upload",
        json!({
            "files": files,
            "uploadJson": list_path.display().to_string(),
            "task": args.task,
        }),
        None,
    ))
}

/// `renderbus transfer download`.
pub(crate) fn download(cli: &Globals, args: &DownloadArgs, show: Show) -> Result<Exit, Failure> {
    let (_target, client, transmitter) = prepare(cli, &args.how)?;
    let transfers = Transfers::new(&client, transmitter, options(&args.how))?;
    if !args.follow {
        let invocations = transfers.download(&args.tasks, &args.to)?;
        if args.how.dry_run {
            return dry_run(&invocations);
        }
        std::fs::create_dir_all(&args.to).map_err(|e| Failure {
            code: Exit::Usage,
            message: format!("{}: cannot create the folder: {e}", args.to.display()),
        })?;
        run_all(&transfers, &invocations, cli, show)?;
        return show.print(Output::done(
            "transfer download",
            json!({
                "tasks": args.tasks,
                "to": args.to.display().to_string(),
                "outputs": invocations.len(),
            }),
            None,
        ));
    }
    if args.how.dry_run {
        return Err(Failure {
            code: Exit::Usage,
            message: "--follow downloads files as they appear, so it has no commands to print beforehand: drop --dry-run or --follow".into(),
        });
    }
    std::fs::create_dir_all(&args.to).map_err(|e| Failure {
        code: Exit::Usage,
        message: format!("{}: cannot create the folder: {e}", args.to.display()),
    })?;
    let interval = Duration::from_secs_f64(args.interval.clamp(0.5, 3600.0));
    let bar = bar(show, None);
    bar.set_message(format!("following {} task(s)", args.tasks.len()));
    let bar_ref = &bar;
    let quiet = cli.quiet;
    let files = transfers.follow(&args.tasks, &args.to, interval, &mut |event| match event {
        Event::Downloaded { task, file } => {
            bar_ref.inc(1);
            bar_ref.set_message(format!("task {task}: {file}"));
        }
        Event::Retrying { code, after } if !quiet => bar_ref.suspend(|| {
            eprintln!(
                "the transfer program asked to be retried (exit {code}); again in {:.1}s",
                after.as_secs_f64()
            )
        }),
        _ => {}
    })?;
    bar.finish_and_clear();
    show.print(Output::done(
        "transfer download",
        json!({
            "tasks": args.tasks,
            "to": args.to.display().to_string(),
            "files": files,
        }),
        None,
    ))
}
