//! The simulated farm: an account, its tasks and frames, labels and render environments.
//!
//! Time is simulated: frames take [`FarmConfig::frame_seconds`] of farm time each, and farm
//! time runs at [`FarmConfig::speed`] times real time (0 freezes it; [`Farm::advance`] moves it
//! by hand), so a test can be exact and a demo watchable. Everything is computed from the
//! schedule, so the same calls at the same farm times give the same answers.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use render_api_types::*;
use rust_decimal::Decimal;

/// An error reply: the code, and a message saying what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The envelope's code.
    pub code: ErrorCode,
    /// The envelope's message.
    pub message: String,
}

impl ApiError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ParameterInvalid, message)
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFound, message)
    }
}

type Reply<T> = Result<T, ApiError>;

/// How the simulated farm behaves.
#[derive(Debug, Clone)]
pub struct FarmConfig {
    /// Frames of every submitted task.
    pub frames_per_task: usize,
    /// Farm seconds one frame takes.
    pub frame_seconds: i64,
    /// Farm seconds the analysis of a submitted task takes.
    pub analyse_seconds: i64,
    /// Frames of one task rendered at once (all of them at full speed).
    pub nodes: usize,
    /// Farm time per real time: 0 freezes the clock (move it with [`Farm::advance`]).
    pub speed: f64,
    /// Frame numbers (1-based) that fail on their first attempt in every task, so that
    /// restarting them has a real effect.
    pub failing_frames: Vec<usize>,
}

impl Default for FarmConfig {
    fn default() -> Self {
        FarmConfig {
            frames_per_task: 10,
            frame_seconds: 60,
            analyse_seconds: 30,
            nodes: 4,
            speed: 0.0,
            failing_frames: Vec::new(),
        }
    }
}

/// The farm clock: a start, a speed, and what was added by hand.
struct Clock {
    real_start: Instant,
    farm_start_ms: i64,
    speed: f64,
    advanced_ms: i64,
}

impl Clock {
    fn now_ms(&self) -> i64 {
        let run = self.real_start.elapsed().as_secs_f64() * self.speed * 1000.0;
        self.farm_start_ms + run as i64 + self.advanced_ms
    }
}

#[derive(Debug, Clone)]
struct Frame {
    id: i64,
    number: usize,
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
}

