//! Signs the API document's own example and prints every stage.
//!
//! `cargo run -p render-sign --example document_example`

use render_sign::{Credentials, HeaderSet, Nonce, Request};
use serde_json::json;

fn main() -> Result<(), render_sign::SignError> {
    let creds = Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    );
    let mut headers = HeaderSet::new(creds.access_id(), 1, 1535957371, Nonce::from(11886));
    headers.channel = "7".into();
    let body = json!({"zone": 2});
    let request = Request::new(
        "task.renderbus.com",
        "/api/render/common/queryPlatforms",
        &headers,
        &body,
    );
    println!("credentials:       {creds}");
    println!("canonical params:  {}", request.canonical_params()?);
    println!("string to sign:    {}", request.string_to_sign()?);
    let signed = request.sign(&creds)?;
    println!("signature:         {}", signed.signature().as_str());
    println!("document expects:  6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg=");
    Ok(())
}
