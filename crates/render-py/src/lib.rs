//! The native module of the `renderbus` Python package (`renderbus._native`): the Rust client
//! ([`render_api_client::Client`]) and the mock farm ([`render_api_mock::MockFarm`]) behind
//! `import renderbus`.
//!
//! It is deliberately small and untyped: calls go by wire name with JSON text in and out
//! ([`Client::call_json`](render_api_client::Client::call_json), so the request is checked
//! against the spec, signed, retried and read back by the one client core), pages walk with
//! [`JsonPages`], and waits are the client's own. The
//! Python methods, enums and type stubs above it are generated from `api-spec.yaml` by
//! `cargo xtask codegen`; errors become the exceptions of `renderbus._errors`.
//!
//! Every call releases the GIL, so one client serves many threads at once; a wait checks for
//! Ctrl-C between its polls.

use std::sync::Mutex;
use std::time::Duration;

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use render_api_client::dynamic::JsonPages;
use render_api_client::types::CodedEnum;
use render_api_client::{ApiVersion, Error, RetryPolicy, Settings, V1, V2};
use serde_json::Value;

/// A client of one API generation.
enum Inner {
    V1(render_api_client::Client<V1>),
    V2(render_api_client::Client<V2>),
}

/// Runs `$body` with `$c` bound to the client, whichever its generation.
macro_rules! with_client {
    ($inner:expr, $c:ident => $body:expr) => {
        match $inner {
            Inner::V1($c) => $body,
            Inner::V2($c) => $body,
        }
    };
}

/// The client (`renderbus._native.Client`): see `renderbus.Client`, which the generated
/// methods extend.
#[pyclass(frozen, subclass, module = "renderbus._native")]
pub struct Client {
    inner: Inner,
}

