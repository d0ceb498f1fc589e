//! Refund (`POST /v1/payments/{id}/refund`, Razorpay API reference, "Refunds > Create a Normal
//! Refund") and RSync (`GET /v1/refunds/{id}`, "Refunds > Fetch a Refund").

use serde_json::{json, Value};

use super::wire::{non_empty, Collection, RefundEntity};
use super::{
    checked_id, errors, parse_success, receipt, response_money, wire_amount, Razorpay, LIST_MAX,
};
use crate::connector::single_exchange;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

pub(super) fn refund(
    c: &Razorpay,
    req: &RefundRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let amount = wire_amount(&req.amount, "amount")?;
    single_exchange(
        responses,
        || {
            let url = c.id_url(
                "payments",
                "connector_transaction_id",
                &req.connector_transaction_id,
                "/refund",
            )?;
            // Normal speed: "optimum" (instant) refunds cost extra and are an account choice.
            let mut body = json!({"amount": amount, "speed": "normal"});
            // The receipt is what the refund can be found by (`refunds.get` with
            // `merchant_refund_reference`) when this call fails without an id: your reference,
            // else the call's idempotency key when it fits.
            match &req.merchant_refund_reference {
                Some(reference) => {
                    let receipt = receipt(reference, "merchant_refund_reference", "refund")?;
                    body["receipt"] = Value::String(receipt.to_string());
                }
                None => {
                    if let Ok(key) = receipt(&cx.idempotency_key, "idempotency_key", "refund") {
                        body["receipt"] = Value::String(key.to_string());
                    }
                }
            }
            if !req.metadata.is_empty() {
                body["notes"] = json!(req.metadata);
            }
            Ok(c.post_json(url, &body))
        },
        |r| parse_refund(r, None),
    )
    // The payment refunded: list its refunds before refunding again.
    .map_err(|e| e.with_references(None, Some(req.connector_transaction_id.trim()), None))
}

pub(super) fn get_refund(
    c: &Razorpay,
    req: &RefundGetRequest,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let Some(id) = req.connector_refund_id.as_deref() else {
        return refund_by_receipt(c, req, responses);
    };
    single_exchange(
        responses,
        || Ok(c.get(c.id_url("refunds", "connector_refund_id", id, "")?)),
        |r| parse_refund(r, Some(id.trim())),
    )
    .map_err(|e| e.with_references(None, None, Some(id.trim())))
}

/// RSync by your `merchant_refund_reference` (sent as the refund's `receipt`), for a refund
/// whose call failed without an id: `GET /v1/payments/{id}/refunds` (Razorpay API reference,
/// "Refunds > Fetch Multiple Refunds for a Payment"), then the newest refund with that receipt.
/// `not_found` when the payment has none: nothing was refunded under that reference.
fn refund_by_receipt(
    c: &Razorpay,
    req: &RefundGetRequest,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let reference = req
        .merchant_refund_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::invalid_request("connector_refund_id", "is required"))?;
    let payment = req.connector_transaction_id.as_deref().ok_or_else(|| {
        Error::invalid_request(
            "connector_transaction_id",
            "is required with merchant_refund_reference: Razorpay lists refunds under their payment",
        )
    })?;
    let payment = checked_id("connector_transaction_id", payment)?;
    single_exchange(
        responses,
        || {
            let url = c.id_url("payments", "connector_transaction_id", payment, "/refunds")?;
            Ok(c.get(format!("{url}?count={LIST_MAX}")))
        },
        |r| parse_refund_list(r, payment, reference),
    )
    .map_err(|e| e.with_references(None, Some(payment), None))
}

/// The refunds of one payment: the newest whose `receipt` is `reference`.
fn parse_refund_list(
    response: &HttpResponse,
    payment: &str,
    reference: &str,
) -> Result<RefundResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let list: Collection<RefundEntity> = parse_success(response, "refund collection")?;
    if let Some(other) = list
        .items
        .iter()
        .filter_map(|r| non_empty(r.payment_id.clone()))
        .find(|p| p != payment)
    {
        return Err(super::invalid_response(
            response,
            format!("Razorpay listed a refund of payment {other} for payment {payment}"),
        ));
    }
    let chosen = list
        .items
        .into_iter()
        .enumerate()
        .filter(|(_, r)| r.receipt.as_deref().map(str::trim) == Some(reference))
        // Razorpay lists the newest first: on equal timestamps, the earlier item wins.
        .max_by_key(|(i, r)| (r.created_at.unwrap_or(i64::MIN), std::cmp::Reverse(*i)))
        .map(|(_, r)| r);
    match chosen {
        Some(refund) => refund_from_entity(refund, response, None),
        None => {
            let mut e = Error::new(
                ErrorCode::NotFound,
                format!("Razorpay payment {payment} has no refund with receipt `{reference}`"),
            );
            e.http_status = Some(response.status);
            Err(e.with_request_id(response.request_id()))
        }
    }
}

/// Razorpay refund status into the unified one. A status this connector does not know is
/// `pending`: the refund exists and its outcome comes by RSync or webhook.
pub(super) fn refund_status(status: &str) -> RefundStatus {
    match status.trim().to_ascii_lowercase().as_str() {
        "processed" => RefundStatus::Success,
        // `created` is seen in practice before `pending`.
        "pending" | "created" => RefundStatus::Pending,
        "failed" => RefundStatus::Failure,
        _ => RefundStatus::Pending,
    }
}

/// The refund entity into a [`RefundResponse`]; errors for non-2xx answers. With `expected_id`,
/// an entity of another refund is an `invalid_response`.
fn parse_refund(response: &HttpResponse, expected_id: Option<&str>) -> Result<RefundResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let refund: RefundEntity = parse_success(response, "refund")?;
    refund_from_entity(refund, response, expected_id)
}

fn refund_from_entity(
    refund: RefundEntity,
    response: &HttpResponse,
    expected_id: Option<&str>,
) -> Result<RefundResponse> {
    // A refund entity without `status` (the refund mocks of the Razorpay Ruby and Python SDKs,
    // `fake_refund.json` and `refund_collection.json`, have none) is a refund that exists with
    // an outcome not stated: `pending` until RSync or a webhook says more.
    let raw_status = non_empty(refund.status.clone());
    let status = raw_status
        .as_deref()
        .map_or(RefundStatus::Pending, refund_status);
    let id = non_empty(refund.id)
        .ok_or_else(|| super::invalid_response(response, "Razorpay's refund has no id"))?;
    if let Some(expected) = expected_id.filter(|e| *e != id) {
        let mut e = Error::invalid_response(format!(
            "Razorpay answered with refund {id} to a request about refund {expected}"
        ));
        e.http_status = Some(response.status);
        return Err(e.with_request_id(response.request_id()));
    }
    let mut r = RefundResponse::new(ConnectorName::Razorpay, status);
    r.connector_refund_id = Some(id);
    r.connector_transaction_id = non_empty(refund.payment_id);
    r.connector_status = raw_status;
    r.merchant_refund_reference = non_empty(refund.receipt);
    r.amount = response_money(response, &refund.amount, refund.currency.as_deref())?;
    // A failed refund entity carries no error fields: `failure` stays empty.
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}
