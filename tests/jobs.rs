//! The example job files (`examples/jobs/`): each one checks, submits and renders on a farm
//! through the library's `Job`, as `renderbus submit` does; and the JSON Schema beside them is
//! the one the `Job` definitions give.

use std::time::Duration;

use render_api_client::job::{Job, State};
use render_api_client::{Client, Outcome, V2};
use render_api_mock::{FarmConfig, MockFarm};
use render_api_tests::repo_root;
use serde_json::Value;

fn examples() -> Vec<std::path::PathBuf> {
    let mut jobs: Vec<_> = std::fs::read_dir(repo_root().join("examples/jobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    jobs.sort();
    jobs
}

#[test]
fn every_example_job_is_submitted_once_and_renders_its_frames() {
    let jobs = examples();
    assert!(jobs.len() >= 3, "{jobs:?}");
    let farm = MockFarm::builder()
        .farm(FarmConfig {
            speed: 1200.0,
            failing_frames: Vec::new(),
            ..FarmConfig::default()
        })
        .start()
        .unwrap();
    let client: Client<V2> = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .platform(2)
        .build()
        .unwrap();
    let scratch = std::env::temp_dir().join(format!("render-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for (n, path) in jobs.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let job = Job::load(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let checked = job.check(&client).unwrap_or_else(|e| panic!("{name}: {e}"));
        let state_file = scratch.join(format!("{name}.state.json"));
        let mut state = State::open(state_file.clone(), &job, farm.url(), false).unwrap();
        let task = job
            .submit(&client, &checked, &mut state, |_| {})
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            farm.attempts("createTask"),
            n as u64 + 1,
            "{name}: one task"
        );
        let recorded: State =
            serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
        assert_eq!(recorded.task_id, Some(task), "{name}");
        assert!(recorded.done("submitTask"), "{name}");

        // What was uploaded: the shape the official clients send, with the job's frames.
        let sent: Value =
            serde_json::from_str(&farm.farm().task_file(task, "task.json").unwrap()).unwrap();
        for section in [
            "task_info",
            "software_config",
            "scene_info",
            "scene_info_render",
        ] {
            assert!(sent[section].is_object(), "{name}: {section}");
        }
        let written: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let frames = written.get("frames").and_then(toml::Value::as_str);
        let mut lists = Vec::new();
        frame_lists(&sent["scene_info_render"], &mut lists);
        assert!(!lists.is_empty(), "{name}: no frame list in {sent}");
        assert!(
            lists.iter().all(|l| Some(l.as_str()) == frames),
            "{name}: {lists:?}, not {frames:?}"
        );
        assert_eq!(sent["task_info"]["task_id"], task.to_string(), "{name}");
        for (key, value) in sent["task_info"].as_object().unwrap() {
            assert!(
                value.is_string() || key == "hardwareConfigIds",
                "{name}: task_info.{key} is {value}, not text"
            );
        }
        assert!(
            sent["software_config"]["cg_version"]
                .as_str()
                .is_some_and(|v| !v.is_empty()),
            "{name}"
        );

        let ended = client
            .wait_for_task(task)
            .interval(Duration::from_millis(200))
            .timeout(Duration::from_secs(60))
            .send()
            .unwrap();
        assert_eq!(
            Outcome::of(&ended.task_status),
            Some(Outcome::Finished),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Every text `frames` at any depth.
fn frame_lists(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == "frames" => out.push(s.clone()),
                    other => frame_lists(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| frame_lists(v, out)),
        _ => {}
    }
}

#[test]
fn the_job_schema_is_the_one_the_definitions_give() {
    let file = repo_root().join("examples/jobs/job.schema.json");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        written,
        Job::schema(),
        "{} is stale: run `cargo run -p render-cli -- submit --schema > examples/jobs/job.schema.json`",
        file.display()
    );
    // Every key of every example is one the schema knows.
    let known = written["properties"].as_object().unwrap();
    for path in examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        for key in doc.as_table().unwrap().keys() {
            assert!(known.contains_key(key), "{}: {key}", path.display());
        }
    }
}

#[test]
fn an_example_with_an_impossible_frame_list_is_refused_at_its_frames_line() {
    use render_api_client::job::JobFault;
    for path in examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .position(|l| l.starts_with("frames = "))
            .expect("every example names its frames")
            + 1;
        let edited: String = text
            .lines()
            .map(|l| {
                if l.starts_with("frames = ") {
                    "frames = \"10-1[0]\"".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        match Job::parse(&path, edited) {
            Err(JobFault::Job(errors)) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!((errors[0].key.as_str(), errors[0].line), ("frames", line));
                assert_eq!(errors[0].file, path);
                assert!(errors[0].message.contains("10-1[0]"), "{}", errors[0]);
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
}
