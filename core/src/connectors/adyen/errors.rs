//! Errors (spec §6). Every non-2xx answer carries a `ServiceError`:
//! `{status, errorCode, message, errorType, pspReference?}`. It becomes one [`Error`] with the
//! HTTP status, `errorCode` as the processor code, `message` as the processor message and
//! `pspReference` as the request id. Declines are not errors: they are HTTP 200 with
//! `resultCode` `Refused`/`Error` (see `payments.rs`).

use serde_json::{Map, Value};

use super::text;
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;
use crate::types::{ConnectorName, Flow};

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
pub(super) fn from_response(response: &HttpResponse, flow: Flow) -> Error {
    let body = response.json();
    let service_error = body.as_ref().and_then(Value::as_object);
    let field = |key: &str| service_error.and_then(|o| text(o, key));
    let error_type = field("errorType");
    let code = classify(response.status, error_type.as_deref());
    Error::processor(code, response.status, field("errorCode"), field("message"))
        .with_request_id(field("pspReference").or_else(|| header_psp_reference(response)))
        .with_connector(ConnectorName::Adyen, flow)
}

/// An answer that could not be understood. For a mutating call the outcome is unknown.
pub(super) fn invalid_response(response: &HttpResponse, flow: Flow, what: &str) -> Error {
    let mut e = Error::invalid_response(format!(
        "Adyen answered HTTP {} with {what}",
        response.status
    ));
    e.http_status = Some(response.status);
    e.with_request_id(header_psp_reference(response))
        .with_connector(ConnectorName::Adyen, flow)
}

/// The JSON object of a 2xx answer; a non-2xx answer is the `ServiceError`, and a 2xx body
/// that is not a JSON object is `invalid_response`.
pub(super) fn success_object(response: &HttpResponse, flow: Flow) -> Result<Map<String, Value>> {
    if !response.is_success() {
        return Err(from_response(response, flow));
    }
    match response.json() {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(invalid_response(
            response,
            flow,
            "a body that is not a JSON object",
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
