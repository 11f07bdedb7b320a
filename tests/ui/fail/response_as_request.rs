// A response model used as a request.
use render_api_client::Client;
use render_api_client::types::{QueryUserProfile, UserProfile};

fn call(client: &Client, profile: UserProfile) {
    let _ = client.call::<QueryUserProfile>(&profile);
}

fn main() {}
