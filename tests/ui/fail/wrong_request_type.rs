// The request of one endpoint passed to another's method.
use render_api_client::Client;
use render_api_client::types::QueryTaskFramesRequest;

fn list(client: &Client) {
    let _ = client.get_task_list(QueryTaskFramesRequest::new(19088, 1, 50));
}

fn main() {}
