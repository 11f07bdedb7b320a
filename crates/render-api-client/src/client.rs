//! The hand-written core: configuration, the attempt loop, signing, retries, clock skew.

use std::fmt;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use render_api_types::{Endpoint, Envelope, EpochMillis, ErrorCode, Generation, Paginated, V2};
use render_sign::{Credentials, HeaderSet, Nonce, Request as SignRequest};
use serde_json::Value;
use serde_json::value::RawValue;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::error::{Error, excerpt};

/// The China zone's host.
pub const HOST_CHINA: &str = "task.renderbus.com";
/// The overseas zone's host.
pub const HOST_OVERSEAS: &str = "task.foxrenderfarm.com";

/// Environment variable holding the access id.
pub const ENV_ACCESS_ID: &str = "RENDERBUS_ACCESS_ID";
/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "RENDERBUS_ACCESS_KEY";

/// When and how often calls are retried.
///
/// Reads (endpoints the spec marks idempotent) are retried on transport failures, timeouts and
/// HTTP 5xx, with exponential backoff and full jitter. Writes are sent at most once unless
/// `retry_writes` is set: a write whose reply was lost may have happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: no retries).
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// Retry writes too (createTask, submitTask, …). Off by default.
    pub retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1-based): a random time up to the backoff.
    fn delay(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let cap = exp.min(self.max_delay);
        let mut bytes = [0u8; 8];
        let fraction = match getrandom::fill(&mut bytes) {
            Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
            Err(_) => 0.5,
        };
        cap.mul_f64(fraction)
    }
}

type ClockFn = dyn Fn() -> SystemTime + Send + Sync;

/// Builds a [`Client`]. Every setting has a sensible default except the credentials; the
/// API generation is the newest ([`V2`]) unless [`api`](ClientBuilder::api) says otherwise.
pub struct ClientBuilder<G = V2> {
    host: String,
    credentials: Option<Credentials>,
    platform: String,
    connect_timeout: Duration,
    timeout: Duration,
    call_timeout: Option<Duration>,
    retry: RetryPolicy,
    agent: Option<ureq::Agent>,
    clock: Option<Arc<ClockFn>>,
    generation: PhantomData<fn() -> G>,
}

impl<G: Generation> fmt::Debug for ClientBuilder<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("credentials", &self.credentials)
            .field("platform", &self.platform)
            .field("api", &G::API)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder<V2> {
    fn default() -> Self {
        ClientBuilder {
            host: HOST_CHINA.to_owned(),
            credentials: None,
            platform: "2".to_owned(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            call_timeout: None,
            retry: RetryPolicy::default(),
            agent: None,
            clock: None,
            generation: PhantomData,
        }
    }
}

impl<G: Generation> ClientBuilder<G> {
    /// Host, platform and credentials found as the `renderbus` CLI finds them: the
    /// `RENDERBUS_*` variables, then the profile (`RENDERBUS_PROFILE`, else `default`) of
    /// the config file; see [`Settings`](crate::Settings). An API version said there that
    /// is not this builder's is an error.
    pub fn from_env(self) -> Result<Self, Error> {
        let found = crate::Settings::resolve(crate::Settings::default(), None)?;
        if let Some(api) = found.api
            && api != G::API
        {
            return Err(Error::Config(format!(
                "the settings ask for API {api}, but this client speaks {}: build it with `.api::<V{}>()`",
                G::API,
                api.name().trim_start_matches('v')
            )));
        }
        Ok(self
            .host(found.host)
            .platform(found.platform)
            .credentials(found.credentials))
    }

    /// The API generation to speak: `Client::builder().api::<V1>()` builds a `Client<V1>`,
    /// which has the calls and parameters of API 1.0.0 (and sends `version: 1.0.0`).
    pub fn api<H: Generation>(self) -> ClientBuilder<H> {
        ClientBuilder {
            host: self.host,
            credentials: self.credentials,
            platform: self.platform,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            call_timeout: self.call_timeout,
            retry: self.retry,
            agent: self.agent,
            clock: self.clock,
            generation: PhantomData,
        }
    }

    /// The service: a bare host (`task.renderbus.com`, the default; `task.foxrenderfarm.com`
    /// overseas) means https; a URL (`http://127.0.0.1:8080`) is taken as given.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The credentials to sign with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Credentials from `RENDERBUS_ACCESS_ID` and `RENDERBUS_ACCESS_KEY`.
    ///
    /// An empty variable counts as unset.
    pub fn credentials_from_env(mut self) -> Result<Self, Error> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Error::Config(format!("{name} is not set (or is empty)")))
        };
        let id = var(ENV_ACCESS_ID)?;
        let key = var(ENV_ACCESS_KEY)?;
        self.credentials = Some(Credentials::new(id, key));
        Ok(self)
    }

    /// The render platform number sent in the `platform` header (from `queryPlatforms`;
    /// default 2).
    pub fn platform(mut self, platform: impl fmt::Display) -> Self {
        self.platform = platform.to_string();
        self
    }

    /// How long connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from connecting to the last byte of the reply
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a whole call may take, every attempt and the waits between them included
    /// (default: no limit beyond each attempt's `timeout`). When it runs out, the call ends
    /// with [`Error::Timeout`] saying how long it waited and how many attempts it made.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// When calls are retried (default: reads up to 3 attempts, writes once).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A `ureq::Agent` of your own, for proxies or TLS settings. The client's timeouts still
    /// apply to each call.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }

    /// The clock timestamps are taken from (default: the system clock). For tests.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client<G>, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: pass them to `credentials`, or set {ENV_ACCESS_ID} and {ENV_ACCESS_KEY} and call `credentials_from_env`"
            ))
        })?;
        let (base_url, host) = parse_host(&self.host)?;
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "retry.max_attempts must be at least 1".into(),
            ));
        }
        // Our own agent carries the timeouts; a caller's agent gets them per request (which
        // costs a config per call, so it is only done there).
        let own_agent = self.agent.is_none();
        let agent = self
            .agent
            .unwrap_or_else(|| default_agent(self.connect_timeout, self.timeout));
        Ok(Client {
            inner: Arc::new(Inner {
                agent,
                own_agent,
                base_url,
                host,
                credentials,
                platform: self.platform,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                call_timeout: self.call_timeout,
                retry: self.retry,
                clock: self.clock,
                offset_ms: AtomicI64::new(0),
            }),
            generation: PhantomData,
        })
    }
}

