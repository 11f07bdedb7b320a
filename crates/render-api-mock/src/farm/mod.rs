//! The simulated farm: an account, its tasks and frames, labels and render environments.
//!
//! Time is simulated: frames take [`FarmConfig::frame_seconds`] of farm time each, and farm
//! time runs at [`FarmConfig::speed`] times real time (0 freezes it; [`Farm::advance`] moves it
//! by hand), so a test can be exact and a demo watchable. Everything is computed from the
//! schedule, so the same calls at the same farm times give the same answers.

mod account;
mod clock;
mod envs;
mod frames;
mod hardware;
mod labels;
mod records;
mod tasks;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use render_api_types::{
    Ack, EpochMillis, ErrorCode, FrameStatus, Label, Money, Page, RenderEnv, ServiceError,
    TaskLogEntry, TaskStatus, UserProfile, UserSetting,
};
use rust_decimal::Decimal;

use clock::Clock;
use tasks::progress;

type Reply<T> = Result<T, ServiceError>;

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::ParameterInvalid, message)
}

fn not_found(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::ResourceNotFound, message)
}

/// How the simulated farm behaves.
#[derive(Debug, Clone)]
pub struct FarmConfig {
    /// Frames of a submitted task whose `task.json` names none (a task takes its scene,
    /// software, project and frame lists from the `task.json` uploaded with taskJsonFile).
    pub frames_per_task: usize,
    /// Farm seconds one frame takes.
    pub frame_seconds: i64,
    /// Farm seconds the analysis of a submitted task takes.
    pub analyse_seconds: i64,
    /// Frames of one task rendered at once (all of them at full speed).
    pub nodes: usize,
    /// Farm time per real time (default 60: a farm minute each second, so a default task
    /// finishes in a few seconds); 0 freezes the clock (move it with [`Farm::advance`]).
    /// Replies show dates on the real clock (when the farm reached them), never after the
    /// caller's now unless the clock was moved by hand; durations are in farm seconds.
    pub speed: f64,
    /// Frame numbers (1-based) that fail on their first attempt in every task, so that
    /// restarting them has a real effect.
    pub failing_frames: Vec<usize>,
    /// The account is a sub-account that shares its main account's storage: its profile says
    /// `shareMainCapital: 1` and names the main account ([`MAIN_USER_ID`]), and getTransferBid
    /// gives the main account's input bid ([`MAIN_INPUT_BID`]) as `parent_input_bid`.
    pub sub_account: bool,
}

/// The transfer ids of the farm's account, as the v2 document's getConfig example gives them
/// (getTransferBid answers the same): input, output, configuration.
pub const BIDS: (&str, &str, &str) = ("10202", "20202", "30201");

/// The main account of a [`FarmConfig::sub_account`] farm (rayvision-api's docstring user).
pub const MAIN_USER_ID: i64 = 100093088;

/// The main account's input bid that a [`FarmConfig::sub_account`] farm's account uploads with.
pub const MAIN_INPUT_BID: &str = "10201";

impl Default for FarmConfig {
    fn default() -> Self {
        FarmConfig {
            frames_per_task: 10,
            frame_seconds: 60,
            analyse_seconds: 30,
            nodes: 4,
            speed: 60.0,
            failing_frames: Vec::new(),
            sub_account: false,
        }
    }
}

impl FarmConfig {
    /// The default farm with its clock stopped: nothing happens until [`Farm::advance`]
    /// moves it, so a test can be exact.
    pub fn frozen() -> Self {
        FarmConfig {
            speed: 0.0,
            ..FarmConfig::default()
        }
    }
}

#[derive(Debug, Clone)]
struct Frame {
    id: i64,
    /// The frame's number (`frameIndex`), from the task's frame list.
    number: i64,
    /// Its place among the task's frames, from 0 (`munuJobId`).
    position: usize,
    status: FrameStatus,
    attempts: u32,
    scheduled: Option<(i64, i64)>,
    start: Option<i64>,
    end: Option<i64>,
}

