//! Refunds (Xendit Node SDK `Refund` API): `POST /refunds` answers `PENDING`, the refund
//! succeeds right after with a `refund.succeeded` callback; `GET /refunds/{id}` and
//! `GET /refunds?payment_request_id=`.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::amounts;
use super::{callback, new_id, now_iso, opt_metadata, opt_str, ApiError, ApiResult, State};
use crate::processor::Context;

const REASONS: [&str; 5] = [
    "FRAUDULENT",
    "DUPLICATE",
    "REQUESTED_BY_CUSTOMER",
    "CANCELLATION",
    "OTHERS",
];

#[derive(Clone, Debug)]
pub struct Refund {
    pub id: String,
    pub seq: u64,
    pub payment_request_id: String,
    pub payment_id: String,
    /// In hundredths.
    pub amount: i64,
    pub currency: &'static str,
    pub country: String,
    pub reference_id: Option<String>,
    pub reason: Option<String>,
    pub metadata: Value,
    pub status: &'static str,
    pub failure_code: Option<String>,
    pub channel_code: &'static str,
    pub payment_method_type: &'static str,
    pub created: String,
    pub updated: String,
}

impl Refund {
    /// The API object (Node SDK `Refund`).
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "payment_request_id": self.payment_request_id,
            "invoice_id": null,
            "payment_method_type": self.payment_method_type,
            "amount": amounts::to_json(self.amount),
            "channel_code": self.channel_code,
            "country": self.country,
            "currency": self.currency,
            "reference_id": self.reference_id,
            "status": self.status,
            "reason": self.reason,
            "failure_code": self.failure_code,
            "refund_fee_amount": null,
            "created": self.created,
            "updated": self.updated,
            "metadata": self.metadata,
        })
    }

    /// The `data` of `refund.*` callbacks (Python SDK `RefundCallback`): the payment is
    /// `payment_id`, the payment's own id.
    fn callback_data(&self) -> Value {
        json!({
            "id": self.id,
            "payment_id": self.payment_id,
            "invoice_id": null,
            "amount": amounts::to_json(self.amount),
            "payment_method_type": self.payment_method_type,
            "channel_code": self.channel_code,
            "currency": self.currency,
            "status": self.status,
            "reason": self.reason,
            "reference_id": self.reference_id,
            "failure_code": self.failure_code,
            "refund_fee_amount": null,
            "created": self.created,
            "updated": self.updated,
            "metadata": self.metadata,
        })
    }
}

/// `POST /refunds` with `payment_request_id`, optional `amount` (default: all that is left),
/// `currency`, `reason`, `reference_id`, `metadata`.
pub(super) fn create(state: &mut State, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    let pr_id = match opt_str(body, "", "payment_request_id")? {
        Some(id) if !id.trim().is_empty() => id,
        _ => {
            if body.get("invoice_id").is_some_and(|v| !v.is_null()) {
                return Err(ApiError::validation(
                    "invoice_id",
                    "invoice refunds are not available in the sandbox",
                ));
            }
            return Err(ApiError::required("payment_request_id"));
        }
    };
    let pr = state
        .payment_requests
        .get(&pr_id)
        .ok_or_else(|| ApiError::not_found("Payment request", &pr_id))?;
    if let Some(currency) = opt_str(body, "", "currency")? {
        if currency != pr.currency {
            return Err(ApiError::validation(
                "currency",
                format!("must be the payment's currency {}", pr.currency),
            ));
        }
    }
    let amount = amounts::parse(body, "", "amount", pr.currency, false)?;
    let reason = opt_str(body, "", "reason")?;
    if let Some(r) = &reason {
        if !REASONS.contains(&r.as_str()) {
            return Err(ApiError::validation(
                "reason",
                format!("must be one of {}", REASONS.join(", ")),
            ));
        }
    }
    let reference_id = opt_str(body, "", "reference_id")?;
    let metadata = opt_metadata(body)?;
    let channel_code = pr.channel_code(state);
    if let Some(code) = channel_code {
        let refundable_channel = state
            .payment_methods
            .get(&pr.payment_method_id)
            .and_then(|m| m.ewallet.as_ref())
            .is_some_and(|e| e.channel.refund);
        if !refundable_channel {
            return Err(ApiError::bad_request(
                "REFUND_NOT_SUPPORTED",
                format!("Refunds are not supported for the channel {code}"),
            ));
        }
    }
    if pr.captured == 0 {
        return Err(ApiError::bad_request(
            "INELIGIBLE_TRANSACTION",
            format!(
                "The payment request cannot be refunded in status {}",
                pr.status
            ),
        ));
    }
    let refundable = pr.refundable();
    if refundable == 0 {
        return Err(ApiError::bad_request(
            "MAXIMUM_REFUND_AMOUNT_REACHED",
            "The payment has been fully refunded already",
        ));
    }
    let amount = amount.unwrap_or(refundable);
    if amount > refundable {
        return Err(ApiError::bad_request(
            "REFUND_AMOUNT_EXCEEDED",
            format!(
                "The refund amount exceeds the refundable amount of {}",
                amounts::render(refundable)
            ),
        ));
    }
    let now = now_iso();
    let seq = state.seq + 1;
    let mut refund = Refund {
        id: new_id("rfd"),
        seq,
        payment_request_id: pr.id.clone(),
        payment_id: pr.payment_id.clone(),
        amount,
        currency: pr.currency,
        country: pr.country.clone(),
        reference_id,
        reason,
        metadata,
        status: "PENDING",
        failure_code: None,
        channel_code: channel_code.unwrap_or("CARDS"),
        payment_method_type: pr.method_type(state),
        created: now.clone(),
        updated: now,
    };
    let answer = refund.to_json();
    if let Some(pr) = state.payment_requests.get_mut(&pr_id) {
        pr.refunded += amount;
    }
    refund.status = "SUCCEEDED";
    refund.updated = now_iso();
    ctx.emit_webhooks(vec![callback("refund.succeeded", refund.callback_data())]);
    state.seq = seq;
    state.refunds.insert(refund.id.clone(), refund);
    Ok((StatusCode::CREATED, answer))
}

/// `GET /refunds/{id}`.
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let refund = state
        .refunds
        .get(id)
        .ok_or_else(|| ApiError::not_found("Refund", id))?;
    Ok((StatusCode::OK, refund.to_json()))
}

/// `GET /refunds?payment_request_id=&limit=`.
pub(super) fn list(state: &State, query: &[(String, String)]) -> ApiResult {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let mut found: Vec<&Refund> = state
        .refunds
        .values()
        .filter(|r| param("payment_request_id").is_none_or(|p| r.payment_request_id == p))
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.seq));
    let has_more = found.len() > limit;
    let data: Vec<Value> = found.into_iter().take(limit).map(Refund::to_json).collect();
    Ok((
        StatusCode::OK,
        json!({"data": data, "has_more": has_more, "links": []}),
    ))
}
