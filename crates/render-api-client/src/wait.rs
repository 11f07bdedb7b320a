//! Waiting for a task to end: [`Client::wait_for_task`].

use std::time::Duration;

use render_api_types::{Generation, QueryTaskInfo, TaskInfo, TaskStatus};

use crate::sans_io::WaitStep;
use crate::{Client, Error};

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

impl<G: Generation> Client<G> {
    /// The task `task_id` itself (`queryTaskInfo` answers a page; this answers the task).
    ///
    /// A task that does not exist, or is not this account's, is [`Error::Api`] with
    /// [`ErrorCode::ResourceNotFound`](render_api_types::ErrorCode::ResourceNotFound).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), render_api_client::Error> {
    /// let client = render_api_client::Client::from_env()?;
    /// let task = client.task(19084)?;
    /// println!("{}: {} of {:?} frames done", task.id, task.task_status, task.total_frames);
    /// # Ok(()) }
    /// ```
    pub fn task(&self, task_id: i64) -> Result<TaskInfo, Error> {
        let page = self.call::<QueryTaskInfo>(&crate::sans_io::task_request(task_id))?;
        crate::sans_io::task_in(task_id, page)
    }

    /// Polls a task until it ends (finished, stopped, abandoned or failed), calling
    /// `progress` with each poll's task; answers the last one.
    ///
    /// It rides out outages: a connection refused or reset, a timeout or a 5xx while polling
    /// is retried at the interval until `options.timeout`. Only an error code from the
    /// service ([`Error::Api`], e.g. the task does not exist) or the timeout
    /// ([`Error::WaitTimeout`]) ends it early. Classify the end with [`Outcome::of`].
    pub fn wait_for_task(
        &self,
        task_id: i64,
        options: &WaitOptions,
        mut progress: impl FnMut(&TaskInfo),
    ) -> Result<TaskInfo, Error> {
        let mut waiter = self.core().wait(task_id, options);
        loop {
            let result = self.call::<QueryTaskInfo>(&waiter.request());
            match waiter.on_poll(result, &mut progress) {
                WaitStep::Ended(task) => return Ok(*task),
                WaitStep::Failed(error) => return Err(error),
                WaitStep::Poll(delay) => std::thread::sleep(delay),
            }
        }
    }
}
