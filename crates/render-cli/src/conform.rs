//! `renderbus conform`: calls a server speaking this API through a stateful sequence of every
//! endpoint (reads only with `--read-only`) and checks each reply strictly against the spec:
//! unknown fields, codes an enum does not know, missing required fields, wrong types, nulls
//! where the spec says non-null, and service codes other than success.
//!
//! It calls through the typed client by wire name (`Client::call_json_unchecked`), which signs, sends
//! and reads like every other call, and keeps each reply as received: the strict walk is over
//! those bytes, while the client itself reads leniently by design.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use render_api_client::{ApiVersion, Error, Replied};
use render_spec::{ENVELOPE_FIELDS, Spec};

use crate::generated::Clients;
use serde::Serialize;
use serde_json::{Value, json};

/// The spec this binary was built from.
const SPEC: &str = include_str!("generated/api-spec.yaml");

/// The spec model of [`SPEC`].
pub fn spec() -> Result<Spec, String> {
    render_spec::parse("api-spec.yaml", SPEC).map_err(|e| e.to_string())
}

/// What to check.
pub struct Options {
    /// The generation to speak.
    pub api: ApiVersion,
    /// Call only reads (safe on a production account).
    pub read_only: bool,
}

/// One disagreement between a reply and the spec.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The endpoint called.
    pub endpoint: String,
    /// The JSON path in the reply envelope.
    pub path: String,
    /// What the spec says.
    pub expected: String,
    /// What the server sent.
    pub got: String,
}

/// What a run found and covered.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// The API version spoken.
    pub api_version: String,
    /// Every disagreement.
    pub findings: Vec<Finding>,
    /// Endpoints called, by name.
    pub endpoints_called: BTreeSet<String>,
    /// Endpoints of the generation.
    pub endpoints_total: usize,
    /// Enum values seen, by enum.
    pub enum_values_seen: BTreeMap<String, BTreeSet<String>>,
    /// Known enum values of the generation.
    pub enum_values_total: usize,
    /// Service codes seen, with how often.
    pub codes_seen: BTreeMap<i64, usize>,
    /// Steps skipped, and why.
    pub skipped: Vec<String>,
}

impl Report {
    /// Whether the server agreed with the spec everywhere it was asked.
    pub fn clean(&self) -> bool {
        self.findings.is_empty()
    }

    fn percent(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            100.0
        } else {
            part as f64 * 100.0 / whole as f64
        }
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&format!(
                "{} {}: expected {}, got {}\n",
                f.endpoint, f.path, f.expected, f.got
            ));
        }
        for s in &self.skipped {
            out.push_str(&format!("skipped: {s}\n"));
        }
        let seen: usize = self.enum_values_seen.values().map(BTreeSet::len).sum();
        let codes: Vec<String> = self
            .codes_seen
            .iter()
            .map(|(c, n)| format!("{c}×{n}"))
            .collect();
        out.push_str(&format!(
            "API {}: {} finding(s)\nendpoints called: {} of {} ({:.0}%)\nenum values seen: {} of {} ({:.0}%)\nservice codes seen: {}\n",
            self.api_version,
            self.findings.len(),
            self.endpoints_called.len(),
            self.endpoints_total,
            Self::percent(self.endpoints_called.len(), self.endpoints_total),
            seen,
            self.enum_values_total,
            Self::percent(seen, self.enum_values_total),
            codes.join(", ")
        ));
        out
    }
}

struct Run<'a> {
    spec: &'a Spec,
    g: render_spec::GenId,
    options: &'a Options,
    client: &'a Clients,
    report: Report,
    /// Why the run stopped early: the server could not be reached, or refused the credentials.
    stopped: Option<Error>,
}

