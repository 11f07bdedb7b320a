//! `renderbus transfer upload` and `renderbus transfer download`: a render's data moved by the
//! official transfer program (see `render_transfer`).

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use render_api_client::job::Uploads;
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
    #[command(flatten)]
    opts: TransferOpts,
    /// Print the transfer program's commands and send nothing to it (the service is still
    /// asked what the commands need: the account, the lines, the tasks' outputs).
    #[arg(long)]
    dry_run: bool,
}

/// Which program, engine, line and speed a transfer uses (`transfer`, and `submit` when its
/// job uploads or `--download` is given).
#[derive(clap::Args, Debug)]
pub(crate) struct TransferOpts {
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
    #[arg(long, default_value_t = 10.0, requires = "follow", value_parser = crate::poll_interval)]
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

/// The client of the command's farm (API 2: getConfig is an API 2 call).
fn client(cli: &Globals) -> Result<(Target, Client), Failure> {
    let target = Target::of(cli)?;
    if target.resolved.api != ApiVersion::V2 {
        return Err(Failure {
            code: Exit::Usage,
            message: "transfers need API 2 (getConfig, the transfer lines, is an API 2 call): drop --api-version 1".into(),
        });
    }
    let client = client_builder(cli, target.resolved.clone())
        .api::<V2>()
        .build()?;
    Ok((target, client))
}

/// The program (from the flag, the environment, the profile or the Python on PATH) and the
/// account's transfer settings, checked before anything moves.
pub(crate) fn transfers<'c>(
    cli: &Globals,
    client: &'c Client,
    opts: &TransferOpts,
) -> Result<Transfers<'c>, Failure> {
    let given = match &opts.transmitter {
        Some(path) => Some(path.clone()),
        None => match Settings::from_env().transmitter {
            Some(p) => Some(PathBuf::from(p)),
            None => Settings::from_profile(cli.profile.as_deref())?
                .transmitter
                .map(PathBuf::from),
        },
    };
    let transmitter = Transmitter::locate(given.as_deref())?;
    let options = Options {
        engine: match opts.engine {
            EngineArg::Aspera => Engine::Aspera,
            EngineArg::Raysyncproxy => Engine::RaysyncProxy,
        },
        line: opts.line.clone(),
        speed: opts.speed,
        home: None,
        raysync_dir: opts.raysync_dir.clone(),
    };
    Ok(Transfers::new(client, transmitter, options)?)
}

/// The upload of what `uploads` names, and, for `task`, of its list as the task's
/// configuration file first (rayvision_sync's `upload`: configuration, then assets). Answers
/// the list's path, the number of files and the invocations.
pub(crate) fn upload_plan(
    transfers: &Transfers<'_>,
    uploads: &Uploads,
    task: Option<i64>,
) -> Result<(PathBuf, u64, Vec<Invocation>), Failure> {
    let (list_path, assets) = match uploads {
        Uploads::UploadJson(path) => (path.clone(), transfers.upload_json(path)?),
        Uploads::Paths(paths) => {
            let list = UploadList::from_paths(paths)?;
            (transfers.list_path(&list), transfers.upload_list(&list)?)
        }
    };
    let files = assets.files_to_move.unwrap_or(0);
    let mut invocations = Vec::new();
    if let Some(task) = task {
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
    Ok((list_path, files, invocations))
}

/// Runs the invocations with a progress bar (files moved of those listed) on a terminal and
/// a line on stderr for each retry.
pub(crate) fn run_all(
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
            Event::Retrying { code, after } if !quiet => {
                bar.suspend(|| say_retry(&invocation.what, code, after))
            }
            _ => {}
        })?;
        bar.finish_and_clear();
    }
    Ok(())
}

/// The line on stderr for a retry of the transfer program.
fn say_retry(what: &str, code: i32, after: Duration) {
    eprintln!(
        "{what}: the transfer program asked to be retried (exit {code}); again in {:.1}s",
        after.as_secs_f64()
    );
}

/// Makes the folder to download into.
fn create_folder(to: &std::path::Path) -> Result<(), Failure> {
    std::fs::create_dir_all(to).map_err(|e| Failure {
        code: Exit::Usage,
        message: format!("{}: cannot create the folder: {e}", to.display()),
    })
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
    let (_target, client) = client(cli)?;
    let transfers = transfers(cli, &client, &args.how.opts)?;
    let uploads = match &args.upload_json {
        Some(path) => Uploads::UploadJson(path.clone()),
        None => Uploads::Paths(args.paths.clone()),
    };
    let (list_path, files, invocations) = upload_plan(&transfers, &uploads, args.task)?;
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

/// Downloads the tasks' frames as they finish, with a count of files on a terminal.
pub(crate) fn follow(
    transfers: &Transfers<'_>,
    tasks: &[i64],
    to: &std::path::Path,
    interval: Duration,
    cli: &Globals,
    show: Show,
) -> Result<Vec<String>, Failure> {
    create_folder(to)?;
    let bar = bar(show, None);
    bar.set_message(format!("following {} task(s)", tasks.len()));
    let bar_ref = &bar;
    let quiet = cli.quiet;
    let files = transfers.follow(tasks, to, interval, &mut |event| match event {
        Event::Downloaded { task, file } => {
            bar_ref.inc(1);
            bar_ref.set_message(format!("task {task}: {file}"));
        }
        Event::Retrying { code, after } if !quiet => {
            bar_ref.suspend(|| say_retry("a download", code, after))
        }
        _ => {}
    })?;
    bar.finish_and_clear();
    Ok(files)
}

/// `renderbus transfer download`.
pub(crate) fn download(cli: &Globals, args: &DownloadArgs, show: Show) -> Result<Exit, Failure> {
    let (_target, client) = client(cli)?;
    let transfers = transfers(cli, &client, &args.how.opts)?;
    if !args.follow {
        let invocations = transfers.download(&args.tasks, &args.to)?;
        if args.how.dry_run {
            return dry_run(&invocations);
        }
        create_folder(&args.to)?;
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
        // The files there are now, one command each; later ones get theirs as they appear.
        let now = transfers.downloads_now(&args.tasks, &args.to, &Default::default())?;
        if !cli.quiet {
            eprintln!(
                "{} file(s) to download now; --follow downloads each later one as it appears, the same way",
                now.len()
            );
        }
        let invocations: Vec<Invocation> = now.into_iter().map(|(_, _, i)| i).collect();
        return dry_run(&invocations);
    }
    // `follow` makes the folder.
    let interval = Duration::from_secs_f64(args.interval);
    let files = follow(&transfers, &args.tasks, &args.to, interval, cli, show)?;
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
