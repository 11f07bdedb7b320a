//! `cargo bench -p render-sign`: full signing vs bare HMAC-SHA256 + base64 over the same string.
//!
//! Both sides run in this process on the same input, interleaved in rounds; the table shows
//! the median time per operation of each and their ratio (full / bare).

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use render_sign::{Credentials, HeaderSet, Nonce, Request};
use serde_json::{Value, json};
use sha2::Sha256;

const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const ROUNDS: usize = 15;

/// Median nanoseconds per call of `f`, with the iteration count chosen so a round takes ~20 ms.
fn measure(mut f: impl FnMut()) -> (f64, u64) {
    let start = Instant::now();
    let mut calibrate = 0u64;
    while start.elapsed() < Duration::from_millis(20) {
        f();
        calibrate += 1;
    }
    let iters = calibrate.max(1);
    let mut samples: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[ROUNDS / 2], iters * ROUNDS as u64)
}

fn row(name: &str, host: &str, path: &str, headers: &HeaderSet, body: &Value) {
    let creds = Credentials::new(headers.access_id.clone(), KEY);
    let request = Request::new(host, path, headers, body);
    let text = request
        .string_to_sign()
        .expect("bench input signs")
        .to_string();
    let bare = || {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(KEY.as_bytes()).expect("any key");
        mac.update(black_box(text.as_bytes()));
        black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    };
    let full = || {
        black_box(black_box(&request).sign(&creds).expect("bench input signs"));
    };
    let (baseline, iters) = measure(bare);
    let (ours, _) = measure(full);
    println!(
        "{name:<28} {:>12.0} {:>12.0} {:>8.2}x {:>10}",
        baseline,
        ours,
        ours / baseline,
        iters
    );
}

fn main() {
    println!(
        "{:<28} {:>12} {:>12} {:>9} {:>10}",
        "input", "bare ns/op", "full ns/op", "ratio", "iters"
    );
    let mut headers = HeaderSet::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        1,
        1535957371,
        Nonce::from(11886),
    );
    headers.channel = "7".into();
    row(
        "document example",
        "task.renderbus.com",
        "/api/render/common/queryPlatforms",
        &headers,
        &json!({"zone": 2}),
    );
    let ids: Vec<u64> = (0..10_000).map(|i| 1_111_000 + i).collect();
    row(
        "10,000 task ids",
        "task.renderbus.com",
        "/api/render/task/stopTask",
        &headers,
        &json!({ "taskIds": ids }),
    );
}
