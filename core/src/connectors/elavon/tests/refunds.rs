//! Refunds (`refunds.rs`): `ccreturn` and the refund query.

use super::super::refunds::query_refund_status;
use super::super::wire::{TransStatus, TransactionType};
use super::*;
use crate::connector::Connector;
use crate::error::ErrorCode;

const REFUND_ID: &str = "011125A20-2B3C4D5E-6F70-4182-93A4-B5C6D7E8F901";

fn refund_request(amount: i64) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: TXN_ID.into(),
        amount: usd(amount),
        merchant_refund_reference: Some("refund-1".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}

fn return_answer(result: &str, transaction_type: &str, amount: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_result>{result}</ssl_result>
  <ssl_result_message>APPROVAL</ssl_result_message>
  <ssl_transaction_type>{transaction_type}</ssl_transaction_type>
  <ssl_txn_id>{REFUND_ID}</ssl_txn_id>
  <ssl_amount>{amount}</ssl_amount>
</txn>"#
    )
}

#[test]
fn refund_is_a_ccreturn_of_the_payment() {
    let request = sent(connector().refund(&refund_request(500), &cx(), &[]));
    assert_elavon_request(&request, "ccreturn");
    assert!(!request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_amount"], "5.00");
    assert_eq!(f["ssl_txn_id"], TXN_ID);
}

#[test]
fn an_approved_return_is_a_success_with_the_new_id() {
    let p = done(connector().refund(
        &refund_request(500),
        &cx(),
        &[response(&return_answer("0", "RETURN", "5.00"))],
    ));
    assert_eq!(p.status, RefundStatus::Success);
    assert_eq!(p.connector_refund_id.as_deref(), Some(REFUND_ID));
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(p.amount, Some(usd(500)));
    assert_eq!(p.merchant_refund_reference.as_deref(), Some("refund-1"));
    assert_eq!(p.failure, None);
}

#[test]
fn the_refund_status_table() {
    let p = done(connector().refund(
        &refund_request(500),
        &cx(),
        &[response(&return_answer("0", "SALE", "5.00"))],
    ));
    assert_eq!(p.status, RefundStatus::Pending);
    let declined = "<txn><ssl_result>1</ssl_result><ssl_result_message>DECLINED</ssl_result_message><ssl_transaction_type>RETURN</ssl_transaction_type></txn>";
    let p = done(connector().refund(&refund_request(500), &cx(), &[response(declined)]));
    assert_eq!(p.status, RefundStatus::Failure);
    assert_eq!(p.failure.unwrap().message.as_deref(), Some("DECLINED"));
    let other = "<txn><ssl_result>2</ssl_result><ssl_result_message>REFERRAL</ssl_result_message><ssl_transaction_type>RETURN</ssl_transaction_type></txn>";
    let p = done(connector().refund(&refund_request(500), &cx(), &[response(other)]));
    assert_eq!(p.status, RefundStatus::Pending);
}

#[test]
fn refunding_more_than_the_payment_is_an_invalid_request() {
    let body = "<txn><errorCode>5091</errorCode><errorName>Invalid amount</errorName><errorMessage>Amount must be equal or lower than the original transaction amount.</errorMessage></txn>";
    let e = failed(connector().refund(&refund_request(5000), &cx(), &[response(body)]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("5091"));
    assert!(!e.retryable);
}

#[test]
fn refund_get_is_a_txnquery_of_the_refund() {
    let req = RefundGetRequest {
        connector_refund_id: Some(REFUND_ID.into()),
        connector_transaction_id: Some(TXN_ID.into()),
        idempotency_key: None,
        ..Default::default()
    };
    let request = sent(connector().get_refund(&req, &cx(), &[]));
    assert_elavon_request(&request, "txnquery");
    assert!(request.retry_safe);
    assert_eq!(fields(&request)["ssl_txn_id"], REFUND_ID);
    let body = format!(
        "<txn><ssl_txn_id>{REFUND_ID}</ssl_txn_id><ssl_transaction_type>RETURN</ssl_transaction_type><ssl_trans_status>STL</ssl_trans_status><ssl_result>0</ssl_result><ssl_amount>5.00</ssl_amount></txn>"
    );
    let r = done(connector().get_refund(&req, &cx(), &[response(&body)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id.as_deref(), Some(REFUND_ID));
    assert_eq!(r.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(r.connector_status.as_deref(), Some("STL"));
    assert_eq!(r.amount, Some(usd(500)));
    let body = body.replace("STL", "FPR");
    let r = done(connector().get_refund(&req, &cx(), &[response(&body)]));
    assert_eq!(r.status, RefundStatus::Failure);
    assert_eq!(r.failure.unwrap().reason.as_deref(), Some("FPR"));
    // A declined return failed; a declined sale (the payment's id queried) says nothing of
    // the refund: pending (spec §6.6).
    let declined = body
        .replace("FPR", "OPN")
        .replace("<ssl_result>0</ssl_result>", "<ssl_result>1</ssl_result>");
    let r = done(connector().get_refund(&req, &cx(), &[response(&declined)]));
    assert_eq!(r.status, RefundStatus::Failure);
    let sale = declined.replace("RETURN", "SALE");
    let r = done(connector().get_refund(&req, &cx(), &[response(&sale)]));
    assert_eq!(r.status, RefundStatus::Pending);
    assert!(r.failure.is_none());
    let unknown =
        "<txn><errorCode>5040</errorCode><errorName>Invalid Transaction ID</errorName></txn>";
    let e = failed(connector().get_refund(&req, &cx(), &[response(unknown)]));
    assert_eq!(e.code(), ErrorCode::NotFound);
}

#[test]
fn the_refund_query_table() {
    let ret = Some(TransactionType::Return);
    for (st, expected) in [
        (TransStatus::Stl, RefundStatus::Success),
        (TransStatus::Pen, RefundStatus::Pending),
        (TransStatus::Opn, RefundStatus::Pending),
        (TransStatus::Rev, RefundStatus::ManualReview),
        (TransStatus::Pst, RefundStatus::Failure),
        (TransStatus::Fpr, RefundStatus::Failure),
        (TransStatus::Pre, RefundStatus::Failure),
        (TransStatus::Other("NEW".into()), RefundStatus::Pending),
    ] {
        assert_eq!(
            query_refund_status(ret.as_ref(), Some(&st)),
            expected,
            "{st:?}"
        );
    }
    // Only a RETURN is a refund.
    assert_eq!(
        query_refund_status(Some(&TransactionType::Sale), Some(&TransStatus::Stl)),
        RefundStatus::Pending
    );
    assert_eq!(query_refund_status(None, None), RefundStatus::Pending);
}

// ---- lookups by reference (search.rs) -------------------------------------------------------

fn searched(entries: &[(&str, &str, &str, &str, &str)]) -> String {
    let txns: String = entries
        .iter()
        .map(|(id, kind, result, invoice, time)| {
            format!(
                "<txn><ssl_txn_id>{id}</ssl_txn_id><ssl_transaction_type>{kind}</ssl_transaction_type>\
                 <ssl_trans_status>OPN</ssl_trans_status><ssl_result>{result}</ssl_result>\
                 <ssl_amount>5.00</ssl_amount><ssl_invoice_number>{invoice}</ssl_invoice_number>\
                 <ssl_txn_time>{time}</ssl_txn_time></txn>"
            )
        })
        .collect();
    format!(
        "<txnlist><ssl_txn_count>{}</ssl_txn_count>{txns}</txnlist>",
        entries.len()
    )
}

#[test]
fn psync_by_reference_searches_the_recent_days_for_the_invoice_number() {
    let req = PaymentGetRequest {
        merchant_reference: Some("order-42".into()),
        ..Default::default()
    };
    let cx = FlowContext {
        idempotency_key: "k".into(),
        // 2026-12-06T09:00:00Z
        timestamp_ms: 1_796_547_600_000,
    };
    let request = sent(connector().get_payment(&req, &cx, &[]));
    assert_elavon_request(&request, "txnquery");
    assert!(request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_search_start_date"], "12/04/2026");
    assert_eq!(f["ssl_search_end_date"], "12/07/2026");
    assert!(!f.contains_key("ssl_invoice_number"));
    assert!(!f.contains_key("ssl_txn_id"));

    let body = searched(&[
        ("R1", "RETURN", "0", "order-42", "12/06/2026 08:59:00 AM"),
        ("D1", "SALE", "1", "order-42", "12/06/2026 08:58:00 AM"),
        ("S1", "SALE", "0", "order-42", "12/06/2026 08:57:00 AM"),
        ("S2", "SALE", "0", "order-43", "12/06/2026 08:59:30 AM"),
    ]);
    let p = done(connector().get_payment(&req, &cx, &[response(&body)]));
    assert_eq!(p.connector_transaction_id.as_deref(), Some("S1"));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.merchant_reference.as_deref(), Some("order-42"));

    let body = searched(&[("S2", "SALE", "0", "order-43", "12/06/2026 08:59:30 AM")]);
    let e = failed(connector().get_payment(&req, &cx, &[response(&body)]));
    assert_eq!(e.code, ErrorCode::NotFound);
    let empty = "<txnlist><ssl_txn_count>0</ssl_txn_count></txnlist>";
    assert_eq!(
        failed(connector().get_payment(&req, &cx, &[response(empty)])).code,
        ErrorCode::NotFound
    );
    let e = failed(connector().get_payment(&req, &cx, &[response(ERROR_5000)]));
    assert_ne!(e.code, ErrorCode::NotFound);
}

#[test]
fn rsync_by_reference_finds_the_return_and_returns_carry_the_reference() {
    let refund = RefundRequest {
        connector_transaction_id: TXN_ID.into(),
        amount: usd(500),
        merchant_refund_reference: Some("refund-of-order-42-number-1".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    };
    let request = sent(connector().refund(&refund, &cx(), &[]));
    assert_eq!(
        fields(&request)["ssl_invoice_number"],
        "refund-of-order-42-number"
    );
    // Without a reference, the call's idempotency key (cut to 25 characters) is the one.
    let unnamed = RefundRequest {
        merchant_refund_reference: None,
        ..refund.clone()
    };
    let request = sent(connector().refund(&unnamed, &cx(), &[]));
    assert_eq!(
        fields(&request)["ssl_invoice_number"],
        "7d1c2a9e-0b6f-4f35-9a55-3"
    );

    let req = RefundGetRequest {
        merchant_refund_reference: Some("refund-of-order-42-number-1".into()),
        ..Default::default()
    };
    let request = sent(connector().get_refund(&req, &cx(), &[]));
    assert_elavon_request(&request, "txnquery");
    assert!(fields(&request).contains_key("ssl_search_start_date"));
    let body = searched(&[
        (
            "S1",
            "SALE",
            "0",
            "refund-of-order-42-number",
            "12/06/2026 08:57:00 AM",
        ),
        (
            "R1",
            "RETURN",
            "0",
            "refund-of-order-42-number",
            "12/06/2026 08:59:00 AM",
        ),
    ]);
    let r = done(connector().get_refund(&req, &cx(), &[response(&body)]));
    assert_eq!(r.connector_refund_id.as_deref(), Some("R1"));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("refund-of-order-42-number-1")
    );
    let body = searched(&[(
        "S1",
        "SALE",
        "0",
        "refund-of-order-42-number",
        "12/06/2026 08:57:00 AM",
    )]);
    assert_eq!(
        failed(connector().get_refund(&req, &cx(), &[response(&body)])).code,
        ErrorCode::NotFound
    );
}
