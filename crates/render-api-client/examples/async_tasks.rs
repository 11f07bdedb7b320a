//! The async client (feature `async`): every rendering task, page after page, as a stream.
//!
//! ```sh
//! cargo run -p render-api-client --features async --example async_tasks
//! ```

use futures_util::StreamExt;
use render_api_client::types::TaskStatus;
use render_api_client::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let client = Client::builder().from_env()?.build_async()?;
    let mut tasks = std::pin::pin!(
        client
            .get_task_list()
            .status_list([TaskStatus::Rendering])
            .items()
    );
    while let Some(task) = tasks.next().await {
        let task = task?;
        println!("{}  {}", task.id, task.task_status);
    }
    Ok(())
}
