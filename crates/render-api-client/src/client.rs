//! The client: its builder, the type users hold, and the blocking transport on ureq.

use std::fmt;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use render_api_types::{Endpoint, Generation, Page, Paginated, V2};
use render_sign::Credentials;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout,
    Transport as UreqTransport,
};

use crate::error::Error;
use crate::sans_io::{
    Core, Entropy, HttpRequest, MAX_REPLY, PageCursor, Replied, RetryPolicy,
    Settings as CoreSettings, Step, TransportFailure,
};
use crate::system::{Clock, OsEntropy};
use crate::transport::{Blocking, Transport};

/// A wall clock given to the builder.
type ClockFn = dyn Fn() -> SystemTime + Send + Sync;

/// The China zone's host.
pub const HOST_CHINA: &str = "task.renderbus.com";
/// The overseas zone's host.
pub const HOST_OVERSEAS: &str = "task.foxrenderfarm.com";

/// Environment variable holding the access id.
pub const ENV_ACCESS_ID: &str = "RENDERBUS_ACCESS_ID";
/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "RENDERBUS_ACCESS_KEY";

/// Builds a [`Client`] (or an `AsyncClient` (feature `async`), or the transport-free
/// [`Core`]). Every setting has a sensible default except the credentials; the API generation
/// is the newest ([`V2`]) unless [`api`](ClientBuilder::api) says otherwise.
pub struct ClientBuilder<G = V2> {
    host: String,
    credentials: Option<Credentials>,
    platform: String,
    connect_timeout: Duration,
    timeout: Duration,
    call_timeout: Option<Duration>,
    retry: RetryPolicy,
    agent: Option<ureq::Agent>,
    #[cfg(feature = "async")]
    http: Option<reqwest::Client>,
    clock: Option<Arc<ClockFn>>,
    entropy: Option<Arc<dyn Entropy>>,
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
            #[cfg(feature = "async")]
            http: None,
            clock: None,
            entropy: None,
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
            #[cfg(feature = "async")]
            http: self.http,
            clock: self.clock,
            entropy: self.entropy,
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

    /// Escape hatch: the blocking client sends through this `ureq::Agent` (for proxies or
    /// TLS settings of your own). The client's timeouts still apply to each call, and error
    /// statuses are read as replies; an agent that already has both (`http_status_as_error(false)`
    /// and the client's connect and overall timeouts) is used as it is, saving a configuration
    /// per call. It ties your code to ureq's major version; everything else in this crate's
    /// API is free of it.
    pub fn ureq_agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Escape hatch: the async client sends through this `reqwest::Client` (for proxies or
    /// TLS settings of your own). The client's timeouts still apply to each call. It ties
    /// your code to reqwest's major version.
    #[cfg(feature = "async")]
    pub fn reqwest_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The wall clock the client's transport reads timestamps from (default: the system
    /// clock). For tests.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Where nonces and the backoff's jitter come from (default: the OS's CSPRNG,
    /// [`OsEntropy`](crate::OsEntropy)). A seeded source makes runs repeatable in
    /// tests; nonces must not repeat within the service's five-minute window.
    pub fn entropy(mut self, entropy: impl Entropy) -> Self {
        self.entropy = Some(Arc::new(entropy));
        self
    }

    /// The transport-free core, to drive from an HTTP stack of your own (see
    /// [`sans_io`](crate::sans_io)).
    pub fn build_core(self) -> Result<Core<G>, Error> {
        self.split().map(|(core, _)| core)
    }

    /// The blocking client.
    pub fn build(self) -> Result<Client<G>, Error> {
        let connect_timeout = self.connect_timeout;
        let timeout = self.timeout;
        let (core, rest) = self.split()?;
        let clock = Clock::new(rest.clock);
        let agent = rest
            .agent
            .unwrap_or_else(|| default_agent(connect_timeout, timeout));
        // An agent configured as ours needs nothing per call; any other gets the client's
        // settings per request (which costs a config per call, so it is only done there).
        let configured = carries_settings(&agent, connect_timeout, timeout);
        Ok(Client::assemble(
            core,
            Blocking { agent, configured },
            clock,
        ))
    }

    /// The async client, on tokio (feature `async`): the same methods, each call's `send`
    /// an `async fn`. Build it anywhere; use it within a tokio runtime.
    #[cfg(feature = "async")]
    pub fn build_async(self) -> Result<crate::AsyncClient<G>, Error> {
        let connect_timeout = self.connect_timeout;
        let (core, rest) = self.split()?;
        let http = match rest.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                .tcp_nodelay(true)
                .build()
                .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))?,
        };
        Ok(Client::assemble(
            core,
            crate::transport::Tokio { http },
            Clock::new(rest.clock),
        ))
    }

    /// Checks the settings and splits off what only a transport needs.
    fn split(self) -> Result<(Core<G>, Leftover), Error> {
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
        let core = Core::new(CoreSettings {
            base_url,
            host,
            credentials,
            platform: self.platform,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            call_timeout: self.call_timeout,
            retry: self.retry,
            entropy: self.entropy.unwrap_or_else(|| Arc::new(OsEntropy)),
        });
        Ok((
            core,
            Leftover {
                clock: self.clock,
                agent: self.agent,
                #[cfg(feature = "async")]
                http: self.http,
            },
        ))
    }
}

