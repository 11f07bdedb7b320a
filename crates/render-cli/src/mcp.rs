//! `renderbus mcp`: the API as tools for AI agents, an MCP server on stdio.
//!
//! The tools are generated from the spec (`generated/mcp-tools.json`, by `cargo xtask
//! codegen`): one per endpoint of the chosen generation, named by its wire name, its input
//! schema from the endpoint's parameters and its annotations from the spec. Writes are listed
//! and callable only with `--allow-writes`. A call is the CLI's `renderbus api NAME --body
//! ARGS`: the arguments are read strictly into the typed request (a wrong one is a tool error
//! naming it, and nothing is sent) and the result is the typed reply as JSON, under `data`,
//! with its secret fields (transfer passwords and keys) replaced. Credentials come from the
//! usual settings, never from a tool's arguments.
//!
//! The conveniences an agent needs: `waitForTask` (polls until the task ends, with progress
//! notifications), `submitJob` (a job file, as `renderbus submit`; a write) and, on the tools
//! that take frame ids, a `frames` argument taking frame numbers (`1-10[2],15`).

use std::sync::Arc;
use std::time::Duration;

use render_api_client::frames::FrameNumbers;
use render_api_client::types::{ApiVersion, TaskInfo};
use render_api_client::{Error, Outcome};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ProgressToken,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::Failure;
use crate::exit::Exit;
use crate::generated::Clients;

/// The generated tools of every generation.
const TOOLS: &str = include_str!("generated/mcp-tools.json");

/// What replaces a secret in a result.
const REDACTED: &str = "[redacted]";

/// The name of the convenience tool that waits for a task.
const WAIT: &str = "waitForTask";

/// A tool and what serving it takes, as generated from the spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Entry {
    tool: Tool,
    write: bool,
    secret_fields: Vec<String>,
    by_number: Option<ByNumber>,
}

/// Frame ids a tool also takes by number (the spec's `by_number`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ByNumber {
    /// The parameter of frame ids.
    ids: String,
    /// The parameter holding the task.
    task: String,
    /// The selection parameter, and its code for "the listed frames".
    select: String,
    listed: Value,
}

#[derive(Deserialize)]
struct Generated {
    generations: std::collections::BTreeMap<String, Vec<Entry>>,
}

/// The endpoint tools of generation `api` (the generated file is part of the binary and
/// checked by the tests, so it parses).
fn endpoint_tools(api: ApiVersion) -> Vec<Entry> {
    serde_json::from_str::<Generated>(TOOLS)
        .ok()
        .and_then(|mut g| g.generations.remove(api.name()))
        .unwrap_or_default()
}

/// The `waitForTask` tool.
fn wait_tool() -> Entry {
    let schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["taskId"],
        "properties": {
            "taskId": {"type": "integer", "format": "int64", "description": "The task (任务 ID)."},
            "timeoutSeconds": {
                "type": "number", "minimum": 0, "default": 600,
                "description": "Seconds to wait in all; the tool answers an error if the task has not ended by then (the task is left alone)."
            },
            "intervalSeconds": {
                "type": "number", "minimum": 0.5, "default": 5,
                "description": "Seconds between polls."
            }
        }
    });
    let schema = schema.as_object().cloned().unwrap_or_default();
    let tool = Tool::new(
        WAIT,
        "Wait until a task ends (done, failed or abandoned), polling its status; sends progress \
         notifications (frames done of all) when the call asks for them. Answers the task as last \
         read, with `outcome`: finished, finishedWithFailures, stopped or failed.\n\n等待任务结束。",
        Arc::new(schema),
    )
    .with_title("Wait for a task to end")
    .annotate(
        rmcp::model::ToolAnnotations::new()
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(true),
    );
    Entry {
        tool,
        write: false,
        secret_fields: Vec::new(),
        by_number: None,
    }
}

/// The name of the convenience tool that submits a job file.
const SUBMIT: &str = "submitJob";