#[derive(Debug, Clone)]
struct Task {
    id: i64,
    layer_id: Option<i64>,
    status: TaskStatus,
    status_before_stop: Option<TaskStatus>,
    created: i64,
    submitted: Option<i64>,
    render_start: Option<i64>,
    completed: Option<i64>,
    level: i64,
    labels: Vec<String>,
    over_time_s: Option<i64>,
    full_speed: bool,
    frames: Vec<Frame>,
    /// Nodes it may render on at once (updateTaskLimit).
    limit: Option<i64>,
    /// Uploaded configuration files (taskJsonFile), by name.
    files: BTreeMap<String, String>,
    /// Its hardware configuration (editTaskHardwareConfig).
    hardware: Option<i64>,
    /// What its `task.json` says, read when it is analysed.
    job: Submitted,
}

/// What a submitted task's configuration (`task.json`, uploaded with taskJsonFile) says of it,
/// read as the service's analysis would: the scene, the software, the project and the frames.
/// Without a `task.json`, or where it is silent, the farm makes up its own.
#[derive(Debug, Clone, Default)]
struct Submitted {
    /// The scene's file name (`shot010_lighting_v003.mb`), from `task_info.input_cg_file`.
    scene: Option<String>,
    /// The software, from `task_info.cg_id`.
    software: Option<render_api_types::Software>,
    /// The project, from `task_info.project_name`.
    project: Option<String>,
    /// The frame numbers, from every `frames` list of `scene_info_render` (`1-100[1]`).
    frames: Option<Vec<i64>>,
}

impl Submitted {
    /// Reads `task.json`'s text; what does not parse is left to the farm's defaults.
    fn read(text: Option<&str>) -> Submitted {
        let Some(config) = text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        else {
            return Submitted::default();
        };
        let info = &config["task_info"];
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let scene = text(&info["input_cg_file"]).map(|path| {
            path.rsplit(['/', '\\'])
                .next()
                .unwrap_or(path.as_str())
                .to_owned()
        });
        let software = text(&info["cg_id"])
            .and_then(|code| code.parse::<i64>().ok())
            .and_then(|code| serde_json::from_value(serde_json::json!(code)).ok());
        let mut lists = Vec::new();
        collect_frames(&config["scene_info_render"], &mut lists);
        let frames = render_api_types::frames::FrameNumbers::from_parts(
            lists.iter().flat_map(|l| l.split(',')),
        )
        .ok()
        .filter(|numbers| !lists.is_empty() && !numbers.is_empty())
        .map(|numbers| numbers.iter().collect());
        Submitted {
            scene,
            software,
            project: text(&info["project_name"]),
            frames,
        }
    }
}

/// Every `frames` text under `value` (a render layer's, the common settings').
fn collect_frames(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match v {
                    serde_json::Value::String(s) if key == "frames" => into.push(s.clone()),
                    other => collect_frames(other, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_frames(v, into)),
        _ => {}
    }
}

struct State {
    clock: Clock,
    next_task_id: i64,
    next_frame_id: i64,
    next_label_id: i64,
    tasks: BTreeMap<i64, Task>,
    /// Deleted tasks: the recycle bin (getTaskList with `recycleFlag: 1`).
    deleted: BTreeMap<i64, Task>,
    labels: Vec<Label>,
    envs: Vec<RenderEnv>,
    profile: UserProfile,
    settings: UserSetting,
    /// What was done to tasks, newest last (taskRecord).
    records: Vec<TaskLogEntry>,
}

/// The farm: all its state behind one lock, so concurrent calls see consistent answers.
pub struct Farm {
    config: FarmConfig,
    state: Mutex<State>,
}

const SECOND: i64 = 1000;

impl Farm {
    /// A farm seeded from the API document's examples.
    pub fn new(config: FarmConfig) -> Self {
        let state = State {
            clock: Clock {
                real_start: Instant::now(),
                farm_start_ms: EpochMillis::now().as_millis(),
                speed: config.speed,
                advanced_ms: 0,
            },
            next_task_id: 19084,
            next_frame_id: 1546598,
            next_label_id: 3671,
            tasks: BTreeMap::new(),
            deleted: BTreeMap::new(),
            labels: Vec::new(),
            envs: crate::seed::render_envs(),
            profile: {
                let mut profile = crate::seed::profile();
                if config.sub_account {
                    profile.share_main_capital = Some(1);
                    profile.main_user_id = Some(MAIN_USER_ID);
                }
                profile
            },
            settings: crate::seed::settings(),
            records: Vec::new(),
        };
        Farm {
            config,
            state: Mutex::new(state),
        }
    }