/// The transports' own settings.
struct Leftover {
    clock: Option<Arc<ClockFn>>,
    agent: Option<ureq::Agent>,
    #[cfg(feature = "async")]
    http: Option<reqwest::Client>,
}

#[doc(hidden)]
/// Not part of the API (the benchmarks' baseline uses it).
///
/// The `ureq::Agent` a client uses unless given one: HTTP error statuses as replies (the
/// envelope says more than the status), connect and overall timeouts (given to the socket in
/// whole milliseconds, so that they are set once per connection, not before every read and
/// write), and IP-literal hosts resolved without a lookup thread.
pub fn default_agent(connect_timeout: Duration, timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(timeout))
        .build();
    ureq::Agent::with_parts(
        config,
        DefaultConnector::new().chain(SteadyTimeouts),
        LiteralFirstResolver::default(),
    )
}

/// Rounds the time left that ureq hands a connection up to whole milliseconds.
///
/// Under a deadline, ureq gives the socket the time left before every read and write, and the
/// socket takes a system call to change its timeout whenever the value differs from the last
/// one, which, counted in nanoseconds, it always does: three calls a request. Rounded up to
/// the millisecond, the time left at the start of each call is the same, so the socket's
/// timeout is set once per connection. A deadline can be overrun by less than a millisecond;
/// ureq still checks it itself before every read and write.
#[derive(Debug)]
struct SteadyTimeouts;

impl<In: UreqTransport> Connector<In> for SteadyTimeouts {
    type Out = Steady<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(Steady))
    }
}

/// A connection whose timeouts are rounded up to whole milliseconds ([`SteadyTimeouts`]).
#[derive(Debug)]
struct Steady<T>(T);

/// `timeout` with the time left rounded up to whole milliseconds. Time left never rounds to
/// zero (which a socket reads as no timeout at all); none left stays none, and ureq reports the
/// timeout.
fn steady(timeout: NextTimeout) -> NextTimeout {
    use ureq::unversioned::transport::time::Duration as Left;
    let after = match timeout.after {
        Left::Exact(left) => {
            let millis = left.as_nanos().div_ceil(1_000_000);
            Left::Exact(Duration::from_millis(
                u64::try_from(millis).unwrap_or(u64::MAX),
            ))
        }
        Left::NotHappening => Left::NotHappening,
    };
    NextTimeout { after, ..timeout }
}

