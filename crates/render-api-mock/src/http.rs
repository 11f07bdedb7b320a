//! The farm's HTTP layer: hyper 1 (HTTP/1.1) on a tokio runtime of its own.
//!
//! hyper parses requests (`Content-Length` and chunked bodies alike), keeps connections alive
//! and answers malformed heads (400) and oversized ones (431) itself; this module adds what a
//! test farm facing misbehaving clients needs: a read deadline for heads (a watchdog per
//! connection, which also closes idle keep-alive connections) and for bodies (408),
//! a body limit checked before reading and while reading (413), a cap on connections (503),
//! and an answer, never a crash. Each connection is a task, not a thread, so thousands of idle
//! or slow connections cost little memory and do not delay real requests.

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, watch};

/// A request that arrived whole.
#[derive(Debug)]
pub struct Request {
    /// The method (`POST`).
    pub method: String,
    /// The path, without a query string.
    pub path: String,
    /// Headers in arrival order, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this name, compared without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A reply.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
}

/// Limits of the HTTP layer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest body accepted; larger ones get 413.
    pub max_body: usize,
    /// The largest head (request line and headers) accepted; larger ones get 431. At least
    /// 8 KiB (hyper's smallest read buffer).
    pub max_head: usize,
    /// How long a request's head may take to arrive (and how long an idle keep-alive
    /// connection is kept), and how long its body may take once the head is in (408).
    pub read_timeout: Duration,
    /// How many connections are served at once; more get 503.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_head: 16 << 10,
            read_timeout: Duration::from_secs(10),
            max_connections: 10_000,
        }
    }
}

/// Produces the reply to a request; may also reject a request early by its head.
pub trait Handler: Send + Sync + 'static {
    /// The reply to a whole request.
    fn handle(&self, request: Request) -> Response;
    /// The reply for a request the HTTP layer refused (status and reason).
    fn refuse(&self, status: u16, reason: &str) -> Response;
}

