//! The sans-IO vocabulary: HTTP requests a connector asks to send, and the responses it reads.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::mask::{is_sensitive_key, mask_body};
use crate::types::{Bytes, HttpMethod};

/// An HTTP request a connector built. Send it with any HTTP client.
///
/// `Debug` masks credential headers and never prints the body (it carries card data).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HttpRequest {
    pub method: HttpMethod,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    /// The exact body bytes to send (signed processors sign these bytes).
    #[serde(default)]
    pub body: Option<Bytes>,
    /// Whether resending this request after a timeout or a 5xx cannot act twice: it only reads,
    /// or the processor deduplicates it by its idempotency key.
    pub retry_safe: bool,
}

impl HttpRequest {
    pub fn new(method: HttpMethod, url: impl Into<String>) -> HttpRequest {
        HttpRequest {
            method,
            url: url.into(),
            headers: BTreeMap::new(),
            body: None,
            retry_safe: method == HttpMethod::Get,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> HttpRequest {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Sets a JSON body (serialized once: these are the bytes sent) and its content type.
    pub fn json_body(mut self, body: &serde_json::Value) -> HttpRequest {
        self.body = Some(Bytes(body.to_string().into_bytes()));
        self.headers
            .insert("Content-Type".into(), "application/json".into());
        self
    }

    pub fn raw_body(mut self, content_type: &str, body: Vec<u8>) -> HttpRequest {
        self.body = Some(Bytes(body));
        self.headers
            .insert("Content-Type".into(), content_type.into());
        self
    }

    pub fn retry_safe(mut self, safe: bool) -> HttpRequest {
        self.retry_safe = safe;
        self
    }

    /// The body with card data and secrets masked, for logs.
    pub fn masked_body(&self) -> Option<String> {
        self.body.as_ref().map(|b| mask_body(b.as_slice()))
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: BTreeMap<&str, &str> = self
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    if is_sensitive_header(k) {
                        "***"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| format!("<{} bytes>", b.0.len())),
            )
            .field("retry_safe", &self.retry_safe)
            .finish()
    }
}

/// Header names whose values are credentials.
pub fn is_sensitive_header(name: &str) -> bool {
    is_sensitive_key(name)
        || name.eq_ignore_ascii_case("cookie")
        || name.eq_ignore_ascii_case("proxy-authorization")
}

/// An HTTP response, as received.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HttpResponse {
    pub status: u16,
    /// Response headers; names are matched case-insensitively.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Bytes,
}

impl HttpResponse {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse {
            status,
            headers: BTreeMap::new(),
            body: Bytes(body.into()),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpResponse {
        self.headers.insert(name.to_string(), value.to_string());
        self
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The processor's request id, from the headers processors commonly use for it.
    pub fn request_id(&self) -> Option<String> {
        [
            "x-request-id",
            "request-id",
            "cko-request-id",
            "pspreference",
            "x-razorpay-request-id",
        ]
        .iter()
        .find_map(|h| self.header(h))
        .map(str::to_string)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(self.body.as_slice()).ok()
    }

    /// The body with card data and secrets masked.
    pub fn masked_body(&self) -> String {
        mask_body(self.body.as_slice())
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.masked_body())
            .finish()
    }
}

/// What a connector asks for next: send a request, or the flow is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<T> {
    /// Send this request, then call the flow again with the response appended.
    Send(HttpRequest),
    /// The flow's result.
    Done(T),
}

impl<T> Step<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Send(r) => Step::Send(r),
            Step::Done(t) => Step::Done(f(t)),
        }
    }
}

/// Per-call values a connector may put into a request: the operation's idempotency key and
/// the current time (for processors that sign a timestamp).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FlowContext {
    /// The idempotency key of the logical operation; the same on every retry.
    pub idempotency_key: String,
    /// Milliseconds since the Unix epoch, fresh for every attempt.
    pub timestamp_ms: u64,
}

impl FlowContext {
    pub fn new(idempotency_key: impl Into<String>) -> FlowContext {
        FlowContext {
            idempotency_key: idempotency_key.into(),
            timestamp_ms: now_ms(),
        }
    }

    /// The idempotency key for step `index` of a multi-step flow: the operation's key for the
    /// first step, a derived key for later ones.
    pub fn step_key(&self, index: usize) -> String {
        if index == 0 {
            self.idempotency_key.clone()
        } else {
            format!("{}-{}", self.idempotency_key, index)
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A fresh idempotency key (UUID v4).
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
