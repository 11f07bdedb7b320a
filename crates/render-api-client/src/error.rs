//! The one error type of the client.

use std::time::Duration;

use render_api_types::{ApiVersion, CodedEnum, EpochMillis, ErrorCode, TaskStatus};

/// What went wrong with a call. `Display` says what happened and, where it can, what to do.
///
/// No variant holds or prints the access key or a signature; replies of secret-bearing
/// endpoints are never quoted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error code.
    #[error("{endpoint}: the service answered {code_num} {code_name}{meaning}: {message}{hint}{request}", code_num = code.code(), code_name = constant(code), meaning = meaning(code), hint = hint(code), request = request_id.as_deref().map(|id| format!(" (request id {id})")).unwrap_or_default())]
    Api {
        /// The endpoint called.
        endpoint: &'static str,
        /// The service's code.
        code: ErrorCode,
        /// The service's message.
        message: String,
        /// The service's clock when it answered.
        server_time: Option<EpochMillis>,
        /// The service's id of the request (API 2.0.0 sends one): quote it to its support.
        request_id: Option<String>,
    },
    /// The call, or a parameter given, does not exist in the client's API generation; nothing
    /// was sent.
    #[error("{endpoint}: {what} (API {api})", api = api.header())]
    Unsupported {
        /// The endpoint called.
        endpoint: &'static str,
        /// The client's generation.
        api: ApiVersion,
        /// What is missing there.
        what: String,
    },
    /// No endpoint has this name ([`Client::call_json`](crate::Client::call_json)).
    #[error("there is no endpoint named `{name}`{}", nearest_names(.nearest))]
    UnknownEndpoint {
        /// The name given.
        name: String,
        /// The endpoints with the nearest names, nearest first.
        nearest: Vec<&'static str>,
    },
    /// A request given as JSON does not fit the endpoint's typed request: an unknown field,
    /// or a value of the wrong type. Nothing was sent.
    #[error("{endpoint}: the request does not fit at {path}: {message}")]
    Request {
        /// The endpoint.
        endpoint: &'static str,
        /// The JSON path of the fault in the request (`$.taskIds[1]`).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The service answered with an HTTP error status and no envelope.
    #[error("{endpoint}: the service answered HTTP {status}: {body_excerpt}")]
    Http {
        /// The endpoint called.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the reply's body.
        body_excerpt: String,
    },
    /// The service could not be reached, or the connection failed.
    #[error("{endpoint}: could not reach the service at {url}: {source}")]
    Transport {
        /// The endpoint called.
        endpoint: &'static str,
        /// The URL called.
        url: String,
        /// What failed (the HTTP stack's error).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No complete answer in time: an attempt ran over the client's timeout, or the whole
    /// call (retries and their waits included) ran over its call timeout.
    #[error(
        "{endpoint}: no complete answer within {after:.1?} ({attempts} attempt{s}; raise the timeout, or check the network)",
        s = if *attempts == 1 { "" } else { "s" }
    )]
    Timeout {
        /// The endpoint called.
        endpoint: &'static str,
        /// How long the call waited, all attempts together.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// What timed out.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The reply was not the JSON the spec describes.
    #[error(
        "{endpoint}: the reply could not be read at {path}: {source}; the reply began: {body_excerpt}"
    )]
    Decode {
        /// The endpoint called.
        endpoint: &'static str,
        /// Where in the reply it went wrong, as a JSON path (`$.data.items[3].taskStatus`;
        /// `$` when the reply is not an envelope at all).
        path: String,
        /// The start of the reply's body (withheld for secret-bearing replies).
        body_excerpt: String,
        /// The whole reply, as received: nothing of it is lost to the caller ([`ReplyBody`]
        /// shows its size, never its bytes, in `Debug`).
        body: ReplyBody,
        /// serde's account of the mismatch.
        #[source]
        source: serde_json::Error,
    },
    /// The request could not be signed (a bad host or path, or no entropy for the nonce).
    #[error("{endpoint}: the request could not be signed: {source}")]
    Sign {
        /// The endpoint called.
        endpoint: &'static str,
        /// Why.
        #[source]
        source: render_sign::SignError,
    },
    /// The request could not be serialized.
    #[error("{endpoint}: the request could not be serialized: {source}")]
    Encode {
        /// The endpoint called.
        endpoint: &'static str,
        /// serde's account.
        #[source]
        source: serde_json::Error,
    },
    /// A wait for a task ran over its timeout before the task ended.
    #[error(
        "task {task_id} did not end within {after:.0?}{status}{outage}",
        status = last_status.as_ref().map(|s| format!(" (it is {s})")).unwrap_or_default(),
        outage = outage.as_ref().map(|e| format!(": the service could not be reached at the last poll ({e})")).unwrap_or_default()
    )]
    WaitTimeout {
        /// The task waited for.
        task_id: i64,
        /// How long the wait lasted.
        after: Duration,
        /// The task's status at the last poll that answered.
        last_status: Option<TaskStatus>,
        /// When the last poll did not reach the service (connection refused, a timeout, a
        /// 5xx): why. The wait ended in an outage, not behind a slow render.
        outage: Option<Box<Error>>,
    },
    /// The client is not configured well enough to call (credentials, host).
    #[error("the client is not configured: {0}")]
    Config(String),
    /// A setting's value is wrong, wherever it came from (a flag, a `RENDERBUS_*` variable or
    /// a profile): checked alike for each; nothing was sent.
    #[error("{from}: {message}")]
    Setting {
        /// Where the value came from (`--platform`, `RENDERBUS_PLATFORM`, `profile default
        /// in ~/.config/renderbus/config.toml`).
        from: String,
        /// What is wrong with it.
        message: String,
    },
    /// Frame numbers no frame of the task has ([`Client::frame_ids`](crate::Client::frame_ids));
    /// nothing was sent.
    #[error("task {task_id} has no frame {}", numbers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownFrames {
        /// The task.
        task_id: i64,
        /// The numbers no frame has.
        numbers: Vec<i64>,
    },
    /// A wait was ended by its caller's check ([`WaitFor::interrupt`](crate::WaitFor::interrupt):
    /// Ctrl-C in the Python package) before the task ended. Nothing was changed on the farm.
    #[error("the wait for task {task_id} was interrupted after {after:.0?}")]
    Interrupted {
        /// The task waited for.
        task_id: i64,
        /// How long the wait lasted.
        after: Duration,
    },
    /// A write's reply was lost after the request may have reached the service, and nothing
    /// could tell whether it took effect: the write has no read that shows its effect, or that
    /// read failed too, or answered something that could not be judged. The write was not sent
    /// again. Look at the farm before trying it again.
    #[error("{endpoint}: whether it took effect is unknown: {why}")]
    OutcomeUnknown {
        /// The write.
        endpoint: &'static str,
        /// The read asked whether it took effect, when there is one.
        checked: Option<&'static str>,
        /// What was lost, and what the read answered.
        why: String,
        /// Why the write's own reply was lost.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// The service's error code, when the service answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// A short, stable name of the kind of failure, for logs and reports: `api_611`,
    /// `http_502`, `transport`, `timeout`, `decode`, `sign`, `encode`, `config`, `interrupted`…
    pub fn kind(&self) -> String {
        match self {
            Error::Api { code, .. } => format!("api_{}", code.code()),
            Error::Http { status, .. } => format!("http_{status}"),
            Error::Transport { .. } => "transport".into(),
            Error::Timeout { .. } => "timeout".into(),
            Error::Decode { .. } => "decode".into(),
            Error::Sign { .. } => "sign".into(),
            Error::Encode { .. } => "encode".into(),
            Error::Config(_) => "config".into(),
            Error::Setting { .. } => "setting".into(),
            Error::Unsupported { .. } => "unsupported".into(),
            Error::UnknownEndpoint { .. } => "unknown_endpoint".into(),
            Error::Request { .. } => "request".into(),
            Error::WaitTimeout { .. } => "wait_timeout".into(),
            Error::Interrupted { .. } => "interrupted".into(),
            Error::OutcomeUnknown { .. } => "outcome_unknown".into(),
            Error::UnknownFrames { .. } => "unknown_frames".into(),
        }
    }

    /// Whether retrying the same call later may succeed (transport failures, timeouts, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Http { status, .. } => *status >= 500,
            Error::Api { code, .. } => *code == ErrorCode::InternalError,
            _ => false,
        }
    }
}

