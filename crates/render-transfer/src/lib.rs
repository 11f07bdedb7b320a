//! Moves a render's data: uploads a job's assets and downloads its frames, through the
//! official transfer program (`rayvision_transmitter`, shipped inside the `rayvision_sync`
//! package), handed exactly what rayvision_sync 3.1.8 hands it for the same farm and request.
//!
//! This is a layer above [`render_api_client`]: what a transfer needs from the service (the
//! account, its storage ids, the transfer lines, a task's outputs) comes through the client,
//! with its retries and its waiter; the program's own "retry me" exit is retried with the
//! client's backoff and retry policy.
//!
//! ```no_run
//! use render_transfer::{Options, Transfers, Transmitter, UploadList};
//!
//! # fn main() -> Result<(), render_transfer::Error> {
//! let client = render_api_client::Client::from_env()?;
//! let transfers = Transfers::new(&client, Transmitter::locate(None)?, Options::default())?;
//! // Upload a scene and its textures folder, as an analyser's upload.json would list them.
//! let list = UploadList::from_paths(&["shot010.mb".into(), "textures".into()])?;
//! let upload = transfers.upload_list(&list)?;
//! transfers.run(&upload, &mut |event| println!("{event:?}"))?;
//! // Download task 19084's outputs into ./frames.
//! for download in transfers.download(&[19084], "frames".as_ref())? {
//!     transfers.run(&download, &mut |_| {})?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Secrets: the program is handed storage ids and user ids, never the access key, an engine
//! password or the Raysync key, and nothing here logs one.

mod account;
mod error;
mod invocation;
mod raysync;
mod transmitter;
mod upload_list;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use render_api_client::Client;
use render_api_client::types::TaskInfo;

pub use account::{Account, Line};
pub use error::Error;
pub use invocation::{Event, Invocation, STDIN, Via};
pub use raysync::ProxyTask;
pub use transmitter::Transmitter;
pub use upload_list::{Asset, UploadList, server_path};

/// A transfer engine of the transfer program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Engine {
    /// Aspera (rayvision_sync's default), driven through the program's command line.
    #[default]
    Aspera,
    /// Raysync, through the local Raysync proxy program and the HTTP requests
    /// rayvision_sync's `rayvision_raysync` sends it.
    RaysyncProxy,
}

impl Engine {
    /// Its name on the program's command line (`-E`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Aspera => "aspera",
            Engine::RaysyncProxy => "raysyncproxy",
        }
    }

    /// The `engineName`s in getConfig (in lower case) whose lines it uses, in order of
    /// preference. rayvision_sync looks `raysyncproxy` up by that name; the v2 document's
    /// getConfig example (D:2440) names the Raysync engine `RaySync`, so its lines serve when no
    /// `raysyncproxy` is listed.
    pub(crate) fn config_names(self) -> &'static [&'static str] {
        match self {
            Engine::Aspera => &["aspera"],
            Engine::RaysyncProxy => &["raysyncproxy", "raysync"],
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How transfers run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The engine.
    pub engine: Engine,
    /// The transfer line by name (getConfig's line names; rayvision_sync's
    /// `internet_provider`); `None`: the engine's default line.
    pub line: Option<String>,
    /// The speed limit in KB/s (default 1048576, rayvision_sync's).
    pub speed: Option<u64>,
    /// The folder of the resume databases, their settings, written upload lists and the
    /// program's log: default `$RAYVISION_DB` when that folder exists, else
    /// `~/renderfarm_sdk`, as rayvision_sync chooses.
    pub home: Option<PathBuf>,
    /// The local Raysync proxy program's folder (with its `cluster.xml` and `start.sh`), for
    /// [`Engine::RaysyncProxy`]; default: `rayvision_raysync/RaysyncCmd` inside the
    /// `rayvision_sync` package of the Python on `PATH`, where rayvision_sync keeps it.
    pub raysync_dir: Option<PathBuf>,
}

/// rayvision_sync's default speed limit, KB/s.
pub const DEFAULT_SPEED: u64 = 1_048_576;

/// Transfers for one account: what the service said about it, the program, the options.
pub struct Transfers<'c> {
    client: &'c Client,
    account: Account,
    transmitter: Transmitter,
    options: Options,
    home: PathBuf,
    log: PathBuf,
    /// The engine's line, chosen once (by name, or the default).
    line: Line,
    raysync: Option<Raysync>,
}