#[pymethods]
impl Client {
    /// Resolves the settings as the CLI does (arguments, then `RENDERBUS_*` variables, then
    /// the profile) and builds the client.
    #[new]
    #[pyo3(signature = (access_id=None, access_key=None, host=None, platform=None, api_version=None, profile=None, timeout=None, retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        access_id: Option<String>,
        access_key: Option<String>,
        host: Option<String>,
        platform: Option<&Bound<'_, PyAny>>,
        api_version: Option<&Bound<'_, PyAny>>,
        profile: Option<String>,
        timeout: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<Self> {
        let text = |v: Option<&Bound<'_, PyAny>>| -> PyResult<Option<String>> {
            v.map(|v| v.str().map(|s| s.to_string())).transpose()
        };
        let explicit = Settings::new(
            access_id,
            access_key,
            host,
            text(platform)?,
            text(api_version)?,
        );
        let resolved = Settings::resolve(explicit, profile.as_deref()).map_err(|e| to_py(py, e))?;
        let mut builder = render_api_client::Client::builder()
            .host(resolved.host)
            .platform(resolved.platform)
            .credentials(resolved.credentials);
        if let Some(seconds) = timeout {
            let timeout = seconds_to_duration("timeout", seconds)?;
            builder = builder.timeout(timeout).call_timeout(timeout);
        }
        if let Some(retries) = retries {
            builder = builder.retry(RetryPolicy {
                max_attempts: retries.saturating_add(1),
                ..RetryPolicy::default()
            });
        }
        let inner = match resolved.api.unwrap_or(ApiVersion::LATEST) {
            ApiVersion::V1 => builder.api::<V1>().build().map(Inner::V1),
            ApiVersion::V2 => builder.api::<V2>().build().map(Inner::V2),
        };
        Ok(Client {
            inner: inner.map_err(|e| to_py(py, e))?,
        })
    }

    /// The API generation spoken: 1 or 2.
    #[getter]
    fn api_version(&self) -> u8 {
        match self.inner {
            Inner::V1(_) => 1,
            Inner::V2(_) => 2,
        }
    }

    /// The service's base URL (`https://task.renderbus.com`).
    #[getter]
    fn url(&self) -> String {
        with_client!(&self.inner, c => c.base_url().to_owned())
    }

    /// The platform number sent in every request's `platform` header.
    #[getter]
    fn platform(&self) -> String {
        with_client!(&self.inner, c => c.core().platform().to_owned())
    }

    /// Calls the endpoint `name` (its wire name) with the JSON object `body`; answers the
    /// reply's `data` as JSON text: as the SDK reads it (checked against the spec, everything
    /// the reply holds kept), or with `raw` as the service sent it, unchecked.
    #[pyo3(signature = (name, body, raw=false))]
    fn call(&self, py: Python<'_>, name: &str, body: &str, raw: bool) -> PyResult<String> {
        let body = parse_body(body)?;
        let result = py.detach(|| {
            with_client!(&self.inner, c => if raw {
                c.call_json_unchecked(name, &body)
            } else {
                c.call_json(name, &body)
            })
        });
        match result {
            Ok(replied) => Ok(replied.value.to_string()),
            Err(e) => Err(to_py(py, e)),
        }
    }

    /// The pages of the paginated endpoint `name` from the page `body` asks for; nothing is
    /// sent until the first `next_page`.
    fn pages(slf: Bound<'_, Self>, name: &str, body: &str) -> PyResult<Pages> {
        let py = slf.py();
        let body = parse_body(body)?;
        let walk = with_client!(&slf.get().inner, c => c.pages_json(name, &body))
            .map_err(|e| to_py(py, e))?;
        Ok(Pages {
            client: slf.unbind(),
            walk: Mutex::new(walk),
        })
    }

    /// Waits for task `task_id` to end; answers the task as last seen, as JSON text.
    /// `on_progress(json_text)` is called at every poll that answered; Ctrl-C (or an exception
    /// from `on_progress`) ends the wait between polls.
    #[pyo3(signature = (task_id, timeout=None, interval=None, on_progress=None))]
    fn wait_for_task(
        &self,
        py: Python<'_>,
        task_id: i64,
        timeout: Option<f64>,
        interval: Option<f64>,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let timeout = timeout
            .map(|s| seconds_to_duration("timeout", s))
            .transpose()?;
        let interval = interval
            .map(|s| seconds_to_duration("interval", s))
            .transpose()?;
        // The first exception raised while waiting (Ctrl-C, or from `on_progress`) ends it.
        let raised: Mutex<Option<PyErr>> = Mutex::new(None);
        let result = py.detach(|| {
            with_client!(&self.inner, c => {
                let mut wait = c.wait_for_task(task_id);
                if let Some(timeout) = timeout {
                    wait = wait.timeout(timeout);
                }
                if let Some(interval) = interval {
                    wait = wait.interval(interval);
                }
                let raised = &raised;
                let progress = on_progress.as_ref();
                wait.on_progress(move |task| {
                    let Some(callback) = progress else { return };
                    let text = serde_json::to_string(task).unwrap_or_default();
                    Python::attach(|py| {
                        if let Err(e) = callback.call1(py, (text,)) {
                            keep_first(raised, e);
                        }
                    });
                })
                .interrupt(move || {
                    Python::attach(|py| {
                        if let Err(e) = py.check_signals() {
                            keep_first(raised, e);
                        }
                    });
                    lock(raised).is_some()
                })
                .send()
            })
        });
        if let Some(e) = lock(&raised).take() {
            return Err(e);
        }
        match result {
            Ok(task) => serde_json::to_string(&task).map_err(|e| {
                PyRuntimeError::new_err(format!("the task could not be written: {e}"))
            }),
            Err(e) => Err(to_py(py, e)),
        }
    }

    fn __repr__(&self) -> String {
        with_client!(&self.inner, c => format!(
            "<renderbus.Client {} api_version={} platform={}>",
            c.base_url(),
            self.api_version(),
            c.core().platform()
        ))
    }
}

/// A walk over the pages of a paginated endpoint (`Client.pages`).
#[pyclass(frozen, module = "renderbus._native")]
pub struct Pages {
    client: Py<Client>,
    walk: Mutex<JsonPages>,
}

#[pymethods]
impl Pages {
    /// The next page's `data` as JSON text, or `None` after the last page.
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let client = self.client.get();
        let next = py.detach(|| {
            let mut walk = lock(&self.walk);
            with_client!(&client.inner, c => walk.next_page(c))
        });
        match next {
            None => Ok(None),
            Some(Ok(page)) => Ok(Some(page.to_string())),
            Some(Err(e)) => Err(to_py(py, e)),
        }
    }
}

