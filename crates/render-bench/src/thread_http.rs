//! The mock farm's HTTP layer before it moved to hyper: HTTP/1.1 on `std::net`, a thread per
//! connection, `Content-Length` bodies only. Kept here, and only here, as the baseline of the
//! benchmark rows that measure the move (throughput under the same load, memory with idle
//! connections); the farm itself no longer uses it. It serves the farm's own `Handler`, so
//! only the HTTP layer differs.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use render_api_mock::{Handler, Limits, Request, Response};

/// A running server; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` and serves `handler` until dropped.
    pub fn start(addr: SocketAddr, limits: Limits, handler: Arc<dyn Handler>) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let live = Arc::new(AtomicUsize::new(0));
        let acceptor = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name(format!("mock-farm-accept-{}", addr.port()))
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let handler = Arc::clone(&handler);
                        let live = Arc::clone(&live);
                        let stop = Arc::clone(&stop);
                        if live.fetch_add(1, Ordering::SeqCst) >= limits.max_connections {
                            live.fetch_sub(1, Ordering::SeqCst);
                            let reply = handler.refuse(503, "too many connections");
                            let _ = write_response(&mut &stream, &reply, false);
                            continue;
                        }
                        let spawned = std::thread::Builder::new()
                            .name("mock-farm-conn".into())
                            .spawn(move || {
                                serve_connection(stream, limits, &*handler, &stop);
                                live.fetch_sub(1, Ordering::SeqCst);
                            });
                        if spawned.is_err() {
                            // Out of threads: the connection is dropped, the server goes on.
                            continue;
                        }
                    }
                })?
        };
        Ok(Server {
            addr,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

enum ReadOutcome {
    Request(Request, bool),
    Closed,
    Refuse(u16, &'static str),
}

fn serve_connection(stream: TcpStream, limits: Limits, handler: &dyn Handler, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(limits.read_timeout));
    let _ = stream.set_write_timeout(Some(limits.read_timeout));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match read_request(&mut reader, &limits) {
            ReadOutcome::Closed => return,
            ReadOutcome::Refuse(status, reason) => {
                let reply = handler.refuse(status, reason);
                let _ = write_response(&mut writer, &reply, false);
                return;
            }
            ReadOutcome::Request(request, keep_alive) => {
                let reply = handler.handle(request);
                if write_response(&mut writer, &reply, keep_alive).is_err() || !keep_alive {
                    return;
                }
            }
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>, limits: &Limits) -> ReadOutcome {
    // The head: read until the blank line, within the limit.
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let mut line = Vec::new();
        let read = reader
            .by_ref()
            .take((limits.max_head + 1 - head.len().min(limits.max_head)) as u64)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) if before == 0 => return ReadOutcome::Closed,
            Ok(0) => return ReadOutcome::Refuse(400, "the request ended inside its headers"),
            Ok(_) => head.extend_from_slice(&line),
            Err(e) if is_timeout(&e) && before == 0 => return ReadOutcome::Closed,
            Err(e) if is_timeout(&e) => {
                return ReadOutcome::Refuse(408, "the request's headers did not arrive in time");
            }
            Err(_) => return ReadOutcome::Closed,
        }
        if head.len() > limits.max_head {
            return ReadOutcome::Refuse(431, "the request's headers are too large");
        }
        if head == b"\r\n" || head == b"\n" {
            // Tolerate blank lines between keep-alive requests.
            head.clear();
            continue;
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
        if !line.ends_with(b"\n") {
            return ReadOutcome::Refuse(400, "the request ended inside its headers");
        }
    }

    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut slots);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) | Err(_) => {
            return ReadOutcome::Refuse(400, "the request line or headers are malformed");
        }
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let http10 = parsed.version == Some(0);
    let mut headers = Vec::with_capacity(parsed.headers.len());
    for h in parsed.headers.iter() {
        match std::str::from_utf8(h.value) {
            Ok(v) => headers.push((h.name.to_owned(), v.trim().to_owned())),
            Err(_) => return ReadOutcome::Refuse(400, "a header value is not UTF-8"),
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let keep_alive = match find("connection") {
        Some(v) if v.eq_ignore_ascii_case("close") => false,
        Some(v) if v.eq_ignore_ascii_case("keep-alive") => true,
        _ => !http10,
    };
    if find("transfer-encoding").is_some() {
        return ReadOutcome::Refuse(411, "send the body with a Content-Length, not chunked");
    }
    let length = match find("content-length") {
        None => 0,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return ReadOutcome::Refuse(400, "the Content-Length is not a number"),
        },
    };
    if length > limits.max_body {
        return ReadOutcome::Refuse(413, "the body is larger than the farm accepts");
    }
    let mut body = vec![0u8; length];
    let mut filled = 0;
    while filled < length {
        match reader.read(&mut body[filled..]) {
            Ok(0) => return ReadOutcome::Refuse(400, "the body ended before its Content-Length"),
            Ok(n) => filled += n,
            Err(e) if is_timeout(&e) => {
                return ReadOutcome::Refuse(408, "the body did not arrive in time");
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return ReadOutcome::Closed,
        }
    }
    ReadOutcome::Request(
        Request {
            method,
            path,
            headers,
            body,
        },
        keep_alive,
    )
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn write_response<W: Write>(out: &mut W, reply: &Response, keep_alive: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: {}\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in &reply.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(&reply.body)?;
    out.flush()
}
