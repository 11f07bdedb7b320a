// A frame status where a task status is required.
use render_api_client::Client;
use render_api_client::types::FrameStatus;

fn list(client: &Client) {
    let _ = client.get_task_list().status_list([FrameStatus::Done]);
}

fn main() {}
