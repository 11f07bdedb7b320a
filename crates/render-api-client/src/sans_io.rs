//! The transport-free core: everything a call does except moving bytes.
//!
//! A [`Core`] holds a client's settings (host, credentials, platform, timeouts, retry policy,
//! the learned clock offset). [`Core::exchange`] starts one call as an [`Exchange`], which
//! builds the signed [`HttpRequest`] of each attempt, reads each reply (or transport failure)
//! and says what to do next as a [`Step`]: the call's result, its error, or "wait this long,
//! then try again". Signing, retries and their backoff, clock-skew correction, the call's
//! deadline and the reading of replies into typed results or typed errors are all here, once;
//! the blocking [`Client`](crate::Client) and the async `AsyncClient` (feature `async`)
//! only send the requests and sleep.
//!
//! To call the API over another HTTP stack, drive an exchange yourself:
//!
//! ```
//! use render_api_client::sans_io::{Core, Step, TransportFailure};
//! use render_api_client::types::{QueryPlatforms, QueryPlatformsRequest, Zone};
//! use render_api_client::{Client, Credentials, Error};
//!
//! /// Your HTTP stack: send a POST, answer the status and the body.
//! fn post(url: &str, headers: &[(&str, String)], body: &[u8]) -> Result<(u16, Vec<u8>), std::io::Error> {
//!     # let _ = (url, headers, body);
//!     # Ok((200, br#"{"code":200,"result":true,"data":[]}"#.to_vec()))
//! }
//!
//! let core: Core = Client::builder()
//!     .credentials(Credentials::new("AKID…", "key"))
//!     .build_core()?;
//! let mut exchange = core.exchange::<QueryPlatforms>(&QueryPlatformsRequest::new(Zone::China))?;
//! let platforms = loop {
//!     let request = exchange.request()?; // signed afresh for every attempt
//!     let step = match post(&request.url, &request.headers, &request.body) {
//!         Ok((status, body)) => exchange.on_reply(status, &body),
//!         Err(e) => exchange.on_failure(TransportFailure::other(e)),
//!     };
//!     match step {
//!         Step::Done(platforms) => break platforms,
//!         Step::Failed(error) => return Err(error),
//!         Step::Retry(delay) => std::thread::sleep(delay),
//!     }
//! };
//! assert!(platforms.is_empty());
//! # Ok::<(), Error>(())
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use render_api_types::{
    Endpoint, Envelope, EpochMillis, ErrorCode, Generation, Page, Paginated, QueryTaskInfoRequest,
    TaskInfo, TaskStatus, V2,
};
use render_sign::{Credentials, HeaderSet, Nonce, Request as SignRequest};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::client::RetryPolicy;
use crate::error::{Error, excerpt};
use crate::wait::{Outcome, WaitOptions};

pub(crate) type ClockFn = dyn Fn() -> SystemTime + Send + Sync;

/// The header rayvision-api 3.0.4.3 adds to every API 2 request after signing it (so it is
/// not signed): `0` for a renderbus host (Chinese replies), `1` otherwise (connect.py:94).
pub const LANGUAGE_FLAG: &str = "languageFlag";

/// The `languageFlag` of a request to `host` in generation `api`: API 2 only, as the official
/// clients send it.
fn language_flag(api: render_api_types::ApiVersion, host: &str) -> Option<&'static str> {
    (api == render_api_types::ApiVersion::V2).then_some(if host.contains("renderbus") {
        "0"
    } else {
        "1"
    })
}

/// The settings a core is built from ([`ClientBuilder`](crate::ClientBuilder) checks them).
pub(crate) struct Settings {
    pub base_url: String,
    pub host: String,
    pub credentials: Credentials,
    pub platform: String,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub call_timeout: Option<Duration>,
    pub retry: RetryPolicy,
    pub clock: Option<Arc<ClockFn>>,
}

struct Shared {
    settings: Settings,
    /// What the service's clock is ahead of ours, learned from a 610 reply.
    offset_ms: AtomicI64,
}

