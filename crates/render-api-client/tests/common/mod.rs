//! Test servers: a relay in front of the mock farm that can misbehave on cue.
#![allow(dead_code)]

use std::time::Duration;

use render_api_client::{Client, RetryPolicy};
use render_api_mock::MockFarm;
#[allow(unused_imports)] // not every test file uses the relay
pub use render_api_mock::testing::{Act, Relay, Script, http_reply};

/// A blocking client for `url` with the farm's credentials and quick retries.
#[allow(dead_code)]
pub fn client_for(farm: &MockFarm, url: &str) -> Client {
    builder_for(farm, url).build().unwrap()
}

/// The runtime the async client's tests run on (one for all, so that connection pools
/// outlive no runtime).
#[allow(dead_code)]
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// A builder for `url` with the farm's credentials and quick retries.
#[allow(dead_code)]
pub fn builder_for(farm: &MockFarm, url: &str) -> render_api_client::ClientBuilder {
    Client::builder()
        .host(url)
        .credentials(farm.credentials())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            retry_writes: false,
        })
}

/// The URL of a port nothing listens on: 127.0.0.1:9 (discard), below the ephemeral range, so
/// no farm a test running beside this one starts can take it (a port bound and released can
/// be).
#[allow(dead_code)]
pub fn closed_url() -> String {
    assert!(
        std::net::TcpStream::connect("127.0.0.1:9").is_err(),
        "something listens on 127.0.0.1:9"
    );
    "http://127.0.0.1:9".into()
}
