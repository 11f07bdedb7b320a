// `artist` is a parameter of API 2.0.0's createTask only: a v1 client's call has no setter.
use render_api_client::{Client, V1};

fn create(client: &Client<V1>) {
    let _ = client.create_task().artist("someone");
}

fn main() {}
