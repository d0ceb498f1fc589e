//! Capture, cancel and refund: `201 received` answers.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::modifications::merchant_refund_reason;

fn capture_request() -> CaptureRequest {
    CaptureRequest {
        connector_transaction_id: "993617894903480A".into(),
        amount: money(2000, "EUR"),
        authorized_amount: None,
        merchant_reference: Some("YOUR_UNIQUE_REFERENCE".into()),
        idempotency_key: None,
    }
}

#[test]
fn capture_request_body_url_and_headers() {
    let request = sent(connector().capture(&capture_request(), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://checkout-test.adyen.com/v68/payments/993617894903480A/captures"
    );
    assert_adyen_headers(&request, API_KEY);
    // Checkout API reference, `/payments/{paymentPspReference}/captures` request example.
    assert_eq!(
        body(&request),
        json!({"merchantAccount": MERCHANT, "amount": {"value": 2000, "currency": "EUR"}, "reference": "YOUR_UNIQUE_REFERENCE"})
    );
    let mut r = capture_request();
    r.merchant_reference = None;
    assert!(body(&sent(connector().capture(&r, &cx(), &[])))
        .get("reference")
        .is_none());
}

/// Checkout API reference, `/payments/{paymentPspReference}/captures`: the 201 example.
#[test]
fn capture_received_is_pending() {
    let answer = r#"{"merchantAccount": "YOUR_MERCHANT_ACCOUNT", "paymentPspReference": "993617894903480A",
     "reference": "YOUR_UNIQUE_REFERENCE", "pspReference": "993617894906488A",
     "status": "received", "amount": {"value": 2000, "currency": "EUR"}}"#;
    let p = done(connector().capture(&capture_request(), &cx(), &[response(201, answer)]));
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(p.connector_status.as_deref(), Some("received"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("993617894906488A")
    );
    assert_eq!(
        p.merchant_reference.as_deref(),
        Some("YOUR_UNIQUE_REFERENCE")
    );
    assert_eq!(p.amount, Some(money(2000, "EUR")));
    assert_eq!(p.http_status, Some(201));
    assert_eq!(p.request_id.as_deref(), Some("993617894906488A"));
    assert!(p.raw_response.is_some());
}

fn void_request() -> VoidRequest {
    VoidRequest {
        connector_transaction_id: "993617894903480A".into(),
        merchant_reference: Some("YOUR_UNIQUE_REFERENCE".into()),
        ..Default::default()
    }
}

/// Checkout API reference, `/payments/{paymentPspReference}/cancels`: request and 201 answer.
#[test]
fn cancel_request_and_received_answer() {
    let request = sent(connector().void(&void_request(), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://checkout-test.adyen.com/v68/payments/993617894903480A/cancels"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({"reference": "YOUR_UNIQUE_REFERENCE", "merchantAccount": MERCHANT})
    );
    let answer = r#"{"merchantAccount": "YOUR_MERCHANT_ACCOUNT", "paymentPspReference": "993617894903480A",
     "reference": "YOUR_UNIQUE_REFERENCE", "pspReference": "993617894906499B", "status": "received"}"#;
    let p = done(connector().void(&void_request(), &cx(), &[response(201, answer)]));
    assert_eq!(p.status, PaymentStatus::VoidInitiated);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("993617894906499B")
    );
    assert_eq!(p.amount, None);
}

fn refund_request() -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "993617894903480A".into(),
        amount: money(2500, "EUR"),
        merchant_refund_reference: Some("YOUR_UNIQUE_REFERENCE".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}

/// Checkout API reference, `/payments/{paymentPspReference}/refunds`: request and the `refund`
/// 201 example.
#[test]
fn refund_request_and_received_answer() {
    let request = sent(connector().refund(&refund_request(), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://checkout-test.adyen.com/v68/payments/993617894903480A/refunds"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({"amount": {"currency": "EUR", "value": 2500}, "reference": "YOUR_UNIQUE_REFERENCE", "merchantAccount": MERCHANT})
    );
    let answer = r#"{"merchantAccount": "YOUR_MERCHANT_ACCOUNT", "paymentPspReference": "993617894903480A",
     "reference": "YOUR_UNIQUE_REFERENCE", "pspReference": "993617894906488A",
     "status": "received", "amount": {"currency": "EUR", "value": 2500}}"#;
    let r = done(connector().refund(&refund_request(), &cx(), &[response(201, answer)]));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.connector, ConnectorName::Adyen);
    assert_eq!(r.connector_refund_id.as_deref(), Some("993617894906488A"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("YOUR_UNIQUE_REFERENCE")
    );
    assert_eq!(r.connector_status.as_deref(), Some("received"));
    assert_eq!(r.amount, Some(money(2500, "EUR")));
    assert_eq!(r.http_status, Some(201));
}

