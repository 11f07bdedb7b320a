//! The async transport: [`AsyncClient`] on tokio, through reqwest.

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use render_api_types::{Endpoint, Generation, Page, Paginated, TaskInfo};

use crate::sans_io::{HttpRequest, MAX_REPLY, Replied, Step, TransportFailure, WaitStep};
use crate::transport::Tokio;
use crate::wait::WaitFor;
use crate::{Call, Client, Error};

/// The async client: [`Client`] over the [`Tokio`] transport, built with
/// [`ClientBuilder::build_async`](crate::ClientBuilder::build_async).
///
/// It has every generated method of the blocking client, with the same arguments and
/// setters; a call's `send` is an `async fn`, `pages` a [`Stream`], and
/// [`wait_for_task`](AsyncClient::wait_for_task) an `async fn`. Retries, their backoff,
/// clock-skew correction, timeouts and errors are the blocking client's (one core serves
/// both).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use render_api_client::{Client, Credentials};
/// use render_api_client::types::TaskStatus;
///
/// # async fn run() -> Result<(), render_api_client::Error> {
/// let client = Client::builder()
///     .credentials(Credentials::new("AKID…", "key"))
///     .build_async()?;
/// let page = client.get_task_list().status_list([TaskStatus::Rendering]).send().await?;
/// client.stop_task(page.items.iter().map(|t| t.id)).send().await?;
/// let tasks: Vec<_> = client.get_task_list().items().try_collect().await?;
/// # let _ = tasks;
/// # Ok(())
/// # }
/// ```
pub type AsyncClient<G = render_api_types::V2> = Client<G, Tokio>;

impl<G: Generation> Client<G, Tokio> {
    /// Calls endpoint `E` with `request`: the generic form of every generated method; see
    /// [`Client::call`].
    pub async fn call<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error> {
        self.call_with_reply::<E>(request)
            .await
            .map(|replied| replied.value)
    }