impl<T: UreqTransport> UreqTransport for Steady<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, steady(timeout))
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.maybe_await_input(steady(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(steady(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// Whether `agent` already answers error statuses as replies and has the client's connect
/// timeout and overall timeout, so that a call needs no settings of its own.
fn carries_settings(agent: &ureq::Agent, connect_timeout: Duration, timeout: Duration) -> bool {
    let config = agent.config();
    let timeouts = config.timeouts();
    !config.http_status_as_error()
        && timeouts.connect == Some(connect_timeout)
        && timeouts.global == Some(timeout)
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

/// A client for the Renderbus / Fox Renderfarm API: blocking ([`Client`], the default) or
/// async (`AsyncClient`, feature `async`).
///
/// The generated methods (one per endpoint of the generation `G`) are the same for both
/// transports; only a call's `send` differs (`send()` or `send().await`). Cheap to clone
/// (clones share one connection pool and one learned clock offset); `Send` and `Sync`. Two
/// clients built separately share nothing.
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
pub struct Client<G = V2, T = Blocking> {
    core: Core<G>,
    transport: Arc<T>,
    clock: Clock,
}

impl<G, T> Clone for Client<G, T> {
    fn clone(&self) -> Self {
        Client {
            core: self.core.clone(),
            transport: Arc::clone(&self.transport),
            clock: self.clock.clone(),
        }
    }
}

impl<G: Generation, T: Transport> fmt::Debug for Client<G, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &T::NAME)
            .field("core", &self.core)
            .finish()
    }
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

impl<G: Generation, T: Transport> Client<G, T> {
    fn assemble(core: Core<G>, transport: T, clock: Clock) -> Self {
        Client {
            core,
            transport: Arc::new(transport),
            clock,
        }
    }

    /// Both clocks, now, as this client reads them (the core takes the time as an input).
    pub(crate) fn now(&self) -> crate::sans_io::Now {
        self.clock.now()
    }

    /// The transport-free core this client drives.
    pub fn core(&self) -> &Core<G> {
        &self.core
    }

    /// The API generation this client speaks.
    pub fn api_version(&self) -> render_api_types::ApiVersion {
        G::API
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The host as sent in the `Host` header and signed.
    pub fn host(&self) -> &str {
        self.core.host()
    }

    /// How far the service's clock is ahead of this machine's, as learned from a 610 reply.
    pub fn clock_offset(&self) -> Duration {
        self.core.clock_offset()
    }

    pub(crate) fn transport(&self) -> &T {
        &self.transport
    }
}

impl<G: Generation> Client<G, Blocking> {
    /// Calls endpoint `E` with `request`: the generic form of every generated method.
    ///
    /// Unlike the generated methods, it takes any endpoint: one this client's generation lacks,
    /// or a parameter of another generation set in `request`, is [`Error::Unsupported`], before
    /// anything is sent.
    pub fn call<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error> {
        self.call_with_reply::<E>(request)
            .map(|replied| replied.value)
    }

    /// Calls endpoint `E` like [`call`](Self::call), and answers the reply as received too
    /// ([`Replied`]: the typed value and the [`Reply`](crate::Reply)'s bytes, request id and
    /// server time).
    pub fn call_with_reply<E: Endpoint>(
        &self,
        request: &E::Request,
    ) -> Result<Replied<E::Response>, Error> {
        let span = tracing::info_span!("renderbus_call", endpoint = E::NAME, api = G::API.header());
        let _entered = span.enter();
        let mut exchange = self.core.exchange::<E>(request)?;
        loop {
            let request = exchange.request(self.now())?;
            let step = match self.transport().send(&request, self.core.timeout()) {
                Ok((status, body)) => exchange.on_reply_kept(self.now(), status, body),
                Err(failure) => exchange.on_failure(self.now(), failure),
            };
            match step {
                Step::Done(replied) => return Ok(replied),
                Step::Failed(error) => return Err(error),
                Step::Retry(delay) => std::thread::sleep(delay),
            }
        }
    }

    /// Every page of a paginated endpoint, from the request's page on; see
    /// [`Call::pages`](crate::Call::pages).
    pub(crate) fn all_pages<E: Paginated>(&self, request: E::Request) -> Pages<'_, E, G> {
        Pages {
            client: self,
            cursor: self.core.pages::<E>(request),
        }
    }

    /// Every item of every page; see [`Call::items`](crate::Call::items).
    pub(crate) fn all_items<E: Paginated>(&self, request: E::Request) -> Items<'_, E, G> {
        Items {
            pages: self.all_pages(request),
            buffer: Vec::new().into_iter(),
        }
    }
}

impl Blocking {
    /// One POST: the status and body of the reply, or why there was none.
    fn send(
        &self,
        request: &HttpRequest,
        agent_timeout: Duration,
    ) -> Result<(u16, Vec<u8>), TransportFailure> {
        let req = self.agent.post(&request.url);
        let req = if self.configured && request.timeout == agent_timeout {
            req
        } else {
            req.config()
                .http_status_as_error(false)
                .timeout_connect(Some(request.connect_timeout))
                .timeout_global(Some(request.timeout))
                .build()
        };
        let mut req = req.content_type(HttpRequest::CONTENT_TYPE);
        for (name, value) in &request.headers {
            req = req.header(*name, value);
        }
        let mut response = req.send(&request.body[..]).map_err(failure)?;
        let status = response.status().as_u16();
        // A reply that declares its length is refused before it is read if too large.
        if response
            .body()
            .content_length()
            .is_some_and(|declared| declared > MAX_REPLY)
        {
            return Err(TransportFailure::too_large());
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_REPLY)
            .read_to_vec()
            .map_err(failure)?;
        Ok((status, body))
    }
}

/// What a ureq failure means to the core.
fn failure(source: ureq::Error) -> TransportFailure {
    use std::io::ErrorKind;
    use ureq::Timeout;
    match &source {
        // Nothing of the request left: the name, the connection or TLS failed.
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => {
            TransportFailure::unsent(source)
        }
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            TransportFailure::unsent(source)
        }
        ureq::Error::Timeout(_) => TransportFailure::timeout(source),
        ureq::Error::Io(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            TransportFailure::timeout(source)
        }
        _ => TransportFailure::other(source),
    }
}

/// The items of all pages of a paginated endpoint; see [`Call::items`](crate::Call::items).
pub struct Items<'c, E: Paginated, G = V2> {
    pages: Pages<'c, E, G>,
    buffer: std::vec::IntoIter<E::Item>,
}

