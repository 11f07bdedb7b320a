//! `renderbus transfer` with a fake transfer program (a shell script recording its arguments)
//! against an in-process farm: dry runs, retries, following a render, bad input.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use render_api_client::Client;
use render_api_mock::{FarmConfig, MockFarm};

/// A farm whose frames finish one by one, about a quarter second apart.
fn farm() -> MockFarm {
    MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 4,
            frame_seconds: 60,
            analyse_seconds: 10,
            nodes: 1,
            speed: 240.0,
            failing_frames: Vec::new(),
            sub_account: false,
        })
        .start()
        .unwrap()
}

/// A fake transfer program: appends its arguments (one line a run, tab-separated) to
/// `record`, makes the file a `download_path` run asks for under `-L`, and exits with the
/// code written in `exit` (0 when there is none).
fn fake_transmitter(dir: &Path) -> PathBuf {
    let path = dir.join("fake_transmitter");
    let script = format!(
        r#"#!/bin/sh
record="{dir}/record"
out=""
for a in "$@"; do out="$out$a	"; done
echo "$out" >> "$record"
cat > /dev/null
if [ "$(eval echo \${{12}})" = "download_path" ]; then
  target="$(eval echo \${{14}})/$(eval echo \${{16}})"
  case "$target" in *.jpg) mkdir -p "$(dirname "$target")"; : > "$target";; esac
fi
[ -f "{dir}/exit" ] && exit "$(cat "{dir}/exit")"
exit 0
"#,
        dir = dir.display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The runs the fake program recorded: each its arguments.
fn runs(dir: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir.join("record"))
        .unwrap_or_default()
        .lines()
        .map(|line| {
            line.trim_end_matches('\t')
                .split('\t')
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn arg<'a>(run: &'a [String], flag: &str) -> &'a str {
    let at = run.iter().position(|a| a == flag).unwrap();
    &run[at + 1]
}

/// `renderbus ARGS` against `farm`, with HOME in `home` and the fake program.
fn renderbus(farm: &MockFarm, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RENDERBUS_HOST", farm.url())
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", farm.access_key())
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A submitted task of `farm`.
fn submitted(farm: &MockFarm) -> i64 {
    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .build()
        .unwrap();
    let id = client.create_task().send().unwrap().task_id_list[0];
    client.submit_task(id).send().unwrap();
    id
}

#[test]
fn a_dry_run_prints_the_programs_command_and_runs_nothing() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    let scene = dir.path().join("scene.mb");
    std::fs::write(&scene, "scene").unwrap();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            scene.to_str().unwrap(),
            "--dry-run",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    let home = dir.path().join("renderfarm_sdk");
    assert!(line.starts_with("echo y | "), "{line}");
    for expected in [
        format!(
            "{} -E aspera -H 127.0.0.1 -P 10221 -S 10202 -U 10001136 -T upload_json -L {}/renderbus/",
            fake.display(),
            home.display()
        ),
        "/upload.json -R / -r 2 -K false -s 1048576 -C ".into(),
        format!("{}/db_ini/", home.display()),
        ".ini -p 0".into(),
    ] {
        assert!(line.contains(&expected), "{expected:?} not in {line}");
    }
    assert!(runs(dir.path()).is_empty(), "the program ran");
    assert!(
        !home.join("renderbus").exists(),
        "a dry run wrote the upload list"
    );
}

#[test]
fn a_retry_exit_is_retried_within_the_policy_and_a_fatal_one_is_not() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    let scene = dir.path().join("scene.mb");
    std::fs::write(&scene, "scene").unwrap();
    let upload = [
        "--retries",
        "2",
        "transfer",
        "upload",
        scene.to_str().unwrap(),
        "--transmitter",
        fake.to_str().unwrap(),
    ];

    std::fs::write(dir.path().join("exit"), "1").unwrap();
    let out = renderbus(&farm, dir.path(), &upload);
    assert_eq!(out.status.code(), Some(12), "{}", text(&out.stderr));
    assert_eq!(runs(dir.path()).len(), 3, "1 run and 2 retries");
    let err = text(&out.stderr);
    assert!(
        err.contains("exited 1") && err.contains("after 3 attempt(s)"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}/renderfarm_sdk/rayvision_transmitter",
            dir.path().display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("asked to be retried").count(), 2, "{err}");

    std::fs::remove_file(dir.path().join("record")).unwrap();
    std::fs::write(dir.path().join("exit"), "255").unwrap();
    let out = renderbus(&farm, dir.path(), &upload);
    assert_eq!(out.status.code(), Some(12), "{}", text(&out.stderr));
    assert_eq!(runs(dir.path()).len(), 1, "a fatal error is not retried");
    assert!(
        text(&out.stderr).contains("exited -1 (a fatal error)"),
        "{}",
        text(&out.stderr)
    );

    // Once the program succeeds, the same upload has the same list and resume database.
    std::fs::remove_file(dir.path().join("exit")).unwrap();
    let out = renderbus(&farm, dir.path(), &upload);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all = runs(dir.path());
    assert_eq!(arg(&all[0], "-C"), arg(&all[1], "-C"));
    assert_eq!(arg(&all[0], "-L"), arg(&all[1], "-L"));
    let ini = std::fs::read_to_string(arg(&all[1], "-C")).unwrap();
    assert!(
        ini.contains("[sqlite]\ndb_path = ") && ini.contains("platform_id = 2"),
        "{ini}"
    );
}

