//! Observability for Python: the per-call hook (`on_call`) and the bridge of the core's
//! `tracing` logs into Python's `logging` (logger `connector_service`).
//!
//! Both call into Python from the core's threads: each call goes through the runtime's gate
//! (no attach while the interpreter finalizes), never lets a Python exception or a panic
//! escape (the hook's exceptions are reported, the call's result is unaffected), and nothing
//! is built when no hook is registered.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use connector_service::json::JsonClient;
use connector_service::observe::log_bridge::{self, LogRecord, LogSink};
use connector_service::observe::{CallObserver, CallRecord};
use connector_service::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use crate::runtime::enter_python;

/// Python's level number for TRACE (below DEBUG's 10); registered as `TRACE`.
const TRACE: u8 = 5;

/// Runs `f` attached to the interpreter, unless it is shutting down; a panic is swallowed.
fn with_python(f: impl FnOnce(Python<'_>)) {
    let Some(_entered) = enter_python() else {
        return;
    };
    let _ = catch_unwind(AssertUnwindSafe(|| Python::attach(f)));
}

/// Calls a Python callable with each record's JSON.
struct PyObserver {
    callback: Py<PyAny>,
}

impl CallObserver for PyObserver {
    fn on_call(&self, record: &CallRecord) {
        with_python(|py| {
            let called = crate::values::to_python(py, record)
                .and_then(|record| self.callback.call1(py, (record,)));
            if let Err(e) = called {
                e.write_unraisable(py, Some(self.callback.bind(py)));
            }
        });
    }
}

/// The client with `on_call` (a callable taking the record's JSON) as its observer.
pub fn with_observer(client: JsonClient, on_call: Option<Py<PyAny>>) -> JsonClient {
    match on_call {
        Some(callback) => client.with_observer(Arc::new(PyObserver { callback })),
        None => client,
    }
}

/// Forwards log records to `logging.getLogger("connector_service")`.
struct PyLogging;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn python_level(record: &LogRecord) -> u8 {
    match record.level_name() {
        "error" => 40,
        "warn" => 30,
        "info" => 20,
        "debug" => 10,
        _ => TRACE,
    }
}

impl LogSink for PyLogging {
    fn log(&self, record: LogRecord) {
        with_python(|py| {
            let forward = || -> PyResult<()> {
                let logger = LOGGER.get_or_try_init(py, || {
                    py.import("logging")?
                        .call_method1("getLogger", ("connector_service",))
                        .map(Bound::unbind)
                })?;
                let logger = logger.bind(py);
                let level = python_level(&record);
                if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
                    return Ok(());
                }
                let fields = PyDict::new(py);
                for (name, value) in &record.fields {
                    fields.set_item(name, value)?;
                }
                let extra = PyDict::new(py);
                extra.set_item("rust_target", &record.target)?;
                extra.set_item("rust_fields", fields)?;
                let kwargs = PyDict::new(py);
                kwargs.set_item("extra", extra)?;
                logger.call_method(
                    "log",
                    (level, PyString::new(py, "%s"), record.formatted()),
                    Some(&kwargs),
                )?;
                Ok(())
            };
            if let Err(e) = forward() {
                e.write_unraisable(py, None);
            }
        });
    }
}

fn bridge_error(message: String) -> PyErr {
    crate::to_py_err(&Error::configuration(message))
}

/// Installs the bridge of the core's logs into `logging` (once per process; later calls only
/// re-attach the sink). `default_filter` (`RUST_LOG` syntax) applies unless `RUST_LOG` is set.
#[pyfunction]
fn _install_log_bridge(py: Python<'_>, default_filter: &str) -> PyResult<()> {
    py.import("logging")?
        .call_method1("addLevelName", (TRACE, "TRACE"))?;
    py.detach(|| log_bridge::install(Some(Arc::new(PyLogging)), default_filter))
        .map_err(bridge_error)
}

/// Replaces the filter of the core's logs (`RUST_LOG` syntax, e.g. `connector_service=debug`).
#[pyfunction]
fn _set_log_filter(py: Python<'_>, directives: &str) -> PyResult<()> {
    py.detach(|| log_bridge::set_filter(directives))
        .map_err(bridge_error)
}

/// Adds this module's functions to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_install_log_bridge, m)?)?;
    m.add_function(wrap_pyfunction!(_set_log_filter, m)?)?;
    Ok(())
}
