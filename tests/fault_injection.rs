//! A misbehaving server, case by case: the client returns the right typed error within its
//! timeout plus a small margin, never panics, retries only reads, and the server's own count
//! proves a write was sent once.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use render_api_client::types::ErrorCode;
use render_api_client::{Client, Credentials, Error, RetryPolicy};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Misbehaviour {
    ClosesMidReply,
    Html502,
    TruncatedJson,
    DripsSlowerThanTimeout,
    NonJson200,
    UnknownErrorCode,
    WrongShapeOfData,
    NeverAnswers,
}

const TIMEOUT: Duration = Duration::from_millis(400);

/// A server that misbehaves the same way for every request, counting them.
struct BadServer {
    url: String,
    count: Arc<Mutex<Vec<String>>>,
}

impl BadServer {
    fn start(how: Misbehaviour) -> BadServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = Arc::clone(&count);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || misbehave(stream, how, &seen));
            }
        });
        BadServer { url, count }
    }

    fn requests(&self, path_end: &str) -> usize {
        self.count
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.ends_with(path_end))
            .count()
    }
}

fn reply(status: &str, ctype: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn misbehave(mut stream: TcpStream, how: Misbehaviour, seen: &Mutex<Vec<String>>) {
    let Some(request) = render_api_mock::testing::read_http_request(&mut stream) else {
        return;
    };
    let head = String::from_utf8_lossy(&request).into_owned();
    let path = head.split(' ').nth(1).unwrap_or("").to_owned();
    seen.lock().unwrap().push(path.clone());
    let create = path.ends_with("createTask");
    let text = match how {
        Misbehaviour::ClosesMidReply => {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"code\":200,\"da".to_owned()
        }
        Misbehaviour::Html502 => reply("502 Bad Gateway", "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        Misbehaviour::TruncatedJson => reply("200 OK", "application/json", r#"{"version":"1.0.0","code":200,"data":{"userId":1"#),
        Misbehaviour::NonJson200 => reply("200 OK", "text/html", "<html>maintenance</html>"),
        Misbehaviour::UnknownErrorCode => {
            reply("200 OK", "application/json", r#"{"version":"1.0.0","result":false,"message":"brand_new_error","code":777,"serverTime":1535957894211,"data":null}"#)
        }
        Misbehaviour::WrongShapeOfData => {
            let data = if create { r#"{"taskIdList":"19084"}"# } else { r#"{"userId":"ten","userName":7}"# };
            reply("200 OK", "application/json", &format!(r#"{{"code":200,"serverTime":1,"data":{data}}}"#))
        }
        Misbehaviour::DripsSlowerThanTimeout => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n");
            for byte in br#"{"code":200,"data":null,"serverTime":1}  "# {
                std::thread::sleep(Duration::from_millis(150));
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
            }
            return;
        }
        Misbehaviour::NeverAnswers => {
            std::thread::sleep(Duration::from_secs(20));
            return;
        }
    };
    let _ = stream.write_all(text.as_bytes());
}

fn client(url: &str) -> Client {
    Client::builder()
        .host(url)
        .credentials(Credentials::new("AKIDtest", "key"))
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
            retry_writes: false,
        })
        .build()
        .unwrap()
}

fn check(how: Misbehaviour, expect: fn(&Error) -> bool, transient: bool) {
    let server = BadServer::start(how);
    let client = client(&server.url);

    let started = Instant::now();
    let read = client.query_user_profile().send();
    let took = started.elapsed();
    let err = read.expect_err("a misbehaving server is an error");
    assert!(expect(&err), "{how:?}, read: unexpected {err:?}");
    assert_eq!(err.is_transient(), transient, "{how:?}: {err}");
    let attempts = server.requests("queryUserProfile");
    assert_eq!(
        attempts,
        if transient { 3 } else { 1 },
        "{how:?}: a read is retried only when the failure is transient"
    );
    let bound =
        (TIMEOUT + Duration::from_millis(300)) * attempts as u32 + Duration::from_millis(200);
    assert!(took < bound, "{how:?}: took {took:?}, bound {bound:?}");

    let started = Instant::now();
    let write = client.create_task().send();
    let took = started.elapsed();
    let err = write.expect_err("a misbehaving server is an error");
    if transient {
        // The request may have reached the service and no read shows a new task: the
        // outcome is unknown, with the failure as its source.
        let Error::OutcomeUnknown {
            checked: None,
            source,
            ..
        } = &err
        else {
            panic!("{how:?}, write: expected an unknown outcome, got {err:?}");
        };
        assert!(expect(source), "{how:?}, write: unexpected {source:?}");
    } else {
        assert!(expect(&err), "{how:?}, write: unexpected {err:?}");
    }
    assert_eq!(
        server.requests("createTask"),
        1,
        "{how:?}: a write is sent once"
    );
    assert!(
        took < TIMEOUT + Duration::from_millis(500),
        "{how:?}: write took {took:?}"
    );
}

#[test]
fn closes_the_connection_mid_reply() {
    check(
        Misbehaviour::ClosesMidReply,
        |e| matches!(e, Error::Transport { .. }),
        true,
    );
}

#[test]
fn answers_502_with_an_html_page() {
    check(
        Misbehaviour::Html502,
        |e| matches!(e, Error::Http { status: 502, body_excerpt, .. } if body_excerpt.contains("502 Bad Gateway")),
        true,
    );
}

#[test]
fn sends_truncated_json() {
    check(
        Misbehaviour::TruncatedJson,
        |e| matches!(e, Error::Decode { .. }),
        false,
    );
}

#[test]
fn drips_bytes_slower_than_the_timeout() {
    check(
        Misbehaviour::DripsSlowerThanTimeout,
        |e| matches!(e, Error::Timeout { .. }),
        true,
    );
}

#[test]
fn answers_200_with_a_body_that_is_not_json() {
    check(
        Misbehaviour::NonJson200,
        |e| matches!(e, Error::Decode { body_excerpt, .. } if body_excerpt.contains("maintenance")),
        false,
    );
}

#[test]
fn answers_an_unknown_error_code() {
    check(
        Misbehaviour::UnknownErrorCode,
        |e| {
            matches!(e, Error::Api { code: ErrorCode::Unknown(777), message, .. } if message == "brand_new_error")
                && e.to_string()
                    .contains("777 (a code this SDK does not know): brand_new_error")
        },
        false,
    );
}

#[test]
fn answers_data_of_the_wrong_shape() {
    check(
        Misbehaviour::WrongShapeOfData,
        |e| matches!(e, Error::Decode { .. }) && e.to_string().contains("invalid type"),
        false,
    );
}

#[test]
fn never_answers() {
    check(
        Misbehaviour::NeverAnswers,
        |e| matches!(e, Error::Timeout { .. }),
        true,
    );
}
