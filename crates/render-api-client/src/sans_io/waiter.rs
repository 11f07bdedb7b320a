//! Waiting for a task to end, poll by poll.

use std::time::{Duration, Instant};

use render_api_types::{ErrorCode, Page, QueryTaskInfoRequest, TaskInfo, TaskStatus};

use super::Now;
use crate::error::Error;

/// How a task's wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Finished, every frame rendered (or a test render finished).
    Finished,
    /// Finished, with failed or stopped frames.
    FinishedWithFailures,
    /// Stopped (by the user, for arrears, or over its time limit): `startTask` resumes it.
    Stopped,
    /// Abandoned, failed, or its submission failed.
    Failed,
}

impl Outcome {
    /// The outcome a status means; `None` while the task is still on its way.
    pub fn of(status: &TaskStatus) -> Option<Outcome> {
        match status {
            TaskStatus::Finished | TaskStatus::FinishedTest => Some(Outcome::Finished),
            TaskStatus::FinishedHasFailed | TaskStatus::FinishedHasStopped => {
                Some(Outcome::FinishedWithFailures)
            }
            TaskStatus::Stop
            | TaskStatus::UserStop
            | TaskStatus::ArrearageStop
            | TaskStatus::TimeOutStop => Some(Outcome::Stopped),
            TaskStatus::Abandon | TaskStatus::Failed | TaskStatus::SubmitFailed => {
                Some(Outcome::Failed)
            }
            // Waiting, rendering, analysing, submitting, updating, and codes this SDK does
            // not know: still on the way (or not ours to judge).
            _ => None,
        }
    }
}

/// How to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between polls (at least [`WaitOptions::MIN_INTERVAL`]).
    pub interval: Duration,
    /// How long to wait in all; `None` waits as long as the task takes.
    pub timeout: Option<Duration>,
}

impl WaitOptions {
    /// The shortest interval between polls: a wait must not hammer the service.
    pub const MIN_INTERVAL: Duration = Duration::from_millis(500);
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            interval: Duration::from_secs(5),
            timeout: None,
        }
    }
}

/// A wait for a task to end, between polls: what to ask, and what each answer means. See
/// [`Core::wait`](super::Core::wait).
#[derive(Debug)]
pub struct Waiter {
    pub(super) task_id: i64,
    pub(super) interval: Duration,
    pub(super) timeout: Option<Duration>,
    pub(super) started: Instant,
    pub(super) last_status: Option<TaskStatus>,
    /// The failure of the last poll when it did not reach the service, and when the outage
    /// began (cleared by an answer).
    pub(super) outage: Option<(Box<Error>, Instant)>,
    /// When an outage was last said at the warning level.
    pub(super) outage_said: Option<Instant>,
}

/// How often an outage that goes on is said again (at the warning level, which the CLI shows).
const OUTAGE_REMINDER: Duration = Duration::from_secs(30);

/// What to do after a poll.
#[derive(Debug)]
#[must_use]
pub enum WaitStep {
    /// The task ended (classify it with [`Outcome::of`]).
    Ended(Box<TaskInfo>),
    /// The wait failed: a service error, or its timeout ran out.
    Failed(Error),
    /// Sleep this long, then poll again.
    Poll(Duration),
}

impl Waiter {
    /// The request of every poll (`queryTaskInfo` of the task).
    pub fn request(&self) -> QueryTaskInfoRequest {
        task_request(self.task_id)
    }

    /// Reads a poll's result, calling `progress` with the task when it answered.
    ///
    /// Transient failures (connection refused or reset, timeouts, 5xx) are ridden out: only a
    /// service error code or the wait's timeout ends it early.
    pub fn on_poll(
        &mut self,
        now: Now,
        result: Result<Page<TaskInfo>, Error>,
        progress: &mut dyn FnMut(&TaskInfo),
    ) -> WaitStep {
        let task_id = self.task_id;
        match result {
            Ok(page) => {
                let task = match task_in(task_id, page) {
                    Ok(task) => task,
                    Err(e) => return WaitStep::Failed(e),
                };
                if let Some((_, since)) = self.outage.take() {
                    let lasted = now.mono.saturating_duration_since(since);
                    tracing::warn!(
                        task_id,
                        "the service answers again (after {lasted:.0?}); waiting on"
                    );
                }
                self.outage_said = None;
                progress(&task);
                if Outcome::of(&task.task_status).is_some() {
                    return WaitStep::Ended(Box::new(task));
                }
                self.last_status = Some(task.task_status);
            }
            Err(e) if e.is_transient() => {
                let since = self.outage.as_ref().map_or(now.mono, |(_, since)| *since);
                let due = self
                    .outage_said
                    .is_none_or(|said| now.mono.saturating_duration_since(said) >= OUTAGE_REMINDER);
                if due {
                    let lasted = now.mono.saturating_duration_since(since);
                    tracing::warn!(
                        task_id,
                        outcome = %e.kind(),
                        "the service cannot be reached ({e}){}; waiting on",
                        if lasted.is_zero() { String::new() } else { format!(" for {lasted:.0?}") }
                    );
                    self.outage_said = Some(now.mono);
                } else {
                    tracing::info!(task_id, outcome = %e.kind(), "the service did not answer; waiting on");
                }
                self.outage = Some((Box::new(e), since));
            }
            Err(e) => return WaitStep::Failed(e),
        }
        let elapsed = now.mono.saturating_duration_since(self.started);
        // The last poll is at the deadline itself: a wait of N seconds looks until N seconds.
        match self.timeout {
            Some(timeout) => match timeout.checked_sub(elapsed) {
                Some(left) if !left.is_zero() => WaitStep::Poll(self.interval.min(left)),
                _ => WaitStep::Failed(Error::WaitTimeout {
                    task_id,
                    after: elapsed,
                    last_status: self.last_status.take(),
                    outage: self.outage.take().map(|(e, _)| e),
                }),
            },
            None => WaitStep::Poll(self.interval),
        }
    }
}

/// The request that looks one task up: `queryTaskInfo` of that task alone.
pub fn task_request(task_id: i64) -> QueryTaskInfoRequest {
    QueryTaskInfoRequest::new([task_id])
}

/// The task `task_id` out of a `queryTaskInfo` reply; [`Error::Api`] with
/// [`ErrorCode::ResourceNotFound`] when the reply does not hold it (the service answers an empty
/// page for a task that is not the account's).
pub fn task_in(task_id: i64, page: Page<TaskInfo>) -> Result<TaskInfo, Error> {
    page.items
        .into_iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| Error::Api {
            endpoint: "queryTaskInfo",
            code: ErrorCode::ResourceNotFound,
            message: format!(
                "task {task_id} was not in the reply: it does not exist, or is not this account's"
            ),
            server_time: None,
            request_id: None,
        })
}
