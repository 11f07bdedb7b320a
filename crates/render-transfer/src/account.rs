//! What a transfer learns from the service before it starts: the account, its storage ids
//! and the transfer lines, as rayvision_sync 3.1.8 learns them.

use render_api_client::Client;
use render_api_client::types::{TransferBid, TransferConfig, UserProfile};

use crate::{Engine, Error};

/// A transfer line of an engine (getConfig's `respTaskEngineLines`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its name (`Aspera_main`): what `--line` chooses.
    pub name: String,
    /// The transfer server.
    pub server: String,
    /// Its port, as the service sends it.
    pub port: String,
    /// Whether it is the engine's default line.
    pub default: bool,
}

/// The account as transfers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's user id (queryUserProfile's `userId`).
    pub user_id: String,
    /// The account's name (queryUserProfile's `userName`): the Raysync proxy's account.
    pub user_name: String,
    /// The render platform the client calls for (the configuration database records it).
    pub platform: String,
    /// Storage id for assets (getTransferBid's `input_bid`).
    pub input_bid: String,
    /// Storage id for outputs (`output_bid`).
    pub output_bid: String,
    /// Storage id for task configuration files (`config_bid`).
    pub config_bid: String,
    /// For a sub-account that shares its main account's storage (queryUserProfile's
    /// `shareMainCapital` other than 0): the main account's user id (`mainUserId`) and input
    /// bid (getTransferBid's `parent_input_bid`). Assets are uploaded as that account, as
    /// rayvision_sync's `get_share_info` does.
    pub main: Option<(String, String)>,
    /// The transfer engines getConfig offers: each name in lower case with its lines.
    pub engines: Vec<(String, Vec<Line>)>,
}

impl Account {
    /// Asks the service: queryUserProfile, getTransferBid and getConfig (three reads).
    pub fn learn(client: &Client) -> Result<Account, Error> {
        let profile = client.query_user_profile().send()?;
        let bids = client.get_transfer_bid().send()?;
        let config = client.get_config().send()?;
        Account::from_replies(client.core().platform(), &profile, &bids, &config)
    }

    /// The account from the three replies [`Account::learn`] reads.
    pub fn from_replies(
        platform: &str,
        profile: &UserProfile,
        bids: &TransferBid,
        config: &TransferConfig,
    ) -> Result<Account, Error> {
        let main = match profile.share_main_capital.unwrap_or(0) {
            0 => None,
            _ => {
                let user = profile.main_user_id.ok_or_else(|| {
                    Error::Account(
                        "queryUserProfile says it shares its main account's storage (shareMainCapital) but names no mainUserId".into(),
                    )
                })?;
                let bid = bids.parent_input_bid.clone().ok_or_else(|| {
                    Error::Account(
                        "queryUserProfile says it shares its main account's storage (shareMainCapital) but getTransferBid gives no parent_input_bid".into(),
                    )
                })?;
                Some((user.to_string(), bid))
            }
        };
        let engines = config
            .resq_engines
            .iter()
            .flatten()
            .map(|engine| {
                let lines = engine
                    .resp_task_engine_lines
                    .iter()
                    .flatten()
                    .map(|line| Line {
                        name: line.name.clone(),
                        server: line.server.clone(),
                        port: line.port.clone(),
                        default: line.is_default.unwrap_or(0) != 0,
                    })
                    .collect();
                (engine.engine_name.to_lowercase(), lines)
            })
            .collect();
        Ok(Account {
            user_id: profile.user_id.to_string(),
            user_name: profile.user_name.clone(),
            platform: platform.to_owned(),
            input_bid: bids.input_bid.clone(),
            output_bid: bids.output_bid.clone(),
            config_bid: bids.config_bid.clone(),
            main,
            engines,
        })
    }

    /// The user and storage assets are uploaded as: the main account's when this one shares
    /// its storage, else its own.
    pub fn asset_owner(&self) -> (&str, &str) {
        match &self.main {
            Some((user, bid)) => (user, bid),
            None => (&self.user_id, &self.input_bid),
        }
    }