/// A client's transport-free core: its settings and the clock offset it has learned.
///
/// Cheap to clone; clones share the learned offset. Built by
/// [`ClientBuilder::build_core`](crate::ClientBuilder::build_core); every client holds one.
pub struct Core<G = V2> {
    shared: Arc<Shared>,
    generation: PhantomData<fn() -> G>,
}

impl<G> Clone for Core<G> {
    fn clone(&self) -> Self {
        Core {
            shared: Arc::clone(&self.shared),
            generation: PhantomData,
        }
    }
}

impl<G: Generation> fmt::Debug for Core<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.shared.settings;
        f.debug_struct("Core")
            .field("api", &G::API)
            .field("base_url", &s.base_url)
            .field("credentials", &s.credentials)
            .field("platform", &s.platform)
            .field("timeout", &s.timeout)
            .field("call_timeout", &s.call_timeout)
            .field("retry", &s.retry)
            .finish_non_exhaustive()
    }
}

impl<G: Generation> Core<G> {
    pub(crate) fn new(settings: Settings) -> Self {
        Core {
            shared: Arc::new(Shared {
                settings,
                offset_ms: AtomicI64::new(0),
            }),
            generation: PhantomData,
        }
    }

    /// The API generation spoken.
    pub fn api_version(&self) -> render_api_types::ApiVersion {
        G::API
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.shared.settings.base_url
    }

    /// The host as sent in the `Host` header and signed.
    pub fn host(&self) -> &str {
        &self.shared.settings.host
    }

    /// How long connecting may take.
    pub fn connect_timeout(&self) -> Duration {
        self.shared.settings.connect_timeout
    }

    /// How long one attempt may take (each [`HttpRequest::timeout`] is at most this).
    pub fn timeout(&self) -> Duration {
        self.shared.settings.timeout
    }

    /// How far the service's clock is ahead of this machine's, as learned from a 610 reply.
    pub fn clock_offset(&self) -> Duration {
        Duration::from_millis(self.shared.offset_ms.load(Ordering::Relaxed).unsigned_abs())
    }

    /// Starts a call of endpoint `E` with `request`.
    ///
    /// An endpoint this generation lacks, or a parameter of another generation set in
    /// `request`, is [`Error::Unsupported`]; a request that cannot be serialized is
    /// [`Error::Encode`].
    pub fn exchange<E: Endpoint>(&self, request: &E::Request) -> Result<Exchange<E>, Error> {
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
        let settings = &self.shared.settings;
        let started = Instant::now();
        Ok(Exchange {
            shared: Arc::clone(&self.shared),
            version: G::API.header(),
            url: format!("{}{path}", settings.base_url),
            path,
            body,
            bytes,
            retries_allowed: E::IDEMPOTENT || settings.retry.retry_writes,
            started,
            deadline: settings.call_timeout.map(|t| started + t),
            attempt: 0,
            skew_retried: false,
            language_flag: language_flag(G::API, &settings.host),
            endpoint: PhantomData,
        })
    }

    /// Starts walking every page of a paginated endpoint from `request`'s page on.
    pub fn pages<E: Paginated>(&self, request: E::Request) -> PageCursor<E> {
        PageCursor {
            request,
            done: false,
        }
    }

    /// Starts a wait for a task to end; see [`Client::wait_for_task`](crate::Client::wait_for_task).
    pub fn wait(&self, task_id: i64, options: &WaitOptions) -> Waiter {
        Waiter {
            task_id,
            interval: options.interval.max(WaitOptions::MIN_INTERVAL),
            timeout: options.timeout,
            started: Instant::now(),
            last_status: None,
        }
    }
}

impl Shared {
    fn now(&self) -> SystemTime {
        match &self.settings.clock {
            Some(clock) => clock(),
            None => SystemTime::now(),
        }
    }

    /// Unix seconds by this machine's clock corrected with the learned offset.
    fn timestamp(&self) -> u64 {
        let local = EpochMillis::from_system_time(self.now()).as_millis();
        let corrected = local + self.offset_ms.load(Ordering::Relaxed);
        u64::try_from(corrected.div_euclid(1000)).unwrap_or(0)
    }
}