/// The `submitJob` tool (a write).
fn submit_tool() -> Entry {
    let schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["path"],
        "properties": {
            "path": {"type": "string", "description": "The job file (TOML), as `renderbus submit` takes it; its state file is kept beside it."},
            "dryRun": {"type": "boolean", "default": false, "description": "Check the file and answer the calls it would make and the task configuration; send nothing."},
            "resume": {"type": "boolean", "default": false, "description": "Go on with a run that stopped half-way (from the state file), without a second task."}
        }
    });
    let schema = schema.as_object().cloned().unwrap_or_default();
    let tool = Tool::new(
        SUBMIT,
        "Submit a whole render from a job file, as `renderbus submit` does: the file is checked          (its keys and frame list, then the software, plugins, hardware and an analyser's tips          against the farm, with reads only), then createTask, taskJsonFile and submitTask, each          step recorded beside the job. Answers the task id; waitForTask waits for it.

按任务文件提交渲染。",
        Arc::new(schema),
    )
    .with_title("Submit a job file")
    .annotate(
        rmcp::model::ToolAnnotations::new()
            .read_only(false)
            .destructive(false)
            .idempotent(false)
            .open_world(true),
    );
    Entry {
        tool,
        write: true,
        secret_fields: Vec::new(),
        by_number: None,
    }
}

/// `submitJob`: the job checked and submitted (API 2 only: API 1 has no taskJsonFile).
fn submit_job(client: &Clients, args: &Map<String, Value>) -> Result<Value, String> {
    use render_api_client::job::{Job, State};
    if let Some(unknown) = args
        .keys()
        .find(|k| !["path", "dryRun", "resume"].contains(&k.as_str()))
    {
        return Err(format!(
            "argument `{unknown}`: submitJob takes no such argument"
        ));
    }
    let flag = |name: &str| match args.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "argument `{name}`: expected true or false, got {other}"
        )),
    };
    let (dry_run, resume) = (flag("dryRun")?, flag("resume")?);
    let Some(path) = args.get("path").and_then(Value::as_str) else {
        return Err("argument `path`: the job file is required".into());
    };
    let job = Job::load(std::path::Path::new(path)).map_err(|e| e.to_string())?;
    if dry_run {
        return Ok(json!({"calls": job.calls(), "taskJson": job.task_config(None, None, None)}));
    }
    let Clients::V2(client) = client else {
        return Err("submitJob needs API 2: API 1 has no taskJsonFile".into());
    };
    let state_file = State::path_for(job.path());
    let mut state = State::open(state_file.clone(), &job, client.core().base_url(), resume)
        .map_err(|e| e.to_string())?;
    let checked = job.check(client).map_err(|e| e.to_string())?;
    let mut steps = Vec::new();
    let task = job
        .submit(client, &checked, &mut state, |step| {
            steps.push(step.to_string())
        })
        .map_err(|e| e.to_string())?;
    Ok(json!({
        "taskId": task,
        "steps": steps,
        "warnings": checked.warnings,
        "stateFile": state_file.display().to_string(),
    }))
}

/// The MCP server: the farm's client and the tools it serves.
struct Server {
    client: Arc<Clients>,
    tools: Vec<Entry>,
}

impl Server {
    fn new(client: Clients, api: ApiVersion, allow_writes: bool) -> Server {
        let mut tools: Vec<Entry> = endpoint_tools(api)
            .into_iter()
            .filter(|e| allow_writes || !e.write)
            .collect();
        tools.push(wait_tool());
        // API 1 has no taskJsonFile: a job cannot be submitted there.
        if allow_writes && api == ApiVersion::V2 {
            tools.push(submit_tool());
        }
        Server {
            client: Arc::new(client),
            tools,
        }
    }

    fn entry(&self, name: &str) -> Option<&Entry> {
        self.tools.iter().find(|e| e.tool.name == name)
    }
}

/// A tool error: the call was understood, and failed (the agent reads why).
fn tool_error(message: impl Into<String>) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(message.into())]).into()
}

