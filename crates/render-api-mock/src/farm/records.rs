//! The account's logs: what was done to tasks (taskRecord) and the logins (loginRecord).

use render_api_types::{
    Handle, LoginLogEntry, LoginRecord, LoginRecordRequest, OperateSource, Page, TaskLogEntry,
    TaskRecord, TaskRecordRequest,
};

use super::{Farm, Reply, State, page};

/// A log entry for an operation on `ids` at farm time `now`.
pub(super) fn entry(state: &State, button: &str, ids: &[i64], now: i64) -> TaskLogEntry {
    TaskLogEntry {
        user_name: Some(state.profile.user_name.clone()),
        task_type: Some("render".into()),
        button_name: Some(button.to_owned()),
        task_ids: Some(serde_json::to_string(ids).unwrap_or_default()),
        channel: Some("4".into()),
        create_time: Some(state.clock.text(now)),
        details: None,
        operate_source: Some(OperateSource::MainAccount),
        user_id: Some(state.profile.user_id.to_string()),
        request_ip: Some("127.0.0.1".into()),
        request_uri: None,
        request_param: None,
        extra: Default::default(),
    }
}

impl Handle<TaskRecord> for Farm {
    /// `taskRecord`: the operations on the platform's tasks, newest first.
    fn handle(&self, req: TaskRecordRequest) -> Reply<Page<TaskLogEntry>> {
        let state = self.lock();
        if req.platform != state.profile.platform.unwrap_or(2) {
            return page(&[], req.page_num, req.page_size, Clone::clone);
        }
        let newest_first: Vec<TaskLogEntry> = state.records.iter().rev().cloned().collect();
        page(&newest_first, req.page_num, req.page_size, Clone::clone)
    }
}

impl Handle<LoginRecord> for Farm {
    /// `loginRecord`: one login, the farm's start.
    fn handle(&self, req: LoginRecordRequest) -> Reply<Page<LoginLogEntry>> {
        let state = self.lock();
        let login = LoginLogEntry {
            id: Some("1".into()),
            user_id: Some(state.profile.user_id.to_string()),
            user_name: Some(state.profile.user_name.clone()),
            user_ua: Some("render-api-mock".into()),
            trace_id: None,
            login_type: Some("accessKey".into()),
            login_status: Some("200".into()),
            login_sta_desc: Some("success".into()),
            module_type: None,
            login_ip: Some("127.0.0.1".into()),
            ip: Some("127.0.0.1".into()),
            login_time: Some(state.clock.farm_start_ms.to_string()),
            extra: Default::default(),
        };
        page(&[login], req.page_num, req.page_size, Clone::clone)
    }
}
