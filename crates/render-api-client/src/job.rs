//! A whole render from one file: `renderbus submit JOB`.
//!
//! A job file (TOML) says what a person decides: the software and its version (or a render
//! environment by name), plugins, the scene, the frames as a frame-number list, the project,
//! labels, the hardware, the task level, and any of the task configuration the service lets
//! users change. Or it names a `task.json` an official analyser wrote, whose values the file's
//! own override.
//!
//! [`Job::parse`] checks the file itself (syntax, types, keys, the frame list), every error
//! with its file, line and key. [`Job::check`] checks it against the farm with reads only:
//! the software and plugins against querySupportedSoftware and querySupportedPlugin, a render
//! environment and a hardware configuration by name, and an analyser's tips through
//! queryErrorDetail (an error refuses the job, a warning is kept for the caller to show).
//! [`Job::submit`] then makes the writes: the project's label when it is missing, createTask,
//! taskJsonFile (the task configuration, in the shape the official clients send) and
//! submitTask, recording each step's outcome in a [`State`] so that a run stopped half-way is
//! resumed without a second task.
//!
//! ```no_run
//! use render_api_client::job::{Job, State};
//! use render_api_client::{Client, V2};
//!
//! let client = Client::builder().api::<V2>().build()?;
//! let job = Job::load("shot010.toml".as_ref())?;
//! let checked = job.check(&client)?;
//! let state_file = State::path_for(job.path());
//! let mut state = State::open(state_file, &job, client.core().base_url(), true)?;
//! let task = job.submit(&client, &checked, &mut state, |step| eprintln!("{step}"))?;
//! println!("submitted task {task}");
//! # Ok::<(), render_api_client::job::JobFault>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use render_api_types::{Language, OsName, RenderSystem, Software, TaskFileName, V2, parse_enum};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use toml::Spanned;

use crate::client::Client;
use crate::error::Error;
use crate::frames::FrameNumbers;

/// The task configuration's keys a job may set under `[task]`: those the official client lets
/// users change (rayvision-api 3.0.4.3's `MODIFIABLE_PARAM`), less the scene and project
/// path, which the job names as `scene` and `project_path`.
pub const CHANGEABLE: &[&str] = &[
    "pre_frames",
    "frames_per_task",
    "test_frames",
    "job_stop_time",
    "task_stop_time",
    "time_out",
    "stop_after_test",
    "tiles_type",
    "tiles",
    "is_layer_rendering",
    "is_distribute_render",
    "distribute_render_node",
    "render_layer_type",
    "os_name",
    "ram",
    "enable_layered",
];

/// The task configuration's `task_info` as the official analysers start it (rayvision-api
/// 3.0.4.3 and rayvision_maya's `TASK_INFO`): every value a string.
const TASK_INFO: &[(&str, &str)] = &[
    ("enable_layered", "1"),
    ("input_cg_file", ""),
    ("is_picture", "0"),
    ("task_id", ""),
    ("frames_per_task", "1"),
    ("pre_frames", "000"),
    ("job_stop_time", "259200"),
    ("task_stop_time", "0"),
    ("time_out", "43200"),
    ("stop_after_test", "2"),
    ("project_name", ""),
    ("project_id", ""),
    ("channel", "4"),
    ("cg_id", ""),
    ("platform", ""),
    ("tiles_type", "block"),
    ("tiles", "1"),
    ("is_layer_rendering", "1"),
    ("is_distribute_render", "0"),
    ("distribute_render_node", "3"),
    ("input_project_path", ""),
    ("render_layer_type", "0"),
    ("user_id", ""),
    ("os_name", "1"),
    ("ram", "64"),
];

/// Where a software's frames and output live in `scene_info_render` when no analyser wrote
/// them, as the official configuration documents show them (renderbus/docs_sdk_en,
/// `render/json_file/`): Maya's per render layer (`defaultRenderLayer.common`), the others'
/// in `common`; the output's key, for the software whose document names one.
fn layout(software: Option<Software>) -> (&'static [&'static str], Option<&'static str>) {
    match software {
        Some(Software::Maya) => (&["defaultRenderLayer", "common"], Some("image_file_prefix")),
        Some(Software::Max) => (&["common"], Some("output_file")),
        Some(Software::Blender) => (&["common"], Some("Output_path")),
        _ => (&["common"], None),
    }
}

/// A job file, as written: what a person decides about a render.
///
/// Every key is optional on its own, but a job needs a scene and a software (`software` and
/// `version`, or `render_env`), unless its `task_json` has them.
// Unknown keys are found by `Job::parse` itself, so that one does not hide the file's other
// faults; the schema still refuses them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(title = "renderbus job", extend("$id" = "https://example.invalid/render-api/job.schema.json"))]
pub struct JobFile {
    /// The scene file, as the farm sees it once uploaded (the task configuration's
    /// `input_cg_file`), e.g. `D:/projects/shot010/scenes/shot010.mb`.
    #[schemars(with = "Option<String>")]
    pub scene: Option<Spanned<String>>,
    /// The scene's project directory (`input_project_path`).
    #[schemars(with = "Option<String>")]
    pub project_path: Option<Spanned<String>>,
    /// The render software, by name (`maya`, `max`, `houdini`, `cinema4d`, `blender`, …) or its
    /// id (`2000`); it must be one the farm lists.
    #[schemars(with = "Option<String>")]
    pub software: Option<Spanned<String>>,
    /// The software's version, as the farm lists it (`2020`).
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
    /// A render environment of the account, by name: its software, version and plugins.
    #[schemars(with = "Option<String>")]
    pub render_env: Option<Spanned<String>>,
    /// Plugins and their versions (`mtoa = "3.1.2.1"`), each one the farm lists for the
    /// software.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub plugins: BTreeMap<String, Spanned<String>>,
    /// The frames to render, as the version 2 document writes them: numbers and ranges with
    /// a step, joined by commas (`1-100[1]`, `1-10[2],15`).
    #[schemars(with = "Option<String>")]
    pub frames: Option<Spanned<String>>,
    /// Where the scene writes its images, as the software's configuration names it: the
    /// output file (3ds Max, `output_file`), the image file prefix (Maya,
    /// `image_file_prefix`) or the output path (Blender, `Output_path`).
    #[schemars(with = "Option<String>")]
    pub output: Option<Spanned<String>>,
    /// The project: a label of the account, made when missing.
    #[schemars(with = "Option<String>")]
    pub project: Option<Spanned<String>>,
    /// Labels of the task.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The machines: a hardware configuration the farm lists, by model and memory.
    #[schemars(with = "Option<Hardware>")]
    pub hardware: Option<Spanned<Hardware>>,
    /// The task's level (priority), `taskUserLevel`.
    #[schemars(with = "Option<i64>")]
    pub level: Option<Spanned<i64>>,
    /// The operating system the scene was made on: `windows` (the default) or `linux`.
    #[schemars(with = "Option<String>")]
    pub os: Option<Spanned<String>>,
    /// A task.json an official analyser wrote (relative to the job file); the job's own values
    /// override it. A `tips.json` beside it is checked through queryErrorDetail.
    #[schemars(with = "Option<String>")]
    pub task_json: Option<Spanned<String>>,
    /// Files and folders to upload before the task is submitted (relative to the job file;
    /// a folder: every file under it), to the server paths the official analysers give them.
    /// `renderbus submit` uploads them through the official transfer program.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub assets: Vec<Spanned<String>>,
    /// The upload list (`upload.json`) an official analyser wrote (relative to the job file),
    /// uploaded before the task is submitted; default: the `upload.json` beside `task_json`,
    /// when there is one.
    #[schemars(with = "Option<String>")]
    pub upload_json: Option<Spanned<String>>,
    /// Any of the task configuration the service lets users change (`frames_per_task`,
    /// `time_out`, `stop_after_test`, `test_frames`, …; see [`CHANGEABLE`]), sent as text.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TaskValue>")]
    pub task: BTreeMap<String, Spanned<toml::Value>>,
}

