// Task ids are integers, not strings.
use render_api_client::Client;

fn stop(client: &Client) {
    let _ = client.stop_task(["19088"]);
}

fn main() {}