struct State {
    clock: Clock,
    next_task_id: i64,
    next_frame_id: i64,
    next_label_id: i64,
    tasks: BTreeMap<i64, Task>,
    labels: Vec<Label>,
    envs: Vec<RenderEnv>,
    profile: UserProfile,
    settings: UserSetting,
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
            labels: Vec::new(),
            envs: crate::seed::render_envs(),
            profile: crate::seed::profile(),
            settings: crate::seed::settings(),
        };
        Farm {
            config,
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A handler that panicked leaves consistent state (every change is made after all
        // checks), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves farm time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.clock.advanced_ms += i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
    }

    /// The farm's current time.
    pub fn now(&self) -> EpochMillis {
        EpochMillis(self.lock().clock.now_ms())
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

    // ---- user ----

    /// `queryPlatforms`.
    pub fn query_platforms(&self, req: QueryPlatformsRequest) -> Reply<Vec<Platform>> {
        match req.zone {
            Zone::China => Ok(vec![
                Platform {
                    platform: 2,
                    name: "query_platform_w2".into(),
                },
                Platform {
                    platform: 3,
                    name: "query_platform_w3".into(),
                },
            ]),
            Zone::Overseas => Ok(vec![Platform {
                platform: 9,
                name: "query_platform_w9".into(),
            }]),
            other => Err(ApiError::invalid(format!("unknown zone {}", other.code()))),
        }
    }

    /// `queryUserProfile`.
    pub fn query_user_profile(&self, _: QueryUserProfileRequest) -> Reply<UserProfile> {
        Ok(self.lock().profile.clone())
    }

    /// `queryUserSetting`.
    pub fn query_user_setting(&self, _: QueryUserSettingRequest) -> Reply<UserSetting> {
        Ok(self.lock().settings.clone())
    }

    /// `updateUserSetting`.
    pub fn update_user_setting(&self, req: UpdateUserSettingRequest) -> Reply<()> {
        if !(1..=24 * 30).contains(&req.task_over_time) {
            return Err(ApiError::invalid(
                "taskOverTime must be between 1 and 720 hours",
            ));
        }
        self.lock().settings.task_over_time = Some(req.task_over_time);
        Ok(())
    }

    /// `getTransferBid`.
    pub fn get_transfer_bid(&self, _: GetTransferBidRequest) -> Reply<TransferBid> {
        Ok(TransferBid {
            config_bid: "30201".into(),
            output_bid: "20201".into(),
            input_bid: "10201".into(),
        })
    }

    /// `getRaySyncUserKey`.
    pub fn get_ray_sync_user_key(&self, _: GetRaySyncUserKeyRequest) -> Reply<RaySyncUserKey> {
        let state = self.lock();
        Ok(RaySyncUserKey {
            ray_sync_user_key: "8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d".into(),
            user_name: Some(state.profile.user_name.clone()),
            platform: state.profile.platform,
        })
    }

    /// `getTransferServerMsg`.
    pub fn get_transfer_server_msg(
        &self,
        req: GetTransferServerMsgRequest,
    ) -> Reply<TransferServerMsg> {
        let proxy = match req.zone {
            Zone::China => "render.raysync.cn",
            Zone::Overseas => "render.raysync.com",
            other => return Err(ApiError::invalid(format!("unknown zone {}", other.code()))),
        };
        Ok(TransferServerMsg {
            raysync_transfer: RaysyncTransfer {
                port: Some(2542),
                proxy_ip: Some(proxy.into()),
                proxy_port: Some(32011),
                server_ip: Some("127.0.0.1".into()),
                server_port: Some(2121),
                ssl_port: Some(2543),
            },
        })
    }

    /// `queryErrorDetail`.
    pub fn query_error_detail(&self, req: QueryErrorDetailRequest) -> Reply<Vec<ErrorDetail>> {
        Ok(crate::seed::error_details(&req.code, req.language.as_ref()))
    }

    // ---- tasks ----

    /// `createTask`.
    pub fn create_task(&self, req: CreateTaskRequest) -> Reply<CreatedTasks> {
        if !(1..=100).contains(&req.count) {
            return Err(ApiError::invalid("count must be between 1 and 100"));
        }
        let mut state = self.current();
        let now = state.clock.now_ms();
        let mut ids = Vec::new();
        for _ in 0..req.count {
            let id = state.next_task_id;
            state.next_task_id += 1;
            state.tasks.insert(
                id,
                Task {
                    id,
                    layer_id: None,
                    status: TaskStatus::Waiting,
                    status_before_stop: None,
                    created: now,
                    submitted: None,
                    render_start: None,
                    completed: None,
                    level: req.task_user_level.unwrap_or(50),
                    labels: req.labels.clone().unwrap_or_default(),
                    over_time_s: None,
                    full_speed: false,
                    frames: Vec::new(),
                },
            );
            ids.push(id);
        }
        Ok(CreatedTasks {
            alias_task_id_list: ids.iter().map(|id| format!("P{id}")).collect(),
            task_id_list: ids,
            user_id: Some(state.profile.user_id),
        })
    }

    /// `submitTask`.
    pub fn submit_task(&self, req: SubmitTaskRequest) -> Reply<()> {
        if req.asset_isolation_model == Some(AssetIsolationModel::OutUser)
            && req.out_user_id.is_none()
        {
            return Err(ApiError::new(
                ErrorCode::ParameterCantBeEmpty,
                "outUserId is required with assetIsolationModel OUT_USER_MODEL",
            ));
        }
        let mut state = self.current();
        let now = state.clock.now_ms();
        let task = task_mut(&mut state, req.task_id)?;
        if task.submitted.is_some() {
            return Err(ApiError::invalid(format!(
                "task {} was already submitted",
                req.task_id
            )));
        }
        task.submitted = Some(now);
        task.status = TaskStatus::Analyse;
        Ok(())
    }

    /// `getTaskList`: newest first.
    pub fn get_task_list(&self, req: GetTaskListRequest) -> Reply<Page<TaskInfo>> {
        let state = self.current();
        let keyword = req.search_keyword.as_deref().map(str::to_lowercase);
        let tasks: Vec<&Task> = state
            .tasks
            .values()
            .rev()
            .filter(|t| {
                req.status_list
                    .as_ref()
                    .is_none_or(|list| list.is_empty() || list.contains(&t.status))
            })
            .filter(|t| {
                keyword.as_ref().is_none_or(|k| {
                    t.id.to_string().contains(k.as_str())
                        || scene_name(t.id).to_lowercase().contains(k.as_str())
                })
            })
            .collect();
        page(&tasks, req.page_num, req.page_size, |t| {
            self.task_info(&state, t)
        })
    }

    /// `queryTaskInfo`.
    pub fn query_task_info(&self, req: QueryTaskInfoRequest) -> Reply<Page<TaskInfo>> {
        let state = self.current();
        let mut items = Vec::new();
        for id in &req.task_ids {
            let task = state
                .tasks
                .get(id)
                .ok_or_else(|| ApiError::not_found(format!("task {id} does not exist")))?;
            items.push(self.task_info(&state, task));
        }
        let total = items.len() as i64;
        Ok(Page {
            page_count: 1,
            page_num: 1,
            total,
            size: 100,
            items,
        })
    }

    /// `stopTask`.
    pub fn stop_task(&self, req: StopTaskRequest) -> Reply<()> {
        self.change_tasks(&req.task_ids, |task, _now, _cfg| {
            if task.status.is_terminal() || task.submitted.is_none() {
                return Err(ApiError::invalid(format!(
                    "task {} is {} and cannot be stopped",
                    task.id, task.status
                )));
            }
            task.status_before_stop = Some(task.status);
            task.status = TaskStatus::Stop;
            halt_frames(task);
            Ok(())
        })
    }

    /// `startTask`.
    pub fn start_task(&self, req: StartTaskRequest) -> Reply<()> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            if task.status != TaskStatus::Stop {
                return Err(ApiError::invalid(format!(
                    "task {} is {}, not stopped",
                    task.id, task.status
                )));
            }
            task.status = task
                .status_before_stop
                .take()
                .unwrap_or(TaskStatus::Rendering);
            if task.status == TaskStatus::Analyse {
                task.submitted = Some(now);
            } else {
                task.status = TaskStatus::Rendering;
                reschedule(cfg, task, FrameStatus::Stopped, now);
            }
            Ok(())
        })
    }

    /// `abortTask`.
    pub fn abort_task(&self, req: AbortTaskRequest) -> Reply<()> {
        self.change_tasks(&req.task_ids, |task, now, _| {
            if task.status.is_terminal() && task.status != TaskStatus::Stop {
                return Err(ApiError::invalid(format!(
                    "task {} is {} and cannot be abandoned",
                    task.id, task.status
                )));
            }
            task.status = TaskStatus::Abandon;
            task.completed = Some(now);
            halt_frames(task);
            Ok(())
        })
    }

    /// `deleteTask`.
    pub fn delete_task(&self, req: DeleteTaskRequest) -> Reply<()> {
        let mut state = self.current();
        for id in &req.task_ids {
            task_mut(&mut state, *id)?;
        }
        for id in &req.task_ids {
            state.tasks.remove(id);
        }
        Ok(())
    }

    /// `fullSpeed`.
    pub fn full_speed(&self, req: FullSpeedRequest) -> Reply<()> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            task.full_speed = true;
            if task.status == TaskStatus::Rendering {
                reschedule(cfg, task, FrameStatus::Waiting, now);
            }
            Ok(())
        })
    }

    /// `setOverTimeStop`.
    pub fn set_over_time_stop(&self, req: SetOverTimeStopRequest) -> Reply<()> {
        if req.over_time <= 0 {
            return Err(ApiError::invalid(
                "overTime must be a positive number of seconds",
            ));
        }
        self.change_tasks(&req.task_ids, |task, _, _| {
            task.over_time_s = Some(req.over_time);
            Ok(())
        })
    }

    /// `updateTaskUserLevel`.
    pub fn update_task_user_level(&self, req: UpdateTaskUserLevelRequest) -> Reply<()> {
        self.change_tasks(&[req.task_id], |task, _, _| {
            task.level = req.task_user_level;
            Ok(())
        })
    }

    /// Applies `change` to every task, after checking they all exist and that `change`
    /// accepts each (so a rejected request changes nothing).
    fn change_tasks(
        &self,
        ids: &[i64],
        change: impl Fn(&mut Task, i64, &FarmConfig) -> Reply<()>,
    ) -> Reply<()> {
        if ids.is_empty() {
            return Err(ApiError::new(
                ErrorCode::ParameterCantBeEmpty,
                "taskIds is empty",
            ));
        }
        let mut state = self.current();
        let now = state.clock.now_ms();
        let mut changed = Vec::new();
        for id in ids {
            let mut task = task_mut(&mut state, *id)?.clone();
            change(&mut task, now, &self.config)?;
            changed.push(task);
        }
        for task in changed {
            state.tasks.insert(task.id, task);
        }
        Ok(())
    }

    // ---- frames ----

    /// `queryTaskFrames`.
    pub fn query_task_frames(&self, req: QueryTaskFramesRequest) -> Reply<Page<FrameInfo>> {
        let state = self.current();
        let task = find_task(&state, req.task_id)?;
        let keyword = req.search_keyword.as_deref();
        let frames: Vec<&Frame> = task
            .frames
            .iter()
            .filter(|f| keyword.is_none_or(|k| f.number.to_string().contains(k)))
            .collect();
        page(&frames, req.page_num, req.page_size, |f| {
            frame_info(task, f)
        })
    }

    /// `queryAllFrameStats`.
    pub fn query_all_frame_stats(&self, _: QueryAllFrameStatsRequest) -> Reply<FrameStats> {
        let state = self.current();
        let mut stats = FrameStats {
            executing_frames_total: 0,
            done_frames_total: 0,
            failed_frames_total: 0,
            waiting_frames_total: 0,
            total_frames: 0,
        };
        for frame in state.tasks.values().flat_map(|t| &t.frames) {
            stats.total_frames += 1;
            match frame.status {
                FrameStatus::Running => stats.executing_frames_total += 1,
                FrameStatus::Done => stats.done_frames_total += 1,
                FrameStatus::Failed | FrameStatus::TimedOut => stats.failed_frames_total += 1,
                FrameStatus::Stopped => {}
                _ => stats.waiting_frames_total += 1,
            }
        }
        Ok(stats)
    }

    /// `restartFailedFrames`.
    pub fn restart_failed_frames(&self, req: RestartFailedFramesRequest) -> Reply<()> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            let failed: Vec<usize> = (0..task.frames.len())
                .filter(|&i| {
                    matches!(
                        task.frames[i].status,
                        FrameStatus::Failed | FrameStatus::TimedOut
                    )
                })
                .collect();
            restart(cfg, task, &failed, now)
        })
    }

    /// `restartFrame`.
    pub fn restart_frame(&self, req: RestartFrameRequest) -> Reply<()> {
        self.change_tasks(&[req.task_id], |task, now, cfg| {
            let chosen: Vec<usize> = match req.select_all {
                FrameSelection::All => (0..task.frames.len()).collect(),
                FrameSelection::Listed => {
                    let mut chosen = Vec::new();
                    for id in &req.ids {
                        let index =
                            task.frames
                                .iter()
                                .position(|f| f.id == *id)
                                .ok_or_else(|| {
                                    ApiError::not_found(format!(
                                        "frame {id} is not a frame of task {}",
                                        task.id
                                    ))
                                })?;
                        chosen.push(index);
                    }
                    if chosen.is_empty() {
                        return Err(ApiError::new(
                            ErrorCode::ParameterCantBeEmpty,
                            "ids is empty while selectAll is 0",
                        ));
                    }
                    chosen
                }
                other => {
                    return Err(ApiError::invalid(format!(
                        "selectAll must be 0 or 1, not {}",
                        other.code()
                    )));
                }
            };
            restart(cfg, task, &chosen, now)
        })
    }

    /// `loadTaskProcessImg`.
    pub fn load_task_process_img(&self, req: LoadTaskProcessImgRequest) -> Reply<ProgressImage> {
        let state = self.current();
        let task = find_task(&state, req.task_id)?;
        let stamp = |ms: Option<i64>| ms.map(format_time);
        let grab = task
            .frames
            .iter()
            .map(|f| {
                let percent = match (f.status, f.scheduled) {
                    (FrameStatus::Done, _) => 100,
                    (FrameStatus::Running, Some((s, e))) => {
                        ((state.clock.now_ms() - s) * 100 / (e - s).max(1)).clamp(0, 99)
                    }
                    _ => 0,
                };
                vec![GrabInfo {
                    start_time: stamp(f.start),
                    end_time: stamp(f.end),
                    frame_status: Some(f.status.code().to_string()),
                    is_max_price: Some("0".into()),
                    fee_amount: Some(
                        if f.status == FrameStatus::Done {
                            "0.44"
                        } else {
                            "0.00"
                        }
                        .into(),
                    ),
                    coupon_fee: Some("0.00".into()),
                    frame_index: Some(f.number.to_string()),
                    frame_block: Some("1".into()),
                    frame_percent: Some(percent.to_string()),
                    frame_used: f.start.map(|s| {
                        ((f.end.unwrap_or(state.clock.now_ms()) - s) / SECOND).to_string()
                    }),
                    frame_est: Some(
                        if f.status == FrameStatus::Done {
                            0
                        } else {
                            self.config.frame_seconds * (100 - percent) / 100
                        }
                        .to_string(),
                    ),
                    render_info: Some(String::new()),
                    grab_url: (f.status == FrameStatus::Done).then(|| thumbnail(task.id, f)),
                }]
            })
            .collect();
        Ok(ProgressImage {
            width: Some(2000),
            height: Some(1500),
            block: Some(1),
            is_render_photon: Some(false),
            current_task_type: Some("Render".into()),
            scene_name: Some(format!("{}-Camera001", scene_name(task.id))),
            start_time: stamp(task.render_start),
            end_time: stamp(task.completed),
            grab_info: Some(grab),
        })
    }

    /// `loadingFrameThumbnail`.
    pub fn loading_frame_thumbnail(&self, req: LoadingFrameThumbnailRequest) -> Reply<Vec<String>> {
        let state = self.current();
        let (task, frame) = state
            .tasks
            .values()
            .find_map(|t| t.frames.iter().find(|f| f.id == req.id).map(|f| (t, f)))
            .ok_or_else(|| ApiError::not_found(format!("frame {} does not exist", req.id)))?;
        Ok(
            if frame.status == FrameStatus::Done && req.frame_status == FrameStatus::Done {
                vec![thumbnail(task.id, frame)]
            } else {
                Vec::new()
            },
        )
    }

    // ---- labels ----

    /// `addLabel`.
    pub fn add_label(&self, req: AddLabelRequest) -> Reply<()> {
        let name = req.new_name.trim();
        if name.is_empty() {
            return Err(ApiError::new(
                ErrorCode::ParameterCantBeEmpty,
                "newName is empty",
            ));
        }
        let mut state = self.lock();
        if state.labels.iter().any(|l| l.project_name == name) {
            return Err(ApiError::invalid(format!(
                "the label `{name}` already exists"
            )));
        }
        let id = state.next_label_id;
        state.next_label_id += 1;
        state.labels.push(Label {
            project_name: name.to_owned(),
            project_id: id,
        });
        Ok(())
    }

    /// `deleteLabel`.
    pub fn delete_label(&self, req: DeleteLabelRequest) -> Reply<()> {
        let mut state = self.lock();
        remove_where(
            &mut state.labels,
            |l| l.project_name == req.del_name,
            || format!("the label `{}` does not exist", req.del_name),
        )
    }

    /// `getLabelList`.
    pub fn get_label_list(&self, _: GetLabelListRequest) -> Reply<LabelList> {
        Ok(LabelList {
            project_name_list: self.lock().labels.clone(),
        })
    }

    // ---- software and render environments ----

    /// `querySupportedSoftware`.
    pub fn query_supported_software(
        &self,
        _: QuerySupportedSoftwareRequest,
    ) -> Reply<SupportedSoftware> {
        Ok(crate::seed::software())
    }

    /// `querySupportedPlugin`.
    pub fn query_supported_plugin(
        &self,
        req: QuerySupportedPluginRequest,
    ) -> Reply<SupportedPlugins> {
        crate::seed::plugins(req.cg_id).ok_or_else(|| {
            ApiError::not_found(format!("the software {} is not supported", req.cg_id))
        })
    }

    /// `addRenderEnv`.
    pub fn add_render_env(&self, req: AddRenderEnvRequest) -> Reply<RenderEnvName> {
        let env = render_env(
            req.cg_id,
            req.cg_name,
            req.cg_version,
            req.render_layer_type,
            req.edit_name,
            req.render_system,
            &req.plugin_ids,
        )?;
        let mut state = self.lock();
        if state.envs.iter().any(|e| e.edit_name == env.edit_name) {
            return Err(ApiError::invalid(format!(
                "the render environment `{}` already exists",
                env.edit_name
            )));
        }
        let name = env.edit_name.clone();
        state.envs.push(env);
        Ok(RenderEnvName { edit_name: name })
    }

    /// `updateRenderEnv`.
    pub fn update_render_env(&self, req: UpdateRenderEnvRequest) -> Reply<()> {
        let env = render_env(
            req.cg_id,
            req.cg_name,
            req.cg_version,
            req.render_layer_type,
            req.edit_name,
            req.render_system,
            &req.plugin_ids,
        )?;
        let mut state = self.lock();
        let slot = state
            .envs
            .iter_mut()
            .find(|e| e.edit_name == env.edit_name)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "the render environment `{}` does not exist",
                    env.edit_name
                ))
            })?;
        let is_default = slot.is_default;
        *slot = RenderEnv { is_default, ..env };
        Ok(())
    }

    /// `deleteRenderEnv`.
    pub fn delete_render_env(&self, req: DeleteRenderEnvRequest) -> Reply<()> {
        let mut state = self.lock();
        remove_where(
            &mut state.envs,
            |e| e.edit_name == req.edit_name,
            || format!("the render environment `{}` does not exist", req.edit_name),
        )
    }

    /// `setDefaultRenderEnv`: the default of its software.
    pub fn set_default_render_env(&self, req: SetDefaultRenderEnvRequest) -> Reply<()> {
        let mut state = self.lock();
        let cg = state
            .envs
            .iter()
            .find(|e| e.edit_name == req.edit_name)
            .map(|e| e.cg_id)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "the render environment `{}` does not exist",
                    req.edit_name
                ))
            })?;
        for env in state.envs.iter_mut().filter(|e| e.cg_id == cg) {
            env.is_default = i64::from(env.edit_name == req.edit_name);
        }
        Ok(())
    }

    /// `getRenderEnv`.
    pub fn get_render_env(&self, req: GetRenderEnvRequest) -> Reply<Vec<RenderEnv>> {
        Ok(self
            .lock()
            .envs
            .iter()
            .filter(|e| e.cg_id == req.cg_id)
            .cloned()
            .collect())
    }

    fn task_info(&self, state: &State, task: &Task) -> TaskInfo {
        let mut info = task_summary(task, task.id, &task.frames);
        info.task_level = Some(task.level);
        info.project_name = Some(task.labels.first().cloned().unwrap_or_default());
        info.user_name = Some(state.profile.user_name.clone());
        info.user_id = Some(state.profile.user_id);
        info.is_open = Some(i64::from(task.layer_id.is_some()));
        info.layer_parent_id = Some(0);
        info.task_over_time = task.over_time_s.map(|s| s * SECOND);
        info.resp_rendering_task_list = task.layer_id.map(|layer| {
            let mut sub = task_summary(task, layer, &task.frames);
            sub.layer_parent_id = Some(task.id);
            sub.task_type = Some("Render".into());
            sub.task_type_text = Some("render_major_picture_task".into());
            sub.user_name = info.user_name.clone();
            sub.user_id = info.user_id;
            sub.is_open = Some(0);
            vec![sub]
        });
        info
    }
}

