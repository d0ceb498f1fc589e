//! Refund and RSync.

use serde_json::json;

use super::*;
use crate::connector::Connector;

fn refund_request(amount: i64) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "84356531338".into(),
        amount: usd(amount),
        merchant_refund_reference: Some("order-42-refund-1".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    }
}

fn rsync(id: &str) -> RefundGetRequest {
    RefundGetRequest {
        connector_refund_id: Some(id.into()),
        connector_transaction_id: Some("84356531338".into()),
        idempotency_key: None,
        ..Default::default()
    }
}

#[test]
fn refund_body_follows_the_documented_tagged_refund() {
    let request = sent(connector().refund(&refund_request(1204), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://connect-cert.fiservapis.com/ch/payments/v1/refunds"
    );
    assert_eq!(
        body(&request),
        json!({
            "amount": {"total": 12.04, "currency": "USD"},
            "transactionDetails": {"merchantTransactionId": "order-42-refund-1"},
            "referenceTransactionDetails": {"referenceTransactionId": "84356531338"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
    let mut partial = refund_request(500);
    partial.merchant_refund_reference = None;
    let body = body(&sent(connector().refund(&partial, &cx(), &[])));
    assert!(body.get("transactionDetails").is_none());
    assert_eq!(body["amount"]["total"], json!(5.0));
}

#[test]
fn the_documented_refund_answer_is_a_success() {
    // CH OAS `RefundResponse`: REFUND, state AUTHORIZED, approval APPROVED, code 000.
    let answer = transaction("REFUND", "AUTHORIZED", "APPROVED", "ref-84356531338");
    let r = done(connector().refund(&refund_request(1204), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector, ConnectorName::Fiserv);
    assert_eq!(r.connector_refund_id.as_deref(), Some("ref-84356531338"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(r.connector_status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(r.amount, Some(usd(1204)));
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("order-42-refund-1")
    );
    assert_eq!(r.request_id.as_deref(), Some("trace-ref-84356531338"));
    assert!(r.failure.is_none());
}

#[test]
fn the_refund_status_table() {
    let cases = [
        ("AUTHORIZED", "APPROVED", RefundStatus::Success),
        ("CAPTURED", "APPROVED", RefundStatus::Success),
        ("SUCCEEDED", "APPROVED", RefundStatus::Success),
        ("SETTLED", "APPROVED", RefundStatus::Success),
        ("DECLINED", "DECLINED", RefundStatus::Failure),
        ("FAILED", "APPROVED", RefundStatus::Failure),
        ("AUTHORIZED", "DECLINED", RefundStatus::Failure),
        ("PENDING", "APPROVED", RefundStatus::Pending),
        ("WAITING", "APPROVED", RefundStatus::Pending),
        ("PROCESSING", "APPROVED", RefundStatus::Pending),
        ("VOIDED", "APPROVED", RefundStatus::Pending),
        ("SOMETHING_NEW", "APPROVED", RefundStatus::Pending),
        ("AUTHORIZED", "WAITING", RefundStatus::Pending),
    ];
    for (state, approval, expected) in cases {
        let answer = transaction("REFUND", state, approval, "ref-1");
        let r = done(connector().refund(&refund_request(1204), &cx(), &[response(201, &answer)]));
        assert_eq!(r.status, expected, "{state} {approval}");
        assert_eq!(r.failure.is_some(), expected == RefundStatus::Failure);
    }
    let answer = transaction("REFUND", "DECLINED", "PROCESSING_FAILED", "ref-1");
    let e = failed(connector().refund(&refund_request(1204), &cx(), &[response(201, &answer)]));
    assert_code(&e, ErrorCode::ProcessorUnavailable);
}

#[test]
fn a_declined_refund_carries_the_gateway_code() {
    let answer = CHARGE_DECLINED.replace(
        r#""transactionType":"CHARGE""#,
        r#""transactionType":"REFUND""#,
    );
    let r = done(connector().refund(&refund_request(1204), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, RefundStatus::Failure);
    let failure = r.failure.unwrap();
    assert_eq!(failure.code.as_deref(), Some("006"));
    assert_eq!(failure.network_decline_code.as_deref(), Some("51"));
}

#[test]
fn refund_errors() {
    let locked = r#"{"error":[{"type":"GATEWAY","code":"304","message":"Refund/Cancel locked"}]}"#;
    let e = failed(connector().refund(&refund_request(1204), &cx(), &[response(400, locked)]));
    assert_code(&e, ErrorCode::Conflict);
    assert_eq!(e.flow, Some(Flow::Refund));
    let unknown = r#"{"error":[{"type":"GATEWAY","code":"801","message":"Invalid transaction id or not found"}]}"#;
    let e = failed(connector().refund(&refund_request(1204), &cx(), &[response(404, unknown)]));
    assert_code(&e, ErrorCode::NotFound);
}

#[test]
fn rsync_queries_the_refunds_own_transaction_id() {
    let request = sent(connector().get_refund(&rsync("ref-1"), &cx(), &[]));
    assert!(request.url.ends_with("/ch/payments/v1/transaction-inquiry"));
    assert_eq!(
        body(&request),
        json!({
            "referenceTransactionDetails": {"referenceTransactionId": "ref-1"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
}

#[test]
fn rsync_picks_the_refund_element() {
    let charge = transaction("CHARGE", "CAPTURED", "APPROVED", "84356531338");
    let refund = transaction("REFUND", "CAPTURED", "APPROVED", "ref-1");
    let other = transaction("REFUND", "PENDING", "APPROVED", "ref-2");
    let answer = format!("[{charge},{other},{refund}]");
    let r = done(connector().get_refund(&rsync("ref-1"), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id.as_deref(), Some("ref-1"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    // Without a matching id, the REFUND transaction.
    let answer = format!("[{charge},{other}]");
    let r = done(connector().get_refund(&rsync("unknown-id"), &cx(), &[response(201, &answer)]));
    assert_eq!(r.connector_refund_id.as_deref(), Some("ref-2"));
    assert_eq!(r.status, RefundStatus::Pending);
}

#[test]
fn rsync_of_nothing_is_not_found() {
    let e = failed(connector().get_refund(&rsync("ref-1"), &cx(), &[response(201, "[]")]));
    assert_code(&e, ErrorCode::NotFound);
    assert_eq!(e.flow, Some(Flow::Rsync));
    let charge = transaction("CHARGE", "CAPTURED", "APPROVED", "a");
    let other = transaction("CHARGE", "CAPTURED", "APPROVED", "b");
    let e = failed(connector().get_refund(
        &rsync("ref-1"),
        &cx(),
        &[response(201, &format!("[{charge},{other}]"))],
    ));
    assert_code(&e, ErrorCode::NotFound);
    // The payment's own charge (its id queried as the refund's) is not a refund, even alone
    // and with the queried id.
    let e = failed(connector().get_refund(&rsync("a"), &cx(), &[response(201, &charge)]));
    assert_code(&e, ErrorCode::NotFound);
}

#[test]
fn rsync_by_reference_queries_the_refunds_merchant_transaction_id() {
    let req = RefundGetRequest {
        merchant_refund_reference: Some("order-42-refund-1".into()),
        ..Default::default()
    };
    let request = sent(connector().get_refund(&req, &cx(), &[]));
    assert_eq!(
        body(&request)["referenceTransactionDetails"],
        json!({"referenceMerchantTransactionId": "order-42-refund-1"})
    );
    let e = failed(connector().get_refund(&req, &cx(), &[response(201, "[]")]));
    assert_eq!(e.code, ErrorCode::NotFound);
}
