//! The shared scenarios (`tests/scenarios/`, format in `tests/README.md`) for the reliability
//! suite. They run through the shared runner (`tests/runner`, crate `scenario_runner`, also
//! used by `core/tests/scenarios.rs`), which can stop before any step and hands back typed
//! errors. This module adds what the suite needs on top: [`Recorder`], the runner's hooks that
//! record what crossed the wire (HTTP exchanges per call, webhooks) as seeds for the fuzzers and
//! log every call and webhook at TRACE for the secrets audit.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_service::transport::SendFuture;
use connector_service::{
    Error, FlowRequest, FlowResponse, HttpRequest, HttpResponse, HttpTransport, TransportOptions,
    WebhookNotification, WebhookRequest,
};
pub use scenario_runner::{expand, get_path, matches, scenario_dir};
use scenario_runner::{json_files, read_json, Hooks};
use serde_json::Value;

/// The operations that change something at the processor (the write flows).
pub const WRITE_OPS: &[&str] = &[
    "payments.authorize",
    "payments.capture",
    "payments.void",
    "payments.refund",
    "payments.setup_mandate",
    "payments.create_order",
    "disputes.accept",
    "disputes.submit_evidence",
    "disputes.defend",
];

/// Every scenario file, sorted, as `(file name, JSON)`.
pub fn load_scenarios() -> Vec<(String, Value)> {
    json_files(&scenario_dir())
        .into_iter()
        .filter_map(|f| {
            let name = f.file_name()?.to_string_lossy().to_string();
            Some((name, read_json(&f).ok()?))
        })
        .collect()
}

/// A runner of one scenario that records what crossed the wire (`runner.hooks`).
pub type Runner = scenario_runner::Runner<Recorder>;

/// One HTTP exchange of a call: what was sent, and the answer (None: a transport error).
#[derive(Clone, Debug)]
pub struct Exchange {
    pub request: HttpRequest,
    pub response: Option<HttpResponse>,
}

/// A transport that sends through the default one and records every exchange.
pub struct Recording {
    inner: connector_service::transport::ReqwestTransport,
    pub exchanges: Mutex<Vec<Exchange>>,
}

impl Recording {
    pub fn new(options: &TransportOptions) -> Arc<Recording> {
        Arc::new(Recording {
            inner: connector_service::transport::ReqwestTransport::new(options).expect("transport"),
            exchanges: Mutex::new(Vec::new()),
        })
    }

    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.exchanges.lock().unwrap())
    }
}

impl HttpTransport for Recording {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            let result = self.inner.send(request, timeout).await;
            self.exchanges.lock().unwrap().push(Exchange {
                request: request.clone(),
                response: result.as_ref().ok().cloned(),
            });
            result
        })
    }
}

/// A recorded call: its operation and request JSON, and the responses of its exchanges.
#[derive(Clone, Debug)]
pub struct CallSample {
    pub connector: String,
    pub op: String,
    pub request: Value,
    pub exchanges: Vec<Exchange>,
}

/// A webhook as the sandbox delivered it.
#[derive(Clone, Debug)]
pub struct WebhookSample {
    pub connector: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

/// The runner's hooks of the reliability suite: the client sends through a [`Recording`];
/// every call (with its exchanges) and every webhook is kept, and logged at TRACE.
#[derive(Default)]
pub struct Recorder {
    recording: Option<Arc<Recording>>,
    pub calls: Vec<CallSample>,
    pub webhooks: Vec<WebhookSample>,
}

impl Recorder {
    fn exchanges(&self) -> Vec<Exchange> {
        self.recording
            .as_ref()
            .map(|r| r.take())
            .unwrap_or_default()
    }
}

impl Hooks for Recorder {
    fn transport(&mut self, options: &TransportOptions) -> Option<Arc<dyn HttpTransport>> {
        let recording = Recording::new(options);
        self.recording = Some(recording.clone());
        Some(recording)
    }

    fn before_call(&mut self, op: &str, flow: &FlowRequest) {
        tracing::trace!(request = ?flow, "reliability: calling {op}");
        let _ = self.exchanges();
    }

    fn after_call(
        &mut self,
        connector: &str,
        op: &str,
        request: &Value,
        result: &Result<FlowResponse, Error>,
    ) {
        let exchanges = self.exchanges();
        self.calls.push(CallSample {
            connector: connector.to_string(),
            op: op.to_string(),
            request: request.clone(),
            exchanges,
        });
        match result {
            Ok(r) => tracing::trace!(response = ?r, "reliability: {op} answered"),
            Err(e) => tracing::trace!(error = ?e, display = %e, "reliability: {op} failed"),
        }
    }

    fn webhook(
        &mut self,
        connector: &str,
        request: &WebhookRequest,
        result: &Result<WebhookNotification, Error>,
    ) {
        self.webhooks.push(WebhookSample {
            connector: connector.to_string(),
            headers: request.headers.clone(),
            body: request.body.0.clone(),
        });
        match result {
            Ok(n) => tracing::trace!(notification = ?n, "reliability: webhook parsed"),
            Err(e) => tracing::trace!(error = ?e, display = %e, "reliability: webhook rejected"),
        }
    }
}
