//! CreateOrder (`orders.rs`).

use super::*;

// ---- create_order ----------------------------------------------------------------------------

#[test]
fn create_order_request_and_spec_response() {
    let c = connector();
    let mut req = CreateOrderRequest::new_for_test();
    let (requests, result) = drive(|r| c.create_order(&req, &cx(), r), vec![ok(ORDER)]);
    let body = body_json(&requests[0]);
    assert_eq!(
        body,
        json!({"amount": 50000, "currency": "INR", "receipt": "receipt#1", "payment_capture": 1, "notes": {"cart": "42"}})
    );
    let order = result.unwrap();
    assert_eq!(order.status, OrderStatus::Created);
    assert_eq!(order.connector_order_id, "order_EKwxwAgItmmXdp");
    assert_eq!(order.merchant_reference.as_deref(), Some("receipt#1"));
    assert_eq!(order.amount, Some(inr(50000)));
    assert_eq!(order.request_id.as_deref(), Some("req_abc123"));
    assert_eq!(order.http_status, Some(200));

    req.capture_method = CaptureMethod::Manual;
    req.metadata.clear();
    let (requests, _) = drive(|r| c.create_order(&req, &cx(), r), vec![ok(ORDER)]);
    let body = body_json(&requests[0]);
    assert_eq!(body["payment_capture"], 0);
    assert!(body.get("notes").is_none());
}

#[test]
fn order_statuses_and_notes_shapes() {
    for (status, expected) in [
        ("attempted", OrderStatus::Attempted),
        ("paid", OrderStatus::Paid),
    ] {
        let body = json!({"id": "order_X1", "entity": "order", "amount": 100, "currency": "INR", "status": status,
                          "notes": {"k": "v"}, "receipt": null});
        let order =
            crate::connectors::razorpay::orders::parse_order(&ok(&body.to_string())).unwrap();
        assert_eq!(order.status, expected);
        assert_eq!(order.merchant_reference, None);
    }
    let e = crate::connectors::razorpay::orders::parse_order(&ok(
        r#"{"entity":"order","status":"created"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn long_receipts_are_rejected() {
    let c = connector();
    let mut req = CreateOrderRequest::new_for_test();
    req.merchant_reference = "r".repeat(41);
    let e = c.create_order(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.field(), Some("merchant_reference"));
    req.merchant_reference = "r".repeat(40);
    assert!(c.create_order(&req, &cx(), &[]).is_ok());
}