#[doc(hidden)]
/// Not part of the API (the benchmarks' baseline uses it).
///
/// The `ureq::Agent` a client uses unless given one: HTTP error statuses as replies (the
/// envelope says more than the status), connect and overall timeouts, and IP-literal hosts
/// resolved without a lookup thread. Useful as the starting point of an agent of your own.
pub fn default_agent(connect_timeout: Duration, timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(timeout))
        .build();
    ureq::Agent::with_parts(
        config,
        DefaultConnector::new(),
        LiteralFirstResolver::default(),
    )
}

/// Resolves IP-literal hosts (`127.0.0.1:8080`) directly and names through ureq's resolver.
///
/// Under a deadline, ureq's own resolver looks every host up on a new thread so that the
/// lookup can be abandoned; for an IP literal there is nothing to look up, and that thread
/// cost ~75 µs a call on loopback (`cargo xtask bench`).
#[derive(Debug, Default)]
struct LiteralFirstResolver(DefaultResolver);

impl Resolver for LiteralFirstResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(authority) = uri.authority() {
            let host = authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']');
            if let Ok(ip) = host.parse::<IpAddr>() {
                let default_port = if uri.scheme_str() == Some("https") {
                    443
                } else {
                    80
                };
                let mut out = self.empty();
                out.push(SocketAddr::new(
                    ip,
                    authority.port_u16().unwrap_or(default_port),
                ));
                return Ok(out);
            }
        }
        self.0.resolve(uri, config, timeout)
    }
}

/// Splits a host setting into the base URL and the host as sent (and signed).
fn parse_host(setting: &str) -> Result<(String, String), Error> {
    let setting = setting.trim().trim_end_matches('/');
    let (scheme, authority) = match setting.split_once("://") {
        Some((scheme @ ("http" | "https"), rest)) => (scheme, rest),
        Some((other, _)) => {
            return Err(Error::Config(format!(
                "the host `{setting}` has the scheme `{other}`: use http or https"
            )));
        }
        None => ("https", setting),
    };
    if authority.is_empty() || authority.contains(['/', '?', '#', ' ']) {
        return Err(Error::Config(format!(
            "the host `{setting}` is not a host: give `task.renderbus.com` or a URL like `http://127.0.0.1:8080`"
        )));
    }
    // The default port is not sent in the Host header, so it must not be signed either.
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = authority
        .strip_suffix(default_port)
        .unwrap_or(authority)
        .to_owned();
    Ok((format!("{scheme}://{host}"), host))
}

