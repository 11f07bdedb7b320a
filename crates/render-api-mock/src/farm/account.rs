//! The account: platforms, profile, settings, transfer information, error details.

use render_api_types::{
    Ack, EngineAccount, EngineLine, ErrorDetail, FrameStatus, GetConfig, GetConfigRequest,
    GetOutputUserDirFile, GetOutputUserDirFileRequest, GetRaySyncUserKey, GetRaySyncUserKeyRequest,
    GetTransferBid, GetTransferBidRequest, GetTransferServerMsg, GetTransferServerMsgRequest,
    GetUserPackNodeInfo, GetUserPackNodeInfoRequest, Handle, OutputFile, PackNode, Platform,
    PlatformStatus, PlatformType, QueryErrorDetail, QueryErrorDetailRequest, QueryPlatforms,
    QueryPlatformsRequest, QueryUserProfile, QueryUserProfileRequest, QueryUserSetting,
    QueryUserSettingRequest, RaySyncUserKey, RaysyncTransfer, TransferBid, TransferConfig,
    TransferEngine, TransferServerMsg, UpdateUserSetting, UpdateUserSettingRequest, UserProfile,
    UserSetting, Zone,
};

use super::{Farm, Reply, Task, find_task, format_time, invalid, scene_name};

impl Handle<QueryPlatforms> for Farm {
    /// `queryPlatforms`.
    fn handle(&self, req: QueryPlatformsRequest) -> Reply<Vec<Platform>> {
        match req.zone {
            Zone::China => Ok(vec![
                Platform {
                    platform: 2,
                    name: "query_platform_w2".into(),
                    platform_type: Some(PlatformType::Cpu),
                    status: Some(PlatformStatus::Normal),
                    task_prefix: Some("W".into()),
                    is_show: Some(1),
                    extra: Default::default(),
                },
                Platform {
                    platform: 3,
                    name: "query_platform_w3".into(),
                    platform_type: Some(PlatformType::Cpu),
                    status: Some(PlatformStatus::Normal),
                    task_prefix: Some("W".into()),
                    is_show: Some(1),
                    extra: Default::default(),
                },
            ]),
            Zone::Overseas => Ok(vec![Platform {
                platform: 9,
                name: "query_platform_w9".into(),
                platform_type: Some(PlatformType::Cpu),
                status: Some(PlatformStatus::Normal),
                task_prefix: Some("W".into()),
                is_show: Some(1),
                extra: Default::default(),
            }]),
            other => Err(invalid(format!("unknown zone {}", other.code()))),
        }
    }
}

impl Handle<QueryUserProfile> for Farm {
    /// `queryUserProfile`.
    fn handle(&self, _: QueryUserProfileRequest) -> Reply<UserProfile> {
        Ok(self.lock().profile.clone())
    }
}

impl Handle<QueryUserSetting> for Farm {
    /// `queryUserSetting`.
    fn handle(&self, _: QueryUserSettingRequest) -> Reply<UserSetting> {
        Ok(self.lock().settings.clone())
    }
}

impl Handle<UpdateUserSetting> for Farm {
    /// `updateUserSetting`.
    fn handle(&self, req: UpdateUserSettingRequest) -> Reply<Ack> {
        // Sent in seconds; queryUserSetting answers in hours (rounded up) and in seconds. No
        // source states a limit on the value, so none is refused.
        const HOUR: i64 = 3600;
        let seconds = req.task_over_time_sec;
        let mut state = self.lock();
        state.settings.task_over_time =
            Some(seconds.div_euclid(HOUR) + i64::from(seconds.rem_euclid(HOUR) > 0));
        state.settings.task_over_time_sec = Some(seconds);
        Ok(Ack::default())
    }
}

impl Handle<GetTransferBid> for Farm {
    /// `getTransferBid`.
    fn handle(&self, _: GetTransferBidRequest) -> Reply<TransferBid> {
        Ok(TransferBid {
            config_bid: "30201".into(),
            output_bid: "20201".into(),
            input_bid: "10201".into(),
            extra: Default::default(),
            parent_input_bid: None,
            sub_user_output_bids: None,
        })
    }
}

impl Handle<GetRaySyncUserKey> for Farm {
    /// `getRaySyncUserKey`.
    fn handle(&self, _: GetRaySyncUserKeyRequest) -> Reply<RaySyncUserKey> {
        let state = self.lock();
        Ok(RaySyncUserKey {
            ray_sync_user_key: "8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d".into(),
            user_name: Some(state.profile.user_name.clone()),
            platform: state.profile.platform,
            extra: Default::default(),
            user_key: None,
            signature: None,
            channel: None,
            version: None,
            id: None,
            zone: None,
            phone: None,
            email: None,
            login_time: None,
            info_status: None,
            account_type: None,
            share_main_capital: None,
            sub_delete_task: None,
            sub_delete_capital: None,
            use_main_balance: None,
            download_disable: None,
        })
    }
}

