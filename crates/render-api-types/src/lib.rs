//! The Renderbus / Fox Renderfarm API contract, generated from `api-spec.yaml`.
//!
//! For every endpoint there is a zero-sized descriptor implementing [`Endpoint`] (its name,
//! path, whether it is safe to retry, and its request and response types), a request type
//! whose required parameters are `new(...)` arguments and optional ones setters, and the
//! response models. Coded values are enums that keep codes they do not know as `Unknown`.
//!
//! ```
//! use render_api_types::{ApiVersion, Endpoint, GetTaskList, GetTaskListRequest, TaskStatus};
//!
//! let request = GetTaskListRequest::new().page_size(50).status_list([TaskStatus::Rendering]);
//! assert_eq!(
//!     serde_json::to_value(&request).unwrap(),
//!     serde_json::json!({"pageNum": 1, "pageSize": 50, "statusList": [5]})
//! );
//! assert_eq!(GetTaskList::path(ApiVersion::V1), Some("/api/render/task/getTaskList"));
//! assert_eq!(GetTaskList::path(ApiVersion::V2), Some("/api/render/handle/getTaskList/v2"));
//! assert!(GetTaskList::IDEMPOTENT);
//! ```
//!
//! The server side of the same contract is [`Handle<E>`](Handle) (how a server answers
//! endpoint `E`; [`Service`] is all of them) and the [`Router`], which takes a verified
//! request's path and body to the reply envelope's bytes: the mock farm implements `Service`,
//! and so can a user's test double.
//!
//! Everything under the generated modules is written by `cargo xtask codegen`; this file holds
//! the small hand-written core they build on.

pub mod frames;
#[rustfmt::skip]
mod generated;
mod server;
mod wire;

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

pub use generated::*;
pub use render_sign::REDACTED;
pub use server::{Dispatched, Handle, Route, Router, ServiceError, dispatch};

impl fmt::Display for ApiVersion {
    /// The `version` header (`2.0.0`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}

impl FromStr for ApiVersion {
    type Err = String;

    /// `2`, `v2` or `2.0.0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        ApiVersion::ALL
            .iter()
            .copied()
            .find(|v| {
                text == v.header()
                    || text.eq_ignore_ascii_case(v.name())
                    || Some(text) == v.name().strip_prefix('v')
            })
            .ok_or_else(|| {
                let known: Vec<&str> = ApiVersion::ALL
                    .iter()
                    .map(|v| v.name().trim_start_matches('v'))
                    .collect();
                format!("`{s}` is not an API version: use {}", known.join(" or "))
            })
    }
}

/// An API generation at the type level ([`V1`], [`V2`]): `Client<V1>` speaks API 1.0.0.
pub trait Generation: Send + Sync + 'static {
    /// The generation.
    const API: ApiVersion;
}