/// A value of `[task]`: text or a number (sent as text).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // the schema's description of a value; values are read as TOML
enum TaskValue {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number.
    Float(f64),
}

/// A hardware configuration, by what the farm lists (listHardwareConfigs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hardware {
    /// The model (`Default`, `1080Ti`, …).
    pub model: String,
    /// The memory (`64GB`).
    pub ram: String,
    /// The number of GPUs, when the configuration lists one.
    pub gpu_num: Option<String>,
}

/// A fault of a job file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// The file (the job file, or the task.json it names).
    pub file: PathBuf,
    /// The line, from 1 (0 when the fault is the whole file's).
    pub line: usize,
    /// The key at fault (`frames`, `plugins.mtoa`, `software_config.cg_version`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}: {}", self.file.display(), self.key, self.message)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file.display(),
                self.line,
                self.key,
                self.message
            )
        }
    }
}

/// Why a job was not submitted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobFault {
    /// The job is wrong: its file, or what the farm says of it (nothing was sent, or only
    /// reads).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Job(Vec<JobError>),
    /// The state file does not fit this job or this run.
    #[error("{0}")]
    State(String),
    /// A call failed.
    #[error(transparent)]
    Call(#[from] Error),
}

/// What a job uploads before its task is submitted ([`Job::uploads`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploads {
    /// Files and folders (a folder: every file under it).
    Paths(Vec<PathBuf>),
    /// An upload list an official analyser wrote.
    UploadJson(PathBuf),
}

/// A job, read and checked on its own: ready to [`check`](Job::check) against a farm.
#[derive(Debug, Clone)]
pub struct Job {
    path: PathBuf,
    text: String,
    file: JobFile,
    frames: Option<FrameNumbers>,
    analysed: Option<Analysed>,
}

/// What an analyser wrote: task.json (and tips.json beside it).
#[derive(Debug, Clone)]
struct Analysed {
    path: PathBuf,
    text: String,
    task: Map<String, Value>,
    tips: Vec<String>,
}

/// The line of byte `offset` in `text`, from 1.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

