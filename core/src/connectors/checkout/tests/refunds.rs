//! Refund (202 → pending) and RSync over the actions array.

use serde_json::json;

use super::*;
use crate::connector::Connector;

/// Checkout.com API reference, "Refund — POST /payments/{id}/refunds": the refund 202 (`RefundAcceptedResponse`).
const REFUND_202: &str = r#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "ORD-5023-4E89",
 "_links": {"payment": {"href": "https://api.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44"}}}"#;

/// Checkout.com API reference, "RSync — GET /payments/{id}/actions": the CKO OAS example of `GET /payments/{id}/actions`.
const ACTIONS: &str = r#"[
  {"id": "act_fd3h6evhpn3uxdoqbuu3lqnqbm", "type": "Refund", "processed_on": "2018-01-20T10:30:48Z",
   "amount": 1000, "approved": true, "response_code": "10000", "response_summary": "Approved"},
  {"id": "act_gefycn3jcvuupboxfmqrhk2aym", "type": "Capture", "processed_on": "2018-01-17T10:30:48Z",
   "amount": 6540, "approved": true, "response_code": "10000", "response_summary": "Approved",
   "processing": {"acquirer_reference_number": "24021219099007452440793", "acquirer_transaction_id": "00745244079"},
   "metadata": {"shipping_ref": "MQIBN2"}},
  {"id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "type": "Authorization", "processed_on": "2018-01-17T09:30:48Z",
   "amount": 6540, "approved": true, "auth_code": "643381", "response_code": "10000",
   "response_summary": "Approved", "reference": "ORD-5023-4E89",
   "processing": {"retrieval_reference_number": "909913440644", "acquirer_transaction_id": "440644309099499894406"}}
]"#;

fn refund_request(amount: i64) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: "pay_y3oqhf46pyzuxjbcn2giaqnb44".into(),
        amount: usd(amount),
        merchant_refund_reference: Some("ORD-5023-4E89".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    }
}

fn rsync(refund_id: &str) -> RefundGetRequest {
    RefundGetRequest {
        connector_refund_id: Some(refund_id.into()),
        connector_transaction_id: Some("pay_y3oqhf46pyzuxjbcn2giaqnb44".into()),
        idempotency_key: None,
        ..Default::default()
    }
}