/// One API call: the contract the client and the mock farm both implement.
pub trait Endpoint: 'static {
    /// The call's name, as in the API document (`queryPlatforms`).
    const NAME: &'static str;
    /// The URL path in each generation the call exists in.
    const PATHS: &'static [(ApiVersion, &'static str)];
    /// Whether the call is a read, safe to retry.
    const IDEMPOTENT: bool;
    /// Whether the reply carries a secret that must never be logged.
    const SECRET_RESPONSE: bool;
    /// Parameters that exist in one generation only, with that generation.
    const LIMITED: &'static [(&'static str, ApiVersion)];
    /// Other wire names servers accept for a parameter: `(alias, wire name)`.
    const ALIASES: &'static [(&'static str, &'static str)];
    /// Parameters a generation's sources send under another name: `(generation, wire name,
    /// the name sent)`. A client renames them in the body it sends.
    const SENT_AS: &'static [(ApiVersion, &'static str, &'static str)] = &[];
    /// For a write answered with an [`Ack`]: the `data` the sources show it acknowledged with
    /// in each generation (JSON text, such as `"SUCCESS"`); the server side ([`Router`])
    /// answers the same when a [`Service`] acknowledges with `null`. Empty for other calls.
    const ACK_DATA: &'static [(ApiVersion, &'static str)];
    /// For a write: the read that shows whether it took effect, when one does (the spec's
    /// `read_back`). A client asks it when the write's reply is lost, instead of guessing.
    const READ_BACK: Option<&'static ReadBack>;
    /// The request body.
    type Request: Serialize + DeserializeOwned + fmt::Debug + Clone + Send + Sync + 'static;
    /// The envelope's `data` ([`Ack`] for writes, which accept whatever data comes).
    type Response: Serialize + DeserializeOwned + fmt::Debug + Clone + Send + Sync + 'static;

    /// The wire names of the parameters a request of generation `api` must carry: a server
    /// answers `601` when one is absent. (A parameter with a default is sent by clients, and
    /// read as its default when absent, as the documents say the service does.)
    fn required(api: ApiVersion) -> &'static [&'static str];

    /// The URL path in generation `api`; `None` when that generation lacks the call.
    fn path(api: ApiVersion) -> Option<&'static str> {
        Self::PATHS.iter().find(|(v, _)| *v == api).map(|(_, p)| *p)
    }

    /// Moves each parameter a request body carries under another name servers accept
    /// ([`ALIASES`](Self::ALIASES)) to its own wire name, unless that is there too.
    fn unalias(body: &mut serde_json::Map<String, serde_json::Value>) {
        for (alias, wire) in Self::ALIASES {
            if !body.contains_key(*wire)
                && let Some(value) = body.remove(*alias)
            {
                body.insert((*wire).to_owned(), value);
            }
        }
    }
}

/// How a read shows whether a write took effect: the spec's `read_back` of a write.
///
/// The read is called with [`params`](Self::params) taken from the write's request; the
/// reply's [`items`](Self::items) are matched by [`key`](Self::key) against the write's values
/// (one item per value), and the write took effect when every value's item is there and passes
/// every [`check`](Self::checks) ([`Expect::Present`]), or when none is there
/// ([`Expect::Absent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadBack {
    /// The read's name (`queryTaskInfo`).
    pub read: &'static str,
    /// The read's path in each generation the read-back holds in.
    pub paths: &'static [(ApiVersion, &'static str)],
    /// The read's request: each of its parameters from a parameter of the write.
    pub params: &'static [ReadParam],
    /// Where the reply's items are.
    pub items: ItemsAt,
    /// `(item field, write parameter)`: the items that belong to the write, one for each of
    /// the parameter's values (a list's every element); `None` when the reply is one item.
    pub key: Option<(&'static str, &'static str)>,
    /// Whether the effect is the items being there or being gone.
    pub expect: Expect,
    /// What each item must show, with [`Expect::Present`].
    pub checks: &'static [Check],
}

impl ReadBack {
    /// The read's path in generation `api`; `None` where this read-back does not hold.
    pub fn path(&self, api: ApiVersion) -> Option<&'static str> {
        self.paths.iter().find(|(v, _)| *v == api).map(|(_, p)| *p)
    }
}

/// A parameter of a read-back's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadParam {
    /// The read's parameter.
    pub name: &'static str,
    /// The write's parameter whose value it takes.
    pub from: &'static str,
    /// The read takes a list where the write has one value: the value is sent as a list of one.
    pub wrap: bool,
}

/// Where a read's reply holds its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemsAt {
    /// `data.items` of a page (which must be the last page: a read-back never guesses from
    /// part of a list).
    Page,
    /// `data`, a list.
    List,
    /// `data.<field>`, a list.
    Field(&'static str),
    /// `data` is the one item.
    Whole,
}

/// What shows that a write took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The write's items are there (and pass the checks).
    Present,
    /// The write's items are gone.
    Absent,
}

/// A field an item must show for a write to have taken effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The item's field.
    pub field: &'static str,
    /// What it must be.
    pub is: Is,
}