impl Job {
    /// Reads and parses the job file at `path` ([`Job::parse`]).
    pub fn load(path: &Path) -> Result<Job, JobFault> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            JobFault::Job(vec![JobError {
                file: path.to_owned(),
                line: 0,
                key: "(file)".into(),
                message: format!("cannot be read: {e}"),
            }])
        })?;
        Job::parse(path, text)
    }

    /// Parses a job file's text: its syntax, keys and types, the frame list and the `[task]`
    /// keys, and reads the task.json it names. Every fault found is returned, each with its
    /// line and key.
    pub fn parse(path: &Path, text: String) -> Result<Job, JobFault> {
        let at = |line: usize, key: &str, message: String| JobError {
            file: path.to_owned(),
            line,
            key: key.to_owned(),
            message,
        };
        let file: JobFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(&text, s.start));
            let message = e.message().trim().to_owned();
            // The key: named by an unknown-field message, else the one the line assigns.
            let assigned = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.split_once('='))
                .map(|(key, _)| key.trim().trim_matches('"').to_owned())
                .filter(|k| !k.is_empty() && line > 0);
            let key = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("unknown field"))
                .map(str::to_owned)
                .or(assigned)
                .unwrap_or_else(|| "(syntax)".to_owned());
            JobFault::Job(vec![at(line, &key, message)])
        })?;
        let mut errors = Vec::new();
        let spanned_line = |span: std::ops::Range<usize>| line_of(&text, span.start);
        // Every key the file has that a job does not, each at its line.
        if let Ok(table) = text.parse::<toml::Table>() {
            let schema = Job::schema();
            let known: Vec<&str> = schema["properties"]
                .as_object()
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for key in table.keys().filter(|k| !known.contains(&k.as_str())) {
                let line = text
                    .lines()
                    .position(|l| {
                        let l = l.trim_start();
                        let l = l.strip_prefix('[').unwrap_or(l);
                        l.strip_prefix(key.as_str())
                            .is_some_and(|rest| rest.trim_start().starts_with(['=', ']', '.']))
                    })
                    .map_or(0, |i| i + 1);
                errors.push(at(
                    line,
                    key,
                    format!("unknown key `{key}`; a job's keys are {}", known.join(", ")),
                ));
            }
        }
        if let Some(level) = &file.level
            && ![50, 60].contains(level.get_ref())
        {
            errors.push(at(
                spanned_line(level.span()),
                "level",
                format!("{} is not a level: 50 or 60", level.get_ref()),
            ));
        }
        let frames = match &file.frames {
            Some(f) => match f.get_ref().parse::<FrameNumbers>() {
                Ok(numbers) if numbers.is_empty() => {
                    errors.push(at(spanned_line(f.span()), "frames", "no frame".into()));
                    None
                }
                Ok(numbers) => Some(numbers),
                Err(e) => {
                    errors.push(at(spanned_line(f.span()), "frames", e.to_string()));
                    None
                }
            },
            None => None,
        };
        for (key, value) in &file.task {
            let line = spanned_line(value.span());
            if !CHANGEABLE.contains(&key.as_str()) {
                errors.push(at(
                    line,
                    &format!("task.{key}"),
                    format!(
                        "not a setting the service lets users change (those are {})",
                        CHANGEABLE.join(", ")
                    ),
                ));
            } else if task_text(value.get_ref()).is_none() {
                errors.push(at(
                    line,
                    &format!("task.{key}"),
                    "expected text or a number".into(),
                ));
            }
        }
        if let Some(software) = &file.software
            && parse_enum::<Software>(software.get_ref()).is_err()
            && software.get_ref().parse::<i64>().is_err()
        {
            errors.push(at(
                spanned_line(software.span()),
                "software",
                format!(
                    "`{}` names no software (maya, max, houdini, cinema4d, blender, … or an id such as 2000)",
                    software.get_ref()
                ),
            ));
        }
        if let (Some(output), Some(Ok(software))) = (
            &file.output,
            file.software
                .as_ref()
                .map(|s| parse_enum::<Software>(s.get_ref())),
        ) && layout(Some(software)).1.is_none()
        {
            errors.push(at(
                spanned_line(output.span()),
                "output",
                no_output(software),
            ));
        }
        if let Some(os) = &file.os
            && parse_enum::<OsName>(os.get_ref()).is_err()
        {
            errors.push(at(
                spanned_line(os.span()),
                "os",
                format!("`{}` is not windows or linux", os.get_ref()),
            ));
        }
        if file.render_env.is_some() && (file.software.is_some() || file.version.is_some()) {
            let span = file.render_env.as_ref().map_or(0..0, Spanned::span);
            errors.push(at(
                spanned_line(span),
                "render_env",
                "give a render environment or a software and version, not both".into(),
            ));
        }
        let analysed = match &file.task_json {
            Some(name) => {
                let rel = path.parent().unwrap_or(Path::new("")).join(name.get_ref());
                match read_analysed(&rel) {
                    Ok(a) => Some(a),
                    Err(message) => {
                        errors.push(at(spanned_line(name.span()), "task_json", message));
                        None
                    }
                }
            }
            None => None,
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        for asset in &file.assets {
            let local = dir.join(asset.get_ref());
            if !local.exists() {
                errors.push(at(
                    spanned_line(asset.span()),
                    "assets",
                    format!("{}: no such file or directory", local.display()),
                ));
            }
        }
        if let Some(list) = &file.upload_json {
            let line = spanned_line(list.span());
            if !file.assets.is_empty() {
                errors.push(at(
                    line,
                    "upload_json",
                    "give `assets` or an `upload_json`, not both".into(),
                ));
            } else if !dir.join(list.get_ref()).is_file() {
                errors.push(at(
                    line,
                    "upload_json",
                    format!("{}: no such file", dir.join(list.get_ref()).display()),
                ));
            }
        }
        let job = Job {
            path: path.to_owned(),
            text,
            file,
            frames,
            analysed,
        };
        if job.scene().is_none() {
            errors.push(at(
                0,
                "scene",
                "the job needs a scene (or a task_json naming one)".into(),
            ));
        }
        if job.file.render_env.is_none()
            && (job.software_text().is_none() || job.version().is_none())
        {
            errors.push(at(
                0,
                "software",
                "the job needs `software` and `version`, or `render_env` (or a task_json naming them)"
                    .into(),
            ));
        }
        if errors.is_empty() {
            Ok(job)
        } else {
            Err(JobFault::Job(errors))
        }
    }

    /// What the job uploads before its task is submitted: its `assets` (resolved from the job
    /// file's folder), its `upload_json`, or the `upload.json` an analyser wrote beside its
    /// `task_json`; `None` when it names nothing to upload.
    pub fn uploads(&self) -> Option<Uploads> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        if !self.file.assets.is_empty() {
            return Some(Uploads::Paths(
                self.file
                    .assets
                    .iter()
                    .map(|a| dir.join(a.get_ref()))
                    .collect(),
            ));
        }
        if let Some(list) = &self.file.upload_json {
            return Some(Uploads::UploadJson(dir.join(list.get_ref())));
        }
        let beside = self.analysed.as_ref()?.path.with_file_name("upload.json");
        beside.is_file().then_some(Uploads::UploadJson(beside))
    }

    /// The job file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The frames to render, when the job names them.
    pub fn frames(&self) -> Option<&FrameNumbers> {
        self.frames.as_ref()
    }

    /// What identifies this job for its [`State`]: a digest of the job file (and of the
    /// task.json it names).
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(self.text.as_bytes());
        if let Some(a) = &self.analysed {
            hash.update([0]);
            hash.update(a.text.as_bytes());
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn analysed_str(&self, section: &str, key: &str) -> Option<String> {
        let a = self.analysed.as_ref()?;
        match a.task.get(section)?.get(key)? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The job's own value, else the analyser's `section.key`.
    fn own_or_analysed(
        &self,
        own: Option<&Spanned<String>>,
        section: &str,
        key: &str,
    ) -> Option<String> {
        own.map(|v| v.get_ref().clone())
            .or_else(|| self.analysed_str(section, key))
    }

    fn scene(&self) -> Option<String> {
        self.own_or_analysed(self.file.scene.as_ref(), "task_info", "input_cg_file")
    }

    fn software_text(&self) -> Option<String> {
        self.own_or_analysed(self.file.software.as_ref(), "task_info", "cg_id")
    }

    fn version(&self) -> Option<String> {
        self.own_or_analysed(self.file.version.as_ref(), "software_config", "cg_version")
    }

    fn os(&self) -> OsName {
        self.file
            .os
            .as_ref()
            .and_then(|o| parse_enum::<OsName>(o.get_ref()).ok())
            .or_else(|| {
                self.analysed_str("task_info", "os_name").map(|o| {
                    if o == "0" {
                        OsName::Linux
                    } else {
                        OsName::Windows
                    }
                })
            })
            .unwrap_or(OsName::Windows)
    }

    /// A fault at the job file's key `key` (its line when the file has the key), or at the
    /// analyser's task.json when the value came from there.
    fn fault(&self, key: &str, span: Option<std::ops::Range<usize>>, message: String) -> JobError {
        match (span, &self.analysed) {
            (Some(span), _) => JobError {
                file: self.path.clone(),
                line: line_of(&self.text, span.start),
                key: key.to_owned(),
                message,
            },
            (None, Some(a)) => {
                let json_key = match key {
                    "software" => "cg_id",
                    "version" => "cg_version",
                    other => other,
                };
                let line = a
                    .text
                    .find(&format!("\"{json_key}\""))
                    .map_or(0, |at| line_of(&a.text, at));
                JobError {
                    file: a.path.clone(),
                    line,
                    key: json_key.to_owned(),
                    message,
                }
            }
            (None, None) => JobError {
                file: self.path.clone(),
                line: 0,
                key: key.to_owned(),
                message,
            },
        }
    }

    /// The calls [`check`](Job::check) and [`submit`](Job::submit) make, in order.
    pub fn calls(&self) -> Vec<&'static str> {
        let mut calls = vec!["querySupportedSoftware"];
        if self.file.render_env.is_some() {
            calls.push("getRenderEnv");
        }
        calls.push("querySupportedPlugin");
        if self.file.hardware.is_some() {
            calls.push("listHardwareConfigs");
        }
        if self.analysed.as_ref().is_some_and(|a| !a.tips.is_empty()) {
            calls.push("queryErrorDetail");
        }
        calls.push("queryUserProfile");
        if self.project().is_some() {
            calls.extend([
                "getLabelList",
                "addLabel (when the project's label is missing)",
            ]);
        }
        calls.extend(["createTask", "taskJsonFile", "submitTask"]);
        calls
    }

    fn project(&self) -> Option<String> {
        self.own_or_analysed(self.file.project.as_ref(), "task_info", "project_name")
    }

    /// Checks the job against the farm, with reads only: the software, its version and
    /// plugins, the render environment and hardware by name, the analyser's tips, and the
    /// account. An error of the job is [`JobFault::Job`] naming where it is; warnings are in
    /// [`Checked::warnings`].
    pub fn check(&self, client: &Client<V2>) -> Result<Checked, JobFault> {
        let mut errors = Vec::new();
        let listed = client.query_supported_software().send()?;
        let (mut cg_id, mut version, mut plugins, mut os) =
            (None, self.version(), BTreeMap::new(), self.os());
        for (name, v) in &self.file.plugins {
            plugins.insert(name.clone(), v.get_ref().clone());
        }
        if let Some(Value::Object(analysed)) = self
            .analysed
            .as_ref()
            .and_then(|a| a.task.get("software_config"))
            .and_then(|c| c.get("plugins"))
        {
            for (name, v) in analysed {
                if let Some(v) = v.as_str() {
                    plugins.entry(name.clone()).or_insert_with(|| v.to_owned());
                }
            }
        }
        if let Some(env_name) = &self.file.render_env {
            let envs = client.get_render_env().send()?;
            match envs.iter().find(|e| e.edit_name == *env_name.get_ref()) {
                Some(env) => {
                    cg_id = Some(env.cg_id);
                    version = Some(env.cg_version.clone());
                    os = match env.os_name {
                        RenderSystem::Linux => OsName::Linux,
                        _ => OsName::Windows,
                    };
                    for p in env.resp_user_plugin_info_vos.iter().flatten() {
                        let v = p
                            .plugin_version
                            .strip_prefix(&format!("{} ", p.plugin_name))
                            .unwrap_or(&p.plugin_version);
                        plugins
                            .entry(p.plugin_name.clone())
                            .or_insert_with(|| v.to_owned());
                    }
                }
                None => errors.push(self.fault(
                    "render_env",
                    Some(env_name.span()),
                    format!(
                        "the account has no render environment `{}` (it has: {})",
                        env_name.get_ref(),
                        names(envs.iter().map(|e| e.edit_name.clone()))
                    ),
                )),
            }
        } else if let Some(text) = self.software_text() {
            let wanted = software_of(&text);
            let span = self.file.software.as_ref().map(Spanned::span);
            match listed
                .render_info_list
                .iter()
                .find(|s| Some(&s.cg_id) == wanted.as_ref())
            {
                Some(s) => cg_id = Some(s.cg_id),
                None => errors.push(self.fault(
                    "software",
                    span,
                    format!(
                        "the farm does not list `{text}` (it lists: {})",
                        names(listed.render_info_list.iter().map(|s| s.cg_name.clone()))
                    ),
                )),
            }
        }
        let mut cg_name = String::new();
        if let (Some(cg), Some(v)) = (&cg_id, &version) {
            cg_name = listed
                .render_info_list
                .iter()
                .find(|s| &s.cg_id == cg)
                .map_or_else(String::new, |s| s.cg_name.clone());
            let supported = client.query_supported_plugin(*cg, os.clone()).send()?;
            if !supported.cg_version.iter().any(|c| &c.cg_version == v) {
                errors.push(self.fault(
                    "version",
                    self.file.version.as_ref().map(Spanned::span),
                    format!(
                        "the farm does not list {cg_name} `{v}` (it lists: {})",
                        names(supported.cg_version.iter().map(|c| c.cg_version.clone()))
                    ),
                ));
            }
            for (name, v) in &plugins {
                let versions: Vec<&str> = supported
                    .cg_plugin
                    .iter()
                    .filter(|p| p.plugin_name == *name)
                    .flat_map(|p| &p.plugin_versions)
                    .map(|p| p.plugin_version.as_str())
                    .collect();
                let full = format!("{name} {v}");
                if !versions.iter().any(|p| *p == full || p == v) {
                    let span = self.file.plugins.get(name).map(Spanned::span);
                    errors.push(self.fault(
                        &format!("plugins.{name}"),
                        span,
                        if versions.is_empty() {
                            format!("the farm lists no plugin `{name}` for {cg_name}")
                        } else {
                            format!(
                                "the farm does not list {full} (it lists: {})",
                                versions.join(", ")
                            )
                        },
                    ));
                }
            }
        }
        if let (Some(output), Some(cg)) = (&self.file.output, cg_id)
            && layout(Some(cg)).1.is_none()
        {
            errors.push(self.fault("output", Some(output.span()), no_output(cg)));
        }
        let mut hardware = None;
        if let Some(wanted) = &self.file.hardware {
            let configs = client.list_hardware_configs().send()?;
            let platform: Option<i64> = client.core().platform().parse().ok();
            let usable = configs.iter().filter(|c| {
                c.status != Some(0)
                    && (platform.is_none() || c.platform.is_none() || c.platform == platform)
            });
            let w = wanted.get_ref();
            let found: Vec<i64> = usable
                .clone()
                .filter(|c| {
                    c.model.as_deref() == Some(w.model.as_str())
                        && c.ram.as_deref() == Some(w.ram.as_str())
                        && (w.gpu_num.is_none() || c.gpu_num == w.gpu_num)
                })
                .map(|c| c.id)
                .collect();
            if found.is_empty() {
                errors.push(self.fault(
                    "hardware",
                    Some(wanted.span()),
                    format!(
                        "the farm lists no hardware {} {}{} (it lists: {})",
                        w.model,
                        w.ram,
                        w.gpu_num.as_deref().map(|g| format!(" with {g} GPUs")).unwrap_or_default(),
                        names(usable.map(|c| format!(
                            "{} {}",
                            c.model.as_deref().unwrap_or("?"),
                            c.ram.as_deref().unwrap_or("?")
                        )))
                    ),
                ));
            } else {
                hardware = Some((found, w.clone()));
            }
        }
        let mut warnings = Vec::new();
        if let Some(a) = self.analysed.as_ref().filter(|a| !a.tips.is_empty()) {
            let details = client
                .query_error_detail()
                .codes(a.tips.clone())
                .language(Language::English)
                .send()?;
            for d in details {
                let what = format!(
                    "tip {}: {}{}",
                    d.code,
                    d.des_description_cn.as_deref().unwrap_or(""),
                    d.des_solution_cn
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default()
                );
                if d.severity == Some(1) {
                    errors.push(JobError {
                        file: a.path.with_file_name("tips.json"),
                        line: 0,
                        key: d.code.clone(),
                        message: format!("the analyser found an error in the scene: {what}"),
                    });
                } else {
                    warnings.push(what);
                }
            }
        }
        if !errors.is_empty() {
            return Err(JobFault::Job(errors));
        }
        let user_id = client.query_user_profile().send()?.user_id;
        let project_id = match self.project() {
            Some(name) => client
                .get_label_list()
                .send()?
                .project_name_list
                .into_iter()
                .find(|l| l.project_name == name)
                .map(|l| l.project_id),
            None => None,
        };
        Ok(Checked {
            cg_id: cg_id.unwrap_or(Software::Unknown(0)),
            cg_name,
            version: version.unwrap_or_default(),
            plugins,
            os,
            hardware,
            user_id,
            project_id,
            platform: client.core().platform().to_owned(),
            warnings,
        })
    }

    /// The task configuration sent to taskJsonFile: the analyser's task.json (or the official
    /// analysers' defaults) with the job's values, in the shape the official clients send
    /// (`task_info`, `software_config`, `scene_info`, `scene_info_render`; every `task_info`
    /// value text). `task` and `project` are what createTask and the label answered; left
    /// empty when not known yet (a dry run).
    pub fn task_config(
        &self,
        checked: Option<&Checked>,
        task: Option<i64>,
        project: Option<i64>,
    ) -> Value {
        let mut config = self
            .analysed
            .as_ref()
            .map(|a| a.task.clone())
            .unwrap_or_default();
        for section in [
            "task_info",
            "software_config",
            "scene_info",
            "scene_info_render",
        ] {
            if !config.get(section).is_some_and(Value::is_object) {
                config.insert(section.into(), json!({}));
            }
        }
        let text = |s: &str| Value::String(s.to_owned());
        let mut info = match config.remove("task_info") {
            Some(Value::Object(info)) => info,
            _ => Map::new(),
        };
        for (k, v) in TASK_INFO {
            info.entry(*k).or_insert_with(|| text(v));
        }
        let mut set = |k: &str, v: String| {
            info.insert(k.to_owned(), Value::String(v));
        };
        if let Some(scene) = &self.file.scene {
            set("input_cg_file", scene.get_ref().replace('\\', "/"));
        }
        if let Some(p) = &self.file.project_path {
            set("input_project_path", p.get_ref().replace('\\', "/"));
        }
        if let Some(p) = self.project() {
            set("project_name", p);
        }
        if let Some(project) = project.or(checked.and_then(|c| c.project_id)) {
            set("project_id", project.to_string());
        }
        if let Some(task) = task {
            set("task_id", task.to_string());
        }
        set("channel", "4".into());
        let os = checked.map_or_else(|| self.os(), |c| c.os.clone());
        set(
            "os_name",
            if os == OsName::Linux { "0" } else { "1" }.into(),
        );
        if let Some(c) = checked {
            set("cg_id", c.cg_id.code().to_string());
            set("user_id", c.user_id.to_string());
            set("platform", c.platform.clone());
            if let Some((ids, hw)) = &c.hardware {
                info.insert(
                    "hardwareConfigIds".into(),
                    json!(ids.iter().map(ToString::to_string).collect::<Vec<_>>()),
                );
                info.insert("ram".into(), text(hw.ram.trim_end_matches("GB")));
                let gpus = hw
                    .gpu_num
                    .as_deref()
                    .and_then(|g| g.chars().next())
                    .map_or_else(|| "2".to_owned(), String::from);
                info.insert("graphics_cards_num".into(), Value::String(gpus));
            }
        } else if let Some(s) = self.software_text()
            && let Ok(cg) = parse_enum::<Software>(&s)
        {
            info.insert("cg_id".into(), text(&cg.code().to_string()));
        }
        for (key, value) in &self.file.task {
            if let Some(v) = task_text(value.get_ref()) {
                info.insert(key.clone(), Value::String(v));
            }
        }
        config.insert("task_info".into(), Value::Object(info));
        // The sections in the order the official analysers write them, then anything else
        // (kept where serde_json keeps insertion order).
        let mut ordered = Map::new();
        for section in [
            "task_info",
            "software_config",
            "scene_info",
            "scene_info_render",
        ] {
            if let Some(v) = config.remove(section) {
                ordered.insert(section.into(), v);
            }
        }
        ordered.extend(config);
        let mut config = ordered;
        if let Some(Value::Object(software)) = config.get_mut("software_config") {
            if let Some(c) = checked {
                software.insert("cg_name".into(), text(&c.cg_name));
                software.insert("cg_version".into(), text(&c.version));
                software.insert("plugins".into(), json!(c.plugins));
            } else {
                if let Some(v) = self.version() {
                    software.insert("cg_version".into(), text(&v));
                }
                let plugins: BTreeMap<&String, &String> = self
                    .file
                    .plugins
                    .iter()
                    .map(|(k, v)| (k, v.get_ref()))
                    .collect();
                software.insert("plugins".into(), json!(plugins));
            }
        }
        // The job's frames and output replace an analyser's wherever they are (each render
        // layer's, say, and `scene_info`'s copy); without them, they go where the software's
        // configuration document puts them.
        let software = checked
            .map(|c| c.cg_id)
            .or_else(|| self.software_text().and_then(|t| software_of(&t)));
        let (path, output_key) = layout(software);
        let mut settings = vec![];
        if let Some(frames) = &self.file.frames {
            settings.push(("frames", frames.get_ref().as_str()));
        }
        if let (Some(output), Some(key)) = (&self.file.output, output_key) {
            settings.push((key, output.get_ref().as_str()));
        }
        for (key, to) in settings {
            let mut replaced = 0;
            for section in ["scene_info_render", "scene_info"] {
                replaced += config
                    .get_mut(section)
                    .map_or(0, |v| replace_text(v, key, to));
            }
            if replaced == 0
                && let Some(render) = config.get_mut("scene_info_render")
            {
                place_text(render, path, key, to);
            }
        }
        Value::Object(config)
    }

    /// Submits the checked job: the project's label when missing, createTask, taskJsonFile
    /// and submitTask, each recorded in `state` (and its file) as it succeeds, so a run
    /// stopped half-way goes on from where it stopped. `step` hears each step as it is done
    /// or skipped. Answers the task's id.
    pub fn submit(
        &self,
        client: &Client<V2>,
        checked: &Checked,
        state: &mut State,
        mut step: impl FnMut(Step),
    ) -> Result<i64, JobFault> {
        let task = self.prepare(client, checked, state, &mut step)?;
        Job::submit_prepared(client, task, state, step)?;
        Ok(task)
    }

    /// The steps of [`Job::submit`] before submitTask: the project's label when missing,
    /// createTask and taskJsonFile, each recorded in `state`. Answers the task's id. A layer
    /// that uploads the job's files does so between this and [`Job::submit_prepared`].
    pub fn prepare(
        &self,
        client: &Client<V2>,
        checked: &Checked,
        state: &mut State,
        mut step: impl FnMut(Step),
    ) -> Result<i64, JobFault> {
        let mut project = state.project_id.or(checked.project_id);
        if let (Some(name), None) = (self.project(), project) {
            if !state.done("addLabel") {
                client.add_label(name.clone()).status(0).send()?;
                state.record("addLabel", None, None)?;
                step(Step::Done("addLabel", format!("label `{name}` made")));
            }
            let id = client
                .get_label_list()
                .send()?
                .project_name_list
                .into_iter()
                .find(|l| l.project_name == name)
                .map(|l| l.project_id);
            state.record("getLabelList", None, id)?;
            project = id;
        }
        let task = match state.task_id {
            Some(task) => {
                step(Step::Skipped("createTask", format!("task {task}")));
                task
            }
            None => {
                let mut create = client.create_task().labels(self.file.labels.clone());
                if let Some(level) = &self.file.level {
                    create = create.task_user_level(*level.get_ref());
                }
                let created = create.send()?;
                let Some(&task) = created.task_id_list.first() else {
                    return Err(JobFault::State(
                        "createTask answered no task id: nothing more was sent".into(),
                    ));
                };
                state.record("createTask", Some(task), None)?;
                step(Step::Done("createTask", format!("task {task}")));
                task
            }
        };
        if state.done("taskJsonFile") {
            step(Step::Skipped("taskJsonFile", "task.json".into()));
        } else {
            let config = self.task_config(Some(checked), Some(task), project);
            client
                .task_json_file(task, config.to_string())
                .file_name(TaskFileName::Task)
                .send()?;
            state.record("taskJsonFile", None, None)?;
            step(Step::Done("taskJsonFile", "task.json".into()));
        }
        Ok(task)
    }

    /// The last step of [`Job::submit`]: submitTask, recorded in `state` (skipped when it is
    /// recorded already).
    pub fn submit_prepared(
        client: &Client<V2>,
        task: i64,
        state: &mut State,
        mut step: impl FnMut(Step),
    ) -> Result<(), JobFault> {
        if state.done("submitTask") {
            step(Step::Skipped("submitTask", format!("task {task}")));
        } else {
            client.submit_task(task).send()?;
            state.record("submitTask", None, None)?;
            step(Step::Done("submitTask", format!("task {task}")));
        }
        Ok(())
    }

    /// The JSON Schema of a job file (draft 2020-12), for editors.
    pub fn schema() -> Value {
        serde_json::to_value(schemars::schema_for!(JobFile)).unwrap_or(Value::Null)
    }
}

