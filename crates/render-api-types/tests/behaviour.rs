//! What users rely on beyond the examples: unknown codes, money, helpers, request shapes.

use std::str::FromStr;

use render_api_types::*;
use rust_decimal::Decimal;
use serde_json::json;

#[test]
fn unknown_codes_are_kept_and_sent_back() {
    let status: TaskStatus = serde_json::from_value(json!(99)).unwrap();
    assert_eq!(status, TaskStatus::Unknown(99));
    assert_eq!(serde_json::to_value(status).unwrap(), json!(99));
    let code: ErrorCode = serde_json::from_value(json!(612)).unwrap();
    assert_eq!(code, ErrorCode::Unknown(612));
    let lang: Language = serde_json::from_value(json!("7")).unwrap();
    assert_eq!(lang, Language::Unknown("7".into()));
    assert_eq!(serde_json::to_value(&lang).unwrap(), json!("7"));
    // Known codes arriving as strings (the document's addRenderEnv example) are understood.
    let sys: RenderSystem = serde_json::from_value(json!("1")).unwrap();
    assert_eq!(sys, RenderSystem::Windows);
    assert!(serde_json::from_value::<RenderSystem>(json!("linux")).is_err());
    assert!(serde_json::from_value::<RenderSystem>(json!(null)).is_err());
}

#[test]
fn from_code_normalizes_and_terminal_states_are_known() {
    assert_eq!(TaskStatus::from_code(25), TaskStatus::Finished);
    assert_eq!(TaskStatus::Rendering.code(), 5);
    let terminal: Vec<i64> = TaskStatus::KNOWN
        .iter()
        .filter(|s| s.is_terminal())
        .map(TaskStatus::code)
        .collect();
    // Stopped tasks are not final: startTask resumes them.
    assert_eq!(terminal, [25, 30, 35, 40, 45, 65, 70]);
    assert!(!TaskStatus::Stop.is_terminal());
    assert!(!TaskStatus::Unknown(99).is_terminal());
    assert!(FrameStatus::Failed.is_terminal());
    assert!(!FrameStatus::Running.is_terminal());
}

#[test]
fn enums_parse_from_names_and_codes_and_display_their_names() {
    assert_eq!(
        TaskStatus::from_str("rendering").unwrap(),
        TaskStatus::Rendering
    );
    assert_eq!(
        TaskStatus::from_str("PRE_RENDERING").unwrap(),
        TaskStatus::PreRendering
    );
    assert_eq!(
        TaskStatus::from_str("finished-has-failed").unwrap(),
        TaskStatus::FinishedHasFailed
    );
    assert_eq!(TaskStatus::from_str("45").unwrap(), TaskStatus::Failed);
    assert_eq!(TaskStatus::from_str("77").unwrap(), TaskStatus::Unknown(77));
    assert_eq!(Software::from_str("maya").unwrap(), Software::Maya);
    assert_eq!(Language::from_str("english").unwrap(), Language::English);
    let err = Zone::from_str("mars").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`mars` is not a Zone: expected one of china, overseas or a numeric code"
    );
    assert_eq!(TaskStatus::PreRendering.to_string(), "pre-rendering");
    assert_eq!(TaskStatus::Unknown(77).to_string(), "unknown code 77");
    assert_eq!(ErrorCode::SignatureExpired.meaning_zh(), Some("签名过期"));
}

#[test]
fn money_is_exact() {
    let profile: UserProfile = serde_json::from_value(json!({
        "userId": 1, "userName": "u", "coupon": 49.93, "gpuPrice": 20, "cpuPrice": "0.67"
    }))
    .unwrap();
    assert_eq!(
        profile.coupon.unwrap().amount(),
        Decimal::from_str("49.93").unwrap()
    );
    assert_eq!(
        profile.cpu_price.unwrap().amount(),
        Decimal::from_str("0.67").unwrap()
    );
    let back = serde_json::to_value(&profile).unwrap();
    assert_eq!(back["coupon"], json!(49.93));
    assert_eq!(back["gpuPrice"], json!(20));
    // Sums of amounts stay exact, unlike f64 (0.1 + 0.2 != 0.3).
    let a = Money::from_str("0.1").unwrap().amount();
    let b = Money::from_str("0.2").unwrap().amount();
    assert_eq!(a + b, Decimal::from_str("0.3").unwrap());
}