/// Removes the items `matches` picks; finding none is a 404 with `missing`'s message.
fn remove_where<T>(
    items: &mut Vec<T>,
    matches: impl Fn(&T) -> bool,
    missing: impl FnOnce() -> String,
) -> Reply<()> {
    let before = items.len();
    items.retain(|item| !matches(item));
    if items.len() == before {
        return Err(ApiError::not_found(missing()));
    }
    Ok(())
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

fn scene_name(task_id: i64) -> String {
    format!("scene_{task_id}.max")
}

fn thumbnail(task_id: i64, frame: &Frame) -> String {
    format!(
        "small_pic\\10001136\\{task_id}\\Render_{task_id}_renderbus_{:04}[-]jpg.jpg",
        frame.number
    )
}

fn find_task(state: &State, id: i64) -> Reply<&Task> {
    state
        .tasks
        .values()
        .find(|t| t.id == id || t.layer_id == Some(id))
        .ok_or_else(|| ApiError::not_found(format!("task {id} does not exist")))
}

fn task_mut(state: &mut State, id: i64) -> Reply<&mut Task> {
    state
        .tasks
        .values_mut()
        .find(|t| t.id == id || t.layer_id == Some(id))
        .ok_or_else(|| ApiError::not_found(format!("task {id} does not exist")))
}

fn page<T, U>(items: &[T], page_num: i64, page_size: i64, map: impl Fn(&T) -> U) -> Reply<Page<U>> {
    if page_num < 1 {
        return Err(ApiError::invalid("pageNum starts at 1"));
    }
    if !(1..=1000).contains(&page_size) {
        return Err(ApiError::invalid("pageSize must be between 1 and 1000"));
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
    })
}