impl<E: Paginated, G: Generation> Iterator for Items<'_, E, G> {
    type Item = Result<E::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Err(e) => return Some(Err(e)),
                Ok(page) => self.buffer = page.items.into_iter(),
            }
        }
    }
}

/// The pages of a paginated endpoint, one call each; see [`Call::pages`](crate::Call::pages).
pub struct Pages<'c, E: Paginated, G = V2> {
    client: &'c Client<G>,
    cursor: PageCursor<E>,
}

impl<E: Paginated, G: Generation> Iterator for Pages<'_, E, G> {
    type Item = Result<Page<E::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let request = self.cursor.next_request()?;
        match self.client.call::<E>(request) {
            Err(e) => {
                self.cursor.stop();
                Some(Err(e))
            }
            Ok(page) => {
                self.cursor.advance(&page);
                Some(Ok(page))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_is_rounded_up_to_whole_milliseconds() {
        use ureq::unversioned::transport::time::Duration as Left;
        let left = |after: Left| NextTimeout {
            after,
            reason: ureq::Timeout::Global,
            per_read: Some(Left::from_secs(7)),
            per_write: None,
        };
        let ms = |n: u64| Left::Exact(Duration::from_millis(n));
        // The time left at the start of two calls differs by microseconds, and the socket
        // is given the same value for both.
        let first = steady(left(Left::Exact(Duration::from_micros(29_999_987))));
        let second = steady(left(Left::Exact(Duration::from_micros(29_999_940))));
        assert_eq!(first.after, ms(30_000));
        assert_eq!(second, first);
        // Rounded up: a deadline is never brought forward, and a sliver left is a
        // millisecond, not zero (which ureq would read as no timeout at all).
        assert_eq!(
            steady(left(Left::Exact(Duration::from_nanos(1)))).after,
            ms(1)
        );
        assert_eq!(steady(left(ms(250))).after, ms(250));
        // Nothing left stays nothing left: ureq reports the timeout.
        assert_eq!(steady(left(ms(0))).after, ms(0));
        assert_eq!(steady(left(Left::NotHappening)).after, Left::NotHappening);
        // The rest is passed on as it came.
        let rounded = steady(left(ms(5)));
        assert_eq!(
            (rounded.reason, rounded.per_read, rounded.per_write),
            (ureq::Timeout::Global, Some(Left::from_secs(7)), None)
        );
    }

    #[test]
    fn only_an_agent_configured_as_the_clients_own_goes_without_settings_per_call() {
        let (connect, total) = (Duration::from_secs(10), Duration::from_secs(30));
        assert!(carries_settings(
            &default_agent(connect, total),
            connect,
            total
        ));
        // ureq's defaults make error statuses errors and have no timeouts.
        assert!(!carries_settings(
            &ureq::Agent::new_with_defaults(),
            connect,
            total
        ));
        // Another timeout than the client's.
        assert!(!carries_settings(
            &default_agent(connect, Duration::from_secs(5)),
            connect,
            total
        ));
        assert!(!carries_settings(
            &default_agent(Duration::from_secs(1), total),
            connect,
            total
        ));
        let statuses_as_errors: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(connect))
            .timeout_global(Some(total))
            .build()
            .into();
        assert!(!carries_settings(&statuses_as_errors, connect, total));
    }

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
}
