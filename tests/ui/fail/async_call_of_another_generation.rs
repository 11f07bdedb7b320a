// The async client has the same generations as the blocking one: taskJsonFile is a call of
// API 2.0.0 only, so an async v1 client has no such method either.
use render_api_client::{AsyncClient, V1};

async fn upload(client: &AsyncClient<V1>) {
    let _ = client.task_json_file(19088, "{}").send().await;
}

fn main() {}
