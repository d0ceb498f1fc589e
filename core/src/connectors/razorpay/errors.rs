//! Razorpay's error answers (Razorpay docs, "Errors") into declines or unified errors.
//!
//! | signal | result |
//! |---|---|
//! | HTTP 401 (the body still says `BAD_REQUEST_ERROR`) | `authentication` |
//! | HTTP 403 | `authentication` (permissions) |
//! | HTTP 408 | `timeout`: the outcome is unknown (retryable only for reads: see `mod.rs`) |
//! | `GATEWAY_ERROR`, `SERVER_ERROR`, HTTP 5xx | `processor_unavailable` (retryable) |
//! | HTTP 429 | `rate_limited` |
//! | `BAD_REQUEST_ERROR` from `customer`/`issuer_bank`/`issuer`/`bank` at a payment step (`payment_authentication`, `payment_authorization`, ...) | a **decline**: a `failure` payment response for payment flows (`processor_error` elsewhere) |
//! | `BAD_REQUEST_ERROR` "... does not exist", or HTTP 404 with an error object | `not_found` |
//! | other `BAD_REQUEST_ERROR` with no source (or `"NA"`), source `business`, or reason `input_validation_failed` | `invalid_request` (the processor's `field` and `reason` in the message) |
//! | bare `{"message": ...}` (routing error) | `invalid_request` |
//! | any other code or body (e.g. source `gateway`/`internal`) | `processor_error` |

use serde::Deserialize;

use super::wire::{opt_string, ErrorObject};
use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::types::{ConnectorName, DeclineDetails, PaymentResponse, PaymentStatus};

#[derive(Deserialize)]
struct ErrorEnvelope {
    #[serde(default)]
    error: Option<ErrorObject>,
    #[serde(default, deserialize_with = "opt_string")]
    message: Option<String>,
}

/// What a non-2xx answer means.
pub(super) enum Failure {
    /// The issuer, bank or customer said no.
    Declined(Box<ErrorObject>),
    Error(Error),
}

/// Whether a Razorpay error is a decline: the customer, the issuing bank or the bank stopped
/// the payment at one of its steps (`payment_authentication`, `payment_authorization`,
/// `card_enrollment_check`, ...), and not because the request failed validation.
fn is_decline(e: &ErrorObject) -> bool {
    let code_ok = e
        .code
        .as_deref()
        .is_none_or(|c| c.eq_ignore_ascii_case("BAD_REQUEST_ERROR"));
    // `issuer` is how the payment entity's `error_source` names the issuing bank in Razorpay's
    // official webhook samples (`webhooks/payments.md`, "Payment Failed", wallet and UPI).
    let source_ok = matches!(
        lower(&e.source).as_deref(),
        Some("customer" | "issuer_bank" | "issuer" | "bank")
    );
    code_ok && source_ok && is_payment_step(e) && !is_validation(e)
}

/// A step of the payment itself (not of the request's validation).
fn is_payment_step(e: &ErrorObject) -> bool {
    lower(&e.step).is_some_and(|s| s.starts_with("payment_") || s.starts_with("card_"))
}

fn is_validation(e: &ErrorObject) -> bool {
    lower(&e.reason).as_deref() == Some("input_validation_failed")
}

/// Whether the error lies with the request: no source (minimal validation errors), the
/// business, or a failed validation.
fn is_request_error(e: &ErrorObject) -> bool {
    is_validation(e) || matches!(lower(&e.source).as_deref(), None | Some("business"))
}

/// A field of the error object, trimmed and lowercased; empty, and the `"NA"` placeholder that
/// Razorpay puts in `source`, `step` and `reason` of errors outside a payment (published in the
/// Razorpay Ruby SDK fixtures `document_error.json` and `error_eligibility.json`), are `None`.
fn lower(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "na")
}