/// A step of [`Job::submit`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Done now: the call, and what it made.
    Done(&'static str, String),
    /// Done by an earlier run (from the state file).
    Skipped(&'static str, String),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Done(call, what) => write!(f, "{call}: {what}"),
            Step::Skipped(call, what) => write!(f, "{call}: {what} (done before)"),
        }
    }
}

/// What [`Job::check`] learned from the farm, for [`Job::submit`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Checked {
    /// The software.
    pub cg_id: Software,
    /// Its name as the farm lists it.
    pub cg_name: String,
    /// Its version.
    pub version: String,
    /// The plugins and their versions.
    pub plugins: BTreeMap<String, String>,
    /// The operating system.
    pub os: OsName,
    /// The hardware configurations that fit, and what the job asked.
    pub hardware: Option<(Vec<i64>, Hardware)>,
    /// The account's user id.
    pub user_id: i64,
    /// The project label's id, when it exists.
    pub project_id: Option<i64>,
    /// The platform the task goes to.
    pub platform: String,
    /// The analyser's warnings, to show.
    pub warnings: Vec<String>,
}

/// Each step's outcome, kept in a file beside the job (`JOB.state.json`) so that a run
/// stopped half-way is resumed without a second task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The digest of the job it belongs to ([`Job::digest`]).
    pub job: String,
    /// The farm the run talks to (its base URL).
    pub farm: String,
    /// The task createTask made.
    pub task_id: Option<i64>,
    /// The project label's id.
    pub project_id: Option<i64>,
    /// The calls done, in order.
    pub done: Vec<String>,
    #[serde(skip)]
    path: PathBuf,
}

