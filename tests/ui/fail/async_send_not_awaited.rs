// An async call's `send` is a future: using it as the result without `.await` does not compile.
use render_api_client::types::UserProfile;
use render_api_client::{AsyncClient, Error};

async fn profile(client: &AsyncClient) -> Result<UserProfile, Error> {
    client.query_user_profile().send()
}

fn main() {}
