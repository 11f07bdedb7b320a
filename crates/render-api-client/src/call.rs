//! [`Call`]: a request to one endpoint, ready to send.

use std::fmt;

use render_api_types::{Endpoint, Generation, Paginated};

use crate::transport::Blocking;
use crate::{Client, Error, Items, Pages};

/// A call of endpoint `E`, made by a client's method and sent with `send()` (blocking
/// [`Client`]) or `send().await` (`AsyncClient` (feature `async`)).
///
/// Every generated method takes the endpoint's required parameters and answers a `Call`; the
/// endpoint's other parameters are setters on it. So a method's shape depends only on the
/// required parameters, and a parameter the service adds later is a new setter, never a
/// changed signature.
///
/// ```no_run
/// # use render_api_client::{Client, Credentials};
/// use render_api_client::types::TaskStatus;
/// # let client = Client::builder().credentials(Credentials::new("id", "key")).build()?;
/// let page = client
///     .get_task_list()
///     .page_size(50)
///     .status_list([TaskStatus::Rendering])
///     .send()?;
/// client.stop_task([19088]).send()?;
/// # Ok::<(), render_api_client::Error>(())
/// ```
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'c, E: Endpoint, C = Client> {
    client: &'c C,
    request: E::Request,
}

impl<'c, E: Endpoint, C> Call<'c, E, C> {
    /// A call of `E` with `request`, through `client`.
    pub fn new(client: &'c C, request: E::Request) -> Self {
        Call { client, request }
    }

    /// Changes the request (what the generated setters do).
    pub fn map(mut self, change: impl FnOnce(E::Request) -> E::Request) -> Self {
        self.request = change(self.request);
        self
    }

    /// The request as it will be sent.
    pub fn request(&self) -> &E::Request {
        &self.request
    }

    /// The request, without sending it.
    pub fn into_request(self) -> E::Request {
        self.request
    }

    pub(crate) fn client(&self) -> &'c C {
        self.client
    }

    pub(crate) fn into_parts(self) -> (&'c C, E::Request) {
        (self.client, self.request)
    }
}

impl<E: Endpoint, C> fmt::Debug for Call<'_, E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("endpoint", &E::NAME)
            .field("request", &self.request)
            .finish()
    }
}

impl<'c, E: Endpoint, G: Generation> Call<'c, E, Client<G, Blocking>> {
    /// Makes the call: signs, sends (retrying what is safe to retry), and reads the reply.
    pub fn send(self) -> Result<E::Response, Error> {
        self.client().call::<E>(self.request())
    }

    /// Makes the call like [`send`](Self::send), and answers the reply as received too: the
    /// typed value and the [`Reply`](crate::Reply) (its bytes, request id and server time).
    ///
    /// ```no_run
    /// # let client = render_api_client::Client::builder()
    /// #     .credentials(render_api_client::Credentials::new("id", "key")).build()?;
    /// let replied = client.query_user_setting().send_with_reply()?;
    /// println!("request {:?}: {}", replied.reply.request_id, replied.reply.data());
    /// # Ok::<(), render_api_client::Error>(())
    /// ```
    pub fn send_with_reply(self) -> Result<crate::Replied<E::Response>, Error> {
        self.client().call_with_reply::<E>(self.request())
    }
}

impl<'c, E: Paginated, G: Generation> Call<'c, E, Client<G, Blocking>> {
    /// Every item of every page, from the request's page on, fetched as the iterator
    /// advances; it ends after the last page, and yields an error (then ends) if a page
    /// cannot be fetched.
    pub fn items(self) -> Items<'c, E, G> {
        let (client, request) = self.into_parts();
        client.all_items::<E>(request)
    }

    /// Every page, from the request's page on, one call each as the iterator advances (each
    /// with its numbers: `page_num`, `page_count`, `total`); it ends after the last page, and
    /// yields an error (then ends) if a page cannot be fetched.
    pub fn pages(self) -> Pages<'c, E, G> {
        let (client, request) = self.into_parts();
        client.all_pages::<E>(request)
    }
}
