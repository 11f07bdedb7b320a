//! The service's side of signing: the checks a server makes before it trusts a request
//! (every signed header present, a known access id, a timestamp inside the window, the
//! signature, a nonce not seen before). Pure like the rest of this crate: the clock is an
//! input, and the nonce memory is bounded. The mock farm uses it, and so can any test double.
//!
//! ```
//! use std::time::Duration;
//! use render_sign::verify::{Incoming, Verifier};
//! use render_sign::{Credentials, HeaderSet, Nonce, Request};
//! use serde_json::json;
//!
//! let creds = Credentials::new("AKID", "key");
//! let verifier = Verifier::new(creds.clone(), Duration::from_secs(300));
//! let body = json!({"zone": 1});
//! let headers = HeaderSet::new("AKID", 2, 1_700_000_000, Nonce::from(7));
//! let signed = Request::new("127.0.0.1:8080", "/api/x", &headers, &body).sign(&creds)?;
//! let sent: Vec<(&str, String)> = signed.iter().map(|(k, v)| (k, v.to_owned())).collect();
//! let header = |name: &'static str| {
//!     sent.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
//! };
//!
//! let incoming = Incoming { host: "127.0.0.1:8080", path: "/api/x", body: &body };
//! let now_ms = 1_700_000_000_000;
//! assert!(verifier.verify(&incoming, &header, now_ms).is_ok());
//! // The same request again is a replay.
//! assert!(verifier.verify(&incoming, &header, now_ms).is_err());
//! # Ok::<(), render_sign::SignError>(())
//! ```

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use crate::{Credentials, HeaderSet, Request, SIGNATURE, SignError, VerifyError};

/// What a request brings besides its headers: the `Host` as received, the path, and the body
/// as parsed from the bytes received.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The `Host` header as received (signed as is).
    pub host: &'a str,
    /// The request path.
    pub path: &'a str,
    /// The JSON body.
    pub body: &'a Value,
}

/// Why a request was not trusted. Each maps to one service code (see the variants).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A signed header, or the signature, is absent or empty (the service: `601`).
    #[error("the header `{0}` is missing")]
    MissingHeader(&'static str),
    /// The access id is not one the server knows (`403`).
    #[error("the accessId is not known")]
    UnknownAccessId,
    /// `UTCTimestamp` is not a number of seconds (`600`).
    #[error("the UTCTimestamp header is not a number of seconds")]
    BadTimestamp,
    /// The timestamp is outside the window around the server's clock (`610`).
    #[error("the UTCTimestamp {stamp} is more than {window_s} s from the server's clock")]
    Expired {
        /// The timestamp sent, in Unix seconds.
        stamp: i64,
        /// The window, in seconds either way.
        window_s: i64,
    },
    /// The request cannot be signed at all, e.g. its body is not an object (`600`).
    #[error(transparent)]
    Unsignable(SignError),
    /// The signature does not match the request (`611`).
    #[error("the signature does not match the request")]
    BadSignature,
    /// The nonce was already used inside the window: a replay (`602`).
    #[error("the nonce was already used: this request is a replay")]
    Replay,
}

/// Checks requests as the service does, remembering nonces for the replay check.
pub struct Verifier {
    credentials: Credentials,
    window_ms: i64,
    nonces: Mutex<NonceMemory>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("credentials", &self.credentials)
            .field("window_ms", &self.window_ms)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier accepting `credentials` and timestamps within `window` of the server's
    /// clock (the service's window is five minutes).
    pub fn new(credentials: Credentials, window: Duration) -> Self {
        Verifier {
            credentials,
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 4),
            nonces: Mutex::new(NonceMemory::default()),
        }
    }

    /// Checks a request whose headers `header` looks up (by name, in any case the caller's
    /// HTTP layer allows), at the server's time `now_ms` (Unix milliseconds). On success,
    /// the signed headers; the nonce is then remembered, so the same request is a replay.
    pub fn verify<'h>(
        &self,
        incoming: &Incoming<'_>,
        header: impl Fn(&'static str) -> Option<&'h str>,
        now_ms: i64,
    ) -> Result<HeaderSet, Rejection> {
        let mut values: [&str; 6] = [""; 6];
        for (slot, name) in values.iter_mut().zip(HeaderSet::NAMES) {
            *slot = header(name)
                .filter(|v| !v.is_empty())
                .ok_or(Rejection::MissingHeader(name))?;
        }
        let signature = header(SIGNATURE)
            .filter(|v| !v.is_empty())
            .ok_or(Rejection::MissingHeader(SIGNATURE))?;
        let [access_id, channel, platform, utc_timestamp, nonce, version] =
            values.map(str::to_owned);
        let headers = HeaderSet {
            access_id,
            channel,
            platform,
            utc_timestamp,
            nonce,
            version,
        };
        if headers.access_id != self.credentials.access_id() {
            return Err(Rejection::UnknownAccessId);
        }
        let stamp = parse_timestamp(&headers.utc_timestamp).ok_or(Rejection::BadTimestamp)?;
        if (stamp.saturating_mul(1000).saturating_sub(now_ms)).abs() > self.window_ms {
            return Err(Rejection::Expired {
                stamp,
                window_s: self.window_ms / 1000,
            });
        }
        match Request::new(incoming.host, incoming.path, &headers, incoming.body)
            .verify(&self.credentials, signature)
        {
            Ok(()) => {}
            Err(VerifyError::Sign(e)) => return Err(Rejection::Unsignable(e)),
            Err(VerifyError::Malformed | VerifyError::Mismatch) => {
                return Err(Rejection::BadSignature);
            }
        }
        let fresh = self.nonces.lock().is_ok_and(|mut n| {
            n.record(&headers.access_id, &headers.nonce, now_ms, self.window_ms)
        });
        if !fresh {
            return Err(Rejection::Replay);
        }
        Ok(headers)
    }

    /// How many nonces are remembered now (they are forgotten as they leave the window).
    pub fn remembered_nonces(&self) -> usize {
        self.nonces.lock().map(|n| n.len()).unwrap_or(0)
    }
}

