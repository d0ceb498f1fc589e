//! Errors (Adyen API reference, Checkout API > "Response handling" and the `ServiceError`
//! schema). Every non-2xx answer carries a `ServiceError`:
//! `{status, errorCode, message, errorType, pspReference?}`. It becomes one [`Error`] with the
//! HTTP status, `errorCode` as the processor code, `message` as the processor message and
//! `pspReference` as the request id. Declines are not errors: they are HTTP 200 with
//! `resultCode` `Refused`/`Error` (see `payments.rs`).
//!
//! An answer that cannot be read is `invalid_response`; it carries the `pspReference` the
//! answer named, when one can still be found, so that the caller can reconcile
//! ([`Error::with_references`]).

use serde::de::DeserializeOwned;

use super::wire::{References, ServiceError};
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;

/// The error class of a non-2xx answer.
///
/// 400/422 invalid request, 401/403 authentication, 404 not found, 409 conflict, 429 rate
/// limited, 5xx processor unavailable (retryable) except `errorType: configuration`, which is
/// a configuration problem of the merchant account and is not retried.
pub(super) fn classify(status: u16, error_type: Option<&str>) -> ErrorCode {
    match status {
        400 | 422 => ErrorCode::InvalidRequest,
        401 | 403 => ErrorCode::Authentication,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        429 => ErrorCode::RateLimited,
        // The request did not arrive in time: nothing was processed.
        408 => ErrorCode::ProcessorUnavailable,
        500..=599 if error_type.is_some_and(|t| t.eq_ignore_ascii_case("configuration")) => {
            ErrorCode::Configuration
        }
        500..=599 => ErrorCode::ProcessorUnavailable,
        400..=499 => ErrorCode::InvalidRequest,
        // 1xx / 3xx: not an answer the API gives.
        _ => ErrorCode::InvalidResponse,
    }
}

/// The error for a non-2xx answer. Bodies that are not a `ServiceError` are classified by the
/// HTTP status alone.
pub(super) fn from_response(response: &HttpResponse) -> Error {
    let body: ServiceError = serde_json::from_slice(response.body.as_slice()).unwrap_or_default();
    let code = classify(response.status, body.error_type.as_deref());
    Error::processor(code, response.status, body.error_code, body.message).with_request_id(
        body.psp_reference
            .or_else(|| header_psp_reference(response)),
    )
}

/// An answer that could not be understood. For a mutating call the outcome is unknown; the
/// `pspReference` the body names, if any can still be read, is kept as the request id.
pub(super) fn invalid_response(response: &HttpResponse, what: &str) -> Error {
    let mut e = Error::invalid_response(format!(
        "Adyen answered HTTP {} with {what}",
        response.status
    ));
    e.http_status = Some(response.status);
    e.with_request_id(header_psp_reference(response))
}

/// The references an unreadable 2xx body still names (`pspReference`, `paymentPspReference`).
pub(super) fn references(response: &HttpResponse) -> References {
    serde_json::from_slice(response.body.as_slice()).unwrap_or_default()
}

/// Whether a call that got this answer may have had an effect at Adyen: it was processed (2xx)
/// or its outcome is unknown (5xx). A 4xx was refused before anything was done.
pub(super) fn may_have_had_effect(response: &HttpResponse) -> bool {
    response.is_success() || response.status >= 500
}

/// `e` with the payment's `pspReference` as `connector_transaction_id`, when the call may have
/// had an effect, so that the caller can reconcile before retrying.
pub(super) fn with_payment_reference(
    e: Error,
    response: &HttpResponse,
    psp_reference: Option<&str>,
) -> Error {
    if may_have_had_effect(response) {
        e.with_references(None, psp_reference, None)
    } else {
        e
    }
}

/// The typed body of a 2xx answer; a non-2xx answer is the `ServiceError`, and a 2xx body
/// that is not a JSON object of the expected shape is `invalid_response`.
pub(super) fn success_body<T: DeserializeOwned>(response: &HttpResponse) -> Result<T> {
    if !response.is_success() {
        return Err(from_response(response));
    }
    let is_object = response
        .body
        .as_slice()
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'{');
    match serde_json::from_slice::<T>(response.body.as_slice()) {
        Ok(body) if is_object => Ok(body),
        _ => Err(invalid_response(
            response,
            "a body that is not a JSON object of the documented shape",
        )),
    }
}

/// The `pspReference` response header, which Adyen sets on every answer.
pub(super) fn header_psp_reference(response: &HttpResponse) -> Option<String> {
    response
        .header("pspReference")
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