/// Stops every frame that has not finished.
fn halt_frames(task: &mut Task) {
    for frame in &mut task.frames {
        if !frame.status.is_terminal() {
            frame.status = FrameStatus::Stopped;
            frame.scheduled = None;
        }
    }
}

/// Runs the chosen frames again from `now`.
fn restart(cfg: &FarmConfig, task: &mut Task, chosen: &[usize], now: i64) -> Reply<()> {
    if task.frames.is_empty() {
        return Err(ApiError::invalid(format!(
            "task {} has no frames yet ({})",
            task.id, task.status
        )));
    }
    if matches!(task.status, TaskStatus::Abandon | TaskStatus::Stop) {
        return Err(ApiError::invalid(format!(
            "task {} is {}: start it first",
            task.id, task.status
        )));
    }
    if chosen.is_empty() {
        return Ok(());
    }
    task.status = TaskStatus::Rendering;
    task.completed = None;
    schedule(cfg, task, chosen, now, true);
    Ok(())
}

/// Puts the frames now in `status` back on the schedule from `now`, as the same attempt.
fn reschedule(cfg: &FarmConfig, task: &mut Task, status: FrameStatus, now: i64) {
    let pending: Vec<usize> = (0..task.frames.len())
        .filter(|&i| task.frames[i].status == status)
        .collect();
    schedule(cfg, task, &pending, now, false);
}

