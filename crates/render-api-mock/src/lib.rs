//! A fake Renderbus / Fox Renderfarm over real HTTP, for testing integrations in any language.
//!
//! It verifies every request the way the service does (the signature over the `Host` header
//! and body as received, the timestamp window, nonce replay, required headers and parameters)
//! and keeps a simulated farm's state: tasks move from analysis through rendering, frames
//! finish over farm time, failed frames can be restarted, labels and render environments can
//! be managed. Every endpoint of `api-spec.yaml` is served.
//!
//! ```
//! use render_api_mock::MockFarm;
//!
//! let farm = MockFarm::start()?;
//! println!("farm at {} accepting accessId {}", farm.url(), farm.access_id());
//! // Point a client at farm.url() with farm.credentials(); dropping `farm` stops it.
//! # Ok::<(), std::io::Error>(())
//! ```

mod farm;
mod http;
mod seed;
pub mod serve;
#[cfg(feature = "testing")]
pub mod testing;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use render_api_types::{
    ApiVersion, Dispatched, ENDPOINTS, Envelope, EpochMillis, ErrorCode, Route, Router,
    ServiceError,
};
use render_sign::verify::{Incoming, Rejection, Verifier};
use render_sign::{Credentials, HeaderSet};
use serde_json::Value;

pub use farm::{BIDS, Farm, FarmConfig, MAIN_INPUT_BID, MAIN_USER_ID};
pub use http::Limits;
/// The contract between the farm and an HTTP layer; not part of the API (benchmarks measure
/// another layer against hyper with it).
#[doc(hidden)]
pub use http::{Handler, Request, Response};

/// One line per request, for the standalone server's log. It never holds a secret.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// The endpoint's name, or the path when it is not an endpoint.
    pub endpoint: String,
    /// The HTTP status.
    pub status: u16,
    /// The envelope's code.
    pub code: i64,
    /// The time taken to answer.
    pub latency: Duration,
}

type Logger = Arc<dyn Fn(&LogLine) + Send + Sync>;

/// Builds a [`MockFarm`] with chosen credentials, limits and farm behaviour.
pub struct Builder {
    port: u16,
    bind: std::net::IpAddr,
    access_id: Option<String>,
    access_key: Option<String>,
    window: Duration,
    clock_offset_ms: i64,
    limits: Limits,
    config: FarmConfig,
    logger: Option<Logger>,
    verify: bool,
    workers: Option<usize>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            port: 0,
            bind: std::net::IpAddr::V4(Ipv4Addr::LOCALHOST),
            access_id: None,
            access_key: None,
            window: Duration::from_secs(300),
            clock_offset_ms: 0,
            limits: Limits::default(),
            config: FarmConfig::default(),
            logger: None,
            verify: true,
            workers: None,
        }
    }
}

impl Builder {
    /// The port to bind on 127.0.0.1 (default: one the OS chooses).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default 127.0.0.1). Another one makes the fake farm, which
    /// accepts its own printed credentials, reachable from other machines.
    pub fn bind(mut self, address: std::net::IpAddr) -> Self {
        self.bind = address;
        self
    }

    /// The credentials the farm accepts (default: a made-up pair).
    pub fn credentials(
        mut self,
        access_id: impl Into<String>,
        access_key: impl Into<String>,
    ) -> Self {
        self.access_id = Some(access_id.into());
        self.access_key = Some(access_key.into());
        self
    }

    /// How far a request's `UTCTimestamp` may be from the farm's clock (default ±5 minutes).
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Runs the farm's clock this many milliseconds ahead of the machine's (negative: behind),
    /// like a service whose clock differs from the caller's.
    pub fn clock_offset_ms(mut self, offset_ms: i64) -> Self {
        self.clock_offset_ms = offset_ms;
        self
    }

