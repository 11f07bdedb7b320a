//! The farm verifies requests the way the service does, over real HTTP with raw requests.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use render_api_mock::{Limits, MockFarm};
use render_sign::{HeaderSet, Nonce, Request};
use serde_json::Value;

const PLATFORMS: &str = "/api/render/common/queryPlatforms";

#[test]
fn a_correct_request_is_answered_with_the_envelope() {
    let farm = MockFarm::start().unwrap();
    let reply = call(&farm, PLATFORMS, r#"{"zone": 1}"#);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), 200);
    assert_eq!(reply.body["result"], true);
    assert_eq!(reply.body["version"], "1.0.0");
    assert!(reply.body["serverTime"].as_i64().unwrap() > 1_500_000_000_000);
    assert_eq!(reply.body["data"][0]["name"], "query_platform_w2");
}

#[test]
fn a_wrong_signature_is_611() {
    let farm = MockFarm::start().unwrap();
    let h = headers(&farm);
    let mut pairs: Vec<(&str, String)> = h.iter().map(|(n, v)| (n, v.to_owned())).collect();
    pairs.push((
        "signature",
        "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg=".into(),
    ));
    let reply = raw(
        &farm,
        &request_bytes(farm.host(), PLATFORMS, &pairs, br#"{"zone": 1}"#),
    );
    assert_eq!(reply.code(), 611, "{:?}", reply.body);
    assert_eq!(reply.body["result"], false);
}

#[test]
fn signed_for_another_host_or_path_is_rejected() {
    let farm = MockFarm::start().unwrap();
    let h = headers(&farm);
    let reply = send_signed_for(
        &farm,
        &h,
        "task.renderbus.com",
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(reply.code(), 611);
    let h = headers(&farm);
    let reply = send_signed_for(
        &farm,
        &h,
        farm.host(),
        "/api/render/task/getTransferServerMsg",
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(reply.code(), 611);
}

#[test]
fn a_timestamp_outside_the_window_is_610() {
    let farm = MockFarm::start().unwrap();
    for skew in [-301i64, 301, -86_400] {
        let h = HeaderSet::new(
            farm.access_id(),
            2,
            (now_secs() as i64 + skew) as u64,
            Nonce::random().unwrap(),
        );
        let reply = send_signed_for(
            &farm,
            &h,
            farm.host(),
            PLATFORMS,
            PLATFORMS,
            r#"{"zone": 1}"#,
        );
        assert_eq!(reply.code(), 610, "skew {skew}: {:?}", reply.body);
        assert!(reply.body["serverTime"].is_i64(), "610 carries serverTime");
    }
    // Inside the window is fine.
    let h = HeaderSet::new(
        farm.access_id(),
        2,
        now_secs() - 200,
        Nonce::random().unwrap(),
    );
    let reply = send_signed_for(
        &farm,
        &h,
        farm.host(),
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(reply.code(), 200);
}

#[test]
fn a_replayed_nonce_is_rejected() {
    let farm = MockFarm::start().unwrap();
    let h = headers(&farm);
    let first = send_signed_for(
        &farm,
        &h,
        farm.host(),
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(first.code(), 200);
    let replay = send_signed_for(
        &farm,
        &h,
        farm.host(),
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(replay.code(), 603, "{:?}", replay.body);
    assert!(replay.body["message"].as_str().unwrap().contains("replay"));
}

#[test]
fn each_missing_header_is_601() {
    let farm = MockFarm::start().unwrap();
    for missing in [
        "accessId",
        "channel",
        "platform",
        "UTCTimestamp",
        "nonce",
        "version",
        "signature",
    ] {
        let h = headers(&farm);
        let body: Value = serde_json::json!({"zone": 1});
        let signed = Request::new(farm.host(), PLATFORMS, &h, &body)
            .sign(&farm.credentials())
            .unwrap();
        let pairs: Vec<(&str, String)> = signed
            .iter()
            .filter(|(n, _)| *n != missing)
            .map(|(n, v)| (n, v.to_owned()))
            .collect();
        let reply = raw(
            &farm,
            &request_bytes(farm.host(), PLATFORMS, &pairs, br#"{"zone":1}"#),
        );
        assert_eq!(reply.code(), 601, "without {missing}: {:?}", reply.body);
        assert!(reply.body["message"].as_str().unwrap().contains(missing));
    }
}

#[test]
fn an_unknown_access_id_is_403() {
    let farm = MockFarm::start().unwrap();
    let h = HeaderSet::new("AKIDsomebodyelse", 2, now_secs(), Nonce::random().unwrap());
    let reply = send_signed_for(
        &farm,
        &h,
        farm.host(),
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 1}"#,
    );
    assert_eq!(reply.code(), 403);
}

#[test]
fn an_unknown_path_is_404() {
    let farm = MockFarm::start().unwrap();
    let reply = call(&farm, "/api/render/common/queryPlanets", r#"{"zone": 1}"#);
    assert_eq!((reply.status, reply.code()), (404, 404));
}

#[test]
fn bodies_that_are_not_json_or_have_wrong_types_are_600() {
    let farm = MockFarm::start().unwrap();
    // Not JSON at all: signed over `{}` so that only the body is wrong.
    let h = headers(&farm);
    let empty = serde_json::json!({});
    let signed = Request::new(farm.host(), PLATFORMS, &h, &empty)
        .sign(&farm.credentials())
        .unwrap();
    let pairs: Vec<(&str, String)> = signed.iter().map(|(n, v)| (n, v.to_owned())).collect();
    let reply = raw(
        &farm,
        &request_bytes(farm.host(), PLATFORMS, &pairs, b"zone=1"),
    );
    assert_eq!(reply.code(), 600, "{:?}", reply.body);
    // JSON, but the zone is a word.
    let reply = call(&farm, PLATFORMS, r#"{"zone": "mars"}"#);
    assert_eq!(reply.code(), 600, "{:?}", reply.body);
    // JSON, but a parameter of the wrong type.
    let reply = call(&farm, "/api/render/task/stopTask", r#"{"taskIds": "all"}"#);
    assert_eq!(reply.code(), 600, "{:?}", reply.body);
}

#[test]
fn a_missing_required_parameter_is_601() {
    let farm = MockFarm::start().unwrap();
    let reply = call(&farm, PLATFORMS, "{}");
    assert_eq!(reply.code(), 601, "{:?}", reply.body);
    assert!(reply.body["message"].as_str().unwrap().contains("zone"));
}

#[test]
fn escaped_bodies_and_any_header_spelling_verify() {
    let farm = MockFarm::start().unwrap();
    // The body escapes non-ASCII; the signature is over the values, as the service reads them.
    let h = headers(&farm);
    let reply = send_signed_for(
        &farm,
        &h,
        farm.host(),
        "/api/render/common/addLabel",
        "/api/render/common/addLabel",
        r#"{"newName": "\u8863\u5e3d\u95f4", "status": 0}"#,
    );
    assert_eq!(reply.code(), 200, "{:?}", reply.body);
    let labels = ok(&farm, "/api/render/common/getLabelList", "{}");
    assert_eq!(labels["projectNameList"][0]["projectName"], "衣帽间");
    // Header values as another client might spell them: a float timestamp, a quoted channel.
    let mut h = headers(&farm);
    h.utc_timestamp = format!("{}.0", now_secs());
    h.channel = "\"4\"".into();
    let reply = send_signed_for(
        &farm,
        &h,
        farm.host(),
        PLATFORMS,
        PLATFORMS,
        r#"{"zone": 2}"#,
    );
    assert_eq!(reply.code(), 200, "{:?}", reply.body);
}

fn farm_with_short_timeouts() -> MockFarm {
    MockFarm::builder()
        .limits(Limits {
            max_body: 1024,
            read_timeout: Duration::from_millis(300),
            ..Limits::default()
        })
        .start()
        .unwrap()
}

#[test]
fn http_abuse_gets_an_answer() {
    let farm = farm_with_short_timeouts();
    // Oversized body: refused by its Content-Length, before it is read.
    let big = vec![b' '; 4096];
    let reply = raw(&farm, &request_bytes(farm.host(), PLATFORMS, &[], &big));
    assert_eq!(reply.status, 413);
    assert_eq!(reply.code(), 600);
    // Wrong method.
    let reply = raw(
        &farm,
        format!(
            "GET {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            farm.host()
        )
        .as_bytes(),
    );
    assert_eq!((reply.status, reply.code()), (405, 603));
    // Wrong content type.
    let bytes = format!(
        "POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        farm.host()
    );
    let reply = raw(&farm, bytes.as_bytes());
    assert_eq!(reply.status, 415);
    // A chunked body over the limit: refused while it is read (no length to check first).
    let chunk = "x".repeat(700);
    let bytes = format!(
        "POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        farm.host(),
        chunk.len(),
        chunk.len()
    );
    let reply = raw(&farm, bytes.as_bytes());
    assert_eq!((reply.status, reply.code()), (413, 600));
    // Garbage.
    assert_eq!(raw(&farm, b"\x16\x03\x01 hello\r\n\r\n").status, 400);
    // The farm still serves correct requests.
    assert_eq!(call(&farm, PLATFORMS, r#"{"zone": 1}"#).code(), 200);
}

#[test]
fn truncated_and_slow_requests_get_an_answer_in_time() {
    let farm = farm_with_short_timeouts();
    // Truncated: the body stops short of its Content-Length and the client stops sending.
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    let head = format!(
        "POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"zone\"",
        farm.host()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 400);
    // Slow: headers, then nothing; answered 408 once the read timeout passes.
    let started = Instant::now();
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    let head = format!(
        "POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{{",
        farm.host()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 408);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(call(&farm, PLATFORMS, r#"{"zone": 1}"#).code(), 200);
}

#[test]
fn several_farms_run_at_once_and_stop_when_dropped() {
    let a = MockFarm::start().unwrap();
    let b = MockFarm::start().unwrap();
    assert_ne!(a.url(), b.url());
    assert_ne!(a.access_id(), b.access_id());
    // A's credentials are not B's.
    let h = headers(&a);
    let reply = send_signed_for(&b, &h, b.host(), PLATFORMS, PLATFORMS, r#"{"zone": 1}"#);
    assert_eq!(reply.code(), 403);
    let host = a.host().to_owned();
    drop(a);
    assert!(
        TcpStream::connect(&host).is_err(),
        "a dropped farm no longer listens"
    );
    assert!(!format!("{b:?}").contains(b.access_key()));
}

/// Both generations are served on one port over one state; a path answers only with the
/// `version` header of its generation (the header is signed), and the channel is the API's.
#[test]
fn path_version_and_channel_must_agree() {
    let farm = MockFarm::start().unwrap();
    let v1_path = "/api/render/user/queryUserProfile";
    let v2_path = "/api/render/setUp/queryUserProfile";
    // Fresh headers (and nonce) for each request.
    let v2 = || {
        let mut h = headers(&farm);
        h.version = "2.0.0".into();
        h
    };
    let reply = send_signed_for(&farm, &v2(), farm.host(), v2_path, v2_path, "{}");
    assert_eq!(reply.code(), 200, "{:?}", reply.body);
    assert_eq!(reply.body["version"], "2.0.0");
    // One state: a label added through version 1 is listed through version 2.
    ok(
        &farm,
        "/api/render/common/addLabel",
        r#"{"newName": "shared", "status": 0}"#,
    );
    let reply = send_signed_for(
        &farm,
        &v2(),
        farm.host(),
        "/api/render/project/getList",
        "/api/render/project/getList",
        "{}",
    );
    assert_eq!(
        reply.body["data"]["projectNameList"][0]["projectName"],
        "shared"
    );
    // A v2 path with the v1 header, and the reverse.
    let reply = call(&farm, v2_path, "{}");
    assert_eq!(reply.code(), 600);
    let message = reply.body["message"].as_str().unwrap();
    assert!(
        message.contains("is a path of API 2.0.0, but the version header says 1.0.0"),
        "{message}"
    );
    let reply = send_signed_for(&farm, &v2(), farm.host(), v1_path, v1_path, "{}");
    assert_eq!(reply.code(), 600);
    // A call version 1 lacks, asked of it by its v2 path with a v1 header.
    let reply = call(&farm, "/api/render/transfer/getConfig", "{}");
    assert_eq!(reply.code(), 600);
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .contains("API 1.0.0 has no such call")
    );
    // A version the API does not have.
    let mut v3 = headers(&farm);
    v3.version = "3.0.0".into();
    let reply = send_signed_for(&farm, &v3, farm.host(), v2_path, v2_path, "{}");
    assert_eq!(reply.code(), 600);
    // Another channel.
    let mut other = headers(&farm);
    other.channel = "7".into();
    let reply = send_signed_for(&farm, &other, farm.host(), v1_path, v1_path, "{}");
    assert_eq!(reply.code(), 600);
    assert!(reply.body["message"].as_str().unwrap().contains("channel"));
}

/// rayvision-api 0.4.4 sends restartFrame's task as `taskIds` (one id) and addLabel's
/// status sometimes as the string "0": both are accepted, as the service accepted them.
#[test]
fn the_official_clients_quirks_are_accepted() {
    let farm = MockFarm::start().unwrap();
    ok(
        &farm,
        "/api/render/common/addLabel",
        r#"{"newName": "quirk", "status": "0"}"#,
    );
    let created = ok(&farm, "/api/render/task/createTask", r#"{"count": 1}"#);
    let id = created["taskIdList"][0].as_i64().unwrap();
    ok(
        &farm,
        "/api/render/task/submitTask",
        &format!(r#"{{"taskId": {id}}}"#),
    );
    farm.farm().advance(std::time::Duration::from_secs(3600));
    ok(
        &farm,
        "/api/render/task/restartFrame",
        &format!(r#"{{"taskIds": {id}, "selectAll": 1, "ids": []}}"#),
    );
}

/// Clients in other languages send bodies chunked (no Content-Length): a signed request so
/// sent, in several chunks, is verified and answered like any other.
#[test]
fn a_chunked_body_is_accepted() {
    let farm = MockFarm::start().unwrap();
    let h = headers(&farm);
    let body_text = r#"{"zone": 1}"#;
    let body: serde_json::Value = serde_json::from_str(body_text).unwrap();
    let signed = render_sign::Request::new(farm.host(), PLATFORMS, &h, &body)
        .sign(&farm.credentials())
        .unwrap();
    let mut bytes = format!(
        "POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n",
        farm.host()
    );
    for (name, value) in signed.iter() {
        bytes.push_str(&format!("{name}: {value}\r\n"));
    }
    bytes.push_str("\r\n");
    for piece in [&body_text[..3], &body_text[3..7], &body_text[7..]] {
        bytes.push_str(&format!("{:x}\r\n{piece}\r\n", piece.len()));
    }
    bytes.push_str("0\r\n\r\n");
    let reply = raw(&farm, bytes.as_bytes());
    assert_eq!((reply.status, reply.code()), (200, 200), "{:?}", reply.body);
    assert_eq!(reply.body["data"][0]["platform"], 2);
}

/// How many connections this test may open, both ends in this process: a few thousand, or
/// what the open-file limit leaves room for.
fn connections_we_can_hold() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    3000.min(limit.saturating_sub(256) / 2)
}

/// Thousands of connections that send nothing, or half a head, and wait: the farm holds them
/// all (a task each, not a thread) and still answers a real signed request at once.
#[test]
fn thousands_of_idle_and_half_open_connections_do_not_delay_a_real_request() {
    // A long read timeout, so that no held connection is closed as idle during the test.
    let farm = MockFarm::builder()
        .limits(Limits {
            read_timeout: Duration::from_secs(120),
            ..Limits::default()
        })
        .start()
        .unwrap();
    let n = connections_we_can_hold();
    assert!(
        n >= 1000,
        "the open-file limit leaves room for only {n} connections"
    );
    let mut held = Vec::with_capacity(n);
    for i in 0..n {
        let mut stream = TcpStream::connect(farm.host()).unwrap();
        if i % 2 == 1 {
            // Half a head, then silence.
            stream
                .write_all(
                    b"POST /api/render/common/queryPlatforms HTTP/1.1\r\nHost: x\r\nContent-Le",
                )
                .unwrap();
        }
        held.push(stream);
    }
    // A real request on a fresh connection: answered (the test's socket gives up after 10 s,
    // so a farm too busy to answer fails here).
    let reply = call(&farm, PLATFORMS, r#"{"zone": 1}"#);
    assert_eq!((reply.status, reply.code()), (200, 200), "{:?}", reply.body);
    // Every held connection is still open: none was refused with a 503.
    for stream in &mut held[..10] {
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        let read = std::io::Read::read(stream, &mut byte);
        assert!(
            matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a held connection was answered or closed: {read:?}"
        );
    }
    drop(held);
}

/// The bytes of a signed keep-alive call of queryPlatforms.
fn keep_alive_call(farm: &MockFarm) -> Vec<u8> {
    let h = headers(farm);
    let body = r#"{"zone": 1}"#;
    let value: Value = serde_json::from_str(body).unwrap();
    let signed = Request::new(farm.host(), PLATFORMS, &h, &value)
        .sign(&farm.credentials())
        .unwrap();
    let pairs: Vec<(&str, String)> = signed.iter().map(|(n, v)| (n, v.to_owned())).collect();
    let bytes = request_bytes(farm.host(), PLATFORMS, &pairs, body.as_bytes());
    String::from_utf8(bytes)
        .unwrap()
        .replace("Connection: close\r\n", "")
        .into_bytes()
}

/// Reads until the farm closes the connection: how long that took, and whether it came within
/// `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Duration {
    use std::io::Read;
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut sink = [0u8; 1024];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return started.elapsed(),
            Err(e) => panic!("the farm did not close the connection within {limit:?}: {e}"),
        }
    }
}

#[test]
fn a_connection_silent_for_the_read_timeout_is_closed_and_a_busy_one_is_not() {
    // The read timeout is 300 ms.
    let farm = farm_with_short_timeouts();
    // Busy: requests 150 ms apart on one connection, outlasting the timeout together.
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let busy = Instant::now();
    for _ in 0..5 {
        stream.write_all(&keep_alive_call(&farm)).unwrap();
        let reply = read_reply(&mut stream);
        assert_eq!((reply.status, reply.code()), (200, 200));
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(busy.elapsed() > Duration::from_millis(600));
    // Then idle: closed once the timeout passes (not at once, and not never).
    let idle = closed_within(&mut stream, Duration::from_secs(5));
    assert!(idle >= Duration::from_millis(100), "closed after {idle:?}");
    // Half a head, then nothing: closed too.
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    stream
        .write_all(format!("POST {PLATFORMS} HTTP/1.1\r\nHost: {}\r\n", farm.host()).as_bytes())
        .unwrap();
    closed_within(&mut stream, Duration::from_secs(5));
    // A connection that never sends a byte: closed too.
    let mut stream = TcpStream::connect(farm.host()).unwrap();
    closed_within(&mut stream, Duration::from_secs(5));
    // The farm still serves.
    assert_eq!(call(&farm, PLATFORMS, r#"{"zone": 1}"#).code(), 200);
}
