//! The client's behaviour tests, run against both transports: every test in `shared/` runs
//! once on the blocking client (ureq) and once on the async client (tokio, reqwest), through
//! the same test body. The bodies call `.sent()`, `.paged()`, `.called()`, `.waited()`,
//! `.looked_up()` and `.built()`, which each module below maps to its transport's `send()`,
//! `items()`, `call()`, `wait_for_task()`, `task()` and `build()` (the async ones driven to
//! completion on one runtime).

mod common;

/// The blocking client.
mod blocking {
    use render_api_client::transport::Blocking;
    use render_api_client::types::{Endpoint, Generation, Page, Paginated, TaskInfo};
    use render_api_client::{Call, Client, ClientBuilder, Error, WaitOptions};

    type C = Client;

    trait Sent<E: Endpoint> {
        fn sent(self) -> Result<E::Response, Error>;
    }
    impl<E: Endpoint, G: Generation> Sent<E> for Call<'_, E, Client<G, Blocking>> {
        fn sent(self) -> Result<E::Response, Error> {
            self.send()
        }
    }
    trait Paged<E: Paginated> {
        fn paged(self) -> std::vec::IntoIter<Result<E::Item, Error>>;
        fn each_page(self) -> Vec<Result<Page<E::Item>, Error>>;
    }
    impl<E: Paginated, G: Generation> Paged<E> for Call<'_, E, Client<G, Blocking>> {
        fn paged(self) -> std::vec::IntoIter<Result<E::Item, Error>> {
            self.items().collect::<Vec<_>>().into_iter()
        }
        fn each_page(self) -> Vec<Result<Page<E::Item>, Error>> {
            self.pages().collect()
        }
    }
    trait Drive {
        fn called<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error>;
        fn waited(
            &self,
            task_id: i64,
            options: &WaitOptions,
            progress: impl FnMut(&TaskInfo) + Send,
        ) -> Result<TaskInfo, Error>;
        fn looked_up(&self, task_id: i64) -> Result<TaskInfo, Error>;
    }
    impl<G: Generation> Drive for Client<G, Blocking> {
        fn called<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error> {
            self.call::<E>(request)
        }
        fn waited(
            &self,
            task_id: i64,
            options: &WaitOptions,
            progress: impl FnMut(&TaskInfo) + Send,
        ) -> Result<TaskInfo, Error> {
            self.wait_for_task(task_id)
                .options(options.clone())
                .on_progress(progress)
                .send()
        }
        fn looked_up(&self, task_id: i64) -> Result<TaskInfo, Error> {
            self.task(task_id)
        }
    }
    trait Built<G> {
        fn built(self) -> Result<Client<G, Blocking>, Error>;
    }
    impl<G: Generation> Built<G> for ClientBuilder<G> {
        fn built(self) -> Result<Client<G, Blocking>, Error> {
            self.build()
        }
    }
    fn client_for(farm: &render_api_mock::MockFarm, url: &str) -> C {
        crate::common::builder_for(farm, url).build().unwrap()
    }

    mod behaviour {
        use super::*;
        include!("shared/behaviour.rs");
    }
    mod endpoints {
        use super::*;
        include!("shared/endpoints.rs");
    }

    /// A walk over pages by name ([`Client::pages_json`], what the Python package's `iter_*`
    /// methods use) gives every page the typed walk gives, page by page, and then ends; a name
    /// that has no pages, or a body that does not fit, is refused before anything is sent.
    #[test]
    fn pages_by_name_are_the_typed_pages() {
        let farm = render_api_mock::MockFarm::start().unwrap();
        let client = client_for(&farm, farm.url());
        for _ in 0..5 {
            client.create_task().send().unwrap();
        }
        let typed: Vec<serde_json::Value> = client
            .get_task_list()
            .page_size(2)
            .pages()
            .map(|p| serde_json::to_value(p.unwrap()).unwrap())
            .collect();
        assert_eq!(typed.len(), 3, "five tasks in pages of two");
        let before = farm.attempts("getTaskList");
        let mut pages = client
            .pages_json("getTaskList", &serde_json::json!({"pageSize": 2}))
            .unwrap();
        assert_eq!(farm.attempts("getTaskList"), before, "nothing sent yet");
        let mut by_name = Vec::new();
        while let Some(page) = pages.next_page(&client) {
            by_name.push(page.unwrap());
        }
        assert_eq!(by_name, typed);
        assert!(pages.next_page(&client).is_none(), "the walk has ended");
        let no_pages = client
            .pages_json("queryPlatforms", &serde_json::json!({}))
            .unwrap_err();
        assert!(
            matches!(no_pages, Error::Unsupported { .. }),
            "{no_pages:?}"
        );
        let unknown = client
            .pages_json("getTaskLst", &serde_json::json!({}))
            .unwrap_err();
        assert!(unknown.to_string().contains("getTaskList"), "{unknown}");
        let bad = client
            .pages_json("getTaskList", &serde_json::json!({"pageSize": "two"}))
            .unwrap_err();
        assert!(
            matches!(&bad, Error::Request { path, .. } if path == "$.pageSize"),
            "{bad:?}"
        );
    }

    /// A wait's interrupt check ends it between polls, without waiting out the interval.
    #[test]
    fn an_interrupt_check_ends_a_wait_between_polls() {
        use std::time::{Duration, Instant};
        let farm = render_api_mock::MockFarm::builder()
            .farm(render_api_mock::FarmConfig::frozen())
            .start()
            .unwrap();
        let client = client_for(&farm, farm.url());
        let id = client.create_task().send().unwrap().task_id_list[0];
        client.submit_task(id).send().unwrap();
        let started = Instant::now();
        let mut asked = 0;
        let err = client
            .wait_for_task(id)
            .interval(Duration::from_secs(30))
            .interrupt(|| {
                asked += 1;
                asked > 3
            })
            .send()
            .unwrap_err();
        assert!(
            matches!(err, Error::Interrupted { task_id, .. } if task_id == id),
            "{err:?}"
        );
        assert_eq!(
            farm.attempts("queryTaskInfo"),
            1,
            "one poll, then the interrupt"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not the 30 s interval"
        );
    }

    /// A caller's agent gets the client's settings on every call unless it already has them:
    /// with ureq's defaults (error statuses as errors, no timeouts), a 502 is still read as
    /// the service's reply; an agent configured as the client's own works as it is.
    #[test]
    fn a_callers_agent_gets_the_clients_settings() {
        use crate::common::{Act, Relay, http_reply};
        use std::time::Duration;
        let farm = render_api_mock::MockFarm::start().unwrap();
        let relay = Relay::start(
            farm.host().to_owned(),
            std::sync::Arc::new(|_: &str, _: usize| {
                Act::Reply(http_reply(
                    "502 Bad Gateway",
                    "text/html",
                    "<html><body>502 Bad Gateway</body></html>",
                ))
            }),
        );
        let client = crate::common::builder_for(&farm, &relay.url)
            .ureq_agent(ureq::Agent::new_with_defaults())
            .build()
            .unwrap();
        let err = client.query_user_profile().send().unwrap_err();
        assert!(
            matches!(err, Error::Http { status: 502, .. }),
            "a 502 is the service's reply, not a transport failure: {err:?}"
        );

        let configured: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let client = crate::common::builder_for(&farm, farm.url())
            .connect_timeout(Duration::from_secs(10))
            .ureq_agent(configured)
            .build()
            .unwrap();
        assert_eq!(
            client.query_user_profile().send().unwrap().user_id,
            10001136
        );
        let wrong_key = Client::builder()
            .host(farm.url())
            .credentials(render_api_client::Credentials::new(
                farm.access_id(),
                "not-the-key",
            ))
            .ureq_agent(ureq::Agent::new_with_defaults())
            .build()
            .unwrap();
        assert!(matches!(
            wrong_key.query_user_profile().send().unwrap_err(),
            Error::Api { .. }
        ));
    }
}

