// taskJsonFile is a call of API 2.0.0 only: a v1 client has no such method.
use render_api_client::{Client, V1};

fn upload(client: &Client<V1>) {
    let _ = client.task_json_file(19088, "{}");
}

fn main() {}
