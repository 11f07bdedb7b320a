// What users rely on: safe retries, fresh signatures, clock-skew recovery, typed errors.
// Included once per transport by `tests/behaviour.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::common::{Act, Relay, Script, http_reply};
use render_api_client::types::*;
use render_api_client::{Client, Credentials, Error, RetryPolicy};
use render_api_mock::MockFarm;

/// The paths the client (of the newest generation) calls.
fn path<E: render_api_client::types::Endpoint>() -> &'static str {
    E::path(render_api_client::ApiVersion::LATEST).expect("in the newest generation")
}
fn profile_path() -> &'static str {
    path::<render_api_client::types::QueryUserProfile>()
}
fn create_path() -> &'static str {
    path::<render_api_client::types::CreateTask>()
}

fn failing_twice_with_502(path: &'static str) -> Script {
    Arc::new(move |p, n| {
        if p == path && n < 2 {
            Act::Reply(http_reply(
                "502 Bad Gateway",
                "text/html",
                "<html><body>502 Bad Gateway</body></html>",
            ))
        } else {
            Act::Forward
        }
    })
}

#[test]
fn a_read_is_retried_after_transient_failures_with_fresh_nonces() {
    let farm = MockFarm::start().unwrap();
    let relay = Relay::start(
        farm.host().to_owned(),
        failing_twice_with_502(profile_path()),
    );
    let client = client_for(&farm, &relay.url);
    let profile = client.query_user_profile().sent().unwrap();
    assert_eq!(profile.user_id, 10001136);
    assert_eq!(relay.count(profile_path()), 3, "two failures, then success");
    let nonces = relay.nonces(profile_path());
    let distinct: std::collections::HashSet<_> = nonces.iter().collect();
    assert_eq!(
        distinct.len(),
        3,
        "each attempt is signed afresh: {nonces:?}"
    );
}

#[test]
fn a_write_is_sent_exactly_once_unless_opted_in() {
    let farm = MockFarm::start().unwrap();
    let relay = Relay::start(
        farm.host().to_owned(),
        failing_twice_with_502(create_path()),
    );
    let client = client_for(&farm, &relay.url);
    let err = client.create_task().sent().unwrap_err();
    // A 502 may come after the service acted, and no read shows a new task: the outcome is
    // unknown, and the write is not sent again.
    let Error::OutcomeUnknown {
        endpoint: "createTask",
        checked: None,
        source,
        ..
    } = &err
    else {
        panic!("expected an unknown outcome, got {err}");
    };
    assert!(matches!(**source, Error::Http { status: 502, .. }), "{source}");
    assert!(err.to_string().contains("whether it took effect is unknown"), "{err}");
    assert_eq!(relay.count(create_path()), 1, "a write is not retried");
    assert_eq!(farm.attempts("createTask"), 0, "and the farm never saw it");

    // Opting in retries writes too.
    let relay = Relay::start(
        farm.host().to_owned(),
        failing_twice_with_502(create_path()),
    );
    let client = Client::builder()
        .host(&relay.url)
        .credentials(farm.credentials())
        .retry(RetryPolicy {
            retry_writes: true,
            base_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .built()
        .unwrap();
    client.create_task().sent().unwrap();
    assert_eq!(relay.count(create_path()), 3);
    assert_eq!(farm.attempts("createTask"), 1);
}

/// Fails the first request for `path` with `act`, and forwards everything else.
fn first_of(path: &'static str, act: Act) -> Script {
    Arc::new(move |p, n| {
        if p == path && n == 0 {
            act.clone()
        } else {
            Act::Forward
        }
    })
}

/// A task on the farm that can be stopped: created and submitted.
fn submitted_task(farm: &MockFarm) -> i64 {
    let direct = client_for(farm, farm.url());
    let id = direct.create_task().sent().unwrap().task_id_list[0];
    direct.submit_task(id).sent().unwrap();
    id
}

#[test]
fn a_write_whose_reply_is_lost_after_it_took_effect_is_confirmed_by_reading_it_back() {
    let farm = MockFarm::start().unwrap();
    let id = submitted_task(&farm);
    let stop = path::<StopTask>();
    let relay = Relay::start(farm.host().to_owned(), first_of(stop, Act::DeliverThenDrop));
    let client = client_for(&farm, &relay.url);
    client.stop_task([id]).sent().unwrap();
    assert_eq!(farm.attempts("stopTask"), 1, "applied once, not sent again");
    assert_eq!(relay.count(stop), 1);
    assert_eq!(relay.count(path::<QueryTaskInfo>()), 1, "read back once");
    let page = client_for(&farm, farm.url()).query_task_info([id]).sent().unwrap();
    assert_eq!(page.items[0].task_status, TaskStatus::Stop);
}

#[test]
fn a_write_lost_before_it_reached_the_farm_is_sent_again_once_after_reading_back() {
    let farm = MockFarm::start().unwrap();
    let add = path::<AddLabel>();
    let relay = Relay::start(farm.host().to_owned(), first_of(add, Act::Drop));
    let client = client_for(&farm, &relay.url);
    client.add_label("lighting").status(0).sent().unwrap();
    assert_eq!(relay.count(add), 2, "sent again after the read showed no label");
    assert_eq!(farm.attempts("addLabel"), 1, "and applied once");
    assert_eq!(relay.count(path::<GetLabelList>()), 1);
    let labels = client.get_label_list().sent().unwrap();
    let named: Vec<_> = labels
        .project_name_list
        .iter()
        .filter(|l| l.project_name == "lighting")
        .collect();
    assert_eq!(named.len(), 1, "one label, not two");
}

#[test]
fn a_write_whose_read_back_fails_too_has_an_unknown_outcome_and_is_not_sent_again() {
    let farm = MockFarm::start().unwrap();
    let id = submitted_task(&farm);
    let stop = path::<StopTask>();
    let read = path::<QueryTaskInfo>();
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |p, n| {
            if (p == stop && n == 0) || p == read {
                Act::Drop
            } else {
                Act::Forward
            }
        }),
    );
    let client = client_for(&farm, &relay.url);
    let err = client.stop_task([id]).sent().unwrap_err();
    assert!(
        matches!(err, Error::OutcomeUnknown { checked: Some("queryTaskInfo"), .. }),
        "{err}"
    );
    assert_eq!(relay.count(stop), 1, "never sent twice");
    assert_eq!(relay.count(read), 3, "the read is retried like any read");
}

