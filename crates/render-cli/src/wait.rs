//! `renderbus task wait`: polls a task and shows its frames as a progress bar.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use render_api_client::types::{
    Generation, QueryTaskInfo, QueryTaskInfoRequest, TaskInfo, TaskStatus,
};
use render_api_client::{Client, Error};

/// Polls `task_id` every `interval` until it reaches a final state; returns its last info.
///
/// The bar shows frames done and failed against the total, with elapsed time and an estimate.
/// Interrupting (Ctrl-C) only stops the watching: the task is left alone.
pub fn wait<G: Generation>(
    client: &Client<G>,
    task_id: i64,
    interval: Duration,
    show_bar: bool,
) -> Result<TaskInfo, Error> {
    let bar = if show_bar {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} task {prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} frames · {msg} · eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(task_id.to_string());
    let started = Instant::now();
    loop {
        // The generic form: the same call in every generation.
        let page = client.call::<QueryTaskInfo>(&QueryTaskInfoRequest::new([task_id]))?;
        let Some(task) = page.items.into_iter().next() else {
            bar.abandon();
            return Err(Error::Api {
                endpoint: "queryTaskInfo",
                code: render_api_client::types::ErrorCode::ResourceNotFound,
                message: format!("task {task_id} was not in the reply"),
                server_time: None,
                request_id: None,
            });
        };
        let total = task.total_frames.unwrap_or(0).max(0) as u64;
        let done = task.done_frames.unwrap_or(0).max(0) as u64;
        let failed = task.failed_frames.unwrap_or(0).max(0) as u64;
        bar.set_length(total);
        bar.set_position(done + failed);
        bar.set_message(format!(
            "{} · {done} done · {failed} failed",
            task.task_status
        ));
        bar.tick();
        if ends_wait(&task.task_status) {
            bar.finish_with_message(format!(
                "{} · {done} done · {failed} failed · {:.0?}",
                task.task_status,
                started.elapsed()
            ));
            return Ok(task);
        }
        std::thread::sleep(interval);
    }
}

/// Whether watching ends at this state: a final one, or a stopped one (a stopped task waits
/// for someone to start it again, which watching will not do).
fn ends_wait(status: &TaskStatus) -> bool {
    status.is_terminal()
        || matches!(
            status,
            TaskStatus::Stop
                | TaskStatus::UserStop
                | TaskStatus::ArrearageStop
                | TaskStatus::TimeOutStop
        )
}

/// Whether a final state means the render succeeded.
pub fn succeeded(status: TaskStatus) -> bool {
    matches!(status, TaskStatus::Finished | TaskStatus::FinishedTest)
}