    /// The HTTP layer's limits (body size, timeouts, connections).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many threads serve connections (default: one per core, at most 4). Connections are
    /// dealt to them in turn; with one, every connection is served by the same thread, which
    /// makes two clients' timings comparable (the benchmarks' wire rows).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers.max(1));
        self
    }

    /// How the simulated farm behaves (frames, speed, failing frames).
    pub fn farm(mut self, config: FarmConfig) -> Self {
        self.config = config;
        self
    }

    /// Called once per request with what happened (never secrets).
    pub fn logger(mut self, logger: impl Fn(&LogLine) + Send + Sync + 'static) -> Self {
        self.logger = Some(Arc::new(logger));
        self
    }

    /// Answers every request to a known path with an empty success, without verifying it or
    /// touching state: the bare HTTP stack, as a baseline for benchmarks. Not for tests of
    /// clients: it accepts anything.
    #[doc(hidden)]
    pub fn answer_without_verifying(mut self) -> Self {
        self.verify = false;
        self
    }

    /// Binds its address (127.0.0.1 unless [`bind`](Self::bind) said otherwise) and starts
    /// serving.
    pub fn start(self) -> std::io::Result<MockFarm> {
        let access_id = match self.access_id {
            Some(id) => id,
            None => format!("AKID{}", random_hex(16)?),
        };
        let access_key = match self.access_key {
            Some(key) => key,
            None => random_hex(32)?,
        };
        let app = Arc::new(App {
            verifier: Verifier::new(
                Credentials::new(access_id.clone(), access_key.as_bytes()),
                self.window,
            ),
            clock_offset_ms: self.clock_offset_ms,
            farm: Farm::new(self.config),
            router: Router::new(),
            attempts: ENDPOINTS
                .iter()
                .map(|ep| (ep.name, AtomicU64::new(0)))
                .collect(),
            requests: AtomicU64::new(0),
            logger: self.logger,
            verify: self.verify,
        });
        let addr = SocketAddr::new(self.bind, self.port);
        let server = http::Server::start(
            addr,
            self.limits,
            self.workers,
            Arc::clone(&app) as Arc<dyn http::Handler>,
        )?;
        Ok(MockFarm {
            url: format!("http://{}", server.addr()),
            access_id,
            access_key,
            app,
            _server: server,
        })
    }
}

fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A running fake farm on 127.0.0.1; dropping it shuts it down.
pub struct MockFarm {
    url: String,
    access_id: String,
    access_key: String,
    app: Arc<App>,
    _server: http::Server,
}

impl std::fmt::Debug for MockFarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockFarm")
            .field("url", &self.url)
            .field("access_id", &self.access_id)
            .field("access_key", &format_args!("{}", render_sign::REDACTED))
            .finish()
    }
}

impl MockFarm {
    /// A farm with made-up credentials on a port the OS chooses, its clock running at 60×
    /// real time (a default task is analysed and rendered within seconds, so a poll loop
    /// ends). For exact tests, build one with [`FarmConfig::frozen`] and move its clock with
    /// [`Farm::advance`].
    pub fn start() -> std::io::Result<MockFarm> {
        Builder::default().start()
    }

    /// A builder, to choose credentials, limits and farm behaviour.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The host as clients send it, `127.0.0.1:PORT`.
    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// The access id the farm accepts.
    pub fn access_id(&self) -> &str {
        &self.access_id
    }

    /// The access key the farm accepts. It is the test farm's own made-up secret, handed out
    /// so that tests and tools can sign requests.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The credentials the farm accepts.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.access_id.clone(), self.access_key.as_bytes())
    }

    /// The simulated farm, to move its clock or look at it.
    pub fn farm(&self) -> &Farm {
        &self.app.farm
    }

    /// How many requests reached an endpoint (verified or not), by endpoint name: what a test
    /// checks to prove a write was sent once.
    pub fn attempts(&self, endpoint: &str) -> u64 {
        self.app
            .attempts
            .get(endpoint)
            .map_or(0, |n| n.load(Ordering::SeqCst))
    }

    /// How many HTTP requests arrived in all.
    pub fn requests(&self) -> u64 {
        self.app.requests.load(Ordering::SeqCst)
    }
}