/// Puts frames on the schedule from `from`, `nodes` at a time (all at once at full speed).
fn schedule(cfg: &FarmConfig, task: &mut Task, chosen: &[usize], from: i64, new_attempt: bool) {
    let slots = if task.full_speed {
        chosen.len().max(1)
    } else {
        cfg.nodes.max(1)
    };
    let frame_ms = cfg.frame_seconds.max(1) * SECOND;
    for (k, &i) in chosen.iter().enumerate() {
        let start = from + (k / slots) as i64 * frame_ms;
        let frame = &mut task.frames[i];
        frame.scheduled = Some((start, start + frame_ms));
        frame.status = FrameStatus::Waiting;
        frame.start = None;
        frame.end = None;
        if new_attempt {
            frame.attempts += 1;
        }
    }
}

/// Brings a task up to farm time `now`.
fn progress(cfg: &FarmConfig, task: &mut Task, now: i64, next_id: &mut i64, next_frame: &mut i64) {
    if task.status == TaskStatus::Analyse {
        let Some(submitted) = task.submitted else {
            return;
        };
        let analysed = submitted + cfg.analyse_seconds * SECOND;
        if now < analysed {
            return;
        }
        if task.frames.is_empty() {
            task.layer_id = Some(*next_id);
            *next_id += 1;
            task.frames = (1..=cfg.frames_per_task.max(1))
                .map(|number| {
                    let id = *next_frame;
                    *next_frame += 1;
                    Frame {
                        id,
                        number,
                        status: FrameStatus::Waiting,
                        attempts: 0,
                        scheduled: None,
                        start: None,
                        end: None,
                    }
                })
                .collect();
        }
        task.status = TaskStatus::Rendering;
        task.render_start = Some(analysed);
        let all: Vec<usize> = (0..task.frames.len()).collect();
        schedule(cfg, task, &all, analysed, true);
    }
    if task.status != TaskStatus::Rendering {
        return;
    }
    for frame in &mut task.frames {
        let Some((start, end)) = frame.scheduled else {
            continue;
        };
        if now >= end {
            let fails = frame.attempts <= 1 && cfg.failing_frames.contains(&frame.number);
            frame.status = if fails {
                FrameStatus::Failed
            } else {
                FrameStatus::Done
            };
            frame.start = Some(start);
            frame.end = Some(end);
            frame.scheduled = None;
        } else if now >= start {
            frame.status = FrameStatus::Running;
            frame.start = Some(start);
        }
    }
    if let (Some(limit), Some(started)) = (task.over_time_s, task.render_start)
        && now - started > limit * SECOND
        && task.frames.iter().any(|f| !f.status.is_terminal())
    {
        task.status = TaskStatus::TimeOutStop;
        task.completed = Some(started + limit * SECOND);
        halt_frames(task);
        return;
    }
    if task.frames.iter().all(|f| f.status.is_terminal()) {
        let failed = task.frames.iter().any(|f| f.status == FrameStatus::Failed);
        task.status = if failed {
            TaskStatus::FinishedHasFailed
        } else {
            TaskStatus::Finished
        };
        task.completed = task.frames.iter().filter_map(|f| f.end).max();
    }
}

