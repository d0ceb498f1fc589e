//! `ServiceError` answers (Adyen API reference, Checkout API > `ServiceError`) and their classes.

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::errors::classify;

struct Case {
    status: u16,
    body: &'static str,
    code: ErrorCode,
    processor_code: Option<&'static str>,
    processor_message: Option<&'static str>,
    request_id: Option<&'static str>,
    retryable: bool,
}

/// The `ServiceError` examples of the Checkout API reference (`/payments` responses 400, 401,
/// 403, 422, 500), plus the other statuses the API answers with.
const CASES: &[Case] = &[
    Case {
        status: 400,
        body: r#"{"status": 400, "errorCode": "702", "message": "Unexpected input: \", expected: }", "errorType": "validation"}"#,
        code: ErrorCode::InvalidRequest,
        processor_code: Some("702"),
        processor_message: Some("Unexpected input: \", expected: }"),
        request_id: None,
        retryable: false,
    },
    Case {
        status: 401,
        body: r#"{"status": 401, "errorCode": "000", "message": "HTTP Status Response - Unauthorized", "errorType": "security"}"#,
        code: ErrorCode::Authentication,
        processor_code: Some("000"),
        processor_message: Some("HTTP Status Response - Unauthorized"),
        request_id: None,
        retryable: false,
    },
    Case {
        status: 403,
        body: r#"{"status": 403, "errorCode": "901", "message": "Invalid Merchant Account", "errorType": "security", "pspReference": "881611827877203B"}"#,
        code: ErrorCode::Authentication,
        processor_code: Some("901"),
        processor_message: Some("Invalid Merchant Account"),
        request_id: Some("881611827877203B"),
        retryable: false,
    },
    Case {
        status: 422,
        body: r#"{"status": 422, "errorCode": "14_030", "message": "Return URL is missing.", "errorType": "validation", "pspReference": "8816118280275544"}"#,
        code: ErrorCode::InvalidRequest,
        processor_code: Some("14_030"),
        processor_message: Some("Return URL is missing."),
        request_id: Some("8816118280275544"),
        retryable: false,
    },
    Case {
        status: 500,
        body: r#"{"status": 500, "errorCode": "905", "message": "Payment details are not supported", "errorType": "configuration", "pspReference": "8516091485743033"}"#,
        code: ErrorCode::Configuration,
        processor_code: Some("905"),
        processor_message: Some("Payment details are not supported"),
        request_id: Some("8516091485743033"),
        retryable: false,
    },
    Case {
        status: 500,
        body: r#"{"status": 500, "errorCode": "000", "message": "Internal error", "errorType": "internal"}"#,
        code: ErrorCode::ProcessorUnavailable,
        processor_code: Some("000"),
        processor_message: Some("Internal error"),
        request_id: None,
        retryable: true,
    },
    Case {
        status: 403,
        body: r#"{"status": 403, "errorCode": "010", "message": "Not allowed", "errorType": "security"}"#,
        code: ErrorCode::Authentication,
        processor_code: Some("010"),
        processor_message: Some("Not allowed"),
        request_id: None,
        retryable: false,
    },
    Case {
        status: 404,
        body: r#"{"status": 404, "errorCode": "000", "message": "Not found", "errorType": "validation"}"#,
        code: ErrorCode::NotFound,
        processor_code: Some("000"),
        processor_message: Some("Not found"),
        request_id: None,
        retryable: false,
    },
    Case {
        status: 409,
        body: r#"{"status": 409, "errorCode": "704", "message": "request already processed or in progress", "errorType": "validation"}"#,
        code: ErrorCode::Conflict,
        processor_code: Some("704"),
        processor_message: Some("request already processed or in progress"),
        request_id: None,
        retryable: false,
    },
    Case {
        status: 429,
        body: r#"{"status": 429, "errorCode": "000", "message": "Too many requests", "errorType": "security"}"#,
        code: ErrorCode::RateLimited,
        processor_code: Some("000"),
        processor_message: Some("Too many requests"),
        request_id: None,
        retryable: true,
    },
    // Not JSON: classified by the status alone.
    Case {
        status: 502,
        body: "<html><body>Bad Gateway</body></html>",
        code: ErrorCode::ProcessorUnavailable,
        processor_code: None,
        processor_message: None,
        request_id: None,
        retryable: true,
    },
    Case {
        status: 401,
        body: "",
        code: ErrorCode::Authentication,
        processor_code: None,
        processor_message: None,
        request_id: None,
        retryable: false,
    },
];