/// `UTCTimestamp` in any spelling a client may use: `1535957371`, `1535957371.0`,
/// `"1535957371"`.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim().trim_matches('"');
    t.parse::<i64>().ok().or_else(|| {
        t.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

/// Nonces seen inside the window, forgotten as they leave it: memory stays bounded by the
/// request rate times the window. A request stamped at the window's far edge stays acceptable
/// for two windows after it is first seen, so that is how long its nonce is kept.
#[derive(Default)]
struct NonceMemory {
    seen: HashSet<(String, String)>,
    order: VecDeque<(i64, (String, String))>,
}

impl NonceMemory {
    /// Records a nonce; false when it was already seen inside the window.
    fn record(&mut self, access_id: &str, nonce: &str, now_ms: i64, window_ms: i64) -> bool {
        while let Some((at, _)) = self.order.front() {
            if now_ms - at <= 2 * window_ms {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
        let key = (access_id.to_owned(), nonce.to_owned());
        if !self.seen.insert(key.clone()) {
            return false;
        }
        self.order.push_back((now_ms, key));
        true
    }

    fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NONCE, Nonce};
    use serde_json::json;

    fn signed(
        creds: &Credentials,
        stamp: u64,
        nonce: u64,
        body: &Value,
    ) -> Vec<(&'static str, String)> {
        let headers = HeaderSet::new(creds.access_id(), 2, stamp, Nonce::from(nonce));
        let signed = Request::new("h:1", "/api/x", &headers, body)
            .sign(creds)
            .unwrap();
        signed.iter().map(|(k, v)| (k, v.to_owned())).collect()
    }

    fn lookup<'a>(
        sent: &'a [(&'static str, String)],
    ) -> impl Fn(&'static str) -> Option<&'a str> + 'a {
        move |name| {
            sent.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str())
        }
    }

    #[test]
    fn each_rule_rejects_with_its_reason() {
        let creds = Credentials::new("id", "key");
        let v = Verifier::new(creds.clone(), Duration::from_secs(300));
        let body = json!({"a": 1});
        let incoming = Incoming {
            host: "h:1",
            path: "/api/x",
            body: &body,
        };
        let now = 1_000_000_000_000;
        let good = signed(&creds, 1_000_000_000, 1, &body);
        assert!(v.verify(&incoming, lookup(&good), now).is_ok());
        assert_eq!(
            v.verify(&incoming, lookup(&good), now),
            Err(Rejection::Replay)
        );

        let without = |name: &str| -> Vec<(&'static str, String)> {
            signed(&creds, 1_000_000_000, 2, &body)
                .into_iter()
                .filter(|(k, _)| *k != name)
                .collect()
        };
        assert_eq!(
            v.verify(&incoming, lookup(&without(NONCE)), now),
            Err(Rejection::MissingHeader(NONCE))
        );
        assert_eq!(
            v.verify(&incoming, lookup(&without(SIGNATURE)), now),
            Err(Rejection::MissingHeader(SIGNATURE))
        );

        let other = signed(&Credentials::new("other", "key"), 1_000_000_000, 3, &body);
        assert_eq!(
            v.verify(&incoming, lookup(&other), now),
            Err(Rejection::UnknownAccessId)
        );

        let late = signed(&creds, 1_000_000_000 - 301, 4, &body);
        assert_eq!(
            v.verify(&incoming, lookup(&late), now),
            Err(Rejection::Expired {
                stamp: 1_000_000_000 - 301,
                window_s: 300
            })
        );

        let tampered = json!({"a": 2});
        let changed = Incoming {
            body: &tampered,
            ..incoming
        };
        let sent = signed(&creds, 1_000_000_000, 5, &body);
        assert_eq!(
            v.verify(&changed, lookup(&sent), now),
            Err(Rejection::BadSignature)
        );
        // A rejected request does not use up its nonce.
        assert!(v.verify(&incoming, lookup(&sent), now).is_ok());
    }

    #[test]
    fn nonce_memory_forgets_outside_the_window() {
        let mut memory = NonceMemory::default();
        assert!(memory.record("a", "1", 0, 1000));
        assert!(!memory.record("a", "1", 500, 1000));
        assert!(
            memory.record("b", "1", 500, 1000),
            "nonces are per access id"
        );
        assert!(memory.record("a", "2", 2600, 1000));
        assert_eq!(
            memory.len(),
            1,
            "entries older than the window were forgotten"
        );
    }

    #[test]
    fn timestamps_in_any_spelling() {
        assert_eq!(parse_timestamp("1535957371"), Some(1535957371));
        assert_eq!(parse_timestamp("1535957371.0"), Some(1535957371));
        assert_eq!(parse_timestamp("\"1535957371\""), Some(1535957371));
        assert_eq!(parse_timestamp("soon"), None);
        assert_eq!(parse_timestamp("1e300"), None);
    }
}
