// A required parameter (taskId) is left out: the method takes every required value.
use render_api_client::Client;

fn frames(client: &Client) {
    let _ = client.query_task_frames().page_size(50);
}

fn main() {}