    /// Calls endpoint `E` like [`call`](Self::call), and answers the reply as received too: the
    /// async form of [`Client::call_with_reply`].
    pub async fn call_with_reply<E: Endpoint>(
        &self,
        request: &E::Request,
    ) -> Result<Replied<E::Response>, Error> {
        use tracing::Instrument;
        let span = tracing::info_span!("renderbus_call", endpoint = E::NAME, api = G::API.header());
        async {
            let mut exchange = self.core().exchange::<E>(request)?;
            loop {
                let request = exchange.request(self.now())?;
                let step = match self.transport().send(request).await {
                    Ok((status, body)) => exchange.on_reply_kept(self.now(), status, body),
                    Err(failure) => exchange.on_failure(self.now(), failure),
                };
                match step {
                    Step::Done(replied) => return Ok(replied),
                    Step::Failed(error) => return Err(error),
                    Step::Retry(delay) => tokio::time::sleep(delay).await,
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Every page, as a stream; see [`Call::pages`].
    pub(crate) fn all_pages<E: Paginated>(
        &self,
        request: E::Request,
    ) -> impl Stream<Item = Result<Page<E::Item>, Error>> + Send + '_
    where
        E::Request: Send + Sync,
        E::Item: Send,
        E::Response: Send,
    {
        let cursor = self.core().pages::<E>(request);
        stream::try_unfold(cursor, move |mut cursor| async move {
            let Some(request) = cursor.next_request() else {
                return Ok(None);
            };
            let page = self.call::<E>(request).await?;
            cursor.advance(&page);
            Ok(Some((page, cursor)))
        })
        .boxed()
    }

    /// The task `task_id` itself: the async form of [`Client::task`].
    pub async fn task(&self, task_id: i64) -> Result<TaskInfo, Error> {
        let page = self
            .call::<render_api_types::QueryTaskInfo>(&crate::sans_io::task_request(task_id))
            .await?;
        crate::sans_io::task_in(task_id, page)
    }

    /// The frame id of each frame number: the async form of [`Client::frame_ids`].
    pub async fn frame_ids(
        &self,
        task_id: i64,
        numbers: &crate::frames::FrameNumbers,
    ) -> Result<std::collections::BTreeMap<i64, i64>, Error> {
        let pages: Vec<_> = self
            .all_pages::<render_api_types::QueryTaskFrames>(crate::frames::request(task_id))
            .try_collect()
            .await?;
        let frames: Vec<_> = pages.into_iter().flat_map(|page| page.items).collect();
        crate::frames::mapped(task_id, numbers, &frames)
    }

    /// A wait for a task to end: the async form of [`Client::wait_for_task`], sent with
    /// `send().await`.
    pub fn wait_for_task(&self, task_id: i64) -> WaitFor<'_, Self> {
        WaitFor::new(self, task_id)
    }
}

impl<G: Generation> WaitFor<'_, Client<G, Tokio>> {
    /// Waits; answers the task as last seen. The same rules as the blocking wait.
    pub async fn send(mut self) -> Result<TaskInfo, Error> {
        let mut waiter = self
            .client
            .core()
            .wait(self.task_id, &self.options, self.client.now());
        loop {
            let result = self
                .client
                .call::<render_api_types::QueryTaskInfo>(&waiter.request())
                .await;
            match waiter.on_poll(self.client.now(), result, &mut *self.progress) {
                WaitStep::Ended(task) => return Ok(*task),
                WaitStep::Failed(error) => return Err(error),
                WaitStep::Poll(delay) => tokio::time::sleep(delay).await,
            }
        }
    }
}

impl Tokio {
    /// One POST: the status and body of the reply, or why there was none.
    async fn send(&self, request: HttpRequest) -> Result<(u16, Vec<u8>), TransportFailure> {
        let mut builder = self
            .http
            .post(&request.url)
            .timeout(request.timeout)
            .header(reqwest::header::CONTENT_TYPE, HttpRequest::CONTENT_TYPE);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let mut response = builder.body(request.body).send().await.map_err(failure)?;
        let status = response.status().as_u16();
        // A reply that declares its length is refused before it is read if too large, and
        // otherwise gets its room up front (hyper holds the body to the declared length), so
        // that a large page is not copied again and again as it grows.
        let declared = response.content_length().unwrap_or(0);
        if declared > MAX_REPLY {
            return Err(TransportFailure::too_large());
        }
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(failure)? {
            if (body.len() + chunk.len()) as u64 > MAX_REPLY {
                return Err(TransportFailure::too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}

/// What a reqwest failure means to the core.
fn failure(source: reqwest::Error) -> TransportFailure {
    if source.is_connect() {
        // Nothing of the request left: connecting (or its timeout) failed.
        TransportFailure::unsent(source)
    } else if source.is_timeout() {
        TransportFailure::timeout(source)
    } else {
        TransportFailure::other(source)
    }
}

impl<'c, E: Endpoint, G: Generation> Call<'c, E, Client<G, Tokio>> {
    /// Makes the call: signs, sends (retrying what is safe to retry), and reads the reply.
    pub async fn send(self) -> Result<E::Response, Error> {
        self.client().call::<E>(self.request()).await
    }

    /// Makes the call like [`send`](Self::send), and answers the reply as received too
    /// ([`Replied`]).
    pub async fn send_with_reply(self) -> Result<Replied<E::Response>, Error> {
        self.client().call_with_reply::<E>(self.request()).await
    }
}

impl<'c, E: Paginated, G: Generation> Call<'c, E, Client<G, Tokio>>
where
    E::Request: Send + Sync,
    E::Item: Send,
    E::Response: Send,
{
    /// Every item of every page, from the request's page on, fetched as the stream is
    /// polled; it ends after the last page, and yields an error (then ends) if a page cannot
    /// be fetched.
    pub fn items(self) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'c {
        let (client, request) = self.into_parts();
        client
            .all_pages::<E>(request)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every page, from the request's page on, one call each as the stream is polled; it
    /// ends after the last page, and yields an error (then ends) if a page cannot be fetched.
    pub fn pages(self) -> impl Stream<Item = Result<Page<E::Item>, Error>> + Send + 'c {
        let (client, request) = self.into_parts();
        client.all_pages::<E>(request)
    }
}