/// What the Raysync proxy is told: the account's name, its Raysync key (a secret: never
/// shown), and the proxy's folder.
struct Raysync {
    user_name: String,
    key: String,
    dir: PathBuf,
    checked: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl fmt::Debug for Transfers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transfers")
            .field("account", &self.account)
            .field("transmitter", &self.transmitter)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c> Transfers<'c> {
    /// Learns the account ([`Account::learn`]) and checks that the engine and line asked for
    /// exist, before anything moves.
    pub fn new(
        client: &'c Client,
        transmitter: Transmitter,
        options: Options,
    ) -> Result<Transfers<'c>, Error> {
        let account = Account::learn(client)?;
        Transfers::with_account(client, account, transmitter, options)
    }

    /// As [`Transfers::new`], with the account already known.
    pub fn with_account(
        client: &'c Client,
        account: Account,
        transmitter: Transmitter,
        options: Options,
    ) -> Result<Transfers<'c>, Error> {
        let line = account
            .line(options.engine, options.line.as_deref())?
            .clone();
        let home_dir = || {
            let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("."));
            home.join("renderfarm_sdk")
        };
        let existing = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_dir())
        };
        let home = options
            .home
            .clone()
            .or_else(|| existing("RAYVISION_DB"))
            .unwrap_or_else(home_dir);
        let log = existing("RAYVISION_LOG").unwrap_or_else(home_dir);
        let raysync = match options.engine {
            Engine::Aspera => None,
            Engine::RaysyncProxy => {
                let dir = match &options.raysync_dir {
                    Some(dir) => dir.clone(),
                    None => transmitter::package_dir_of_path()
                        .map(|p| p.join("rayvision_raysync").join(raysync::IN_PACKAGE))
                        .ok_or_else(|| Error::ProxyNotInstalled {
                            dir: PathBuf::from("rayvision_sync/rayvision_raysync")
                                .join(raysync::IN_PACKAGE),
                            problem: "no rayvision_sync package for the Python on PATH".into(),
                        })?,
                };
                raysync::port(&dir)?;
                let key = client.get_ray_sync_user_key().send()?;
                Some(Raysync {
                    user_name: account.user_name.clone(),
                    key: key.ray_sync_user_key,
                    dir,
                    checked: Default::default(),
                })
            }
        };
        Ok(Transfers {
            client,
            account,
            transmitter,
            options,
            home,
            log,
            line,
            raysync,
        })
    }

    /// The account.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The folder the program writes its log into (`RAYVISION_LOG` when that folder exists,
    /// else `~/renderfarm_sdk`).
    pub fn log_dir(&self) -> &Path {
        &self.log
    }

    /// A run of the program, with its arguments in rayvision_sync's order.
    #[allow(clippy::too_many_arguments)]
    fn program_run(
        &self,
        storage: &str,
        user: &str,
        kind: &str,
        local: &str,
        remote: &str,
        keep: &str,
        database: Option<&Path>,
    ) -> Invocation {
        let line = &self.line;
        let speed = self.speed().to_string();
        let database =
            database.map_or_else(|| "None".to_owned(), |p| p.to_string_lossy().into_owned());
        let args = [
            "-E",
            self.options.engine.name(),
            "-H",
            &line.server,
            "-P",
            &line.port,
            "-S",
            storage,
            "-U",
            user,
            "-T",
            kind,
            "-L",
            local,
            "-R",
            remote,
            "-r",
            "2",
            "-K",
            keep,
            "-s",
            &speed,
            "-C",
            &database,
            "-p",
            "0",
        ];
        let library_path = if cfg!(windows) {
            "PATH"
        } else {
            "LD_LIBRARY_PATH"
        };
        Invocation {
            via: Via::Program {
                program: self.transmitter.path().to_owned(),
                args: args.iter().map(|a| (*a).to_owned()).collect(),
                env: vec![
                    (library_path.to_owned(), self.transmitter.dir().to_owned()),
                    ("RAYVISION_LOG".to_owned(), self.log.clone()),
                ],
            },
            files: Vec::new(),
            what: String::new(),
            files_to_move: None,
        }
    }

    fn speed(&self) -> u64 {
        self.options.speed.unwrap_or(DEFAULT_SPEED)
    }

    /// A task of the Raysync proxy, with the `create-task` request rayvision_sync's
    /// `start_transfer` sends: `storage` is also the port it names (as rayvision_sync does),
    /// `path` the request's paths.
    fn proxy_run(
        &self,
        raysync: &Raysync,
        task_type: &str,
        storage: &str,
        path: serde_json::Value,
    ) -> Result<Invocation, Error> {
        let line = &self.line;
        let port: i64 = storage.parse().map_err(|_| {
            Error::Account(format!(
                "the storage id `{storage}` is not a number, which the Raysync proxy takes it as"
            ))
        })?;
        let proxy_port = line
            .port
            .parse::<i64>()
            .ok()
            .filter(|p| *p != 0)
            .unwrap_or(32002);
        let mut create = serde_json::json!({
            "task-name": task_type,
            "server-ip": line.server,
            "server-port": port,
            "web-server-ip": line.server,
            "web-server-port": 32002,
            "server-ssl-port": port - 100,
            "renderbus-proxy-port": 32002,
            "proxy-port": proxy_port,
            "protocol-type": "default",
            "delay-threshold": 0,
            "account": raysync.user_name,
            "password": format!("{}&1&{}&12345678", raysync.key, self.account.platform),
            "group-id": 0,
            "enable-ssl": false,
            "enable-verify-hash": false,
            "task-type": task_type,
        });
        if let (Some(create), serde_json::Value::Object(path)) = (create.as_object_mut(), path) {
            create.extend(path);
        }
        Ok(Invocation {
            via: Via::Proxy(ProxyTask {
                dir: raysync.dir.clone(),
                speed: self.speed(),
                create,
                poll: Duration::from_secs(1),
                checked: raysync.checked.clone(),
            }),
            files: Vec::new(),
            what: String::new(),
            files_to_move: None,
        })
    }

    /// The upload of the assets an `upload.json` lists (an analyser's, or one
    /// [`Transfers::upload_list`] writes), as rayvision_sync's `upload_asset` runs it: into the
    /// account's input storage (its main account's, when it shares that); with Aspera, with a
    /// resume database named after the list's folder, so an interrupted upload goes on where
    /// it stopped.
    pub fn upload_json(&self, upload_json: &Path) -> Result<Invocation, Error> {
        let list = UploadList::read(upload_json)?;
        self.upload_of(upload_json, &list)
    }

    /// The upload of `list`, written as an `upload.json` into a folder of its own under the
    /// home folder (named by [`UploadList::key`], so the same files are the same upload and
    /// resume) when the invocation runs.
    pub fn upload_list(&self, list: &UploadList) -> Result<Invocation, Error> {
        let path = self.list_path(list);
        let mut invocation = self.upload_of(&path, list)?;
        invocation.files.insert(0, (path, list.to_json()));
        Ok(invocation)
    }

    /// Where [`Transfers::upload_list`] writes `list`.
    pub fn list_path(&self, list: &UploadList) -> PathBuf {
        self.home
            .join("renderbus")
            .join(list.key())
            .join("upload.json")
    }

    fn upload_of(&self, upload_json: &Path, list: &UploadList) -> Result<Invocation, Error> {
        let (user, bid) = self.account.asset_owner();
        let count = list.asset.len();
        let mut invocation = match &self.raysync {
            None => {
                let name = upload_json
                    .parent()
                    .and_then(Path::file_name)
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let ini = self.home.join("db_ini").join(format!("{name}.ini"));
                let db = self.home.join("db").join(format!("{name}.db"));
                let settings = database_settings(&self.account.platform, &db);
                let local = upload_json.to_string_lossy();
                let mut run =
                    self.program_run(bid, user, "upload_json", &local, "/", "false", Some(&ini));
                run.files.push((ini, settings));
                run
            }
            Some(raysync) => {
                // rayvision_sync's convert_upload: `<list>_list.json` beside the list.
                let stem = upload_json
                    .file_stem()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let file_list = upload_json.with_file_name(format!("{stem}_list.json"));
                let path = serde_json::json!({"file-list": file_list.to_string_lossy()});
                let mut run = self.proxy_run(raysync, "upload-list", bid, path)?;
                run.files
                    .push((file_list, raysync::file_list(&list.asset, bid, user)));
                run
            }
        };
        invocation.what = format!("upload of {count} file(s)");
        invocation.files_to_move = Some(count as u64);
        Ok(invocation)
    }

    /// The upload of one configuration file of a task, to `/<task>/cfg/<name>`, as
    /// [`Transfers::upload_config`] makes it, whether or not the file exists yet (a list
    /// [`Transfers::upload_list`] writes exists once that upload has run).
    pub fn upload_config_file(&self, task_id: i64, file: &Path) -> Result<Invocation, Error> {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let local = file.to_string_lossy();
        let account = &self.account;
        let mut invocation = match &self.raysync {
            None => self.program_run(
                &account.config_bid,
                &account.user_id,
                "upload_path",
                &local,
                &format!("/{task_id}/cfg/{name}"),
                "false",
                None,
            ),
            // rayvision_sync names the input storage's id as the port of a configuration
            // file's upload, and the configuration storage in its path.
            Some(raysync) => self.proxy_run(
                raysync,
                "upload",
                &account.input_bid,
                serde_json::json!({
                    "source-path": local,
                    "target-path": format!("/input/{}-{}/{task_id}/cfg", account.config_bid, account.user_id),
                }),
            )?,
        };
        invocation.what = format!("upload of {name} for task {task_id}");
        invocation.files_to_move = Some(1);
        Ok(invocation)
    }

    /// The uploads of a task's configuration files (`task.json`, `upload.json`, …), each to
    /// `/<task>/cfg/<name>` of the configuration storage, as rayvision_sync's `upload_config`
    /// runs them; a file that does not exist is an error naming it.
    pub fn upload_config(&self, task_id: i64, files: &[PathBuf]) -> Result<Vec<Invocation>, Error> {
        files
            .iter()
            .map(|file| {
                if !file.is_file() {
                    return Err(Error::Local {
                        path: file.clone(),
                        problem: "no such file".into(),
                    });
                }
                self.upload_config_file(task_id, file)
            })
            .collect()
    }

    /// The downloads of the tasks' outputs into `to`, as rayvision_sync's `download` runs
    /// them: one per output folder (`outputFileName`; a layered task's layers each have
    /// theirs), from the task's output storage. A task without output yet is an error.
    pub fn download(&self, task_ids: &[i64], to: &Path) -> Result<Vec<Invocation>, Error> {
        let page = self
            .client
            .query_task_info(task_ids.iter().copied())
            .send()?;
        for task in task_ids {
            let listed = self
                .client
                .get_output_user_dir_file()
                .task_id(*task)
                .send()?;
            if listed.is_empty() {
                return Err(Error::NoOutput { task: *task });
            }
        }
        outputs(&page.items)
            .iter()
            .map(|output| self.download_path(output, &output.name, to))
            .collect()
    }

    /// One download of `remote` (an output folder or a file in it) of `output`'s storage.
    fn download_path(&self, output: &Output, remote: &str, to: &Path) -> Result<Invocation, Error> {
        let bid = output.bid.as_deref().unwrap_or(&self.account.output_bid);
        let user = output.user_id.as_deref().unwrap_or(&self.account.user_id);
        let local = to.to_string_lossy();
        let mut invocation = match &self.raysync {
            None => self.program_run(bid, user, "download_path", &local, remote, "true", None),
            Some(raysync) => self.proxy_run(
                raysync,
                "download",
                bid,
                serde_json::json!({
                    "source-path": format!("/output/{bid}-{user}/{}", remote.replace('\\', "/")),
                    "target-path": local,
                }),
            )?,
        };
        invocation.what = format!("download of {remote}");
        Ok(invocation)
    }

    /// Runs an invocation until it succeeds, retrying the program's "retry me" (exit 1) with
    /// the client's backoff, within its retry policy's attempts.
    pub fn run(&self, invocation: &Invocation, on: &mut dyn FnMut(Event)) -> Result<(), Error> {
        let core = self.client.core();
        invocation::run(
            invocation,
            core.retry_policy().max_attempts,
            &|retry| core.backoff(retry),
            &self.log.join("rayvision_transmitter"),
            on,
        )
    }

    /// Downloads the tasks' frames into `to` as they finish, until every task has ended: at
    /// each poll of the client's waiter, every file that has appeared in a task's output
    /// folders is downloaded, once (a file downloaded before is not fetched again); after a
    /// task ends, its folders are swept a last time. Answers the files downloaded, by their
    /// path on the output storage.
    pub fn follow(
        &self,
        task_ids: &[i64],
        to: &Path,
        interval: Duration,
        on: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Vec<String>, Error> {
        let mut fetched = BTreeSet::new();
        let mut order = Vec::new();
        for &task in task_ids {
            let mut failure = None;
            self.client
                .wait_for_task(task)
                .interval(interval)
                .on_progress(|_| {
                    if failure.is_some() {
                        return;
                    }
                    if let Err(e) = self.sweep(task_ids, to, &mut fetched, &mut order, on) {
                        failure = Some(e);
                    }
                })
                .send()?;
            if let Some(e) = failure {
                return Err(e);
            }
            self.sweep(&[task], to, &mut fetched, &mut order, on)?;
        }
        Ok(order)
    }

    /// The downloads of every file now in the tasks' output folders but in `skip` (paths on
    /// the output storage), one per file, each with its task and path: what
    /// [`Transfers::follow`] runs at a poll.
    pub fn downloads_now(
        &self,
        task_ids: &[i64],
        to: &Path,
        skip: &BTreeSet<String>,
    ) -> Result<Vec<(i64, String, Invocation)>, Error> {
        let mut found = Vec::new();
        for &task in task_ids {
            let page = self.client.query_task_info([task]).send()?;
            for output in outputs(&page.items) {
                let mut folders = vec![format!("/{}", output.name)];
                while let Some(folder) = folders.pop() {
                    let listed = self
                        .client
                        .get_output_user_dir_file()
                        .tree_path(folder)
                        .send()?;
                    for file in listed {
                        if file.directory {
                            folders.push(file.file_path);
                        } else if !skip.contains(&file.file_path) {
                            let remote = file.file_path.trim_start_matches('/');
                            let invocation = self.download_path(&output, remote, to)?;
                            found.push((task, file.file_path, invocation));
                        }
                    }
                }
            }
        }
        Ok(found)
    }

    /// Downloads each file of the tasks' output folders not fetched yet.
    fn sweep(
        &self,
        task_ids: &[i64],
        to: &Path,
        fetched: &mut BTreeSet<String>,
        order: &mut Vec<String>,
        on: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(), Error> {
        for (task, file, invocation) in self.downloads_now(task_ids, to, fetched)? {
            self.run(&invocation, &mut |e| on(e))?;
            on(Event::Downloaded {
                task,
                file: file.clone(),
            });
            order.push(file.clone());
            fetched.insert(file);
        }
        Ok(())
    }
}

/// An output folder of a task, and the storage it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Output {
    name: String,
    user_id: Option<String>,
    bid: Option<String>,
}

