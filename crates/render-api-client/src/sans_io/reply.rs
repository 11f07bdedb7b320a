//! Reading replies: the envelope, the typed value, and the errors a reply carries.

use std::fmt;

use render_api_types::{Endpoint, Envelope, EpochMillis, ErrorCode};
use serde_json::Value;
use serde_json::value::RawValue;

use super::read_back::Confirmation;
use crate::error::{Error, excerpt};

/// The largest reply a transport reads (a bigger one is a transport failure).
pub const MAX_REPLY: u64 = 64 << 20;

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
    /// Set when the call's own reply was lost and its read-back showed that it took effect:
    /// then `status`, `body`, `code`, `message`, `request_id` and `server_time` are those of
    /// the read's reply.
    pub confirmed: Option<Confirmation>,
    pub(super) secret: bool,
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
            .field("confirmed", &self.confirmed)
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
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) code: ErrorCode,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) server_time: Option<EpochMillis>,
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
pub(crate) fn read_reply<E: Endpoint>(
    status: u16,
    reply: &[u8],
) -> Result<(E::Response, Head), Error> {
    // The common case in one pass: a success with data that fits. Anything else is read again
    // below, step by step, to say exactly what it is. (Text checked as UTF-8 once is read
    // faster than bytes checked string by string.)
    if (200..300).contains(&status)
        && let Ok(text) = std::str::from_utf8(reply)
        && let Ok(Envelope {
            code,
            data: Some(value),
            message,
            request_id,
            server_time,
            ..
        }) = serde_json::from_str::<Envelope<E::Response>>(text)
        && code.is_success()
    {
        let head = Head {
            code,
            message,
            request_id,
            server_time,
        };
        return Ok((value, head));
    }
    read_reply_stepwise::<E>(status, reply)
}

/// [`read_reply`] a step at a time: the envelope, then its data. It says exactly where a
/// reply went wrong.
fn read_reply_stepwise<E: Endpoint>(
    status: u16,
    reply: &[u8],
) -> Result<(E::Response, Head), Error> {
    let (data, head) = read_envelope(E::NAME, E::SECRET_RESPONSE, status, reply)?;
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
            body_excerpt: shown(E::SECRET_RESPONSE, reply),
            body: reply.into(),
            source,
        }
    })?;
    Ok((value, head))
}

/// A reply's excerpt, unless it carries a secret.
fn shown(secret: bool, reply: &[u8]) -> String {
    if secret {
        "(withheld: the reply carries a secret)".to_owned()
    } else {
        excerpt(reply)
    }
}

