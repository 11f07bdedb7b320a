//! Test servers: a relay in front of the mock farm that can misbehave on cue.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use render_api_client::{Client, RetryPolicy};
use render_api_mock::MockFarm;

/// What the relay does with a request.
#[derive(Clone)]
pub enum Act {
    /// Pass it to the farm and relay the reply.
    Forward,
    /// Answer with this raw HTTP reply.
    Reply(String),
    /// Never answer (hold the connection open).
    Hang,
}

/// Decides per request: (path, how many requests for that path came before) -> what to do.
pub type Script = Arc<dyn Fn(&str, usize) -> Act + Send + Sync>;

/// A relay on 127.0.0.1 that records every request's path and nonce.
pub struct Relay {
    pub url: String,
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Relay {
    pub fn start(farm_host: String, script: Script) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
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
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }

    /// The nonces of the requests for `path`.
    pub fn nonces(&self, path: &str) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
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
    let Some(request) = render_api_mock::testing::read_http_request(&mut stream) else {
        return;
    };
    let head = String::from_utf8_lossy(&request).to_string();
    let path = head.split(' ').nth(1).unwrap_or("").to_owned();
    let nonce = head
        .lines()
        .find_map(|l| l.strip_prefix("nonce: "))
        .unwrap_or("")
        .to_owned();
    seen.lock().unwrap().push((path.clone(), nonce));
    let n = {
        let mut c = counts.lock().unwrap();
        let e = c.entry(path.clone()).or_default();
        *e += 1;
        *e - 1
    };
    match script(&path, n) {
        Act::Reply(raw) => {
            let _ = stream.write_all(raw.as_bytes());
        }
        Act::Hang => std::thread::sleep(Duration::from_secs(30)),
        Act::Forward => {
            // The request goes on as it came (its Host header names the relay, as signed).
            // One request per connection, so the farm closes it after answering.
            let end = request.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
            let mut forwarded = request[..end].to_vec();
            forwarded.extend_from_slice(b"\r\nConnection: close");
            forwarded.extend_from_slice(&request[end..]);
            let mut upstream = TcpStream::connect(farm).unwrap();
            upstream.write_all(&forwarded).unwrap();
            let mut reply = Vec::new();
            let _ = upstream.read_to_end(&mut reply);
            let _ = stream.write_all(&reply);
        }
    }
}

/// A raw HTTP reply with a body, closing the connection.
pub fn http_reply(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

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