/// Runs the sequence through `client` and returns the report; `Err` only when the run cannot
/// start.
pub fn run(spec: &Spec, client: &Clients, options: &Options) -> Result<Report, Stop> {
    let g = spec
        .generation_named(options.api.name())
        .ok_or_else(|| Stop::Setup(format!("the spec has no generation {}", options.api.name())))?;
    let mut run = Run {
        spec,
        g,
        options,
        client,
        stopped: None,
        report: Report {
            api_version: options.api.header().to_owned(),
            endpoints_total: spec
                .endpoints
                .iter()
                .filter(|e| e.path_in(g).is_some())
                .count(),
            enum_values_total: spec
                .enums
                .iter()
                .flat_map(|e| &e.values)
                .filter(|v| v.only.is_none_or(|o| o == g))
                .count(),
            ..Report::default()
        },
    };
    run.sequence();
    match run.stopped {
        Some(error) => Err(Stop::Unanswered(error)),
        None => Ok(run.report),
    }
}

/// Why a run did not produce a report.
#[derive(Debug)]
pub enum Stop {
    /// It could not start (a generation the spec lacks).
    Setup(String),
    /// The server could not be reached, or refused the credentials: not a disagreement with
    /// the spec, so the run stops at the first such reply.
    Unanswered(Error),
}

/// Whether `error` says the server was not reached or refused the credentials, rather than
/// that it answered a call.
fn ends_the_run(error: &Error) -> bool {
    use render_api_client::types::ErrorCode;
    match error {
        Error::Transport { .. } | Error::Timeout { .. } | Error::Http { .. } => true,
        Error::Api { code, .. } => matches!(
            code,
            ErrorCode::Forbidden
                | ErrorCode::SignatureInvalid
                | ErrorCode::SignatureExpired
                | ErrorCode::NeedUserLogin
        ),
        _ => false,
    }
}