/// Classifies a non-2xx answer. With `allow_decline`, a decline-shaped error is returned as
/// [`Failure::Declined`]; otherwise it is a `processor_error`.
pub(super) fn classify(response: &HttpResponse, allow_decline: bool) -> Failure {
    let status = response.status;
    let envelope: Option<ErrorEnvelope> = serde_json::from_slice(response.body.as_slice()).ok();
    let (object, bare_message) = match envelope {
        Some(ErrorEnvelope { error: Some(e), .. }) => (Some(e), None),
        Some(ErrorEnvelope {
            error: None,
            message,
        }) => (None, message),
        None => (None, None),
    };

    let code = object.as_ref().and_then(|e| e.code.clone());
    let processor_code = code.clone();
    let description = object
        .as_ref()
        .and_then(|e| e.description.clone())
        .or_else(|| bare_message.clone());

    let class = if status == 401 || status == 403 {
        ErrorCode::Authentication
    } else if status == 408 {
        // Request Timeout: whether Razorpay acted on the request is unknown.
        ErrorCode::Timeout
    } else if status >= 500
        || matches!(
            code.as_deref(),
            Some("GATEWAY_ERROR") | Some("SERVER_ERROR")
        )
    {
        ErrorCode::ProcessorUnavailable
    } else if status == 429 {
        ErrorCode::RateLimited
    } else if let Some(e) = &object {
        if allow_decline && is_decline(e) {
            return Failure::Declined(Box::new(e.clone()));
        }
        let does_not_exist = e
            .description
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("does not exist"));
        if does_not_exist || status == 404 {
            ErrorCode::NotFound
        } else if code.as_deref().is_none_or(|c| c == "BAD_REQUEST_ERROR") && is_request_error(e) {
            ErrorCode::InvalidRequest
        } else {
            ErrorCode::ProcessorError
        }
    } else if bare_message.is_some() {
        // A routing error: the URL (or method) is not an API endpoint.
        ErrorCode::InvalidRequest
    } else {
        ErrorCode::ProcessorError
    };

    let mut error = Error::processor(class, status, processor_code, description);
    if let Some(e) = &object {
        let mut extras = Vec::new();
        if let Some(field) = e.field.as_deref().filter(|f| !f.is_empty()) {
            extras.push(format!("field: {field}"));
        }
        if let Some(reason) = e.reason.as_deref().filter(|r| !r.is_empty()) {
            extras.push(format!("reason: {reason}"));
        }
        if !extras.is_empty() {
            let message = format!("{} ({})", error.message, extras.join(", "));
            error.message = crate::mask::mask_text(&message);
        }
    }
    if class == ErrorCode::InvalidRequest && bare_message.is_some() && object.is_none() {
        error.message = format!(
            "{} (the URL is not a Razorpay API endpoint: check base_url)",
            error.message
        );
    }
    if class == ErrorCode::Timeout {
        error.message = format!(
            "{} (Razorpay timed out: the outcome is unknown; look the order or payment up before \
             retrying, Razorpay does not deduplicate)",
            error.message
        );
    }
    // The ids the error names (`metadata.payment_id`, `metadata.order_id`).
    let refs = super::ids_in_body(response.body.as_slice());
    Failure::Error(super::with_ids(
        error.with_request_id(response.request_id()),
        &refs,
    ))
}

/// The error for a non-2xx answer of a flow that has no decline (orders, refunds, disputes,
/// the pre-steps of payment flows).
pub(super) fn error(response: &HttpResponse) -> Error {
    match classify(response, false) {
        Failure::Error(e) => e,
        // Not reachable with allow_decline = false; keep a sensible error anyway.
        Failure::Declined(_) => {
            Error::processor(ErrorCode::ProcessorError, response.status, None, None)
        }
    }
}

/// The decline details of a Razorpay error object.
pub(super) fn decline_details(e: &ErrorObject) -> DeclineDetails {
    DeclineDetails {
        code: e.code.clone(),
        message: e.description.clone(),
        reason: e.reason.clone(),
        network_decline_code: None,
        network_advice_code: None,
    }
}

/// The answer of a payment flow (authorize, psync, capture, setup_mandate) to a non-2xx
/// response: a `failure` payment response for a decline (a decline is a result, not an
/// error), otherwise the error.
pub(super) fn payment_failure(
    response: &HttpResponse,
    order_id: Option<&str>,
) -> crate::error::Result<PaymentResponse> {
    match classify(response, true) {
        Failure::Error(e) => Err(e),
        Failure::Declined(e) => {
            let mut r = PaymentResponse::new(ConnectorName::Razorpay, PaymentStatus::Failure);
            r.connector_transaction_id = e.metadata_str("payment_id");
            r.connector_order_id = order_id
                .map(str::to_string)
                .or_else(|| e.metadata_str("order_id"));
            r.decline = Some(decline_details(&e));
            r.http_status = Some(response.status);
            r.request_id = response.request_id();
            r.raw_response = Some(mask_body(response.body.as_slice()));
            Ok(r)
        }
    }
}
