//! The exit codes: one type, from which `renderbus --help`'s table and each command's own table
//! (in its help and man page) are written.

use std::fmt::Write as _;

/// How `renderbus` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It did what was asked.
    Success,
    /// Something unexpected failed.
    Failure,
    /// A usage error: an unknown command, a bad argument, a request that does not fit.
    Usage,
    /// The service answered with an error code (bad credentials included).
    Service,
    /// The service could not be reached, or did not answer in time.
    Unreachable,
    /// Configuration is missing (credentials, host).
    Config,
    /// `task wait`: the task finished with failed or stopped frames.
    FinishedWithFailures,
    /// `conform`: the server answered and disagrees with the spec.
    Disagrees,
    /// `task wait`: the task was stopped.
    Stopped,
    /// `task wait`: the task was abandoned or failed.
    Abandoned,
    /// `task wait`: `--wait-timeout` ran out first.
    WaitTimeout,
    /// A write's reply was lost, and nothing could tell whether it took effect.
    OutcomeUnknown,
    /// `transfer`: the transfer program failed (fatally, or past its retries).
    TransferFailed,
}

/// Which commands an exit code is particular to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every command that calls the service.
    All,
    /// `task wait` only.
    Wait,
    /// `conform` only.
    Conform,
    /// `transfer upload` and `transfer download`.
    Transfer,
}

impl Exit {
    /// Every exit code, in order.
    pub const ALL: [Exit; 13] = [
        Exit::Success,
        Exit::Failure,
        Exit::Usage,
        Exit::Service,
        Exit::Unreachable,
        Exit::Config,
        Exit::FinishedWithFailures,
        Exit::Disagrees,
        Exit::Stopped,
        Exit::Abandoned,
        Exit::WaitTimeout,
        Exit::OutcomeUnknown,
        Exit::TransferFailed,
    ];

    /// The process's exit code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Service => 3,
            Exit::Unreachable => 4,
            Exit::Config => 5,
            Exit::FinishedWithFailures => 6,
            Exit::Disagrees => 7,
            Exit::Stopped => 8,
            Exit::Abandoned => 9,
            Exit::WaitTimeout => 10,
            Exit::OutcomeUnknown => 11,
            Exit::TransferFailed => 12,
        }
    }

    /// What it means, and which commands it is particular to.
    pub const fn meaning(self) -> (&'static str, Scope) {
        match self {
            Exit::Success => ("success", Scope::All),
            Exit::Failure => ("an unexpected failure", Scope::All),
            Exit::Usage => ("a usage error (unknown command, bad argument)", Scope::All),
            Exit::Service => (
                "the service answered with an error code (refused credentials too)",
                Scope::All,
            ),
            Exit::Unreachable => (
                "the service could not be reached, or did not answer in time",
                Scope::All,
            ),
            Exit::Config => ("configuration is missing (credentials, host)", Scope::All),
            Exit::FinishedWithFailures => (
                "the task finished with failed or stopped frames",
                Scope::Wait,
            ),
            Exit::Disagrees => (
                "the server answered, and its replies disagree with the spec",
                Scope::Conform,
            ),
            Exit::Stopped => ("the task was stopped (startTask resumes it)", Scope::Wait),
            Exit::Abandoned => ("the task was abandoned or failed", Scope::Wait),
            Exit::WaitTimeout => (
                "--wait-timeout ran out before the task ended (4 when its last poll could not reach the service)",
                Scope::Wait,
            ),
            Exit::OutcomeUnknown => (
                "a write's reply was lost and nothing could tell whether it took effect: look before trying again",
                Scope::All,
            ),
            Exit::TransferFailed => (
                "the transfer program failed (fatally, or still asking to be retried after the retries): its log is named",
                Scope::Transfer,
            ),
        }
    }

    /// The table of exit codes: every one (`None`, for `renderbus --help`, each particular code
    /// naming its command), or those a command with `scope` can end with.
    pub fn table(scope: Option<Scope>) -> String {
        let mut out = String::from("Exit codes:\n");
        for exit in Exit::ALL {
            let (meaning, own) = exit.meaning();
            let shown = match scope {
                None => true,
                Some(scope) => own == Scope::All || own == scope,
            };
            if !shown {
                continue;
            }
            let prefix = match (scope, own) {
                (None, Scope::Wait) => "`task wait`: ",
                (None, Scope::Conform) => "`conform`: ",
                (None, Scope::Transfer) => "`transfer`: ",
                _ => "",
            };
            let _ = writeln!(out, "  {:<2} {prefix}{meaning}", exit.code());
        }
        out.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{Exit, Scope};

    #[test]
    fn codes_are_distinct_and_tables_show_what_applies() {
        let mut codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), Exit::ALL.len());
        let wait = Exit::table(Some(Scope::Wait));
        assert!(wait.contains("10 --wait-timeout ran out"), "{wait}");
        assert!(wait.contains("6  the task finished with failed"), "{wait}");
        assert!(!wait.contains("spec"), "{wait}");
        let all = Exit::table(None);
        assert!(all.contains("7  `conform`: the server answered"), "{all}");
        assert!(
            all.contains("8  `task wait`: the task was stopped"),
            "{all}"
        );
    }
}