impl State {
    /// The state file of a job: `JOB.state.json` beside it.
    pub fn path_for(job: &Path) -> PathBuf {
        let mut name = job.file_name().unwrap_or_default().to_owned();
        name.push(".state.json");
        job.with_file_name(name)
    }

    /// The state of `job` on `farm` (its base URL), kept at `path` (usually
    /// [`State::path_for`] the job): a fresh one when there is no file there. An existing file
    /// is taken only with `resume`, and only when it belongs to this job (the job file has not
    /// changed since) and this farm; otherwise [`JobFault::State`] says why.
    pub fn open(path: PathBuf, job: &Job, farm: &str, resume: bool) -> Result<State, JobFault> {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State {
                    job: job.digest(),
                    farm: farm.to_owned(),
                    path,
                    ..State::default()
                });
            }
            Err(e) => {
                return Err(JobFault::State(format!(
                    "{}: cannot be read: {e}",
                    path.display()
                )));
            }
        };
        let mut state: State = serde_json::from_str(&text).map_err(|e| {
            JobFault::State(format!(
                "{}: not a state file of renderbus submit: {e}",
                path.display()
            ))
        })?;
        state.path = path;
        let shown = state.path.display();
        let task = state
            .task_id
            .map(|t| format!(" as task {t}"))
            .unwrap_or_default();
        if !resume {
            return Err(JobFault::State(format!(
                "{shown}: this job was started before{task} (done: {}): --resume goes on with it; delete the file to submit it again as a new task",
                if state.done.is_empty() {
                    "nothing".into()
                } else {
                    state.done.join(", ")
                }
            )));
        }
        if state.job != job.digest() {
            return Err(JobFault::State(format!(
                "{shown}: the job file (or its task.json) changed since it was started{task}: resuming would submit another job; delete the file to submit the job as it is now"
            )));
        }
        if state.farm != farm {
            return Err(JobFault::State(format!(
                "{shown}: the job was started{task} on {}, not {farm}",
                state.farm
            )));
        }
        Ok(state)
    }

    /// Whether `call` was done.
    pub fn done(&self, call: &str) -> bool {
        self.done.iter().any(|d| d == call)
    }

    /// Records a step done by a layer above the job (the upload of its files: `upload`), so
    /// that `--resume` skips it.
    pub fn mark_done(&mut self, step: &str) -> Result<(), JobFault> {
        self.record(step, None, None)
    }

    fn record(
        &mut self,
        call: &str,
        task: Option<i64>,
        project: Option<i64>,
    ) -> Result<(), JobFault> {
        if !self.done(call) {
            self.done.push(call.to_owned());
        }
        self.task_id = self.task_id.or(task);
        self.project_id = self.project_id.or(project);
        self.save()
    }

    /// Writes the state file (a new file renamed over the old, so it is whole or absent).
    fn save(&self) -> Result<(), JobFault> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        let tmp = self.path.with_extension("json.new");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| {
                JobFault::State(format!("{}: cannot be written: {e}", self.path.display()))
            })
    }
}

