// Every endpoint, called through its generated method against the mock farm over real HTTP,
// returns the typed data. Included once per transport by `tests/behaviour.rs`.

use std::time::Duration;

use render_api_client::types::*;
use render_api_mock::{FarmConfig, MockFarm};

#[test]
fn every_endpoint_answers_typed_data() {
    let farm = MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 4,
            failing_frames: vec![2],
            ..FarmConfig::frozen()
        })
        .start()
        .unwrap();
    let client = client_for(&farm, farm.url());
    let mut called = std::collections::BTreeSet::new();
    let mut hit = |name: &str| {
        called.insert(name.to_owned());
    };

    let platforms = client.query_platforms(Zone::China).sent().unwrap();
    assert_eq!(platforms[0].name, "query_platform_w2");
    hit("queryPlatforms");
    let profile = client.query_user_profile().sent().unwrap();
    assert_eq!(
        (profile.user_id, profile.user_name.as_str()),
        (10001136, "rayvision")
    );
    assert_eq!(profile.coupon.unwrap().to_string(), "49.93");
    hit("queryUserProfile");
    client.update_user_setting(24 * 3600).sent().unwrap();
    hit("updateUserSetting");
    assert_eq!(
        client.query_user_setting().sent().unwrap().task_over_time,
        Some(24)
    );
    hit("queryUserSetting");
    assert_eq!(
        client.get_transfer_bid().sent().unwrap().config_bid,
        "30201"
    );
    hit("getTransferBid");
    assert_eq!(
        client
            .get_ray_sync_user_key()
            .sent()
            .unwrap()
            .user_name
            .as_deref(),
        Some("rayvision")
    );
    hit("getRaySyncUserKey");
    assert_eq!(
        client
            .get_transfer_server_msg(Zone::Overseas)
            .sent()
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
        .sent()
        .unwrap();
    assert_eq!(details[0].language_flag, Some(1));
    hit("queryErrorDetail");

    let created = client
        .create_task().count(2)
        .labels(["demo".to_owned()])
        .sent()
        .unwrap();
    let (id, other) = (created.task_id_list[0], created.task_id_list[1]);
    hit("createTask");
    client.submit_task(id).sent().unwrap();
    hit("submitTask");
    client.update_task_user_level(id, 60).sent().unwrap();
    hit("updateTaskUserLevel");
    client.set_over_time_stop([id], 7200).sent().unwrap();
    hit("setOverTimeStop");
    farm.farm().advance(Duration::from_secs(31));
    let info = client.query_task_info([id]).sent().unwrap();
    assert_eq!(info.items[0].task_status, TaskStatus::Rendering);
    assert_eq!(info.items[0].task_user_level, Some(60));
    hit("queryTaskInfo");
    client.full_speed([id]).sent().unwrap();
    hit("fullSpeed");
    farm.farm().advance(Duration::from_secs(61));
    let list = client
        .get_task_list()
        .page_size(10)
        .status_list([TaskStatus::FinishedHasFailed])
        .sent()
        .unwrap();
    assert_eq!(list.items.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);
    hit("getTaskList");
    let frames = client.query_task_frames(id).page_size(10).sent().unwrap();
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
    let stats = client.query_all_frame_stats().sent().unwrap();
    assert_eq!((stats.done_frames_total, stats.failed_frames_total), (3, 1));
    hit("queryAllFrameStats");
    client.restart_failed_frames([id]).sent().unwrap();
    hit("restartFailedFrames");
    client
        .restart_frame(id, FrameSelection::Listed)
        .ids([frames.items[0].id])
        .sent()
        .unwrap();
    hit("restartFrame");
    let img = client
        .load_task_process_img(id)
        .frame_type(FrameType::Main)
        .sent()
        .unwrap();
    assert_eq!(img.grab_info.unwrap().len(), 4);
    hit("loadTaskProcessImg");
    let thumbs = client
        .loading_frame_thumbnail(frames.items[2].id)
        .sent()
        .unwrap();
    assert_eq!(thumbs.len(), 1);
    hit("loadingFrameThumbnail");

    client.submit_task(other).sent().unwrap();
    client.stop_task([other]).sent().unwrap();
    hit("stopTask");
    client.start_task([other]).sent().unwrap();
    hit("startTask");
    client.abort_task([other]).sent().unwrap();
    hit("abortTask");
    client.delete_task([other]).sent().unwrap();
    hit("deleteTask");

    client.add_label("myLabel").status(0).sent().unwrap();
    hit("addLabel");
    assert_eq!(
        client.get_label_list().sent().unwrap().project_name_list[0].project_name,
        "myLabel"
    );
    hit("getLabelList");
    client.delete_label("myLabel").sent().unwrap();
    hit("deleteLabel");

    let software = client.query_supported_software().sent().unwrap();
    assert!(
        software
            .render_info_list
            .iter()
            .any(|s| s.cg_id == Software::Maya)
    );
    hit("querySupportedSoftware");
    let plugins = client
        .query_supported_plugin(Software::Maya, OsName::Linux)
        .sent()
        .unwrap();
    let plugin_id = plugins.cg_plugin[0].plugin_versions[0].plugin_id;
    hit("querySupportedPlugin");
    let added = client
        .add_render_env(
            Software::Maya,
            "Maya",
            "2020",
            "mine",
            RenderSystem::Linux,
            [plugin_id],
        )
        .render_layer_type(0)
        .project_path("/projects/shot010")
        .sent()
        .unwrap();
    assert_eq!(added.edit_name, "mine");
    hit("addRenderEnv");
    client
        .update_render_env(
            Software::Maya,
            "Maya",
            "2020",
            "mine",
            RenderSystem::Windows,
            [],
        )
        .sent()
        .unwrap();
    hit("updateRenderEnv");
    client.set_default_render_env("mine").sent().unwrap();
    hit("setDefaultRenderEnv");
    let envs = client
        .get_render_env()
        .cg_id(Software::Maya)
        .sent()
        .unwrap();
    let mine = envs.iter().find(|e| e.edit_name == "mine").unwrap();
    assert_eq!((mine.os_name, mine.is_default), (RenderSystem::Windows, 1));
    hit("getRenderEnv");
    client.delete_render_env("mine").sent().unwrap();
    hit("deleteRenderEnv");

    // The calls of API 2.0.0 only.
    let created = client.create_task().artist("someone").sent().unwrap();
    let third = created.task_id_list[0];
    client
        .task_json_file(third, r#"{"software_config": {}}"#)
        .sent()
        .unwrap();
    hit("taskJsonFile");
    let err = client
        .task_json_file(third, "not json").file_name(TaskFileName::Upload)
        .sent()
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ParameterInvalid));
    client.update_task_limit(third, 10).sent().unwrap();
    hit("updateTaskLimit");
    client.add_task_label("urgent", [third]).sent().unwrap();
    hit("addTaskLabel");
    client
        .delete_task_label([third])
        .label_names(["urgent".to_owned()])
        .sent()
        .unwrap();
    hit("deleteTaskLabel");
    client.add_label("project-a").status(0).sent().unwrap();
    let projects = client
        .list_projects()
        .flag(render_api_client::types::ProjectScope::WithMain).sent().unwrap();
    assert_eq!(projects.project_name_list[0].project_name, "project-a");
    hit("listProjects");
    let config = client.get_config().sent().unwrap();
    let engines = config.resq_engines.unwrap();
    assert!(engines.iter().any(|e| e.engine_name == "RaySync"));
    // The engines' passwords are secrets: Debug never shows them.
    assert!(!format!("{engines:?}").contains("mock-farm-aspera-password"));
    hit("getConfig");
    let files = client.get_output_user_dir_file().sent().unwrap();
    assert!(files.iter().all(|f| f.directory), "{files:?}");
    // With a task, its output folder itself (the v2 document's example); inside it, the
    // task's finished frames.
    let folder = client
        .get_output_user_dir_file()
        .task_id(id)
        .sent()
        .unwrap();
    assert_eq!(folder.len(), 1, "{folder:?}");
    assert!(folder[0].directory && files.contains(&folder[0]), "{files:?}");
    let inside = client
        .get_output_user_dir_file()
        .tree_path(folder[0].file_path.clone())
        .sent()
        .unwrap();
    assert!(!inside.is_empty() && inside.iter().all(|f| !f.directory));
    assert!(
        inside
            .iter()
            .all(|f| f.file_path.starts_with(&format!("{}/", folder[0].file_path))),
        "{inside:?}"
    );
    hit("getOutputUserDirFile");
    let log = client
        .show_log(frames.items[0].id)
        .page_size(50)
        .sent()
        .unwrap();
    assert!(
        log.items.iter().any(|l| l.contains(&format!("task {id}"))),
        "{log:?}"
    );
    hit("showLog");
    let hardware = client
        .list_hardware_configs()
        .task_ids([third.to_string()])
        .sent()
        .unwrap();
    let other_config = hardware
        .iter()
        .find(|h| h.current == Some(false))
        .unwrap()
        .id;
    hit("listHardwareConfigs");
    client
        .edit_task_hardware_config(
            [third.to_string()],
            [other_config.to_string()],
            "1080Ti",
            "",
            "64GB",
        )
        .sent()
        .unwrap();
    let hardware = client
        .list_hardware_configs()
        .task_ids([third.to_string()])
        .sent()
        .unwrap();
    assert_eq!(
        hardware
            .iter()
            .find(|h| h.current == Some(true))
            .map(|h| h.id),
        Some(other_config)
    );
    hit("editTaskHardwareConfig");
    client.submit_task(third).sent().unwrap();
    farm.farm().advance(Duration::from_secs(31));
    client
        .stop_task_frames(third, FrameSelection::All)
        .sent()
        .unwrap();
    let stopped = client.query_task_frames(third).sent().unwrap();
    assert!(
        stopped
            .items
            .iter()
            .all(|f| f.frame_status == FrameStatus::Stopped)
    );
    hit("stopTaskFrames");
    let records = client.task_record(2).sent().unwrap();
    assert!(records.total >= 3, "{records:?}");
    hit("taskRecord");
    let logins = client.login_record().sent().unwrap();
    assert_eq!(logins.items.len(), 1);
    hit("loginRecord");
    assert!(client.get_user_pack_node_info().sent().unwrap().is_empty());
    hit("getUserPackNodeInfo");

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
    let created = client.create_task().count(7).sent().unwrap();
    let ids: Vec<i64> = client
        .get_task_list()
        .page_size(3)
        .paged()
        .map(|t| t.unwrap().id)
        .collect();
    // Oldest first, as both official clients' docstrings say.
    assert_eq!(ids, created.task_id_list);
    assert_eq!(farm.attempts("getTaskList"), 3, "three pages of 3, 3 and 1");
    // The pages themselves, each with its numbers.
    let pages = client.get_task_list().page_size(3).each_page();
    let numbers: Vec<(i64, i64, usize)> = pages
        .into_iter()
        .map(|p| p.map(|p| (p.page_num, p.page_count, p.items.len())).unwrap())
        .collect();
    assert_eq!(numbers, [(1, 3, 3), (2, 3, 3), (3, 3, 1)]);
    // A page size that divides the total: the last full page ends it, no empty page fetched.
    let n = client.get_task_list().page_size(7).paged().count();
    assert_eq!(n, 7);
    assert_eq!(farm.attempts("getTaskList"), 7, "3 pages, 3 pages, then 1");
    // Nothing at all: one call, no items.
    let empty = MockFarm::start().unwrap();
    let client = client_for(&empty, empty.url());
    assert_eq!(client.get_task_list().page_size(5).paged().count(), 0);
    assert_eq!(empty.attempts("getTaskList"), 1);
}
