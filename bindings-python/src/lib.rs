//! `connector_service._native`: the small native layer of the Python package.
//!
//! It wraps the core's JSON interface (`connector_service::json`) and nothing else: the typed
//! Python API (generated dataclasses, enums, exceptions, services) lives in
//! `python/connector_service/` and converts to and from the JSON this module speaks. Errors
//! leave as `NativeError` whose single argument is the core error's JSON; the Python layer
//! turns it into the exception class of its code.
//!
//! Rules kept here: the GIL is released whenever Rust works or waits; every entry point runs
//! its work through the core's FFI guard (`connector_service::ffi`: one error JSON shape, a
//! panic becomes an `internal` error), so no panic crosses into Python; one tokio runtime per
//! process ([`runtime`]), and a client is bound to the process that created it.

mod bridge;
mod observe;
mod runtime;
mod values;

/// The allocator of this library's Rust code: mimalloc (the workspace Cargo.toml says why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::mem::ManuallyDrop;
use std::time::Duration;

use connector_service::ffi::{self, FfiError};
use connector_service::json::{api_schema, JsonClient, JsonConnector};
use connector_service::types::Bytes;
use connector_service::{Currency, Error, ErrorCode, FlowRequest, HttpResponse, Money, Step};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

create_exception!(
    _native,
    NativeError,
    PyException,
    "An error of the core; its only argument is the error as JSON."
);

/// The one place an error becomes a Python exception: `NativeError(<the core's error JSON>)`.
pub(crate) fn py_err(error: FfiError) -> PyErr {
    NativeError::new_err(error.into_json())
}

fn to_py_err(error: &Error) -> PyErr {
    py_err(error.clone().into())
}

fn runtime_error(e: std::io::Error) -> PyErr {
    to_py_err(&Error::internal(format!(
        "cannot start the tokio runtime: {e}"
    )))
}

/// A client of the core, driven with JSON. Bound to the process that created it.
#[pyclass(module = "connector_service._native", frozen)]
struct NativeClient {
    // Not dropped in a forked child: its pool belongs to the parent's runtime.
    inner: ManuallyDrop<JsonClient>,
    pid: u32,
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        if self.pid == std::process::id() {
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(&mut self.inner) }
        }
    }
}

impl NativeClient {
    fn check_process(&self) -> PyResult<()> {
        let pid = std::process::id();
        if pid == self.pid {
            return Ok(());
        }
        Err(to_py_err(&Error::configuration(format!(
            "this client was created in process {} and cannot make calls in process {pid}, a fork \
             of it: its connections and runtime belong to the parent. Create a new client in \
             the child process.",
            self.pid
        ))))
    }
}

#[pymethods]
impl NativeClient {
    /// `on_call`: a callable receiving the JSON of every call's `CallRecord`.
    #[new]
    #[pyo3(signature = (config_json, on_call=None))]
    fn new(
        py: Python<'_>,
        config_json: String,
        on_call: Option<Py<PyAny>>,
    ) -> PyResult<NativeClient> {
        let rt = runtime::runtime().map_err(runtime_error)?;
        let client = py
            .detach(|| {
                let _guard = rt.enter();
                ffi::guard(|| JsonClient::new(&config_json))
            })
            .map_err(py_err)?;
        Ok(NativeClient {
            inner: ManuallyDrop::new(observe::with_observer(client, on_call)),
            pid: std::process::id(),
        })
    }