#[test]
fn follow_downloads_each_frame_once_as_it_finishes_and_ends_with_the_task() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    let task = submitted(&farm);
    let to = dir.path().join("frames");
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "-o",
            "json",
            "transfer",
            "download",
            &task.to_string(),
            "--to",
            to.to_str().unwrap(),
            "--follow",
            "--interval",
            "0.5",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = runs(dir.path());
    let remotes: Vec<&str> = runs.iter().map(|r| arg(r, "-R")).collect();
    // The task's output folder: its own, or its layer's (the farm renders a task as a layer).
    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .build()
        .unwrap();
    let info = client.task(task).unwrap();
    let folder = info
        .resp_rendering_task_list
        .iter()
        .flatten()
        .chain([&info])
        .find_map(|t| t.output_file_name.clone())
        .unwrap();
    let expected: Vec<String> = (1..=4)
        .map(|n| format!("{folder}/frame_{n:04}.jpg"))
        .collect();
    let mut sorted = remotes.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "each frame once: {remotes:?}");
    assert!(runs.iter().all(|r| arg(r, "-T") == "download_path"
        && arg(r, "-K") == "true"
        && arg(r, "-S") == "20202"));
    assert_eq!(printed["files"].as_array().unwrap().len(), 4, "{printed}");
    for file in &expected {
        assert!(to.join(file).is_file(), "{file} not downloaded");
    }
    // A dry run of --follow prints the downloads of the files there are now, runs nothing.
    let before = runs.len();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "download",
            &task.to_string(),
            "--to",
            to.to_str().unwrap(),
            "--follow",
            "--dry-run",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        4,
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout)
            .lines()
            .all(|l| l.contains("-T download_path"))
    );
    assert_eq!(
        self::runs(dir.path()).len(),
        before,
        "a dry run ran the program"
    );
    // It returned once the task had ended.
    assert!([25, 30].contains(&client.task(task).unwrap().task_status.code()));
}

#[test]
fn bad_input_is_refused_before_the_program_runs() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    let fake = fake.to_str().unwrap();
    let missing = dir.path().join("missing.mb");

    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            missing.to_str().unwrap(),
            "--transmitter",
            fake,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("{}: no such file", missing.display())),
        "{}",
        text(&out.stderr)
    );

    let scene = dir.path().join("scene.mb");
    std::fs::write(&scene, "scene").unwrap();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            scene.to_str().unwrap(),
            "--line",
            "nope",
            "--transmitter",
            fake,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no line named `nope`; its lines: Aspera_main, Aspera_backup"),
        "{}",
        text(&out.stderr)
    );

    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .build()
        .unwrap();
    let fresh = client.create_task().send().unwrap().task_id_list[0];
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "download",
            &fresh.to_string(),
            "--to",
            "frames",
            "--transmitter",
            fake,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("task {fresh} has no output yet")),
        "{}",
        text(&out.stderr)
    );

    let unexecutable = dir.path().join("plain");
    std::fs::write(&unexecutable, "#!/bin/sh\n").unwrap();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            scene.to_str().unwrap(),
            "--transmitter",
            unexecutable.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(5));
    assert!(
        text(&out.stderr).contains("is not executable"),
        "{}",
        text(&out.stderr)
    );

    // No program given, and no Python with rayvision_sync on PATH.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_renderbus"))
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", &empty)
        .env("RENDERBUS_HOST", farm.url())
        .env("RENDERBUS_ACCESS_ID", farm.access_id())
        .env("RENDERBUS_ACCESS_KEY", farm.access_key())
        .args(["transfer", "upload", scene.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("pip install rayvision-sync==3.1.8"),
        "{}",
        text(&out.stderr)
    );
    assert!(runs(dir.path()).is_empty(), "the program ran");
}

