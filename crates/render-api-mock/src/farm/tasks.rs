//! Tasks: creation, submission, listing, and the changes of state (stop, start, abort,
//! delete, priority, over-time stop, full speed); and how tasks progress over farm time.

use std::collections::BTreeMap;

use render_api_types::{
    AbortTask, AbortTaskRequest, Ack, AddTaskLabel, AddTaskLabelRequest, AssetIsolationModel,
    CreateTask, CreateTaskRequest, CreatedTasks, DeleteTask, DeleteTaskLabel,
    DeleteTaskLabelRequest, DeleteTaskRequest, ErrorCode, FrameStatus, FullSpeed, FullSpeedRequest,
    GetTaskList, GetTaskListRequest, Handle, Page, QueryTaskInfo, QueryTaskInfoRequest,
    ServiceError, SetOverTimeStop, SetOverTimeStopRequest, Software, StartTask, StartTaskRequest,
    StopTask, StopTaskRequest, SubmitTask, SubmitTaskRequest, TaskInfo, TaskJsonFile,
    TaskJsonFileRequest, TaskStatus, UpdateTaskLimit, UpdateTaskLimitRequest, UpdateTaskUserLevel,
    UpdateTaskUserLevelRequest,
};

use super::frames::{halt_frames, reschedule, schedule};
use super::{
    Clock, Farm, FarmConfig, Frame, Reply, SECOND, State, Task, invalid, money, not_found, page,
    records, scene_name, task_mut,
};

