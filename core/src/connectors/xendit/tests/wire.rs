//! Lenient wire shapes (`wire.rs`): unknown fields, nulls and unknown enum values never fail.

use crate::connectors::xendit::wire::{
    Action, OperationStatus, PaymentRequest, PaymentRequestStatus,
};

#[test]
fn every_documented_status_parses_and_unknown_ones_are_kept() {
    for (raw, expected) in [
        ("PENDING", PaymentRequestStatus::Pending),
        ("REQUIRES_ACTION", PaymentRequestStatus::RequiresAction),
        ("CANCELED", PaymentRequestStatus::Canceled),
        ("SUCCEEDED", PaymentRequestStatus::Succeeded),
        ("VERIFIED", PaymentRequestStatus::Verified),
        ("FAILED", PaymentRequestStatus::Failed),
        ("VOIDED", PaymentRequestStatus::Voided),
        ("UNKNOWN", PaymentRequestStatus::Unknown),
        ("AWAITING_CAPTURE", PaymentRequestStatus::AwaitingCapture),
        ("EXPIRED", PaymentRequestStatus::Expired),
    ] {
        assert_eq!(PaymentRequestStatus::parse(raw), expected);
    }
    assert_eq!(
        PaymentRequestStatus::parse("SOMETHING_NEW"),
        PaymentRequestStatus::Other("SOMETHING_NEW".into())
    );
    assert_eq!(
        OperationStatus::parse("CANCELLED"),
        OperationStatus::Cancelled
    );
    assert_eq!(
        OperationStatus::parse("REQUIRES_ACTION"),
        OperationStatus::RequiresAction
    );
    assert_eq!(
        OperationStatus::parse("LATER"),
        OperationStatus::Other("LATER".into())
    );
}

#[test]
fn nulls_odd_types_and_extra_fields_are_tolerated() {
    let pr: PaymentRequest = serde_json::from_str(
        r#"{"id": "pr-1", "status": "PENDING", "amount": "10000", "currency": "IDR",
            "payment_method": "not an object", "actions": null, "failure_code": "",
            "capture_method": null, "brand_new_field": {"x": [1, 2]}}"#,
    )
    .unwrap();
    assert_eq!(pr.id.as_deref(), Some("pr-1"));
    assert!(pr.payment_method.is_none());
    assert!(pr.actions.is_empty());
    assert!(pr.failure_code.is_none());
    assert!(pr.capture_method.is_none());

    let pr: PaymentRequest = serde_json::from_str(
        r#"{"actions": [{"action": "AUTH", "url_type": "WEB", "method": null, "url": "https://x", "qr_code": null}, 42]}"#,
    )
    .unwrap();
    assert_eq!(pr.actions.len(), 1);
    let a: &Action = &pr.actions[0];
    assert!(a.method.is_none());
    assert!(a.qr_code.is_none());
}
