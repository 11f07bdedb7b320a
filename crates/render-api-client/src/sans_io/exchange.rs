//! One call in progress: the signed request of each attempt, and what each reply or failure
//! means, including the read-back of a write whose reply was lost.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use render_api_types::{Endpoint, EpochMillis, ErrorCode, ReadBack};
use serde_json::Value;

use super::read_back::{self, Confirmation, Verdict};
use super::reply::{Head, Replied, Reply, read_envelope, read_reply};
use super::{Now, Shared};
use crate::error::Error;

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

/// Why an attempt got no reply, as the transport saw it.
#[derive(Debug)]
pub struct TransportFailure {
    kind: FailureKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailureKind {
    /// Nothing of the request left this machine.
    Unsent,
    /// The attempt ran out of time after the request may have been sent.
    TimedOut,
    /// Anything else: the request may have reached the service.
    Other,
}

impl TransportFailure {
    /// The attempt ran out of time waiting for the reply (the request may have reached the
    /// service).
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportFailure {
            kind: FailureKind::TimedOut,
            source: source.into(),
        }
    }

    /// Nothing of the request was sent: the name did not resolve, connecting was refused or
    /// timed out, TLS failed. Even a write is safe to send again after this.
    pub fn unsent(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportFailure {
            kind: FailureKind::Unsent,
            source: source.into(),
        }
    }