/// A fake farm on 127.0.0.1 (`renderbus.MockFarm`): it verifies every signature as the
/// service does and keeps a simulated farm's state. `close()` stops it.
#[pyclass(frozen, module = "renderbus._native")]
pub struct MockFarm {
    farm: Mutex<Option<render_api_mock::MockFarm>>,
    url: String,
    access_id: String,
    access_key: String,
}

#[pymethods]
impl MockFarm {
    /// Starts a farm: `speed` farm seconds per real second (0 freezes its clock), `frames` per
    /// task, `fail_frames` (1-based frame numbers that fail on their first attempt), and
    /// `sub_account` (the account shares a main account's storage).
    #[new]
    #[pyo3(signature = (speed=60.0, frames=10, fail_frames=Vec::new(), sub_account=false))]
    fn new(
        speed: f64,
        frames: usize,
        fail_frames: Vec<usize>,
        sub_account: bool,
    ) -> PyResult<Self> {
        if !(speed.is_finite() && speed >= 0.0) {
            return Err(invalid(
                "speed",
                format!("speed must be 0 or more farm seconds per second, not {speed}"),
            ));
        }
        if let Some(bad) = fail_frames.iter().find(|n| **n == 0 || **n > frames) {
            return Err(invalid(
                "fail_frames",
                format!("fail_frames names frame {bad}, but frames are numbered 1 to {frames}"),
            ));
        }
        let farm = render_api_mock::MockFarm::builder()
            .farm(render_api_mock::FarmConfig {
                frames_per_task: frames,
                speed,
                failing_frames: fail_frames,
                sub_account,
                ..render_api_mock::FarmConfig::default()
            })
            .start()
            .map_err(|e| PyRuntimeError::new_err(format!("the mock farm could not start: {e}")))?;
        Ok(MockFarm {
            url: farm.url().to_owned(),
            access_id: farm.access_id().to_owned(),
            access_key: farm.access_key().to_owned(),
            farm: Mutex::new(Some(farm)),
        })
    }

    /// The farm's base URL, `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The access id the farm accepts.
    #[getter]
    fn access_id(&self) -> &str {
        &self.access_id
    }

    /// The access key the farm accepts (never shown by `repr`).
    #[getter]
    fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Moves the farm's clock `seconds` ahead (a farm with `speed=0` moves only so).
    fn advance(&self, seconds: f64) -> PyResult<()> {
        let by = seconds_to_duration("seconds", seconds)?;
        if let Some(farm) = lock(&self.farm).as_ref() {
            farm.farm().advance(by);
        }
        Ok(())
    }

    /// How many requests for endpoint `name` reached the farm (retries included).
    fn attempts(&self, name: &str) -> u64 {
        lock(&self.farm).as_ref().map_or(0, |f| f.attempts(name))
    }

    /// Stops the farm (also when the object is collected).
    fn close(&self, py: Python<'_>) {
        let farm = lock(&self.farm).take();
        py.detach(move || drop(farm));
    }

    fn __repr__(&self) -> String {
        let state = if lock(&self.farm).is_some() {
            ""
        } else {
            " closed"
        };
        format!("<renderbus.MockFarm {}{state}>", self.url)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn keep_first(slot: &Mutex<Option<PyErr>>, e: PyErr) {
    let mut slot = lock(slot);
    if slot.is_none() {
        *slot = Some(e);
    }
}

fn parse_body(body: &str) -> PyResult<Value> {
    serde_json::from_str(body)
        .map_err(|e| PyValueError::new_err(format!("the request body is not JSON: {e}")))
}

fn seconds_to_duration(name: &str, seconds: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        invalid(
            name,
            format!("{name} must be 0 or more seconds, not {seconds}"),
        )
    })
}

/// `renderbus.InvalidArgument(message, argument=name)`.
fn invalid(argument: &str, message: String) -> PyErr {
    Python::attach(|py| {
        exception(
            py,
            "InvalidArgument",
            message,
            &[("argument", argument.into_bound_py_any(py))],
        )
    })
}

/// The exception of `renderbus._errors` named `class`, made with `message` and attributes.
fn exception<'py>(
    py: Python<'py>,
    class: &str,
    message: String,
    attributes: &[(&str, PyResult<Bound<'py, PyAny>>)],
) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        for (name, value) in attributes {
            match value {
                Ok(v) => kwargs.set_item(name, v)?,
                Err(e) => return Err(e.clone_ref(py)),
            }
        }
        let class = py.import("renderbus._errors")?.getattr(class)?;
        let instance = class.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    })();
    made.unwrap_or_else(|e| e)
}

