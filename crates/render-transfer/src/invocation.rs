//! One run of the transfer program: exactly what it is handed, and running it with the
//! retry policy.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::Error;

/// What the transfer program reads on standard input: rayvision_sync pipes it `echo y`.
pub const STDIN: &[u8] = b"y\n";

/// One transfer: what it moves, and how — a run of the transfer program (Aspera), or a task
/// of the local Raysync proxy.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// What it moves, for messages (`upload of 3 file(s)`, `download of 19084_shot010`).
    pub what: String,
    /// How many files it moves, when known (an upload list's length).
    pub files_to_move: Option<u64>,
    /// Files written before it runs: an upload list, the configuration database's settings
    /// (`-C`), the proxy's file list.
    pub files: Vec<(PathBuf, String)>,
    /// How.
    pub via: Via,
}

/// How a transfer is made.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Via {
    /// A run of the transfer program: its arguments, each its own argv entry (no shell), in
    /// rayvision_sync 3.1.8's order (`-E -H -P -S -U -T -L -R -r -K -s -C -p`), with
    /// [`STDIN`] on its standard input and the environment it is given.
    Program {
        /// The program.
        program: PathBuf,
        /// Its arguments.
        args: Vec<String>,
        /// Variables set for it: `LD_LIBRARY_PATH` (its folder, for its libraries) and
        /// `RAYVISION_LOG` (where it writes its log).
        env: Vec<(String, PathBuf)>,
    },
    /// A task of the local Raysync proxy, made by the HTTP requests rayvision_sync's
    /// `rayvision_raysync` sends it.
    Proxy(crate::raysync::ProxyTask),
}

/// What a transfer reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A run of the program starts.
    Started {
        /// What it moves.
        what: String,
        /// How many files, when known.
        files: Option<u64>,
        /// Which attempt (1-based) of how many at most.
        attempt: u32,
        /// The most attempts the retry policy allows.
        of: u32,
    },
    /// The program reports a file moved.
    FileDone {
        /// The file, as it names it.
        path: String,
    },
    /// The program reports a file it could not move.
    FileFailed {
        /// Its line about it.
        line: String,
    },
    /// The program asked to be retried (exit 1); the next attempt starts after `after`.
    Retrying {
        /// Its exit code.
        code: i32,
        /// The wait before the next attempt.
        after: Duration,
    },
    /// The proxy reports how many files of its task have moved.
    Files {
        /// Moved so far.
        done: u64,
        /// In all.
        of: u64,
    },
    /// A file of a followed task was downloaded.
    Downloaded {
        /// The task.
        task: i64,
        /// The file's path on the farm's output storage.
        file: String,
    },
}

impl Invocation {
    /// The command as a shell would run it, for `--dry-run` and logs: `echo y | VAR=… 'program'
    /// -E 'aspera' …`, every argument quoted where a shell would read it otherwise; for the
    /// Raysync proxy, the requests it is sent (the password redacted).
    pub fn command_line(&self) -> String {
        let (program, args, env) = match &self.via {
            Via::Program { program, args, env } => (program, args, env),
            Via::Proxy(task) => return task.describe(),
        };
        let mut line = String::from("echo y | ");
        for (name, value) in env {
            line.push_str(&format!("{name}={} ", quote(&value.to_string_lossy())));
        }
        line.push_str(&quote(&program.to_string_lossy()));
        for arg in args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        line
    }

    /// Writes the files it needs.
    pub(crate) fn write_files(&self) -> Result<(), Error> {
        for (path, text) in &self.files {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::Local {
                    path: dir.to_owned(),
                    problem: format!("cannot create the folder: {e}"),
                })?;
            }
            std::fs::write(path, text).map_err(|e| Error::Local {
                path: path.clone(),
                problem: format!("cannot write: {e}"),
            })?;
        }
        Ok(())
    }

    /// Writes the files it needs, then runs the program once, reporting the files it says it
    /// moved; answers its exit code (-1 for a fatal error, as it documents it, whatever way
    /// the system shows it).
    fn run_program(
        &self,
        program: &std::path::Path,
        args: &[String],
        env: &[(String, PathBuf)],
        on: &mut dyn FnMut(Event),
    ) -> Result<i32, Error> {
        self.write_files()?;
        let spawn = |source| Error::Spawn {
            program: program.to_owned(),
            source,
        };
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn)?;
        if let Some(mut stdin) = child.stdin.take() {
            // A program that does not read its input closes it: nothing to report.
            let _ = stdin.write_all(STDIN);
        }
        let stderr = child.stderr.take().map(|err| {
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                    tracing::debug!(target: "render_transfer", "transmitter stderr: {line}");
                }
            })
        });
        if let Some(out) = child.stdout.take() {
            for line in std::io::BufReader::new(out)
                .split(b'\n')
                .map_while(Result::ok)
            {
                let line = String::from_utf8_lossy(&line);
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                tracing::debug!(target: "render_transfer", "transmitter: {line}");
                if let Some(event) = parse_line(line) {
                    on(event);
                }
            }
        }
        let status = child.wait().map_err(spawn)?;
        if let Some(thread) = stderr {
            let _ = thread.join();
        }
        Ok(match status.code() {
            // -1 comes back as 255 from a process's exit status.
            Some(255) => -1,
            Some(code) => code,
            None => -1,
        })
    }
}

