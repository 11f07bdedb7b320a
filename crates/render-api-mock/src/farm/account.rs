//! The account: platforms, profile, settings, transfer information, error details.

use super::*;

impl Farm {
    /// `queryPlatforms`.
    pub(crate) fn query_platforms(&self, req: QueryPlatformsRequest) -> Reply<Vec<Platform>> {
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
            other => Err(invalid(format!("unknown zone {}", other.code()))),
        }
    }

    /// `queryUserProfile`.
    pub(crate) fn query_user_profile(&self, _: QueryUserProfileRequest) -> Reply<UserProfile> {
        Ok(self.lock().profile.clone())
    }

    /// `queryUserSetting`.
    pub(crate) fn query_user_setting(&self, _: QueryUserSettingRequest) -> Reply<UserSetting> {
        Ok(self.lock().settings.clone())
    }

    /// `updateUserSetting`.
    pub(crate) fn update_user_setting(&self, req: UpdateUserSettingRequest) -> Reply<()> {
        // Sent in seconds; queryUserSetting answers in hours.
        const HOUR: i64 = 3600;
        if !(HOUR..=720 * HOUR).contains(&req.task_over_time_sec) {
            return Err(invalid(
                "taskOverTimeSec must be between 3600 and 2592000 seconds (1 to 720 hours)",
            ));
        }
        self.lock().settings.task_over_time = Some((req.task_over_time_sec + HOUR - 1) / HOUR);
        Ok(())
    }

    /// `getTransferBid`.
    pub(crate) fn get_transfer_bid(&self, _: GetTransferBidRequest) -> Reply<TransferBid> {
        Ok(TransferBid {
            config_bid: "30201".into(),
            output_bid: "20201".into(),
            input_bid: "10201".into(),
        })
    }

    /// `getRaySyncUserKey`.
    pub(crate) fn get_ray_sync_user_key(
        &self,
        _: GetRaySyncUserKeyRequest,
    ) -> Reply<RaySyncUserKey> {
        let state = self.lock();
        Ok(RaySyncUserKey {
            ray_sync_user_key: "8ccb94d67c1e4c17fd0691c02ab7f753cea64e3d".into(),
            user_name: Some(state.profile.user_name.clone()),
            platform: state.profile.platform,
        })
    }

    /// `getTransferServerMsg`.
    pub(crate) fn get_transfer_server_msg(
        &self,
        req: GetTransferServerMsgRequest,
    ) -> Reply<TransferServerMsg> {
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
            },
        })
    }

    /// `queryErrorDetail`.
    pub(crate) fn query_error_detail(
        &self,
        req: QueryErrorDetailRequest,
    ) -> Reply<Vec<ErrorDetail>> {
        let codes = req.code.into_iter().chain(req.codes.unwrap_or_default());
        Ok(codes
            .flat_map(|code| crate::seed::error_details(&code, req.language.as_ref()))
            .collect())
    }
}
