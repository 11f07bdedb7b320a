// A parameter getTaskList does not have.
use render_api_client::types::GetTaskListRequest;

fn main() {
    let _ = GetTaskListRequest::new(1, 50).scene_name("room.max");
}
