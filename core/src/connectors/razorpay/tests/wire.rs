//! The wire shapes (`wire.rs`): lenient parsing of Razorpay's entities.

use super::*;
use crate::connectors::razorpay::wire::{Envelope, PaymentEntity};

#[test]
fn entities_accept_nulls_numeric_strings_and_both_notes_shapes() {
    for notes in [json!([]), json!({"k": "v"})] {
        let p: PaymentEntity = serde_json::from_value(json!({
            "id": "pay_1", "amount": "1000", "currency": "INR", "status": "captured",
            "captured": 1, "order_id": null, "notes": notes, "something_new": {"x": 1}
        }))
        .unwrap();
        assert_eq!(p.id.as_deref(), Some("pay_1"));
        assert_eq!(p.captured, Some(true));
        assert_eq!(p.order_id, None);
    }
}

#[test]
fn envelope_entities_are_read_by_key() {
    let e: Envelope = serde_json::from_str(PAYMENT_FAILED_WEBHOOK).unwrap();
    assert_eq!(e.event.as_deref(), Some("payment.failed"));
    assert_eq!(e.created_at, Some(1567610215));
    let p: PaymentEntity = e.entity("payment").unwrap();
    assert_eq!(p.id.as_deref(), Some("pay_DEAU825sJlCbGa"));
    assert!(e.entity::<PaymentEntity>("refund").is_none());
}
