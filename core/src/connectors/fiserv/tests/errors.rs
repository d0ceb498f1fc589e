//! Error bodies and HTTP statuses into unified errors: every documented error example.

use super::*;
use crate::connector::Connector;
use crate::connectors::fiserv::errors::classify;

fn authorize_error(status: u16, body: &str) -> Error {
    failed(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(status, body)],
    ))
}

fn apim(message: &str) -> String {
    format!(r#"{{"error":[{{"type":"APIM","message":"{message}"}}]}}"#)
}

#[test]
fn the_documented_validation_error_is_an_invalid_request() {
    let e = authorize_error(400, VALIDATION_ERROR);
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(400));
    assert_eq!(e.processor_code.as_deref(), Some("105"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Invalid amount or currency")
    );
    assert!(e.message().contains("amount.currency"), "{e}");
    assert_eq!(
        e.request_id.as_deref(),
        Some("7027b61dbf7645399d204dbfa0de0870")
    );
    assert_eq!(e.connector, Some(ConnectorName::Fiserv));
    assert_eq!(e.flow, Some(Flow::Authorize));
    assert!(!e.retryable);
}

#[test]
fn an_authentication_failure_says_why() {
    let e = authorize_error(
        401,
        &apim("ApiKey and/or Authentication supplied are invalid."),
    );
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("APIM"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("ApiKey and/or Authentication supplied are invalid.")
    );
    for why in ["Api-Key", "HMAC signature", "Timestamp", "5 minutes"] {
        assert!(e.message().contains(why), "{why}: {e}");
    }
    assert!(!e.retryable);
    // Without a body too.
    let e = authorize_error(401, "");
    assert_code(&e, ErrorCode::Authentication);
    assert!(e.message().contains("HMAC signature"), "{e}");
    let e = authorize_error(403, "");
    assert_code(&e, ErrorCode::Authentication);
}

#[test]
fn the_http_status_table() {
    let cases = [
        (404, apim("Resource not found."), ErrorCode::NotFound, false),
        (
            408,
            apim("Broken client connectivity."),
            ErrorCode::ProcessorUnavailable,
            true,
        ),
        (415, String::new(), ErrorCode::InvalidRequest, false),
        (425, String::new(), ErrorCode::RateLimited, true),
        (
            429,
            apim("Request volume is too high."),
            ErrorCode::RateLimited,
            true,
        ),
        (
            500,
            "<html>Internal Server Error</html>".to_string(),
            ErrorCode::ProcessorUnavailable,
            true,
        ),
        (502, String::new(), ErrorCode::ProcessorUnavailable, true),
        (503, String::new(), ErrorCode::ProcessorUnavailable, true),
        (504, String::new(), ErrorCode::ProcessorUnavailable, true),
        (418, String::new(), ErrorCode::ProcessorError, false),
    ];
    for (status, body, code, retryable) in cases {
        let e = authorize_error(status, &body);
        assert_code(&e, code);
        assert_eq!(e.retryable, retryable, "{status}");
        assert_eq!(e.http_status, Some(status));
    }
    let e = authorize_error(503, "");
    assert!(e.message().contains("Service Unavailable"), "{e}");
}

#[test]
fn the_error_code_families() {
    let cases = [
        ("100", ErrorCode::InvalidRequest),
        ("103", ErrorCode::InvalidRequest),
        ("104", ErrorCode::InvalidRequest),
        ("121", ErrorCode::InvalidRequest),
        ("131", ErrorCode::InvalidRequest),
        ("136", ErrorCode::Conflict),
        ("201", ErrorCode::InvalidRequest),
        ("202", ErrorCode::InvalidRequest),
        ("247", ErrorCode::InvalidRequest),
        ("304", ErrorCode::Conflict),
        ("363", ErrorCode::InvalidRequest),
        ("602", ErrorCode::InvalidRequest),
        ("700", ErrorCode::ProcessorUnavailable),
        ("703", ErrorCode::ProcessorUnavailable),
        ("704", ErrorCode::ProcessorUnavailable),
        ("724", ErrorCode::ProcessorUnavailable),
        ("741", ErrorCode::ProcessorUnavailable),
        ("755", ErrorCode::ProcessorUnavailable),
        ("756", ErrorCode::InvalidRequest),
        ("757", ErrorCode::Conflict),
        ("763", ErrorCode::InvalidRequest),
        ("766", ErrorCode::Conflict),
        ("767", ErrorCode::NotFound),
        ("771", ErrorCode::InvalidRequest),
        ("801", ErrorCode::NotFound),
        ("804", ErrorCode::InvalidRequest),
        ("806", ErrorCode::InvalidRequest),
    ];
    for (code, expected) in cases {
        assert_eq!(classify(400, Some(code)), expected, "{code}");
        let body =
            format!(r#"{{"error":[{{"type":"GATEWAY","code":"{code}","message":"m {code}"}}]}}"#);
        let e = authorize_error(400, &body);
        assert_code(&e, expected);
        assert_eq!(e.processor_code.as_deref(), Some(code));
    }
    // The sandbox's forced error (requestedTestResponseCode 103) and the observed 104 body.
    let e = authorize_error(
        400,
        r#"{"error":[{"type":"GATEWAY","code":"104","message":"Unable to Assign Card to Brand: Invalid","additionalInfo":"first 6 digits of the account number - 401288"}]}"#,
    );
    assert_code(&e, ErrorCode::InvalidRequest);
    assert!(e.message().contains("first 6 digits"), "{e}");
}

#[test]
fn documented_variants_of_the_error_shape_are_read() {
    let wrapped = r#"{"errorResponse":{"gatewayResponse":{"transactionProcessingDetails":{"apiTraceId":"t-1"}},"error":[{"type":"GATEWAY","code":"105","message":"Invalid amount or currency"}]}}"#;
    let e = authorize_error(400, wrapped);
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("105"));
    assert_eq!(e.request_id.as_deref(), Some("t-1"));

    let nested = r#"{"gatewayResponse":{"transactionProcessingDetails":{"apiTraceId":"t-2"},"error":[{"type":"HOST","code":"703","message":"Internal error"}]}}"#;
    let e = authorize_error(500, nested);
    assert_code(&e, ErrorCode::ProcessorUnavailable);
    assert_eq!(e.processor_code.as_deref(), Some("703"));
    assert_eq!(e.request_id.as_deref(), Some("t-2"));

    let details = r#"{"details":[{"type":"GATEWAY","code":"136","message":"Same transaction already being processed"}]}"#;
    let e = authorize_error(400, details);
    assert_code(&e, ErrorCode::Conflict);

    let single = r#"{"error":{"type":"GATEWAY","code":"801","field":"referenceTransactionId","message":"not found"}}"#;
    let e = authorize_error(400, single);
    assert_code(&e, ErrorCode::NotFound);
    assert!(e.message().contains("referenceTransactionId"), "{e}");
}

#[test]
fn error_text_is_masked() {
    let e = authorize_error(
        400,
        r#"{"error":[{"type":"GATEWAY","code":"103","message":"Invalid card 4005550000000019"}]}"#,
    );
    assert!(!e.to_string().contains(CARD_NUMBER));
    assert!(!format!("{e:?}").contains(CARD_NUMBER));
}

#[test]
fn a_bare_code_and_message_body_is_read() {
    let e = authorize_error(400, r#"{"code":"121","message":"Malformed JSON"}"#);
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("121"));
    assert_eq!(e.processor_message.as_deref(), Some("Malformed JSON"));
}

#[test]
fn a_decline_answered_with_a_4xx_status_is_still_a_decline() {
    let r = done(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(400, CHARGE_DECLINED)],
    ));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.decline.unwrap().code.as_deref(), Some("006"));
    assert_eq!(r.http_status, Some(400));
    // An error body with an envelope but no decline stays an error.
    let e = authorize_error(400, VALIDATION_ERROR);
    assert_code(&e, ErrorCode::InvalidRequest);
}
