//! Observability for Kotlin: the per-call hook and the bridge of the core's `tracing` logs to
//! SLF4J. Both hand JSON text to a Kotlin [`JsonSink`] (called on the core's thread); the
//! Kotlin layer (`Observability.kt`) wraps user code so nothing it throws reaches the native
//! side, and catches a panic here so none crosses into the JVM.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use connector_service::json::{to_json, JsonClient};
use connector_service::observe::log_bridge::{self, LogRecord, LogSink};
use connector_service::observe::{CallObserver, CallRecord};
use connector_service::Error;

use crate::{guard, runtime, NativeClient, NativeError};

/// Receives JSON text from the core: a `CallRecord`, or a log record
/// `{"level", "target", "message", "fields"}`.
#[uniffi::export(callback_interface)]
pub trait JsonSink: Send + Sync {
    fn receive(&self, json: String);
}

struct SinkObserver(Box<dyn JsonSink>);

impl CallObserver for SinkObserver {
    fn on_call(&self, record: &CallRecord) {
        if let Ok(json) = to_json(record) {
            let _ = catch_unwind(AssertUnwindSafe(|| self.0.receive(json)));
        }
    }
}

#[uniffi::export]
impl NativeClient {
    /// Builds a client whose every call's `CallRecord` (JSON) goes to `observer`.
    #[uniffi::constructor]
    pub fn with_observer(
        config_json: String,
        observer: Box<dyn JsonSink>,
    ) -> Result<Arc<NativeClient>, NativeError> {
        guard(|| {
            let _entered = runtime()?.enter();
            let inner = JsonClient::new(&config_json)?;
            Ok(NativeClient::wrap(
                inner.with_observer(Arc::new(SinkObserver(observer))),
            ))
        })
    }
}

struct KotlinLogSink(Box<dyn JsonSink>);

fn record_json(record: &LogRecord) -> String {
    let mut fields = String::from("{");
    for (i, (name, value)) in record.fields.iter().enumerate() {
        if i > 0 {
            fields.push(',');
        }
        fields.push_str(&json_string(name));
        fields.push(':');
        fields.push_str(&json_string(value));
    }
    fields.push('}');
    format!(
        "{{\"level\":\"{}\",\"target\":{},\"message\":{},\"fields\":{}}}",
        record.level_name(),
        json_string(&record.target),
        json_string(&record.message),
        fields
    )
}

fn json_string(s: &str) -> String {
    to_json(&s).unwrap_or_else(|_| "\"\"".to_string())
}

impl LogSink for KotlinLogSink {
    fn log(&self, record: LogRecord) {
        let json = record_json(&record);
        let _ = catch_unwind(AssertUnwindSafe(|| self.0.receive(json)));
    }
}

fn bridge_error(message: String) -> Error {
    Error::configuration(message)
}

/// Sends the core's log records to `sink`. The first call installs the bridge, filtered by
/// `RUST_LOG` when set, else by `default_filter`.
#[uniffi::export]
pub fn install_log_sink(
    sink: Box<dyn JsonSink>,
    default_filter: String,
) -> Result<(), NativeError> {
    guard(|| {
        log_bridge::install(Some(Arc::new(KotlinLogSink(sink))), &default_filter)
            .map_err(bridge_error)
    })
}

/// Replaces the filter of the core's logs (`RUST_LOG` syntax, e.g. `connector_service=debug`).
#[uniffi::export]
pub fn set_log_filter(directives: String) -> Result<(), NativeError> {
    guard(|| log_bridge::set_filter(&directives).map_err(bridge_error))
}