/// A result: the value as structured content and as JSON text.
fn tool_result(value: Value) -> CallToolResponse {
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut result = CallToolResult::structured(value);
    result.content = vec![ContentBlock::text(text)];
    result.into()
}

/// Replaces the value of every field named in `secret` (at any depth) with [`REDACTED`].
fn redact(value: &mut Value, secret: &[String]) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if secret.iter().any(|s| s == key) {
                    if !v.is_null() {
                        *v = Value::String(REDACTED.into());
                    }
                } else {
                    redact(v, secret);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, secret)),
        _ => {}
    }
}

impl Clients {
    fn call_json(&self, name: &str, body: &Value) -> Result<Value, Error> {
        let replied = match self {
            Clients::V1(c) => c.call_json(name, body)?,
            Clients::V2(c) => c.call_json(name, body)?,
        };
        Ok(replied.value)
    }

    fn frame_ids(
        &self,
        task: i64,
        numbers: &FrameNumbers,
    ) -> Result<std::collections::BTreeMap<i64, i64>, Error> {
        match self {
            Clients::V1(c) => c.frame_ids(task, numbers),
            Clients::V2(c) => c.frame_ids(task, numbers),
        }
    }

    fn wait(
        &self,
        task: i64,
        timeout: Duration,
        interval: Duration,
        progress: impl FnMut(&TaskInfo) + Send,
    ) -> Result<TaskInfo, Error> {
        match self {
            Clients::V1(c) => c
                .wait_for_task(task)
                .timeout(timeout)
                .interval(interval)
                .on_progress(progress)
                .send(),
            Clients::V2(c) => c
                .wait_for_task(task)
                .timeout(timeout)
                .interval(interval)
                .on_progress(progress)
                .send(),
        }
    }
}

/// Replaces a `frames` argument (frame numbers) with the frame ids it names, and sets the
/// selection to the listed frames. Errors name the argument.
fn frames_to_ids(
    client: &Clients,
    by: &ByNumber,
    args: &mut Map<String, Value>,
) -> Result<(), String> {
    let Some(frames) = args.remove("frames") else {
        return Ok(());
    };
    let Value::String(text) = frames else {
        return Err(format!(
            "argument `frames`: expected a string of frame numbers such as \"1-10[2],15\", got {frames}"
        ));
    };
    let numbers: FrameNumbers = text
        .parse()
        .map_err(|e| format!("argument `frames`: {e}"))?;
    if args.contains_key(&by.ids) {
        return Err(format!(
            "arguments `frames` and `{}` name frames twice: give one",
            by.ids
        ));
    }
    let Some(task) = args.get(&by.task).and_then(Value::as_i64) else {
        return Err(format!(
            "argument `{}`: the task whose frames `frames` numbers is required",
            by.task
        ));
    };
    let ids = client
        .frame_ids(task, &numbers)
        .map_err(|e| format!("argument `frames`: {e}"))?;
    args.insert(by.ids.clone(), json!(ids.into_values().collect::<Vec<_>>()));
    args.insert(by.select.clone(), by.listed.clone());
    Ok(())
}

