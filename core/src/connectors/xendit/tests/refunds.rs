//! Refund and RSync (`refunds.rs`), over the documentation's refund request (Xendit API reference, "Refund — POST /refunds") and the refund
//! object (Xendit API reference, "Refund callback — verbatim", in its synchronous shape).

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::xendit::refunds::{reason, refund_status};
use crate::connectors::xendit::wire::OperationStatus;

/// Xendit API reference, "Refund — POST /refunds": the illustrative refund request.
const SPEC_REFUND_REQUEST: &str = r#"{"payment_request_id": "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822", "reference_id": "order-42-refund-1",
 "amount": 10000, "currency": "IDR", "reason": "REQUESTED_BY_CUSTOMER"}"#;

/// Xendit API reference, "Refund callback — verbatim"'s refund object in the shape of `POST /refunds` / `GET /refunds/{id}` answers
/// (`payment_request_id` where the callback has `payment_id`).
fn refund_answer(status: &str, amount: i64) -> String {
    json!({
        "id": "rfd-6f4a377d-a201-437f-9119-f8b00cbbe857",
        "payment_request_id": "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822",
        "invoice_id": null, "amount": amount, "payment_method_type": "CARD", "channel_code": "CARDS",
        "currency": "IDR", "status": status, "reason": "REQUESTED_BY_CUSTOMER",
        "reference_id": "order-42-refund-1",
        "failure_code": if status == "FAILED" { json!("INSUFFICIENT_BALANCE") } else { Value::Null },
        "refund_fee_amount": null, "created": "2020-08-30T09:12:33.001Z",
        "updated": "2020-08-30T09:12:33.001Z", "metadata": null
    })
    .to_string()
}

fn refund_request(amount: i64) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822".into(),
        amount: idr(amount),
        merchant_refund_reference: Some("order-42-refund-1".into()),
        reason: Some(RefundReason::CustomerRequest),
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}

