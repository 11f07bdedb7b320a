//! The linter rejects broken specs, naming each error's location; the real spec becomes a
//! model with everything resolved.

use std::path::{Path, PathBuf};

use render_spec::{Presence, SpecErrors, Type};

fn root() -> PathBuf {
    render_spec::find_repo_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("in the repository")
}

fn lint_errors(name: &str) -> Vec<String> {
    match render_spec::load(&root().join("tests/specs").join(name)) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(SpecErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn assert_has(errors: &[String], expected: &str) {
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "no error contains {expected:?}; got:\n{}",
        errors.join("\n")
    );
}

#[test]
fn structural_errors_are_located() {
    let errors = lint_errors("broken.yaml");
    assert_has(
        &errors,
        "broken.yaml:11: enums[Zone].values[Overseas]: the code `1` is listed twice",
    );
    assert_has(
        &errors,
        "broken.yaml:18: models[Platform].fields[region]: unknown type `Region`",
    );
    assert_has(
        &errors,
        "broken.yaml:25: endpoints[queryPlatforms]: missing description: `en` is required",
    );
    assert_has(
        &errors,
        "broken.yaml:37: endpoints[queryPlatforms2].path: the path `/api/render/common/queryPlatforms` is also the path of `queryPlatforms`",
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn examples_and_unused_models_are_checked() {
    let errors = lint_errors("broken_examples.yaml");
    assert_has(
        &errors,
        "broken_examples.yaml:24: models[Orphan]: the model `Orphan` is not used by any endpoint",
    );
    assert_has(
        &errors,
        "broken_examples.yaml:41: endpoints[queryPlatforms].examples.request: the v1 request example does not match the parameters: `extra` is not a parameter",
    );
    assert_has(
        &errors,
        "examples.request: the v1 request example does not match the parameters: zone: expected Zone, found \"two\"",
    );
    assert_has(
        &errors,
        "broken_examples.yaml:42: endpoints[queryPlatforms].examples.response: the reply example does not match `list<Platform>`: data[0].platform: expected int, found \"2\"",
    );
}

#[test]
fn parameter_sets_defaults_and_positionals_are_checked() {
    let errors = lint_errors("broken_params.yaml");
    assert_has(
        &errors,
        "broken_params.yaml:34: endpoints[listItems].uses: no parameter set is named `Sorting`",
    );
    assert_has(
        &errors,
        "broken_params.yaml:36: endpoints[listItems].params[filter]: only a required parameter can be positional",
    );
    assert_has(
        &errors,
        "broken_params.yaml:37: endpoints[listItems].params[pageSize]: the parameter `pageSize` is listed twice",
    );
    assert_has(
        &errors,
        "broken_params.yaml:50: endpoints[getItem].params[item]: a parameter cannot be the model `Item`: models are responses",
    );
    assert_has(
        &errors,
        "broken_params.yaml:16: models[Item].columns: no field `nope` to show as a column",
    );
    assert_has(
        &errors,
        "broken_params.yaml:51: endpoints[getItem].params[count]: only a `string` parameter can carry JSON text (`json: true`), not `int`",
    );
    // Checked once the structure is sound: fix the structural errors and the defaults show.
    let text = std::fs::read_to_string(root().join("tests/specs/broken_params.yaml")).unwrap();
    let fixed = text
        .replace("uses: [Paging, Sorting]", "uses: [Paging]")
        .replace(", positional: true", "")
        .replace(
            "      - {name: pageSize, type: int, zh: \"重复\", en: \"Again.\"}\n",
            "",
        )
        .replace(
            "      - {name: item, type: Item, zh: \"项\", en: \"Item.\"}\n",
            "",
        )
        .replace(", json: true", "")
        .replace("    columns: [id, nope]\n", "");
    let SpecErrors(errors) = render_spec::parse("broken_params.yaml", fixed).unwrap_err();
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_has(
        &errors,
        "broken_params.yaml:23: param_sets[Paging].params[pageNum]: the default does not fit the type: default: expected int, found \"one\"",
    );
    assert_has(
        &errors,
        "endpoints[getItem].params[ids]: the default does not fit the type: `list<int>`: only int, string, text and bool parameters take a default",
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn generations_are_checked_where_they_are_named() {
    let errors = lint_errors("broken_generations.yaml");
    assert_has(
        &errors,
        "broken_generations.yaml:15: endpoints[ping].paths: no generation is named `v3` (the spec has v1, v2)",
    );
    assert_has(
        &errors,
        "broken_generations.yaml:24: endpoints[ping].params[echo]: the parameter is only in `v2`, where the endpoint does not exist",
    );
    assert_has(
        &errors,
        "broken_generations.yaml:25: endpoints[ping].params[page]: a parameter of one generation cannot have a `default`",
    );
    assert_has(
        &errors,
        "broken_generations.yaml:29: endpoints[ping].more_examples: examples for `v2`, where the endpoint does not exist",
    );
    assert_has(
        &errors,
        "broken_generations.yaml:29: endpoints[ping].more_examples: examples of a later generation need a `source`",
    );
    assert_has(
        &errors,
        "broken_generations.yaml:32: endpoints[pong].path: the path `/api/ping` is also the path of `ping`",
    );
}

#[test]
fn yaml_errors_carry_their_location() {
    let text =
        "title: x\ngenerations: []\nenums:\n  - name: A\n    repr: integer\n    valuez: []\n";
    let SpecErrors(errors) = render_spec::parse("typo.yaml", text).unwrap_err();
    let text = errors[0].to_string();
    assert!(
        text.contains("typo.yaml:6: the spec does not parse"),
        "{text}"
    );
    assert!(text.contains("unknown field `valuez`"), "{text}");
}

#[test]
fn the_real_spec_becomes_a_resolved_model() {
    let spec = render_spec::load(&root().join("api-spec.yaml")).unwrap_or_else(|e| panic!("{e}"));
    // 29 calls of the API document and 6 of rayvision-api 0.4.4, in both generations.
    let v1 = spec.generation_named("v1").unwrap();
    let v2 = spec.generation_named("v2").unwrap();
    assert_eq!(
        spec.endpoints
            .iter()
            .filter(|e| e.path_in(v1).is_some())
            .count(),
        35
    );
    assert_eq!(spec.generation(v2).version, "2.0.0");
    let ep = spec.endpoint("queryUserProfile").unwrap();
    assert_eq!(ep.path_in(v1), Some("/api/render/user/queryUserProfile"));
    assert_eq!(ep.path_in(v2), Some("/api/render/setUp/queryUserProfile"));
    // Requiredness by generation: the analysis error code is required in v1 only.
    let detail = spec.endpoint("queryErrorDetail").unwrap();
    assert_eq!(
        detail
            .required_in(v1)
            .map(|p| p.wire.as_str())
            .collect::<Vec<_>>(),
        ["code"]
    );
    assert_eq!(detail.required_in(v2).count(), 0);
    assert!(
        detail
            .params
            .iter()
            .any(|p| p.wire == "codes" && p.only == Some(v2))
    );
    assert_eq!(
        spec.endpoints
            .iter()
            .filter(|e| e.source.is_some() && e.path_in(v1).is_some())
            .count(),
        6
    );
    // 14 calls exist in version 2 only.
    assert_eq!(
        spec.endpoints
            .iter()
            .filter(|e| e.path_in(v1).is_none())
            .count(),
        14
    );

    // Pagination is decided once, in the model.
    let paged: Vec<&str> = spec
        .endpoints
        .iter()
        .filter(|e| e.pagination.is_some())
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        paged,
        [
            "getTaskList",
            "queryTaskFrames",
            "showLog",
            "taskRecord",
            "loginRecord"
        ]
    );
    let list = spec.endpoint("getTaskList").unwrap();
    let page_size = list.params.iter().find(|p| p.wire == "pageSize").unwrap();
    assert_eq!(
        page_size.presence,
        Presence::Defaulted(render_spec::DefaultValue::Int(100))
    );
    assert_eq!(
        list.required().count(),
        0,
        "paging has defaults, the rest is optional"
    );

    // A parameter set is declared once and expanded where it is used.
    let add = spec.endpoint("addRenderEnv").unwrap();
    let update = spec.endpoint("updateRenderEnv").unwrap();
    let names =
        |e: &render_spec::Endpoint| e.params.iter().map(|p| p.wire.clone()).collect::<Vec<_>>();
    assert_eq!(names(add), names(update));
    assert!(
        add.params
            .iter()
            .all(|p| p.set.as_deref() == Some("RenderEnvSettings"))
    );

    // Types are resolved: an enum parameter points at its enum.
    let zone = &spec.endpoint("queryPlatforms").unwrap().params[0];
    let Type::Enum(e) = &zone.ty else {
        panic!("zone is an enum")
    };
    assert_eq!(spec.enum_(e).name, "Zone");
    assert_eq!(
        spec.endpoint("stopTask")
            .unwrap()
            .positional()
            .unwrap()
            .wire,
        "taskIds"
    );
}

/// The real spec with one write's `read_back` replaced, linted.
fn read_back_errors(write: &str, read_back: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let start = text
        .find(&format!("  - name: {write}\n"))
        .unwrap_or_else(|| panic!("no {write}"));
    let at = start + text[start..].find("    read_back: ").expect("a read_back");
    let end = at + text[at..].find('\n').unwrap();
    let edited = format!("{}    read_back: {read_back}{}", &text[..at], &text[end..]);
    match render_spec::parse("api-spec.yaml", edited) {
        Ok(_) => panic!("{write} with read_back {read_back} should be rejected"),
        Err(SpecErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn read_backs_must_name_what_exists() {
    let line = |write: &str| {
        let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
        let start = text.find(&format!("  - name: {write}\n")).unwrap();
        let at = start + text[start..].find("    read_back: ").unwrap();
        text[..at].lines().count() + 1
    };
    let stop = line("stopTask");
    let errors = read_back_errors(
        "stopTask",
        "{read: queryTaskInfos, params: {taskIds: taskIds}, key: {id: taskIds}, expect: present}",
    );
    assert_has(
        &errors,
        &format!(
            "api-spec.yaml:{stop}: endpoints[stopTask].read_back.read: no endpoint is named `queryTaskInfos`"
        ),
    );
    let errors = read_back_errors(
        "stopTask",
        "{read: queryTaskInfo, params: {taskIds: taskIds}, key: {id: taskIds}, expect: present, where: {taskStatus: {in: [Stopped]}}}",
    );
    assert_has(
        &errors,
        "endpoints[stopTask].read_back.where.taskStatus: `TaskStatus` has no value `Stopped`",
    );
    let errors = read_back_errors(
        "stopTask",
        "{read: queryTaskInfo, params: {taskIds: taskIds}, key: {taskId: taskIds}, expect: present}",
    );
    assert_has(
        &errors,
        "endpoints[stopTask].read_back.key: `TaskInfo` has no field `taskId`",
    );
    let errors = read_back_errors(
        "stopTask",
        "{read: queryTaskInfo, params: {ids: taskIds}, key: {id: taskIds}, expect: present}",
    );
    assert_has(
        &errors,
        "endpoints[stopTask].read_back.params.ids: `queryTaskInfo` has no parameter `ids`",
    );
    assert_has(
        &errors,
        "endpoints[stopTask].read_back.params: `queryTaskInfo` requires `taskIds` in `v1`: give it",
    );
    let errors = read_back_errors(
        "stopTask",
        "{read: abortTask, params: {taskIds: taskIds}, key: {id: taskIds}, expect: present}",
    );
    assert_has(
        &errors,
        "read_back.read: `abortTask` is a write, not a read",
    );
    let errors = read_back_errors(
        "stopTask",
        "{read: queryTaskInfo, params: {taskIds: taskIds}, key: {id: taskIds}, expect: gone}",
    );
    assert_has(
        &errors,
        "read_back.expect: `expect` is `present` or `absent`",
    );
    // v1's getRenderEnv requires cgId, which deleteRenderEnv does not have.
    let errors = read_back_errors(
        "deleteRenderEnv",
        "{read: getRenderEnv, key: {editName: editName}, expect: absent}",
    );
    assert_has(
        &errors,
        "endpoints[deleteRenderEnv].read_back.params: `getRenderEnv` requires `cgId` in `v1`: give it",
    );
    // A write that answers more than an acknowledgement cannot be confirmed by a read.
    let errors = read_back_errors(
        "createTask",
        "{read: getTaskList, key: {id: taskUserLevel}, expect: present}",
    );
    assert_has(
        &errors,
        "only a write answered with `ack` can be confirmed by a read",
    );
    // Every write says something.
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let start = text.find("  - name: fullSpeed\n").unwrap();
    let at = start + text[start..].find("    read_back: ").unwrap();
    let end = at + text[at..].find('\n').unwrap() + 1;
    let edited = format!("{}{}", &text[..at], &text[end..]);
    let SpecErrors(errors) = render_spec::parse("api-spec.yaml", edited).unwrap_err();
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_has(&errors, "endpoints[fullSpeed]: a write needs `read_back`");
}

#[test]
fn frames_by_number_name_the_task_and_a_selection_that_exist() {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let good = "by_number: {task: taskId, select: selectAll, value: Listed},";
    assert_eq!(
        text.matches(good).count(),
        2,
        "restartFrame and stopTaskFrames"
    );
    for (bad, expected) in [
        (
            "by_number: {task: task, select: selectAll, value: Listed},",
            "no parameter `task` holds the task",
        ),
        (
            "by_number: {task: taskId, select: selectAll, value: Some},",
            "`FrameSelection` has no value `Some`",
        ),
        (
            "by_number: {task: taskId, select: status, value: Listed},",
            "the selection `status` must be a required enum",
        ),
    ] {
        let SpecErrors(errors) =
            render_spec::parse("api-spec.yaml", text.replacen(good, bad, 1)).unwrap_err();
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_has(&errors, "endpoints[restartFrame].params[ids].by_number");
        assert_has(&errors, expected);
    }
}

#[test]
fn only_a_write_is_destructive() {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let start = text.find("  - name: getTaskList\n").unwrap();
    let at = start + text[start..].find("    idempotent: true\n").unwrap();
    let line = text[..at].lines().count() + 1;
    let edited = format!(
        "{}    idempotent: true\n    destructive: true\n{}",
        &text[..at],
        &text[at + "    idempotent: true\n".len()..]
    );
    let Err(SpecErrors(errors)) = render_spec::parse("api-spec.yaml", edited) else {
        panic!("a destructive read should be rejected");
    };
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_has(
        &errors,
        &format!(
            "api-spec.yaml:{}: endpoints[getTaskList].destructive: only a write can be destructive",
            line + 1
        ),
    );
    let spec = render_spec::parse("api-spec.yaml", text).unwrap();
    let destructive: Vec<&str> = spec
        .endpoints
        .iter()
        .filter(|e| e.destructive)
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        destructive,
        [
            "abortTask",
            "deleteTask",
            "deleteLabel",
            "deleteRenderEnv",
            "deleteTaskLabel"
        ]
    );
}

#[test]
fn a_tolerant_field_is_an_int_whose_notes_cite_both_forms() {
    let errors = lint_errors("broken_tolerant.yaml");
    assert_has(
        &errors,
        "broken_tolerant.yaml:9: models[Platform].fields[platform]: a tolerant field's notes must cite the sources of both forms",
    );
    assert_has(
        &errors,
        "broken_tolerant.yaml:10: models[Platform].fields[name]: `tolerant` is for `int` fields",
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
}