    /// The connector's name (`adyen`, `razorpay`, ...).
    #[getter]
    fn connector(&self) -> &'static str {
        self.inner.connector_name().as_str()
    }

    /// The pid of the process that created this client.
    #[getter]
    fn pid(&self) -> u32 {
        self.pid
    }

    /// Starts operation `op`; returns the call's future, an awaitable of the event loop
    /// `event_loop`, which `completer` serves (see `bridge.rs`): its result is the response's
    /// JSON form as Python values, or a `NativeError`. The call runs on the loop's thread, its
    /// exchanges watched by the loop, where the client has the transport for it (no proxy;
    /// Linux); otherwise on the runtime.
    /// `request` is the request's JSON form, as a `dict` or as JSON text (see [`read_request`]);
    /// one the core cannot read raises at once, and nothing starts.
    #[pyo3(signature = (op, request, options_json, completer, event_loop))]
    fn call(
        &self,
        py: Python<'_>,
        op: String,
        request: &Bound<'_, PyAny>,
        options_json: Option<String>,
        completer: &Bound<'_, bridge::Completer>,
        event_loop: Py<PyAny>,
    ) -> PyResult<Py<bridge::CallFuture>> {
        self.check_process()?;
        let request = read_request(&op, request, |json| self.inner.read_request(&op, json))?;
        let client = (*self.inner).clone();
        // The loop's thread needs the completer's epoll instance (Linux).
        if cfg!(target_os = "linux") && client.client().has_blocking_io() {
            return bridge::Completer::start(completer, event_loop, |watcher| {
                Box::pin(ffi::guard_future(async move {
                    client
                        .call_typed_on_event_loop(*request, options_json.as_deref(), watcher)
                        .await
                }))
            });
        }
        let rt = runtime::runtime().map_err(runtime_error)?;
        completer.get().register(py, event_loop, |id, shared| {
            rt.spawn(async move {
                let call = client.call_typed(*request, options_json.as_deref());
                shared.complete(id, ffi::guard_future(call).await);
            })
            .abort_handle()
        })
    }

    /// Runs operation `op` and waits for it with the GIL released; returns the response's JSON
    /// form as Python values (a `dict`, as `json.loads` would give it). Ctrl-C (a pending
    /// signal on the main thread) cancels the call. `request` is the request's JSON form, as a
    /// `dict` or as JSON text (see [`read_request`]).
    #[pyo3(signature = (op, request, options_json=None))]
    fn call_blocking<'py>(
        &self,
        py: Python<'py>,
        op: String,
        request: &Bound<'_, PyAny>,
        options_json: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.check_process()?;
        let request = read_request(&op, request, |json| self.inner.read_request(&op, json))?;
        let rt = runtime::runtime().map_err(runtime_error)?;
        let client = (*self.inner).clone();
        let mut task = rt.spawn(async move {
            ffi::guard_future(client.call_typed(*request, options_json.as_deref())).await
        });
        let response = py.detach(|| {
            rt.block_on(async {
                loop {
                    tokio::select! {
                        joined = &mut task => {
                            return match joined {
                                Ok(result) => result.map_err(py_err),
                                Err(_) => Err(to_py_err(&ffi::panic_error())),
                            };
                        }
                        _ = tokio::time::sleep(Duration::from_millis(100)) => {
                            if let Err(interrupt) = Python::attach(|py| py.check_signals()) {
                                task.abort();
                                return Err(interrupt);
                            }
                        }
                    }
                }
            })
        })?;
        values::to_python(py, &response)
    }

    /// Verifies and parses a webhook: headers as a JSON object, and the raw body.
    fn handle_webhook<'py>(
        &self,
        py: Python<'py>,
        headers_json: String,
        body: &Bound<'_, PyBytes>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let body = body.as_bytes().to_vec();
        let client = &*self.inner;
        let notification = py
            .detach(|| ffi::guard(|| client.handle_webhook_typed(&headers_json, &body)))
            .map_err(py_err)?;
        values::to_python(py, &notification)
    }

    fn __repr__(&self) -> String {
        format!("NativeClient(connector={:?})", self.connector())
    }
}

/// The sans-IO connector, driven with JSON.
#[pyclass(module = "connector_service._native", frozen)]
struct NativeConnector {
    inner: JsonConnector,
}

#[pymethods]
impl NativeConnector {
    #[new]
    fn new(py: Python<'_>, config_json: String) -> PyResult<NativeConnector> {
        let inner = py
            .detach(|| ffi::guard(|| JsonConnector::new(&config_json)))
            .map_err(py_err)?;
        Ok(NativeConnector { inner })
    }

