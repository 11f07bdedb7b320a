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
//! The core is pure: it reads no clock and draws no randomness of its own. Every step takes
//! the time as a [`Now`] (both clocks), and the nonces and the backoff's jitter come from the
//! core's [`Entropy`] (the OS's unless [`ClientBuilder::entropy`](crate::ClientBuilder::entropy)
//! says otherwise), so a simulated clock drives it as well as the real one: a call's deadline,
//! its backoff, clock skew and a wait can be tested without sleeping.
//!
//! To call the API over another HTTP stack, drive an exchange yourself:
//!
//! ```
//! use render_api_client::sans_io::{Core, Now, Step, TransportFailure};
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
//!     let request = exchange.request(Now::system())?; // signed afresh for every attempt
//!     let step = match post(&request.url, &request.headers, &request.body) {
//!         Ok((status, body)) => exchange.on_reply(Now::system(), status, &body),
//!         Err(e) => exchange.on_failure(Now::system(), TransportFailure::other(e)),
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

mod exchange;
mod pages;
mod read_back;
mod reply;
mod retry;
mod waiter;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use render_api_types::{ApiVersion, Endpoint, EpochMillis, Generation, Paginated, V2};
use render_sign::{Credentials, HeaderSet, Nonce, Request as SignRequest};
use serde_json::Value;

use crate::error::Error;

pub use exchange::{Exchange, HttpRequest, Step, TransportFailure};
pub use pages::PageCursor;
pub use read_back::Confirmation;
pub use reply::{MAX_REPLY, Replied, Reply, interpret_reply};
pub use retry::RetryPolicy;
pub use waiter::{Outcome, WaitOptions, WaitStep, Waiter, task_in, task_request};

/// A moment, as both clocks read it: the wall clock (for timestamps and the service's clock)
/// and the monotonic one (for deadlines and waits). Every step of the core takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// The wall clock.
    pub wall: SystemTime,
    /// The monotonic clock.
    pub mono: Instant,
}

impl Now {
    /// This moment, `by` later on both clocks (for simulated clocks).
    #[must_use]
    pub fn after(self, by: Duration) -> Now {
        Now {
            wall: self.wall + by,
            mono: self.mono + by,
        }
    }
}

/// Where a core's randomness comes from: the nonce of every attempt and the jitter of every
/// backoff. The default is the operating system's CSPRNG; give another (a seeded one) to make
/// runs repeatable in tests. Nonces must not repeat within the service's five-minute window.
pub trait Entropy: Send + Sync + 'static {
    /// A random 64-bit number, or why none could be had.
    fn next_u64(&self) -> Result<u64, String>;
}

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
    pub entropy: Arc<dyn Entropy>,
}

struct Shared {
    settings: Settings,
    /// The generation spoken.
    api: ApiVersion,
    /// The unsigned `languageFlag` every request of this core carries (API 2 only).
    language_flag: Option<&'static str>,
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
                language_flag: language_flag(G::API, &settings.host),
                settings,
                api: G::API,
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

    /// The render platform every call is signed for.
    pub fn platform(&self) -> &str {
        &self.shared.settings.platform
    }

