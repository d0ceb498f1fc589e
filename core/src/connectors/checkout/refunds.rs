//! Refunds (Checkout.com API reference, Payments > "Refund a payment", "Get payment
//! actions").
//!
//! * refund: `POST /payments/{id}/refunds` with the amount (full or partial). The answer is
//!   202 Accepted with an `action_id`, which is the refund id: the refund is `pending` until
//!   the `payment_refunded` / `payment_refund_declined` webhook or RSync.
//! * RSync: `GET /payments/{payment id}/actions`, a JSON **array** of actions, newest first.
//!   The refund is the element whose `id` is the refund's action id: `approved: true` →
//!   `success`, `approved: false` → `failure`, missing element or `approved` → `pending`.
//!   Actions carry their amount but no currency: when the refund's action has an amount, a
//!   second read, `GET /payments/{payment id}`, gives the payment's currency so the refund's
//!   amount can be reported. When that read fails, the refund's status is still reported,
//!   without an amount.

use serde_json::{json, Map, Value};

use super::payments::{checked_reference, decline_details};
use super::wire::{lenient_vec, Action, ActionAccepted, Payment};
use super::{errors, invalid_response, money_from_wire, parse_success, wire_amount, Checkout};
use crate::connector::single_exchange;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

pub(super) fn refund(
    c: &Checkout,
    req: &RefundRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let url = c.id_url(
        "payments",
        "connector_transaction_id",
        &req.connector_transaction_id,
        "/refunds",
    )?;
    let mut body = Map::new();
    body.insert("amount".into(), json!(wire_amount(&req.amount, "amount")?));
    if let Some(reference) = &req.merchant_refund_reference {
        body.insert(
            "reference".into(),
            json!(checked_reference("merchant_refund_reference", reference)?),
        );
    }
    if !req.metadata.is_empty() {
        body.insert("metadata".into(), json!(req.metadata));
    }
    single_exchange(
        responses,
        || c.write_json(HttpMethod::Post, url, &Value::Object(body), cx.step_key(0)),
        |r| parse_refund_accepted(r, req),
    )
}

fn parse_refund_accepted(response: &HttpResponse, req: &RefundRequest) -> Result<RefundResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let accepted: ActionAccepted = parse_success(response, "refund answer")?;
    let action_id = accepted.action_id.ok_or_else(|| {
        invalid_response(
            response,
            "Checkout.com accepted the refund without an action_id (the refund id)",
        )
    })?;
    let mut r = RefundResponse::new(ConnectorName::Checkout, RefundStatus::Pending);
    r.connector_refund_id = Some(action_id);
    r.connector_transaction_id = Some(req.connector_transaction_id.trim().to_string());
    r.merchant_refund_reference = accepted
        .reference
        .or_else(|| req.merchant_refund_reference.clone());
    r.amount = Some(req.amount);
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

pub(super) fn get_refund(
    c: &Checkout,
    req: &RefundGetRequest,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let payment_id = req.connector_transaction_id.as_deref().ok_or_else(|| {
        Error::invalid_request(
            "connector_transaction_id",
            "Checkout.com lists a refund among its payment's actions: give the payment id (pay_...)",
        )
    })?;
    let url = c.id_url(
        "payments",
        "connector_transaction_id",
        payment_id,
        "/actions",
    )?;
    let payment_url = c.id_url("payments", "connector_transaction_id", payment_id, "")?;
    // By the refund's id, else by your reference (the refund action's `reference`).
    let wanted = match (&req.connector_refund_id, &req.merchant_refund_reference) {
        (None, Some(reference)) if !reference.trim().is_empty() => {
            Wanted::Reference(reference.trim())
        }
        _ => Wanted::Id(req.required_refund_id(ConnectorName::Checkout)?),
    };
    let payment_id = payment_id.trim();
    match responses {
        [] => Ok(Step::Send(c.get(url))),
        [actions] => match parse_actions(actions, payment_id, wanted)? {
            (_, Some(_)) => Ok(Step::Send(c.get(payment_url))),
            (result, None) => Ok(Step::Done(result)),
        },
        [actions, payment] => {
            let (mut result, amount) = parse_actions(actions, payment_id, wanted)?;
            let currency = payment
                .is_success()
                .then(|| serde_json::from_slice::<Payment>(payment.body.as_slice()).ok())
                .flatten()
                .and_then(|p| p.currency);
            result.amount = money_from_wire(amount, currency.as_deref());
            Ok(Step::Done(result))
        }
        _ => Err(Error::internal(
            "checkout rsync: more responses than requests",
        )),
    }
}