/// A running server on runtimes of its own (on background threads, so that synchronous code
/// can start and stop it); dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` and serves `handler` until dropped.
    ///
    /// `workers` threads serve (default: one per core, at most 4: the farm's state is one
    /// lock, so more do not help), each a
    /// single-threaded runtime serving the connections it is given: a request is read, handled
    /// and answered on one thread, with no hand-off between threads. Connections are dealt to
    /// the workers in turn as they are accepted, so each core gets its share. A task per
    /// connection, so thousands of connections cost little.
    pub fn start(
        addr: SocketAddr,
        limits: Limits,
        workers: Option<usize>,
        handler: Arc<dyn Handler>,
    ) -> io::Result<Self> {
        let listener = StdListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let workers = workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get().min(4)));
        let workers = workers.max(1);
        let (stop, stopped) = watch::channel(false);
        let (deal, dealt): (Vec<_>, Vec<_>) =
            (0..workers).map(|_| mpsc::unbounded_channel()).unzip();
        let mut listener = Some(listener);
        let mut deal = Some(deal);
        let mut threads = Vec::with_capacity(workers);
        for (worker, connections) in dealt.into_iter().enumerate() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .enable_time()
                .build()?;
            // The first worker also accepts.
            let acceptor = listener.take().zip(deal.take());
            let (handler, mut stopped) = (Arc::clone(&handler), stopped.clone());
            let thread = std::thread::Builder::new()
                .name(format!("mock-farm-{}-{worker}", addr.port()))
                .spawn(move || {
                    runtime.block_on(async move {
                        let accepting = async {
                            match acceptor {
                                Some((listener, deal)) => {
                                    match tokio::net::TcpListener::from_std(listener) {
                                        Ok(listener) => {
                                            accept_loop(listener, limits, &*handler, deal).await;
                                        }
                                        Err(_) => std::future::pending().await,
                                    }
                                }
                                None => std::future::pending().await,
                            }
                        };
                        tokio::select! {
                            () = accepting => {}
                            () = serve_loop(connections, limits, Arc::clone(&handler)) => {}
                            _ = stopped.wait_for(|stop| *stop) => {}
                        }
                    });
                    // Connections still open are dropped with the runtime.
                    runtime.shutdown_timeout(Duration::from_secs(1));
                })?;
            threads.push(thread);
        }
        Ok(Server {
            addr,
            stop: Some(stop),
            threads,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A connection dealt to a worker, and the count of live connections it holds a place in.
type Dealt = (std::net::TcpStream, Arc<AtomicUsize>);

/// Accepts connections and deals them to the workers in turn; one over the cap is answered 503
/// here.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    limits: Limits,
    handler: &dyn Handler,
    deal: Vec<mpsc::UnboundedSender<Dealt>>,
) {
    let live = Arc::new(AtomicUsize::new(0));
    let mut next = 0usize;
    loop {
        let (mut stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors, or a connection reset before it was accepted: go on
            // (after a breath, so that a full table does not spin the loop).
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if live.fetch_add(1, Ordering::SeqCst) >= limits.max_connections {
            live.fetch_sub(1, Ordering::SeqCst);
            let reply = handler.refuse(503, "too many connections");
            tokio::spawn(async move {
                let _ = stream.write_all(&raw_reply(&reply)).await;
                let _ = stream.shutdown().await;
            });
            continue;
        }
        let _ = stream.set_nodelay(true);
        let dealt = stream.into_std().map(|stream| (stream, Arc::clone(&live)));
        match dealt {
            Ok(dealt) => {
                let _ = deal[next % deal.len()].send(dealt);
                next = next.wrapping_add(1);
            }
            Err(_) => {
                live.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// Serves the connections dealt to this worker, a task each.
async fn serve_loop(
    mut connections: mpsc::UnboundedReceiver<Dealt>,
    limits: Limits,
    handler: Arc<dyn Handler>,
) {
    let max_head = limits.max_head.max(8 << 10);
    while let Some((stream, live)) = connections.recv().await {
        let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
            live.fetch_sub(1, Ordering::SeqCst);
            continue;
        };
        let handler = Arc::clone(&handler);
        tokio::spawn(async move {
            let activity = Arc::new(Activity::new());
            let watched = Arc::clone(&activity);
            let service = service_fn(move |request| {
                let (handler, activity) = (Arc::clone(&handler), Arc::clone(&watched));
                async move {
                    activity.begin();
                    let response = respond(request, limits, &*handler).await;
                    activity.end();
                    Ok::<_, Infallible>(response)
                }
            });
            let serving = http1::Builder::new()
                // The watchdog below is the head's deadline: hyper's own would arm a timer
                // for every request.
                .header_read_timeout(None)
                .max_buf_size(max_head)
                .writev(false)
                .serve_connection(TokioIo::new(stream), service);
            // Served on a task of its own, so that the watchdog is not polled at every
            // wake-up of the connection, only when its timer fires.
            let mut serving = tokio::spawn(serving);
            tokio::select! {
                _ = &mut serving => {}
                () = activity.silent_for(limits.read_timeout) => serving.abort(),
            }
            live.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// What a connection is doing, for its read deadline: a connection that has not completed a
/// request's head within the read timeout of its last request (or of being accepted) is
/// closed, whether it sends half a head or nothing at all. One timer a connection, re-armed
/// only when it fires, instead of one a request.
struct Activity {
    /// When the connection was accepted.
    since: tokio::time::Instant,
    /// Whether a request is being handled (its body has its own deadline, 408).
    busy: AtomicBool,
    /// When a request was last answered, in milliseconds after `since`.
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            since: tokio::time::Instant::now(),
            busy: AtomicBool::new(false),
            last_ms: AtomicU64::new(0),
        }
    }

    fn mark(&self) {
        let ms = u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// A request's head has arrived: its deadline is met.
    fn begin(&self) {
        self.busy.store(true, Ordering::Relaxed);
    }

    /// A request has been answered.
    fn end(&self) {
        self.mark();
        self.busy.store(false, Ordering::Relaxed);
    }

    /// Ends once the connection has been without a request for `timeout`.
    async fn silent_for(&self, timeout: Duration) {
        loop {
            let now = tokio::time::Instant::now();
            let last = self.since + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let wake = if self.busy.load(Ordering::Relaxed) {
                now + timeout
            } else if now >= last + timeout {
                return;
            } else {
                last + timeout
            };
            tokio::time::sleep_until(wake).await;
        }
    }
}

/// Reads the body (within the limits) and asks the handler.
async fn respond(
    request: hyper::Request<Incoming>,
    limits: Limits,
    handler: &dyn Handler,
) -> hyper::Response<Full<Bytes>> {
    match read(request, limits).await {
        Ok(request) => to_hyper(handler.handle(request)),
        Err((status, reason)) => to_hyper(handler.refuse(status, reason)),
    }
}

async fn read(
    request: hyper::Request<Incoming>,
    limits: Limits,
) -> Result<Request, (u16, &'static str)> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.parse::<usize>().ok());
    // A declared length over what the farm would even read is refused before anything is
    // read (and the connection closed under the sender).
    if declared.is_some_and(|l| l > drain_limit(limits)) {
        return Err((413, "the body is larger than the farm accepts"));
    }
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        match value.to_str() {
            Ok(v) => headers.push((name.as_str().to_owned(), v.trim().to_owned())),
            Err(_) => return Err((400, "a header value is not UTF-8")),
        }
    }
    // A body that is already in (the usual case: it came with the head) is taken without
    // arming a timer; one still on its way gets the read timeout.
    let mut collect = std::pin::pin!(collect_within(body, limits));
    let first = std::future::poll_fn(|cx| Poll::Ready(collect.as_mut().poll(cx))).await;
    let collected = match first {
        Poll::Ready(done) => Ok(done),
        Poll::Pending => tokio::time::timeout(limits.read_timeout, collect).await,
    };
    let body = match collected {
        Err(_) => return Err((408, "the body did not arrive in time")),
        Ok(Err(BodyFault::TooLarge)) => {
            return Err((413, "the body is larger than the farm accepts"));
        }
        Ok(Err(BodyFault::Incomplete)) => {
            return Err((400, "the body ended before it was complete"));
        }
        Ok(Ok(body)) => body,
    };
    Ok(Request {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        headers,
        body,
    })
}

/// How much of a body over the limit is still read (and thrown away) so that its sender gets
/// to read the 413 instead of a connection reset under its feet.
fn drain_limit(limits: Limits) -> usize {
    limits.max_body.saturating_mul(16).max(16 << 20)
}

/// Why a body was not taken.
enum BodyFault {
    /// Over the limit.
    TooLarge,
    /// The connection ended or failed first.
    Incomplete,
}

/// The body, if it is within `limits.max_body`; one over it is read to its end (up to
/// [`drain_limit`]) and dropped, so the reply can be read by its sender.
async fn collect_within(mut body: Incoming, limits: Limits) -> Result<Vec<u8>, BodyFault> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyFault::Incomplete)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > drain_limit(limits) {
            return Err(BodyFault::TooLarge);
        }
        if seen > limits.max_body {
            kept = Vec::new();
        } else {
            kept.extend_from_slice(&data);
        }
    }
    if seen > limits.max_body {
        Err(BodyFault::TooLarge)
    } else {
        Ok(kept)
    }
}

fn to_hyper(reply: Response) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(name, value);
        }
    }
    response
}

/// A whole reply as bytes, closing the connection: for the answer to a connection over the cap,
/// which is written without hyper.
fn raw_reply(reply: &Response) -> Vec<u8> {
    let reason = hyper::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut bytes = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.body.len(),
    )
    .into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}
