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
        connector_refund_id: "rfnd_JnzyQwYOOBNJJv".into(),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    assert_eq!(requests[0].method, HttpMethod::Get);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/refunds/rfnd_JnzyQwYOOBNJJv"
    );
    assert_eq!(result.unwrap().status, RefundStatus::Pending);
    let (_, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![status(400, ERROR_NOT_FOUND)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn refund_errors_name_the_payment_and_any_refund() {
    let c = connector();
    let req = RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let timeout = status(408, "");
    let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![timeout]);
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(
        !e.retryable,
        "a refund is not deduplicated: never retryable"
    );
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_JRSS9bMrRMds3w")
    );
    // A 2xx the connector cannot use, but that names the refund it created.
    let broken = r#"{"id": "rfnd_HALF1", "entity": "refund", "status": "teleported"}"#;
    let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(broken)]);
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.connector_refund_id.as_deref(), Some("rfnd_HALF1"));
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_JRSS9bMrRMds3w")
    );
    // A negative refund amount is a broken answer.
    let negative = json!({"id": "rfnd_1", "entity": "refund", "status": "processed", "amount": -100,
                          "currency": "INR", "payment_id": "pay_JRSS9bMrRMds3w"});
    let (_, result) = drive(
        |r| c.refund(&req, &cx(), r),
        vec![ok(&negative.to_string())],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidResponse);
}

#[test]
fn rsync_rejects_another_refund() {
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: "rfnd_JnzyQwYOOBNJJu".into(),
        ..Default::default()
    };
    let (_, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(
        e.connector_refund_id.as_deref(),
        Some("rfnd_JnzyQwYOOBNJJu")
    );
}