struct Inner {
    agent: ureq::Agent,
    own_agent: bool,
    base_url: String,
    host: String,
    credentials: Credentials,
    platform: String,
    connect_timeout: Duration,
    timeout: Duration,
    call_timeout: Option<Duration>,
    retry: RetryPolicy,
    clock: Option<Arc<ClockFn>>,
    /// What the service's clock is ahead of ours, learned from a 610 reply.
    offset_ms: AtomicI64,
}

/// A blocking client for the Renderbus / Fox Renderfarm API.
///
/// Cheap to clone (clones share one connection pool and one learned clock offset); `Send` and
/// `Sync`. Two clients built separately share nothing.
///
/// ```no_run
/// use render_api_client::{Client, Credentials};
/// use render_api_client::types::Zone;
///
/// let client = Client::builder()
///     .credentials(Credentials::new("AKID…", "key"))
///     .build()?;
/// for platform in client.query_platforms(Zone::China).send()? {
///     println!("{} {}", platform.platform, platform.name);
/// }
/// # Ok::<(), render_api_client::Error>(())
/// ```
pub struct Client<G = V2> {
    inner: Arc<Inner>,
    generation: PhantomData<fn() -> G>,
}

impl<G> Clone for Client<G> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
            generation: PhantomData,
        }
    }
}

impl<G: Generation> fmt::Debug for Client<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api", &G::API)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("platform", &self.inner.platform)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// How one attempt ended, for the retry decision.
enum Attempt<T> {
    Done(T),
    Failed(Error),
    SkewCorrected(Error),
}

impl Client<V2> {
    /// A builder; see [`ClientBuilder`]. It builds a client of the newest API generation
    /// unless told otherwise (`.api::<V1>()`).
    pub fn builder() -> ClientBuilder<V2> {
        ClientBuilder::default()
    }

    /// A client of the newest generation configured as the `renderbus` CLI is: the
    /// `RENDERBUS_*` variables, then the config file's profile ([`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client<V2>, Error> {
        Client::builder().from_env()?.build()
    }
}

