// The intended usage compiles: required parameters as arguments, the others as setters on
// the call, enums by name, pages walked by an iterator, the generic form for generic code.
use render_api_client::types::*;
use render_api_client::{Client, Credentials, Error, RetryPolicy, V1};

fn usage(client: &Client) -> Result<(), Error> {
    let _platforms: Vec<Platform> = client.query_platforms(Zone::China).send()?;
    let page = client
        .get_task_list()
        .page_size(50)
        .status_list([TaskStatus::Rendering])
        .send()?;
    for task in page.items {
        if task.task_status.is_terminal() {
            let _ = task.key_value("width");
        }
    }
    client.stop_task([19088]).send()?;
    let ids: Vec<i64> = vec![19088, 19089];
    client.start_task(ids).send()?;
    client
        .restart_frame(19088, FrameSelection::Listed)
        .ids([1546598])
        .send()?;
    for task in client.get_task_list().page_size(100).items() {
        let _id: i64 = task?.id;
    }
    for page in client.get_task_list().page_size(100).pages() {
        let _of: i64 = page?.page_count;
    }
    let _frames = client.query_task_frames(19088).items();
    let _task: TaskInfo = client
        .wait_for_task(19088)
        .timeout(std::time::Duration::from_secs(60))
        .on_progress(|task| {
            let _ = task.done_frames;
        })
        .send()?;
    let request = GetTaskListRequest::new().page_num(2);
    let _generic: Page<TaskInfo> = client.call::<GetTaskList>(&request)?;
    match Zone::from_code(3) {
        Zone::China => {}
        _ => {}
    }
    Ok(())
}

/// A client of API 1.0.0: the calls and parameters of that generation.
fn usage_v1(client: &Client<V1>) -> Result<(), Error> {
    client.update_user_setting(12 * 3600).send()?;
    let _envs = client.get_render_env(Software::Maya).send()?;
    client.submit_task(19088).asset_isolation_model(AssetIsolationModel::TaskId).send()?;
    Ok(())
}

fn main() {
    let v1 = Client::builder()
        .credentials(Credentials::new("AKID", "key"))
        .api::<V1>()
        .build();
    if let Ok(client) = v1 {
        let _ = usage_v1(&client);
    }
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
