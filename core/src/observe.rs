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

    fn report(&self, result: Option<&std::result::Result<FlowResponse, Error>>) {
        observe(
            Finished {
                connector: self.connector,
                operation: self.operation,
                flow: self.flow,
                idempotency_key: self.idempotency_key,
                stats: &self.stats,
                elapsed: self.started.elapsed(),
                result,
            },
            self.observer,
        );
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

/// The finished call's facts, borrowed from the driver.
struct Finished<'a> {
    connector: ConnectorName,
    operation: &'static str,
    flow: Flow,
    idempotency_key: &'a str,
    stats: &'a CallStats,
    elapsed: Duration,
    /// `None`: the call was dropped before it ended.
    result: Option<&'a std::result::Result<FlowResponse, Error>>,
}

impl Finished<'_> {
    fn record(&self) -> CallRecord {
        let latency_us = micros(self.elapsed);
        let base = |outcome: String| CallRecord {
            connector: self.connector,
            operation: self.operation.to_string(),
            flow: self.flow,
            outcome,
            status: None,
            error_code: None,
            http_status: self.stats.http_status,
            attempts: self.stats.attempts,
            latency_us,
            idempotency_key: self.idempotency_key.to_string(),
            request_id: None,
        };
        match self.result {
            None => base(CANCELLED.to_string()),
            Some(Ok(response)) => {
                let status = response_status(response);
                CallRecord {
                    status: Some(status.clone()),
                    request_id: response_request_id(response).map(str::to_string),
                    ..base(status)
                }
            }
            Some(Err(e)) => CallRecord {
                error_code: Some(e.code),
                http_status: e.http_status.or(self.stats.http_status),
                request_id: e.request_id.clone(),
                ..base(e.code.as_str().to_string())
            },
        }
    }
}

/// Completes a finished call's observability: records the outcome on the current
/// `connector_call` span and, when an observer is registered, builds the [`CallRecord`] and
/// hands it over. Without an observer, no record is built.
fn observe(finished: Finished<'_>, observer: Option<&Arc<dyn CallObserver>>) {
    let span = tracing::Span::current();
    if !span.is_disabled() {
        let (outcome, http_status) = match finished.result {
            None => (CANCELLED.to_string(), finished.stats.http_status),
            Some(Ok(response)) => (response_status(response), finished.stats.http_status),
            Some(Err(e)) => (
                e.code.as_str().to_string(),
                e.http_status.or(finished.stats.http_status),
            ),
        };
        span.record("outcome", outcome.as_str());
        if let Some(status) = http_status {
            span.record("http_status", status);
        }
        span.record("attempts", finished.stats.attempts);
        span.record("latency_us", micros(finished.elapsed));
    }
    let Some(observer) = observer else {
        return;
    };
    let record = finished.record();
    if catch_unwind(AssertUnwindSafe(|| observer.on_call(&record))).is_err() {
        tracing::warn!(
            operation = record.operation.as_str(),
            "the call observer panicked; the call's result is unaffected"
        );
    }
}

#[cfg(feature = "log-bridge")]
pub mod log_bridge;