impl Farm {
    /// Applies `change` to every task, after checking they all exist and that `change`
    /// accepts each (so a rejected request changes nothing).
    pub(super) fn change_tasks(
        &self,
        ids: &[i64],
        change: impl Fn(&mut Task, i64, &FarmConfig) -> Reply<()>,
    ) -> Reply<Ack> {
        if ids.is_empty() {
            return Err(ServiceError::new(
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
        let entry = records::entry(&state, "btn_change_task", ids, now);
        state.records.push(entry);
        Ok(Ack::default())
    }

    fn task_info(&self, state: &State, task: &Task) -> TaskInfo {
        let mut info = task_summary(&state.clock, task, task.id, &task.frames);
        info.task_level = Some(task.level);
        info.project_name = Some(
            task.job
                .project
                .clone()
                .or_else(|| task.labels.first().cloned())
                .unwrap_or_default(),
        );
        info.user_name = Some(state.profile.user_name.clone());
        info.user_id = Some(state.profile.user_id);
        info.is_open = Some(i64::from(task.layer_id.is_some()));
        if task.layer_id.is_some() {
            // A task split into layers has no output of its own: its layers have (the v2
            // document's queryTaskInfo example, D:575).
            info.output_file_name = None;
        }
        info.layer_parent_id = Some(0);
        info.task_over_time = task.over_time_s.map(|s| s * SECOND);
        info.resp_rendering_task_list = task.layer_id.map(|layer| {
            let mut sub = task_summary(&state.clock, task, layer, &task.frames);
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

/// Brings a task up to farm time `now`.
pub(super) fn progress(
    cfg: &FarmConfig,
    task: &mut Task,
    now: i64,
    next_id: &mut i64,
    next_frame: &mut i64,
) {
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
            // The analysis reads the task's configuration: its frames, else the farm's number.
            task.job = super::Submitted::read(task.files.get("task.json").map(String::as_str));
            let numbers = task.job.frames.clone().unwrap_or_else(|| {
                (1..=i64::try_from(cfg.frames_per_task.max(1)).unwrap_or(1)).collect()
            });
            task.frames = numbers
                .into_iter()
                .enumerate()
                .map(|(position, number)| {
                    let id = *next_frame;
                    *next_frame += 1;
                    Frame {
                        id,
                        number,
                        position,
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
            let fails = frame.attempts <= 1
                && usize::try_from(frame.number).is_ok_and(|n| cfg.failing_frames.contains(&n));
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

pub(super) fn task_summary(clock: &Clock, task: &Task, id: i64, frames: &[Frame]) -> TaskInfo {
    let count = |s: FrameStatus| frames.iter().filter(|f| f.status == s).count() as i64;
    let done = count(FrameStatus::Done);
    TaskInfo {
        scene_name: Some(scene_name(task)),
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
        frames_range: Some(match (frames.iter().map(|f| f.number).min(), frames.iter().map(|f| f.number).max()) {
            (Some(first), Some(last)) => format!("{first}-{last}"),
            _ => "0".into(),
        }),
        project_name: None,
        render_consume: Some(money(44 * done)),
        task_arrears: Some(money(0)),
        submit_date: Some(clock.date(task.submitted.unwrap_or(task.created))),
        start_time: task.render_start.map(|ms| clock.date(ms)),
        completed_date: task.completed.map(|ms| clock.date(ms)),
        render_duration: task.render_start.map(|s| (task.completed.unwrap_or(s) - s) / SECOND),
        user_name: None,
        producer: None,
        task_level: None,
        task_user_level: Some(task.level),
        task_limit: Some(task.limit.unwrap_or(200)),
        task_over_time: None,
        user_id: None,
        output_file_name: Some(format!("{id}_{}", super::scene_stem(task))),
        munu_task_id: Some(String::new()),
        layer_parent_id: None,
        cg_id: Some(task.job.software.unwrap_or(Software::Max)),
        key_value: Some("name:vray::width:2000::height:1500::output_file_type:.tga::renderable_camera:[\"Camera001\"]::".into()),
        user_account_consume: Some(money(44 * done)),
        coupon_consume: Some(money(0)),
        is_open: Some(0),
        task_type: Some(String::new()),
        render_camera: Some("Camera001".into()),
        clone_parent_id: Some(0),
        clone_original_id: Some(0),
        share_main_capital: Some(0),
        task_ram: None,
        resp_rendering_task_list: None,
        layer_name: None,
        task_type_text: None,
        is_delete: Some(1), extra: Default::default(), task_key_value_vo: None, over_time_stop: None, munu_task_ids: None, qy_coupon_consume: None, location_output: None, channel: None, remark: None, labels: None, is_over_time: None, waiting_count: None, stop_type: None,
    }
}

impl Handle<CreateTask> for Farm {
    /// `createTask`.
    fn handle(&self, req: CreateTaskRequest) -> Reply<CreatedTasks> {
        if !(1..=100).contains(&req.count) {
            return Err(invalid("count must be between 1 and 100"));
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
                    level: req.task_user_level,
                    labels: req.labels.clone().unwrap_or_default(),
                    over_time_s: None,
                    full_speed: false,
                    frames: Vec::new(),
                    limit: None,
                    files: BTreeMap::new(),
                    hardware: None,
                    job: super::Submitted::default(),
                },
            );
            ids.push(id);
        }
        let entry = records::entry(&state, "btn_create_task", &ids, now);
        state.records.push(entry);
        Ok(CreatedTasks {
            alias_task_id_list: ids.iter().map(|id| format!("P{id}")).collect(),
            task_id_list: ids,
            user_id: Some(state.profile.user_id),
            extra: Default::default(),
        })
    }
}

impl Handle<SubmitTask> for Farm {
    /// `submitTask`.
    fn handle(&self, req: SubmitTaskRequest) -> Reply<Ack> {
        if req.asset_isolation_model == Some(AssetIsolationModel::OutUser)
            && req.out_user_id.is_none()
        {
            return Err(ServiceError::new(
                ErrorCode::ParameterCantBeEmpty,
                "outUserId is required with assetIsolationModel OUT_USER_MODEL",
            ));
        }
        let mut state = self.current();
        let now = state.clock.now_ms();
        let task = task_mut(&mut state, req.task_id)?;
        if task.submitted.is_some() {
            return Err(invalid(format!(
                "task {} was already submitted",
                req.task_id
            )));
        }
        task.submitted = Some(now);
        task.status = TaskStatus::Analyse;
        Ok(Ack::default())
    }
}

impl Handle<GetTaskList> for Farm {
    /// `getTaskList`: oldest first, as both official clients' docstrings say (the spec's note);
    /// with `recycleFlag: 1`, the deleted tasks (the recycle bin), marked `isDelete: 0` (the V4.0
    /// document: 0 deleted, zh:813).
    fn handle(&self, req: GetTaskListRequest) -> Reply<Page<TaskInfo>> {
        let state = self.current();
        let keyword = req.search_keyword.as_deref().map(str::to_lowercase);
        let bin = req.recycle_flag == Some(1);
        let tasks: Vec<&Task> = if bin { &state.deleted } else { &state.tasks }
            .values()
            .filter(|t| {
                req.status_list
                    .as_ref()
                    .is_none_or(|list| list.is_empty() || list.contains(&t.status))
            })
            .filter(|t| {
                keyword.as_ref().is_none_or(|k| {
                    t.id.to_string().contains(k.as_str())
                        || scene_name(t).to_lowercase().contains(k.as_str())
                })
            })
            .collect();
        page(&tasks, req.page_num, req.page_size, |t| {
            let mut info = self.task_info(&state, t);
            if bin {
                info.is_delete = Some(0);
            }
            info
        })
    }
}

impl Handle<QueryTaskInfo> for Farm {
    /// `queryTaskInfo`.
    fn handle(&self, req: QueryTaskInfoRequest) -> Reply<Page<TaskInfo>> {
        let state = self.current();
        let mut items = Vec::new();
        for id in &req.task_ids {
            let task = state
                .tasks
                .get(id)
                .ok_or_else(|| not_found(format!("task {id} does not exist")))?;
            items.push(self.task_info(&state, task));
        }
        let total = items.len() as i64;
        Ok(Page {
            page_count: 1,
            page_num: 1,
            total,
            size: 100,
            items,
            extra: Default::default(),
        })
    }
}

impl Handle<UpdateTaskLimit> for Farm {
    /// `updateTaskLimit`.
    fn handle(&self, req: UpdateTaskLimitRequest) -> Reply<Ack> {
        if req.task_limit < 1 {
            return Err(invalid("taskLimit must be at least 1"));
        }
        self.change_tasks(&[req.task_id], |task, _, _| {
            task.limit = Some(req.task_limit);
            Ok(())
        })
    }
}

impl Handle<TaskJsonFile> for Farm {
    /// `taskJsonFile`.
    fn handle(&self, req: TaskJsonFileRequest) -> Reply<Ack> {
        if serde_json::from_str::<serde_json::Value>(&req.content).is_err() {
            return Err(invalid(format!(
                "the content of {} is not JSON",
                req.file_name.code()
            )));
        }
        self.change_tasks(&[req.task_id], |task, _, _| {
            task.files
                .insert(req.file_name.code().to_owned(), req.content.clone());
            Ok(())
        })
    }
}

impl Handle<AddTaskLabel> for Farm {
    /// `addTaskLabel`.
    fn handle(&self, req: AddTaskLabelRequest) -> Reply<Ack> {
        let label = req.label.trim();
        if label.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::ParameterCantBeEmpty,
                "label is empty",
            ));
        }
        self.change_tasks(&req.task_ids, |task, _, _| {
            if !task.labels.iter().any(|l| l == label) {
                task.labels.push(label.to_owned());
            }
            Ok(())
        })
    }
}

impl Handle<DeleteTaskLabel> for Farm {
    /// `deleteTaskLabel`: by name, or by the id of a label of the account.
    fn handle(&self, req: DeleteTaskLabelRequest) -> Reply<Ack> {
        let mut names = req.label_names.clone().unwrap_or_default();
        {
            let state = self.lock();
            for id in req.label_ids.iter().flatten() {
                if let Some(label) = state.labels.iter().find(|l| l.project_id == *id) {
                    names.push(label.project_name.clone());
                }
            }
        }
        self.change_tasks(&req.task_ids, |task, _, _| {
            task.labels.retain(|l| !names.contains(l));
            Ok(())
        })
    }
}

impl Handle<StopTask> for Farm {
    /// `stopTask`.
    fn handle(&self, req: StopTaskRequest) -> Reply<Ack> {
        self.change_tasks(&req.task_ids, |task, _now, _cfg| {
            if task.status == TaskStatus::Stop {
                // Stopping a stopped task changes nothing.
                return Ok(());
            }
            if task.status.is_terminal() || task.submitted.is_none() {
                return Err(invalid(format!(
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
}

impl Handle<StartTask> for Farm {
    /// `startTask`.
    fn handle(&self, req: StartTaskRequest) -> Reply<Ack> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            if task.status != TaskStatus::Stop {
                return Err(invalid(format!(
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
}

impl Handle<AbortTask> for Farm {
    /// `abortTask`.
    fn handle(&self, req: AbortTaskRequest) -> Reply<Ack> {
        self.change_tasks(&req.task_ids, |task, now, _| {
            if task.status.is_terminal() && task.status != TaskStatus::Stop {
                return Err(invalid(format!(
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
}

impl Handle<DeleteTask> for Farm {
    /// `deleteTask`.
    fn handle(&self, req: DeleteTaskRequest) -> Reply<Ack> {
        let mut state = self.current();
        for id in &req.task_ids {
            task_mut(&mut state, *id)?;
        }
        for id in &req.task_ids {
            if let Some(task) = state.tasks.remove(id) {
                state.deleted.insert(*id, task);
            }
        }
        Ok(Ack::default())
    }
}

impl Handle<FullSpeed> for Farm {
    /// `fullSpeed`.
    fn handle(&self, req: FullSpeedRequest) -> Reply<Ack> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            task.full_speed = true;
            if task.status == TaskStatus::Rendering {
                reschedule(cfg, task, FrameStatus::Waiting, now);
            }
            Ok(())
        })
    }
}

impl Handle<SetOverTimeStop> for Farm {
    /// `setOverTimeStop`.
    fn handle(&self, req: SetOverTimeStopRequest) -> Reply<Ack> {
        if req.over_time <= 0 {
            return Err(invalid("overTime must be a positive number of seconds"));
        }
        self.change_tasks(&req.task_ids, |task, _, _| {
            task.over_time_s = Some(req.over_time);
            Ok(())
        })
    }
}

impl Handle<UpdateTaskUserLevel> for Farm {
    /// `updateTaskUserLevel`.
    fn handle(&self, req: UpdateTaskUserLevelRequest) -> Reply<Ack> {
        self.change_tasks(&[req.task_id], |task, _, _| {
            task.level = req.task_user_level;
            Ok(())
        })
    }
}
