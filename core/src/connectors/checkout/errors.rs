//! Checkout.com's error answers into unified errors (Checkout.com docs "Response codes",
//! API reference `ValidationError`).
//!
//! | HTTP | body | unified |
//! |---|---|---|
//! | 401 | empty | `authentication` (code `invalid_api_key`) |
//! | 403 | may be empty ("capture / void / refund not allowed") | `invalid_request` |
//! | 404 | – | `not_found` |
//! | 409 | – | `conflict` |
//! | 422 | `{request_id, error_type: "request_invalid", error_codes: [...]}` | `invalid_request` |
//! | 429 | `error_codes` naming a duplicate / idempotency replay | `conflict`, not retryable |
//! | 429 | anything else (too many requests, `api_calls_quota_exceeded`) | `rate_limited`, retryable |
//! | 5xx | – | `processor_unavailable`, retryable |
//! | other | – | `processor_error` |
//!
//! The processor code is the `error_codes` joined with `,` (or `error_type` when there are
//! none), the processor message is `error_type`, and the request id is the body's
//! `request_id` (else the `Cko-Request-Id` header).

use super::wire::ErrorBody;
use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;

/// Whether a 429 body says the idempotency key was already used (a duplicate request), as
/// opposed to rate limiting.
fn is_duplicate(body: &ErrorBody) -> bool {
    let mentions = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("duplicate") || s.contains("idempoten")
    };
    body.error_codes.iter().any(|c| mentions(c)) || body.error_type.as_deref().is_some_and(mentions)
}

/// The unified error of a non-2xx answer.
pub(super) fn error(response: &HttpResponse) -> Error {
    let status = response.status;
    let body: Option<ErrorBody> = if response.body.as_slice().iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice(response.body.as_slice()).ok()
    };
    let codes = body
        .as_ref()
        .filter(|b| !b.error_codes.is_empty())
        .map(|b| b.error_codes.join(","));
    let error_type = body.as_ref().and_then(|b| b.error_type.clone());

    let class = match status {
        401 => ErrorCode::Authentication,
        403 | 400 | 422 => ErrorCode::InvalidRequest,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        429 if body.as_ref().is_some_and(is_duplicate) => ErrorCode::Conflict,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ProcessorUnavailable,
        _ => ErrorCode::ProcessorError,
    };

    let (processor_code, processor_message) = match (status, codes, error_type) {
        // Checkout.com answers a bad key with an empty 401.
        (401, None, None) => (
            Some("invalid_api_key".to_string()),
            Some("Invalid api key".to_string()),
        ),
        (_, Some(codes), error_type) => (Some(codes), error_type),
        (_, None, Some(error_type)) => (Some(error_type.clone()), Some(error_type)),
        (403, None, None) => (None, Some("action not allowed".to_string())),
        (_, None, None) => (None, None),
    };

    let mut e = Error::processor(class, status, processor_code, processor_message);
    if class == ErrorCode::Conflict && status == 429 {
        e.message = format!(
            "{} (a duplicate request: this Cko-Idempotency-Key was already used)",
            e.message
        );
    }
    let body_request_id = body.and_then(|b| b.request_id);
    e.with_request_id(body_request_id.or_else(|| response.request_id()))
}