#[test]
fn refund_reasons_are_adyen_enum_values() {
    let cases = [
        (RefundReason::Fraud, "FRAUD"),
        (RefundReason::CustomerRequest, "CUSTOMER REQUEST"),
        (RefundReason::Return, "RETURN"),
        (RefundReason::Duplicate, "DUPLICATE"),
        (RefundReason::Other, "OTHER"),
    ];
    for (reason, wire) in cases {
        assert_eq!(
            serde_json::to_value(merchant_refund_reason(reason)).unwrap(),
            json!(wire)
        );
        let mut r = refund_request();
        r.reason = Some(reason);
        assert_eq!(
            body(&sent(connector().refund(&r, &cx(), &[])))["merchantRefundReason"],
            wire
        );
    }
}

#[test]
fn the_payment_reference_is_encoded_in_the_path() {
    let mut r = capture_request();
    r.connector_transaction_id = "ab/../c d?x".into();
    let request = sent(connector().capture(&r, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://checkout-test.adyen.com/v68/payments/ab%2F..%2Fc%20d%3Fx/captures"
    );
}

#[test]
fn modification_answers_must_be_readable() {
    let adyen = connector();
    for body in ["", "not json", r#"{"pspReference": "X"}"#] {
        let e = failed(adyen.capture(&capture_request(), &cx(), &[response(201, body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
        let e = failed(adyen.refund(&refund_request(), &cx(), &[response(201, body)]));
        assert_code(&e, ErrorCode::InvalidResponse);
    }
    // Without the echoed references, the request's payment id is kept.
    let p = done(adyen.void(
        &void_request(),
        &cx(),
        &[response(201, r#"{"status": "received"}"#)],
    ));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(p.connector_operation_id, None);
}

#[test]
fn unrepresentable_amounts_are_rejected_before_sending() {
    let mut r = refund_request();
    r.amount = money(150, "CVE"); // CVE 1.50: Adyen has no CVE decimals
    let e = failed(connector().refund(&r, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
    let mut c = capture_request();
    c.amount = money(1500, "ISK"); // ISK 1500 → 150000 at Adyen
    assert_eq!(
        body(&sent(connector().capture(&c, &cx(), &[])))["amount"],
        json!({"value": 150000, "currency": "ISK"})
    );
}

/// A 201 that cannot be read may still have captured, cancelled or refunded: the error carries
/// the payment's reference, and for a refund the refund's own reference when the answer names
/// it. A 4xx did nothing and carries none.
#[test]
fn errors_after_sending_carry_the_references() {
    let adyen = connector();
    let e = failed(adyen.capture(
        &capture_request(),
        &cx(),
        &[response(201, r#"{"pspReference": "993617894906488A"}"#)],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(e.connector_refund_id, None);

    let negative = r#"{"paymentPspReference": "993617894903480A", "pspReference": "993617894906488A",
      "status": "received", "amount": {"currency": "EUR", "value": -2500}}"#;
    let e = failed(adyen.refund(&refund_request(), &cx(), &[response(201, negative)]));
    assert_code(&e, ErrorCode::InvalidResponse);
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );
    assert_eq!(e.connector_refund_id.as_deref(), Some("993617894906488A"));

    let e = failed(adyen.void(&void_request(), &cx(), &[response(502, "Bad Gateway")]));
    assert_code(&e, ErrorCode::ProcessorUnavailable);
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("993617894903480A")
    );

    let invalid = r#"{"status": 422, "errorCode": "167", "message": "Original pspReference required for this operation", "errorType": "validation", "pspReference": "X1"}"#;
    let e = failed(adyen.refund(&refund_request(), &cx(), &[response(422, invalid)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.connector_transaction_id, None);
    assert_eq!(e.connector_refund_id, None);
}
