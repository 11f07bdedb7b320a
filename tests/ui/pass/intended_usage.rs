// The intended usage compiles.
use render_api_client::types::*;
use render_api_client::{Client, Credentials, Error, RetryPolicy};

fn usage(client: &Client) -> Result<(), Error> {
    let _platforms: Vec<Platform> = client.query_platforms(Zone::China)?;
    let page = client.get_task_list(GetTaskListRequest::new(1, 50).status_list([TaskStatus::Rendering]))?;
    for task in page.items {
        if task.task_status.is_terminal() {
            let _ = task.key_value("width");
        }
    }
    client.stop_task(&[19088])?;
    client.restart_frame(19088, FrameSelection::Listed, &[1546598])?;
    for task in client.get_task_list_all(GetTaskListRequest::new(1, 100)) {
        let _id: i64 = task?.id;
    }
    let _frames = client.all_pages::<QueryTaskFrames>(QueryTaskFramesRequest::new(19088, 1, 50));
    let _generic: Page<TaskInfo> = client.call::<QueryTaskInfo>(&QueryTaskInfoRequest::new([19084]))?;
    match Zone::from_code(3) {
        Zone::China => {}
        _ => {}
    }
    Ok(())
}

fn main() {
    let built = Client::builder()
        .host("http://127.0.0.1:8080")
        .credentials(Credentials::new("AKID", "key"))
        .retry(RetryPolicy::none())
        .build();
    if let Ok(client) = built {
        let _ = usage(&client);
        // A client moves to other threads.
        std::thread::spawn(move || drop(client));
    }
}
