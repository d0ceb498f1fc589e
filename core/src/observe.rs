//! Per-call observability: a [`CallRecord`] for every call a [`Client`](crate::Client) makes,
//! handed to a [`CallObserver`] you register, and the same fields on the `connector_call`
//! tracing span.
//!
//! A record carries what metrics and traces need (connector, operation, outcome, HTTP status,
//! attempts, latency, idempotency key, request id) and nothing else: no request or response
//! body, no header, no credential, no card data.
//!
//! With the `log-bridge` feature, [`log_bridge`] forwards the core's `tracing` events to a
//! host language's logging (the bindings use it).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::connector::FlowResponse;
use crate::error::{Error, ErrorCode};
use crate::types::{ConnectorName, Flow};

/// What one call did, reported to a [`CallObserver`] when it finishes (successfully or not).
///
/// Never contains a request or response body, a header, a credential or card data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CallRecord {
    /// The processor called.
    pub connector: ConnectorName,
    /// The operation, as the bindings name it (`payments.authorize`, ...).
    pub operation: String,
    /// The flow of the operation.
    pub flow: Flow,
    /// One label for the result: the response's status (`authorized`, `charged`, `failure`,
    /// `pending`, ...) when the call returned a response, else the error code
    /// (`timeout`, `processor_error`, ...). A decline is the status `failure`, not an error.
    /// `cancelled` when the caller gave the call up before it ended (a cancelled task or
    /// coroutine, an aborted signal): no status and no error code then, and what was sent may
    /// or may not have reached the processor.
    pub outcome: String,
    /// The response's status, when the call returned a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The error's code, when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCode>,
    /// The HTTP status of the processor's last answer, if one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// HTTP requests sent for this call: 1 for a plain call, more when a request was retried
    /// or the flow needs several exchanges, 0 when the call failed before sending (e.g. an
    /// invalid request).
    pub attempts: u32,
    /// Wall-clock time of the whole call, retries and backoff included, in microseconds.
    pub latency_us: u64,
    /// The call's idempotency key (given or generated).
    pub idempotency_key: String,
    /// The processor's request id, when it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Receives a [`CallRecord`] for every call of the client it is registered on
/// ([`Client::with_observer`](crate::Client::with_observer)).
///
/// Called on the thread that finished the call, before the call returns (for a cancelled call,
/// on the thread that dropped it): keep it quick (count, record, hand over). A panic in it is
/// caught and logged; it never fails the call.
pub trait CallObserver: Send + Sync + 'static {
    fn on_call(&self, record: &CallRecord);
}

impl<F: Fn(&CallRecord) + Send + Sync + 'static> CallObserver for F {
    fn on_call(&self, record: &CallRecord) {
        self(record)
    }
}

/// What the driver counted while running one call.
#[derive(Debug, Default)]
pub(crate) struct CallStats {
    /// HTTP requests sent.
    pub attempts: u32,
    /// The status of the last HTTP answer.
    pub http_status: Option<u16>,
}

fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

/// The JSON name of a unit enum value (a status).
fn json_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => "unknown".to_string(),
    }
}

/// The status string of a response.
fn response_status(response: &FlowResponse) -> String {
    match response {
        FlowResponse::Payment(r) => json_name(&r.status),
        FlowResponse::Refund(r) => json_name(&r.status),
        FlowResponse::Order(r) => json_name(&r.status),
        FlowResponse::Dispute(r) => json_name(&r.status),
    }
}

fn response_request_id(response: &FlowResponse) -> Option<&str> {
    match response {
        FlowResponse::Payment(r) => r.request_id.as_deref(),
        FlowResponse::Refund(r) => r.request_id.as_deref(),
        FlowResponse::Order(r) => r.request_id.as_deref(),
        FlowResponse::Dispute(r) => r.request_id.as_deref(),
    }
}

/// The outcome of a call dropped before it ended.
const CANCELLED: &str = "cancelled";

/// A call in progress, for its observability: ended with its result ([`Observed::end`]), or
/// dropped before that, when its caller gave it up (a cancelled task, coroutine or signal),
/// which is reported with the outcome `cancelled`.
pub(crate) struct Observed<'a> {
    connector: ConnectorName,
    operation: &'static str,
    flow: Flow,
    idempotency_key: &'a str,
    started: Instant,
    /// What the driver counts while it runs the call.
    pub stats: CallStats,
    observer: Option<&'a Arc<dyn CallObserver>>,
    ended: bool,
}

impl<'a> Observed<'a> {
    pub fn new(
        connector: ConnectorName,
        operation: &'static str,
        flow: Flow,
        idempotency_key: &'a str,
        observer: Option<&'a Arc<dyn CallObserver>>,
    ) -> Observed<'a> {
        Observed {
            connector,
            operation,
            flow,
            idempotency_key,
            started: Instant::now(),
            stats: CallStats::default(),
            observer,
            ended: false,
        }
    }

    /// Reports the call's result.
    pub fn end(mut self, result: &std::result::Result<FlowResponse, Error>) {
        self.ended = true;
        self.report(Some(result));
    }

    /// Completes the call's observability: records the outcome on the current
    /// `connector_call` span and, when an observer is registered, builds the [`CallRecord`]
    /// and hands it over (without an observer, no record is built). `result` is `None` for a
    /// call dropped before it ended.
    fn report(&self, result: Option<&std::result::Result<FlowResponse, Error>>) {
        let latency_us = micros(self.started.elapsed());
        // The label, and the HTTP status of the processor's last answer.
        let (outcome, http_status) = match result {
            None => (CANCELLED.to_string(), self.stats.http_status),
            Some(Ok(response)) => (response_status(response), self.stats.http_status),
            Some(Err(e)) => (
                e.code.as_str().to_string(),
                e.http_status.or(self.stats.http_status),
            ),
        };
        let span = tracing::Span::current();
        if !span.is_disabled() {
            span.record("outcome", outcome.as_str());
            if let Some(status) = http_status {
                span.record("http_status", status);
            }
            span.record("attempts", self.stats.attempts);
            span.record("latency_us", latency_us);
        }
        let Some(observer) = self.observer else {
            return;
        };
        let record = CallRecord {
            connector: self.connector,
            operation: self.operation.to_string(),
            flow: self.flow,
            status: matches!(result, Some(Ok(_))).then(|| outcome.clone()),
            error_code: match result {
                Some(Err(e)) => Some(e.code),
                _ => None,
            },
            outcome,
            http_status,
            attempts: self.stats.attempts,
            latency_us,
            idempotency_key: self.idempotency_key.to_string(),
            request_id: match result {
                Some(Ok(response)) => response_request_id(response).map(str::to_string),
                Some(Err(e)) => e.request_id.clone(),
                None => None,
            },
        };
        if catch_unwind(AssertUnwindSafe(|| observer.on_call(&record))).is_err() {
            tracing::warn!(
                operation = record.operation.as_str(),
                "the call observer panicked; the call's result is unaffected"
            );
        }
    }
}

impl Drop for Observed<'_> {
    fn drop(&mut self) {
        if !self.ended {
            tracing::debug!("call cancelled");
            self.report(None);
        }
    }
}

#[cfg(feature = "log-bridge")]
pub mod log_bridge;
