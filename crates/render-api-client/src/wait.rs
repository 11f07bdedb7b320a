//! Waiting for a task to end: [`Client::wait_for_task`].

use std::time::Duration;

use render_api_types::{Generation, QueryTaskInfo, TaskInfo};

use crate::sans_io::{WaitOptions, WaitStep};
use crate::{Client, Error};

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

    /// A wait for a task to end (finished, stopped, abandoned or failed), with the builder
    /// shape of every call: set its [`timeout`](WaitFor::timeout), poll
    /// [`interval`](WaitFor::interval) and [`on_progress`](WaitFor::on_progress) callback,
    /// then `send()` it; it answers the task as last seen.
    ///
    /// It rides out outages: a connection refused or reset, a timeout or a 5xx while polling
    /// is retried at the interval until the timeout, and it looks once more at the timeout
    /// itself. Only an error code from the service ([`Error::Api`], e.g. the task does not
    /// exist) or the timeout ([`Error::WaitTimeout`]) ends it early. Classify the end with
    /// [`Outcome::of`](crate::Outcome::of).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use render_api_client::{Client, Outcome};
    ///
    /// let client = Client::from_env()?;
    /// let task = client
    ///     .wait_for_task(19084)
    ///     .timeout(Duration::from_secs(3600))
    ///     .on_progress(|task| println!("{:?} of {:?} frames", task.done_frames, task.total_frames))
    ///     .send()?;
    /// println!("{:?}", Outcome::of(&task.task_status));
    /// # Ok::<(), render_api_client::Error>(())
    /// ```
    pub fn wait_for_task(&self, task_id: i64) -> WaitFor<'_, Self> {
        WaitFor::new(self, task_id)
    }

    /// The frame id of each frame number in `numbers`, from every frame of the task (all pages
    /// of `queryTaskFrames`): what `restart_frame` and `stop_task_frames` take as `ids`. A
    /// number no frame has is [`Error::UnknownFrames`] naming it.
    ///
    /// ```no_run
    /// use render_api_client::types::FrameSelection;
    /// use render_api_client::{Client, frames::FrameNumbers};
    ///
    /// let client = Client::from_env()?;
    /// let numbers: FrameNumbers = "1-10[2],15".parse().expect("a frame list");
    /// let ids = client.frame_ids(19084, &numbers)?;
    /// client
    ///     .restart_frame(19084, FrameSelection::Listed)
    ///     .ids(ids.into_values())
    ///     .send()?;
    /// # Ok::<(), render_api_client::Error>(())
    /// ```
    pub fn frame_ids(
        &self,
        task_id: i64,
        numbers: &crate::frames::FrameNumbers,
    ) -> Result<std::collections::BTreeMap<i64, i64>, Error> {
        let frames = self
            .all_items::<render_api_types::QueryTaskFrames>(crate::frames::request(task_id))
            .collect::<Result<Vec<_>, Error>>()?;
        crate::frames::mapped(task_id, numbers, &frames)
    }
}

/// A wait for a task to end, ready to send: see [`Client::wait_for_task`].
#[must_use = "a wait does nothing until it is sent"]
pub struct WaitFor<'c, C> {
    pub(crate) client: &'c C,
    pub(crate) task_id: i64,
    pub(crate) options: WaitOptions,
    pub(crate) progress: Box<dyn FnMut(&TaskInfo) + Send + 'c>,
    pub(crate) interrupt: Option<Box<dyn FnMut() -> bool + Send + 'c>>,
}

impl<C> std::fmt::Debug for WaitFor<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitFor")
            .field("task_id", &self.task_id)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c, C> WaitFor<'c, C> {
    pub(crate) fn new(client: &'c C, task_id: i64) -> Self {
        WaitFor {
            client,
            task_id,
            options: WaitOptions::default(),
            progress: Box::new(|_| {}),
            interrupt: None,
        }
    }

    /// How long to wait in all (default: as long as the task takes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How long between polls (default 5 s; at least [`WaitOptions::MIN_INTERVAL`]).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.options.interval = interval;
        self
    }

    /// Both settings at once.
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Called with the task at every poll that answered (for a progress bar).
    pub fn on_progress(mut self, progress: impl FnMut(&TaskInfo) + Send + 'c) -> Self {
        self.progress = Box::new(progress);
        self
    }

    /// Asked every [`INTERRUPT_CHECK`] while the wait sleeps between polls: when it answers
    /// `true`, the wait ends at once with [`Error::Interrupted`] (a binding's Ctrl-C check, a
    /// shutdown flag). Without it, a wait sleeps whole intervals. A blocking wait asks it; an
    /// async wait ends when its future is dropped.
    pub fn interrupt(mut self, interrupted: impl FnMut() -> bool + Send + 'c) -> Self {
        self.interrupt = Some(Box::new(interrupted));
        self
    }
}

/// How often a wait with an [`interrupt`](WaitFor::interrupt) check asks it while it sleeps.
pub const INTERRUPT_CHECK: Duration = Duration::from_millis(100);

impl<G: Generation> WaitFor<'_, Client<G>> {
    /// Waits, blocking the thread; answers the task as last seen.
    pub fn send(mut self) -> Result<TaskInfo, Error> {
        let started = std::time::Instant::now();
        let mut waiter = self
            .client
            .core()
            .wait(self.task_id, &self.options, self.client.now());
        loop {
            let result = self.client.call::<QueryTaskInfo>(&waiter.request());
            match waiter.on_poll(self.client.now(), result, &mut *self.progress) {
                WaitStep::Ended(task) => return Ok(*task),
                WaitStep::Failed(error) => return Err(error),
                WaitStep::Poll(delay) => self.sleep(delay).map_err(|()| Error::Interrupted {
                    task_id: self.task_id,
                    after: started.elapsed(),
                })?,
            }
        }
    }

    /// Sleeps `delay`, in slices when there is an interrupt check; `Err` when it said stop.
    fn sleep(&mut self, delay: Duration) -> Result<(), ()> {
        let Some(interrupted) = self.interrupt.as_mut() else {
            std::thread::sleep(delay);
            return Ok(());
        };
        let until = std::time::Instant::now() + delay;
        loop {
            if interrupted() {
                return Err(());
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            std::thread::sleep(left.min(INTERRUPT_CHECK));
        }
    }
}