    #[getter]
    fn connector(&self) -> &'static str {
        self.inner.connector_name().as_str()
    }

    /// One step of operation `op`: `request` is the core's JSON form as a `dict` (read straight
    /// into the typed request, see [`read_request`]) or as JSON text; `responses` are
    /// `(status, headers, body)` tuples (no JSON, no Base64 for them). Returns
    /// `(idempotency_key, request, response)` where `request` is `(method, url, headers, body,
    /// retry_safe)` to send next, or None when the flow is done and `response` holds its
    /// result's JSON form (a `dict`). A `dict` holding anything JSON does not carry as it is
    /// raises `NotJson`.
    #[pyo3(signature = (op, request, responses, idempotency_key=None))]
    fn step_parts<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        request: &Bound<'py, PyAny>,
        responses: Vec<(u16, BTreeMap<String, String>, Bound<'py, PyBytes>)>,
        idempotency_key: Option<&str>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let responses: Vec<HttpResponse> = responses
            .into_iter()
            .map(|(status, headers, body)| HttpResponse {
                status,
                headers,
                body: Bytes(body.as_bytes().to_vec()),
            })
            .collect();
        let inner = &self.inner;
        let request = read_request(op, request, |json| inner.read_request(op, json))?;
        let (step, key) = py
            .detach(|| ffi::guard(|| inner.step_typed(&request, &responses, idempotency_key)))
            .map_err(py_err)?;
        match step {
            Step::Send(http) => {
                let headers = PyDict::new(py);
                for (name, value) in &http.headers {
                    headers.set_item(name, value)?;
                }
                let body = http.body.as_ref().map(|b| PyBytes::new(py, &b.0));
                let request = (
                    http.method.as_str(),
                    http.url,
                    headers,
                    body,
                    http.retry_safe,
                );
                (key, request, py.None()).into_pyobject(py)
            }
            Step::Done(response) => {
                (key, py.None(), values::to_python(py, &response)?).into_pyobject(py)
            }
        }
    }

    /// The core's JSON step (`JsonConnector::step`), as the Node and Kotlin bindings drive it:
    /// the request and the responses as JSON, the answer as JSON text. The package steps with
    /// `step_parts`; this is the reference it is checked against.
    #[pyo3(signature = (op, request_json, responses_json, idempotency_key=None))]
    fn step_json(
        &self,
        py: Python<'_>,
        op: &str,
        request_json: &str,
        responses_json: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<String> {
        let inner = &self.inner;
        py.detach(|| ffi::guard(|| inner.step(op, request_json, responses_json, idempotency_key)))
            .map_err(py_err)
    }

    fn handle_webhook<'py>(
        &self,
        py: Python<'py>,
        headers_json: String,
        body: &Bound<'_, PyBytes>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let body = body.as_bytes().to_vec();
        let inner = &self.inner;
        let notification = py
            .detach(|| ffi::guard(|| inner.handle_webhook_typed(&headers_json, &body)))
            .map_err(py_err)?;
        values::to_python(py, &notification)
    }

    fn __repr__(&self) -> String {
        format!("NativeConnector(connector={:?})", self.connector())
    }
}

fn currency(code: &str) -> PyResult<Currency> {
    Currency::new(code).map_err(|e| to_py_err(&e))
}

/// Parses a decimal major-unit amount (`"10.50"`) into minor units, exactly.
#[pyfunction]
fn money_from_major(amount: &str, currency_code: &str) -> PyResult<i64> {
    let money =
        Money::from_major_str(amount, currency(currency_code)?).map_err(|e| to_py_err(&e))?;
    Ok(money.minor_units)
}

/// Formats minor units as an exact decimal major-unit string (`1050` USD → `"10.50"`).
#[pyfunction]
fn money_to_major(minor_units: i64, currency_code: &str) -> PyResult<String> {
    Ok(Money::new(minor_units, currency(currency_code)?).to_major_string())
}

/// The number of decimals (ISO 4217 exponent) of a currency.
#[pyfunction]
fn currency_exponent(currency_code: &str) -> PyResult<u32> {
    Ok(currency(currency_code)?.iso_exponent())
}

/// A card number as it may be shown: first six and last four digits at most.
#[pyfunction]
fn mask_card_number(number: &str) -> String {
    connector_service::secret::mask_card_number(number)
}

/// Whether an HTTP header's value is a credential (masked in every repr).
#[pyfunction]
fn is_sensitive_header(name: &str) -> bool {
    connector_service::http::is_sensitive_header(name)
}

