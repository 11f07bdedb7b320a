//! The farm serves the API through the contract's generated [`Service`] trait; each method
//! is answered by the inherent handler of the same name (inherent methods take precedence,
//! so these are not recursive) in the module of its concern.

use super::Farm;
use render_api_types::*;

impl Service for Farm {
    fn query_platforms(
        &self,
        request: QueryPlatformsRequest,
    ) -> Result<Vec<Platform>, ServiceError> {
        self.query_platforms(request)
    }

    fn query_user_profile(
        &self,
        request: QueryUserProfileRequest,
    ) -> Result<UserProfile, ServiceError> {
        self.query_user_profile(request)
    }

    fn query_user_setting(
        &self,
        request: QueryUserSettingRequest,
    ) -> Result<UserSetting, ServiceError> {
        self.query_user_setting(request)
    }

    fn update_user_setting(&self, request: UpdateUserSettingRequest) -> Result<Ack, ServiceError> {
        self.update_user_setting(request).map(|()| Ack::default())
    }

    fn get_transfer_bid(
        &self,
        request: GetTransferBidRequest,
    ) -> Result<TransferBid, ServiceError> {
        self.get_transfer_bid(request)
    }

    fn create_task(&self, request: CreateTaskRequest) -> Result<CreatedTasks, ServiceError> {
        self.create_task(request)
    }

    fn submit_task(&self, request: SubmitTaskRequest) -> Result<Ack, ServiceError> {
        self.submit_task(request).map(|()| Ack::default())
    }

    fn query_error_detail(
        &self,
        request: QueryErrorDetailRequest,
    ) -> Result<Vec<ErrorDetail>, ServiceError> {
        self.query_error_detail(request)
    }

    fn get_task_list(&self, request: GetTaskListRequest) -> Result<Page<TaskInfo>, ServiceError> {
        self.get_task_list(request)
    }

    fn stop_task(&self, request: StopTaskRequest) -> Result<Ack, ServiceError> {
        self.stop_task(request).map(|()| Ack::default())
    }

    fn start_task(&self, request: StartTaskRequest) -> Result<Ack, ServiceError> {
        self.start_task(request).map(|()| Ack::default())
    }

    fn abort_task(&self, request: AbortTaskRequest) -> Result<Ack, ServiceError> {
        self.abort_task(request).map(|()| Ack::default())
    }

    fn delete_task(&self, request: DeleteTaskRequest) -> Result<Ack, ServiceError> {
        self.delete_task(request).map(|()| Ack::default())
    }

    fn query_task_frames(
        &self,
        request: QueryTaskFramesRequest,
    ) -> Result<Page<FrameInfo>, ServiceError> {
        self.query_task_frames(request)
    }

    fn query_all_frame_stats(
        &self,
        request: QueryAllFrameStatsRequest,
    ) -> Result<FrameStats, ServiceError> {
        self.query_all_frame_stats(request)
    }

    fn restart_failed_frames(
        &self,
        request: RestartFailedFramesRequest,
    ) -> Result<Ack, ServiceError> {
        self.restart_failed_frames(request).map(|()| Ack::default())
    }

    fn restart_frame(&self, request: RestartFrameRequest) -> Result<Ack, ServiceError> {
        self.restart_frame(request).map(|()| Ack::default())
    }

    fn query_task_info(
        &self,
        request: QueryTaskInfoRequest,
    ) -> Result<Page<TaskInfo>, ServiceError> {
        self.query_task_info(request)
    }

    fn add_label(&self, request: AddLabelRequest) -> Result<Ack, ServiceError> {
        self.add_label(request).map(|()| Ack::default())
    }

    fn delete_label(&self, request: DeleteLabelRequest) -> Result<Ack, ServiceError> {
        self.delete_label(request).map(|()| Ack::default())
    }

    fn get_label_list(&self, request: GetLabelListRequest) -> Result<LabelList, ServiceError> {
        self.get_label_list(request)
    }

    fn query_supported_software(
        &self,
        request: QuerySupportedSoftwareRequest,
    ) -> Result<SupportedSoftware, ServiceError> {
        self.query_supported_software(request)
    }

    fn query_supported_plugin(
        &self,
        request: QuerySupportedPluginRequest,
    ) -> Result<SupportedPlugins, ServiceError> {
        self.query_supported_plugin(request)
    }

    fn add_render_env(&self, request: AddRenderEnvRequest) -> Result<RenderEnvName, ServiceError> {
        self.add_render_env(request)
    }

    fn update_render_env(&self, request: UpdateRenderEnvRequest) -> Result<Ack, ServiceError> {
        self.update_render_env(request).map(|()| Ack::default())
    }

