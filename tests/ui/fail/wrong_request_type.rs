// The request of one endpoint sent as another's.
use render_api_client::Client;
use render_api_client::types::{GetTaskList, QueryTaskFramesRequest};

fn list(client: &Client) {
    let _ = client.call::<GetTaskList>(&QueryTaskFramesRequest::new(19088));
}

fn main() {}