/// The document's constant for a code (`SIGNATURE_EXPIRED`).
fn constant(code: &ErrorCode) -> String {
    match code.name() {
        Some(name) => name.replace('-', "_").to_ascii_uppercase(),
        None => "(a code this SDK does not know)".to_owned(),
    }
}

/// What a known code means, in the document's words (`(The signature is invalid.)`).
fn meaning(code: &ErrorCode) -> String {
    code.meaning_en()
        .map(|m| format!(" ({})", m.trim_end_matches('.')))
        .unwrap_or_default()
}

fn hint(code: &ErrorCode) -> &'static str {
    match code {
        ErrorCode::SignatureExpired => {
            " — check this machine's clock: the request's UTCTimestamp is too far from the service's"
        }
        ErrorCode::SignatureInvalid => {
            " — check the access key, and that the host is the one requests are sent to (`renderbus sign` shows the string to sign)"
        }
        ErrorCode::Forbidden | ErrorCode::NeedUserLogin => {
            " — check the account: the accessId is unknown, disabled, or not allowed here"
        }
        ErrorCode::InsufficientPermissions => " — the account lacks the permission for this call",
        ErrorCode::UserAreaError => {
            " — the account belongs to the other zone: use task.renderbus.com for China, task.foxrenderfarm.com overseas"
        }
        ErrorCode::ParameterInvalid | ErrorCode::ParameterCantBeEmpty => {
            " — check the request's parameters"
        }
        _ => "",
    }
}

/// The start of a body, for error messages: at most 200 characters, on one line.
/// `: did you mean a, b or c?`, or nothing.
fn nearest_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!(": did you mean `{one}`?"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|n| format!("`{n}`")).collect();
            format!(": did you mean {} or `{last}`?", rest.join(", "))
        }
    }
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// The bytes of a reply as received, kept by [`Error::Decode`] so that a reply this SDK could
/// not read is not lost to its caller. `Debug` shows its size only: a reply may carry a secret
/// (an engine password, the Raysync key).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReplyBody(Vec<u8>);

impl ReplyBody {
    /// The reply's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The reply as text (JSON is UTF-8; anything else is replaced, lossily).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

impl From<&[u8]> for ReplyBody {
    fn from(bytes: &[u8]) -> Self {
        ReplyBody(bytes.to_vec())
    }
}

impl std::fmt::Debug for ReplyBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReplyBody({} bytes)", self.0.len())
    }
}
