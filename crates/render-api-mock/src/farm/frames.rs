//! Frames: listing, statistics, restarts, progress images and thumbnails; and the frame
//! schedule.

use render_api_types::{
    Ack, ErrorCode, FeeType, FrameInfo, FrameSelection, FrameStats, FrameStatus, FrameType,
    GrabInfo, Handle, LoadTaskProcessImg, LoadTaskProcessImgRequest, LoadingFrameThumbnail,
    LoadingFrameThumbnailRequest, Page, ProgressImage, QueryAllFrameStats,
    QueryAllFrameStatsRequest, QueryTaskFrames, QueryTaskFramesRequest, RestartFailedFrames,
    RestartFailedFramesRequest, RestartFrame, RestartFrameRequest, ServiceError, ShowLog,
    ShowLogRequest, StopTaskFrames, StopTaskFramesRequest, TaskStatus,
};

use super::{
    Clock, Farm, FarmConfig, Frame, Reply, SECOND, Task, find_task, invalid, money, not_found,
    page, scene_name,
};

/// Stops every frame that has not finished.
pub(super) fn halt_frames(task: &mut Task) {
    for frame in &mut task.frames {
        if !frame.status.is_terminal() {
            frame.status = FrameStatus::Stopped;
            frame.scheduled = None;
        }
    }
}

