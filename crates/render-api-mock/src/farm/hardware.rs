//! The platform's hardware configurations, and the one each task renders on.

use render_api_types::{
    Ack, EditTaskHardwareConfig, EditTaskHardwareConfigRequest, ErrorCode, Handle, HardwareConfig,
    HardwareKind, ListHardwareConfigs, ListHardwareConfigsRequest, ServiceError,
};

use super::{Farm, Reply, find_task, invalid, not_found};

/// The configurations of the farm's platform (the v2 document's example's).
fn configs() -> Vec<HardwareConfig> {
    [
        (301, "Default", "64GB"),
        (303, "Default", "128GB"),
        (337, "1080Ti", "64GB"),
    ]
    .into_iter()
    .map(|(id, model, ram)| HardwareConfig {
        id,
        kind: Some(HardwareKind::Cpu),
        model: Some(model.into()),
        ram: Some(ram.into()),
        gpu_num: None,
        platform: Some(2),
        current: Some(false),
        not_support_cg_id: Some(Vec::new()),
        status: Some(1),
        extra: Default::default(),
    })
    .collect()
}

/// Task ids given as text (the document's form) or numbers.
fn task_ids(texts: &[String]) -> Reply<Vec<i64>> {
    texts
        .iter()
        .map(|t| {
            t.trim()
                .parse()
                .map_err(|_| invalid(format!("`{t}` is not a task id")))
        })
        .collect()
}

impl Handle<ListHardwareConfigs> for Farm {
    /// `listHardwareConfigs`: with taskIds, the configuration of those tasks is `current`.
    fn handle(&self, req: ListHardwareConfigsRequest) -> Reply<Vec<HardwareConfig>> {
        let ids = task_ids(req.task_ids.as_deref().unwrap_or_default())?;
        let state = self.lock();
        let mut current = Vec::new();
        for id in ids {
            current.push(find_task(&state, id)?.hardware.unwrap_or(301));
        }
        Ok(configs()
            .into_iter()
            .map(|mut c| {
                c.current = Some(current.contains(&c.id));
                c
            })
            .collect())
    }
}

impl Handle<EditTaskHardwareConfig> for Farm {
    /// `editTaskHardwareConfig`.
    fn handle(&self, req: EditTaskHardwareConfigRequest) -> Reply<Ack> {
        let ids = task_ids(&req.task_ids)?;
        let wanted = task_ids(&req.hardware_config_ids)?;
        let Some(&config) = wanted.first() else {
            return Err(ServiceError::new(
                ErrorCode::ParameterCantBeEmpty,
                "hardwareConfigIds is empty",
            ));
        };
        if !configs().iter().any(|c| c.id == config) {
            return Err(not_found(format!("no hardware configuration {config}")));
        }
        self.change_tasks(&ids, |task, _, _| {
            task.hardware = Some(config);
            Ok(())
        })
    }
}
