//! The Raysync engine (`raysyncproxy`): a task of the local Raysync proxy program, made by the
//! HTTP requests rayvision_sync 3.1.8's `rayvision_raysync` sends it (on 127.0.0.1, at the
//! port its `cluster.xml` names).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Error, Event};

/// Where the proxy listens: this machine, as rayvision_sync reaches it.
const PROXY_HOST: &str = "http://127.0.0.1";

/// How long the proxy may take to answer after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The proxy program's folder inside a `rayvision_sync` package (`rayvision_raysync/`), for
/// this system: rayvision_sync downloads it there on first use.
#[cfg(windows)]
pub(crate) const IN_PACKAGE: &str = "Raysync Client";
/// The proxy program's folder inside a `rayvision_sync` package (`rayvision_raysync/`), for
/// this system: rayvision_sync downloads it there on first use.
#[cfg(not(windows))]
pub(crate) const IN_PACKAGE: &str = "RaysyncCmd";

/// A task for the local Raysync proxy: the settings sent before it, and its `create-task`
/// request. `Debug` and [`ProxyTask::describe`] never show its password (the account's
/// Raysync key).
#[derive(Clone)]
pub struct ProxyTask {
    pub(crate) dir: PathBuf,
    pub(crate) speed: u64,
    pub(crate) create: Value,
    pub(crate) poll: Duration,
    /// Whether the proxy was found answering by an earlier task of the same transfers: it is
    /// checked once, as rayvision_sync checks it once per uploader or downloader.
    pub(crate) checked: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for ProxyTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyTask")
            .field("dir", &self.dir)
            .field("speed", &self.speed)
            .field("create", &self.create_request())
            .finish_non_exhaustive()
    }
}

