//! Lists the account's tasks that are rendering or waiting, every page.
//!
//! ```sh
//! RENDERBUS_ACCESS_ID=… RENDERBUS_ACCESS_KEY=… cargo run -p render-api-client --example list_tasks
//! ```
//!
//! Settings come from the `RENDERBUS_*` variables or a profile of
//! `~/.config/renderbus/config.toml`, as for the `renderbus` CLI (`renderbus configure`
//! writes one).

use render_api_client::types::TaskStatus;
use render_api_client::{Client, Error};

fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let tasks = client
        .get_task_list()
        .page_size(100)
        .status_list([TaskStatus::Rendering, TaskStatus::Waiting]);
    for task in tasks.items() {
        let task = task?;
        println!(
            "{:>10}  {:<12}  {}/{} frames  {}",
            task.id,
            task.task_status.to_string(),
            task.done_frames.unwrap_or(0),
            task.total_frames.unwrap_or(0),
            task.scene_name.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