    /// Anything else: the connection was reset or closed while the request was sent or its
    /// reply awaited. The request may have reached the service.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportFailure {
            kind: FailureKind::Other,
            source: source.into(),
        }
    }

    /// The reply is larger than [`MAX_REPLY`](super::MAX_REPLY) (as declared, or as read so
    /// far): the transport stops reading it. The request reached the service.
    pub fn too_large() -> Self {
        Self::other(format!(
            "the reply is larger than {} bytes",
            super::MAX_REPLY
        ))
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

/// A write whose reply was lost, while its read-back is asked whether it took effect.
pub(super) struct ReadingBack {
    read_back: &'static ReadBack,
    path: &'static str,
    body: Value,
    bytes: Vec<u8>,
    attempt: u32,
    /// Why the write's reply was lost.
    cause: Box<Error>,
}

/// A reply read: the value, the envelope's other fields, and the read-back that confirmed a
/// write whose own reply was lost.
pub(super) struct Taken<T> {
    value: T,
    head: Head,
    confirmed: Option<Confirmation>,
}

/// One call in progress: see the [module docs](super).
pub struct Exchange<E: Endpoint> {
    pub(super) shared: Arc<Shared>,
    pub(super) version: &'static str,
    pub(super) path: &'static str,
    pub(super) body: Value,
    pub(super) bytes: Vec<u8>,
    /// A read, or writes retried like reads (`RetryPolicy::retry_writes`).
    pub(super) retries_allowed: bool,
    /// The write's read-back in this generation.
    pub(super) read_back: Option<&'static ReadBack>,
    pub(super) started: Option<Instant>,
    pub(super) attempt: u32,
    pub(super) skew_retried: bool,
    /// Set while a read-back is asked.
    pub(super) reading: Option<ReadingBack>,
    pub(super) endpoint: PhantomData<fn() -> E>,
}

impl<E: Endpoint> fmt::Debug for Exchange<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("endpoint", &E::NAME)
            .field("path", &self.path)
            .field("attempt", &self.attempt)
            .field(
                "reading_back",
                &self.reading.as_ref().map(|r| r.read_back.read),
            )
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Exchange<E> {
    /// The attempts made so far (of the call itself; a read-back's are not counted).
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    fn deadline(&self) -> Option<Instant> {
        let timeout = self.shared.settings.call_timeout?;
        self.started.map(|s| s + timeout)
    }

    fn elapsed(&self, now: Now) -> Duration {
        self.started
            .map_or(Duration::ZERO, |s| now.mono.saturating_duration_since(s))
    }

    /// The next attempt's request, with a fresh timestamp and nonce: the call itself, or the
    /// read that shows whether a write whose reply was lost took effect.
    ///
    /// Fails when the call's time is up ([`Error::Timeout`], or [`Error::OutcomeUnknown`]
    /// while reading back) or the request cannot be signed.
    pub fn request(&mut self, now: Now) -> Result<HttpRequest, Error> {
        let started = *self.started.get_or_insert(now.mono);
        let left = self
            .shared
            .settings
            .call_timeout
            .map(|t| (started + t).saturating_duration_since(now.mono));
        if left == Some(Duration::ZERO) {
            let why = "the call's time ran out before another attempt";
            return Err(match self.reading.take() {
                None => self.timed_out(now, why.into()),
                Some(reading) => outcome_unknown::<E>(
                    Some(reading.read_back.read),
                    reading.cause,
                    format!(
                        "the call's time ran out before {} could answer",
                        reading.read_back.read
                    ),
                ),
            });
        }
        let (path, body, bytes) = match &mut self.reading {
            None => {
                self.attempt += 1;
                (self.path, &self.body, &self.bytes)
            }
            Some(reading) => {
                reading.attempt += 1;
                (reading.path, &reading.body, &reading.bytes)
            }
        };
        let settings = &self.shared.settings;
        let sign_error = |source| Error::Sign {
            endpoint: E::NAME,
            source,
        };
        let nonce = self.shared.nonce().map_err(sign_error)?;
        let signed = self
            .shared
            .sign(
                self.version,
                path,
                body,
                self.shared.timestamp(now),
                nonce,
                false,
            )
            .map_err(sign_error)?;
        let mut headers = signed.headers;
        if let Some(flag) = self.shared.language_flag {
            headers.push((super::LANGUAGE_FLAG, flag.to_owned()));
        }
        let mut url = String::with_capacity(settings.base_url.len() + path.len());
        url.push_str(&settings.base_url);
        url.push_str(path);
        let request = HttpRequest {
            url,
            headers,
            body: bytes.clone(),
            timeout: left.map_or(settings.timeout, |l| l.min(settings.timeout)),
            connect_timeout: settings.connect_timeout,
        };
        // The request's Debug shows the headers with the signature redacted; the key is never
        // in a request at all.
        tracing::debug!(attempt = self.attempt, ?request, "sending");
        Ok(request)
    }

    /// Reads the reply to the last request: its HTTP status and body.
    pub fn on_reply(&mut self, now: Now, status: u16, body: &[u8]) -> Step<E::Response> {
        match self.take(now, status, body) {
            Step::Done(taken) => Step::Done(taken.value),
            Step::Failed(e) => Step::Failed(e),
            Step::Retry(d) => Step::Retry(d),
        }
    }

    /// Reads the reply to the last request like [`on_reply`](Self::on_reply), and keeps the
    /// reply as received ([`Reply`]: its bytes, request id, server time) next to the typed
    /// value. A write confirmed by its read-back answers the read's reply, with
    /// [`Reply::confirmed`] saying so.
    pub fn on_reply_kept(
        &mut self,
        now: Now,
        status: u16,
        body: Vec<u8>,
    ) -> Step<Replied<E::Response>> {
        let attempts = self.attempt;
        match self.take(now, status, &body) {
            Step::Done(Taken {
                value,
                head,
                confirmed,
            }) => Step::Done(Replied {
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
                    confirmed,
                    body,
                },
            }),
            Step::Failed(e) => Step::Failed(e),
            Step::Retry(d) => Step::Retry(d),
        }
    }

    fn take(&mut self, now: Now, status: u16, body: &[u8]) -> Step<Taken<E::Response>> {
        let Some(reading) = self.reading.take() else {
            return match read_reply::<E>(status, body) {
                Ok((value, head)) => {
                    tracing::info!(attempts = self.attempt, outcome = "ok", "call succeeded");
                    Step::Done(Taken {
                        value,
                        head,
                        confirmed: None,
                    })
                }
                Err(e) => match self.skew(now, &e) {
                    Some(step) => step,
                    None => self.failed(now, e, false),
                },
            };
        };
        let read = reading.read_back.read;
        let judged = read_envelope(read, false, status, body).and_then(|(data, head)| {
            let data: Value = serde_json::from_str(data).map_err(|source| Error::Decode {
                endpoint: read,
                path: "$.data".into(),
                body_excerpt: String::new(),
                body: body.into(),
                source,
            })?;
            Ok((read_back::judge(reading.read_back, &self.body, &data), head))
        });
        match judged {
            Ok((verdict, head)) => self.on_verdict(now, reading, verdict, head),
            Err(e) => {
                self.reading = Some(reading);
                match self.skew(now, &e) {
                    Some(step) => step,
                    None => self.read_back_failed(now, e),
                }
            }
        }
    }

    /// What the read-back's answer means for the write.
    fn on_verdict(
        &mut self,
        now: Now,
        reading: ReadingBack,
        verdict: Verdict,
        head: Head,
    ) -> Step<Taken<E::Response>> {
        let ReadingBack {
            read_back, cause, ..
        } = reading;
        match verdict {
            Verdict::Applied => {
                tracing::info!(
                    attempts = self.attempt,
                    outcome = "confirmed_by_read_back",
                    read = read_back.read,
                    "the write took effect"
                );
                // Only writes answered with an acknowledgement have a read-back (the spec's
                // lint): their value reads from a `null` acknowledgement.
                match serde_json::from_value::<E::Response>(Value::Null) {
                    Ok(value) => Step::Done(Taken {
                        value,
                        head,
                        confirmed: Some(Confirmation {
                            read: read_back.read,
                            lost: cause.to_string(),
                        }),
                    }),
                    Err(e) => Step::Failed(outcome_unknown::<E>(
                        Some(read_back.read),
                        cause,
                        format!(
                            "{} shows it took effect, but its value cannot be made: {e}",
                            read_back.read
                        ),
                    )),
                }
            }
            Verdict::NotApplied => {
                tracing::info!(
                    attempts = self.attempt,
                    outcome = "not_applied",
                    read = read_back.read,
                    "the write did not take effect"
                );
                let policy = &self.shared.settings.retry;
                if self.attempt >= policy.max_attempts {
                    // It did not happen, and there are no attempts left: the write's own
                    // failure stands (and a new call is safe).
                    return Step::Failed(*cause);
                }
                let delay = self.backoff(self.attempt);
                match self.deadline() {
                    Some(deadline) if now.mono + delay >= deadline => Step::Failed(*cause),
                    _ => Step::Retry(delay),
                }
            }
            Verdict::Unknown(why) => Step::Failed(outcome_unknown::<E>(
                Some(read_back.read),
                cause,
                format!("{} answered, but {why}", read_back.read),
            )),
        }
    }

    /// The read-back failed: try it again (it is a read), or give up on knowing.
    fn read_back_failed<T>(&mut self, now: Now, error: Error) -> Step<T> {
        let Some(reading) = self.reading.take() else {
            return Step::Failed(error);
        };
        if error.is_transient() && reading.attempt < self.shared.settings.retry.max_attempts {
            let delay = self.backoff(reading.attempt);
            if self.deadline().is_none_or(|d| now.mono + delay < d) {
                self.reading = Some(reading);
                return Step::Retry(delay);
            }
        }
        Step::Failed(outcome_unknown::<E>(
            Some(reading.read_back.read),
            reading.cause,
            format!("{} could not tell: {error}", reading.read_back.read),
        ))
    }

    /// A 610 with the service's clock: learn the offset and send again at once, once (a 610
    /// is answered before anything happens, so even a write is safe to send again).
    fn skew<T>(&mut self, now: Now, error: &Error) -> Option<Step<T>> {
        let Error::Api {
            code: ErrorCode::SignatureExpired,
            server_time: Some(server),
            ..
        } = error
        else {
            return None;
        };
        if self.skew_retried {
            return None;
        }
        let local = EpochMillis::from_system_time(now.wall).as_millis();
        let offset = server.as_millis() - local;
        self.shared.set_offset(offset);
        self.skew_retried = true;
        // It does not count as an attempt.
        match &mut self.reading {
            None => self.attempt -= 1,
            Some(reading) => reading.attempt -= 1,
        }
        tracing::info!(
            outcome = "clock_skew",
            offset_ms = offset,
            "retrying with the service's clock"
        );
        Some(Step::Retry(Duration::ZERO))
    }

    /// Reads a failure to get any reply to the last request.
    pub fn on_failure<T>(&mut self, now: Now, failure: TransportFailure) -> Step<T> {
        let error = if failure.kind == FailureKind::TimedOut {
            Error::Timeout {
                endpoint: E::NAME,
                after: self.elapsed(now),
                attempts: self.attempt,
                source: failure.source,
            }
        } else {
            Error::Transport {
                endpoint: E::NAME,
                url: format!("{}{}", self.shared.settings.base_url, self.path),
                source: failure.source,
            }
        };
        match self.reading {
            None => self.failed(now, error, failure.kind == FailureKind::Unsent),
            Some(_) => self.read_back_failed(now, error),
        }
    }

    /// Retry (with backoff, within the call's deadline), read back, or give up.
    ///
    /// `unsent`: nothing of the request left, so even a write may be sent again.
    fn failed<T>(&mut self, now: Now, error: Error, unsent: bool) -> Step<T> {
        let policy = &self.shared.settings.retry;
        let may_retry = self.retries_allowed || unsent;
        tracing::debug!(attempt = self.attempt, outcome = %error.kind(), may_retry, "call failed");
        if !error.is_transient() {
            return Step::Failed(error);
        }
        if !may_retry {
            // A write whose request may have reached the service: its outcome is unknown.
            return self.read_back(now, error);
        }
        if self.attempt >= policy.max_attempts {
            return Step::Failed(error);
        }
        let delay = self.backoff(self.attempt);
        if let Some(deadline) = self.deadline()
            && now.mono + delay >= deadline
        {
            // No time for another attempt: the call's time is up.
            tracing::debug!(
                attempt = self.attempt,
                outcome = "call_timeout",
                "no time left to retry"
            );
            return Step::Failed(Error::Timeout {
                endpoint: E::NAME,
                after: self.elapsed(now),
                attempts: self.attempt,
                source: Box::new(error),
            });
        }
        Step::Retry(delay)
    }

    /// A write's reply was lost: ask its read-back, or say the outcome is unknown.
    fn read_back<T>(&mut self, now: Now, cause: Error) -> Step<T> {
        let api = self.shared.api;
        let Some((read_back, path)) = self
            .read_back
            .and_then(|rb| rb.path(api).map(|path| (rb, path)))
        else {
            return Step::Failed(outcome_unknown::<E>(
                None,
                Box::new(cause),
                "no read shows whether it took effect, so it was not checked or sent again".into(),
            ));
        };
        let body = read_back::request(read_back, &self.body);
        let bytes = match serde_json::to_vec(&body) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Step::Failed(outcome_unknown::<E>(
                    Some(read_back.read),
                    Box::new(cause),
                    format!("its request could not be made: {e}"),
                ));
            }
        };
        tracing::info!(
            attempt = self.attempt,
            outcome = "unknown",
            read = read_back.read,
            "the reply was lost: reading back whether the write took effect"
        );
        let delay = self.backoff(self.attempt);
        if let Some(deadline) = self.deadline()
            && now.mono + delay >= deadline
        {
            return Step::Failed(outcome_unknown::<E>(
                Some(read_back.read),
                Box::new(cause),
                format!("no time was left to ask {}", read_back.read),
            ));
        }
        self.reading = Some(ReadingBack {
            read_back,
            path,
            body,
            bytes,
            attempt: 0,
            cause: Box::new(cause),
        });
        Step::Retry(delay)
    }

    /// The backoff before retry number `retry`, its jitter from the core's entropy.
    fn backoff(&self, retry: u32) -> Duration {
        // Without randomness the backoff is half the cap: still a backoff.
        let jitter = self.shared.jitter().unwrap_or(1 << 63);
        self.shared.settings.retry.delay(retry, jitter)
    }

    fn timed_out(&self, now: Now, why: String) -> Error {
        Error::Timeout {
            endpoint: E::NAME,
            after: self.elapsed(now),
            attempts: self.attempt,
            source: why.into(),
        }
    }
}

/// The [`Error::OutcomeUnknown`] of write `E`, whose reply was lost for `cause`.
fn outcome_unknown<E: Endpoint>(
    checked: Option<&'static str>,
    cause: Box<Error>,
    why: String,
) -> Error {
    Error::OutcomeUnknown {
        endpoint: E::NAME,
        checked,
        why: format!("its reply was lost ({}); {why}", cause.kind()),
        source: cause,
    }
}