struct App {
    verifier: Verifier,
    clock_offset_ms: i64,
    farm: Farm,
    /// Each path to its endpoint, built once.
    router: Router<Farm>,
    /// Requests per endpoint that reached verification.
    attempts: HashMap<&'static str, AtomicU64>,
    requests: AtomicU64,
    logger: Option<Logger>,
    verify: bool,
}

/// Why a request was answered with an error before reaching the farm: the HTTP status and
/// the envelope's code and message.
struct Failure {
    status: u16,
    error: ServiceError,
}

fn fail(code: ErrorCode, message: impl Into<String>) -> Failure {
    Failure {
        status: 200,
        error: ServiceError::new(code, message),
    }
}

/// The service code of each verification failure.
fn rejection_code(rejection: &Rejection) -> ErrorCode {
    match rejection {
        Rejection::MissingHeader(_) => ErrorCode::ParameterCantBeEmpty,
        Rejection::UnknownAccessId => ErrorCode::Forbidden,
        Rejection::BadTimestamp | Rejection::Unsignable(_) => ErrorCode::ParameterInvalid,
        Rejection::Expired { .. } => ErrorCode::SignatureExpired,
        Rejection::Replay => ErrorCode::IllegalProtocol,
        // Any rejection added later is a signature problem until it is given its own code.
        _ => ErrorCode::SignatureInvalid,
    }
}

impl App {
    fn server_time(&self) -> EpochMillis {
        EpochMillis(EpochMillis::now().as_millis() + self.clock_offset_ms)
    }

    fn reply(&self, status: u16, body: Vec<u8>) -> http::Response {
        http::Response {
            status,
            body,
            headers: Vec::new(),
        }
    }

    fn error_reply(&self, status: u16, error: ServiceError) -> http::Response {
        let envelope = Envelope::<()>::error(error.code, error.message, self.server_time());
        let body = serde_json::to_vec(&envelope).unwrap_or_else(|_| b"{}".to_vec());
        self.reply(status, body)
    }

    /// The HTTP-level checks and the service's verification, then the farm's answer: the
    /// body is parsed once, for verification and then for the endpoint.
    fn process(&self, route: &Route<Farm>, request: &http::Request) -> Result<Dispatched, Failure> {
        if request.method != "POST" {
            return Err(Failure {
                status: 405,
                error: ServiceError::new(
                    ErrorCode::IllegalProtocol,
                    format!("{} is not allowed: every call is a POST", request.method),
                ),
            });
        }
        let content_type = request.header("content-type").unwrap_or("");
        if !content_type
            .to_ascii_lowercase()
            .starts_with("application/json")
        {
            return Err(Failure {
                status: 415,
                error: ServiceError::new(
                    ErrorCode::ParameterInvalid,
                    format!("Content-Type must be application/json, not `{content_type}`"),
                ),
            });
        }
        let body: Value = serde_json::from_slice(&request.body).map_err(|e| {
            fail(
                ErrorCode::ParameterInvalid,
                format!("the body is not JSON: {e}"),
            )
        })?;
        let host = request.header("host").ok_or_else(|| {
            fail(
                ErrorCode::ParameterCantBeEmpty,
                "the Host header is missing",
            )
        })?;
        let incoming = Incoming {
            host,
            path: &request.path,
            body: &body,
        };
        let now = self.server_time();
        let headers = self
            .verifier
            .verify(&incoming, |name| request.header(name), now.as_millis())
            .map_err(|rejection| fail(rejection_code(&rejection), rejection.to_string()))?;
        // Any spelling a client may use (`4`, `"4"`), like the timestamp.
        if headers.channel.trim().trim_matches('"') != HeaderSet::DEFAULT_CHANNEL {
            return Err(fail(
                ErrorCode::ParameterInvalid,
                format!(
                    "the channel header is `{}`: calls of the API are made on channel {}",
                    headers.channel,
                    HeaderSet::DEFAULT_CHANNEL
                ),
            ));
        }
        let api = ApiVersion::from_header(headers.version.trim_matches('"')).ok_or_else(|| {
            let known: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.header()).collect();
            fail(
                ErrorCode::ParameterInvalid,
                format!(
                    "the version header `{}` is not an API version ({})",
                    headers.version,
                    known.join(", ")
                ),
            )
        })?;
        match body {
            Value::Object(body) => Ok(route.serve(&self.farm, api, &request.path, body, now)),
            _ => Err(fail(
                ErrorCode::ParameterInvalid,
                "the body must be a JSON object",
            )),
        }
    }
}

