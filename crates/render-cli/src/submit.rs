//! `renderbus submit JOB`: a whole render from one job file (see `render_api_client::job`).

use std::path::PathBuf;
use std::time::Duration;

use render_api_client::job::{Job, JobFault, State, Step, Uploads};
use render_api_client::{ApiVersion, Client, V2};
use serde_json::json;

use crate::exit::Exit;
use crate::output::{Format, Output};
use crate::{Failure, Globals, Show, Target, client_builder, wait};

/// `renderbus submit`'s arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct SubmitArgs {
    /// The job file (TOML; see examples/jobs/).
    #[arg(required_unless_present = "schema")]
    job: Option<PathBuf>,
    /// Check the job file, print the calls it would make and the task configuration, and send
    /// nothing.
    #[arg(long)]
    dry_run: bool,
    /// Wait for the task to end, with a progress bar; the exit code says how it ended.
    #[arg(long)]
    wait: bool,
    /// Seconds between polls with --wait (at least 0.5).
    #[arg(long, default_value_t = 5.0, value_parser = crate::poll_interval)]
    interval: f64,
    /// Go on with a run that stopped half-way, from the state file beside the job
    /// (JOB.state.json): the steps done are not done again, so no second task is made.
    #[arg(long)]
    resume: bool,
    /// Print the JSON Schema of job files (for editors) and exit.
    #[arg(long, conflicts_with_all = ["dry_run", "wait", "resume"])]
    schema: bool,
    /// Download the task's outputs into DIR as its frames finish, until it ends (through the
    /// official transfer program); the exit code says how it ended, as with --wait.
    #[arg(long, value_name = "DIR")]
    download: Option<PathBuf>,
    /// Do not upload the job's files (its `assets`, or its analyser's upload.json) before
    /// submitting.
    #[arg(long)]
    no_upload: bool,
    #[command(flatten)]
    transfer: crate::transfer::TransferOpts,
}

fn fault(e: JobFault) -> Failure {
    match e {
        JobFault::Call(e) => e.into(),
        other => Failure {
            code: Exit::Usage,
            message: other.to_string(),
        },
    }
}

/// `renderbus submit`.
pub(crate) fn submit(cli: &Globals, args: &SubmitArgs, show: Show) -> Result<Exit, Failure> {
    if args.schema {
        outln!(
            "{}",
            serde_json::to_string_pretty(&Job::schema()).unwrap_or_default()
        );
        return Ok(Exit::Success);
    }
    let Some(path) = &args.job else {
        return Err(Failure {
            code: Exit::Usage,
            message: "give the job file".into(),
        });
    };
    let job = Job::load(path).map_err(fault)?;
    let uploads = job.uploads().filter(|_| !args.no_upload);
    if args.dry_run {
        let mut calls: Vec<String> = job.calls().into_iter().map(str::to_owned).collect();
        if let Some(uploads) = &uploads {
            let what = match uploads {
                Uploads::Paths(paths) => {
                    format!("upload of {} path(s) (the transfer program)", paths.len())
                }
                Uploads::UploadJson(list) => {
                    format!("upload of {} (the transfer program)", list.display())
                }
            };
            calls.insert(calls.len() - 1, what);
        }
        if let Some(dir) = &args.download {
            calls.push(format!("download into {} as frames finish", dir.display()));
        }
        let plan = json!({
            "calls": calls,
            "stateFile": State::path_for(job.path()).display().to_string(),
            "taskJson": job.task_config(None, None, None),
        });
        outln!(
            "{}",
            Output::data(plan).render(cli.output.unwrap_or(Format::Json))
        );
        return Ok(Exit::Success);
    }
    let target = Target::of(cli)?;
    if target.resolved.api != ApiVersion::V2 {
        return Err(Failure {
            code: Exit::Usage,
            message:
                "submit needs API 2: API 1 has no taskJsonFile to send the task configuration with"
                    .into(),
        });
    }
    let client: Client<V2> = client_builder(cli, target.resolved.clone())
        .api::<V2>()
        .build()?;
    // An embedded farm lives as long as this run: its state file would name a task of no farm.
    #[cfg(feature = "mock")]
    let embedded = cli.mock;
    #[cfg(not(feature = "mock"))]
    let embedded = false;
    let state_file = if embedded {
        std::env::temp_dir().join(format!("renderbus-mock-{}.state.json", std::process::id()))
    } else {
        State::path_for(job.path())
    };
    let mut state = State::open(
        state_file.clone(),
        &job,
        client.core().base_url(),
        args.resume,
    )
    .map_err(fault)?;
    // The transfer program and the account's transfer settings, before anything is made.
    let transfers = if uploads.is_some() || args.download.is_some() {
        Some(crate::transfer::transfers(cli, &client, &args.transfer)?)
    } else {
        None
    };
    let checked = job.check(&client).map_err(fault)?;
    for warning in &checked.warnings {
        if !cli.quiet {
            eprintln!("warning: {warning}");
        }
    }
    let step = |step: Step| {
        if !cli.quiet {
            eprintln!("{step}");
        }
    };
    let task = job
        .prepare(&client, &checked, &mut state, step)
        .map_err(fault)?;
    if let (Some(uploads), Some(transfers)) = (&uploads, &transfers) {
        if state.done("upload") {
            step(Step::Skipped("upload", "the job's files".into()));
        } else {
            let (list, files, invocations) =
                crate::transfer::upload_plan(transfers, uploads, Some(task))?;
            crate::transfer::run_all(transfers, &invocations, cli, show)?;
            state.mark_done("upload").map_err(fault)?;
            step(Step::Done(
                "upload",
                format!("{files} file(s) of {}", list.display()),
            ));
        }
    }
    Job::submit_prepared(&client, task, &mut state, step).map_err(fault)?;
    if embedded {
        let _ = std::fs::remove_file(&state_file);
    }
    if let (Some(dir), Some(transfers)) = (&args.download, &transfers) {
        let interval = Duration::from_secs_f64(args.interval);
        let files = crate::transfer::follow(transfers, &[task], dir, interval, cli, show)?;
        if !cli.quiet {
            eprintln!("download: {} file(s) into {}", files.len(), dir.display());
        }
        let info = client.task(task)?;
        let outcome = crate::ended(&info, cli.quiet);
        outln!("{}", Output::new(&info).render(show.format));
        return Ok(wait::exit_code(outcome));
    }
    if !args.wait {
        outln!(
            "{}",
            Output::data(json!({"taskId": task, "submitted": true, "stateFile": (!embedded).then(|| state_file.display().to_string())}))
                .render(show.format)
        );
        return Ok(Exit::Success);
    }
    let interval = Duration::from_secs_f64(args.interval);
    let info = wait::wait(&client, task, interval, None, show.bar)?;
    let outcome = crate::ended(&info, cli.quiet);
    outln!("{}", Output::new(&info).render(show.format));
    Ok(wait::exit_code(outcome))
}