#[test]
fn a_client_whose_clock_is_hours_off_recovers_on_the_first_call() {
    let farm = MockFarm::start().unwrap();
    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .clock(|| SystemTime::now() - Duration::from_secs(3 * 3600))
        .built()
        .unwrap();
    let created = client.create_task().sent().unwrap();
    assert_eq!(created.task_id_list.len(), 1);
    assert_eq!(
        farm.attempts("createTask"),
        2,
        "one 610, then one corrected attempt"
    );
    let offset = client.clock_offset();
    assert!(
        offset > Duration::from_secs(3 * 3600 - 60) && offset < Duration::from_secs(3 * 3600 + 60),
        "{offset:?}"
    );
    // Later calls use the learned offset: one attempt each.
    client.query_user_profile().sent().unwrap();
    assert_eq!(farm.attempts("queryUserProfile"), 1);
    // Clones share the offset; a separately built client does not.
    let clone = client.clone();
    assert_eq!(clone.clock_offset(), offset);
}

/// The generic form takes any endpoint; one the client's generation lacks, or a parameter of
/// another generation, is a typed error before anything is sent.
#[test]
fn another_generations_call_or_parameter_is_refused_before_sending() {
    use render_api_client::types::{
        CreateTask, CreateTaskRequest, TaskJsonFile, TaskJsonFileRequest,
    };
    let farm = MockFarm::start().unwrap();
    let v1 = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .api::<render_api_client::V1>()
        .built()
        .unwrap();
    let request = TaskJsonFileRequest::new(1, "{}");
    let err = v1.called::<TaskJsonFile>(&request).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "taskJsonFile: this generation has no such call (API 1.0.0)"
    );
    let request = CreateTaskRequest::new().artist("someone");
    let err = v1.called::<CreateTask>(&request).unwrap_err();
    assert_eq!(
        err.to_string(),
        "createTask: `artist` is a parameter of API 2.0.0 only (API 1.0.0)"
    );
    assert_eq!(farm.requests(), 0, "nothing was sent");
    // The same request without it goes through, on the v1 path with the v1 header.
    v1.called::<CreateTask>(&CreateTaskRequest::new()).unwrap();
    assert_eq!(farm.attempts("createTask"), 1);
}

