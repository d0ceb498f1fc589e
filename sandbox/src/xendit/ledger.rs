//! `GET /_sandbox/ledger`: what the emulated Xendit account holds (payment requests with
//! their captures, payment methods, refunds).

use serde_json::{json, Value};

use super::State;

pub(super) fn entries(state: &State) -> Vec<Value> {
    let mut out = Vec::new();
    for p in state.payment_requests.values() {
        out.push(json!({
            "kind": "payment_request", "id": p.id, "reference": p.reference_id,
            "amount": p.amount, "currency": p.currency, "status": p.status,
            "captured": p.captured, "refunded": p.refunded,
        }));
        for c in &p.captures {
            out.push(json!({
                "kind": "capture", "id": c.id, "parent": p.id, "reference": c.reference_id,
                "amount": c.amount,
            }));
        }
    }
    for m in state.payment_methods.values() {
        out.push(json!({
            "kind": "payment_method", "id": m.id, "reference": m.reference_id, "status": m.status,
        }));
    }
    for r in state.refunds.values() {
        out.push(json!({
            "kind": "refund", "id": r.id, "parent": r.payment_request_id,
            "reference": r.reference_id, "amount": r.amount, "currency": r.currency,
            "status": r.status,
        }));
    }
    out
}
