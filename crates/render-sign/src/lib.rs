//! Request signing for the Renderbus / Fox Renderfarm API.
//!
//! Every call to the service is a `POST` with a JSON body and six custom headers (`accessId`,
//! `channel`, `platform`, `UTCTimestamp`, `nonce`, `version`) plus a `signature` header that
//! covers them all. This crate computes and checks that signature. It is pure: no HTTP, no
//! clock, no global state. The timestamp and the nonce are inputs, so every stage is
//! reproducible and testable:
//!
//! 1. [`CanonicalParams`]: the headers and the body flattened (`a.b`, `list0`) and sorted
//!    byte-wise;
//! 2. [`StringToSign`]: the text `[POST]{host}:{path}&k=v&k=v…`;
//! 3. [`Signature`]: `base64(HMAC-SHA256(accessKey, string to sign))`.
//!
//! ```
//! use render_sign::{Credentials, HeaderSet, Nonce, Request};
//! use serde_json::json;
//!
//! let creds = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
//! let mut headers = HeaderSet::new(creds.access_id(), 1, 1535957371, Nonce::from(11886));
//! headers.channel = "7".into(); // the document's example uses channel 7
//! let body = json!({"zone": 2});
//! let request = Request::new("task.renderbus.com", "/api/render/common/queryPlatforms", &headers, &body);
//!
//! let signed = request.sign(&creds)?;
//! assert_eq!(signed.signature().as_str(), "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg=");
//! assert!(request.verify(&creds, signed.signature().as_str()).is_ok());
//! # Ok::<(), render_sign::SignError>(())
//! ```
//!
//! Signing streams the string to sign straight into the HMAC; [`Request::string_to_sign`]
//! builds the same text as a value for debugging (a `611 SIGNATURE_INVALID` reply is usually
//! explained by comparing it with the server's idea of it).

mod canonical;
mod credentials;
pub mod verify;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::Mac;
use serde_json::Value;

pub use canonical::{CanonicalParams, ParamValue};
pub use credentials::{Credentials, REDACTED};

/// Wire name of the access id header.
pub const ACCESS_ID: &str = "accessId";
/// Wire name of the channel header.
pub const CHANNEL: &str = "channel";
/// Wire name of the platform header.
pub const PLATFORM: &str = "platform";
/// Wire name of the timestamp header (Unix seconds).
pub const UTC_TIMESTAMP: &str = "UTCTimestamp";
/// Wire name of the anti-replay nonce header.
pub const NONCE: &str = "nonce";
/// Wire name of the protocol version header.
pub const VERSION: &str = "version";
/// Wire name of the signature header (not itself signed).
pub const SIGNATURE: &str = "signature";

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The body must be a JSON object (a call without parameters sends `{}`).
    #[error("the request body must be a JSON object, found {found}")]
    BodyNotAnObject {
        /// What the body was instead ("an array", "a string", …).
        found: &'static str,
    },
    /// Two of the body's parameters flatten to the same key, so the string to sign would be
    /// ambiguous. (A body key equal to a header name is not this: the body's value is signed
    /// in the header's place, as the service's own clients do.)
    #[error(
        "the parameter `{key}` occurs twice after flattening (`a.b` next to `a: {{b}}`, or `x0` next to `x: [..]`)"
    )]
    DuplicateKey {
        /// The repeated flattened key.
        key: String,
    },
    /// The host is empty.
    #[error(
        "the host is empty: give the host as sent, e.g. `task.renderbus.com` or `127.0.0.1:8080`"
    )]
    EmptyHost,
    /// The path does not start with `/`.
    #[error("the path `{path}` does not start with `/`")]
    BadPath {
        /// The path as given.
        path: String,
    },
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Entropy(String),
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The request itself cannot be signed (bad body, host or path).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The signature header is not base64 of a 32-byte HMAC-SHA256.
    #[error("the signature is not base64 of an HMAC-SHA256 digest")]
    Malformed,
    /// The signature does not match the request.
    #[error("the signature does not match the request")]
    Mismatch,
}

