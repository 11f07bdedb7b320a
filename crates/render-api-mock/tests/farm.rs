//! The farm keeps state: a task's whole life, observed through the query endpoints, and many
//! threads calling at once.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use render_api_mock::{FarmConfig, MockFarm};
use serde_json::{Value, json};

fn farm(failing: &[usize]) -> MockFarm {
    MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 6,
            frame_seconds: 60,
            analyse_seconds: 30,
            nodes: 2,
            speed: 0.0,
            failing_frames: failing.to_vec(),
            sub_account: false,
        })
        .start()
        .unwrap()
}

fn task_info(farm: &MockFarm, id: i64) -> Value {
    let data = ok(
        farm,
        "/api/render/task/queryTaskInfo",
        &json!({"taskIds": [id]}).to_string(),
    );
    data["items"][0].clone()
}

fn frames(farm: &MockFarm, id: i64) -> Vec<Value> {
    let data = ok(
        farm,
        "/api/render/task/queryTaskFrames",
        &json!({"taskId": id, "pageNum": 1, "pageSize": 100}).to_string(),
    );
    data["items"].as_array().unwrap().clone()
}

fn statuses(frames: &[Value]) -> Vec<i64> {
    frames
        .iter()
        .map(|f| f["frameStatus"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_task_from_create_to_finished_with_a_failed_frame_restarted() {
    let farm = farm(&[3]);
    let created = ok(&farm, "/api/render/task/createTask", r#"{"count": 1}"#);
    let id = created["taskIdList"][0].as_i64().unwrap();
    assert_eq!(created["aliasTaskIdList"][0], format!("P{id}"));
    assert_eq!(task_info(&farm, id)["taskStatus"], 0, "created, waiting");

    ok(
        &farm,
        "/api/render/task/submitTask",
        &json!({"taskId": id}).to_string(),
    );
    assert_eq!(task_info(&farm, id)["taskStatus"], 50, "analysing");
    let again = call(
        &farm,
        "/api/render/task/submitTask",
        &json!({"taskId": id}).to_string(),
    );
    assert_eq!(again.code(), 600, "a task is submitted once");
    // Restarting failed frames while it is still analysing (none failed yet) changes nothing
    // and is no error, as the official client expects.
    ok(
        &farm,
        "/api/render/task/restartFailedFrames",
        &json!({"taskIds": [id]}).to_string(),
    );
    assert_eq!(task_info(&farm, id)["taskStatus"], 50, "still analysing");

    // Analysis (30 s) is over; two nodes render frames 1 and 2.
    farm.farm().advance(Duration::from_secs(31));
    let info = task_info(&farm, id);
    assert_eq!(info["taskStatus"], 5, "rendering");
    assert_eq!(info["totalFrames"], 6);
    let layer = &info["respRenderingTaskList"][0];
    assert_eq!(
        layer["layerParentId"], id,
        "the layer sub-task points at its parent"
    );
    assert_eq!(statuses(&frames(&farm, id)), [2, 2, 1, 1, 1, 1]);

    // Three frame times later every frame has run; frame 3 failed its first attempt.
    farm.farm().advance(Duration::from_secs(180));
    let info = task_info(&farm, id);
    assert_eq!(info["taskStatus"], 30, "finished with failed frames");
    assert_eq!(
        (info["doneFrames"].as_i64(), info["failedFrames"].as_i64()),
        (Some(5), Some(1))
    );
    let all = frames(&farm, id);
    assert_eq!(statuses(&all), [4, 4, 5, 4, 4, 4]);
    let stats = ok(&farm, "/api/render/task/queryAllFrameStats", "{}");
    assert_eq!(
        stats,
        json!({"executingFramesTotal": 0, "doneFramesTotal": 5, "failedFramesTotal": 1, "waitingFramesTotal": 0, "totalFrames": 6, "abandonFramesTotal": null})
    );

    // Restarting the failed frames renders frame 3 again, and this time it succeeds.
    ok(
        &farm,
        "/api/render/task/restartFailedFrames",
        &json!({"taskIds": [id]}).to_string(),
    );
    assert_eq!(task_info(&farm, id)["taskStatus"], 5);
    farm.farm().advance(Duration::from_secs(61));
    let info = task_info(&farm, id);
    assert_eq!(info["taskStatus"], 25, "finished");
    let all = frames(&farm, id);
    assert_eq!(statuses(&all), [4; 6]);
    assert_eq!(all[2]["recommitFlag"], 1, "frame 3 was restarted once");

    // One chosen frame again, by its id.
    let frame_id = all[0]["id"].as_i64().unwrap();
    ok(
        &farm,
        "/api/render/task/restartFrame",
        &json!({"taskId": id, "selectAll": 0, "ids": [frame_id]}).to_string(),
    );
    let again = frames(&farm, id);
    assert_eq!(
        again[0]["frameStatus"], 2,
        "the restarted frame renders on a free node at once"
    );
    assert_eq!(again[0]["recommitFlag"], 1);
    assert_eq!(task_info(&farm, id)["taskStatus"], 5);
    farm.farm().advance(Duration::from_secs(61));
    assert_eq!(task_info(&farm, id)["taskStatus"], 25);

    // The progress image and thumbnails agree with the frames.
    let img = ok(
        &farm,
        "/api/render/task/loadTaskProcessImg",
        &json!({"taskId": id}).to_string(),
    );
    assert_eq!(img["grabInfo"].as_array().unwrap().len(), 6);
    assert_eq!(img["grabInfo"][0][0]["frameStatus"], "4");
    let thumbs = ok(
        &farm,
        "/api/render/task/loadingFrameThumbnail",
        &json!({"id": frame_id, "frameStatus": 4}).to_string(),
    );
    assert_eq!(thumbs.as_array().unwrap().len(), 1);
}

#[test]
fn stop_start_abort_delete_change_state() {
    let farm = farm(&[]);
    let created = ok(&farm, "/api/render/task/createTask", r#"{"count": 2}"#);
    let ids: Vec<i64> = created["taskIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    for id in &ids {
        ok(
            &farm,
            "/api/render/task/submitTask",
            &json!({"taskId": id}).to_string(),
        );
    }
    farm.farm().advance(Duration::from_secs(31));
    ok(
        &farm,
        "/api/render/task/stopTask",
        &json!({"taskIds": ids}).to_string(),
    );
    assert_eq!(task_info(&farm, ids[0])["taskStatus"], 10);
    assert_eq!(statuses(&frames(&farm, ids[0])), [3; 6], "stopped frames");
    farm.farm().advance(Duration::from_secs(600));
    assert_eq!(
        task_info(&farm, ids[0])["taskStatus"],
        10,
        "a stopped task stays stopped"
    );

    ok(
        &farm,
        "/api/render/task/startTask",
        &json!({"taskIds": [ids[0]]}).to_string(),
    );
    assert_eq!(task_info(&farm, ids[0])["taskStatus"], 5);
    ok(
        &farm,
        "/api/render/task/fullSpeed",
        &json!({"taskIds": [ids[0]]}).to_string(),
    );
    farm.farm().advance(Duration::from_secs(61));
    assert_eq!(
        task_info(&farm, ids[0])["taskStatus"],
        25,
        "at full speed all frames render at once"
    );

    ok(
        &farm,
        "/api/render/task/abortTask",
        &json!({"taskIds": [ids[1]]}).to_string(),
    );
    assert_eq!(task_info(&farm, ids[1])["taskStatus"], 35);
    let reply = call(
        &farm,
        "/api/render/task/startTask",
        &json!({"taskIds": [ids[1]]}).to_string(),
    );
    assert_eq!(reply.code(), 600, "an abandoned task cannot start");

    // A batch with one unknown id changes nothing.
    let reply = call(
        &farm,
        "/api/render/task/deleteTask",
        &json!({"taskIds": [ids[0], 1]}).to_string(),
    );
    assert_eq!(reply.code(), 404);
    assert_eq!(task_info(&farm, ids[0])["taskStatus"], 25);
    ok(
        &farm,
        "/api/render/task/deleteTask",
        &json!({"taskIds": ids}).to_string(),
    );
    let reply = call(
        &farm,
        "/api/render/task/queryTaskInfo",
        &json!({"taskIds": [ids[0]]}).to_string(),
    );
    assert_eq!(reply.code(), 404);
}

#[test]
fn an_over_time_stop_stops_a_task_that_runs_too_long() {
    let farm = farm(&[]);
    let created = ok(&farm, "/api/render/task/createTask", r#"{"count": 1}"#);
    let id = created["taskIdList"][0].as_i64().unwrap();
    ok(
        &farm,
        "/api/render/task/submitTask",
        &json!({"taskId": id}).to_string(),
    );
    // Six frames on two nodes take three frame times (180 s); the limit is 100 s.
    ok(
        &farm,
        "/api/render/task/setOverTimeStop",
        &json!({"taskIds": [id], "overTime": 100}).to_string(),
    );
    farm.farm().advance(Duration::from_secs(31 + 99));
    assert_eq!(
        task_info(&farm, id)["taskStatus"],
        5,
        "still inside the limit"
    );
    farm.farm().advance(Duration::from_secs(2));
    let info = task_info(&farm, id);
    assert_eq!(info["taskStatus"], 23, "time-out stop");
    assert_eq!(info["taskOverTime"], 100_000, "the limit, in milliseconds");
    assert_eq!(
        statuses(&frames(&farm, id)),
        [4, 4, 3, 3, 3, 3],
        "done frames stay done, the rest stop"
    );
}

#[test]
fn task_list_pages_and_filters() {
    let farm = farm(&[]);
    let created = ok(&farm, "/api/render/task/createTask", r#"{"count": 5}"#);
    let ids: Vec<i64> = created["taskIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ok(
        &farm,
        "/api/render/task/submitTask",
        &json!({"taskId": ids[4]}).to_string(),
    );
    let page1 = ok(
        &farm,
        "/api/render/task/getTaskList",
        r#"{"pageNum": 1, "pageSize": 2}"#,
    );
    assert_eq!(
        (page1["total"].as_i64(), page1["pageCount"].as_i64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        page1["items"][0]["id"], ids[0],
        "oldest first, as both official clients' docstrings say"
    );
    let page3 = ok(
        &farm,
        "/api/render/task/getTaskList",
        r#"{"pageNum": 3, "pageSize": 2}"#,
    );
    assert_eq!(page3["items"].as_array().unwrap().len(), 1);
    let page4 = ok(
        &farm,
        "/api/render/task/getTaskList",
        r#"{"pageNum": 4, "pageSize": 2}"#,
    );
    assert!(page4["items"].as_array().unwrap().is_empty());
    let analysing = ok(
        &farm,
        "/api/render/task/getTaskList",
        r#"{"pageNum": 1, "pageSize": 10, "statusList": [50]}"#,
    );
    assert_eq!(analysing["total"], 1);
    assert_eq!(
        call(
            &farm,
            "/api/render/task/getTaskList",
            r#"{"pageNum": 0, "pageSize": 10}"#
        )
        .code(),
        600
    );
}

#[test]
fn labels_envs_and_settings_keep_state() {
    let farm = farm(&[]);
    ok(
        &farm,
        "/api/render/common/addLabel",
        r#"{"newName": "myLabel", "status": 0}"#,
    );
    assert_eq!(
        call(
            &farm,
            "/api/render/common/addLabel",
            r#"{"newName": "myLabel", "status": 0}"#
        )
        .code(),
        600
    );
    let labels = ok(&farm, "/api/render/common/getLabelList", "{}");
    assert_eq!(labels["projectNameList"][0]["projectName"], "myLabel");
    ok(
        &farm,
        "/api/render/common/deleteLabel",
        r#"{"delName": "myLabel"}"#,
    );
    assert_eq!(
        call(
            &farm,
            "/api/render/common/deleteLabel",
            r#"{"delName": "myLabel"}"#
        )
        .code(),
        404
    );

    // The document's addRenderEnv example, with renderSystem as the string "0".
    let env = r#"{"cgId": 2000, "cgName": "Maya", "cgVersion": "2020", "renderLayerType": 0, "editName": "testRenderEnv", "renderSystem": "0", "pluginIds": [1166]}"#;
    assert_eq!(
        ok(&farm, "/api/render/common/addRenderEnv", env)["editName"],
        "testRenderEnv"
    );
    assert_eq!(
        call(&farm, "/api/render/common/addRenderEnv", env).code(),
        600,
        "duplicate name"
    );
    let bad_plugin = env.replace("1166", "99");
    assert_eq!(
        call(
            &farm,
            "/api/render/common/addRenderEnv",
            &bad_plugin.replace("testRenderEnv", "x")
        )
        .code(),
        600
    );
    ok(
        &farm,
        "/api/render/common/setDefaultRenderEnv",
        r#"{"editName": "testRenderEnv"}"#,
    );
    let envs = ok(
        &farm,
        "/api/render/common/getRenderEnv",
        r#"{"cgId": 2000}"#,
    );
    let defaults: Vec<&str> = envs
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["isDefault"] == 1)
        .map(|e| e["editName"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, ["testRenderEnv"]);
    ok(
        &farm,
        "/api/render/common/updateRenderEnv",
        &env.replace("[1166]", "[]"),
    );
    let envs = ok(
        &farm,
        "/api/render/common/getRenderEnv",
        r#"{"cgId": 2000}"#,
    );
    let mine = envs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["editName"] == "testRenderEnv")
        .unwrap();
    assert_eq!(mine["respUserPluginInfoVos"], json!([]));
    assert_eq!(mine["isDefault"], 1, "an update keeps the default");
    ok(
        &farm,
        "/api/render/common/deleteRenderEnv",
        r#"{"editName": "testRenderEnv"}"#,
    );
    assert_eq!(
        call(
            &farm,
            "/api/render/common/setDefaultRenderEnv",
            r#"{"editName": "testRenderEnv"}"#
        )
        .code(),
        404
    );

    ok(
        &farm,
        "/api/render/user/updateUserSetting",
        r#"{"taskOverTimeSec": 86400}"#,
    );
    assert_eq!(
        ok(&farm, "/api/render/user/queryUserSetting", "{}")["taskOverTime"],
        24
    );
    assert_eq!(
        ok(&farm, "/api/render/user/queryUserProfile", "{}")["userName"],
        "rayvision"
    );
}

#[test]
fn many_threads_many_requests_nothing_lost() {
    let farm = farm(&[]);
    let threads: usize = 8;
    let per_thread: usize = 25;
    let created: Vec<Vec<i64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    for i in 0..per_thread {
                        if i % 2 == 0 {
                            let data = ok(&farm, "/api/render/task/createTask", r#"{"count": 1}"#);
                            mine.push(data["taskIdList"][0].as_i64().unwrap());
                        } else {
                            let data = ok(
                                &farm,
                                "/api/render/task/getTaskList",
                                r#"{"pageNum": 1, "pageSize": 5}"#,
                            );
                            assert!(data["total"].as_i64().unwrap() >= 1);
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<i64> = created.into_iter().flatten().collect();
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), threads * per_thread.div_ceil(2));
    assert_eq!(unique.len(), all.len(), "every task id is distinct");
    let list = ok(
        &farm,
        "/api/render/task/getTaskList",
        r#"{"pageNum": 1, "pageSize": 1000}"#,
    );
    assert_eq!(
        list["total"].as_i64().unwrap() as usize,
        all.len(),
        "no task was lost"
    );
    assert_eq!(farm.requests() as usize, threads * per_thread + 1);
}

/// `MockFarm::start()` runs its clock: a default task submitted to it finishes on its own, so
/// a user's poll loop ends.
#[test]
fn the_default_farm_clock_runs() {
    let farm = MockFarm::start().unwrap();
    submitted_and_finished(&farm);
}

/// Creates and submits a task on a running farm and waits (at most 20 s) for it to finish;
/// answers its id.
fn submitted_and_finished(farm: &MockFarm) -> i64 {
    let created = ok(farm, "/api/render/task/createTask", r#"{"count": 1}"#);
    let id = created["taskIdList"][0].as_i64().unwrap();
    ok(
        farm,
        "/api/render/task/submitTask",
        &json!({"taskId": id}).to_string(),
    );
    let started = std::time::Instant::now();
    loop {
        let status = task_info(farm, id)["taskStatus"].as_i64().unwrap();
        if status == 25 {
            return id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still {status} after 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A farm running at 60× real time shows its dates on the real clock: a task submitted and
/// rendered within a second or two of real time says so, and no date of a reply (the task's,
/// its frames', the task record's) is after the real clock's now.
#[test]
fn dates_never_run_ahead_of_the_real_clock() {
    let farm = MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 2,
            speed: 60.0,
            ..FarmConfig::default()
        })
        .start()
        .unwrap();
    let before = now_ms();
    // 30 farm seconds of analysis and 60 a frame: done within ~2 s of real time.
    let id = submitted_and_finished(&farm);
    let task = task_info(&farm, id);
    let frames = frames(&farm, id);
    let read = now_ms();
    let mut dates = vec![
        &task["submitDate"],
        &task["startTime"],
        &task["completedDate"],
    ];
    for frame in &frames {
        dates.extend([&frame["startTime"], &frame["endTime"]]);
    }
    for date in dates {
        let ms = date.as_i64().expect("a date");
        assert!(
            ms >= before - 1000 && ms <= read,
            "{ms} is not within [{before}, {read}]"
        );
    }
    // Durations are the farm's: a frame took 60 farm seconds.
    assert_eq!(frames[0]["frameExecuteTime"], 60);
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A submitted task becomes what its `task.json` says (the scene, the software, the project,
/// the frames of every render layer's list), as the service's analysis reads it; a task
/// without one keeps the farm's own.
#[test]
fn a_task_takes_its_configuration_from_its_task_json() {
    let farm = farm(&[3]);
    let created = ok(
        &farm,
        "/api/render/task/createTask",
        r#"{"count": 2, "labels": ["lighting"]}"#,
    );
    let id = created["taskIdList"][0].as_i64().unwrap();
    let plain = created["taskIdList"][1].as_i64().unwrap();
    // The analysers' format (a Maya scene with two render layers; frames as the v2 document
    // writes them), as `renderbus submit` and rayvision-api upload it.
    let config = json!({
        "task_info": {"input_cg_file": "D:/projects/shot010/scenes/shot010_lighting_v003.mb",
                      "cg_id": "2000", "project_name": "shot010"},
        "software_config": {"cg_name": "Maya", "cg_version": "2020"},
        "scene_info_render": {"layer": {
            "beauty": {"common": {"frames": "1-5[2]"}},
            "shadow": {"common": {"frames": "3,7"}}}}
    });
    ok_v2(
        &farm,
        "/api/render/submit/taskJsonFile",
        &json!({"taskId": id, "fileName": "task.json", "content": config.to_string()}).to_string(),
    );
    for task in [id, plain] {
        ok(
            &farm,
            "/api/render/task/submitTask",
            &json!({"taskId": task}).to_string(),
        );
    }
    farm.farm().advance(Duration::from_secs(30));
    let task = task_info(&farm, id);
    assert_eq!(task["sceneName"], "shot010_lighting_v003.mb");
    assert_eq!(task["cgId"], 2000, "Maya");
    assert_eq!(task["projectName"], "shot010");
    let layer = task["respRenderingTaskList"][0]["id"].as_i64().unwrap();
    assert_eq!(
        task["respRenderingTaskList"][0]["outputFileName"],
        format!("{layer}_shot010_lighting_v003")
    );
    let indexes: Vec<Value> = frames(&farm, id)
        .iter()
        .map(|f| f["frameIndex"].clone())
        .collect();
    assert_eq!(indexes, [json!("1"), json!("3"), json!("5"), json!("7")]);
    assert_eq!(task["totalFrames"], 4);
    assert_eq!(task["framesRange"], "1-7");
    // The failing frame is frame number 3, wherever it stands.
    farm.farm().advance(Duration::from_secs(3600));
    let failed: Vec<Value> = frames(&farm, id)
        .iter()
        .filter(|f| f["frameStatus"] == 5)
        .map(|f| f["frameIndex"].clone())
        .collect();
    assert_eq!(failed, [json!("3")]);
    // Without a task.json: the farm's made-up 3ds Max scene, its frames, the first label.
    let other = task_info(&farm, plain);
    assert_eq!(other["sceneName"], format!("scene_{plain}.max"));
    assert_eq!(other["cgId"], 2001);
    assert_eq!(other["projectName"], "lighting");
    assert_eq!(frames(&farm, plain).len(), 6);
}