/// API 2.0.0 replies carry the service's request id (the v2 document's examples); an error
/// keeps it, and says it, for the service's support staff.
#[test]
fn a_version_2_error_carries_the_request_id() {
    let farm = MockFarm::start().unwrap();
    let body = r#"{"version":"2.0.0","result":false,"message":"parameter_invalid","code":600,"data":null,"serverTime":1581074257712,"requestId":"vTKMmj-UHJlLVNlcnZpY2UwNg-1581074257467"}"#;
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |_, _| Act::Reply(http_reply("200 OK", "application/json", body))),
    );
    let err = client_for(&farm, &relay.url)
        .query_user_profile()
        .sent()
        .unwrap_err();
    let Error::Api { request_id, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        request_id.as_deref(),
        Some("vTKMmj-UHJlLVNlcnZpY2UwNg-1581074257467")
    );
    assert!(
        err.to_string()
            .ends_with("(request id vTKMmj-UHJlLVNlcnZpY2UwNg-1581074257467)"),
        "{err}"
    );
}

#[test]
fn a_signature_expired_without_server_time_is_reported() {
    let farm = MockFarm::start().unwrap();
    let body = r#"{"version":"1.0.0","result":false,"message":"signature_expired","code":610,"data":null}"#;
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |_, _| Act::Reply(http_reply("200 OK", "application/json", body))),
    );
    let err = client_for(&farm, &relay.url)
        .query_user_profile()
        .sent()
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::SignatureExpired));
    assert!(
        err.to_string().contains("check this machine's clock"),
        "{err}"
    );
    assert_eq!(relay.count(profile_path()), 1);
}

/// A reply that declares more than the client reads (64 MiB) is refused before its body is
/// read, as a transport failure saying why.
#[test]
fn a_reply_declared_larger_than_the_limit_is_refused_unread() {
    let farm = MockFarm::start().unwrap();
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(|_, _| {
            Act::Reply(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Content-Length: 104857600\r\nConnection: close\r\n\r\n{"
                    .to_owned(),
            )
        }),
    );
    let client = client_for(&farm, &relay.url);
    let started = Instant::now();
    let err = client.query_user_profile().sent().unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. })
            && err.to_string().contains("larger than 67108864 bytes"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn api_errors_carry_code_message_endpoint_and_advice() {
    let farm = MockFarm::start().unwrap();
    // 611: the wrong key.
    let client = Client::builder()
        .host(farm.url())
        .credentials(Credentials::new(farm.access_id(), "not-the-key"))
        .built()
        .unwrap();
    let err = client.query_user_profile().sent().unwrap_err();
    let Error::Api {
        endpoint,
        code,
        server_time,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*endpoint, *code),
        ("queryUserProfile", ErrorCode::SignatureInvalid)
    );
    assert!(server_time.is_some());
    let text = err.to_string();
    assert!(
        text.starts_with("queryUserProfile: the service answered 611 SIGNATURE_INVALID"),
        "{text}"
    );
    assert!(text.contains("check the access key"), "{text}");
    // 403: an access id the service does not know.
    let client = Client::builder()
        .host(farm.url())
        .credentials(Credentials::new("AKIDnobody", farm.access_key()))
        .built()
        .unwrap();
    let err = client.query_user_profile().sent().unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    assert!(err.to_string().contains("check the account"), "{err}");
    // 404 from the farm's state.
    let client = client_for(&farm, farm.url());
    let err = client.delete_label("no-such-label").sent().unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ResourceNotFound));
    assert!(err.to_string().contains("no-such-label"), "{err}");
    assert!(!err.is_transient());
}