/// Why a software takes no `output`.
fn no_output(software: Software) -> String {
    format!(
        "the configuration documents name no output setting for {software:?}: `output` is taken for \
         Maya, 3ds Max and Blender; for another software, name an analyser's task.json"
    )
}

/// Sets every text `key` at any depth of `value` (objects and lists) to `to`; answers how
/// many there were.
fn replace_text(value: &mut Value, key: &str, to: &str) -> usize {
    match value {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| match v {
                Value::String(s) if k == key => {
                    *s = to.to_owned();
                    1
                }
                other => replace_text(other, key, to),
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(|v| replace_text(v, key, to)).sum(),
        _ => 0,
    }
}

/// Sets `key` to `to` in the object at `path` of `value` (an object), making the objects on
/// the way (and replacing what is not one).
fn place_text(value: &mut Value, path: &[&str], key: &str, to: &str) {
    let mut at = value;
    for step in path {
        let Value::Object(map) = at else { return };
        at = map.entry(*step).or_insert_with(|| json!({}));
        if !at.is_object() {
            *at = json!({});
        }
    }
    if let Value::Object(map) = at {
        map.insert(key.to_owned(), Value::String(to.to_owned()));
    }
}

/// The software a job's `software` (or an analyser's `cg_id`) names.
fn software_of(text: &str) -> Option<Software> {
    parse_enum::<Software>(text)
        .ok()
        .or_else(|| text.parse().ok().map(Software::from_code))
}

/// A `[task]` value as the text the task configuration holds.
fn task_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Boolean(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

fn names(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}

/// Reads an analyser's task.json, and the codes of the tips.json beside it.
fn read_analysed(path: &Path) -> Result<Analysed, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    let task: Map<String, Value> = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a task.json (a JSON object): {e}", path.display()))?;
    if !task.get("task_info").is_some_and(Value::is_object) {
        return Err(format!(
            "{} has no `task_info` object: not an analyser's task.json",
            path.display()
        ));
    }
    let tips_path = path.with_file_name("tips.json");
    let tips = match std::fs::read_to_string(&tips_path) {
        Ok(t) => match serde_json::from_str::<Map<String, Value>>(&t) {
            Ok(map) => map.keys().cloned().collect(),
            Err(e) => return Err(format!("{} is not JSON: {e}", tips_path.display())),
        },
        Err(_) => Vec::new(),
    };
    Ok(Analysed {
        path: path.to_owned(),
        text,
        task,
        tips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job reading `task_json` from beside it (the directory is gone once the job is read).
    fn job_with(dir: &str, task_json: &str, job: &str) -> Job {
        let dir = tempfile::Builder::new()
            .prefix(&format!("render-job-{dir}-"))
            .tempdir()
            .unwrap();
        std::fs::write(dir.path().join("task.json"), task_json).unwrap();
        Job::parse(&dir.path().join("job.toml"), job.to_owned()).unwrap()
    }

    #[test]
    fn an_analysers_frame_lists_are_replaced_by_the_jobs_where_they_are() {
        // A layered scene: each layer's frames where the analyser wrote them.
        let job = job_with(
            "layers",
            r#"{"task_info": {"input_cg_file": "a.mb", "cg_id": "2000"},
                "software_config": {"cg_version": "2020", "plugins": {}},
                "scene_info_render": {"layer": {"beauty": {"common": {"frames": "1-10[1]"}},
                                                "shadow": {"common": {"frames": "1-10[1]"}}}}}"#,
            "task_json = \"task.json\"\nframes = \"5-6\"\n",
        );
        let config = job.task_config(None, None, None);
        let layers = &config["scene_info_render"]["layer"];
        assert_eq!(layers["beauty"]["common"]["frames"], "5-6");
        assert_eq!(layers["shadow"]["common"]["frames"], "5-6");
        assert!(config["scene_info_render"].get("common").is_none());
        // The analyser's values stay where the job says nothing; the job's win where it does.
        assert_eq!(config["task_info"]["input_cg_file"], "a.mb");
        assert_eq!(config["task_info"]["cg_id"], "2000");
    }

    #[test]
    fn frames_and_output_go_where_each_softwares_configuration_document_puts_them() {
        let config = |software: &str, version: &str| {
            let text = format!(
                "software = \"{software}\"\nversion = \"{version}\"\nscene = \"s\"\nframes = \"1-9\"\noutput = \"D:/out/img\"\n"
            );
            Job::parse(Path::new("job.toml"), text)
                .unwrap()
                .task_config(None, None, None)
        };
        let maya = config("maya", "2020");
        let layer = &maya["scene_info_render"]["defaultRenderLayer"]["common"];
        assert_eq!(
            (&layer["frames"], &layer["image_file_prefix"]),
            (&json!("1-9"), &json!("D:/out/img"))
        );
        let max = config("max", "2018");
        let common = &max["scene_info_render"]["common"];
        assert_eq!(
            (&common["frames"], &common["output_file"]),
            (&json!("1-9"), &json!("D:/out/img"))
        );
        let blender = config("blender", "2.81");
        assert_eq!(
            blender["scene_info_render"]["common"]["Output_path"],
            "D:/out/img"
        );
        // A software whose document names no output: refused where the file says it.
        let refused = Job::parse(
            Path::new("job.toml"),
            "software = \"houdini\"\nversion = \"18\"\nscene = \"s\"\noutput = \"o\"\n".into(),
        );
        match refused {
            Err(JobFault::Job(errors)) => {
                assert_eq!(
                    (errors[0].line, errors[0].key.as_str()),
                    (4, "output"),
                    "{errors:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_job_without_an_analyser_starts_from_the_official_defaults() {
        let job = Job::parse(
            Path::new("job.toml"),
            "software = \"max\"\nversion = \"2018\"\nscene = \"C:\\\\s\\\\a.max\"\nframes = \"1-3\"\n[task]\ntiles = 4\n"
                .to_owned(),
        )
        .unwrap();
        let config = job.task_config(None, Some(7), Some(9));
        let info = config["task_info"].as_object().unwrap();
        for (key, default) in TASK_INFO {
            assert!(info.contains_key(*key), "{key}");
            if !["input_cg_file", "task_id", "project_id", "cg_id", "tiles"].contains(key) {
                assert_eq!(info[*key], *default, "{key}");
            }
        }
        assert_eq!(
            info["input_cg_file"], "C:/s/a.max",
            "backslashes become slashes"
        );
        assert_eq!(info["task_id"], "7");
        assert_eq!(info["project_id"], "9");
        assert_eq!(info["cg_id"], "2001");
        assert_eq!(info["tiles"], "4");
        assert_eq!(config["scene_info_render"]["common"]["frames"], "1-3");
        for section in [
            "task_info",
            "software_config",
            "scene_info",
            "scene_info_render",
        ] {
            assert!(config[section].is_object(), "{section}");
        }
    }

    #[test]
    fn what_a_job_uploads_its_assets_its_list_or_the_analysers_list_beside_task_json() {
        let dir = tempfile::tempdir().unwrap();
        let job = |text: &str| Job::parse(&dir.path().join("job.toml"), text.to_owned());
        let base = "software = \"maya\"\nversion = \"2020\"\nscene = \"D:/a.mb\"\n";
        std::fs::write(dir.path().join("a.mb"), "a").unwrap();

        let parsed = job(&format!("{base}assets = [\"a.mb\"]\n")).unwrap();
        assert_eq!(
            parsed.uploads(),
            Some(Uploads::Paths(vec![dir.path().join("a.mb")]))
        );
        assert_eq!(job(base).unwrap().uploads(), None);

        // Every fault at once, each with its line.
        let Err(JobFault::Job(errors)) = job(&format!(
            "{base}assets = [\"gone.mb\"]\nupload_json = \"upload.json\"\n"
        )) else {
            panic!("a missing asset and a list beside assets are faults");
        };
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            said.iter()
                .any(|e| e.contains(":4: assets") && e.contains("gone.mb: no such file")),
            "{said:?}"
        );
        assert!(
            said.iter()
                .any(|e| e.contains(":5: upload_json") && e.contains("not both")),
            "{said:?}"
        );

        // An analyser writes upload.json beside task.json: that list is the job's.
        std::fs::write(
            dir.path().join("task.json"),
            r#"{"task_info": {"input_cg_file": "D:/a.mb", "cg_id": "2000"}, "software_config": {"cg_name": "Maya", "cg_version": "2020", "plugins": {}}}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("upload.json"), r#"{"asset": []}"#).unwrap();
        let analysed = job("task_json = \"task.json\"\n").unwrap();
        assert_eq!(
            analysed.uploads(),
            Some(Uploads::UploadJson(dir.path().join("upload.json")))
        );
    }

    #[test]
    fn an_unknown_key_does_not_hide_the_files_other_faults() {
        let dir = tempfile::tempdir().unwrap();
        let text = "software = \"maya\"\nversion = \"2020\"\nscene = \"D:/a.mb\"\nframez = \"1-10\"\nframes = \"10-1\"\nlevel = 70\n";
        let Err(JobFault::Job(errors)) = Job::parse(&dir.path().join("job.toml"), text.into())
        else {
            panic!("three faults");
        };
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].contains(":4: framez: unknown key `framez`"),
            "{said:?}"
        );
        assert!(said.iter().any(|e| e.contains(":5: frames")), "{said:?}");
        assert!(
            said.iter()
                .any(|e| e.contains(":6: level: 70 is not a level: 50 or 60")),
            "{said:?}"
        );
    }
}