#[test]
fn service_errors_become_one_classified_error() {
    let adyen = connector();
    for case in CASES {
        let e = failed(adyen.authorize(
            &authorize_request(),
            &cx(),
            &[response(case.status, case.body)],
        ));
        assert_code(&e, case.code);
        assert_eq!(e.http_status, Some(case.status), "{}", case.body);
        assert_eq!(
            e.processor_code.as_deref(),
            case.processor_code,
            "{}",
            case.body
        );
        assert_eq!(
            e.processor_message.as_deref(),
            case.processor_message,
            "{}",
            case.body
        );
        assert_eq!(e.request_id.as_deref(), case.request_id, "{}", case.body);
        assert_eq!(e.retryable, case.retryable, "{}", case.body);
    }
}

#[test]
fn every_flow_reads_service_errors() {
    let adyen = connector();
    let body = CASES[3].body; // 422
    let r = || [response(422, body)];
    let capture = CaptureRequest {
        connector_transaction_id: "P".into(),
        amount: usd(100),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    assert_code(
        &failed(adyen.capture(&capture, &cx(), &r())),
        ErrorCode::InvalidRequest,
    );
    let void = VoidRequest {
        connector_transaction_id: "P".into(),
        ..Default::default()
    };
    assert_code(
        &failed(adyen.void(&void, &cx(), &r())),
        ErrorCode::InvalidRequest,
    );
    let accept = AcceptDisputeRequest {
        connector_dispute_id: "D".into(),
        idempotency_key: None,
    };
    let e = failed(adyen.accept_dispute(&accept, &cx(), &r()));
    assert_code(&e, ErrorCode::InvalidRequest);
}

#[test]
fn the_header_psp_reference_serves_when_the_body_has_none() {
    let r = response(401, CASES[1].body).with_header("pspReference", "HDR123");
    let e = failed(connector().authorize(&authorize_request(), &cx(), &[r]));
    assert_eq!(e.request_id.as_deref(), Some("HDR123"));
    let r = response(403, CASES[2].body).with_header("pspReference", "HDR123");
    let e = failed(connector().authorize(&authorize_request(), &cx(), &[r]));
    assert_eq!(
        e.request_id.as_deref(),
        Some("881611827877203B"),
        "the body's reference comes first"
    );
}

#[test]
fn classification_table() {
    let table = [
        (400, None, ErrorCode::InvalidRequest),
        (422, Some("validation"), ErrorCode::InvalidRequest),
        (401, Some("security"), ErrorCode::Authentication),
        (403, Some("security"), ErrorCode::Authentication),
        (404, None, ErrorCode::NotFound),
        (409, None, ErrorCode::Conflict),
        (429, None, ErrorCode::RateLimited),
        (500, None, ErrorCode::ProcessorUnavailable),
        (500, Some("configuration"), ErrorCode::Configuration),
        (503, Some("Configuration"), ErrorCode::Configuration),
        (502, None, ErrorCode::ProcessorUnavailable),
        (503, Some("internal"), ErrorCode::ProcessorUnavailable),
        (504, None, ErrorCode::ProcessorUnavailable),
        (415, None, ErrorCode::InvalidRequest),
        (302, None, ErrorCode::InvalidResponse),
    ];
    for (status, error_type, code) in table {
        assert_eq!(
            classify(status, error_type),
            code,
            "{status} {error_type:?}"
        );
    }
}

#[test]
fn declines_are_never_errors() {
    let refused = r#"{"pspReference": "P", "resultCode": "Refused", "refusalReason": "Refused", "refusalReasonCode": "2"}"#;
    assert!(connector()
        .authorize(&authorize_request(), &cx(), &[response(200, refused)])
        .is_ok());
}
