//! `renderbus demo`: a whole render on an embedded farm.

use std::time::Duration;

use render_api_client::types::*;
use render_api_client::{Client, Error};
use render_api_mock::{FarmConfig, MockFarm};

use crate::output::{Format, Output};
use crate::wait::wait;

/// The demo's farm: fast enough to finish in seconds, slow enough to watch, with frame 3
/// failing its first attempt so the restart has something to do.
pub fn farm(speed: f64) -> std::io::Result<MockFarm> {
    farm_failing(speed, vec![3])
}

/// The farm of `--mock`: the demo's, with `failing_frames` failing their first attempt.
pub fn farm_failing(speed: f64, failing_frames: Vec<usize>) -> std::io::Result<MockFarm> {
    MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 8,
            frame_seconds: 60,
            analyse_seconds: 20,
            nodes: 4,
            speed,
            failing_frames,
            sub_account: false,
        })
        .start()
}

/// Waits for the task and says how it ended.
fn watch(client: &Client, id: i64, interval: Duration, show_bar: bool) -> Result<(), Error> {
    let task = wait(client, id, interval, None, show_bar)?;
    outln!(
        "task {id} ended {} ({} done, {} failed)",
        task.task_status,
        task.done_frames.unwrap_or(0),
        task.failed_frames.unwrap_or(0)
    );
    Ok(())
}

fn step(title: &str) {
    outln!("\n== {title}");
}

/// Runs the demo against `client` (pointed at an embedded farm).
pub fn run(
    client: &Client,
    interval: Duration,
    format: Format,
    show_bar: bool,
) -> Result<(), Error> {
    step("platforms of the China zone (queryPlatforms)");
    outln!(
        "{}",
        Output::new(&client.query_platforms(Zone::China).send()?).render(format)
    );

    step("the account (queryUserProfile)");
    let profile = client.query_user_profile().send()?;
    outln!(
        "user {} ({}), coupon balance {}",
        profile.user_name,
        profile.user_id,
        profile.coupon.map(|c| c.to_string()).unwrap_or_default()
    );

    step("create a task (createTask) and submit it (submitTask)");
    let created = client.create_task().send()?;
    let id = created.task_id_list[0];
    outln!(
        "created task {id} ({})",
        created.alias_task_id_list.join(", ")
    );
    client.submit_task(id).send()?;
    outln!("submitted task {id}: it is analysed, then rendered");

    step(&format!("wait for task {id} (queryTaskInfo, polled)"));
    watch(client, id, interval, show_bar)?;

    step("its frames (queryTaskFrames)");
    let frames = client.query_task_frames(id).page_size(50).send()?;
    outln!("{}", Output::new(&frames).render(format));
    if let Some(layer) = layer_of(id, &frames.items) {
        outln!("{}", layer_note(id, layer));
    }

    let failed: Vec<&FrameInfo> = frames
        .items
        .iter()
        .filter(|f| f.frame_status == FrameStatus::Failed)
        .collect();
    if !failed.is_empty() {
        step(&format!(
            "restart the {} failed frame(s) (restartFailedFrames) and wait again",
            failed.len()
        ));
        client.restart_failed_frames([id]).send()?;
        watch(client, id, interval, show_bar)?;
    }

    step("frame totals over the account (queryAllFrameStats)");
    outln!(
        "{}",
        Output::new(&client.query_all_frame_stats().send()?).render(format)
    );
    Ok(())
}

/// The task the frames are filed under, when it is not the task asked about: the render layer
/// the analysis split the task into.
fn layer_of(task_id: i64, frames: &[FrameInfo]) -> Option<i64> {
    frames
        .iter()
        .find_map(|f| f.task_id)
        .filter(|layer| *layer != task_id)
}

/// Why the frames of task `task_id` carry another `taskId`.
fn layer_note(task_id: i64, layer: i64) -> String {
    format!(
        "(the frames' taskId {layer} is not a mistake: the analysis split task {task_id} into render \
         layers, and the service files frames under the layer's task; queryTaskInfo lists it in \
         respRenderingTaskList, and every call here takes {task_id})"
    )
}
