// A raw code where the enum is required.
use render_api_client::Client;

fn list(client: &Client) {
    let _ = client.query_platforms(1);
}

fn main() {}
