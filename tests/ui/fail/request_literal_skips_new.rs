// Building a request by struct literal, around `new` (requests may gain optional fields).
use render_api_client::types::StopTaskRequest;

fn main() {
    let _ = StopTaskRequest { task_ids: vec![19088] };
}
