//! Refund and RSync (`refunds.rs`).

use super::*;

// ---- refunds ---------------------------------------------------------------------------------

#[test]
fn refund_request_and_statuses() {
    let c = connector();
    let mut metadata = Metadata::new();
    metadata.insert("notes_key_1".into(), "Beam me up Scotty.".into());
    let req = RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        merchant_refund_reference: Some("#Receipt No. 131".into()),
        reason: Some(RefundReason::CustomerRequest),
        refundable_amount: None,
        idempotency_key: None,
        metadata,
    };
    let (requests, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(REFUND_PROCESSED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_JRSS9bMrRMds3w/refund"
    );
    assert!(!requests[0].retry_safe);
    assert_eq!(
        body_json(&requests[0]),
        json!({"amount": 100, "speed": "normal", "receipt": "#Receipt No. 131", "notes": {"notes_key_1": "Beam me up Scotty."}})
    );
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_JnzyQwYOOBNJJu")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_JRSS9bMrRMds3w")
    );
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("#Receipt No. 131")
    );
    assert_eq!(r.amount, Some(inr(100)));
    assert_eq!(r.connector_status.as_deref(), Some("processed"));

    let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    assert_eq!(result.unwrap().status, RefundStatus::Pending);

    for (raw, expected) in [
        ("created", RefundStatus::Pending),
        ("failed", RefundStatus::Failure),
    ] {
        let body = json!({"id": "rfnd_1", "entity": "refund", "status": raw, "payment_id": "pay_1", "notes": []});
        let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(&body.to_string())]);
        assert_eq!(result.unwrap().status, expected);
    }
}

#[test]
fn rsync_reads_the_refund() {
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: "rfnd_JnzyQwYOOBNJJu".into(),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    assert_eq!(requests[0].method, HttpMethod::Get);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/refunds/rfnd_JnzyQwYOOBNJJu"
    );
    assert_eq!(result.unwrap().status, RefundStatus::Pending);
    let (_, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![status(400, ERROR_NOT_FOUND)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}
