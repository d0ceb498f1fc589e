//! Observability for Node: the per-call hook and the bridge of the core's `tracing` logs to a
//! JavaScript function.
//!
//! Both hand JSON text to a JavaScript function through a weak threadsafe function (it never
//! keeps the process alive): the call is queued from the core's thread and runs on the
//! JavaScript thread. The package's JavaScript wraps the user's function so that nothing
//! thrown in it escapes (see `lib/observe.js`). Nothing is built when no hook is set.

use std::sync::Arc;

use connector_service::json::to_json;
use connector_service::observe::log_bridge::{self, LogRecord, LogSink};
use connector_service::observe::{CallObserver, CallRecord};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi_derive::napi;

use crate::NativeClient;

/// A JavaScript function of one string, callable from any thread, not keeping Node alive.
type JsCallback = ThreadsafeFunction<String, UnknownReturnValue, String, Status, false, true>;

struct JsObserver(JsCallback);

impl CallObserver for JsObserver {
    fn on_call(&self, record: &CallRecord) {
        if let Ok(json) = to_json(record) {
            self.0.call(json, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

#[napi]
impl NativeClient {
    /// Sets the function receiving the JSON of every call's `CallRecord` (called on the
    /// JavaScript thread, after the call finished).
    #[napi]
    pub fn set_on_call(
        &mut self,
        #[napi(ts_arg_type = "(recordJson: string) => void")] callback: JsCallback,
    ) {
        self.inner = self.inner.with_observer(Arc::new(JsObserver(callback)));
    }
}

struct JsLogSink(JsCallback);

fn record_json(record: &LogRecord) -> String {
    let fields: serde_json::Map<String, serde_json::Value> = record
        .fields
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    serde_json::json!({
        "level": record.level_name(),
        "target": record.target,
        "message": record.message,
        "fields": fields,
    })
    .to_string()
}

impl LogSink for JsLogSink {
    fn log(&self, record: LogRecord) {
        self.0.call(
            record_json(&record),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
    }
}

/// Sends the core's log records (JSON `{level, target, message, fields}`) to `callback`, or
/// stops with `null`. The first call installs the bridge, filtered by `RUST_LOG` when set,
/// else by `default_filter`. Throws the error JSON if the bridge cannot be installed.
#[napi]
pub fn set_log_sink(
    #[napi(ts_arg_type = "((recordJson: string) => void) | null")] callback: Option<JsCallback>,
    default_filter: String,
) -> napi::Result<()> {
    let sink = callback.map(|c| Arc::new(JsLogSink(c)) as Arc<dyn LogSink>);
    log_bridge::install(sink, &default_filter).map_err(napi::Error::from_reason)
}

/// Replaces the filter of the core's logs (`RUST_LOG` syntax).
#[napi]
pub fn set_log_filter(directives: String) -> napi::Result<()> {
    log_bridge::set_filter(&directives).map_err(napi::Error::from_reason)
}