/// The anti-replay nonce: a random number, new for every attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce(u64);

impl Nonce {
    /// A nonce drawn from the operating system's CSPRNG.
    ///
    /// It has 63 random bits (so it fits a signed 64-bit integer on the server side): at
    /// thousands of requests per second, the chance that two nonces inside the five-minute
    /// replay window collide is below one in ten million.
    pub fn random() -> Result<Self, SignError> {
        let n = getrandom::u64().map_err(|e| SignError::Entropy(e.to_string()))?;
        Ok(Nonce(n >> 1))
    }

    /// The nonce's value.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for Nonce {
    fn from(n: u64) -> Self {
        Nonce(n)
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The six signed custom headers, as the text sent on the wire.
///
/// Values are text because that is what is sent and received: a server verifying a request
/// builds a `HeaderSet` from the header values exactly as they arrived.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeaderSet {
    /// `accessId`: the caller's access id.
    pub access_id: String,
    /// `channel`: the submission channel, `4` for API clients.
    pub channel: String,
    /// `platform`: the render platform number (from `queryPlatforms`).
    pub platform: String,
    /// `UTCTimestamp`: Unix time in seconds.
    pub utc_timestamp: String,
    /// `nonce`: a random number, new for every attempt.
    pub nonce: String,
    /// `version`: the protocol version, `1.0.0`.
    pub version: String,
}

impl HeaderSet {
    /// The channel API clients use.
    pub const DEFAULT_CHANNEL: &'static str = "4";
    /// The protocol version.
    pub const DEFAULT_VERSION: &'static str = "1.0.0";
    /// How many headers are signed.
    pub const SIGNED_COUNT: usize = 6;
    /// The wire names of the signed headers.
    pub const NAMES: [&'static str; Self::SIGNED_COUNT] =
        [ACCESS_ID, CHANNEL, PLATFORM, UTC_TIMESTAMP, NONCE, VERSION];

    /// The headers of one attempt, with the default channel and version.
    pub fn new(
        access_id: impl Into<String>,
        platform: impl fmt::Display,
        utc_timestamp: u64,
        nonce: Nonce,
    ) -> Self {
        let mut digits = itoa::Buffer::new();
        HeaderSet {
            access_id: access_id.into(),
            channel: Self::DEFAULT_CHANNEL.to_owned(),
            platform: platform.to_string(),
            utc_timestamp: digits.format(utc_timestamp).to_owned(),
            nonce: digits.format(nonce.0).to_owned(),
            version: Self::DEFAULT_VERSION.to_owned(),
        }
    }

    /// The headers as `(wire name, value)` pairs, in the order of [`iter`](Self::iter),
    /// taking the values.
    pub fn into_pairs(self) -> [(&'static str, String); Self::SIGNED_COUNT] {
        [
            (ACCESS_ID, self.access_id),
            (CHANNEL, self.channel),
            (PLATFORM, self.platform),
            (UTC_TIMESTAMP, self.utc_timestamp),
            (NONCE, self.nonce),
            (VERSION, self.version),
        ]
    }

    /// The headers as `(wire name, value)` pairs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &str)> {
        [
            (ACCESS_ID, self.access_id.as_str()),
            (CHANNEL, self.channel.as_str()),
            (PLATFORM, self.platform.as_str()),
            (UTC_TIMESTAMP, self.utc_timestamp.as_str()),
            (NONCE, self.nonce.as_str()),
            (VERSION, self.version.as_str()),
        ]
        .into_iter()
    }
}

/// One request to sign or verify: where it goes, its signed headers and its body.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The host as sent, with `:port` when the port is not the default (`127.0.0.1:8080`).
    pub host: &'a str,
    /// The API path, starting with `/`.
    pub path: &'a str,
    /// The six signed headers.
    pub headers: &'a HeaderSet,
    /// The JSON body; must be an object.
    pub body: &'a Value,
}

impl<'a> Request<'a> {
    /// A request to sign or verify.
    pub fn new(host: &'a str, path: &'a str, headers: &'a HeaderSet, body: &'a Value) -> Self {
        Request {
            host,
            path,
            headers,
            body,
        }
    }

