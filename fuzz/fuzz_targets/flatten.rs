//! The signer's flattening of arbitrary JSON: never a panic; a body that signs also verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use render_sign::{Credentials, HeaderSet, Nonce, Request};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let headers = HeaderSet::new("AKIDfuzz", 2, 1535957371, Nonce::from(11886));
    let creds = Credentials::new("AKIDfuzz", "fuzz-key");
    let request = Request::new("task.renderbus.com", "/api/render/task/getTaskList", &headers, &body);
    let params = request.canonical_params();
    match request.sign(&creds) {
        Ok(signed) => {
            assert!(params.is_ok());
            assert!(request.verify(&creds, signed.signature().as_str()).is_ok());
            let text = request.string_to_sign().expect("it signed");
            assert!(text.as_str().starts_with("[POST]task.renderbus.com:/api/render/task/getTaskList&"));
        }
        Err(_) => assert!(params.is_err()),
    }
});
