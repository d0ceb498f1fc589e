//! `GET /_sandbox/ledger`: what the emulated Checkout.com account holds (payments with their
//! actions and totals, stored instruments, disputes).

use serde_json::{json, Value};

use super::State;

pub(super) fn entries(state: &State) -> Vec<Value> {
    let mut out = Vec::new();
    for p in state.payments.values() {
        out.push(json!({
            "kind": "payment", "id": p.id, "reference": p.reference, "amount": p.amount,
            "currency": p.currency, "status": format!("{:?}", p.status),
            "captured": p.total_captured, "refunded": p.total_refunded,
        }));
        for a in &p.actions {
            out.push(json!({
                "kind": format!("action:{}", a.kind.to_ascii_lowercase()), "id": a.id,
                "parent": p.id, "reference": a.reference, "amount": a.amount,
                "status": if a.approved { "approved" } else { "declined" },
            }));
        }
    }
    for id in state.sources.keys() {
        out.push(json!({"kind": "instrument", "id": id}));
    }
    for d in state.disputes.values() {
        out.push(json!({
            "kind": "dispute", "id": d.id, "parent": d.payment_id, "amount": d.amount,
            "currency": d.currency, "status": d.status,
        }));
    }
    out
}
