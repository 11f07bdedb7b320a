//! Helpers for writing test servers of your own beside the farm (relays, misbehaving servers).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Reads one whole HTTP/1.1 message (its head and a `Content-Length` body: a request, or a
/// reply so framed) from a connection, as raw bytes; `None` when the peer closes first.
pub fn read_http_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse().ok())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Some(buf);
            }
        }
    }
}

/// What the relay does with a request.
#[derive(Clone)]
pub enum Act {
    /// Pass it to the farm and relay the reply.
    Forward,
    /// Answer with this raw HTTP reply.
    Reply(String),
    /// Never answer (hold the connection open for 30 s).
    Hang,
    /// Pass it to the farm, then close the connection without relaying the reply: the
    /// request took effect and its reply was lost.
    DeliverThenDrop,
    /// Close the connection without passing it on: the farm never sees it, and the client
    /// cannot tell that from a lost reply.
    Drop,
}

/// Decides per request: (path, how many requests for that path came before) -> what to do.
pub type Script = Arc<dyn Fn(&str, usize) -> Act + Send + Sync>;

/// A relay on 127.0.0.1 in front of a farm, that records every request's path and nonce and
/// does with each what its [`Script`] says.
pub struct Relay {
    /// Where to send requests (`http://127.0.0.1:PORT`).
    pub url: String,
    /// Every request's path and nonce, in order of arrival.
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Relay {
    /// Starts a relay in front of the farm at `farm_host` (`127.0.0.1:PORT`).
    pub fn start(farm_host: String, script: Script) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
        let url = format!(
            "http://{}",
            listener
                .local_addr()
                .expect("a bound listener has an address")
        );
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let seen2 = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (farm, script, seen, counts) = (
                    farm_host.clone(),
                    Arc::clone(&script),
                    Arc::clone(&seen2),
                    Arc::clone(&counts),
                );
                std::thread::spawn(move || serve(stream, &farm, &*script, &seen, &counts));
            }
        });
        Relay { url, seen }
    }

    /// How many requests for `path` arrived.
    pub fn count(&self, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }

    /// The nonces of the requests for `path`.
    pub fn nonces(&self, path: &str) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, n)| n.clone())
            .collect()
    }
}

fn serve(
    mut stream: TcpStream,
    farm: &str,
    script: &(dyn Fn(&str, usize) -> Act + Send + Sync),
    seen: &Mutex<Vec<(String, String)>>,
    counts: &Mutex<HashMap<String, usize>>,
) {
    let Some(request) = read_http_request(&mut stream) else {
        return;
    };
    let head = String::from_utf8_lossy(&request).to_string();
    let path = head.split(' ').nth(1).unwrap_or("").to_owned();
    let nonce = head
        .lines()
        .find_map(|l| l.strip_prefix("nonce: "))
        .unwrap_or("")
        .to_owned();
    seen.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((path.clone(), nonce));
    let n = {
        let mut c = counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let e = c.entry(path.clone()).or_default();
        *e += 1;
        *e - 1
    };
    match script(&path, n) {
        Act::Reply(raw) => {
            let _ = stream.write_all(raw.as_bytes());
        }
        Act::Hang => std::thread::sleep(Duration::from_secs(30)),
        Act::Drop => {}
        Act::DeliverThenDrop => {
            let _ = forward(&request, farm);
        }
        Act::Forward => {
            if let Some(reply) = forward(&request, farm) {
                let _ = stream.write_all(&reply);
            }
        }
    }
}

/// Passes a request to the farm on a connection of its own and answers the farm's reply.
fn forward(request: &[u8], farm: &str) -> Option<Vec<u8>> {
    // The request goes on as it came (its Host header names the relay, as signed). One
    // request per connection, so the farm closes it after answering.
    let end = request.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
    let mut forwarded = request[..end].to_vec();
    forwarded.extend_from_slice(b"\r\nConnection: close");
    forwarded.extend_from_slice(&request[end..]);
    let mut upstream = TcpStream::connect(farm).ok()?;
    upstream.write_all(&forwarded).ok()?;
    let mut reply = Vec::new();
    upstream.read_to_end(&mut reply).ok()?;
    Some(reply)
}

/// A raw HTTP reply with a body, closing the connection.
pub fn http_reply(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}
