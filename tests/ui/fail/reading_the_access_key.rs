// The access key cannot be read back from credentials (so it cannot be logged by accident).
use render_api_client::Credentials;

fn main() {
    let creds = Credentials::new("AKID", "secret");
    println!("{}", creds.access_key);
}
