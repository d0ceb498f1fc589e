//! Refunds (Razorpay API docs, "Refund — POST /v1/payments/{payment_id}/refund", Razorpay API docs, "RSync — GET /v1/refunds/{refund_id}"): normal refunds answer `processed`, instant (`optimum`) ones answer
//! `pending` and are processed right after; both emit `refund.created` then `refund.processed`.

use serde_json::{json, Map, Value};

use super::events::Event;
use super::payments::PaymentStatus;
use super::{
    collection, emit, now_s, ok, opt_int, opt_str, parse_notes, ApiError, ApiResult, State,
};
use crate::processor::Context;

#[derive(Clone, Debug)]
pub struct Refund {
    pub id: String,
    pub seq: u64,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub notes: Value,
    pub receipt: Option<String>,
    /// `normal` or `optimum`.
    pub speed_requested: &'static str,
    pub created_at: i64,
}

impl Refund {
    /// `speed_processed`: instant refunds are processed instantly.
    fn speed_processed(&self) -> &'static str {
        if self.speed_requested == "optimum" {
            "instant"
        } else {
            "normal"
        }
    }

    /// The refund entity with `status`.
    fn entity_with(&self, status: &str) -> Value {
        json!({
            "id": self.id,
            "entity": "refund",
            "amount": self.amount,
            "currency": self.currency,
            "payment_id": self.payment_id,
            "notes": self.notes,
            "receipt": self.receipt,
            "acquirer_data": {"arn": null},
            "created_at": self.created_at,
            "batch_id": null,
            "status": status,
            "speed_processed": self.speed_processed(),
            "speed_requested": self.speed_requested,
        })
    }

    /// The refund as it stands: processed.
    pub fn entity(&self) -> Value {
        self.entity_with("processed")
    }
}

/// `POST /v1/payments/{id}/refund` with optional `amount` (default: everything left), `speed`,
/// `notes`, `receipt`.
pub(super) fn create(
    state: &mut State,
    payment_id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let payment = state
        .payments
        .get(payment_id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    let amount = opt_int(body, "amount")?;
    let speed = match opt_str(body, "speed")?.as_deref() {
        None | Some("normal") => "normal",
        Some("optimum") => "optimum",
        Some(_) => return Err(ApiError::field("speed", "The selected speed is invalid.")),
    };
    let notes = parse_notes(body)?;
    let receipt = opt_str(body, "receipt")?;
    if receipt.as_ref().is_some_and(|r| r.chars().count() > 40) {
        return Err(ApiError::field(
            "receipt",
            "The receipt may not be greater than 40 characters.",
        ));
    }
    if !payment.captured {
        let message = if payment.status == PaymentStatus::Refunded {
            "The payment has been fully refunded already"
        } else {
            "Only captured payments can be refunded"
        };
        return Err(ApiError::bad_request(message, None));
    }
    let refundable = payment.refundable();
    if refundable == 0 {
        return Err(ApiError::bad_request(
            "The payment has been fully refunded already",
            None,
        ));
    }
    let amount = amount.unwrap_or(refundable);
    if amount <= 0 {
        return Err(ApiError::field("amount", "The amount is invalid"));
    }
    if amount > refundable {
        return Err(ApiError::field(
            "amount",
            "The refund amount provided is greater than amount captured and not yet refunded",
        ));
    }
    let currency = payment.currency.clone();
    let seq = state.next_seq();
    let refund = Refund {
        id: state.new_id("rfnd_"),
        seq,
        payment_id: payment_id.to_string(),
        amount,
        currency,
        notes,
        receipt,
        speed_requested: speed,
        created_at: now_s(),
    };
    let payment = state
        .payments
        .get_mut(payment_id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    payment.amount_refunded += amount;
    if payment.amount_refunded >= payment.amount {
        payment.status = PaymentStatus::Refunded;
    }
    let payment_entity = payment.entity();
    let answered_status = if speed == "optimum" {
        "pending"
    } else {
        "processed"
    };
    let answer = refund.entity_with(answered_status);
    emit(
        ctx,
        vec![
            Event::new(
                "refund.created",
                vec![
                    ("refund", answer.clone()),
                    ("payment", payment_entity.clone()),
                ],
            ),
            Event::new(
                "refund.processed",
                vec![("refund", refund.entity()), ("payment", payment_entity)],
            ),
        ],
    );
    state.refunds.insert(refund.id.clone(), refund);
    ok(&answer)
}

/// `GET /v1/refunds/{id}`, or `GET /v1/payments/{payment_id}/refunds/{id}`.
pub(super) fn get(state: &State, id: &str, payment_id: Option<&str>) -> ApiResult {
    if let Some(p) = payment_id {
        if !state.payments.contains_key(p) {
            return Err(ApiError::no_such_id(None));
        }
    }
    let refund = state
        .refunds
        .get(id)
        .filter(|r| payment_id.is_none_or(|p| p == r.payment_id))
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&refund.entity())
}

/// `GET /v1/payments/{id}/refunds`, newest first.
pub(super) fn list_for_payment(state: &State, payment_id: &str) -> ApiResult {
    if !state.payments.contains_key(payment_id) {
        return Err(ApiError::no_such_id(None));
    }
    let mut refunds: Vec<&Refund> = state
        .refunds
        .values()
        .filter(|r| r.payment_id == payment_id)
        .collect();
    refunds.sort_by_key(|x| std::cmp::Reverse(x.seq));
    ok(&collection(refunds.iter().map(|r| r.entity()).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::payments::test_payment;
    use super::*;

    fn add_refund(state: &mut State, payment_id: &str, receipt: Option<&str>) -> String {
        let seq = state.next_seq();
        let refund = Refund {
            id: state.new_id("rfnd_"),
            seq,
            payment_id: payment_id.to_string(),
            amount: 100,
            currency: "INR".into(),
            notes: json!([]),
            receipt: receipt.map(str::to_string),
            speed_requested: "normal",
            created_at: now_s(),
        };
        let id = refund.id.clone();
        state.refunds.insert(id.clone(), refund);
        id
    }

    #[test]
    fn payment_refunds_are_newest_first_with_their_receipts() {
        let mut state = State::new();
        let payment = test_payment(&mut state, "order_X", 50_000);
        let other = test_payment(&mut state, "order_X", 50_000);
        let first = add_refund(&mut state, &payment, Some("refund-1"));
        add_refund(&mut state, &other, Some("elsewhere"));
        let second = add_refund(&mut state, &payment, None);
        let third = add_refund(&mut state, &payment, Some("refund-3"));
        let response = list_for_payment(&state, &payment).unwrap();
        let answer: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(answer["entity"], "collection");
        assert_eq!(answer["count"], 3);
        let items = answer["items"].as_array().unwrap();
        let ids: Vec<&str> = items.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![third.as_str(), second.as_str(), first.as_str()]);
        assert_eq!(items[0]["receipt"], "refund-3");
        assert_eq!(items[1]["receipt"], Value::Null);
        assert_eq!(items[2]["receipt"], "refund-1");
        assert!(list_for_payment(&state, "pay_unknown").is_err());
    }
}
