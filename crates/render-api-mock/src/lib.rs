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
pub mod testing;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use render_api_types::*;
use render_sign::{Credentials, HeaderSet, Request as SignRequest, VerifyError};
use serde_json::Value;

pub use farm::{ApiError, Farm, FarmConfig};
pub use http::Limits;

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
    access_id: Option<String>,
    access_key: Option<String>,
    window: Duration,
    clock_offset_ms: i64,
    limits: Limits,
    config: FarmConfig,
    logger: Option<Logger>,
    verify: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            port: 0,
            access_id: None,
            access_key: None,
            window: Duration::from_secs(300),
            clock_offset_ms: 0,
            limits: Limits::default(),
            config: FarmConfig::default(),
            logger: None,
            verify: true,
        }
    }
}

impl Builder {
    /// The port to bind on 127.0.0.1 (default: one the OS chooses).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
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

    /// Binds 127.0.0.1 and starts serving.
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
            credentials: Credentials::new(access_id.clone(), access_key.as_bytes()),
            window_ms: i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX / 4),
            clock_offset_ms: self.clock_offset_ms,
            nonces: Mutex::new(NonceMemory::default()),
            farm: Farm::new(self.config),
            attempts: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            logger: self.logger,
            verify: self.verify,
        });
        let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port));
        let server = http::Server::start(
            addr,
            self.limits,
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
    /// A farm with made-up credentials on a port the OS chooses.
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
            .lock()
            .map(|a| a.get(endpoint).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// How many HTTP requests arrived in all.
    pub fn requests(&self) -> u64 {
        self.app.requests.load(Ordering::SeqCst)
    }
}

/// Nonces seen inside the window, forgotten as they leave it: memory stays bounded by the
/// request rate times the window. A request stamped at the window's far edge stays acceptable
/// for two windows after it is first seen, so that is how long its nonce is kept.
#[derive(Default)]
struct NonceMemory {
    seen: HashSet<(String, String)>,
    order: VecDeque<(i64, (String, String))>,
}

impl NonceMemory {
    /// Records a nonce; false when it was already seen inside the window.
    fn record(&mut self, access_id: &str, nonce: &str, now_ms: i64, window_ms: i64) -> bool {
        while let Some((at, _)) = self.order.front() {
            if now_ms - at <= 2 * window_ms {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
        let key = (access_id.to_owned(), nonce.to_owned());
        if !self.seen.insert(key.clone()) {
            return false;
        }
        self.order.push_back((now_ms, key));
        true
    }

    fn len(&self) -> usize {
        self.seen.len()
    }
}

struct App {
    credentials: Credentials,
    window_ms: i64,
    clock_offset_ms: i64,
    nonces: Mutex<NonceMemory>,
    farm: Farm,
    attempts: Mutex<HashMap<String, u64>>,
    requests: AtomicU64,
    logger: Option<Logger>,
    verify: bool,
}

struct Failure {
    status: u16,
    error: ApiError,
}

fn fail(code: ErrorCode, message: impl Into<String>) -> Failure {
    Failure {
        status: 200,
        error: ApiError::new(code, message),
    }
}

impl App {
    fn server_time(&self) -> EpochMillis {
        EpochMillis(EpochMillis::now().as_millis() + self.clock_offset_ms)
    }

    fn reply(&self, status: u16, envelope: &Envelope<Value>) -> http::Response {
        let body = serde_json::to_vec(envelope).unwrap_or_else(|_| b"{}".to_vec());
        http::Response {
            status,
            body,
            headers: Vec::new(),
        }
    }

    fn process(&self, request: &http::Request, endpoint: &EndpointInfo) -> Result<Value, Failure> {
        if request.method != "POST" {
            return Err(Failure {
                status: 405,
                error: ApiError::new(
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
                error: ApiError::new(
                    ErrorCode::ParameterInvalid,
                    format!("Content-Type must be application/json, not `{content_type}`"),
                ),
            });
        }
        let mut values = Vec::with_capacity(7);
        for name in [
            render_sign::ACCESS_ID,
            render_sign::CHANNEL,
            render_sign::PLATFORM,
            render_sign::UTC_TIMESTAMP,
            render_sign::NONCE,
            render_sign::VERSION,
            render_sign::SIGNATURE,
        ] {
            match request.header(name) {
                Some(v) if !v.is_empty() => values.push(v.to_owned()),
                _ => {
                    return Err(fail(
                        ErrorCode::ParameterCantBeEmpty,
                        format!("the header `{name}` is missing"),
                    ));
                }
            }
        }
        let signature = values.pop().unwrap_or_default();
        let headers = HeaderSet {
            access_id: values[0].clone(),
            channel: values[1].clone(),
            platform: values[2].clone(),
            utc_timestamp: values[3].clone(),
            nonce: values[4].clone(),
            version: values[5].clone(),
        };
        if headers.access_id != self.credentials.access_id() {
            return Err(fail(ErrorCode::Forbidden, "the accessId is not known"));
        }
        let now_ms = self.server_time().as_millis();
        let stamp = parse_timestamp(&headers.utc_timestamp).ok_or_else(|| {
            fail(
                ErrorCode::ParameterInvalid,
                "the UTCTimestamp header is not a number of seconds",
            )
        })?;
        if (stamp.saturating_mul(1000) - now_ms).abs() > self.window_ms {
            return Err(fail(
                ErrorCode::SignatureExpired,
                format!(
                    "the UTCTimestamp {stamp} is more than {} s from the server's clock",
                    self.window_ms / 1000
                ),
            ));
        }
        let body: Value = serde_json::from_slice(&request.body).map_err(|e| {
            fail(
                ErrorCode::ParameterInvalid,
                format!("the body is not JSON: {e}"),
            )
        })?;
        if !body.is_object() {
            return Err(fail(
                ErrorCode::ParameterInvalid,
                "the body must be a JSON object",
            ));
        }
        let host = request.header("host").ok_or_else(|| {
            fail(
                ErrorCode::ParameterCantBeEmpty,
                "the Host header is missing",
            )
        })?;
        match SignRequest::new(host, &request.path, &headers, &body)
            .verify(&self.credentials, &signature)
        {
            Ok(()) => {}
            Err(VerifyError::Sign(e)) => {
                return Err(fail(ErrorCode::ParameterInvalid, e.to_string()));
            }
            Err(VerifyError::Malformed | VerifyError::Mismatch) => {
                return Err(fail(
                    ErrorCode::SignatureInvalid,
                    "the signature does not match the request",
                ));
            }
            Err(e) => return Err(fail(ErrorCode::SignatureInvalid, e.to_string())),
        }
        let fresh = self
            .nonces
            .lock()
            .map(|mut n| n.record(&headers.access_id, &headers.nonce, now_ms, self.window_ms))
            .unwrap_or(false);
        if !fresh {
            return Err(fail(
                ErrorCode::IllegalProtocol,
                "the nonce was already used: this request is a replay",
            ));
        }
        self.route(endpoint, body)
            .map_err(|error| Failure { status: 200, error })
    }

    fn route(&self, endpoint: &EndpointInfo, body: Value) -> Result<Value, ApiError> {
        let f = &self.farm;
        match endpoint.path {
            QueryPlatforms::PATH => call::<QueryPlatforms>(body, |r| f.query_platforms(r)),
            QueryUserProfile::PATH => call::<QueryUserProfile>(body, |r| f.query_user_profile(r)),
            QueryUserSetting::PATH => call::<QueryUserSetting>(body, |r| f.query_user_setting(r)),
            UpdateUserSetting::PATH => {
                call::<UpdateUserSetting>(body, |r| f.update_user_setting(r))
            }
            GetTransferBid::PATH => call::<GetTransferBid>(body, |r| f.get_transfer_bid(r)),
            CreateTask::PATH => call::<CreateTask>(body, |r| f.create_task(r)),
            SubmitTask::PATH => call::<SubmitTask>(body, |r| f.submit_task(r)),
            QueryErrorDetail::PATH => call::<QueryErrorDetail>(body, |r| f.query_error_detail(r)),
            GetTaskList::PATH => call::<GetTaskList>(body, |r| f.get_task_list(r)),
            StopTask::PATH => call::<StopTask>(body, |r| f.stop_task(r)),
            StartTask::PATH => call::<StartTask>(body, |r| f.start_task(r)),
            AbortTask::PATH => call::<AbortTask>(body, |r| f.abort_task(r)),
            DeleteTask::PATH => call::<DeleteTask>(body, |r| f.delete_task(r)),
            QueryTaskFrames::PATH => call::<QueryTaskFrames>(body, |r| f.query_task_frames(r)),
            QueryAllFrameStats::PATH => {
                call::<QueryAllFrameStats>(body, |r| f.query_all_frame_stats(r))
            }
            RestartFailedFrames::PATH => {
                call::<RestartFailedFrames>(body, |r| f.restart_failed_frames(r))
            }
            RestartFrame::PATH => call::<RestartFrame>(body, |r| f.restart_frame(r)),
            QueryTaskInfo::PATH => call::<QueryTaskInfo>(body, |r| f.query_task_info(r)),
            AddLabel::PATH => call::<AddLabel>(body, |r| f.add_label(r)),
            DeleteLabel::PATH => call::<DeleteLabel>(body, |r| f.delete_label(r)),
            GetLabelList::PATH => call::<GetLabelList>(body, |r| f.get_label_list(r)),
            QuerySupportedSoftware::PATH => {
                call::<QuerySupportedSoftware>(body, |r| f.query_supported_software(r))
            }
            QuerySupportedPlugin::PATH => {
                call::<QuerySupportedPlugin>(body, |r| f.query_supported_plugin(r))
            }
            AddRenderEnv::PATH => call::<AddRenderEnv>(body, |r| f.add_render_env(r)),
            UpdateRenderEnv::PATH => call::<UpdateRenderEnv>(body, |r| f.update_render_env(r)),
            DeleteRenderEnv::PATH => call::<DeleteRenderEnv>(body, |r| f.delete_render_env(r)),
            SetDefaultRenderEnv::PATH => {
                call::<SetDefaultRenderEnv>(body, |r| f.set_default_render_env(r))
            }
            GetRenderEnv::PATH => call::<GetRenderEnv>(body, |r| f.get_render_env(r)),
            LoadTaskProcessImg::PATH => {
                call::<LoadTaskProcessImg>(body, |r| f.load_task_process_img(r))
            }
            UpdateTaskUserLevel::PATH => {
                call::<UpdateTaskUserLevel>(body, |r| f.update_task_user_level(r))
            }
            GetRaySyncUserKey::PATH => {
                call::<GetRaySyncUserKey>(body, |r| f.get_ray_sync_user_key(r))
            }
            GetTransferServerMsg::PATH => {
                call::<GetTransferServerMsg>(body, |r| f.get_transfer_server_msg(r))
            }
            SetOverTimeStop::PATH => call::<SetOverTimeStop>(body, |r| f.set_over_time_stop(r)),
            LoadingFrameThumbnail::PATH => {
                call::<LoadingFrameThumbnail>(body, |r| f.loading_frame_thumbnail(r))
            }
            FullSpeed::PATH => call::<FullSpeed>(body, |r| f.full_speed(r)),
            other => Err(ApiError::new(
                ErrorCode::InternalError,
                format!("{other} is in the spec but not served"),
            )),
        }
    }
}

/// Parses the body as `E::Request` (a missing required parameter is a 601, any other mismatch
/// a 600), runs the handler and serializes its data.
fn call<E: Endpoint>(
    body: Value,
    handler: impl FnOnce(E::Request) -> Result<E::Response, ApiError>,
) -> Result<Value, ApiError> {
    let request: E::Request = serde_json::from_value(body).map_err(|e| {
        let text = e.to_string();
        if text.starts_with("missing field") {
            ApiError::new(
                ErrorCode::ParameterCantBeEmpty,
                format!("{}: {text}", E::NAME),
            )
        } else {
            ApiError::new(ErrorCode::ParameterInvalid, format!("{}: {text}", E::NAME))
        }
    })?;
    let data = handler(request)?;
    serde_json::to_value(data).map_err(|e| ApiError::new(ErrorCode::InternalError, e.to_string()))
}

/// `UTCTimestamp` in any spelling a client may use: `1535957371`, `1535957371.0`, `"1535957371"`.
fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim().trim_matches('"');
    t.parse::<i64>().ok().or_else(|| {
        t.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i64)
    })
}

impl http::Handler for App {
    fn handle(&self, request: http::Request) -> http::Response {
        let started = Instant::now();
        self.requests.fetch_add(1, Ordering::SeqCst);
        let endpoint = EndpointInfo::by_path(&request.path);
        let (status, envelope) = match endpoint {
            None => (
                404,
                Envelope::error(
                    ErrorCode::ResourceNotFound,
                    format!("no endpoint at {}", request.path),
                    self.server_time(),
                ),
            ),
            Some(_) if !self.verify => (200, Envelope::success(None, self.server_time())),
            Some(ep) => {
                if let Ok(mut attempts) = self.attempts.lock() {
                    *attempts.entry(ep.name.to_owned()).or_default() += 1;
                }
                match self.process(&request, ep) {
                    Ok(data) => (200, Envelope::success(Some(data), self.server_time())),
                    Err(f) => (
                        f.status,
                        Envelope::error(f.error.code, f.error.message, self.server_time()),
                    ),
                }
            }
        };
        if let Some(log) = &self.logger {
            log(&LogLine {
                endpoint: endpoint.map_or_else(|| request.path.clone(), |e| e.name.to_owned()),
                status,
                code: envelope.code.code(),
                latency: started.elapsed(),
            });
        }
        self.reply(status, &envelope)
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
        self.reply(status, &Envelope::error(code, reason, self.server_time()))
    }
}

#[doc(hidden)]
impl MockFarm {
    /// How many nonces the farm remembers now (they are forgotten as they leave the window).
    pub fn remembered_nonces(&self) -> usize {
        self.app.nonces.lock().map(|n| n.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_memory_forgets_outside_the_window() {
        let mut memory = NonceMemory::default();
        assert!(memory.record("a", "1", 0, 1000));
        assert!(!memory.record("a", "1", 500, 1000));
        assert!(
            memory.record("b", "1", 500, 1000),
            "nonces are per access id"
        );
        assert!(memory.record("a", "2", 2600, 1000));
        assert_eq!(
            memory.len(),
            1,
            "entries older than the window were forgotten"
        );
    }

    #[test]
    fn timestamps_in_any_spelling() {
        assert_eq!(parse_timestamp("1535957371"), Some(1535957371));
        assert_eq!(parse_timestamp("1535957371.0"), Some(1535957371));
        assert_eq!(parse_timestamp("\"1535957371\""), Some(1535957371));
        assert_eq!(parse_timestamp("soon"), None);
    }

    /// Every endpoint of the spec is routed to a handler.
    #[test]
    fn every_endpoint_is_served() {
        let farm = Farm::new(FarmConfig::default());
        let app = App {
            credentials: Credentials::new("id", "key"),
            window_ms: 1,
            clock_offset_ms: 0,
            nonces: Mutex::new(NonceMemory::default()),
            farm,
            attempts: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            logger: None,
            verify: true,
        };
        for ep in ENDPOINTS {
            if let Err(e) = app.route(ep, serde_json::json!({})) {
                assert_ne!(
                    e.code,
                    ErrorCode::InternalError,
                    "{}: {}",
                    ep.name,
                    e.message
                );
            }
        }
    }
}
