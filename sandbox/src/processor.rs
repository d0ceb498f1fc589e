//! The extension point: one [`Processor`] per emulated payment processor.
//!
//! A processor is a single module (`src/<name>/`) that implements [`Processor`] and is listed
//! once in `src/registry.rs` (`processors()`). The framework gives it:
//!
//! - every request whose path starts with `/<name>/`, with that prefix removed ([`Request`]);
//! - a [`Context`] to emit webhooks (outbox + optional delivery, with a short delay) and to
//!   learn the public URL of the sandbox (for redirect pages);
//! - fault injection, the request log and the control API, which it never sees.
//!
//! The processor owns its state (behind its own lock) and answers with its real error shapes.
//! `handle` is synchronous: everything is in memory, and anything that happens "later" at the
//! real processor (webhooks) goes through [`Context::emit_webhooks`].

use std::sync::Arc;

use bytes::Bytes;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::Value;

use crate::server::Shared;

/// One request addressed to a processor.
#[derive(Debug)]
pub struct Request {
    pub method: Method,
    /// The path below the processor's prefix, starting with `/` (e.g. `/v68/payments`).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Request {
    /// A header's value, when present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query parameters, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        match &self.query {
            Some(q) => url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect(),
            None => Vec::new(),
        }
    }

    /// The body as `application/x-www-form-urlencoded` pairs, decoded.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// A processor's answer.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Response {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A JSON answer (`application/json`).
    pub fn json(status: StatusCode, value: &Value) -> Response {
        Response::new(status, "application/json", value.to_string())
    }

    /// An HTML page.
    pub fn html(status: StatusCode, page: String) -> Response {
        Response::new(status, "text/html; charset=utf-8", page)
    }

    /// A plain-text answer.
    pub fn text(status: StatusCode, text: impl Into<Bytes>) -> Response {
        Response::new(status, "text/plain; charset=utf-8", text)
    }

    /// `302 Found` to `location`.
    pub fn redirect(location: &str) -> Response {
        let mut response =
            Response::new(StatusCode::FOUND, "text/plain; charset=utf-8", Bytes::new());
        if let Ok(value) = HeaderValue::from_str(location) {
            response.headers.insert(header::LOCATION, value);
        }
        response
    }

    /// Sets a header (ignored when the value is not a valid header value).
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Response {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(name, value);
        }
        self
    }
}

/// A webhook a processor emits. The framework stores it in the outbox and, when a URL is
/// configured for the processor, POSTs `body` with `headers` to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// The event type, used to filter the outbox (e.g. Adyen `AUTHORISATION`).
    pub event: String,
    /// Headers to send (`Content-Type` included).
    pub headers: Vec<(String, String)>,
    /// The raw body text, exactly as delivered.
    pub body: String,
}

/// What a processor can do besides answering the request: emit webhooks, know its own URL.
pub struct Context {
    pub(crate) shared: Arc<Shared>,
    pub(crate) processor: &'static str,
    pub(crate) public_base: String,
}

impl Context {
    /// The sandbox's base URL as the client reached it (`http://HOST:PORT`), from the request's
    /// `Host` header when there is one.
    pub fn public_base_url(&self) -> &str {
        &self.public_base
    }

    /// `public_base_url()` + `/<processor>`: where this processor's own pages live.
    pub fn processor_url(&self) -> String {
        format!("{}/{}", self.public_base, self.processor)
    }

    /// Emits webhooks, in this order, after the sandbox's webhook delay (so that they never
    /// overtake the HTTP answer that caused them). Webhooks from successive calls keep their
    /// order.
    pub fn emit_webhooks(&self, webhooks: Vec<Webhook>) {
        self.shared.schedule_webhooks(self.processor, webhooks);
    }
}

/// The body of `POST /_sandbox/disputes`, parsed.
#[derive(Clone, Debug)]
pub struct DisputeRequest {
    /// The processor's payment id (Adyen: the payment's `pspReference`).
    pub payment_id: String,
    pub reason_code: Option<String>,
    /// In minor units; default: the processor decides (usually the captured amount).
    pub amount: Option<i64>,
    /// The whole body, for processor-specific extras.
    pub raw: Value,
}

/// An error answered by the control API: `{"error": message}` with `status`.
#[derive(Clone, Debug)]
pub struct ControlError {
    pub status: StatusCode,
    pub message: String,
}

impl ControlError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ControlError {
        ControlError {
            status,
            message: message.into(),
        }
    }
}

/// One emulated processor. See the module documentation.
pub trait Processor: Send + Sync + 'static {
    /// The path prefix and the name used by the control API (`adyen`, `razorpay`).
    fn name(&self) -> &'static str;

    /// The credentials the sandbox accepts, in the core's `ConnectorConfig` JSON shape
    /// (`{"type": "<name>", ...}`).
    fn credentials(&self) -> Value;

    /// Answers one request. Must not panic on any input (a panic is caught and answered
    /// as `error_response(500)`, but it is a bug).
    fn handle(&self, request: &Request, ctx: &Context) -> Response;

    /// The processor's error answer for `status`, used by the `status` and `rate_limit`
    /// faults (the framework adds `Retry-After` for the latter) and for bodies too large.
    fn error_response(&self, status: StatusCode) -> Response;

    /// The `200` answer of the `malformed` fault: a body that does not parse in the
    /// processor's format. The default is truncated JSON.
    fn malformed_response(&self) -> Response {
        Response::new(
            StatusCode::OK,
            "application/json",
            "{\"status\": \"ok\", \"id\": ",
        )
    }

    /// What the processor's state holds, for `GET /_sandbox/ledger`: one JSON object per
    /// thing a call created (payment, order, refund, capture, token, dispute, ...), with at
    /// least `kind` and `id`, and where known `parent` (the object it belongs to),
    /// `reference` (the merchant's reference), `amount`, `currency`, `status` and the running
    /// totals `captured`, `refunded` and `voided`. Read from the live state, so that a test
    /// can tell from the processor's own books whether something happened once or twice.
    /// The default is an empty ledger.
    fn ledger(&self) -> Vec<Value> {
        Vec::new()
    }

    /// Forgets everything calls created, as a new account would hold nothing (for
    /// `DELETE /_sandbox/ledger`): every object of the ledger, idempotency records, pages,
    /// and the settings changed through the processor's sandbox hooks. The credentials stay.
    fn reset(&self);

    /// Opens a dispute (chargeback) on a payment for `POST /_sandbox/disputes`, emits the
    /// processor's dispute webhooks, and answers the JSON the control API returns
    /// (at least `{"dispute_id": ...}`).
    fn open_dispute(&self, request: &DisputeRequest, ctx: &Context) -> Result<Value, ControlError> {
        let _ = (request, ctx);
        Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("{} has no disputes in the sandbox", self.name()),
        ))
    }
}
