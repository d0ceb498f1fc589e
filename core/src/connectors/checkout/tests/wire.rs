//! The lenient wire shapes: statuses as text, odd types, unknown fields.

use crate::connectors::checkout::wire::{Action, Payment, PaymentState};

#[test]
fn statuses_parse_whatever_their_spelling() {
    for (text, state) in [
        ("Pending", PaymentState::Pending),
        ("Authorized", PaymentState::Authorized),
        ("Card Verified", PaymentState::CardVerified),
        ("card_verified", PaymentState::CardVerified),
        ("Captured", PaymentState::Captured),
        ("Partially Captured", PaymentState::PartiallyCaptured),
        ("Refunded", PaymentState::Refunded),
        ("Partially Refunded", PaymentState::PartiallyRefunded),
        ("Voided", PaymentState::Voided),
        ("Declined", PaymentState::Declined),
        ("Canceled", PaymentState::Canceled),
        ("Cancelled", PaymentState::Canceled),
        ("Expired", PaymentState::Expired),
        ("Paid", PaymentState::Paid),
        ("Retry Scheduled", PaymentState::RetryScheduled),
        ("Something New", PaymentState::Unknown),
        ("", PaymentState::Unknown),
    ] {
        assert_eq!(PaymentState::parse(text), state, "{text}");
    }
}

#[test]
fn payments_parse_leniently() {
    let p: Payment = serde_json::from_str(
        r#"{"id": "pay_1", "amount": "1000", "approved": "false", "status": 7,
            "scheme_id": 489341065491658, "response_code": "", "source": [],
            "processing": {"partner_response_code": 51}, "_links": {"redirect": {"href": null}},
            "unknown": {"deep": true}}"#,
    )
    .unwrap();
    assert_eq!(p.id.as_deref(), Some("pay_1"));
    assert_eq!(p.amount, Some(1000));
    assert_eq!(p.approved, Some(false));
    assert_eq!(p.status.as_deref(), Some("7"));
    assert_eq!(p.scheme_id.as_deref(), Some("489341065491658"));
    assert_eq!(p.response_code, None);
    assert!(p.source.is_none());
    assert_eq!(
        p.processing
            .as_ref()
            .unwrap()
            .partner_response_code
            .as_deref(),
        Some("51")
    );
    assert_eq!(p.redirect_url(), None);

    let empty: Payment = serde_json::from_str("{}").unwrap();
    assert!(empty.id.is_none() && empty.status.is_none());
}

#[test]
fn actions_parse_leniently() {
    let a: Action = serde_json::from_str(
        r#"{"id": "act_1", "type": "Refund", "amount": 1000.5, "approved": null, "metadata": {"a": 1}}"#,
    )
    .unwrap();
    assert_eq!(a.kind.as_deref(), Some("Refund"));
    assert_eq!(a.amount, None);
    assert_eq!(a.approved, None);
}