/// The requests before a task, as rayvision_sync sends them: the speed (both ways, with
/// `mss` 1200 unless the protocol is TCP only), no proxy manager, two transfers at once each
/// way.
fn settings(speed: u64) -> [(&'static str, Value); 3] {
    [
        (
            "/set-transmission-parameters",
            json!({"max-upload-speed": speed, "max-download-speed": speed, "mss": 1200}),
        ),
        (
            "/set-proxy-manager",
            json!({"enable-proxy-manager": false, "proxy-manager-ip": "", "proxy-manager-port": 0}),
        ),
        ("/set-task-limit", json!({"upload": 2, "download": 2})),
    ]
}

impl ProxyTask {
    /// The proxy program's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The `create-task` request, its password redacted.
    pub fn create_request(&self) -> Value {
        let mut create = self.create.clone();
        if let Some(password) = create.get_mut("password") {
            *password = Value::from(render_sign::REDACTED);
        }
        create
    }

    /// The requests the task is made with, one a line (the password redacted).
    pub fn describe(&self) -> String {
        let port = port(&self.dir).unwrap_or_else(|_| "PORT".into());
        settings(self.speed)
            .into_iter()
            .chain([("/create-task", self.create_request())])
            .map(|(path, body)| format!("POST {PROXY_HOST}:{port}{path} {body}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Makes the task (or, when `made` holds a task of an earlier attempt, starts it again,
    /// as rayvision_sync does) and follows it to its end: 0 when it succeeded, 1 when it
    /// failed (worth another attempt); a state that no attempt changes is an error.
    pub(crate) fn run(
        &self,
        made: &mut Option<Value>,
        on: &mut dyn FnMut(Event),
    ) -> Result<i32, Error> {
        use std::sync::atomic::Ordering;
        let proxy = Proxy::at(&self.dir)?;
        if !self.checked.load(Ordering::Relaxed) {
            proxy.ensure_running(&self.dir)?;
            self.checked.store(true, Ordering::Relaxed);
        }
        for (path, body) in settings(self.speed) {
            proxy.post(path, &body)?;
        }
        let id = match made {
            Some(id) => {
                proxy.post("/start-task", &json!({"task-id": id}))?;
                id.clone()
            }
            None => {
                let created = proxy.post("/create-task", &self.create)?;
                let id = created.get("task-id").cloned().unwrap_or(Value::Null);
                *made = Some(id.clone());
                id
            }
        };
        loop {
            std::thread::sleep(self.poll);
            let status = proxy.post("/get-task-status", &json!({"task-id": id}))?;
            let task = &status["task-list"][0];
            let state = task["task-state"].as_str().unwrap_or("").to_owned();
            let number = |key: &str| {
                task[key]
                    .as_u64()
                    .or_else(|| task[key].as_str()?.parse().ok())
            };
            if let (Some(done), Some(of)) = (number("file-pos"), number("file-max")) {
                on(Event::Files { done, of });
            }
            match state.as_str() {
                "idle" => {}
                "start" => {
                    proxy.post(
                        "/get-file-list",
                        &json!({"task-id": id, "list-type": "start", "page-size": 10, "page-number": 1}),
                    )?;
                }
                "ready" => {
                    proxy.post("/get-task-list", &json!({"task-group": "all"}))?;
                }
                "successful" => return Ok(0),
                "failed" => {
                    let failed = proxy.post(
                        "/get-file-list",
                        &json!({"task-id": id, "list-type": "error", "page-size": 10, "page-number": 1}),
                    )?;
                    for file in failed["file-list"].as_array().into_iter().flatten() {
                        on(Event::FileFailed {
                            line: format!(
                                "{} (error {})",
                                file["local-path"].as_str().unwrap_or("?"),
                                file["error-code"]
                            ),
                        });
                    }
                    return Ok(1);
                }
                other => {
                    return Err(Error::Proxy {
                        request: "/get-task-status".into(),
                        problem: format!("the transfer task ended in state `{other}`"),
                    });
                }
            }
        }
    }
}

/// The port the proxy listens on: the `value` of the first element of the first element of
/// its `cluster.xml`, as rayvision_sync reads it.
pub(crate) fn port(dir: &Path) -> Result<String, Error> {
    let path = dir.join("cluster.xml");
    let missing = |problem: String| Error::ProxyNotInstalled {
        dir: dir.to_owned(),
        problem,
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| missing(format!("{}: {e}", path.display())))?;
    let doc = roxmltree::Document::parse(&text)
        .map_err(|e| missing(format!("{}: not XML: {e}", path.display())))?;
    doc.root_element()
        .children()
        .find(|n| n.is_element())
        .and_then(|n| n.children().find(|c| c.is_element()))
        .and_then(|n| n.attribute("value"))
        .map(str::to_owned)
        .ok_or_else(|| missing(format!("{}: names no port", path.display())))
}

/// The local proxy: where it listens, and one HTTP agent for all that is said to it.
struct Proxy {
    base: String,
    agent: ureq::Agent,
}

impl Proxy {
    /// The proxy of the folder `dir` (its `cluster.xml` names the port).
    fn at(dir: &Path) -> Result<Proxy, Error> {
        Ok(Proxy {
            base: format!("{PROXY_HOST}:{}", port(dir)?),
            // Straight to the proxy on this machine, never through a proxy of the
            // environment's.
            agent: ureq::Agent::config_builder()
                .proxy(None)
                .timeout_global(Some(Duration::from_secs(60)))
                .build()
                .into(),
        })
    }

    /// POSTs `body` to the proxy; its `code` must be 0.
    fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        let failed = |problem: String| Error::Proxy {
            request: path.to_owned(),
            problem,
        };
        let mut reply = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| failed(e.to_string()))?;
        let text = reply
            .body_mut()
            .read_to_string()
            .map_err(|e| failed(e.to_string()))?;
        let reply: Value = serde_json::from_str(&text)
            .map_err(|e| failed(format!("the reply is not JSON: {e}")))?;
        match reply.get("code").and_then(Value::as_i64) {
            Some(0) => Ok(reply),
            code => Err(failed(format!(
                "code {}: {}",
                code.map_or("none".into(), |c| c.to_string()),
                reply.get("message").and_then(Value::as_str).unwrap_or("")
            ))),
        }
    }

    /// Whether the proxy answers its check.
    fn answers(&self) -> bool {
        self.post("/check-raysync-http", &json!({"sign": "render-bus"}))
            .is_ok()
    }

    /// Starts the proxy (its `start.sh`; on Windows its program) unless it answers already,
    /// and waits until it does.
    fn ensure_running(&self, dir: &Path) -> Result<(), Error> {
        if self.answers() {
            return Ok(());
        }
        let mut start = if cfg!(windows) {
            std::process::Command::new(dir.join("Raysync-sdk.exe"))
        } else {
            let mut sh = std::process::Command::new("sh");
            sh.arg(dir.join("start.sh"));
            sh
        };
        tracing::info!(target: "render_transfer", "starting the Raysync proxy in {}", dir.display());
        start
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| Error::ProxyNotInstalled {
                dir: dir.to_owned(),
                problem: format!("cannot start it: {e}"),
            })?;
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if self.answers() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(Error::Proxy {
            request: "/check-raysync-http".into(),
            problem: format!(
                "the Raysync proxy in {} did not answer within {}s of being started",
                dir.display(),
                START_TIMEOUT.as_secs()
            ),
        })
    }
}

/// The proxy's file list for an upload list, as rayvision_sync's `convert_upload` writes it:
/// one `local:"…" server:"/input/<bid>-<user>/…"` line per file.
pub(crate) fn file_list(assets: &[crate::Asset], bid: &str, user: &str) -> String {
    assets
        .iter()
        .map(|a| {
            format!(
                "local:\"{}\" server:\"/input/{bid}-{user}/{}\"\n",
                a.local,
                a.server.trim_start_matches('/')
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_from_cluster_xml_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = port(dir.path()).unwrap_err();
        assert!(err.to_string().contains("cluster.xml"), "{err}");
        std::fs::write(
            dir.path().join("cluster.xml"),
            r#"<?xml version="1.0"?><cluster><node><port value="32001"/></node></cluster>"#,
        )
        .unwrap();
        assert_eq!(port(dir.path()).unwrap(), "32001");
    }

    #[test]
    fn the_password_never_shows() {
        let task = ProxyTask {
            dir: "/nowhere".into(),
            speed: 1,
            create: json!({"account": "rayvision", "password": "key&1&2&12345678"}),
            poll: Duration::from_secs(1),
            checked: Default::default(),
        };
        assert!(!format!("{task:?}").contains("key&1"));
        assert!(!task.describe().contains("key&1"));
        assert!(task.describe().contains("rayvision"));
    }
}
