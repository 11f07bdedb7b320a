//! A raw HTTP client for the tests: requests are built and signed by hand, byte for byte.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use render_api_mock::MockFarm;
use render_sign::{HeaderSet, Nonce, Request};
use serde_json::Value;

static NONCE: AtomicU64 = AtomicU64::new(1);

/// A reply: HTTP status and the parsed JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Fresh headers for the farm's credentials.
pub fn headers(farm: &MockFarm) -> HeaderSet {
    HeaderSet::new(
        farm.access_id(),
        2,
        now_secs(),
        Nonce::from(NONCE.fetch_add(1, Ordering::SeqCst)),
    )
}

/// Sends raw bytes and reads the whole reply (the farm answers with Content-Length).
pub fn raw(farm: &MockFarm, bytes: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    read_reply(&mut stream)
}

pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("reading the reply failed: {e}"),
        }
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                // hyper answers a head it cannot parse itself, with an empty body.
                let body = if length == 0 {
                    Value::Null
                } else {
                    serde_json::from_slice(&buf[end + 4..end + 4 + length]).unwrap()
                };
                return Reply { status, body };
            }
        }
    }
    panic!(
        "the connection closed before a whole reply: {:?}",
        String::from_utf8_lossy(&buf)
    );
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The bytes of a POST with these headers and body.
pub fn request_bytes(host: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Signs `body` for `sign_host` and `sign_path` and sends it to `path`.
pub fn send_signed_for(
    farm: &MockFarm,
    h: &HeaderSet,
    sign_host: &str,
    sign_path: &str,
    path: &str,
    body_text: &str,
) -> Reply {
    let body: Value = serde_json::from_str(body_text).unwrap();
    let signed = Request::new(sign_host, sign_path, h, &body)
        .sign(&farm.credentials())
        .unwrap();
    let pairs: Vec<(&str, String)> = signed.iter().map(|(n, v)| (n, v.to_owned())).collect();
    raw(
        farm,
        &request_bytes(farm.host(), path, &pairs, body_text.as_bytes()),
    )
}

/// A correctly signed call.
pub fn call(farm: &MockFarm, path: &str, body_text: &str) -> Reply {
    let h = headers(farm);
    send_signed_for(farm, &h, farm.host(), path, path, body_text)
}

/// A correctly signed call that must succeed; returns `data`.
pub fn ok(farm: &MockFarm, path: &str, body_text: &str) -> Value {
    succeeded(call(farm, path, body_text), path, body_text)
}

/// A correctly signed call of API 2.0.0 (its `version` header) that must succeed; returns
/// `data`.
#[allow(dead_code)] // not every test file calls API 2.0.0
pub fn ok_v2(farm: &MockFarm, path: &str, body_text: &str) -> Value {
    let mut h = headers(farm);
    h.version = "2.0.0".into();
    let reply = send_signed_for(farm, &h, farm.host(), path, path, body_text);
    succeeded(reply, path, body_text)
}

/// The `data` of a reply that must be a success (HTTP 200, code 200).
fn succeeded(reply: Reply, path: &str, body_text: &str) -> Value {
    assert_eq!(
        (reply.status, reply.code()),
        (200, 200),
        "{path} {body_text}: {:?}",
        reply.body
    );
    reply.body["data"].clone()
}