#[test]
fn key_values_are_parsed_into_pairs() {
    let task: TaskInfo = serde_json::from_value(json!({
        "id": 1, "taskStatus": 25,
        "keyValue": "filter_kernel:Catmull-Rom::channel:0::all_camera:[\"Camera001\"]::width:2000::"
    }))
    .unwrap();
    let pairs: Vec<(&str, &str)> = task.key_values().collect();
    assert_eq!(
        pairs,
        [
            ("filter_kernel", "Catmull-Rom"),
            ("channel", "0"),
            ("all_camera", "[\"Camera001\"]"),
            ("width", "2000")
        ]
    );
    assert_eq!(task.key_value("width"), Some("2000"));
    assert_eq!(task.key_value("height"), None);
}

#[test]
fn requests_take_required_values_in_new_and_optional_ones_by_setters() {
    // Page parameters are always sent, with the spec's defaults unless set.
    assert_eq!(
        serde_json::to_value(GetTaskListRequest::new()).unwrap(),
        json!({"pageNum": 1, "pageSize": 100})
    );
    let req = GetTaskListRequest::new()
        .page_size(50)
        .status_list([TaskStatus::Rendering, TaskStatus::Failed])
        .search_keyword("scene");
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"pageNum": 1, "pageSize": 50, "statusList": [5, 45], "searchKeyword": "scene"})
    );
    // Absent optionals are not sent at all; defaults always are.
    assert_eq!(
        serde_json::to_value(CreateTaskRequest::new().count(2)).unwrap(),
        json!({"count": 2, "taskUserLevel": 50})
    );
    assert_eq!(
        serde_json::to_value(QueryUserProfileRequest::new()).unwrap(),
        json!({})
    );
    assert_eq!(
        serde_json::to_value(StopTaskRequest::new([19088, 19089])).unwrap(),
        json!({"taskIds": [19088, 19089]})
    );
}

#[test]
fn endpoint_table_matches_the_descriptors() {
    // 35 calls in both generations, 14 in version 2 only.
    assert_eq!(ENDPOINTS.len(), 49);
    let v2_only: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.path(ApiVersion::V1).is_none())
        .map(|e| e.name)
        .collect();
    assert_eq!(v2_only.len(), 14, "{v2_only:?}");
    assert!(ENDPOINTS.iter().all(|e| e.path(ApiVersion::V2).is_some()));
    let info = EndpointInfo::by_path(QueryPlatforms::path(ApiVersion::V1).unwrap()).unwrap();
    assert_eq!(info.name, QueryPlatforms::NAME);
    assert!(info.idempotent);
    // Every call that changes the farm is a write, never retried by default.
    let writes: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| !e.idempotent)
        .map(|e| e.name)
        .collect();
    assert_eq!(
        writes,
        [
            "updateUserSetting",
            "createTask",
            "submitTask",
            "stopTask",
            "startTask",
            "abortTask",
            "deleteTask",
            "restartFailedFrames",
            "restartFrame",
            "addLabel",
            "deleteLabel",
            "addRenderEnv",
            "updateRenderEnv",
            "deleteRenderEnv",
            "setDefaultRenderEnv",
            "updateTaskUserLevel",
            "setOverTimeStop",
            "fullSpeed",
            "taskJsonFile",
            "addTaskLabel",
            "deleteTaskLabel",
            "stopTaskFrames",
            "updateTaskLimit",
            "editTaskHardwareConfig"
        ]
    );
    let secret: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.secret_response)
        .map(|e| e.name)
        .collect();
    assert_eq!(secret, ["getRaySyncUserKey", "getConfig"]);
    // A path belongs to one endpoint, whatever the generation: a server finds the call from
    // the path alone.
    for e in ENDPOINTS {
        for (_, path) in e.paths {
            assert_eq!(
                EndpointInfo::by_path(path).map(|i| i.name),
                Some(e.name),
                "{path}"
            );
        }
    }
}

#[test]
fn secrets_do_not_show_in_debug() {
    let key: RaySyncUserKey = serde_json::from_value(json!({
        "raySyncUserKey": "8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d", "userName": "test", "platform": 2
    }))
    .unwrap();
    let debug = format!("{key:?}");
    assert!(!debug.contains("8ccb94d6"), "{debug}");
    assert!(
        debug.contains(REDACTED) && debug.contains("test"),
        "{debug}"
    );
}

#[test]
fn pages_know_their_end() {
    let page: Page<FrameInfo> = serde_json::from_value(
        json!({"pageCount": 2, "pageNum": 2, "total": 3, "size": 2, "items": []}),
    )
    .unwrap();
    assert!(page.is_last());
}