#[test]
fn transport_timeout_and_decode_errors_are_typed() {
    let farm = MockFarm::start().unwrap();
    // Nothing listens: a transport error, retried for a read, then reported.
    let url = crate::common::closed_url();
    let started = Instant::now();
    let err = client_for(&farm, &url)
        .query_user_profile()
        .sent()
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().contains("could not reach the service"),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the cause is chained"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // A server that never answers: a timeout within the timeout plus a margin.
    let relay = Relay::start(farm.host().to_owned(), Arc::new(|_, _| Act::Hang));
    let client = Client::builder()
        .host(&relay.url)
        .credentials(farm.credentials())
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .built()
        .unwrap();
    let started = Instant::now();
    let err = client.query_user_profile().sent().unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // With retries, the call timeout bounds the whole call, and the error says how long it
    // waited and how many attempts it made.
    let client = Client::builder()
        .host(&relay.url)
        .credentials(farm.credentials())
        .timeout(Duration::from_millis(300))
        .call_timeout(Duration::from_millis(800))
        .retry(RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .built()
        .unwrap();
    let started = Instant::now();
    let err = client.query_user_profile().sent().unwrap_err();
    let elapsed = started.elapsed();
    let Error::Timeout {
        after, attempts, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(*attempts >= 2 && *attempts < 10, "{attempts} attempts");
    assert!(
        *after >= Duration::from_millis(600) && *after <= elapsed,
        "{after:?}"
    );
    assert!(
        elapsed < Duration::from_millis(800) + Duration::from_millis(600),
        "{elapsed:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&format!("({attempts} attempts;")), "{text}");

    // 200 with data of the wrong shape: a decode error naming the endpoint and quoting the body.
    let body = r#"{"version":"1.0.0","result":true,"message":"success","code":200,"serverTime":1,"data":{"userId":"ten"}}"#;
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |_, _| Act::Reply(http_reply("200 OK", "application/json", body))),
    );
    let err = client_for(&farm, &relay.url)
        .query_user_profile()
        .sent()
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("queryUserProfile: the reply could not be read"),
        "{text}"
    );
    assert!(text.contains(r#""userId":"ten""#), "{text}");

    // A secret-bearing reply is never quoted.
    let body = r#"{"code":200,"data":{"raySyncUserKey":42,"note":"8ccb94d67c1e"}}"#;
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |_, _| Act::Reply(http_reply("200 OK", "application/json", body))),
    );
    let err = client_for(&farm, &relay.url)
        .get_ray_sync_user_key()
        .sent()
        .unwrap_err();
    assert!(!err.to_string().contains("8ccb94d67c1e"), "{err}");
}

#[test]
fn debug_never_shows_the_key() {
    let farm = MockFarm::start().unwrap();
    let key = farm.access_key().to_owned();
    let client = client_for(&farm, farm.url());
    let err = Client::builder()
        .host(farm.url())
        .credentials(Credentials::new(farm.access_id(), "wrong"))
        .built()
        .unwrap()
        .query_platforms(Zone::China)
        .sent()
        .unwrap_err();
    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        format!("{err}"),
        format!("{:?}", Client::builder().credentials(farm.credentials())),
    ] {
        assert!(!text.contains(&key), "{text}");
        assert!(!text.contains("wrong\""), "{text}");
    }
    assert!(format!("{client:?}").contains("** redacted **"));
    let secret = client.get_ray_sync_user_key().sent().unwrap();
    assert!(!format!("{secret:?}").contains("8ccb94d6"));
}

#[test]
fn configuration_errors_say_what_is_missing() {
    let err = Client::builder().built().unwrap_err();
    assert!(err.to_string().contains("no credentials"), "{err}");
    assert!(err.to_string().contains("RENDERBUS_ACCESS_ID"), "{err}");
    let err = Client::builder()
        .credentials(Credentials::new("a", "b"))
        .host("ftp://farm")
        .built()
        .unwrap_err();
    assert!(err.to_string().contains("scheme"), "{err}");
}

#[test]
fn client_is_send_sync_clone_and_shares_connections_across_threads() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<C>();
    let farm = MockFarm::start().unwrap();
    let client = client_for(&farm, farm.url());
    std::thread::scope(|s| {
        for _ in 0..4 {
            let c = client.clone();
            s.spawn(move || {
                for _ in 0..10 {
                    c.query_platforms(Zone::Overseas).sent().unwrap();
                }
            });
        }
    });
    assert_eq!(farm.attempts("queryPlatforms"), 40);
}

