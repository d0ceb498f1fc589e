//! One error type for every call that could not be processed.
//!
//! A decline is **not** an error: a declined payment is a response whose status says so, with
//! the processor's decline code and message in [`crate::DeclineDetails`]. [`Error`] is for calls
//! that could not be processed at all, and its [`ErrorCode`] is a stable string code that every
//! binding maps to its own exception class.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::mask::mask_text;
use crate::types::{ConnectorName, Flow};

string_enum! {
    /// Stable error codes. The string form (`"invalid_request"`, ...) never changes meaning.
    pub enum ErrorCode {
        /// The request is invalid: rejected by the core before sending (see `field`), or by the
        /// processor's validation.
        InvalidRequest = "invalid_request",
        /// Credentials, signature or permissions were rejected by the processor.
        Authentication = "authentication",
        /// The referenced payment, refund or dispute does not exist at the processor.
        NotFound = "not_found",
        /// The operation conflicts with the resource's state or a concurrent/duplicate request.
        Conflict = "conflict",
        /// The processor is throttling requests.
        RateLimited = "rate_limited",
        /// The processor failed or is unavailable (5xx and equivalent); safe to retry later.
        ProcessorUnavailable = "processor_unavailable",
        /// No answer within the timeout. The outcome is unknown: reconcile before retrying a call
        /// the processor does not deduplicate.
        Timeout = "timeout",
        /// The connection failed (DNS, connect, TLS, reset).
        Network = "network",
        /// An incoming webhook failed source verification (signature or token).
        WebhookVerificationFailed = "webhook_verification_failed",
        /// The processor's API has no such flow; the message says what to do instead.
        Unsupported = "unsupported",
        /// The client's configuration is invalid (credentials format, base URL, ...).
        Configuration = "configuration",
        /// The processor answered with something that could not be understood. The outcome of a
        /// mutating call is unknown: reconcile before retrying.
        InvalidResponse = "invalid_response",
        /// The processor reported an error that fits no other class.
        ProcessorError = "processor_error",
        /// A bug in this library. Please report it.
        Internal = "internal",
    }
}

impl ErrorCode {
    /// The stem of this code's exception class in every binding: `<stem>Error` in Python and
    /// Node, `<stem>Exception` in Kotlin. One table for the three languages, exported with the
    /// API schema; no name it gives shadows a standard class of those languages (Python's
    /// built-in `TimeoutError`, Java's `TimeoutException`, `javax.naming`'s
    /// `AuthenticationException` and `ConfigurationException`, ...).
    pub fn class_stem(&self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "InvalidRequest",
            ErrorCode::Authentication => "AuthenticationFailed",
            ErrorCode::NotFound => "NotFound",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::RateLimited => "RateLimited",
            ErrorCode::ProcessorUnavailable => "ProcessorUnavailable",
            ErrorCode::Timeout => "ProcessorTimeout",
            ErrorCode::Network => "Network",
            ErrorCode::WebhookVerificationFailed => "WebhookVerification",
            ErrorCode::Unsupported => "Unsupported",
            ErrorCode::Configuration => "InvalidConfiguration",
            ErrorCode::InvalidResponse => "InvalidResponse",
            ErrorCode::ProcessorError => "Processor",
            ErrorCode::Internal => "Internal",
        }
    }

    /// The stem of the base class of every error class (`ConnectorServiceError`, ...).
    pub const BASE_CLASS_STEM: &'static str = "ConnectorService";

    /// Whether a retry can help, given the request is one the processor deduplicates.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimited
                | ErrorCode::ProcessorUnavailable
                | ErrorCode::Timeout
                | ErrorCode::Network
        )
    }
}

/// An error: a stable code, a message, and what is known of the processor's side. Its fields
/// are those of [`ErrorInfo`] (reachable directly: `error.code`, `error.http_status`, ...).
///
/// Messages never contain secrets or card numbers: processor text is passed through
/// [`mask_text`] before it is stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Error(Box<ErrorInfo>);