/// The values a [`Check`] accepts; wire values as JSON text (`10`, `"x"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Is {
    /// One of these.
    In(&'static [&'static str]),
    /// None of these.
    NotIn(&'static [&'static str]),
    /// The value the write sent in this parameter.
    Param(&'static str),
}

/// An endpoint that answers a [`Page`] and takes a page number, so all pages can be walked.
pub trait Paginated: Endpoint<Response = Page<Self::Item>> {
    /// The items of a page.
    type Item: Serialize + DeserializeOwned + fmt::Debug + Clone + Send + Sync + 'static;
    /// The page a request asks for.
    fn page_num(request: &Self::Request) -> i64;
    /// Changes the page a request asks for.
    fn set_page_num(request: &mut Self::Request, page_num: i64);
    /// How many items a page holds.
    fn page_size(request: &Self::Request) -> i64;
}

/// Something done once per endpoint type, for code that handles all endpoints alike.
pub trait EndpointVisitor {
    /// Called with each endpoint type.
    fn visit<E: Endpoint>(&mut self);
}

/// Something done once per paginated endpoint type ([`visit_paginated`]).
pub trait PaginatedVisitor {
    /// Called with each paginated endpoint type.
    fn visit<E: Paginated>(&mut self);
}

/// An endpoint's facts, for tables and dispatch at run time ([`ENDPOINTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The call's name.
    pub name: &'static str,
    /// The URL path in each generation the call exists in.
    pub paths: &'static [(ApiVersion, &'static str)],
    /// Whether the call is a read, safe to retry.
    pub idempotent: bool,
    /// Whether the reply carries a secret.
    pub secret_response: bool,
    /// The document's description.
    pub summary_zh: &'static str,
    /// An English reading of it.
    pub summary_en: &'static str,
}

impl EndpointInfo {
    /// The endpoint with this path in any generation, if any (a path belongs to one
    /// endpoint).
    pub fn by_path(path: &str) -> Option<&'static EndpointInfo> {
        ENDPOINTS
            .iter()
            .find(|e| e.paths.iter().any(|(_, p)| *p == path))
    }

    /// The URL path in generation `api`; `None` when that generation lacks the call.
    pub fn path(&self, api: ApiVersion) -> Option<&'static str> {
        self.paths.iter().find(|(v, _)| *v == api).map(|(_, p)| *p)
    }

    /// The endpoint with this name, if any.
    pub fn by_name(name: &str) -> Option<&'static EndpointInfo> {
        ENDPOINTS.iter().find(|e| e.name == name)
    }
}

/// The reply every call gets: `{version, result, message, code, serverTime, data}`, and in
/// version 2 `requestId` (and sometimes `releaseVersion`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    /// The protocol version, `1.0.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether the call succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<bool>,
    /// The result's message (`success`, `signature_invalid`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The result code: [`ErrorCode::Success`] (200) or an error.
    pub code: ErrorCode,
    /// The server's clock, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<EpochMillis>,
    /// The call's data; `null` for calls without data and for errors.
    #[serde(default = "none")]
    pub data: Option<T>,
    /// The service's id of this request (version 2), for its support staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The service's release (version 2, sometimes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_version: Option<String>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// The same reply, marked as of API generation `api`.
    pub fn of(mut self, api: ApiVersion) -> Self {
        self.version = Some(api.header().to_owned());
        self
    }

    /// A successful reply carrying `data`.
    pub fn success(data: Option<T>, server_time: EpochMillis) -> Self {
        Envelope {
            version: Some("1.0.0".into()),
            result: Some(true),
            message: Some("success".into()),
            code: ErrorCode::Success,
            server_time: Some(server_time),
            data,
            request_id: None,
            release_version: None,
        }
    }

    /// An error reply with `code` and `message`.
    pub fn error(code: ErrorCode, message: impl Into<String>, server_time: EpochMillis) -> Self {
        Envelope {
            version: Some("1.0.0".into()),
            result: Some(false),
            message: Some(message.into()),
            code,
            server_time: Some(server_time),
            data: None,
            request_id: None,
            release_version: None,
        }
    }
}

