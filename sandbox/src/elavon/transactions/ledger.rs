//! `GET /_sandbox/ledger`: every Converge transaction with its completed / returned totals
//! (in cents) and tokens.

use serde_json::{json, Value};

use super::State;

pub(crate) fn entries(state: &State) -> Vec<Value> {
    let mut out: Vec<Value> = state
        .txns
        .values()
        .map(|t| {
            json!({
                "kind": "transaction", "id": t.id, "type": format!("{:?}", t.kind).to_ascii_lowercase(),
                "parent": t.parent, "reference": t.invoice, "amount": t.amount,
                "status": if t.approved { "approved" } else { "declined" },
                "captured": t.completed, "refunded": t.returned, "voided": t.reversed,
            })
        })
        .collect();
    for id in state.tokens.keys() {
        out.push(json!({"kind": "token", "id": id}));
    }
    out
}