impl std::ops::Deref for Error {
    type Target = ErrorInfo;
    fn deref(&self) -> &ErrorInfo {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorInfo {
        &mut self.0
    }
}

/// The content of an [`Error`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorInfo {
    /// Stable error code.
    pub code: ErrorCode,
    /// Human-readable description.
    pub message: String,
    /// The request field at fault, for `invalid_request` errors raised before sending
    /// (dotted path, e.g. `payment_method.number`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Which connector was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<ConnectorName>,
    /// Which flow was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
    /// HTTP status of the processor's answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The processor's own error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_code: Option<String>,
    /// The processor's own error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_message: Option<String>,
    /// The processor's request or transaction id for this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The idempotency key the call carried, to reconcile or retry with the same key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The processor's id of an order this call created before it failed (e.g. the first
    /// step of a two-step payment): look it up before trying again, so nothing is charged twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_order_id: Option<String>,
    /// The processor's id of the payment this call concerns or may have created: sync it
    /// (`payments.get`) to learn the outcome before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_transaction_id: Option<String>,
    /// The processor's id of the refund this call concerns or may have created: sync it
    /// (`refunds.get`) to learn the outcome before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_refund_id: Option<String>,
    /// Whether retrying the same call (with the same idempotency key) may succeed.
    #[serde(default)]
    pub retryable: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorInfo {
            code,
            message: mask_text(&message.into()),
            field: None,
            connector: None,
            flow: None,
            http_status: None,
            processor_code: None,
            processor_message: None,
            request_id: None,
            idempotency_key: None,
            connector_order_id: None,
            connector_transaction_id: None,
            connector_refund_id: None,
            retryable: false,
        }))
    }

    /// The error's content.
    pub fn info(&self) -> &ErrorInfo {
        &self.0
    }

    /// An invalid-request error naming the field at fault.
    pub fn invalid_request(field: impl Into<String>, message: impl Into<String>) -> Error {
        let mut e = Error::new(ErrorCode::InvalidRequest, message);
        e.field = Some(field.into());
        e
    }

    /// The processor has no API for this flow.
    pub fn unsupported(connector: ConnectorName, flow: Flow, reason: impl Into<String>) -> Error {
        let mut e = Error::new(
            ErrorCode::Unsupported,
            format!(
                "{} does not support {}: {}",
                connector.display_name(),
                flow.as_str(),
                reason.into()
            ),
        );
        e.connector = Some(connector);
        e.flow = Some(flow);
        e
    }

    /// The `unsupported` error for a payment method `connector` does not take in `flow`,
    /// raised before anything is sent.
    pub fn unsupported_payment_method(
        connector: ConnectorName,
        flow: Flow,
        method: &crate::types::PaymentMethod,
    ) -> Error {
        let mut e = Error::unsupported(
            connector,
            flow,
            format!(
                "the payment method `{}` is not available through {}'s API",
                method.description(),
                connector.display_name()
            ),
        );
        e.field = Some("payment_method".into());
        e
    }

    pub fn configuration(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Configuration, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Internal, message)
    }

    pub fn invalid_response(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidResponse, message)
    }

    pub fn webhook_verification_failed(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::WebhookVerificationFailed, message)
    }

    /// An error reported by the processor in an HTTP answer.
    pub fn processor(
        code: ErrorCode,
        http_status: u16,
        processor_code: Option<String>,
        processor_message: Option<String>,
    ) -> Error {
        let message = match (&processor_code, &processor_message) {
            (Some(c), Some(m)) => format!("processor returned HTTP {http_status}: {c}: {m}"),
            (None, Some(m)) => format!("processor returned HTTP {http_status}: {m}"),
            (Some(c), None) => format!("processor returned HTTP {http_status}: {c}"),
            (None, None) => format!("processor returned HTTP {http_status}"),
        };
        let mut e = Error::new(code, message);
        e.http_status = Some(http_status);
        e.processor_code = processor_code.map(|c| mask_text(&c));
        e.processor_message = processor_message.map(|m| mask_text(&m));
        e.retryable = code.is_transient();
        e
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Error {
        if self.request_id.is_none() {
            self.request_id = request_id;
        }
        self
    }

    /// Attributes the error to a connector and a flow (kept when already set).
    ///
    /// Every error leaving the library passes here, so it is also the last guard on its text:
    /// the message and the processor's message are masked again (a connector may have set them
    /// directly).
    pub fn with_connector(mut self, connector: ConnectorName, flow: Flow) -> Error {
        self.connector.get_or_insert(connector);
        self.flow.get_or_insert(flow);
        self.message = mask_text(&self.message);
        self.processor_message = self.processor_message.as_deref().map(mask_text);
        self
    }

    /// Records the processor's ids of what this call may already have created or changed
    /// (`None` leaves a recorded id as it is), so that the caller can reconcile.
    pub fn with_references(
        mut self,
        order_id: Option<&str>,
        transaction_id: Option<&str>,
        refund_id: Option<&str>,
    ) -> Error {
        fn keep(slot: &mut Option<String>, id: Option<&str>) {
            if let (None, Some(id)) = (&slot, id) {
                *slot = Some(id.to_string());
            }
        }
        keep(&mut self.connector_order_id, order_id);
        keep(&mut self.connector_transaction_id, transaction_id);
        keep(&mut self.connector_refund_id, refund_id);
        self
    }

    pub fn with_retryable(mut self, retryable: bool) -> Error {
        self.retryable = retryable;
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (field: {field})")?;
        }
        let mut extras = Vec::new();
        if let Some(c) = self.connector {
            extras.push(format!("connector={}", c.as_str()));
        }
        if let Some(fl) = self.flow {
            extras.push(format!("flow={}", fl.as_str()));
        }
        if let Some(s) = self.http_status {
            extras.push(format!("http_status={s}"));
        }
        if let Some(r) = &self.request_id {
            extras.push(format!("request_id={r}"));
        }
        for (name, id) in [
            ("connector_order_id", &self.connector_order_id),
            ("connector_transaction_id", &self.connector_transaction_id),
            ("connector_refund_id", &self.connector_refund_id),
        ] {
            if let Some(id) = id {
                extras.push(format!("{name}={id}"));
            }
        }
        if !extras.is_empty() {
            write!(f, " [{}]", extras.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .field("connector", &self.connector)
            .field("flow", &self.flow)
            .field("http_status", &self.http_status)
            .field("processor_code", &self.processor_code)
            .field("processor_message", &self.processor_message)
            .field("request_id", &self.request_id)
            .field("idempotency_key", &self.idempotency_key)
            .field("connector_order_id", &self.connector_order_id)
            .field("connector_transaction_id", &self.connector_transaction_id)
            .field("connector_refund_id", &self.connector_refund_id)
            .field("retryable", &self.retryable)
            .finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_as_stable_strings() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn processor_text_is_masked() {
        let e = Error::processor(
            ErrorCode::InvalidRequest,
            422,
            Some("101".into()),
            Some("Invalid card number 4111111111111111".into()),
        );
        assert!(!e.to_string().contains("4111111111111111"));
        assert!(!format!("{e:?}").contains("4111111111111111"));
        assert!(!e
            .processor_message
            .as_deref()
            .unwrap()
            .contains("4111111111111111"));
    }
}
