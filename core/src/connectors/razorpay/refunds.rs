//! Refund (`POST /v1/payments/{id}/refund`, Razorpay API reference, "Refunds > Create a Normal
//! Refund") and RSync (`GET /v1/refunds/{id}`, "Refunds > Fetch a Refund").

use serde_json::{json, Value};

use super::wire::{non_empty, RefundEntity};
use super::{errors, parse_success, response_money, wire_amount, Razorpay};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

pub(super) fn refund(
    c: &Razorpay,
    req: &RefundRequest,
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
            if let Some(receipt) = non_empty(req.merchant_refund_reference.clone()) {
                body["receipt"] = Value::String(receipt);
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
    single_exchange(
        responses,
        || {
            Ok(c.get(c.id_url(
                "refunds",
                "connector_refund_id",
                &req.connector_refund_id,
                "",
            )?))
        },
        |r| parse_refund(r, Some(req.connector_refund_id.trim())),
    )
    .map_err(|e| e.with_references(None, None, Some(req.connector_refund_id.trim())))
}

/// Razorpay refund status into the unified one. `None` for an unknown status.
pub(super) fn refund_status(status: &str) -> Option<RefundStatus> {
    Some(match status {
        "processed" => RefundStatus::Success,
        // `created` is seen in practice before `pending`.
        "pending" | "created" => RefundStatus::Pending,
        "failed" => RefundStatus::Failure,
        _ => return None,
    })
}

/// The refund entity into a [`RefundResponse`]; errors for non-2xx answers. With `expected_id`,
/// an entity of another refund is an `invalid_response`.
fn parse_refund(response: &HttpResponse, expected_id: Option<&str>) -> Result<RefundResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let refund: RefundEntity = parse_success(response, "refund")?;
    let raw_status = non_empty(refund.status.clone())
        .ok_or_else(|| super::invalid_response(response, "Razorpay's refund has no status"))?;
    let status = refund_status(&raw_status).ok_or_else(|| {
        super::invalid_response(
            response,
            format!("unknown Razorpay refund status `{raw_status}`"),
        )
    })?;
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
    r.connector_status = Some(raw_status);
    r.merchant_refund_reference = non_empty(refund.receipt);
    r.amount = response_money(response, &refund.amount, refund.currency.as_deref())?;
    // A failed refund entity carries no error fields: `failure` stays empty.
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}
