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

use super::{Farm, Reply, Task, find_task, invalid};

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
        let (input, output, config) = super::BIDS;
        Ok(TransferBid {
            config_bid: config.into(),
            output_bid: output.into(),
            input_bid: input.into(),
            extra: Default::default(),
            parent_input_bid: self
                .config
                .sub_account
                .then(|| super::MAIN_INPUT_BID.to_owned()),
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
    /// `getConfig`: the transfer configuration, with the account's bids (as getTransferBid
    /// gives them) and made-up engine passwords. Each engine has two lines, the first the
    /// default (the document's example names one per engine; a second lets a client choose
    /// a line by name, as rayvision_sync's `internet_provider` does).
    fn handle(&self, _: GetConfigRequest) -> Reply<TransferConfig> {
        let (input, output, config) = super::BIDS;
        let line = |name: &str, server: &str, port: &str, id: i64, default: bool| EngineLine {
            name: name.into(),
            server: server.into(),
            port: port.into(),
            is_default: Some(i64::from(default)),
            line_id: Some(id),
            line_type: Some(0),
            extra: Default::default(),
        };
        let account = |bid: &str, password: &str| EngineAccount {
            bid: bid.into(),
            name: bid.into(),
            password: password.into(),
            extra: Default::default(),
        };
        Ok(TransferConfig {
            input_bid: Some(input.into()),
            output_bid: Some(output.into()),
            config_bid: Some(config.into()),
            parent_input_bid: self
                .config
                .sub_account
                .then(|| super::MAIN_INPUT_BID.to_owned()),
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
                    resp_task_engine_lines: Some(vec![
                        line("raysync_main", "127.0.0.1", "10200", 121, true),
                        line("raysync_backup", "127.0.0.2", "10202", 122, false),
                    ]),
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
                    resq_engine_accounts: Some(vec![
                        account(config, "mock-farm-aspera-password"),
                        account(output, "mock-farm-aspera-output-password"),
                    ]),
                    resp_task_engine_lines: Some(vec![
                        line("Aspera_main", "127.0.0.1", "10221", 123, true),
                        line("Aspera_backup", "127.0.0.2", "10223", 124, false),
                    ]),
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
    /// `getOutputUserDirFile`: at the root, a folder per task with rendered frames, named by
    /// the task's `outputFileName`; such a folder holds the task's finished frames. With a
    /// `taskId`, the task's folder itself, as the v2 document's example answers (D:2556).
    fn handle(&self, req: GetOutputUserDirFileRequest) -> Reply<Vec<OutputFile>> {
        let state = self.current();
        let folder = |task: &Task| format!("/{}", super::output_name(task));
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
            last_modify: Some(state.clock.text(at)),
            file_path: path,
            directory,
            is_arrears: Some(0),
            extra: Default::default(),
        };
        let tree = req.tree_path.trim_end_matches('/');
        match req.task_id {
            Some(id) => {
                let task = find_task(&state, id)?;
                let path = folder(task);
                Ok((done(task) > 0)
                    .then(|| {
                        let name = path.trim_start_matches('/').to_owned();
                        file(name, path, true, task.created)
                    })
                    .into_iter()
                    .collect())
            }
            None if !tree.is_empty() => Ok(state
                .tasks
                .values()
                .find(|t| folder(t) == tree)
                .map(|task| {
                    task.frames
                        .iter()
                        .filter(|f| f.status == FrameStatus::Done)
                        .map(|f| {
                            let name = format!("frame_{:04}.jpg", f.number);
                            let path = format!("{tree}/{name}");
                            file(name, path, false, f.end.unwrap_or(task.created))
                        })
                        .collect()
                })
                .unwrap_or_default()),
            None => Ok(state
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
        }
    }
}
