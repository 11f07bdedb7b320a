// A frame status where a task status is required.
use render_api_client::types::{FrameStatus, GetTaskListRequest};

fn main() {
    let _ = GetTaskListRequest::new(1, 50).status_list([FrameStatus::Done]);
}