impl Handle<GetTransferServerMsg> for Farm {
    /// `getTransferServerMsg`.
    fn handle(&self, req: GetTransferServerMsgRequest) -> Reply<TransferServerMsg> {
        let proxy = match req.zone {
            Zone::China => "render.raysync.cn",
            Zone::Overseas => "render.raysync.com",
            other => return Err(invalid(format!("unknown zone {}", other.code()))),
        };
        Ok(TransferServerMsg {
            raysync_transfer: RaysyncTransfer {
                port: Some(2542),
                proxy_ip: Some(proxy.into()),
                proxy_port: Some(32011),
                server_ip: Some("127.0.0.1".into()),
                server_port: Some(2121),
                ssl_port: Some(2543),
                extra: Default::default(),
            },
            extra: Default::default(),
            client_version: None,
            protocol_version: None,
        })
    }
}

impl Handle<QueryErrorDetail> for Farm {
    /// `queryErrorDetail`.
    fn handle(&self, req: QueryErrorDetailRequest) -> Reply<Vec<ErrorDetail>> {
        let codes = req.code.into_iter().chain(req.codes.unwrap_or_default());
        Ok(codes
            .flat_map(|code| crate::seed::error_details(&code, req.language.as_ref()))
            .collect())
    }
}

impl Handle<GetConfig> for Farm {
    /// `getConfig`: the transfer configuration, with made-up engine passwords.
    fn handle(&self, _: GetConfigRequest) -> Reply<TransferConfig> {
        let line = |name: &str, port: &str, id: i64| EngineLine {
            name: name.into(),
            server: "127.0.0.1".into(),
            port: port.into(),
            is_default: Some(1),
            line_id: Some(id),
            line_type: Some(0),
            extra: Default::default(),
        };
        Ok(TransferConfig {
            input_bid: Some("10202".into()),
            output_bid: Some("20202".into()),
            config_bid: Some("30201".into()),
            parent_input_bid: None,
            resq_engines: Some(vec![
                TransferEngine {
                    engine_name: "RaySync".into(),
                    check_server: Some("127.0.0.1".into()),
                    check_port: Some("10100".into()),
                    check_enable: Some("0".into()),
                    check_exclud_type: Some("tx".into()),
                    automatic_check: Some(0),
                    is_default: Some(1),
                    resq_engine_accounts: None,
                    resp_task_engine_lines: Some(vec![line("raysync_main", "10200", 121)]),
                    extra: Default::default(),
                },
                TransferEngine {
                    engine_name: "Aspera".into(),
                    check_server: None,
                    check_port: None,
                    check_enable: Some("0".into()),
                    check_exclud_type: None,
                    automatic_check: Some(0),
                    is_default: Some(0),
                    resq_engine_accounts: Some(vec![EngineAccount {
                        bid: "30201".into(),
                        name: "30201".into(),
                        password: "mock-farm-aspera-password".into(),
                        extra: Default::default(),
                    }]),
                    resp_task_engine_lines: Some(vec![line("Aspera_main", "10221", 123)]),
                    extra: Default::default(),
                },
            ]),
            sub_user_output_bids: Some(Vec::new()),
            extra: Default::default(),
        })
    }
}

impl Handle<GetUserPackNodeInfo> for Farm {
    /// `getUserPackNodeInfo`: the account has no reserved machines.
    fn handle(&self, _: GetUserPackNodeInfoRequest) -> Reply<Vec<PackNode>> {
        Ok(Vec::new())
    }
}

impl Handle<GetOutputUserDirFile> for Farm {
    /// `getOutputUserDirFile`: a folder per task with rendered frames at the root; a task's
    /// folder holds its finished frames.
    fn handle(&self, req: GetOutputUserDirFileRequest) -> Reply<Vec<OutputFile>> {
        let state = self.current();
        let folder = |task: &Task| {
            format!(
                "/{}_{}",
                task.id,
                scene_name(task.id).trim_end_matches(".max")
            )
        };
        let done = |task: &Task| {
            task.frames
                .iter()
                .filter(|f| f.status == FrameStatus::Done)
                .count()
        };
        let file = |name: String, path: String, directory: bool, at: i64| OutputFile {
            file_type: (!directory).then(|| "jpg".to_owned()),
            file_size: (!directory).then_some(1024),
            file_name: name,
            icon_path: None,
            last_modify: Some(format_time(at)),
            file_path: path,
            directory,
            is_arrears: Some(0),
            extra: Default::default(),
        };
        match req.task_id {
            Some(id) => {
                let task = find_task(&state, id)?;
                Ok(task
                    .frames
                    .iter()
                    .filter(|f| f.status == FrameStatus::Done)
                    .map(|f| {
                        let name = format!("frame_{:04}.jpg", f.number);
                        let path = format!("{}/{name}", folder(task));
                        file(name, path, false, f.end.unwrap_or(task.created))
                    })
                    .collect())
            }
            None if req.tree_path.trim_end_matches('/').is_empty() => Ok(state
                .tasks
                .values()
                .filter(|t| done(t) > 0)
                .map(|t| {
                    let path = folder(t);
                    file(
                        path.trim_start_matches('/').to_owned(),
                        path,
                        true,
                        t.created,
                    )
                })
                .collect()),
            None => Ok(Vec::new()),
        }
    }
}