    /// The content of the file `name` (`task.json`, …) uploaded to task `task_id` with
    /// taskJsonFile, as received: for tests of what a client sends.
    pub fn task_file(&self, task_id: i64, name: &str) -> Option<String> {
        self.lock().tasks.get(&task_id)?.files.get(name).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A handler that panicked leaves consistent state (every change is made after all
        // checks), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The state of the farm as of now: every task's schedule brought up to date.
    fn current(&self) -> std::sync::MutexGuard<'_, State> {
        let mut state = self.lock();
        let now = state.clock.now_ms();
        let config = &self.config;
        let mut next_id = state.next_task_id;
        let mut next_frame = state.next_frame_id;
        for task in state.tasks.values_mut() {
            progress(config, task, now, &mut next_id, &mut next_frame);
        }
        state.next_task_id = next_id;
        state.next_frame_id = next_frame;
        state
    }
}

/// Removes the items `matches` picks; finding none is a 404 with `missing`'s message.
fn remove_where<T>(
    items: &mut Vec<T>,
    matches: impl Fn(&T) -> bool,
    missing: impl FnOnce() -> String,
) -> Reply<Ack> {
    let before = items.len();
    items.retain(|item| !matches(item));
    if items.len() == before {
        return Err(not_found(missing()));
    }
    Ok(Ack::default())
}

fn format_time(ms: i64) -> String {
    // `YYYY-MM-DD hh:mm:ss` in UTC+8, the service's time zone.
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02} {h:02}:{m:02}:{s:02}")
}

/// A task's scene: its `task.json`'s, else a made-up 3ds Max scene.
fn scene_name(task: &Task) -> String {
    task.job
        .scene
        .clone()
        .unwrap_or_else(|| format!("scene_{}.max", task.id))
}

/// A scene's name without its extension (`shot010_lighting_v003`).
fn scene_stem(task: &Task) -> String {
    let scene = scene_name(task);
    match scene.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => scene,
    }
}

/// The name of a task's output folder (`outputFileName`): its id and its scene's name, as the
/// documents' examples have it (`18280_衣帽间`).
fn output_name(task: &Task) -> String {
    // A layered task's frames are its layer's.
    let id = task.layer_id.unwrap_or(task.id);
    format!("{id}_{}", scene_stem(task))
}

fn find_task(state: &State, id: i64) -> Reply<&Task> {
    state
        .tasks
        .values()
        .find(|t| t.id == id || t.layer_id == Some(id))
        .ok_or_else(|| not_found(format!("task {id} does not exist")))
}

fn task_mut(state: &mut State, id: i64) -> Reply<&mut Task> {
    state
        .tasks
        .values_mut()
        .find(|t| t.id == id || t.layer_id == Some(id))
        .ok_or_else(|| not_found(format!("task {id} does not exist")))
}

fn page<T, U>(items: &[T], page_num: i64, page_size: i64, map: impl Fn(&T) -> U) -> Reply<Page<U>> {
    if page_num < 1 {
        return Err(invalid("pageNum starts at 1"));
    }
    if !(1..=1000).contains(&page_size) {
        return Err(invalid("pageSize must be between 1 and 1000"));
    }
    let total = items.len() as i64;
    let page_count = (total + page_size - 1) / page_size;
    let start = usize::try_from((page_num - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let slice = items.iter().skip(start).take(page_size as usize);
    Ok(Page {
        page_count,
        page_num,
        total,
        size: page_size,
        items: slice.map(map).collect(),
        extra: Default::default(),
    })
}

fn money(cents: i64) -> Money {
    Money(Decimal::new(cents, 2))
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn times_are_formatted_in_utc_plus_8() {
        // 2018-11-09 18:28:26 UTC+8, as in the document's progress image example.
        assert_eq!(format_time(1_541_759_306_000), "2018-11-09 18:28:26");
        assert_eq!(format_time(0), "1970-01-01 08:00:00");
    }
}