#[test]
fn a_raysync_dry_run_shows_the_proxys_requests_without_the_key() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    let proxy = dir.path().join("RaysyncCmd");
    std::fs::create_dir(&proxy).unwrap();
    std::fs::write(
        proxy.join("cluster.xml"),
        r#"<cluster><node><port value="32001"/></node></cluster>"#,
    )
    .unwrap();
    let scene = dir.path().join("scene.mb");
    std::fs::write(&scene, "scene").unwrap();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            scene.to_str().unwrap(),
            "--engine",
            "raysyncproxy",
            "--raysync-dir",
            proxy.to_str().unwrap(),
            "--dry-run",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 4, "{printed}");
    assert!(lines[0].starts_with("POST http://127.0.0.1:32001/set-transmission-parameters "));
    assert!(lines[3].starts_with("POST http://127.0.0.1:32001/create-task "));
    for expected in [
        r#""task-type":"upload-list""#,
        r#""server-ip":"127.0.0.1""#,
        r#""proxy-port":10200"#,
        r#""server-port":10202"#,
        r#""account":"rayvision""#,
        r#""password":"** redacted **""#,
    ] {
        assert!(
            lines[3].contains(expected),
            "{expected} not in {}",
            lines[3]
        );
    }
    // The account's Raysync key (the mock farm's) shows nowhere.
    assert!(!printed.contains("8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d"));

    // Without the proxy program, the engine is refused before anything runs.
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "transfer",
            "upload",
            scene.to_str().unwrap(),
            "--engine",
            "raysyncproxy",
            "--raysync-dir",
            dir.path().join("nope").to_str().unwrap(),
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cluster.xml"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn submit_uploads_the_jobs_assets_before_submitting_and_downloads_its_frames() {
    let farm = farm();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_transmitter(dir.path());
    std::fs::create_dir(dir.path().join("tex")).unwrap();
    for name in ["shot.mb", "tex/a.png"] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "software = \"maya\"\nversion = \"2020\"\nscene = \"D:/shot/shot.mb\"\nassets = [\"shot.mb\", \"tex\"]\n",
    )
    .unwrap();
    let frames = dir.path().join("frames");
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "-o",
            "json",
            "submit",
            job.to_str().unwrap(),
            "--download",
            frames.to_str().unwrap(),
            "--interval",
            "0.5",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let steps = text(&out.stderr);
    let upload_at = steps.find("upload: 2 file(s)").expect(&steps);
    assert!(
        upload_at < steps.find("submitTask:").expect(&steps),
        "{steps}"
    );
    let made = runs(dir.path());
    // The task's list as its configuration file, then the assets, then one download a frame.
    let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = task["id"].as_i64().unwrap();
    assert_eq!(arg(&made[0], "-T"), "upload_path");
    assert_eq!(arg(&made[0], "-R"), format!("/{id}/cfg/upload.json"));
    assert_eq!(arg(&made[0], "-S"), "30201");
    assert_eq!(arg(&made[1], "-T"), "upload_json");
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(arg(&made[1], "-L")).unwrap()).unwrap();
    assert_eq!(list["asset"].as_array().unwrap().len(), 2, "{list}");
    let downloads: Vec<&Vec<String>> = made
        .iter()
        .filter(|r| arg(r, "-T") == "download_path")
        .collect();
    assert_eq!(downloads.len(), 4, "{made:?}");
    assert_eq!(task["taskStatus"], 25, "{task}");

    // --resume: the upload is not made again.
    let state = dir.path().join("job.toml.state.json");
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("\"upload\"")
    );
    std::fs::remove_file(dir.path().join("record")).unwrap();
    let out = renderbus(
        &farm,
        dir.path(),
        &[
            "submit",
            job.to_str().unwrap(),
            "--resume",
            "--transmitter",
            fake.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("upload: the job's files (done before)"),
        "{}",
        text(&out.stderr)
    );
    assert!(runs(dir.path()).is_empty(), "the upload was made again");
}
