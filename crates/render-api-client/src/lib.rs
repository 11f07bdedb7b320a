//! A blocking client for the Renderbus / Fox Renderfarm cloud-rendering API.
//!
//! One method per endpoint (generated from `api-spec.yaml`) taking the endpoint's required
//! parameters and answering a [`Call`], whose setters are the other parameters and whose
//! `send()` makes the call; all over a small core that signs
//! every attempt afresh, retries only what is safe to retry, corrects for clock skew, and
//! turns every failure into one typed [`Error`].
//!
//! ```no_run
//! use render_api_client::{Client, Credentials};
//! use render_api_client::types::TaskStatus;
//!
//! let client = Client::builder()
//!     .credentials(Credentials::new("AKID…", "key"))
//!     .build()?;
//! let page = client
//!     .get_task_list()
//!     .page_size(50)
//!     .status_list([TaskStatus::Rendering])
//!     .send()?;
//! for task in page.items {
//!     println!("{} {}", task.id, task.task_status);
//! }
//! client.stop_task([19088]).send()?;
//! for task in client.get_task_list().items() {
//!     println!("{}", task?.id);
//! }
//! for page in client.get_task_list().page_size(100).pages() {
//!     let page = page?;
//!     println!("page {} of {}: {} tasks", page.page_num, page.page_count, page.items.len());
//! }
//! # Ok::<(), render_api_client::Error>(())
//! ```
//!
//! What a call does:
//! - the request is serialized once; exactly those values are signed and those bytes sent;
//! - each attempt gets a new timestamp and a new nonce from the OS CSPRNG;
//! - reads are retried on transport failures, timeouts and HTTP 5xx with exponential backoff
//!   and jitter;
//! - a write is sent once; when its reply is lost after the request may have reached the
//!   service, the read the spec names for it is asked whether it took effect: yes is success
//!   ([`Reply::confirmed`]), no sends it again (within the retry policy), and no answer is
//!   [`Error::OutcomeUnknown`], as it is for a write no read can check (createTask);
//! - a `610 SIGNATURE_EXPIRED` reply carrying `serverTime` teaches the client the service's
//!   clock offset, and the call is sent once more with a corrected timestamp;
//! - a `tracing` span per call records the endpoint, attempts and outcome, never the key, the
//!   signature or a secret-bearing reply.
//!
//! Where things are:
//! - [`Client`]: the blocking client (ureq), built with [`Client::builder`]; each endpoint's
//!   method says which setters its [`Call`] takes.
//! - `AsyncClient` (feature `async`): the same calls as `async fn`s on tokio and reqwest,
//!   with items and pages as streams.
//! - [`types`]: the API's models, enums and requests ([`types::TaskInfo`],
//!   [`types::TaskStatus`], …), generated from the spec.
//! - [`Client::wait_for_task`], [`frames`] (frame numbers and ids), [`job`] (a whole render
//!   from a job file), [`Settings`] (flags, environment and profile, as the CLI reads them),
//!   [`sans_io`] (the transport-free core, to drive from another HTTP stack).

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "async")]
mod asynchronous;
mod call;
mod client;
mod config;
pub mod dynamic;
mod error;
pub mod frames;
pub mod job;
#[rustfmt::skip]
mod generated;
pub mod sans_io;
mod system;
pub mod transport;
mod wait;

#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
pub use asynchronous::AsyncClient;
pub use call::Call;
pub use client::{
    Client, ClientBuilder, ENV_ACCESS_ID, ENV_ACCESS_KEY, HOST_CHINA, HOST_OVERSEAS, Items, Pages,
    default_agent,
};
pub use config::{Resolved, Settings, check_platform, config_path};
pub use error::{Error, ReplyBody};
/// The API's contract, generated from the spec: models ([`types::TaskInfo`]), enums
/// ([`types::TaskStatus`]), requests and one descriptor per endpoint (`render_api_types`).
pub use render_api_types as types;
pub use render_api_types::{ApiVersion, V1, V2};
pub use render_sign::Credentials;
pub use sans_io::{Outcome, Replied, Reply, RetryPolicy, WaitOptions, interpret_reply};
pub use system::OsEntropy;
pub use wait::{INTERRUPT_CHECK, WaitFor};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