/// The output folders of tasks, as rayvision_sync's `output_file_names` lists them: a task
/// that is split (`isOpen` 1) by its layers', any other by its own `outputFileName`; each with
/// the task's `userId` and `bid` (when the service sends them; else the account's own).
fn outputs(tasks: &[TaskInfo]) -> Vec<Output> {
    let mut found = Vec::new();
    for task in tasks {
        if task.is_open == Some(1) {
            found.extend(outputs(
                task.resp_rendering_task_list.as_deref().unwrap_or_default(),
            ));
        } else if let Some(name) = &task.output_file_name {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            found.push(Output {
                name: name.clone(),
                user_id: task.user_id.filter(|id| *id != 0).map(|id| id.to_string()),
                bid: task.extra.get("bid").and_then(text),
            });
        }
    }
    found
}

/// The configuration database's settings (`-C`), as rayvision_sync writes them with
/// Python's configparser from its `db_config.ini` defaults: SQLite at `db`.
fn database_settings(platform: &str, db: &Path) -> String {
    format!(
        "[database]\non = true\nplatform_id = {platform}\ntype = sqlite\n\n\
         [redis]\nhost = 127.0.0.1\nport = 6379\npassword = \ntable_index = 0\ntimeout = 5000\n\n\
         [sqlite]\ndb_path = {}\ntemporary = false\n\n",
        db.display()
    )
}
