//! The hand-written part of the server side: what a service method answers on failure, and
//! how the generated [`dispatch`](crate::dispatch) decodes a request and encodes the reply.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{ApiVersion, Endpoint, EndpointInfo, Envelope, EpochMillis, ErrorCode};

/// A service error: the envelope's `code` and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The code.
    pub code: ErrorCode,
    /// What went wrong, for the caller.
    pub message: String,
}

impl ServiceError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.code.code(), self.message)
    }
}

impl std::error::Error for ServiceError {}

/// What [`dispatch`](crate::dispatch) answered: the endpoint, the envelope's code, and the
/// envelope's bytes.
#[derive(Debug, Clone)]
pub struct Dispatched {
    /// The endpoint the path belongs to.
    pub endpoint: &'static EndpointInfo,
    /// The reply's code (`Success` or the error's).
    pub code: ErrorCode,
    /// The reply envelope, as JSON bytes.
    pub body: Vec<u8>,
}

/// Checks that `path` is `E`'s path in `api`, decodes `body` as `E::Request`, runs
/// `handler`, and encodes the reply envelope.
pub(crate) fn serve<E: Endpoint>(
    api: ApiVersion,
    path: &str,
    body: &[u8],
    server_time: EpochMillis,
    handler: impl FnOnce(E::Request) -> Result<E::Response, ServiceError>,
) -> Dispatched {
    let result = same_generation::<E>(api, path)
        .and_then(|()| decode::<E>(api, body))
        .and_then(handler);
    let (code, body) = match result {
        Ok(data) => {
            // A write acknowledged with nothing is answered as the sources show it (`"SUCCESS"`).
            let documented = E::ACK_DATA
                .iter()
                .find(|(v, _)| *v == api)
                .filter(|_| serde_json::to_value(&data).is_ok_and(|d| d.is_null()))
                .and_then(|(_, text)| serde_json::from_str::<Value>(text).ok());
            let body = match documented {
                Some(ack) => encode(&Envelope::success(Some(&ack), server_time).of(api)),
                None => encode(&Envelope::success(Some(&data), server_time).of(api)),
            };
            (ErrorCode::Success, body)
        }
        Err(e) => (
            e.code,
            encode(&Envelope::<()>::error(e.code, e.message, server_time).of(api)),
        ),
    };
    Dispatched {
        endpoint: EndpointInfo::by_name(E::NAME).unwrap_or(&UNKNOWN),
        code,
        body,
    }
}

static UNKNOWN: EndpointInfo = EndpointInfo {
    name: "",
    paths: &[],
    idempotent: false,
    secret_response: false,
    summary_zh: "",
    summary_en: "",
};

/// A path and a `version` header of different generations are refused (`600`): the header is
/// signed, so a client that mixes them has a bug worth hearing about.
fn same_generation<E: Endpoint>(api: ApiVersion, path: &str) -> Result<(), ServiceError> {
    if E::path(api) == Some(path) {
        return Ok(());
    }
    let of_path: Vec<&str> = E::PATHS
        .iter()
        .filter(|(_, p)| *p == path)
        .map(|(v, _)| v.header())
        .collect();
    let message = match E::path(api) {
        Some(own) => format!(
            "{}: `{path}` is a path of API {}, but the version header says {} (whose path is `{own}`)",
            E::NAME,
            of_path.join(", "),
            api.header()
        ),
        None => format!(
            "{}: API {} has no such call (it is in API {})",
            E::NAME,
            api.header(),
            of_path.join(", ")
        ),
    };
    Err(ServiceError::new(ErrorCode::ParameterInvalid, message))
}

/// The request of `E` in `body`: `601` when a parameter every request of generation `api`
/// carries is absent (or null), `600` when the body is not a JSON object or a value does not
/// fit its type.
fn decode<E: Endpoint>(api: ApiVersion, body: &[u8]) -> Result<E::Request, ServiceError> {
    let mut map: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
        ServiceError::new(
            ErrorCode::ParameterInvalid,
            format!("{}: the body is not a JSON object: {e}", E::NAME),
        )
    })?;
    // A parameter sent under another name a client uses is read under its own.
    E::unalias(&mut map);
    let missing: Vec<&str> = E::always_sent(api)
        .iter()
        .copied()
        .filter(|name| map.get(*name).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(ServiceError::new(
            ErrorCode::ParameterCantBeEmpty,
            format!("{}: missing parameter `{}`", E::NAME, missing.join("`, `")),
        ));
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| ServiceError::new(ErrorCode::ParameterInvalid, format!("{}: {e}", E::NAME)))
}

fn encode<T: Serialize>(envelope: &Envelope<T>) -> Vec<u8> {
    // Serializing generated types into a Vec cannot fail: they hold no maps with non-string
    // keys and no failing `Serialize` impls.
    serde_json::to_vec(envelope).unwrap_or_else(|_| b"{\"code\":500,\"data\":null}".to_vec())
}