impl ErrorCode {
    /// Whether this is the success code, 200.
    pub fn is_success(&self) -> bool {
        *self == ErrorCode::Success
    }
}

/// The fields of a reply object that the spec does not know, kept as the service sent them
/// (in its names, `null`s included), so nothing it sends is lost.
///
/// Every response model has one (`extra`), and so does [`Page`]. Serializing a model writes them
/// back out after its known fields. When the spec learns a field, it moves from here to a typed
/// field of its own. `Debug` hides the values of fields whose names suggest a secret
/// (`password`, `key`, `secret`, `token`, `signature`).
///
/// ```
/// use render_api_types::Platform;
///
/// let platform: Platform = serde_json::from_str(
///     r#"{"platform": 6, "name": "W6", "gpuModel": "RTX 4090", "beta": null}"#,
/// ).unwrap();
/// assert_eq!(platform.extra.get("gpuModel"), Some(&serde_json::json!("RTX 4090")));
/// assert_eq!(platform.extra.get("beta"), Some(&serde_json::Value::Null));
/// let written = serde_json::to_value(&platform).unwrap();
/// assert_eq!(written["gpuModel"], "RTX 4090");
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(serde_json::Map<String, serde_json::Value>);

impl Extra {
    /// The value of the unknown field `name`, as sent.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.get(name)
    }

    /// Whether the service sent nothing the spec does not know.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many unknown fields there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The unknown fields' names and values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Adds (or replaces) a field, as a test double answering a field the spec lacks would.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        value: serde_json::Value,
    ) -> Option<serde_json::Value> {
        self.0.insert(name.into(), value)
    }

    /// The fields as a JSON map.
    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Extra {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Extra(map)
    }
}

