//! The hand-written part of the server side: how a server answers one endpoint ([`Handle`]),
//! what it answers on failure, and the [`Router`] that takes each request to its endpoint,
//! decodes it and encodes the reply (the generated [`routes`](crate::routes) lists them all).

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use std::collections::HashMap;

use crate::{ApiVersion, Endpoint, Envelope, EpochMillis, ErrorCode};

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

/// How a server answers endpoint `E`: the decoded request in, its data or a service error out.
///
/// A server implements it once per endpoint (a missing one is a compile error naming the
/// endpoint, since [`Service`](crate::Service) requires them all); [`Router`] decodes requests
/// and encodes replies, so an implementation never sees JSON.
///
/// ```
/// use render_api_types::{Handle, QueryPlatforms, QueryPlatformsRequest, Platform, ServiceError};
///
/// struct OnePlatform;
///
/// impl Handle<QueryPlatforms> for OnePlatform {
///     fn handle(&self, _: QueryPlatformsRequest) -> Result<Vec<Platform>, ServiceError> {
///         Ok(Vec::new())
///     }
/// }
/// ```
pub trait Handle<E: Endpoint> {
    /// Answers a request of `E`.
    fn handle(&self, request: E::Request) -> Result<E::Response, ServiceError>;
}

/// What a [`Route`] answered: the endpoint, the envelope's code, and the envelope's bytes.
#[derive(Debug, Clone)]
pub struct Dispatched {
    /// The endpoint the path belongs to (its wire name).
    pub endpoint: &'static str,
    /// The reply's code (`Success` or the error's).
    pub code: ErrorCode,
    /// The reply envelope, as JSON bytes.
    pub body: Vec<u8>,
}

/// Serves a request of `E`, decoded from a verified request's body, with `S`.
type Serve<S> = fn(&S, ApiVersion, &str, Map<String, Value>, EpochMillis) -> Dispatched;

/// One endpoint on the server side: its name and paths, and how service `S` answers it.
pub struct Route<S: ?Sized> {
    name: &'static str,
    paths: &'static [(ApiVersion, &'static str)],
    serve: Serve<S>,
}

impl<S: ?Sized> Clone for Route<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ?Sized> Copy for Route<S> {}

impl<S: ?Sized> fmt::Debug for Route<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route").field("name", &self.name).finish()
    }
}

impl<S: ?Sized> Route<S> {
    /// The route of endpoint `E`.
    pub fn of<E: Endpoint>() -> Self
    where
        S: Handle<E>,
    {
        Route {
            name: E::NAME,
            paths: E::PATHS,
            serve: serve::<E, S>,
        }
    }

    /// The endpoint's wire name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Answers a request that has passed verification, spoken in API generation `api` (its
    /// `version` header), at `path`, with `body` (the request's JSON object): decodes it as
    /// the endpoint's request (a path of another generation is answered `600`, a parameter that
    /// must be sent but is absent `601`, a body that does not fit the request's types `600`),
    /// calls the service, and encodes the reply envelope with `server_time`.
    pub fn serve(
        &self,
        service: &S,
        api: ApiVersion,
        path: &str,
        body: Map<String, Value>,
        server_time: EpochMillis,
    ) -> Dispatched {
        (self.serve)(service, api, path, body, server_time)
    }
}

/// Every path of every endpoint, to its [`Route`]: built once, one lookup per request.
pub struct Router<S: ?Sized> {
    by_path: HashMap<&'static str, Route<S>>,
}

impl<S: ?Sized> fmt::Debug for Router<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("paths", &self.by_path.len())
            .finish()
    }
}

impl<S: crate::Service + ?Sized> Router<S> {
    /// The router of every endpoint of the spec ([`routes`](crate::routes)).
    pub fn new() -> Self {
        let mut by_path = HashMap::new();
        for route in crate::routes::<S>() {
            for (_, path) in route.paths {
                by_path.insert(*path, route);
            }
        }
        Router { by_path }
    }
}

impl<S: crate::Service + ?Sized> Default for Router<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: ?Sized> Router<S> {
    /// The route of the endpoint with this path in any generation (a path belongs to one
    /// endpoint).
    pub fn route(&self, path: &str) -> Option<&Route<S>> {
        self.by_path.get(path)
    }
}

/// Answers a verified request's `body` (bytes) at `path` with `service`, like
/// [`Route::serve`]; `None` when no endpoint has this path. For one request now and then: a
/// server routes with a [`Router`] built once, and reads each body once.
pub fn dispatch<S: crate::Service + ?Sized>(
    service: &S,
    api: ApiVersion,
    path: &str,
    body: &[u8],
    server_time: EpochMillis,
) -> Option<Dispatched> {
    let route = crate::routes::<S>()
        .into_iter()
        .find(|r| r.paths.iter().any(|(_, p)| *p == path))?;
    Some(match serde_json::from_slice::<Map<String, Value>>(body) {
        Ok(body) => route.serve(service, api, path, body, server_time),
        Err(e) => refused(
            route.name,
            api,
            ServiceError::new(
                ErrorCode::ParameterInvalid,
                format!("{}: the body is not a JSON object: {e}", route.name),
            ),
            server_time,
        ),
    })
}

/// Checks that `path` is `E`'s path in `api`, decodes `body` as `E::Request`, asks the
/// service, and encodes the reply envelope.
fn serve<E: Endpoint, S: Handle<E> + ?Sized>(
    service: &S,
    api: ApiVersion,
    path: &str,
    body: Map<String, Value>,
    server_time: EpochMillis,
) -> Dispatched {
    let result = same_generation::<E>(api, path)
        .and_then(|()| decode::<E>(api, body))
        .and_then(|request| service.handle(request));
    match result {
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
            Dispatched {
                endpoint: E::NAME,
                code: ErrorCode::Success,
                body,
            }
        }
        Err(e) => refused(E::NAME, api, e, server_time),
    }
}

/// The envelope of a refused request.
fn refused(
    endpoint: &'static str,
    api: ApiVersion,
    e: ServiceError,
    server_time: EpochMillis,
) -> Dispatched {
    Dispatched {
        endpoint,
        code: e.code,
        body: encode(&Envelope::<()>::error(e.code, e.message, server_time).of(api)),
    }
}

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

/// The request of `E` in the body `map`: `601` when a parameter generation `api` requires is
/// absent (or null) (an absent defaulted one takes its default), `600` when the body is not a JSON object or a value does not
/// fit its type.
fn decode<E: Endpoint>(
    api: ApiVersion,
    mut map: Map<String, Value>,
) -> Result<E::Request, ServiceError> {
    // A parameter sent under another name a client uses is read under its own.
    E::unalias(&mut map);
    let missing: Vec<&str> = E::required(api)
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
