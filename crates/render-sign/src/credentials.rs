//! Credentials: the access id and the secret access key.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// What a `Debug` or `Display` of a secret prints instead of it.
pub const REDACTED: &str = "** redacted **";

/// An API caller's security credentials: the public `accessId` and the secret `accessKey`.
///
/// The key is consumed on construction: only a keyed HMAC state is kept, so the key cannot be
/// read back from a `Credentials`, and neither `Debug` nor `Display` show anything of it.
///
/// ```
/// use render_sign::Credentials;
/// let creds = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
/// assert_eq!(creds.access_id(), "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
/// assert!(!format!("{creds:?} {creds}").contains("Gu5t9x"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_id: String,
    keyed: HmacSha256,
}

impl Credentials {
    /// Credentials from an access id and its access key.
    pub fn new(access_id: impl Into<String>, access_key: impl AsRef<[u8]>) -> Self {
        // HMAC takes keys of any length (long keys are hashed first), so this cannot fail.
        let keyed = <HmacSha256 as Mac>::new_from_slice(access_key.as_ref())
            .expect("HMAC-SHA256 accepts keys of any length");
        Self {
            access_id: access_id.into(),
            keyed,
        }
    }

    /// The public access id, sent as the `accessId` header.
    pub fn access_id(&self) -> &str {
        &self.access_id
    }

    /// A fresh HMAC state keyed with the access key.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_id", &self.access_id)
            .field("access_key", &format_args!("{REDACTED}"))
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "accessId={} accessKey={REDACTED}", self.access_id)
    }
}