/// Which refund action RSync reads.
#[derive(Clone, Copy)]
enum Wanted<'a> {
    /// The action with this id (`act_...`); not listed yet means pending.
    Id(&'a str),
    /// The newest refund action with this `reference`; none means `not_found`.
    Reference(&'a str),
}

/// The refund's element of the actions array.
/// Also returns the action's amount (minor units, currency unknown).
fn parse_actions(
    response: &HttpResponse,
    payment_id: &str,
    wanted: Wanted<'_>,
) -> Result<(RefundResponse, Option<i64>)> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let value: Value = parse_success(response, "list of actions")?;
    if !value.is_array() {
        return Err(invalid_response(
            response,
            "Checkout.com's payment actions are not a JSON array",
        ));
    }
    let actions: Vec<Action> = lenient_vec(value).unwrap_or_default();
    let is_refund_action = |a: &Action| {
        a.kind
            .as_deref()
            .is_some_and(|k| k.trim().eq_ignore_ascii_case("refund"))
    };
    let (refund_id, action) = match wanted {
        Wanted::Id(id) => (
            id.to_string(),
            actions
                .into_iter()
                .find(|a| a.id.as_deref().map(str::trim) == Some(id)),
        ),
        // Actions are listed newest first.
        Wanted::Reference(reference) => {
            let found = actions.into_iter().find(|a| {
                is_refund_action(a) && a.reference.as_deref().map(str::trim) == Some(reference)
            });
            match found.and_then(|a| Some((a.id.clone()?, a))) {
                Some((id, a)) => (id, Some(a)),
                None => {
                    let mut e = Error::new(
                        ErrorCode::NotFound,
                        format!(
                            "Checkout.com payment {payment_id} has no refund with reference `{reference}`"
                        ),
                    );
                    e.http_status = Some(response.status);
                    return Err(e.with_request_id(response.request_id()));
                }
            }
        }
    };
    let refund_id = refund_id.as_str();
    let (status, action) = match action {
        None => (RefundStatus::Pending, None),
        Some(a) => {
            let is_refund = a
                .kind
                .as_deref()
                .is_none_or(|k| k.trim().eq_ignore_ascii_case("refund"));
            if !is_refund {
                return Err(Error::invalid_request(
                    "connector_refund_id",
                    format!(
                        "the action {refund_id} of payment {payment_id} is a {}, not a refund",
                        a.kind.as_deref().unwrap_or("")
                    ),
                ));
            }
            let status = match a.approved {
                Some(true) => RefundStatus::Success,
                Some(false) => RefundStatus::Failure,
                None => RefundStatus::Pending,
            };
            (status, Some(a))
        }
    };
    let mut r = RefundResponse::new(ConnectorName::Checkout, status);
    r.connector_refund_id = Some(refund_id.to_string());
    r.connector_transaction_id = Some(payment_id.to_string());
    let amount = action.as_ref().and_then(|a| a.amount);
    if let Some(a) = action {
        r.connector_status = a.response_summary.clone().or(a.response_code.clone());
        r.merchant_refund_reference = a.reference.clone();
        if status == RefundStatus::Failure {
            r.failure = Some(decline_details(
                a.response_code.as_deref(),
                a.response_summary.as_deref(),
                a.processing.as_ref(),
            ));
        }
    }
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok((r, amount))
}
