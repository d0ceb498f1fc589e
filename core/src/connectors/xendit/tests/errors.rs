//! Error answers (`errors.rs`): every code of the documentation's error tables, by HTTP status.

use serde_json::json;

use super::*;
use crate::connectors::xendit::errors::{class, error};

#[test]
fn spec_error_tables_classify() {
    for (status, code, expected) in [
        (400, "INACTIVE_PAYMENT_REQUEST", ErrorCode::InvalidRequest),
        (400, "INVALID_VALUE_ERROR", ErrorCode::InvalidRequest),
        (400, "API_VALIDATION_ERROR", ErrorCode::InvalidRequest),
        (400, "CAPTURE_AMOUNT_EXCEEDED", ErrorCode::InvalidRequest),
        (400, "REFUND_AMOUNT_EXCEEDED", ErrorCode::InvalidRequest),
        (400, "INVALID_PAYMENT_DETAILS", ErrorCode::InvalidRequest),
        (400, "PAYMENT_REQUEST_RATE_LIMITED", ErrorCode::RateLimited),
        (400, "INVALID_TOKEN", ErrorCode::InvalidRequest),
        (400, "BLOCKED_TOKEN", ErrorCode::InvalidRequest),
        (
            400,
            "TEMPORARILY_UNAVAILABLE",
            ErrorCode::ProcessorUnavailable,
        ),
        (
            400,
            "PARTIAL_REFUND_COUNTS_EXCEEDED",
            ErrorCode::InvalidRequest,
        ),
        (400, "REFUND_IN_PROGRESS", ErrorCode::InvalidRequest),
        (
            400,
            "INELIGIBLE_TRANSACTION_STATUS",
            ErrorCode::InvalidRequest,
        ),
        (400, "INSUFFICIENT_BALANCE", ErrorCode::InvalidRequest),
        (401, "INVALID_API_KEY", ErrorCode::Authentication),
        (400, "INVALID_API_KEY", ErrorCode::Authentication),
        (403, "REQUEST_FORBIDDEN_ERROR", ErrorCode::Authentication),
        (403, "UNAUTHORIZED", ErrorCode::Authentication),
        (403, "CHANNEL_NOT_ACTIVATED", ErrorCode::Authentication),
        (404, "DATA_NOT_FOUND", ErrorCode::NotFound),
        (409, "DUPLICATE_ERROR", ErrorCode::Conflict),
        (409, "IDEMPOTENCY_ERROR", ErrorCode::Conflict),
        (500, "SERVER_ERROR", ErrorCode::ProcessorUnavailable),
        (503, "CHANNEL_UNAVAILABLE", ErrorCode::ProcessorUnavailable),
        (418, "SOMETHING_ELSE", ErrorCode::ProcessorError),
    ] {
        assert_eq!(class(status, Some(code)), expected, "{status} {code}");
        let body = json!({"error_code": code, "message": "text"}).to_string();
        let e = error(&response(status, &body));
        assert_code(&e, expected);
        assert_eq!(e.http_status, Some(status));
        assert_eq!(e.processor_code.as_deref(), Some(code));
        assert_eq!(e.processor_message.as_deref(), Some("text"));
        assert_eq!(e.retryable, expected.is_transient(), "{code}");
    }
}

#[test]
fn bodiless_errors_classify_by_status() {
    for (status, expected) in [
        (401, ErrorCode::Authentication),
        (403, ErrorCode::Authentication),
        (404, ErrorCode::NotFound),
        (409, ErrorCode::Conflict),
        (429, ErrorCode::RateLimited),
        (500, ErrorCode::ProcessorUnavailable),
        (502, ErrorCode::ProcessorUnavailable),
        (503, ErrorCode::ProcessorUnavailable),
        (400, ErrorCode::InvalidRequest),
    ] {
        let e = error(&response(status, "<html>oops</html>"));
        assert_code(&e, expected);
        assert_eq!(e.processor_code, None);
    }
}

#[test]
fn validation_details_are_kept_and_card_numbers_masked() {
    let body = json!({
        "error_code": "API_VALIDATION_ERROR",
        "message": "card_number 4000000000001091 is invalid",
        "errors": [{"path": "payment_method.card.card_information.card_number", "message": "invalid"}]
    })
    .to_string();
    let e = error(&response(400, &body));
    assert!(e.message().contains("card_information.card_number"), "{e}");
    assert!(!e.to_string().contains(CARD_NUMBER));
    assert!(!e
        .processor_message
        .as_deref()
        .unwrap()
        .contains(CARD_NUMBER));
}

#[test]
fn request_ids_come_from_the_headers() {
    let e = error(&response(500, "{}").with_header("Request-Id", "req-123"));
    assert_eq!(e.request_id.as_deref(), Some("req-123"));
}