#[test]
fn fields_the_sdk_does_not_know_are_tolerated() {
    let task: TaskInfo = serde_json::from_value(json!({
        "id": 1, "taskStatus": 5, "brandNewField": {"nested": [1, 2]}, "anotherOne": "x"
    }))
    .unwrap();
    assert_eq!(task.id, 1);
    assert_eq!(task.task_status, TaskStatus::Rendering);
}

/// A layer of the v2 document's queryTaskInfo example (D:595), trimmed, with its
/// `layerParentId` as `value`.
fn task_with_layer_parent(value: serde_json::Value) -> serde_json::Value {
    json!({
        "sceneName": "衣帽间.max", "id": 18280, "taskStatus": 25, "layerParentId": value,
        "outputFileName": "18280_衣帽间", "userId": 10001520, "cgId": 2001
    })
}

#[test]
fn a_field_the_sources_give_as_a_number_and_as_text_reads_either_and_nothing_else() {
    // layerParentId: a number in every example (D:624), a String in every table (D:502, en:876).
    for value in [json!(18278), json!("18278"), json!(" 18278 ")] {
        let task: TaskInfo = serde_json::from_value(task_with_layer_parent(value.clone()))
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(task.layer_parent_id, Some(18278), "{value}");
    }
    let page: Page<TaskInfo> = serde_json::from_value(json!({
        "pageCount": 1, "pageNum": 1, "total": 2, "size": 2,
        "items": [task_with_layer_parent(json!(0)), task_with_layer_parent(json!("18278"))]
    }))
    .unwrap();
    assert_eq!(page.items[1].layer_parent_id, Some(18278));
    // Text that is no number is still an error, and says where.
    let bad = json!({"items": [task_with_layer_parent(json!("18278a"))], "pageCount": 1, "pageNum": 1, "total": 1, "size": 1});
    let err = serde_path_to_error::deserialize::<_, Page<TaskInfo>>(bad).unwrap_err();
    assert_eq!(err.path().to_string(), "items[0].layerParentId");
    // A field no source gives as text is not loosened: the task's id.
    let mut strict = task_with_layer_parent(json!(0));
    strict["id"] = json!("18280");
    assert!(serde_json::from_value::<TaskInfo>(strict).is_err());
    // loginStaDesc: int in the table (D:2856), text in the example (D:2877).
    for value in [json!("账号已被禁用"), json!(200)] {
        let entry: LoginLogEntry = serde_json::from_value(json!({"loginStaDesc": value}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(entry.login_sta_desc.is_some());
    }
}

/// What rayvision-api 3.0.4.3 sends when its caller gives only what it must (its methods'
/// defaults: task.py:22, tag.py:16, query.py:86, 144, 486, 614, transmit.py:16, user.py:189,
/// 210), and what the documents say the service assumes for an absent value.
#[test]
fn defaults_are_the_official_clients_and_an_absent_one_reads_as_its_default() {
    let cases = [
        (
            serde_json::to_value(CreateTaskRequest::new()).unwrap(),
            json!({"count": 1, "taskUserLevel": 50}),
        ),
        (
            serde_json::to_value(AddLabelRequest::new("lighting")).unwrap(),
            json!({"newName": "lighting", "status": 1}),
        ),
        (
            serde_json::to_value(LoadingFrameThumbnailRequest::new(1546598)).unwrap(),
            json!({"id": 1546598, "frameStatus": 4}),
        ),
        (
            serde_json::to_value(TaskJsonFileRequest::new(19084, "{}")).unwrap(),
            json!({"taskId": 19084, "fileName": "task.json", "content": "{}"}),
        ),
        (
            serde_json::to_value(GetTaskListRequest::new()).unwrap(),
            json!({"pageNum": 1, "pageSize": 100}),
        ),
        (
            serde_json::to_value(TaskRecordRequest::new(2)).unwrap(),
            json!({"platform": 2, "pageNum": 1, "pageSize": 10, "startDate": "", "endDate": ""}),
        ),
        (
            serde_json::to_value(LoginRecordRequest::new()).unwrap(),
            json!({"pageNum": 1, "pageSize": 10, "startDate": "", "endDate": ""}),
        ),
    ];
    for (ours, official) in cases {
        assert_eq!(ours, official);
    }
    // The server side (the mock farm) reads an absent defaulted value as its default.
    let read: CreateTaskRequest = serde_json::from_value(json!({})).unwrap();
    assert_eq!(read, CreateTaskRequest::new());
    let read: TaskJsonFileRequest =
        serde_json::from_value(json!({"taskId": 19084, "content": "{}"})).unwrap();
    assert_eq!(read.file_name, TaskFileName::Task);
}
