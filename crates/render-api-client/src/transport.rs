//! The transports a [`Client`](crate::Client) sends through: [`Blocking`] (ureq, the default)
//! and `Tokio` (reqwest, feature `async`). Both drive the same transport-free
//! [`Core`](crate::sans_io::Core); they only move bytes and sleep.

mod sealed {
    pub trait Sealed {}
}

/// How a client moves bytes. Implemented by [`Blocking`] and `Tokio` only; to call the API
/// over another HTTP stack, drive the [`sans_io`](crate::sans_io) core yourself.
pub trait Transport: sealed::Sealed + Send + Sync + 'static {
    /// The transport's name, for `Debug`.
    const NAME: &'static str;
}

/// Blocking calls on ureq: [`Client`](crate::Client).
pub struct Blocking {
    pub(crate) agent: ureq::Agent,
    /// The agent answers error statuses as replies and carries the client's timeouts (ours
    /// does; a caller's may), so calls need no settings of their own.
    pub(crate) configured: bool,
}

impl sealed::Sealed for Blocking {}
impl Transport for Blocking {
    const NAME: &'static str = "blocking (ureq)";
}

/// Async calls on tokio through reqwest: [`AsyncClient`](crate::AsyncClient).
#[cfg(feature = "async")]
pub struct Tokio {
    pub(crate) http: reqwest::Client,
}

#[cfg(feature = "async")]
impl sealed::Sealed for Tokio {}
#[cfg(feature = "async")]
impl Transport for Tokio {
    const NAME: &'static str = "async (tokio, reqwest)";
}