/// The envelope of a reply of `endpoint`: its `data` as raw JSON text (`null` when absent) and
/// its other fields, or the error the reply carries.
pub(crate) fn read_envelope<'r>(
    endpoint: &'static str,
    secret: bool,
    status: u16,
    reply: &'r [u8],
) -> Result<(&'r str, Head), Error> {
    // `data` is kept raw and read once, straight into the typed response.
    let envelope: Envelope<&RawValue> = match serde_json::from_slice(reply) {
        Ok(e) => e,
        Err(source) if (200..300).contains(&status) => {
            return Err(Error::Decode {
                endpoint,
                path: "$".into(),
                body_excerpt: shown(secret, reply),
                body: reply.into(),
                source,
            });
        }
        Err(_) => {
            return Err(Error::Http {
                endpoint,
                status,
                body_excerpt: shown(secret, reply),
            });
        }
    };
    if status >= 500 {
        return Err(Error::Http {
            endpoint,
            status,
            body_excerpt: shown(secret, reply),
        });
    }
    if !envelope.code.is_success() {
        return Err(Error::Api {
            endpoint,
            code: envelope.code,
            message: envelope.message.unwrap_or_default(),
            server_time: envelope.server_time,
            request_id: envelope.request_id,
        });
    }
    if status >= 300 {
        return Err(Error::Http {
            endpoint,
            status,
            body_excerpt: shown(secret, reply),
        });
    }
    Ok((
        envelope.data.map_or("null", RawValue::get),
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
    use render_api_types::{QueryPlatforms, StopTask};

    use super::*;

    /// What a reading answers, as comparable text.
    fn outcome<E: Endpoint>(read: Result<(E::Response, Head), Error>) -> String
    where
        E::Response: fmt::Debug,
    {
        match read {
            Ok((value, head)) => format!("ok {value:?} {head:?}"),
            Err(e) => format!("err {e}"),
        }
    }

    #[test]
    fn the_one_pass_reading_answers_as_the_stepwise_one() {
        let platforms = r#"[{"platform":2,"name":"query_platform_w2","type":1,"status":1,"taskPrefix":"W","isShow":1}]"#;
        let bodies = [
            format!(
                r#"{{"version":"2.0.0","result":true,"message":"success","code":200,"serverTime":1796318757601,"requestId":"r-1","data":{platforms}}}"#
            ),
            r#"{"result":true,"message":"success","code":200,"data":null}"#.to_owned(),
            r#"{"result":true,"message":"success","code":200}"#.to_owned(),
            r#"{"result":false,"message":"signature_invalid","code":601,"data":null}"#.to_owned(),
            format!(r#"{{"result":false,"message":"odd","code":600,"data":{platforms}}}"#),
            r#"{"result":true,"message":"success","code":200,"data":{"platform":"two"}}"#
                .to_owned(),
            r#"{"result":true,"message":"success","code":200,"data":[{"platform":"two"}]}"#
                .to_owned(),
            format!(r#"{{"code":200,"data":{platforms}}} trailing"#),
            format!(r#"{{"code":200,"code":200,"data":{platforms}}}"#),
            "<html>bad gateway</html>".to_owned(),
            String::new(),
        ];
        let not_utf8 = [
            &br#"{"code":200,"data":[{"platform":2,"name":"w"#[..],
            b"\xff\xfe",
            br#""}]}"#,
        ]
        .concat();
        for bytes in bodies.iter().map(|b| b.as_bytes()).chain([&not_utf8[..]]) {
            let body = String::from_utf8_lossy(bytes);
            for status in [200, 204, 302, 404, 500, 503] {
                assert_eq!(
                    outcome::<QueryPlatforms>(read_reply::<QueryPlatforms>(status, bytes)),
                    outcome::<QueryPlatforms>(read_reply_stepwise::<QueryPlatforms>(status, bytes)),
                    "queryPlatforms, status {status}, body {body}"
                );
                assert_eq!(
                    outcome::<StopTask>(read_reply::<StopTask>(status, bytes)),
                    outcome::<StopTask>(read_reply_stepwise::<StopTask>(status, bytes)),
                    "stopTask, status {status}, body {body}"
                );
            }
        }
        // The success is read by the one pass, and read whole.
        let (value, head) = read_reply::<QueryPlatforms>(200, bodies[0].as_bytes()).unwrap();
        assert_eq!(value.len(), 1);
        assert_eq!(head.request_id.as_deref(), Some("r-1"));
        assert_eq!(head.message.as_deref(), Some("success"));
    }

    #[test]
    fn a_reply_that_does_not_decode_keeps_every_byte_and_says_where() {
        use render_api_types::QueryTaskInfo;
        // A task list whose second task's status is text: the page is not lost.
        let body = br#"{"version":"2.0.0","result":true,"message":"success","code":200,"serverTime":1,"data":{"pageCount":1,"pageNum":1,"total":2,"size":2,"items":[{"id":1,"taskStatus":25},{"id":2,"taskStatus":"done"}]}}"#;
        let Err(Error::Decode {
            path, body: kept, ..
        }) = read_reply::<QueryTaskInfo>(200, body)
        else {
            panic!("a decode error");
        };
        assert_eq!(path, "$.data.items[1].taskStatus");
        assert_eq!(kept.as_bytes(), body);
        assert_eq!(
            format!("{kept:?}"),
            format!("ReplyBody({} bytes)", body.len())
        );
    }
}