impl<G: Generation> Client<G> {
    /// The API generation this client speaks.
    pub fn api_version(&self) -> render_api_types::ApiVersion {
        G::API
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The host as sent in the `Host` header and signed.
    pub fn host(&self) -> &str {
        &self.inner.host
    }

    /// How far the service's clock is ahead of this machine's, as learned from a 610 reply.
    pub fn clock_offset(&self) -> Duration {
        Duration::from_millis(self.inner.offset_ms.load(Ordering::Relaxed).unsigned_abs())
    }

    fn now(&self) -> SystemTime {
        match &self.inner.clock {
            Some(clock) => clock(),
            None => SystemTime::now(),
        }
    }

    /// Unix seconds by this machine's clock corrected with the learned offset.
    fn timestamp(&self) -> u64 {
        let local = EpochMillis::from_system_time(self.now()).as_millis();
        let corrected = local + self.inner.offset_ms.load(Ordering::Relaxed);
        u64::try_from(corrected.div_euclid(1000)).unwrap_or(0)
    }

    /// Calls endpoint `E` with `request`: the generic form of every generated method.
    ///
    /// Unlike the generated methods, it takes any endpoint: one this client's generation lacks,
    /// or a parameter of another generation set in `request`, is [`Error::Unsupported`], before
    /// anything is sent.
    pub fn call<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error> {
        let span = tracing::info_span!("renderbus_call", endpoint = E::NAME, api = G::API.header());
        let _entered = span.enter();
        let path = E::path(G::API).ok_or_else(|| Error::Unsupported {
            endpoint: E::NAME,
            api: G::API,
            what: "this generation has no such call".into(),
        })?;
        // Serialized once: exactly these values are signed, and these bytes sent.
        let body = serde_json::to_value(request).map_err(|source| Error::Encode {
            endpoint: E::NAME,
            source,
        })?;
        if let Some((name, only)) = E::LIMITED
            .iter()
            .find(|(name, only)| *only != G::API && body.get(*name).is_some())
        {
            return Err(Error::Unsupported {
                endpoint: E::NAME,
                api: G::API,
                what: format!("`{name}` is a parameter of API {} only", only.header()),
            });
        }
        let bytes = serde_json::to_vec(&body).map_err(|source| Error::Encode {
            endpoint: E::NAME,
            source,
        })?;
        let retries_allowed = E::IDEMPOTENT || self.inner.retry.retry_writes;
        let started = Instant::now();
        let deadline = self.inner.call_timeout.map(|t| started + t);
        let mut attempt = 0u32;
        let mut skew_retried = false;
        loop {
            attempt += 1;
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.attempt::<E>(path, &body, &bytes, !skew_retried, left) {
                Attempt::Done(data) => {
                    tracing::debug!(attempt, outcome = "ok", "call succeeded");
                    return Ok(data);
                }
                Attempt::SkewCorrected(err) if !skew_retried => {
                    // A 610 is answered before anything happens, so even a write is safe to
                    // send again, once, with the corrected timestamp.
                    skew_retried = true;
                    attempt -= 1;
                    tracing::info!(
                        outcome = "clock_skew",
                        offset_ms = self.inner.offset_ms.load(Ordering::Relaxed),
                        "retrying with the service's clock"
                    );
                    let _ = err;
                }
                Attempt::SkewCorrected(err) | Attempt::Failed(err) => {
                    // Timeouts say how long the whole call waited, and how many attempts.
                    let err = match err {
                        Error::Timeout {
                            endpoint, source, ..
                        } => Error::Timeout {
                            endpoint,
                            after: started.elapsed(),
                            attempts: attempt,
                            source,
                        },
                        other => other,
                    };
                    let retry = retries_allowed
                        && err.is_transient()
                        && attempt < self.inner.retry.max_attempts;
                    tracing::debug!(attempt, outcome = %err.kind(), retry, "call failed");
                    if !retry {
                        return Err(err);
                    }
                    let delay = self.inner.retry.delay(attempt);
                    if let Some(deadline) = deadline
                        && Instant::now() + delay >= deadline
                    {
                        // No time for another attempt: the call's time is up.
                        tracing::debug!(attempt, outcome = "call_timeout", "no time left to retry");
                        return Err(Error::Timeout {
                            endpoint: E::NAME,
                            after: started.elapsed(),
                            attempts: attempt,
                            source: Box::new(err),
                        });
                    }
                    std::thread::sleep(delay);
                }
            }
        }
    }

    /// One signed attempt.
    fn attempt<E: Endpoint>(
        &self,
        path: &'static str,
        body: &Value,
        bytes: &[u8],
        may_correct_skew: bool,
        left: Option<Duration>,
    ) -> Attempt<E::Response> {
        let inner = &*self.inner;
        let nonce = match Nonce::random() {
            Ok(n) => n,
            Err(source) => {
                return Attempt::Failed(Error::Sign {
                    endpoint: E::NAME,
                    source,
                });
            }
        };
        let mut headers = HeaderSet::new(
            inner.credentials.access_id(),
            &inner.platform,
            self.timestamp(),
            nonce,
        );
        G::API.header().clone_into(&mut headers.version);
        let signed =
            match SignRequest::new(&inner.host, path, &headers, body).sign(&inner.credentials) {
                Ok(s) => s,
                Err(source) => {
                    return Attempt::Failed(Error::Sign {
                        endpoint: E::NAME,
                        source,
                    });
                }
            };
        let url = format!("{}{}", inner.base_url, path);
        let req = inner.agent.post(&url);
        // An attempt gets its timeout, or what is left of the call's if that is less.
        let attempt_timeout = left.map_or(inner.timeout, |l| l.min(inner.timeout));
        let req = if inner.own_agent && attempt_timeout == inner.timeout {
            req
        } else {
            req.config()
                .http_status_as_error(false)
                .timeout_connect(Some(inner.connect_timeout))
                .timeout_global(Some(attempt_timeout))
                .build()
        };
        let mut req = req.content_type("application/json");
        for (name, value) in signed.iter() {
            req = req.header(name, value);
        }
        let response = req.send(bytes);
        let mut response = match response {
            Ok(r) => r,
            Err(source) => return Attempt::Failed(self.transport_error(E::NAME, url, source)),
        };
        let status = response.status().as_u16();
        let reply = match response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
        {
            Ok(b) => b,
            Err(source) => return Attempt::Failed(self.transport_error(E::NAME, url, source)),
        };
        match interpret_reply::<E>(status, &reply) {
            Ok(data) => Attempt::Done(data),
            Err(Error::Api {
                code: ErrorCode::SignatureExpired,
                server_time: Some(server),
                endpoint,
                message,
                request_id,
            }) if may_correct_skew => {
                let local = EpochMillis::from_system_time(self.now()).as_millis();
                inner
                    .offset_ms
                    .store(server.as_millis() - local, Ordering::Relaxed);
                Attempt::SkewCorrected(Error::Api {
                    endpoint,
                    code: ErrorCode::SignatureExpired,
                    message,
                    server_time: Some(server),
                    request_id,
                })
            }
            Err(e) => Attempt::Failed(e),
        }
    }

    fn transport_error(&self, endpoint: &'static str, url: String, source: ureq::Error) -> Error {
        match source {
            ureq::Error::Timeout(_) => Error::Timeout {
                endpoint,
                after: self.inner.timeout,
                attempts: 1,
                source: Box::new(source),
            },
            ureq::Error::Io(ref e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Error::Timeout {
                    endpoint,
                    after: self.inner.timeout,
                    attempts: 1,
                    source: Box::new(source),
                }
            }
            source => Error::Transport {
                endpoint,
                url,
                source: Box::new(source),
            },
        }
    }

    /// Every item of every page of a paginated endpoint, from the request's page on; see
    /// [`Call::pages`](crate::Call::pages).
    pub(crate) fn all_pages<E: Paginated>(&self, request: E::Request) -> Pages<'_, E, G> {
        Pages {
            client: self,
            request,
            buffer: Vec::new().into_iter(),
            done: false,
        }
    }
}