    /// The retry policy: how many attempts a read gets, and the backoff between them.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.settings.retry
    }

    /// The wait before retry number `retry` (1-based) of anything this client's policy
    /// governs: the policy's capped exponential backoff, scaled by a random fraction of the
    /// core's entropy (no wait when the entropy fails). Layers above the client (transfers)
    /// back off with it, so every retry of the SDK follows one policy.
    pub fn backoff(&self, retry: u32) -> Duration {
        self.shared.jitter().map_or(Duration::ZERO, |j| {
            self.shared.settings.retry.delay(retry, j)
        })
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
        // A parameter this generation's sources send under another name goes under that one.
        let mut body = body;
        if let Value::Object(map) = &mut body {
            for (api, wire, name) in E::SENT_AS {
                if *api == G::API
                    && let Some(value) = map.remove(*wire)
                {
                    map.insert((*name).to_owned(), value);
                }
            }
        }
        let bytes = serde_json::to_vec(&body).map_err(|source| Error::Encode {
            endpoint: E::NAME,
            source,
        })?;
        let settings = &self.shared.settings;
        let retries_allowed = E::IDEMPOTENT || settings.retry.retry_writes;
        Ok(Exchange {
            shared: Arc::clone(&self.shared),
            version: G::API.header(),
            path,
            body,
            bytes,
            retries_allowed,
            read_back: E::READ_BACK.filter(|_| !retries_allowed),
            started: None,
            attempt: 0,
            skew_retried: false,
            reading: None,
            endpoint: PhantomData,
        })
    }

    /// Signs a request to `path` with `body` at `timestamp` (Unix seconds) with `nonce`, as
    /// every attempt is signed: the headers to send and the string that was signed. For tools
    /// that show a signature (`renderbus sign`); calls sign through [`Exchange::request`].
    pub fn sign(
        &self,
        path: &str,
        body: &Value,
        timestamp: u64,
        nonce: Nonce,
    ) -> Result<Signed, render_sign::SignError> {
        self.shared
            .sign(G::API.header(), path, body, timestamp, nonce, true)
    }

    /// Starts walking every page of a paginated endpoint from `request`'s page on.
    pub fn pages<E: Paginated>(&self, request: E::Request) -> PageCursor<E> {
        PageCursor {
            request,
            done: false,
        }
    }

    /// Starts a wait for a task to end; see [`Client::wait_for_task`](crate::Client::wait_for_task).
    /// It starts at `now`.
    pub fn wait(&self, task_id: i64, options: &WaitOptions, now: Now) -> Waiter {
        Waiter {
            task_id,
            interval: options.interval.max(WaitOptions::MIN_INTERVAL),
            timeout: options.timeout,
            started: now.mono,
            last_status: None,
            outage: None,
            outage_said: None,
        }
    }
}

impl Shared {
    /// Unix seconds at `now` by this machine's clock, corrected with the learned offset.
    fn timestamp(&self, now: Now) -> u64 {
        let local = EpochMillis::from_system_time(now.wall).as_millis();
        let corrected = local + self.offset_ms.load(Ordering::Relaxed);
        u64::try_from(corrected.div_euclid(1000)).unwrap_or(0)
    }

    /// Learns how far the service's clock is ahead of ours.
    fn set_offset(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// A fresh nonce: 63 random bits (so it fits a signed 64-bit integer on the server side).
    fn nonce(&self) -> Result<Nonce, render_sign::SignError> {
        self.settings
            .entropy
            .next_u64()
            .map(|n| Nonce::from(n >> 1))
            .map_err(render_sign::SignError::Entropy)
    }

    /// A random number for a backoff's jitter.
    fn jitter(&self) -> Option<u64> {
        self.settings.entropy.next_u64().ok()
    }

    /// The one place requests are signed; the string to sign is kept when `show` asks for it
    /// (it is made again inside signing, so calls skip it).
    fn sign(
        &self,
        version: &str,
        path: &str,
        body: &Value,
        timestamp: u64,
        nonce: Nonce,
        show: bool,
    ) -> Result<Signed, render_sign::SignError> {
        let settings = &self.settings;
        let mut headers = HeaderSet::new(
            settings.credentials.access_id(),
            &settings.platform,
            timestamp,
            nonce,
        );
        version.clone_into(&mut headers.version);
        let request = SignRequest::new(&settings.host, path, &headers, body);
        let string_to_sign = if show {
            request.string_to_sign()?.to_string()
        } else {
            String::new()
        };
        let signature = request.sign(&settings.credentials)?.into_signature();
        // The values are moved, not copied; room is left for `languageFlag`.
        let mut pairs = Vec::with_capacity(HeaderSet::SIGNED_COUNT + 2);
        pairs.extend(headers.into_pairs());
        pairs.push((render_sign::SIGNATURE, signature.into_string()));
        Ok(Signed {
            string_to_sign,
            headers: pairs,
        })
    }
}

/// A signed request's headers (the signature last), and the string that was signed.
///
/// `Debug` redacts the signature.
#[derive(Clone)]
#[non_exhaustive]
pub struct Signed {
    /// `[POST]host:path&k=v&…`, as signed.
    pub string_to_sign: String,
    /// The signed headers, the signature last.
    pub headers: Vec<(&'static str, String)>,
}

impl Signed {
    /// The signature (the last header).
    pub fn signature(&self) -> &str {
        self.headers
            .iter()
            .find(|(name, _)| *name == render_sign::SIGNATURE)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &render_sign::REDACTED)
            .finish_non_exhaustive()
    }
}
#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant, SystemTime};

