//! Commerce Hub error answers into unified errors.
//!
//! The body (CH OAS `ErrorResponse`, CH docs `Error-Response.md`) is read from its first
//! `error[]` item (or `details[]`, also inside `gatewayResponse` or an `errorResponse`
//! wrapper): code = `code` (else the item's `type`), message = `message`, reason =
//! `additionalInfo` (else `field`). The class comes from the HTTP status (CH docs
//! `Response-Handling.md`) and the error-code families (CH docs `Error-Code.md`):
//!
//! | signal | unified code |
//! |---|---|
//! | HTTP 401 (`APIM` "ApiKey and/or Authentication supplied are invalid."), 403 | `authentication` |
//! | HTTP 425 (too early), 429 (`APIM` "Request volume is too high.") | `rate_limited` |
//! | HTTP 408 (`APIM` "Broken client connectivity."), 5xx; codes `7xx` (gateway communication, e.g. `703` internal error, `704` timed out) but those below | `processor_unavailable` (retryable) |
//! | code `136` (same order or transaction already being processed), `304` (refund or cancel locked), `757` (order or transaction already exists), `766` (duplicate vault entry), HTTP 409 | `conflict` |
//! | code `801` (invalid transaction id or not found), `767` (vault data not found), HTTP 404 (`APIM` "Resource not found.") | `not_found` |
//! | code `756` (too old to be referenced), `763` (referenced payment type not found), `771` (vault id with create token) | `invalid_request` |
//! | other HTTP 400 / 415 / 422 (codes `1xx` submission data, `2xx` configuration, `3xx` payment source, `8xx` transaction info, ...) | `invalid_request` |
//! | anything else | `processor_error` |
//!
//! Declines are not errors: they arrive as HTTP 201 with `transactionState: "DECLINED"` and
//! are mapped by `payments.rs` / `refunds.rs`. One exception: a transaction a call created that
//! is declined with `responseCode` `009` (duplicate) is a `conflict` ([`refuse_duplicate`]).

use super::wire::{ErrorBody, ProcessorResponseDetails, Transaction};
use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::mask::mask_text;

/// Why a 401 happens at Commerce Hub (CH docs `Authentication-Header.md`).
const AUTHENTICATION_HINT: &str =
    "Fiserv rejected the request's authentication: the Api-Key is unknown, or the HMAC \
     signature in Authorization does not match Api-Key + Client-Request-Id + Timestamp + body \
     under the api_secret, or the Timestamp is more than 5 minutes off (keep the clock \
     NTP-synced)";

/// The unified error of a non-2xx Commerce Hub answer.
pub(super) fn error(response: &HttpResponse) -> Error {
    let status = response.status;
    let body: Option<ErrorBody> = serde_json::from_slice(response.body.as_slice()).ok();
    let item = body.as_ref().and_then(ErrorBody::first_item);
    let code = item.and_then(|i| i.code.clone());
    let processor_code = code.clone().or_else(|| item.and_then(|i| i.kind.clone()));
    let message = item.and_then(|i| i.message.clone());
    let reason = item.and_then(|i| i.additional_info.clone().or_else(|| i.field.clone()));

    let class = classify(status, code.as_deref());
    let mut error = Error::processor(
        class,
        status,
        processor_code,
        message.or_else(|| status_text(status).map(str::to_string)),
    );
    if let Some(reason) = reason {
        error.message = mask_text(&format!("{} ({reason})", error.message));
    }
    if status == 401 {
        error.message = mask_text(&format!("{AUTHENTICATION_HINT}. {}", error.message));
    } else if status == 403 {
        error.message = mask_text(&format!(
            "Fiserv refused access: the credentials lack the rights for this call or merchant. {}",
            error.message
        ));
    }
    let trace = body.as_ref().and_then(ErrorBody::api_trace_id);
    error.with_request_id(trace.or_else(|| response.request_id()))
}