impl http::Handler for App {
    fn handle(&self, request: http::Request) -> http::Response {
        let started = Instant::now();
        self.requests.fetch_add(1, Ordering::SeqCst);
        let route = self.router.route(&request.path);
        let (status, code, response) = match route {
            None => {
                let error = ServiceError::new(
                    ErrorCode::ResourceNotFound,
                    format!("no endpoint at {}", request.path),
                );
                (404, error.code, self.error_reply(404, error))
            }
            Some(_) if !self.verify => {
                let envelope = Envelope::<()>::success(None, self.server_time());
                let body = serde_json::to_vec(&envelope).unwrap_or_default();
                (200, ErrorCode::Success, self.reply(200, body))
            }
            Some(route) => {
                if let Some(n) = self.attempts.get(route.name()) {
                    n.fetch_add(1, Ordering::SeqCst);
                }
                match self.process(route, &request) {
                    Ok(done) => (200, done.code, self.reply(200, done.body)),
                    Err(f) => (f.status, f.error.code, self.error_reply(f.status, f.error)),
                }
            }
        };
        if let Some(log) = &self.logger {
            log(&LogLine {
                endpoint: route.map_or_else(|| request.path.clone(), |r| r.name().to_owned()),
                status,
                code: code.code(),
                latency: started.elapsed(),
            });
        }
        response
    }

    fn refuse(&self, status: u16, reason: &str) -> http::Response {
        let code = if status == 413 || status == 400 {
            ErrorCode::ParameterInvalid
        } else {
            ErrorCode::IllegalProtocol
        };
        if let Some(log) = &self.logger {
            log(&LogLine {
                endpoint: "-".into(),
                status,
                code: code.code(),
                latency: Duration::ZERO,
            });
        }
        self.error_reply(status, ServiceError::new(code, reason))
    }
}

#[doc(hidden)]
impl MockFarm {
    /// How many nonces the farm remembers now (they are forgotten as they leave the window).
    pub fn remembered_nonces(&self) -> usize {
        self.app.verifier.remembered_nonces()
    }

    /// Not part of the API (the benchmarks put another HTTP layer in front of the farm with
    /// it): everything above HTTP (verification, state, logging), as the HTTP layer sees it.
    pub fn handler(&self) -> Arc<dyn Handler> {
        Arc::clone(&self.app) as Arc<dyn Handler>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use render_api_types::dispatch;

    /// Every endpoint of the spec is dispatched to the farm: an empty body reaches decoding
    /// (a 601 for a missing parameter, or an answer), never "no endpoint".
    #[test]
    fn every_endpoint_is_served() {
        let farm = Farm::new(FarmConfig::default());
        for ep in ENDPOINTS {
            for &(api, path) in ep.paths {
                let done = dispatch(&farm, api, path, b"{}", EpochMillis(0))
                    .unwrap_or_else(|| panic!("{} is not dispatched", ep.name));
                assert_eq!(done.endpoint, ep.name);
                assert_ne!(done.code, ErrorCode::ResourceNotFound, "{}", ep.name);
                assert_ne!(
                    done.code,
                    ErrorCode::ParameterInvalid,
                    "{} {api:?}: {}",
                    ep.name,
                    String::from_utf8_lossy(&done.body)
                );
            }
        }
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