#[test]
fn refund_202_is_pending_with_the_action_id_as_refund_id() {
    let c = connector();
    let req = refund_request(1000);
    let request = sent(c.refund(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        request.url,
        "https://api.sandbox.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44/refunds"
    );
    assert_eq!(
        body(&request),
        json!({"amount": 1000, "reference": "ORD-5023-4E89"})
    );

    let r = done(c.refund(&req, &cx(), &[response(202, REFUND_202)]));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.connector, ConnectorName::Checkout);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("act_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("ORD-5023-4E89")
    );
    assert_eq!(r.amount, Some(usd(1000)));
    assert_eq!(r.http_status, Some(202));

    // A 202 without the action id cannot be followed up.
    assert_code(
        &failed(c.refund(&req, &cx(), &[response(202, "{}")])),
        ErrorCode::InvalidResponse,
    );
    let e = failed(c.refund(&req, &cx(), &[response(403, "")]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.flow, Some(Flow::Refund));
}

#[test]
fn rsync_reads_the_refund_action_from_the_array() {
    let c = connector();
    let request = sent(c.get_refund(&rsync("act_fd3h6evhpn3uxdoqbuu3lqnqbm"), &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Get);
    assert_eq!(
        request.url,
        "https://api.sandbox.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44/actions"
    );
    assert!(request.retry_safe);

    // The refund's action has an amount but no currency: the payment gives the currency.
    let actions = response(200, ACTIONS);
    let payment = sent(c.get_refund(
        &rsync("act_fd3h6evhpn3uxdoqbuu3lqnqbm"),
        &cx(),
        std::slice::from_ref(&actions),
    ));
    assert_eq!(payment.method, HttpMethod::Get);
    assert_eq!(
        payment.url,
        "https://api.sandbox.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44"
    );
    assert!(payment.retry_safe);
    let details = r#"{"id": "pay_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 6540, "currency": "USD",
        "status": "Partially Refunded", "approved": true}"#;
    let r = done(c.get_refund(
        &rsync("act_fd3h6evhpn3uxdoqbuu3lqnqbm"),
        &cx(),
        &[actions.clone(), response(200, details)],
    ));
    assert_eq!(r.amount, Some(usd(1000)));
    // Without the currency the status is still known.
    let unknown = done(c.get_refund(
        &rsync("act_fd3h6evhpn3uxdoqbuu3lqnqbm"),
        &cx(),
        &[actions, response(404, "")],
    ));
    assert_eq!(unknown.status, RefundStatus::Success);
    assert_eq!(unknown.amount, None);
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("act_fd3h6evhpn3uxdoqbuu3lqnqbm")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(r.connector_status.as_deref(), Some("Approved"));
    assert!(r.failure.is_none());

    // Not there yet: still pending.
    let r = done(c.get_refund(&rsync("act_notyetlisted"), &cx(), &[response(200, ACTIONS)]));
    assert_eq!(r.status, RefundStatus::Pending);
    let r = done(c.get_refund(&rsync("act_notyetlisted"), &cx(), &[response(200, "[]")]));
    assert_eq!(r.status, RefundStatus::Pending);

    // Another kind of action is not a refund.
    let e = failed(c.get_refund(
        &rsync("act_gefycn3jcvuupboxfmqrhk2aym"),
        &cx(),
        &[response(200, ACTIONS)],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
}

#[test]
fn rsync_declined_and_undecided_refunds() {
    let c = connector();
    let actions = r#"[
      {"id": "act_declined", "type": "Refund", "approved": false, "response_code": "20005",
       "response_summary": "Declined - Do not honour"},
      {"id": "act_open", "type": "Refund"},
      {"id": 42}, "junk"
    ]"#;
    let r = done(c.get_refund(&rsync("act_declined"), &cx(), &[response(200, actions)]));
    assert_eq!(r.status, RefundStatus::Failure);
    let f = r.failure.unwrap();
    assert_eq!(f.code.as_deref(), Some("20005"));
    assert_eq!(f.message.as_deref(), Some("Declined - Do not honour"));
    assert_eq!(f.reason.as_deref(), Some("soft_decline"));

    let r = done(c.get_refund(&rsync("act_open"), &cx(), &[response(200, actions)]));
    assert_eq!(r.status, RefundStatus::Pending);
}

#[test]
fn rsync_needs_the_payment_id_and_an_array() {
    let c = connector();
    let mut req = rsync("act_x");
    req.connector_transaction_id = None;
    let e = failed(c.get_refund(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("connector_transaction_id"));

    // An object where the array belongs (the mistake of an earlier implementation).
    let e = failed(c.get_refund(
        &rsync("act_x"),
        &cx(),
        &[response(200, r#"{"id": "act_x", "approved": true}"#)],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    assert_code(
        &failed(c.get_refund(&rsync("act_x"), &cx(), &[response(404, "")])),
        ErrorCode::NotFound,
    );
}

#[test]
fn rsync_by_reference_takes_the_newest_refund_action_with_it() {
    let c = connector();
    let req = RefundGetRequest {
        connector_transaction_id: Some("pay_y3oqhf46pyzuxjbcn2giaqnb44".into()),
        merchant_refund_reference: Some("rf-7".into()),
        ..Default::default()
    };
    let actions = r#"[
      {"id": "act_newer", "type": "Refund", "amount": 200, "approved": false, "reference": "rf-8"},
      {"id": "act_refund7", "type": "Refund", "amount": 1000, "approved": true, "reference": "rf-7"},
      {"id": "act_capture", "type": "Capture", "amount": 6540, "approved": true, "reference": "rf-7"}
    ]"#;
    let details = r#"{"id": "pay_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 6540, "currency": "USD"}"#;
    let r = done(c.get_refund(
        &req,
        &cx(),
        &[response(200, actions), response(200, details)],
    ));
    assert_eq!(r.connector_refund_id.as_deref(), Some("act_refund7"));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.merchant_refund_reference.as_deref(), Some("rf-7"));
    assert_eq!(r.amount, Some(usd(1000)));

    // No refund under it (a capture with the same reference is not one): not_found.
    let only_capture = r#"[{"id": "act_capture", "type": "Capture", "amount": 6540, "approved": true, "reference": "rf-7"}]"#;
    let e = failed(c.get_refund(&req, &cx(), &[response(200, only_capture)]));
    assert_eq!(e.code, ErrorCode::NotFound);
}