/// The unified class of an error answer.
pub(super) fn classify(status: u16, code: Option<&str>) -> ErrorCode {
    match status {
        401 | 403 => return ErrorCode::Authentication,
        425 | 429 => return ErrorCode::RateLimited,
        408 | 500..=599 => return ErrorCode::ProcessorUnavailable,
        _ => {}
    }
    match code.map(str::trim) {
        // 757 order/transaction already exists, 766 duplicate vault entry.
        Some("136") | Some("304") | Some("757") | Some("766") => return ErrorCode::Conflict,
        // 767 vault data not found.
        Some("801") | Some("767") => return ErrorCode::NotFound,
        // 7xx codes about the request rather than the gateway's health (CH docs
        // `Error-Code.md`): 756 order/transaction too old to be referenced, 763 referenced
        // payment type not found, 771 vault id present with create token. Retrying them
        // cannot succeed.
        Some("756") | Some("763") | Some("771") => return ErrorCode::InvalidRequest,
        Some(c) if c.len() == 3 && c.starts_with('7') => return ErrorCode::ProcessorUnavailable,
        _ => {}
    }
    match status {
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        400 | 405 | 413 | 415 | 422 => ErrorCode::InvalidRequest,
        _ => ErrorCode::ProcessorError,
    }
}

/// The error of a 2xx answer whose `approvalStatus` is `PROCESSING_FAILED` ("try again
/// later": `processor_unavailable`, retryable) or `VALIDATION_FAILED` (`invalid_request`).
pub(super) fn approval_error(
    response: &HttpResponse,
    approval: &str,
    details: Option<&ProcessorResponseDetails>,
    request_id: Option<String>,
) -> Error {
    let class = if approval.eq_ignore_ascii_case("PROCESSING_FAILED") {
        ErrorCode::ProcessorUnavailable
    } else {
        ErrorCode::InvalidRequest
    };
    let code = details
        .and_then(|d| d.failure_code())
        .or_else(|| Some(approval.to_string()));
    let message = details
        .and_then(|d| d.response_message.clone())
        .or_else(|| details.and_then(|d| d.host_response_message.clone()));
    let mut error = Error::processor(class, response.status, code, message);
    error.message = mask_text(&format!("{} (approvalStatus {approval})", error.message));
    error.with_request_id(request_id.or_else(|| response.request_id()))
}

/// The `conflict` of a transaction declined as a duplicate (`responseCode` `009`, or the
/// host's code when the gateway's says approval) of one made before: the earlier one may
/// have gone through, so the call is an error to reconcile, not a plain decline.
pub(super) fn refuse_duplicate(response: &HttpResponse, txn: &Transaction) -> Result<(), Error> {
    let declined = txn.approval_status().as_deref() == Some("DECLINED")
        || txn.state().as_deref() == Some("DECLINED");
    let details = txn.processor_details();
    if !declined || details.and_then(|d| d.failure_code()).as_deref() != Some("009") {
        return Ok(());
    }
    let message = details.and_then(|d| d.response_message.clone());
    let mut error = Error::processor(
        ErrorCode::Conflict,
        response.status,
        Some("009".into()),
        message,
    );
    error.message = mask_text(&format!(
        "{} (a duplicate of an earlier transaction: look it up before retrying)",
        error.message
    ));
    error.connector_transaction_id = txn.transaction_id();
    Err(error.with_request_id(txn.api_trace_id().or_else(|| response.request_id())))
}

/// An `invalid_response` error about a 2xx answer that could not be read.
pub(super) fn invalid_response(response: &HttpResponse, message: impl Into<String>) -> Error {
    let mut e = Error::invalid_response(message);
    e.http_status = Some(response.status);
    e.with_request_id(response.request_id())
}

/// The reason phrase of the statuses whose bodies may follow no shape.
fn status_text(status: u16) -> Option<&'static str> {
    Some(match status {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        415 => "Unsupported Media Type",
        425 => "Too Early",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}