fn money(cents: i64) -> Money {
    Money(Decimal::new(cents, 2))
}

fn task_summary(task: &Task, id: i64, frames: &[Frame]) -> TaskInfo {
    let count = |s: FrameStatus| frames.iter().filter(|f| f.status == s).count() as i64;
    let done = count(FrameStatus::Done);
    TaskInfo {
        scene_name: Some(scene_name(task.id)),
        id,
        task_alias: Some(format!("P{id}")),
        task_status: task.status,
        status_text: Some(format!("render_task_status_{}", task.status.code())),
        pre_task_status: task.submitted.map(|_| TaskStatus::Finished),
        pre_status_text: task.submitted.map(|_| "render_task_status_25".into()),
        total_frames: Some(frames.len() as i64),
        abort_frames: Some(count(FrameStatus::Stopped)),
        executing_frames: Some(count(FrameStatus::Running)),
        done_frames: Some(done),
        failed_frames: Some(count(FrameStatus::Failed)),
        frames_range: Some(if frames.is_empty() { "0".into() } else { format!("1-{}", frames.len()) }),
        project_name: None,
        render_consume: Some(money(44 * done)),
        task_arrears: Some(money(0)),
        submit_date: task.submitted.or(Some(task.created)).map(EpochMillis),
        start_time: task.render_start.map(EpochMillis),
        completed_date: task.completed.map(EpochMillis),
        render_duration: task.render_start.map(|s| (task.completed.unwrap_or(s) - s) / SECOND),
        user_name: None,
        producer: None,
        task_level: None,
        task_user_level: Some(task.level),
        task_limit: Some(200),
        task_over_time: None,
        user_id: None,
        output_file_name: task.layer_id.map(|_| format!("{id}_{}", scene_name(task.id).trim_end_matches(".max"))),
        munu_task_id: Some(String::new()),
        layer_parent_id: None,
        cg_id: Some(Software::Max),
        key_value: Some("name:vray::width:2000::height:1500::output_file_type:.tga::renderable_camera:[\"Camera001\"]::".into()),
        user_account_consume: Some(money(44 * done)),
        coupon_consume: Some(money(0)),
        is_open: None,
        task_type: Some(String::new()),
        render_camera: Some("Camera001".into()),
        clone_parent_id: Some(0),
        clone_original_id: Some(0),
        share_main_capital: Some(0),
        task_ram: None,
        resp_rendering_task_list: None,
        layer_name: None,
        task_type_text: None,
        is_delete: Some(1),
    }
}

