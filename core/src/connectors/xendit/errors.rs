//! Xendit's error answers into unified errors, or (for payment flows) declines.
//!
//! The body is `{"error_code": "...", "message": "...", "errors": [...]}` (Xendit docs "Error
//! scenarios"); code = `error_code`, message = `message` (Xendit sends no separate reason).
//!
//! | signal | result |
//! |---|---|
//! | HTTP 401, `INVALID_API_KEY`, HTTP 403 (`REQUEST_FORBIDDEN_ERROR`, `UNAUTHORIZED`, `CHANNEL_NOT_ACTIVATED`, ...) | `authentication` |
//! | HTTP 404, `DATA_NOT_FOUND`, `TRANSACTION_NOT_FOUND` | `not_found` |
//! | HTTP 409, `DUPLICATE_ERROR`, `IDEMPOTENCY_ERROR` | `conflict` |
//! | HTTP 429, `PAYMENT_REQUEST_RATE_LIMITED` | `rate_limited` |
//! | HTTP 5xx, `SERVER_ERROR`, `CHANNEL_UNAVAILABLE`, `TEMPORARILY_UNAVAILABLE` | `processor_unavailable` (retryable) |
//! | `CARD_EXPIRED` on authorize / setup_mandate | a **decline**: a `failure` payment response |
//! | any other HTTP 400 (`API_VALIDATION_ERROR`, `INVALID_VALUE_ERROR`, `CAPTURE_AMOUNT_EXCEEDED`, `INACTIVE_PAYMENT_REQUEST`, `INSUFFICIENT_BALANCE`, ...) | `invalid_request` |
//! | anything else | `processor_error` |

use serde::de::IgnoredAny;

use super::wire::ErrorBody;
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::types::{ConnectorName, DeclineDetails, PaymentResponse, PaymentStatus};

/// Error codes that are declines of the card, not errors of the request.
const DECLINE_CODES: &[&str] = &["CARD_EXPIRED"];

/// The parsed error body, when the answer has one.
fn error_body(response: &HttpResponse) -> Option<ErrorBody> {
    serde_json::from_slice::<ErrorBody>(response.body.as_slice()).ok()
}

/// The unified class of an error answer.
pub(super) fn class(status: u16, code: Option<&str>) -> ErrorCode {
    let code = code.map(str::to_ascii_uppercase);
    match code.as_deref() {
        Some("INVALID_API_KEY" | "REQUEST_FORBIDDEN_ERROR" | "UNAUTHORIZED") => {
            return ErrorCode::Authentication
        }
        Some("DATA_NOT_FOUND" | "TRANSACTION_NOT_FOUND") => return ErrorCode::NotFound,
        Some("DUPLICATE_ERROR" | "IDEMPOTENCY_ERROR") => return ErrorCode::Conflict,
        Some("PAYMENT_REQUEST_RATE_LIMITED" | "RATE_LIMIT_EXCEEDED") => {
            return ErrorCode::RateLimited
        }
        Some("SERVER_ERROR" | "CHANNEL_UNAVAILABLE" | "TEMPORARILY_UNAVAILABLE") => {
            return ErrorCode::ProcessorUnavailable
        }
        _ => {}
    }
    match status {
        401 | 403 => ErrorCode::Authentication,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ProcessorUnavailable,
        400 | 422 => ErrorCode::InvalidRequest,
        _ => ErrorCode::ProcessorError,
    }
}

/// The error for a non-2xx answer.
pub(super) fn error(response: &HttpResponse) -> Error {
    let body = error_body(response);
    let code = body.as_ref().and_then(|b| b.error_code.clone());
    let message = body.as_ref().and_then(|b| b.message.clone());
    let class = class(response.status, code.as_deref());
    let mut error = Error::processor(class, response.status, code, message);
    if let Some(details) = body.as_ref().and_then(|b| b.errors.as_ref()) {
        // Validation errors list the fields at fault: keep them in the message.
        if details.as_array().is_some_and(|a| !a.is_empty()) {
            let text = format!("{} (errors: {})", error.message, details);
            error.message = crate::mask::mask_text(&text);
        }
    }
    error.with_request_id(response.request_id())
}

/// The answer of a payment-creating flow (authorize, setup_mandate) to a non-2xx response: a
/// `failure` payment response when the code is a card decline (`CARD_EXPIRED`), otherwise the
/// error.
pub(super) fn payment_failure(response: &HttpResponse) -> Result<PaymentResponse> {
    let body = error_body(response);
    let code = body.as_ref().and_then(|b| b.error_code.clone());
    let is_decline = response.status < 500
        && code
            .as_deref()
            .is_some_and(|c| DECLINE_CODES.iter().any(|d| d.eq_ignore_ascii_case(c)));
    if !is_decline {
        return Err(error(response));
    }
    let mut payment = PaymentResponse::new(ConnectorName::Xendit, PaymentStatus::Failure);
    payment.connector_status = code.clone();
    payment.decline = Some(DeclineDetails {
        code,
        message: body.and_then(|b| b.message),
        ..DeclineDetails::default()
    });
    payment.http_status = Some(response.status);
    payment.request_id = response.request_id();
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}

/// An `invalid_response` error about a 2xx answer that cannot be used.
pub(super) fn invalid_response(response: &HttpResponse, message: impl Into<String>) -> Error {
    let mut e = Error::invalid_response(message);
    e.http_status = Some(response.status);
    e.with_request_id(response.request_id())
}

/// The JSON body of a 2xx answer, or `invalid_response`.
pub(super) fn parse_success<T: serde::de::DeserializeOwned>(
    response: &HttpResponse,
    what: &str,
) -> Result<T> {
    let body = response.body.as_slice();
    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    // Read as `T` directly; only a failure is read again, to tell a body that is not an object
    // from an object that is not a valid `T`.
    match serde_json::from_slice(body) {
        Ok(value) if is_object => Ok(value),
        _ => {
            let status = response.status;
            let message = if is_object && serde_json::from_slice::<IgnoredAny>(body).is_ok() {
                format!("Xendit answered HTTP {status} with a body that is not a valid {what}")
            } else {
                format!("Xendit answered HTTP {status} with a body that is not a {what} object")
            };
            Err(invalid_response(response, message))
        }
    }
}
