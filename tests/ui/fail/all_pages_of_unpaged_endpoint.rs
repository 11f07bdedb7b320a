// queryTaskInfo answers a page but takes no page number: it has no "all pages".
use render_api_client::Client;
use render_api_client::types::{QueryTaskInfo, QueryTaskInfoRequest};

fn all(client: &Client) {
    let _ = client.all_pages::<QueryTaskInfo>(QueryTaskInfoRequest::new([19084]));
}

fn main() {}
