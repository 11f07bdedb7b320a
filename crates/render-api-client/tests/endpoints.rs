//! Every endpoint, called through its generated method against the mock farm over real HTTP,
//! returns the typed data.

mod common;

use std::time::Duration;

use common::client_for;
use render_api_client::types::*;
use render_api_mock::{FarmConfig, MockFarm};

#[test]
fn every_endpoint_answers_typed_data() {
    let farm = MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 4,
            failing_frames: vec![2],
            ..FarmConfig::default()
        })
        .start()
        .unwrap();
    let client = client_for(&farm, farm.url());
    let mut called = std::collections::BTreeSet::new();
    let mut hit = |name: &str| {
        called.insert(name.to_owned());
    };

    let platforms = client.query_platforms(Zone::China).send().unwrap();
    assert_eq!(platforms[0].name, "query_platform_w2");
    hit("queryPlatforms");
    let profile = client.query_user_profile().send().unwrap();
    assert_eq!(
        (profile.user_id, profile.user_name.as_str()),
        (10001136, "rayvision")
    );
    assert_eq!(profile.coupon.unwrap().to_string(), "49.93");
    hit("queryUserProfile");
    client.update_user_setting(24 * 3600).send().unwrap();
    hit("updateUserSetting");
    assert_eq!(
        client.query_user_setting().send().unwrap().task_over_time,
        Some(24)
    );
    hit("queryUserSetting");
    assert_eq!(
        client.get_transfer_bid().send().unwrap().config_bid,
        "30201"
    );
    hit("getTransferBid");
    assert_eq!(
        client
            .get_ray_sync_user_key()
            .send()
            .unwrap()
            .user_name
            .as_deref(),
        Some("rayvision")
    );
    hit("getRaySyncUserKey");
    assert_eq!(
        client
            .get_transfer_server_msg(Zone::Overseas)
            .send()
            .unwrap()
            .raysync_transfer
            .ssl_port,
        Some(2543)
    );
    hit("getTransferServerMsg");
    let details = client
        .query_error_detail()
        .code("15000")
        .language(Language::English)
        .send()
        .unwrap();
    assert_eq!(details[0].language_flag, Some(1));
    hit("queryErrorDetail");

    let created = client
        .create_task(2)
        .labels(["demo".to_owned()])
        .send()
        .unwrap();
    let (id, other) = (created.task_id_list[0], created.task_id_list[1]);
    hit("createTask");
    client.submit_task(id).send().unwrap();
    hit("submitTask");
    client.update_task_user_level(id, 60).send().unwrap();
    hit("updateTaskUserLevel");
    client.set_over_time_stop([id], 7200).send().unwrap();
    hit("setOverTimeStop");
    farm.farm().advance(Duration::from_secs(31));
    let info = client.query_task_info([id]).send().unwrap();
    assert_eq!(info.items[0].task_status, TaskStatus::Rendering);
    assert_eq!(info.items[0].task_user_level, Some(60));
    hit("queryTaskInfo");
    client.full_speed([id]).send().unwrap();
    hit("fullSpeed");
    farm.farm().advance(Duration::from_secs(61));
    let list = client
        .get_task_list()
        .page_size(10)
        .status_list([TaskStatus::FinishedHasFailed])
        .send()
        .unwrap();
    assert_eq!(list.items.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);
    hit("getTaskList");
    let frames = client.query_task_frames(id).page_size(10).send().unwrap();
    let statuses: Vec<FrameStatus> = frames.items.iter().map(|f| f.frame_status).collect();
    assert_eq!(
        statuses,
        [
            FrameStatus::Done,
            FrameStatus::Failed,
            FrameStatus::Done,
            FrameStatus::Done
        ]
    );
    hit("queryTaskFrames");
    let stats = client.query_all_frame_stats().send().unwrap();
    assert_eq!((stats.done_frames_total, stats.failed_frames_total), (3, 1));
    hit("queryAllFrameStats");
    client.restart_failed_frames([id]).send().unwrap();
    hit("restartFailedFrames");
    client
        .restart_frame(id, FrameSelection::Listed)
        .ids([frames.items[0].id])
        .send()
        .unwrap();
    hit("restartFrame");
    let img = client
        .load_task_process_img(id)
        .frame_type(FrameType::Main)
        .send()
        .unwrap();
    assert_eq!(img.grab_info.unwrap().len(), 4);
    hit("loadTaskProcessImg");
    let thumbs = client
        .loading_frame_thumbnail(frames.items[2].id, FrameStatus::Done)
        .send()
        .unwrap();
    assert_eq!(thumbs.len(), 1);
    hit("loadingFrameThumbnail");

    client.submit_task(other).send().unwrap();
    client.stop_task([other]).send().unwrap();
    hit("stopTask");
    client.start_task([other]).send().unwrap();
    hit("startTask");
    client.abort_task([other]).send().unwrap();
    hit("abortTask");
    client.delete_task([other]).send().unwrap();
    hit("deleteTask");

    client.add_label("myLabel", 0).send().unwrap();
    hit("addLabel");
    assert_eq!(
        client.get_label_list().send().unwrap().project_name_list[0].project_name,
        "myLabel"
    );
    hit("getLabelList");
    client.delete_label("myLabel").send().unwrap();
    hit("deleteLabel");

    let software = client.query_supported_software().send().unwrap();
    assert!(
        software
            .render_info_list
            .iter()
            .any(|s| s.cg_id == Software::Maya)
    );
    hit("querySupportedSoftware");
    let plugins = client
        .query_supported_plugin(Software::Maya, OsName::Linux)
        .send()
        .unwrap();
    let plugin_id = plugins.cg_plugin[0].plugin_versions[0].plugin_id;
    hit("querySupportedPlugin");
    let added = client
        .add_render_env(
            Software::Maya,
            "Maya",
            "2020",
            0,
            "mine",
            RenderSystem::Linux,
            [plugin_id],
        )
        .send()
        .unwrap();
    assert_eq!(added.edit_name, "mine");
    hit("addRenderEnv");
    client
        .update_render_env(
            Software::Maya,
            "Maya",
            "2020",
            0,
            "mine",
            RenderSystem::Windows,
            [],
        )
        .send()
        .unwrap();
    hit("updateRenderEnv");
    client.set_default_render_env("mine").send().unwrap();
    hit("setDefaultRenderEnv");
    let envs = client
        .get_render_env()
        .cg_id(Software::Maya)
        .send()
        .unwrap();
    let mine = envs.iter().find(|e| e.edit_name == "mine").unwrap();
    assert_eq!((mine.os_name, mine.is_default), (RenderSystem::Windows, 1));
    hit("getRenderEnv");
    client.delete_render_env("mine").send().unwrap();
    hit("deleteRenderEnv");

    let all: std::collections::BTreeSet<String> =
        ENDPOINTS.iter().map(|e| e.name.to_owned()).collect();
    assert_eq!(called, all, "every endpoint was called");
    for name in &all {
        assert!(farm.attempts(name) >= 1, "{name} never reached the farm");
    }
}

#[test]
fn pages_walks_every_page_and_stops() {
    let farm = MockFarm::start().unwrap();
    let client = client_for(&farm, farm.url());
    let created = client.create_task(7).send().unwrap();
    let ids: Vec<i64> = client
        .get_task_list()
        .page_size(3)
        .pages()
        .map(|t| t.unwrap().id)
        .collect();
    let mut expected = created.task_id_list.clone();
    expected.reverse();
    assert_eq!(ids, expected);
    assert_eq!(farm.attempts("getTaskList"), 3, "three pages of 3, 3 and 1");
    // A page size that divides the total: the last full page ends it, no empty page fetched.
    let n = client.get_task_list().page_size(7).pages().count();
    assert_eq!(n, 7);
    assert_eq!(farm.attempts("getTaskList"), 4);
    // Nothing at all: one call, no items.
    let empty = MockFarm::start().unwrap();
    let client = client_for(&empty, empty.url());
    assert_eq!(client.get_task_list().page_size(5).pages().count(), 0);
    assert_eq!(empty.attempts("getTaskList"), 1);
}
