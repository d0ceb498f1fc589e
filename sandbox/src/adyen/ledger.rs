//! `GET /_sandbox/ledger`: what the emulated Adyen account holds (payments with their
//! captured / refunded totals, stored payment methods, disputes).

use serde_json::{json, Value};

use super::State;

pub(super) fn entries(state: &State) -> Vec<Value> {
    let mut out = Vec::new();
    for p in state.payments.values() {
        out.push(json!({
            "kind": "payment", "id": p.psp, "reference": p.reference, "amount": p.value,
            "currency": p.currency, "status": format!("{:?}", p.status),
            "captured": p.captured, "refunded": p.refunded, "voided": p.cancelled,
        }));
    }
    for (id, s) in &state.stored {
        out.push(
            json!({"kind": "stored_payment_method", "id": id, "reference": s.shopper_reference}),
        );
    }
    for d in state.disputes.values() {
        out.push(json!({
            "kind": "dispute", "id": d.psp, "parent": d.payment_psp, "amount": d.value,
            "currency": d.currency, "status": format!("{:?}", d.status),
            "documents": d.documents.len(),
        }));
    }
    out
}