fn frame_info(task: &Task, f: &Frame) -> FrameInfo {
    FrameInfo {
        id: f.id,
        user_id: None,
        frame_price: None,
        fee_type: Some(FeeType::ByUsage),
        platform: None,
        frame_index: Some(f.number.to_string()),
        frame_block: Some("1".into()),
        frame_status: f.status,
        fee_amount: Some(if f.status == FrameStatus::Done {
            money(44)
        } else {
            money(0)
        }),
        coupon_fee: Some(money(0)),
        start_time: f.start.map(EpochMillis),
        end_time: f.end.map(EpochMillis),
        frame_execute_time: f.start.zip(f.end).map(|(s, e)| (e - s) / SECOND),
        frame_status_text: Some(format!("task_frame_status_{}", f.status.code())),
        arrears_fee: None,
        munu_job_id: Some((f.number - 1).to_string()),
        task_id: task.layer_id.or(Some(task.id)),
        munu_task_id: Some(String::new()),
        frame_type: Some(FrameType::Main),
        recommit_flag: Some(i64::from(f.attempts.saturating_sub(1))),
        is_copy: None,
        task_over_time: task.over_time_s.map(|s| s * SECOND),
        gop_name: None,
        frame_ram: None,
    }
}

fn render_env(
    cg_id: Software,
    cg_name: String,
    cg_version: String,
    render_layer_type: i64,
    edit_name: String,
    render_system: RenderSystem,
    plugin_ids: &[i64],
) -> Reply<RenderEnv> {
    if edit_name.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::ParameterCantBeEmpty,
            "editName is empty",
        ));
    }
    if matches!(render_system, RenderSystem::Unknown(_)) {
        return Err(ApiError::invalid(format!(
            "renderSystem must be 0 (linux) or 1 (windows), not {}",
            render_system.code()
        )));
    }
    let plugins = crate::seed::plugins(cg_id)
        .ok_or_else(|| ApiError::invalid(format!("the software {cg_id} is not supported")))?;
    if !plugins
        .cg_version
        .iter()
        .any(|v| v.cg_version == cg_version)
    {
        return Err(ApiError::invalid(format!(
            "{cg_name} {cg_version} is not a supported version"
        )));
    }
    let mut chosen = Vec::new();
    for id in plugin_ids {
        let found = plugins
            .cg_plugin
            .iter()
            .flat_map(|p| &p.plugin_versions)
            .find(|v| v.plugin_id == *id)
            .ok_or_else(|| {
                ApiError::invalid(format!("plugin {id} is not a plugin of {cg_name}"))
            })?;
        chosen.push(found.clone());
    }
    Ok(RenderEnv {
        cg_id,
        edit_name,
        cg_name,
        cg_version,
        os_name: render_system,
        render_layer_type: Some(render_layer_type),
        is_default: 0,
        resp_user_plugin_info_vos: Some(chosen),
    })
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