#[test]
fn refund_builds_the_spec_request() {
    let request = sent(connector().refund(&refund_request(10_000), &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(request.url, "https://api.xendit.co/refunds");
    let expected: Value = serde_json::from_str(SPEC_REFUND_REQUEST).unwrap();
    assert_eq!(body(&request), expected);
    assert_eq!(header(&request, "idempotency-key"), Some(IDEMPOTENCY_KEY));
    assert!(request.retry_safe);
}

#[test]
fn refund_reasons_map_to_xendits_enum() {
    assert_eq!(reason(Some(RefundReason::Fraud)), "FRAUDULENT");
    assert_eq!(reason(Some(RefundReason::Duplicate)), "DUPLICATE");
    assert_eq!(
        reason(Some(RefundReason::CustomerRequest)),
        "REQUESTED_BY_CUSTOMER"
    );
    assert_eq!(reason(Some(RefundReason::Return)), "REQUESTED_BY_CUSTOMER");
    assert_eq!(reason(Some(RefundReason::Other)), "OTHERS");
    assert_eq!(reason(None), "OTHERS");
}

#[test]
fn full_and_partial_refunds_read_back() {
    let full = done(connector().refund(
        &refund_request(10_000),
        &cx(),
        &[response(200, &refund_answer("SUCCEEDED", 10_000))],
    ));
    assert_eq!(full.status, RefundStatus::Success);
    assert_eq!(
        full.connector_refund_id.as_deref(),
        Some("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857")
    );
    assert_eq!(
        full.connector_transaction_id.as_deref(),
        Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822")
    );
    assert_eq!(
        full.merchant_refund_reference.as_deref(),
        Some("order-42-refund-1")
    );
    assert_eq!(full.amount, Some(idr(10_000)));
    assert_eq!(full.connector_status.as_deref(), Some("SUCCEEDED"));

    let partial_request = refund_request(4_000);
    assert_eq!(
        body(&sent(connector().refund(&partial_request, &cx(), &[])))["amount"],
        4000
    );
    let partial = done(connector().refund(
        &partial_request,
        &cx(),
        &[response(200, &refund_answer("PENDING", 4_000))],
    ));
    assert_eq!(partial.status, RefundStatus::Pending);
    assert_eq!(partial.amount, Some(idr(4_000)));
}

#[test]
fn failed_refund_is_a_status_not_an_error() {
    let refund = done(connector().refund(
        &refund_request(10_000),
        &cx(),
        &[response(200, &refund_answer("FAILED", 10_000))],
    ));
    assert_eq!(refund.status, RefundStatus::Failure);
    assert_eq!(
        refund.failure.unwrap().code.as_deref(),
        Some("INSUFFICIENT_BALANCE")
    );
}

#[test]
fn refund_status_table() {
    for (raw, expected) in [
        ("SUCCEEDED", RefundStatus::Success),
        ("FAILED", RefundStatus::Failure),
        ("CANCELLED", RefundStatus::Failure),
        ("PENDING", RefundStatus::Pending),
        ("REQUIRES_ACTION", RefundStatus::Pending),
        ("SOMETHING_NEW", RefundStatus::Pending),
    ] {
        assert_eq!(
            refund_status(&OperationStatus::parse(raw)),
            expected,
            "{raw}"
        );
    }
}

#[test]
fn refund_errors_classify() {
    for (status, code, expected) in [
        (
            400,
            "MAXIMUM_REFUND_AMOUNT_REACHED",
            ErrorCode::InvalidRequest,
        ),
        (
            400,
            "PARTIAL_REFUND_NOT_SUPPORTED",
            ErrorCode::InvalidRequest,
        ),
        (400, "REFUND_NOT_SUPPORTED", ErrorCode::InvalidRequest),
        (400, "REFUND_IN_PROGRESS", ErrorCode::InvalidRequest),
        (400, "INELIGIBLE_TRANSACTION", ErrorCode::InvalidRequest),
        (400, "INSUFFICIENT_BALANCE", ErrorCode::InvalidRequest),
        (400, "TRANSACTION_NOT_FOUND", ErrorCode::NotFound),
        (403, "UNAUTHORIZED", ErrorCode::Authentication),
        (404, "DATA_NOT_FOUND", ErrorCode::NotFound),
        (409, "DUPLICATE_ERROR", ErrorCode::Conflict),
        (409, "IDEMPOTENCY_ERROR", ErrorCode::Conflict),
        (503, "CHANNEL_UNAVAILABLE", ErrorCode::ProcessorUnavailable),
        (503, "OTP_DELIVERY_ERROR", ErrorCode::ProcessorUnavailable),
    ] {
        let body = json!({"error_code": code, "message": "m"}).to_string();
        let e =
            failed(connector().refund(&refund_request(10_000), &cx(), &[response(status, &body)]));
        assert_code(&e, expected);
        assert_eq!(e.processor_code.as_deref(), Some(code));
    }
}

#[test]
fn rsync_gets_the_refund() {
    let get = RefundGetRequest {
        connector_refund_id: Some("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857".into()),
        connector_transaction_id: None,
        idempotency_key: None,
        ..Default::default()
    };
    let request = sent(connector().get_refund(&get, &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Get);
    assert_eq!(
        request.url,
        "https://api.xendit.co/refunds/rfd-6f4a377d-a201-437f-9119-f8b00cbbe857"
    );
    assert!(request.body.is_none());
    assert!(request.retry_safe);
    let refund = done(connector().get_refund(
        &get,
        &cx(),
        &[response(200, &refund_answer("SUCCEEDED", 10_000))],
    ));
    assert_eq!(refund.status, RefundStatus::Success);
    let body = r#"{"error_code": "DATA_NOT_FOUND", "message": "Refund not found"}"#;
    let e = failed(connector().get_refund(&get, &cx(), &[response(404, body)]));
    assert_code(&e, ErrorCode::NotFound);
    let e = failed(connector().get_refund(&get, &cx(), &[response(200, r#"{"id": "rfd-1"}"#)]));
    assert_code(&e, ErrorCode::InvalidResponse);
}

#[test]
fn rsync_by_reference_lists_the_payments_refunds() {
    let get = RefundGetRequest {
        connector_transaction_id: Some("pr-1fdaf346-dd2e-4b6c-b938-124c7167a822".into()),
        merchant_refund_reference: Some("order-42-refund-1".into()),
        ..Default::default()
    };
    let request = sent(connector().get_refund(&get, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://api.xendit.co/refunds?payment_request_id=pr%2D1fdaf346%2Ddd2e%2D4b6c%2Db938%2D124c7167a822&limit=100"
    );
    let answer: Value = serde_json::from_str(&refund_answer("SUCCEEDED", 10_000)).unwrap();
    let list = json!({"data": [answer], "has_more": false});
    let r = done(connector().get_refund(&get, &cx(), &[response(200, &list.to_string())]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857")
    );
    let empty = json!({"data": [], "has_more": false});
    let e = failed(connector().get_refund(&get, &cx(), &[response(200, &empty.to_string())]));
    assert_eq!(e.code, ErrorCode::NotFound);
    // The payment is needed to list its refunds.
    let no_payment = RefundGetRequest {
        connector_transaction_id: None,
        ..get
    };
    let e = failed(connector().get_refund(&no_payment, &cx(), &[]));
    assert_eq!(e.field.as_deref(), Some("connector_transaction_id"));
}