/// The event a line of the program's output reports, if any: rayvision_sync reads `upload
/// file done … (PATH)` as a file moved and `upload file fail` or `get path … info failed` as
/// a failure.
fn parse_line(line: &str) -> Option<Event> {
    if let Some(at) = line.find("file done") {
        let rest = &line[at..];
        let open = rest.find('(')?;
        let close = rest[open..].find(')')? + open;
        return Some(Event::FileDone {
            path: rest[open + 1..close].trim().to_owned(),
        });
    }
    let failed =
        line.contains("file fail") || (line.contains("get path") && line.contains("info failed"));
    failed.then(|| Event::FileFailed {
        line: line.to_owned(),
    })
}

/// `text` quoted for a POSIX shell where it needs to be.
fn quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./:=@%+,".contains(&b));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Runs `invocation` until it succeeds: the program's exit 1 (or a failed proxy task) is
/// retried after the client's backoff, up to the retry policy's attempts; -1, any other code,
/// and a spent budget are [`Error::Failed`], naming the log folder.
pub(crate) fn run(
    invocation: &Invocation,
    attempts: u32,
    backoff: &dyn Fn(u32) -> Duration,
    log: &std::path::Path,
    on: &mut dyn FnMut(Event),
) -> Result<(), Error> {
    let attempts = attempts.max(1);
    let mut attempt = 1;
    let mut proxy_task = None;
    loop {
        on(Event::Started {
            what: invocation.what.clone(),
            files: invocation.files_to_move,
            attempt,
            of: attempts,
        });
        let code = match &invocation.via {
            Via::Program { program, args, env } => {
                invocation.run_program(program, args, env, on)?
            }
            Via::Proxy(task) => {
                invocation.write_files()?;
                task.run(&mut proxy_task, on)?
            }
        };
        tracing::info!(target: "render_transfer", "{}: the transfer ended with {code}", invocation.what);
        match code {
            0 => return Ok(()),
            1 if attempt < attempts => {
                let after = backoff(attempt);
                on(Event::Retrying { code, after });
                std::thread::sleep(after);
                attempt += 1;
            }
            code => {
                return Err(Error::Failed {
                    code,
                    attempts: attempt,
                    log: log.to_owned(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_programs_lines_become_events() {
        assert_eq!(
            parse_line("[info] upload file done, (D:/shot/a.mb) size 12"),
            Some(Event::FileDone {
                path: "D:/shot/a.mb".into()
            })
        );
        assert!(matches!(
            parse_line("upload file fail: /x"),
            Some(Event::FileFailed { .. })
        ));
        assert!(matches!(
            parse_line("get path /x info failed"),
            Some(Event::FileFailed { .. })
        ));
        assert_eq!(parse_line("upload is begin"), None);
    }

    #[test]
    fn the_dry_run_line_quotes_what_a_shell_would_split() {
        let inv = Invocation {
            via: Via::Program {
                program: "/opt/rayvision transmitter".into(),
                args: vec![
                    "-L".into(),
                    "D:\\shot 1\\it's.mb".into(),
                    "-R".into(),
                    "/".into(),
                ],
                env: vec![("RAYVISION_LOG".into(), "/tmp/log".into())],
            },
            files: Vec::new(),
            what: "test".into(),
            files_to_move: None,
        };
        assert_eq!(
            inv.command_line(),
            r"echo y | RAYVISION_LOG=/tmp/log '/opt/rayvision transmitter' -L 'D:\shot 1\it'\''s.mb' -R /"
        );
    }
}
