// The async client's intended usage compiles: the blocking client's methods and setters, a
// call's `send().await`, items and pages as `Stream`s, the waiter as a builder sent with `.await`, the generic form,
// and a client of API 1.0.0.
use futures_util::{StreamExt, TryStreamExt};
use render_api_client::types::*;
use render_api_client::{AsyncClient, Client, Credentials, Error, V1, WaitOptions};

async fn usage(client: &AsyncClient) -> Result<(), Error> {
    let _platforms: Vec<Platform> = client.query_platforms(Zone::China).send().await?;
    let page = client
        .get_task_list()
        .page_size(50)
        .status_list([TaskStatus::Rendering])
        .send()
        .await?;
    client.stop_task(page.items.iter().map(|t| t.id)).send().await?;
    let mut items = client.get_task_list().page_size(100).items();
    while let Some(task) = items.next().await {
        let _id: i64 = task?.id;
    }
    let mut pages = client.get_task_list().page_size(100).pages();
    while let Some(page) = pages.next().await {
        let _of: i64 = page?.page_count;
    }
    let all: Vec<_> = client.query_task_frames(19088).items().try_collect().await?;
    let _ids: Vec<i64> = all.iter().map(|frame| frame.id).collect();
    let _generic: Page<TaskInfo> = client.call::<GetTaskList>(&GetTaskListRequest::new()).await?;
    let _task = client
        .wait_for_task(19088)
        .options(WaitOptions::default())
        .on_progress(|_| {})
        .send()
        .await?;
    Ok(())
}

async fn usage_v1(client: &AsyncClient<V1>) -> Result<(), Error> {
    client.update_user_setting(12 * 3600).send().await?;
    Ok(())
}

/// Async calls can be spawned: the futures are `Send`.
fn spawnable(client: AsyncClient) -> impl std::future::Future<Output = Result<(), Error>> + Send + 'static {
    async move { usage(&client).await }
}

fn main() {
    let built = Client::builder()
        .credentials(Credentials::new("AKID", "key"))
        .build_async();
    if let Ok(client) = built {
        let _ = spawnable(client);
    }
    let v1 = Client::builder()
        .credentials(Credentials::new("AKID", "key"))
        .api::<V1>()
        .build_async();
    if let Ok(client) = v1 {
        let _ = usage_v1(&client);
    }
}