#[doc(hidden)]
/// Not part of the API (the fuzz target calls it).
///
/// What a reply means for endpoint `E`: its data, or the error it carries.
///
/// Pure (no I/O), so it is fuzzed directly. A body that is not an envelope is a decode error
/// (with a 2xx status) or an HTTP error; an envelope with a code other than 200 is an API
/// error (an HTTP error when the status is 5xx, so that it is retried); data that does not fit
/// `E::Response` is a decode error. Secret-bearing replies are never quoted.
pub fn interpret_reply<E: Endpoint>(status: u16, reply: &[u8]) -> Result<E::Response, Error> {
    let shown = |reply: &[u8]| {
        if E::SECRET_RESPONSE {
            "(withheld: the reply carries a secret)".to_owned()
        } else {
            excerpt(reply)
        }
    };
    // `data` is kept raw and read once, straight into the typed response.
    let envelope: Envelope<&RawValue> = match serde_json::from_slice(reply) {
        Ok(e) => e,
        Err(source) if (200..300).contains(&status) => {
            return Err(Error::Decode {
                endpoint: E::NAME,
                body_excerpt: shown(reply),
                source,
            });
        }
        Err(_) => {
            return Err(Error::Http {
                endpoint: E::NAME,
                status,
                body_excerpt: shown(reply),
            });
        }
    };
    if status >= 500 {
        return Err(Error::Http {
            endpoint: E::NAME,
            status,
            body_excerpt: shown(reply),
        });
    }
    if !envelope.code.is_success() {
        return Err(Error::Api {
            endpoint: E::NAME,
            code: envelope.code,
            message: envelope.message.unwrap_or_default(),
            server_time: envelope.server_time,
            request_id: envelope.request_id,
        });
    }
    if status >= 300 {
        return Err(Error::Http {
            endpoint: E::NAME,
            status,
            body_excerpt: shown(reply),
        });
    }
    serde_json::from_str::<E::Response>(envelope.data.map_or("null", RawValue::get)).map_err(
        |source| Error::Decode {
            endpoint: E::NAME,
            body_excerpt: shown(reply),
            source,
        },
    )
}

/// The items of all pages of a paginated endpoint; see [`Call::pages`](crate::Call::pages).
pub struct Pages<'c, E: Paginated, G = V2> {
    client: &'c Client<G>,
    request: E::Request,
    buffer: std::vec::IntoIter<E::Item>,
    done: bool,
}

impl<E: Paginated, G: Generation> Iterator for Pages<'_, E, G> {
    type Item = Result<E::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            match self.client.call::<E>(&self.request) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(page) => {
                    self.done = page.is_last();
                    let next = E::page_num(&self.request) + 1;
                    E::set_page_num(&mut self.request, next);
                    self.buffer = page.items.into_iter();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_parsed_as_users_write_them() {
        assert_eq!(
            parse_host("task.renderbus.com").unwrap(),
            (
                "https://task.renderbus.com".into(),
                "task.renderbus.com".into()
            )
        );
        assert_eq!(
            parse_host("http://127.0.0.1:8080/").unwrap(),
            ("http://127.0.0.1:8080".into(), "127.0.0.1:8080".into())
        );
        assert_eq!(
            parse_host("https://task.foxrenderfarm.com:443").unwrap().1,
            "task.foxrenderfarm.com"
        );
        assert!(
            parse_host("ftp://x")
                .unwrap_err()
                .to_string()
                .contains("scheme")
        );
        assert!(parse_host("").is_err());
        assert!(parse_host("http://host/path").is_err());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            assert!(policy.delay(1) <= Duration::from_millis(100));
            assert!(policy.delay(5) <= Duration::from_millis(250));
        }
    }
}
