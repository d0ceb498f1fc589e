//! Error answers into unified errors (`errors.rs`).

use super::*;

// ---- errors ----------------------------------------------------------------------------------

#[test]
fn error_shapes_are_classified() {
    // 401: authentication, although the code says BAD_REQUEST_ERROR.
    let e = refund_error(status(401, ERROR_AUTH));
    assert_eq!(e.code(), ErrorCode::Authentication);
    assert_eq!(e.http_status, Some(401));
    assert_eq!(e.processor_code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Authentication failed")
    );
    assert_eq!(e.request_id.as_deref(), Some("req_err42"));
    assert!(!e.retryable);

    // Minimal error: invalid_request, with the processor's field in the message.
    let e = refund_error(status(400, ERROR_MINIMAL));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The amount is invalid")
    );
    assert!(e.message().contains("field: amount"), "{}", e.message());

    // Unknown id.
    let e = refund_error(status(400, ERROR_NOT_FOUND));
    assert_eq!(e.code(), ErrorCode::NotFound);

    // Gateway and server errors: retryable.
    for (http, code) in [
        (502, "GATEWAY_ERROR"),
        (500, "SERVER_ERROR"),
        (400, "GATEWAY_ERROR"),
    ] {
        let body = json!({"error": {"code": code, "description": "Gateway timed out"}});
        let e = refund_error(status(http, &body.to_string()));
        assert_eq!(e.code(), ErrorCode::ProcessorUnavailable, "{http} {code}");
        assert!(e.retryable);
        assert_eq!(e.processor_code.as_deref(), Some(code));
    }
    let e = refund_error(status(503, "<html>Service Unavailable</html>"));
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert!(e.retryable);

    // The bare routing error.
    let e = refund_error(status(404, ERROR_ROUTE));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(
        e.processor_message.as_deref(),
        Some("no Route matched with those values")
    );

    // Throttling.
    assert_eq!(
        refund_error(status(429, "{}")).code(),
        ErrorCode::RateLimited
    );

    // A non-JSON 2xx.
    let e = refund_error(ok("Service temporarily unavailable"));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.request_id.as_deref(), Some("req_abc123"));

    // An error body with everything optional missing or null.
    let e = refund_error(status(
        400,
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": null, "metadata": null}}"#,
    ));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
}

#[test]
fn error_messages_never_echo_card_numbers() {
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": format!("Invalid card number {PAN}"), "field": "card[number]"}});
    let e = refund_error(status(400, &body.to_string()));
    for rendering in [
        format!("{e:?}"),
        e.to_string(),
        serde_json::to_string(&e).unwrap(),
    ] {
        assert!(!rendering.contains(PAN), "{rendering}");
    }
}

#[test]
fn http_408_is_a_timeout_with_an_unknown_outcome() {
    // A read: a timeout, retryable (reads are retry-safe).
    let e = refund_error(status(408, "<html>Request Timeout</html>"));
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(e.retryable);
    assert!(
        e.message().contains("outcome is unknown"),
        "{}",
        e.message()
    );
    // Whatever the body says.
    let e = refund_error(status(
        408,
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Request timed out", "source": "business"}}"#,
    ));
    assert_eq!(e.code(), ErrorCode::Timeout);

    // A write: a timeout, never retryable (Razorpay does not deduplicate), with the payment.
    let c = connector();
    let capture = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let (_, result) = drive(|r| c.capture(&capture, &cx(), r), vec![status(408, "")]);
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(!e.retryable);
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    // An authorize's payment step too (a decline-shaped body does not change that).
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DBJKIP31Y4jl8".into());
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(408, ERROR_DECLINE)],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(!e.retryable);
    assert_eq!(e.connector_order_id.as_deref(), Some("order_DBJKIP31Y4jl8"));
}

#[test]
fn errors_name_the_ids_of_their_metadata() {
    let e = refund_error(status(
        400,
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "x", "source": "gateway",
            "metadata": {"payment_id": "pay_EDNBKIP31Y4jl8", "order_id": "order_DBJKIP31Y4jl8"}}}"#,
    ));
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_EDNBKIP31Y4jl8")
    );
    assert_eq!(e.connector_order_id.as_deref(), Some("order_DBJKIP31Y4jl8"));
    // Ids that could not be Razorpay ids are not copied.
    let e = refund_error(status(
        400,
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "x", "metadata": {"payment_id": "pay_1 <script>"}}}"#,
    ));
    assert_eq!(e.connector_transaction_id, None);
}
