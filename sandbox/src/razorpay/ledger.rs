//! `GET /_sandbox/ledger`: what the emulated Razorpay account holds (orders, customers,
//! payments, tokens, refunds, disputes).

use serde_json::{json, Value};

use super::State;

pub(super) fn entries(state: &State) -> Vec<Value> {
    let mut out = Vec::new();
    for o in state.orders.values() {
        out.push(json!({
            "kind": "order", "id": o.id, "reference": o.receipt, "amount": o.amount,
            "currency": o.currency,
        }));
    }
    for c in state.customers.values() {
        out.push(json!({"kind": "customer", "id": c.id, "reference": c.email}));
    }
    for p in state.payments.values() {
        out.push(json!({
            "kind": "payment", "id": p.id, "parent": p.order_id, "amount": p.amount,
            "currency": p.currency, "status": format!("{:?}", p.status),
            "captured": if p.captured { p.amount } else { 0 }, "refunded": p.amount_refunded,
        }));
    }
    for t in state.tokens.values() {
        out.push(json!({"kind": "token", "id": t.id, "parent": t.customer_id}));
    }
    for r in state.refunds.values() {
        out.push(json!({
            "kind": "refund", "id": r.id, "parent": r.payment_id, "reference": r.receipt,
            "amount": r.amount, "currency": r.currency,
        }));
    }
    for d in state.disputes.values() {
        out.push(json!({
            "kind": "dispute", "id": d.id, "parent": d.payment_id, "amount": d.amount,
            "currency": d.currency, "status": format!("{:?}", d.status),
        }));
    }
    out
}