/// The exception for a client error: see `renderbus._errors` for the classes and their
/// attributes.
fn to_py(py: Python<'_>, error: Error) -> PyErr {
    let message = error.to_string();
    let text = |s: &str| s.into_bound_py_any(py);
    let opt_text = |s: Option<&str>| s.into_bound_py_any(py);
    let int = |n: i64| n.into_bound_py_any(py);
    match &error {
        Error::Api {
            endpoint,
            code,
            message: said,
            request_id,
            ..
        } => exception(
            py,
            "ApiError",
            message.clone(),
            &[
                ("code", int(code.code())),
                ("name", opt_text(code.name())),
                ("service_message", text(said)),
                ("request_id", opt_text(request_id.as_deref())),
                ("endpoint", text(endpoint)),
            ],
        ),
        Error::OutcomeUnknown {
            endpoint,
            checked,
            why,
            ..
        } => exception(
            py,
            "OutcomeUnknown",
            message.clone(),
            &[
                ("endpoint", text(endpoint)),
                ("checked", opt_text(*checked)),
                ("why", text(why)),
            ],
        ),
        Error::Transport { endpoint, .. } | Error::Timeout { endpoint, .. } => exception(
            py,
            "TransportError",
            message.clone(),
            &[("endpoint", text(endpoint))],
        ),
        Error::Http {
            endpoint, status, ..
        } => exception(
            py,
            "TransportError",
            message.clone(),
            &[
                ("endpoint", text(endpoint)),
                ("status", int(i64::from(*status))),
            ],
        ),
        Error::Decode {
            endpoint,
            path,
            body,
            ..
        } => exception(
            py,
            "DecodeError",
            message.clone(),
            &[
                ("endpoint", text(endpoint)),
                ("path", text(path)),
                ("body", Ok(PyBytes::new(py, body.as_bytes()).into_any())),
            ],
        ),
        Error::Request { endpoint, path, .. } => exception(
            py,
            "InvalidArgument",
            message.clone(),
            &[
                ("argument", text(&argument_of(path))),
                ("endpoint", text(endpoint)),
            ],
        ),
        Error::Unsupported { endpoint, .. } => exception(
            py,
            "Unsupported",
            message.clone(),
            &[("endpoint", text(endpoint))],
        ),
        Error::UnknownEndpoint { name, .. } => exception(
            py,
            "InvalidArgument",
            message.clone(),
            &[("argument", text("name")), ("endpoint", text(name))],
        ),
        Error::Config(_) | Error::Setting { .. } => {
            exception(py, "ConfigError", message.clone(), &[])
        }
        Error::WaitTimeout {
            task_id,
            last_status,
            outage,
            ..
        } => exception(
            py,
            "WaitTimeout",
            message.clone(),
            &[
                ("task_id", int(*task_id)),
                (
                    "last_status",
                    match last_status {
                        Some(s) => int(s.code()),
                        None => Ok(py.None().into_bound(py)),
                    },
                ),
                (
                    "outage",
                    opt_text(outage.as_ref().map(|e| e.to_string()).as_deref()),
                ),
            ],
        ),
        Error::Interrupted { .. } => pyo3::exceptions::PyKeyboardInterrupt::new_err(message),
        _ => exception(py, "Error", message.clone(), &[]),
    }
}

/// The Python argument a request's JSON path points into: `$.taskIds[1]` → `task_ids`.
fn argument_of(path: &str) -> String {
    let first = path
        .trim_start_matches('$')
        .trim_start_matches('.')
        .split(['.', '['])
        .next()
        .unwrap_or_default();
    heck::ToSnakeCase::to_snake_case(first)
}

/// The `renderbus._native` module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<Pages>()?;
    m.add_class::<MockFarm>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::argument_of;

    #[test]
    fn a_requests_json_path_names_the_python_argument() {
        assert_eq!(argument_of("$.taskIds[1]"), "task_ids");
        assert_eq!(argument_of("$.pageSize"), "page_size");
        assert_eq!(argument_of("$.labels.name"), "labels");
        assert_eq!(argument_of("$"), "");
    }
}