/// One attempt's request, signed, for any HTTP stack: a `POST` of `body` to `url` with
/// `headers` (the seven signed ones), `Content-Type: application/json`, within `timeout`.
///
/// `Debug` redacts the signature.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The URL to post to.
    pub url: String,
    /// The signed headers, the signature last, then in API 2 the unsigned `languageFlag`. Send
    /// them as they are.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body: exactly the bytes that were signed.
    pub body: Vec<u8>,
    /// How long this attempt may take, connecting included: the client's per-attempt
    /// timeout, or what is left of the call's timeout if that is less.
    pub timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
}

impl HttpRequest {
    /// The method of every call.
    pub const METHOD: &'static str = "POST";
    /// The content type of every call's body.
    pub const CONTENT_TYPE: &'static str = "application/json";
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                if *name == render_sign::SIGNATURE {
                    (*name, render_sign::REDACTED)
                } else {
                    (*name, value.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A reply as it was received, kept next to the typed value read from it
/// ([`Call::send_with_reply`](crate::Call::send_with_reply)).
///
/// `Debug` shows the body's length, never the body: some replies carry secrets.
#[derive(Clone)]
#[non_exhaustive]
pub struct Reply {
    /// The endpoint called.
    pub endpoint: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body, byte for byte as received.
    pub body: Vec<u8>,
    /// The envelope's code (success, for a reply that was read into a value).
    pub code: ErrorCode,
    /// The envelope's message (`success`).
    pub message: Option<String>,
    /// The service's id of the request (API 2), for its support staff.
    pub request_id: Option<String>,
    /// The service's clock when it answered.
    pub server_time: Option<EpochMillis>,
    /// How many attempts the call took.
    pub attempts: u32,
    secret: bool,
}

impl Reply {
    /// The envelope's `data` exactly as the service sent it (every field, in its names, `null`s
    /// included); `null` when the reply had none.
    pub fn data(&self) -> Value {
        serde_json::from_slice::<Envelope<Value>>(&self.body)
            .ok()
            .and_then(|e| e.data)
            .unwrap_or(Value::Null)
    }

    /// Whether the reply carries a secret (transfer passwords, keys): never print or log
    /// its body.
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("request_id", &self.request_id)
            .field("server_time", &self.server_time)
            .field("attempts", &self.attempts)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A call's typed value, and the reply it was read from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Replied<T> {
    /// The typed value (fields the spec does not know are kept in the models' `extra`).
    pub value: T,
    /// The reply as received.
    pub reply: Reply,
}

/// The envelope's fields besides `data`, of a reply that was read.
struct Head {
    code: ErrorCode,
    message: Option<String>,
    request_id: Option<String>,
    server_time: Option<EpochMillis>,
}

/// Why an attempt got no reply, as the transport saw it.
#[derive(Debug)]
pub struct TransportFailure {
    timed_out: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportFailure {
    /// The attempt ran out of time (connecting, or waiting for the reply).
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportFailure {
            timed_out: true,
            source: source.into(),
        }
    }

    /// Anything else: the connection was refused or reset, the name did not resolve, TLS
    /// failed…
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportFailure {
            timed_out: false,
            source: source.into(),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug)]
#[must_use]
pub enum Step<T> {
    /// The call succeeded.
    Done(T),
    /// The call failed for good.
    Failed(Error),
    /// Wait this long, then send [`Exchange::request`] again.
    Retry(Duration),
}

/// One call in progress: see the [module docs](self).
pub struct Exchange<E: Endpoint> {
    shared: Arc<Shared>,
    version: &'static str,
    path: &'static str,
    url: String,
    body: Value,
    bytes: Vec<u8>,
    retries_allowed: bool,
    started: Instant,
    deadline: Option<Instant>,
    attempt: u32,
    skew_retried: bool,
    language_flag: Option<&'static str>,
    endpoint: PhantomData<fn() -> E>,
}

impl<E: Endpoint> fmt::Debug for Exchange<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("endpoint", &E::NAME)
            .field("url", &self.url)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Exchange<E> {
    /// The attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The next attempt's request, with a fresh timestamp and nonce.
    ///
    /// Fails when the call's time is up ([`Error::Timeout`]) or the request cannot be signed.
    pub fn request(&mut self) -> Result<HttpRequest, Error> {
        let settings = &self.shared.settings;
        let left = self
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()));
        if left == Some(Duration::ZERO) {
            return Err(self.call_timed_out("the call's time ran out before another attempt"));
        }
        self.attempt += 1;
        let sign_error = |source| Error::Sign {
            endpoint: E::NAME,
            source,
        };
        let nonce = Nonce::random().map_err(sign_error)?;
        let mut headers = HeaderSet::new(
            settings.credentials.access_id(),
            &settings.platform,
            self.shared.timestamp(),
            nonce,
        );
        self.version.clone_into(&mut headers.version);
        let signed = SignRequest::new(&settings.host, self.path, &headers, &self.body)
            .sign(&settings.credentials)
            .map_err(sign_error)?;
        let mut headers: Vec<(&'static str, String)> = signed
            .iter()
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        if let Some(flag) = self.language_flag {
            headers.push((LANGUAGE_FLAG, flag.to_owned()));
        }
        let request = HttpRequest {
            url: self.url.clone(),
            headers,
            body: self.bytes.clone(),
            timeout: left.map_or(settings.timeout, |l| l.min(settings.timeout)),
            connect_timeout: settings.connect_timeout,
        };
        // The request's Debug shows the headers with the signature redacted; the key is never
        // in a request at all.
        tracing::debug!(attempt = self.attempt, ?request, "sending");
        Ok(request)
    }

    /// Reads the reply to the last request: its HTTP status and body.
    pub fn on_reply(&mut self, status: u16, body: &[u8]) -> Step<E::Response> {
        let read = read_reply::<E>(status, body);
        self.step(read.map(|(value, _)| value))
    }

    /// Reads the reply to the last request like [`on_reply`](Self::on_reply), and keeps the
    /// reply as received ([`Reply`]: its bytes, request id, server time) next to the typed
    /// value.
    pub fn on_reply_kept(&mut self, status: u16, body: Vec<u8>) -> Step<Replied<E::Response>> {
        let read = read_reply::<E>(status, &body);
        let attempts = self.attempt;
        self.step(read.map(|(value, head)| Replied {
            value,
            reply: Reply {
                endpoint: E::NAME,
                status,
                code: head.code,
                message: head.message,
                request_id: head.request_id,
                server_time: head.server_time,
                attempts,
                secret: E::SECRET_RESPONSE,
                body,
            },
        }))
    }

    /// What a read reply means: done, retried with the service's clock after a 610, or failed.
    fn step<T>(&mut self, read: Result<T, Error>) -> Step<T> {
        match read {
            Ok(data) => {
                tracing::info!(attempts = self.attempt, outcome = "ok", "call succeeded");
                Step::Done(data)
            }
            Err(Error::Api {
                code: ErrorCode::SignatureExpired,
                server_time: Some(server),
                ..
            }) if !self.skew_retried => {
                // A 610 is answered before anything happens, so even a write is safe to send
                // again, once, with the corrected timestamp; it does not count as an attempt.
                let local = EpochMillis::from_system_time(self.shared.now()).as_millis();
                let offset = server.as_millis() - local;
                self.shared.offset_ms.store(offset, Ordering::Relaxed);
                self.skew_retried = true;
                self.attempt -= 1;
                tracing::info!(
                    outcome = "clock_skew",
                    offset_ms = offset,
                    "retrying with the service's clock"
                );
                Step::Retry(Duration::ZERO)
            }
            Err(e) => self.failed(e),
        }
    }

    /// Reads a failure to get any reply to the last request.
    pub fn on_failure<T>(&mut self, failure: TransportFailure) -> Step<T> {
        let error = if failure.timed_out {
            Error::Timeout {
                endpoint: E::NAME,
                after: self.started.elapsed(),
                attempts: self.attempt,
                source: failure.source,
            }
        } else {
            Error::Transport {
                endpoint: E::NAME,
                url: self.url.clone(),
                source: failure.source,
            }
        };
        self.failed(error)
    }

    /// Retry (with backoff, within the call's deadline) or give up.
    fn failed<T>(&mut self, error: Error) -> Step<T> {
        let policy = &self.shared.settings.retry;
        let retry =
            self.retries_allowed && error.is_transient() && self.attempt < policy.max_attempts;
        tracing::debug!(attempt = self.attempt, outcome = %error.kind(), retry, "call failed");
        if !retry {
            return Step::Failed(error);
        }
        let delay = policy.delay(self.attempt);
        if let Some(deadline) = self.deadline
            && Instant::now() + delay >= deadline
        {
            // No time for another attempt: the call's time is up.
            tracing::debug!(
                attempt = self.attempt,
                outcome = "call_timeout",
                "no time left to retry"
            );
            return Step::Failed(Error::Timeout {
                endpoint: E::NAME,
                after: self.started.elapsed(),
                attempts: self.attempt,
                source: Box::new(error),
            });
        }
        Step::Retry(delay)
    }

    fn call_timed_out(&self, why: &str) -> Error {
        Error::Timeout {
            endpoint: E::NAME,
            after: self.started.elapsed(),
            attempts: self.attempt,
            source: why.into(),
        }
    }
}

/// Where a walk over the pages of a paginated endpoint is: the request of the next page, or
/// the end. See [`Core::pages`].
#[derive(Debug)]
pub struct PageCursor<E: Paginated> {
    request: E::Request,
    done: bool,
}

impl<E: Paginated> PageCursor<E> {
    /// The next page's request; `None` after the last page (or an error).
    pub fn next_request(&self) -> Option<&E::Request> {
        (!self.done).then_some(&self.request)
    }

    /// Takes in a page: answers its items and moves to the next page, or to the end after
    /// the last one.
    pub fn on_page(&mut self, page: Page<E::Item>) -> Vec<E::Item> {
        self.advance(&page);
        page.items
    }

    /// Moves past `page` (the reply to [`next_request`](Self::next_request)): to the next
    /// page, or to the end after the last one.
    pub fn advance(&mut self, page: &Page<E::Item>) {
        self.done = page.is_last();
        tracing::info!(
            endpoint = E::NAME,
            page = page.page_num,
            pages = page.page_count,
            items = page.items.len(),
            total = page.total,
            "page"
        );
        let next = E::page_num(&self.request) + 1;
        E::set_page_num(&mut self.request, next);
    }

    /// Ends the walk (after an error: a walk does not go on past a page it could not get).
    pub fn stop(&mut self) {
        self.done = true;
    }
}

/// A wait for a task to end, between polls: what to ask, and what each answer means. See
/// [`Core::wait`].
#[derive(Debug)]
pub struct Waiter {
    task_id: i64,
    interval: Duration,
    timeout: Option<Duration>,
    started: Instant,
    last_status: Option<TaskStatus>,
}

/// What to do after a poll.
#[derive(Debug)]
#[must_use]
pub enum WaitStep {
    /// The task ended (classify it with [`Outcome::of`]).
    Ended(Box<TaskInfo>),
    /// The wait failed: a service error, or its timeout ran out.
    Failed(Error),
    /// Sleep this long, then poll again.
    Poll(Duration),
}

impl Waiter {
    /// The request of every poll (`queryTaskInfo` of the task).
    pub fn request(&self) -> QueryTaskInfoRequest {
        task_request(self.task_id)
    }

    /// Reads a poll's result, calling `progress` with the task when it answered.
    ///
    /// Transient failures (connection refused or reset, timeouts, 5xx) are ridden out: only a
    /// service error code or the wait's timeout ends it early.
    pub fn on_poll(
        &mut self,
        result: Result<Page<TaskInfo>, Error>,
        progress: &mut dyn FnMut(&TaskInfo),
    ) -> WaitStep {
        let task_id = self.task_id;
        match result {
            Ok(page) => {
                let task = match task_in(task_id, page) {
                    Ok(task) => task,
                    Err(e) => return WaitStep::Failed(e),
                };
                progress(&task);
                if Outcome::of(&task.task_status).is_some() {
                    return WaitStep::Ended(Box::new(task));
                }
                self.last_status = Some(task.task_status);
            }
            Err(e) if e.is_transient() => {
                tracing::info!(task_id, outcome = %e.kind(), "the service did not answer; waiting on");
            }
            Err(e) => return WaitStep::Failed(e),
        }
        // The last poll is at the deadline itself: a wait of N seconds looks until N seconds.
        match self.timeout {
            Some(timeout) => match timeout.checked_sub(self.started.elapsed()) {
                Some(left) if !left.is_zero() => WaitStep::Poll(self.interval.min(left)),
                _ => WaitStep::Failed(Error::WaitTimeout {
                    task_id,
                    after: self.started.elapsed(),
                    last_status: self.last_status.take(),
                }),
            },
            None => WaitStep::Poll(self.interval),
        }
    }
}

/// The request that looks one task up: `queryTaskInfo` of that task alone.
pub fn task_request(task_id: i64) -> QueryTaskInfoRequest {
    QueryTaskInfoRequest::new([task_id])
}

/// The task `task_id` out of a `queryTaskInfo` reply; [`Error::Api`] with
/// [`ErrorCode::ResourceNotFound`] when the reply does not hold it (the service answers an empty
/// page for a task that is not the account's).
pub fn task_in(task_id: i64, page: Page<TaskInfo>) -> Result<TaskInfo, Error> {
    page.items
        .into_iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| Error::Api {
            endpoint: "queryTaskInfo",
            code: ErrorCode::ResourceNotFound,
            message: format!(
                "task {task_id} was not in the reply: it does not exist, or is not this account's"
            ),
            server_time: None,
            request_id: None,
        })
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
    read_reply::<E>(status, reply).map(|(value, _)| value)
}

/// [`interpret_reply`], with the envelope's other fields.
fn read_reply<E: Endpoint>(status: u16, reply: &[u8]) -> Result<(E::Response, Head), Error> {
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
                path: "$".into(),
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
    let data = envelope.data.map_or("null", RawValue::get);
    let value = serde_json::from_str::<E::Response>(data).map_err(|source| {
        // Read again, tracking the path, only to say where it went wrong.
        let mut de = serde_json::Deserializer::from_str(data);
        let path = match serde_path_to_error::deserialize::<_, E::Response>(&mut de) {
            Err(e) => json_path(e.path()),
            Ok(_) => String::new(),
        };
        Error::Decode {
            endpoint: E::NAME,
            path: format!("$.data{path}"),
            body_excerpt: shown(reply),
            source,
        }
    })?;
    Ok((
        value,
        Head {
            code: envelope.code,
            message: envelope.message,
            request_id: envelope.request_id,
            server_time: envelope.server_time,
        },
    ))
}

/// A serde path as a JSON path suffix: `.items[3].taskStatus`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use render_api_types::{QueryPlatforms, QueryPlatformsRequest, V1, Zone};

    use super::LANGUAGE_FLAG;
    use crate::{Client, Credentials};

    fn flag_of<G: render_api_types::Generation>(host: &str) -> Option<String> {
        let core = Client::builder()
            .host(host)
            .credentials(Credentials::new("AKID", "key"))
            .api::<G>()
            .build_core()
            .unwrap();
        let mut exchange = core
            .exchange::<QueryPlatforms>(&QueryPlatformsRequest::new(Zone::China))
            .unwrap();
        let request = exchange.request().unwrap();
        request
            .headers
            .iter()
            .find(|(name, _)| *name == LANGUAGE_FLAG)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn api_2_requests_carry_the_language_flag_of_their_host_as_the_official_client_does() {
        use render_api_types::V2;
        assert_eq!(flag_of::<V2>("task.renderbus.com").as_deref(), Some("0"));
        assert_eq!(
            flag_of::<V2>("task.foxrenderfarm.com").as_deref(),
            Some("1")
        );
        assert_eq!(flag_of::<V1>("task.renderbus.com"), None);
    }
}