/// A number argument of `waitForTask`, in seconds.
fn seconds(
    args: &Map<String, Value>,
    name: &str,
    default: f64,
    least: f64,
) -> Result<Duration, String> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(Duration::from_secs_f64(default)),
        Some(v) => match v.as_f64() {
            Some(s) if s.is_finite() && s >= least && s <= 1e9 => Ok(Duration::from_secs_f64(s)),
            _ => Err(format!(
                "argument `{name}`: expected a number of seconds from {least} to 1e9, got {v}"
            )),
        },
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("renderbus", env!("CARGO_PKG_VERSION"))
                    .with_title("Renderbus / Fox Renderfarm"),
            )
            .with_instructions(
                "The Renderbus / Fox Renderfarm API: one tool per endpoint, named as the API \
                 documents name it (getTaskList, queryTaskFrames, …). Results are the reply's \
                 data under `data`. waitForTask waits for a task to end.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.tools.iter().map(|e| e.tool.clone()).collect(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.entry(name).map(|e| e.tool.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let name = request.name.to_string();
        let Some(entry) = self.entry(&name).cloned() else {
            let why = if name == SUBMIT
                || endpoint_tools(ApiVersion::V2)
                    .iter()
                    .chain(&endpoint_tools(ApiVersion::V1))
                    .any(|e| e.tool.name == name && e.write)
            {
                format!("`{name}` is a write: the server lists writes only with --allow-writes")
            } else {
                format!("there is no tool named `{name}`")
            };
            return Err(McpError::invalid_params(why, None));
        };
        let mut args = request.arguments.unwrap_or_default();
        let client = Arc::clone(&self.client);
        if name == WAIT {
            let token = context.meta.get_progress_token();
            return Ok(wait(client, args, token, context.peer).await);
        }
        if name == SUBMIT {
            let submitted = tokio::task::spawn_blocking(move || submit_job(&client, &args)).await;
            return Ok(match submitted {
                Ok(Ok(value)) => tool_result(value),
                Ok(Err(message)) => tool_error(message),
                Err(e) => tool_error(format!("the submission did not finish: {e}")),
            });
        }
        // A defaulted parameter left out takes the default its schema states.
        if let Some(Value::Object(properties)) = entry.tool.input_schema.get("properties") {
            for (name, schema) in properties {
                if let Some(default) = schema.get("default") {
                    args.entry(name.clone()).or_insert_with(|| default.clone());
                }
            }
        }
        let answered = tokio::task::spawn_blocking(move || {
            if let Some(by) = &entry.by_number {
                frames_to_ids(&client, by, &mut args)?;
            }
            let mut data = client
                .call_json(&name, &Value::Object(args))
                .map_err(|e| e.to_string())?;
            redact(&mut data, &entry.secret_fields);
            Ok::<Value, String>(data)
        })
        .await;
        Ok(match answered {
            Ok(Ok(data)) => tool_result(json!({ "data": data })),
            Ok(Err(message)) => tool_error(message),
            Err(e) => tool_error(format!("the call did not finish: {e}")),
        })
    }
}

/// `waitForTask`: the waiter on a blocking thread, each poll a progress notification.
async fn wait(
    client: Arc<Clients>,
    args: Map<String, Value>,
    token: Option<ProgressToken>,
    peer: rmcp::Peer<RoleServer>,
) -> CallToolResponse {
    if let Some(unknown) = args
        .keys()
        .find(|k| !["taskId", "timeoutSeconds", "intervalSeconds"].contains(&k.as_str()))
    {
        return tool_error(format!(
            "argument `{unknown}`: waitForTask takes no such argument"
        ));
    }
    let Some(task) = args.get("taskId").and_then(Value::as_i64) else {
        return tool_error(format!(
            "argument `taskId`: expected a task id (an integer), got {}",
            args.get("taskId")
                .map_or("nothing".into(), Value::to_string)
        ));
    };
    let timeout = match seconds(&args, "timeoutSeconds", 600.0, 0.0) {
        Ok(t) => t,
        Err(e) => return tool_error(e),
    };
    let interval = match seconds(&args, "intervalSeconds", 5.0, 0.5) {
        Ok(t) => t,
        Err(e) => return tool_error(e),
    };
    let runtime = tokio::runtime::Handle::current();
    let waited = tokio::task::spawn_blocking(move || {
        client.wait(task, timeout, interval, |info: &TaskInfo| {
            let Some(token) = token.clone() else { return };
            let done = info.done_frames.unwrap_or(0) as f64;
            let mut note = ProgressNotificationParam::new(token, done)
                .with_message(format!("task {} is {}", info.id, info.task_status));
            if let Some(total) = info.total_frames.filter(|t| *t > 0) {
                note = note.with_total(total as f64);
            }
            // A client gone away is no reason to stop waiting: the result says how it ended.
            let _ = runtime.block_on(peer.notify_progress(note));
        })
    })
    .await;
    match waited {
        Ok(Ok(info)) => {
            let outcome = match Outcome::of(&info.task_status) {
                Some(Outcome::Finished) => "finished",
                Some(Outcome::FinishedWithFailures) => "finishedWithFailures",
                Some(Outcome::Stopped) => "stopped",
                _ => "failed",
            };
            let data = serde_json::to_value(&info).unwrap_or(Value::Null);
            tool_result(json!({ "outcome": outcome, "data": data }))
        }
        Ok(Err(e)) => tool_error(e.to_string()),
        Err(e) => tool_error(format!("the wait did not finish: {e}")),
    }
}

