//! Creates a task, uploads its task.json, submits it and waits for it to end, restarting
//! failed frames once.
//!
//! ```sh
//! cargo run -p render-api-client --example submit_and_wait -- path/to/task.json
//! ```
//!
//! Settings as for `list_tasks`. The scene's assets must already be uploaded (with
//! Raysync or the official uploader); this example drives the API calls only.

use std::time::Duration;

use render_api_client::{Client, Error, Outcome, WaitOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: submit_and_wait TASK_JSON")?;
    let task_json = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let client = Client::from_env()?;
    let outcome = submit_and_wait(&client, &task_json)?;
    println!("{outcome:?}");
    Ok(())
}

/// The whole flow; any client works (the embedded mock farm in tests).
fn submit_and_wait(client: &Client, task_json: &str) -> Result<Outcome, Error> {
    let id = client.create_task().send()?.task_id_list[0];
    client.task_json_file(id, task_json).send()?;
    client.submit_task(id).send()?;
    let options = WaitOptions {
        interval: Duration::from_secs(10),
        timeout: Some(Duration::from_secs(24 * 3600)),
    };
    let progress = |t: &render_api_client::types::TaskInfo| {
        eprintln!(
            "task {}: {} ({}/{} frames)",
            t.id,
            t.task_status,
            t.done_frames.unwrap_or(0),
            t.total_frames.unwrap_or(0)
        );
    };
    let mut task = client
        .wait_for_task(id)
        .options(options.clone())
        .on_progress(progress)
        .send()?;
    if Outcome::of(&task.task_status) == Some(Outcome::FinishedWithFailures) {
        client.restart_failed_frames([id]).send()?;
        task = client
            .wait_for_task(id)
            .options(options)
            .on_progress(progress)
            .send()?;
    }
    Ok(Outcome::of(&task.task_status).unwrap_or(Outcome::Failed))
}