impl Run<'_> {
    fn v2(&self) -> bool {
        self.options.api != ApiVersion::V1
    }

    /// Calls `name` with `body` and checks the reply; the reply's `data` when it succeeded.
    fn call(&mut self, name: &str, body: Value) -> Option<Value> {
        let spec = self.spec;
        let ep = spec.endpoint(name)?;
        ep.path_in(self.g)?;
        if self.stopped.is_some() || (self.options.read_only && !ep.idempotent) {
            return None;
        }
        self.report.endpoints_called.insert(name.to_owned());
        let found = |path: &str, expected: &str, got: String| Finding {
            endpoint: name.to_owned(),
            path: path.to_owned(),
            expected: expected.to_owned(),
            got,
        };
        let reply = match self.send(name, &body) {
            Ok(reply) => reply,
            Err(e) if ends_the_run(&e) => {
                self.stopped = Some(e);
                return None;
            }
            Err(Error::Api { code, message, .. }) => {
                *self.report.codes_seen.entry(code.code()).or_default() += 1;
                self.report.findings.push(found(
                    "$.code",
                    "200 (success)",
                    format!("{} {message}", code.code()),
                ));
                return None;
            }
            Err(Error::Decode { path, source, .. }) => {
                self.report.findings.push(found(
                    &path,
                    "what the spec describes",
                    source.to_string(),
                ));
                return None;
            }
            Err(e) => {
                self.report
                    .findings
                    .push(found("$", "a reply", e.to_string()));
                return None;
            }
        };
        let Ok(envelope) = serde_json::from_slice::<Value>(&reply.reply.body) else {
            let text: String = String::from_utf8_lossy(&reply.reply.body)
                .chars()
                .take(120)
                .collect();
            self.report
                .findings
                .push(found("$", "a JSON envelope", text));
            return None;
        };
        let Some(map) = envelope.as_object() else {
            self.report
                .findings
                .push(found("$", "an object", envelope.to_string()));
            return None;
        };
        for (key, value) in map {
            if !ENVELOPE_FIELDS.contains(&key.as_str()) {
                self.report.findings.push(found(
                    &format!("$.{key}"),
                    "no such envelope field",
                    value.to_string(),
                ));
            }
        }
        let code = map.get("code").and_then(Value::as_i64);
        let Some(code) = code else {
            self.report.findings.push(found(
                "$.code",
                "an integer code",
                format!("{:?}", map.get("code")),
            ));
            return None;
        };
        *self.report.codes_seen.entry(code).or_default() += 1;
        if code != 200 {
            let message = map.get("message").and_then(Value::as_str).unwrap_or("");
            self.report.findings.push(found(
                "$.code",
                "200 (success)",
                format!("{code} {message}"),
            ));
            return None;
        }
        // The envelope's `version` is not checked: the service's own replies say 1.0.0 in API
        // 2 too (its document shows both).
        let data = map.get("data").cloned().unwrap_or(Value::Null);
        let checked = ep.response.check_strict(spec, &data, false, "$.data");
        for f in checked.findings {
            self.report.findings.push(found(&f.at, &f.expected, f.got));
        }
        for (e, code) in checked.enum_values {
            self.report
                .enum_values_seen
                .entry(e)
                .or_default()
                .insert(code);
        }
        Some(data)
    }

    /// One call by wire name through the client: signed, sent and read like every other.
    fn send(&self, name: &str, body: &Value) -> Result<Replied<Value>, Error> {
        match self.client {
            Clients::V1(c) => c.call_json_unchecked(name, body),
            Clients::V2(c) => c.call_json_unchecked(name, body),
        }
    }

    fn skip(&mut self, what: &str) {
        self.report.skipped.push(what.to_owned());
    }

    /// create → submit → poll → frames → restart → stop → start → abort → delete, labels,
    /// render environments, settings; every read on the way.
    fn sequence(&mut self) {
        let v2 = self.v2();
        let profile = self.call("queryUserProfile", json!({})).unwrap_or_default();
        let platform = profile.get("platform").and_then(Value::as_i64).unwrap_or(2);
        let setting = self.call("queryUserSetting", json!({})).unwrap_or_default();
        self.call("queryPlatforms", json!({"zone": 1}));
        self.call("getTransferBid", json!({}));
        self.call("getTransferServerMsg", json!({"zone": 1}));
        self.call("getRaySyncUserKey", json!({}));
        self.call("querySupportedSoftware", json!({}));
        if v2 {
            self.call(
                "querySupportedPlugin",
                json!({"cgId": 2000, "osName": "linux"}),
            );
            self.call(
                "queryErrorDetail",
                json!({"code": "15000", "language": "0"}),
            );
            self.call("getConfig", json!({}));
            self.call("getUserPackNodeInfo", json!({}));
            self.call("loginRecord", json!({"pageNum": 1, "pageSize": 20}));
            self.call("getOutputUserDirFile", json!({"treePath": "/"}));
        } else {
            self.call("querySupportedPlugin", json!({"cgId": 2000}));
            self.call(
                "queryErrorDetail",
                json!({"code": "15000", "language": "0"}),
            );
        }

        // Tasks: our own when we may write, else the account's newest.
        let created = self
            .call("createTask", json!({"count": 2}))
            .unwrap_or_default();
        let ids: Vec<i64> = created
            .get("taskIdList")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        let listed = self
            .call("getTaskList", json!({"pageNum": 1, "pageSize": 20}))
            .unwrap_or_default();
        let task = ids.first().copied().or_else(|| {
            listed
                .get("items")?
                .as_array()?
                .first()?
                .get("id")?
                .as_i64()
        });
        let Some(task) = task else {
            self.skip("task calls: no task to call them on");
            self.rest(platform, &setting);
            return;
        };
        if v2 {
            self.call(
                "taskJsonFile",
                json!({"taskId": task, "fileName": "task.json", "content": "{}"}),
            );
        }
        self.call("submitTask", json!({"taskId": task}));
        self.call(
            "updateTaskUserLevel",
            json!({"taskId": task, "taskUserLevel": 60}),
        );
        self.call(
            "setOverTimeStop",
            json!({"taskIds": [task], "overTime": 7200}),
        );
        self.call("fullSpeed", json!({"taskIds": [task]}));
        if v2 {
            self.call("updateTaskLimit", json!({"taskId": task, "taskLimit": 10}));
            self.call(
                "addTaskLabel",
                json!({"label": "conform", "taskIds": [task]}),
            );
            self.call(
                "deleteTaskLabel",
                json!({"taskIds": [task], "labelNames": ["conform"]}),
            );
            let configs = self
                .call(
                    "listHardwareConfigs",
                    json!({"cloneTask": "false", "taskIds": [task.to_string()]}),
                )
                .unwrap_or_default();
            if let Some(id) = configs
                .as_array()
                .and_then(|a| a.first())
                .and_then(|c| c.get("id"))
            {
                self.call(
                    "editTaskHardwareConfig",
                    json!({"taskIds": [task.to_string()], "hardwareConfigIds": [id.to_string()], "model": "", "gpuNum": "", "ram": ""}),
                );
            }
        }
        self.call("queryTaskInfo", json!({"taskIds": [task]}));
        self.call("queryAllFrameStats", json!({}));
        // Frames appear once the task is analysed; a server whose tasks need uploaded scenes
        // may never show any, and then the frame calls are skipped, not failed.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut frame = None;
        while frame.is_none() && Instant::now() < deadline {
            let page = self
                .call(
                    "queryTaskFrames",
                    json!({"taskId": task, "pageNum": 1, "pageSize": 20}),
                )
                .unwrap_or_default();
            frame = page
                .get("items")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|f| f.get("id"))
                .and_then(Value::as_i64);
            if frame.is_none() {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        self.call("loadTaskProcessImg", json!({"taskId": task}));
        match frame {
            Some(f) => {
                self.call("loadingFrameThumbnail", json!({"id": f, "frameStatus": 4}));
                if v2 {
                    self.call(
                        "showLog",
                        json!({"renderingType": "render", "pageNum": 1, "pageSize": 20, "id": f}),
                    );
                    self.call(
                        "stopTaskFrames",
                        json!({"taskId": task, "selectAll": 0, "ids": [f]}),
                    );
                }
                self.call(
                    "restartFrame",
                    json!({"taskId": task, "selectAll": 0, "ids": [f]}),
                );
                self.call("restartFailedFrames", json!({"taskIds": [task]}));
            }
            None => self.skip("frame calls: the task showed no frames within 30 s"),
        }
        if let Some(&other) = ids.get(1) {
            self.call("submitTask", json!({"taskId": other}));
            self.call("stopTask", json!({"taskIds": [other]}));
            self.call("startTask", json!({"taskIds": [other]}));
            self.call("abortTask", json!({"taskIds": [other]}));
            self.call("deleteTask", json!({"taskIds": [other]}));
        }
        self.rest(platform, &setting);
    }

    /// Labels, render environments, settings and logs.
    fn rest(&mut self, platform: i64, setting: &Value) {
        let v2 = self.v2();
        self.call("addLabel", json!({"newName": "conform-label", "status": 0}));
        self.call("getLabelList", json!({}));
        if v2 {
            self.call("listProjects", json!({"flag": 0}));
        }
        self.call("deleteLabel", json!({"delName": "conform-label"}));
        let env = json!({"cgId": 2000, "cgName": "Maya", "cgVersion": "2020", "renderLayerType": 0,
                          "editName": "conform-env", "renderSystem": 1, "pluginIds": []});
        self.call("addRenderEnv", env.clone());
        let mut changed = env;
        changed["renderSystem"] = json!(0);
        self.call("updateRenderEnv", changed);
        self.call("setDefaultRenderEnv", json!({"editName": "conform-env"}));
        if v2 {
            self.call("getRenderEnv", json!({"cgIds": [2000]}));
        } else {
            self.call("getRenderEnv", json!({"cgId": 2000}));
        }
        self.call("deleteRenderEnv", json!({"editName": "conform-env"}));
        // The account's time limit, written back as it was.
        if let Some(hours) = setting.get("taskOverTime").and_then(Value::as_i64) {
            self.call(
                "updateUserSetting",
                json!({"taskOverTimeSec": hours * 3600}),
            );
        } else {
            self.skip(
                "updateUserSetting: the account's current limit is unknown, so it is left alone",
            );
        }
        if v2 {
            self.call(
                "taskRecord",
                json!({"platform": platform, "pageNum": 1, "pageSize": 20}),
            );
        }
    }
}