/// A fresh idempotency key (a UUID v4), to create before a call and pass on its request: the
/// key then survives the call being cancelled.
#[pyfunction]
fn new_idempotency_key() -> String {
    connector_service::http::new_idempotency_key()
}

/// The core's error codes, in their stable string form.
#[pyfunction]
fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// Fiserv Commerce Hub's request signature (the `Authorization` header): Base64 of the
/// HMAC-SHA256, keyed with `api_secret`, of `api_key + client_request_id + timestamp_ms + body`.
/// The connector signs every request itself; this is for checking a signature by hand.
#[pyfunction]
fn fiserv_signature(
    api_key: &str,
    api_secret: &str,
    client_request_id: &str,
    timestamp_ms: u64,
    body: &[u8],
) -> String {
    connector_service::connectors::fiserv::sign(
        api_key,
        api_secret,
        client_request_id,
        timestamp_ms,
        body,
    )
}

/// A request's JSON text from its JSON form given as a `dict` (written here, several times
/// faster than `json.dumps`) or as JSON text. A `dict` holding anything JSON does not carry as
/// it is raises `NotJson`, before anything is sent: the caller then gives `json.dumps`'s text,
/// or reports the field `json.dumps` cannot convert.
fn request_json<'a>(request: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(json) = request.cast::<PyString>() {
        return Ok(Cow::Borrowed(json.to_str()?));
    }
    let mut json = Vec::with_capacity(1024);
    values::write_json(request, &mut json)?;
    // Whole strings, punctuation and numbers: valid UTF-8.
    String::from_utf8(json)
        .map(Cow::Owned)
        .map_err(|_| values::NotJson::new_err("not UTF-8"))
}

/// The typed request of operation `op`: read straight from the request's `dict` when that
/// reads ([`values::typed_request`]), else by the core (`read`) from the request's JSON text
/// ([`request_json`]), which reports what is wrong with it, naming the field.
fn read_request(
    op: &str,
    request: &Bound<'_, PyAny>,
    read: impl FnOnce(&str) -> connector_service::Result<FlowRequest>,
) -> PyResult<Box<FlowRequest>> {
    if request.cast::<PyString>().is_err() {
        if let Some(typed) = values::typed_request(op, request) {
            return Ok(Box::new(typed));
        }
    }
    let json = request_json(request)?;
    ffi::guard(|| read(&json)).map(Box::new).map_err(py_err)
}

/// The core's API schema (JSON), which the package's types are generated from; its
/// `error_classes` is the naming table of the exception classes.
#[pyfunction]
fn api_schema_json() -> PyResult<String> {
    ffi::guard(|| Ok(api_schema().to_string())).map_err(py_err)
}

/// The pid whose tokio runtime is running, or None before the first call.
#[pyfunction]
fn runtime_pid() -> Option<u32> {
    runtime::runtime_pid()
}

/// Registered with `atexit`: lets the runtime's threads leave the interpreter before it
/// finalizes (see `runtime::close_python_gate`).
#[pyfunction]
fn _close_python_gate(py: Python<'_>) {
    py.detach(runtime::close_python_gate);
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let gate = wrap_pyfunction!(_close_python_gate, m)?;
    m.py().import("atexit")?.call_method1("register", (gate,))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add("NotJson", m.py().get_type::<values::NotJson>())?;
    m.add_class::<NativeClient>()?;
    m.add_class::<NativeConnector>()?;
    m.add_class::<bridge::Completer>()?;
    m.add_class::<bridge::CallFuture>()?;
    m.add_function(wrap_pyfunction!(money_from_major, m)?)?;
    m.add_function(wrap_pyfunction!(money_to_major, m)?)?;
    m.add_function(wrap_pyfunction!(currency_exponent, m)?)?;
    m.add_function(wrap_pyfunction!(mask_card_number, m)?)?;
    m.add_function(wrap_pyfunction!(is_sensitive_header, m)?)?;
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(new_idempotency_key, m)?)?;
    m.add_function(wrap_pyfunction!(api_schema_json, m)?)?;
    m.add_function(wrap_pyfunction!(fiserv_signature, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_pid, m)?)?;
    observe::register(m)?;
    Ok(())
}