    use render_api_types::{
        CreateTask, CreateTaskRequest, Endpoint, QueryPlatforms, QueryPlatformsRequest, StopTask,
        StopTaskRequest, TaskInfo, V1, V2, Zone,
    };
    use serde_json::json;

    use super::*;
    use crate::{Client, Credentials, Error, RetryPolicy};

    /// Randomness that is always the same: half of every backoff, and a known nonce.
    struct Fixed;
    impl Entropy for Fixed {
        fn next_u64(&self) -> Result<u64, String> {
            Ok(1 << 63)
        }
    }

    fn core_with(retry: RetryPolicy, call_timeout: Option<Duration>) -> Core {
        let mut builder = Client::builder()
            .host("http://127.0.0.1:1")
            .credentials(Credentials::new("AKID", "key"))
            .retry(retry)
            .entropy(Fixed);
        if let Some(t) = call_timeout {
            builder = builder.call_timeout(t);
        }
        builder.build_core().unwrap()
    }

    fn start() -> Now {
        Now {
            wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            mono: Instant::now(),
        }
    }

    fn reset() -> TransportFailure {
        TransportFailure::other("connection reset by peer")
    }

    fn header(request: &HttpRequest, name: &str) -> String {
        request
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn envelope(data: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(
            &json!({"code": 200, "result": true, "message": "success", "data": data}),
        )
        .unwrap()
    }

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
        let request = exchange.request(start()).unwrap();
        request
            .headers
            .iter()
            .find(|(name, _)| *name == LANGUAGE_FLAG)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn api_2_requests_carry_the_language_flag_of_their_host_as_the_official_client_does() {
        assert_eq!(flag_of::<V2>("task.renderbus.com").as_deref(), Some("0"));
        assert_eq!(
            flag_of::<V2>("task.foxrenderfarm.com").as_deref(),
            Some("1")
        );
        assert_eq!(flag_of::<V1>("task.renderbus.com"), None);
    }

    /// A read failing every time, on a simulated clock: every attempt takes 2 s, and the
    /// backoff is what the core says. The 30 s call timeout ends it, however long the test
    /// takes in real time.
    #[test]
    fn a_30_second_call_timeout_is_waited_out_on_a_simulated_clock() {
        let retry = RetryPolicy {
            max_attempts: 100,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            retry_writes: false,
        };
        let core = core_with(retry, Some(Duration::from_secs(30)));
        let mut exchange = core
            .exchange::<QueryPlatforms>(&QueryPlatformsRequest::new(Zone::China))
            .unwrap();
        let t0 = start();
        let mut now = t0;
        let mut delays = Vec::new();
        let error = loop {
            let request = match exchange.request(now) {
                Ok(r) => r,
                Err(e) => break e,
            };
            assert!(request.timeout <= Duration::from_secs(30));
            now = now.after(Duration::from_secs(2));
            match exchange.on_failure::<()>(now, reset()) {
                Step::Retry(delay) => {
                    delays.push(delay);
                    now = now.after(delay);
                }
                Step::Failed(e) => break e,
                Step::Done(()) => unreachable!("every attempt fails"),
            }
        };
        // Half of each backoff (the fixed jitter): 0.5, 1, 2, 4, then 4 (the cap's half).
        assert_eq!(
            delays[..5],
            [500, 1000, 2000, 4000, 4000].map(Duration::from_millis)
        );
        let Error::Timeout {
            after, attempts, ..
        } = error
        else {
            panic!("expected the call's timeout, got {error}");
        };
        let simulated = now.mono - t0.mono;
        assert!(simulated <= Duration::from_secs(30), "{simulated:?}");
        assert!(simulated >= Duration::from_secs(22), "{simulated:?}");
        assert_eq!(after, simulated);
        assert_eq!(attempts, exchange.attempts());
        assert!(attempts >= 5);
    }

    #[test]
    fn clock_skew_is_learned_from_a_610_and_the_next_timestamp_uses_it() {
        let core = core_with(RetryPolicy::default(), None);
        let mut exchange = core
            .exchange::<QueryPlatforms>(&QueryPlatformsRequest::new(Zone::China))
            .unwrap();
        let now = start();
        let first = exchange.request(now).unwrap();
        assert_eq!(header(&first, "UTCTimestamp"), "1700000000");
        let server = 1_700_003_600_000i64; // an hour ahead
        let reply = serde_json::to_vec(&json!({
            "code": 610, "result": false, "message": "signature expired", "serverTime": server
        }))
        .unwrap();
        match exchange.on_reply(now, 200, &reply) {
            Step::Retry(delay) => assert_eq!(delay, Duration::ZERO),
            other => panic!("expected a retry, got {other:?}"),
        }
        let second = exchange.request(now).unwrap();
        assert_eq!(header(&second, "UTCTimestamp"), "1700003600");
        assert_eq!(exchange.attempts(), 1, "the skew retry is not an attempt");
        assert_eq!(core.clock_offset(), Duration::from_secs(3600));
        // The nonce comes from the core's entropy: 63 bits of it.
        assert_eq!(header(&second, "nonce"), (1u64 << 62).to_string());
    }

    #[test]
    fn a_wait_of_30_seconds_polls_until_its_deadline_on_a_simulated_clock() {
        let core = core_with(RetryPolicy::default(), None);
        let options = WaitOptions {
            interval: Duration::from_secs(7),
            timeout: Some(Duration::from_secs(30)),
        };
        let t0 = start();
        let mut now = t0;
        let mut waiter = core.wait(19084, &options, now);
        let rendering: TaskInfo =
            serde_json::from_value(json!({"id": 19084, "taskStatus": 5})).unwrap();
        let mut polls = Vec::new();
        let error = loop {
            polls.push(now.mono - t0.mono);
            let page = render_api_types::Page {
                page_count: 1,
                page_num: 1,
                total: 1,
                size: 1,
                items: vec![rendering.clone()],
                extra: Default::default(),
            };
            match waiter.on_poll(now, Ok(page), &mut |_| {}) {
                WaitStep::Poll(delay) => now = now.after(delay),
                WaitStep::Failed(e) => break e,
                WaitStep::Ended(task) => panic!("the task never ends, yet {task:?}"),
            }
        };
        assert_eq!(polls, [0, 7, 14, 21, 28, 30].map(Duration::from_secs));
        assert!(
            matches!(
                error,
                Error::WaitTimeout {
                    task_id: 19084,
                    outage: None,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_parameter_a_generation_names_otherwise_goes_under_that_generations_name() {
        use render_api_types::{FrameSelection, RestartFrame, RestartFrameRequest};
        let request = RestartFrameRequest::new(19084, FrameSelection::All);
        // API 1.0.0: `taskIds`, as rayvision-api 0.4.4 sends it (query.py:229).
        let v1 = Client::builder()
            .host("http://127.0.0.1:1")
            .credentials(Credentials::new("AKID", "key"))
            .api::<render_api_types::V1>()
            .build_core()
            .unwrap();
        let sent = v1
            .exchange::<RestartFrame>(&request)
            .unwrap()
            .request(start())
            .unwrap();
        let body: Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(body, json!({"selectAll": 1, "taskIds": 19084}));
        // API 2.0.0: `taskId`, as 3.0.4.3 sends it.
        let v2 = core_with(RetryPolicy::default(), None);
        let sent = v2
            .exchange::<RestartFrame>(&request)
            .unwrap()
            .request(start())
            .unwrap();
        let body: Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(body, json!({"selectAll": 1, "taskId": 19084}));
    }

    #[test]
    fn a_wait_that_ends_in_an_outage_says_so_and_one_that_recovered_does_not() {
        let core = core_with(RetryPolicy::default(), None);
        let options = WaitOptions {
            interval: Duration::from_secs(5),
            timeout: Some(Duration::from_secs(12)),
        };
        let refused = || Error::Transport {
            endpoint: "queryTaskInfo",
            url: "http://127.0.0.1:9".into(),
            source: Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        };
        let page = |status: i64| render_api_types::Page {
            page_count: 1,
            page_num: 1,
            total: 1,
            size: 1,
            items: vec![
                serde_json::from_value(json!({"id": 19084, "taskStatus": status})).unwrap(),
            ],
            extra: Default::default(),
        };
        // Refused throughout: the timeout carries the outage, and the task's last status.
        let mut now = start();
        let mut waiter = core.wait(19084, &options, now);
        let mut results =
            vec![Ok(page(5)), Err(refused()), Err(refused()), Err(refused())].into_iter();
        let error = loop {
            match waiter.on_poll(now, results.next().unwrap(), &mut |_| {}) {
                WaitStep::Poll(delay) => now = now.after(delay),
                WaitStep::Failed(e) => break e,
                WaitStep::Ended(_) => panic!("it never ends"),
            }
        };
        let Error::WaitTimeout {
            outage: Some(outage),
            last_status,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert!(matches!(**outage, Error::Transport { .. }), "{outage:?}");
        assert_eq!(*last_status, Some(render_api_types::TaskStatus::Rendering));
        assert!(
            error.to_string().contains("could not be reached"),
            "{error}"
        );
        // An outage the service came back from is not the reason a wait ran out.
        let mut now = start();
        let mut waiter = core.wait(19084, &options, now);
        let mut results =
            vec![Err(refused()), Err(refused()), Ok(page(5)), Ok(page(5))].into_iter();
        let error = loop {
            match waiter.on_poll(now, results.next().unwrap(), &mut |_| {}) {
                WaitStep::Poll(delay) => now = now.after(delay),
                WaitStep::Failed(e) => break e,
                WaitStep::Ended(_) => panic!("it never ends"),
            }
        };
        assert!(
            matches!(error, Error::WaitTimeout { outage: None, .. }),
            "{error:?}"
        );
    }

    fn stopped(task_status: i64) -> Vec<u8> {
        envelope(
            json!({"pageCount": 1, "pageNum": 1, "total": 1, "size": 100,
            "items": [{"id": 7, "taskStatus": task_status}]}),
        )
    }

    #[test]
    fn a_write_whose_reply_is_lost_is_confirmed_by_its_read_back() {
        let core = core_with(RetryPolicy::default(), None);
        let mut exchange = core
            .exchange::<StopTask>(&StopTaskRequest::new([7]))
            .unwrap();
        let now = start();
        let write = exchange.request(now).unwrap();
        assert!(write.url.ends_with(StopTask::path(ApiVersion::V2).unwrap()));
        let Step::Retry(_) = exchange.on_failure::<()>(now, reset()) else {
            panic!("a lost reply of a write with a read-back is read back")
        };
        let read = exchange.request(now).unwrap();
        assert!(read.url.ends_with("/queryTaskInfo/v2"), "{}", read.url);
        assert_eq!(read.body, br#"{"taskIds":[7]}"#);
        match exchange.on_reply_kept(now, 200, stopped(10)) {
            Step::Done(replied) => {
                let confirmed = replied.reply.confirmed.expect("marked as confirmed");
                assert_eq!(confirmed.read, "queryTaskInfo");
                assert!(confirmed.lost.contains("reset"), "{}", confirmed.lost);
            }
            other => panic!("expected success, got {other:?}"),
        }
        assert_eq!(exchange.attempts(), 1, "the write was sent once");
    }

    #[test]
    fn a_write_the_read_back_does_not_see_is_sent_again_within_the_policy() {
        let core = core_with(RetryPolicy::default(), None);
        let mut exchange = core
            .exchange::<StopTask>(&StopTaskRequest::new([7]))
            .unwrap();
        let now = start();
        for attempt in 1..=3 {
            let write = exchange.request(now).unwrap();
            assert!(write.url.ends_with("/stopTask"), "{}", write.url);
            assert_eq!(exchange.attempts(), attempt);
            let Step::Retry(_) = exchange.on_failure::<()>(now, reset()) else {
                panic!("read back")
            };
            let _read = exchange.request(now).unwrap();
            match exchange.on_reply(now, 200, &stopped(5)) {
                Step::Retry(_) if attempt < 3 => {}
                Step::Failed(e) if attempt == 3 => {
                    // It did not happen, and no attempts are left: the write's own failure.
                    assert!(matches!(e, Error::Transport { .. }), "{e}");
                }
                other => panic!("attempt {attempt}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_read_back_that_cannot_tell_is_outcome_unknown_naming_the_write_and_the_read() {
        let core = core_with(RetryPolicy::default(), None);
        let mut exchange = core
            .exchange::<StopTask>(&StopTaskRequest::new([7]))
            .unwrap();
        let now = start();
        exchange.request(now).unwrap();
        let Step::Retry(_) = exchange.on_failure::<()>(now, reset()) else {
            panic!("read back")
        };
        let error = loop {
            exchange.request(now).unwrap();
            match exchange.on_failure::<()>(now, reset()) {
                Step::Retry(_) => {}
                Step::Failed(e) => break e,
                Step::Done(()) => unreachable!(),
            }
        };
        let Error::OutcomeUnknown {
            endpoint, checked, ..
        } = &error
        else {
            panic!("{error}")
        };
        assert_eq!((*endpoint, *checked), ("stopTask", Some("queryTaskInfo")));
        assert!(
            error.to_string().contains("queryTaskInfo could not tell"),
            "{error}"
        );
        assert_eq!(exchange.attempts(), 1, "never sent twice");

        // A reply that cannot be judged is no better than none.
        let mut exchange = core
            .exchange::<StopTask>(&StopTaskRequest::new([7]))
            .unwrap();
        exchange.request(now).unwrap();
        let _ = exchange.on_failure::<()>(now, reset());
        exchange.request(now).unwrap();
        let judged = exchange.on_reply(now, 200, &envelope(json!({"items": "?"})));
        assert!(
            matches!(judged, Step::Failed(Error::OutcomeUnknown { .. })),
            "{judged:?}"
        );
    }

    #[test]
    fn a_write_with_no_read_back_says_outcome_unknown_and_an_unsent_one_is_sent_again() {
        let core = core_with(RetryPolicy::default(), None);
        let request = CreateTaskRequest::new();
        let mut exchange = core.exchange::<CreateTask>(&request).unwrap();
        let now = start();
        exchange.request(now).unwrap();
        match exchange.on_failure::<()>(now, TransportFailure::timeout("no reply in 30 s")) {
            Step::Failed(Error::OutcomeUnknown { checked: None, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(CreateTask::READ_BACK.is_none());

        let mut exchange = core.exchange::<CreateTask>(&request).unwrap();
        exchange.request(now).unwrap();
        let refused = TransportFailure::unsent("connection refused");
        let Step::Retry(_) = exchange.on_failure::<()>(now, refused) else {
            panic!("nothing was sent: sending it is safe")
        };
        let again = exchange.request(now).unwrap();
        assert!(again.url.ends_with("/createTask"), "{}", again.url);
    }
}
