//! `GET /_sandbox/ledger`: every Commerce Hub transaction (charges, captures, cancels,
//! refunds, tokenisations, verifications) with its running totals (in thousandths).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::Transaction;

pub(crate) fn entries(transactions: &HashMap<String, Transaction>) -> Vec<Value> {
    transactions
        .values()
        .map(|t| {
            json!({
                "kind": "transaction", "id": t.id, "type": format!("{:?}", t.kind).to_ascii_lowercase(),
                "parent": t.reference,
                "reference": t.merchant_transaction_id.as_ref().or(t.merchant_order_id.as_ref()),
                "idempotency_key": t.client_request_id,
                "amount": t.amount.as_ref().map(|a| a.milli),
                "currency": t.amount.as_ref().map(|a| a.currency.clone()),
                "status": t.state, "captured": t.captured, "refunded": t.refunded,
            })
        })
        .collect()
}
