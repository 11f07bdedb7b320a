// queryTaskInfo answers a page but takes no page number: its call has no `pages()`.
use render_api_client::Client;

fn all(client: &Client) {
    let _ = client.query_task_info([19084]).pages();
}

fn main() {}
