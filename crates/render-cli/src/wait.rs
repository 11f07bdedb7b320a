//! `renderbus task wait`: the library's waiter, with the task's frames as a progress bar.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use render_api_client::types::{Generation, TaskInfo};
use render_api_client::{Client, Error, Outcome, WaitOptions};

use crate::exit::Exit;

/// The exit code of each way a wait ends (`renderbus --help` lists them).
pub fn exit_code(outcome: Outcome) -> Exit {
    match outcome {
        Outcome::Finished => Exit::Success,
        Outcome::FinishedWithFailures => Exit::FinishedWithFailures,
        Outcome::Stopped => Exit::Stopped,
        // An outcome a later version adds counts as a failure until it has its own code.
        _ => Exit::Abandoned,
    }
}

/// Waits for `task_id` (see [`Client::wait_for_task`]: outages are ridden out until
/// `timeout`); returns its last info.
///
/// The bar shows frames done and failed against the total, with elapsed time and an estimate;
/// while the task is analysed (no frames yet) it says so. Interrupting (Ctrl-C) only stops the
/// watching: the task is left alone.
pub fn wait<G: Generation>(
    client: &Client<G>,
    task_id: i64,
    interval: Duration,
    timeout: Option<Duration>,
    show_bar: bool,
) -> Result<TaskInfo, Error> {
    let bar = if show_bar {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    let frames_style = ProgressStyle::with_template(
        "{spinner} task {prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} frames · {msg} · eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    let waiting_style =
        ProgressStyle::with_template("{spinner} task {prefix} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_prefix(task_id.to_string());
    bar.set_style(waiting_style.clone());
    let started = Instant::now();
    let options = WaitOptions { interval, timeout };
    let result = client
        .wait_for_task(task_id)
        .options(options)
        .on_progress(|task| {
            let (total, done, failed) = frame_counts(task);
            if !draws_a_bar(total) {
                // Analysis (or submission): no frames to count yet.
                bar.set_style(waiting_style.clone());
                bar.set_message(format!("{}: no frames yet", task.task_status));
            } else {
                bar.set_style(frames_style.clone());
                bar.set_length(total);
                bar.set_position(done + failed);
                bar.set_message(format!(
                    "{} · {done} done · {failed} failed",
                    task.task_status
                ));
            }
            bar.tick();
        })
        .send();
    match &result {
        Ok(task) => {
            // A task that ended without frames has nothing to fill: no bar, only the message.
            if !draws_a_bar(frame_counts(task).0) {
                bar.set_style(waiting_style);
            }
            bar.finish_with_message(format!(
                "{} · {} done · {} failed · {:.0?}",
                task.task_status,
                task.done_frames.unwrap_or(0),
                task.failed_frames.unwrap_or(0),
                started.elapsed()
            ));
        }
        Err(_) => bar.abandon(),
    }
    result
}

/// A task's frames: total, done, failed (absent or negative counts as 0).
fn frame_counts(task: &TaskInfo) -> (u64, u64, u64) {
    let count = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    (
        count(task.total_frames),
        count(task.done_frames),
        count(task.failed_frames),
    )
}

/// Whether a bar of frames is drawn: only when there are frames (a bar of 0/0 would draw
/// full).
fn draws_a_bar(total: u64) -> bool {
    total > 0
}

#[cfg(test)]
mod tests {
    use super::{draws_a_bar, frame_counts};
    use render_api_client::types::TaskInfo;

    #[test]
    fn a_task_without_frames_draws_no_bar() {
        let task: TaskInfo = serde_json::from_value(
            serde_json::json!({"id": 1, "taskStatus": 25, "totalFrames": 0}),
        )
        .unwrap();
        assert_eq!(frame_counts(&task), (0, 0, 0));
        assert!(!draws_a_bar(frame_counts(&task).0));
        assert!(draws_a_bar(1));
    }
}