    fn delete_render_env(&self, request: DeleteRenderEnvRequest) -> Result<Ack, ServiceError> {
        self.delete_render_env(request).map(|()| Ack::default())
    }

    fn set_default_render_env(
        &self,
        request: SetDefaultRenderEnvRequest,
    ) -> Result<Ack, ServiceError> {
        self.set_default_render_env(request)
            .map(|()| Ack::default())
    }

    fn get_render_env(&self, request: GetRenderEnvRequest) -> Result<Vec<RenderEnv>, ServiceError> {
        self.get_render_env(request)
    }

    fn load_task_process_img(
        &self,
        request: LoadTaskProcessImgRequest,
    ) -> Result<ProgressImage, ServiceError> {
        self.load_task_process_img(request)
    }

    fn update_task_user_level(
        &self,
        request: UpdateTaskUserLevelRequest,
    ) -> Result<Ack, ServiceError> {
        self.update_task_user_level(request)
            .map(|()| Ack::default())
    }

    fn get_ray_sync_user_key(
        &self,
        request: GetRaySyncUserKeyRequest,
    ) -> Result<RaySyncUserKey, ServiceError> {
        self.get_ray_sync_user_key(request)
    }

    fn get_transfer_server_msg(
        &self,
        request: GetTransferServerMsgRequest,
    ) -> Result<TransferServerMsg, ServiceError> {
        self.get_transfer_server_msg(request)
    }

    fn set_over_time_stop(&self, request: SetOverTimeStopRequest) -> Result<Ack, ServiceError> {
        self.set_over_time_stop(request).map(|()| Ack::default())
    }

    fn loading_frame_thumbnail(
        &self,
        request: LoadingFrameThumbnailRequest,
    ) -> Result<Vec<String>, ServiceError> {
        self.loading_frame_thumbnail(request)
    }

    fn full_speed(&self, request: FullSpeedRequest) -> Result<Ack, ServiceError> {
        self.full_speed(request).map(|()| Ack::default())
    }
    fn task_json_file(&self, request: TaskJsonFileRequest) -> Result<Ack, ServiceError> {
        self.task_json_file(request).map(|()| Ack::default())
    }

    fn get_config(&self, request: GetConfigRequest) -> Result<TransferConfig, ServiceError> {
        self.get_config(request)
    }

    fn add_task_label(&self, request: AddTaskLabelRequest) -> Result<Ack, ServiceError> {
        self.add_task_label(request).map(|()| Ack::default())
    }

    fn delete_task_label(&self, request: DeleteTaskLabelRequest) -> Result<Ack, ServiceError> {
        self.delete_task_label(request).map(|()| Ack::default())
    }

    fn list_projects(&self, request: ListProjectsRequest) -> Result<LabelList, ServiceError> {
        self.list_projects(request)
    }

    fn get_output_user_dir_file(
        &self,
        request: GetOutputUserDirFileRequest,
    ) -> Result<Vec<OutputFile>, ServiceError> {
        self.get_output_user_dir_file(request)
    }

    fn stop_task_frames(&self, request: StopTaskFramesRequest) -> Result<Ack, ServiceError> {
        self.stop_task_frames(request).map(|()| Ack::default())
    }

    fn list_hardware_configs(
        &self,
        request: ListHardwareConfigsRequest,
    ) -> Result<Vec<HardwareConfig>, ServiceError> {
        self.list_hardware_configs(request)
    }

    fn show_log(&self, request: ShowLogRequest) -> Result<Page<String>, ServiceError> {
        self.show_log(request)
    }

    fn update_task_limit(&self, request: UpdateTaskLimitRequest) -> Result<Ack, ServiceError> {
        self.update_task_limit(request).map(|()| Ack::default())
    }

    fn task_record(&self, request: TaskRecordRequest) -> Result<Page<TaskLogEntry>, ServiceError> {
        self.task_record(request)
    }

    fn login_record(
        &self,
        request: LoginRecordRequest,
    ) -> Result<Page<LoginLogEntry>, ServiceError> {
        self.login_record(request)
    }

    fn get_user_pack_node_info(
        &self,
        request: GetUserPackNodeInfoRequest,
    ) -> Result<Vec<PackNode>, ServiceError> {
        self.get_user_pack_node_info(request)
    }

    fn edit_task_hardware_config(
        &self,
        request: EditTaskHardwareConfigRequest,
    ) -> Result<Ack, ServiceError> {
        self.edit_task_hardware_config(request)
            .map(|()| Ack::default())
    }
}