/// Serves the tools on stdin and stdout until the client closes them.
pub(crate) fn serve(client: Clients, api: ApiVersion, allow_writes: bool) -> Result<Exit, Failure> {
    let failure = |what: &str, e: &dyn std::fmt::Display| Failure {
        code: Exit::Failure,
        message: format!("the MCP server {what}: {e}"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failure("cannot start", &e))?;
    runtime.block_on(async {
        let server = Server::new(client, api, allow_writes)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| failure("could not start a session", &e))?;
        server.waiting().await.map_err(|e| failure("stopped", &e))?;
        Ok(Exit::Success)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_tools_parse_and_name_every_endpoint_of_their_generation() {
        for api in ApiVersion::ALL {
            let tools = endpoint_tools(*api);
            let endpoints: Vec<&str> = render_api_client::types::ENDPOINTS
                .iter()
                .filter(|e| e.path(*api).is_some())
                .map(|e| e.name)
                .collect();
            let names: Vec<&str> = tools.iter().map(|e| e.tool.name.as_ref()).collect();
            assert_eq!(names, endpoints, "{api:?}");
            for e in &tools {
                let info = render_api_client::types::EndpointInfo::by_name(&e.tool.name).unwrap();
                assert_eq!(e.write, !info.idempotent, "{}", e.tool.name);
                let read_only = e.tool.annotations.as_ref().and_then(|a| a.read_only_hint);
                assert_eq!(read_only, Some(info.idempotent), "{}", e.tool.name);
            }
        }
    }

    #[test]
    fn writes_and_submit_job_are_listed_only_where_they_can_run() {
        use render_api_client::{Client, Credentials, V1, V2};
        let names = |server: Server| -> Vec<String> {
            server
                .tools
                .iter()
                .map(|e| e.tool.name.to_string())
                .collect()
        };
        let v1 = || {
            let builder = Client::builder().credentials(Credentials::new("id", "key"));
            Clients::V1(builder.api::<V1>().build().unwrap())
        };
        let v2 = || {
            let builder = Client::builder().credentials(Credentials::new("id", "key"));
            Clients::V2(builder.api::<V2>().build().unwrap())
        };
        let read_only = names(Server::new(v2(), ApiVersion::V2, false));
        assert!(read_only.contains(&WAIT.to_owned()) && !read_only.contains(&SUBMIT.to_owned()));
        assert!(!read_only.contains(&"stopTask".to_owned()));
        let writes = names(Server::new(v2(), ApiVersion::V2, true));
        assert!(writes.contains(&SUBMIT.to_owned()) && writes.contains(&"stopTask".to_owned()));
        let v1_writes = names(Server::new(v1(), ApiVersion::V1, true));
        assert!(
            !v1_writes.contains(&SUBMIT.to_owned()),
            "API 1 has no taskJsonFile"
        );
        assert!(v1_writes.contains(&"stopTask".to_owned()));
    }

    #[test]
    fn secrets_are_replaced_at_any_depth_and_nothing_else() {
        let mut value = json!({"a": {"password": "p", "host": "h"}, "list": [{"userKey": "k"}], "signature": null});
        redact(
            &mut value,
            &["password".into(), "userKey".into(), "signature".into()],
        );
        assert_eq!(
            value,
            json!({"a": {"password": REDACTED, "host": "h"}, "list": [{"userKey": REDACTED}], "signature": null})
        );
    }
}