/// Runs the chosen frames again from `now`.
pub(super) fn restart(cfg: &FarmConfig, task: &mut Task, chosen: &[usize], now: i64) -> Reply<()> {
    if task.frames.is_empty() {
        return Err(invalid(format!(
            "task {} has no frames yet ({})",
            task.id, task.status
        )));
    }
    if matches!(task.status, TaskStatus::Abandon | TaskStatus::Stop) {
        return Err(invalid(format!(
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
pub(super) fn reschedule(cfg: &FarmConfig, task: &mut Task, status: FrameStatus, now: i64) {
    let pending: Vec<usize> = (0..task.frames.len())
        .filter(|&i| task.frames[i].status == status)
        .collect();
    schedule(cfg, task, &pending, now, false);
}

/// Puts frames on the schedule from `from`, `nodes` at a time (all at once at full speed).
pub(super) fn schedule(
    cfg: &FarmConfig,
    task: &mut Task,
    chosen: &[usize],
    from: i64,
    new_attempt: bool,
) {
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

pub(super) fn frame_info(clock: &Clock, task: &Task, f: &Frame) -> FrameInfo {
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
        start_time: f.start.map(|ms| clock.date(ms)),
        end_time: f.end.map(|ms| clock.date(ms)),
        frame_execute_time: f.start.zip(f.end).map(|(s, e)| (e - s) / SECOND),
        frame_status_text: Some(format!("task_frame_status_{}", f.status.code())),
        arrears_fee: None,
        munu_job_id: Some(f.position.to_string()),
        task_id: task.layer_id.or(Some(task.id)),
        munu_task_id: Some(String::new()),
        frame_type: Some(FrameType::Main),
        recommit_flag: Some(i64::from(f.attempts.saturating_sub(1))),
        is_copy: None,
        task_over_time: task.over_time_s.map(|s| s * SECOND),
        gop_name: None,
        frame_ram: None,
        extra: Default::default(),
        current_render_time: None,
        average_cpu: None,
        average_memory: None,
        is_over_time: None,
        over_one_month: None,
        render_ram: None,
        node_id: None,
        open_render_ram: None,
    }
}

pub(super) fn thumbnail(task_id: i64, frame: &Frame) -> String {
    format!(
        "small_pic\\10001136\\{task_id}\\Render_{task_id}_renderbus_{:04}[-]jpg.jpg",
        frame.number
    )
}

/// The frames restartFrame and stopTaskFrames act on: every frame (or, in version 2, those in
/// the states asked for), or the frames listed by id.
pub(super) fn chosen_frames(
    task: &Task,
    select_all: &FrameSelection,
    ids: Option<&[i64]>,
    status: Option<&[FrameStatus]>,
) -> Reply<Vec<usize>> {
    match select_all {
        FrameSelection::All => Ok((0..task.frames.len())
            .filter(|&i| status.is_none_or(|s| s.contains(&task.frames[i].status)))
            .collect()),
        FrameSelection::Listed => {
            let ids = ids.unwrap_or_default();
            if ids.is_empty() {
                return Err(ServiceError::new(
                    ErrorCode::ParameterCantBeEmpty,
                    "ids is empty while selectAll is 0",
                ));
            }
            ids.iter()
                .map(|id| {
                    task.frames.iter().position(|f| f.id == *id).ok_or_else(|| {
                        not_found(format!("frame {id} is not a frame of task {}", task.id))
                    })
                })
                .collect()
        }
        other => Err(invalid(format!(
            "selectAll must be 0 or 1, not {}",
            other.code()
        ))),
    }
}

impl Handle<QueryTaskFrames> for Farm {
    /// `queryTaskFrames`.
    fn handle(&self, req: QueryTaskFramesRequest) -> Reply<Page<FrameInfo>> {
        let state = self.current();
        let task = find_task(&state, req.task_id)?;
        let keyword = req.search_keyword.as_deref();
        let frames: Vec<&Frame> = task
            .frames
            .iter()
            .filter(|f| keyword.is_none_or(|k| f.number.to_string().contains(k)))
            .collect();
        page(&frames, req.page_num, req.page_size, |f| {
            frame_info(&state.clock, task, f)
        })
    }
}

impl Handle<QueryAllFrameStats> for Farm {
    /// `queryAllFrameStats`.
    fn handle(&self, _: QueryAllFrameStatsRequest) -> Reply<FrameStats> {
        let state = self.current();
        let mut stats = FrameStats {
            executing_frames_total: 0,
            done_frames_total: 0,
            failed_frames_total: 0,
            waiting_frames_total: 0,
            total_frames: 0,
            extra: Default::default(),
            abandon_frames_total: None,
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
}

impl Handle<RestartFailedFrames> for Farm {
    /// `restartFailedFrames`.
    fn handle(&self, req: RestartFailedFramesRequest) -> Reply<Ack> {
        self.change_tasks(&req.task_ids, |task, now, cfg| {
            let failed: Vec<usize> = (0..task.frames.len())
                .filter(|&i| {
                    matches!(
                        task.frames[i].status,
                        FrameStatus::Failed | FrameStatus::TimedOut
                    )
                })
                .collect();
            // Nothing failed (a task still analysing, or one that rendered cleanly): nothing
            // to do, and no error, as the official client expects.
            if failed.is_empty() {
                return Ok(());
            }
            restart(cfg, task, &failed, now)
        })
    }
}

impl Handle<StopTaskFrames> for Farm {
    /// `stopTaskFrames`: the chosen frames stop (finished ones are left as they are).
    fn handle(&self, req: StopTaskFramesRequest) -> Reply<Ack> {
        self.change_tasks(&[req.task_id], |task, _now, _cfg| {
            let chosen = chosen_frames(
                task,
                &req.select_all,
                req.ids.as_deref(),
                req.status.as_deref(),
            )?;
            for i in chosen {
                let frame = &mut task.frames[i];
                if !matches!(frame.status, FrameStatus::Done | FrameStatus::Failed) {
                    frame.status = FrameStatus::Stopped;
                    frame.scheduled = None;
                }
            }
            Ok(())
        })
    }
}

impl Handle<ShowLog> for Farm {
    /// `showLog`: a frame's render log, a page of lines.
    fn handle(&self, req: ShowLogRequest) -> Reply<Page<String>> {
        let state = self.current();
        let (task, frame) = state
            .tasks
            .values()
            .find_map(|t| t.frames.iter().find(|f| f.id == req.id).map(|f| (t, f)))
            .ok_or_else(|| not_found(format!("frame {} does not exist", req.id)))?;
        let mut lines = vec![
            format!(
                "================ {} log ================",
                req.rendering_type
            ),
            format!("task {} frame {} ({})", task.id, frame.number, frame.status),
        ];
        if let Some(start) = frame.start {
            lines.push(format!("{} render started", state.clock.text(start)));
        }
        if let Some(end) = frame.end {
            lines.push(format!(
                "{} render ended: {}",
                state.clock.text(end),
                frame.status
            ));
        }
        page(&lines, req.page_num, req.page_size, Clone::clone)
    }
}

impl Handle<RestartFrame> for Farm {
    /// `restartFrame`.
    fn handle(&self, req: RestartFrameRequest) -> Reply<Ack> {
        self.change_tasks(&[req.task_id], |task, now, cfg| {
            let chosen = chosen_frames(
                task,
                &req.select_all,
                req.ids.as_deref(),
                req.status.as_deref(),
            )?;
            restart(cfg, task, &chosen, now)
        })
    }
}

impl Handle<LoadTaskProcessImg> for Farm {
    /// `loadTaskProcessImg`.
    fn handle(&self, req: LoadTaskProcessImgRequest) -> Reply<ProgressImage> {
        let state = self.current();
        let task = find_task(&state, req.task_id)?;
        let stamp = |ms: Option<i64>| ms.map(|ms| state.clock.text(ms));
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
                    extra: Default::default(),
                }]
            })
            .collect();
        Ok(ProgressImage {
            width: Some(2000),
            height: Some(1500),
            block: Some(1),
            is_render_photon: Some(false),
            current_task_type: Some("Render".into()),
            scene_name: Some(format!("{}-Camera001", scene_name(task))),
            start_time: stamp(task.render_start),
            end_time: stamp(task.completed),
            grab_info: Some(grab),
            extra: Default::default(),
            completed_time: None,
        })
    }
}

impl Handle<LoadingFrameThumbnail> for Farm {
    /// `loadingFrameThumbnail`.
    fn handle(&self, req: LoadingFrameThumbnailRequest) -> Reply<Vec<String>> {
        let state = self.current();
        let (task, frame) = state
            .tasks
            .values()
            .find_map(|t| t.frames.iter().find(|f| f.id == req.id).map(|f| (t, f)))
            .ok_or_else(|| not_found(format!("frame {} does not exist", req.id)))?;
        Ok(
            if frame.status == FrameStatus::Done && req.frame_status == FrameStatus::Done {
                vec![thumbnail(task.id, frame)]
            } else {
                Vec::new()
            },
        )
    }
}
