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