    /// The line of `engine` named `name`, or its default line: the first line of that name
    /// (or the first default), as rayvision_sync's `internet_provider` chooses.
    pub fn line(&self, engine: Engine, name: Option<&str>) -> Result<&Line, Error> {
        let found = engine
            .config_names()
            .iter()
            .find_map(|name| self.engines.iter().find(|(offered, _)| offered == name));
        let Some((_, lines)) = found else {
            return Err(Error::EngineNotOffered {
                engine: engine.to_string(),
                offered: list(self.engines.iter().map(|(name, _)| name.as_str())),
            });
        };
        lines
            .iter()
            .find(|line| match name {
                Some(name) => line.name == name,
                None => line.default,
            })
            .ok_or_else(|| Error::NoSuchLine {
                engine: engine.to_string(),
                line: name.map(str::to_owned),
                lines: list(lines.iter().map(|l| l.name.as_str())),
            })
    }
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of the v2 document's getTransferBid and getConfig examples (D:274, D:2401), and
    /// of its queryUserProfile example; a second Aspera line as the mock farm has one.
    fn replies(shared: bool) -> (UserProfile, TransferBid, TransferConfig) {
        let mut profile: UserProfile = serde_json::from_value(serde_json::json!({
            "userId": 10001136, "userName": "rayvision", "platform": 2,
            "shareMainCapital": 0, "mainUserId": 0
        }))
        .unwrap();
        let mut bids: TransferBid = serde_json::from_value(serde_json::json!({
            "config_bid": "30201", "output_bid": "20202", "input_bid": "10202"
        }))
        .unwrap();
        if shared {
            profile.share_main_capital = Some(1);
            profile.main_user_id = Some(100093088);
            bids.parent_input_bid = Some("10201".into());
        }
        let config: TransferConfig = serde_json::from_value(serde_json::json!({
            "resqEngines": [
                {"engineName": "RaySync", "respTaskEngineLines": [
                    {"name": "raysync_main", "server": "10.60.197.79", "port": "10200", "isDefault": 1}]},
                {"engineName": "Aspera", "respTaskEngineLines": [
                    {"name": "Aspera_backup", "server": "10.60.197.80", "port": 10223, "isDefault": 0},
                    {"name": "Aspera_main", "server": "10.60.197.79", "port": "10221", "isDefault": 1}]}
            ]
        }))
        .unwrap();
        (profile, bids, config)
    }

    #[test]
    fn lines_are_chosen_by_name_or_default_and_an_engine_not_offered_is_named() {
        let (profile, bids, config) = replies(false);
        let account = Account::from_replies("2", &profile, &bids, &config).unwrap();
        assert_eq!(
            account.line(Engine::Aspera, None).unwrap().name,
            "Aspera_main"
        );
        let backup = account.line(Engine::Aspera, Some("Aspera_backup")).unwrap();
        assert_eq!(
            (backup.server.as_str(), backup.port.as_str()),
            ("10.60.197.80", "10223")
        );
        // The document's getConfig names the Raysync engine `RaySync`.
        assert_eq!(
            account.line(Engine::RaysyncProxy, None).unwrap().port,
            "10200"
        );
        let err = account.line(Engine::Aspera, Some("nope")).unwrap_err();
        assert!(
            err.to_string().contains("Aspera_backup, Aspera_main"),
            "{err}"
        );

        let only_raysync = TransferConfig {
            resq_engines: config.resq_engines.map(|mut e| {
                e.truncate(1);
                e
            }),
            ..config
        };
        let account = Account::from_replies("2", &profile, &bids, &only_raysync).unwrap();
        let err = account.line(Engine::Aspera, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("offers no engine `aspera`; it offers: raysync"),
            "{err}"
        );
    }

    #[test]
    fn a_sub_account_sharing_its_main_accounts_storage_uploads_as_that_account() {
        let (profile, bids, config) = replies(false);
        let own = Account::from_replies("2", &profile, &bids, &config).unwrap();
        assert_eq!(own.asset_owner(), ("10001136", "10202"));
        let (profile, bids, config) = replies(true);
        let shared = Account::from_replies("2", &profile, &bids, &config).unwrap();
        assert_eq!(shared.asset_owner(), ("100093088", "10201"));
        // Without the main account's bid it cannot: said, not guessed.
        let bids = TransferBid {
            parent_input_bid: None,
            ..bids
        };
        assert!(Account::from_replies("2", &profile, &bids, &config).is_err());
    }
}
