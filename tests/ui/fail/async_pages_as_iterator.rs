// An async client's items (and pages) are a `Stream`, not an iterator: a `for` loop over them does not
// compile (use `StreamExt::next().await` or `TryStreamExt::try_collect`).
use render_api_client::AsyncClient;

async fn walk(client: &AsyncClient) {
    for task in client.get_task_list().items() {
        let _ = task;
    }
}

fn main() {}
