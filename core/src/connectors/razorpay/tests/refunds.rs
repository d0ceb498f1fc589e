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
        connector_refund_id: Some("rfnd_JnzyQwYOOBNJJv".into()),
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
    let req = refund_of_100(None);
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
    // A status this connector does not know is `pending`, never a failure.
    let unknown = r#"{"id": "rfnd_NEW1", "entity": "refund", "status": "teleported", "payment_id": "pay_JRSS9bMrRMds3w"}"#;
    let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(unknown)]);
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.connector_status.as_deref(), Some("teleported"));
    // A 2xx the connector cannot use, but that names the refund it created.
    let broken = r#"{"id": "rfnd_HALF1", "entity": "refund", "status": "processed", "amount": "1.5", "currency": "INR"}"#;
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
        connector_refund_id: Some("rfnd_JnzyQwYOOBNJJu".into()),
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

// ---- RSync by receipt ------------------------------------------------------------------------

fn rsync_by_receipt(reference: &str) -> RefundGetRequest {
    RefundGetRequest {
        connector_transaction_id: Some("pay_JRSS9bMrRMds3w".into()),
        merchant_refund_reference: Some(reference.into()),
        ..Default::default()
    }
}

fn refund_item(id: &str, receipt: Option<&str>, status: &str, created_at: i64) -> Value {
    json!({"id": id, "entity": "refund", "amount": 100, "currency": "INR",
           "payment_id": "pay_JRSS9bMrRMds3w", "notes": [], "receipt": receipt,
           "status": status, "created_at": created_at, "speed_requested": "normal"})
}

#[test]
fn rsync_by_receipt_lists_the_payments_refunds_and_picks_the_newest_with_it() {
    let c = connector();
    let req = rsync_by_receipt("refund-7");
    let list = json!({"entity": "collection", "count": 3, "items": [
        refund_item("rfnd_C", Some("refund-8"), "processed", 1_700_000_300),
        refund_item("rfnd_B", Some("refund-7"), "pending", 1_700_000_200),
        refund_item("rfnd_A", Some("refund-7"), "processed", 1_700_000_100),
    ]});
    let (requests, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![ok(&list.to_string())],
    );
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, HttpMethod::Get);
    assert!(requests[0].retry_safe);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_JRSS9bMrRMds3w/refunds?count=100"
    );
    let r = result.unwrap();
    assert_eq!(r.connector_refund_id.as_deref(), Some("rfnd_B"));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.merchant_refund_reference.as_deref(), Some("refund-7"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_JRSS9bMrRMds3w")
    );
}

#[test]
fn rsync_by_receipt_without_a_match_is_not_found_naming_the_payment() {
    let c = connector();
    let req = rsync_by_receipt("refund-9");
    for list in [
        json!({"entity": "collection", "count": 0, "items": []}),
        json!({"entity": "collection", "count": 1, "items": [refund_item("rfnd_A", None, "processed", 1)]}),
    ] {
        let (_, result) = drive(
            |r| c.get_refund(&req, &cx(), r),
            vec![ok(&list.to_string())],
        );
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{e}");
        assert_eq!(
            e.connector_transaction_id.as_deref(),
            Some("pay_JRSS9bMrRMds3w")
        );
        assert!(e.message.contains("refund-9"), "{e}");
    }
}

#[test]
fn rsync_by_receipt_checks_its_inputs_and_the_answer() {
    let c = connector();
    let mut req = rsync_by_receipt("refund-7");
    req.connector_transaction_id = None;
    let e = c.get_refund(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequest);
    assert_eq!(e.field.as_deref(), Some("connector_transaction_id"));

    // A refund of another payment in the list is not trusted.
    let req = rsync_by_receipt("refund-7");
    let mut other = refund_item("rfnd_X", Some("refund-7"), "processed", 1);
    other["payment_id"] = json!("pay_other");
    let list = json!({"entity": "collection", "count": 1, "items": [other]});
    let (_, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![ok(&list.to_string())],
    );
    assert_eq!(result.unwrap_err().code, ErrorCode::InvalidResponse);
}

#[test]
fn refund_receipts_are_limited_to_40_characters() {
    let c = connector();
    let req = refund_of_100(Some("r".repeat(41)));
    let e = c.refund(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequest);
    assert_eq!(e.field.as_deref(), Some("merchant_refund_reference"));
}

#[test]
fn a_refund_without_a_reference_is_findable_by_its_idempotency_key() {
    let c = connector();
    let req = refund_of_100(None);
    let key = "6f1c7e0a-94d2-4b8e-a1f3-0c2d9e8b7a65";
    let cx = FlowContext::new(key);
    let request = match c.refund(&req, &cx, &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("expected a request"),
    };
    assert_eq!(body_json(&request)["receipt"], key);
    // A key longer than a receipt takes is not sent.
    let cx = FlowContext::new("k".repeat(41));
    let request = match c.refund(&req, &cx, &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("expected a request"),
    };
    assert!(body_json(&request).get("receipt").is_none());
}

/// A refund of ₹1 of the documented payment, with `reference`.
fn refund_of_100(reference: Option<String>) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        merchant_refund_reference: reference,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}
