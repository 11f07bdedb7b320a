// A parameter getTaskList does not have.
use render_api_client::Client;

fn list(client: &Client) {
    let _ = client.get_task_list().scene_name("room.max");
}

fn main() {}