    /// Stage 1: the flattened, sorted parameters.
    pub fn canonical_params(&self) -> Result<CanonicalParams<'a>, SignError> {
        self.check_target()?;
        CanonicalParams::new(self.headers, self.body)
    }

    /// Stage 2: the string to sign, as a value.
    pub fn string_to_sign(&self) -> Result<StringToSign, SignError> {
        let params = self.canonical_params()?;
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_string_to_sign(&params, &mut text);
        Ok(StringToSign(text))
    }

    /// Stage 3: the signature, computed by streaming the string to sign into the HMAC.
    pub fn sign(&self, credentials: &Credentials) -> Result<SignedHeaders<'a>, SignError> {
        let digest = self.digest(credentials)?;
        Ok(SignedHeaders {
            headers: self.headers,
            signature: Signature(BASE64.encode(digest.finalize().into_bytes())),
        })
    }

    /// Checks a received `signature` header against this request, in constant time.
    pub fn verify(&self, credentials: &Credentials, signature: &str) -> Result<(), VerifyError> {
        let mac = self.digest(credentials)?;
        let mut expected = [0u8; 32];
        match BASE64.decode_slice(signature.trim().as_bytes(), &mut expected) {
            Ok(32) => {}
            _ => return Err(VerifyError::Malformed),
        }
        mac.verify_slice(&expected)
            .map_err(|_| VerifyError::Mismatch)
    }

    fn digest(&self, credentials: &Credentials) -> Result<credentials::HmacSha256, SignError> {
        let params = self.canonical_params()?;
        let mut sink = MacWriter(credentials.mac());
        // Feeding an HMAC cannot fail.
        let _ = self.write_string_to_sign(&params, &mut sink);
        Ok(sink.0)
    }

    fn check_target(&self) -> Result<(), SignError> {
        if self.host.is_empty() {
            return Err(SignError::EmptyHost);
        }
        if !self.path.starts_with('/') {
            return Err(SignError::BadPath {
                path: self.path.to_owned(),
            });
        }
        Ok(())
    }

    fn write_string_to_sign<W: fmt::Write>(
        &self,
        params: &CanonicalParams<'_>,
        out: &mut W,
    ) -> fmt::Result {
        out.write_str("[POST]")?;
        out.write_str(self.host)?;
        out.write_char(':')?;
        out.write_str(self.path)?;
        out.write_char('&')?;
        params.write_joined(out)
    }
}

/// Feeds text into the HMAC as it is produced, so no string to sign is built.
struct MacWriter(credentials::HmacSha256);

impl fmt::Write for MacWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Stage 2: `[POST]{host}:{path}&{k=v&…}`, exactly the bytes that are HMAC'd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign(String);

impl StringToSign {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stage 3: the base64 signature.
///
/// A signature authenticates a request, so `Debug` does not show it; read it with
/// [`Signature::as_str`] to send it.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// The base64 text, as sent in the `signature` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The base64 text, taken (to send without copying it).
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({REDACTED})")
    }
}

/// The full header set of a signed request: the six signed headers and the signature.
#[derive(Debug, Clone)]
pub struct SignedHeaders<'a> {
    headers: &'a HeaderSet,
    signature: Signature,
}

impl<'a> SignedHeaders<'a> {
    /// The six signed headers.
    pub fn headers(&self) -> &'a HeaderSet {
        self.headers
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signature, taken.
    pub fn into_signature(self) -> Signature {
        self.signature
    }

    /// All seven headers as `(wire name, value)` pairs, ready to send.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.headers
            .iter()
            .chain(std::iter::once((SIGNATURE, self.signature.as_str())))
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