/// The async client, each call driven to completion on one shared tokio runtime.
mod tokio {
    use futures_util::StreamExt;
    use render_api_client::transport::Tokio;
    use render_api_client::types::{Endpoint, Generation, Page, Paginated, TaskInfo};
    use render_api_client::{AsyncClient, Call, Client, ClientBuilder, Error, WaitOptions};

    use crate::common::runtime;

    type C = AsyncClient;

    trait Sent<E: Endpoint> {
        fn sent(self) -> Result<E::Response, Error>;
    }
    impl<E: Endpoint, G: Generation> Sent<E> for Call<'_, E, Client<G, Tokio>> {
        fn sent(self) -> Result<E::Response, Error> {
            runtime().block_on(self.send())
        }
    }
    trait Paged<E: Paginated> {
        fn paged(self) -> std::vec::IntoIter<Result<E::Item, Error>>;
        fn each_page(self) -> Vec<Result<Page<E::Item>, Error>>;
    }
    impl<E: Paginated, G: Generation> Paged<E> for Call<'_, E, Client<G, Tokio>>
    where
        E::Request: Send + Sync,
        E::Item: Send,
        E::Response: Send,
    {
        fn paged(self) -> std::vec::IntoIter<Result<E::Item, Error>> {
            runtime()
                .block_on(self.items().collect::<Vec<_>>())
                .into_iter()
        }
        fn each_page(self) -> Vec<Result<Page<E::Item>, Error>> {
            runtime().block_on(self.pages().collect::<Vec<_>>())
        }
    }
    trait Drive {
        fn called<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error>;
        fn waited(
            &self,
            task_id: i64,
            options: &WaitOptions,
            progress: impl FnMut(&TaskInfo) + Send,
        ) -> Result<TaskInfo, Error>;
        fn looked_up(&self, task_id: i64) -> Result<TaskInfo, Error>;
    }
    impl<G: Generation> Drive for Client<G, Tokio> {
        fn called<E: Endpoint>(&self, request: &E::Request) -> Result<E::Response, Error> {
            runtime().block_on(self.call::<E>(request))
        }
        fn waited(
            &self,
            task_id: i64,
            options: &WaitOptions,
            progress: impl FnMut(&TaskInfo) + Send,
        ) -> Result<TaskInfo, Error> {
            runtime().block_on(
                self.wait_for_task(task_id)
                    .options(options.clone())
                    .on_progress(progress)
                    .send(),
            )
        }
        fn looked_up(&self, task_id: i64) -> Result<TaskInfo, Error> {
            runtime().block_on(self.task(task_id))
        }
    }
    trait Built<G> {
        fn built(self) -> Result<Client<G, Tokio>, Error>;
    }
    impl<G: Generation> Built<G> for ClientBuilder<G> {
        fn built(self) -> Result<Client<G, Tokio>, Error> {
            self.build_async()
        }
    }
    fn client_for(farm: &render_api_mock::MockFarm, url: &str) -> C {
        crate::common::builder_for(farm, url).build_async().unwrap()
    }

    mod behaviour {
        use super::*;
        include!("shared/behaviour.rs");
    }
    mod endpoints {
        use super::*;
        include!("shared/endpoints.rs");
    }
}
