//! The wire types: request serialization and lenient response parsing.

use serde_json::json;

use super::*;
use crate::connectors::fiserv::wire::{
    ErrorBody, MerchantDetails, PaymentRequest, ReferenceTransactionDetails, Transaction,
};

#[test]
fn absent_request_objects_are_left_out_and_one_reference_is_sent() {
    let body = PaymentRequest {
        reference_transaction_details: Some(ReferenceTransactionDetails::order_id("ORD-1")),
        merchant_details: MerchantDetails {
            merchant_id: MERCHANT_ID,
            terminal_id: TERMINAL_ID,
        },
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"referenceTransactionDetails": {"referenceOrderId": "ORD-1"},
               "merchantDetails": {"merchantId": MERCHANT_ID, "terminalId": TERMINAL_ID}})
    );
}

#[test]
fn responses_read_every_documented_place_and_survive_odd_shapes() {
    let txn: Transaction = serde_json::from_str(CHARGE_SUCCESS).unwrap();
    assert_eq!(txn.transaction_id().as_deref(), Some("84356531338"));
    assert_eq!(txn.order_id().as_deref(), Some("RKOrdID-525133851837"));
    assert_eq!(txn.transaction_type().as_deref(), Some("CHARGE"));
    assert_eq!(txn.state().as_deref(), Some("AUTHORIZED"));
    assert_eq!(txn.approval_status().as_deref(), Some("APPROVED"));
    assert_eq!(txn.capture_flag(), Some(true));
    assert!(txn.has_id("84356531338"));
    assert!(!txn.has_id("other"));

    // The inquiry's gatewayTransactionId is an id of the transaction too.
    let inquiry: Transaction = serde_json::from_value(json!({
        "gatewayResponse": {"gatewayTransactionId": 9876, "transactionState": "captured"}
    }))
    .unwrap();
    assert_eq!(inquiry.transaction_id().as_deref(), Some("9876"));
    assert_eq!(inquiry.state().as_deref(), Some("CAPTURED"));

    // Wrong shapes read as absent instead of failing the whole answer.
    let odd: Transaction = serde_json::from_value(json!({
        "gatewayResponse": "CHARGE",
        "paymentReceipt": {"approvedAmount": [1], "processorResponseDetails": "x"},
        "transactionDetails": {"captureFlag": "true"},
        "paymentTokens": {"tokenData": 1}
    }))
    .unwrap();
    assert_eq!(odd.transaction_id(), None);
    assert_eq!(odd.approved_amount().map(|_| ()), None);
    assert_eq!(odd.capture_flag(), Some(true));
    assert_eq!(odd.token(), None);
}

#[test]
fn a_failed_token_is_not_used() {
    let txn: Transaction = serde_json::from_value(json!({
        "paymentTokens": [
            {"tokenData": "1", "tokenSource": "TRANSARMOR", "tokenResponseCode": "305"},
            {"tokenData": "2", "tokenSource": "CHASE", "tokenResponseCode": "000"}
        ]
    }))
    .unwrap();
    assert_eq!(txn.token(), Some(("CHASE".to_string(), "2".to_string())));
}

#[test]
fn error_bodies_in_every_documented_shape() {
    let documented: ErrorBody = serde_json::from_str(VALIDATION_ERROR).unwrap();
    let item = documented.first_item().unwrap();
    assert_eq!(item.kind.as_deref(), Some("GATEWAY"));
    assert_eq!(item.code.as_deref(), Some("105"));
    assert_eq!(item.field.as_deref(), Some("amount.currency"));
    assert_eq!(
        documented.api_trace_id().as_deref(),
        Some("7027b61dbf7645399d204dbfa0de0870")
    );
    let empty: ErrorBody = serde_json::from_str("{}").unwrap();
    assert!(empty.first_item().is_none());
    let numeric: ErrorBody =
        serde_json::from_str(r#"{"error":[{"type":"HOST","code":704,"message":"Timed out"}]}"#)
            .unwrap();
    assert_eq!(numeric.first_item().unwrap().code.as_deref(), Some("704"));
}