/// The waiter rides out an outage (5xx while polling, with the client's own retries off) and
/// ends when the task does; it reports progress on the way; its timeout ends a wait for a
/// task that does not move.
#[test]
fn wait_for_task_rides_out_outages_and_keeps_its_timeout() {
    use render_api_client::{Outcome, WaitOptions};
    use render_api_mock::FarmConfig;
    let farm = MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 2,
            analyse_seconds: 1,
            frame_seconds: 1,
            speed: 20.0,
            ..FarmConfig::default()
        })
        .start()
        .unwrap();
    let info_path = path::<QueryTaskInfo>();
    let relay = Relay::start(
        farm.host().to_owned(),
        Arc::new(move |p, n| {
            if p == info_path && n < 3 {
                Act::Reply(http_reply("503 Service Unavailable", "text/plain", "down"))
            } else {
                Act::Forward
            }
        }),
    );
    let client = Client::builder()
        .host(&relay.url)
        .credentials(farm.credentials())
        .retry(RetryPolicy::none())
        .built()
        .unwrap();
    let id = client.create_task().sent().unwrap().task_id_list[0];
    client.submit_task(id).sent().unwrap();
    let mut polls = 0;
    let options = WaitOptions {
        interval: Duration::from_millis(1),
        timeout: Some(Duration::from_secs(30)),
    };
    let task = client.waited(id, &options, |_| polls += 1).unwrap();
    assert_eq!(Outcome::of(&task.task_status), Some(Outcome::Finished));
    assert!(relay.count(info_path) >= 4, "three outages, then answers");
    assert!(polls >= 1);

    // A farm whose clock stands still: the task never ends, and the timeout says so.
    let still = MockFarm::builder()
        .farm(FarmConfig::frozen())
        .start()
        .unwrap();
    let client = client_for(&still, still.url());
    let id = client.create_task().sent().unwrap().task_id_list[0];
    client.submit_task(id).sent().unwrap();
    let started = Instant::now();
    let options = WaitOptions {
        interval: Duration::from_millis(500),
        timeout: Some(Duration::from_secs(1)),
    };
    let err = client.waited(id, &options, |_| {}).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert!(err.to_string().contains("(it is analyse)"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // It looks once more at its deadline: polls at 0, 0.5 and 1 s.
    assert_eq!(still.attempts("queryTaskInfo"), 3, "a poll at the deadline too");
    // An interval longer than the timeout: a poll at once, then one at the deadline.
    let options = WaitOptions {
        interval: Duration::from_secs(5),
        timeout: Some(Duration::from_millis(600)),
    };
    let err = client.waited(id, &options, |_| {}).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert_eq!(still.attempts("queryTaskInfo"), 5, "two more polls, not one");
}

/// `task(id)` answers the task itself, not a page; a task that is not there is a typed
/// not-found, not an empty page or a panic.
#[test]
fn a_task_is_looked_up_by_its_id() {
    use render_api_client::types::ErrorCode;
    let farm = MockFarm::start().unwrap();
    let client = client_for(&farm, farm.url());
    let ids = client.create_task().count(2).sent().unwrap().task_id_list;
    client.submit_task(ids[1]).sent().unwrap();
    let task = client.looked_up(ids[1]).unwrap();
    assert_eq!(task.id, ids[1]);
    let err = client.looked_up(ids[1] + 1000).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                code: ErrorCode::ResourceNotFound,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&(ids[1] + 1000).to_string()), "{err}");
}

/// A body over the farm's limit is answered 413, read by the client as an HTTP error, not a
/// connection reset under its feet.
#[test]
fn a_body_over_the_limit_gets_413_not_a_reset() {
    let farm = MockFarm::start().unwrap();
    let client = client_for(&farm, farm.url());
    let id = client.create_task().sent().unwrap().task_id_list[0];
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(3 << 20));
    let err = client
        .task_json_file(id, big)
        .sent()
        .unwrap_err();
    // The 413 carries the farm's envelope (code 600), which the client reads.
    assert!(
        matches!(err, Error::Api { .. } | Error::Http { status: 413, .. })
            && err.to_string().contains("larger than the farm accepts"),
        "the farm's answer, not a transport error: {err:?}"
    );
}
