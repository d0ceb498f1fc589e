//! Refund (`POST /refunds`) and RSync (`GET /refunds/{id}`): the Xendit Node SDK
//! `CreateRefund` and `Refund` models.
//!
//! `SUCCEEDED` is `success`; `FAILED` and `CANCELLED` are `failure` (a result with the
//! `failure_code`, not an error); `PENDING` and `REQUIRES_ACTION` are `pending`, as is a status
//! this connector does not know.

use serde_json::{Map, Value};

use super::amounts::{from_wire, to_wire};
use super::errors::{self, invalid_response, parse_success};
use super::wire::{OperationStatus, Refund};
use crate::error::Result;
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::types::*;

/// The `POST /refunds` body. The amount is always sent (a full refund is a refund of the
/// whole amount).
pub(super) fn refund_body(req: &RefundRequest) -> Result<Value> {
    let mut body = Map::new();
    body.insert(
        "payment_request_id".into(),
        req.connector_transaction_id.trim().into(),
    );
    if let Some(reference) = req
        .merchant_refund_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        body.insert("reference_id".into(), reference.into());
    }
    body.insert("amount".into(), to_wire(&req.amount, "amount")?);
    body.insert("currency".into(), req.amount.currency.code().into());
    body.insert("reason".into(), reason(req.reason).into());
    if !req.metadata.is_empty() {
        body.insert("metadata".into(), serde_json::json!(req.metadata));
    }
    Ok(Value::Object(body))
}

/// Xendit's refund `reason` enum: `FRAUDULENT`, `DUPLICATE`, `REQUESTED_BY_CUSTOMER`,
/// `CANCELLATION`, `OTHERS`.
pub(super) fn reason(reason: Option<RefundReason>) -> &'static str {
    match reason {
        Some(RefundReason::Fraud) => "FRAUDULENT",
        Some(RefundReason::Duplicate) => "DUPLICATE",
        Some(RefundReason::CustomerRequest) | Some(RefundReason::Return) => "REQUESTED_BY_CUSTOMER",
        Some(RefundReason::Other) | None => "OTHERS",
    }
}

/// The unified status of a refund `status`.
pub(super) fn refund_status(status: &OperationStatus) -> RefundStatus {
    match status {
        OperationStatus::Succeeded => RefundStatus::Success,
        OperationStatus::Failed | OperationStatus::Cancelled => RefundStatus::Failure,
        OperationStatus::Pending | OperationStatus::RequiresAction | OperationStatus::Other(_) => {
            RefundStatus::Pending
        }
    }
}

/// Reads a refund (refund and RSync); errors for non-2xx answers. `payment_request_id` is the
/// payment request the caller refunded or looks the refund up under, when known. The
/// transaction id is the answer's `payment_request_id`, else that one, else the payment the
/// answer names (`payment_id`, `py-...`/`ddpy-...`, as the Xendit Node SDK's published refund
/// answers do): this connector's transaction id is the payment request's (`pr-...`).
pub(super) fn parse_refund(
    response: &HttpResponse,
    payment_request_id: Option<&str>,
) -> Result<RefundResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let refund: Refund = parse_success(response, "refund")?;
    let raw_status = refund
        .status
        .clone()
        .ok_or_else(|| invalid_response(response, "Xendit's refund has no status"))?;
    let id = refund
        .id
        .clone()
        .ok_or_else(|| invalid_response(response, "Xendit's refund has no id"))?;
    let status = refund_status(&OperationStatus::parse(&raw_status));
    let mut r = RefundResponse::new(ConnectorName::Xendit, status);
    r.connector_refund_id = Some(id);
    r.connector_transaction_id = refund
        .payment_request_id
        .clone()
        .or_else(|| {
            payment_request_id
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string)
        })
        .or_else(|| refund.payment_reference());
    r.connector_status = Some(raw_status);
    r.merchant_refund_reference = refund.reference_id.clone();
    r.amount = from_wire(refund.amount.as_ref(), refund.currency.as_deref());
    if status == RefundStatus::Failure {
        r.failure = Some(DeclineDetails {
            code: refund.failure_code.clone(),
            ..DeclineDetails::default()
        });
    }
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}
