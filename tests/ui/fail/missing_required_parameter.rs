// A required parameter (pageSize) is left out: `new` takes every required value.
use render_api_client::types::GetTaskListRequest;

fn main() {
    let _ = GetTaskListRequest::new(1);
}
