//! HTTP errors and error bodies into unified errors.

use super::*;
use crate::connectors::checkout::errors::error;

#[test]
fn empty_401_is_an_authentication_error_with_a_built_code() {
    let e = error(&response(401, "").with_header("Cko-Request-Id", "0HL80RJLS76I7"));
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.http_status, Some(401));
    assert_eq!(e.processor_code.as_deref(), Some("invalid_api_key"));
    assert_eq!(e.processor_message.as_deref(), Some("Invalid api key"));
    assert_eq!(e.request_id.as_deref(), Some("0HL80RJLS76I7"));
    assert!(!e.retryable);
}

#[test]
fn validation_error_422_is_invalid_request_with_the_codes() {
    // Checkout.com API reference, "Error body shapes".
    let body = r#"{"request_id": "0HL80RJLS76I7", "error_type": "request_invalid", "error_codes": ["payment_source_required"]}"#;
    let e = error(&response(422, body));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("payment_source_required"));
    assert_eq!(e.processor_message.as_deref(), Some("request_invalid"));
    assert_eq!(e.request_id.as_deref(), Some("0HL80RJLS76I7"));
    assert!(!e.retryable);

    let body = r#"{"request_id": "r", "error_type": "request_invalid", "error_codes": ["card_number_invalid", "cvv_invalid"]}"#;
    assert_eq!(
        error(&response(422, body)).processor_code.as_deref(),
        Some("card_number_invalid,cvv_invalid")
    );

    // The generic error shape.
    let e = error(&response(
        422,
        r#"{"request_id": "r2", "error_type": "request_malformed"}"#,
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("request_malformed"));
}

#[test]
fn status_classes() {
    for (status, code, retryable) in [
        (403, ErrorCode::InvalidRequest, false),
        (404, ErrorCode::NotFound, false),
        (409, ErrorCode::Conflict, false),
        (500, ErrorCode::ProcessorUnavailable, true),
        (502, ErrorCode::ProcessorUnavailable, true),
        (503, ErrorCode::ProcessorUnavailable, true),
        (418, ErrorCode::ProcessorError, false),
    ] {
        let e = error(&response(status, ""));
        assert_code(&e, code);
        assert_eq!(e.retryable, retryable, "{status}");
        assert_eq!(e.http_status, Some(status));
    }
}

#[test]
fn http_429_is_rate_limiting_or_a_duplicate_request() {
    let rate = error(&response(
        429,
        r#"{"request_id": "r", "error_type": "too_many_requests", "error_codes": ["api_calls_quota_exceeded"]}"#,
    ));
    assert_code(&rate, ErrorCode::RateLimited);
    assert!(rate.retryable);
    let bare = error(&response(429, ""));
    assert_code(&bare, ErrorCode::RateLimited);
    assert!(bare.retryable);

    for body in [
        r#"{"request_id": "r", "error_type": "request_invalid", "error_codes": ["duplicate_request"]}"#,
        r#"{"request_id": "r", "error_type": "duplicate_request"}"#,
        r#"{"request_id": "r", "error_type": "request_invalid", "error_codes": ["idempotency_key_already_used"]}"#,
    ] {
        let dup = error(&response(429, body));
        assert_code(&dup, ErrorCode::Conflict);
        assert!(!dup.retryable, "{body}");
        assert!(dup.message().contains("duplicate"), "{dup}");
    }
}

#[test]
fn processor_text_is_masked() {
    let body = r#"{"request_id": "r", "error_type": "request_invalid", "error_codes": ["card 4242424242424242 invalid"]}"#;
    let e = error(&response(422, body));
    assert!(!e.to_string().contains("4242424242424242"));
    assert!(!format!("{e:?}").contains("4242424242424242"));
}
