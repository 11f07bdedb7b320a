//! The `renderbus` binary against an in-process farm: output, exit codes, messages.

use std::path::PathBuf;
use std::process::{Command, Output};

use render_api_mock::{FarmConfig, MockFarm};
use serde_json::Value;

/// A fast farm: a task renders in about 60 ms, so that waits end quickly.
fn farm(failing: &[usize]) -> MockFarm {
    farm_at(1200.0, failing)
}

/// A farm whose tasks take minutes, for tests that act on a task before it ends (on a busy
/// machine the fast farm can finish a task between two commands).
fn slow_farm() -> MockFarm {
    farm_at(1.0, &[])
}

fn farm_at(speed: f64, failing: &[usize]) -> MockFarm {
    MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 4,
            frame_seconds: 60,
            analyse_seconds: 10,
            nodes: 4,
            speed,
            failing_frames: failing.to_vec(),
            sub_account: false,
        })
        .start()
        .unwrap()
}

/// `renderbus` with a clean environment: no RENDERBUS_* from outside, no real profile.
fn clean_renderbus() -> Command {
    let home = std::env::temp_dir().join(format!("renderbus-home-{}", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renderbus"));
    cmd.env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

/// `renderbus ARGS` with a clean environment, against `farm` when there is one.
fn renderbus(farm: Option<&MockFarm>, args: &[&str]) -> Output {
    match farm {
        Some(farm) => renderbus_via(farm.url(), farm, args),
        None => clean_renderbus().args(args).output().unwrap(),
    }
}

/// The URL of a port nothing listens on: 127.0.0.1:9 (discard), below the ephemeral range, so
/// no farm a test running beside this one starts can take it (a port bound and released can
/// be, and a wait meant to meet an outage then met a farm).
fn closed_url() -> String {
    assert!(
        std::net::TcpStream::connect("127.0.0.1:9").is_err(),
        "something listens on 127.0.0.1:9"
    );
    "http://127.0.0.1:9".into()
}

/// Runs `command` with `input` on its stdin.
fn with_stdin(mut command: Command, input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn groups_run_their_calls_and_print_json() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let platforms = json(&renderbus(f, &["platform", "list", "--zone", "china"]));
    assert_eq!(platforms[0]["name"], "query_platform_w2");
    assert_eq!(
        json(&renderbus(f, &["user", "profile"]))["userName"],
        "rayvision"
    );
    assert_eq!(
        json(&renderbus(f, &["user", "settings"]))["taskOverTime"],
        12
    );

    let created = json(&renderbus(f, &["task", "create", "--count", "2"]));
    let id = created["taskIdList"][0].as_i64().unwrap().to_string();
    // A write prints what it did, for scripts: not `null`.
    let submitted = json(&renderbus(f, &["task", "submit", &id]));
    assert_eq!(submitted["ok"], true);
    assert_eq!(submitted["call"], "submitTask");
    assert_eq!(submitted["taskId"].to_string(), id);
    let listed = json(&renderbus(
        f,
        &["task", "list", "--status", "analyse,rendering"],
    ));
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"].to_string(), id);
    let info = json(&renderbus(f, &["task", "info", &id]));
    assert_eq!(info["items"][0]["id"].to_string(), id);

    assert_eq!(
        json(&renderbus(f, &["label", "add", "myLabel", "--status", "0"]))["newName"],
        "myLabel"
    );
    assert_eq!(
        json(&renderbus(f, &["label", "list"]))["projectNameList"][0]["projectName"],
        "myLabel"
    );
    let plugins = json(&renderbus(
        f,
        &[
            "software",
            "plugins",
            "--cg-id",
            "maya",
            "--os-name",
            "linux",
        ],
    ));
    assert_eq!(plugins["cgVersion"][0]["cgVersion"], "2020");
    // API 1.0.0 has no osName; API 2.0.0 requires it. Both are told before anything is sent.
    let v1 = json(&renderbus(
        f,
        &[
            "--api-version",
            "1",
            "software",
            "plugins",
            "--cg-id",
            "maya",
        ],
    ));
    assert_eq!(v1, plugins);
    let out = renderbus(f, &["software", "plugins", "--cg-id", "maya"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--os-name is required") && err.contains("API 2.0.0"),
        "{err}"
    );
    let out = renderbus(
        f,
        &[
            "--api-version",
            "1",
            "software",
            "plugins",
            "--cg-id",
            "maya",
            "--os-name",
            "linux",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--os-name is not a parameter") && err.contains("API 1.0.0"),
        "{err}"
    );
    let added = json(&renderbus(
        f,
        &[
            "env",
            "add",
            "--edit-name",
            "mine",
            "--cg-id",
            "maya",
            "--cg-name",
            "Maya",
            "--cg-version",
            "2020",
            "--render-layer-type",
            "0",
            "--render-system",
            "linux",
            "--plugin-ids",
            "1166",
        ],
    ));
    assert_eq!(added["editName"], "mine");
    let envs = json(&renderbus(f, &["env", "list", "--cg-id", "2000"]));
    assert!(
        envs.as_array()
            .unwrap()
            .iter()
            .any(|e| e["editName"] == "mine")
    );
    assert_eq!(
        json(&renderbus(f, &["transfer", "bid"]))["config_bid"],
        "30201"
    );
    assert_eq!(
        json(&renderbus(f, &["transfer", "server", "--zone", "overseas"]))["raysyncTransfer"]["sslPort"],
        2543
    );
    let detail = json(&renderbus(
        f,
        &["error", "detail", "15000", "--language", "english"],
    ));
    assert_eq!(detail[0]["languageFlag"], 1);
    let stats = json(&renderbus(f, &["frames", "stats"]));
    let parts: i64 = [
        "executingFramesTotal",
        "doneFramesTotal",
        "failedFramesTotal",
        "waitingFramesTotal",
    ]
    .iter()
    .map(|k| stats[k].as_i64().unwrap())
    .sum();
    assert_eq!(stats["totalFrames"].as_i64(), Some(parts), "{stats}");
}

#[test]
fn task_wait_exits_0_when_a_task_finishes_and_6_when_it_fails() {
    let ok_farm = farm(&[]);
    let created = json(&renderbus(
        Some(&ok_farm),
        &["task", "create", "--count", "1"],
    ));
    let id = created["taskIdList"][0].as_i64().unwrap().to_string();
    json(&renderbus(Some(&ok_farm), &["task", "submit", &id]));
    let out = renderbus(Some(&ok_farm), &["task", "wait", &id, "--interval", "0.5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["taskStatus"], 25);

    let bad_farm = farm(&[2]);
    let created = json(&renderbus(
        Some(&bad_farm),
        &["task", "create", "--count", "1"],
    ));
    let id = created["taskIdList"][0].as_i64().unwrap().to_string();
    json(&renderbus(Some(&bad_farm), &["task", "submit", &id]));
    let out = renderbus(Some(&bad_farm), &["task", "wait", &id, "--interval", "0.5"]);
    assert_eq!(out.status.code(), Some(6));
    let err = stderr(&out);
    assert!(
        err.contains("finished-has-failed") && err.contains("3 of 4 frames done, 1 failed"),
        "{err}"
    );

    // Stopped: 8; abandoned: 9 (`renderbus --help` lists every code).
    let slow = slow_farm();
    let created = json(&renderbus(Some(&slow), &["task", "create", "--count", "2"]));
    let ids: Vec<String> = created["taskIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap().to_string())
        .collect();
    for id in &ids {
        json(&renderbus(Some(&slow), &["task", "submit", id]));
    }
    json(&renderbus(Some(&slow), &["task", "stop", &ids[0]]));
    json(&renderbus(Some(&slow), &["task", "abort", &ids[1]]));
    let out = renderbus(Some(&slow), &["task", "wait", &ids[0], "--interval", "0.5"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let out = renderbus(Some(&slow), &["task", "wait", &ids[1], "--interval", "0.5"]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));

    // A task that does not move: --wait-timeout ends the wait with 10.
    let still = MockFarm::builder()
        .farm(FarmConfig::frozen())
        .start()
        .unwrap();
    let created = json(&renderbus(
        Some(&still),
        &["task", "create", "--count", "1"],
    ));
    let id = created["taskIdList"][0].as_i64().unwrap().to_string();
    let out = renderbus(
        Some(&still),
        &[
            "task",
            "wait",
            &id,
            "--interval",
            "0.5",
            "--wait-timeout",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not end within"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_codes_and_messages_tell_what_went_wrong() {
    let farm = farm(&[]);
    // The service's error: 3, with the code's name.
    let out = renderbus(Some(&farm), &["label", "delete", "nope"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("404 RESOURCE_NOT_FOUND"),
        "{}",
        stderr(&out)
    );
    // A bad argument: clap's usage error, 2, naming the accepted values.
    let out = renderbus(Some(&farm), &["platform", "list", "--zone", "mars"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected one of china, overseas"),
        "{}",
        stderr(&out)
    );
    // Nothing listening: 4.
    let url = closed_url();
    let out = renderbus(
        Some(&farm),
        &["--host", &url, "--retries", "0", "user", "profile"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    // A server that never answers: --timeout bounds the whole call, retries included, and
    // the message says how long it waited and how many attempts it made.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(20).flatten() {
            open.push(stream);
        }
    });
    let started = std::time::Instant::now();
    let out = renderbus(
        Some(&farm),
        &[
            "--host",
            &url,
            "--timeout",
            "1",
            "--retries",
            "5",
            "user",
            "profile",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let err = stderr(&out);
    assert!(err.contains("no complete answer within 1."), "{err}");
    assert!(err.contains("attempt"), "{err}");
    drop(held);
    // No credentials: 5, saying where they may come from.
    let out = renderbus(None, &["user", "profile"]);
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(
        err.contains("no access id")
            && err.contains("RENDERBUS_ACCESS_ID")
            && err.contains("--access-id"),
        "{err}"
    );
    // An empty variable is a missing one: 5, not a call signed with an empty key.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_renderbus"));
    let out = cmd
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("RENDERBUS_HOST", farm.url())
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", "")
        .args(["user", "profile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("no access key"), "{}", stderr(&out));
    // The wrong key: 3, with advice, and the key is not echoed.
    let out = renderbus(
        None,
        &[
            "--host",
            farm.url(),
            "--access-id",
            farm.access_id(),
            "--access-key",
            "wrong-key-value",
            "user",
            "profile",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("611 SIGNATURE_INVALID") && err.contains("renderbus sign"),
        "{err}"
    );
    assert!(!err.contains("wrong-key-value"), "{err}");
}

#[test]
fn sign_prints_the_string_to_sign_but_never_the_key() {
    let farm = farm(&[]);
    let out = renderbus(
        Some(&farm),
        &[
            "sign",
            "--path",
            "/api/render/common/queryPlatforms",
            "--body",
            r#"{"zone":2}"#,
            "--timestamp",
            "1535957371",
            "--nonce",
            "11886",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success());
    // The version header is signed: API 2.0.0 unless --api-version says otherwise.
    let expected = |version: &str| {
        format!(
            "string to sign: [POST]{}:/api/render/common/queryPlatforms&UTCTimestamp=1535957371&accessId={}&channel=4&nonce=11886&platform=2&version={version}&zone=2",
            farm.host(),
            farm.access_id()
        )
    };
    assert!(text.contains(&expected("2.0.0")), "{text}");
    let out = renderbus(
        Some(&farm),
        &[
            "--api-version",
            "1",
            "sign",
            "--path",
            "/api/render/common/queryPlatforms",
            "--body",
            r#"{"zone":2}"#,
            "--timestamp",
            "1535957371",
            "--nonce",
            "11886",
        ],
    );
    let v1 = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(v1.contains(&expected("1.0.0")), "{v1}");
    assert!(text.contains("signature:"), "{text}");
    assert!(!text.contains(farm.access_key()), "{text}");
}

/// The generation comes from the flag, else `RENDERBUS_API_VERSION`, else the profile.
#[test]
fn the_api_version_comes_from_flag_environment_or_profile() {
    let farm = farm(&[]);
    let dir = std::env::temp_dir().join(format!("renderbus-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file: PathBuf = dir.join("config.toml");
    std::fs::write(&file, "[profile.default]\napi_version = \"1\"\n").unwrap();
    let signed = |extra_env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_renderbus"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RENDERBUS_CONFIG", &file)
            .env("RENDERBUS_HOST", farm.url())
            .env("RENDERBUS_ACCESS_ID", farm.access_id())
            .env("RENDERBUS_ACCESS_KEY", farm.access_key());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).arg("sign").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(signed(&[], &[]).contains("version=1.0.0"), "the profile's");
    assert!(signed(&[("RENDERBUS_API_VERSION", "2")], &[]).contains("version=2.0.0"));
    assert!(
        signed(&[("RENDERBUS_API_VERSION", "2")], &["--api-version", "1"])
            .contains("version=1.0.0")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn profiles_and_the_embedded_farm() {
    let farm = farm(&[]);
    let dir = std::env::temp_dir().join(format!("renderbus-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file: PathBuf = dir.join("config.toml");
    std::fs::write(
        &file,
        format!(
            "[profile.ci]\naccess_id = \"{}\"\naccess_key = \"{}\"\nhost = \"{}\"\n",
            farm.access_id(),
            farm.access_key(),
            farm.url()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("RENDERBUS_CONFIG", &file)
        .args(["--profile", "ci", "user", "profile"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["userId"], 10001136);
    let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("RENDERBUS_CONFIG", &file)
        .args(["--profile", "nope", "user", "profile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("no [profile.nope]"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).ok();

    // --mock needs no credentials at all.
    let out = renderbus(None, &["--mock", "platform", "list", "--zone", "overseas"]);
    assert_eq!(json(&out)[0]["platform"], 9);
}

#[test]
fn the_demo_runs_a_whole_render() {
    let out = renderbus(None, &["demo", "--speed", "600", "--output", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ended finished-has-failed (7 done, 1 failed)"),
        "{text}"
    );
    assert!(text.contains("ended finished (8 done, 0 failed)"), "{text}");
    // The frames are filed under the task's render layer, and the demo says why.
    assert!(
        text.contains("is not a mistake: the analysis split task 19084 into render"),
        "{text}"
    );
}

/// The embedded farm renders the job it was given: examples/jobs/maya-shot.toml (Maya, frames
/// 1-100, project shot010) becomes that task, not a made-up 3ds Max scene of 10 frames.
#[test]
fn the_embedded_farm_renders_the_submitted_job() {
    let job = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/jobs/maya-shot.toml");
    let out = renderbus(
        None,
        &[
            "--mock",
            "-q",
            "submit",
            job.to_str().unwrap(),
            "--wait",
            "--interval",
            "0.5",
            "-o",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let task = json(&out);
    assert_eq!(task["sceneName"], "shot010_lighting_v003.mb");
    assert_eq!(task["cgId"], 2000, "Maya");
    assert_eq!(task["totalFrames"], 100);
    assert_eq!(task["framesRange"], "1-100");
    assert_eq!(task["projectName"], "shot010");
}

/// A relay to `farm` that changes the replies of some paths, as a server that disagrees with
/// the spec would answer.
fn misbehaving_relay(farm: &MockFarm, change: fn(&str, &mut Value)) -> String {
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = farm.host().to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                let Some(request) = render_api_mock::testing::read_http_request(&mut stream) else {
                    return;
                };
                let head = String::from_utf8_lossy(&request).to_string();
                let path = head.split(' ').nth(1).unwrap_or("").to_owned();
                let mut farm = TcpStream::connect(&upstream).unwrap();
                farm.write_all(&request).unwrap();
                // The farm's reply: its head, then Content-Length bytes (the helper reads any
                // HTTP/1.1 message so framed).
                let reply = render_api_mock::testing::read_http_request(&mut farm)
                    .expect("the farm answers");
                let body_start = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let mut body: Value = serde_json::from_slice(&reply[body_start..]).unwrap();
                change(&path, &mut body);
                let body = serde_json::to_vec(&body).unwrap();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    url
}

/// `conform` is clean against the mock farm, and reports each planted disagreement by endpoint
/// and JSON path: a field of the wrong type, a code the enum does not know, a required field
/// dropped, a field renamed.
#[test]
fn conform_is_clean_on_the_farm_and_catches_planted_faults() {
    let farm = farm(&[]);
    for api in ["1", "2"] {
        let out = renderbus(
            Some(&farm),
            &["--output", "json", "--api-version", api, "conform"],
        );
        let report = json(&out);
        assert_eq!(
            report["findings"],
            serde_json::json!([]),
            "API {api}: {report}"
        );
        assert_eq!(
            report["endpoints_called"].as_array().unwrap().len(),
            report["endpoints_total"].as_u64().unwrap() as usize,
            "API {api}: every endpoint is called"
        );
    }
    let url = misbehaving_relay(&farm, |path, body| match path {
        "/api/render/setUp/queryUserProfile" => body["data"]["userId"] = "10001136".into(),
        "/api/render/handle/getTaskList/v2" => {
            if let Some(task) = body["data"]["items"].get_mut(0) {
                task["taskStatus"] = 999.into();
            }
        }
        "/api/render/common/queryPlatforms" => {
            body["data"][0].as_object_mut().unwrap().remove("platform");
        }
        "/api/render/project/getList" => {
            let list = body["data"]
                .as_object_mut()
                .unwrap()
                .remove("projectNameList")
                .unwrap();
            body["data"]["projectNames"] = list;
        }
        _ => {}
    });
    let out = renderbus(Some(&farm), &["--output", "json", "conform", "--url", &url]);
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let has = |endpoint: &str, path: &str| {
        findings
            .iter()
            .any(|f| f["endpoint"] == endpoint && f["path"] == path)
    };
    assert!(has("queryUserProfile", "$.data.userId"), "{findings:#?}");
    assert!(
        has("getTaskList", "$.data.items[0].taskStatus"),
        "{findings:#?}"
    );
    assert!(has("queryPlatforms", "$.data[0].platform"), "{findings:#?}");
    assert!(has("getLabelList", "$.data.projectNames"), "{findings:#?}");
    assert!(
        has("getLabelList", "$.data.projectNameList"),
        "{findings:#?}"
    );
    let unknown = findings
        .iter()
        .find(|f| f["path"] == "$.data.items[0].taskStatus")
        .unwrap();
    assert_eq!(unknown["got"], "999");
    assert!(
        unknown["expected"]
            .as_str()
            .unwrap()
            .starts_with("a code of TaskStatus")
    );
}

/// Comma-separated ids where help says so, and a write's result (not `null`) as YAML with -o.
#[test]
fn lists_take_commas_and_writes_print_what_they_did() {
    let farm = slow_farm();
    let f = Some(&farm);
    // Comma-separated ids, and a write's result as YAML with -o.
    let more = json(&renderbus(f, &["task", "create", "--count", "2"]));
    let more: Vec<String> = more["taskIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    for id in &more {
        json(&renderbus(f, &["task", "submit", id]));
    }
    let stopped = renderbus(f, &["-o", "yaml", "task", "stop", &more.join(",")]);
    let text = String::from_utf8_lossy(&stopped.stdout);
    assert!(
        text.contains("ok: true") && text.contains("call: stopTask"),
        "{text}"
    );
    assert!(
        text.contains(&format!("- {}\n- {}", more[0], more[1])),
        "{text}"
    );
}

#[test]
fn task_get_prints_the_task_itself() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let created = json(&renderbus(f, &["task", "create", "--count", "1"]));
    let id = created["taskIdList"][0].to_string();
    json(&renderbus(f, &["task", "submit", &id]));
    let task = json(&renderbus(f, &["task", "get", &id]));
    assert_eq!(task["id"].to_string(), id, "{task}");
    assert!(task.get("items").is_none(), "a task, not a page: {task}");
    let missing = renderbus(f, &["task", "get", "424242"]);
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("424242"), "{}", stderr(&missing));
}

#[test]
fn completions_and_man_pages_cover_the_generated_commands() {
    let bash = renderbus(None, &["completions", "bash"]);
    assert!(bash.status.success(), "{}", stderr(&bash));
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("complete -F"),
        "not a bash completion script"
    );
    // Generated commands and their flags are completed.
    assert!(script.contains("restart-failed") && script.contains("--status-list"));
    let zsh = renderbus(None, &["completions", "zsh"]);
    assert!(String::from_utf8_lossy(&zsh.stdout).starts_with("#compdef renderbus"));
    assert_eq!(
        renderbus(None, &["completions", "tcsh"]).status.code(),
        Some(2)
    );

    let page = renderbus(None, &["man"]);
    let roff = String::from_utf8_lossy(&page.stdout);
    assert!(roff.contains(".TH renderbus 1"), "{roff}");
    assert!(
        roff.contains("RENDERBUS_HOST"),
        "the environment is documented"
    );
    let dir = std::env::temp_dir().join(format!("renderbus-man-{}", std::process::id()));
    let out = renderbus(None, &["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = std::fs::read_to_string(dir.join("renderbus-task-list.1")).unwrap();
    assert!(list.contains("\\-\\-status"), "{list}");
    let wait = std::fs::read_to_string(dir.join("renderbus-task-wait.1")).unwrap();
    assert!(
        wait.contains("10 \\-\\-wait\\-timeout ran out"),
        "task wait's own exit codes: {wait}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn verbose_and_debug_trace_to_stderr_without_secrets_and_quiet_is_quiet() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let out = renderbus(f, &["--debug", "platform", "list", "--zone", "china"]);
    let log = stderr(&out);
    assert!(out.status.success(), "{log}");
    // stdout stays the result alone.
    assert_eq!(json(&out)[0]["platform"], 2);
    assert!(
        log.contains("sending") && log.contains("queryPlatforms"),
        "{log}"
    );
    assert!(log.contains("call succeeded"), "{log}");
    assert!(log.contains("\"signature\", \"** redacted **\""), "{log}");
    assert!(!log.contains(farm.access_key()), "the key leaked: {log}");

    let out = renderbus(f, &["-v", "platform", "list", "--zone", "china"]);
    let log = stderr(&out);
    assert!(
        log.contains("call succeeded") && !log.contains("sending"),
        "{log}"
    );
    // Nothing by default, and RUST_LOG chooses when set.
    let out = renderbus(f, &["platform", "list", "--zone", "china"]);
    assert_eq!(stderr(&out), "");
    let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("RUST_LOG", "render_api_client=debug")
        .args(["--mock", "platform", "list", "--zone", "china"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("sending"), "{}", stderr(&out));
    let out = renderbus(f, &["-q", "platform", "list", "--zone", "china"]);
    assert_eq!(stderr(&out), "");
    assert!(renderbus(f, &["-q", "-v", "user", "profile"]).status.code() == Some(2));
}

#[test]
fn configure_writes_a_private_profile_from_stdin_and_keeps_the_rest() {
    let farm = farm(&[]);
    let dir = std::env::temp_dir().join(format!("renderbus-configure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sub").join("config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        "# my farms\n[profile.other]\naccess_id = \"x\" # keep me\naccess_key = \"y\"\n",
    )
    .unwrap();
    let configure = |profile: &str, answers: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_renderbus"));
        command.env_clear().env("RENDERBUS_CONFIG", &file).args([
            "--profile",
            profile,
            "configure",
        ]);
        with_stdin(command, answers.as_bytes())
    };
    let answers = format!(
        "{}\n{}\n{}\n\n\n",
        farm.access_id(),
        farm.access_key(),
        farm.url()
    );
    let out = configure("ci", &answers);
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(json(&out)["profile"], "ci");
    // From a pipe too, each question is shown, in the order the help gives.
    let questions: Vec<&str> = ["Access id", "Access key", "Host", "Platform", "API version"]
        .into_iter()
        .filter(|q| stderr(&out).contains(q))
        .collect();
    assert_eq!(questions.len(), 5, "{}", stderr(&out));
    let help = renderbus(None, &["configure", "--help"]);
    assert!(
        String::from_utf8_lossy(&help.stdout)
            .contains("access id, access key, host, platform, API version"),
        "the help gives the order of the answers"
    );
    assert!(
        !printed.contains(farm.access_key()),
        "the key was printed: {printed}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("# my farms") && text.contains("\"x\" # keep me"),
        "{text}"
    );
    assert!(
        text.contains("[profile.ci]") && text.contains("platform = \"2\""),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
    }
    // The profile works, and an empty answer keeps the current value (the key included).
    let profile = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_renderbus"))
            .env_clear()
            .env("RENDERBUS_CONFIG", &file)
            .args(["--profile", name, "user", "profile"])
            .output()
            .unwrap()
    };
    assert_eq!(json(&profile("ci"))["userId"], 10001136);
    let out = configure("ci", "\n\n\n7\n\n");
    json(&out);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("platform = \"7\""), "{text}");
    assert!(text.contains(farm.access_key()), "the key was kept");
    // Bad answers are usage errors, and the file is left alone.
    let out = configure("ci", "\n\n\nseven\n\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("seven"), "{}", stderr(&out));
    let out = configure("fresh", "AKID\n\n\n\n\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("access key is needed"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn all_walks_every_page_of_a_list() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let created = json(&renderbus(f, &["task", "create", "--count", "5"]));
    for id in created["taskIdList"].as_array().unwrap() {
        json(&renderbus(f, &["task", "submit", &id.to_string()]));
    }
    let page = json(&renderbus(f, &["task", "list", "--page-size", "2"]));
    let total = page["total"].as_u64().unwrap();
    assert!(total >= 5, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    let all = json(&renderbus(
        f,
        &["task", "list", "--page-size", "2", "--all"],
    ));
    let all = all.as_array().expect("--all prints one list");
    assert_eq!(all.len() as u64, total);
    let mut ids: Vec<i64> = all.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "no task twice");
    // Lists that are not paged have no --all.
    let out = renderbus(f, &["label", "list", "--all"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_arguments_come_inline_from_a_file_or_from_stdin() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let id = json(&renderbus(f, &["task", "create", "--count", "1"]))["taskIdList"][0].to_string();
    let dir = std::env::temp_dir().join(format!("renderbus-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("task.json");
    std::fs::write(&file, "{\"software_config\": {\"cg_name\": \"Maya\"}}\n").unwrap();
    let at = format!("@{}", file.display());
    let args = [
        "task",
        "upload-json",
        &id,
        "--file-name",
        "task",
        "--content",
    ];
    let sent = json(&renderbus(f, &[&args[..], &[at.as_str()]].concat()));
    assert_eq!(sent["ok"], true);
    assert!(
        sent["content"]
            .as_str()
            .unwrap()
            .contains("\"cg_name\": \"Maya\""),
        "{sent}"
    );

    let mut command = Command::new(env!("CARGO_BIN_EXE_renderbus"));
    command
        .env_clear()
        .env("RENDERBUS_HOST", farm.url())
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", farm.access_key())
        .args([&args[..], &["-"]].concat());
    let sent = json(&with_stdin(command, b"{\"from\": \"stdin\"}"));
    assert_eq!(sent["content"], "{\"from\": \"stdin\"}");

    // Not JSON: a usage error naming the file and the place, and nothing is sent.
    std::fs::write(&file, "{\n  \"a\": 1,\n  oops\n}\n").unwrap();
    let before = farm.attempts("taskJsonFile");
    let out = renderbus(f, &[&args[..], &[at.as_str()]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("task.json is not JSON: line 3, column 3"),
        "{}",
        stderr(&out)
    );
    assert_eq!(farm.attempts("taskJsonFile"), before);

    // `sign --body` reads files too.
    std::fs::write(&file, "{\"zone\": 1}").unwrap();
    let out = renderbus(
        f,
        &["sign", "--body", &at, "--timestamp", "1", "--nonce", "2"],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("zone=1"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `mock serve` never takes the user's real credentials (environment or profile) as its own,
/// and never prints a key it did not make up.
#[test]
fn mock_serve_makes_up_its_own_credentials_and_never_prints_a_given_key() {
    use std::io::{BufRead, BufReader};
    let dir = std::env::temp_dir().join(format!("renderbus-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "[profile.default]\naccess_id = \"PROFILE-ID\"\naccess_key = \"profile-secret-key\"\n",
    )
    .unwrap();
    /// The server, stopped when the test ends, passed or not.
    struct Serving(std::process::Child);
    impl Drop for Serving {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // Starts `mock serve`, answers what it printed before serving and the farm's URL.
    let serve = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_renderbus"))
            .env_clear()
            .env("RENDERBUS_CONFIG", &config)
            .env("RENDERBUS_ACCESS_ID", "REAL-ID")
            .env("RENDERBUS_ACCESS_KEY", "real-secret-key")
            .args([&["mock", "serve", "--port", "0"], extra].concat())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = String::new();
        // Up to its closing "(… press Ctrl-C to stop)" line.
        for line in lines.by_ref() {
            let line = line.unwrap();
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with('(') {
                break;
            }
        }
        let url = printed
            .lines()
            .find_map(|l| l.strip_prefix("RENDERBUS_HOST="))
            .unwrap()
            .to_owned();
        (Serving(child), printed, url)
    };
    let call = |url: &str, id: &str, key: &str| {
        Command::new(env!("CARGO_BIN_EXE_renderbus"))
            .env_clear()
            .env("RENDERBUS_CONFIG", "/nonexistent")
            .env("RENDERBUS_HOST", url)
            .env("RENDERBUS_ACCESS_ID", id)
            .env("RENDERBUS_ACCESS_KEY", key)
            .args(["--retries", "0", "platform", "list", "--zone", "china"])
            .output()
            .unwrap()
    };

    let (served, printed, url) = serve(&[]);
    for secret in [
        "REAL-ID",
        "real-secret-key",
        "PROFILE-ID",
        "profile-secret-key",
    ] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }
    let id = printed
        .lines()
        .find_map(|l| l.strip_prefix("RENDERBUS_ACCESS_ID="))
        .unwrap();
    let key = printed
        .lines()
        .find_map(|l| l.strip_prefix("RENDERBUS_ACCESS_KEY="))
        .unwrap();
    assert!(
        call(&url, id, key).status.success(),
        "its own credentials work"
    );
    assert_eq!(
        call(&url, "REAL-ID", "real-secret-key").status.code(),
        Some(3),
        "the user's are not its own"
    );
    drop(served);

    // Credentials given on its own flags: accepted, the key never printed.
    let (_served, printed, url) = serve(&[
        "--farm-access-id",
        "FARM-ID",
        "--farm-access-key",
        "farm-secret-key",
    ]);
    assert!(printed.contains("RENDERBUS_ACCESS_ID=FARM-ID"), "{printed}");
    assert!(
        !printed.contains("farm-secret-key") && !printed.contains("real-secret-key"),
        "{printed}"
    );
    assert!(call(&url, "FARM-ID", "farm-secret-key").status.success());
    drop(_served);

    // The key from a file (or RENDERBUS_FARM_ACCESS_KEY), kept out of `ps`; never printed.
    let key_file = dir.join("farm.key");
    std::fs::write(&key_file, "file-secret-key\n").unwrap();
    let (_served, printed, url) = serve(&[
        "--farm-access-id",
        "FILE-ID",
        "--farm-access-key-file",
        key_file.to_str().unwrap(),
    ]);
    assert!(!printed.contains("file-secret-key"), "{printed}");
    assert!(call(&url, "FILE-ID", "file-secret-key").status.success());
    drop(_served);

    // Another address when asked, with a warning that a fake farm is then reachable.
    let mut child = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .args(["mock", "serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("0.0.0.0"), "{first}");
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("warning") && warned.contains("other machines"),
        "{warned}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A server that answers every request with `reply`, byte for byte, until dropped.
fn stub_server(reply: Vec<u8>) -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    use std::io::Write as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        // One request per example: the CLI sends one call (reads are not retried on success).
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = render_api_mock::testing::read_http_request(&mut stream);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&reply);
        }
    });
    (url, handle)
}

/// Every reply example of both API documents that the spec does not record as disagreeing,
/// answered verbatim by a stub server, comes out of `renderbus api NAME -o json` with exit 0
/// and its data as the document shows it: every field, with its value, `null`s included.
#[test]
fn every_documented_reply_comes_out_of_renderbus_api_whole() {
    let spec_text = include_str!("../src/generated/api-spec.yaml");
    let spec = render_spec::parse("api-spec.yaml", spec_text).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/examples");
    let mut checked = 0;
    for (file, api, generation) in [("v1-document", "1", "v1"), ("v2-document", "2", "v2")] {
        let text = std::fs::read_to_string(root.join(format!("{file}.json")))
            .expect("the extracted examples (cargo xtask examples)");
        let doc: Value = serde_json::from_str(&text).unwrap();
        let g = spec.generation_named(generation).unwrap();
        for example in doc["examples"].as_array().unwrap() {
            if example["kind"] != "reply" {
                continue;
            }
            let name = example["endpoint"].as_str().unwrap();
            let id = format!("{file}:{}", example["line"]);
            let ep = spec.endpoint(name).unwrap();
            if ep.disagreements.iter().any(|d| d.example == id) {
                continue;
            }
            // The spec's example request of this generation, else of another one.
            let body = ep
                .examples
                .iter()
                .filter(|x| x.generation == g)
                .chain(&ep.examples)
                .find_map(|x| x.request.clone())
                .unwrap_or_else(|| serde_json::json!({}));
            let reply = serde_json::to_vec(&example["json"]).unwrap();
            let (addr, server) = stub_server(reply);
            let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
                .env_clear()
                .env("HOME", std::env::temp_dir())
                .env("RENDERBUS_HOST", format!("http://{addr}"))
                .env("RENDERBUS_ACCESS_ID", "AKID")
                .env("RENDERBUS_ACCESS_KEY", "key")
                .args(["--api-version", api, "-o", "json", "api", name, "--body"])
                .arg(body.to_string())
                .output()
                .unwrap();
            // A command that sent nothing leaves the server waiting: end its wait.
            let _ = std::net::TcpStream::connect(addr);
            server.join().unwrap();
            assert!(
                out.status.success(),
                "{id} {name}: exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
            let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                printed, example["json"]["data"],
                "{id} {name}: the data printed is not the data sent"
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} reply examples checked");
}

/// `renderbus api`: a body that does not fit the typed request, or an unknown name, is exit 2
/// naming the JSON path (or the nearest names), and nothing is sent; a write prints the
/// service's acknowledgement as the document shows it.
#[test]
fn api_refuses_what_does_not_fit_before_sending_and_writes_show_their_ack() {
    let farm = MockFarm::start().unwrap();
    let f = Some(&farm);
    let out = renderbus(f, &["api", "getTasklist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`getTaskList`"));
    let out = renderbus(
        f,
        &["api", "stopTask", "--body", r#"{"taskIds": [1, "x"]}"#],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("$.taskIds[1]"));
    let out = renderbus(
        f,
        &["api", "stopTask", "--body", r#"{"taskIds": [1], "foo": 2}"#],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("$.foo"));
    assert_eq!(farm.attempts("stopTask"), 0, "nothing was sent");
    let created = json(&renderbus(
        f,
        &["api", "createTask", "--body", r#"{"count": 1}"#],
    ));
    let id = created["taskIdList"][0].to_string();
    let done = json(&renderbus(
        f,
        &["task", "set-overtime", &id, "--over-time", "7200"],
    ));
    assert_eq!(done["ok"], true);
    assert_eq!(
        done["ack"], "SUCCESS",
        "the v2 document's acknowledgement: {done}"
    );
}

/// New users' rough edges (#24): values checked where they are read, with the flag's own name;
/// completions that offer an enum's names; `task wait`'s own exit codes in its help; a reader
/// that stops reading ends the program quietly.
#[test]
fn values_are_checked_with_their_own_flag_and_help_tells_each_command_its_exit_codes() {
    let farm = MockFarm::start().unwrap();
    let f = Some(&farm);
    let stderr = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let out = renderbus(f, &["--timeout", "0", "task", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--timeout") && stderr(&out).contains("at least 1 second"));
    let out = renderbus(f, &["--platform", "abc", "task", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'abc' for '--platform"),
        "{}",
        stderr(&out)
    );
    let out = renderbus(f, &["task", "list", "--status", "renderin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'--status"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("status-list"), "{}", stderr(&out));
    assert_eq!(farm.attempts("getTaskList"), 0, "nothing was sent");
    // The wire's name still works, and numeric codes too.
    let out = renderbus(f, &["task", "list", "--status-list", "rendering,5"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let bash = renderbus(None, &["completions", "bash"]);
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("waiting rendering pre-rendering"),
        "--status completes to names"
    );

    let help = renderbus(None, &["task", "wait", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("10 --wait-timeout ran out"), "{help}");
    assert!(help.contains("6  the task finished with failed"), "{help}");
}

#[test]
fn a_reader_that_stops_reading_ends_the_program_quietly() {
    use std::io::Read as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .args(["--mock", "demo", "-o", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, as `| head -c 16` closes it.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `conform` tells an outage or refused credentials from a disagreement: the usual exit code
/// (4, 3), said once, and the run stops there; 7 only when the server answered and disagreed.
#[test]
fn conform_stops_at_an_outage_or_refused_credentials_with_the_usual_exit_code() {
    let farm = MockFarm::start().unwrap();
    let down = closed_url();
    let out = renderbus(Some(&farm), &["conform", "--url", &down]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "said once: {stderr}");
    assert!(stderr.contains("conform stopped"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "no report of a run that did not happen"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("RENDERBUS_HOST", farm.url())
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", "not-the-key")
        .args(["conform"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "said once: {stderr}");
    assert!(
        stderr.contains("611") || stderr.contains("SIGNATURE"),
        "{stderr}"
    );
    assert_eq!(
        farm.attempts("queryUserSetting"),
        0,
        "the run stopped at the first refusal"
    );
}

/// Lists for people: the label list as a table of labels; an empty list says so; `-v --all`
/// tells the pages apart.
#[test]
fn lists_show_their_items_say_when_empty_and_tell_pages_apart() {
    let farm = MockFarm::start().unwrap();
    let f = Some(&farm);
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let out = renderbus(f, &["-o", "table", "task", "list"]);
    assert_eq!(text(&out).trim(), "(none)", "not `page 1 of 0`");
    json(&renderbus(
        f,
        &["label", "add", "shot-010", "--status", "0"],
    ));
    json(&renderbus(
        f,
        &["label", "add", "shot-020", "--status", "0"],
    ));
    let labels = text(&renderbus(f, &["-o", "table", "label", "list"]));
    assert!(
        labels.contains("shot-010") && labels.contains("shot-020"),
        "{labels}"
    );
    assert!(!labels.contains("items"), "{labels}");
    json(&renderbus(f, &["task", "create", "--count", "5"]));
    let out = renderbus(f, &["-v", "task", "list", "--all", "--page-size", "2"]);
    let log = String::from_utf8_lossy(&out.stderr);
    for page in 1..=3 {
        assert!(log.contains(&format!("page={page} pages=3")), "{log}");
    }
}

/// Help as users read it: the global options under their own heading, not listed where they
/// do nothing, not shown in a usage line because a variable sets them, and no help citing a
/// source's file and line (that is the spec's notes).
#[test]
fn help_keeps_global_options_apart_and_cites_no_source_files() {
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let create = text(&renderbus(None, &["task", "create", "-h"]));
    let (own, global) = create.split_once("Global options:").expect(&create);
    assert!(
        own.contains("--count") && !own.contains("--host"),
        "{create}"
    );
    assert!(
        global.contains("--host") && global.contains("--access-id"),
        "{create}"
    );
    let serve = text(&renderbus(None, &["mock", "serve", "--help"]));
    for unused in ["--access-key", "--host", "--mock", "--api-version"] {
        assert!(
            !serve.contains(unused),
            "mock serve lists {unused}: {serve}"
        );
    }
    let farm = MockFarm::start().unwrap();
    let out = renderbus(Some(&farm), &["task", "stop"]);
    let usage = String::from_utf8_lossy(&out.stderr);
    assert!(
        usage.contains("Usage: renderbus task stop <task-ids>"),
        "{usage}"
    );
    assert!(!usage.contains("--host"), "{usage}");

    let dir = std::env::temp_dir().join(format!("renderbus-man-cite-{}", std::process::id()));
    assert!(
        renderbus(None, &["man", "--dir", dir.to_str().unwrap()])
            .status
            .success()
    );
    for page in std::fs::read_dir(&dir).unwrap() {
        let page = page.unwrap().path();
        let roff = std::fs::read_to_string(&page).unwrap();
        assert!(
            !roff.contains(".py:") && !roff.contains("rayvision\\-api 3.0.4.3"),
            "{} cites a source file",
            page.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `renderbus ARGS` against `url` (the farm, or a relay in front of it) with the farm's
/// credentials.
fn renderbus_via(url: &str, farm: &MockFarm, args: &[&str]) -> Output {
    renderbus_via_command(url, farm, args).output().unwrap()
}

/// The command of [`renderbus_via`], to run as the test wants.
fn renderbus_via_command(url: &str, farm: &MockFarm, args: &[&str]) -> Command {
    let mut command = clean_renderbus();
    command
        .env("RENDERBUS_HOST", url)
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", farm.access_key())
        .args(args);
    command
}

/// A relay in front of `farm` that does `act` to the first request for `path`.
fn relay_failing_first(
    farm: &MockFarm,
    path: &'static str,
    act: render_api_mock::testing::Act,
) -> render_api_mock::testing::Relay {
    use render_api_mock::testing::{Act, Relay};
    Relay::start(
        farm.host().to_owned(),
        std::sync::Arc::new(move |p, n| {
            if p == path && n == 0 {
                act.clone()
            } else {
                Act::Forward
            }
        }),
    )
}

#[test]
fn a_write_whose_reply_is_lost_is_read_back_applied_once_or_said_unknown() {
    use render_api_client::ApiVersion;
    use render_api_client::types::{AddLabel, CreateTask, Endpoint, StopTask};
    use render_api_mock::testing::Act;
    let path = |p: Option<&'static str>| p.expect("an API 2 call");
    let farm = farm(&[]);
    let f = Some(&farm);
    let created = json(&renderbus(f, &["task", "create", "--count", "1"]));
    let id = created["taskIdList"][0].to_string();
    json(&renderbus(f, &["task", "submit", &id]));

    // The farm stops the task, and the reply is lost on the way back: the read-back shows the
    // task stopped, so the write succeeded, once.
    let stop = path(StopTask::path(ApiVersion::V2));
    let relay = relay_failing_first(&farm, stop, Act::DeliverThenDrop);
    let out = renderbus_via(&relay.url, &farm, &["-o", "table", "task", "stop", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("queryTaskInfo shows it took effect"),
        "{text}"
    );
    assert_eq!(farm.attempts("stopTask"), 1);
    assert_eq!(relay.count(stop), 1);

    // The request never reaches the farm: the read-back shows no label, so it is sent again,
    // and applied once.
    let add = path(AddLabel::path(ApiVersion::V2));
    let relay = relay_failing_first(&farm, add, Act::Drop);
    let out = renderbus_via(
        &relay.url,
        &farm,
        &["label", "add", "lighting", "--status", "0"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(relay.count(add), 2);
    assert_eq!(farm.attempts("addLabel"), 1);
    let labels = json(&renderbus(f, &["label", "list"]));
    let named = labels["projectNameList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["projectName"] == "lighting")
        .count();
    assert_eq!(named, 1, "{labels}");

    // No read shows a new task: a lost reply of createTask is "outcome unknown", exit 11, and
    // the message says what was (not) checked.
    let create = path(CreateTask::path(ApiVersion::V2));
    let before = farm.attempts("createTask");
    let relay = relay_failing_first(&farm, create, Act::DeliverThenDrop);
    let out = renderbus_via(&relay.url, &farm, &["task", "create", "--count", "1"]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("createTask: whether it took effect is unknown")
            && message.contains("no read shows whether it took effect"),
        "{message}"
    );
    assert_eq!(farm.attempts("createTask"), before + 1, "sent once");
}

#[test]
fn frames_are_restarted_by_their_numbers_and_unknown_numbers_are_refused() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let created = json(&renderbus(f, &["task", "create", "--count", "1"]));
    let id = created["taskIdList"][0].to_string();
    json(&renderbus(f, &["task", "submit", &id]));
    // Let the farm analyse and render it (1200x farm time: a few seconds).
    let waited = renderbus(
        f,
        &[
            "task",
            "wait",
            &id,
            "--interval",
            "0.5",
            "--wait-timeout",
            "60",
        ],
    );
    assert_eq!(waited.status.code(), Some(0), "{}", stderr(&waited));
    let restarted = |frames: &Value| -> Vec<i64> {
        let mut numbers: Vec<i64> = frames
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["recommitFlag"].as_i64().unwrap_or(0) > 0)
            .map(|f| f["frameIndex"].as_str().unwrap().parse().unwrap())
            .collect();
        numbers.sort_unstable();
        numbers
    };
    let before = json(&renderbus(f, &["frames", "list", &id, "--all"]));
    assert_eq!(restarted(&before), Vec::<i64>::new());

    // An impossible list, or a number no frame has: exit 2, naming it, and nothing restarted.
    let out = renderbus(f, &["frames", "restart", &id, "--frames", "10-1[0]"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("10-1[0]"), "{}", stderr(&out));
    let out = renderbus(f, &["frames", "restart", &id, "--frames", "2,99"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("has no frame 99"), "{}", stderr(&out));
    assert_eq!(farm.attempts("restartFrame"), 0, "nothing was sent");

    // The farm has 4 frames a task: frames 2-4 (step 1) of them, with -v showing the mapping.
    let out = renderbus(f, &["-v", "frames", "restart", &id, "--frames", "2-4[1]"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("frame number to id"),
        "{}",
        stderr(&out)
    );
    let after = json(&renderbus(f, &["frames", "list", &id, "--all"]));
    assert_eq!(restarted(&after), [2, 3, 4]);
}

/// A job file in a directory of its own, for `renderbus submit` (removed when dropped).
fn job_dir(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("renderbus-job-{name}-"))
        .tempdir()
        .unwrap();
    let job = dir.path().join("shot.toml");
    std::fs::write(&job, text).unwrap();
    (dir, job)
}

/// What a studio writes: the software and a plugin the farm lists (Maya 2020, wobble 0.9.5 on
/// the mock farm), a hardware configuration by name, the frames, a project and a setting.
const SHOT: &str = r#"software = "maya"
version = "2020"
scene = "D:/shots/s010/s010.mb"
frames = "1-4[1]"
project = "s010"
labels = ["lighting"]

[plugins]
wobble = "0.9.5"

[hardware]
model = "1080Ti"
ram = "64GB"

[task]
time_out = 600
"#;

#[test]
fn a_bad_job_file_is_refused_where_it_is_wrong_and_nothing_is_sent() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let cases = [
        (
            SHOT.replace("frames = \"1-4[1]\"", "frames = \"10-1[0]\""),
            "shot.toml:4: frames: the frame list has `10-1[0]`",
        ),
        (
            SHOT.replace("project = ", "projet = "),
            "shot.toml:5: projet: unknown key `projet`",
        ),
        (
            SHOT.replace("version = \"2020\"", "version = 2020"),
            "shot.toml:2: version: invalid type: integer `2020`, expected a string",
        ),
        (
            SHOT.replace("time_out = 600", "colour = 1"),
            "shot.toml:16: task.colour: not a setting the service lets users change",
        ),
    ];
    for (text, expected) in cases {
        let (_dir, job) = job_dir("bad", &text);
        let out = renderbus(f, &["submit", job.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
    assert_eq!(
        farm.requests(),
        0,
        "a job refused on its own is sent nowhere"
    );

    // What only the farm can tell: refused after reads, before any write.
    let (_dir, job) = job_dir(
        "farm",
        &SHOT
            .replace("\"maya\"", "\"blender\"")
            .replace("0.9.5", "0.9.4"),
    );
    let out = renderbus(f, &["submit", job.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("shot.toml:1: software: the farm does not list `blender`"),
        "{}",
        stderr(&out)
    );
    let (_dir, job) = job_dir("plugin", &SHOT.replace("0.9.5", "0.9.4"));
    let out = renderbus(f, &["submit", job.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("shot.toml:9: plugins.wobble: the farm does not list wobble 0.9.4"),
        "{}",
        stderr(&out)
    );
    for write in ["createTask", "taskJsonFile", "submitTask", "addLabel"] {
        assert_eq!(farm.attempts(write), 0, "{write} was sent");
    }

    // An analyser's tips: an error refuses the scene.
    let (dir, job) = job_dir("tips", "task_json = \"task.json\"\nframes = \"1-2\"\n");
    std::fs::write(
        dir.path().join("task.json"),
        r#"{"task_info": {"input_cg_file": "D:/a.max", "cg_id": "2001", "project_name": ""},
            "software_config": {"cg_name": "3ds Max", "cg_version": "2018", "plugins": {"vray": "3.60.03"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tips.json"),
        r#"{"15000": ["3ds Max did not start"]}"#,
    )
    .unwrap();
    let out = renderbus(f, &["submit", job.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tips.json: 15000: the analyser found an error in the scene"),
        "{}",
        stderr(&out)
    );
    assert_eq!(farm.attempts("createTask"), 0);
}

#[test]
fn a_dry_run_prints_the_calls_and_the_task_configuration_and_sends_nothing() {
    let farm = farm(&[]);
    let (_dir, job) = job_dir("dry", SHOT);
    let out = renderbus(Some(&farm), &["submit", job.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan = json(&out);
    let calls: Vec<&str> = plan["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        calls.ends_with(&["createTask", "taskJsonFile", "submitTask"]),
        "{calls:?}"
    );
    let task = &plan["taskJson"];
    // The shape rayvision-api 3.0.4.3 and its analysers send: four sections, text values.
    assert_eq!(task["task_info"]["input_cg_file"], "D:/shots/s010/s010.mb");
    assert_eq!(task["task_info"]["cg_id"], "2000");
    assert_eq!(task["task_info"]["time_out"], "600");
    assert_eq!(task["task_info"]["channel"], "4");
    assert_eq!(task["software_config"]["plugins"]["wobble"], "0.9.5");
    // Maya's frames go to its render layer, as its configuration document shows.
    assert_eq!(
        task["scene_info_render"]["defaultRenderLayer"]["common"]["frames"],
        "1-4[1]"
    );
    assert!(task["scene_info"].is_object());
    assert_eq!(farm.requests(), 0);
}

#[test]
fn a_run_killed_after_create_task_is_resumed_without_a_second_task() {
    use render_api_client::ApiVersion;
    use render_api_client::types::{Endpoint, TaskJsonFile};
    use render_api_mock::testing::{Act, Relay};
    let farm = farm(&[]);
    let (_dir, job) = job_dir("resume", SHOT);
    let state = job.with_file_name("shot.toml.state.json");
    // The farm takes createTask; taskJsonFile never gets an answer, and the run is killed.
    let upload = TaskJsonFile::path(ApiVersion::V2).unwrap();
    let relay = Relay::start(
        farm.host().to_owned(),
        std::sync::Arc::new(move |p, n| {
            if p == upload && n == 0 {
                Act::Hang
            } else {
                Act::Forward
            }
        }),
    );
    let mut run = renderbus_via_command(&relay.url, &farm, &["submit", job.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while relay.count(upload) == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no upload"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run.kill().unwrap();
    run.wait().unwrap();
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let task = recorded["taskId"]
        .as_i64()
        .expect("createTask recorded its task");
    assert_eq!(
        recorded["done"],
        serde_json::json!(["addLabel", "getLabelList", "createTask"])
    );

    // Again without --resume: refused, naming the task.
    let f = Some(&farm);
    let out = renderbus_via(&relay.url, &farm, &["submit", job.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("started before as task {task}")),
        "{}",
        stderr(&out)
    );

    // With --resume: the same task is uploaded, submitted and rendered; no second task.
    let out = renderbus_via(
        &relay.url,
        &farm,
        &[
            "submit",
            job.to_str().unwrap(),
            "--resume",
            "--wait",
            "--interval",
            "0.5",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("createTask: task {task} (done before)")),
        "{}",
        stderr(&out)
    );
    assert_eq!(farm.attempts("createTask"), 1, "one task, not two");
    assert_eq!(farm.attempts("addLabel"), 1);
    assert_eq!(json(&out)["id"].as_i64(), Some(task));
    let sent: Value = serde_json::from_str(
        &farm
            .farm()
            .task_file(task, "task.json")
            .expect("task.json uploaded"),
    )
    .unwrap();
    assert_eq!(sent["task_info"]["task_id"], task.to_string());
    assert_eq!(
        sent["task_info"]["hardwareConfigIds"],
        serde_json::json!(["337"])
    );
    assert_eq!(sent["task_info"]["project_name"], "s010");
    assert_eq!(sent["software_config"]["cg_name"], "Maya");

    // A job changed since it was started is not resumed.
    std::fs::write(&job, SHOT.replace("lighting", "comp")).unwrap();
    let out = renderbus_via(
        &relay.url,
        &farm,
        &["submit", job.to_str().unwrap(), "--resume"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("changed since it was started"),
        "{}",
        stderr(&out)
    );
    // Nor one started on another farm.
    std::fs::write(&job, SHOT).unwrap();
    let out = renderbus(f, &["submit", job.to_str().unwrap(), "--resume"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("started as task {task} on {}", relay.url)),
        "{}",
        stderr(&out)
    );
    assert_eq!(farm.attempts("createTask"), 1);
}

#[test]
fn raw_prints_a_reply_that_does_not_fit_the_spec_and_the_typed_read_names_the_path() {
    use render_api_mock::testing::Act;
    let farm = farm(&[]);
    // querySupportedPlugin's data without its `cgPlugin` list, which the spec requires.
    let body = r#"{"version":"2.0.0","result":true,"message":"success","code":200,"data":{"cgName":"Maya"},"serverTime":1587380763325,"requestId":"r-1"}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let relay = relay_failing_first(
        &farm,
        "/api/render/plugin/querySoftwareDetail",
        Act::Reply(reply.clone()),
    );
    let request = r#"{"cgId": 2000, "osName": 1}"#;
    let raw = renderbus_via(
        &relay.url,
        &farm,
        &["api", "querySupportedPlugin", "--body", request, "--raw"],
    );
    assert_eq!(raw.status.code(), Some(0), "{}", stderr(&raw));
    assert_eq!(String::from_utf8_lossy(&raw.stdout).trim(), body);

    let relay = relay_failing_first(
        &farm,
        "/api/render/plugin/querySoftwareDetail",
        Act::Reply(reply),
    );
    let typed = renderbus_via(
        &relay.url,
        &farm,
        &["api", "querySupportedPlugin", "--body", request],
    );
    assert_eq!(typed.status.code(), Some(1), "{}", stderr(&typed));
    assert!(stderr(&typed).contains("cgPlugin"), "{}", stderr(&typed));
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    use std::io::BufRead as _;
    use std::process::Stdio;
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "elvish"],
        &["completions", "powershell"],
        &["man"],
    ] {
        let mut child = clean_renderbus()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // `| head -1`: the reader is gone after one line.
        let out = child.wait_with_output().unwrap();
        assert!(!first.is_empty(), "{args:?} printed nothing");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_interval_below_the_least_the_help_names_is_refused() {
    for args in [
        &["task", "wait", "19084", "--interval", "0"][..],
        &["task", "wait", "19084", "--interval", "0.1"],
        &["submit", "job.toml", "--interval", "0", "--wait"],
        &[
            "transfer",
            "download",
            "19084",
            "--to",
            "x",
            "--follow",
            "--interval",
            "nan",
        ],
    ] {
        let out = renderbus(None, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--interval"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn the_services_address_has_one_name_on_every_command_and_url_is_the_same_option() {
    let farm = farm(&[]);
    let url = farm.url().to_owned();
    for flag in ["--host", "--url"] {
        let mut command = clean_renderbus();
        command
            .env("RENDERBUS_ACCESS_ID", farm.access_id())
            .env("RENDERBUS_ACCESS_KEY", farm.access_key())
            .args(["-o", "json", "task", "list", flag, &url]);
        let out = command.output().unwrap();
        assert_eq!(json(&out)["total"], 0, "{flag}");
    }
    let help = clean_renderbus()
        .args(["conform", "--help"])
        .output()
        .unwrap();
    assert!(text_of(&help.stdout).contains("--host <HOST>"));
    assert!(
        text_of(&help.stdout).contains("[alias: --url]"),
        "{}",
        text_of(&help.stdout)
    );
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn api_refuses_a_table_it_cannot_print_and_prints_json_or_yaml_as_asked() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let out = renderbus(f, &["-o", "table", "api", "queryUserProfile"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("-o json or -o yaml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        json(&renderbus(f, &["-o", "json", "api", "queryUserProfile"]))["userName"],
        "rayvision"
    );
    let yaml = renderbus(f, &["-o", "yaml", "api", "queryUserProfile"]);
    assert!(
        text_of(&yaml.stdout).contains("userName: rayvision"),
        "{}",
        text_of(&yaml.stdout)
    );
}

#[test]
fn a_value_from_the_environment_or_a_profile_is_checked_as_the_same_flag_is() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let run = |env: &[(&str, &str)], profile: &str, args: &[&str]| {
        std::fs::write(
            &config,
            format!("[profile.default]\naccess_id = \"a\"\naccess_key = \"b\"\n{profile}"),
        )
        .unwrap();
        let mut command = clean_renderbus();
        command.env("RENDERBUS_CONFIG", &config);
        for (k, v) in env {
            command.env(k, v);
        }
        command.args(args).output().unwrap()
    };
    let sign = ["sign", "--timestamp", "1", "--nonce", "1"];
    // The same wrong platform, three ways: exit 2, naming where it came from.
    for (env, profile, from) in [
        (&[][..], "", "--platform"),
        (
            &[("RENDERBUS_PLATFORM", "abc")][..],
            "",
            "RENDERBUS_PLATFORM",
        ),
        (&[][..], "platform = \"abc\"\n", "[profile.default]"),
    ] {
        let mut args = sign.to_vec();
        if from == "--platform" {
            args.extend(["--platform", "abc"]);
        }
        let out = run(env, profile, &args);
        assert_eq!(out.status.code(), Some(2), "{from}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("`abc` is not a platform number"),
            "{from}: {}",
            stderr(&out)
        );
        if from != "--platform" {
            assert!(stderr(&out).contains(from), "{}", stderr(&out));
        }
    }
    // A profile may write the platform as a number, as the help says it holds one.
    let out = run(&[], "platform = 3\n", &sign);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text_of(&out.stdout).contains("&platform=3&"),
        "{}",
        text_of(&out.stdout)
    );
    // An API version the flag refuses with 2 is refused with 2 from the environment too, even
    // with a profile configured.
    let out = run(&[("RENDERBUS_API_VERSION", "3")], "", &["user", "profile"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("RENDERBUS_API_VERSION: `3` is not an API version"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn submit_wait_says_how_a_task_ended_as_task_wait_does() {
    let farm = farm(&[2]);
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "software = \"maya\"\nversion = \"2020\"\nscene = \"D:/shot/shot.mb\"\n",
    )
    .unwrap();
    let out = renderbus(
        Some(&farm),
        &[
            "submit",
            job.to_str().unwrap(),
            "--wait",
            "--interval",
            "0.5",
        ],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains(" ended "), "{}", stderr(&out));
    assert!(stderr(&out).contains("failed"), "{}", stderr(&out));
}

#[test]
fn a_profile_that_is_not_there_is_named_with_those_that_are() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profile.default]\naccess_id = \"a\"\naccess_key = \"b\"\n[profile.staging]\naccess_id = \"c\"\naccess_key = \"d\"\n",
    )
    .unwrap();
    let out = clean_renderbus()
        .env("RENDERBUS_CONFIG", &config)
        .args(["--profile", "nope", "user", "profile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no [profile.nope]; its profiles: default, staging"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_frame_restart_without_a_choice_names_every_way_to_choose_and_two_choices_are_refused() {
    let farm = farm(&[]);
    let f = Some(&farm);
    let out = renderbus(f, &["frames", "restart", "19084"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for way in [
        "--select-all all",
        "--select-all listed with --ids",
        "--frames",
    ] {
        assert!(stderr(&out).contains(way), "{way}: {}", stderr(&out));
    }
    let out = renderbus(
        f,
        &[
            "frames",
            "restart",
            "19084",
            "--frames",
            "3",
            "--select-all",
            "all",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    assert_eq!(farm.requests(), 0, "nothing was sent");
}

#[test]
fn a_wait_that_cannot_reach_the_service_says_so_and_ends_with_the_outages_exit_code() {
    let down = closed_url();
    let out = clean_renderbus()
        .env("RENDERBUS_ACCESS_ID", "a")
        .env("RENDERBUS_ACCESS_KEY", "b")
        .args([
            "task",
            "wait",
            "19087",
            "--host",
            &down,
            "--wait-timeout",
            "2",
            "--interval",
            "0.5",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    // Said at default verbosity, once (the wait is shorter than the reminder's period).
    assert_eq!(
        err.matches("the service cannot be reached").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("did not end within 2s: the service could not be reached"),
        "{err}"
    );
}

#[test]
fn a_deleted_task_goes_to_the_recycle_bin_which_the_task_list_shows_when_asked() {
    let farm = slow_farm();
    let f = Some(&farm);
    let created = json(&renderbus(f, &["task", "create", "--count", "2"]));
    let ids: Vec<String> = created["taskIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect();
    json(&renderbus(f, &["task", "delete", &ids[0]]));
    let live = json(&renderbus(f, &["-o", "json", "task", "list"]));
    let bin = json(&renderbus(
        f,
        &["-o", "json", "task", "list", "--recycle-flag", "1"],
    ));
    let ids_of = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].to_string())
            .collect()
    };
    assert_eq!(ids_of(&live), [ids[1].clone()], "{live}");
    assert_eq!(ids_of(&bin), [ids[0].clone()], "{bin}");
    // Deleted, as the V4.0 document writes it: isDelete 0.
    assert_eq!(bin["items"][0]["isDelete"], 0, "{bin}");
    assert_eq!(live["items"][0]["isDelete"], 1, "{live}");
}

#[test]
fn a_field_that_is_null_is_sent_and_printed_as_null_as_the_service_sends_it() {
    let farm = farm(&[]);
    // The document's queryUserProfile example has pictureLever and studentEndTime null.
    let profile = json(&renderbus(Some(&farm), &["-o", "json", "user", "profile"]));
    for field in ["pictureLever", "studentEndTime"] {
        assert!(
            profile.as_object().unwrap().contains_key(field) && profile[field].is_null(),
            "{field}: {profile}"
        );
    }
}
