//! The client's tracing: a span per call with the endpoint and outcome, and never a secret.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::client_for;
use render_api_client::types::Zone;
use render_api_mock::MockFarm;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn traces_name_the_call_and_never_hold_secrets() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let farm = MockFarm::start().unwrap();
    let client = client_for(&farm, farm.url());
    tracing::subscriber::with_default(subscriber, || {
        client.query_platforms(Zone::China).send().unwrap();
        let key = client.get_ray_sync_user_key().send().unwrap();
        assert_eq!(key.ray_sync_user_key.len(), 40);
        let _ = client.delete_label("missing").send();
    });
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("renderbus_call") && text.contains("endpoint=\"queryPlatforms\""),
        "{text}"
    );
    assert!(text.contains("outcome=\"ok\""), "{text}");
    assert!(text.contains("outcome=api_404"), "{text}");
    assert!(
        !text.contains(farm.access_key()),
        "the access key leaked: {text}"
    );
    assert!(
        !text.contains("8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d"),
        "the transfer key leaked: {text}"
    );
    assert!(!text.to_lowercase().contains("signature="), "{text}");
    // Each attempt is traced with its request, the signature redacted.
    assert!(
        text.contains("sending") && text.contains("(\"signature\", \"** redacted **\")"),
        "{text}"
    );
}