/// Whether a field's name suggests it holds a secret, so `Debug` must not show its value.
fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["password", "passwd", "key", "secret", "token", "signature"]
        .iter()
        .any(|s| lower.contains(s))
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.0 {
            if looks_secret(k) {
                map.entry(k, &format_args!("{REDACTED}"));
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

/// A write's acknowledgement: whatever `data` the service sent with its success code, kept as
/// received.
///
/// The service acknowledges writes differently from call to call and from one version of its
/// documents to the next (`null`, `"SUCCESS"`, `"成功"`, sometimes an object): the success
/// code is what says the write happened, and any `data` is accepted, so a write that took effect
/// is never reported as a failure.
///
/// ```
/// use render_api_types::Ack;
///
/// let ack: Ack = serde_json::from_str(r#""SUCCESS""#).unwrap();
/// assert_eq!(ack.data(), &serde_json::json!("SUCCESS"));
/// let ack: Ack = serde_json::from_str("null").unwrap();
/// assert!(ack.data().is_null());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ack(pub serde_json::Value);

impl Ack {
    /// The `data` the service sent with the acknowledgement (`null` when it sent none).
    pub fn data(&self) -> &serde_json::Value {
        &self.0
    }
}

/// A page of items: `{pageCount, pageNum, total, size, items}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// How many pages there are.
    pub page_count: i64,
    /// This page's number, from 1.
    pub page_num: i64,
    /// How many items there are over all pages.
    pub total: i64,
    /// The page size asked for.
    pub size: i64,
    /// This page's items.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    /// Fields of the page the spec does not know, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl<T> Page<T> {
    /// Whether this is the last page (or there are none).
    pub fn is_last(&self) -> bool {
        self.items.is_empty() || self.page_num >= self.page_count
    }
}

/// An amount of money, exact: the service sends numbers such as `49.93` that binary floating
/// point cannot hold.
///
/// It is read from a JSON number or a numeric string, and written as a JSON number (an integer
/// when it has no fraction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(pub Decimal);

impl Money {
    /// The amount.
    pub fn amount(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Money {
    fn from(d: Decimal) -> Self {
        Money(d)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Money {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str(s.trim()).map(Money)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.fract().is_zero()
            && let Some(i) = self.0.to_i64()
        {
            return serializer.serialize_i64(i);
        }
        match self.0.to_f64() {
            Some(f) => serializer.serialize_f64(f),
            None => serializer.serialize_str(&self.0.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Amount;
        impl Visitor<'_> for Amount {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of money (a number or a numeric string)")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                // The shortest text that reads back as `v` is the number the service wrote.
                Decimal::from_str(&v.to_string())
                    .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
                    .map(Money)
                    .map_err(|e| E::custom(format!("the amount {v} is out of range: {e}")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::from_str(v).map_err(|e| E::custom(format!("`{v}` is not an amount: {e}")))
            }
        }
        deserializer.deserialize_any(Amount)
    }
}

/// A point in time as the service sends it: milliseconds since the Unix epoch.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// The milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// The instant of a `SystemTime`, to the millisecond.
    pub fn from_system_time(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => EpochMillis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            Err(e) => EpochMillis(-i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX)),
        }
    }

    /// Now.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }
}

impl fmt::Display for EpochMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// What every generated enum offers, for code that treats them alike (the CLI, the mock).
///
/// The wire code itself is the inherent `code()` (an `i64` or a `&str`, as the enum's codes
/// are) and `from_code()`.
pub trait CodedEnum: Sized + Clone + Serialize + DeserializeOwned + 'static {
    /// The enum's Rust name.
    const TYPE_NAME: &'static str;
    /// Every known value, in the spec's order.
    const KNOWN: &'static [Self];
    /// The kebab-case name of a known value (`pre-rendering`).
    fn name(&self) -> Option<&'static str>;
    /// What a known value means, in English.
    fn meaning_en(&self) -> Option<&'static str>;
    /// What a known value means, in Chinese (the document's words).
    fn meaning_zh(&self) -> Option<&'static str>;
}

/// The wire code of an enum value as text (`5`, `zh`).
pub fn code_text<T: CodedEnum>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Why text did not name an enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    /// The enum's name.
    pub type_name: &'static str,
    /// The text given.
    pub input: String,
    /// The names it accepts.
    pub expected: Vec<&'static str>,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {}: expected one of {} or a numeric code",
            self.input,
            self.type_name,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for ParseEnumError {}

/// Parses an enum value from its name (`rendering`, `PRE_RENDERING`, `PreRendering`) or its
/// wire code (`5`).
pub fn parse_enum<T: CodedEnum>(input: &str) -> Result<T, ParseEnumError> {
    let text = input.trim();
    let wanted = normalize(text);
    if let Some(found) = T::KNOWN
        .iter()
        .find(|v| v.name().is_some_and(|n| normalize(n) == wanted))
    {
        return Ok(found.clone());
    }
    // A known code, or an unknown numeric one (the service adds values).
    let by_code = serde_json::from_value::<T>(serde_json::Value::String(text.to_owned()))
        .ok()
        .filter(|v| v.name().is_some() || text.parse::<i64>().is_ok());
    by_code.ok_or_else(|| ParseEnumError {
        type_name: T::TYPE_NAME,
        input: input.to_owned(),
        expected: T::KNOWN.iter().filter_map(CodedEnum::name).collect(),
    })
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl TaskInfo {
    /// The render settings of `keyValue` (`k:v::k:v::`) as `(key, value)` pairs, in order.
    ///
    /// A value may itself contain `:` (`filter_kernel:Catmull-Rom`): only the first `:` of a
    /// pair separates. Empty pieces are skipped.
    pub fn key_values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.key_value
            .as_deref()
            .unwrap_or("")
            .split("::")
            .filter(|piece| !piece.is_empty())
            .map(|piece| piece.split_once(':').unwrap_or((piece, "")))
    }

    /// The value of one render setting of `keyValue`.
    pub fn key_value(&self, key: &str) -> Option<&str> {
        self.key_values().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}
