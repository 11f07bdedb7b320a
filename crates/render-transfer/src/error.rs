//! The one error type of transfers.

use std::path::PathBuf;

/// What can go wrong when moving a render's data. Every variant says what was wrong and
/// where; none carries a secret (the transfer program is handed storage ids, never a password
/// or a key).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call to the service failed (the account, the transfer configuration, a task).
    #[error(transparent)]
    Api(#[from] render_api_client::Error),
    /// No transfer program was given and none was found.
    #[error(
        "the transfer program (rayvision_transmitter) was not found: {searched}. It ships inside \
         the official transfer package: `pip install rayvision-sync==3.1.8` installs it where this \
         SDK finds it, or give its path with --transmitter, RENDERBUS_TRANSMITTER or the \
         profile's `transmitter`"
    )]
    TransmitterNotFound {
        /// Where it was looked for.
        searched: String,
    },
    /// The transfer program given cannot run here.
    #[error("the transfer program {}: {problem}", path.display())]
    TransmitterUnusable {
        /// The program.
        path: PathBuf,
        /// Why it cannot run (missing, not executable, built for another system).
        problem: String,
    },
    /// The farm's transfer configuration (getConfig) does not offer the engine asked for.
    #[error(
        "the farm's transfer configuration (getConfig) offers no engine `{engine}`; it offers: {offered}"
    )]
    EngineNotOffered {
        /// The engine asked for.
        engine: String,
        /// The engines getConfig lists.
        offered: String,
    },
    /// The engine has no line of that name, or no default line.
    #[error("{}", match line {
        Some(line) => format!("engine `{engine}` has no line named `{line}`; its lines: {lines}"),
        None => format!("engine `{engine}` has no default line; choose one with --line: {lines}"),
    })]
    NoSuchLine {
        /// The engine.
        engine: String,
        /// The line asked for (`None`: the default).
        line: Option<String>,
        /// The lines it has.
        lines: String,
    },
    /// The account's reply lacks what a transfer needs.
    #[error("the account cannot transfer: {0}")]
    Account(String),
    /// A local path or file is wrong (does not exist, cannot be read, is not an upload list).
    #[error("{}: {problem}", path.display())]
    Local {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A task has nothing to download yet.
    #[error("task {task} has no output yet (no frame of it has finished)")]
    NoOutput {
        /// The task.
        task: i64,
    },
    /// The local Raysync proxy program is not where it was looked for, or cannot start.
    #[error(
        "the Raysync proxy program in {}: {problem}. rayvision_sync downloads it into that folder \
         on first use (https://<the service's host>/download/RaysyncCmd.zip); unpack it there, or \
         give its folder with --raysync-dir",
        dir.display()
    )]
    ProxyNotInstalled {
        /// Its folder.
        dir: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The local Raysync proxy refused a request or could not be reached.
    #[error("the Raysync proxy: {request}: {problem}")]
    Proxy {
        /// The request (`/create-task`, …).
        request: String,
        /// What went wrong.
        problem: String,
    },
    /// The transfer program could not be started.
    #[error("cannot start the transfer program {}: {source}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The transfer program failed: fatally (-1, or a code it does not document), or asking to
    /// be retried (1) more often than the retry policy allows.
    #[error(
        "the transfer failed: the transfer program exited {code} ({}) after {attempts} attempt(s); its log is in {}",
        meaning(*code),
        log.display()
    )]
    Failed {
        /// Its last exit code (-1 for a fatal error, 1 for one that asks to be retried).
        code: i32,
        /// How many times it was run.
        attempts: u32,
        /// The folder of its log.
        log: PathBuf,
    },
}

/// What an exit code of the transfer program means (its `usage.txt`: 0 success, 1 retry, -1
/// fatal).
pub(crate) fn meaning(code: i32) -> &'static str {
    match code {
        0 => "success",
        1 => "a recoverable error: retried, without success",
        -1 => "a fatal error",
        _ => "a code the program does not document",
    }
}
